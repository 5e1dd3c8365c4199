"""Collect indicators per province and region group each year, inside the model (no per-agent
collection), and turn them into the tidy table of docs/design.md §8 at the end of a run."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from westdev.economy import indicators as ind
from westdev.errors import RunFailure
from westdev.inputs.indicators import kept_rows
from westdev.inputs.regions import REGION_GROUPS
from westdev.policy.catalogue import LEVERS
from westdev.policy.goal import (
    ALTERNATIVE_MEASURES,
    CONTEXT_RATIO,
    DIMENSIONS,
    GOAL_AREA,
    GOAL_MET,
    GOAL_YEAR,
    PER_HEAD_INDICATORS,
    RATIO_INDICATORS,
    REAL_INCOME_RATIO,
)

GROUPS: tuple[str, ...] = REGION_GROUPS + ("China",)

# indicators aggregated over a region group as population-weighted means (the rest are sums)
WEIGHTED = ("public_services_index", "infrastructure_access_index")


class Recorder:
    """Accumulates one row of indicators per year and area."""

    def __init__(self, geo, goal_thresholds: dict[str, float], goal_year: int = GOAL_YEAR) -> None:
        self.geo = geo
        self.goal_thresholds = goal_thresholds  # θ by goal dimension (the scenario's [goal])
        self.goal_year = goal_year
        # rows in blocks, in order: scalar rows (lists of years, areas and indicators, values)
        # or a year's grid (year, areas, indicators, values indicator-major)
        self.blocks: list[tuple[int | list[int], list[str], list[str], np.ndarray]] = []
        self.rows: list[tuple[int, str, str, float]] = []  # scalar rows not yet in a block
        self.areas = list(geo.names)
        self.membership = ind.membership([geo.mask(g) for g in REGION_GROUPS]
                                         + [np.ones(geo.n, dtype=bool)])  # provinces × GROUPS
        self.region_masks = {g: geo.mask(g) for g in REGION_GROUPS}

    def record(self, flows) -> None:
        """Compute and store this year's indicators from the year's flows and stocks."""
        per_area = self._per_area(flows, self._base(flows))
        self._flush()
        # a grid block: every indicator for every area (provinces, then the groups)
        self.blocks.append((flows.year, self.areas + list(GROUPS), list(per_area),
                            np.concatenate(list(per_area.values()))))
        self._west_rows(flows, per_area)
        self._china_rows(flows)

    def _base(self, flows) -> dict[str, np.ndarray]:
        """Indicators by province that region groups sum (or average, WEIGHTED)."""
        n = self.geo.n
        pop = flows.population
        b = flows.budgets
        land = flows.land
        zeros = np.zeros(n)
        return {
            "gdp_100m_yuan": flows.gdp,
            "population_10k": pop / 1e4,
            "employment_10k": flows.employed_persons / 1e4,
            "firms": flows.firms,
            "firm_entries": flows.entries,
            "firm_exits": flows.exits,
            "relocations_in": flows.relocations_in,
            "relocations_out": flows.relocations_out,
            "net_migration_10k": flows.net_migration / 1e4,
            "migration_in_10k": flows.migration_in / 1e4,
            "migration_out_10k": flows.migration_out / 1e4,
            "births_10k": flows.births / 1e4,
            "deaths_10k": flows.deaths / 1e4,
            "debt_100m_yuan": flows.debt,
            "own_revenue_100m_yuan": b.own_revenue(),
            "central_transfers_100m_yuan": b.central_transfers(),
            "horizontal_net_100m_yuan": b["horizontal_in"] - b["horizontal_out"],
            "budget_spending_100m_yuan": b.spending(),
            "net_central_support_100m_yuan": b.spending() - b["own_tax"],
            "public_service_spending_100m_yuan": b["public_services"],
            "infrastructure_spending_100m_yuan": b["infrastructure"],
            "new_borrowing_100m_yuan": flows.net_new_debt,
            "investment_100m_yuan": flows.investment,
            "infrastructure_capital_100m_yuan": flows.infrastructure_capital,
            "public_service_capital_100m_yuan": flows.public_service_capital,
            "land_quota_km2": land.quota if land is not None else zeros,
            "land_used_km2": land.used if land is not None else zeros,
            "land_sold_km2": land.sold if land is not None else zeros,
            "land_bought_km2": land.bought if land is not None else zeros,
            "land_sales_100m_yuan": b["land_sales"],
            "si_fund_100m_yuan": flows.si_fund,
            "agriculture_va_100m_yuan": flows.gdp_sector[:, 0],
            "industry_va_100m_yuan": flows.gdp_sector[:, 1],
            "services_va_100m_yuan": flows.gdp_sector[:, 2],
            "energy_intensive_capital_100m_yuan": flows.energy_intensive_capital,
            "public_services_index": flows.public_services_index,
            "infrastructure_access_index": flows.infrastructure_access_index,
        }

    def _per_area(self, flows, base: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Every indicator for the provinces and the region groups: sums, population-weighted
        means, and ratios of sums (per head, shares, rates)."""
        geo, pop = self.geo, flows.population
        # components of derived ratios (numerator, denominator), aggregated by sums
        network = flows.network_km
        parts = {
            "gdp_per_capita_yuan": (flows.gdp * 1e8, pop),
            "disposable_income_per_capita_yuan": (flows.household_income * 1e8, pop),
            # income in local purchasing power: deflated by the province's consumer price level
            "real_disposable_income_per_capita_yuan": (
                flows.household_income / flows.price_level * 1e8, pop),
            "consumer_price_level": (flows.price_level * pop, pop),
            "consumption_per_capita_yuan": (flows.consumption * 1e8, pop),
            "unemployment_rate": (flows.labour_force_persons - flows.employed_persons,
                                  flows.labour_force_persons),
            "debt_to_gdp": (flows.debt, flows.gdp),
            # gross fixed capital formation / GDP: firms' gross investment plus public
            # infrastructure spending (housing is not in the model)
            "investment_rate": (flows.investment + flows.budgets["infrastructure"], flows.gdp),
            "secondary_share": (flows.gdp_sector[:, 1], flows.gdp),
            "tertiary_share": (flows.gdp_sector[:, 2], flows.gdp),
            "network_km_per_100km2": (network * 100.0, geo.area_km2),
            "public_service_capital_per_km2": (flows.public_service_capital * 1e8, geo.area_km2),
            "network_km_per_10k_people": (network * 1e4, pop),
            "skilled_share": (flows.skilled_working, flows.working),
            "non_local_hukou_share": (flows.non_local, pop),
            "wage_yuan": (flows.wage_bill * 1e8, flows.employed_persons),
        }
        # one table, indicators × (provinces, then the groups); group sums by one product
        # with the membership matrix (provinces × groups)
        member = self.membership
        names = list(base)
        prov = np.stack(list(base.values()))
        groups = ind.group_sums(prov, member)
        weighted = [names.index(name) for name in WEIGHTED]
        groups[weighted] = ind.group_weighted_means(prov[weighted], pop, member)
        nums = np.stack([num for num, _ in parts.values()])
        dens = np.stack([den for _, den in parts.values()])
        ratios = np.divide(nums, dens, out=np.full(nums.shape, np.nan), where=dens > 0)
        gnum, gden = ind.group_sums(nums, member), ind.group_sums(dens, member)
        ratio_groups = np.divide(gnum, gden, out=np.full(gnum.shape, np.nan), where=gden > 0)
        income = ratios[list(parts).index("disposable_income_per_capita_yuan")]
        income_g = ratio_groups[list(parts).index("disposable_income_per_capita_yuan")]
        east = income_g[REGION_GROUPS.index("East")]
        table = np.vstack([np.hstack([prov, groups]), np.hstack([ratios, ratio_groups]),
                           np.concatenate([income, income_g])[None, :] / east])
        return dict(zip(names + list(parts) + ["income_ratio_to_east"], table, strict=True))

    def _west_rows(self, flows, per_area: dict[str, np.ndarray]) -> None:
        """The West's goal ratios, GDP-per-head ratio, worst province and the goal test."""
        year, n, geo = flows.year, self.geo.n, self.geo
        east_i = n + REGION_GROUPS.index("East")
        west_i = n + REGION_GROUPS.index("West")
        ratios = {}
        for key, indicator in PER_HEAD_INDICATORS.items():
            ratios[key] = ind.ratio(per_area[indicator][west_i], per_area[indicator][east_i])
            self.rows.append((year, GOAL_AREA, RATIO_INDICATORS[key], ratios[key]))
        # the goal measured other ways (ODD §4.11): public-service capital per km² rather than
        # per head, network length per km² and per head rather than market access
        for name, indicator in ALTERNATIVE_MEASURES.items():
            self.rows.append((year, GOAL_AREA, name, ind.ratio(per_area[indicator][west_i],
                                                               per_area[indicator][east_i])))
        self.rows.append((year, GOAL_AREA, REAL_INCOME_RATIO,
                          ind.ratio(per_area["real_disposable_income_per_capita_yuan"][west_i],
                                    per_area["real_disposable_income_per_capita_yuan"][east_i])))
        self.rows.append((year, GOAL_AREA, CONTEXT_RATIO,
                          ind.ratio(per_area["gdp_per_capita_yuan"][west_i],
                                    per_area["gdp_per_capita_yuan"][east_i])))
        self.rows.append((year, "West", "min_province_ratio_income",
                          float(np.min(per_area["income_ratio_to_east"][:n][geo.west]))))
        theta = self.goal_thresholds
        if year == self.goal_year:
            met = all(ratios[k] >= theta[k] for k in DIMENSIONS)
            self.rows.append((year, GOAL_AREA, GOAL_MET, float(met)))

    def _china_rows(self, flows) -> None:
        """China: Theil index and its split, prices, central and consolidated balances, lever
        costs."""
        year, pop = flows.year, flows.population
        th = ind.theil_decomposition(flows.gdp, pop, self.region_masks)
        self.rows += [
            (year, "China", "theil_gdp_per_capita", th["total"]),
            (year, "China", "theil_within_west", th["within_West"]),
            (year, "China", "theil_between_regions", th["between"]),
            (year, "China", "theil_within_west_share", th["within_West"] / th["total"] if th["total"] > 0 else 0.0),
            (year, "China", "tradable_price", flows.tradable_price),
            (year, "China", "gdp_deflator", flows.deflator),
            (year, "China", "central_balance_100m_yuan", flows.central["balance"]),
            (year, "China", "consolidated_balance_100m_yuan",
             flows.central["balance"] - float(flows.net_new_debt.sum())),
        ]
        total_cost = 0.0
        for lever in LEVERS:
            cost = float(flows.lever_costs.get(lever, 0.0))
            total_cost += cost
            self.rows.append((year, "China", f"lever_cost_100m_yuan.{lever}", cost))
        self.rows.append((year, "China", "lever_cost_100m_yuan.total", total_cost))

    def _flush(self) -> None:
        """Move the pending scalar rows into a block."""
        if self.rows:
            years, areas, indicators, values = zip(*self.rows, strict=True)
            self.blocks.append((list(years), list(areas), list(indicators),
                                np.array(values, dtype=float)))
            self.rows = []

    def to_frame(self, keep: Mapping[str, Collection[str]] | None = None) -> pd.DataFrame:
        """Tidy results: year, area, indicator, value — every row, or with `keep` (indicator →
        the areas kept, "*" for every area: `westdev.inputs.indicators.kept_rows`) only those rows, so a batch that records a
        selection never builds the rest.

        A non-finite value, kept or not, means the economy broke down (an emptied province, a
        zero denominator): the run stops with a RunFailure naming it rather than writing NaN."""
        self._flush()
        # names are coded once and expanded by indexing (a run has ~34,000 rows of ~100 names)
        vocabulary: dict[str, int] = {}

        def codes(names: list[str]) -> np.ndarray:
            return np.array([vocabulary.setdefault(name, len(vocabulary)) for name in names],
                            dtype=np.int64)

        years, areas, indicators = [], [], []
        for year, area, indicator, values in self.blocks:
            if isinstance(year, list):  # scalar rows
                years.append(np.array(year, dtype=np.int64))
                areas.append(codes(area))
                indicators.append(codes(indicator))
            else:  # a grid block: indicator-major, every area for each indicator
                years.append(np.full(len(values), year, dtype=np.int64))
                areas.append(np.tile(codes(area), len(indicator)))
                indicators.append(np.repeat(codes(indicator), len(area)))
        names = np.array(list(vocabulary), dtype=object)
        columns = {"year": np.concatenate(years), "area": np.concatenate(areas),
                   "indicator": np.concatenate(indicators),
                   "value": np.concatenate([b[3] for b in self.blocks])}
        bad = ~np.isfinite(columns["value"])
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise RunFailure(f"{names[columns['indicator'][first]]} of "
                             f"{names[columns['area'][first]]} is not finite "
                             f"({int(bad.sum())} values)", year=int(columns["year"][first]))
        if keep is not None:
            rows = kept_rows(columns["indicator"], list(names), columns["area"], list(names), keep)
            columns = {name: values[rows] for name, values in columns.items()}
        columns["area"] = names[columns["area"]]
        columns["indicator"] = names[columns["indicator"]]
        return pd.DataFrame(columns)
