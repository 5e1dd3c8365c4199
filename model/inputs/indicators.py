"""The indicators a run of the model records, and in which areas — so that inputs naming an
outcome ("Area:indicator") are checked before anything runs.

The economy's recorder (`westdev.economy.recorder`) computes them; this list declares them for
the layers below it (experiment files, store readers), and ``tests/unit/test_indicators.py``
checks that the two agree. Areas are the 31 provinces (English names), the region groups
(West, East, Central, Northeast) and China:

- `PER_AREA`: recorded for every area, every year;
- `WEST`: West/East ratios and the goal test, area West only (``goal_2035_met`` only in the
  goal year);
- `CHINA`: national indices and balances, and each lever's fiscal cost
  (``lever_cost_100m_yuan.<lever>``, and ``.total``), area China only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from westdev.policy.catalogue import LEVERS
from westdev.policy.goal import (
    ALTERNATIVE_MEASURES,
    CONTEXT_RATIO,
    GOAL_AREA,
    GOAL_MET,
    RATIO_INDICATORS,
    REAL_INCOME_RATIO,
)

PER_AREA: tuple[str, ...] = (
    "gdp_100m_yuan", "population_10k", "employment_10k", "firms", "firm_entries", "firm_exits",
    "relocations_in", "relocations_out", "net_migration_10k", "migration_in_10k",
    "migration_out_10k", "births_10k", "deaths_10k", "debt_100m_yuan", "own_revenue_100m_yuan",
    "central_transfers_100m_yuan", "horizontal_net_100m_yuan", "budget_spending_100m_yuan",
    "net_central_support_100m_yuan", "public_service_spending_100m_yuan",
    "infrastructure_spending_100m_yuan", "new_borrowing_100m_yuan", "investment_100m_yuan",
    "infrastructure_capital_100m_yuan", "public_service_capital_100m_yuan", "land_quota_km2",
    "land_used_km2", "land_sold_km2", "land_bought_km2", "land_sales_100m_yuan",
    "si_fund_100m_yuan", "agriculture_va_100m_yuan", "industry_va_100m_yuan",
    "services_va_100m_yuan", "energy_intensive_capital_100m_yuan", "public_services_index",
    "infrastructure_access_index", "gdp_per_capita_yuan", "disposable_income_per_capita_yuan",
    "consumption_per_capita_yuan", "unemployment_rate", "debt_to_gdp", "investment_rate",
    "secondary_share", "tertiary_share", "network_km_per_100km2", "network_km_per_10k_people",
    "skilled_share", "non_local_hukou_share", "wage_yuan", "income_ratio_to_east",
    "real_disposable_income_per_capita_yuan", "consumer_price_level",
    "public_service_capital_per_km2",
)
WEST: tuple[str, ...] = (*RATIO_INDICATORS.values(), CONTEXT_RATIO, "min_province_ratio_income",
                         GOAL_MET, REAL_INCOME_RATIO, *ALTERNATIVE_MEASURES)
COST_PREFIX = "lever_cost_100m_yuan."
LEVER_COSTS: tuple[str, ...] = (*(f"{COST_PREFIX}{lever}" for lever in LEVERS),
                                f"{COST_PREFIX}total")
CHINA: tuple[str, ...] = (
    "theil_gdp_per_capita", "theil_within_west", "theil_between_regions",
    "theil_within_west_share", "tradable_price", "gdp_deflator", "central_balance_100m_yuan",
    "consolidated_balance_100m_yuan", *LEVER_COSTS,
)
ALL_INDICATORS: frozenset[str] = frozenset(PER_AREA + WEST + CHINA)
EVERY_AREA = "*"  # in a selection of (indicator → areas): every area


def recorded_in(indicator: str) -> tuple[str, ...] | None:
    """The areas `indicator` is recorded for: ``("*",)`` every area, ``("West",)``,
    ``("China",)``; None for an indicator the model does not record."""
    if indicator in PER_AREA:
        return (EVERY_AREA,)
    if indicator in WEST:
        return (GOAL_AREA,)
    if indicator in CHINA:
        return ("China",)
    return None


def kept_rows(indicator_codes: np.ndarray, indicator_names: Sequence[str],
              area_codes: np.ndarray, area_names: Sequence[str],
              keep: Mapping[str, Collection[str]]) -> np.ndarray:
    """Which rows of a tidy table a selection keeps: rows given as codes into the names of
    their indicator and area (code −1: missing, never kept), `keep` mapping an indicator to
    the areas kept (`EVERY_AREA` for all). One mask for the recorder (a run builds only
    these rows) and for a record's filter of any run function's table."""
    area_index = {area: j for j, area in enumerate(area_names)}
    # one spare row and column, all False, for code −1
    allowed = np.zeros((len(indicator_names) + 1, len(area_names) + 1), dtype=bool)
    for i, indicator in enumerate(indicator_names):
        areas = keep.get(indicator)
        if areas is None:
            continue
        if EVERY_AREA in areas:
            allowed[i, :-1] = True
        else:
            allowed[i, [area_index[a] for a in areas if a in area_index]] = True
    return allowed[indicator_codes, area_codes]
