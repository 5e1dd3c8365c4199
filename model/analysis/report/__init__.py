"""``westdev report``: every chart that applies to a results store, and a short summary.

>>> from westdev.analysis.report import write_report
>>> files = write_report("results/cmp", "reports/cmp")            # PNG + PDF, English
>>> files = write_report("results/cmp", "reports/cmp_zh", lang="zh", formats=("png", "svg"))

What applies is read from the store: its manifest ``kind`` (run, compare, sweep, ensemble,
sensitivity; a package decomposition is a compare store whose request holds a
``decomposition``), the scenarios, and the indicators present.

- runs, comparisons, ensembles and sweeps: the goal ratios with uncertainty fans; P(ratio ≥ θ)
  over θ; the share of the start-year gap closed; the worst-off western province and the
  within-West Theil share; provinces on the tile grid and on a map. With a reference scenario
  ("baseline", else "no_policy", else the first) and other scenarios sharing its seeds, also the
  paired deviations and the cost-effectiveness of each scenario's extra lever cost; with two or
  more policy mixes (scenarios, or design points of a sweep), the output–convergence frontier.
- sensitivity analyses (Sobol' or Morris): the indices in the last year and by year (read from
  ``sensitivity.parquet`` when the analysis was written, else computed), the top factors.
- package decompositions: the package against its base, and convergence per cost by lever
  (Shapley split).

The summary ``report.md`` holds the key tables — goal ratios in 2035 (or the last year) with
5–95 % bands, the probability of the goal at the store's θ overall and per dimension, the
share of the gap closed, lever costs per year and the largest cost items of policy scenarios,
cost-effectiveness, the frontier's mixes, the top sensitivity factors — with the figures
embedded. Every file is written to a temporary name and moved into place.

Modules: ``build`` (`write_report`: the driver that decides what applies and draws it in
order); ``context`` (`ReportContext`: the state of one report, what the families share, and
``report.md``); one per figure family, as the charts are grouped — ``goal_ratios`` (fans and
deviations), ``probability`` (P(ratio ≥ θ) and the gap closed), ``provinces`` (worst province,
Theil share, tiles and maps), ``costs`` (lever costs, cost-effectiveness, frontier, lever
splits), ``sensitivity``; ``text`` (the bilingual strings and Markdown helpers) and ``command``
(``westdev report``). Calibration stores get no report of their own: ``westdev calibrate``
writes its fit report and figures itself. Importing the package is light — the command line
registers the parser for ``westdev --help`` — and `write_report` loads the charts when first
used.

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy``, ``westdev.experiments``,
``westdev.analysis`` and ``westdev.charts``: the report sits above the charts.
"""

from __future__ import annotations

import importlib
from typing import Any

from westdev.analysis.report.command import add_report_parser
from westdev.analysis.report.text import FIGURES, FORMATS, LANGS, REPORT

__all__ = ["FIGURES", "FORMATS", "LANGS", "REPORT", "ReportContext", "add_report_parser",
           "write_report"]


def __getattr__(name: str) -> Any:
    # the report itself (Matplotlib, pandas) loads on first use, not with the command line
    if name == "write_report":
        return importlib.import_module("westdev.analysis.report.build").write_report
    if name == "ReportContext":
        return importlib.import_module("westdev.analysis.report.context").ReportContext
    raise AttributeError(f"module 'westdev.analysis.report' has no attribute {name!r}")
