"""The one place where policy design reads results stores.

Scenario discovery (`westdev.analysis.discovery`), robustness (`westdev.analysis.robustness`)
and the policy search (`westdev.design`) read stores only through `load`, which calls the
store's public readers (`westdev.experiments.store.read_results` with a selection of
indicators, areas and years, and `read_runs`). When the store gains a lazy
``ResultsStore.select(indicators=, areas=, years=, runs=)``, only this module changes.

`design_table` turns the runs table's ``inputs_json`` into one row per run with the inputs
that vary: the design point (levers, parameters, exogenous scales) and the levers a scenario
sets, plus the scenario name when a store holds several.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from westdev.errors import InputError
from westdev.experiments.store import ResultsStore, read_manifest, read_results, read_runs
from westdev.policy.catalogue import LEVERS

RUN_KEYS = ["run_id", "scenario", "replicate", "seed"]


@dataclass(frozen=True)
class StoreData:
    """What a store holds for the selection: tidy results, the runs table, the manifest."""

    path: Path
    results: pd.DataFrame  # run_id, scenario, replicate, seed, year, area, indicator, value
    runs: pd.DataFrame  # one row per run (ok and failed), with inputs_json
    manifest: dict[str, Any]

    @property
    def ok_runs(self) -> pd.DataFrame:
        """The runs whose status is 'ok'."""
        return self.runs[self.runs["status"] == "ok"].reset_index(drop=True)


def store_path(source: ResultsStore | str | Path) -> Path:
    """The directory of a store (a `ResultsStore` or a path)."""
    return source.path if isinstance(source, ResultsStore) else Path(source)


def load(source: ResultsStore | str | Path, *, indicators: Iterable[str] | None = None,
         areas: Iterable[str] | None = None, years: Iterable[int] | None = None) -> StoreData:
    """Read the selected rows of a store, its runs table and its manifest.

    `indicators`, `areas` and `years` select rows while reading (None: all). An `InputError`
    names the path when it is no store.
    """
    path = store_path(source)
    if not path.is_dir():
        raise InputError("no such results store", file=str(path),
                         allowed="a directory written by westdev run/compare/sweep/optimise")
    manifest = read_manifest(path)
    runs = read_runs(path)
    results = read_results(path, indicators=_list(indicators), areas=_list(areas),
                           years=_list(years))
    return StoreData(path, results, runs, manifest)


def _list(sel: Iterable | None) -> list | None:
    if sel is None:
        return None
    return [sel] if isinstance(sel, str | int) else list(sel)


# ---------------------------------------------------------------------- inputs per run
def final_value(value: Any) -> Any:
    """A lever or path value as one number: a constant as it is, a ``{year: value}`` schedule
    as its value in its last year (the level a phased measure reaches)."""
    if isinstance(value, Mapping):
        if not value:
            return None
        last = max(value, key=lambda y: int(y))
        return final_value(value[last])
    return value


def design_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per run (index run_id) with every input that varies between runs.

    Columns are factor names: ``levers.<area>.<key>`` (a schedule as its final value; a lever
    a run's scenario leaves at its 2019 value takes that value), ``parameters.<name>``,
    ``exogenous.<driver>.scale`` or ``exogenous.<driver>``, and ``scenario`` when the runs
    belong to more than one scenario. Numbers and on/off values become floats; choices stay
    strings. Inputs that take one value in every run are dropped.
    """
    rows: dict[str, dict[str, Any]] = {}
    for run_id, scenario, text in zip(runs["run_id"], runs["scenario"], runs["inputs_json"],
                                      strict=True):
        inputs = json.loads(text) if isinstance(text, str) and text else {}
        row: dict[str, Any] = {}
        for name, value in (inputs.get("levers") or {}).items():
            row[f"levers.{name}"] = final_value(value)
        for name, value in (inputs.get("design_point") or {}).items():
            if name != "name":
                row[name] = final_value(value)
        row["scenario"] = scenario
        rows[run_id] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "run_id"
    for col in list(table.columns):
        if col.startswith("levers.") and table[col].isna().any():
            table[col] = table[col].where(table[col].notna(), LEVERS[col[7:]].value_2019)
    keep = [c for c in table.columns if table[c].astype(str).nunique(dropna=False) > 1]
    table = table[keep]
    for col in table.columns:
        values = table[col]
        if values.map(lambda v: isinstance(v, bool)).all():
            table[col] = values.astype(float)
        elif col != "scenario" and values.map(lambda v: isinstance(v, int | float)).all():
            table[col] = values.astype(float)
        else:
            table[col] = values.astype(str)
    return table
