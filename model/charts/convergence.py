"""Family (k): what convergence costs and how the verdict depends on the goal's definition.

`plot_output_cost`: each scenario's 2035 West/East income ratio against China's 2035 GDP relative
to a reference scenario (the output cost — or gain — of convergence), with the replicates'
spread, each labelled with its GDP change per 0.01 of the ratio gained. `plot_goal_definitions`:
the 2035 West/East ratio of each goal dimension under several measures (income nominal and in
local purchasing power; public services per person served and per km²; infrastructure as market
access and as network length per km² and per head) for a few scenarios, against θ.
`plot_lever_interactions`: a package's effect against its parts alone (a one-at-a-time split, or
`scenario_split` over scenarios that each hold one part), the interaction with its interval.

The first two read a results store's tidy table (year, area, indicator, value, scenario,
replicate); the third a split table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from westdev.analysis.summaries import split_effects
from westdev.charts.names import lever_label, scenario_label
from westdev.charts.style import (
    GREY,
    OKABE_ITO,
    TWO_COLUMN,
    finish,
    house_style,
    new_figure,
    panel_title,
    save_figure,
)
from westdev.policy.goal import (
    ALTERNATIVE_MEASURES,
    DEFAULT_THETA,
    RATIO_INDICATORS,
    REAL_INCOME_RATIO,
)

# each goal dimension with the measures the model records, the goal's own first
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    "living standards": [(RATIO_INDICATORS["income"], "income, nominal (goal)"),
                         (REAL_INCOME_RATIO, "income, local purchasing power")],
    "public services": [(RATIO_INDICATORS["public_services"], "per person served (goal)"),
                        ("west_east_ratio_public_services_per_km2", "capital per km²")],
    "infrastructure": [(RATIO_INDICATORS["infrastructure"], "market access (goal)"),
                       ("west_east_ratio_network_per_km2", "network per km²"),
                       ("west_east_ratio_network_per_head", "network per head")],
}
assert {m for rows in DEFINITIONS.values() for m, _ in rows} >= set(ALTERNATIVE_MEASURES)


def output_cost_table(results: pd.DataFrame, *, reference: str = "baseline",
                      year: int = 2035) -> pd.DataFrame:
    """Per scenario: the mean and 5–95 % range over replicates of the West/East income ratio
    and of China's GDP relative to `reference` (%, paired by replicate), in `year`; and the
    output cost of convergence, −(GDP change in %) per 0.01 of the ratio gained over the
    reference (``cost_per_0.01``; NaN when the ratio moves by less than 0.002: a cost per
    nothing is not a number)."""
    at = results[results["year"] == year]
    ratio = at[(at["area"] == "West") & (at["indicator"] == RATIO_INDICATORS["income"])]
    gdp = at[(at["area"] == "China") & (at["indicator"] == "gdp_100m_yuan")]
    ratio = ratio.pivot_table(index="replicate", columns="scenario", values="value")
    gdp = gdp.pivot_table(index="replicate", columns="scenario", values="value")
    rel = 100.0 * (gdp.div(gdp[reference], axis=0) - 1.0)
    rows = []
    for s in ratio.columns:
        gain = ratio[s].mean() - ratio[reference].mean()
        rows.append({"scenario": s, "ratio": ratio[s].mean(), "ratio_lo": ratio[s].quantile(0.05),
                     "ratio_hi": ratio[s].quantile(0.95), "gdp_pct": rel[s].mean(),
                     "gdp_lo": rel[s].quantile(0.05), "gdp_hi": rel[s].quantile(0.95),
                     "cost_per_0.01": (-rel[s].mean() / (gain / 0.01) if abs(gain) >= 0.002
                                       else float("nan")),
                     "n": int(ratio[s].notna().sum())})
    return pd.DataFrame(rows).set_index("scenario")


def _place_labels(ax, points: list[tuple[float, float, str, str]], size: float = 7.0) -> None:
    """Label each point beside it, trying positions further out (with a leader line) until the
    label overlaps neither another label nor a point."""
    if not hasattr(ax.figure.canvas, "get_renderer"):
        FigureCanvasAgg(ax.figure)  # attaches itself: text sizes need a renderer
    renderer = ax.figure.canvas.get_renderer()
    marks = [ax.transData.transform((x, y)) for x, y, _, _ in points]
    frame = ax.get_window_extent(renderer)
    taken = []
    candidates = [(dx, dy) for dy in (3, -9, 12, -18, 21, -27, 30, -36, 40, -46)
                  for dx in (5, -5, 30, -30)]
    for x, y, text, colour in sorted(points, key=lambda p: (-p[1], p[0])):
        best = None  # (clashes, dx, dy): the least crowded place if none is free
        for dx, dy in candidates:
            ann = ax.annotate(text, (x, y), textcoords="offset points", xytext=(dx, dy),
                              fontsize=size, ha="left" if dx > 0 else "right")
            box = ann.get_window_extent(renderer).expanded(1.02, 1.1)
            outside = (box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0
                       or box.y1 > frame.y1)
            clashes = (100 * outside + sum(box.overlaps(b) for b in taken)
                       + sum(box.contains(mx, my) for mx, my in marks))
            ann.remove()
            if best is None or clashes < best[0]:
                best = (clashes, dx, dy, box)
            if clashes == 0:
                break
        _, dx, dy, box = best
        ax.annotate(text, (x, y), textcoords="offset points", xytext=(dx, dy), fontsize=size,
                    color=colour, ha="left" if dx > 0 else "right",
                    arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.5, "shrinkA": 0,
                                "shrinkB": 3} if abs(dy) > 10 or abs(dx) > 10 else None)
        taken.append(box)


def plot_output_cost(results: pd.DataFrame, path: str | Path | None = None, *,
                     reference: str = "baseline", year: int = 2035,
                     labels: Mapping[str, str] | None = None) -> Figure:
    """National output against the West/East income ratio across scenarios (see the module
    docstring); each scenario that moves the ratio is labelled with its output cost per 0.01
    of the ratio (negative: a gain)."""
    table = output_cost_table(results, reference=reference, year=year)
    labels = dict(labels or {})
    with house_style():
        fig = new_figure(TWO_COLUMN, 3.6)
        ax = fig.add_subplot()
        points = []
        for i, (s, r) in enumerate(table.iterrows()):
            colour = OKABE_ITO[i % len(OKABE_ITO)] if s != reference else "#000000"
            ax.errorbar(r["ratio"], r["gdp_pct"],
                        xerr=[[r["ratio"] - r["ratio_lo"]], [r["ratio_hi"] - r["ratio"]]],
                        yerr=[[r["gdp_pct"] - r["gdp_lo"]], [r["gdp_hi"] - r["gdp_pct"]]],
                        fmt="o", ms=4, color=colour, elinewidth=0.8, capsize=1.5, zorder=3)
            text = labels.get(s, scenario_label(s).replace("Guideline: ", ""))
            if np.isfinite(r["cost_per_0.01"]):
                text += f" ({r['cost_per_0.01']:+.2f} %)"
            points.append((r["ratio"], r["gdp_pct"], text, colour))
        ax.axhline(0.0, color=GREY, lw=0.6)
        ax.margins(x=0.08, y=0.2)  # room for the labels
        ax.set_xlabel(f"West/East disposable income per head, {year}")
        ref = labels.get(reference, scenario_label(reference))
        ax.set_ylabel(f"China's real GDP in {year},\n% vs {ref}")
        n = int(table["n"].min()) if len(table) else 0
        finish(fig, f"Means over {n} paired replicates; bars: 5–95 % range. In brackets: "
               "China's GDP lost (%) per 0.01 of the ratio gained (negative: a gain). "
               "'… only': one area of the guideline alone.",
               title="The output cost of convergence")
        fig.draw_without_rendering()  # labels are placed in the final layout
        _place_labels(ax, points)
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig


def definitions_table(results: pd.DataFrame, scenarios: Sequence[str],
                      year: int = 2035) -> pd.DataFrame:
    """2035 West/East ratios by dimension, measure and scenario (mean, 5 % and 95 %)."""
    at = results[(results["year"] == year) & (results["area"] == "West")]
    rows = []
    for dim, measures in DEFINITIONS.items():
        for indicator, label in measures:
            for s in scenarios:
                v = at[(at["indicator"] == indicator) & (at["scenario"] == s)]["value"]
                if v.empty:
                    continue
                rows.append({"dimension": dim, "measure": label, "indicator": indicator,
                             "scenario": s, "mean": v.mean(), "lo": v.quantile(0.05),
                             "hi": v.quantile(0.95), "n": len(v)})
    return pd.DataFrame(rows)


def plot_goal_definitions(results: pd.DataFrame, path: str | Path | None = None, *,
                          scenarios: Sequence[str], theta: float = DEFAULT_THETA,
                          year: int = 2035, labels: Mapping[str, str] | None = None) -> Figure:
    """Each dimension's 2035 ratio under each measure, per scenario, against θ (dashed)."""
    table = definitions_table(results, scenarios, year)
    labels = dict(labels or {})
    with house_style():
        fig = new_figure(TWO_COLUMN, 3.2)
        axes = fig.subplots(1, len(DEFINITIONS), squeeze=False).ravel()
        for ax, (dim, measures) in zip(axes, DEFINITIONS.items(), strict=True):
            sub = table[table["dimension"] == dim]
            y = np.arange(len(measures))
            for j, s in enumerate(scenarios):
                pts = sub[sub["scenario"] == s].set_index("measure").reindex([m for _, m in measures])
                offset = (j - (len(scenarios) - 1) / 2) * 0.15
                ax.errorbar(pts["mean"], y + offset,
                            xerr=[pts["mean"] - pts["lo"], pts["hi"] - pts["mean"]],
                            fmt="o", ms=3.5, color=OKABE_ITO[j % len(OKABE_ITO)], elinewidth=0.8,
                            label=labels.get(s, scenario_label(s)) if ax is axes[0] else None)
            ax.axvline(theta, ls="--", lw=0.8, color=GREY)
            ax.set_yticks(y, [m for _, m in measures])
            ax.set_ylim(-0.5, len(measures) - 0.5)
            ax.set_xlabel(f"West / East, {year}")
            panel_title(ax, dim, TWO_COLUMN / len(DEFINITIONS))
        handles, names = axes[0].get_legend_handles_labels()
        finish(fig, f"Dashed: θ = {theta:g}. The goal's own measure is marked (goal); the others "
               "are the same dimension measured another way. Bars: 5–95 % over replicates.",
               legend_handles=handles, legend_labels=names,
               title="Does the West reach the goal? It depends on the measure")
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig


