"""Global sensitivity analysis of an experiment's results with SALib (Sobol' and Morris).

The design comes from a ``sensitivity`` experiment (`westdev.experiments.spec`: ``[sample]
method = "sobol" | "morris"`` over ``[factors.*]``); its runs are read from the results store. Each
outcome ("Area:indicator") in each analysed year is one output (time series are analysed year by
year). With several replicates per design point the indices are computed on the replicate mean,
and `noise_share` reports how much of the output's variance is seed noise.

>>> import westdev.analysis.sensitivity as sa
>>> indices = sa.analyse("results/morris")            # a store made by `westdev sensitivity`
>>> sa.top_factors(indices, year=2035)                # the five largest mu* per outcome

Indices (tidy: ``method, outcome, year, factor, factor2, index, value, conf, note``):

- Sobol': ``S1`` (first order), ``ST`` (total), optionally ``S2`` (second order; ``factor2`` is
  the other factor), each with the half-width of its bootstrap confidence interval in ``conf``
  (``conf_level``, default 95 %). Small samples give negative estimates: they are sampling
  noise, flagged in ``note``.
- Morris: ``mu``, ``mu_star`` (with ``conf``), ``sigma``. Factors are sampled on the unit
  interval and mapped through their distributions, so elementary effects are per unit of each
  factor's range (a factor's mu* is in the outcome's units per its full range step).

**Telling signal from noise.** Every index carries its interval, ``lo`` and ``hi`` (value ∓
conf), and ``spans_zero`` (the interval includes 0: the sign, or for S1/ST the presence, of the
effect is not established). Morris ``mu_star`` rows also carry ``noise_floor``, the μ* a
*dummy factor* — one that does nothing — would show from seed noise alone: with ``R``
replicates per point and within-point variance s², an elementary effect of a dummy is the
difference of two replicate means over the step Δ = levels / (2 (levels − 1)), so its μ* is
E|N(0, 2 s² / (R Δ²))| = √(2/π) · √(2 s² / R) / Δ. ``above_noise`` is true when the whole
interval of μ* lies above that floor (for Sobol' indices: when the interval excludes 0). With
one replicate per point the floor is unknown (NaN) and ``above_noise`` follows ``spans_zero``.

An output that is constant across the sample (SALib would return NaN or zeros) is reported as
NaN with a note, not an error. A rare failed run does not void a study: Sobol' drops each
whole Saltelli block (a base sample with its cross-sampled rows) that holds a point without a
successful run, Morris each such trajectory, and the indices come from what remains; ``kept``
and ``dropped`` count the blocks or trajectories, and the note says what was dropped.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from westdev.errors import InputError
from westdev.experiments.experiment import Experiment
from westdev.experiments.spec import experiment_from_dict
from westdev.experiments.store import ResultsStore, read_results, read_runs, write_frame

COLUMNS = ["method", "outcome", "year", "factor", "factor2", "index", "value", "conf", "note",
           "kept", "dropped", "lo", "hi", "spans_zero", "noise_floor", "above_noise"]
NOISE_COLUMNS = ["outcome", "year", "points", "replicates", "within_var", "total_var",
                 "noise_share", "note"]


def experiment_of(store: ResultsStore | str | Path) -> Experiment:
    """The experiment recorded in a store's manifest."""
    store = store if isinstance(store, ResultsStore) else ResultsStore(store)
    request = store.manifest["request"]
    if "experiment" not in request:
        raise InputError("this store was not made by an experiment", file=str(
            store.path / "manifest.json"), field="request.experiment",
            allowed="a store written by westdev sweep or westdev sensitivity")
    return experiment_from_dict(request["experiment"], file=str(store.path / "manifest.json"),
                                base_dir=store.path)


