"""Summaries of results stores for charts and reports: bands, goal probabilities, gap closed,
policy-minus-baseline deviations and the split of a package's effect and cost between levers.

Every function takes a results store (a `ResultsStore` or its directory) or a results
DataFrame (the store's tidy columns: ``run_id, scenario, replicate, seed, year, area,
indicator, value``) and returns a tidy DataFrame. From a store only the rows needed are read.

>>> import westdev.analysis.summaries as ws
>>> ws.bands("results/cmp", indicators=["west_east_ratio_income"], areas=["West"])
>>> ws.goal_probability("results/ensemble")                 # P(goal met in 2035) by scenario
>>> ws.goal_probability_curve("results/ensemble")           # P(ratio >= θ) over a θ grid
>>> ws.deviations("results/cmp", "guideline", "baseline")   # paired differences, with bands
>>> ws.split_effects("results/split")                       # one-at-a-time and Shapley splits

**The goal** (`westdev.policy.goal`). Each of the three West/East ratios
(``west_east_ratio_income``, ``west_east_ratio_public_services``,
``west_east_ratio_infrastructure``, area ``West``) meets the goal in a year when it is at least
θ; the goal is met when all three are. θ defaults to the thresholds recorded in the store's
manifest for each scenario (`DEFAULT_THETA`, 0.8, for a bare DataFrame).

**Common random numbers.** Runs of different scenarios with the same seed (replicate r of a
comparison, draw d and replicate r of an ensemble over several scenarios, every subset of a
decomposition) share their random draws; `deviations` and `split_effects` pair runs by
``(seed, replicate)`` and summarise the paired differences, which removes most seed noise.

**Splitting a package** (`split_effects`, runs from a ``decomposition`` experiment): v(S) is an
outcome with the package's levers in S switched on and the others at the base scenario's values,
per replicate (common random numbers).

- one-at-a-time *on*: effect of lever i = v({i}) − v(∅) (the lever alone, added to the base);
- one-at-a-time *off*: effect of lever i = v(N) − v(N∖{i}) (the lever removed from the full
  package N). The two differ when levers interact; the row ``interaction`` gives
  v(N) − v(∅) − Σ effects for each;
- Shapley: φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), exact over all
  2^n subsets for n ≤ 10 levers; for more levers the average of v(P_i ∪ {i}) − v(P_i) over
  sampled random orderings (P_i: the levers before i), an unbiased estimate whose spread
  falls as 1/√(orderings). The Shapley shares add up exactly to v(N) − v(∅).
- ``accounting`` (cost only): the package run's own per-lever cost indicators
  ``lever_cost_100m_yuan.<lever>`` (area China) minus the base run's, summed over the years.

The effect is an outcome in one year (default: the last); the cost is the total lever cost
(``China:lever_cost_100m_yuan.total``) summed over the simulated years after the start year.
Bands are quantiles across replicates of the per-replicate split.

**Noise, said.** Every summary says how many runs it rests on and why any were left out:
`bands` has ``n`` (runs with a value), ``n_missing`` (runs without one) and a ``note`` giving
the reason (e.g. `gap_closed` is undefined where the base-year ratio is already at or above
parity: its ``why`` column says so) and warning when a 5–95 % band rests on fewer than
`MIN_BAND_RUNS` runs (its quantiles are then little more than the lowest and highest run).
`deviations` and `split_effects` give the standard error of each mean and ``within_noise``:
true when the 95 % interval of the mean (Student's t over the replicate pairs) includes 0, or
when a single replicate leaves the noise unknown — such an effect is not a finding.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from westdev.errors import InputError
from westdev.experiments.designs import MAX_EXACT_SHAPLEY, sampled_permutations
from westdev.experiments.store import ResultsStore, read_results, read_runs
from westdev.policy.goal import (
    DEFAULT_THETA,
    DIMENSIONS,
    GOAL_AREA,
    GOAL_MET,
    GOAL_YEAR,
    OUTCOMES,
    RATIO_INDICATORS,
)

MIN_BAND_RUNS = 20  # a 5–95 % band from fewer runs is about their min–max
COST_PREFIX = "lever_cost_100m_yuan."
COST_TOTAL = "China:lever_cost_100m_yuan.total"
DEFAULT_QUANTILES = (0.05, 0.5, 0.95)
Source = ResultsStore | str | Path | pd.DataFrame


# ---------------------------------------------------------------------- reading
def results_frame(source: Source, *, indicators: Iterable[str] | None = None,
                  areas: Iterable[str] | None = None,
                  years: Iterable[int] | None = None) -> pd.DataFrame:
    """The results table of `source`, restricted to the given indicators, areas and years."""
    if isinstance(source, pd.DataFrame):
        df = source
        for col, sel in (("indicator", indicators), ("area", areas), ("year", years)):
            if sel is not None:
                df = df[df[col].isin(list(sel))]
        return df.reset_index(drop=True)
    path = source.path if isinstance(source, ResultsStore) else Path(source)
    return read_results(path, indicators=_list(indicators), areas=_list(areas),
                        years=_list(years))


def _list(sel: Iterable | None) -> list | None:
    if sel is None:
        return None
    return [sel] if isinstance(sel, str | int) else list(sel)


def _manifest(source: Source) -> dict[str, Any]:
    if isinstance(source, pd.DataFrame):
        return {}
    store = source if isinstance(source, ResultsStore) else ResultsStore(source)
    return store.manifest


def _quantile_columns(quantiles: Sequence[float]) -> list[str]:
    return [f"q{round(q * 100):02d}" if (q * 100).is_integer() else f"q{q * 100:g}"
            for q in quantiles]


# ---------------------------------------------------------------------- bands
def bands(source: Source, *, indicators: Iterable[str] | None = None,
          areas: Iterable[str] | None = None, years: Iterable[int] | None = None,
          quantiles: Sequence[float] = DEFAULT_QUANTILES,
          by: Sequence[str] = ("scenario", "year", "area", "indicator")) -> pd.DataFrame:
    """Mean, standard deviation and quantile bands over runs: ``by..., n, n_missing, mean, sd,
    q05, q50, q95, note`` (quantile columns follow `quantiles`).

    ``n`` counts the runs with a value, ``n_missing`` those without one (NaN); ``note`` says
    why they are missing (from a ``why`` column, as `gap_closed` writes) and warns when the
    band rests on fewer than `MIN_BAND_RUNS` runs.
    """
    df = results_frame(source, indicators=indicators, areas=areas, years=years)
    by = list(by)
    cols = _quantile_columns(quantiles)
    if df.empty:
        return pd.DataFrame(columns=[*by, "n", "n_missing", "mean", "sd", *cols, "note"])
    g = df.groupby(by, sort=True)["value"]
    out = g.agg(n="count", size="size", mean="mean", sd="std")
    out.insert(1, "n_missing", out.pop("size") - out["n"])
    q = g.quantile(list(quantiles)).unstack()
    q.columns = cols
    out = out.join(q)
    why = (df[df["value"].isna()].groupby(by)["why"].agg(lambda s: "; ".join(
        sorted({str(w) for w in s.dropna()}))) if "why" in df else None)
    notes = []
    for key, row in out.iterrows():
        parts = []
        if row["n_missing"]:
            reason = why.get(key, "") if why is not None else ""
            total = int(row["n"] + row["n_missing"])
            parts.append(f"{int(row['n_missing'])} of {total} runs have no value"
                         + (f" ({reason})" if reason else ""))
        if 1 < row["n"] < MIN_BAND_RUNS:
            parts.append(f"{int(row['n'])} runs: the 5–95 % band is about their min–max")
        notes.append("; ".join(parts) or None)
    out["note"] = notes
    return out.reset_index()


# ---------------------------------------------------------------------- goal
def _thresholds(source: Source, theta: float | Mapping[str, float] | None,
                scenarios: Iterable[str]) -> dict[str, dict[str, float]]:
    """θ per scenario and dimension: the argument, else the manifest's, else the default."""
    if theta is not None:
        th = theta if isinstance(theta, Mapping) else {k: float(theta) for k in DIMENSIONS}
        return {s: {k: float(th.get(k, DEFAULT_THETA)) for k in DIMENSIONS} for s in scenarios}
    manifest = _manifest(source)
    per = manifest.get("goal_thresholds_by_scenario", {})
    default = manifest.get("goal_thresholds") or {}
    return {s: {k: float(per.get(s, default).get(k, DEFAULT_THETA)) for k in DIMENSIONS}
            for s in scenarios}


