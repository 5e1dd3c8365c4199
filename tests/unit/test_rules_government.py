"""Government rules (westdev.economy.government): tax sharing, transfers, borrowing, co-financing, social
insurance and the budget identity's bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.economy.government.rules import (
    RESOURCE_ITEMS,
    USE_ITEMS,
    ProvincialBudgets,
    TaxRules,
    debt_ceiling,
    formula_transfer,
    income_gap_shares,
    new_borrowing,
    project_funding,
    shared_taxes,
    social_insurance,
)

# ---------------------------------------------------------------------------------------------
# shared taxes
# ---------------------------------------------------------------------------------------------


def test_shared_taxes_hand_example():
    rules = TaxRules(vat_local=0.5, cit_local=0.4, pit_local=0.4)
    local, central = shared_taxes(np.array([100.0]), np.array([50.0]), np.array([20.0]), rules)
    # local   = 0.5·100 + 0.4·50 + 0.4·20 = 50 + 20 + 8  = 78
    # central = 0.5·100 + 0.6·50 + 0.6·20 = 50 + 30 + 12 = 92;  78 + 92 = 170 = 100 + 50 + 20
    assert local[0] == pytest.approx(78.0)
    assert central[0] == pytest.approx(92.0)


_share = st.floats(0, 1)
_tax = st.lists(st.floats(0, 1e6), min_size=3, max_size=3)


@given(_tax, _tax, _tax, _share, _share, _share)
def test_shared_taxes_conserve_the_total(vat, cit, pit, sv, sc, sp):
    vat, cit, pit = np.array(vat), np.array(cit), np.array(pit)
    local, central = shared_taxes(vat, cit, pit, TaxRules(sv, sc, sp))
    np.testing.assert_allclose(local + central, vat + cit + pit, rtol=1e-12, atol=1e-6)
    assert (local >= 0).all() and (central >= -1e-9).all()


# ---------------------------------------------------------------------------------------------
# formula transfer, debt
# ---------------------------------------------------------------------------------------------


def test_formula_transfer_three_provinces():
    own = np.array([60.0, 30.0, 10.0])
    pop = np.array([2.0, 2.0, 1.0])
    cost = np.array([1.0, 1.2, 1.5])
    coeff = np.array([1.0, 1.0, 2.0])
    transfer, gap = formula_transfer(own, pop, cost, gap_fill=0.5, coefficient=coeff)
    # national own revenue per head = (60 + 30 + 10)/(2 + 2 + 1) = 100/5 = 20
    # need = 20 · pop · cost = [40, 48, 30]; gap = max(need − own, 0) = [0, 18, 20]
    # filled gap = 0.5 · [0, 18, 20] = [0, 9, 10]; transfer = · coefficient = [0, 9, 20]
    np.testing.assert_allclose(gap, [0.0, 9.0, 10.0])
    np.testing.assert_allclose(transfer, [0.0, 9.0, 20.0])


def test_debt_ceiling():
    own, general = np.array([100.0, 50.0]), np.array([20.0, 80.0])
    # 1.2 · own = [120, 60];  1.2 · (own + transfers) = 1.2 · [120, 130] = [144, 156]
    np.testing.assert_allclose(debt_ceiling(own, general, 1.2, False), [120.0, 60.0])
    np.testing.assert_allclose(debt_ceiling(own, general, 1.2, True), [144.0, 156.0])


def test_new_borrowing_hand_example():
    debt = np.array([100.0, 100.0, 100.0, 100.0])
    ceiling = np.array([150.0, 120.0, 90.0, 100.0])
    quota = np.array([30.0, 30.0, 30.0, 30.0])
    # room = ceiling − debt = [50, 20, −10, 0]; min(quota, room) = [30, 20, −10, 0] → [30, 20, 0, 0]
    np.testing.assert_allclose(new_borrowing(debt, ceiling, quota), [30.0, 20.0, 0.0, 0.0])


_amount = st.floats(0, 1e5)


@given(_amount, _amount, _amount)
def test_new_borrowing_bounds(debt, ceiling, quota):
    b = new_borrowing(np.array([debt]), np.array([ceiling]), np.array([quota]))[0]
    assert 0.0 <= b <= quota
    assert debt + b <= max(ceiling, debt) + 1e-9


# ---------------------------------------------------------------------------------------------
# project co-financing
# ---------------------------------------------------------------------------------------------


def test_project_funding_pipeline_binds():
    # pipeline 100, local capacity 50, m = 0.1: 50/0.1 = 500 > 100 ⇒ all 100 built
    # central pays 100 · 0.9 = 90, local 100 · 0.1 = 10
    c, loc = project_funding(np.array([100.0]), np.array([50.0]), np.array([0.1]))
    assert c[0] == pytest.approx(90.0) and loc[0] == pytest.approx(10.0)


def test_project_funding_local_budget_binds_and_lower_match_builds_more():
    # pipeline 100, local 5, m = 0.1: 5/0.1 = 50 < 100 ⇒ 50 built; central 45, local 5
    c, loc = project_funding(np.array([100.0]), np.array([5.0]), np.array([0.1]))
    assert c[0] == pytest.approx(45.0) and loc[0] == pytest.approx(5.0)
    # m = 0.08: 5/0.08 = 62.5 built; central 62.5 · 0.92 = 57.5, local 5: more projects
    c2, loc2 = project_funding(np.array([100.0]), np.array([5.0]), np.array([0.08]))
    assert c2[0] + loc2[0] == pytest.approx(62.5)
    assert c2[0] == pytest.approx(57.5) and loc2[0] == pytest.approx(5.0)


def test_project_funding_negative_local_capacity_builds_nothing():
    c, loc = project_funding(np.array([90.0]), np.array([-5.0]), np.array([0.2]))
    assert c[0] == 0.0 and loc[0] == 0.0


@given(st.floats(0, 1e4, allow_subnormal=False), st.floats(0, 1e4, allow_subnormal=False),
       st.floats(0.01, 0.95))
def test_project_funding_shares(pipeline, local, m):
    c, loc = project_funding(np.array([pipeline]), np.array([local]), np.array([m]))
    total = c[0] + loc[0]
    assert total == pytest.approx(min(pipeline, local / m), rel=1e-12)
    if total > 0:
        assert loc[0] / total == pytest.approx(m, rel=1e-12)
    assert total <= pipeline * (1 + 1e-12) and loc[0] <= local * (1 + 1e-12)


# ---------------------------------------------------------------------------------------------
# social insurance
# ---------------------------------------------------------------------------------------------

# employer 0.16 + employee 0.08 = 0.24, coverage 0.5, replacement 0.4, benefit ratio 0.2,
# average wage 100 000 yuan everywhere
SI = dict(average_wage=np.full(3, 1e5), employer_rate=0.16, employee_rate=0.08, coverage=0.5,
          replacement=0.4, benefit_ratio=0.2)
RETIREES = np.array([20_000.0, 10_000.0, 100_000.0])
UNEMPLOYED = np.array([10_000.0, 0.0, 20_000.0])
# pensions = 0.4 · 1e5 · 0.5 · retirees / 1e8 = 2e-4 · retirees = [4, 2, 20]
# benefits = 0.2 · 1e5 · 0.5 · unemployed / 1e8 = 1e-4 · unemployed = [1, 0, 2]


def test_social_insurance_provincial_pooling():
    out = social_insurance(np.array([100.0, 50.0, 20.0]), UNEMPLOYED, RETIREES, **SI,
                           pooling="provincial")
    # contributions = 0.24 · 0.5 · [100, 50, 20] = [12, 6, 2.4]
    np.testing.assert_allclose(out["contributions"], [12.0, 6.0, 2.4])
    np.testing.assert_allclose(out["pensions"], [4.0, 2.0, 20.0])
    np.testing.assert_allclose(out["benefits"], [1.0, 0.0, 2.0])
    # balance = [12 − 4 − 1, 6 − 2 − 0, 2.4 − 20 − 2] = [7, 4, −19.6]
    # the centre pays each deficit: subsidy = [0, 0, 19.6]; no pooling
    np.testing.assert_allclose(out["central_subsidy"], [0.0, 0.0, 19.6])
    np.testing.assert_array_equal(out["pooled_transfer"], 0.0)
    np.testing.assert_allclose(out["fund_change"], [7.0, 4.0, 0.0], atol=1e-12)


def test_social_insurance_national_pooling_national_deficit():
    out = social_insurance(np.array([100.0, 50.0, 20.0]), UNEMPLOYED, RETIREES, **SI,
                           pooling="national")
    # balance [7, 4, −19.6]: surpluses 11, deficits 19.6 ⇒ national gap 19.6 − 11 = 8.6
    # subsidy = deficit · 8.6/19.6 = [0, 0, 8.6]
    # pooled = deficit − subsidy − surplus · (19.6 − 8.6)/11 = [0, 0, 11] − [7, 4, 0] = [−7, −4, 11]
    # fund change = balance + subsidy + pooled = [0, 0, −19.6 + 8.6 + 11] = [0, 0, 0]
    np.testing.assert_allclose(out["central_subsidy"], [0.0, 0.0, 8.6])
    np.testing.assert_allclose(out["pooled_transfer"], [-7.0, -4.0, 11.0])
    np.testing.assert_allclose(out["fund_change"], [0.0, 0.0, 0.0], atol=1e-12)


def test_social_insurance_national_pooling_national_surplus():
    out = social_insurance(np.array([200.0, 50.0, 20.0]), UNEMPLOYED, RETIREES, **SI,
                           pooling="national")
    # contributions [24, 6, 2.4] ⇒ balance [19, 4, −19.6]; sum +3.4 ⇒ national gap 0, no subsidy
    # surplus provinces give in proportion: 19 · 19.6/23 = 16.191304, 4 · 19.6/23 = 3.408696
    # fund change = [19 − 16.191304, 4 − 3.408696, 0] = [2.808696, 0.591304, 0]; sum 3.4
    np.testing.assert_allclose(out["central_subsidy"], 0.0, atol=1e-12)
    np.testing.assert_allclose(out["pooled_transfer"], [-16.191304, -3.408696, 19.6], rtol=1e-6)
    np.testing.assert_allclose(out["fund_change"], [2.808696, 0.591304, 0.0], rtol=1e-6,
                               atol=1e-12)
    assert out["fund_change"].sum() == pytest.approx(3.4)


_si_row = st.tuples(st.floats(0, 500), st.floats(0, 5e4), st.floats(0, 2e5))


@given(st.lists(_si_row, min_size=3, max_size=3))
def test_social_insurance_pooling_identities(rows):
    wb, unemp, ret = (np.array(c) for c in zip(*rows, strict=True))
    prov = social_insurance(wb, unemp, ret, **SI, pooling="provincial")
    nat = social_insurance(wb, unemp, ret, **SI, pooling="national")
    balance = prov["contributions"] - prov["pensions"] - prov["benefits"]
    deficit = np.maximum(-balance, 0.0)
    # provincial: the central subsidy is exactly the deficits
    np.testing.assert_allclose(prov["central_subsidy"], deficit)
    # national: pooled transfers sum to 0, deficit provinces end with fund change 0,
    # the centre pays only the national gap, and no fund goes negative
    scale = 1.0 + np.abs(balance).sum()
    assert abs(nat["pooled_transfer"].sum()) <= 1e-9 * scale
    np.testing.assert_allclose(nat["fund_change"][deficit > 0], 0.0, atol=1e-9 * scale)
    assert nat["central_subsidy"].sum() == pytest.approx(max(-balance.sum(), 0.0),
                                                         abs=1e-9 * scale)
    assert (nat["fund_change"] >= -1e-9 * scale).all()
    assert nat["central_subsidy"].sum() <= prov["central_subsidy"].sum() + 1e-9 * scale


# ---------------------------------------------------------------------------------------------
# ProvincialBudgets
# ---------------------------------------------------------------------------------------------


def test_budgets_sums_and_unknown_item():
    b = ProvincialBudgets(2)
    for k in RESOURCE_ITEMS + USE_ITEMS:
        np.testing.assert_array_equal(b[k], [0.0, 0.0])  # every item starts at zero
    b["own_tax"] = [10.0, 20.0]
    b["nontax"] = [1.0, 2.0]
    b["formula_transfer"] = [4.0, 0.0]
    b["project_transfer"] = [1.0, 3.0]
    b["gross_borrowing"] = [5.0, 0.0]
    b["debt_service"] = [2.0, 1.0]
    b["public_services"] = [8.0, 15.0]
    b["other"] = [11.0, 9.0]
    # resources = [10 + 1 + 4 + 1 + 5, 20 + 2 + 0 + 3 + 0] = [21, 25]
    # uses      = [2 + 8 + 11, 1 + 15 + 9]                  = [21, 25]
    np.testing.assert_allclose(b.resources(), [21.0, 25.0])
    np.testing.assert_allclose(b.uses(), [21.0, 25.0])
    np.testing.assert_allclose(b.central_transfers(), [5.0, 3.0])  # 4 + 1, 0 + 3
    np.testing.assert_allclose(b.own_revenue(), [11.0, 22.0])  # 10 + 1, 20 + 2
    np.testing.assert_allclose(b.spending(), [19.0, 24.0])  # 8 + 11, 15 + 9 (no debt service)
    assert b["own_tax"].dtype == float
    with pytest.raises(KeyError):
        b["bribes"] = [1.0, 1.0]
    with pytest.raises(KeyError):
        b["bribes"]  # noqa: B018
    assert "bribes" not in b.items


def test_poverty_funds_go_to_provinces_below_the_mean_by_their_shortfall():
    """§1 transition funds: shares ∝ population × (mean income − own income), nothing to
    provinces at or above the population-weighted mean; hand example."""
    income = np.array([10.0, 20.0, 30.0, 40.0])
    population = np.array([1.0, 1.0, 1.0, 1.0])  # mean 25
    shares = income_gap_shares(income, population)
    assert shares == pytest.approx([15 / 20, 5 / 20, 0.0, 0.0])
    # twice the people with the same shortfall: twice the share of the shortfall pool
    shares = income_gap_shares(np.array([10.0, 10.0, 40.0]), np.array([2.0, 1.0, 3.0]))
    assert shares[0] == pytest.approx(2 * shares[1]) and shares.sum() == pytest.approx(1.0)
    # all equal: no shortfall, nothing allocated (not a division by zero)
    assert income_gap_shares(np.full(3, 5.0), np.ones(3)).sum() == 0.0