def run_values(store: ResultsStore | str | Path, experiment: Experiment | None = None, *,
               outcomes: Sequence[str] | None = None,
               years: Sequence[int] | None = None) -> pd.DataFrame:
    """Outcome values of every successful run: ``point, replicate, run_id, outcome, year,
    value`` (only the requested rows are read from the store)."""
    store = store if isinstance(store, ResultsStore) else ResultsStore(store)
    exp = experiment or experiment_of(store)
    outcomes = list(outcomes or exp.outcomes)
    years = list(years or exp.years)
    areas = sorted({o.split(":", 1)[0] for o in outcomes})
    indicators = sorted({o.split(":", 1)[1] for o in outcomes})
    res = read_results(store.path, indicators=indicators, areas=areas, years=years)
    res = res.assign(outcome=res["area"].astype(str) + ":" + res["indicator"].astype(str))
    res = res[res["outcome"].isin(outcomes)]
    runs = read_runs(store.path)
    point = {rid: json.loads(js).get("point") for rid, js in
             zip(runs["run_id"], runs["inputs_json"], strict=True)}
    res = res.assign(point=res["run_id"].map(point))
    missing = sorted(set(outcomes) - set(res["outcome"]))
    if missing and not res.empty:
        have = sorted(set(read_results(store.path, years=years[:1])["indicator"]))
        raise InputError(f"outcome(s) {', '.join(missing)} are not in the results",
                         file=str(store.path), field="outputs.outcomes",
                         allowed="Area:indicator pairs present in the store, indicators: "
                         + ", ".join(have[:40]) + (" ..." if len(have) > 40 else ""))
    return res[["point", "replicate", "run_id", "outcome", "year", "value"]].reset_index(
        drop=True)


def analyse(store: ResultsStore | str | Path, experiment: Experiment | None = None, *,
            outcomes: Sequence[str] | None = None, years: Sequence[int] | None = None,
            num_resamples: int = 100, conf_level: float = 0.95) -> pd.DataFrame:
    """Sobol' or Morris indices per outcome and year (see the module docstring)."""
    store = store if isinstance(store, ResultsStore) else ResultsStore(store)
    exp = experiment or experiment_of(store)
    if exp.design not in ("sobol", "morris"):
        raise InputError(f"the experiment {exp.name!r} has a {exp.design} design",
                         file=exp.source, field="sample.method",
                         allowed="sobol or morris (sensitivity indices need their samplers' "
                         "designs)")
    values = run_values(store, exp, outcomes=outcomes, years=years)
    means = values.groupby(["outcome", "year", "point"])["value"].mean()
    floors = _noise_floors(exp, values)
    n_points = exp.n_points
    rows: list[dict[str, Any]] = []
    for outcome in list(outcomes or exp.outcomes):
        for year in list(years or exp.years):
            try:
                y_ser = means.loc[(outcome, year)]
            except KeyError:
                y_ser = pd.Series(dtype=float)
            y = np.full(n_points, np.nan)
            idx = y_ser.index.to_numpy(dtype=int)
            y[idx] = y_ser.to_numpy(dtype=float)
            if exp.design == "sobol":
                rows += _sobol(exp, y, outcome, year, num_resamples, conf_level)
            else:
                rows += _morris(exp, y, outcome, year, num_resamples, conf_level)
    return with_flags(pd.DataFrame(rows, columns=COLUMNS[:11]), floors)


def _noise_floors(exp: Experiment, values: pd.DataFrame) -> dict[tuple[str, int], float]:
    """(outcome, year) → the μ* of a dummy factor from seed noise alone (Morris with two or more
    replicates per point; see the module docstring)."""
    if exp.design != "morris" or values.empty:
        return {}
    reps = values.groupby(["outcome", "year", "point"])["value"]
    within = reps.var(ddof=1).groupby(level=["outcome", "year"]).mean()
    count = reps.count().groupby(level=["outcome", "year"]).mean()
    levels = int(exp.sample["levels"])
    delta = levels / (2.0 * (levels - 1))
    out = {}
    for key, s2 in within.items():
        r = float(count.get(key, np.nan))
        if np.isfinite(s2) and r >= 2:
            out[(str(key[0]), int(key[1]))] = float(
                np.sqrt(2.0 / np.pi) * np.sqrt(2.0 * s2 / r) / delta)
    return out


