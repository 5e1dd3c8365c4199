"""Step 5, incomes and taxes: firms' revenue, costs, profits and corporate income tax (with the
§30 encouraged-industry rate), VAT (with §12/§30 zone relief), wages and personal income tax,
the legal sharing of taxes between centre and province, taxes returned under enclave-park deals
(§13), social insurance, and household income (wages, dividends, pensions, benefits and the
§21/§34 skilled-migrant incentive).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import AGRI
from westdev.economy.government import rules as gov
from westdev.economy.state import (
    Calibrated,
    EconomyState,
    FirmAccounts,
    Incomes,
    Production,
    Setting,
)
from westdev.policy.instruments import Instruments


def firm_tax_rates(state: EconomyState, setting: Setting,
                   ins: Instruments) -> tuple[np.ndarray, np.ndarray]:
    """(CIT rate, eligible for the encouraged catalogue) of each firm agent."""
    firms, p = state.firms, setting.p
    eligible = (firms.sector > AGRI) & (firms.catalogue_draw < ins.catalogue_coverage[firms.province])
    standard = np.where(firms.sector == AGRI, p["firms.cit_agriculture_rate"],
                        p["firms.cit_standard_rate"])
    return np.where(eligible, ins.cit_encouraged[firms.province], standard), eligible


def in_zone(state: EconomyState, setting: Setting) -> np.ndarray:
    """Firm agents located in western customs special zones."""
    firms = state.firms
    return (firms.zone_draw < setting.p["firms.zone_share_west"]) & setting.geo.west[firms.province]


def programme_cap(state: EconomyState, setting: Setting) -> np.ndarray:
    """The most a province commits to one lever-mandated programme in a year: a share
    (`fiscal.programme_cap_share`) of last year's programme spending, so no programme can
    spend money the budget does not have."""
    return setting.p["fiscal.programme_cap_share"] * np.maximum(state.last_budgets.spending(), 0.0)


def skilled_incentive(state: EconomyState, setting: Setting,
                      ins: Instruments) -> tuple[np.ndarray, np.ndarray]:
    """Yearly incentive paid to skilled working-age residents without local hukou in the
    west (100m yuan by province), within the programme cap; the budget pays it, households
    receive it, and migrants weigh the incentive actually paid per head.
    Returns (paid, paid ÷ owed)."""
    wanted = ins.skilled_incentive * state.census.skilled_migrants / 1e8
    cap = programme_cap(state, setting) if state.last_budgets is not None else wanted
    paid = np.minimum(wanted, cap)
    scale = np.divide(paid, wanted, out=np.ones_like(wanted), where=wanted > 0)
    return paid, scale


def incomes(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
            prod: Production) -> Incomes:
    """Wages, profits, taxes, social insurance and household income by province (100m yuan,
    2019 prices)."""
    p, firms, tech = setting.p, state.firms, setting.tech
    n = setting.geo.n
    cell = firms.cell()
    revenue = prod.y * (prod.prices.ravel()[cell])  # per real firm, real terms
    zone = in_zone(state, setting)
    vat_rate = tech.vat * (1.0 - np.where(zone, ins.vat_zone_relief[firms.province], 0.0))
    vat = vat_rate * revenue
    labour_bill = prod.labour_cost[firms.province] * firms.labour
    r = setting.exogenous(state.year)["real_interest_rate"] / 100.0
    depreciation = p["firms.depreciation"] * firms.capital
    interest = p["firms.leverage"] * r * firms.capital
    profit = revenue - vat - labour_bill - depreciation - interest
    cit_rate, eligible = firm_tax_rates(state, setting, ins)
    cit = cit_rate * np.maximum(profit, 0.0)
    after_tax = profit - cit
    si_load = 1.0 + state.employer_si * p["labour.si_coverage"]
    wage_bill = firms.totals(labour_bill, n) / si_load  # gross wages
    pit = p["labour.pit_rate"] * wage_bill
    vat_p = firms.totals(vat, n)
    cit_p = firms.totals(cit, n)
    local, central = gov.shared_taxes(vat_p, cit_p, pit, tech.tax_rules)
    local_gross = local + p["fiscal.other_local_tax_rate"] * prod.value.sum(axis=1)
    local_tax = calib.tax_efficiency * local_gross
    # enclave parks: a share of local taxes of firms moved east→west under a park deal goes
    # back to the origin province (booked as horizontal flows in the budgets)
    enclave = firms.origin >= 0
    enclave_tax = np.zeros((n, n))
    share = ins.enclave_tax_share
    if enclave.any() and share > 0:
        host_taxes = (tech.tax_rules.vat_local * vat + tech.tax_rules.cit_local * cit) * firms.weight
        np.add.at(enclave_tax, (firms.origin[enclave], firms.province[enclave]),
                  share * host_taxes[enclave] * calib.tax_efficiency[firms.province[enclave]])
    # social insurance
    lab = state.labour_census
    unemployed = lab["force_persons"] - lab["employed_persons"]
    retirees = state.census.band(4)
    workers_employed = lab["employed_persons"]
    avg_wage = np.divide(wage_bill * 1e8, workers_employed, out=np.zeros(n), where=workers_employed > 0)
    si = gov.social_insurance(
        wage_bill, unemployed, retirees, avg_wage,
        employer_rate=state.employer_si, employee_rate=p["labour.employee_si_rate"],
        coverage=p["labour.si_coverage"], replacement=p["households.pension_replacement"],
        benefit_ratio=p["households.unemployment_benefit_ratio"], pooling=ins.pooling)
    employee_si = p["labour.employee_si_rate"] * p["labour.si_coverage"] * wage_bill
    private_profit = firms.totals(np.where(firms.state, 0.0, np.maximum(after_tax, 0.0)), n)
    dividends = p["households.dividend_payout"] * private_profit
    incentive, incentive_scale = skilled_incentive(state, setting, ins)  # §21/§34: the budget pays
    household = (wage_bill - pit - employee_si + dividends + si["pensions"] + si["benefits"] + incentive
                 + calib.income_residual_rate * prod.value.sum(axis=1))
    return Incomes(
        firms=FirmAccounts(revenue=revenue, profit=profit, after_tax=after_tax,
                           cit_rate=cit_rate, eligible=eligible, cit=cit),
        wage_bill=wage_bill, vat=vat_p, cit=cit_p, pit=pit, local_tax_gross=local_gross,
        local_tax=local_tax, central_tax=central, enclave_tax=enclave_tax, si=si,
        household_income=household, unemployed=unemployed, retirees=retirees,
        employed_persons=workers_employed, avg_wage=avg_wage,
        labour_force_persons=workers_employed + unemployed,
        incentive_paid=incentive, incentive_scale=incentive_scale)


def expected_income(state: EconomyState, setting: Setting, inc: Incomes) -> np.ndarray:
    """Expected real wage income by province and skill (yuan/yr) for migration choices."""
    p = setting.p
    u = np.divide(inc.unemployed, inc.labour_force_persons,
                  out=np.zeros(setting.geo.n), where=inc.labour_force_persons > 0)
    net = (1 - p["labour.pit_rate"] - p["labour.employee_si_rate"] * p["labour.si_coverage"])
    wage = state.wage * net
    benefit = p["households.unemployment_benefit_ratio"] * inc.avg_wage * p["labour.si_coverage"]
    income = ((1 - u)[:, None] * wage[:, None] * setting.tech.efficiency[None, :]
              + u[:, None] * benefit[:, None])
    return np.maximum(income, 1.0)
