"""The Mesa model: construction (the start-year calibration) and the yearly step order.

A year, in the order `step` runs it:

    1. demography        ageing, deaths, births
    2. public capital    last year's infrastructure and public-service spending enters use;
                         network quality, market access and location productivity update
    3. technology        the frontier grows; firms catch up
    4. production        wages adjust, jobs are found and lost, firms produce, goods markets clear
    5. incomes           wages, profits, taxes, social insurance, household income
    6. government        transfers, horizontal flows, borrowing, each province's budget
    7. firm dynamics     exit, relocation, entry and investment under the land quota
    8. households        migration, hukou, skills
    9. record            indicators and the accounting checks

The start year is not stepped: it is the observed economy, with flows computed by the same
rules and the unobserved constants calibrated so that they reproduce the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from westdev.economy import government as gov
from westdev.economy.accounting import AGENT_GROWTH_LIMIT, check_agent_growth, check_year
from westdev.economy.agents import workers as wk
from westdev.economy.agents.firms import (
    AGRI,
    INDUSTRY,
    SERVICES,
    TRADABLE,
    FirmPopulation,
    gross_investment,
    labour_demand,
    log_capital_gap,
)
from westdev.economy.agents.province import Province
from westdev.economy.indicators import weighted_quantile
from westdev.economy.markets import goods, labour, land
from westdev.economy.markets.migration import (
    MigrationModel,
    cell_population,
    draw_moves,
    expected_pair_flows,
    populated_pairs,
)
from westdev.economy.recorder import Recorder
from westdev.inputs.initial_state import InitialState
from westdev.inputs.parameters import Parameters
from westdev.inputs.regions import REGION_GROUPS
from westdev.policy.catalogue import default_values
from westdev.policy.instruments import Instruments, instruments


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
    budgets: gov.ProvincialBudgets
    social_insurance: dict
    lever_costs: dict  # lever name → 100m yuan (national total)
    net_migration: np.ndarray  # persons
    births: np.ndarray
    deaths: np.ndarray
    entries: np.ndarray  # real firms
    exits: np.ndarray
    relocations_in: np.ndarray
    relocations_out: np.ndarray
    land: land.LandOutcome | None
    central: dict  # scalar central-government flows
    tradable_price: float
    deflator: float


class WestDevModel(mesa.Model):
    """China's 31 provinces, their firms and workers, stepping yearly from the start year."""

    def __init__(self, state: InitialState, scenario, parameters: Parameters,
                 rng: np.random.Generator) -> None:
        super().__init__(rng=rng)
        self.scenario = scenario
        self.p = parameters
        self.geo = state.geography
        self.obs = state.observed
        self.workers = state.workers
        self.firms = state.firms
        self.year = state.observed.year
        self.start_year = self.year
        geo = self.geo
        for i in range(geo.n):
            Province(self, i, int(geo.codes[i]), geo.names[i],
                     REGION_GROUPS[geo.region[i]], bool(geo.west[i]))
        self.provinces: list[Province] = sorted(self.agents_by_type[Province], key=lambda a: a.index)
        self.recorder = Recorder(self)
        self._read_parameters()
        # numerical guards: agent counts may grow with the economy, never without bound
        self.firm_agent_limit = AGENT_GROWTH_LIMIT * max(self.firms.n, 1)
        self.worker_agent_limit = AGENT_GROWTH_LIMIT * max(self.workers.n, 1)
        # The start year is the observed economy under the policy then in force: the catalogue's
        # 2019 values for CN2019, the scenario's own (historical) values for other start years.
        # Scenario levers act from the first simulated year.
        self.reference_levers = (default_values("2019") if self.year == 2019
                                 else scenario.lever_values(self.year))
        # a lever's yearly fiscal cost is its direct cost against its no-policy value (the
        # counterfactual without the measure; national measures keep their 2019 value there)
        self.no_policy = default_values("no_policy")
        self._calibrate_start_year(state)

    # ------------------------------------------------------------------ parameters
    def _read_parameters(self) -> None:
        p = self.p
        self.alpha = p["production.capital_elasticity"]
        self.beta = p["production.labour_elasticity"]
        self.vat = p["production.vat_effective_rate"]
        self.efficiency = np.array([1.0, p["labour.skill_premium"]])
        self.participation = np.array([0.0, p["labour.participation_15_29"],
                                       p["labour.participation_30_44"],
                                       p["labour.participation_45_64"], 0.0])
        self.mortality = np.array([p["demography.mortality_0_14"], p["demography.mortality_15_29"],
                                   p["demography.mortality_30_44"], p["demography.mortality_45_64"],
                                   p["demography.mortality_65plus"]])
        self.capital_intensity = np.array([p["production.capital_intensity_agriculture"],
                                           p["production.capital_intensity_industry"],
                                           p["production.capital_intensity_services"]])
        self.network_weights = np.array([1.0, p["infrastructure.expressway_weight"],
                                         p["infrastructure.railway_weight"]])
        self.tax_rules = gov.TaxRules(p["fiscal.vat_local_share"], p["fiscal.cit_local_share"],
                                      p["fiscal.pit_local_share"])

    # ------------------------------------------------------------------ calibration
    def _calibrate_start_year(self, state: InitialState) -> None:
        """Fill firms' capital, labour and productivity and the unobserved constants so that the
        start year reproduces the data: value added by province and sector, local tax revenue,
        budget expenditure, disposable income and consumption per head, and net migration."""
        p, geo, obs, firms = self.p, self.geo, self.obs, self.firms
        n = geo.n
        self.instruments = instruments(self.reference_levers, geo, p)
        ins = self.instruments
        self.employer_si = self.reference_levers["industry.employer_si_rate"] + p["labour.other_employer_si_rate"]
        si_load = 1.0 + self.employer_si * p["labour.si_coverage"]

        # --- labour: efficiency units employed, labour cost per unit from the wage-bill share
        self._take_census()
        employed_units, lf_units = self._labour_units()
        va_cell = obs.gdp[:, None] * obs.sector_share  # (31, 3)
        labour_cost = self.beta * (1 - self.vat) * obs.gdp / employed_units  # 100m yuan per unit
        self.wage = labour_cost / si_load * 1e8  # gross wage, yuan per efficiency unit
        self.productivity = obs.gdp.sum() / employed_units.sum()  # national, per efficiency unit
        self.productivity_growth = 1.0

        # --- firms: per-real-firm value added, labour and capital; productivity as residual
        rng_k = self.rng
        cell = firms.cell()
        size = firms.tfp  # relative size placeholder from the skeleton
        y = va_cell.ravel()[cell] * size
        state_mult = np.where(firms.state, p["firms.state_capital_intensity"], 1.0)
        k_firms = obs.capital * p["production.firm_capital_share"]
        k_weight = va_cell * self.capital_intensity
        k_cell = k_firms[:, None] * k_weight / k_weight.sum(axis=1, keepdims=True)
        # capital intensity varies across firms (lognormal), so exit on losses is gradual
        kshape = y * state_mult * rng_k.lognormal(0.0, p["firms.capital_intensity_dispersion"], firms.n)
        kshape_sum = np.bincount(cell, weights=kshape * firms.weight, minlength=n * 3)
        firms.capital = k_cell.ravel()[cell] * kshape / kshape_sum[cell]
        firms.labour = self.beta * (1 - self.vat) * y / labour_cost[firms.province]
        a_raw = y / (firms.capital ** self.alpha * firms.labour ** self.beta)
        log_a = np.log(a_raw)
        wsum = np.bincount(cell, weights=firms.weight, minlength=n * 3)
        cell_mean = np.bincount(cell, weights=firms.weight * log_a, minlength=n * 3) / wsum
        sector_mean = np.array([np.average(cell_mean.reshape(n, 3)[:, s], weights=va_cell[:, s])
                                for s in range(3)])
        psi = p["firms.location_productivity_share"]
        self.loc_tfp0 = np.exp(psi * (cell_mean.reshape(n, 3) - sector_mean[None, :]))
        self.loc_tfp = self.loc_tfp0.copy()
        firms.tfp = a_raw / self.loc_tfp.ravel()[cell]
        self.cell_agent_weight = (wsum / np.maximum(np.bincount(cell, minlength=n * 3), 1)).reshape(n, 3)
        # the productivity frontier: the 90th percentile of own productivity by sector
        self.log_frontier = np.array([
            weighted_quantile(np.log(firms.tfp[firms.sector == s]), firms.weight[firms.sector == s], 0.9)
            for s in range(3)])
        # small firms (for the §31 credit-spread lever): private firms below the median capital
        self._small_threshold = weighted_quantile(firms.capital[~firms.state],
                                                  firms.weight[~firms.state], 0.5)
        self.entry_backlog = np.zeros((n, 3))
        self.migration_in = np.zeros(n)
        self.migration_out = np.zeros(n)
        self.pairing_received = np.zeros(n)
        self._incentive_scale = np.ones(n)
        self.relocation_land_from_quota = np.zeros(n)
        self.ei_inflow = np.zeros(n)
        self.land_stock = self.land_intensity() * firms.totals(firms.capital * (firms.sector > AGRI), n)
        self.idle_land = np.zeros(n)

        # --- public capital and networks
        self.k_infra = obs.capital * p["infrastructure.capital_share"]
        self.k_infra0 = self.k_infra.copy()
        spend = obs.budget_expenditure
        self.k_public = p["fiscal.public_service_spending_share"] * spend / (
            p["public.capital_depreciation"] + p["public.reference_growth"])
        self.staff_quality = (1.0 + ins.wage_premium) ** p["public.quality_wage_elasticity"]
        self.quality0 = goods.network_quality(obs.network_km, geo.area_km2, self.network_weights)
        self.quality = self.quality0.copy()
        self.market_access0 = goods.market_access(obs.gdp, self.quality, geo.distance_km,
                                                  p["infrastructure.distance_decay"])
        self.market_access = self.market_access0.copy()
        self.domestic_cost0 = p["goods.domestic_trade_cost"] * np.ones(n)
        exports = p["goods.export_share_of_trade"] * obs.trade_to_gdp * obs.gdp  # 100m yuan
        self.foreign_share = np.clip(exports / obs.gdp / np.maximum(
            obs.sector_share[:, :2].sum(axis=1), 0.05), 0.01, 0.9)
        self.resource_share = np.full(n, p["firms.resource_share_industry"])
        self.gate = np.ones((n, 3))
        self.tradable_p = 1.0
        self.services_p = np.ones(n)
        self.deflator = 1.0
        self.world_demand = 1.0
        self.expected_prices = np.ones((n, 3))
        self.debt = p["fiscal.debt_to_gdp_start"] * obs.gdp
        self.si_fund = np.zeros(n)
        self.last_gdp = obs.gdp.copy()
        self.public_services_index0 = None  # set by the first record

        # --- production at start (prices 1), incomes and budgets; calibrate what closes them
        self.loss_years_threshold = int(p["firms.exit_loss_years"])
        self.tax_efficiency = np.ones(n)
        self.income_residual_rate = np.zeros(n)
        self.earmarked_share = np.zeros(n)
        self.services_share = np.full(n, 0.5)
        self.fiscal_inflow = obs.budget_expenditure - obs.tax_revenue * (1 + p["fiscal.nontax_ratio"])
        prod = self._produce(employed_units, ins, calibrating=True)
        # services share μ so that services value added at price 1 is demanded
        tradable_value = (prod["value"] * TRADABLE).sum(axis=1)
        services_value = prod["value"][:, SERVICES]
        self.services_share = services_value / (tradable_value + services_value + self.fiscal_inflow)
        self.exports_base = exports.sum()
        total_t, total_n = tradable_value.sum(), services_value.sum()
        self.absorption_share = (total_t - self.exports_base) / (total_t + total_n)
        inc = self._incomes(prod, ins)
        self.tax_efficiency = obs.tax_revenue / inc["local_tax_gross"]
        inc = self._incomes(prod, ins)
        self.central_revenue0 = inc["central_tax"].sum() + p["fiscal.central_other_tax_rate"] * obs.gdp.sum()
        budgets, central, costs = self._budgets(prod, inc, ins, calibrate_to=obs.budget_expenditure)
        self.household_income_target = obs.income_pc * obs.population / 1e8
        model_income = inc["household_income"]
        self.income_residual_rate = (self.household_income_target - model_income) / obs.gdp
        inc = self._incomes(prod, ins)
        self.consumption_rate = obs.consumption_pc / obs.income_pc
        self.fiscal_inflow = budgets.spending() - budgets.own_revenue()

        # --- migration: amenities and the moving cost reproduce net migration and gross flows
        self.migration = MigrationModel(
            log_distance=np.where(np.eye(n, dtype=bool), 0.0, np.log(geo.distance_km / 100.0)),
            west=geo.west,
            income_weight=p["migration.income_weight"],
            public_service_weight=p["migration.public_service_weight"],
            distance_elasticity=p["migration.distance_elasticity"],
            age_cost=np.array([0.0, p["migration.age_cost_30_44"], p["migration.age_cost_45_64"]]),
            hukou_cost=p["migration.hukou_cost"],
            amenity=np.zeros(n),
            move_cost=4.0,
        )
        self._calibrate_migration(inc, ins)

        # --- firm location factors: after-tax profitability equal across provinces at start
        self.location_factor = np.ones((n, 3))
        h = self._profitability(ins)
        sector_avg = np.array([np.average(h[:, s], weights=va_cell[:, s]) for s in range(3)])
        self.location_factor = sector_avg[None, :] / h
        self._calibrate_investment(ins)
        self._calibrate_land_quota(ins)

        self._last_inc = inc
        self._last_prod = prod
        flows = self._flows(prod, inc, budgets, central, costs, None,
                            np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n),
                            np.zeros(n), np.zeros(n))
        self.recorder.record(flows)
        check_year(self, flows)

    def _take_census(self) -> None:
        """Recount the workers (after demography, after job search, after migration)."""
        self.census = wk.take_census(self.workers, self.geo.n)
        self.labour_census = self.census.labour(self.participation, self.efficiency)

    def _labour_units(self) -> tuple[np.ndarray, np.ndarray]:
        """(employed efficiency units, labour-force units) by province, from the census."""
        lab = self.labour_census
        return lab["employed_units"], lab["force_units"]

    def _calibrate_migration(self, inc: dict, ins: Instruments) -> None:
        """Amenities so that expected net migration of the start year equals the observed
        population change less natural increase (persons/yr); the moving cost so that the
        gross inter-provincial move rate of working-age residents is `migration.gross_rate`."""
        p, obs = self.p, self.obs
        n = self.geo.n
        births_exp, deaths_exp = self._expected_natural_change()
        natural = births_exp - deaths_exp
        target_net = obs.population * obs.population_growth - natural
        # the total of net flows must be zero: remove the national residual pro rata
        target_net -= obs.population * target_net.sum() / obs.population.sum()
        pop_cells = cell_population(self.workers, n)
        working = pop_cells.sum()
        target_gross = p["migration.gross_rate"] * working
        income = self._expected_income(inc)
        # migrants' income expectations start at the start year's expected income
        self.migrant_expected_income = income.copy()
        services = self._services_for_migration()
        mig = self.migration
        working_p = pop_cells.sum(axis=(1, 2, 3))
        # only the populated (residence, hukou) cells matter: most of the 31 × 31 are empty
        pairs = populated_pairs(pop_cells)
        pop_pairs = pop_cells[pairs]
        for _ in range(600):
            v = mig.utilities(income, services, ins.migrant_access, ins.portability_cost,
                              ins.skilled_incentive, pairs=pairs)
            prob = mig.probabilities(v)
            inflow, outflow = expected_pair_flows(pop_pairs, prob, pairs[0], n)
            net = inflow - outflow
            gross = inflow.sum()
            # damped, bounded updates: log-gross for the moving cost, net flow relative to
            # gross flows (floored at 0.1 % of working-age residents) for amenities
            err = (target_net - net) / np.maximum(inflow + outflow, 1e-3 * working_p)
            mig.amenity = mig.amenity + 0.5 * np.clip(err, -0.5, 0.5)
            mig.amenity -= mig.amenity.mean()
            mig.move_cost += 0.5 * float(np.clip(np.log(gross / target_gross), -1.0, 1.0))
            if np.max(np.abs(target_net - net)) < 1e-4 * obs.population.max() and \
                    abs(gross / target_gross - 1) < 1e-4:
                break
        self.migration_fit = {"max_abs_error_persons": float(np.max(np.abs(target_net - net))),
                              "gross_ratio": float(gross / target_gross)}

    def _expected_natural_change(self) -> tuple[np.ndarray, np.ndarray]:
        ex = self.scenario.exogenous_values(self.year)
        pop = self.census.population
        by_age = self.census.table.sum(axis=(2, 3, 4))
        deaths = (by_age * self.mortality[None, :]).sum(axis=1) * ex["mortality_multiplier"]
        births = ex["birth_rate_per_1000"] / 1000.0 * pop
        return births, deaths

    def _birth_probability(self, birth_rate_per_1000: float) -> np.ndarray:
        """Yearly birth probability per person aged 15–44, from the crude birth rate."""
        n = self.geo.n
        pop = self.census.population
        fertile = self.census.band(1, 2)
        return np.divide(birth_rate_per_1000 / 1000.0 * pop, fertile, out=np.zeros(n),
                         where=fertile > 0)

    # ------------------------------------------------------------------ production and markets
    def _price_net(self, ins: Instruments) -> np.ndarray:
        """Expected price net of VAT per province × sector (relative to the national deflator),
        on which firms hire, invest, enter and relocate. Expectations are adaptive
        (`firms.expectation_weight` on the latest realised price), which damps cobweb cycles."""
        return (1 - self.vat) * self.expected_prices

    def _update_expectations(self, realised: np.ndarray) -> None:
        w = self.p["firms.expectation_weight"]
        self.expected_prices = self.expected_prices + w * (realised - self.expected_prices)

    def _produce(self, employed_units: np.ndarray, ins: Instruments, calibrating: bool = False) -> dict:
        """Employment allocated to firms by their demand at the current wage; output; prices."""
        p, geo, firms = self.p, self.geo, self.firms
        n = geo.n
        si_load = 1.0 + self.employer_si * p["labour.si_coverage"]
        labour_cost = self.wage * si_load / 1e8
        price_net = self._price_net(ins)
        cell = firms.cell()
        loc = self.loc_tfp.ravel()[cell]
        wedge = np.where(firms.energy_intensive, self._cost_wedge(ins)[firms.province], 1.0)
        if not calibrating:
            demand = labour_demand(price_net.ravel()[cell], loc, firms.tfp * wedge, firms.capital,
                                   labour_cost[firms.province], self.alpha, self.beta)
            total = firms.totals(demand, n)
            scale = np.divide(employed_units, total, out=np.zeros(n), where=total > 0)
            firms.labour = demand * scale[firms.province]
        y = loc * firms.tfp * wedge * firms.capital ** self.alpha * firms.labour ** self.beta
        volume = firms.totals(y, n, by_sector=True)  # (31, 3), 2019 prices
        if calibrating:
            self.tradable_p = 1.0
            self.services_p = np.ones(n)
        else:
            delivered = (volume[:, :2] * self.gate[:, :2]).sum(axis=1)
            fixed = self.services_share * self.fiscal_inflow / (1 - self.services_share)
            slope = self.services_share * delivered / (1 - self.services_share)
            ex = self.scenario.exogenous_values(self.year)
            self.world_demand *= 1.0 + ex["world_demand_growth"] / 100.0
            self.tradable_p = goods.tradable_price(delivered.sum(), fixed.sum(), slope.sum(),
                                                   self.absorption_share, self.exports_base,
                                                   self.world_demand,
                                                   p["goods.export_price_elasticity"])
            services_demand = goods.services_value(self.tradable_p * delivered, self.fiscal_inflow,
                                                   self.services_share,
                                                   base_floor=p["goods.services_base_floor"])
            self.services_p = goods.services_price(services_demand, volume[:, SERVICES],
                                                   p["goods.services_price_elasticity"],
                                                   p["goods.services_import_price"])
        prices = np.column_stack([self.tradable_p * self.gate[:, 0], self.tradable_p * self.gate[:, 1],
                                  self.services_p])
        value = volume * prices
        real = volume.sum(axis=1)
        self.deflator = value.sum() / real.sum()
        if not calibrating:
            self._update_expectations(prices / self.deflator)
        return {"y": y, "volume": volume, "value": value / self.deflator, "real": real,
                "prices": prices / self.deflator, "labour_cost": labour_cost}

    def _cost_wedge(self, ins: Instruments) -> np.ndarray:
        """Productivity wedge of energy-intensive firms from cheaper power (relative to start)."""
        ref = np.where(self.geo.west, self.reference_levers["energy.west_power_price_discount"], 0.0)
        share = self.p["firms.power_cost_share"]
        return (1.0 + share * ins.power_discount) / (1.0 + share * ref)

    # ------------------------------------------------------------------ incomes and taxes
    def _firm_tax_rates(self, ins: Instruments) -> np.ndarray:
        firms = self.firms
        eligible = (firms.sector > AGRI) & (firms.catalogue_draw < ins.catalogue_coverage[firms.province])
        standard = np.where(firms.sector == AGRI, self.p["firms.cit_agriculture_rate"],
                            self.p["firms.cit_standard_rate"])
        return np.where(eligible, ins.cit_encouraged[firms.province], standard), eligible

    def _incomes(self, prod: dict, ins: Instruments) -> dict:
        """Wages, profits, taxes, social insurance and household income by province (100m yuan,
        2019 prices)."""
        p, firms = self.p, self.firms
        n = self.geo.n
        cell = firms.cell()
        revenue = prod["y"] * (prod["prices"].ravel()[cell])  # per real firm, real terms
        zone = (firms.zone_draw < self.p["firms.zone_share_west"]) & self.geo.west[firms.province]
        vat_rate = self.vat * (1.0 - np.where(zone, ins.vat_zone_relief[firms.province], 0.0))
        vat = vat_rate * revenue
        labour_bill = prod["labour_cost"][firms.province] * firms.labour
        r = self.scenario.exogenous_values(self.year)["real_interest_rate"] / 100.0
        depreciation = p["firms.depreciation"] * firms.capital
        interest = p["firms.leverage"] * r * firms.capital
        profit = revenue - vat - labour_bill - depreciation - interest
        cit_rate, eligible = self._firm_tax_rates(ins)
        cit = cit_rate * np.maximum(profit, 0.0)
        after_tax = profit - cit
        si_load = 1.0 + self.employer_si * p["labour.si_coverage"]
        wage_bill = firms.totals(labour_bill, n) / si_load  # gross wages
        pit = p["labour.pit_rate"] * wage_bill
        vat_p = firms.totals(vat, n)
        cit_p = firms.totals(cit, n)
        local, central = gov.shared_taxes(vat_p, cit_p, pit, self.tax_rules)
        local_gross = local + p["fiscal.other_local_tax_rate"] * prod["value"].sum(axis=1)
        local_tax = self.tax_efficiency * local_gross
        # enclave parks: a share of local taxes of firms moved east→west under a park deal goes
        # back to the origin province (booked as horizontal flows in the budgets)
        enclave = firms.origin >= 0
        enclave_tax = np.zeros((n, n))
        share = float(ins.values["industry.enclave_tax_share_to_origin"])
        if enclave.any() and share > 0:
            host_taxes = (self.tax_rules.vat_local * vat + self.tax_rules.cit_local * cit) * firms.weight
            np.add.at(enclave_tax, (firms.origin[enclave], firms.province[enclave]),
                      share * host_taxes[enclave] * self.tax_efficiency[firms.province[enclave]])
        # social insurance
        lab = self.labour_census
        unemployed = lab["force_persons"] - lab["employed_persons"]
        retirees = self.census.band(4)
        workers_employed = lab["employed_persons"]
        avg_wage = np.divide(wage_bill * 1e8, workers_employed, out=np.zeros(n), where=workers_employed > 0)
        si = gov.social_insurance(
            wage_bill, unemployed, retirees, avg_wage,
            employer_rate=self.employer_si, employee_rate=p["labour.employee_si_rate"],
            coverage=p["labour.si_coverage"], replacement=p["households.pension_replacement"],
            benefit_ratio=p["households.unemployment_benefit_ratio"], pooling=ins.pooling)
        employee_si = p["labour.employee_si_rate"] * p["labour.si_coverage"] * wage_bill
        private_profit = firms.totals(np.where(firms.state, 0.0, np.maximum(after_tax, 0.0)), n)
        dividends = p["households.dividend_payout"] * private_profit
        incentive = self._skilled_incentive(ins)  # §21/§34: paid by the budget, received here
        household = (wage_bill - pit - employee_si + dividends + si["pensions"] + si["benefits"] + incentive
                     + self.income_residual_rate * prod["value"].sum(axis=1))
        return {
            "revenue": revenue, "profit": profit, "after_tax": after_tax, "cit_rate": cit_rate,
            "eligible": eligible, "cit_firm": cit, "wage_bill": wage_bill, "vat": vat_p, "cit": cit_p,
            "pit": pit, "local_tax_gross": local_gross, "local_tax": local_tax,
            "central_tax": central, "enclave_tax": enclave_tax, "si": si,
            "household_income": household, "unemployed": unemployed, "retirees": retirees,
            "employed_persons": workers_employed, "avg_wage": avg_wage,
            "labour_force_persons": workers_employed + unemployed,
        }

    def _expected_income(self, inc: dict) -> np.ndarray:
        """Expected real wage income by province and skill (yuan/yr) for migration choices."""
        p = self.p
        u = np.divide(inc["unemployed"], inc["labour_force_persons"],
                      out=np.zeros(self.geo.n), where=inc["labour_force_persons"] > 0)
        net = (1 - p["labour.pit_rate"] - p["labour.employee_si_rate"] * p["labour.si_coverage"])
        wage = self.wage * net
        benefit = p["households.unemployment_benefit_ratio"] * inc["avg_wage"] * p["labour.si_coverage"]
        income = (1 - u)[:, None] * wage[:, None] * self.efficiency[None, :] + u[:, None] * benefit[:, None]
        return np.maximum(income, 1.0)

    def _services_for_migration(self) -> np.ndarray:
        idx = self.public_services_index()
        return np.maximum(idx, 1e-3)

    # ------------------------------------------------------------------ government
    def _budgets(self, prod: dict, inc: dict, ins: Instruments, calibrate_to: np.ndarray | None = None):
        """Every province's budget and the central government's accounts for the year."""
        p, geo = self.p, self.geo
        n = geo.n
        west = geo.west
        gdp = prod["real"]
        b = gov.ProvincialBudgets(n)
        costs: dict[str, float] = {}
        b["own_tax"] = inc["local_tax"]
        b["nontax"] = p["fiscal.nontax_ratio"] * inc["local_tax"]
        land_out = getattr(self, "_land_outcome", None)
        if land_out is not None:
            b["land_sales"] = land_out.revenue
            b["land_purchases"] = land_out.payment
            costs["land.quota_trading_share"] = 0.0  # a transfer between provinces, no net fiscal cost
        own = b.own_revenue()
        pop = self.census.population
        cost_factor = self.delivery_cost(ins)
        formula, gap = gov.formula_transfer(own + b["land_sales"], pop, cost_factor,
                                            p["fiscal.formula_gap_fill"], ins.transfer_coefficient)
        b["formula_transfer"] = formula
        costs["fiscal.west_transfer_coefficient"] = float(((ins.transfer_coefficient - 1.0) * gap).sum())
        protected_km2 = ins.protected_share * geo.area_km2
        eco_rate = float(ins.values["fiscal.ecological_transfer_yuan_per_km2"])
        b["ecological_transfer"] = eco_rate * protected_km2 / 1e8
        eco_np = float(self.no_policy["fiscal.ecological_transfer_yuan_per_km2"])
        costs["fiscal.ecological_transfer_yuan_per_km2"] = float(
            ((eco_rate - eco_np) * protected_km2).sum() / 1e8)
        # earmarked (non-project) transfers grow with central revenue; shares calibrated at start
        # tariffs forgone under the equipment duty exemption (§30) on last year's investment
        central_revenue = (inc["central_tax"].sum() + p["fiscal.central_other_tax_rate"] * prod["value"].sum()
                           - getattr(self, "_duty_cost", 0.0))
        pool = self.central_revenue0 if calibrate_to is not None else central_revenue
        # horizontal transfers: pairing assistance, ecological compensation, enclave taxes
        h_in, h_out = np.zeros(n), np.zeros(n)
        pairing = geo.pairing_matrix() * (float(ins.values["fiscal.pairing_assistance_pct_donor_revenue"]) / 100.0)
        flows = pairing * own[:, None]
        h_out += flows.sum(axis=1)
        h_in += flows.sum(axis=0)
        self.pairing_received = flows.sum(axis=0)
        costs["fiscal.pairing_assistance_pct_donor_revenue"] = float(flows.sum())
        comp_rate = float(ins.values["ecology.eco_compensation_yuan_per_km2"])
        comp_total = comp_rate * (protected_km2 * west).sum() / 1e8
        east = geo.mask("East")
        h_out += comp_total * np.where(east, gdp, 0.0) / np.where(east, gdp, 0.0).sum()
        h_in += comp_total * np.where(west, protected_km2, 0.0) / max((protected_km2 * west).sum(), 1e-9)
        costs["ecology.eco_compensation_yuan_per_km2"] = float(comp_total)
        h_out += inc["enclave_tax"].sum(axis=0)  # hosts pay
        h_in += inc["enclave_tax"].sum(axis=1)  # origins receive
        costs["industry.enclave_tax_share_to_origin"] = float(inc["enclave_tax"].sum())
        b["horizontal_in"], b["horizontal_out"] = h_in, h_out

        # borrowing under the debt ceiling
        r = self.scenario.exogenous_values(self.year)["real_interest_rate"] / 100.0
        rate = r + ins.debt_spread
        maturity = p["fiscal.debt_maturity_years"]
        amortisation = self.debt / maturity
        interest = rate * self.debt
        base_rate = r + p["fiscal.debt_spread"] + west * p["fiscal.debt_spread_west_extra"]
        costs["finance.infrastructure_risk_sharing"] = float(((base_rate - rate) * self.debt).sum())
        general = b["formula_transfer"] + b["ecological_transfer"]
        capacity = own * p["fiscal.comprehensive_capacity_multiplier"]
        ceiling = gov.debt_ceiling(capacity, general, p["fiscal.debt_limit_ratio"],
                                   bool(ins.values["fiscal.transfers_in_bond_capacity"]))
        push = self.scenario.exogenous_values(self.year)["public_investment_index"]
        quota = p["fiscal.bond_quota_share_gdp"] * gdp * ins.bond_quota_multiplier * push
        net_new = gov.new_borrowing(self.debt, ceiling, quota)
        # borrowing levers: the extra net borrowing they allow against their no-policy values
        quota_np = p["fiscal.bond_quota_share_gdp"] * gdp * push * np.where(
            west, self.no_policy["fiscal.west_bond_quota_multiplier"], 1.0)
        ceiling_np = gov.debt_ceiling(capacity, general, p["fiscal.debt_limit_ratio"],
                                      bool(self.no_policy["fiscal.transfers_in_bond_capacity"]))
        costs["fiscal.west_bond_quota_multiplier"] = float(
            (net_new - gov.new_borrowing(self.debt, ceiling, quota_np)).sum())
        costs["fiscal.transfers_in_bond_capacity"] = float(
            (net_new - gov.new_borrowing(self.debt, ceiling_np, quota)).sum())
        b["gross_borrowing"] = amortisation + net_new
        b["debt_service"] = interest + amortisation
        self.net_new_debt = net_new

        # programmes mandated by levers, paid from the province's budget
        talent = self._talent_costs(ins, inc)
        b["talent"] = talent["total"]
        costs.update(talent["by_lever"])
        # last year's relocation subsidies are paid now, each part under its own lever
        b["subsidies"] = getattr(self, "_relocation_subsidy", np.zeros(n))
        for lever, amount in getattr(self, "_move_support_costs_paid", {}).items():
            costs[lever] = costs.get(lever, 0.0) + amount

        # centrally planned projects (transport, water, information) with local co-financing:
        # the pipeline is a share of GDP (levers for the west), scaled by the national push
        central_funds = ins.project_intensity * gdp * push
        committed = (b["debt_service"] + b["horizontal_out"] + b["land_purchases"] + b["talent"]
                     + b["subsidies"])
        pre = (own + b["land_sales"] + b["formula_transfer"] + b["ecological_transfer"]
               + b["horizontal_in"] + b["gross_borrowing"] - committed)
        # co-financing capacity: a share of the province's free resources before earmarked funds
        local_cap = np.maximum(pre, 0.0) * p["fiscal.cofinancing_capacity"]
        central_paid, local_paid = gov.project_funding(central_funds, local_cap, ins.cofinancing)
        if calibrate_to is not None:
            # earmarked (net of remittances, 上解) transfers close the start year's budget:
            # programme spending as observed = pre + earmarked + central project money
            # + talent programmes + subsidies
            self.earmarked_share = (calibrate_to - (pre + central_paid + b["talent"]
                                                    + b["subsidies"])) / pool
        b["earmarked_transfer"] = self.earmarked_share * pool
        pre = pre + b["earmarked_transfer"]
        b["project_transfer"] = central_paid
        ref_m = np.where(west, float(self.no_policy["fiscal.west_cofinancing_share"]),
                         p["fiscal.cofinancing_share_other"])
        ref_c, _ = gov.project_funding(central_funds, local_cap, ref_m)
        costs["fiscal.west_cofinancing_share"] = float((central_paid - ref_c).sum())
        ref_int = np.where(west, (self.no_policy["infrastructure.transport_investment_pct_gdp"]
                                  + self.no_policy["infrastructure.water_information_pct_gdp"]) / 100.0,
                           p["fiscal.project_intensity_other"])
        ref_paid, _ = gov.project_funding(ref_int * gdp * push, local_cap, ins.cofinancing)
        extra = float((central_paid - ref_paid).sum())
        tw = (float(ins.values["infrastructure.transport_investment_pct_gdp"]),
              float(ins.values["infrastructure.water_information_pct_gdp"]))
        tot = max(sum(tw), 1e-12)
        costs["infrastructure.transport_investment_pct_gdp"] = extra * tw[0] / tot
        costs["infrastructure.water_information_pct_gdp"] = extra * tw[1] / tot

        # each province splits what is left between public services, infrastructure and other
        discretionary = pre - local_paid
        # a province whose obligations (debt service, horizontal payments, mandated programmes,
        # co-financing) exceed its resources borrows the shortfall (rolled over, arrears),
        # beyond its quota: spending is never negative, the debt shows the strain
        shortfall = np.maximum(-discretionary, 0.0)
        b["gross_borrowing"] = b["gross_borrowing"] + shortfall
        self.net_new_debt = self.net_new_debt + shortfall
        discretionary = discretionary + shortfall
        # special bonds are spent on infrastructure before the rest is allocated
        bond_infra = np.minimum(net_new * p["fiscal.bond_infrastructure_share"], discretionary)
        discretionary = discretionary - bond_infra
        infra_share = p["fiscal.infrastructure_share"]
        for prov in self.provinces:
            i = prov.index
            alloc = prov.allocate_budget(float(discretionary[i]), float(ins.public_service_share[i]),
                                         infra_share)
            b["public_services"][i] = alloc["public_services"]
            b["infrastructure"][i] = alloc["infrastructure"] + central_paid[i] + local_paid[i] + bond_infra[i]
            b["other"][i] = alloc["other"]
        ps_ref = np.where(west, float(self.no_policy["public_services.health_education_share_west"]),
                          p["fiscal.public_service_share_other"])
        costs["public_services.health_education_share_west"] = float(
            ((ins.public_service_share - ps_ref) * np.maximum(discretionary, 0.0)).sum())

        # central government: shared taxes + other central taxes − transfers − SI subsidies
        si = inc["si"]
        transfers = b.central_transfers()
        # central programmes paid from the central budget, against their no-policy values
        npv = self.no_policy
        programmes = {
            "innovation.platforms_index": (ins.values["innovation.platforms_index"]
                                           - npv["innovation.platforms_index"])
            * p["innovation.platform_cost_100m_yuan"],
            "infrastructure.remote_coverage": (ins.values["infrastructure.remote_coverage"]
                                               - npv["infrastructure.remote_coverage"])
            * p["infrastructure.remote_coverage_cost_100m_yuan"],
            "opening.corridor_trade_cost_cut": (ins.values["opening.corridor_trade_cost_cut"]
                                                - npv["opening.corridor_trade_cost_cut"])
            * p["opening.corridor_cost_100m_yuan"],
        }
        costs.update({k: float(v) for k, v in programmes.items()})
        central = {
            "revenue": float(central_revenue),
            "transfers": float(transfers.sum()),
            "si_subsidy": float(si["central_subsidy"].sum()),
            "direct_spending": float(p["fiscal.central_direct_spending_share"] * gdp.sum()
                                     + sum(programmes.values())),
        }
        central["balance"] = central["revenue"] - central["transfers"] - central["si_subsidy"] - central["direct_spending"]
        # tax levers: revenue forgone against the standard rates
        cit_rate = inc["cit_rate"]
        firms = self.firms
        base = np.maximum(inc["profit"], 0.0) * firms.weight
        costs["fiscal.cit_rate_encouraged_west"] = float(
            ((p["firms.cit_standard_rate"] - cit_rate) * base * inc["eligible"]).sum())
        costs["fiscal.vat_general_taxpayer_special_zones"] = float(self._zone_vat_cost(inc, ins))
        costs["fiscal.equipment_duty_exemption"] = float(getattr(self, "_duty_cost", 0.0))
        costs["industry.employer_si_rate"] = float(
            ((self.no_policy["industry.employer_si_rate"] - ins.values["industry.employer_si_rate"])
             * p["labour.si_coverage"] * inc["wage_bill"]).sum())
        return b, central, costs

    def _zone_vat_cost(self, inc: dict, ins: Instruments) -> float:
        firms = self.firms
        zone = (firms.zone_draw < self.p["firms.zone_share_west"]) & self.geo.west[firms.province]
        return float((self.vat * ins.vat_zone_relief[firms.province] * inc["revenue"] * firms.weight * zone).sum())

    def _programme_cap(self) -> np.ndarray:
        """The most a province commits to one lever-mandated programme in a year: a share
        (`fiscal.programme_cap_share`) of last year's programme spending, so no programme can
        spend money the budget does not have."""
        return self.p["fiscal.programme_cap_share"] * np.maximum(self._last_budgets.spending(), 0.0)

    def _skilled_incentive(self, ins: Instruments) -> np.ndarray:
        """Yearly incentive paid to skilled working-age residents without local hukou in the
        west (100m yuan by province), within the programme cap; the budget pays it, households
        receive it, and migrants weigh the incentive actually paid per head."""
        wanted = ins.skilled_incentive * self.census.skilled_migrants / 1e8
        cap = self._programme_cap() if hasattr(self, "_last_budgets") else wanted
        self._incentive_paid = np.minimum(wanted, cap)
        self._incentive_scale = np.divide(self._incentive_paid, wanted, out=np.ones_like(wanted),
                                          where=wanted > 0)
        return self._incentive_paid

    def _talent_costs(self, ins: Instruments, inc: dict) -> dict:
        """Yearly cost of the talent programmes, by province, and per lever."""
        p = self.p
        n = self.geo.n
        incentive = self._incentive_paid
        low_working = self.census.low_skill_adults
        ref_train = np.where(self.geo.west, self.no_policy["talent.vocational_training_rate"],
                             p["talent.training_rate_other"])
        training = ins.adult_upgrade * low_working * p["talent.training_cost_yuan"] / 1e8
        training_extra = (ins.adult_upgrade - ref_train) * low_working * p["talent.training_cost_yuan"] / 1e8
        ps_spend = getattr(self, "_last_public_services", np.zeros(n))
        premium = ins.wage_premium * p["public.wage_share"] * ps_spend
        seats = ins.young_upgrade - p["households.young_upgrade_rate"]
        young = self.census.band(1)
        seats_cost = np.maximum(seats, 0.0) * young * p["talent.seat_cost_yuan"] / 1e8
        total = incentive + training + premium + seats_cost
        return {"total": total, "by_lever": {
            "talent.skilled_migrant_incentive_yuan": float(incentive.sum()),
            "talent.vocational_training_rate": float(training_extra.sum()),
            "talent.public_servant_wage_premium": float(premium.sum()),
            "talent.higher_education_seats_growth": float(seats_cost.sum()),
        }}

    def delivery_cost(self, ins: Instruments) -> np.ndarray:
        """Relative cost of delivering a public service per head: higher where population is
        sparse (density elasticity from the register), lowered by remote coverage (§6)."""
        p = self.p
        pop = self.census.population
        density = pop / self.geo.area_km2
        rel = (density / np.average(density, weights=pop)) ** (-p["public.density_cost_elasticity"])
        extra = np.maximum(rel - 1.0, 0.0) * (1.0 - p["public.remote_coverage_effect"] * ins.remote_coverage)
        return np.minimum(rel, 1.0) + extra

    def public_services_index(self) -> np.ndarray:
        """Public-service capital per head adjusted for delivery cost and staff quality; the
        national population-weighted mean of the start year = 100."""
        ins = self.instruments
        pop = self.census.population
        raw = self.k_public * self.staff_quality / (pop * self.delivery_cost(ins))
        if self.public_services_index0 is None:
            self.public_services_index0 = np.average(raw, weights=pop)
        return 100.0 * raw / self.public_services_index0

    def infrastructure_access_index(self) -> np.ndarray:
        """Market access relative to the start year's population-weighted national mean = 100."""
        pop0 = self.obs.population
        return 100.0 * self.market_access / np.average(self.market_access0, weights=pop0)

    # ------------------------------------------------------------------ firm decisions
    def _profitability(self, ins: Instruments, after_tax: bool = True) -> np.ndarray:
        """Operating profitability per unit of firm 'size' G_i = (A·K^α)^(1/(1−β)), by
        province × sector (H in the ODD): (1−β)·(p·Ã)^(1/(1−β))·(β/c)^(β/(1−β)) at expected
        prices, times the start-year location factor Φ. After tax, an entrant's expected CIT
        rate weighs the encouraged rate by the catalogue coverage (industry and services)."""
        p = self.p
        si_load = 1.0 + self.employer_si * p["labour.si_coverage"]
        c = self.wage * si_load / 1e8
        price_net = self._price_net(ins)
        b = self.beta
        h = ((price_net * self.loc_tfp) ** (1 / (1 - b))
             * (b / c[:, None]) ** (b / (1 - b)) * (1 - b)) * self.location_factor
        if not after_tax:
            return h
        standard = p["firms.cit_standard_rate"]
        expected = (ins.catalogue_coverage * ins.cit_encouraged
                    + (1 - ins.catalogue_coverage) * standard)
        tax = np.column_stack([np.full(self.geo.n, p["firms.cit_agriculture_rate"]), expected, expected])
        return h * (1 - tax)

    def _user_cost(self, ins: Instruments, eligible: np.ndarray, cit_rate: np.ndarray) -> np.ndarray:
        """Required pre-tax return on capital per firm: p_K (r + spread + δ) / (1 − τ)."""
        p, firms = self.p, self.firms
        r = self.scenario.exogenous_values(self.year)["real_interest_rate"] / 100.0
        small = ~firms.state & (firms.capital < self._small_threshold)
        spread = np.where(small, p["finance.small_firm_spread"] - ins.spread_cut[firms.province],
                          p["finance.large_firm_spread"]) - ins.green_discount[firms.province]
        price = np.where(eligible, ins.capital_price_eligible[firms.province], 1.0)
        hurdle = np.where(firms.state, 1.0 - p["firms.state_hurdle_discount"], 1.0)
        return price * (r + spread + p["firms.depreciation"]) / (1.0 - cit_rate) * hurdle

    def _firm_dynamics(self, prod: dict, inc: dict, ins: Instruments) -> dict:
        """Exit, relocation, entry and investment (land-rationed). Returns counts by province."""
        p, geo, firms = self.p, self.geo, self.firms
        n = geo.n
        # --- exit: the exogenous hazard thins every agent's weight (each agent stands for many
        # firms, a share of which exit). Private firms that have made losses for
        # `firms.exit_loss_years` years in a row exit at `firms.loss_exit_rate` a year, also as
        # thinning: an agent is a group of firms, and removing it whole made the speed of exit
        # depend on how many agents a province has (at the small resolution one agent can be
        # most of a province's industry, and its exit emptied the province). State firms
        # under the soft budget constraint are kept alive by their owners and lenders (Lam,
        # Schipke, Tan & Tan 2017, IMF WP/17/266: loss-making "zombie" firms are concentrated
        # among state firms): they leave only at the exogenous hazard.
        hazard = p["firms.exit_hazard"]
        firms.loss_years = np.minimum(np.where(inc["profit"] < 0, firms.loss_years + 1, 0),
                                      100).astype(np.int8)
        persistent = (firms.loss_years >= self.loss_years_threshold) & ~firms.state
        exit_share = 1.0 - (1.0 - hazard) * (1.0 - p["firms.loss_exit_rate"] * persistent)
        exiting_weight = exit_share * firms.weight
        exits = np.bincount(firms.province, weights=exiting_weight, minlength=n)
        freed = np.bincount(firms.province, weights=exiting_weight * firms.capital
                            * (firms.sector > AGRI), minlength=n)
        self.idle_land += self.land_intensity() * freed
        self.land_stock -= self.land_intensity() * freed
        firms.weight = firms.weight * (1.0 - exit_share)
        # an agent thinned to nothing (all of its firms gone) leaves the population
        survivors = firms.weight > 0
        for key in ("revenue", "profit", "after_tax", "cit_rate", "eligible"):
            inc[key] = inc[key][survivors]
        firms.keep(survivors)

        # --- relocation: candidates compare after-tax profit across provinces
        moves_in, moves_out, subsidy = self._relocate(inc, ins)

        # --- investment: desired capital from the user cost; financed by retained profit + credit
        cit_rate, eligible = self._firm_tax_rates(ins)
        user_cost = self._user_cost(ins, eligible, cit_rate)
        gap = self._capital_gap(ins, user_cost)
        dep = p["firms.depreciation"] * firms.capital
        gross = gross_investment(firms.capital, gap, p["firms.depreciation"],
                                 p["firms.investment_adjustment"])
        retained = (1 - p["households.dividend_payout"]) * np.maximum(inc["after_tax"], 0.0)
        funds = retained + p["firms.credit_capacity"] * firms.capital
        funds = np.where(firms.state, np.inf, funds)  # state firms: soft budget constraint
        gross = np.minimum(gross, funds)
        expansion = np.maximum(gross - dep, 0.0) * (firms.sector > AGRI)

        # --- entry: attractiveness relative to the national mean of the sector
        h = self._profitability(ins)
        va = prod["volume"]
        mean_h = np.array([np.average(h[:, s], weights=np.maximum(va[:, s], 1e-9)) for s in range(3)])
        attract = np.clip(h / mean_h[None, :], 0.5, 2.0) ** p["firms.entry_elasticity"]
        real_firms = firms.totals(np.ones(firms.n), n, by_sector=True)
        # firms sent under pairing assistance (§35): entry in recipients rises with the
        # assistance received relative to their GDP
        pairing_firms = 1.0 + p["firms.pairing_entry_effect"] * 100.0 * np.divide(
            self.pairing_received, prod["real"], out=np.zeros(n), where=prod["real"] > 0)
        boost = np.repeat((pairing_firms * (1.0 + self._return_entrepreneurship(ins)))[:, None], 3, axis=1)
        boost[:, INDUSTRY] *= 1.0 + ins.fdi_entry_boost  # foreign-invested tradable firms (§32)
        entrants_real = (p["firms.entry_rate"] * real_firms * attract * boost
                         * (1 - ins.entry_barrier) / (1 - self.reference_levers["industry.negative_list_entry_barrier"]))
        # however strong the pull, a cell's firm count grows by at most `firms.max_entry_rate`
        # a year through entry: founders, credit and land are finite, and the boosts (pairing
        # assistance per unit of GDP, returners) are measured against a GDP that can shrink
        entrants_real = np.minimum(entrants_real, p["firms.max_entry_rate"] * real_firms)
        agents_f = np.nan_to_num(entrants_real / self.cell_agent_weight, nan=0.0, posinf=0.0)
        agents_f = np.clip(agents_f, 0.0, None)
        # systematic sampling: fractional entrant agents carry over to the next year, so the
        # number of entrants does not depend on the seed
        self.entry_backlog = self.entry_backlog + agents_f
        agents_n = np.floor(self.entry_backlog).astype(np.int64)
        self.entry_backlog -= agents_n
        check_agent_growth(self, "firm entry", firms.n, agents_n, self.firm_agent_limit)
        entrants = self._make_entrants(agents_n, ins)
        entrant_land_k = entrants.capital * entrants.weight * (entrants.sector > AGRI)

        # --- land: quota + idle land against expansion and entrants
        ins_ = ins
        gdp_share = prod["real"] / prod["real"].sum()
        # unprotected unused land (desert, Gobi) weighs the western unused-land quota
        unused_weight = np.where(geo.west, geo.area_km2 * p["land.unused_land_share"]
                                 * (1 - ins_.protected_share), 0.0)
        quota = land.allocate_quota(self.national_land_quota, gdp_share, geo.west,
                                    ins_.land_west_share, ins_.land_unused_quota, unused_weight)
        ell = self.land_intensity()
        request = ell * (np.bincount(firms.province, weights=expansion * firms.weight, minlength=n)
                         + np.bincount(entrants.province, weights=entrant_land_k, minlength=n))
        quota = np.maximum(quota - self.relocation_land_from_quota, 0.0)
        outcome = land.clear(request, quota, self.idle_land, geo.west, ins_.land_trading_share,
                             p["land.quota_price_100m_yuan_per_km2"])
        self._land_outcome = outcome
        g = outcome.granted_share
        from_idle = np.minimum(self.idle_land, outcome.used)
        self.idle_land -= from_idle
        self.land_stock += outcome.used
        # rationing: expansions and entrants scaled by the granted share
        gross = np.where(firms.sector > AGRI, gross - expansion * (1 - g[firms.province]), gross)
        # energy-consumption control caps growth of energy-intensive capital
        ei_cap = np.maximum(firms.totals(firms.capital * firms.energy_intensive, n) * ins.energy_cap_growth
                            - self.ei_inflow, 0.0)
        ei_growth = np.bincount(firms.province, weights=np.where(firms.energy_intensive, (gross - dep) * firms.weight, 0.0), minlength=n)
        ei_scale = np.where(ei_growth > ei_cap, np.divide(ei_cap, ei_growth, out=np.ones(n), where=ei_growth > 0), 1.0)
        gross = np.where(firms.energy_intensive & (gross > dep),
                         dep + (gross - dep) * ei_scale[firms.province], gross)
        # duty exemption cost: tariff forgone on imported equipment of eligible western firms
        if ins.values["fiscal.equipment_duty_exemption"]:
            elig_west = eligible & geo.west[firms.province]
            self._duty_cost = float((gross * firms.weight * elig_west).sum()
                                    * p["firms.imported_equipment_share"] * p["firms.equipment_tariff"])
        else:
            self._duty_cost = 0.0
        firms.capital = (1 - p["firms.depreciation"]) * firms.capital + gross
        # rationed entrants: each entrant agent stands for fewer firms (deterministic thinning)
        entrants.weight = entrants.weight * np.where(entrants.sector > AGRI, g[entrants.province], 1.0)
        entrants.keep(entrants.weight > 0)
        self.investment = firms.totals(gross, n) + np.bincount(entrants.province, weights=entrants.capital * entrants.weight, minlength=n)
        firms.append(entrants)
        firms.age = firms.age + 1
        entries = np.bincount(entrants.province, weights=entrants.weight, minlength=n)
        self._relocation_subsidy = subsidy
        self._move_support_costs_paid = getattr(self, "_move_support_costs", {})
        return {"exits": exits, "entries": entries, "moves_in": moves_in, "moves_out": moves_out}

    def _capital_gap(self, ins: Instruments, user_cost: np.ndarray) -> np.ndarray:
        """ln(K*/K) per firm at expected prices; the user cost is scaled by the province's
        required-return factor calibrated to the start year's investment."""
        firms = self.firms
        cell = firms.cell()
        wedge = np.where(firms.energy_intensive, self._cost_wedge(ins)[firms.province], 1.0)
        y = (self.loc_tfp.ravel()[cell] * firms.tfp * wedge * firms.capital ** self.alpha
             * np.maximum(firms.labour, 1e-12) ** self.beta)
        zone = (firms.zone_draw < self.p["firms.zone_share_west"]) & self.geo.west[firms.province]
        relief = np.where(zone, ins.vat_zone_relief[firms.province] * self.vat / (1 - self.vat), 0.0)
        revenue_net = y * self._price_net(ins).ravel()[cell] * (1.0 + relief)
        return log_capital_gap(firms.capital, revenue_net,
                               user_cost * self.required_return_scale.ravel()[cell],
                               self.alpha, self.beta)

    def _calibrate_investment(self, ins: Instruments) -> None:
        """Required-return factor per province × sector so that firms' start-year gross
        investment equals their share of observed gross fixed capital formation (data),
        split across a province's sectors in proportion to their capital. It stands for what
        the user cost leaves out (risk premia, financing frictions, and in agriculture the
        land and the tax exemption that the one-elasticity technology does not price) and is
        held fixed. Calibrating by sector, not only by province, means no sector starts with a
        spurious capital gap: with a province-wide factor, untaxed, capital-light agriculture
        drew capital from industry year after year."""
        p, firms = self.p, self.firms
        n = self.geo.n
        capital = firms.totals(firms.capital, n, by_sector=True)
        target = (p["production.firm_capital_share"] * self.obs.gfcf)[:, None] * capital / np.maximum(
            capital.sum(axis=1, keepdims=True), 1e-12)
        cit_rate, eligible = self._firm_tax_rates(ins)
        base_cost = self._user_cost(ins, eligible, cit_rate)
        # ln(K*/K) falls by ln(scale)/(1 − α/(1−β)) when the required return is scaled, so the
        # gap at scale 1 is computed once and shifted in the bisection
        self.required_return_scale = np.ones((n, 3))
        gap_at_one = self._capital_gap(ins, base_cost)
        shift = 1.0 / (1.0 - self.alpha / (1.0 - self.beta))
        cell = firms.cell()
        lo, hi = np.full((n, 3), -5.0), np.full((n, 3), 5.0)
        for _ in range(40):  # bisection on ln(scale): 10/2^40 is far below any economic precision
            mid = 0.5 * (lo + hi)
            gap = gap_at_one - shift * mid.ravel()[cell]
            inv = firms.totals(gross_investment(firms.capital, gap, p["firms.depreciation"],
                                                p["firms.investment_adjustment"]), n, by_sector=True)
            too_much = inv > target
            lo = np.where(too_much, mid, lo)
            hi = np.where(too_much, hi, mid)
        self.required_return_scale = np.exp(0.5 * (lo + hi))
        self.investment = inv.sum(axis=1)

    def land_intensity(self) -> float:
        """Construction land per unit of non-farm capital (km² per 100m yuan), falling by
        `land.intensity_decline` a year from the start year (denser use of land)."""
        p = self.p
        return p["land.km2_per_100m_yuan"] * (1 - p["land.intensity_decline"]) ** (self.year - self.start_year)

    def _calibrate_land_quota(self, ins: Instruments) -> None:
        """The national yearly quota for firms' new construction land: a share
        (`land.quota_to_demand`) of what firms would convert in the start year — expansion of
        non-farm capital at the calibrated investment plus entrants, less land freed by exits.
        Held fixed in km² (the national land-use plan does not grow with demand)."""
        p, firms = self.p, self.firms
        cit_rate, eligible = self._firm_tax_rates(ins)
        gap = self._capital_gap(ins, self._user_cost(ins, eligible, cit_rate))
        gross = gross_investment(firms.capital, gap, p["firms.depreciation"],
                                 p["firms.investment_adjustment"])
        nonfarm = firms.sector > AGRI
        expansion = np.maximum(gross - p["firms.depreciation"] * firms.capital, 0.0) * nonfarm
        entrants = p["firms.entry_rate"] * p["firms.entrant_size"] * firms.capital * nonfarm
        freed = p["firms.exit_hazard"] * firms.capital * nonfarm
        demand = self.land_intensity() * float(
            ((expansion + entrants - freed) * firms.weight).sum())
        self.national_land_quota = p["land.quota_to_demand"] * max(demand, 0.0)

    def _return_entrepreneurship(self, ins: Instruments) -> np.ndarray:
        """Extra entry in western provinces from support to returning migrants (§21):
        support × share of the province's hukou holders who live elsewhere (potential returners)."""
        n = self.geo.n
        away = self.census.by_hukou[:, 0]
        hukou_pop = self.census.by_hukou.sum(axis=1)
        share = np.divide(away, hukou_pop, out=np.zeros(n), where=hukou_pop > 0)
        return (self.geo.west * float(ins.values["talent.return_entrepreneurship_support"]) * share
                * self.p["talent.returner_entry_multiplier"])

    def _make_entrants(self, agents_n: np.ndarray, ins: Instruments) -> FirmPopulation:
        p, firms = self.p, self.firms
        n = self.geo.n
        rng = self.rng
        cell = np.repeat(np.arange(n * 3), agents_n.ravel())
        m = cell.size
        province = (cell // 3).astype(np.int16)
        sector = (cell % 3).astype(np.int8)
        fc = firms.cell()
        wsum = np.bincount(fc, weights=firms.weight, minlength=n * 3)
        mean_log_a = np.bincount(fc, weights=firms.weight * np.log(firms.tfp), minlength=n * 3) / np.maximum(wsum, 1e-12)
        mean_log_k = np.bincount(fc, weights=firms.weight * np.log(firms.capital), minlength=n * 3) / np.maximum(wsum, 1e-12)
        weight = self.cell_agent_weight.ravel()[cell]
        # foreign-invested entrants (§32 catalogue) come from a higher productivity band
        fdi_share = np.where(sector == INDUSTRY, ins.fdi_entry_boost[province]
                             / (1.0 + ins.fdi_entry_boost[province]), 0.0)
        log_a = (mean_log_a[cell] + np.log(p["firms.entrant_productivity"])
                 + np.log1p(fdi_share * (p["firms.fdi_productivity_premium"] - 1.0))
                 + p["firms.tfp_noise"] / np.sqrt(weight) * rng.standard_normal(m))
        capital = (np.exp(mean_log_k[cell]) * p["firms.entrant_size"]
                   * rng.lognormal(0.0, p["firms.capital_intensity_dispersion"], m))
        state = np.zeros(m, dtype=bool)
        energy = (sector == INDUSTRY) & (rng.random(m) < p["firms.energy_intensive_share"])
        return FirmPopulation(
            province=province, sector=sector, weight=weight,
            tfp=np.exp(log_a), capital=capital, labour=np.zeros(m), state=state,
            energy_intensive=energy, catalogue_draw=rng.random(m), zone_draw=rng.random(m),
            origin=np.full(m, -1, dtype=np.int16), loss_years=np.zeros(m, dtype=np.int8),
            age=np.zeros(m, dtype=np.int16))

    def _relocate(self, inc: dict, ins: Instruments):
        """Private firms reconsider their location with a yearly probability; a firm moves to
        its best province when the present value of the after-tax profit gain beats the moving
        cost net of relocation support (§12/§32). Energy-intensive firms moving to the west
        count the power-price advantage only if the §4 lever is on, within the energy cap."""
        p, geo, firms = self.p, self.geo, self.firms
        n = geo.n
        rng = self.rng
        consider = (~firms.state) & (firms.sector > AGRI) & (rng.random(firms.n) < p["firms.relocation_consider_rate"])
        idx = np.flatnonzero(consider)
        zeros = np.zeros(n)
        self.relocation_land_from_quota = zeros
        self.ei_inflow = zeros
        self._move_support_costs = {}
        if idx.size == 0:
            return zeros, zeros, zeros
        h = self._profitability(ins, after_tax=False)
        size = (firms.tfp[idx] * firms.capital[idx] ** self.alpha) ** (1 / (1 - self.beta))
        sector = firms.sector[idx]
        origin = firms.province[idx].astype(np.int64)
        eligible_draw = firms.catalogue_draw[idx]
        tax = np.where(eligible_draw[:, None] < ins.catalogue_coverage[None, :],
                       ins.cit_encouraged[None, :], p["firms.cit_standard_rate"])  # (m, 31); movers are non-farm
        operating = size[:, None] * h[:, sector].T  # (m, 31)
        if ins.values["industry.energy_intensive_to_clean_west"]:
            # steered firms weigh the level of the western power-price advantage (§4), which
            # the start-year location factors otherwise take as given
            ei = firms.energy_intensive[idx]
            advantage = (1.0 + p["firms.power_cost_share"] * ins.power_discount) ** (1 / (1 - self.beta))
            operating = operating * np.where(ei[:, None], advantage[None, :], 1.0)
        after_tax = operating * (1 - tax)
        gain = after_tax - after_tax[np.arange(idx.size), origin][:, None]
        moving_cost = self._moving_cost(firms.capital[idx][:, None], origin[:, None],
                                        np.arange(n)[None, :])  # (m, 31)
        dest_support, origin_support = self._move_support(ins, origin[:, None], np.arange(n)[None, :],
                                                          firms.energy_intensive[idx][:, None])
        # support is offered within each government's programme cap: a first pass finds the
        # subsidies firms would claim, a second scales support where they exceed the cap
        cap = self._programme_cap()
        cum_dest, cum_origin = np.ones(n), np.ones(n)
        for _ in range(3):
            value = (gain * p["firms.relocation_horizon_years"]
                     - moving_cost * (1 - dest_support - origin_support))
            value[np.arange(idx.size), origin] = 0.0
            best = np.argmax(value, axis=1)
            move = value[np.arange(idx.size), best] > 0
            movers, dest = idx[move], best[move]
            rows = np.flatnonzero(move)
            claims_dest = np.bincount(dest, weights=moving_cost[rows, dest] * dest_support[rows, dest]
                                      * firms.weight[movers], minlength=n)
            claims_origin = np.bincount(origin[rows], weights=moving_cost[rows, dest]
                                        * origin_support[rows, dest] * firms.weight[movers], minlength=n)
            scale_dest = np.where(claims_dest > cap, cap / np.maximum(claims_dest, 1e-300), 1.0)
            scale_origin = np.where(claims_origin > cap, cap / np.maximum(claims_origin, 1e-300), 1.0)
            if (scale_dest >= 1.0).all() and (scale_origin >= 1.0).all():
                break
            cum_dest, cum_origin = cum_dest * scale_dest, cum_origin * scale_origin
            dest_support = dest_support * scale_dest[None, :]
            origin_support = origin_support * scale_origin[origin][:, None]
        if movers.size == 0:
            return zeros, zeros, zeros
        # energy cap (§16) on inward moves of energy-intensive capital (what is left of the cap
        # after inflows limits investment growth later in the year)
        ei = firms.energy_intensive[movers]
        if ei.any():
            cap = firms.totals(firms.capital * firms.energy_intensive, n) * ins.energy_cap_growth
            want = np.bincount(dest[ei], weights=(firms.capital * firms.weight)[movers][ei], minlength=n)
            allow = np.where(want > cap, np.divide(cap, want, out=np.zeros(n), where=want > 0), 1.0)
            ok = ~ei | (rng.random(movers.size) < allow[dest])
            movers, dest = movers[ok], dest[ok]
        src = firms.province[movers].astype(np.int64)
        w = firms.weight[movers]
        ei_m = firms.energy_intensive[movers]
        self.ei_inflow = np.bincount(dest[ei_m], weights=(firms.capital[movers] * w)[ei_m], minlength=n)
        moves_out = np.bincount(src, weights=w, minlength=n)
        moves_in = np.bincount(dest, weights=w, minlength=n)
        # the moving cost uses up capital; subsidies (destination's transfer support, origin's
        # enclave-park help) pay part of it, so the firm loses only its own share
        cost = self._moving_cost(firms.capital[movers], src, dest)
        parts = self._move_support(ins, src, dest, firms.energy_intensive[movers], split=True)
        # what the firms decided on: the support shares scaled in the passes above; then a hard
        # cap — a government never pays more than its cap, the firm bears the rest
        reloc, ei_help = parts["relocation"] * cum_dest[dest], parts["energy_intensive"] * cum_dest[dest]
        enclave_help = parts["enclave"] * cum_origin[src]
        claim_d = np.bincount(dest, weights=cost * (reloc + ei_help) * w, minlength=n)
        claim_o = np.bincount(src, weights=cost * enclave_help * w, minlength=n)
        hard_d = np.where(claim_d > cap, cap / np.maximum(claim_d, 1e-300), 1.0)[dest]
        hard_o = np.where(claim_o > cap, cap / np.maximum(claim_o, 1e-300), 1.0)[src]
        reloc, ei_help, enclave_help = reloc * hard_d, ei_help * hard_d, enclave_help * hard_o
        dest_s, origin_s = reloc + ei_help, enclave_help
        subsidy = (np.bincount(dest, weights=cost * dest_s * w, minlength=n)
                   + np.bincount(src, weights=cost * origin_s * w, minlength=n))
        self._move_support_costs = {
            "industry.relocation_support_share": float((cost * reloc * w).sum()),
            "industry.energy_intensive_to_clean_west": float((cost * ei_help * w).sum()),
            "industry.enclave_tax_share_to_origin": float((cost * enclave_help * w).sum()),
        }
        # land: the firm's land at the origin becomes idle; at the destination it takes idle
        # land first, and what idle land cannot cover comes out of this year's quota
        ell = self.land_intensity()
        land_out = ell * np.bincount(src, weights=firms.capital[movers] * w, minlength=n)
        land_in = ell * np.bincount(dest, weights=(firms.capital[movers] - cost * (1 - dest_s - origin_s)) * w,
                                    minlength=n)
        self.idle_land += land_out
        self.land_stock += land_in - land_out
        from_idle = np.minimum(self.idle_land, land_in)
        self.idle_land -= from_idle
        self.relocation_land_from_quota = land_in - from_idle
        enclave = (float(ins.values["industry.enclave_tax_share_to_origin"]) > 0) & geo.west[dest] & ~geo.west[src]
        firms.origin[movers] = np.where(enclave, src, firms.origin[movers]).astype(np.int16)
        province = firms.province.copy()
        province[movers] = dest
        firms.province = province
        firms.capital[movers] -= cost * (1 - dest_s - origin_s)
        return moves_in, moves_out, subsidy

    def _moving_cost(self, capital, origin, dest) -> np.ndarray:
        """Capital used up by a move: a share of capital, rising with distance."""
        p = self.p
        return capital * p["firms.moving_cost_share"] * (
            1 + self.geo.distance_km[origin, dest] / 1000.0 * p["firms.moving_cost_per_1000km"])

    def _move_support(self, ins: Instruments, origin, dest, energy_intensive, split: bool = False):
        """Shares of a move's cost paid by the destination (industrial-transfer support for moves
        into the west from outside it, §12/§32; extra for energy-intensive firms steered into the
        west, §4) and by the origin (help for firms moving into co-built enclave parks, §13).
        Returns (destination share, origin share), or the three parts with `split`."""
        p, west = self.p, self.geo.west
        into_west = west[dest] & ~west[origin]
        reloc = ins.relocation_support[dest] * into_west
        ei = (energy_intensive * into_west * p["firms.energy_intensive_move_support"]
              if ins.values["industry.energy_intensive_to_clean_west"] else 0.0 * reloc)
        enclave = (float(ins.values["industry.enclave_tax_share_to_origin"])
                   * p["firms.enclave_cost_relief"] * into_west)
        total = reloc + ei + enclave
        scale = np.where(total > 0.9, 0.9 / np.maximum(total, 1e-12), 1.0)
        if split:
            return {"relocation": reloc * scale, "energy_intensive": ei * scale, "enclave": enclave * scale}
        return (reloc + ei) * scale, enclave * scale

    # ------------------------------------------------------------------ the year
    def step(self) -> None:
        """Advance one year (see the module docstring for the order)."""
        self.year += 1
        p = self.p
        ex = self.scenario.exogenous_values(self.year)
        ins = instruments(self.scenario.lever_values(self.year), self.geo, p)
        self.instruments = ins
        self.employer_si = ins.values["industry.employer_si_rate"] + p["labour.other_employer_si_rate"]

        births, deaths = self._demography(ex)                       # 1. demography
        self._update_public_capital(ins)                            # 2. public capital, access
        self._update_gate_prices(ins, ex)
        self._catch_up(ins, ex)                                     # 3. technology
        employed_units = self._labour_market(ins)                   # 4. jobs and production
        prod = self._produce(employed_units, ins)
        inc = self._incomes(prod, ins)                              # 5. incomes and taxes
        budgets, central, costs = self._budgets(prod, inc, ins)     # 6. government
        self.debt = self.debt + self.net_new_debt
        self.si_fund = self.si_fund + inc["si"]["fund_change"]
        self.fiscal_inflow = budgets.spending() - budgets.own_revenue()
        dyn = self._firm_dynamics(prod, inc, ins)                   # 7. firm dynamics
        net_migration = self._households(inc, ins)                  # 8. migration, hukou, skills

        productivity = prod["real"].sum() / max(employed_units.sum(), 1e-12)
        self.productivity_growth = productivity / self.productivity
        self.productivity = productivity
        self.last_gdp = prod["real"]                                # 9. record and check
        flows = self._flows(prod, inc, budgets, central, costs, self._land_outcome, net_migration,
                            births, deaths, dyn["entries"], dyn["exits"], dyn["moves_in"],
                            dyn["moves_out"])
        self.recorder.record(flows)
        check_year(self, flows)

    # ------------------------------------------------------------------ submodels of the step
    def _demography(self, ex: dict) -> tuple[np.ndarray, np.ndarray]:
        """Ageing, deaths (age-specific rates × the exogenous mortality multiplier) and births
        (the exogenous crude birth rate). Returns (births, deaths) by province, persons."""
        n, w = self.geo.n, self.workers
        # births per person aged 15–44 from the crude birth rate and last year's age structure
        birth_prob = self._birth_probability(ex["birth_rate_per_1000"])
        # the census is updated by difference: only agents that age, die or are born change it
        aged, was_employed = wk.age(w, self.rng)
        census = wk.update_census(
            self.census,
            minus=wk.census_counts(n, w.weight[aged], w.residence[aged], w.hukou[aged],
                                   w.age[aged] - 1, w.skill[aged], was_employed),
            plus=wk.census_counts(n, w.weight[aged], w.residence[aged], w.hukou[aged],
                                  w.age[aged], w.skill[aged], w.employed[aged]))
        dead = wk.deaths(w, self.mortality * ex["mortality_multiplier"], self.rng)
        deaths = dead.population(n)
        census = wk.update_census(census, minus=wk.counts_of(dead, n))
        n_before = w.n
        births = wk.births(w, birth_prob, self.rng)
        new = slice(n_before, None)
        census = wk.update_census(census, plus=wk.census_counts(
            n, w.weight[new], w.residence[new], w.hukou[new], w.age[new], w.skill[new], w.employed[new]))
        self.census = census
        self.labour_census = census.labour(self.participation, self.efficiency)
        return births, deaths

    def _update_public_capital(self, ins: Instruments) -> None:
        """Last year's infrastructure and public-service spending enters the stocks; network
        quality, market access and location productivity follow."""
        p, geo = self.p, self.geo
        last_b = self._last_budgets
        self.k_infra = (1 - p["infrastructure.depreciation"]) * self.k_infra + last_b["infrastructure"]
        # public-service spending builds public-service capital
        # (the staff wage premium is paid from the talent budget; it does not dilute this)
        self.k_public = (1 - p["public.capital_depreciation"]) * self.k_public + last_b["public_services"]
        # staff quality (retention) moves towards what the premium sustains, plus cadres sent
        # under pairing assistance (§35), as staff turn over
        # (the cadres' weight is the assistance's share of the resources for public services)
        assistance = self.pairing_received
        cadres = 1.0 + p["talent.pairing_cadre_effect"] * np.divide(
            assistance, assistance + last_b["public_services"],
            out=np.zeros(geo.n), where=assistance > 0)
        target_quality = (1.0 + ins.wage_premium) ** p["public.quality_wage_elasticity"] * cadres
        self.staff_quality += p["public.staff_turnover"] * (target_quality - self.staff_quality)
        self.quality = self.quality0 * (self.k_infra / self.k_infra0) ** p["infrastructure.quality_elasticity"]
        self.market_access = goods.market_access(self.last_gdp, self.quality, geo.distance_km,
                                                 p["infrastructure.distance_decay"])
        self.loc_tfp = self.loc_tfp0 * (self.market_access / self.market_access0)[:, None] \
            ** p["infrastructure.access_tfp_elasticity"]

    def _update_gate_prices(self, ins: Instruments, ex: dict) -> None:
        """What tradable producers get at the gate relative to the start year: domestic trade
        costs fall with relative market access, foreign ones with corridors (§9); border trade
        and free-trade zones widen the foreign share (§10–§11); western resource industry gains
        from local processing (§32), transmission capacity (§4) and commodity prices."""
        p, geo = self.p, self.geo
        n = geo.n
        ma_rel = (self.market_access / self.market_access0) / (self.market_access.sum() / self.market_access0.sum())
        domestic_cost = self.domestic_cost0 * ma_rel ** (-p["goods.trade_cost_access_elasticity"])
        foreign0 = p["goods.foreign_trade_cost"]
        foreign_cost = foreign0 * (1 - ins.foreign_cost_cut)
        # reaching more foreign buyers (border trade, free-trade zones) raises what the foreign
        # share of sales earns in proportion to the reach
        share_f = np.clip(self.foreign_share, 0.0, 0.95)
        gate = ((1 - share_f) * (1 + self.domestic_cost0) / (1 + domestic_cost)
                + share_f * ins.foreign_reach * (1 + foreign0) / (1 + foreign_cost))
        resource = self.resource_share * np.where(geo.west, 1.0, 0.0)
        ref = self.reference_levers
        processing = 1.0 + p["energy.processing_margin"] * resource * (
            ins.processing_share - np.where(geo.west, ref["industry.local_processing_share"], 0.0))
        transmission = (np.maximum(ins.transmission, 0.05)
                        / np.maximum(np.where(geo.west, ref["energy.west_east_transmission_index"], 1.0), 0.05)
                        ) ** (p["energy.transmission_elasticity"] * resource)
        commodity = 1.0 + self.resource_share * (ex["commodity_price_index"] - 1.0)
        self.gate = np.column_stack([gate, gate * processing * transmission * commodity, np.ones(n)])

    def _catch_up(self, ins: Instruments, ex: dict) -> None:
        """The frontier grows at the exogenous rate; each province-sector's mean productivity
        closes part of its gap, faster with skills, market access and (in the west) innovation
        platforms (§2); firms also draw idiosyncratic shocks."""
        p, n, firms = self.p, self.geo.n, self.firms
        g = ex["frontier_tfp_growth"] / 100.0
        self.log_frontier = self.log_frontier + g
        cell = firms.cell()
        wsum = np.bincount(cell, weights=firms.weight, minlength=n * 3)
        mean_log = np.bincount(cell, weights=firms.weight * np.log(firms.tfp), minlength=n * 3) / np.maximum(wsum, 1e-12)
        gap = np.maximum(self.log_frontier[None, :] - mean_log.reshape(n, 3), 0.0)
        skilled = self._skilled_share()
        pop = self.census.population
        speed = (p["firms.catch_up_rate"]
                 * (skilled / np.average(skilled, weights=pop)) ** p["firms.catch_up_skill_elasticity"]
                 * (self.market_access / np.average(self.market_access, weights=pop)) ** p["firms.catch_up_access_elasticity"]
                 * ins.catch_up_boost)
        # idiosyncratic shocks are per real firm; an agent's shock is the mean of its `weight`
        # firms' shocks, so aggregate noise does not depend on the resolution
        noise = p["firms.tfp_noise"] / np.sqrt(np.maximum(firms.weight, 1.0))
        firms.tfp = firms.tfp * np.exp(g + (speed[:, None] * gap).ravel()[cell]
                                       + noise * self.rng.standard_normal(firms.n) - 0.5 * noise**2)

    def _labour_market(self, ins: Instruments) -> np.ndarray:
        """Wages move part of the way to clearing; jobs are found and lost towards the
        demand-determined employment target. Returns employed efficiency units by province."""
        p, n, firms = self.p, self.geo.n, self.firms
        _, lf_units = self._labour_units()
        si_load = 1.0 + self.employer_si * p["labour.si_coverage"]
        labour_cost = self.wage * si_load / 1e8
        cell = firms.cell()
        wedge = np.where(firms.energy_intensive, self._cost_wedge(ins)[firms.province], 1.0)
        demand = labour_demand(self._price_net(ins).ravel()[cell], self.loc_tfp.ravel()[cell],
                               firms.tfp * wedge, firms.capital, labour_cost[firms.province],
                               self.alpha, self.beta)
        demand_units = firms.totals(demand, n)
        supply_target = lf_units * (1 - p["labour.natural_unemployment"])
        # wage norms index last year's wage to labour-productivity growth; the market then
        # moves it part of the way to clearing
        indexed = self.wage * self.productivity_growth
        demand_units = labour.demand_at(demand_units, self.wage, indexed, self.beta)
        old_wage = indexed
        self.wage = labour.update_wage(indexed, demand_units, supply_target, self.beta,
                                       p["labour.wage_adjustment"], p["labour.max_wage_fall"])
        demand_new = labour.demand_at(demand_units, old_wage, self.wage, self.beta)
        target = np.minimum(demand_new, lf_units * (1 - p["labour.minimum_unemployment"]))
        sector_demand = firms.totals(demand, n, by_sector=True)
        sector_share = sector_demand / np.maximum(sector_demand.sum(axis=1, keepdims=True), 1e-12)
        lab = self.labour_census
        changed = wk.job_flows(self.workers, self.efficiency, target, p["labour.separation_rate"],
                               self.participation, sector_share, self.rng,
                               lab["employed_units"], lab["force_units"])
        self.census = wk.recount_jobs(self.census, self.workers, changed)
        self.labour_census = self.census.labour(self.participation, self.efficiency)
        return self._labour_units()[0]

    def _households(self, inc: dict, ins: Instruments) -> np.ndarray:
        """Migration by the logit, hukou conversion, skill upgrading. Returns net migration by
        province (persons)."""
        p, n, w, rng = self.p, self.geo.n, self.workers, self.rng
        state_before = (w.residence.copy(), w.hukou.copy(), w.skill.copy(), w.employed.copy())
        # expectations are adaptive (`migration.expectation_weight` on the latest expected
        # income): news of a gap reaches potential migrants through their networks over a few
        # years, so flows follow persistent gaps, not last year's swing. With full weight on
        # the latest year, arrivals (who start unemployed) lower a destination's expected
        # income, the flow reverses the next year, and between close provinces with a strong
        # income weight the swings grew until a province emptied (issue 14)
        lam = p["migration.expectation_weight"]
        self.migrant_expected_income = np.exp(
            (1 - lam) * np.log(self.migrant_expected_income) + lam * np.log(self._expected_income(inc)))
        income = self.migrant_expected_income
        v = self.migration.utilities(income, self._services_for_migration(), ins.migrant_access,
                                     ins.portability_cost, ins.skilled_incentive * self._incentive_scale)
        prob = self.migration.probabilities(v)
        before = w.residence.copy()
        movers = draw_moves(w, prob, rng)
        self.migration_in = np.bincount(w.residence[movers], weights=w.weight[movers], minlength=n)
        self.migration_out = np.bincount(before[movers], weights=w.weight[movers], minlength=n)
        grant_rate = p["demography.hukou_grant_rate"] * (1 + ins.migrant_access)
        grant = wk.draw_events(w.n, grant_rate, lambda idx: grant_rate * (w.hukou[idx] != w.residence[idx]), rng)
        w.hukou[grant] = w.residence[grant]
        wk.upgrade_skills(w, ins.young_upgrade, ins.adult_upgrade, rng)
        # update the census by difference over the agents that moved, got hukou or upgraded
        res0, huk0, sk0, emp0 = state_before
        changed = np.flatnonzero((w.residence != res0) | (w.hukou != huk0) | (w.skill != sk0)
                                 | (w.employed != emp0))
        self.census = wk.update_census(
            self.census,
            minus=wk.census_counts(n, w.weight[changed], res0[changed], huk0[changed],
                                   w.age[changed], sk0[changed], emp0[changed]),
            plus=wk.census_counts(n, w.weight[changed], w.residence[changed], w.hukou[changed],
                                  w.age[changed], w.skill[changed], w.employed[changed]))
        self.labour_census = self.census.labour(self.participation, self.efficiency)
        return self.migration_in - self.migration_out

    def _skilled_share(self) -> np.ndarray:
        n = self.geo.n
        sk = self.census.skilled_working
        tot = self.census.working
        return np.divide(sk, tot, out=np.full(n, 1e-3), where=tot > 0)

    def _flows(self, prod, inc, budgets, central, costs, land_out, net_migration, births, deaths,
               entries, exits, moves_in, moves_out) -> YearFlows:
        self._last_budgets = budgets
        self._last_public_services = budgets["public_services"]
        hh = inc["household_income"]
        return YearFlows(
            year=self.year, gdp=prod["real"], gdp_sector=prod["volume"],
            nominal_gdp=prod["value"].sum(axis=1), employed_persons=inc["employed_persons"],
            labour_force_persons=inc["labour_force_persons"], wage=self.wage,
            household_income=hh, wage_bill=inc["wage_bill"], consumption=hh * self.consumption_rate,
            budgets=budgets, social_insurance=inc["si"], lever_costs=costs,
            net_migration=net_migration, births=births, deaths=deaths, entries=entries, exits=exits,
            relocations_in=moves_in, relocations_out=moves_out, land=land_out, central=central,
            tradable_price=self.tradable_p / self.deflator, deflator=self.deflator,
        )

    def run(self) -> None:
        """Step from the start year to the scenario's end year."""
        end = self.scenario.run.end_year
        while self.year < end:
            self.step()
