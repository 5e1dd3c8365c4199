"""Charts for reports: Matplotlib figures in one house style, built without pyplot.

Figures are `matplotlib.figure.Figure` objects (no global backend switch, safe in scripts,
workers and notebooks, where they display inline; they render with the non-interactive Agg
canvas) and are saved with `save_figure` (PNG at 200 dpi and PDF or SVG, atomically). Every
chart function takes tidy results (a `ResultsStore.results` table or a selection of it) or a
summary / sensitivity DataFrame, an optional Axes to draw into, and ``lang`` ("en" or "zh");
none touches a model object. The house style is in `westdev.charts.style`.

May import: ``westdev.errors``, ``westdev.inputs`` (the provinces and the map),
``westdev.policy``, ``westdev.analysis.summaries`` (the tables some charts draw) and
``westdev.analysis.sensitivity`` (the noise flags of an older indices table).

======================================  ================================================
function                                what it shows
======================================  ================================================
`plot_goal_ratios`                      the three goal ratios, 5–95 % band (quick chart)
`plot_goal_fans`                        (a) goal ratios + GDP per head, 5–95/25–75 % fans
`plot_deviations`                       (b) policy − reference, paired by replicate
`plot_goal_probability`                 (c) P(ratio ≥ θ) over θ, by scenario
`plot_gap_closed`                       (c) share of the start-year gap closed
`plot_worst_province`                   (d) worst western province; each western province
`plot_theil_share`                      (d) within-West share of the Theil index
`plot_cost_effectiveness`               (e) convergence per trillion yuan, by scenario
`plot_lever_cost_effectiveness`         (e) the same per lever (Shapley split)
`plot_frontier`                         (e) national output vs convergence across mixes
`plot_sensitivity_bars`                 (f) Morris μ*/σ or Sobol' S1/ST in one year
`plot_sensitivity_heatmap`              (f) an index per factor and year
`plot_province_tiles`                   (g) any per-province indicator on the tile grid
`plot_choropleth`                       (h) a province map (value or change)
`plot_calibration_fit`                  (i) each target's miss, in tolerances
`plot_screening`                        (i) Morris μ* of parameters on moments
`plot_validation`                       (i) observed, model and naive paths out of sample
`plot_province_growth`                  (i) provinces' predicted vs observed growth out of sample
`plot_peeling_trajectory`               (j) PRIM's density against coverage, box by box
`plot_prim_box`                         (j) a PRIM box's limits on the inputs it restricts
`plot_tradeoff`                         (j) a policy search's frontier, recommended mix
`plot_mix`                              (j) a lever mix against the 2019 and guideline values
`plot_output_cost`                      (k) China's GDP vs the income ratio across scenarios
`plot_goal_definitions`                 (k) the 2035 ratios under other measures of the goal
`plot_lever_interactions`               (k) levers alone vs left out vs the whole package
======================================  ================================================
"""

from __future__ import annotations

from westdev.charts.calibration import (
    plot_calibration_fit,
    plot_province_growth,
    plot_screening,
    plot_validation,
)
from westdev.charts.convergence import (
    definitions_table,
    interaction_table,
    output_cost_table,
    plot_goal_definitions,
    plot_lever_interactions,
    plot_output_cost,
)
from westdev.charts.costs import (
    cost_effectiveness_table,
    frontier_table,
    plot_cost_effectiveness,
    plot_frontier,
    plot_lever_cost_effectiveness,
)
from westdev.charts.design import (
    plot_mix,
    plot_peeling_trajectory,
    plot_prim_box,
    plot_tradeoff,
)
from westdev.charts.deviations import deviation_table, plot_deviations
from westdev.charts.fans import plot_goal_fans, plot_indicator_fan
from westdev.charts.goal import gap_closed_table, plot_gap_closed, plot_goal_probability
from westdev.charts.goal_ratios import GOAL_RATIO_TITLES, plot_goal_ratios
from westdev.charts.maps import plot_choropleth, plot_province_tiles, province_values
from westdev.charts.provinces import (
    plot_theil_share,
    plot_worst_province,
    worst_province_table,
)
from westdev.charts.sensitivity import plot_sensitivity_bars, plot_sensitivity_heatmap
from westdev.charts.style import (
    OKABE_ITO,
    ONE_COLUMN,
    TWO_COLUMN,
    cjk_font,
    house_style,
    save_figure,
    scenario_colours,
)

__all__ = [
    "GOAL_RATIO_TITLES", "OKABE_ITO", "ONE_COLUMN", "TWO_COLUMN", "cjk_font",
    "cost_effectiveness_table", "deviation_table", "frontier_table", "gap_closed_table",
    "house_style", "plot_choropleth", "plot_cost_effectiveness", "plot_deviations",
    "plot_calibration_fit", "plot_frontier", "plot_gap_closed", "plot_goal_fans", "plot_goal_probability",
    "plot_goal_ratios", "plot_indicator_fan", "plot_lever_cost_effectiveness",
    "plot_province_tiles", "plot_screening", "plot_sensitivity_bars", "plot_sensitivity_heatmap",
    "plot_province_growth", "plot_theil_share", "plot_validation", "plot_worst_province", "province_values", "save_figure",
    "scenario_colours", "worst_province_table", "definitions_table", "interaction_table",
    "output_cost_table", "plot_goal_definitions", "plot_lever_interactions", "plot_output_cost",
    # policy design (issue 16)
    "plot_mix", "plot_peeling_trajectory", "plot_prim_box", "plot_tradeoff",
]
