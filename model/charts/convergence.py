"""Family (j): what convergence costs and how the verdict depends on the goal's definition.

`plot_output_cost`: each scenario's 2035 West/East income ratio against China's 2035 GDP relative
to a reference scenario (the output cost — or gain — of convergence), with the replicates'
spread, and the slope of national output per 0.01 of the ratio. `plot_goal_definitions`: the
2035 West/East ratio of each goal dimension under several measures (income nominal and in local
purchasing power; public services per person served and per km²; infrastructure as market
access and as network length per km² and per head) for a few scenarios, against θ.

Both read a results store's tidy table (year, area, indicator, value, scenario, replicate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

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
    and of China's GDP relative to `reference` (%, paired by replicate), in `year`."""
    at = results[results["year"] == year]
    ratio = at[(at["area"] == "West") & (at["indicator"] == RATIO_INDICATORS["income"])]
    gdp = at[(at["area"] == "China") & (at["indicator"] == "gdp_100m_yuan")]
    ratio = ratio.pivot_table(index="replicate", columns="scenario", values="value")
    gdp = gdp.pivot_table(index="replicate", columns="scenario", values="value")
    rel = 100.0 * (gdp.div(gdp[reference], axis=0) - 1.0)
    rows = []
    for s in ratio.columns:
        rows.append({"scenario": s, "ratio": ratio[s].mean(), "ratio_lo": ratio[s].quantile(0.05),
                     "ratio_hi": ratio[s].quantile(0.95), "gdp_pct": rel[s].mean(),
                     "gdp_lo": rel[s].quantile(0.05), "gdp_hi": rel[s].quantile(0.95),
                     "n": int(ratio[s].notna().sum())})
    return pd.DataFrame(rows).set_index("scenario")


def plot_output_cost(results: pd.DataFrame, path: str | Path | None = None, *,
                     reference: str = "baseline", year: int = 2035,
                     labels: Mapping[str, str] | None = None) -> Figure:
    """National output against the West/East income ratio across scenarios (see the module
    docstring); the dashed line is the least-squares slope across scenarios."""
    table = output_cost_table(results, reference=reference, year=year)
    labels = dict(labels or {})
    with house_style():
        fig = new_figure(TWO_COLUMN, 3.4)
        ax = fig.add_subplot()
        for i, (s, r) in enumerate(table.iterrows()):
            colour = OKABE_ITO[i % len(OKABE_ITO)] if s != reference else "#000000"
            ax.errorbar(r["ratio"], r["gdp_pct"],
                        xerr=[[r["ratio"] - r["ratio_lo"]], [r["ratio_hi"] - r["ratio"]]],
                        yerr=[[r["gdp_pct"] - r["gdp_lo"]], [r["gdp_hi"] - r["gdp_pct"]]],
                        fmt="o", ms=4, color=colour, elinewidth=0.8, capsize=1.5, zorder=3)
            ax.annotate(labels.get(s, s), (r["ratio"], r["gdp_pct"]), textcoords="offset points",
                        xytext=(4, 3), fontsize=6.5, color=colour)
        if len(table) >= 3:
            slope, intercept = np.polyfit(table["ratio"], table["gdp_pct"], 1)
            xs = np.linspace(table["ratio"].min(), table["ratio"].max(), 2)
            ax.plot(xs, intercept + slope * xs, ls="--", lw=0.8, color=GREY, zorder=1)
            ax.text(0.02, 0.04, f"slope: {slope / 100:+.2f} % of China's GDP per 0.01 of the ratio",
                    transform=ax.transAxes, fontsize=7, color=GREY)
        ax.axhline(0.0, color=GREY, lw=0.6)
        ax.set_xlabel(f"West/East disposable income per head, {year}")
        ax.set_ylabel(f"China's real GDP in {year}, % vs {labels.get(reference, reference)}")
        n = int(table["n"].min()) if len(table) else 0
        finish(fig, f"Dots: means over {n} paired replicates (common random numbers); bars: "
               "5–95 % range. Below zero, a scenario costs national output.",
               title="The output cost of convergence")
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
                offset = (j - (len(scenarios) - 1) / 2) * 0.18
                ax.errorbar(pts["mean"], y + offset,
                            xerr=[pts["mean"] - pts["lo"], pts["hi"] - pts["mean"]],
                            fmt="o", ms=3.5, color=OKABE_ITO[j % len(OKABE_ITO)], elinewidth=0.8,
                            label=labels.get(s, s) if ax is axes[0] else None)
            ax.axvline(theta, ls="--", lw=0.8, color=GREY)
            ax.set_yticks(y, [m for _, m in measures])
            ax.set_xscale("log")
            ax.set_xlabel(f"West / East, {year} (log scale)")
            panel_title(ax, dim, TWO_COLUMN / len(DEFINITIONS))
        handles, names = axes[0].get_legend_handles_labels()
        finish(fig, f"Dashed: θ = {theta:g}. The goal's own measure is marked (goal); the others "
               "are the same dimension measured another way. Bars: 5–95 % over replicates.",
               legend_handles=handles, legend_labels=names,
               title="Does the West reach the goal? It depends on the measure")
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig
