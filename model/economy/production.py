"""Step 4b, production and goods markets: employment is shared among a province's firms by their
demand at the year's wage; firms produce; the national tradable market and the local services
markets clear; firms update their price expectations.

Tradables sell at one national price into national and foreign demand; services are sold
locally out of local income and net fiscal inflows (`westdev.economy.markets.goods`).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import SERVICES, labour_demand
from westdev.economy.markets import goods
from westdev.economy.state import Calibrated, EconomyState, Production, Setting
from westdev.policy.instruments import Instruments


def si_load(state: EconomyState, setting: Setting) -> float:
    """Employer cost per yuan of gross wages (1 + employer social-insurance contributions)."""
    return 1.0 + state.employer_si * setting.p["labour.si_coverage"]


def price_net(state: EconomyState, setting: Setting) -> np.ndarray:
    """Expected price net of VAT per province × sector (relative to the national deflator),
    on which firms hire, invest, enter and relocate. Expectations are adaptive
    (`firms.expectation_weight` on the latest realised price), which damps cobweb cycles."""
    return (1 - setting.tech.vat) * state.expected_prices


def update_expectations(state: EconomyState, setting: Setting, realised: np.ndarray) -> None:
    w = setting.p["firms.expectation_weight"]
    state.expected_prices = state.expected_prices + w * (realised - state.expected_prices)


def cost_wedge(setting: Setting, ins: Instruments) -> np.ndarray:
    """Productivity wedge of energy-intensive firms from cheaper power (relative to start)."""
    ref = np.where(setting.geo.west, setting.reference_levers["energy.west_power_price_discount"], 0.0)
    share = setting.p["firms.power_cost_share"]
    return (1.0 + share * ins.power_discount) / (1.0 + share * ref)


def firm_wedge(state: EconomyState, setting: Setting, ins: Instruments) -> np.ndarray:
    """The power-price wedge of each firm agent (1 unless energy-intensive)."""
    firms = state.firms
    return np.where(firms.energy_intensive, cost_wedge(setting, ins)[firms.province], 1.0)


def produce(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
            employed_units: np.ndarray, ex: dict | None, calibrating: bool = False) -> Production:
    """Employment allocated to firms by their demand at the current wage; output; prices.
    In the start year (`calibrating`) firms keep their observed labour and prices are 1."""
    p, geo, firms, tech = setting.p, setting.geo, state.firms, setting.tech
    n = geo.n
    labour_cost = state.wage * si_load(state, setting) / 1e8
    cell = firms.cell()
    loc = state.loc_tfp.ravel()[cell]
    wedge = firm_wedge(state, setting, ins)
    if not calibrating:
        demand = labour_demand(price_net(state, setting).ravel()[cell], loc, firms.tfp * wedge,
                               firms.capital, labour_cost[firms.province], tech.alpha, tech.beta)
        total = firms.totals(demand, n)
        scale = np.divide(employed_units, total, out=np.zeros(n), where=total > 0)
        firms.labour = demand * scale[firms.province]
    y = loc * firms.tfp * wedge * firms.capital ** tech.alpha * firms.labour ** tech.beta
    volume = firms.totals(y, n, by_sector=True)  # (31, 3), 2019 prices
    if calibrating:
        state.tradable_p = 1.0
        state.services_p = np.ones(n)
    else:
        delivered = (volume[:, :2] * state.gate[:, :2]).sum(axis=1)
        fixed = calib.services_share * state.fiscal_inflow / (1 - calib.services_share)
        slope = calib.services_share * delivered / (1 - calib.services_share)
        state.world_demand *= 1.0 + ex["world_demand_growth"] / 100.0
        state.tradable_p = goods.tradable_price(delivered.sum(), fixed.sum(), slope.sum(),
                                                calib.absorption_share, calib.exports_base,
                                                state.world_demand,
                                                p["goods.export_price_elasticity"])
        services_demand = goods.services_value(state.tradable_p * delivered, state.fiscal_inflow,
                                               calib.services_share,
                                               base_floor=p["goods.services_base_floor"])
        state.services_p = goods.services_price(services_demand, volume[:, SERVICES],
                                                p["goods.services_price_elasticity"],
                                                p["goods.services_import_price"])
    prices = np.column_stack([state.tradable_p * state.gate[:, 0],
                              state.tradable_p * state.gate[:, 1], state.services_p])
    value = volume * prices
    real = volume.sum(axis=1)
    state.deflator = value.sum() / real.sum()
    if not calibrating:
        update_expectations(state, setting, prices / state.deflator)
    return Production(y=y, volume=volume, value=value / state.deflator, real=real,
                      prices=prices / state.deflator, labour_cost=labour_cost)


def consumer_price_level(state: EconomyState, calib: Calibrated) -> np.ndarray:
    """Each province's consumer price level relative to the national deflator (1 at start):
    households spend the calibrated services share μ on local services at the local price and
    the rest on tradables at the national price. The statistics' income ratio is nominal (one
    national deflator); income divided by this is income in real, local purchasing power."""
    mu = calib.services_share
    return ((1.0 - mu) * state.tradable_p + mu * state.services_p) / state.deflator
