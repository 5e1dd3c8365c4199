"""Firm rules (westdev.economy.agents.firms): labour demand, capital gap, investment, the population arrays.

Every expected number is worked by hand in the comment next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.economy.agents.firms import (
    FirmPopulation,
    gross_investment,
    labour_demand,
    log_capital_gap,
)

# ---------------------------------------------------------------------------------------------
# labour_demand
# ---------------------------------------------------------------------------------------------


def test_labour_demand_hand_example():
    # α = 0.5, β = 0.5, p = 1, Ã = 2, A = 1, K = 4, c = 0.5
    # β p Ã A K^α / c = 0.5 · 1 · 2 · 1 · 4^0.5 / 0.5 = 0.5 · 2 · 2 / 0.5 = 4
    # L* = 4^(1/(1 − 0.5)) = 4² = 16
    out = labour_demand(np.array([1.0]), np.array([2.0]), np.array([1.0]), np.array([4.0]),
                        np.array([0.5]), alpha=0.5, beta=0.5)
    assert out[0] == pytest.approx(16.0, rel=1e-12)
    # FOC at L = 16: β p Ã A K^α L^(β−1) = 0.5 · 2 · 2 · 16^(−0.5) = 2 · 0.25 = 0.5 = c
    assert 0.5 * 1.0 * 2.0 * 1.0 * 4.0**0.5 * out[0] ** (0.5 - 1.0) == pytest.approx(0.5)


def test_labour_demand_satisfies_first_order_condition():
    rng = np.random.default_rng(1)
    alpha, beta = 0.3, 0.55
    p, loc, tfp = rng.uniform(0.5, 2, 50), rng.uniform(0.5, 3, 50), rng.uniform(0.2, 5, 50)
    k, c = rng.uniform(0.1, 100, 50), rng.uniform(0.01, 2, 50)
    lab = labour_demand(p, loc, tfp, k, c, alpha, beta)
    marginal_revenue = beta * p * loc * tfp * k**alpha * lab ** (beta - 1.0)
    np.testing.assert_allclose(marginal_revenue, c, rtol=1e-10)


def test_labour_demand_zero_capital_and_cost_elasticity():
    # K = 0 ⇒ K^α = 0 ⇒ L* = 0
    out = labour_demand(np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([0.0]),
                        np.array([1.0]), 0.3, 0.5)
    assert out[0] == 0.0
    # doubling c with β = 0.5 divides L* by 2^(1/(1−0.5)) = 4
    one = labour_demand(np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([3.0]),
                        np.array([0.2]), 0.3, 0.5)
    two = labour_demand(np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([3.0]),
                        np.array([0.4]), 0.3, 0.5)
    assert one[0] / two[0] == pytest.approx(4.0, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# log_capital_gap
# ---------------------------------------------------------------------------------------------


def test_capital_gap_zero_when_mpk_equals_user_cost():
    # α = 0.3, β = 0.5 ⇒ curvature α/(1−β) = 0.6; R = 10, K = 20
    # MPK = α·R/K = 0.3 · 10 / 20 = 0.15 = c ⇒ ln(MPK/c) = 0 ⇒ gap 0
    gap = log_capital_gap(np.array([20.0]), np.array([10.0]), np.array([0.15]), 0.3, 0.5)
    assert gap[0] == pytest.approx(0.0, abs=1e-14)


def test_capital_gap_hand_example():
    # same firm, c = 0.075: MPK/c = 0.15/0.075 = 2
    # gap = ln 2 / (1 − 0.6) = 0.693147 / 0.4 = 1.732868
    gap = log_capital_gap(np.array([20.0]), np.array([10.0]), np.array([0.075]), 0.3, 0.5)
    assert gap[0] == pytest.approx(math.log(2) / 0.4, rel=1e-12)
    assert gap[0] == pytest.approx(1.732868, rel=1e-6)
    # at K* = K·e^gap = 20 · 2^2.5 = 113.137, revenue R ∝ K^0.6 is 10 · 2^(2.5·0.6) = 10 · 2^1.5
    # = 28.284, and MPK* = 0.3 · 28.284 / 113.137 = 0.075 = c: the gap closes exactly there
    k_star = 20.0 * math.exp(gap[0])
    r_star = 10.0 * (k_star / 20.0) ** 0.6
    assert k_star == pytest.approx(113.137085, rel=1e-6)
    assert 0.3 * r_star / k_star == pytest.approx(0.075, rel=1e-12)


def test_revenue_with_reoptimised_labour_scales_as_k_to_the_curvature():
    """The docstring's premise: with L = L*(K), R ∝ K^(α/(1−β))."""
    alpha, beta = 0.3, 0.5

    def revenue(k):
        lab = labour_demand(np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([k]),
                            np.array([0.5]), alpha, beta)
        return float(k**alpha * lab[0] ** beta)

    # doubling K multiplies R by 2^(0.3/0.5) = 2^0.6 = 1.515717
    assert revenue(2.0) / revenue(1.0) == pytest.approx(2**0.6, rel=1e-12)


