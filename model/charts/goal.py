"""Family (c): how likely is the goal, and how much of the gap is closed.

`plot_goal_probability` draws P(ratio ≥ θ) as a curve over θ for each goal dimension and for
all three together, by scenario, in the goal year (2035, or the last simulated year), with the
store's θ marked (`westdev.analysis.summaries.goal_probability_curve`). `plot_gap_closed` shows the
share of the start-year gap to the East closed by that year, per dimension and scenario
(`westdev.analysis.summaries.gap_closed`): median and 5–95 % across runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from westdev.analysis import summaries
from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.style import (
    GREY,
    ONE_COLUMN,
    TWO_COLUMN,
    colour_for,
    empty_panel,
    house_style,
    new_figure,
)
from westdev.policy.goal import DIMENSIONS, GOAL_AREA, GOAL_YEAR, RATIO_INDICATORS, theta_for

PROB_PANELS = (*DIMENSIONS, "all")


def _goal_year(df: pd.DataFrame, year: int | None) -> int:
    if year is not None:
        return D.final_year(df, year)
    years = set(int(y) for y in df["year"].unique())
    return GOAL_YEAR if GOAL_YEAR in years else D.final_year(df, None)


def plot_goal_probability(results: pd.DataFrame, *, year: int | None = None,
                          theta: float | Mapping[str, float] | None = None,
                          thetas: Sequence[float] | None = None,
                          scenarios: Sequence[str] | None = None,
                          colours: Mapping[str, str] | None = None,
                          ax: Sequence[Axes] | None = None, note: str | None = None,
                          lang: str = "en") -> Figure:
    """P(ratio ≥ θ) over θ, by scenario: one panel per dimension and one for all three.

    `results` is the tidy table, or a `westdev.analysis.summaries.goal_probability_curve` table.
    `year` defaults to 2035 (the last simulated year when the runs stop earlier); `theta` (a
    number or per dimension, e.g. a manifest's ``goal_thresholds``) is marked by a dashed
    line; `thetas` is the grid (default 0.50–1.20 in steps of 0.01, widened to cover every
    ratio of the year).
    """
    if {"theta", "probability", "dimension"} <= set(results.columns):
        curve = results
        order = D.scenario_order(curve, scenarios)
        year = year if year is not None else GOAL_YEAR
        df = None
    else:
        df = D.select(D.tidy(results), indicators=RATIO_INDICATORS.values(),
                      areas=[GOAL_AREA])
        year = _goal_year(df, year)
        order = D.scenario_order(df, scenarios)
        if thetas is None:  # 0.50–1.20, widened to every ratio of the year (steps of 0.01)
            at = df.loc[df["year"] == year, "value"]
            lo = min(0.5, math.floor((at.min() - 0.02) * 20) / 20) if len(at) else 0.5
            hi = max(1.2, math.ceil((at.max() + 0.02) * 20) / 20) if len(at) else 1.2
            thetas = np.round(np.arange(lo, hi + 1e-9, 0.01), 2)
        curve = summaries.goal_probability_curve(df, thetas=thetas, year=year)
    with house_style(lang):
        if ax is None:
            fig = new_figure(TWO_COLUMN, 4.6)
            axes = list(np.ravel(fig.subplots(2, 2, sharex=True, sharey=True)))
            own = True
        else:
            axes = list(np.ravel(ax))
            if len(axes) != 4:
                raise ValueError(f"ax must hold 4 Axes, got {len(axes)}")
            fig = axes[0].figure
            own = False
        handles: dict[str, object] = {}
        for i, (panel, key) in enumerate(zip(axes, PROB_PANELS, strict=True)):
            sub = curve[curve["dimension"] == key]
            for name in order:
                s = sub[sub["scenario"] == name].sort_values("theta")
                if s.empty:
                    continue
                (h,) = panel.plot(s["theta"], s["probability"],
                                  color=colour_for(name, order, colours), drawstyle="steps-mid")
                handles.setdefault(name, h)
            if key == "all":
                levels = sorted({theta_for(theta, k) for k in DIMENSIONS})
            else:
                levels = [theta_for(theta, key)]
            for level in levels:
                g = panel.axvline(level, color=GREY, linestyle="--", linewidth=0.9)
                handles.setdefault(L.text("goal_line", lang), g)
            if sub.empty:
                empty_panel(panel)
            panel.set_title(L.dimension_label(key, lang), loc="left")
            panel.set_ylim(-0.03, 1.03)
            panel.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
            panel.set_yticklabels(["0", "25 %", "50 %", "75 %", "100 %"])
            panel.grid(True, axis="x", color="#eeeeee", linewidth=0.5)
            if not own or i % 2 == 0:
                panel.set_ylabel(L.text("prob_y", lang))
            if not own or i >= 2:
                panel.set_xlabel(L.text("prob_x", lang))
        n = int(curve["n"].max()) if len(curve) else 0
        parts = [D.source_line(lang), D.scenario_note(order, lang),
                 L.text("prob_note", lang, n=n, year=year)]
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=axes[0],
                       title=L.text("prob_title", lang, year=year))
    return fig


def gap_closed_table(results: pd.DataFrame, *, year: int | None = None,
                     base_year: int | None = None) -> pd.DataFrame:
    """Share of the base-year gap closed in `year`, by scenario and dimension: ``scenario,
    dimension, year, base_year, n, q05, q50, q95, mean`` (shares, 1 = parity with the East)."""
    df = D.select(D.tidy(results), indicators=RATIO_INDICATORS.values(), areas=[GOAL_AREA])
    year = _goal_year(df, year)
    base = int(df["year"].min()) if base_year is None else int(base_year)
    gc = summaries.gap_closed(df, base_year=base)
    gc = gc[gc["year"] == year]
    rows = []
    for (scen, ind), g in gc.groupby(["scenario", "indicator"], sort=False):
        v = g["value"].dropna().to_numpy()
        key = next(k for k, i in RATIO_INDICATORS.items() if ind.endswith(i))
        q = np.quantile(v, [0.05, 0.5, 0.95]) if v.size else [np.nan] * 3
        rows.append({"scenario": scen, "dimension": key, "year": year, "base_year": base,
                     "n": int(v.size), "q05": q[0], "q50": q[1], "q95": q[2],
                     "mean": float(v.mean()) if v.size else np.nan})
    return pd.DataFrame(rows, columns=["scenario", "dimension", "year", "base_year", "n", "q05",
                                       "q50", "q95", "mean"])


def plot_gap_closed(results: pd.DataFrame, *, year: int | None = None,
                    base_year: int | None = None, scenarios: Sequence[str] | None = None,
                    colours: Mapping[str, str] | None = None, ax: Axes | None = None,
                    note: str | None = None, lang: str = "en") -> Figure:
    """Share of the start-year gap closed by `year` (default 2035 or the last year), per goal
    dimension (rows) and scenario (dots with 5–95 % bars); one-column figure."""
    if {"dimension", "q50", "base_year"} <= set(results.columns):
        table = results
        order = D.scenario_order(table, scenarios)
    else:
        df = D.tidy(results)
        order = D.scenario_order(D.select(df, areas=[GOAL_AREA]), scenarios)
        table = gap_closed_table(df, year=year, base_year=base_year)
    year = int(table["year"].iloc[0]) if len(table) else (year or GOAL_YEAR)
    base = int(table["base_year"].iloc[0]) if len(table) else (base_year or 2019)
    dims = list(DIMENSIONS)
    k = max(len(order), 1)
    with house_style(lang):
        if ax is None:
            fig = new_figure(ONE_COLUMN, 1.3 + 0.16 * k * len(dims) + 0.9)
            panel = fig.subplots()
            own = True
        else:
            panel, fig, own = ax, ax.figure, False
        handles = {}
        step = 0.8 / k
        for j, name in enumerate(order):
            c = colour_for(name, order, colours)
            for i, dim in enumerate(dims):
                row = table[(table["scenario"] == name) & (table["dimension"] == dim)]
                if row.empty or not np.isfinite(row["q50"].iloc[0]):
                    continue
                y = i - 0.4 + step * (j + 0.5)  # first scenario on top (inverted axis)
                r = row.iloc[0]
                panel.plot([100 * r["q05"], 100 * r["q95"]], [y, y], color=c, linewidth=1.2,
                           solid_capstyle="butt")
                panel.plot([100 * r["q50"]], [y], "o", color=c, markersize=4)
                handles.setdefault(name, Line2D([], [], color=c, marker="o", markersize=4))
        panel.axvline(0, color=GREY, linewidth=0.8)
        panel.axvline(100, color=GREY, linewidth=0.8, linestyle="--")
        panel.set_yticks(range(len(dims)))
        panel.set_yticklabels([_two_lines(L.dimension_label(d, lang)) for d in dims])
        panel.set_ylim(len(dims) - 0.5, -0.5)
        panel.grid(True, axis="x", color="#dddddd", linewidth=0.5)
        panel.grid(False, axis="y")
        panel.set_xlabel(L.text("gap_x", lang, base=base))
        if table.empty:
            empty_panel(panel)
        parts = [D.source_line(lang), D.scenario_note(order, lang),
                 L.text("gap_note", lang, base=base, year=year)]
        if not own:
            panel.set_title(L.text("gap_title", lang, base=base, year=year), loc="left")
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=panel,
                       ncols=min(len(handles), 3),
                       title=L.text("gap_title", lang, base=base, year=year))
    return fig


def _two_lines(label: str) -> str:
    """Break a long dimension label once, near its middle (for narrow tick labels)."""
    if "（" in label:
        return label.replace("（", "\n（")
    if " (" in label:
        return label.replace(" (", "\n(")
    words = label.split()
    if len(label) <= 14 or len(words) < 2:
        return label
    half = len(words) // 2
    return " ".join(words[:half]) + "\n" + " ".join(words[half:])
