"""Goods-market rules (westdev.economy.markets.goods): networks, market access, prices."""

from __future__ import annotations

import numpy as np
import pytest

from westdev.economy.markets.goods import (
    market_access,
    network_quality,
    services_price,
    services_value,
    tradable_price,
)


def test_network_quality_hand_example():
    km = np.array([[100.0, 50.0, 20.0], [0.0, 0.0, 10.0]])
    weights = np.array([1.0, 2.0, 3.0])
    area = np.array([10_000.0, 500.0])
    # province 0: (100·1 + 50·2 + 20·3) / 10000 · 100 = 260/100 = 2.6 per 100 km²
    # province 1: (10·3) / 500 · 100 = 30/5 = 6.0
    np.testing.assert_allclose(network_quality(km, area, weights), [2.6, 6.0], rtol=1e-12)


def test_market_access_two_symmetric_provinces():
    gdp = np.array([10.0, 20.0])
    dist = np.array([[50.0, 300.0], [300.0, 50.0]])
    # equal quality ⇒ q = 1 both ⇒ travel = distance/100: [[0.5, 3], [3, 0.5]]
    # (1 + t)^(−2): own 1/1.5² = 1/2.25 = 0.444444, other 1/4² = 0.0625
    # MA_0 = 10/2.25 + 20 · 0.0625 = 4.444444 + 1.25 = 5.694444
    # MA_1 = 10 · 0.0625 + 20/2.25 = 0.625 + 8.888889 = 9.513889
    expected = [10 / 2.25 + 1.25, 0.625 + 20 / 2.25]
    np.testing.assert_allclose(market_access(gdp, np.array([1.0, 1.0]), dist, 2.0), expected,
                               rtol=1e-12)
    # quality enters relative to the national mean: doubling it everywhere changes nothing
    np.testing.assert_allclose(market_access(gdp, np.array([2.0, 2.0]), dist, 2.0), expected,
                               rtol=1e-12)
    # symmetric provinces with equal GDP get equal access
    ma = market_access(np.array([5.0, 5.0]), np.array([1.0, 1.0]), dist, 2.0)
    assert ma[0] == pytest.approx(ma[1], rel=1e-15)


def test_market_access_unequal_quality():
    gdp = np.array([10.0, 20.0])
    dist = np.array([[50.0, 300.0], [300.0, 50.0]])
    # quality [1, 3], mean 2 ⇒ q = [0.5, 1.5]
    # own 0: 0.5/0.5 = 1 ⇒ (1+1)^(−2) = 0.25;   across: 3/√(0.5·1.5) = 3/0.866025 = 3.464102
    # ⇒ (4.464102)^(−2) = 1/19.928203 = 0.0501801;  own 1: 0.5/1.5 = 0.333333 ⇒ (4/3)^(−2) = 0.5625
    # MA_0 = 10 · 0.25 + 20 · 0.0501801 = 2.5 + 1.003602 = 3.503602
    # MA_1 = 10 · 0.0501801 + 20 · 0.5625 = 0.501801 + 11.25 = 11.751801
    out = market_access(gdp, np.array([1.0, 3.0]), dist, 2.0)
    np.testing.assert_allclose(out, [3.503602, 11.751801], rtol=1e-6)
    # better own network ⇒ more access than in the equal-quality case for province 1
    assert out[1] > 0.625 + 20 / 2.25


# tradable market: delivered S = 200, absorption a = 0.4, services n0 = 30, n1 = 20
# calibration identity: S(1 − a) − a(n0 + n1) = 200·0.6 − 0.4·50 = 120 − 20 = 100 = X0 · W, W = 1
S, A, N0, N1, X0 = 200.0, 0.4, 30.0, 20.0, 100.0


def _residual(p, world, eps):
    # p·S = a(p·S + n0 + n1 p) + X0 W p^(1−ε)
    return p * S - A * (p * S + N0 + N1 * p) - X0 * world * p ** (1 - eps)


def test_tradable_price_is_one_under_the_calibration_identity():
    p = tradable_price(S, N0, N1, A, X0, 1.0, 3.0)
    assert p == pytest.approx(1.0, abs=1e-12)


def test_tradable_price_hand_example():
    # ε = 2, W = 1.2: (120 − 0.4·20) p − 0.4·30 − 100·1.2/p = 0 ⇒ 112 p − 12 − 120/p = 0
    # ⇒ 112 p² − 12 p − 120 = 0 ⇒ p = (12 + √(144 + 4·112·120)) / 224 = (12 + √53904)/224
    #   = (12 + 232.172350)/224 = 1.090055
    p = tradable_price(S, N0, N1, A, X0, 1.2, 2.0)
    assert p == pytest.approx((12 + 53904**0.5) / 224, rel=1e-12)
    assert p == pytest.approx(1.090055, rel=1e-6)


@pytest.mark.parametrize("world", [0.5, 0.9, 1.0, 1.3, 3.0])
@pytest.mark.parametrize("eps", [1.5, 3.0, 6.0])
def test_tradable_price_solves_the_market_equation(world, eps):
    p = tradable_price(S, N0, N1, A, X0, world, eps)
    assert abs(_residual(p, world, eps)) < 1e-10


def test_higher_world_demand_raises_the_tradable_price():
    prices = [tradable_price(S, N0, N1, A, X0, w, 3.0) for w in (0.5, 0.9, 1.0, 1.1, 2.0)]
    assert all(b > a for a, b in zip(prices, prices[1:], strict=False))
    assert prices[2] == pytest.approx(1.0, abs=1e-12)


def test_services_value_hand_example():
    # μ = 0.4, T = 60, F = 15: V = 0.4 · (60 + 15)/0.6 = 30/0.6 = 50
    # check: μ(T + V + F) = 0.4 · (60 + 50 + 15) = 0.4 · 125 = 50 = V
    out = services_value(np.array([60.0, 60.0]), np.array([15.0, 15.0]), np.array([0.4, 0.0]),
                         base_floor=0.1)
    np.testing.assert_allclose(out, [50.0, 0.0], rtol=1e-12)  # μ = 0 ⇒ no services


def test_services_value_floor_for_net_contributors():
    # T = 60, F = −70: T + F = −10 < 0.1 · 60 = 6, so the base is 6: V = 0.4 · 6 / 0.6 = 4
    out = services_value(np.array([60.0, 60.0]), np.array([-70.0, -20.0]), np.array([0.4, 0.4]),
                         base_floor=0.1)
    np.testing.assert_allclose(out, [4.0, 0.4 * 40.0 / 0.6], rtol=1e-12)  # floor binds only in the first


def test_services_price():
    d = np.array([5.0, 16.0, 1.0])
    s = np.array([5.0, 1.0, 8.0])
    # D = S ⇒ 1;  (16/1)^(1/2) = 4;  (1/8)^(1/2) = 0.353553
    np.testing.assert_allclose(services_price(d, s, 2.0), [1.0, 4.0, 0.125**0.5], rtol=1e-12)
    # ε = 3: (1/8)^(1/3) = 0.5
    assert services_price(np.array([1.0]), np.array([8.0]), 3.0)[0] == pytest.approx(0.5)
    # market clears: S = D · P^(−ε)
    p = services_price(d, s, 2.5)
    np.testing.assert_allclose(d * p ** (-2.5), s, rtol=1e-12)
