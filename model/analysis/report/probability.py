"""Report family (c): how likely is the goal, and how much of the gap is closed — P(ratio ≥ θ)
as a curve over θ, the share of the start-year gap closed, and their tables at the store's θ
(`westdev.charts.goal`)."""

from __future__ import annotations

import math

import pandas as pd

import westdev.analysis.summaries as ws
import westdev.charts as C
from westdev.analysis.report.context import ReportContext
from westdev.analysis.report.text import DIM_HEAD, md_table, scen, t, with_range
from westdev.errors import InputError
from westdev.policy.goal import DIMENSIONS, RATIO_INDICATORS


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
        cells = [scen(s, lang), "/".join(f"{th:g}" for th in ths)]
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
    head = [t("scenario", lang)] + [DIM_HEAD[lang][d] for d in dims] + ["n"]
    rows = []
    b = ws.bands(ws.gap_closed(ctx.df[ctx.df["year"].isin(
        [int(g["base_year"].iloc[0]), ctx.year])]), years=[ctx.year])
    notes = sorted({f"{scen(r['scenario'], lang)}, {DIM_HEAD[lang][_dim(r['indicator'])]}: "
                    f"{r['note']}" for _, r in b.iterrows() if r["n_missing"]})
    for s in ctx.order:
        sub = g[g["scenario"] == s].set_index("dimension")
        if sub.empty:
            continue
        cells = [scen(s, lang)]
        for d in dims:
            if d in sub.index and math.isfinite(sub.loc[d, "q50"]):
                r = sub.loc[d]
                cells.append(with_range(100 * r["q50"], 100 * r["q05"], 100 * r["q95"],
                                        "{:.0f}", " %"))
            else:
                cells.append("–")
        counts = b[b["scenario"] == s]
        used, total = counts["n"], counts["n"] + counts["n_missing"]
        cells.append(f"{int(used.min())}/{int(total.max())}" if len(counts) and
                     (used < total).any() else str(int(total.max()) if len(counts) else 0))
        rows.append(cells)
    base = int(g["base_year"].iloc[0])
    text = t("gap_intro", lang, base=base, year=ctx.year)
    if notes:
        text += " " + t("gap_dropped", lang, notes="; ".join(notes))
    ctx.sections.append(f"## {t('h_gap', lang, base=base, year=ctx.year)}\n\n"
                        f"{text}\n\n{md_table(head, rows)}")


def _dim(indicator: str) -> str:
    """The goal dimension of a (gap_closed.)ratio indicator."""
    return next(k for k, ind in RATIO_INDICATORS.items() if indicator.endswith(ind))
