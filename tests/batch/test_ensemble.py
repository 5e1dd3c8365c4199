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


# ---------------------------------------------------------------- assumed lever magnitudes
def _final(schedule):
    return schedule.value if schedule.value is not None else schedule.points[-1][1]


@pytest.mark.parametrize("scenario", ["baseline", "enacted_2020_2024", "guideline"])
def test_the_shipped_policy_ensemble_draws_every_assumed_magnitude(scenario):
    """issue 22: no lever magnitude of the three policy paths is an assumption without a
    range drawn in the shipped ensemble; documented values are never drawn."""
    from westdev.experiments.factors import apply_design_point
    from westdev.experiments.spec import load_experiment
    from westdev.policy.catalogue import LEVERS

    exp = load_experiment("ensemble_policy")
    scen = next(s for s in exp.scenarios if s.name == scenario)
    drawn = {f.target.key for f in exp.factors if f.target.kind == "lever_magnitude"}
    for u in (0.0, 1.0):
        point = {f"levers.{k}.magnitude": u for k in drawn}
        out, _ = apply_design_point(scen, point)
        for name, spec in LEVERS.items():
            evidence = spec.evidence_of(_final(scen.levers[name]))
            assert evidence is not None, f"{scenario}: {name} rests on no basis"
            end = _final(out.levers[name])
            if evidence.assumed:
                assert name in drawn
                assert end == pytest.approx(evidence.range[int(u)]), (scenario, name)
            else:
                assert out.levers[name] == scen.levers[name], (scenario, name)


def test_a_drawn_phase_in_keeps_its_timing_and_start():
    """The guideline's west quota share rises 0.35 → 0.40 over 2020–2025; a draw moves only
    where it ends (range 0.35–0.45), in proportion along the way."""
    from westdev.experiments.factors import drawn_magnitude
    from westdev.inputs.scenario import load_scenario

    schedule = load_scenario("guideline").levers["land.west_quota_share"]
    assert dict(schedule.points) == {2020: 0.35, 2025: 0.4}
    top = drawn_magnitude(schedule, "land.west_quota_share", 1.0)
    mid = drawn_magnitude(schedule, "land.west_quota_share", 0.5)
    assert top == pytest.approx({"2020": 0.35, "2025": 0.45})
    assert mid == pytest.approx({"2020": 0.35, "2025": 0.40})
    # a value of the user's own is the user's choice: not drawn
    from westdev.inputs.schedule import Schedule

    assert drawn_magnitude(Schedule.constant(0.37), "land.west_quota_share", 1.0) is None


def test_magnitude_draws_reach_the_runs_and_stay_paired(tmp_path):
    spec = {
        "experiment": {"name": "ensm", "kind": "ensemble",
                       "scenarios": ["baseline", "guideline"]},
        "run": {"end_year": 2021, "resolution": "small", "replicates": 1, "root_seed": 3},
        "ensemble": {"draws": 3, "seed": 4, "parameters": [], "exogenous_scale": {},
                     "lever_ranges": True},
        "outputs": {"years": [2021]},
    }
    store = wd.sweep(spec, out=tmp_path / "s", backend="serial", progress=False,
                     simulate="fakes:simulate")
    runs = store.runs
    inputs = {r.run_id: json.loads(r.inputs_json) for r in runs.itertuples()}
    by_scenario = {}
    for r in runs.itertuples():
        inp = inputs[r.run_id]
        by_scenario.setdefault(r.scenario, []).append(inp)
    incentive = "talent.skilled_migrant_incentive_yuan"
    guideline = [i["levers"][incentive] for i in by_scenario["guideline"]]
    finals = [v if not isinstance(v, dict) else v[max(v, key=int)] for v in guideline]
    assert len(set(finals)) == 3 and all(1000.0 <= v <= 11000.0 for v in finals)
    # the same draw in the baseline sets the 2019 incentive (range 0–1,000) at the same quantile
    base = [i["levers"][incentive] for i in by_scenario["baseline"]]
    q_g = sorted((v - 1000.0) / 10000.0 for v in finals)
    q_b = sorted(float(v) / 1000.0 for v in base)
    assert q_g == pytest.approx(q_b)
