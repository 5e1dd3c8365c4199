"""Shared data helpers of the charts: normalise a tidy results table, quantile bands, notes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from westdev.analysis.summaries import MIN_BAND_RUNS
from westdev.charts import labels as L
from westdev.charts.style import finish
from westdev.errors import InputError

REQUIRED = ("year", "area", "indicator", "value")
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_POINT_RE = re.compile(r"-p(\d+)-r\d+$")


def tidy(results: pd.DataFrame, *, field: str = "results") -> pd.DataFrame:
    """The results with the store's columns: scenario, replicate, seed and run_id are added when
    missing (one simulate output is scenario 'run', replicate 0)."""
    if not isinstance(results, pd.DataFrame):
        raise InputError(f"expected a DataFrame, got {type(results).__name__}", field=field,
                         allowed="a tidy results table (ResultsStore.results or simulate "
                         "output)")
    missing = [c for c in REQUIRED if c not in results.columns]
    if missing:
        raise InputError(f"results lack the columns {missing}", field=field,
                         allowed="columns year, area, indicator, value (and scenario, "
                         "replicate, seed, run_id)")
    df = results
    add = {}
    if "scenario" not in df:
        add["scenario"] = "run"
    if "replicate" not in df:
        add["replicate"] = 0
    if add:
        df = df.assign(**add)
    if "seed" not in df:
        df = df.assign(seed=df["replicate"])
    if "run_id" not in df:
        df = df.assign(run_id=df["scenario"].astype(str) + "-r" + df["replicate"].astype(str))
    return df


def select(df: pd.DataFrame, indicators: Iterable[str] | None = None,
           areas: Iterable[str] | None = None) -> pd.DataFrame:
    mask = np.ones(len(df), dtype=bool)
    if indicators is not None:
        mask &= df["indicator"].isin(list(indicators)).to_numpy()
    if areas is not None:
        mask &= df["area"].isin(list(areas)).to_numpy()
    return df[mask]


def scenario_order(df: pd.DataFrame, scenarios: Sequence[str] | None = None) -> list[str]:
    """The scenarios to draw: the given ones (those present), else all in order of appearance."""
    present = list(dict.fromkeys(df["scenario"].astype(str))) if len(df) else []
    if scenarios is None:
        return present
    unknown = [s for s in scenarios if s not in present]
    if unknown and present:
        raise InputError(f"scenario(s) {', '.join(map(repr, unknown))} are not in the results",
                         field="scenarios", allowed=", ".join(present))
    return [s for s in scenarios if s in present]


def fan(rows: pd.DataFrame, quantiles: Sequence[float] = FAN_QUANTILES) -> pd.DataFrame:
    """Quantiles, mean and count of `value` across runs, by year (index: year)."""
    if rows.empty:
        return pd.DataFrame(columns=["n", "mean", *qcols(quantiles)])
    g = rows.groupby("year")["value"]
    q = g.quantile(list(quantiles)).unstack()
    q.columns = qcols(quantiles)
    out = pd.DataFrame({"n": g.count(), "mean": g.mean()}).join(q)
    return out.sort_index()


def qcols(quantiles: Sequence[float]) -> list[str]:
    return [f"q{round(q * 100):02d}" for q in quantiles]


def n_runs(df: pd.DataFrame, order: Sequence[str]) -> str:
    """Runs per scenario as text: '10' or '4–10'."""
    counts = [df.loc[df["scenario"] == s, "run_id"].nunique() for s in order]
    counts = [c for c in counts if c] or [0]
    lo, hi = min(counts), max(counts)
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def max_runs(df: pd.DataFrame, order: Sequence[str]) -> int:
    counts = [df.loc[df["scenario"] == s, "run_id"].nunique() for s in order]
    return max(counts or [0])


def final_year(df: pd.DataFrame, year: int | None, *, field: str = "year") -> int:
    """`year` if the results have it, else the last year (2035 when simulated)."""
    years = sorted(set(int(y) for y in df["year"].unique())) if len(df) else []
    if not years:
        raise InputError("no results to draw", field="results",
                         allowed="a results table with rows for the indicators drawn")
    if year is None:
        return years[-1]
    if int(year) not in years:
        raise InputError(f"no results in {year}", field=field,
                         allowed=f"a simulated year, {years[0]}–{years[-1]}")
    return int(year)


def mix_key(df: pd.DataFrame) -> pd.Series:
    """The policy mix of each row: the scenario, plus the design point of sweep runs
    (run ids ``<scenario>-pNNNN-rNNNN``)."""
    point = df["run_id"].astype(str).str.extract(_POINT_RE, expand=False)
    scen = df["scenario"].astype(str)
    return scen.where(point.isna(), scen + " p" + point.fillna("").str.lstrip("0").replace(
        "", "0"))


def scenario_note(order: Sequence[str], lang: str = "en") -> str:
    """'Scenarios: <titles>.' — each scenario's reader-facing title."""
    names = ("、" if lang == "zh" else ", ").join(L.scenario_label(s, lang) for s in order)
    if lang == "zh":
        return f"{L.text('scenarios', lang)}：{names}。"
    return f"{L.text('scenarios', lang)}: {names}."


def source_line(lang: str = "en", extra: str = "") -> str:
    src = L.text("source", lang)
    stop = "。" if lang == "zh" else "."
    return f"{src}; {extra}" if extra else f"{src}{stop}"


def join(parts: Sequence[str], lang: str = "en") -> str:
    """Sentences of a note joined (no spaces between Chinese sentences)."""
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


def band_note(df: pd.DataFrame, order: Sequence[str], lang: str = "en") -> str:
    """What the bands of a fan show: quantiles over the runs, or none for one run each."""
    if max_runs(df, order) > 1:
        return join([L.text("fan_note", lang, n=n_runs(df, order)),
                     few_runs_note(df, order, lang)], lang)
    return L.text("one_run_note", lang)


def few_runs_note(df: pd.DataFrame, order: Sequence[str], lang: str = "en") -> str:
    """A warning when bands rest on fewer runs than a 5–95 % band needs (`MIN_BAND_RUNS`);
    '' otherwise."""
    counts = [df.loc[df["scenario"] == s, "run_id"].nunique() for s in order]
    fewest = min((c for c in counts if c), default=0)
    if fewest <= 1 or fewest >= MIN_BAND_RUNS:
        return ""
    return L.text("few_runs_note", lang, n=fewest, need=MIN_BAND_RUNS)


def close_figure(fig, parts: Sequence[str], note: str | None, lang: str, *, own: bool,
                 handles: dict | None = None, legend_ax=None, title: str | None = None,
                 ncols: int | None = None) -> None:
    """Footnote (the chart's sentences, then the caller's `note`), legend and title on a figure
    the chart made itself; into a caller's Axes only the legend goes (on `legend_ax`). Legend
    keys that are scenario names are shown by their titles (`labels.scenario_label`)."""
    parts = [*parts, note] if note else list(parts)
    labels = [L.scenario_label(k, lang) for k in handles] if handles else None
    if own:
        finish(fig, join(parts, lang), lang=lang, title=title, ncols=ncols,
               legend_handles=list(handles.values()) if handles else None,
               legend_labels=labels)
    elif handles and legend_ax is not None:
        legend_ax.legend(list(handles.values()), labels)
