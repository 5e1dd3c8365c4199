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
# # Sensitivity: which levers move the goal ratios?
#
# Global sensitivity analysis with SALib through the one runner: Morris elementary effects to
# screen many factors cheaply, Sobol' indices to split the variance of the few that matter.
# Each outcome ("Area:indicator") is analysed year by year.
#
# `WESTDEV_QUICK=1`: four levers, a handful of design points, 2019–2022 (seconds). Otherwise:
# the shipped `morris_levers` experiment (16 levers, 340 runs at the small resolution, about
# 2 minutes on 2 cores) and a Sobol' design over four levers (192 runs, about a minute).

# %%
# %matplotlib inline
# ruff: noqa: B018 (a cell's last expression is what the notebook displays)
import os
from pathlib import Path

import westdev.analysis.sensitivity as sa
import westdev.api as wd
import westdev.charts as charts

QUICK = os.environ.get("WESTDEV_QUICK") == "1"
# quick mode writes under results/quick/, never over the full runs' stores in results/
OUT = Path(os.environ.get("WESTDEV_RESULTS", "results/quick" if QUICK else "results"))
BACKEND = "serial" if QUICK else "processes"

# %% [markdown]
# ## An experiment
#
# An experiment is a TOML file (`scenarios/experiments/`) or the same tables as a dict: a base
# scenario, run settings, outputs, a sampler and the factors with their ranges. Lever factors
# are named `levers.<area>.<key>` (`westdev levers` lists them with their no-policy and
# guideline values).

# %%
FACTORS = {
    "levers.fiscal.west_transfer_coefficient": {"range": [1.0, 1.35]},
    "levers.infrastructure.transport_investment_pct_gdp": {"range": [2.0, 4.0]},
    "levers.public_services.health_education_share_west": {"range": [0.3, 0.45]},
}
if QUICK:
    FACTORS["levers.talent.public_servant_wage_premium"] = {"range": [0.0, 0.2]}
RUN = ({"end_year": 2022, "resolution": "small", "replicates": 1, "root_seed": 7} if QUICK
       else {"resolution": "small", "replicates": 2, "root_seed": 7})
YEARS = [2020, 2021, 2022] if QUICK else [2025, 2030, 2035]


def experiment(name, sample, factors, run=RUN):
    return {"experiment": {"name": name, "scenario": "baseline"}, "run": run,
            "outputs": {"years": YEARS}, "sample": sample, "factors": factors}


morris_spec = (experiment("morris_quick", {"method": "morris", "trajectories": 3, "levels": 4,
                                           "seed": 17}, FACTORS)
               if QUICK else "morris_levers")
print(wd.experiment(morris_spec).describe())

# %% [markdown]
# ## Morris screening
#
# `wd.sensitivity` runs the design (resuming a matching store), computes the indices and writes
# them into the store (`sensitivity.parquet`, `noise_share.csv`).

# %%
morris = wd.sensitivity(morris_spec, out=OUT / "morris", backend=BACKEND, overwrite=QUICK,
                        progress=not QUICK)
morris.indices.head()

# %% [markdown]
# μ* is the mean absolute change of the outcome when a factor moves across its range; σ shows
# interactions and non-linearity. The top factors in the last year:

# %%
last = max(YEARS)
sa.top_factors(morris.indices, year=last, n=5)[["outcome", "factor", "value", "conf"]]

# %%
charts.plot_sensitivity_bars(morris.indices, scenario="baseline")

# %%
charts.plot_sensitivity_heatmap(morris.indices, scenario="baseline")

# %% [markdown]
# With two or more replicates per design point, part of each output's variance is seed noise;
# the indices are computed on replicate means.

# %%
morris.noise

# %% [markdown]
# ## Sobol' indices
#
# S1: the share of the output variance a factor explains alone; ST: with its interactions.
# Small samples give noisy (even negative) estimates, flagged in the `note` column; Sobol'
# needs every design point, so an output with a failed run is left undefined (NaN, with a
# note) rather than estimated from a broken design.

# %%
sobol_factors = dict(list(FACTORS.items())[:3]) if QUICK else {
    **FACTORS, "levers.talent.public_servant_wage_premium": {"range": [0.0, 0.2]}}
sobol_spec = experiment("sobol_levers", {"method": "sobol", "n": 4 if QUICK else 32,
                                         "seed": 11}, sobol_factors, run={**RUN, "replicates": 1})
print(wd.experiment(sobol_spec).describe())
sobol = wd.sensitivity(sobol_spec, out=OUT / "sobol", backend=BACKEND, overwrite=QUICK,
                       progress=not QUICK)
sa.top_factors(sobol.indices, year=last, n=3)[["outcome", "factor", "index", "value", "conf"]]

# %%
charts.plot_sensitivity_bars(sobol.indices, scenario="baseline")

# %%
charts.plot_sensitivity_heatmap(sobol.indices, index="ST", scenario="baseline")