def scenario_split(results: pd.DataFrame, *, base: str, package: str,
                   parts: Mapping[str, str], outcome: str, year: int = 2035) -> pd.DataFrame:
    """Split a package's effect between parts run alone (e.g. one scenario per guideline area):
    `westdev.analysis.summaries.split_effects` with each part's scenario as the subset holding
    that part alone — per part its effect alone (``oat_on``), the total and the interaction,
    paired by replicate. `outcome` is ``Area:indicator``; `parts` maps a label to its scenario
    name. Raises ValueError when a scenario has no value of `outcome` in `year`."""
    area, indicator = outcome.split(":", 1)
    have = set(results.loc[(results["area"] == area) & (results["indicator"] == indicator)
                           & (results["year"] == year), "scenario"])
    missing = [s for s in [base, package, *parts.values()] if s not in have]
    if missing:
        raise ValueError(f"no {outcome} in {year} for scenario(s) {missing}")
    subsets = {base: [], package: list(parts), **{s: [name] for name, s in parts.items()}}
    return split_effects(results, outcomes=[outcome], year=year, cost=None,
                         levers=list(parts), subsets=subsets)


def interaction_table(split: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per lever (or part) of a split (`westdev.analysis.summaries.split_effects` one at a time,
    or `scenario_split`): its effect added alone to the base (``alone``) and, where the split
    has it, its last contribution, the package minus the package without it (``last``), with
    95 % half-widths; rows ``total`` (the package) and ``interaction`` (the package minus the
    sum of the parts alone). Raises if the split has no such outcome."""
    sub = split[split["outcome"] == outcome]
    if sub.empty:
        raise ValueError(f"no split rows for outcome {outcome!r}; "
                         f"outcomes in the split: {sorted(split['outcome'].unique())}")
    wide = {}
    for method, name in (("oat_on", "alone"), ("oat_off", "last")):
        m = sub[sub["method"] == method].set_index("lever")
        wide[name] = m["mean"]
        wide[f"{name}_ci"] = 1.96 * m["se"].fillna(0.0)
    table = pd.DataFrame(wide)
    total = sub[sub["method"] == "total"].set_index("lever")
    if "total" in total.index:
        table.loc["total", ["alone", "last"]] = total.loc["total", "mean"]
        table.loc["total", ["alone_ci", "last_ci"]] = 1.96 * total.loc["total", "se"]
    return table


def plot_lever_interactions(split: pd.DataFrame, outcome: str, path: str | Path | None = None,
                            *, top: int = 12, label: str | None = None,
                            lang: str = "en") -> Figure:
    """Why a package can add up to more than its parts: for the `top` parts (by the larger of
    the two effects), each part's effect alone (added to the base) beside, where the split has
    it, its last contribution (left out of the package); then the sum of the parts alone, the
    interaction (with its 95 % interval) and the whole package. A part whose last contribution
    exceeds its effect alone works through the others (complements)."""
    table = interaction_table(split, outcome)
    every = table.drop(index=[i for i in ("total", "interaction") if i in table.index])
    order = every[["alone", "last"]].abs().max(axis=1).sort_values(ascending=False).index[:top]
    levers = every.loc[order]
    total = float(table.loc["total", "alone"]) if "total" in table.index else float("nan")
    sum_alone = float(every["alone"].sum())
    has_last = bool(levers["last"].notna().any())
    inter_ci = (float(table.loc["interaction", "alone_ci"]) if "interaction" in table.index
                else float("nan"))
    with house_style(lang):
        fig = new_figure(TWO_COLUMN, 1.1 + 0.24 * (len(levers) + 3))
        ax = fig.add_subplot()
        y = np.arange(len(levers) + 3)[::-1]
        rows = y[3:]
        h = 0.38 if has_last else 0.6
        ax.barh(rows + (h / 2 if has_last else 0.0), levers["alone"], h,
                xerr=levers["alone_ci"], color=OKABE_ITO[0], error_kw={"elinewidth": 0.7},
                label="alone (added to the base)")
        if has_last:
            ax.barh(rows - h / 2, levers["last"].fillna(0.0), h, xerr=levers["last_ci"],
                    color=OKABE_ITO[1], error_kw={"elinewidth": 0.7},
                    label="last (left out of the package)")
        ax.barh(y[2], sum_alone, 0.6, color=OKABE_ITO[0], alpha=0.45)
        ax.barh(y[1], total - sum_alone, 0.6, left=sum_alone, xerr=inter_ci,
                color=OKABE_ITO[3], error_kw={"elinewidth": 0.7})
        ax.barh(y[0], total, 0.6, color=GREY)
        names = [lever_label(str(lv), lang) for lv in levers.index]
        ax.set_yticks(list(rows) + [y[2], y[1], y[0]],
                      names + ["sum of the parts alone", "interaction", "the whole package"])
        ax.axvline(0.0, color=GREY, lw=0.6)
        ax.set_xlabel(f"change in {label or outcome}")
        ax.legend(loc="lower right", fontsize=7)
        finish(fig, f"The package {total:+.3f} against {sum_alone:+.3f} for its parts alone: "
               f"interaction {total - sum_alone:+.3f} (95 % interval ±{inter_ci:.3f}). Means "
               f"over paired replicates; whiskers: 95 % intervals. {len(levers)} of "
               f"{len(every)} parts shown.", title="Where the package's effect comes from")
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig
