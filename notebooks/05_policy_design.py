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
# # Policy design: which mixes reach the goal, and the cheapest one that does
#
# The question the model exists to answer: which policy mix, with what probability, at what
# fiscal cost, brings the West to the 2035 goal? Two tools (`westdev.design`, issue 16):
#
# - **scenario discovery** (`wd.discover`): PRIM boxes and a CART tree — which values of the
#   levers, parameters and exogenous factors that vary in a store lead to a condition on the
#   outcomes, checked on a second, independent store;
# - **policy search** (`wd.optimise`): the cheapest lever mix with P(condition) ≥ p under an
#   ensemble (parameters, exogenous paths, seeds), its cost–probability frontier, a check on
#   fresh ensemble draws, and the robustness (regret, satisficing) of the shipped scenarios.
#
# `WESTDEV_QUICK=1`: four levers, 2019–2022, a handful of runs (seconds) — plumbing, not
# answers. Otherwise: the shipped `cheapest_income` search (about 1,600 runs at the small
# resolution, 15–20 minutes on 2 cores; an existing output folder resumes) and two
# 200-draw ensembles of the guideline for discovery (about 4 minutes).

# %%
# %matplotlib inline
# ruff: noqa: B018 (a cell's last expression is what the notebook displays)
import os
from pathlib import Path

import westdev.analysis.summaries as ws
import westdev.api as wd
import westdev.charts as charts

QUICK = os.environ.get("WESTDEV_QUICK") == "1"
OUT = Path(os.environ.get("WESTDEV_RESULTS", "results/quick" if QUICK else "results"))
BACKEND = "serial" if QUICK else "processes"
END = 2022 if QUICK else 2035
print(f"quick={QUICK}: 2019–{END}")

# %% [markdown]
# ## A policy search
#
# A policy search file (`scenarios/policy/`, schema in `scenarios/README.md`) names the base
# scenario, the uncertainty (an ensemble experiment), the levers searched and their ranges, the
# objective and the constraints, and the budgets. The quick mode uses the same tables as a
# dict. `optimise` explores the lever space, fits emulators, re-runs every candidate with the
# model on common ensemble draws, and checks the recommendation on fresh draws.

# %%
if QUICK:
    search = {
        "policy": {"name": "quick_income", "scenario": "baseline",
                   "ensemble": "ensemble_baseline"},
        "run": {"end_year": END, "replicates": 1},
        "levers": {"search": ["fiscal.west_transfer_coefficient",
                              "infrastructure.transport_investment_pct_gdp",
                              "land.west_quota_share",
                              "industry.encouraged_catalogue_coverage"],
                   "phase_in": [2020, 2021]},
        "objectives": [{"minimise": f"China:lever_cost_100m_yuan.total@sum(2020-{END})"}],
        "constraints": [{"condition": f"West:west_east_ratio_income@{END} >= 0.62",
                         "probability": 0.6}],
        "search": {"explore_runs": 16, "draws": 4, "frontier_points": 3, "iterations": 1},
        "verify": {"draws": 4, "scenarios": ["baseline", "guideline"]},
    }
else:
    search = "cheapest_income"
result = wd.optimise(search, out=OUT / "policy_search", backend=BACKEND, progress=not QUICK,
                     overwrite=QUICK)
result.summary["runs"], round(result.summary["wall_s"] / 60, 1)

# %% [markdown]
# ## The answer
#
# The recommended mix (the cheapest one meeting the constraint with the margin on the search's
# draws), each lever with its article, against its 2019 and guideline values; `best.toml` in
# the output folder is the same mix as a scenario file (`westdev validate` accepts it).

# %%
result.recommended[["lever", "articles", "value_2019", "value_guideline", "value"]]

# %% [markdown]
# The independent check: the recommended mix and the reference scenarios on fresh ensemble
# draws and seeds that the search never saw — the probability of the condition, the cost and
# the goal ratios.

# %%
cols = ["mix", "runs"] + [c for c in result.verification.columns
                          if c.startswith("P(") or c.startswith("mean ")]
result.verification[cols]

# %% [markdown]
# ## The frontier
#
# Every mix the model ran on the search draws: cost against the probability of the condition;
# the non-dominated ones joined, the recommendation starred, the reference scenarios as
# squares.

# %%
objective = f"mean {result.spec.objectives[0].outcome.label}"
constraint = f"P({result.spec.constraints[0].condition.text})"
charts.plot_tradeoff(result.frontier, x=objective, y=constraint,
                     chosen=result.summary["chosen"]["mix"], x_scale=1e4,
                     x_label="cumulative lever cost, trillion yuan",
                     threshold=result.spec.constraints[0].bound)

# %% [markdown]
# ## Robustness of the shipped scenarios
#
# Across the fresh draws: regret (how far each mix falls short of the best of them in each
# world: its maximum, 90th percentile and mean) and satisficing (the share of worlds in which
# it meets a condition), as EMA Workbench's robustness metrics.

# %%
rb = result.robustness
rb[rb["metric"].isin(["max_regret", "satisficing"])].pivot_table(
    index=["criterion", "metric"], columns="scenario", values="value")

# %% [markdown]
# ## Scenario discovery
#
# Which uncertain inputs make the guideline package miss the income goal? An ensemble of the
# guideline, PRIM on it, and the boxes' coverage and density on a second ensemble with other
# draws (the hold-out check). The condition's threshold is the ensemble's median income ratio
# in quick mode (so that it splits the runs), 0.8 otherwise.

# %%
def guideline_ensemble(seed, draws):
    return wd.sweep({"experiment": {"name": f"guideline_ens_{seed}", "scenario": "guideline"},
                     "run": {"resolution": "small", "replicates": 1, "root_seed": seed,
                             "end_year": END},
                     "ensemble": {"draws": draws, "seed": seed, "distribution": "fitted"},
                     "outputs": {"years": [END]}},
                    out=OUT / f"guideline_ens_{seed}", backend=BACKEND, overwrite=QUICK,
                    progress=not QUICK)


draws = 24 if QUICK else 200
first, second = guideline_ensemble(1, draws), guideline_ensemble(2, draws)
ratios = ws.results_frame(first, indicators=["west_east_ratio_income"], areas=["West"],
                          years=[END])["value"]
threshold = round(float(ratios.median()), 3) if QUICK else 0.8
condition = f"West:west_east_ratio_income@{END} < {threshold}"
found = wd.discover(first, condition, holdout=second, out=OUT / "discovery",
                    resamples=3 if QUICK else 20)
found.boxes[found.boxes["restricted"]][["box", "input", "lower", "upper", "coverage",
                                         "density", "qp_value", "reproducibility",
                                         "holdout_coverage", "holdout_density"]]

# %%
if found.prim_boxes:
    fig = charts.plot_prim_box(found.boxes, box=1, condition=condition)
else:
    fig = charts.plot_peeling_trajectory(found.trajectory, condition=condition)
fig

# %% [markdown]
# The CART tree over the same inputs, as a second opinion (its leaves, with the share of runs
# in each that meet the condition):

# %%
found.tree