def _goal_table(source: Source, year: int) -> pd.DataFrame:
    """One row per run: scenario, run_id and the three ratios in `year` (+ goal_met if any)."""
    df = results_frame(source, indicators=[*RATIO_INDICATORS.values(), GOAL_MET], areas=[GOAL_AREA],
                       years=[year])
    if df.empty:
        raise InputError(f"no goal ratios in {year}", field="year",
                         allowed=f"a year the runs simulated (the goal year is {GOAL_YEAR})")
    wide = df.pivot_table(index=["scenario", "run_id"], columns="indicator", values="value",
                          aggfunc="first")
    return wide.reset_index()


def goal_probability(source: Source, *, year: int = GOAL_YEAR,
                     theta: float | Mapping[str, float] | None = None) -> pd.DataFrame:
    """Probability of meeting the goal by scenario: ``scenario, dimension, theta, probability,
    n, se`` with one row per dimension (income, public_services, infrastructure) and ``all``.

    ``all`` is the share of runs with ``goal_2035_met = 1`` (the model's own test with the
    scenario's θ) when θ is not given and the indicator is there; otherwise the share of runs
    with all three ratios ≥ θ. ``se`` is the binomial standard error √(p(1−p)/n).
    """
    wide = _goal_table(source, year)
    ths = _thresholds(source, theta, wide["scenario"].unique())
    rows = []
    for scenario, g in wide.groupby("scenario", sort=True):
        th = ths[scenario]
        met_all = np.ones(len(g), dtype=bool)
        for dim, ind in RATIO_INDICATORS.items():
            ok = (g[ind] >= th[dim]).to_numpy() if ind in g else np.zeros(len(g), bool)
            met_all &= ok
            rows.append(_prob_row(scenario, dim, th[dim], ok))
        if theta is None and GOAL_MET in g and g[GOAL_MET].notna().all():
            met_all = (g[GOAL_MET] == 1.0).to_numpy()
        th_all = th["income"] if len(set(th.values())) == 1 else float("nan")
        rows.append(_prob_row(scenario, "all", th_all, met_all))
    return pd.DataFrame(rows, columns=["scenario", "dimension", "theta", "probability", "n",
                                       "se"])


