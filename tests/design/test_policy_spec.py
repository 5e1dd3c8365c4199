"""Policy search files are checked strictly (westdev.design.spec); shipped ones load by name."""

from __future__ import annotations

import copy

import pytest

from westdev.design.spec import (
    default_range,
    guideline_levers,
    load_policy,
    policy_from_dict,
    shipped_policies,
)
from westdev.errors import InputError
from westdev.policy.catalogue import LEVERS

GOOD = {
    "policy": {"name": "p", "scenario": "baseline", "ensemble": "ensemble_baseline"},
    "levers": {"search": ["fiscal.west_transfer_coefficient", "land.west_quota_share"]},
    "objectives": [{"minimise": "China:lever_cost_100m_yuan.total@sum(2020-2035)"}],
    "constraints": [{"condition": "West:west_east_ratio_income@2035 >= 0.75",
                     "probability": 0.8}],
}


def with_(path: str, value) -> dict:
    raw = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = raw
    for p in parents:
        node = node[int(p)] if p.isdigit() else node.setdefault(p, {})
    node[last] = value
    return raw


def test_shipped_policy_searches_load_by_name():
    assert {"cheapest_income", "frontier_output"} <= set(shipped_policies())
    ci = load_policy("cheapest_income")
    assert ci.mode == "single" and len(ci.levers) == len(guideline_levers()) == 41
    assert ci.constraints[0].bound == 0.8 and ci.ensemble.name == "ensemble_baseline"
    assert ci.scenario.run.resolution == "small" and ci.ensemble.replicates == 1
    fo = load_policy("frontier_output")
    assert fo.mode == "frontier" and len(fo.objectives) == 3
    quick = ci.with_quick()
    assert quick.search["explore_runs"] < ci.search["explore_runs"] and quick.quick


def test_default_ranges_run_from_no_policy_beyond_the_guideline():
    s = LEVERS["fiscal.west_transfer_coefficient"]  # no policy 1.0, 2019 1.2, guideline 1.35
    lo, hi = default_range(s, 0.25)
    assert lo == s.value_no_policy and hi > max(s.value_guideline, s.guideline_range[1])
    s = LEVERS["fiscal.west_cofinancing_share"]  # more policy is lower: 0.5 → 0.2
    lo, hi = default_range(s, 0.25)
    assert hi == s.value_no_policy and lo < s.value_guideline
    for name in guideline_levers():
        spec = LEVERS[name]
        if spec.kind == "float":
            lo, hi = default_range(spec, 0.25)
            assert spec.bounds[0] <= lo < hi <= spec.bounds[1]
            assert lo <= spec.value_2019 <= hi and lo <= spec.value_guideline <= hi


@pytest.mark.parametrize("path, value, field", [
    ("extra", {}, "extra"),
    ("policy.nmae", "x", "policy.nmae"),
    ("policy.ensemble", "smoke", "policy.ensemble"),
    ("policy.ensemble", "no_such_thing", "policy.ensemble"),
    ("levers.search", ["fiscal.cit_rate"], "levers.search[0]"),
    ("levers.search", ["public_services.pension_pooling"], "levers.search"),
    ("levers.phase_in", [2025, 2020], "levers.phase_in"),
    ("levers.ranges", {"fiscal.west_transfer_coefficient": [1.0, 9.0]},
     "levers.ranges.fiscal.west_transfer_coefficient"),
    ("levers.ranges", {"energy.west_east_transmission_index": [1.0, 2.0]},
     "levers.ranges.energy.west_east_transmission_index"),
    ("objectives", [{"minimise": "China:cost"}], "objectives[0].minimise"),
    ("objectives", [{"minimize": "China:x@2035"}], "objectives[0].minimize"),
    ("constraints", [{"condition": "West:x@2035 >= 1", "probability": 1.5}],
     "constraints[0].probability"),
    ("constraints", [{"condition": "goal_met or goal_missed", "probability": 0.5}],
     "constraints[0].condition"),
    ("constraints", [], "constraints"),
    ("search.draws", 0, "search.draws"),
    ("search.draws", 2.5, "search.draws"),
    ("search.margin", 0.7, "search.margin"),
    ("search.budget", 3, "search.budget"),
    ("verify.scenarios", ["nope"], "verify.scenarios[0]"),
    ("quick.run", {}, "quick.run"),
    ("run.end_year", 2030, "objectives"),
])
def test_bad_policy_files_name_the_file_and_field(path, value, field):
    with pytest.raises(InputError) as exc:
        policy_from_dict(with_(path, value), file="bad.toml")
    text = str(exc.value)
    assert "bad.toml" in text and f"'{field}'" in text, text


def test_a_good_dict_gives_the_requested_search():
    spec = policy_from_dict(with_("levers.ranges", {"land.west_quota_share": [0.3, 0.5]}))
    lv = {v.name: v for v in spec.levers}
    assert (lv["land.west_quota_share"].low, lv["land.west_quota_share"].high) == (0.3, 0.5)
    assert spec.phase_in == (2020, 2025)
    req = spec.request()
    assert req["constraints"] == ["P(West:west_east_ratio_income@2035 >= 0.75) >= 0.8"]


def test_an_unknown_shipped_name_suggests_one():
    with pytest.raises(InputError, match="did you mean 'cheapest_income'"):
        load_policy("cheapest_incom")
