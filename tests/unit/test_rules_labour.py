"""Labour-market rules (westdev.economy.markets.labour): sticky wage and constant-elasticity demand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.economy.markets.labour import demand_at, update_wage


def test_full_adjustment_gives_the_clearing_wage():
    w = np.array([100.0, 200.0, 50.0])
    demand = np.array([8.0, 50.0, 1.0])
    supply = np.array([2.0, 50.0, 4.0])
    out = update_wage(w, demand, supply, beta=0.5, adjustment=1.0)
    # w* = w · (D/S)^(1−β):
    #   100 · (8/2)^0.5 = 100 · 2 = 200;  200 · 1^0.5 = 200;  50 · (1/4)^0.5 = 25
    np.testing.assert_allclose(out, [200.0, 200.0, 25.0], rtol=1e-12)
    # at w*, demand D(w*) = D · (w*/w)^(−1/(1−β)) = 8 · 2^(−2) = 2 = S, 50, 1 · 0.5^(−2) = 4
    np.testing.assert_allclose(demand_at(demand, w, out, 0.5), supply, rtol=1e-12)


def test_partial_and_zero_adjustment():
    w = np.array([100.0])
    # half-way in logs: 100 · (200/100)^0.5 = 141.421356
    out = update_wage(w, np.array([8.0]), np.array([2.0]), beta=0.5, adjustment=0.5)
    assert out[0] == pytest.approx(100 * 2**0.5, rel=1e-12)
    assert out[0] == pytest.approx(141.421356, rel=1e-8)
    # adjustment 0 keeps w, whatever demand and supply are
    np.testing.assert_array_equal(
        update_wage(np.array([100.0, 70.0]), np.array([8.0, 0.0]), np.array([2.0, 5.0]), 0.5, 0.0),
        [100.0, 70.0])


def test_zero_supply_target_keeps_wage():
    # S* = 0: the ratio defaults to 1 ⇒ w unchanged
    out = update_wage(np.array([100.0]), np.array([5.0]), np.array([0.0]), 0.6, 1.0)
    assert out[0] == 100.0


@given(st.floats(0.1, 10), st.floats(0.1, 10), st.floats(0.05, 0.9), st.floats(0.5, 5))
def test_clearing_property(demand, supply, beta, wage):
    w_star = update_wage(np.array([wage]), np.array([demand]), np.array([supply]), beta, 1.0)
    assert demand_at(np.array([demand]), np.array([wage]), w_star, beta)[0] == pytest.approx(
        supply, rel=1e-9)


def test_demand_elasticity_hand_example():
    # β = 0.75 ⇒ elasticity −1/(1 − 0.75) = −4; wage +10 %: D = 100 · 1.1^(−4) = 68.301346
    out = demand_at(np.array([100.0]), np.array([1.0]), np.array([1.1]), 0.75)
    assert out[0] == pytest.approx(68.301346, rel=1e-7)
    # same wage ⇒ same demand
    assert demand_at(np.array([42.0]), np.array([3.0]), np.array([3.0]), 0.6)[0] == 42.0


def test_demand_elasticity_is_constant():
    beta = 0.6
    wages = np.array([0.5, 1.0, 2.0, 7.0])
    d = demand_at(np.full(4, 10.0), np.ones(4), wages, beta)
    d_up = demand_at(np.full(4, 10.0), np.ones(4), wages * 1.0001, beta)
    elasticity = np.log(d_up / d) / np.log(1.0001)
    # −1/(1 − 0.6) = −2.5 at every wage
    np.testing.assert_allclose(elasticity, -2.5, rtol=1e-9)
