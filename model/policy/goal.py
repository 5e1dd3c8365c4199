"""The 2035 goal: three West/East ratios, each at least θ — "roughly equal" (大体相当).

The 2020 guideline's goal for 2035 is that the West reach basic public services,
infrastructure access and living standards "roughly equal" (大体相当) to the East. The model
measures it in three dimensions, each the West/East ratio of an indicator per head, recorded for
the area ``West`` (docs/design.md §4):

=================  ===================================  ====================================
dimension          ratio indicator                      of (per head, West over East)
=================  ===================================  ====================================
income             ``west_east_ratio_income``           disposable income
public_services    ``west_east_ratio_public_services``  the public-services index
infrastructure     ``west_east_ratio_infrastructure``   the infrastructure-access index
=================  ===================================  ====================================

A dimension is met in a year when its ratio is at least θ, and the goal (``goal_2035_met``) when
all three are. GDP per head (``west_east_ratio_gdp_per_capita``) is context, not a dimension.

**θ.** `DEFAULT_THETA` = 0.8 reads "roughly equal" as the West at 80 % or more of the East. It
is an interpretation, not a number of the guideline: a scenario's ``[goal]`` table sets θ per
dimension, every manifest records it, and reports show the probability of each ratio ≥ θ as a
curve over θ, and the share of the start-year gap closed, so that no conclusion rests on 0.8.

The names are spelled out here only; the economy's recorder, which computes the ratios, reads
them from here.

May import: nothing from westdev (a declaration every layer reads).
"""

from __future__ import annotations

from collections.abc import Mapping

DIMENSIONS: tuple[str, ...] = ("income", "public_services", "infrastructure")
# what each ratio divides: the West's value over the East's, per head
PER_HEAD_INDICATORS: dict[str, str] = {
    "income": "disposable_income_per_capita_yuan",
    "public_services": "public_services_index",
    "infrastructure": "infrastructure_access_index",
}
RATIO_INDICATORS: dict[str, str] = {
    "income": "west_east_ratio_income",
    "public_services": "west_east_ratio_public_services",
    "infrastructure": "west_east_ratio_infrastructure",
}
GOAL_AREA = "West"  # the area of the results table that holds the ratios
OUTCOMES: tuple[str, ...] = tuple(f"{GOAL_AREA}:{RATIO_INDICATORS[d]}" for d in DIMENSIONS)
GOAL_MET = "goal_2035_met"  # 1 when all three ratios are at least their θ, else 0
CONTEXT_RATIO = "west_east_ratio_gdp_per_capita"  # context, not a goal dimension
# the income ratio in local purchasing power (each province's income over its consumer price
# level), reported beside the statistics' nominal ratio, which the goal uses
REAL_INCOME_RATIO = "west_east_ratio_income_real"
# the goal's public-services and infrastructure dimensions measured other ways (per area rather
# than per head; network length rather than market access), each a West/East ratio recorded
# beside the goal's own: ratio name → the per-area indicator it divides
ALTERNATIVE_MEASURES: dict[str, str] = {
    "west_east_ratio_public_services_per_km2": "public_service_capital_per_km2",
    "west_east_ratio_network_per_km2": "network_km_per_100km2",
    "west_east_ratio_network_per_head": "network_km_per_10k_people",
}
GOAL_YEAR = 2035
DEFAULT_THETA = 0.8  # "roughly equal" (大体相当) read as the West at >= 80 % of the East


def theta_for(theta: float | Mapping[str, float] | None, dimension: str) -> float:
    """θ of one dimension from None (the default), one number, or a mapping keyed by dimension
    or by ratio indicator (a manifest's ``goal_thresholds``)."""
    if theta is None:
        return DEFAULT_THETA
    if isinstance(theta, Mapping):
        indicator = RATIO_INDICATORS.get(dimension, dimension)
        return float(theta.get(dimension, theta.get(indicator, DEFAULT_THETA)))
    return float(theta)

