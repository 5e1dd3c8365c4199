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
# # Calibration: does the model reproduce 2000–2019, and predict what it was not fitted on?
#
# The model is fitted to the provincial history of 2000–2019 (`calibration/targets.toml`),
# screened with Morris elementary effects, estimated by history matching with an emulator and
# the simulated method of moments, validated out of sample (fit 2000–2012, predict 2013–2019,
# beside a naive trend), and used to back-cast the 2000 western development programme.
#
# `WESTDEV_QUICK=1`: the same pipeline at toy sizes (about 30 seconds on 2 cores; the numbers
# are only a smoke test). Otherwise the full calibration that produced the shipped
# `calibration/fitted/CN2019.toml` (about 5 minutes on 2 cores; it does not overwrite the
# shipped files from a notebook).

# %%
# %matplotlib inline
# ruff: noqa: B018 (a cell's last expression is what the notebook displays)
import os
from pathlib import Path

import pandas as pd

import westdev.calibration as cal
import westdev.charts as charts

QUICK = os.environ.get("WESTDEV_QUICK") == "1"
# quick mode writes under results/quick/, never over the full runs' stores in results/
OUT = Path(os.environ.get("WESTDEV_RESULTS", "results/quick" if QUICK else "results")) / (
    "calibration_quick" if QUICK else "calibration")
pd.set_option("display.width", 160)

# %% [markdown]
# ## Targets
#
# Every data target is computed from the packaged statistics with the same code that computes
# the model's moments; literature targets are cited. The tolerance says how close counts as a
# fit (data uncertainty plus the structural error of a 31-province model).

# %%
targets = cal.load_targets()
table = pd.DataFrame([{"moment": t.name, "value": t.value, "tolerance": t.tolerance,
                       "unit": t.unit, "in CN2019": t.name in targets.sets["CN2019"],
                       "in CN2012": t.name in targets.sets["CN2012"]}
                      for t in targets.targets.values()]).set_index("moment")
table

# %% [markdown]
# The observed West/East gap, from the same observed frame:

# %%
obs = cal.observed_frame()
gdp_pc = obs[obs["indicator"] == "gdp_per_capita_yuan"].pivot(index="year", columns="area",
                                                             values="value")
(gdp_pc["West"] / gdp_pc["East"]).round(3).to_frame("West/East GDP per head").T

# %% [markdown]
# ## Screening, estimation, validation, back-cast
#
# One call runs everything (`westdev calibrate` on the command line). Runs go into resumable
# stores under `OUT`; the fitted files are written there (`install=False`: the package's
# shipped fits stay as they are).

# %%
run = cal.calibrate_all(quick=QUICK, out=OUT, install=False)
print(run.report)

# %% [markdown]
# ### Which parameters move which moments
#
# Morris μ* in tolerances: a parameter that moves no moment by half a tolerance is not
# estimated (it keeps its register value).

# %%
charts.plot_screening(run.main.screening.effects)

# %%
run.main.screening.selected

# %% [markdown]
# ### The fit: estimates and targets
#
# Values, SMM standard errors and the 90 % plausible region (the likelihood-ratio set on the
# emulator). The history scale of the frontier's TFP growth is a property of the back-cast
# (an unobserved path of 2000–2019), not of behaviour.

# %%
pd.DataFrame({"value": run.main.fit.theta, "se": run.main.fit.se,
              "plausible": {k: f"[{a:.3g}, {b:.3g}]" for k, (a, b) in run.main.fit.plausible.items()}})

# %%
run.main.fit.table[["observed", "simulated", "simulated_sd", "tolerance",
                    "miss_in_tolerances"]].round(3)

# %%
charts.plot_calibration_fit(run.main.fit.table)

# %% [markdown]
# ## Out of sample: fitted to 2000–2012, predicting 2013–2019
#
# Errors of the model (CN2012 fit) and of the naive benchmark (each province's own 2000–2012
# trend, extended), root mean square over 2013–2019 and in 2019.

# %%
run.validation_errors.round(4)

# %%
paths = pd.read_csv(run.report.parent / "validation_paths.csv")
charts.plot_validation(paths)

# %% [markdown]
# ## Back-cast of the 2000 programme
#
# The growth premium of western GDP per head (pp a year), a difference in differences across
# regions and across the worlds with and without the programme; by instrument group, and by
# growth accounting. The literature's band is +1.3 to +2.2 pp, mainly through investment.

# %%
run.backcast["premium"].round(3)

# %%
run.backcast["accounting"].round(3)

# %%
run.backcast["cit_entry"].round(3)
