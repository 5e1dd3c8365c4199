"""The shipped scenario set: every file validates; the guideline reaches the catalogue's
guideline values; each <area>_only file is the guideline's area alone; no_policy switches off
exactly the western preferences; enacted_2020_2024 follows the catalogue's enacted schedules
and runs."""

from __future__ import annotations

import pytest

from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.scenario import load_scenario, shipped_scenarios
from westdev.policy.catalogue import AREAS, LEVERS, default_values

YEARS = range(2019, 2036)


def test_the_shipped_set_is_complete():
    names = set(shipped_scenarios())
    expected = {"baseline", "guideline", "no_policy", "enacted_2020_2024", "history_2000_2019",
                "history_no_western_development"} | {f"{a}_only" for a in AREAS}
    assert expected <= names


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_scenario_loads(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert set(scenario.levers) == set(LEVERS)


def test_guideline_reaches_the_catalogue_guideline_values_by_2035():
    guideline = load_scenario("guideline").lever_values(2035)
    for name, spec in LEVERS.items():
        assert guideline[name] == spec.value_guideline, name


def test_guideline_starts_from_policy_as_in_2019():
    """Phase-ins start at the 2019 value in 2020 (no jump at the start), except switches."""
    guideline = load_scenario("guideline").lever_values(2020)
    for name, spec in LEVERS.items():
        if spec.kind == "float":
            assert guideline[name] == pytest.approx(spec.value_2019), name


@pytest.mark.parametrize("area", AREAS)
def test_area_file_is_the_guideline_area_alone(area):
    only = load_scenario(f"{area}_only")
    guideline = load_scenario("guideline")
    baseline = load_scenario("baseline")
    for year in YEARS:
        got = only.lever_values(year)
        for name, spec in LEVERS.items():
            ref = guideline if spec.area == area else baseline
            assert got[name] == ref.lever_values(year)[name], (area, name, year)


def test_no_policy_switches_off_exactly_the_western_preferences():
    values = load_scenario("no_policy").lever_values(2025)
    for name, spec in LEVERS.items():
        expected = spec.value_no_policy if spec.west_preference else spec.value_2019
        assert values[name] == expected, name
    assert default_values("no_policy")["fiscal.cit_rate_encouraged_west"] == 0.25


def test_history_scenarios_start_in_2000_and_share_their_national_path():
    history = load_scenario("history_2000_2019")
    without = load_scenario("history_no_western_development")
    assert history.run.start_year == without.run.start_year == 2000
    # the same national paths; the programme's state-led push is the one exogenous difference:
    # without it the western provinces follow the rest of China's push, the others their own
    differ = {k for k in history.exogenous if history.exogenous[k] != without.exogenous[k]}
    assert differ == {"public_investment_index"}
    west = [i for i, r in enumerate(load_provincial_data().provinces["region4"]) if r == "West"]
    with_push = history.exogenous_values(2010)["public_investment_index"]
    without_push = without.exogenous_values(2010)["public_investment_index"]
    others = [i for i in range(31) if i not in west]
    assert (with_push[others] == without_push[others]).all()
    assert len(set(without_push[west])) == 1 and with_push[west].mean() > without_push[west][0]
    assert history.lever_values(2010)["fiscal.cit_rate_encouraged_west"] == 0.15
    assert without.lever_values(2010)["fiscal.cit_rate_encouraged_west"] == 0.25
    # national reforms are the same in both
    for name in ("public_services.migrant_access_share", "industry.negative_list_entry_barrier"):
        assert history.lever_values(2015)[name] == without.lever_values(2015)[name]


def test_enacted_follows_the_catalogue_enacted_schedules():
    """Every lever, every year: the file's value is the catalogue's value_enacted; the file
    changes exactly the levers an enacted measure moved, and nothing before 2020."""
    enacted = load_scenario("enacted_2020_2024")
    for year in YEARS:
        got = enacted.lever_values(year)
        for name, spec in LEVERS.items():
            assert got[name] == spec.enacted_at(year), (name, year)
    changed = {n for n, spec in LEVERS.items() if spec.enacted_changes}
    assert set(enacted.inputs()["levers"]) == changed
    assert enacted.lever_values(2019) == load_scenario("baseline").lever_values(2019)
    assert enacted.run == load_scenario("baseline").run


def test_enacted_runs_a_few_years():
    from westdev.api import simulate

    scenario = load_scenario("enacted_2020_2024").with_overrides(run={"end_year": 2023})
    frame = simulate(scenario, seed=3, resolution="small")
    assert sorted(frame.year.unique()) == list(range(2019, 2024))
    ratio = frame.query("area == 'West' and indicator == 'west_east_ratio_income'")
    assert len(ratio) == 5 and ratio.value.between(0.1, 2.0).all()
