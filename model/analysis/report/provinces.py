"""Report families (d, g, h): provinces — the worst-off western province, the within-West share
of the Theil index, and income relative to the East on the tile grid and on a map
(`westdev.charts.provinces`, `westdev.charts.maps`)."""

from __future__ import annotations

import pandas as pd

import westdev.charts as C
from westdev.analysis.report.context import RATIO_TO_EAST, ReportContext
from westdev.inputs.regions import REGION_GROUPS
from westdev.policy.goal import GOAL_AREA

MAX_MAP_SCENARIOS = 3
MAX_TILE_SCENARIOS = 6


def worst_and_theil(ctx: ReportContext, df: pd.DataFrame, colours: dict[str, str]) -> None:
    """Figures worst_province and theil_within_west, when their indicators were recorded."""
    if ctx.has("min_province_ratio_income", GOAL_AREA) and ctx.has(RATIO_TO_EAST):
        worst = ctx.with_provinces(df[df["indicator"] == "min_province_ratio_income"])
        ctx.figure("worst_province", lambda: C.plot_worst_province(
            worst, year=ctx.year, colours=colours, lang=ctx.lang))
    if ctx.has("theil_within_west_share", "China"):
        ctx.figure("theil_within_west", lambda: C.plot_theil_share(
            df, colours=colours, lang=ctx.lang))


def maps(ctx: ReportContext, df: pd.DataFrame, colours: dict[str, str]) -> None:
    """Figures province_tiles, map_income_ratio and map_income_ratio_change (since the
    start year), when provincial incomes relative to the East were recorded."""
    provinces = ctx.provinces()
    provinces = provinces[~provinces["area"].isin([*REGION_GROUPS, "China"])]
    if provinces.empty:
        return
    lang = ctx.lang
    tile_scen = ctx.order[:MAX_TILE_SCENARIOS]
    ctx.figure("province_tiles", lambda: C.plot_province_tiles(
        provinces, RATIO_TO_EAST, scenarios=tile_scen, colours=colours, since_start=True,
        lang=lang))
    map_scen = _map_scenarios(ctx)
    ctx.figure("map_income_ratio", lambda: C.plot_choropleth(
        provinces, RATIO_TO_EAST, year=ctx.year, scenarios=map_scen, lang=lang))
    if ctx.first is not None and ctx.first < ctx.year:
        ctx.figure("map_income_ratio_change", lambda: C.plot_choropleth(
            provinces, RATIO_TO_EAST, year=ctx.year, since=ctx.first, scenarios=map_scen,
            lang=lang))


def _map_scenarios(ctx: ReportContext) -> list[str]:
    """The reference first, then the others, at most `MAX_MAP_SCENARIOS`."""
    chosen = [ctx.reference] if ctx.reference else []
    chosen += [s for s in ctx.order if s not in chosen]
    return chosen[:MAX_MAP_SCENARIOS]
