"""Reading and writing fitted vintages (`calibration/fitted/<vintage>.toml`).

A fitted file holds, for each estimated register parameter, its value, standard error and
plausible range (5–95 % of draws from the plausible region); the history scales of unobserved
exogenous paths (used by back-casts only); a joint sample of the plausible region (for
ensembles); and the objective, date, data vintage, method and cost of the fit.
`westdev.parameters.load_fitted` reads the `[parameters]` values; the rest is read here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w


def fitted_dir() -> Path:
    """The package's folder of fitted vintages (a real folder in source and editable installs)."""
    return Path(str(resources.files("westdev.calibration").joinpath("fitted")))


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dotted, value in flat.items():
        node = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def write_fitted(path: str | Path, *, meta: Mapping[str, Any], parameters: Mapping[str, Mapping],
                 history: Mapping[str, Mapping], sample: pd.DataFrame) -> Path:
    """Write a fitted vintage atomically (a half-written file is never left behind)."""
    path = Path(path)
    doc = {
        "meta": dict(meta),
        "parameters": _nest(parameters),
        "history": {name: dict(v) for name, v in history.items()},
        "sample": {"names": list(sample.columns),
                   "values": [[round(float(x), 6) for x in row] for row in sample.to_numpy()]},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("# Written by `westdev calibrate`; do not edit by hand.\n" + tomli_w.dumps(doc),
                   encoding="utf-8")
    tmp.replace(path)
    return path


def read_fitted(vintage_or_path: str | Path) -> dict[str, Any]:
    """The whole fitted file of a vintage name (packaged) or a path; {} when none exists."""
    p = Path(vintage_or_path)
    if p.suffix != ".toml":
        p = fitted_dir() / f"{vintage_or_path}.toml"
    if not p.is_file():
        return {}
    return tomllib.loads(p.read_text(encoding="utf-8"))


def fitted_sample(vintage: str) -> pd.DataFrame:
    """The joint draws from the plausible region of a fitted vintage (empty when none)."""
    doc = read_fitted(vintage)
    s = doc.get("sample")
    if not s:
        return pd.DataFrame()
    return pd.DataFrame(np.asarray(s["values"], dtype=float), columns=s["names"])


def history_scales(vintage: str) -> dict[str, float]:
    """The fitted scales of unobserved exogenous paths of 2000–2019 ({} when none)."""
    return {name: float(v["value"]) for name, v in read_fitted(vintage).get("history", {}).items()}
