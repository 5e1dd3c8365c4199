"""Family (d): the worst-off western province and inequality within the West.

`plot_worst_province`: left, the income per head of the worst-off western province relative to
the East (``min_province_ratio_income``) over time, fans by scenario; right, each western
province's income relative to the East (``income_ratio_to_east``) in the last year (2035), by
scenario, with its start-year value. `plot_theil_share`: the within-West share of the Theil
index of GDP per head (``theil_within_west_share``, area China) over time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.fans import draw_fan, plot_indicator_fan
from westdev.charts.style import (
    ONE_COLUMN,
    TWO_COLUMN,
    colour_for,
    empty_panel,
    house_style,
    integer_years,
    new_figure,
    panel_title,
)


def plot_worst_province(results: pd.DataFrame, *, year: int | None = None,
                        scenarios: Sequence[str] | None = None,
                        colours: Mapping[str, str] | None = None,
                        ax: Sequence[Axes] | None = None, note: str | None = None,
                        lang: str = "en") -> Figure:
    """The worst-off western province over time and every western province in `year`.

    Uses ``min_province_ratio_income`` (area West) and ``income_ratio_to_east`` of the 12
    western provinces; `year` defaults to the last simulated year.
    """
    west = L.west_provinces()
    df = D.tidy(results)
    worst = D.select(df, indicators=["min_province_ratio_income"], areas=["West"])
    prov = D.select(df, indicators=["income_ratio_to_east"], areas=west)
    order = D.scenario_order(pd.concat([worst, prov]) if len(prov) else worst, scenarios)
    last = D.final_year(prov if len(prov) else worst, year)
    first = int(prov["year"].min()) if len(prov) else None
    with house_style(lang):
        if ax is None:
            fig = new_figure(TWO_COLUMN, 3.9)
            left, right = fig.subplots(1, 2, width_ratios=[1.0, 1.1])
            own = True
        else:
            left, right = list(np.ravel(ax))
            fig, own = left.figure, False
        handles: dict[str, object] = {}
        for name in order:
            h = draw_fan(left, D.fan(worst[worst["scenario"] == name]),
                         colour_for(name, order, colours), name)
            if h is not None:
                handles.setdefault(name, h)
        named = _name_worst(left, prov, worst, order, colours, lang)
        if worst.empty:
            empty_panel(left)
        panel_title(left, L.text("worst_title", lang), fig.get_size_inches()[0] * 0.45, lang)
        left.set_ylabel(L.text("worst_y", lang))
        left.set_xlabel(L.text("year", lang))
        integer_years(left)
        # right: each western province in the last year
        end = prov[prov["year"] == last]
        start = prov[prov["year"] == first] if first is not None else prov.iloc[0:0]
        ref = order[0] if order else None
        means = end[end["scenario"] == ref].groupby("area")["value"].median() if ref else \
            pd.Series(dtype=float)
        rank = [p for p in means.sort_values().index] + [p for p in west if p not in means]
        rank = [p for p in rank if p in set(end["area"])]
        k = max(len(order), 1)
        step = 0.7 / k
        for j, name in enumerate(order):
            c = colour_for(name, order, colours)
            s = end[end["scenario"] == name].groupby("area")["value"]
            q = s.quantile([0.05, 0.5, 0.95]).unstack() if len(s.size()) else None
            if q is None:
                continue
            for i, p in enumerate(rank):
                if p not in q.index:
                    continue
                y = i - 0.35 + step * (j + 0.5)  # first scenario on top
                right.plot([q.loc[p, 0.05], q.loc[p, 0.95]], [y, y], color=c, linewidth=1.1,
                           solid_capstyle="butt")
                right.plot([q.loc[p, 0.5]], [y], "o", color=c, markersize=3.2)
        s0 = start.groupby("area")["value"].median()
        for i, p in enumerate(rank):
            if p in s0.index:
                right.plot([s0[p]], [i], "|", color="#222222", markersize=8, markeredgewidth=1.2)
        if first is not None and rank:
            handles[L.text("start_marker", lang, year=first)] = Line2D(
                [], [], color="#222222", marker="|", linestyle="none", markersize=8,
                markeredgewidth=1.2)
        right.set_yticks(range(len(rank)))
        right.set_yticklabels([L.province_label(p, lang) for p in rank])
        right.set_ylim(len(rank) - 0.5, -0.5)
        right.grid(True, axis="x", color="#dddddd", linewidth=0.5)
        right.grid(False, axis="y")
        right.set_xlabel(L.text("worst_y", lang))
        panel_title(right, L.text("west_provinces_title", lang, year=last),
                    fig.get_size_inches()[0] * 0.36, lang)
        if end.empty:
            empty_panel(right)
        parts = [D.source_line(lang), D.scenario_note(order, lang),
                 D.band_note(worst if len(worst) else prov, order, lang)]
        if named:
            parts.append(L.text("worst_named_note", lang,
                                scenario=L.scenario_label(order[0], lang)))
        if lang == "en":
            parts.append("Right: median across runs (dots), 5–95 % (bars); provinces sorted by "
                         f"the median of {L.scenario_label(ref, lang)}.")
        else:
            parts.append(f"右图：运行中位数（点）与 5–95 %（横线）；按{L.scenario_label(ref, lang)}"
                         "的中位数排序。")
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=right)
    return fig


def worst_province_table(results: pd.DataFrame) -> pd.DataFrame:
    """Which western province is worst-off (lowest ``income_ratio_to_east``) in each run and
    year: ``scenario, run_id, year, province, value``."""
    df = D.tidy(results)
    prov = D.select(df, indicators=["income_ratio_to_east"], areas=L.west_provinces())
    if prov.empty:
        return pd.DataFrame(columns=["scenario", "run_id", "year", "province", "value"])
    at = prov.loc[prov.groupby(["scenario", "run_id", "year"])["value"].idxmin()]
    return at.rename(columns={"area": "province"})[
        ["scenario", "run_id", "year", "province", "value"]].reset_index(drop=True)


def _name_worst(ax: Axes, prov: pd.DataFrame, worst: pd.DataFrame, order: Sequence[str],
                colours: Mapping[str, str] | None, lang: str) -> bool:
    """Write the name of the worst-off province (the one worst in most runs) on the first
    scenario's line, where the line starts and wherever that province changes."""
    if prov.empty or worst.empty or not order:
        return False
    table = worst_province_table(prov[prov["scenario"] == order[0]])
    if table.empty:
        return False
    modal = table.groupby("year")["province"].agg(lambda s: s.value_counts().index[0])
    line = worst[worst["scenario"] == order[0]].groupby("year")["value"].median()
    previous = None
    colour = colour_for(order[0], order, colours)
    for year, name in modal.items():
        if name == previous or year not in line.index:
            continue
        ax.annotate(L.province_label(name, lang), (year, line[year]), xytext=(0, -9),
                    textcoords="offset points", ha="center", va="top", fontsize=7,
                    color=colour, arrowprops={"arrowstyle": "-", "color": colour,
                                              "linewidth": 0.5})
        ax.plot([year], [line[year]], "o", color=colour, markersize=2.5)
        previous = name
    return True


def plot_theil_share(results: pd.DataFrame, *, scenarios: Sequence[str] | None = None,
                     colours: Mapping[str, str] | None = None, ax: Axes | None = None,
                     note: str | None = None, lang: str = "en") -> Figure:
    """Within-West share of the Theil index of GDP per head (area China), in percent."""
    extra = L.text("theil_note", lang) + (f" {note}" if note else "")
    return plot_indicator_fan(results, "theil_within_west_share", area="China", ax=ax,
                              scenarios=scenarios, colours=colours, scale=100.0,
                              title=L.text("theil_title", lang),
                              ylabel=L.text("theil_y", lang), note=extra, lang=lang,
                              width=ONE_COLUMN, height=3.2)

