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
# # westdev — quick start
#
# Run the baseline (policy as it stood in 2019, continued) against the counterfactual without
# western preferences (`no_policy`), with a few replicates, then look at the three West/East
# goal ratios of the 2020 guideline: living standards (income per head), basic public services
# and infrastructure access.
#
# **Quick mode.** With the environment variable `WESTDEV_QUICK=1` (the test suite sets it) the
# notebook runs at the small resolution, to 2022 only, with 2 replicates, in a few seconds.
# Without it: the default resolution, to 2035, 8 replicates (under a minute on 2 cores).
# Stores go to `results/` beside the notebook — in quick mode to `results/quick/`, so that a
# quick run never replaces a full one (set `WESTDEV_RESULTS` to change that).

# %%
# %matplotlib inline
# ruff: noqa: B018 (a cell's last expression is what the notebook displays)
import os
from pathlib import Path

import westdev.analysis.summaries as ws
import westdev.api as wd
import westdev.charts as charts
from westdev.api import load_scenario

QUICK = os.environ.get("WESTDEV_QUICK") == "1"
# quick mode writes under results/quick/, never over the full runs' stores in results/
OUT = Path(os.environ.get("WESTDEV_RESULTS", "results/quick" if QUICK else "results"))
RESOLUTION = "small" if QUICK else "default"
END_YEAR = 2022 if QUICK else 2035
REPLICATES = 2 if QUICK else 8
BACKEND = "serial" if QUICK else "processes"  # processes: one run per core
print(f"quick={QUICK}: resolution {RESOLUTION}, 2019–{END_YEAR}, {REPLICATES} replicates")

# %% [markdown]
# ## Run a comparison
#
# `load_scenario` takes a shipped name or a TOML file; `with_overrides` derives a variant (here
# only the horizon). `compare` runs every scenario with the same replicate seeds (common random
# numbers) into one results store and returns it. In quick mode `overwrite=QUICK` replaces the
# notebook's own earlier quick store; in a full run an identical request resumes and a
# different one is an error (nothing you made is replaced).

# %%
scenarios = [load_scenario(name).with_overrides(run={"end_year": END_YEAR})
             for name in ("baseline", "no_policy")]
store = wd.compare(scenarios, replicates=REPLICATES, resolution=RESOLUTION, backend=BACKEND,
                   out=OUT / "quickstart", overwrite=QUICK, progress=not QUICK)
store

# %% [markdown]
# The store is a directory: `results/` (tidy: one row per run, year, area, indicator, read
# with `store.select(...)` or, for a small store, `store.results`), `runs/` (one row per run,
# `store.runs`) and `manifest.json` (what was asked, by which code, θ).

# %%
store.runs[["run_id", "scenario", "replicate", "seed", "status", "wall_s"]]

# %%
store.results.head()

# %% [markdown]
# ## The goal ratios
#
# `westdev.analysis.summaries.bands` gives the mean, spread and quantiles across runs; the goal ratios
# live on area `West`.

# %%
GOAL = ["west_east_ratio_income", "west_east_ratio_public_services",
        "west_east_ratio_infrastructure"]
ws.bands(store, indicators=GOAL, areas=["West"], years=[2019, END_YEAR])

# %% [markdown]
# The same as a chart: median across runs with 25–75 % and 5–95 % bands, the threshold θ
# ("roughly equal", 0.8 by default, recorded in the manifest), and GDP per head as context.

# %%
theta = store.manifest["goal_thresholds"]
fans = charts.plot_goal_fans(store.results, theta=theta)
fans

# %% [markdown]
# How likely is each ratio to reach θ, and all three together? (A comparison's replicates differ
# only in their seeds, so this is seed noise; an ensemble, `wd.sweep("ensemble_baseline")`,
# draws parameters and exogenous paths too.)

# %%
ws.goal_probability(store, year=END_YEAR)

# %% [markdown]
# Figures are `matplotlib.figure.Figure` objects: save them for print (PNG at 200 dpi and
# vector PDF or SVG) with `save_figure`.

# %%
files = charts.save_figure(fans, OUT / "quickstart" / "goal_fans", formats=("png", "pdf"))
[f.name for f in files]
