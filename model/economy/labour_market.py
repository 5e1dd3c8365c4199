"""Step 4a, the labour market: wages move part of the way to clearing (indexed first to
national labour-productivity growth, and rigid downwards); jobs are found and lost towards the
demand-determined employment target (`westdev.economy.markets.labour` for the wage rule,
`westdev.economy.agents.workers.job_flows` for the job search).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents import workers as wk
from westdev.economy.agents.firms import labour_demand
from westdev.economy.demography import labour_units
from westdev.economy.markets import labour
from westdev.economy.production import firm_wedge, price_net, si_load
from westdev.economy.state import EconomyState, Setting
from westdev.policy.instruments import Instruments


def labour_market(state: EconomyState, setting: Setting, ins: Instruments,
                  rng: np.random.Generator) -> np.ndarray:
    """Update wages and jobs. Returns employed efficiency units by province."""
    p, n, firms, tech = setting.p, setting.geo.n, state.firms, setting.tech
    _, lf_units = labour_units(state)
    labour_cost = state.wage * si_load(state, setting) / 1e8
    cell = firms.cell()
    wedge = firm_wedge(state, setting, ins)
    demand = labour_demand(price_net(state, setting).ravel()[cell], state.loc_tfp.ravel()[cell],
                           firms.tfp * wedge, firms.capital, labour_cost[firms.province],
                           tech.alpha, tech.beta)
    demand_units = firms.totals(demand, n)
    supply_target = lf_units * (1 - p["labour.natural_unemployment"])
    # wage norms index last year's wage to labour-productivity growth; the market then
    # moves it part of the way to clearing
    indexed = state.wage * state.productivity_growth
    demand_units = labour.demand_at(demand_units, state.wage, indexed, tech.beta)
    old_wage = indexed
    state.wage = labour.update_wage(indexed, demand_units, supply_target, tech.beta,
                                    p["labour.wage_adjustment"], p["labour.max_wage_fall"])
    demand_new = labour.demand_at(demand_units, old_wage, state.wage, tech.beta)
    target = np.minimum(demand_new, lf_units * (1 - p["labour.minimum_unemployment"]))
    sector_demand = firms.totals(demand, n, by_sector=True)
    sector_share = sector_demand / np.maximum(sector_demand.sum(axis=1, keepdims=True), 1e-12)
    lab = state.labour_census
    changed = wk.job_flows(state.workers, tech.efficiency, target, p["labour.separation_rate"],
                           tech.participation, sector_share, rng,
                           lab["employed_units"], lab["force_units"])
    state.census = wk.recount_jobs(state.census, state.workers, changed)
    state.labour_census = state.census.labour(tech.participation, tech.efficiency)
    return labour_units(state)[0]
