"""The model's typed state: what is fixed for a run, what the start year calibrates, what
changes from year to year, and the records of one year's flows.

A year's rules (one module each: `demography`, `public_capital`, `technology`, `labour_market`,
`production`, `incomes`, `government.budgets`, `firms`, `households`) read the run's `Setting`
and the start year's `Calibrated` constants, update the `EconomyState` in place, and return
their flows as one of the records below. Last year's flows that act this year (land-quota sales
booked in this year's budget, relocation subsidies paid a year late, the tariff forgone on last
year's investment) are explicit fields of the state, never hidden defaults.

Units: money in 100m yuan (亿元) at 2019 prices, persons, km, km²; wages in yuan per efficiency
unit a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from westdev.economy.agents.firms import FirmPopulation
from westdev.economy.agents.workers import Census, WorkerPopulation
from westdev.economy.government.rules import ProvincialBudgets, TaxRules
from westdev.economy.markets.land import LandOutcome
from westdev.economy.markets.migration import MigrationModel
from westdev.inputs.parameters import Parameters
from westdev.inputs.regions import Geography


# ---------------------------------------------------------------------- fixed for a run
@dataclass(frozen=True)
class Technology:
    """Constants of technology, labour supply and demography read once from the register."""

    alpha: float  # output elasticity of capital
    beta: float  # output elasticity of labour
    vat: float  # VAT per yuan of value added
    efficiency: np.ndarray  # (2,) efficiency units of a low- and a high-skill worker
    participation: np.ndarray  # (5,) labour-force participation by age band
    mortality: np.ndarray  # (5,) yearly death probability by age band
    capital_intensity: np.ndarray  # (3,) relative K/Y by sector (splits capital at start)
    network_weights: np.ndarray  # (3,) highway, expressway, railway weights in network quality
    tax_rules: TaxRules  # legal sharing of VAT, CIT, PIT
    loss_years_threshold: int  # loss years before a private firm is at risk of exit


def technology(p: Parameters) -> Technology:
    """The `Technology` of the register values `p`."""
    return Technology(
        alpha=p["production.capital_elasticity"],
        beta=p["production.labour_elasticity"],
        vat=p["production.vat_effective_rate"],
        efficiency=np.array([1.0, p["labour.skill_premium"]]),
        participation=np.array([0.0, p["labour.participation_15_29"],
                                p["labour.participation_30_44"],
                                p["labour.participation_45_64"], 0.0]),
        mortality=np.array([p["demography.mortality_0_14"], p["demography.mortality_15_29"],
                            p["demography.mortality_30_44"], p["demography.mortality_45_64"],
                            p["demography.mortality_65plus"]]),
        capital_intensity=np.array([p["production.capital_intensity_agriculture"],
                                    p["production.capital_intensity_industry"],
                                    p["production.capital_intensity_services"]]),
        network_weights=np.array([1.0, p["infrastructure.expressway_weight"],
                                  p["infrastructure.railway_weight"]]),
        tax_rules=TaxRules(p["fiscal.vat_local_share"], p["fiscal.cit_local_share"],
                           p["fiscal.pit_local_share"]),
        loss_years_threshold=int(p["firms.exit_loss_years"]),
    )


@dataclass(frozen=True)
class Setting:
    """What a run is given and never changes: geography, the observed start year, the scenario,
    the parameters and the lever values against which policy is measured."""

    geo: Geography
    obs: Any  # westdev.inputs.initial_state.Observed: the observed start-year economy
    scenario: Any  # westdev.inputs.scenario.Scenario
    p: Parameters
    tech: Technology
    start_year: int
    # the parameter vintage's own values (no overrides, no draws): the goal indices are measured
    # with them in the start year
    reference_parameters: Parameters
    # the policy in force in the start year (the catalogue's 2019 values for CN2019, the
    # scenario's historical values otherwise): the start year is calibrated under it
    reference_levers: dict
    # the counterfactual without western preferences: each lever's cost is measured against it
    no_policy: dict
    provinces: tuple  # the 31 Province agents (Mesa), in index order: they split their budgets
    # numerical guards: agent counts may grow with the economy, never without bound
    firm_agent_limit: int
    worker_agent_limit: int

    # the exogenous drivers by year, read-only, filled as years are asked for (several rules
    # read them each year)
    _exogenous_by_year: dict = field(default_factory=dict, repr=False, compare=False)

    def exogenous(self, year: int) -> Mapping[str, Any]:
        """The scenario's exogenous drivers in `year` (read-only)."""
        values = self._exogenous_by_year.get(year)
        if values is None:
            values = self._exogenous_by_year[year] = MappingProxyType(
                self.scenario.exogenous_values(year))
        return values


