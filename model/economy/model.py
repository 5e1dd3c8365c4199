"""The Mesa model: construction from the observed start year, the yearly step, and recording.

A year, in the order `WestDevModel.step` runs it (one module per rule):

    1. demography        ageing, deaths, births                          `demography`
    2. public capital    last year's infrastructure and public-service   `public_capital`,
                         spending enters use; networks, market access,   `trade`
                         location productivity and gate prices update
    3. technology        the frontier grows; firms catch up               `technology`
    4. production        wages adjust, jobs are found and lost, firms     `labour_market`,
                         produce, goods markets clear                     `production`
    5. incomes           wages, profits, taxes, social insurance          `incomes`
    6. government        transfers, horizontal flows, borrowing, each     `government.budgets`
                         province's budget, each lever's cost              (`policy.costs`)
    7. firm dynamics     exit, relocation, entry and investment under     `firms`
                         the land quota
    8. households        migration, hukou, skills                         `households`
    9. record            indicators and the accounting checks             `recorder`, `accounting`

The start year is not stepped: it is the observed economy, with flows computed by the same
rules and the unobserved constants calibrated so that they reproduce the data
(`start_year`). Policy enters once a year, as the instruments built from the year's lever
values (`westdev.policy.instruments`).
"""

from __future__ import annotations

import mesa
import numpy as np

from westdev.economy.accounting import AGENT_GROWTH_LIMIT, check_year
from westdev.economy.agents.province import Province
from westdev.economy.demography import demography
from westdev.economy.firms import firm_dynamics
from westdev.economy.government.budgets import budgets
from westdev.economy.households import households
from westdev.economy.incomes import incomes
from westdev.economy.labour_market import labour_market
from westdev.economy.production import consumer_price_level, produce
from westdev.economy.public_capital import (
    infrastructure_access_index,
    public_services_index,
    update_public_capital,
)
from westdev.economy.recorder import Recorder
from westdev.economy.start_year import calibrate
from westdev.economy.state import (
    BudgetYear,
    EconomyState,
    FirmDynamics,
    Households,
    Incomes,
    Production,
    Setting,
    YearFlows,
    technology,
)
from westdev.economy.technology import catch_up
from westdev.economy.trade import update_gate_prices
from westdev.inputs.initial_state import InitialState
from westdev.inputs.parameters import Parameters, load_parameters
from westdev.inputs.regions import REGION_GROUPS
from westdev.policy.catalogue import default_values
from westdev.policy.instruments import instruments


