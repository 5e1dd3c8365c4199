"""Reading and writing fitted vintages (`calibration/fitted/<vintage>.toml`).

A fitted file holds, for each estimated register parameter, its value, standard error and
plausible range (5–95 % of draws from the plausible region); the history scales of unobserved
exogenous paths (used by back-casts only); and the objective, date, data vintage, method and
cost of the fit. A joint sample of the plausible region is written beside it
(`<vintage>.sample.csv`, one column per estimated parameter).
`westdev.inputs.parameters.load_fitted` reads the `[parameters]` values; the rest is read here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

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
    sample_path = path.with_name(f"{path.stem}.sample.csv")
    doc = {
        "meta": {**meta, "sample_file": sample_path.name, "sample_size": len(sample)},
        "parameters": _nest(parameters),
        "history": {name: dict(v) for name, v in history.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_csv = sample_path.with_suffix(".csv.tmp")
    sample.round(6).to_csv(tmp_csv, index=False)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("# Written by `westdev calibrate`; do not edit by hand.\n" + tomli_w.dumps(doc),
                   encoding="utf-8")
    tmp_csv.replace(sample_path)
    tmp.replace(path)
    return path


def _path(vintage_or_path: str | Path) -> Path:
    p = Path(vintage_or_path)
    return p if p.suffix == ".toml" else fitted_dir() / f"{vintage_or_path}.toml"


def read_fitted(vintage_or_path: str | Path) -> dict[str, Any]:
    """The whole fitted file of a vintage name (packaged) or a path; {} when none exists."""
    p = _path(vintage_or_path)
    if not p.is_file():
        return {}
    return tomllib.loads(p.read_text(encoding="utf-8"))


def fitted_sample(vintage_or_path: str | Path) -> pd.DataFrame:
    """The joint draws from the plausible region of a fitted vintage, one column per estimated
    parameter (the CSV beside the TOML; empty when none)."""
    doc = read_fitted(vintage_or_path)
    name = doc.get("meta", {}).get("sample_file")
    if not name:
        return pd.DataFrame()
    return pd.read_csv(_path(vintage_or_path).with_name(name))


def history_scales(vintage: str) -> dict[str, float]:
    """The fitted scales of unobserved exogenous paths of 2000–2019 ({} when none)."""
    return {name: float(v["value"]) for name, v in read_fitted(vintage).get("history", {}).items()}
