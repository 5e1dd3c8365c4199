"""The 2035 goal chart: the three West/East ratios over time, per scenario.

One panel per goal dimension (income, basic public services, infrastructure access), each with
the mean across replicates as a line, the 5–95 % band across replicates and the threshold θ as a
dashed line; sized for a two-column report page. Colours are the Okabe–Ito palette (safe for
colour-blind readers and distinct in greyscale by lightness).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from westdev.charts import labels as L
from westdev.charts.style import NOTE_SIZE, OKABE_ITO, TWO_COLUMN, save_figure, wrap
from westdev.charts.style import STYLE as HOUSE_STYLE
from westdev.policy.goal import DIMENSIONS, GOAL_AREA, RATIO_INDICATORS, theta_for

__all__ = ["GOAL_RATIO_TITLES", "OKABE_ITO", "plot_goal_ratios", "save_figure"]

# ratio indicator → panel title, in the goal's order
GOAL_RATIO_TITLES: dict[str, str] = {RATIO_INDICATORS[d]: L.text(f"dim.{d}", "en")
                                     for d in DIMENSIONS}
FIGSIZE = (TWO_COLUMN, 3.0)  # inches: full width of a two-column page
STYLE = dict(HOUSE_STYLE)


def plot_goal_ratios(results: pd.DataFrame, *, ax: Sequence[Axes] | None = None,
                     theta: float | Mapping[str, float] | None = None,
                     scenarios: Sequence[str] | None = None) -> Figure:
    """Plot the three goal ratios (area 'West') over the years, one panel each.

    Parameters
    ----------
    results : DataFrame
        A results table (``ResultsStore.results``) or one ``simulate`` output: columns year,
        area, indicator, value, and optionally scenario and replicate.
    ax : three Axes, optional
        Panels to draw into; by default a new 7.2 × 2.6 in figure.
    theta : float or mapping, optional
        Goal threshold(s) θ: one number, or ``{"income": θ, "public_services": θ,
        "infrastructure": θ}`` (a manifest's ``goal_thresholds``). Default
        `westdev.policy.goal.DEFAULT_THETA` (0.8).
    scenarios : list of str, optional
        Scenarios to show, in this order (default: all, in order of appearance).

    Returns
    -------
    The Figure (render with ``fig.savefig`` or `save_figure`; displays in notebooks).
    """
    data = _goal_rows(results)
    order = list(scenarios) if scenarios is not None else list(dict.fromkeys(data["scenario"]))
    with mpl.rc_context(STYLE):
        if ax is None:
            fig = Figure(figsize=FIGSIZE, layout="constrained")
            axes = list(fig.subplots(1, 3, sharey=True))
            own = True
        else:
            axes = list(ax)
            if len(axes) != 3:
                raise ValueError(f"ax must hold 3 Axes (one per goal ratio), got {len(axes)}")
            fig = axes[0].figure
            own = False
        handles: dict[str, object] = {}
        for panel, (dim, indicator) in zip(axes, RATIO_INDICATORS.items(), strict=True):
            title = GOAL_RATIO_TITLES[indicator]
            sub = data[data["indicator"] == indicator]
            for i, name in enumerate(order):
                stats = _band(sub[sub["scenario"] == name])
                if stats.empty:
                    continue
                colour = OKABE_ITO[i % len(OKABE_ITO)]
                if (stats["n"] > 1).any():
                    # edges drawn too: a band of a few seeds is often narrower than the line
                    panel.fill_between(stats.index, stats["q05"], stats["q95"], color=colour,
                                       alpha=0.3, linewidth=0)
                    for edge in ("q05", "q95"):
                        panel.plot(stats.index, stats[edge], color=colour, linewidth=0.5,
                                   alpha=0.9)
                (line,) = panel.plot(stats.index, stats["mean"], color=colour,
                                     label=L.scenario_label(name), linewidth=1.0)
                handles.setdefault(L.scenario_label(name), line)
            level = theta_for(theta, dim)
            guide = panel.axhline(level, color="#555555", linestyle="--", linewidth=0.9,
                                  label=f"θ = {level:g}")
            handles.setdefault(f"θ = {level:g}", guide)
            if sub.empty:
                panel.text(0.5, 0.5, "no data", transform=panel.transAxes, ha="center",
                           va="center", color="#777777")
            panel.set_title(title)
            panel.set_xlabel("Year")
            panel.xaxis.get_major_locator().set_params(integer=True)
        axes[0].set_ylabel("West / East ratio")
        if own:
            fig.legend(list(handles.values()), list(handles), loc="outside upper center",
                       ncols=min(len(handles), 6), frameon=False)
            note = wrap(_source_note(data, order), FIGSIZE[0] - 0.1, NOTE_SIZE)
            lines = note.count("\n") + 1
            bottom = (0.12 + lines * NOTE_SIZE * 1.25 / 72) / FIGSIZE[1]
            fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom - 0.02))
            fig.text(0.005, 0.01, note, ha="left", va="bottom", fontsize=NOTE_SIZE,
                     color="#333333")
        else:
            axes[0].legend(list(handles.values()), list(handles), frameon=False)
    return fig


def _goal_rows(results: pd.DataFrame) -> pd.DataFrame:
    missing = {"year", "area", "indicator", "value"} - set(results.columns)
    if missing:
        raise ValueError(f"results lack the columns {sorted(missing)}")
    rows = results[(results["area"] == GOAL_AREA)
                   & results["indicator"].isin(list(RATIO_INDICATORS.values()))]
    rows = rows.assign(
        scenario=rows["scenario"].astype(str) if "scenario" in rows else "run",
        replicate=rows["replicate"] if "replicate" in rows else 0,
    )
    return rows[["scenario", "replicate", "year", "indicator", "value"]]


def _band(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean, 5 % and 95 % quantiles and count across replicates, by year."""
    grouped = rows.groupby("year")["value"]
    return pd.DataFrame({"mean": grouped.mean(), "q05": grouped.quantile(0.05),
                         "q95": grouped.quantile(0.95), "n": grouped.count()}).sort_index()


def _source_note(data: pd.DataFrame, order: Sequence[str]) -> str:
    """The footnote: what lines and bands are, how wide the bands get in the last year, and a
    caution when they rest on few replicates (bands of seeds only, not uncertainty)."""
    from westdev.analysis.summaries import MIN_BAND_RUNS

    counts = [data.loc[data["scenario"] == s, "replicate"].nunique() for s in order]
    counts = [c for c in counts if c] or [0]
    lo, hi = min(counts), max(counts)
    n = f"{lo}" if lo == hi else f"{lo}–{hi}"
    if hi <= 1:
        return "Source: westdev simulation; one replicate per scenario (no band)."
    last = data[data["year"] == data["year"].max()]
    q = last.groupby(["scenario", "indicator"])["value"].quantile([0.05, 0.95]).unstack()
    widest = float((q[0.95] - q[0.05]).max()) if len(q) else float("nan")
    text = (f"Source: westdev simulation; lines: means, bands (with their edges): 5–95 % across "
            f"{n} replicates, seed noise only; widest band in {int(last['year'].max())}: "
            f"{widest:.3f}.")
    if lo < MIN_BAND_RUNS:
        text += f" Few replicates: a 5–95 % band needs about {MIN_BAND_RUNS}."
    return text
