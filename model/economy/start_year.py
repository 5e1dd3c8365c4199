"""Construction: the start year is the observed economy, not a simulated one.

The same rules as a simulated year compute the start year's flows, and the constants the data
do not observe are calibrated so that those flows reproduce the data (ODD §5.3): firms'
capital, labour and own productivity (value added by province and sector), location
productivity, the tax-efficiency factor (local tax revenue), earmarked-transfer shares (budget
expenditure), an income residual (disposable income per head), the consumption rate,
migration amenities and moving cost (net migration and the gross move rate), location factors
(equal after-tax profitability across provinces at start), required-return factors (gross
fixed capital formation by province and sector) and the national land quota.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import AGRI, SERVICES, TRADABLE, gross_investment
from westdev.economy.demography import expected_natural_change, labour_units, take_census
from westdev.economy.firms.profitability import (
    capital_gap,
    land_intensity,
    profitability,
    user_cost,
)
from westdev.economy.government import rules as gov_rules
from westdev.economy.government.budgets import budgets
from westdev.economy.households import services_for_migration
from westdev.economy.incomes import expected_income, firm_tax_rates, incomes
from westdev.economy.indicators import weighted_quantile
from westdev.economy.markets import goods
from westdev.economy.markets.migration import (
    MigrationModel,
    cell_origins,
    cell_population,
    expected_cell_flows,
    flow_derivatives,
    populated_cells,
)
from westdev.economy.production import produce, si_load
from westdev.economy.public_capital import public_services_raw, reference_indices
from westdev.economy.state import (
    BudgetYear,
    Calibrated,
    EconomyState,
    Incomes,
    Production,
    Setting,
)
from westdev.policy.instruments import Instruments, instruments


def calibrate_firms(state: EconomyState, setting: Setting,
                    rng: np.random.Generator) -> tuple[Calibrated, np.ndarray]:
    """Firms' capital, labour and productivity, and the wage, so that value added by province
    and sector and the wage bill (β of value added net of VAT) are as observed. Returns the
    calibrated constants so far and employed efficiency units by province."""
    p, geo, obs, firms, tech = setting.p, setting.geo, setting.obs, state.firms, setting.tech
    n = geo.n
    # --- labour: efficiency units employed, labour cost per unit from the wage-bill share
    take_census(state, setting)
    employed_units, _ = labour_units(state)
    va_cell = obs.gdp[:, None] * obs.sector_share  # (31, 3)
    labour_cost = tech.beta * (1 - tech.vat) * obs.gdp / employed_units  # 100m yuan per unit
    state.wage = labour_cost / si_load(state, setting) * 1e8  # gross wage, yuan per efficiency unit
    state.productivity = obs.gdp.sum() / employed_units.sum()  # national, per efficiency unit
    state.productivity_growth = 1.0

    # --- firms: per-real-firm value added, labour and capital; productivity as residual
    cell = firms.cell()
    size = firms.tfp  # relative size placeholder from the skeleton
    y = va_cell.ravel()[cell] * size
    state_mult = np.where(firms.state, p["firms.state_capital_intensity"], 1.0)
    k_firms = obs.capital * p["production.firm_capital_share"]
    k_weight = va_cell * tech.capital_intensity
    k_cell = k_firms[:, None] * k_weight / k_weight.sum(axis=1, keepdims=True)
    # capital intensity varies across firms (lognormal), so exit on losses is gradual
    kshape = y * state_mult * rng.lognormal(0.0, p["firms.capital_intensity_dispersion"], firms.n)
    kshape_sum = np.bincount(cell, weights=kshape * firms.weight, minlength=n * 3)
    firms.capital = k_cell.ravel()[cell] * kshape / kshape_sum[cell]
    firms.labour = tech.beta * (1 - tech.vat) * y / labour_cost[firms.province]
    a_raw = y / (firms.capital ** tech.alpha * firms.labour ** tech.beta)
    log_a = np.log(a_raw)
    wsum = np.bincount(cell, weights=firms.weight, minlength=n * 3)
    cell_mean = np.bincount(cell, weights=firms.weight * log_a, minlength=n * 3) / wsum
    sector_mean = np.array([np.average(cell_mean.reshape(n, 3)[:, s], weights=va_cell[:, s])
                            for s in range(3)])
    psi = p["firms.location_productivity_share"]
    loc_tfp0 = np.exp(psi * (cell_mean.reshape(n, 3) - sector_mean[None, :]))
    state.loc_tfp = loc_tfp0.copy()
    firms.tfp = a_raw / state.loc_tfp.ravel()[cell]
    cell_agent_weight = (wsum / np.maximum(np.bincount(cell, minlength=n * 3), 1)).reshape(n, 3)
    # the productivity frontier: the 90th percentile of own productivity by sector
    state.log_frontier = np.array([
        weighted_quantile(np.log(firms.tfp[firms.sector == s]), firms.weight[firms.sector == s], 0.9)
        for s in range(3)])
    # small firms (for the §31 credit-spread lever): private firms below the median capital
    small_threshold = weighted_quantile(firms.capital[~firms.state], firms.weight[~firms.state], 0.5)
    state.entry_backlog = np.zeros((n, 3))
    state.land_stock = land_intensity(setting, state.year) * firms.totals(
        firms.capital * (firms.sector > AGRI), n)
    state.idle_land = np.zeros(n)
    calib = _public_capital_and_trade(state, setting)
    calib.loc_tfp0, calib.cell_agent_weight, calib.small_threshold = (
        loc_tfp0, cell_agent_weight, small_threshold)
    return calib, employed_units


def _public_capital_and_trade(state: EconomyState, setting: Setting) -> Calibrated:
    """Public capital, networks, market access and trade shares of the start year."""
    p, geo, obs = setting.p, setting.geo, setting.obs
    n = geo.n
    ins = state.instruments
    state.k_infra = obs.capital * p["infrastructure.capital_share"]
    spend = obs.budget_expenditure
    state.k_public = p["fiscal.public_service_spending_share"] * spend / (
        p["public.capital_depreciation"] + p["public.reference_growth"])
    state.staff_quality = (1.0 + ins.wage_premium) ** p["public.quality_wage_elasticity"]
    quality0 = goods.network_quality(obs.network_km, geo.area_km2, setting.tech.network_weights)
    state.quality = quality0.copy()
    market_access0 = goods.market_access(obs.gdp, state.quality, geo.distance_km,
                                         p["infrastructure.distance_decay"])
    state.market_access = market_access0.copy()
    exports = p["goods.export_share_of_trade"] * obs.trade_to_gdp * obs.gdp  # 100m yuan
    state.gate = np.ones((n, 3))
    state.tradable_p = 1.0
    state.services_p = np.ones(n)
    state.deflator = 1.0
    state.world_demand = 1.0
    state.expected_prices = np.ones((n, 3))
    state.debt = p["fiscal.debt_to_gdp_start"] * obs.gdp
    state.si_fund = np.zeros(n)
    state.last_gdp = obs.gdp.copy()
    return Calibrated(
        loc_tfp0=np.ones((n, 3)), cell_agent_weight=np.ones((n, 3)), small_threshold=0.0,
        k_infra0=state.k_infra.copy(), quality0=quality0, market_access0=market_access0,
        domestic_cost0=p["goods.domestic_trade_cost"] * np.ones(n),
        foreign_share=np.clip(exports / obs.gdp / np.maximum(
            obs.sector_share[:, :2].sum(axis=1), 0.05), 0.01, 0.9),
        resource_share=np.full(n, p["firms.resource_share_industry"]),
        tax_efficiency=np.ones(n), income_residual_rate=np.zeros(n),
        earmarked_share=np.zeros(n), services_share=np.full(n, 0.5),
        exports_base=float(exports.sum()))


def calibrate_accounts(state: EconomyState, setting: Setting, calib: Calibrated,
                       employed_units: np.ndarray) -> tuple[Production, Incomes, BudgetYear]:
    """Production at start (prices 1), incomes and budgets; calibrate what closes them: the
    services share of local income, the absorption share, tax efficiency, earmarked-transfer
    shares, the income residual and the consumption rate."""
    p, obs = setting.p, setting.obs
    ins = state.instruments
    state.fiscal_inflow = obs.budget_expenditure - obs.tax_revenue * (1 + p["fiscal.nontax_ratio"])
    prod = produce(state, setting, calib, ins, employed_units, None, calibrating=True)
    # services share μ so that services value added at price 1 is demanded
    tradable_value = (prod.value * TRADABLE).sum(axis=1)
    services_value = prod.value[:, SERVICES]
    calib.services_share = services_value / (tradable_value + services_value + state.fiscal_inflow)
    total_t, total_n = tradable_value.sum(), services_value.sum()
    calib.absorption_share = (total_t - calib.exports_base) / (total_t + total_n)
    inc = incomes(state, setting, calib, ins, prod)
    calib.tax_efficiency = obs.tax_revenue / inc.local_tax_gross
    inc = incomes(state, setting, calib, ins, prod)
    calib.central_revenue0 = inc.central_tax.sum() + p["fiscal.central_other_tax_rate"] * obs.gdp.sum()
    calib.transition_share = gov_rules.income_gap_shares(obs.income_pc, obs.population)
    year = budgets(state, setting, calib, ins, prod, inc, calibrate_to=obs.budget_expenditure)
    calib.household_income_target = obs.income_pc * obs.population / 1e8
    calib.income_residual_rate = (calib.household_income_target - inc.household_income) / obs.gdp
    inc = incomes(state, setting, calib, ins, prod)
    calib.consumption_rate = obs.consumption_pc / obs.income_pc
    state.fiscal_inflow = year.budgets.spending() - year.budgets.own_revenue()
    return prod, inc, year


def calibrate_migration(state: EconomyState, setting: Setting, calib: Calibrated,
                        inc: Incomes) -> None:
    """Amenities so that expected net migration of the start year equals the observed
    population change less natural increase (persons/yr); the moving cost so that the
    gross inter-provincial move rate of working-age residents is `migration.gross_rate`."""
    p, obs, geo = setting.p, setting.obs, setting.geo
    n = geo.n
    ins = state.instruments
    calib.migration = mig = MigrationModel(
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
    births_exp, deaths_exp = expected_natural_change(state, setting, setting.exogenous(state.year))
    natural = births_exp - deaths_exp
    target_net = obs.population * obs.population_growth - natural
    # the total of net flows must be zero: remove the national residual pro rata
    target_net -= obs.population * target_net.sum() / obs.population.sum()
    pop_cells = cell_population(state.workers, n)
    working = pop_cells.sum()
    target_gross = p["migration.gross_rate"] * working
    income = expected_income(state, setting, inc)
    # migrants' income expectations start at the start year's expected income
    state.migrant_expected_income = income.copy()
    services = services_for_migration(state, setting, calib, ins)
    working_p = pop_cells.sum(axis=(1, 2, 3))
    # only the populated cells matter: most of the 31 × 31 × 2 × 3 are empty
    cells = populated_cells(pop_cells)
    pop = pop_cells.ravel()[cells]
    origin = cell_origins(cells, n)
    # residuals in units of the tolerance: net flows (persons) and the log gross flow
    tol_net = 1e-4 * obs.population.max()

    # utilities are linear in what is calibrated: V = V0 + amenity_d − move_cost·[d ≠ o]
    amenity0, move_cost0 = mig.amenity, mig.move_cost
    mig.amenity, mig.move_cost = np.zeros(n), 0.0
    v0 = mig.utilities(income, services, ins.migrant_access, ins.portability_cost,
                       ins.skilled_incentive, cells=cells)
    away = np.arange(n)[None, :] != origin[:, None]
    mig.amenity, mig.move_cost = amenity0, move_cost0

    def residuals() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        prob = mig.probabilities(v0 + mig.amenity[None, :] - mig.move_cost * away)
        inflow, outflow = expected_cell_flows(pop, prob, origin, n)
        gross = inflow.sum()
        r = np.append((inflow - outflow - target_net) / tol_net, np.log(gross / target_gross) / 1e-4)
        return r, prob, inflow + outflow, gross

    # Newton's method on (amenities, moving cost) with the logit's analytic derivatives and a
    # backtracking line search; amenities are normalised to mean zero (net flows depend on
    # differences only). Where a Newton step does not lower the residual, one damped
    # fixed-point step (net error relative to gross flows, log gross error) is taken instead.
    r, prob, moves, gross = residuals()
    for _ in range(100):
        if np.max(np.abs(r)) < 1e-3:  # a thousandth of the tolerance: Newton gets there in a few steps
            break
        d_net_a, d_net_m, d_gross_a, d_gross_m = flow_derivatives(pop, prob, origin, n)
        jac = np.zeros((n + 2, n + 1))
        jac[:n, :n], jac[:n, n] = d_net_a / tol_net, d_net_m / tol_net
        jac[n, :n], jac[n, n] = d_gross_a / gross / 1e-4, d_gross_m / gross / 1e-4
        jac[n + 1, :n] = 1.0  # Σ amenity stays 0
        step = newton_step(jac, -np.append(r, 0.0), n)
        step *= min(1.0, 2.0 / max(np.max(np.abs(step)), 1e-12))  # at most 2 utility units
        start = (mig.amenity.copy(), mig.move_cost, float(r @ r))
        for _ in range(20):
            mig.amenity, mig.move_cost = start[0] + step[:n], start[1] + float(step[n])
            r_new, prob_new, moves_new, gross_new = residuals()
            if np.all(np.isfinite(r_new)) and r_new @ r_new < start[2]:
                break
            step *= 0.5
        else:
            mig.amenity, mig.move_cost = start[0], start[1]
            # net error relative to gross flows (floored at 0.1 % of working-age residents)
            err = -r[:n] * tol_net / np.maximum(moves, 1e-3 * working_p)
            mig.amenity = mig.amenity + 0.5 * np.clip(err, -0.5, 0.5)
            mig.amenity -= mig.amenity.mean()
            mig.move_cost += 0.5 * float(np.clip(r[n] * 1e-4, -1.0, 1.0))
            r_new, prob_new, moves_new, gross_new = residuals()
        r, prob, moves, gross = r_new, prob_new, moves_new, gross_new
    net = r[:n] * tol_net + target_net
    calib.migration_fit = {"max_abs_error_persons": float(np.max(np.abs(target_net - net))),
                           "gross_ratio": float(gross / target_gross)}


def newton_step(jac: np.ndarray, rhs: np.ndarray, n: int) -> np.ndarray:
    """Solve the (n + 2) × (n + 1) Newton system of the migration calibration. Net flows sum
    to zero across provinces, in the residuals and in their derivatives, so one province's
    row is implied by the others: drop the last and solve the square system; least squares
    where that is singular."""
    keep = np.r_[0:n - 1, n, n + 1]
    try:
        return np.linalg.solve(jac[keep], rhs[keep])
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(jac, rhs, rcond=None)[0]


def calibrate_investment(state: EconomyState, setting: Setting, calib: Calibrated,
                         ins: Instruments) -> np.ndarray:
    """Required-return factor per province × sector so that firms' start-year gross
    investment equals their share of observed gross fixed capital formation (data), split
    across a province's sectors in proportion to their capital. It stands for what the user
    cost leaves out (risk premia, financing frictions, and in agriculture the land and the tax
    exemption that the one-elasticity technology does not price) and is held fixed.
    Calibrating by sector, not only by province, means no sector starts with a spurious
    capital gap: with a province-wide factor, untaxed, capital-light agriculture drew capital
    from industry year after year. Returns the start year's investment by province."""
    p, firms, tech = setting.p, state.firms, setting.tech
    n = setting.geo.n
    capital = firms.totals(firms.capital, n, by_sector=True)
    target = (p["production.firm_capital_share"] * setting.obs.gfcf)[:, None] * capital / np.maximum(
        capital.sum(axis=1, keepdims=True), 1e-12)
    cit_rate, eligible = firm_tax_rates(state, setting, ins)
    base_cost = user_cost(state, setting, calib, ins, eligible, cit_rate)
    # ln(K*/K) falls by ln(scale)/(1 − α/(1−β)) when the required return is scaled, so the
    # gap at scale 1 is computed once and shifted in the bisection
    calib.required_return_scale = np.ones((n, 3))
    gap_at_one = capital_gap(state, setting, calib, ins, base_cost)
    shift = 1.0 / (1.0 - tech.alpha / (1.0 - tech.beta))
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
    calib.required_return_scale = np.exp(0.5 * (lo + hi))
    return inv.sum(axis=1)


