"""Report family (a, b): the goal ratios over time with their uncertainty fans, each scenario's
paired deviation from the reference, and the table of the ratios in the goal year
(`westdev.charts.fans`, `westdev.charts.deviations`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

import westdev.analysis.summaries as ws
import westdev.charts as C
from westdev.analysis.report.context import GOAL, ReportContext
from westdev.analysis.report.text import DIM_HEAD, md_table, scen, t, with_range
from westdev.policy.goal import CONTEXT_RATIO, DIMENSIONS, GOAL_AREA


def fans(ctx: ReportContext, df: pd.DataFrame, colours: dict[str, str], *,
         scenarios: Sequence[str] | None = None, note: str | None = None) -> None:
    """Figure goal_fans: the three goal ratios (and GDP per head, when recorded) over time."""
    ctx.figure("goal_fans", lambda: C.plot_goal_fans(
        df, theta=ctx.theta, scenarios=scenarios, colours=colours,
        context=ctx.has(CONTEXT_RATIO), note=note, lang=ctx.lang))


def deviations(ctx: ReportContext, df: pd.DataFrame, colours: dict[str, str], *,
               baseline: str | None, policies: Sequence[str], order: Sequence[str]) -> None:
    """Figure deviations: each policy minus the reference, paired by seed."""
    ctx.figure("deviations", lambda: C.plot_deviations(
        df, baseline=baseline, policies=policies, colours=colours, scenario_order=order,
        context=ctx.has(CONTEXT_RATIO), lang=ctx.lang))


def goal_table(ctx: ReportContext) -> None:
    """Table: the goal ratios (and GDP per head) in the goal year, median and 5–95 %."""
    lang = ctx.lang
    inds = [*GOAL, CONTEXT_RATIO] if ctx.has(CONTEXT_RATIO) else list(GOAL)
    b = ws.bands(ctx.df[(ctx.df["area"] == GOAL_AREA) & (ctx.df["year"] == ctx.year)],
                 indicators=inds, areas=[GOAL_AREA], years=[ctx.year])
    keys = [*DIMENSIONS, "gdp_per_capita"][:len(inds)]
    head = [t("scenario", lang)] + [DIM_HEAD[lang][k] for k in keys] + ["n"]
    rows = []
    for s in ctx.order:
        sub = b[b["scenario"] == s].set_index("indicator")
        if sub.empty:
            continue
        cells = [scen(s, lang)]
        for ind in inds:
            if ind in sub.index:
                r = sub.loc[ind]
                cells.append(with_range(r["q50"], r["q05"], r["q95"], "{:.3f}"))
            else:
                cells.append("–")
        cells.append(str(int(sub["n"].max())))
        rows.append(cells)
    ctx.sections.append(f"## {t('h_goal', lang, year=ctx.year)}\n\n"
                        f"{t('goal_intro', lang)}\n\n{md_table(head, rows)}")
