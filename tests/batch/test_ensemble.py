"""Uncertainty ensembles through the runner: draws in the runs table, common random numbers
across scenarios, probabilities of the goal from the store."""

from __future__ import annotations

import json

import pytest

import westdev.analysis.summaries as ws
import westdev.api as wd
from westdev.experiments.seeds import run_seed
from westdev.inputs.parameters import load_register

SPEC = {
    "experiment": {"name": "ens", "kind": "ensemble", "scenarios": ["baseline", "no_policy"]},
    "run": {"end_year": 2024, "resolution": "small", "replicates": 2, "root_seed": 6},
    "ensemble": {"draws": 5, "seed": 1, "parameters": ["calibrated"]},
    "outputs": {"years": [2024]},
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return wd.sweep(SPEC, out=tmp_path_factory.mktemp("ens") / "store", backend="serial",
                    progress=False, simulate="fakes:simulate")


def test_draws_are_recorded_and_seeded_by_the_draw(store):
    runs = store.runs
    assert len(runs) == 2 * 5 * 2 and store.manifest["kind"] == "ensemble"
    inputs = [json.loads(js) for js in runs["inputs_json"]]
    for row, inp in zip(runs.itertuples(), inputs, strict=True):
        point = inp["design_point"]
        calibrated = {f"parameters.{n}" for n, spec in load_register().items()
                      if spec.tag == "calibrated"}
        assert calibrated and set(point) >= calibrated | {"exogenous.frontier_tfp_growth.scale"}
        assert row.seed == run_seed(6, point, row.replicate)
        for name, value in point.items():  # the draws are the run's inputs
            if name.startswith("parameters."):
                assert inp["parameters"][name.split(".", 1)[1]] == value
    # the same draw and replicate under both scenarios share their seed: common random numbers
    seeds = runs.groupby(["replicate", runs["run_id"].str.split("-").str[1]])["seed"].nunique()
    assert (seeds == 1).all()


def test_probabilities_and_paired_deviations(store):
    p = ws.goal_probability(store, year=2024, theta=0.6)
    assert set(p["scenario"]) == {"baseline", "no_policy"}
    assert (p["n"] == 10).all() and p["probability"].between(0, 1).all()
    d = ws.deviations(store, "no_policy", "baseline", indicators=["west_east_ratio_income"],
                      years=[2024])
    assert d["n_pairs"].iloc[0] == 10
    assert d["mean"].iloc[0] < 0  # the fake's convergence is slower without the CIT cut
    curve = ws.goal_probability_curve(store, year=2024)
    assert set(curve["dimension"]) == {"income", "public_services", "infrastructure", "all"}