def calibrate_land_quota(state: EconomyState, setting: Setting, calib: Calibrated,
                         ins: Instruments) -> None:
    """The national yearly quota for firms' new construction land: a share
    (`land.quota_to_demand`) of what firms would convert in the start year — expansion of
    non-farm capital at the calibrated investment plus entrants, less land freed by exits.
    Held fixed in km² (the national land-use plan does not grow with demand)."""
    p, firms = setting.p, state.firms
    cit_rate, eligible = firm_tax_rates(state, setting, ins)
    gap = capital_gap(state, setting, calib, ins, user_cost(state, setting, calib, ins, eligible, cit_rate))
    gross = gross_investment(firms.capital, gap, p["firms.depreciation"],
                             p["firms.investment_adjustment"])
    nonfarm = firms.sector > AGRI
    expansion = np.maximum(gross - p["firms.depreciation"] * firms.capital, 0.0) * nonfarm
    entrants = p["firms.entry_rate"] * p["firms.entrant_size"] * firms.capital * nonfarm
    freed = p["firms.exit_hazard"] * firms.capital * nonfarm
    demand = land_intensity(setting, state.year) * float(
        ((expansion + entrants - freed) * firms.weight).sum())
    calib.national_land_quota = p["land.quota_to_demand"] * max(demand, 0.0)


