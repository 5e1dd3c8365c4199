"""Experiment files: parsing, strict validation, design points, seeds and the request."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from westdev.errors import InputError
from westdev.experiments.designs import lever_subsets
from westdev.experiments.factors import Factor, apply_design_point, resolve_target
from westdev.experiments.seeds import run_seed
from westdev.experiments.spec import (
    DEFAULT_EXOGENOUS_SCALES,
    experiment_from_dict,
    load_experiment,
    shipped_experiments,
)
from westdev.inputs.parameters import load_parameters, load_register
from westdev.inputs.scenario import inline_scenario, load_scenario, scenario_from_content
from westdev.policy.catalogue import LEVERS


def exp(**tables):
    """An experiment dict on the baseline, 2019-2022, small; tables override or add."""
    raw = {"experiment": {"name": "t", "scenario": "baseline"},
           "run": {"end_year": 2022, "resolution": "small"}}
    for key, val in tables.items():
        if val is None:
            raw.pop(key, None)
        elif isinstance(val, dict) and isinstance(raw.get(key), dict):
            raw[key] = {**raw[key], **val}
        else:
            raw[key] = val
    return raw


GRID = {"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.2, 0.25],
        "levers.fiscal.equipment_duty_exemption": [True, False],
        "public_services.pension_pooling": ["provincial", "national"]}


def test_shipped_experiments_load():
    assert {"smoke", "morris_levers", "ensemble_baseline"} <= set(shipped_experiments())
    smoke = load_experiment("smoke")
    assert smoke.kind == "sweep" and smoke.n_runs <= 8
    assert smoke.base.run.resolution == "small" and smoke.base.run.end_year <= 2025
    morris = load_experiment("morris_levers")
    assert morris.design == "morris" and len(morris.factors) >= 10
    assert all(f.target.kind == "lever" for f in morris.factors)
    ens = load_experiment("ensemble_baseline")
    assert ens.kind == "ensemble"
    names = {f.name for f in ens.factors}
    calibrated = {f"parameters.{n}" for n, s in load_register().items() if s.tag == "calibrated"}
    assert calibrated <= names
    assert {f"exogenous.{d}.scale" for d in DEFAULT_EXOGENOUS_SCALES} <= names
    # the estimated parameters are drawn from their fit: normal, centred on the fitted value
    from westdev.calibration import read_fitted
    from westdev.inputs.parameters import register_entries

    fitted = dict(register_entries(read_fitted("CN2019").get("parameters", {})))
    assert fitted, "a fitted CN2019 vintage ships"
    by_name = {f.name: f for f in ens.factors}
    for name, entry in fitted.items():
        f = by_name[f"parameters.{name}"]
        assert f.distribution == "normal" and f.mean == pytest.approx(entry["value"])
        assert f.low == load_register()[name].low and f.high == load_register()[name].high


def test_grid_is_full_factorial_in_declared_order_with_bool_and_choice():
    e = experiment_from_dict(exp(grid=GRID, run={"replicates": 2}))
    points = e.points()
    assert e.kind == "sweep" and e.n_points == 12 and e.n_runs == 24
    assert points[0] == {"levers.fiscal.cit_rate_encouraged_west": 0.15,
                         "levers.fiscal.equipment_duty_exemption": True,
                         "levers.public_services.pension_pooling": "provincial"}
    assert points[-1]["levers.fiscal.cit_rate_encouraged_west"] == 0.25
    assert {type(p["levers.fiscal.equipment_duty_exemption"]) for p in points} == {bool}
    tasks = e.tasks()
    assert [t.run_id for t in tasks[:3]] == ["baseline-p0000-r0000", "baseline-p0000-r0001",
                                             "baseline-p0001-r0000"]
    assert tasks[2].point == 1 and dict(tasks[2].design_point) == points[1]


def test_grid_range_steps_and_parameters_and_exogenous():
    e = experiment_from_dict(exp(grid={
        "migration.income_weight": {"range": [1.0, 3.0], "steps": 3},
        "exogenous.frontier_tfp_growth.scale": [0.5, 1.5],
        "exogenous.real_interest_rate": [2.0]}))
    assert [f.name for f in e.factors] == ["parameters.migration.income_weight",
                                           "exogenous.frontier_tfp_growth.scale",
                                           "exogenous.real_interest_rate"]
    assert e.factors[0].values == (1.0, 2.0, 3.0)
    scenario, overrides = apply_design_point(e.base, e.points()[-1])
    assert overrides == {}
    assert scenario.parameter_overrides["migration.income_weight"] == 3.0
    base = e.base.exogenous["frontier_tfp_growth"]
    scaled = scenario.exogenous["frontier_tfp_growth"]
    for year in (2019, 2027, 2035):
        assert scaled.at(year) == pytest.approx(1.5 * base.at(year))
    assert scenario.exogenous["real_interest_rate"].at(2030) == 2.0
    assert scenario.content_hash != e.base.content_hash


def test_seeds_follow_the_design_point_and_adding_points_keeps_them():
    small = experiment_from_dict(exp(grid={"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.2]},
                                      run={"replicates": 2, "root_seed": 9}))
    large = experiment_from_dict(exp(grid={"levers.fiscal.cit_rate_encouraged_west":
                                           [0.25, 0.2, 0.15, 0.1]},
                                      run={"replicates": 3, "root_seed": 9}))
    seeds = {(json.dumps(dict(t.design_point)), t.replicate): t.seed for t in large.tasks()}
    for t in small.tasks():
        assert seeds[(json.dumps(dict(t.design_point)), t.replicate)] == t.seed
        assert t.seed == run_seed(9, dict(t.design_point), t.replicate)
    # common random numbers: lever values are left out of the seed
    crn = experiment_from_dict(exp(grid={"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.2]},
                                   experiment={"common_random_numbers": True}))
    assert len({t.seed for t in crn.tasks()}) == 1


def test_ensemble_draws_are_reproducible_extendable_and_in_range():
    raw = exp(ensemble={"draws": 5, "seed": 3, "parameters": ["calibrated",
                                                               "infrastructure.distance_decay"]})
    a = experiment_from_dict(raw)
    b = experiment_from_dict(raw)
    assert a.points() == b.points()
    more = experiment_from_dict({**raw, "ensemble": {**raw["ensemble"], "draws": 9}})
    assert more.points()[:5] == a.points()  # adding draws keeps the earlier ones
    assert [t.seed for t in more.tasks()][:5] == [t.seed for t in a.tasks()]
    register = load_register()
    for point in more.points():
        for name, value in point.items():
            if name.startswith("parameters."):
                spec = register[name.split(".", 1)[1]]
                assert spec.low <= value <= spec.high
            else:
                lo, hi = DEFAULT_EXOGENOUS_SCALES[name.split(".")[1]]
                assert lo <= value <= hi
    other = experiment_from_dict({**raw, "ensemble": {**raw["ensemble"], "seed": 4}})
    assert other.points() != a.points()


def test_ensemble_triangular_and_explicit_factors():
    e = experiment_from_dict(exp(
        ensemble={"draws": 50, "parameters": ["migration.income_weight"],
                  "distribution": "triangular", "exogenous_scale": {}},
        factors={"exogenous.world_demand_growth": {"distribution": "normal", "mean": 3.0,
                                                   "sd": 0.5, "bounds": [2.0, 4.0]}}))
    f = {f.name: f for f in e.factors}
    assert f["parameters.migration.income_weight"].distribution == "triangular"
    # the mode is the value in use: the fitted one for a calibrated parameter
    assert f["parameters.migration.income_weight"].mode == \
        load_parameters("CN2019")["migration.income_weight"]
    values = [p["exogenous.world_demand_growth"] for p in e.points()]
    assert min(values) >= 2.0 and max(values) <= 4.0


def test_sobol_and_morris_designs():
    factors = {"levers.fiscal.cit_rate_encouraged_west": {"range": [0.15, 0.25]},
               "levers.fiscal.equipment_duty_exemption": {"values": [False, True]},
               "migration.income_weight": {"distribution": "triangular", "range": [1.0, 4.0],
                                           "mode": 2.0}}
    sobol = experiment_from_dict(exp(sample={"method": "sobol", "n": 8, "seed": 1},
                                     factors=factors))
    assert sobol.kind == "sensitivity" and sobol.n_points == 8 * (3 + 2)
    assert {p["levers.fiscal.equipment_duty_exemption"] for p in sobol.points()} == {True, False}
    second = experiment_from_dict(exp(sample={"method": "sobol", "n": 8, "seed": 1,
                                              "calc_second_order": True}, factors=factors))
    assert second.n_points == 8 * (2 * 3 + 2)
    morris = experiment_from_dict(exp(sample={"method": "morris", "trajectories": 4,
                                              "seed": 2}, factors=factors))
    assert morris.n_points == 4 * 4 and morris.unit_sample().shape == (16, 3)
    lhs = experiment_from_dict(exp(sample={"method": "lhs", "n": 7}, factors=factors))
    assert lhs.kind == "sweep" and lhs.n_points == 7


def test_request_round_trip_rebuilds_the_same_experiment():
    for raw in (exp(grid=GRID),
                exp(ensemble={"draws": 3}),
                exp(sample={"method": "morris", "n": 2},
                    factors={"migration.income_weight": {"range": [1.0, 2.0]},
                             "fiscal.cit_rate_encouraged_west": {"range": [0.15, 0.25]}}),
                exp(decomposition={"package": "no_policy", "method": "oat"})):
        e = experiment_from_dict(raw)
        req = json.loads(json.dumps(e.request(), sort_keys=True))  # as in a manifest
        again = experiment_from_dict(req, file="manifest.json")
        assert json.loads(json.dumps(again.request(), sort_keys=True)) == req
        assert again.points() == e.points()
        assert [t.seed for t in again.tasks()] == [t.seed for t in e.tasks()]
        assert [t.scenario.content_hash for t in again.tasks()] == [
            t.scenario.content_hash for t in e.tasks()]


def test_scenario_from_content_reproduces_the_hash():
    s = load_scenario("no_policy").with_overrides(
        levers={"fiscal.cit_rate_encouraged_west": {2020: 0.15, 2030: 0.25}},
        exogenous={"commodity_price_index": {2019: 1.0, 2035: 1.3}},
        parameters={"migration.income_weight": 2.5})
    inline = inline_scenario(s)
    rebuilt = scenario_from_content(inline["content"], name=s.name)
    assert rebuilt.content_hash == s.content_hash == inline["hash"]


def test_resolve_target_names_and_suggestions():
    assert resolve_target("fiscal.cit_rate_encouraged_west").name == \
        "levers.fiscal.cit_rate_encouraged_west"
    assert resolve_target("migration.income_weight").kind == "parameter"
    assert resolve_target("frontier_tfp_growth.scale").kind == "exogenous_scale"
    with pytest.raises(InputError, match="did you mean 'levers.fiscal.cit_rate_encouraged_west'"):
        resolve_target("fiscal.cit_rate_encourage_west", file="x.toml", field="grid.f")


BAD = [
    (exp(sample={"method": "sobel", "n": 8}), "sample.method", "did you mean 'sobol'"),
    (exp(sample={"method": "sobol", "n": 100},
         factors={"fiscal.cit_rate_encouraged_west": {"range": [0.15, 0.25]}}),
     "sample.n", "nearest are 64 and 128"),
    (exp(sample={"method": "morris", "n": 4, "levels": 3},
         factors={"fiscal.cit_rate_encouraged_west": {"range": [0.15, 0.25]}}),
     "sample.levels", "even"),
    (exp(sample={"method": "lhs", "n": 4, "levels": 4},
         factors={"fiscal.cit_rate_encouraged_west": {"range": [0.15, 0.25]}}),
     "sample.levels", "does not apply"),
    (exp(grid={"fiscal.cit_rate": [0.1]}), "grid.fiscal.cit_rate", "did you mean"),
    (exp(grid={"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.3]}),
     "grid.levers.fiscal.cit_rate_encouraged_west[1]", "[0, 0.25]"),
    (exp(grid={"levers.fiscal.equipment_duty_exemption": [1, 0]}),
     "grid.levers.fiscal.equipment_duty_exemption[0]", "true or false"),
    (exp(grid={"levers.fiscal.equipment_duty_exemption": {"range": [0, 1], "steps": 2}}),
     "grid.levers.fiscal.equipment_duty_exemption", "listed explicitly"),
    (exp(grid={"public_services.pension_pooling": ["provincial", "global"]}),
     "grid.public_services.pension_pooling[1]", "'county' | 'provincial' | 'national'"),
    (exp(sample={"method": "morris", "n": 4},
         factors={"fiscal.equipment_duty_exemption": {"range": [0, 1]}}),
     "factors.fiscal.equipment_duty_exemption", "values = [...]"),
    (exp(sample={"method": "morris", "n": 4},
         factors={"migration.income_weight": {"range": [0.5, 3.0]}}),
     "factors.migration.income_weight.range", "[1, 4]"),
    (exp(sample={"method": "morris", "n": 4},
         factors={"migration.income_weight": {"distribution": "normal", "mean": 2}}),
     "factors.migration.income_weight.sd", "a number"),
    (exp(sample={"method": "morris", "n": 4},
         factors={"migration.income_weight": {"distribution": "weibull"}}),
     "factors.migration.income_weight.distribution", "uniform | triangular"),
    (exp(sample={"method": "morris", "n": 4},
         factors={"migration.income_weight": {"range": [1, 2], "mode": 1.5}}),
     "factors.migration.income_weight.mode", "does not apply"),
    (exp(run={"replicates": -1}, grid=GRID), "run.replicates", "integer >= 1"),
    (exp(run={"root_seed": -5}, grid=GRID), "run.root_seed", "0 to 2^63-1"),
    (exp(ensemble={"draws": 4, "seed": -1}), "ensemble.seed", "0 to 2^32-1"),
    (exp(ensemble={"draws": 0}), "ensemble.draws", "integer >= 1"),
    (exp(ensemble={"draws": 4, "parameters": ["calibrate"]}), "ensemble.parameters[0]",
     "did you mean"),
    (exp(ensemble={"draws": 4, "exogenous_scale": {"frontier_tfp_growth": [0.5, 8.0]}}),
     "ensemble.exogenous_scale.frontier_tfp_growth", "keeping the path in [-5, 10]"),
    (exp(ensemble={"draws": 4}, factors={"fiscal.cit_rate_encouraged_west": {
        "range": [0.15, 0.25]}}), "factors.levers.fiscal.cit_rate_encouraged_west",
     "not uncertainty"),
    (exp(grid=GRID, ensemble={"draws": 3}), "ensemble", "exactly one design table"),
    (exp(), "grid", "exactly one design table"),
    (exp(grid=GRID, experiment={"kind": "ensemble"}), "experiment.kind", "does not match"),
    (exp(grid=GRID, outputs={"outcomes": ["Wset:west_east_ratio_income"]}),
     "outputs.outcomes[0]", "did you mean 'West'"),
    (exp(grid=GRID, outputs={"years": [2030]}), "outputs.years[0]", "2019-2022"),
    (exp(grid=GRID, experiment={"scenario": "basline"}), "experiment.scenario",
     "did you mean 'baseline'"),
    (exp(grid=GRID, sampel={}), "sampel", "did you mean 'sample'"),
    (exp(decomposition={"package": "no_policy", "levers": ["industry.employer_si_rate"]}),
     "decomposition.levers[0]", "changes nothing"),
]


@pytest.mark.parametrize("raw, field, text", BAD)
def test_bad_experiments_name_file_field_and_allowed(raw, field, text):
    with pytest.raises(InputError) as err:
        experiment_from_dict(raw, file="bad.toml")
    msg = str(err.value)
    assert msg.startswith("bad.toml: ") and f"field '{field}'" in msg, msg
    assert text in msg, msg


def test_experiment_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[experiment\n")
    with pytest.raises(InputError, match="invalid TOML"):
        load_experiment(bad)
    with pytest.raises(InputError, match="did you mean 'smoke'"):
        load_experiment("smok")
    good = tmp_path / "mine.toml"
    good.write_text('[experiment]\nscenario = "base.toml"\n[grid]\n'
                    '"fiscal.cit_rate_encouraged_west" = [0.15]\n')
    (tmp_path / "base.toml").write_text('[meta]\nname = "mybase"\nextends = "baseline"\n')
    e = load_experiment(good)
    assert e.name == "mine" and e.base.name == "mybase"  # relative to the experiment file


def test_decomposition_subsets():
    e = experiment_from_dict(exp(decomposition={"package": "no_policy", "method": "oat"}))
    levers = e.decomposition["levers"]
    differ = [lv for lv in LEVERS if e.decomposition["package"].levers[lv] != e.base.levers[lv]]
    assert list(levers) == differ and len(levers) > 10
    assert e.n_points == 2 + 2 * len(levers)
    names = [p["name"] for p in e.points()]
    assert names[0] == "baseline" and names[-1] == "no_policy"
    assert len(set(names)) == len(names)
    assert len({t.seed for t in e.tasks()}) == 1  # common random numbers across subsets
    exact = lever_subsets(["a", "b", "c"], "shapley", 0, 0)
    assert len(exact) == 8 and exact[0] == () and exact[-1] == ("a", "b", "c")
    sampled = lever_subsets([f"l{i}" for i in range(12)], "shapley", 5, 1)
    assert len(sampled) <= 5 * 12 + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=20),
       st.sampled_from(["uniform", "triangular", "normal", "discrete"]))
def test_factor_values_stay_in_range(us, dist):
    target = resolve_target("migration.income_weight")
    f = {"uniform": Factor(target, "uniform", low=1.0, high=4.0),
         "triangular": Factor(target, "triangular", low=1.0, high=4.0, mode=1.5),
         "normal": Factor(target, "normal", low=1.0, high=4.0, mean=2.0, sd=1.0),
         "discrete": Factor(target, "discrete", values=(1.0, 2.5, 4.0))}[dist]
    values = f.from_unit(np.array(us))
    assert all(1.0 <= v <= 4.0 for v in values)
    if dist == "discrete":
        assert set(values) <= {1.0, 2.5, 4.0}
        assert f.from_unit(np.array([0.0, 0.34, 0.99, 1.0])) == [1.0, 2.5, 4.0, 4.0]


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5000))
def test_sobol_n_must_be_a_power_of_two(n):
    raw = exp(sample={"method": "sobol", "n": n},
              factors={"fiscal.cit_rate_encouraged_west": {"range": [0.15, 0.25]}})
    if n & (n - 1) == 0:
        assert experiment_from_dict(raw).n_points == n * 3
    else:
        with pytest.raises(InputError) as err:
            experiment_from_dict(raw)
        lo = 1 << (n.bit_length() - 1)
        assert f"nearest are {lo} and {2 * lo}" in str(err.value)


def test_shipped_files_are_package_data():
    root = Path(__file__).resolve().parents[2] / "scenarios" / "experiments"
    assert sorted(p.stem for p in root.glob("*.toml")) == shipped_experiments()


def test_area_scenarios_partition_the_guideline():
    """The eleven ``<area>_only`` files together set exactly the levers the guideline changes
    from the baseline, each at the guideline's value and only in its own area (ODD §7.15: the
    package's interaction is measured against them)."""
    from westdev.inputs.scenario import load_scenario
    from westdev.policy.catalogue import LEVERS

    base, package = load_scenario("baseline"), load_scenario("guideline")
    changed = {k for k in package.levers if package.levers[k] != base.levers.get(k)}
    areas = sorted({spec.area for spec in LEVERS.values()})
    union: set[str] = set()
    for area in areas:
        only = load_scenario(f"{area}_only")
        set_here = {k for k in only.levers if only.levers[k] != base.levers.get(k)}
        assert all(k.startswith(f"{area}.") for k in set_here), (area, set_here)
        assert all(only.levers[k] == package.levers[k] for k in set_here), area
        assert not set_here & union
        union |= set_here
    assert union == changed
