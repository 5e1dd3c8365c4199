# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Report figures
#
# From a results store to print: `westdev.analysis.report.write_report` (the `westdev report` command)
# writes every figure that applies to the store — PNG at 200 dpi and vector PDF or SVG — and a
# short `report.md` with the key tables. Then: adjusting one figure, composing panels into a
# figure of your own, and Chinese labels.
#
# `WESTDEV_QUICK=1`: small resolution, 2019–2022, 2 replicates, PNG only. Otherwise: default
# resolution, 2019–2035, 8 replicates, PNG and PDF.

# %%
# %matplotlib inline
# ruff: noqa: B018 (a cell's last expression is what the notebook displays)
import os
from pathlib import Path

from IPython.display import Image, Markdown, display
from matplotlib.figure import Figure

import westdev.api as wd
import westdev.charts as charts
from westdev.analysis.report import write_report
from westdev.api import load_scenario

QUICK = os.environ.get("WESTDEV_QUICK") == "1"
# quick mode writes under results/quick/, never over the full runs' stores in results/
OUT = Path(os.environ.get("WESTDEV_RESULTS", "results/quick" if QUICK else "results"))
RESOLUTION = "small" if QUICK else "default"
END_YEAR = 2022 if QUICK else 2035
REPLICATES = 2 if QUICK else 8
BACKEND = "serial" if QUICK else "processes"
FORMATS = ("png",) if QUICK else ("png", "pdf")

# %%
scenarios = [load_scenario(n).with_overrides(run={"end_year": END_YEAR})
             for n in ("baseline", "guideline", "no_policy")]
store = wd.compare(scenarios, replicates=REPLICATES, resolution=RESOLUTION, backend=BACKEND,
                   out=OUT / "report_store", overwrite=QUICK, progress=not QUICK)

# %% [markdown]
# ## The whole report
#
# What applies is read from the store: its kind (run, compare, sweep, ensemble, sensitivity),
# its scenarios (a reference — `baseline` — and the policies paired with it) and the
# indicators present. The same from the shell:
# `westdev report results/report_store --out results/report --formats png pdf`.

# %%
files = write_report(store.path, OUT / "report", formats=FORMATS)
[f.name for f in files]

# %%
text = (OUT / "report" / "report.md").read_text(encoding="utf-8")
display(Markdown(text.split("## Figures")[0]))  # the tables; the figures follow

# %%
display(Image(filename=str(OUT / "report" / "goal_fans.png"), width=720))

# %% [markdown]
# ## One figure, adjusted
#
# Every chart function returns a Figure and takes options: the scenarios and their order,
# colours (one per scenario, the same across a report by default), θ, a note for the footnote.

# %%
colours = charts.scenario_colours(["baseline", "guideline", "no_policy"])
fig = charts.plot_goal_fans(store.results, scenarios=["guideline", "baseline"], colours=colours,
                            context=False, theta=0.75,
                            note="θ = 0.75: a looser reading of 'roughly equal'.")
fig

# %% [markdown]
# ## Panels in a figure of your own
#
# Pass Axes to draw into; the house style (`charts.house_style()`) gives your own panels the
# same fonts. One-column figures are `charts.ONE_COLUMN` (3.5 in) wide, full-page ones
# `charts.TWO_COLUMN` (7.2 in).

# %%
with charts.house_style():
    composite = Figure(figsize=(charts.TWO_COLUMN, 3.2), layout="constrained")
    left, right = composite.subplots(1, 2)
charts.plot_theil_share(store.results, ax=left)
charts.plot_frontier(store.results, ax=right, theta=store.manifest["goal_thresholds"])
charts.save_figure(composite, OUT / "report" / "composite", formats=FORMATS)
composite

# %% [markdown]
# ## Chinese labels
#
# `lang="zh"` needs a CJK font (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei...); without
# one, `write_report` says which fonts it looked for and how to install one
# (`apt-get install fonts-noto-cjk`).

# %%
if charts.cjk_font():
    zh = write_report(store.path, OUT / "report_zh", lang="zh", formats=("png",))
    display(Image(filename=str(OUT / "report_zh" / "goal_fans.png"), width=720))
else:
    print("no CJK font here: skipping the Chinese report")
