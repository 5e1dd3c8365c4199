"""Land rules (westdev.economy.markets.land): quota allocation and the quota market."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.economy.markets.land import allocate_quota, clear

WEST = np.array([True, True, False, False])
GDP_SHARE = np.array([0.1, 0.3, 0.2, 0.4])


def test_allocate_quota_hand_example():
    q = allocate_quota(1000.0, GDP_SHARE, WEST, 0.4, 100.0, np.array([3.0, 1.0, 0.0, 0.0]))
    # west: 1000 · 0.4 = 400 split by GDP 0.1 : 0.3 → 100, 300
    # others: 1000 · 0.6 = 600 split by GDP 0.2 : 0.4 → 200, 400
    # unused-land quota 100 split 3 : 1 → 75, 25
    np.testing.assert_allclose(q, [175.0, 325.0, 200.0, 400.0], rtol=1e-12)
    # total = national + unused = 1000 + 100 = 1100; the west gets 400 + 100 = 500
    assert q.sum() == pytest.approx(1100.0)
    assert q[WEST].sum() == pytest.approx(500.0)


def test_allocate_quota_without_unused_land():
    q = allocate_quota(1000.0, GDP_SHARE, WEST, 0.25, 100.0, np.zeros(4))
    # no unused land anywhere ⇒ no extra quota: west 250 (62.5, 187.5), others 750 (250, 500)
    np.testing.assert_allclose(q, [62.5, 187.5, 250.0, 500.0], rtol=1e-12)
    assert q.sum() == pytest.approx(1000.0)


@given(st.floats(0, 1e4), st.floats(0, 1), st.floats(0, 1e3),
       st.lists(st.floats(0.01, 1), min_size=4, max_size=4),
       st.lists(st.floats(0, 10), min_size=4, max_size=4))
def test_allocate_quota_shares(national, west_share, unused, gdp, weight):
    weight = np.array(weight) * WEST  # unused land only in the west, as the economy passes it
    q = allocate_quota(national, np.array(gdp), WEST, west_share, unused, weight)
    extra = unused if weight.sum() > 0 else 0.0
    assert q.sum() == pytest.approx(national + extra, rel=1e-9, abs=1e-9)
    assert q[WEST].sum() == pytest.approx(national * west_share + extra, rel=1e-9, abs=1e-9)


def test_unused_land_quota_goes_to_the_west_only():
    q = allocate_quota(1000.0, GDP_SHARE, WEST, 0.4, 100.0, np.array([1.0, 0.0, 1.0, 0.0]))
    # west 400 + all 100 of unused quota = 500
    assert q[WEST].sum() == pytest.approx(500.0)


# requested, own quota, idle land (km²) for two western and two other provinces
REQUESTED = np.array([50.0, 10.0, 80.0, 30.0])
QUOTA = np.array([30.0, 40.0, 50.0, 40.0])
IDLE = np.array([0.0, 5.0, 0.0, 0.0])
# available = quota + idle = [30, 45, 50, 40]; surplus = [0, 35, 0, 10]; shortfall = [20, 0, 30, 0]


def test_clear_without_trading():
    out = clear(REQUESTED, QUOTA, IDLE, WEST, trading_share=0.0, price=2.0)
    np.testing.assert_array_equal(out.sold, 0.0)
    np.testing.assert_array_equal(out.bought, 0.0)
    np.testing.assert_array_equal(out.revenue, 0.0)
    np.testing.assert_array_equal(out.payment, 0.0)
    # granted = min(requested, available) = [30, 10, 50, 30]
    np.testing.assert_allclose(out.used, [30.0, 10.0, 50.0, 30.0])
    # shares 30/50 = 0.6, 1, 50/80 = 0.625, 1
    np.testing.assert_allclose(out.granted_share, [0.6, 1.0, 0.625, 1.0])
    np.testing.assert_array_equal(out.quota, QUOTA)


def test_clear_with_trading_hand_example():
    out = clear(REQUESTED, QUOTA, IDLE, WEST, trading_share=0.5, price=2.0)
    # sellable = min(surplus, quota) · west · 0.5 = [0, min(35, 40), 0, 0] · 0.5 = [0, 17.5, 0, 0]
    # demand = shortfall of non-western = [0, 0, 30, 0]; traded = min(17.5, 30) = 17.5
    np.testing.assert_allclose(out.sold, [0.0, 17.5, 0.0, 0.0])
    np.testing.assert_allclose(out.bought, [0.0, 0.0, 17.5, 0.0])
    # revenue = payment = 17.5 · 2 = 35
    np.testing.assert_allclose(out.revenue, [0.0, 35.0, 0.0, 0.0])
    np.testing.assert_allclose(out.payment, [0.0, 0.0, 35.0, 0.0])
    # supply = [30, 45 − 17.5, 50 + 17.5, 40] = [30, 27.5, 67.5, 40]
    # granted = min(requested, supply) = [30, 10, 67.5, 30]; share 67.5/80 = 0.84375
    np.testing.assert_allclose(out.used, [30.0, 10.0, 67.5, 30.0])
    np.testing.assert_allclose(out.granted_share, [0.6, 1.0, 0.84375, 1.0])


def test_clear_trading_limited_by_demand():
    out = clear(REQUESTED, QUOTA, IDLE, WEST, trading_share=1.0, price=2.0)
    # sellable 35 > demand 30 ⇒ traded 30; the buyer gets all it asked for (50 + 30 = 80)
    np.testing.assert_allclose(out.sold, [0.0, 30.0, 0.0, 0.0])
    np.testing.assert_allclose(out.bought, [0.0, 0.0, 30.0, 0.0])
    np.testing.assert_allclose(out.used, [30.0, 10.0, 80.0, 30.0])
    np.testing.assert_allclose(out.granted_share, [0.6, 1.0, 1.0, 1.0])


def test_only_quota_is_sold_not_idle_land_and_zero_request():
    # western province with quota 5 and idle land 100, requesting nothing: sellable = min(105, 5)
    out = clear(np.array([0.0, 0.0, 0.0, 50.0]), np.array([5.0, 0.0, 0.0, 0.0]),
                np.array([100.0, 0.0, 0.0, 0.0]), WEST, 1.0, 3.0)
    np.testing.assert_allclose(out.sold, [5.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(out.bought, [0.0, 0.0, 0.0, 5.0])
    # requested 0 ⇒ share 1 by convention; buyer 5/50 = 0.1
    np.testing.assert_allclose(out.granted_share, [1.0, 1.0, 1.0, 0.1])


_km = st.floats(0, 1e3)


@given(st.lists(st.tuples(_km, _km, _km), min_size=4, max_size=4), st.floats(0, 1),
       st.floats(0, 10))
def test_clear_market_identities(rows, trading_share, price):
    req, quota, idle = (np.array(c) for c in zip(*rows, strict=True))
    out = clear(req, quota, idle, WEST, trading_share, price)
    # land sold by the west = land bought by the others; revenue = payment = traded × price
    assert out.sold[~WEST].sum() == 0 and out.bought[WEST].sum() == 0
    assert out.sold.sum() == pytest.approx(out.bought.sum(), rel=1e-9, abs=1e-9)
    assert out.revenue.sum() == pytest.approx(out.payment.sum(), rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(out.revenue, out.sold * price)
    np.testing.assert_allclose(out.payment, out.bought * price)
    # never more than a share of the own quota is sold; granted ≤ requested
    assert (out.sold <= trading_share * quota + 1e-9).all()
    assert (out.used <= req + 1e-9).all()
    assert ((out.granted_share >= 0) & (out.granted_share <= 1 + 1e-12)).all()
    # sellers still get everything they asked for
    seller = out.sold > 0
    np.testing.assert_allclose(out.used[seller], req[seller])
