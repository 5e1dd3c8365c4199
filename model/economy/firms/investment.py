"""Investment: desired capital from the user cost (ln K*/K closed at `firms.investment_adjustment`
a year), financed by retained profit and credit (state firms: soft budget constraint); non-farm
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
    expansion: np.ndarray  # net non-farm expansion that needs new land
    eligible: np.ndarray  # in the encouraged catalogue (for the duty exemption)


def plan_investment(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                    accounts: FirmAccounts) -> InvestmentPlan:
    """Desired gross investment of every firm agent, within its funds."""
    p, firms = setting.p, state.firms
    cit_rate, eligible = firm_tax_rates(state, setting, ins)
    cost = user_cost(state, setting, calib, ins, eligible, cit_rate)
    gap = capital_gap(state, setting, calib, ins, cost)
    dep = p["firms.depreciation"] * firms.capital
    gross = gross_investment(firms.capital, gap, p["firms.depreciation"],
                             p["firms.investment_adjustment"])
    retained = (1 - p["households.dividend_payout"]) * np.maximum(accounts.after_tax, 0.0)
    funds = retained + p["firms.credit_capacity"] * firms.capital
    funds = np.where(firms.state, np.inf, funds)  # state firms: soft budget constraint
    gross = np.minimum(gross, funds)
    expansion = np.maximum(gross - dep, 0.0) * (firms.sector > AGRI)
    return InvestmentPlan(gross=gross, depreciation=dep, expansion=expansion, eligible=eligible)


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
    firms.capital = (1 - p["firms.depreciation"]) * firms.capital + gross
    return gross, duty_cost
