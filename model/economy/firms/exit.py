"""Exit: the exogenous hazard thins every firm agent's weight; private firms that have made
losses for `firms.exit_loss_years` years in a row also exit at `firms.loss_exit_rate` a year,
as thinning (an agent is a group of firms, which do not all close at once). State firms under
the soft budget constraint leave only at the hazard (ODD §7.10.1).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import AGRI
from westdev.economy.firms.profitability import land_intensity
from westdev.economy.state import EconomyState, FirmAccounts, Setting


def exit_firms(state: EconomyState, setting: Setting, accounts: FirmAccounts) -> tuple[np.ndarray, FirmAccounts]:
    """Thin the firm agents for exits; land of exiting non-farm firms becomes idle.
    Returns (exits in real firms by province, the accounts of the agents that remain)."""
    p, firms = setting.p, state.firms
    n = setting.geo.n
    hazard = p["firms.exit_hazard"]
    firms.loss_years = np.minimum(np.where(accounts.profit < 0, firms.loss_years + 1, 0),
                                  100).astype(np.int8)
    persistent = (firms.loss_years >= setting.tech.loss_years_threshold) & ~firms.state
    exit_share = 1.0 - (1.0 - hazard) * (1.0 - p["firms.loss_exit_rate"] * persistent)
    exiting_weight = exit_share * firms.weight
    exits = np.bincount(firms.province, weights=exiting_weight, minlength=n)
    freed = np.bincount(firms.province, weights=exiting_weight * firms.capital
                        * (firms.sector > AGRI), minlength=n)
    ell = land_intensity(setting, state.year)
    state.idle_land += ell * freed
    state.land_stock -= ell * freed
    firms.weight = firms.weight * (1.0 - exit_share)
    # an agent thinned to nothing (all of its firms gone) leaves the population
    survivors = firms.weight > 0
    firms.keep(survivors)
    return exits, accounts.keep(survivors)
