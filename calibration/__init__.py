"""Calibration and validation (DESIGN §5): targets, screening, estimation, back-cast, validation.

The folder ships the targets (`targets.toml`) and the fitted vintages (`fitted/<vintage>.toml`,
read by `westdev.parameters.load_parameters`). The public entry points:

- `load_targets`, `observed_frame`: the moments and the observed history they come from;
- `calibrate` (one vintage) and `calibrate_all` (CN2019 and CN2012 fits, out-of-sample
  validation, back-cast; the `westdev calibrate` command);
- `read_fitted`, `fitted_sample`, `history_scales`: what a fitted vintage holds;
- `run_backcast`/`analyse_backcast` and `run_validation`/`validate` for the two analyses alone.
"""

from __future__ import annotations

from westdev.calibration.backcast import analyse_backcast, run_backcast
from westdev.calibration.fitted_file import fitted_sample, history_scales, read_fitted
from westdev.calibration.observed import observed_frame
from westdev.calibration.pipeline import SETTINGS, calibrate, calibrate_all
from westdev.calibration.targets import load_targets, observed_values
from westdev.calibration.validation import run_validation, validate

__all__ = [
    "SETTINGS", "analyse_backcast", "calibrate", "calibrate_all", "fitted_sample",
    "history_scales", "load_targets", "observed_frame", "observed_values", "read_fitted",
    "run_backcast", "run_validation", "validate",
]
