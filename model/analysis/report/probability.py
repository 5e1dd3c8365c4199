"""Report family (c): how likely is the goal, and how much of the gap is closed — P(ratio ≥ θ)
as a curve over θ, the share of the start-year gap closed, and their tables at the store's θ
(`westdev.charts.goal`)."""

from __future__ import annotations

import math

import pandas as pd

import westdev.analysis.summaries as ws
import westdev.charts as C
from westdev.analysis.report.context import ReportContext
from westdev.analysis.report.text import DIM_HEAD, md_table, t, with_range
from westdev.errors import InputError
from westdev.policy.goal import DIMENSIONS


def figures(ctx: ReportContext, df: pd.DataFrame, colours: dict[str, str]) -> None:
    """Figures goal_probability and gap_closed, in the goal year."""
    ctx.figure("goal_probability", lambda: C.plot_goal_probability(
        df, year=ctx.year, theta=ctx.theta, colours=colours,
        note=ctx.uncertainty_note("prob"), lang=ctx.lang))
    ctx.figure("gap_closed", lambda: C.plot_gap_closed(
        df, year=ctx.year, colours=colours, lang=ctx.lang))


def tables(ctx: ReportContext) -> None:
    """Tables: the probability of the goal, then the share of the gap closed."""
    _probability_table(ctx)
    _gap_table(ctx)


def _probability_table(ctx: ReportContext) -> None:
    lang = ctx.lang
    try:
        p = ws.goal_probability(ctx.store, year=ctx.year)
    except InputError:
        return
    dims = [*DIMENSIONS, "all"]
    head = [t("scenario", lang), "θ"] + [DIM_HEAD[lang][d] for d in dims] + ["n"]
    rows = []
    for s in ctx.order:
        sub = p[p["scenario"] == s].set_index("dimension")
        if sub.empty:
            continue
        ths = sorted({float(sub.loc[d, "theta"]) for d in dims[:3] if d in sub.index})
        cells = [s, "/".join(f"{th:g}" for th in ths)]
        for d in dims:
            if d in sub.index:
                r = sub.loc[d]
                cells.append(f"{100 * r['probability']:.0f} % ± {100 * r['se']:.0f}")
            else:
                cells.append("–")
        cells.append(str(int(sub["n"].max())))
        rows.append(cells)
    text = f"## {t('h_prob', lang, year=ctx.year)}\n\n{t('prob_intro', lang)}"
    note = ctx.uncertainty_note()
    if note:
        text += f" {note}"
    ctx.sections.append(f"{text}\n\n{md_table(head, rows)}")


def _gap_table(ctx: ReportContext) -> None:
    lang = ctx.lang
    g = C.gap_closed_table(ctx.df, year=ctx.year)
    if g.empty:
        return
    dims = list(DIMENSIONS)
    head = [t("scenario", lang)] + [DIM_HEAD[lang][d] for d in dims]
    rows = []
    for s in ctx.order:
        sub = g[g["scenario"] == s].set_index("dimension")
        if sub.empty:
            continue
        cells = [s]
        for d in dims:
            if d in sub.index and math.isfinite(sub.loc[d, "q50"]):
                r = sub.loc[d]
                cells.append(with_range(100 * r["q50"], 100 * r["q05"], 100 * r["q95"],
                                        "{:.0f}", " %"))
            else:
                cells.append("–")
        rows.append(cells)
    base = int(g["base_year"].iloc[0])
    ctx.sections.append(f"## {t('h_gap', lang, base=base, year=ctx.year)}\n\n"
                        f"{t('gap_intro', lang, base=base, year=ctx.year)}\n\n"
                        f"{md_table(head, rows)}")
