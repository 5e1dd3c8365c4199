"""Calibration and validation (docs/design.md §5): targets, screening, estimation, back-cast and
validation.

The folder ships the targets (`targets.toml`) and the fitted vintages (`fitted/<vintage>.toml`,
read by `westdev.inputs.parameters.load_parameters`). The public entry points:

- `load_targets`, `observed_frame`: the moments and the observed history they come from;
- `calibrate` (one vintage) and `calibrate_all` (CN2019 and CN2012 fits, out-of-sample
  validation, back-cast; the `westdev calibrate` command);
- `read_fitted`, `fitted_sample`, `history_scales`: what a fitted vintage holds;
- `run_backcast`/`analyse_backcast` and `run_validation`/`validate` for the two analyses alone.

It runs batches of the history scenarios and draws its own charts, so it sits beside the
experiments and the analysis; the experiments read the fitted vintages' uncertainty
(`fitted_file`), which imports nothing else from westdev.

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy``, ``westdev.economy``,
``westdev.experiments``, ``westdev.analysis`` and ``westdev.charts``.
"""

from __future__ import annotations

import importlib
from typing import Any

# names → the module that defines them; imported on first use, so that reading the package's
# data files (targets, fitted vintages) — which every scenario load does — stays cheap
_EXPORTS = {
    "analyse_backcast": "backcast", "run_backcast": "backcast",
    "fitted_sample": "fitted_file", "history_scales": "fitted_file", "read_fitted": "fitted_file",
    "observed_frame": "observed",
    "SETTINGS": "pipeline", "calibrate": "pipeline", "calibrate_all": "pipeline",
    "load_targets": "targets", "observed_values": "targets",
    "run_validation": "validation", "validate": "validation",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"westdev.calibration.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'westdev.calibration' has no attribute {name!r}")
