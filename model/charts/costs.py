"""Family (e): what convergence costs — lever cost-effectiveness and the output frontier.

Cost-effectiveness (`cost_effectiveness_table`, `plot_cost_effectiveness`): for each policy
scenario against a reference (the baseline), per pair of runs with the same seed (common random
numbers), the change of a goal ratio in the goal year divided by the change of the cumulative
lever cost (``lever_cost_100m_yuan.total``, area China, summed over the years after the start
year up to the goal year). Shown in percentage points of the ratio per 1 trillion yuan
(10,000 × 100m yuan, 2019 prices). Per lever (`plot_lever_cost_effectiveness`), from a package
decomposition (`westdev.analysis.summaries.split_effects`): each lever's Shapley share of the effect over
its own cost accounts.

The frontier (`frontier_table`, `plot_frontier`): national output (China ``gdp_100m_yuan``)
against convergence (the West/East income ratio) in the goal year for each policy mix —
scenarios of a comparison, or design points of a sweep — with the mixes that no other mix beats
on both marked as the frontier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.goal import _goal_year
from westdev.charts.style import (
    GREY,
    OKABE_ITO,
    ONE_COLUMN,
    TWO_COLUMN,
    colour_for,
    empty_panel,
    finish,
    house_style,
    new_figure,
)
from westdev.errors import InputError
from westdev.policy.goal import DIMENSIONS, GOAL_AREA, GOAL_YEAR, RATIO_INDICATORS, theta_for

COST = "lever_cost_100m_yuan.total"
TRILLION = 1e4  # 100m yuan per trillion yuan
CE_COLUMNS = ["policy", "baseline", "dimension", "indicator", "year", "first_year", "n_pairs",
              "d_ratio", "d_cost_100m_yuan", "ce_pp_per_tn", "ce_q05", "ce_q95"]


# ---------------------------------------------------------------------- cost-effectiveness
def cost_effectiveness_table(results: pd.DataFrame, *, baseline: str = "baseline",
                             policies: Sequence[str] | None = None, year: int | None = None,
                             cost: str = COST) -> pd.DataFrame:
    """Convergence per cost of each policy scenario against `baseline`, paired by seed.

    Returns ``policy, baseline, dimension, indicator, year, first_year, n_pairs, d_ratio``
    (mean paired change of the ratio), ``d_cost_100m_yuan`` (mean paired change of the
    cumulative cost, first_year+1 … year), ``ce_pp_per_tn`` (= 100·d_ratio / (d_cost/10⁴):
    percentage points per trillion yuan, a ratio of means) and ``ce_q05, ce_q95`` (quantiles
    of the per-pair ratios). NaN where the cost does not change.
    """
    df = D.tidy(results)
    goal = D.select(df, indicators=RATIO_INDICATORS.values(), areas=[GOAL_AREA])
    costs = D.select(df, indicators=[cost], areas=["China"])
    present = D.scenario_order(goal)
    if baseline not in present:
        raise InputError(f"reference scenario {baseline!r} is not in the results",
                         field="baseline", allowed=", ".join(present) or "a scenario")
    if costs.empty:
        raise InputError(f"the results have no {cost} rows (area China)", field="results",
                         allowed="results of westdev runs, which record lever costs")
    year = _goal_year(goal, year)
    first = int(df["year"].min())
    key = ["seed", "replicate"]
    cum = costs[(costs["year"] > first) & (costs["year"] <= year)].groupby(
        ["scenario", *key])["value"].sum()
    at = goal[goal["year"] == year].set_index(["scenario", *key, "indicator"])["value"]
    rows = []
    pols = [p for p in (policies if policies is not None else present) if p != baseline]
    for p in pols:
        try:
            dc = (cum.loc[p] - cum.loc[baseline]).dropna()
        except KeyError:
            continue
        for dim, ind in RATIO_INDICATORS.items():
            try:
                dr = (at.xs((p, ind), level=("scenario", "indicator"))
                      - at.xs((baseline, ind), level=("scenario", "indicator"))).dropna()
            except KeyError:
                continue
            pair = pd.concat([dr.rename("dr"), dc.rename("dc")], axis=1, join="inner")
            n = len(pair)
            mean_r = float(pair["dr"].mean()) if n else np.nan
            mean_c = float(pair["dc"].mean()) if n else np.nan
            scale = max(1.0, float(cum.abs().max()))
            ok = n and np.isfinite(mean_c) and abs(mean_c) > 1e-9 * scale
            ce = 100 * mean_r / (mean_c / TRILLION) if ok else np.nan
            with np.errstate(divide="ignore", invalid="ignore"):
                per = (100 * pair["dr"] / (pair["dc"] / TRILLION)).replace(
                    [np.inf, -np.inf], np.nan).dropna()
            q = np.quantile(per, [0.05, 0.95]) if ok and len(per) else [np.nan, np.nan]
            rows.append({"policy": p, "baseline": baseline, "dimension": dim, "indicator": ind,
                         "year": year, "first_year": first, "n_pairs": n, "d_ratio": mean_r,
                         "d_cost_100m_yuan": mean_c, "ce_pp_per_tn": ce, "ce_q05": q[0],
                         "ce_q95": q[1]})
    return pd.DataFrame(rows, columns=CE_COLUMNS)


def _tn_label(d_cost: float, lang: str) -> str:
    if not np.isfinite(d_cost) or d_cost == 0:
        return ""
    value = d_cost / TRILLION
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    text = L.text("tn", lang, sign=sign, value=abs(value))
    if abs(value) < 1:  # two decimals for small sums: 0.07, not 0.1
        text = text.replace(f"{abs(value):.1f}", f"{abs(value):.2f}", 1)
    return text


def plot_cost_effectiveness(results: pd.DataFrame, *, baseline: str = "baseline",
                            policies: Sequence[str] | None = None, year: int | None = None,
                            colours: Mapping[str, str] | None = None,
                            scenario_order: Sequence[str] | None = None,
                            ax: Sequence[Axes] | None = None, note: str | None = None,
                            lang: str = "en") -> Figure:
    """Percentage points of each goal ratio gained per 1 trillion yuan of extra lever cost,
    by policy scenario against `baseline` (one panel per dimension; bars: mean, whiskers:
    5–95 % across seed pairs). `results` is the tidy table or a `cost_effectiveness_table`."""
    if "ce_pp_per_tn" in results.columns:
        table = results
        order = list(scenario_order or [baseline, *dict.fromkeys(table["policy"])])
    else:
        df = D.tidy(results)
        order = list(scenario_order or D.scenario_order(df))
        table = cost_effectiveness_table(df, baseline=baseline, policies=policies, year=year)
    pols = list(dict.fromkeys(table["policy"])) if len(table) else []
    year = int(table["year"].iloc[0]) if len(table) else (year or GOAL_YEAR)
    first = int(table["first_year"].iloc[0]) if len(table) else 2019
    dims = list(DIMENSIONS)
    with house_style(lang):
        if ax is None:
            fig = new_figure(TWO_COLUMN, 1.6 + 0.32 * max(len(pols), 1))
            axes = list(fig.subplots(1, 3, sharey=True))
            own = True
        else:
            axes = list(np.ravel(ax))
            fig, own = axes[0].figure, False
        ylabels = []
        for p in pols:
            d_cost = table.loc[table["policy"] == p, "d_cost_100m_yuan"]
            tn = _tn_label(float(d_cost.iloc[0]), lang) if len(d_cost) else ""
            name = L.scenario_label(p, lang)
            ylabels.append(f"{name}\n({tn})" if tn else name)
        for panel, dim in zip(axes, dims, strict=True):
            sub = table[table["dimension"] == dim]
            for i, p in enumerate(pols):
                row = sub[sub["policy"] == p]
                if row.empty:
                    continue
                r = row.iloc[0]
                c = colour_for(p, order, colours)
                if not np.isfinite(r["ce_pp_per_tn"]):
                    panel.text(0.02, i, L.text("no_cost", lang), va="center", ha="left",
                               color="#555555", transform=panel.get_yaxis_transform())
                    continue
                panel.barh(i, r["ce_pp_per_tn"], height=0.55, color=c, alpha=0.85)
                if np.isfinite(r["ce_q05"]) and r["n_pairs"] > 1:
                    panel.plot([r["ce_q05"], r["ce_q95"]], [i, i], color="#222222",
                               linewidth=0.9)
            panel.axvline(0, color=GREY, linewidth=0.8)
            panel.set_title(L.dimension_label(dim, lang), loc="left")
            panel.grid(True, axis="x", color="#dddddd", linewidth=0.5)
            panel.grid(False, axis="y")
            panel.set_xlabel(L.text("pp", lang) + (" / 1 tn yuan" if lang == "en" else " / 万亿元"))
            if sub.empty:
                empty_panel(panel)
        axes[0].set_yticks(range(len(pols)))
        axes[0].set_yticklabels(ylabels)
        axes[0].set_ylim(len(pols) - 0.5, -0.5)
        parts = [D.source_line(lang), D.scenario_note([baseline, *pols], lang),
                 L.text("ce_note", lang, reference=baseline, year=year, first=first + 1)]
        D.close_figure(fig, parts, note, lang, own=own, title=L.text("ce_title", lang, year=year))
    return fig


def plot_lever_cost_effectiveness(split: pd.DataFrame, *, outcome: str | None = None,
                                  scenarios: Sequence[str] | None = None,
                                  ax: Axes | None = None, note: str | None = None,
                                  lang: str = "en") -> Figure:
    """Per lever of a package: Shapley share of the effect on `outcome` (percentage points of
    the ratio) per 1 trillion yuan of the lever's own cumulative cost (accounting rows).

    `split` is `westdev.analysis.summaries.split_effects(store)`; `outcome` defaults to the first
    ``West:west_east_ratio_income@<year>`` outcome; `scenarios` (the base and the package)
    go into the note.
    """
    needed = {"method", "outcome", "lever", "mean"}
    if not needed <= set(split.columns):
        raise InputError("not a split_effects table", field="split",
                         allowed="westdev.analysis.summaries.split_effects(store) output")
    effects = split[split["method"] == "shapley"]
    if effects.empty:
        effects = split[split["method"] == "oat_on"]
    outs = list(dict.fromkeys(effects["outcome"]))
    if outcome is None:
        outcome = next((o for o in outs if f"{RATIO_INDICATORS['income']}@" in o),
                       outs[0] if outs else None)
    eff = effects[effects["outcome"] == outcome].set_index("lever")["mean"]
    eff = eff.drop(index=["interaction", "total"], errors="ignore")
    acc = split[split["method"] == "accounting"].drop_duplicates("lever").set_index(
        "lever")["mean"]
    levers = list(eff.index)
    ce = {}
    for lv in levers:
        c = float(acc.get(lv, np.nan))
        ce[lv] = 100 * float(eff[lv]) / (c / TRILLION) if np.isfinite(c) and abs(c) > 1e-9 \
            else np.nan
    ranked = sorted(levers, key=lambda v: (np.isnan(ce[v]), -(ce[v] if np.isfinite(ce[v])
                                                               else 0)))
    labels = []
    for lv in ranked:
        tn = _tn_label(float(acc.get(lv, np.nan)), lang)
        title = L.lever_label(lv, lang)
        labels.append(f"{title}\n({tn})" if tn else title)
    longest = max((len(L.lever_label(lv, lang)) for lv in ranked), default=10)
    width = min(TWO_COLUMN, max(ONE_COLUMN, longest * 7.0 * 0.55 / 72 + 2.8))
    with house_style(lang):
        if ax is None:
            fig = new_figure(width, 1.6 + 0.34 * max(len(ranked), 1))
            panel, own = fig.subplots(), True
        else:
            panel, fig, own = ax, ax.figure, False
        for i, lv in enumerate(ranked):
            if np.isfinite(ce[lv]):
                panel.barh(i, ce[lv], height=0.6, color=OKABE_ITO[0], alpha=0.85)
            else:
                panel.text(0.02, i, L.text("no_cost", lang), va="center", ha="left",
                           color="#555555", transform=panel.get_yaxis_transform())
        panel.axvline(0, color=GREY, linewidth=0.8)
        panel.set_yticks(range(len(ranked)))
        panel.set_yticklabels(labels)
        panel.set_ylim(len(ranked) - 0.5, -0.5)
        panel.grid(True, axis="x", color="#dddddd", linewidth=0.5)
        panel.grid(False, axis="y")
        panel.set_xlabel(L.text("pp", lang) + (" / 1 tn yuan" if lang == "en" else " / 万亿元"))
        if not ranked:
            empty_panel(panel)
        parts = [D.source_line(lang)]
        if scenarios:
            parts.append(D.scenario_note(scenarios, lang))
        parts.append(L.text("ce_lever_note", lang, outcome=outcome))
        if note:
            parts.append(note)
        if own:
            finish(fig, D.join(parts, lang), lang=lang, title=L.text("ce_lever_title", lang))
        else:
            panel.set_title(L.text("ce_lever_title", lang), loc="left")
    return fig


# ---------------------------------------------------------------------- frontier
def frontier_table(results: pd.DataFrame, *, year: int | None = None,
                   reference: str | None = "baseline",
                   x: str = RATIO_INDICATORS["income"], x_area: str = GOAL_AREA,
                   y: str = "gdp_100m_yuan", y_area: str = "China",
                   by: str = "auto") -> pd.DataFrame:
    """Per policy mix (scenario, or scenario and design point of a sweep): median and 5–95 %
    of convergence (`x`) and output (`y`) in `year`, and whether the mix is on the frontier.

    `by` is "auto" (design points of sweep run ids ``<scenario>-pNNNN-rNNNN`` are mixes of
    their own) or "scenario" (pool them: for ensembles, whose points are parameter draws).

    With a `reference` scenario in the results, output is the % difference from the
    reference's median; otherwise the level in trillion yuan. Columns ``mix, scenario, n,
    x_q05, x_q50, x_q95, y_q05, y_q50, y_q95, y_kind, frontier``.
    """
    df = D.tidy(results)
    xs = D.select(df, indicators=[x], areas=[x_area])
    ys = D.select(df, indicators=[y], areas=[y_area])
    if xs.empty or ys.empty:
        raise InputError(f"the results lack {x_area}:{x} or {y_area}:{y}", field="results",
                         allowed="results with both indicators")
    year = _goal_year(xs, year)
    if by not in ("auto", "scenario"):
        raise InputError(f"unknown grouping {by!r}", field="by", allowed="auto | scenario")

    def key(d: pd.DataFrame) -> pd.Series:
        return D.mix_key(d) if by == "auto" else d["scenario"].astype(str)

    xs = xs[xs["year"] == year].assign(mix=key)
    ys = ys[ys["year"] == year].assign(mix=key)
    ref_level = None
    if reference is not None and reference in set(ys["mix"]):
        ref_level = float(ys.loc[ys["mix"] == reference, "value"].median())
    if ref_level:
        yv = ys.assign(value=100 * (ys["value"] / ref_level - 1))
        kind = "pct"
    else:
        yv = ys.assign(value=ys["value"] / TRILLION)
        kind = "level"
    rows = []
    for mix in dict.fromkeys(xs["mix"]):
        a = xs.loc[xs["mix"] == mix, "value"].to_numpy()
        b = yv.loc[yv["mix"] == mix, "value"].to_numpy()
        if not a.size or not b.size:
            continue
        qa, qb = np.quantile(a, [0.05, 0.5, 0.95]), np.quantile(b, [0.05, 0.5, 0.95])
        rows.append({"mix": mix, "scenario": str(xs.loc[xs["mix"] == mix, "scenario"].iloc[0]),
                     "n": int(a.size), "x_q05": qa[0], "x_q50": qa[1], "x_q95": qa[2],
                     "y_q05": qb[0], "y_q50": qb[1], "y_q95": qb[2], "y_kind": kind})
    table = pd.DataFrame(rows, columns=["mix", "scenario", "n", "x_q05", "x_q50", "x_q95",
                                        "y_q05", "y_q50", "y_q95", "y_kind"])
    table["frontier"] = _nondominated(table["x_q50"].to_numpy(), table["y_q50"].to_numpy())
    table["year"] = year
    table["reference"] = reference if kind == "pct" else None
    return table


def _nondominated(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where no other point is at least as good on both and better on one."""
    out = np.ones(len(x), dtype=bool)
    for i in range(len(x)):
        better = (x >= x[i]) & (y >= y[i]) & ((x > x[i]) | (y > y[i]))
        out[i] = not better.any()
    return out