# ---------------------------------------------------------------------- calibrated at start
@dataclass
class Calibrated:
    """Unobserved constants the start-year calibration sets so that the start year reproduces
    the data; held fixed afterwards (`westdev.economy.start_year`)."""

    loc_tfp0: np.ndarray  # (31, 3) location productivity of the start year
    cell_agent_weight: np.ndarray  # (31, 3) real firms per firm agent at start
    small_threshold: float  # capital below which a private firm is small (§31 spread lever)
    k_infra0: np.ndarray  # infrastructure capital at start
    quality0: np.ndarray  # network quality at start
    market_access0: np.ndarray  # market access at start
    domestic_cost0: np.ndarray  # domestic trade cost at start
    foreign_share: np.ndarray  # foreign share of tradable sales
    resource_share: np.ndarray  # resource share of industrial revenue
    tax_efficiency: np.ndarray = field(default_factory=lambda: np.ones(0))
    income_residual_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    earmarked_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # each province's share of need-based poverty funds (§1), from start-year incomes
    transition_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    services_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    exports_base: float = 0.0
    absorption_share: float = 0.0
    central_revenue0: float = 0.0
    household_income_target: np.ndarray = field(default_factory=lambda: np.zeros(0))
    consumption_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    location_factor: np.ndarray = field(default_factory=lambda: np.ones(0))
    required_return_scale: np.ndarray = field(default_factory=lambda: np.ones(0))
    national_land_quota: float = 0.0
    migration: MigrationModel | None = None  # the logit with calibrated amenities and cost
    migration_fit: dict = field(default_factory=dict)
    # the goal indices of the start year: the reference measurement by province and the run's
    # own raw values, which later years are indexed to (`public_capital.reference_indices`)
    reference_remote_coverage: np.ndarray = field(default_factory=lambda: np.zeros(0))  # start year's
    public_services_ref0: np.ndarray = field(default_factory=lambda: np.ones(0))
    public_services_raw0: np.ndarray = field(default_factory=lambda: np.ones(0))
    infrastructure_ref0: np.ndarray = field(default_factory=lambda: np.ones(0))


# ---------------------------------------------------------------------- year to year
@dataclass
class EconomyState:
    """Stocks, prices, expectations and agent populations, updated year by year."""

    year: int
    workers: WorkerPopulation
    firms: FirmPopulation
    census: Census | None = None
    labour_census: dict | None = None
    employer_si: float = 0.0  # employer social-insurance rate (pension lever + other)
    wage: np.ndarray | None = None  # yuan per efficiency unit a year, by province
    productivity: float = 0.0  # national real GDP per employed efficiency unit
    productivity_growth: float = 1.0  # its last growth factor (indexes wage norms)
    log_frontier: np.ndarray | None = None  # (3,) log productivity frontier by sector
    loc_tfp: np.ndarray | None = None  # (31, 3) location productivity
    k_infra: np.ndarray | None = None  # infrastructure capital
    k_public: np.ndarray | None = None  # public-service capital
    staff_quality: np.ndarray | None = None  # public-service staff quality (wage premium)
    quality: np.ndarray | None = None  # network quality
    market_access: np.ndarray | None = None
    gate: np.ndarray | None = None  # (31, 3) producer gate price relative to start
    tradable_p: float = 1.0  # national tradable price
    services_p: np.ndarray | None = None  # local services price
    deflator: float = 1.0  # national GDP deflator relative to the start year
    world_demand: float = 1.0  # foreign demand index
    expected_prices: np.ndarray | None = None  # (31, 3) firms' adaptive price expectations
    migrant_expected_income: np.ndarray | None = None  # (31, 2) migrants' adaptive expectation
    debt: np.ndarray | None = None  # provincial government debt
    si_fund: np.ndarray | None = None  # social-insurance fund balance
    fiscal_inflow: np.ndarray | None = None  # net fiscal inflow (spending − own revenue)
    last_gdp: np.ndarray | None = None  # last year's real GDP (market access uses it)
    land_stock: np.ndarray | None = None  # construction land in use by firms (km²)
    idle_land: np.ndarray | None = None  # land freed by exits and moves, reusable (km²)
    entry_backlog: np.ndarray | None = None  # (31, 3) fractional entrant agents carried over
    instruments: Any = None  # this year's policy instruments
    # last year's flows that act this year
    last_budgets: ProvincialBudgets | None = None
    pairing_received: np.ndarray | None = None  # last year's pairing assistance (cadres, §35)
    last_land: LandOutcome | None = None  # quota sales and purchases are booked a year on
    duty_cost_due: float = 0.0  # tariff forgone on last year's investment (§30)
    relocation_subsidy_due: np.ndarray | None = None  # last year's move support, paid now
    move_support_costs_due: dict = field(default_factory=dict)  # the same, by lever
    checked_population: np.ndarray | None = None  # last year's population, as the checks saw it


# ---------------------------------------------------------------------- one year's flows
@dataclass
class Production:
    """Output and prices of the year."""

    y: np.ndarray  # value added per real firm (2019 prices)
    volume: np.ndarray  # (31, 3) real value added by province and sector
    value: np.ndarray  # (31, 3) nominal value added, deflated to the 2019 level
    real: np.ndarray  # real GDP by province
    prices: np.ndarray  # (31, 3) prices relative to the deflator
    labour_cost: np.ndarray  # employer cost per efficiency unit, 100m yuan