def with_flags(indices: pd.DataFrame,
               floors: dict[tuple[str, int], float] | None = None) -> pd.DataFrame:
    """The indices with ``lo``, ``hi``, ``spans_zero``, ``noise_floor`` and ``above_noise``
    (module docstring); also completes a table written before these columns existed."""
    out = indices.copy()
    value = out["value"].astype(float)
    conf = out["conf"].astype(float)
    out["lo"] = value - conf
    out["hi"] = value + conf
    out["spans_zero"] = (out["lo"] <= 0) & (out["hi"] >= 0)
    if floors is not None or "noise_floor" not in out:
        floors = floors or {}
        keys = zip(out["outcome"].astype(str), out["year"].astype(int), strict=True)
        floor = [floors.get(k, np.nan) for k in keys]
        out["noise_floor"] = np.where(out["index"] == "mu_star", floor, np.nan)
    floor = out["noise_floor"].astype(float)
    above = np.where(np.isfinite(floor), out["lo"] > floor, ~out["spans_zero"])
    out["above_noise"] = np.where(value.notna() & conf.notna(), above, False).astype(bool)
    return out


def _sobol(exp: Experiment, y: np.ndarray, outcome: str, year: int, num_resamples: int,
           conf_level: float) -> list[dict[str, Any]]:
    from SALib.analyze import sobol

    names = [f.name for f in exp.factors]
    second = bool(exp.sample["calc_second_order"])
    # Saltelli's design comes in blocks, one per base sample: A, the D rows A_B^i, (the D rows
    # B_A^i with second order) and B; the estimators need whole blocks, so a block with any
    # point without a successful run is dropped and the indices use the N − dropped others
    step = (2 if second else 1) * len(names) + 2
    blocks = y.reshape(-1, step)
    complete = ~np.isnan(blocks).any(axis=1)
    kept, dropped = int(complete.sum()), int((~complete).sum())
    y = blocks[complete].ravel()
    note = None
    if kept < 2:
        note = (f"{dropped} of {len(complete)} Saltelli blocks have a point without a "
                "successful run: too few blocks left, indices undefined")
    else:
        note = _problem(y)
    if note is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = sobol.analyze(exp.problem(), y, calc_second_order=second,
                                num_resamples=num_resamples, conf_level=conf_level,
                                seed=int(exp.sample["seed"]))
    drop_note = (f"{dropped} of {len(complete)} Saltelli blocks dropped (failed runs)"
                 if dropped and note is None else None)
    rows = []
    for j, name in enumerate(names):
        for index in ("S1", "ST"):
            value = np.nan if note else float(res[index][j])
            conf = np.nan if note else float(res[f"{index}_conf"][j])
            rows.append(_row("sobol", outcome, year, name, None, index, value, conf,
                             _join(note, drop_note, _negative(value)), kept, dropped))
    if second:
        for j, a in enumerate(names):
            for k in range(j + 1, len(names)):
                value = np.nan if note else float(res["S2"][j, k])
                conf = np.nan if note else float(res["S2_conf"][j, k])
                rows.append(_row("sobol", outcome, year, a, names[k], "S2", value, conf,
                                 _join(note, drop_note, _negative(value)), kept, dropped))
    return rows


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def _morris(exp: Experiment, y: np.ndarray, outcome: str, year: int, num_resamples: int,
            conf_level: float) -> list[dict[str, Any]]:
    from SALib.analyze import morris

    names = [f.name for f in exp.factors]
    x = exp.unit_sample()
    step = len(names) + 1
    complete = ~np.isnan(y).reshape(-1, step).any(axis=1)
    dropped = int((~complete).sum())
    res, note = None, None
    if not complete.any():
        note = "no complete trajectory: every trajectory has a point without a successful run"
    else:
        keep = np.repeat(complete, step)
        x, y = x[keep], y[keep]
        note = _problem(y)
    if note is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = morris.analyze(exp.problem(), x, y, num_resamples=num_resamples,
                                 conf_level=conf_level, num_levels=int(exp.sample["levels"]),
                                 seed=int(exp.sample["seed"]))
        if dropped:
            note = f"{dropped} of {len(complete)} trajectories dropped (failed runs)"
    rows = []
    for j, name in enumerate(names):
        for index in ("mu", "mu_star", "sigma"):
            value = conf = np.nan
            if res is not None:
                value = float(np.ma.filled(res[index], np.nan)[j])
                if index == "mu_star":
                    conf = float(np.ma.filled(res["mu_star_conf"], np.nan)[j])
            rows.append(_row("morris", outcome, year, name, None, index, value, conf, note,
                             int(complete.sum()), dropped))
    return rows


