"""Report family (e): costs and cost-effectiveness — lever costs per year, convergence per
trillion yuan of extra cost against the reference, the output–convergence frontier across policy
mixes, and a package's split between its levers (`westdev.charts.costs`)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd

import westdev.charts as C
from westdev.analysis.report.context import COST_PREFIX, ReportContext
from westdev.analysis.report.text import DIM_HEAD, md_table, num, scen, short, t
from westdev.charts.names import lever_label
from westdev.policy.goal import DIMENSIONS, GOAL_AREA, RATIO_INDICATORS

COST_TOTAL = "lever_cost_100m_yuan.total"


def cost_effectiveness(ctx: ReportContext, pairs: list[str],
                       colours: dict[str, str]) -> pd.DataFrame | None:
    """Figure cost_effectiveness, when the policies paired with the reference cost something;
    returns its table (None when it does not apply)."""
    ce = _ce_table_of(ctx, pairs)
    if ce is not None:
        ctx.figure("cost_effectiveness", lambda: C.plot_cost_effectiveness(
            ce, baseline=ctx.reference, colours=colours, scenario_order=ctx.order,
            lang=ctx.lang))
    return ce


def frontier(ctx: ReportContext, colours: dict[str, str]) -> pd.DataFrame | None:
    """Figure frontier (national output against the income ratio across two or more policy
    mixes); returns its table (None when it does not apply)."""
    table = _frontier_of(ctx)
    if table is not None:
        ctx.figure("frontier", lambda: C.plot_frontier(
            table, theta=ctx.theta, colours=colours, scenario_order=ctx.order,
            labels=_frontier_labels(table), lang=ctx.lang))
    return table


def lever_cost_effectiveness(ctx: ReportContext, split: pd.DataFrame, pair: list[str]) -> None:
    """Figure lever_cost_effectiveness: convergence per trillion yuan, by lever."""
    ctx.figure("lever_cost_effectiveness", lambda: C.plot_lever_cost_effectiveness(
        split, scenarios=pair, lang=ctx.lang))


def tables(ctx: ReportContext, ce: pd.DataFrame | None, table: pd.DataFrame | None) -> None:
    """Tables: lever costs, cost-effectiveness, and the frontier's mixes (when there are
    several)."""
    cost_tables(ctx)
    if ce is not None:
        _ce_table(ctx, ce)
    if table is not None and len(table) > 1:
        _frontier_table(ctx, table)


def _ce_table_of(ctx: ReportContext, pairs: list[str]) -> pd.DataFrame | None:
    if not pairs or not ctx.has(COST_TOTAL, "China"):
        return None
    table = C.cost_effectiveness_table(ctx.df, baseline=ctx.reference, policies=pairs,
                                     year=ctx.year)
    if table.empty or not np.isfinite(table["ce_pp_per_tn"]).any():
        return None
    return table


def _frontier_of(ctx: ReportContext) -> pd.DataFrame | None:
    if not ctx.has("gdp_100m_yuan", "China") or not ctx.has(RATIO_INDICATORS["income"],
                                                            GOAL_AREA):
        return None
    by = "scenario" if ctx.kind == "ensemble" else "auto"  # draws are not policy mixes
    table = C.frontier_table(ctx.df, year=ctx.year, reference=ctx.reference, by=by)
    return table if len(table) >= 2 else None


def _frontier_labels(table: pd.DataFrame) -> dict[str, str] | None:
    if not (table["mix"] != table["scenario"]).any():
        return None
    many = len(table) > 12
    return {m: m.split(" ", 1)[-1] for m, f in zip(table["mix"], table["frontier"],
                                                 strict=True) if f or not many}


def cost_tables(ctx: ReportContext) -> None:
    """Tables: the total lever cost per year of each policy scenario, and its largest items."""
    df = ctx.df
    lang = ctx.lang
    costs = df[(df["area"] == "China") & df["indicator"].str.startswith(COST_PREFIX)]
    if costs.empty:
        return
    total = costs[costs["indicator"] == COST_TOTAL]
    by = total.groupby(["scenario", "year"])["value"].mean().unstack("scenario")
    policy = [s for s in ctx.order if s in by.columns and (by[s].abs() > 0).any()]
    if not policy:
        return
    head = [t("year", lang)] + [scen(s, lang) for s in policy]
    rows = [[str(int(y))] + [f"{by.loc[y, s]:,.0f}" for s in policy] for y in by.index]
    after = by[by.index > ctx.first]
    label = f"Σ {ctx.first + 1}–{int(by.index.max())}"
    rows.append([label] + [f"{after[s].sum():,.0f}" for s in policy])
    ctx.sections.append(f"## {t('h_costs', lang)}\n\n{t('costs_intro', lang)}\n\n"
                        f"{md_table(head, rows)}")
    # largest items (summed chunk by chunk from the store)
    cum = ctx.cost_items().set_index(["scenario", "indicator"])["value"]
    head = [t("scenario", lang), "lever" if lang == "en" else "政策工具",
            "Σ 100m yuan" if lang == "en" else "Σ 亿元"]
    rows = []
    for s in policy:
        if s not in cum.index.get_level_values(0):
            continue
        top = cum.loc[s].sort_values(ascending=False)
        top = top[top.abs() > 0].head(5)
        rows += [[scen(s, lang), lever_label(ind[len(COST_PREFIX):], lang), f"{v:,.0f}"]
                 for ind, v in top.items()]
    if rows:
        ctx.sections.append(
            f"### {t('h_items', lang, first=ctx.first + 1, last=int(by.index.max()))}"
            f"\n\n{t('items_intro', lang)}\n\n{md_table(head, rows)}")


def _ce_table(ctx: ReportContext, ce: pd.DataFrame) -> None:
    lang = ctx.lang
    dims = list(DIMENSIONS)
    head = [t("scenario", lang), "Δ cost (tn yuan)" if lang == "en" else "Δ 成本（万亿元）"]
    for d in dims:
        head += [f"Δ {DIM_HEAD[lang][d]} (pp)", f"pp / tn ({DIM_HEAD[lang][d]})"]
    rows = []
    for p in dict.fromkeys(ce["policy"]):
        sub = ce[ce["policy"] == p].set_index("dimension")
        cells = [scen(p, lang), f"{sub['d_cost_100m_yuan'].iloc[0] / 1e4:+.1f}"]
        for d in dims:
            if d in sub.index:
                r = sub.loc[d]
                cells += [f"{100 * r['d_ratio']:+.2f}",
                          f"{r['ce_pp_per_tn']:.3f}" if math.isfinite(r["ce_pp_per_tn"])
                          else "–"]
            else:
                cells += ["–", "–"]
        rows.append(cells)
    first = int(ce["first_year"].iloc[0]) + 1
    ctx.sections.append(
        f"## {t('h_ce', lang, reference=ctx.reference)}\n\n"
        f"{t('ce_intro', lang, year=ctx.year, first=first)}\n\n{md_table(head, rows)}")


def _frontier_table(ctx: ReportContext, table: pd.DataFrame) -> None:
    lang = ctx.lang
    kind = table["y_kind"].iloc[0]
    ylab = (f"GDP vs {ctx.reference} (%)" if kind == "pct" else "GDP (tn yuan)") \
        if lang == "en" else (f"GDP 相对 {ctx.reference}（%）" if kind == "pct"
                              else "GDP（万亿元）")
    head = ["mix", DIM_HEAD[lang]["income"], ylab, "frontier" if lang == "en" else "前沿"]
    design = design_points(ctx)
    if design:
        head.insert(1, "design point" if lang == "en" else "设计点")
    rows = []
    for _, r in table.iterrows():
        cells = [r["mix"], f"{r['x_q50']:.3f}", f"{r['y_q50']:+.2f}" if kind == "pct"
                 else f"{r['y_q50']:.1f}", "✓" if r["frontier"] else ""]
        if design:
            cells.insert(1, design.get(r["mix"], ""))
        rows.append(cells)
    ctx.sections.append(f"## {t('h_frontier', lang, year=ctx.year)}\n\n"
                        f"{md_table(head, rows)}")


def design_points(ctx: ReportContext) -> dict[str, str]:
    """mix → 'factor=value, ...' for the design points of a sweep."""
    runs = ctx.store.runs
    out: dict[str, str] = {}
    for rid, scenario, js in zip(runs["run_id"], runs["scenario"], runs["inputs_json"],
                                 strict=True):
        m = re.search(r"-p(\d+)-r\d+$", str(rid))
        if not m:
            continue
        mix = f"{scenario} p{int(m.group(1))}"
        if mix in out:
            continue
        try:
            point = json.loads(js or "{}").get("design_point", {})
        except (TypeError, ValueError):
            point = {}
        out[mix] = ", ".join(f"{k.split('.')[-1]}={short(v)}" for k, v in point.items())
    return out


def split_table(ctx: ReportContext, split: pd.DataFrame, package: str, base: str) -> None:
    """Table: the Shapley (else one-at-a-time) split of the package's effect and cost."""
    lang = ctx.lang
    method = "shapley" if (split["method"] == "shapley").any() else "oat_on"
    eff = split[split["method"] == method]
    acc = split[split["method"] == "accounting"].drop_duplicates("lever").set_index(
        "lever")["mean"]
    outs = {}
    for o in dict.fromkeys(eff["outcome"]):
        for dim, ind in RATIO_INDICATORS.items():
            if f":{ind}@" in o:
                outs[dim] = o
    levers = [lv for lv in dict.fromkeys(eff["lever"]) if lv not in ("total",
                                                                    "interaction")]
    head = ["lever" if lang == "en" else "政策工具"]
    head += [f"Δ {DIM_HEAD[lang][d]} (pp)" for d in outs]
    head += ["cost (100m yuan)" if lang == "en" else "成本（亿元）",
             "pp / tn (income)" if lang == "en" else "百分点 / 万亿元（收入）"]
    rows = []
    noisy = False
    for lv in levers:
        cells = [f"{lever_label(lv, lang)} (`{lv}`)"]
        for o in outs.values():
            v = eff[(eff["outcome"] == o) & (eff["lever"] == lv)]
            if len(v):
                r = v.iloc[0]
                mark = "≈ " if bool(r.get("within_noise", False)) else ""
                noisy = noisy or bool(mark)
                se = r.get("se", float("nan"))
                spread = f" ± {100 * se:.3f}" if se == se else ""
                cells.append(f"{mark}{100 * float(r['mean']):+.3f}{spread}")
            else:
                cells.append("–")
        cost = float(acc.get(lv, float("nan")))
        cells.append(num(cost))
        inc = eff[(eff["outcome"] == outs.get("income")) & (eff["lever"] == lv)]["mean"]
        ok = len(inc) and math.isfinite(cost) and abs(cost) > 1e-9
        cells.append(f"{100 * float(inc.iloc[0]) / (cost / 1e4):.3f}" if ok else "–")
        rows.append(cells)
    total = split[split["method"] == "total"]
    year = ctx.year
    intro = t("split_intro", lang, year=year)
    if len(total):
        note = ("Totals (package − base): " if lang == "en" else "合计（一揽子 − 基准）：") + \
            "; ".join(f"{o.split(':', 1)[1]} {'≈ ' if wn else ''}{num(v)}"
                      + (f" ± {num(se)}" if se == se else "")
                      for o, v, se, wn in zip(total["outcome"], total["mean"],
                                              total.get("se", total["mean"] * float("nan")),
                                              total.get("within_noise", [False] * len(total)),
                                              strict=True))
        intro += f" {note}."
        noisy = noisy or bool(total.get("within_noise", pd.Series([False])).any())
    intro += " " + ("Effects in percentage points of the ratio, ± one standard error across "
                    "replicates." if lang == "en" else "效应单位为比值的百分点，± 为跨重复运行的一个标准误。")
    if noisy:
        intro += " " + t("within_noise_note", lang)
    ctx.sections.append(f"## {t('h_split', lang, package=scen(package, lang), base=scen(base, lang))}\n\n"
                        f"{intro}\n\n{md_table(head, rows)}")