def test_capital_gap_is_zero_at_the_profit_maximising_capital():
    # p = Ã = A = 1, α = 0.3, β = 0.5, labour cost c_L = 0.5, user cost u = 0.3
    # L*(K) = (0.5 K^0.3 / 0.5)² = K^0.6; R(K) = K^0.3 · L*^0.5 = K^0.6; c_L L* = 0.5 K^0.6
    # profit π(K) = K^0.6 − 0.5 K^0.6 − 0.3 K = 0.5 K^0.6 − 0.3 K
    # π'(K) = 0.3 K^(−0.4) − 0.3 = 0 ⇒ K* = 1, so at K = 1 the gap ln(K*/K) must be 0
    # MPK = α·R/K = 0.3 · 1/1 = 0.3 = u ⇒ gap 0
    alpha, beta, c_lab, user = 0.3, 0.5, 0.5, 0.3
    grid = np.linspace(0.2, 3.0, 28001)
    lab = labour_demand(np.ones_like(grid), np.ones_like(grid), np.ones_like(grid), grid,
                        np.full_like(grid, c_lab), alpha, beta)
    profit = grid**alpha * lab**beta - c_lab * lab - user * grid
    k_star = grid[np.argmax(profit)]
    assert k_star == pytest.approx(1.0, abs=1e-3)  # brute force agrees with the hand result
    gap = log_capital_gap(np.array([1.0]), np.array([1.0]), np.array([user]), alpha, beta)
    assert gap[0] == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# gross_investment
# ---------------------------------------------------------------------------------------------


def test_gross_investment_hand_examples():
    k = np.array([10.0, 10.0, 10.0, 10.0])
    gap = np.array([0.0, 1.0, -0.25, -1.0])
    out = gross_investment(k, gap, depreciation=0.05, adjustment=0.2)
    # gap 0:     10 · (0.05 + 0)            = 0.5   (replacement δK only)
    # gap 1:     10 · (0.05 + 0.2 · 1)      = 2.5
    # gap −0.25: 10 · (0.05 − 0.2 · 0.25)   = 0.0
    # gap −1:    10 · (0.05 − 0.2) = −1.5  → 0 (irreversible)
    np.testing.assert_allclose(out, [0.5, 2.5, 0.0, 0.0], atol=1e-15)


@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(-50, 50)), min_size=1, max_size=20),
       st.floats(0, 0.3), st.floats(0, 1))
def test_gross_investment_never_negative(rows, depreciation, adjustment):
    k = np.array([r[0] for r in rows])
    gap = np.array([r[1] for r in rows])
    out = gross_investment(k, gap, depreciation, adjustment)
    assert (out >= 0).all()
    zero = gross_investment(k, np.zeros_like(k), depreciation, adjustment)
    np.testing.assert_allclose(zero, depreciation * k)


# ---------------------------------------------------------------------------------------------
# FirmPopulation
# ---------------------------------------------------------------------------------------------


def _firms(province, sector, weight, capital) -> FirmPopulation:
    n = len(province)
    return FirmPopulation(
        province=np.array(province, dtype=np.int16), sector=np.array(sector, dtype=np.int8),
        weight=np.array(weight, dtype=float), tfp=np.ones(n), capital=np.array(capital, float),
        labour=np.ones(n), state=np.zeros(n, bool), energy_intensive=np.zeros(n, bool),
        catalogue_draw=np.zeros(n), zone_draw=np.zeros(n), origin=np.full(n, -1, np.int16),
        loss_years=np.zeros(n, np.int8), age=np.arange(n, dtype=np.int16))


def test_cell_index():
    f = _firms([0, 0, 1, 2], [0, 2, 1, 2], [1, 1, 1, 1], [1, 1, 1, 1])
    # cell = province · 3 + sector: 0·3+0 = 0, 0·3+2 = 2, 1·3+1 = 4, 2·3+2 = 8
    np.testing.assert_array_equal(f.cell(), [0, 2, 4, 8])


def test_totals_by_province_and_sector():
    f = _firms([0, 0, 1, 2], [0, 2, 1, 2], [2, 3, 4, 5], [10, 20, 30, 40])
    # weight × capital: 2·10 = 20, 3·20 = 60, 4·30 = 120, 5·40 = 200
    # by province (4 provinces): [20 + 60, 120, 200, 0]
    np.testing.assert_allclose(f.totals(f.capital, 4), [80, 120, 200, 0])
    by = f.totals(f.capital, 4, by_sector=True)
    assert by.shape == (4, 3)
    expected = np.zeros((4, 3))
    expected[0, 0], expected[0, 2], expected[1, 1], expected[2, 2] = 20, 60, 120, 200
    np.testing.assert_allclose(by, expected)
    # totals of ones = firms represented: [2 + 3, 4, 5, 0]
    np.testing.assert_allclose(f.totals(np.ones(4), 4), [5, 4, 5, 0])


def test_keep_and_append_move_every_field_together():
    f = _firms([0, 1, 2, 3], [0, 1, 2, 0], [1, 2, 3, 4], [10, 20, 30, 40])
    f.keep(np.array([True, False, True, False]))
    assert f.n == 2
    for name in f.__dataclass_fields__:
        assert len(getattr(f, name)) == 2, name
    np.testing.assert_array_equal(f.province, [0, 2])
    np.testing.assert_array_equal(f.capital, [10, 30])
    np.testing.assert_array_equal(f.age, [0, 2])
    f.append(_firms([5], [2], [7], [70]))
    assert f.n == 3
    for name in f.__dataclass_fields__:
        assert len(getattr(f, name)) == 3, name
    np.testing.assert_array_equal(f.province, [0, 2, 5])
    np.testing.assert_array_equal(f.weight, [1, 3, 7])
    assert f.province.dtype == np.int16 and f.sector.dtype == np.int8
