"""Step 6, government: every province's budget and the central government's accounts for the
year, one identity per province (`westdev.economy.government.rules`):

own taxes + non-tax revenue + land-quota sales + central transfers (equalising formula,
ecological, earmarked, projects) + horizontal transfers received + gross borrowing
= debt service + horizontal transfers paid + land-quota purchases + public services
+ infrastructure + talent programmes + business subsidies + other spending.

The order below is the order in which a province's resources are committed: transfers and
horizontal flows, borrowing under the debt ceiling, the programmes levers mandate, co-financing
of central projects, and finally the province's own split of what is left (the Province agents).
Each lever's direct cost is computed beside the flow it changes (`westdev.policy.costs`).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.government import rules as gov
from westdev.economy.incomes import in_zone
from westdev.economy.public_capital import delivery_cost
from westdev.economy.state import (
    BudgetYear,
    Calibrated,
    EconomyState,
    Incomes,
    Production,
    Setting,
)
from westdev.policy import costs as lever_costs
from westdev.policy.instruments import Instruments


def talent_programmes(state: EconomyState, setting: Setting, ins: Instruments,
                      inc: Incomes) -> tuple[np.ndarray, dict]:
    """Yearly spending on the talent programmes by province (§21, §22, §34): the skilled-migrant
    incentive paid, vocational training, the public-servant wage premium (on last year's
    public-service spending) and the extra higher-education seats. Returns (total, their
    lever costs)."""
    p = setting.p
    n = setting.geo.n
    low_working = state.census.low_skill_adults
    training = ins.adult_upgrade * low_working * p["talent.training_cost_yuan"] / 1e8
    ps_spend = (state.last_budgets["public_services"] if state.last_budgets is not None
                else np.zeros(n))
    premium = ins.wage_premium * p["public.wage_share"] * ps_spend
    seats = ins.young_upgrade - p["households.young_upgrade_rate"]
    young = state.census.band(1)
    seats_cost = np.maximum(seats, 0.0) * young * p["talent.seat_cost_yuan"] / 1e8
    total = inc.incentive_paid + training + premium + seats_cost
    by_lever = lever_costs.talent(p, setting.no_policy, setting.geo.west, ins, inc.incentive_paid,
                                  low_working, premium, seats_cost)
    return total, by_lever


def zone_vat_relief(state: EconomyState, setting: Setting, inc: Incomes,
                    ins: Instruments) -> float:
    """VAT forgone by general-taxpayer status in western customs special zones (§12, §30)."""
    firms = state.firms
    zone = in_zone(state, setting)
    return float((setting.tech.vat * ins.vat_zone_relief[firms.province] * inc.firms.revenue
                  * firms.weight * zone).sum())


def budgets(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
            prod: Production, inc: Incomes, calibrate_to: np.ndarray | None = None) -> BudgetYear:
    """Every province's budget and the central government's accounts for the year.

    With `calibrate_to` (the start year's observed budget expenditure) the earmarked-transfer
    shares are set so that each province's spending equals it (`Calibrated.earmarked_share`)."""
    b = gov.ProvincialBudgets(setting.geo.n)
    costs: dict[str, float] = {}
    pairing_received = _revenue_and_transfers(state, setting, calib, ins, prod, inc, b, costs)
    net_new, push = _borrowing(state, setting, ins, prod, b, costs)
    # programmes mandated by levers, paid from the province's budget
    b["talent"], talent_costs = talent_programmes(state, setting, ins, inc)
    lever_costs.add(costs, talent_costs)
    # last year's relocation subsidies are paid now, each part under its own lever
    b["subsidies"] = (state.relocation_subsidy_due if state.relocation_subsidy_due is not None
                      else np.zeros(setting.geo.n))
    lever_costs.add(costs, state.move_support_costs_due)
    central_revenue = (inc.central_tax.sum()
                       + setting.p["fiscal.central_other_tax_rate"] * prod.value.sum()
                       - state.duty_cost_due)  # tariffs forgone on last year's investment (§30)
    pool = calib.central_revenue0 if calibrate_to is not None else central_revenue
    central_paid, local_paid, pre = _projects(setting, calib, ins, prod, b, costs, push, pool,
                                              calibrate_to, state.year)
    net_new_debt = _allocate(setting, ins, b, costs, pre, central_paid, local_paid, net_new)
    central = _central_accounts(state, setting, ins, prod, inc, b, costs, central_revenue)
    return BudgetYear(budgets=b, central=central, lever_costs=costs, net_new_debt=net_new_debt,
                      pairing_received=pairing_received)


def _revenue_and_transfers(state: EconomyState, setting: Setting, calib: Calibrated,
                           ins: Instruments, prod: Production, inc: Incomes,
                           b: gov.ProvincialBudgets, costs: dict) -> np.ndarray:
    """Own revenue, last year's land-quota sales, the equalising formula transfer, ecological
    transfers and horizontal flows (pairing assistance, ecological compensation, enclave-park
    taxes). Returns the pairing assistance received by province."""
    p, geo = setting.p, setting.geo
    n, west, gdp = geo.n, geo.west, prod.real
    b["own_tax"] = inc.local_tax
    b["nontax"] = p["fiscal.nontax_ratio"] * inc.local_tax
    # last year's land-quota sales and purchases are booked this year (§33)
    land_out = state.last_land
    if land_out is not None:
        b["land_sales"] = land_out.revenue
        b["land_purchases"] = land_out.payment
        lever_costs.add(costs, lever_costs.land_trading())
    own = b.own_revenue()
    pop = state.census.population
    # the formula's standard need prices the structural cost of sparse settlement at the start
    # year's coverage: a province that extends remote coverage (§6) delivers more cheaply, but
    # the centre's assessment of what it needs does not fall (it did before issue 22, so the
    # coverage lever cut western transfers)
    cost_factor = delivery_cost(state, setting, ins, calib.reference_remote_coverage)
    formula, gap = gov.formula_transfer(own + b["land_sales"], pop, cost_factor,
                                        p["fiscal.formula_gap_fill"], ins.transfer_coefficient)
    # central transfers grow beyond the formula's own base with the central transfer index
    # (exogenous: 1 in projections; the history feeds the data's rise)
    index = setting.exogenous(state.year)["central_transfer_index"]
    b["formula_transfer"] = formula * index
    lever_costs.add(costs, lever_costs.formula_transfer(ins, gap * index))
    protected_km2 = ins.protected_share * geo.area_km2
    eco_rate = ins.ecological_transfer_per_km2
    b["ecological_transfer"] = eco_rate * protected_km2 / 1e8
    lever_costs.add(costs, lever_costs.ecological_transfer(ins, setting.no_policy, protected_km2))
    # horizontal transfers: pairing assistance, ecological compensation, enclave taxes
    h_in, h_out = np.zeros(n), np.zeros(n)
    pairing = geo.pairing_matrix() * ins.pairing_share
    flows = pairing * own[:, None]
    h_out += flows.sum(axis=1)
    h_in += flows.sum(axis=0)
    comp_rate = ins.eco_compensation_per_km2
    comp_total = comp_rate * (protected_km2 * west).sum() / 1e8
    east = geo.mask("East")
    h_out += comp_total * np.where(east, gdp, 0.0) / np.where(east, gdp, 0.0).sum()
    h_in += comp_total * np.where(west, protected_km2, 0.0) / max((protected_km2 * west).sum(), 1e-9)
    h_out += inc.enclave_tax.sum(axis=0)  # hosts pay
    h_in += inc.enclave_tax.sum(axis=1)  # origins receive
    lever_costs.add(costs, lever_costs.horizontal(float(flows.sum()), float(comp_total),
                                                  float(inc.enclave_tax.sum())))
    b["horizontal_in"], b["horizontal_out"] = h_in, h_out
    return flows.sum(axis=0)


def _borrowing(state: EconomyState, setting: Setting, ins: Instruments, prod: Production,
               b: gov.ProvincialBudgets, costs: dict) -> tuple[np.ndarray, float]:
    """Debt service and new borrowing under the debt ceiling (§1: stable leverage; §30: bond
    quota and capacity; §31: risk sharing). Returns (net new borrowing, the national
    public-investment push of the year)."""
    p, west, gdp = setting.p, setting.geo.west, prod.real
    ex = setting.exogenous(state.year)
    r = ex["real_interest_rate"] / 100.0
    rate = r + ins.debt_spread
    amortisation = state.debt / p["fiscal.debt_maturity_years"]
    interest = rate * state.debt
    base_rate = r + p["fiscal.debt_spread"] + west * p["fiscal.debt_spread_west_extra"]
    lever_costs.add(costs, lever_costs.risk_sharing(base_rate, rate, state.debt))
    own = b.own_revenue()
    general = b["formula_transfer"] + b["ecological_transfer"]
    capacity = own * p["fiscal.comprehensive_capacity_multiplier"]
    ceiling = gov.debt_ceiling(capacity, general, p["fiscal.debt_limit_ratio"],
                               ins.transfers_in_bond_capacity)
    push = ex["public_investment_index"]
    quota = p["fiscal.bond_quota_share_gdp"] * gdp * ins.bond_quota_multiplier * push
    net_new = gov.new_borrowing(state.debt, ceiling, quota)
    lever_costs.add(costs, lever_costs.borrowing(p, ins, setting.no_policy, west, state.debt,
                                                 gdp, push, capacity, general, ceiling, quota,
                                                 net_new))
    b["gross_borrowing"] = amortisation + net_new
    b["debt_service"] = interest + amortisation
    return net_new, push


def _projects(setting: Setting, calib: Calibrated, ins: Instruments, prod: Production,
              b: gov.ProvincialBudgets, costs: dict, push: np.ndarray | float, pool: float,
              calibrate_to: np.ndarray | None, state_year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Earmarked transfers and centrally planned projects (transport, water, information)
    with local co-financing (§6, §9, §30). Returns (central project money, local
    co-financing, resources left before co-financing)."""
    p, west, gdp = setting.p, setting.geo.west, prod.real
    # the pipeline is a share of GDP (levers for the west), scaled by the national push
    central_funds = ins.project_intensity * gdp * push
    committed = (b["debt_service"] + b["horizontal_out"] + b["land_purchases"] + b["talent"]
                 + b["subsidies"])
    pre = (b.own_revenue() + b["land_sales"] + b["formula_transfer"] + b["ecological_transfer"]
           + b["horizontal_in"] + b["gross_borrowing"] - committed)
    # co-financing capacity: a share of the province's free resources before earmarked funds
    local_cap = np.maximum(pre, 0.0) * p["fiscal.cofinancing_capacity"]
    central_paid, local_paid = gov.project_funding(central_funds, local_cap, ins.cofinancing)
    # earmarked (non-project) transfers grow with central revenue (shares calibrated at
    # start) and with the central transfer index (exogenous; the history feeds the data's rise)
    index = setting.exogenous(state_year)["central_transfer_index"]
    # §1: funds for consolidating poverty alleviation beyond 2019's special poverty funds
    # (which the calibrated earmarked share already carries), to the provinces below the
    # national mean income in proportion to their shortfall
    transition = ins.transition_funds * calib.transition_share
    if calibrate_to is not None:
        # earmarked (net of remittances, 上解) transfers close the start year's budget:
        # programme spending as observed = pre + earmarked + central project money
        # + talent programmes + subsidies
        calib.earmarked_share = (calibrate_to - (pre + central_paid + b["talent"]
                                                 + b["subsidies"] + transition)) / (pool * index)
    b["earmarked_transfer"] = calib.earmarked_share * pool * index + transition
    lever_costs.add(costs, lever_costs.transition_funds(ins, setting.no_policy))
    pre = pre + b["earmarked_transfer"]
    b["project_transfer"] = central_paid
    lever_costs.add(costs, lever_costs.projects(p, ins, setting.no_policy, west, gdp, push,
                                                central_funds, local_cap, central_paid))
    return central_paid, local_paid, pre


def _allocate(setting: Setting, ins: Instruments, b: gov.ProvincialBudgets, costs: dict,
              pre: np.ndarray, central_paid: np.ndarray, local_paid: np.ndarray,
              net_new: np.ndarray) -> np.ndarray:
    """Each province splits what is left between public services, infrastructure and other
    uses (its Province agent decides). Returns the year's change in provincial debt."""
    p = setting.p
    discretionary = pre - local_paid
    # a province whose obligations (debt service, horizontal payments, mandated programmes,
    # co-financing) exceed its resources borrows the shortfall (rolled over, arrears),
    # beyond its quota: spending is never negative, the debt shows the strain
    shortfall = np.maximum(-discretionary, 0.0)
    b["gross_borrowing"] = b["gross_borrowing"] + shortfall
    net_new_debt = net_new + shortfall
    discretionary = discretionary + shortfall
    # special bonds are spent on infrastructure before the rest is allocated
    bond_infra = np.minimum(net_new * p["fiscal.bond_infrastructure_share"], discretionary)
    discretionary = discretionary - bond_infra
    infra_share = p["fiscal.infrastructure_share"]
    # each provincial government splits its own budget
    allocs = [prov.allocate_budget(float(discretionary[prov.index]),
                                   float(ins.public_service_share[prov.index]), infra_share)
              for prov in setting.provinces]  # in index order
    b["public_services"] = np.array([a["public_services"] for a in allocs])
    b["infrastructure"] = (np.array([a["infrastructure"] for a in allocs])
                           + central_paid + local_paid + bond_infra)
    b["other"] = np.array([a["other"] for a in allocs])
    lever_costs.add(costs, lever_costs.public_service_share(p, ins, setting.no_policy,
                                                            setting.geo.west, discretionary))
    return net_new_debt


def _central_accounts(state: EconomyState, setting: Setting, ins: Instruments,
                      prod: Production, inc: Incomes, b: gov.ProvincialBudgets, costs: dict,
                      central_revenue: float) -> dict:
    """The central government: shared taxes + other central taxes − transfers − social-
    insurance subsidies − its own programmes; and the taxes the tax levers forgo."""
    p, npv = setting.p, setting.no_policy
    programmes = lever_costs.central_programmes(p, ins, npv)
    lever_costs.add(costs, programmes)
    central = {
        "revenue": float(central_revenue),
        "transfers": float(b.central_transfers().sum()),
        "si_subsidy": float(inc.si["central_subsidy"].sum()),
        "direct_spending": float(p["fiscal.central_direct_spending_share"] * prod.real.sum()
                                 + sum(programmes.values())),
    }
    central["balance"] = (central["revenue"] - central["transfers"] - central["si_subsidy"]
                          - central["direct_spending"])
    lever_costs.add(costs, lever_costs.taxes(
        p, ins, npv, profit=inc.firms.profit, cit_rate=inc.firms.cit_rate,
        eligible=inc.firms.eligible, weight=state.firms.weight,
        zone_vat=zone_vat_relief(state, setting, inc, ins), duty_cost=state.duty_cost_due,
        wage_bill=inc.wage_bill))
    return central
