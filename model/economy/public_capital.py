"""Step 2, public capital and access: last year's infrastructure and public-service spending
enters the stocks; staff quality, network quality, market access and location productivity
follow. Also the two goal indices built from these stocks: public services per head (adjusted
for the cost of delivery where population is sparse) and infrastructure (market) access.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.indicators import weighted_mean
from westdev.economy.markets import goods
from westdev.economy.state import Calibrated, EconomyState, Setting
from westdev.inputs.parameters import Parameters
from westdev.policy.instruments import Instruments, instruments


def update_public_capital(state: EconomyState, setting: Setting, calib: Calibrated,
                          ins: Instruments, pairing_received: np.ndarray) -> None:
    """Last year's spending enters the stocks; network quality, market access and location
    productivity update. `pairing_received` is last year's pairing assistance (§35), whose
    cadres raise staff quality."""
    p, geo = setting.p, setting.geo
    last_b = state.last_budgets
    state.k_infra = (1 - p["infrastructure.depreciation"]) * state.k_infra + last_b["infrastructure"]
    # public-service spending builds public-service capital
    # (the staff wage premium is paid from the talent budget; it does not dilute this)
    state.k_public = (1 - p["public.capital_depreciation"]) * state.k_public + last_b["public_services"]
    # staff quality (retention) moves towards what the premium sustains, plus cadres sent
    # under pairing assistance (§35), as staff turn over
    # (the cadres' weight is the assistance's share of the resources for public services)
    assistance = pairing_received
    cadres = 1.0 + p["talent.pairing_cadre_effect"] * np.divide(
        assistance, assistance + last_b["public_services"],
        out=np.zeros(geo.n), where=assistance > 0)
    target_quality = (1.0 + ins.wage_premium) ** p["public.quality_wage_elasticity"] * cadres
    state.staff_quality += p["public.staff_turnover"] * (target_quality - state.staff_quality)
    state.quality = calib.quality0 * (state.k_infra / calib.k_infra0) ** p["infrastructure.quality_elasticity"]
    state.market_access = goods.market_access(state.last_gdp, state.quality, geo.distance_km,
                                              p["infrastructure.distance_decay"])
    state.loc_tfp = calib.loc_tfp0 * (state.market_access / calib.market_access0)[:, None] \
        ** p["infrastructure.access_tfp_elasticity"]


def delivery_cost(state: EconomyState, setting: Setting, ins: Instruments,
                  remote_coverage: np.ndarray | None = None) -> np.ndarray:
    """Relative cost of delivering a public service per head: higher where population is
    sparse (density elasticity from the register), lowered by remote coverage (§6) —
    `remote_coverage` if given, else the year's instrument."""
    p = setting.p
    pop = state.census.population
    coverage = ins.remote_coverage if remote_coverage is None else remote_coverage
    density = pop / setting.geo.area_km2
    rel = (density / weighted_mean(density, pop)) ** (-p["public.density_cost_elasticity"])
    extra = np.maximum(rel - 1.0, 0.0) * (1.0 - p["public.remote_coverage_effect"] * coverage)
    return np.minimum(rel, 1.0) + extra


def served_population(census, migrant_access: float) -> np.ndarray:
    """Residents the local public-service budget serves: everyone with local hukou, and
    residents without it for the share of services open to them (§5, lever
    `public_services.migrant_access_share`). Opening services to migrants spreads the same
    capital over more people where migrants live."""
    return census.population - (1.0 - migrant_access) * census.non_local


def public_services_raw(state: EconomyState, setting: Setting, ins: Instruments) -> np.ndarray:
    """Public-service capital per person served × staff quality ÷ delivery cost (unnormalised)."""
    served = served_population(state.census, ins.migrant_access)
    return state.k_public * state.staff_quality / (served * delivery_cost(state, setting, ins))


def public_services_index(state: EconomyState, setting: Setting, calib: Calibrated,
                          ins: Instruments) -> np.ndarray:
    """Public-service capital per head adjusted for delivery cost and staff quality, as an
    index: the start year's value is the reference measurement (`reference_indices`; national
    population-weighted mean = 100), later years move with the run's own raw index."""
    return calib.public_services_ref0 * public_services_raw(state, setting, ins) / calib.public_services_raw0


def infrastructure_access_index(state: EconomyState, setting: Setting,
                                calib: Calibrated) -> np.ndarray:
    """Market access as an index: the start year's value is the reference measurement
    (national population-weighted mean = 100), later years move with the run's own access."""
    return calib.infrastructure_ref0 * state.market_access / calib.market_access0


def reference_indices(setting: Setting, reference: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """The two goal indices of the start year by province (public services, infrastructure
    access; each with a national population-weighted mean of 100), measured from the observed
    start year with the parameter vintage's own values `reference`.

    Why: some parameters change how an index is *measured* (the density cost of delivery, the
    weight of staff quality, the network weights and the distance decay of access). Drawn in an
    ensemble, they would move the start year's West/East ratios, and P(goal) would mostly
    measure doubt about where the West starts. Every run's indices are re-based to this
    reference in the start year; the parameters then act on how the indices move."""
    geo, obs, p = setting.geo, setting.obs, reference
    ins = instruments(setting.reference_levers, geo, p)
    pop = obs.population
    k_public = p["fiscal.public_service_spending_share"] * obs.budget_expenditure / (
        p["public.capital_depreciation"] + p["public.reference_growth"])
    quality = (1.0 + ins.wage_premium) ** p["public.quality_wage_elasticity"]
    density = pop / geo.area_km2
    rel = (density / weighted_mean(density, pop)) ** (-p["public.density_cost_elasticity"])
    cost = np.minimum(rel, 1.0) + np.maximum(rel - 1.0, 0.0) * (
        1.0 - p["public.remote_coverage_effect"] * ins.remote_coverage)
    ps = k_public * quality / (pop * cost)  # per resident: the start year's reference
    weights = np.array([1.0, p["infrastructure.expressway_weight"], p["infrastructure.railway_weight"]])
    network = goods.network_quality(obs.network_km, geo.area_km2, weights)
    access = goods.market_access(obs.gdp, network, geo.distance_km, p["infrastructure.distance_decay"])
    return (100.0 * ps / weighted_mean(ps, pop),
            100.0 * access / weighted_mean(access, pop))
