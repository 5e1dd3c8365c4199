"""Step 2, public capital and access: last year's infrastructure and public-service spending
enters the stocks; staff quality, network quality, market access and location productivity
follow. Also the two goal indices built from these stocks: public services per head (adjusted
for the cost of delivery where population is sparse) and infrastructure (market) access.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.markets import goods
from westdev.economy.state import Calibrated, EconomyState, Setting
from westdev.policy.instruments import Instruments


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


def delivery_cost(state: EconomyState, setting: Setting, ins: Instruments) -> np.ndarray:
    """Relative cost of delivering a public service per head: higher where population is
    sparse (density elasticity from the register), lowered by remote coverage (§6)."""
    p = setting.p
    pop = state.census.population
    density = pop / setting.geo.area_km2
    rel = (density / np.average(density, weights=pop)) ** (-p["public.density_cost_elasticity"])
    extra = np.maximum(rel - 1.0, 0.0) * (1.0 - p["public.remote_coverage_effect"] * ins.remote_coverage)
    return np.minimum(rel, 1.0) + extra


def public_services_raw(state: EconomyState, setting: Setting, ins: Instruments) -> np.ndarray:
    """Public-service capital per head × staff quality ÷ delivery cost (unnormalised)."""
    pop = state.census.population
    return state.k_public * state.staff_quality / (pop * delivery_cost(state, setting, ins))


def public_services_index(state: EconomyState, setting: Setting, calib: Calibrated,
                          ins: Instruments) -> np.ndarray:
    """Public-service capital per head adjusted for delivery cost and staff quality; the
    national population-weighted mean of the start year = 100."""
    return 100.0 * public_services_raw(state, setting, ins) / calib.public_services_index0


def infrastructure_access_index(state: EconomyState, setting: Setting,
                                calib: Calibrated) -> np.ndarray:
    """Market access relative to the start year's population-weighted national mean = 100."""
    pop0 = setting.obs.population
    return 100.0 * state.market_access / np.average(calib.market_access0, weights=pop0)