def _prob_row(scenario: str, dim: str, theta: float, ok: np.ndarray) -> dict[str, Any]:
    n = len(ok)
    p = float(ok.mean()) if n else float("nan")
    se = math.sqrt(p * (1 - p) / n) if n else float("nan")
    return {"scenario": scenario, "dimension": dim, "theta": theta, "probability": p, "n": n,
            "se": se}


def goal_probability_curve(source: Source, *, thetas: Sequence[float] | None = None,
                           year: int = GOAL_YEAR) -> pd.DataFrame:
    """P(ratio ≥ θ) over a grid of θ (default 0.50, 0.51, …, 1.20), by scenario and dimension
    (``all``: all three ratios ≥ θ): ``scenario, dimension, theta, probability, n``."""
    grid = np.round(np.arange(0.5, 1.2 + 1e-9, 0.01), 2) if thetas is None else \
        np.asarray(list(thetas), dtype=float)
    wide = _goal_table(source, year)
    rows = []
    for scenario, g in wide.groupby("scenario", sort=True):
        ratios = {dim: g[ind].to_numpy() if ind in g else np.full(len(g), np.nan)
                  for dim, ind in RATIO_INDICATORS.items()}
        ratios["all"] = np.nanmin(np.vstack(list(ratios.values())), axis=0) \
            if len(g) else np.array([])
        for dim, r in ratios.items():
            ok = r[:, None] >= grid[None, :]
            probs = ok.mean(axis=0) if len(r) else np.full(len(grid), np.nan)
            rows += [{"scenario": scenario, "dimension": dim, "theta": float(t),
                      "probability": float(p), "n": len(r)} for t, p in zip(grid, probs,
                                                                            strict=True)]
    return pd.DataFrame(rows, columns=["scenario", "dimension", "theta", "probability", "n"])


