"""Goods markets: one national price for tradables, local prices for non-tradable services,
and market access through the transport network.

Tradables (agriculture, industry) sell at one national price p_T into national and foreign
demand; what a province's firms get at the gate moves with its trade costs relative to 2019
(domestic: market access; foreign: corridors and opening). Services are sold locally out of
local income and net fiscal inflows. Demands are Cobb–Douglas (fixed nominal shares), so
prices have closed forms or a one-dimensional root.
"""

from __future__ import annotations

import numpy as np


def network_quality(network_km: np.ndarray, area_km2: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted network length per 100 km² (highway, expressway, railway weighted by capacity)."""
    return (network_km @ weights) / area_km2 * 100.0


def market_access(gdp: np.ndarray, quality: np.ndarray, distance_km: np.ndarray,
                  decay: float) -> np.ndarray:
    """Market access MA_p = Σ_d GDP_d · (1 + t_pd)^(−decay), with travel cost t_pd = distance
    (100 km) divided by the geometric mean of both ends' network quality (relative to the
    national mean). Own province included at its internal distance."""
    q = quality / quality.mean()
    travel = (distance_km / 100.0) / np.sqrt(q[:, None] * q[None, :])
    return ((1.0 + travel) ** (-decay)) @ gdp


def tradable_price(delivered: float, services_fixed: float, services_slope: float,
                   absorption_share: float, exports_base: float, world_demand: float,
                   export_elasticity: float) -> float:
    """Solve the national tradable market for p_T.

    Nominal tradable sales p·S equal domestic absorption a·(p·S + N(p)) plus exports
    X₀·W·p^(1−ε), where N(p) = n₀ + n₁·p is nominal services value added (linear in p through
    local incomes). Solved by Newton steps on log p; monotone for ε > 1.
    """
    a = absorption_share
    log_p = 0.0
    for _ in range(50):
        p = np.exp(log_p)
        f = (delivered * (1 - a) - a * services_slope) * p - a * services_fixed \
            - exports_base * world_demand * p ** (1 - export_elasticity)
        df = (delivered * (1 - a) - a * services_slope) * p \
            - (1 - export_elasticity) * exports_base * world_demand * p ** (1 - export_elasticity)
        step = f / df
        log_p -= np.clip(step, -0.5, 0.5)
        if abs(step) < 1e-12:
            break
    return float(np.exp(log_p))


def services_value(tradable_income: np.ndarray, fiscal_inflow: np.ndarray,
                   services_share: np.ndarray, *, base_floor: float) -> np.ndarray:
    """Nominal services value added per province.

    Local services demand is a share μ of local nominal income (tradable value added + services
    value added + net fiscal inflow): V = μ(T + V + F) ⇒ V = μ(T + F)/(1 − μ). A province that
    pays more to the centre than it receives (F < 0) spends less locally, but its net outflow
    is financed from all of its income, not only from tradables: the base T + F is kept at no
    less than `base_floor` × T (`goods.services_base_floor`), so a services-heavy contributor
    never faces negative demand (a guard for extreme parameter draws; it does not bind on the
    shipped scenarios).
    """
    base = np.maximum(tradable_income + fiscal_inflow, base_floor * tradable_income)
    return services_share * base / (1.0 - services_share)


def services_price(demand_at_unit_price: np.ndarray, supply: np.ndarray,
                   elasticity: float, ceiling: float = np.inf) -> np.ndarray:
    """Local services price: supply S meets demand D·P^(−ε), so P = (D/S)^(1/ε).

    With ε > 1 a local shortfall raises the price less than proportionally (the rest of the
    demand is met by services bought from other provinces), which keeps the local market
    stable when local supply is thin. D and S are at start-year prices, so P = 1 at the start.
    The price never exceeds `ceiling`, the cost of the same services bought from other
    provinces (import parity): when local supply all but vanishes, demand turns to them
    instead of bidding the local price up without bound.
    """
    ratio = np.divide(demand_at_unit_price, supply, out=np.ones_like(supply), where=supply > 0)
    return np.minimum(ratio ** (1.0 / elasticity), ceiling)