@dataclass
class FirmAccounts:
    """Per-firm-agent accounts of the year (arrays over the firm agents, per real firm)."""

    revenue: np.ndarray
    profit: np.ndarray  # pre-tax profit
    after_tax: np.ndarray
    cit_rate: np.ndarray
    eligible: np.ndarray  # in the encouraged catalogue
    cit: np.ndarray

    def keep(self, mask: np.ndarray) -> FirmAccounts:
        """The accounts of the firms in `mask` (after exits)."""
        return replace(self, **{k: getattr(self, k)[mask] for k in
                                ("revenue", "profit", "after_tax", "cit_rate", "eligible", "cit")})


@dataclass
class Incomes:
    """Wages, taxes, social insurance and household income by province."""

    firms: FirmAccounts
    wage_bill: np.ndarray  # gross wages
    vat: np.ndarray
    cit: np.ndarray
    pit: np.ndarray
    local_tax_gross: np.ndarray  # local share of taxes before the calibrated efficiency
    local_tax: np.ndarray
    central_tax: np.ndarray
    enclave_tax: np.ndarray  # (origin, host) taxes returned under enclave-park deals (§13)
    si: dict  # social-insurance flows (government.rules.social_insurance)
    household_income: np.ndarray
    unemployed: np.ndarray  # persons
    retirees: np.ndarray  # persons
    employed_persons: np.ndarray
    avg_wage: np.ndarray  # yuan per employed person
    labour_force_persons: np.ndarray
    incentive_paid: np.ndarray  # skilled-migrant incentive paid (§21/§34)
    incentive_scale: np.ndarray  # paid / owed under the programme cap


@dataclass
class BudgetYear:
    """The government accounts of the year and each lever's direct cost."""

    budgets: ProvincialBudgets
    central: dict  # scalar central-government flows
    lever_costs: dict  # lever name → 100m yuan (national total)
    net_new_debt: np.ndarray  # change in provincial debt
    pairing_received: np.ndarray  # pairing assistance received (§35)


@dataclass
class Relocation:
    """Firms that moved this year (§4, §12, §13, §32)."""

    moves_in: np.ndarray  # real firms
    moves_out: np.ndarray
    subsidy: np.ndarray  # move support owed, paid from next year's budgets
    support_costs: dict  # the same by lever (national totals)
    land_from_quota: np.ndarray  # movers' land not covered by idle land (km²)
    ei_inflow: np.ndarray  # energy-intensive capital moved in (100m yuan)


@dataclass
class FirmDynamics:
    """Exit, relocation, entry and investment of the year."""

    exits: np.ndarray  # real firms
    entries: np.ndarray
    relocation: Relocation
    investment: np.ndarray  # gross investment by province
    land: LandOutcome  # the year's construction-land allocation
    duty_cost: float  # tariff forgone on this year's investment (booked next year)


@dataclass
class Households:
    """Migration of the year (persons)."""

    migration_in: np.ndarray
    migration_out: np.ndarray

    @property
    def net_migration(self) -> np.ndarray:
        return self.migration_in - self.migration_out


@dataclass
class YearFlows:
    """What happened in one year (arrays of 31 unless noted); read by the recorder."""

    year: int
    gdp: np.ndarray  # real value added, 100m yuan 2019 prices
    gdp_sector: np.ndarray  # (31, 3)
    nominal_gdp: np.ndarray  # 100m yuan at current relative prices, deflated to 2019 level
    employed_persons: np.ndarray
    labour_force_persons: np.ndarray
    wage: np.ndarray  # yuan per efficiency unit
    household_income: np.ndarray  # 100m yuan 2019 prices
    wage_bill: np.ndarray  # gross wages, 100m yuan 2019 prices
    consumption: np.ndarray
    budgets: ProvincialBudgets
    social_insurance: dict
    lever_costs: dict  # lever name → 100m yuan (national total)
    net_new_debt: np.ndarray
    net_migration: np.ndarray  # persons
    migration_in: np.ndarray
    migration_out: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    entries: np.ndarray  # real firms
    exits: np.ndarray
    relocations_in: np.ndarray
    relocations_out: np.ndarray
    investment: np.ndarray  # gross firm investment, 100m yuan
    land: LandOutcome | None
    central: dict  # scalar central-government flows
    tradable_price: float
    deflator: float
    price_level: np.ndarray  # consumer price level by province / national deflator (1 at start)
    public_services_index: np.ndarray  # start-year national mean = 100
    infrastructure_access_index: np.ndarray  # start-year national mean = 100
    # end-of-year stocks and head counts the indicators need
    population: np.ndarray  # residents (census)
    skilled_working: np.ndarray  # skilled residents of working age
    working: np.ndarray  # residents of working age
    non_local: np.ndarray  # residents without local hukou
    firms: np.ndarray  # real firms
    energy_intensive_capital: np.ndarray  # 100m yuan
    debt: np.ndarray
    infrastructure_capital: np.ndarray
    public_service_capital: np.ndarray
    si_fund: np.ndarray
    network_km: np.ndarray  # network length (highways, expressways, railways), km
