"""Construction land: yearly quotas cap firm entry and expansion; surplus western quota can be
sold east under national management (§33: land goes east, money goes west).

Land is in km². Firms in industry and services use land in proportion to capital
(`land.km2_per_100m_yuan`); agriculture uses farmland, outside the quota. Each year a province
may convert its quota plus land freed by exits; when firms want more, they get a share g of
the land they asked for and build denser: entry and expansion are scaled by g^λ, λ =
`land.rationing_elasticity` (rationing, `ration`), and unused quota lapses unless it is traded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class LandOutcome:
    """Result of one year's land allocation, by province."""

    quota: np.ndarray  # own quota granted (km²)
    sold: np.ndarray  # quota sold to other provinces (km²)
    bought: np.ndarray  # quota bought (km²)
    revenue: np.ndarray  # sale revenue (100m yuan, non-tax revenue of the seller)
    payment: np.ndarray  # purchase cost (100m yuan, spending of the buyer)
    granted_share: np.ndarray  # share of requested new land granted (≤ 1)
    used: np.ndarray  # new land converted (km²)


def allocate_quota(national_quota: float, gdp_share: np.ndarray, west: np.ndarray,
                   west_share: float, unused_land_quota: float,
                   unused_land_weight: np.ndarray) -> np.ndarray:
    """Province quotas: the west gets `west_share` of the national quota (split by GDP), the
    rest goes to the others by GDP; western provinces with unprotected unused land (desert,
    Gobi) get the extra unused-land quota in proportion to it."""
    quota = np.zeros_like(gdp_share)
    w = gdp_share * west
    o = gdp_share * ~west
    # shares first, then amounts: a quota is split exactly, whatever the scale of the weights
    quota += national_quota * west_share * (w / w.sum())
    quota += national_quota * (1.0 - west_share) * (o / o.sum())
    weight = unused_land_weight * west
    if weight.sum() > 0:
        quota += unused_land_quota * (weight / weight.sum())
    return quota


def clear(requested: np.ndarray, quota: np.ndarray, idle: np.ndarray, west: np.ndarray,
          trading_share: float, price: float) -> LandOutcome:
    """Grant land: own quota and idle land first; then western surplus quota (a share
    `trading_share` of it) is sold to non-western provinces short of land, at `price`
    (100m yuan per km²), in proportion to their shortfall."""
    available = quota + idle
    surplus = np.maximum(available - requested, 0.0)
    shortfall = np.maximum(requested - available, 0.0)
    sellable = np.minimum(surplus, quota) * west * trading_share
    demand = shortfall * ~west
    traded = min(sellable.sum(), demand.sum())
    sold = np.divide(sellable * traded, sellable.sum(), out=np.zeros_like(quota),
                     where=sellable.sum() > 0)
    bought = np.divide(demand * traded, demand.sum(), out=np.zeros_like(quota),
                       where=demand.sum() > 0)
    # A seller sells only quota beyond its own request (sold ≤ surplus), so selling never cuts
    # its own grant: granted = min(requested, available + bought) for every province. Writing it
    # this way rather than as min(requested, available − sold + bought) keeps the seller's grant
    # exact: available − sold can round below a tiny request.
    granted = np.minimum(requested, available + bought)
    share = np.divide(granted, requested, out=np.ones_like(quota), where=requested > 0)
    return LandOutcome(quota=quota, sold=sold, bought=bought, revenue=sold * price,
                       payment=bought * price, granted_share=share, used=granted)


@dataclass(frozen=True)
class Rationing:
    """How one province's granted land is split and how much capital it carries."""

    land_entrants: np.ndarray  # km² of the grant that goes to entrants
    land_expansion: np.ndarray  # km² that goes to incumbents' expansion
    capital_entrants: np.ndarray  # share of entrants' requested capital installed (≤ 1)
    capital_expansion: np.ndarray  # share of incumbents' requested expansion installed (≤ 1)


def ration(entrant_request: np.ndarray, expansion_request: np.ndarray, granted: np.ndarray,
           elasticity: float) -> Rationing:
    """Split a province's granted land (km²) between entrants (first) and incumbents'
    expansion, and scale each group's capital by its granted land share g to the power
    `elasticity` (λ = `land.rationing_elasticity`).

    A firm short of land builds denser rather than give up its project one for one: it puts
    g^λ of the requested capital on the g of the requested land it got, so the new capital's
    land per unit falls to g^(1−λ) of the norm. All the granted land is used. λ = 1 is a fixed
    land coefficient (capital cancelled in proportion to the land refused); λ < 1 lets capital
    substitute for land, as building production does (Epple, Gordon & Sieg 2010, AER 100(3);
    Ahlfeldt & McMillen 2014, Lincoln Institute WP: elasticity of substitution near 1)."""
    to_entrants = np.minimum(entrant_request, granted)
    to_expansion = np.clip(granted - to_entrants, 0.0, expansion_request)
    g_entrants = np.divide(to_entrants, entrant_request, out=np.ones_like(granted, dtype=float),
                           where=entrant_request > 0)
    g_expansion = np.divide(to_expansion, expansion_request,
                            out=np.ones_like(granted, dtype=float), where=expansion_request > 0)
    g_entrants, g_expansion = np.clip(g_entrants, 0.0, 1.0), np.clip(g_expansion, 0.0, 1.0)
    return Rationing(land_entrants=to_entrants, land_expansion=to_expansion,
                     capital_entrants=g_entrants ** elasticity,
                     capital_expansion=g_expansion ** elasticity)
