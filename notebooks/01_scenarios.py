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
# # Scenarios: the guideline, its counterfactual and a variant of your own
#
# Compare the baseline with the full 2020 guideline package, the counterfactual without
# western preferences and a variant built in code, then ask the questions of the model: how far
# does each mix move the West towards the East, how likely is the goal, at what fiscal cost and
# at what cost in national output?
#
# `WESTDEV_QUICK=1`: small resolution, 2019–2022, 2 replicates (seconds). Otherwise: default
# resolution, 2019–2035, 8 replicates (about a minute on 2 cores).

# %%
# %matplotlib inline
# ruff: noqa: B018 (a cell's last expression is what the notebook displays)
import os
from pathlib import Path

import pandas as pd

import westdev.analysis.summaries as ws
import westdev.api as wd
import westdev.charts as charts
from westdev.api import load_scenario, shipped_scenarios

QUICK = os.environ.get("WESTDEV_QUICK") == "1"
# quick mode writes under results/quick/, never over the full runs' stores in results/
OUT = Path(os.environ.get("WESTDEV_RESULTS", "results/quick" if QUICK else "results"))
RESOLUTION = "small" if QUICK else "default"
END_YEAR = 2022 if QUICK else 2035
REPLICATES = 2 if QUICK else 8
BACKEND = "serial" if QUICK else "processes"

# %% [markdown]
# ## The shipped scenarios
#
# `baseline` continues the policy of 2019; `guideline` switches on every lever of the 2020
# guideline (cited by article, phased in); `no_policy` removes the western preferences; one
# file per policy area (`fiscal_only`, `infrastructure_only`, ...) isolates an area.

# %%
shipped_scenarios()

# %%
baseline = load_scenario("baseline").with_overrides(run={"end_year": END_YEAR})
guideline = load_scenario("guideline").with_overrides(run={"end_year": END_YEAR})
no_policy = load_scenario("no_policy").with_overrides(run={"end_year": END_YEAR})

year = 2030
levers = pd.DataFrame({"baseline": baseline.lever_values(year),
                       "guideline": guideline.lever_values(year)})
changed = levers[levers["baseline"].astype(str) != levers["guideline"].astype(str)]
print(f"{len(changed)} of {len(levers)} levers differ in {year}")
changed.head(12)

# %% [markdown]
# ## A variant in code
#
# The guideline without its transport push: the same package, with transport investment left
# at its baseline value. `with_overrides` checks the values like a scenario file would.

# %%
transport = "infrastructure.transport_investment_pct_gdp"
no_transport = guideline.with_overrides(
    name="guideline_no_transport",
    description="The guideline package with transport investment at its baseline value",
    levers={transport: baseline.levers[transport]})
no_transport.lever_values(2030)[transport], guideline.lever_values(2030)[transport]

# %%
store = wd.compare([baseline, guideline, no_transport, no_policy], replicates=REPLICATES,
                   resolution=RESOLUTION, backend=BACKEND, out=OUT / "scenarios",
                   overwrite=QUICK, progress=not QUICK)
store

# %% [markdown]
# ## Convergence by the goal year

# %%
GOAL = ["west_east_ratio_income", "west_east_ratio_public_services",
        "west_east_ratio_infrastructure"]
b = ws.bands(store, indicators=GOAL, areas=["West"], years=[END_YEAR])
b.pivot_table(index="scenario", columns="indicator", values="q50")

# %%
charts.plot_goal_fans(store.results, theta=store.manifest["goal_thresholds"])

# %% [markdown]
# Each scenario minus the baseline, paired run by run (the same seeds): most seed noise
# cancels, so small effects show.

# %%
dev = ws.deviations(store, "guideline", "baseline", indicators=GOAL, areas=["West"],
                    years=[END_YEAR])
dev[["indicator", "n_pairs", "mean", "q05", "q95", "t"]]

# %%
charts.plot_deviations(store.results, baseline="baseline")

# %% [markdown]
# ## The goal: probability and the share of the gap closed

# %%
charts.plot_goal_probability(store.results, theta=store.manifest["goal_thresholds"])

# %%
charts.plot_gap_closed(store.results)

# %% [markdown]
# ## Who is left behind?
#
# The worst-off western province, every western province in the last year, and the part of
# regional inequality that lies within the West.

# %%
charts.plot_worst_province(store.results)

# %%
charts.plot_theil_share(store.results)

# %% [markdown]
# ## What does it cost?
#
# Lever costs are in 100 million yuan a year at 2019 prices, measured against each lever's
# no-policy value (area `China`, `lever_cost_100m_yuan.<lever>` and `.total`). The
# cost-effectiveness chart divides each scenario's paired change of the goal-year ratio by its
# extra cumulative cost; the frontier sets national output against convergence.

# %%
cost = ws.bands(store, indicators=["lever_cost_100m_yuan.total"], areas=["China"])
cost.pivot_table(index="year", columns="scenario", values="mean").round(0)

# %%
charts.cost_effectiveness_table(store.results, baseline="baseline")[
    ["policy", "dimension", "d_ratio", "d_cost_100m_yuan", "ce_pp_per_tn"]]

# %%
charts.plot_cost_effectiveness(store.results, baseline="baseline")

# %%
charts.plot_frontier(store.results, theta=store.manifest["goal_thresholds"])

# %% [markdown]
# ## Provinces
#
# Any per-province indicator on China's tile grid, and a map (the GeoJSON shipped with the
# package, drawn with Matplotlib alone).

# %%
charts.plot_province_tiles(store.results, "income_ratio_to_east", reference=1.0,
                           scenarios=["baseline", "guideline", "no_policy"])

# %%
charts.plot_choropleth(store.results, "income_ratio_to_east", since=2019,
                       scenarios=["baseline", "guideline"])
