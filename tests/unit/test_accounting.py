"""The yearly accounting checks (westdev.economy.accounting.check_year) stop a broken run with
a message naming what failed: a stock that is negative or not finite, a budget item that is
not finite or negative (earmarked transfers excepted), people not conserved."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

import westdev.economy.model as model_module
from westdev.economy.accounting import _check_budget_items, check_year
from westdev.economy.simulate import build_model
from westdev.errors import RunFailure
from westdev.inputs.scenario import load_scenario


@pytest.fixture(scope="module")
def year_after_start():
    """(setting, state, flows) as check_year saw them at the end of the first simulated year."""
    seen = []
    original = model_module.check_year
    model_module.check_year = lambda setting, state, flows: (seen.append((setting, state, flows)),
                                                             original(setting, state, flows))
    try:
        model = build_model(load_scenario("baseline").with_overrides(run={"end_year": 2020}),
                            seed=1, resolution="small")
        model.step()
    finally:
        model_module.check_year = original
    setting, state, flows = seen[-1]
    return setting, state, flows


def _again(year_after_start, **changes):
    """check_year on a copy of the first year, its state's checked population put back, with
    `changes` to the flows (budget items as ``item=array``, other fields by name)."""
    setting, state, flows = year_after_start
    state = copy.copy(state)
    state.checked_population = state.census.population - flows.births + flows.deaths - flows.net_migration
    budgets = copy.deepcopy(flows.budgets)
    fields = {}
    for key, value in changes.items():
        if key in budgets.items:
            budgets.items[key] = value
        else:
            fields[key] = value
    check_year(setting, state, dataclasses.replace(flows, budgets=budgets, **fields))


def test_the_years_own_flows_pass(year_after_start):
    _again(year_after_start)


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("gdp", np.nan, "GDP is not finite"),
    ("gdp", -1.0, "GDP is negative"),
    ("household_income", np.inf, "household income is not finite"),
])
def test_a_broken_stock_is_named(year_after_start, field, bad, message):
    value = getattr(year_after_start[2], field).copy()
    value[4] = bad
    with pytest.raises(RunFailure, match=message):
        _again(year_after_start, **{field: value})


def test_a_broken_budget_item_is_named_with_its_province(year_after_start):
    setting, _, flows = year_after_start
    spending = flows.budgets["public_services"]
    nan = spending.copy()
    nan[2] = np.nan
    with pytest.raises(RunFailure, match="budget item public_services is not finite"):
        _again(year_after_start, public_services=nan)
    negative = spending.copy()
    negative[3] = -1.0 - spending.sum()
    with pytest.raises(RunFailure, match=f"budget item public_services of {setting.geo.names[3]} "
                                         "is negative"):
        _again(year_after_start, public_services=negative)
    # rounding far below the item's total is not a negative flow
    tiny = dict(flows.budgets.items, public_services=negative.copy())
    tiny["public_services"][3] = -1e-12 * spending.sum()
    _check_budget_items(setting, tiny, flows.year)


def test_earmarked_transfers_may_be_negative(year_after_start):
    earmarked = year_after_start[2].budgets["earmarked_transfer"].copy()
    earmarked[0] = -abs(earmarked).sum()
    # the identity no longer closes, but no item is called negative
    with pytest.raises(RunFailure, match="fiscal identity"):
        _again(year_after_start, earmarked_transfer=earmarked)


def test_people_not_conserved(year_after_start):
    births = year_after_start[2].births.copy()
    births[0] += 1_000.0
    with pytest.raises(RunFailure, match="people not conserved"):
        _again(year_after_start, births=births)
