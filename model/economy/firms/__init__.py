"""Step 7, firm dynamics, in order: exit, relocation, investment plans, entry, the
construction-land market (quota + idle land against expansion and entrants, §17, §33), then
rationing, the energy cap and investment.

Modules: ``profitability`` (what firms compare), ``exit``, ``relocation``, ``investment``,
``entry``; the land rules are in `westdev.economy.markets.land`.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import AGRI, FirmPopulation
from westdev.economy.firms.entry import entrant_agents, make_entrants
from westdev.economy.firms.exit import exit_firms
from westdev.economy.firms.investment import plan_investment, realise_investment
from westdev.economy.firms.profitability import land_intensity
from westdev.economy.firms.relocation import relocate
from westdev.economy.markets import land
from westdev.economy.state import (
    Calibrated,
    EconomyState,
    FirmDynamics,
    Incomes,
    Production,
    Setting,
)
from westdev.policy.instruments import Instruments


def allocate_land(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                  prod: Production, expansion: np.ndarray, entrants: FirmPopulation,
                  land_from_quota: np.ndarray) -> tuple[land.LandOutcome, np.ndarray, np.ndarray]:
    """This year's quotas against firms' requests (expansion and entrants' land); western
    surplus quota can be sold east (§33). Movers' land not covered by idle land has already
    come out of this year's quota.

    Local governments give new investment projects land first (招商引资: industrial land is
    their main lure for firms from outside, offered cheaply — Tao, Su, Liu & Cao 2010, Urban
    Studies 47(10); Lu & Wang 2020, Land Use Policy 97), so a province's granted land goes to
    entrants before incumbents' expansion. A group granted a share g of the land it asked for
    installs g^λ of its capital on it (λ = `land.rationing_elasticity`: it builds denser rather
    than cancel capital one for one; `markets.land.ration`). Returns (the outcome, the share of
    entrants' capital installed, the share of expansion capital installed) by province."""
    p, geo, firms = setting.p, setting.geo, state.firms
    n = geo.n
    gdp_share = prod.real / prod.real.sum()
    # unprotected unused land (desert, Gobi) weighs the western unused-land quota
    unused_weight = np.where(geo.west, geo.area_km2 * p["land.unused_land_share"]
                             * (1 - ins.protected_share), 0.0)
    quota = land.allocate_quota(calib.national_land_quota, gdp_share, geo.west,
                                ins.land_west_share, ins.land_unused_quota, unused_weight)
    ell = land_intensity(setting, state.year)
    entrant_land_k = entrants.capital * entrants.weight * (entrants.sector > AGRI)
    entrant_request = ell * np.bincount(entrants.province, weights=entrant_land_k, minlength=n)
    expansion_request = ell * np.bincount(firms.province, weights=expansion * firms.weight,
                                          minlength=n)
    quota = np.maximum(quota - land_from_quota, 0.0)
    outcome = land.clear(entrant_request + expansion_request, quota, state.idle_land, geo.west,
                         ins.land_trading_share, p["land.quota_price_100m_yuan_per_km2"])
    # all the granted land is used (idle land first); rationed firms build denser on it
    from_idle = np.minimum(state.idle_land, outcome.used)
    state.idle_land -= from_idle
    state.land_stock += outcome.used
    rationed = land.ration(entrant_request, expansion_request, outcome.used,
                           p["land.rationing_elasticity"])
    return outcome, rationed.capital_entrants, rationed.capital_expansion


def firm_dynamics(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                  prod: Production, inc: Incomes, pairing_received: np.ndarray,
                  rng: np.random.Generator) -> FirmDynamics:
    """Exit, relocation, entry and investment (land-rationed) of the year."""
    firms = state.firms
    n = setting.geo.n
    exits, accounts = exit_firms(state, setting, inc.firms)
    moved = relocate(state, setting, calib, ins, rng)
    plan = plan_investment(state, setting, calib, ins, accounts)
    entrants = make_entrants(state, setting, calib, ins,
                             entrant_agents(state, setting, calib, ins, prod, pairing_received), rng)
    outcome, g_entrants, g_expansion = allocate_land(state, setting, calib, ins, prod,
                                                     plan.expansion, entrants,
                                                     moved.land_from_quota)
    # land converted for the pushed projects, outside the regular quota
    state.land_stock += land_intensity(setting, state.year) * np.bincount(
        firms.province, weights=plan.pushed_expansion * firms.weight, minlength=n)
    gross, duty_cost = realise_investment(state, setting, ins, plan, g_expansion, moved.ei_inflow)
    # rationed entrants: each entrant agent stands for fewer firms (deterministic thinning)
    entrants.weight = entrants.weight * np.where(entrants.sector > AGRI,
                                                 g_entrants[entrants.province], 1.0)
    entrants.keep(entrants.weight > 0)
    investment = (firms.totals(gross, n)
                  + np.bincount(entrants.province, weights=entrants.capital * entrants.weight, minlength=n))
    firms.append(entrants)
    firms.age = firms.age + 1
    entries = np.bincount(entrants.province, weights=entrants.weight, minlength=n)
    return FirmDynamics(exits=exits, entries=entries, relocation=moved, investment=investment,
                        land=outcome, duty_cost=duty_cost)