def gap_closed(source: Source, *, base_year: int | None = None,
               indicators: Iterable[str] = tuple(RATIO_INDICATORS.values()),
               area: str = GOAL_AREA) -> pd.DataFrame:
    """Share of the base-year gap closed, per run and year: (ratio_t − ratio_b)/(1 − ratio_b).

    The base year defaults to each run's first year (2019 for projections). Returned in the
    results layout with indicators ``gap_closed.<ratio>``, so `bands` summarises it (and says
    how many runs it left out). A ratio already ≥ 1 in the base year has no gap: NaN, with the
    reason in the ``why`` column.
    """
    df = results_frame(source, indicators=list(indicators), areas=[area])
    if df.empty:
        return df
    first = df.groupby(["run_id", "indicator"])["year"].transform("min") \
        if base_year is None else pd.Series(base_year, index=df.index)
    base = df[df["year"] == first][["run_id", "indicator", "value"]].rename(
        columns={"value": "base"})
    out = df.merge(base, on=["run_id", "indicator"], how="left")
    gap = 1.0 - out["base"]
    out["value"] = np.where(gap > 0, (out["value"] - out["base"]) / gap.where(gap > 0), np.nan)
    out["why"] = np.where(out["base"].isna(), "no base-year value",
                          np.where(gap > 0, None, "base-year ratio at or above parity: no gap"))
    out["why"] = out["why"].where(out["value"].isna(), None)
    out["indicator"] = "gap_closed." + out["indicator"].astype(str)
    return out.drop(columns="base")


