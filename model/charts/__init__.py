"""Charts for reports: Matplotlib figures in one house style, built without pyplot.

Figures are created as `matplotlib.figure.Figure` objects (no global backend switch, safe in
scripts, workers and notebooks; they render with the non-interactive Agg canvas) and saved with
`save_figure`.
"""

from __future__ import annotations

from westdev.charts.goal_ratios import GOAL_RATIOS, OKABE_ITO, plot_goal_ratios, save_figure

__all__ = ["GOAL_RATIOS", "OKABE_ITO", "plot_goal_ratios", "save_figure"]
