"""The indicators the recorder writes, and where, are the ones `westdev.inputs.indicators`
declares (experiment files and store readers check outcomes against that list before any run)."""

from __future__ import annotations

import pytest

from westdev.economy.simulate import simulate
from westdev.inputs.indicators import ALL_INDICATORS, CHINA, PER_AREA, WEST, recorded_in
from westdev.inputs.regions import REGION_GROUPS
from westdev.inputs.scenario import load_scenario
from westdev.policy.goal import GOAL_MET


@pytest.fixture(scope="module")
def recorded():
    scenario = load_scenario("guideline").with_overrides(run={"end_year": 2021})
    df = simulate(scenario, seed=1, resolution="small")
    return df.groupby("indicator")["area"].agg(lambda a: frozenset(a))


def test_every_recorded_indicator_is_declared_where_it_is_recorded(recorded):
    undeclared = sorted(set(recorded.index) - ALL_INDICATORS)
    assert not undeclared, f"recorded but not in westdev.inputs.indicators: {undeclared}"
    never = sorted(ALL_INDICATORS - set(recorded.index) - {GOAL_MET})  # GOAL_MET: in 2035 only
    assert not never, f"declared but never recorded: {never}"
    n_areas = len(recorded["gdp_100m_yuan"])
    assert n_areas == 31 + len(REGION_GROUPS) + 1  # provinces, groups, China
    for ind, areas in recorded.items():
        where = recorded_in(ind)
        if ind in PER_AREA:
            assert len(areas) == n_areas, (ind, sorted(areas))
        else:
            assert areas == frozenset(where), (ind, sorted(areas), where)
    assert recorded_in("no_such_indicator") is None
    assert set(PER_AREA).isdisjoint(WEST) and set(WEST).isdisjoint(CHINA)
