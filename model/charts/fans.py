"""Family (a): the goal ratios over time with uncertainty fans, by scenario.

`plot_goal_fans` draws the three West/East goal ratios and, as context, the West/East ratio of
GDP per head: per scenario the median across runs (line), the 25–75 % band (dark) and the
5–95 % band (light), with the goal threshold θ. `plot_indicator_fan` does the same for any one
indicator of one area.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.style import (
    GREY,
    colour_for,
    empty_panel,
    goal_panels,
    house_style,
    integer_years,
    new_figure,
)
from westdev.policy.goal import CONTEXT_RATIO, DIMENSIONS, GOAL_AREA, RATIO_INDICATORS, theta_for

FAN_PANELS = (*DIMENSIONS, "gdp_per_capita")


def draw_fan(ax: Axes, stats: pd.DataFrame, colour: str, label: str, *,
             scale: float = 1.0, line: str = "q50") -> Line2D | None:
    """Median line with 25–75 % and 5–95 % bands from `_data.fan` statistics."""
    if stats.empty:
        return None
    x = stats.index.to_numpy()
    if (stats["n"] > 1).any():
        ax.fill_between(x, stats["q05"] * scale, stats["q95"] * scale, color=colour,
                        alpha=0.14, linewidth=0)
        ax.fill_between(x, stats["q25"] * scale, stats["q75"] * scale, color=colour,
                        alpha=0.32, linewidth=0)
    (handle,) = ax.plot(x, stats[line] * scale, color=colour, label=label)
    return handle


def plot_goal_fans(results: pd.DataFrame, *, ax: Sequence[Axes] | None = None,
                   theta: float | Mapping[str, float] | None = None,
                   scenarios: Sequence[str] | None = None,
                   colours: Mapping[str, str] | None = None, context: bool = True,
                   note: str | None = None, lang: str = "en") -> Figure:
    """The goal ratios (area West) over time with 5–95 % and 25–75 % fans, by scenario.

    Parameters
    ----------
    results : tidy results (``ResultsStore.results``, a selection of it, or one ``simulate``
        output); rows of area 'West' and the ratio indicators are used.
    ax : Axes to draw into: 4 (3 with ``context=False``); default a new 7.2 × 4.8 in figure.
    theta : θ as one number or per dimension (``{"income": 0.8, ...}``); default
        `westdev.policy.goal.DEFAULT_THETA` (0.8).
    scenarios : scenarios to show, in order (default: all, in order of appearance).
    colours : scenario → colour (default: the Okabe–Ito palette in scenario order).
    context : add the West/East GDP per head panel (context, not a goal).
    note : an extra sentence for the footnote.
    lang : 'en' or 'zh'.
    """
    keys = list(FAN_PANELS if context else FAN_PANELS[:3])
    inds = {k: RATIO_INDICATORS.get(k, CONTEXT_RATIO) for k in keys}
    df = D.select(D.tidy(results), indicators=inds.values(), areas=[GOAL_AREA])
    order = D.scenario_order(df, scenarios)
    with house_style(lang):
        fig, axes, own = goal_panels(ax, len(keys))
        handles: dict[str, object] = {}
        for panel, key in zip(axes, keys, strict=True):
            sub = df[df["indicator"] == inds[key]]
            for name in order:
                h = draw_fan(panel, D.fan(sub[sub["scenario"] == name]),
                             colour_for(name, order, colours), name)
                if h is not None:
                    handles.setdefault(name, h)
            if key != "gdp_per_capita":
                level = theta_for(theta, key)
                g = panel.axhline(level, color=GREY, linestyle="--", linewidth=0.9)
                handles.setdefault(L.text("theta", lang, theta=level), g)
            if sub.empty:
                empty_panel(panel)
            panel.set_title(L.dimension_label(key, lang), loc="left")
            integer_years(panel)
        for i, panel in enumerate(axes):
            if own and len(keys) == 4:
                if i % 2 == 0:
                    panel.set_ylabel(L.text("ratio", lang))
                if i >= 2:
                    panel.set_xlabel(L.text("year", lang))
            else:
                panel.set_xlabel(L.text("year", lang))
                if i == 0:
                    panel.set_ylabel(L.text("ratio", lang))
        parts = [D.source_line(lang), D.scenario_note(order, lang), D.band_note(df, order, lang)]
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=axes[0])
    return fig


def plot_indicator_fan(results: pd.DataFrame, indicator: str, *, area: str = "West",
                       ax: Axes | None = None, scenarios: Sequence[str] | None = None,
                       colours: Mapping[str, str] | None = None, scale: float = 1.0,
                       title: str | None = None, ylabel: str | None = None,
                       note: str | None = None, lang: str = "en",
                       width: float = 3.5, height: float = 2.9) -> Figure:
    """One indicator of one area over time, fans by scenario (one-column figure by default).

    `scale` multiplies the values (e.g. 100 for percent).
    """
    df = D.select(D.tidy(results), indicators=[indicator], areas=[area])
    order = D.scenario_order(df, scenarios)
    with house_style(lang):
        fig, panel, own = _one_panel(ax, width, height)
        handles = {}
        for name in order:
            h = draw_fan(panel, D.fan(df[df["scenario"] == name]),
                         colour_for(name, order, colours), name, scale=scale)
            if h is not None:
                handles[name] = h
        if df.empty:
            empty_panel(panel)
        panel.set_title(title or f"{L.indicator_label(indicator, lang)} ({area})", loc="left")
        panel.set_ylabel(ylabel or L.with_unit(indicator, lang))
        panel.set_xlabel(L.text("year", lang))
        integer_years(panel)
        parts = [D.source_line(lang), D.scenario_note(order, lang), D.band_note(df, order, lang)]
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=panel,
                       ncols=min(len(handles), 3))
    return fig


def _one_panel(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes, bool]:
    if ax is None:
        fig = new_figure(width, height)
        return fig, fig.subplots(), True
    return ax.figure, ax, False
