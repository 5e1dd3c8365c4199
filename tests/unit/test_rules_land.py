"""Land rules (westdev.economy.markets.land): quota allocation, the quota market, rationing
and the land accounts of a year (westdev.economy.firms.allocate_land)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.economy.agents.firms import FirmPopulation
from westdev.economy.firms import allocate_land
from westdev.economy.firms.exit import exit_firms
from westdev.economy.markets.land import allocate_quota, clear, ration
from westdev.economy.state import FirmAccounts

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


# ---------------------------------------------------------------------------------------------
# ration: granted land split entrants-first; capital installed = requested × g^λ
# ---------------------------------------------------------------------------------------------

ENTRANT_REQ = np.array([10.0, 10.0, 0.0, 4.0, 6.0])
EXPANSION_REQ = np.array([30.0, 0.0, 20.0, 16.0, 0.0])
GRANTED = np.array([25.0, 5.0, 5.0, 20.0, 0.0])


def _old_rule(entrant_request, expansion_request, granted):
    """The rule before `land.rationing_elasticity` (as it stood in `allocate_land`): capital
    scaled by the granted land share, one for one."""
    to_entrants = np.minimum(entrant_request, granted)
    n = len(granted)
    g_e = np.divide(to_entrants, entrant_request, out=np.ones(n), where=entrant_request > 0)
    g_x = np.divide(granted - to_entrants, expansion_request, out=np.ones(n),
                    where=expansion_request > 0)
    return g_e, np.clip(g_x, 0.0, 1.0)


def test_ration_hand_example():
    r = ration(ENTRANT_REQ, EXPANSION_REQ, GRANTED, elasticity=0.5)
    # entrants first: min(request, granted) = [10, 5, 0, 4, 0]; expansion gets the rest
    # [15, 0, 5, 16, 0]
    np.testing.assert_allclose(r.land_entrants, [10.0, 5.0, 0.0, 4.0, 0.0])
    np.testing.assert_allclose(r.land_expansion, [15.0, 0.0, 5.0, 16.0, 0.0])
    # land shares: entrants [1, 0.5, (none asked) 1, 1, 0]; expansion [0.5, 1, 0.25, 1, 1]
    # capital shares = land share^0.5: entrants [1, √0.5, 1, 1, 0], expansion [√0.5, 1, 0.5, 1, 1]
    np.testing.assert_allclose(r.capital_entrants, [1.0, np.sqrt(0.5), 1.0, 1.0, 0.0])
    np.testing.assert_allclose(r.capital_expansion, [np.sqrt(0.5), 1.0, 0.5, 1.0, 1.0])


def test_ration_elasticity_one_is_the_old_rule_exactly():
    r = ration(ENTRANT_REQ, EXPANSION_REQ, GRANTED, elasticity=1.0)
    g_e, g_x = _old_rule(ENTRANT_REQ, EXPANSION_REQ, GRANTED)
    np.testing.assert_array_equal(r.capital_entrants, g_e)
    np.testing.assert_array_equal(r.capital_expansion, g_x)


_requests = st.lists(st.tuples(st.floats(0, 1e3), st.floats(0, 1e3), st.floats(0, 1)),
                     min_size=1, max_size=8)


@given(_requests, st.floats(0.1, 1.0))
def test_ration_invariants(rows, lam):
    entrant_request = np.array([r[0] for r in rows])
    expansion_request = np.array([r[1] for r in rows])
    # the market grants a share of the request (land.clear: granted = min(request, supply))
    granted = (entrant_request + expansion_request) * np.array([r[2] for r in rows])
    r = ration(entrant_request, expansion_request, granted, lam)
    old_e, old_x = _old_rule(entrant_request, expansion_request, granted)
    new_old = ration(entrant_request, expansion_request, granted, 1.0)
    np.testing.assert_array_equal(new_old.capital_entrants, old_e)
    np.testing.assert_array_equal(new_old.capital_expansion, old_x)
    # never more capital than requested, never less than the old rule would install
    assert np.all((r.capital_entrants <= 1.0) & (r.capital_expansion <= 1.0))
    assert np.all(r.capital_entrants >= old_e - 1e-12)
    assert np.all(r.capital_expansion >= old_x - 1e-12)
    # all the granted land is used, none beyond it, each group within its request
    used = r.land_entrants + r.land_expansion
    np.testing.assert_allclose(used, granted, rtol=1e-12, atol=1e-9)
    assert np.all(r.land_entrants <= entrant_request) and np.all(r.land_expansion <= expansion_request)
    # entrants first: expansion gets land only where entrants got all they asked for
    short = r.land_entrants < entrant_request
    assert np.all(r.land_expansion[short] == 0.0)


def test_ration_denser_capital_for_the_same_land():
    # the same 5 km² of 20 requested (g = 0.25): λ = 1 installs a quarter of the capital,
    # λ = 0.5 half of it (0.25^0.5), λ = 0.25 about 0.707 (0.25^0.25)
    shares = [ration(np.array([0.0]), np.array([20.0]), np.array([5.0]), lam).capital_expansion[0]
              for lam in (1.0, 0.5, 0.25)]
    np.testing.assert_allclose(shares, [0.25, 0.5, 0.25**0.25])
    # land per unit of capital installed, relative to the norm: g / g^λ = g^(1−λ) ≤ 1
    np.testing.assert_allclose([0.25 / s for s in shares], [1.0, 0.5, 0.25**0.75])


# ---------------------------------------------------------------------------------------------
# the land accounts of a year: exits free land, then requests are granted and used
# ---------------------------------------------------------------------------------------------


def _firms(province, sector, capital, weight):
    k = len(province)
    return FirmPopulation(province=np.asarray(province, dtype=np.int16),
                          sector=np.asarray(sector, dtype=np.int8),
                          weight=np.asarray(weight, dtype=float), tfp=np.ones(k),
                          capital=np.asarray(capital, dtype=float), labour=np.ones(k),
                          state=np.zeros(k, bool), energy_intensive=np.zeros(k, bool),
                          catalogue_draw=np.ones(k), zone_draw=np.ones(k),
                          origin=np.full(k, -1, np.int16), loss_years=np.zeros(k, np.int8),
                          age=np.zeros(k, np.int16))


# per province: idle land (km²), expansion and entrant capital (100m yuan; ~0.01 km² each, so
# requests of 0–200 km² against quotas of 0–500 km² over four provinces: rationed or not),
# incumbent capital, land stock above 100 km², incumbent weight
_province_rows = st.lists(st.tuples(st.floats(0, 50), st.floats(0, 5e3), st.floats(0, 200),
                                    st.floats(0, 2e4), st.floats(0, 100), st.floats(0.1, 5)),
                          min_size=4, max_size=4)


@given(_province_rows, st.floats(0.1, 1.0), st.floats(0.0, 0.3), st.floats(0.0, 1.0),
       st.floats(0.0, 1.0), st.floats(0.0, 500.0))
def test_land_is_conserved(rows, lam, hazard, west_share, trading, national_quota):
    """Exits move land from the stock to idle land; the year's grant is taken from idle land
    first, then from the quota, and all of it goes into the stock: Δstock = used − freed,
    Δidle = freed − reused, so Δ(stock + idle) = used − reused, the land newly converted,
    which the quota (own and bought) covers. The rationing elasticity changes the capital on
    the land, never the land."""
    n = 4
    stock0 = np.array([r[4] for r in rows]) + 100.0
    idle0 = np.array([r[0] for r in rows])
    p = {"land.km2_per_100m_yuan": 0.012, "land.intensity_decline": 0.03,
         "land.unused_land_share": 0.3, "land.quota_price_100m_yuan_per_km2": 3.0,
         "land.rationing_elasticity": lam, "firms.exit_hazard": hazard,
         "firms.loss_exit_rate": 0.0}
    geo = SimpleNamespace(n=n, west=WEST, area_km2=np.array([5e5, 2e5, 1e5, 1e5]))
    setting = SimpleNamespace(p=p, geo=geo, start_year=2019,
                              tech=SimpleNamespace(loss_years_threshold=3))
    firms = _firms([0, 1, 2, 3, 0, 2], [1, 2, 1, 2, 0, 1],
                   [r[2] + 1.0 for r in rows] + [10.0, 5.0], [r[5] for r in rows] + [1.0, 2.0])
    state = SimpleNamespace(firms=firms, year=2025, land_stock=stock0.copy(),
                            idle_land=idle0.copy())
    accounts = FirmAccounts(revenue=np.ones(6), profit=np.ones(6), after_tax=np.ones(6),
                            cit_rate=np.zeros(6), eligible=np.zeros(6, bool), cit=np.zeros(6))
    exit_firms(state, setting, accounts)
    freed = state.idle_land - idle0
    np.testing.assert_allclose(state.land_stock, stock0 - freed, rtol=1e-12, atol=1e-9)
    stock1, idle1 = state.land_stock.copy(), state.idle_land.copy()

    entrants = _firms([0, 1, 2, 3, 3], [1, 1, 2, 2, 0], [r[3] for r in rows] + [7.0],
                      [1.0] * 5)
    expansion = np.array([r[1] for r in rows] + [0.0, 0.0])  # the two last firms do not expand
    calib = SimpleNamespace(national_land_quota=national_quota)
    ins = SimpleNamespace(protected_share=np.zeros(n), land_west_share=west_share,
                          land_unused_quota=20.0, land_trading_share=trading)
    prod = SimpleNamespace(real=np.array([1.0, 2.0, 3.0, 4.0]))
    outcome, cap_e, cap_x = allocate_land(state, setting, calib, ins, prod, expansion, entrants,
                                          np.zeros(n))
    used = outcome.used
    reused = idle1 - state.idle_land
    np.testing.assert_allclose(state.land_stock - stock1, used, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(state.land_stock - stock0, used - freed, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(state.idle_land - idle0, freed - reused, rtol=1e-9, atol=1e-9)
    assert np.all(reused >= -1e-12) and np.all(reused <= np.minimum(idle1, used) + 1e-9)
    assert np.all(state.idle_land >= -1e-12)
    # newly converted land is covered by the province's quota and what it bought
    assert np.all(used - reused <= outcome.quota + outcome.bought + 1e-9)
    # land used never exceeds the request; capital installed never exceeds it either
    ell = 0.012 * 0.97 ** 6
    request = ell * (np.bincount(entrants.province, weights=entrants.capital * (entrants.sector > 0),
                                 minlength=n)
                     + np.bincount(state.firms.province, weights=expansion * state.firms.weight,
                                   minlength=n))
    assert np.all(used <= request * (1 + 1e-12) + 1e-12)
    assert np.all((cap_e <= 1.0) & (cap_x <= 1.0))