# ---------------------------------------------------------------------- deviations
def deviations(source: Source, policy: str, baseline: str = "baseline", *,
               indicators: Iterable[str] | None = None, areas: Iterable[str] | None = None,
               years: Iterable[int] | None = None,
               quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
    """Policy minus baseline, paired by (seed, replicate) — common random numbers.

    Returns ``policy, baseline, year, area, indicator, n_pairs, mean, sd, se, t, q05, q50,
    q95, within_noise``: summaries over pairs of the paired difference (``t`` = mean / se;
    ``within_noise``: the 95 % interval of the mean includes 0, or one pair only).
    """
    df = results_frame(source, indicators=indicators, areas=areas, years=years)
    names = set(df["scenario"].unique()) if not df.empty else set()
    for name, field in ((policy, "policy"), (baseline, "baseline")):
        if name not in names:
            raise InputError(f"scenario {name!r} is not in the results", field=field,
                             allowed=", ".join(sorted(names)) or "a store with results")
    key = ["seed", "replicate", "year", "area", "indicator"]
    a = df[df["scenario"] == policy][[*key, "value"]]
    b = df[df["scenario"] == baseline][[*key, "value"]]
    pairs = a.merge(b, on=key, suffixes=("_policy", "_baseline"))
    if pairs.empty:
        raise InputError(f"no runs of {policy!r} and {baseline!r} share a seed", field="policy",
                         allowed="scenarios run with common random numbers (compare, or an "
                         "ensemble/decomposition over several scenarios)")
    pairs["diff"] = pairs["value_policy"] - pairs["value_baseline"]
    g = pairs.groupby(["year", "area", "indicator"], sort=True)["diff"]
    out = g.agg(n_pairs="count", mean="mean", sd="std")
    out["se"] = out["sd"] / np.sqrt(out["n_pairs"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["t"] = out["mean"] / out["se"]
    q = g.quantile(list(quantiles)).unstack()
    q.columns = _quantile_columns(quantiles)
    out = out.join(q).reset_index()
    out["within_noise"] = within_noise(out["mean"], out["se"], out["n_pairs"])
    out.insert(0, "baseline", baseline)
    out.insert(0, "policy", policy)
    return out


def within_noise(mean: Any, se: Any, n: Any, level: float = 0.95) -> np.ndarray:
    """True where the `level` interval of a mean over `n` paired replicates (Student's t with
    n − 1 degrees of freedom) includes 0 — or where n < 2 leaves the noise unknown."""
    from scipy.stats import t as student

    mean, se, n = (np.asarray(x, dtype=float) for x in (mean, se, n))
    with np.errstate(invalid="ignore"):
        half = student.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * se
        inside = np.abs(mean) <= half
    return np.where((n >= 2) & np.isfinite(half), inside, True).astype(bool)


# ---------------------------------------------------------------------- cooperative splits
def shapley_exact(values: Mapping[frozenset, Any], players: Sequence[str]) -> dict[str, Any]:
    """Exact Shapley values from v(S) for every subset S of `players` (values may be arrays).

    φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)).
    """
    n = len(players)
    phi: dict[str, Any] = {}
    for p in players:
        others = [q for q in players if q != p]
        total = 0.0
        for k in range(n):
            w = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            for combo in itertools.combinations(others, k):
                s = frozenset(combo)
                total = total + w * (values[s | {p}] - values[s])
        phi[p] = total
    return phi


def shapley_sampled(values: Mapping[frozenset, Any],
                    permutations: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Shapley estimate: mean marginal contribution of each player over sampled orderings."""
    players = list(permutations[0])
    phi: dict[str, Any] = {p: 0.0 for p in players}
    for perm in permutations:
        before: frozenset = frozenset()
        for p in perm:
            phi[p] = phi[p] + values[before | {p}] - values[before]
            before = before | {p}
    return {p: v / len(permutations) for p, v in phi.items()}


def one_at_a_time(values: Mapping[frozenset, Any], players: Sequence[str]) -> dict[str, dict]:
    """``{"on": {i: v({i}) − v(∅)}, "off": {i: v(N) − v(N∖{i})}}``; a side is left out when
    `values` lacks one of its subsets (e.g. parts run alone but never left out)."""
    full, empty = frozenset(players), frozenset()
    out: dict[str, dict] = {}
    if all(frozenset([p]) in values for p in players):
        out["on"] = {p: values[frozenset([p])] - values[empty] for p in players}
    if all(full - {p} in values for p in players):
        out["off"] = {p: values[full] - values[full - {p}] for p in players}
    return out


def split_effects(source: Source, *, outcomes: Sequence[str] | None = None,
                  year: int | None = None, cost: str | None = COST_TOTAL,
                  levers: Sequence[str] | None = None,
                  subsets: Mapping[str, Iterable[str]] | None = None,
                  permutations: Sequence[Sequence[str]] | None = None,
                  quantiles: Sequence[float] = (0.05, 0.95)) -> pd.DataFrame:
    """Split a package's effect and cost between its levers (see the module docstring).

    From a decomposition store everything is read from the manifest and the runs' design
    points. From a DataFrame give `levers` (the package's levers) and `subsets` (scenario name
    → the levers switched on in it); `permutations` only for a sampled Shapley estimate.

    Returns ``method, outcome, lever, mean, <quantile columns>, n, sd, se, within_noise,
    note`` where method is ``shapley``, ``oat_on`` (needs every lever alone), ``oat_off``
    (needs every lever left out) or ``accounting``; lever
    ``total`` is v(N) − v(∅) and ``interaction`` (one-at-a-time only) the part the single-lever
    effects leave out. The spread is across replicates (common random numbers);
    ``within_noise`` marks a mean whose 95 % interval includes 0 (or n = 1): not a finding.
    """
    manifest = _manifest(source)
    exp_req = manifest.get("request", {}).get("experiment")
    if levers is None or subsets is None:
        if exp_req is None or "decomposition" not in exp_req:
            raise InputError("split_effects needs a decomposition store, or levers and subsets",
                             field="source", allowed="a store made by a [decomposition] "
                             "experiment (westdev.api.decompose)")
        levers = list(exp_req["decomposition"]["levers"])
        runs = read_runs(source.path if isinstance(source, ResultsStore) else source)
        subsets = {}
        for name, js in zip(runs["scenario"], runs["inputs_json"], strict=True):
            point = json.loads(js).get("design_point", {})
            subsets[name] = [k.split(".", 1)[1] for k in point if k.startswith("levers.")]
        if permutations is None and len(levers) > MAX_EXACT_SHAPLEY:
            d = exp_req["decomposition"]
            permutations = sampled_permutations(levers, d["permutations"], d["seed"])
    levers = list(levers)
    mask = {name: frozenset(s) for name, s in subsets.items()}
    outcomes = list(outcomes) if outcomes is not None else list(OUTCOMES)
    items = [(o, "year") for o in outcomes] + ([(cost, "sum")] if cost else [])
    indicators = sorted({o.split(":", 1)[1] for o, _ in items} |
                        ({f"{COST_PREFIX}{lv}" for lv in levers} if cost else set()))
    df = results_frame(source, indicators=indicators)
    df = df[df["scenario"].isin(list(mask))]
    if df.empty:
        raise InputError("no results for the decomposition's scenarios", field="source")
    last = int(df["year"].max()) if year is None else int(year)
    first = int(df["year"].min())
    qcols = _quantile_columns(quantiles)
    rows: list[dict[str, Any]] = []
    for outcome, how in items:
        area, indicator = outcome.split(":", 1)
        sel = df[(df["area"] == area) & (df["indicator"] == indicator)]
        if how == "year":
            sel = sel[sel["year"] == last]
            label = f"{outcome}@{last}"
        else:
            sel = sel[sel["year"] > first]
            label = f"{outcome}@sum({first + 1}-{last})"
        v = sel.groupby(["scenario", "seed", "replicate"])["value"].sum().unstack("scenario")
        needed = [n for n in mask if n in v.columns]
        by_subset = {mask[n]: v[n] for n in needed}
        rows += _split_rows(label, by_subset, levers, permutations, qcols, quantiles)
        if how == "sum":
            rows += _accounting_rows(df, mask, levers, first, label, qcols, quantiles)
    cols = ["method", "outcome", "lever", "mean", *qcols, "n", "sd", "se", "within_noise",
            "note"]
    out = pd.DataFrame(rows, columns=cols)
    out["within_noise"] = within_noise(out["mean"], out["se"], out["n"])
    return out


def _split_rows(label: str, by_subset: Mapping[frozenset, pd.Series], levers: list[str],
                permutations: Sequence[Sequence[str]] | None, qcols: list[str],
                quantiles: Sequence[float]) -> list[dict[str, Any]]:
    full, empty = frozenset(levers), frozenset()
    rows: list[dict[str, Any]] = []
    if full not in by_subset or empty not in by_subset:
        return [_split_row("total", label, "total", None, qcols, quantiles,
                           "the full package or the base run is missing")]
    keys = list(by_subset)
    frame = pd.concat([by_subset[k] for k in keys], axis=1, keys=range(len(keys))).dropna()
    if frame.empty:
        return [_split_row("total", label, "total", None, qcols, quantiles,
                           "no replicate has every subset")]
    vals = {k: frame[i].to_numpy() for i, k in enumerate(keys)}
    total = vals[full] - vals[empty]
    rows.append(_split_row("total", label, "total", total, qcols, quantiles))
    split = one_at_a_time(vals, levers)
    for side in split:
        for p in levers:
            rows.append(_split_row(f"oat_{side}", label, p, split[side][p], qcols, quantiles))
        rows.append(_split_row(f"oat_{side}", label, "interaction",
                               total - sum(split[side].values()), qcols, quantiles))
    n = len(levers)
    if n <= 10 and len(vals) == 2 ** n:
        phi = shapley_exact(vals, levers)
        note = "exact"
    elif permutations is not None and all(
            frozenset(perm[:k]) in vals for perm in permutations for k in range(n + 1)):
        phi = shapley_sampled(vals, permutations)
        note = f"sampled: {len(permutations)} orderings"
    else:
        phi, note = None, None
    if phi is not None:
        for p in levers:
            rows.append(_split_row("shapley", label, p, phi[p], qcols, quantiles, note))
    return rows


def _accounting_rows(df: pd.DataFrame, mask: Mapping[str, frozenset], levers: list[str],
                     first: int, label: str, qcols: list[str],
                     quantiles: Sequence[float]) -> list[dict[str, Any]]:
    full = [n for n, s in mask.items() if s == frozenset(levers)]
    empty = [n for n, s in mask.items() if not s]
    if not full or not empty:
        return []
    rows = []
    sel = df[(df["area"] == "China") & (df["year"] > first)
             & df["scenario"].isin([full[0], empty[0]])]
    for p in levers:
        s = sel[sel["indicator"] == f"{COST_PREFIX}{p}"]
        v = s.groupby(["scenario", "seed", "replicate"])["value"].sum().unstack("scenario")
        if full[0] not in v or empty[0] not in v:
            continue
        d = (v[full[0]] - v[empty[0]]).dropna().to_numpy()
        rows.append(_split_row("accounting", label, p, d, qcols, quantiles,
                               "the model's own per-lever cost accounts, package minus base"))
    return rows


def _split_row(method: str, outcome: str, lever: str, values: Any, qcols: list[str],
               quantiles: Sequence[float], note: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"method": method, "outcome": outcome, "lever": lever, "note": note}
    arr = np.atleast_1d(np.asarray(values, dtype=float)) if values is not None else np.array([])
    row["mean"] = float(arr.mean()) if arr.size else float("nan")
    for col, q in zip(qcols, quantiles, strict=True):
        row[col] = float(np.quantile(arr, q)) if arr.size else float("nan")
    row["n"] = int(arr.size)
    row["sd"] = float(arr.std(ddof=1)) if arr.size > 1 else float("nan")
    row["se"] = row["sd"] / math.sqrt(arr.size) if arr.size > 1 else float("nan")
    return row