def _problem(y: np.ndarray) -> str | None:
    """Why indices cannot be computed for `y` (None when they can)."""
    if np.isnan(y).any():
        n = int(np.isnan(y).sum())
        return f"{n} of {len(y)} design points have no successful run: indices undefined"
    if len(y) == 0 or np.ptp(y) == 0.0:
        return "constant output: indices undefined (NaN)"
    return None


def _negative(value: float) -> str | None:
    if np.isfinite(value) and value < 0:
        return "negative estimate: sampling noise (raise n)"
    return None


def _row(method, outcome, year, factor, factor2, index, value, conf, note, kept,
         dropped) -> dict[str, Any]:
    return {"method": method, "outcome": outcome, "year": int(year), "factor": factor,
            "factor2": factor2, "index": index, "value": value, "conf": conf, "note": note,
            "kept": int(kept), "dropped": int(dropped)}


def noise_share(store: ResultsStore | str | Path, experiment: Experiment | None = None, *,
                outcomes: Sequence[str] | None = None,
                years: Sequence[int] | None = None) -> pd.DataFrame:
    """Share of each output's variance that is seed noise: within-point variance / total.

    ``within_var`` is the mean over design points of the variance across replicates (ddof 1),
    ``total_var`` the variance over all runs (ddof 1). Needs two or more replicates.
    """
    store = store if isinstance(store, ResultsStore) else ResultsStore(store)
    exp = experiment or experiment_of(store)
    values = run_values(store, exp, outcomes=outcomes, years=years)
    rows = []
    for outcome in list(outcomes or exp.outcomes):
        for year in list(years or exp.years):
            v = values[(values["outcome"] == outcome) & (values["year"] == year)]
            reps = v.groupby("point")["value"]
            within = reps.var(ddof=1).dropna()
            total = float(v["value"].var(ddof=1)) if len(v) > 1 else np.nan
            note = None
            if exp.replicates < 2:
                share, note = np.nan, "needs replicates >= 2"
            elif within.empty or not np.isfinite(total) or np.ptp(v["value"].to_numpy()) == 0:
                share, note = np.nan, "constant output: share undefined"
            else:
                share = float(within.mean()) / total
            rows.append({"outcome": outcome, "year": int(year),
                         "points": int(v["point"].nunique()), "replicates": exp.replicates,
                         "within_var": float(within.mean()) if not within.empty else np.nan,
                         "total_var": total, "noise_share": share, "note": note})
    return pd.DataFrame(rows, columns=NOISE_COLUMNS)


def top_factors(indices: pd.DataFrame, *, year: int | None = None, n: int = 5,
                index: str | None = None) -> pd.DataFrame:
    """The `n` largest factors per outcome in `year` (default: the last year) by mu* (Morris)
    or ST (Sobol'), with their intervals and whether they stand out from noise
    (``above_noise``)."""
    if indices.empty:
        return indices
    if "above_noise" not in indices:
        indices = with_flags(indices)
    year = int(indices["year"].max()) if year is None else year
    if index is None:
        index = "mu_star" if (indices["method"] == "morris").any() else "ST"
    sel = indices[(indices["year"] == year) & (indices["index"] == index)]
    sel = sel.sort_values(["outcome", "value"], ascending=[True, False], na_position="last")
    return sel.groupby("outcome", sort=False).head(n).reset_index(drop=True)


def write_analysis(store: ResultsStore | str | Path, indices: pd.DataFrame,
                   noise: pd.DataFrame | None = None) -> list[Path]:
    """Write ``sensitivity.parquet``, ``sensitivity.csv`` and ``noise_share.csv`` beside the
    results (atomically)."""
    path = store.path if isinstance(store, ResultsStore) else Path(store)
    written = [write_frame(indices, path / "sensitivity.parquet"),
               write_frame(indices, path / "sensitivity.csv")]
    if noise is not None:
        written.append(write_frame(noise, path / "noise_share.csv"))
    return written
