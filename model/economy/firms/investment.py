"""Investment: desired capital from the user cost (ln K*/K closed at `firms.investment_adjustment`
a year), financed by retained profit and credit (state firms: soft budget constraint, and a
state-led push: `public_investment_index` raises their investment); non-farm
expansion needs construction land (rationed by the land market); energy-intensive capital grows
at most at the energy-consumption cap (§16). The §30 duty exemption lowers the price of
eligible imported equipment; the tariff it forgoes is booked next year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from westdev.economy.agents.firms import AGRI, gross_investment
from westdev.economy.firms.profitability import capital_gap, user_cost
from westdev.economy.incomes import firm_tax_rates
from westdev.economy.state import Calibrated, EconomyState, FirmAccounts, Setting
from westdev.policy.instruments import Instruments


@dataclass
class InvestmentPlan:
    """What firms want to invest this year, before land rationing and the energy cap."""

    gross: np.ndarray  # gross investment per real firm (100m yuan)
    depreciation: np.ndarray  # per real firm
    expansion: np.ndarray  # net non-farm expansion that asks the regular land quota
    pushed_expansion: np.ndarray  # expansion beyond it under the state-led push (own land)
    waste: np.ndarray  # pushed spending that adds no productive capital
    eligible: np.ndarray  # in the encouraged catalogue (for the duty exemption)


def plan_investment(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                    accounts: FirmAccounts) -> InvestmentPlan:
    """Desired gross investment of every firm agent, within its funds."""
    p, firms = setting.p, state.firms
    cit_rate, eligible = firm_tax_rates(state, setting, ins)
    cost = user_cost(state, setting, calib, ins, eligible, cit_rate)
    gap = capital_gap(state, setting, calib, ins, cost)
    dep = p["firms.depreciation"] * firms.capital
    rule = gross_investment(firms.capital, gap, p["firms.depreciation"],
                            p["firms.investment_adjustment"])
    retained = (1 - p["households.dividend_payout"]) * np.maximum(accounts.after_tax, 0.0)
    funds = retained + p["firms.credit_capacity"] * firms.capital
    funds = np.where(firms.state, np.inf, funds)  # state firms: soft budget constraint
    nonfarm = firms.sector > AGRI
    # the state-led push (driver public_investment_index, by province): governments push
    # investment beyond the user-cost rule, state firms most (ODD §7.10.3); the push comes
    # with its land — local governments convert land for the projects they push and finance
    # them by selling land (land-based finance) — so only the expansion the firm would make
    # without the push asks the regular quota
    push = np.broadcast_to(np.asarray(setting.exogenous(state.year)["public_investment_index"],
                                      dtype=float), (setting.geo.n,))
    eta = np.where(firms.state, p["firms.state_investment_push_elasticity"],
                   p["firms.private_investment_push_elasticity"])
    regular = np.minimum(rule, funds)
    gross = np.minimum(rule * push[firms.province] ** (eta * nonfarm), funds)
    expansion = np.maximum(np.minimum(gross, regular) - dep, 0.0) * nonfarm
    pushed = (np.maximum(gross - dep, 0.0) * nonfarm) - expansion
    # spending beyond what the firm would invest unpushed adds less productive capital: a
    # share of pushed projects creates little value (Ansar, Flyvbjerg, Budzier & Lunn 2016)
    waste = (1.0 - p["firms.push_capital_efficiency"]) * np.maximum(gross - regular, 0.0)
    return InvestmentPlan(gross=gross, depreciation=dep, expansion=expansion,
                          pushed_expansion=pushed, waste=waste, eligible=eligible)


def realise_investment(state: EconomyState, setting: Setting, ins: Instruments,
                       plan: InvestmentPlan, granted_share: np.ndarray,
                       ei_inflow: np.ndarray) -> tuple[np.ndarray, float]:
    """Ration expansions by the land granted, cap energy-intensive growth (less what moved in
    this year), and invest. Returns (gross investment per real firm, the tariff forgone on it
    under the §30 duty exemption)."""
    p, geo, firms = setting.p, setting.geo, state.firms
    n = geo.n
    gross, dep = plan.gross, plan.depreciation
    # rationing: expansions scaled by the granted share
    gross = np.where(firms.sector > AGRI, gross - plan.expansion * (1 - granted_share[firms.province]), gross)
    # energy-consumption control caps growth of energy-intensive capital
    ei_cap = np.maximum(firms.totals(firms.capital * firms.energy_intensive, n) * ins.energy_cap_growth
                        - ei_inflow, 0.0)
    ei_growth = np.bincount(firms.province, weights=np.where(firms.energy_intensive, (gross - dep) * firms.weight, 0.0), minlength=n)
    ei_scale = np.where(ei_growth > ei_cap, np.divide(ei_cap, ei_growth, out=np.ones(n), where=ei_growth > 0), 1.0)
    gross = np.where(firms.energy_intensive & (gross > dep),
                     dep + (gross - dep) * ei_scale[firms.province], gross)
    # duty exemption cost: tariff forgone on imported equipment of eligible western firms
    if ins.duty_exemption:
        elig_west = plan.eligible & geo.west[firms.province]
        duty_cost = float((gross * firms.weight * elig_west).sum()
                          * p["firms.imported_equipment_share"] * p["firms.equipment_tariff"])
    else:
        duty_cost = 0.0
    # pushed spending is investment (it is built and counted) but only part of it is
    # productive capital; rationing and the energy cap cut the productive part first
    firms.capital = (1 - p["firms.depreciation"]) * firms.capital + gross - np.minimum(plan.waste, gross)
    return gross, duty_cost
