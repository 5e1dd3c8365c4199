"""Family (b): policy minus reference, paired by replicate (common random numbers).

`plot_deviations` draws, for each policy scenario, the difference of the goal ratios (and GDP
per head, as context) from the reference scenario over time, in percentage points of the ratio:
the mean paired difference as a line, the 25–75 % and 5–95 % bands of the paired differences
(`westdev.analysis.summaries.deviations`) around it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from westdev.analysis import summaries
from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.style import (
    GREY,
    colour_for,
    empty_panel,
    goal_panels,
    house_style,
    integer_years,
)
from westdev.errors import InputError
from westdev.policy.goal import CONTEXT_RATIO, DIMENSIONS, GOAL_AREA, RATIO_INDICATORS

PANELS = (*DIMENSIONS, "gdp_per_capita")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def deviation_table(results: pd.DataFrame, *, baseline: str = "baseline",
                    policies: Sequence[str] | None = None,
                    indicators: Sequence[str] | None = None,
                    area: str = GOAL_AREA) -> pd.DataFrame:
    """Paired policy − reference summaries for every policy scenario (see
    `westdev.analysis.summaries.deviations`), stacked: ``policy, baseline, year, area, indicator,
    n_pairs, mean, sd, se, t, q05, q25, q50, q75, q95``."""
    inds = list(indicators) if indicators is not None else [
        RATIO_INDICATORS.get(k, CONTEXT_RATIO) for k in PANELS]
    df = D.select(D.tidy(results), indicators=inds, areas=[area])
    present = D.scenario_order(df)
    if baseline not in present:
        raise InputError(f"reference scenario {baseline!r} is not in the results",
                         field="baseline", allowed=", ".join(present) or "a scenario")
    policies = [p for p in (policies if policies is not None else present) if p != baseline]
    frames = [summaries.deviations(df, p, baseline, indicators=inds, areas=[area],
                                   quantiles=QUANTILES) for p in policies]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def plot_deviations(results: pd.DataFrame, *, baseline: str = "baseline",
                    policies: Sequence[str] | None = None, ax: Sequence[Axes] | None = None,
                    context: bool = True, colours: Mapping[str, str] | None = None,
                    scenario_order: Sequence[str] | None = None, note: str | None = None,
                    lang: str = "en") -> Figure:
    """Policy − `baseline` of the goal ratios over time, by policy scenario, in percentage
    points; paired by (seed, replicate).

    `results` is the tidy table (or a `deviation_table`). `scenario_order` fixes colours
    (default: the scenarios in order of appearance, so colours match the other charts).
    """
    keys = list(PANELS if context else PANELS[:3])
    inds = {k: RATIO_INDICATORS.get(k, CONTEXT_RATIO) for k in keys}
    if "n_pairs" in results.columns:
        table = results
        order = list(scenario_order or [baseline, *dict.fromkeys(table["policy"])])
    else:
        df = D.tidy(results)
        order = list(scenario_order or D.scenario_order(df))
        table = deviation_table(df, baseline=baseline, policies=policies,
                                indicators=list(inds.values()))
    pols = list(policies) if policies is not None else (
        list(dict.fromkeys(table["policy"])) if len(table) else [])
    with house_style(lang):
        fig, axes, own = goal_panels(ax, len(keys))
        handles: dict[str, object] = {}
        for i, (panel, key) in enumerate(zip(axes, keys, strict=True)):
            sub = table[table["indicator"] == inds[key]] if len(table) else table
            panel.axhline(0.0, color=GREY, linewidth=0.8)
            for p in pols:
                s = sub[sub["policy"] == p].sort_values("year") if len(sub) else sub
                if s.empty:
                    continue
                c = colour_for(p, order, colours)
                x = s["year"].to_numpy()
                if (s["n_pairs"] > 1).any():
                    panel.fill_between(x, 100 * s["q05"], 100 * s["q95"], color=c, alpha=0.14,
                                       linewidth=0)
                    panel.fill_between(x, 100 * s["q25"], 100 * s["q75"], color=c, alpha=0.32,
                                       linewidth=0)
                (h,) = panel.plot(x, 100 * s["mean"], color=c)
                handles.setdefault(L.text("vs", lang, policy=L.scenario_label(p, lang),
                                          reference=L.scenario_label(baseline, lang)), h)
            if sub.empty:
                empty_panel(panel)
            panel.set_title(L.dimension_label(key, lang), loc="left")
            integer_years(panel)
            if not own or len(keys) != 4 or i % 2 == 0:
                panel.set_ylabel(f"Δ ({L.text('pp', lang)})" if lang == "en"
                                 else f"差值（{L.text('pp', lang)}）")
            if not own or len(keys) != 4 or i >= 2:
                panel.set_xlabel(L.text("year", lang))
        n = int(table["n_pairs"].max()) if len(table) else 0
        parts = [D.source_line(lang), D.scenario_note([baseline, *pols], lang),
                 L.text("paired_note", lang, n=n)]
        if lang == "en":
            parts.insert(2, f"Difference of each West / East ratio from {baseline}, "
                            "in percentage points (0.01 of the ratio).")
        else:
            parts.insert(2, f"各西部 / 东部比值与 {baseline} 的差值，单位为百分点（比值的 0.01）。")
        D.close_figure(fig, parts, note, lang, own=own, handles=handles, legend_ax=axes[0])
    return fig