def calibrate(state: EconomyState, setting: Setting, rng: np.random.Generator
              ) -> tuple[Calibrated, Production, Incomes, BudgetYear, np.ndarray]:
    """Fill the start year's state and the calibrated constants so that the start year
    reproduces the data. Returns (constants, the start year's production, incomes, budgets
    and firm investment by province) for the start year's record."""
    p, obs = setting.p, setting.obs
    state.instruments = ins = instruments(setting.reference_levers, setting.geo, p)
    state.employer_si = (setting.reference_levers["industry.employer_si_rate"]
                         + p["labour.other_employer_si_rate"])
    calib, employed_units = calibrate_firms(state, setting, rng)
    calib.reference_remote_coverage = ins.remote_coverage
    prod, inc, year = calibrate_accounts(state, setting, calib, employed_units)
    # the goal indices start at the reference measurement (national mean 100), whatever the
    # parameters of this run; later years move with the run's own raw values
    calib.public_services_ref0, calib.infrastructure_ref0 = reference_indices(
        setting, setting.reference_parameters)
    calib.public_services_raw0 = public_services_raw(state, setting, ins)
    calibrate_migration(state, setting, calib, inc)
    # firm location factors: after-tax profitability equal across provinces at start
    va_cell = obs.gdp[:, None] * obs.sector_share
    calib.location_factor = np.ones((setting.geo.n, 3))
    h = profitability(state, setting, calib, ins)
    sector_avg = np.array([np.average(h[:, s], weights=va_cell[:, s]) for s in range(3)])
    calib.location_factor = sector_avg[None, :] / h
    investment = calibrate_investment(state, setting, calib, ins)
    calibrate_land_quota(state, setting, calib, ins)
    return calib, prod, inc, year, investment