def plot_frontier(results: pd.DataFrame, *, year: int | None = None,
                  reference: str | None = "baseline",
                  theta: float | Mapping[str, float] | None = None,
                  labels: Mapping[str, str] | None = None,
                  colours: Mapping[str, str] | None = None,
                  scenario_order: Sequence[str] | None = None, ax: Axes | None = None,
                  note: str | None = None, lang: str = "en") -> Figure:
    """National output (China GDP) against the West/East income ratio in `year` for each
    policy mix, with 5–95 % bars and the frontier of mixes no other mix beats on both.

    `results` is the tidy table or a `frontier_table`; `labels` maps a mix to the text written
    beside its point (default: the mix name when there are at most 12 mixes, else only the
    frontier's).
    """
    if "frontier" in results.columns:
        table = results
        order = list(scenario_order or dict.fromkeys(table["scenario"]))
    else:
        df = D.tidy(results)
        order = list(scenario_order or D.scenario_order(df))
        table = frontier_table(df, year=year, reference=reference)
    year = int(table["year"].iloc[0]) if len(table) else (year or GOAL_YEAR)
    kind = table["y_kind"].iloc[0] if len(table) else "level"
    ref = table["reference"].iloc[0] if len(table) and "reference" in table else reference
    many = len(table) > 12
    with house_style(lang):
        if ax is None:
            fig = new_figure(ONE_COLUMN, 3.6)
            panel, own = fig.subplots(), True
        else:
            panel, fig, own = ax, ax.figure, False
        handles: dict[str, object] = {}
        for _, r in table.iterrows():
            c = colour_for(r["scenario"], order, colours)
            alpha = 0.45 if many and not r["frontier"] else 1.0
            if r["n"] > 1:
                panel.plot([r["x_q05"], r["x_q95"]], [r["y_q50"], r["y_q50"]], color=c,
                           linewidth=0.8, alpha=alpha)
                panel.plot([r["x_q50"], r["x_q50"]], [r["y_q05"], r["y_q95"]], color=c,
                           linewidth=0.8, alpha=alpha)
            h = panel.plot([r["x_q50"]], [r["y_q50"]], "o", color=c,
                           markersize=3.0 if many else 4.5, alpha=alpha,
                           markeredgecolor="white", markeredgewidth=0.4)[0]
            handles.setdefault(r["scenario"], h)
        front = table[table["frontier"]].sort_values("x_q50")
        if len(front) > 1:
            (fl,) = panel.plot(front["x_q50"], front["y_q50"], color="#222222", linewidth=0.9,
                               linestyle="-", zorder=0)
            handles[L.text("frontier_line", lang)] = fl
        if theta is not None:
            level = theta_for(theta, "income")
            lo, hi = (table["x_q05"].min(), table["x_q95"].max()) if len(table) else (0, 1)
            if lo - 0.05 <= level <= hi + 0.05:
                g = panel.axvline(level, color=GREY, linestyle="--", linewidth=0.9)
                handles[L.text("theta", lang, theta=level)] = g
        for _, r in table.iterrows():
            text = (labels or {}).get(r["mix"])
            if text is None and (not many or r["frontier"]) and labels is None:
                text = r["mix"] if many or r["mix"] != r["scenario"] else None
            if text:
                panel.annotate(L.scenario_label(text, lang), (r["x_q50"], r["y_q50"]), xytext=(4, 4),
                               textcoords="offset points", fontsize=7, color="#222222")
        if kind == "pct":
            panel.axhline(0, color=GREY, linewidth=0.6)
            panel.set_ylabel(L.text("frontier_y_dev", lang, reference=L.scenario_label(ref, lang)))
        else:
            panel.set_ylabel(L.text("frontier_y_level", lang))
        panel.set_xlabel(L.text("frontier_x", lang, year=year))
        panel.set_title(L.text("frontier_title", lang, year=year), loc="left")
        panel.grid(True, axis="both", color="#eeeeee", linewidth=0.5)
        panel.margins(x=0.15, y=0.15)
        if table.empty:
            empty_panel(panel)
        sweep = (table["mix"] != table["scenario"]).any() if len(table) else False
        what = L.text("mixes_points" if sweep else "mixes_scenarios", lang)
        parts = [D.source_line(lang), D.scenario_note(order, lang),
                 L.text("frontier_note", lang, what=what)]
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=panel, ncols=2)
    return fig