class WestDevModel(mesa.Model):
    """China's 31 provinces, their firms and workers, stepping yearly from the start year.

    `setting` holds what the run is given (geography, the observed start year, scenario,
    parameters), `calibrated` the start year's calibrated constants, `state` what changes
    from year to year (`westdev.economy.state`)."""

    def __init__(self, initial: InitialState, scenario, parameters: Parameters,
                 rng: np.random.Generator) -> None:
        super().__init__(rng=rng)
        geo = initial.geography
        year = initial.observed.year
        for i in range(geo.n):
            Province(self, i, int(geo.codes[i]), geo.names[i],
                     REGION_GROUPS[geo.region[i]], bool(geo.west[i]))
        provinces = tuple(sorted(self.agents_by_type[Province], key=lambda a: a.index))
        self.setting = Setting(
            geo=geo, obs=initial.observed, scenario=scenario, p=parameters,
            tech=technology(parameters), start_year=year,
            # The start year is the observed economy under the policy then in force: the
            # catalogue's 2019 values for CN2019, the scenario's own (historical) values for
            # other start years. Scenario levers act from the first simulated year.
            reference_levers=(default_values("2019") if year == 2019
                              else scenario.lever_values(year)),
            # a lever's yearly fiscal cost is its direct cost against its no-policy value (the
            # counterfactual without the measure; national measures keep their 2019 value there)
            no_policy=default_values("no_policy"),
            provinces=provinces,
            reference_parameters=load_parameters(scenario.parameter_vintage),
            firm_agent_limit=AGENT_GROWTH_LIMIT * max(initial.firms.n, 1),
            worker_agent_limit=AGENT_GROWTH_LIMIT * max(initial.workers.n, 1),
        )
        self.state = EconomyState(year=year, workers=initial.workers, firms=initial.firms)
        self.recorder = Recorder(geo, scenario.goal.as_dict())
        self.calibrated, prod, inc, year_budgets, investment = calibrate(
            self.state, self.setting, self.rng)
        self.state.pairing_received = year_budgets.pairing_received
        n = geo.n
        zeros = np.zeros(n)
        self._record(prod, inc, year_budgets,
                     FirmDynamics(exits=zeros, entries=zeros, relocation=None,
                                  investment=investment, land=None, duty_cost=0.0),
                     Households(migration_in=zeros, migration_out=zeros), zeros, zeros)

    # ------------------------------------------------------------------ the year
    def step(self) -> None:
        """Advance one year (see the module docstring for the order)."""
        state, setting, calib, rng = self.state, self.setting, self.calibrated, self.rng
        state.year += 1
        ex = setting.exogenous(state.year)
        state.instruments = ins = instruments(setting.scenario.lever_values(state.year),
                                              setting.geo, setting.p)
        state.employer_si = (ins.employer_si_rate
                             + setting.p["labour.other_employer_si_rate"])

        births, deaths = demography(state, setting, ex, rng)                    # 1. demography
        update_public_capital(state, setting, calib, ins, state.pairing_received)  # 2. capital
        update_gate_prices(state, setting, calib, ins, ex)                      #    and access
        catch_up(state, setting, ins, ex, rng)                                  # 3. technology
        employed_units = labour_market(state, setting, ins, rng)                # 4. jobs and
        prod = produce(state, setting, calib, ins, employed_units, ex)          #    production
        inc = incomes(state, setting, calib, ins, prod)                         # 5. incomes
        year = budgets(state, setting, calib, ins, prod, inc)                   # 6. government
        state.debt = state.debt + year.net_new_debt
        state.si_fund = state.si_fund + inc.si["fund_change"]
        state.fiscal_inflow = year.budgets.spending() - year.budgets.own_revenue()
        dyn = firm_dynamics(state, setting, calib, ins, prod, inc,               # 7. firms
                            year.pairing_received, rng)
        moves = households(state, setting, calib, ins, inc, rng)               # 8. households

        productivity = prod.real.sum() / max(employed_units.sum(), 1e-12)
        state.productivity_growth = productivity / state.productivity
        state.productivity = productivity
        state.last_gdp = prod.real
        # what this year leaves for the next: land-quota sales, the duty forgone, move support
        state.last_land = dyn.land
        state.duty_cost_due = dyn.duty_cost
        state.relocation_subsidy_due = dyn.relocation.subsidy
        state.move_support_costs_due = dyn.relocation.support_costs
        state.pairing_received = year.pairing_received
        self._record(prod, inc, year, dyn, moves, births, deaths)               # 9. record

    def run(self) -> None:
        """Step from the start year to the scenario's end year."""
        end = self.setting.scenario.run.end_year
        while self.state.year < end:
            self.step()

    # ------------------------------------------------------------------ recording
    def _record(self, prod: Production, inc: Incomes, year: BudgetYear, dyn: FirmDynamics,
                moves: Households, births: np.ndarray, deaths: np.ndarray) -> None:
        """The year's flows and end-of-year stocks to the recorder, then the checks."""
        state, setting, calib = self.state, self.setting, self.calibrated
        state.last_budgets = year.budgets
        firms, census, n = state.firms, state.census, setting.geo.n
        hh = inc.household_income
        moved = dyn.relocation
        zeros = np.zeros(n)
        flows = YearFlows(
            year=state.year, gdp=prod.real, gdp_sector=prod.volume,
            nominal_gdp=prod.value.sum(axis=1), employed_persons=inc.employed_persons,
            labour_force_persons=inc.labour_force_persons, wage=state.wage,
            household_income=hh, wage_bill=inc.wage_bill, consumption=hh * calib.consumption_rate,
            budgets=year.budgets, social_insurance=inc.si, lever_costs=year.lever_costs,
            net_new_debt=year.net_new_debt, net_migration=moves.net_migration,
            migration_in=moves.migration_in, migration_out=moves.migration_out,
            births=births, deaths=deaths, entries=dyn.entries, exits=dyn.exits,
            relocations_in=moved.moves_in if moved is not None else zeros,
            relocations_out=moved.moves_out if moved is not None else zeros,
            investment=dyn.investment, land=dyn.land, central=year.central,
            tradable_price=state.tradable_p / state.deflator, deflator=state.deflator,
            price_level=consumer_price_level(state, calib),
            public_services_index=public_services_index(state, setting, calib, state.instruments),
            infrastructure_access_index=infrastructure_access_index(state, setting, calib),
            population=census.population, skilled_working=census.skilled_working,
            working=census.working, non_local=census.non_local,
            firms=firms.totals(np.ones(firms.n), n),
            energy_intensive_capital=firms.totals(firms.capital * firms.energy_intensive, n),
            debt=state.debt, infrastructure_capital=state.k_infra,
            public_service_capital=state.k_public, si_fund=state.si_fund,
            network_km=(setting.obs.network_km * (state.quality / calib.quality0)[:, None]).sum(axis=1),
        )
        self.recorder.record(flows)
        check_year(self.setting, self.state, flows)

    # ------------------------------------------------------------------ read-only views
    @property
    def year(self) -> int:
        return self.state.year

    @property
    def geo(self):
        return self.setting.geo

    @property
    def obs(self):
        return self.setting.obs

    @property
    def workers(self):
        return self.state.workers

    @property
    def firms(self):
        return self.state.firms

    @property
    def census(self):
        return self.state.census
