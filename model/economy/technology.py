"""Step 3, technology: the productivity frontier grows at the scenario's rate; each
province-sector's mean productivity closes part of its gap, faster with skills, market access
and (in the west) national innovation platforms (§2, §18); firms draw idiosyncratic shocks.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.workers import Census
from westdev.economy.indicators import weighted_mean
from westdev.economy.state import EconomyState, Setting
from westdev.policy.instruments import Instruments


def skilled_share(census: Census, n: int) -> np.ndarray:
    """Skilled share of working-age residents by province (10⁻³ where there are none)."""
    sk = census.skilled_working
    tot = census.working
    return np.divide(sk, tot, out=np.full(n, 1e-3), where=tot > 0)


def catch_up(state: EconomyState, setting: Setting, ins: Instruments, ex: dict,
             rng: np.random.Generator) -> None:
    """Move the frontier and every firm's productivity for the year."""
    p, n, firms = setting.p, setting.geo.n, state.firms
    g = ex["frontier_tfp_growth"] / 100.0
    state.log_frontier = state.log_frontier + g
    cell = firms.cell()
    wsum = np.bincount(cell, weights=firms.weight, minlength=n * 3)
    mean_log = np.bincount(cell, weights=firms.weight * np.log(firms.tfp), minlength=n * 3) / np.maximum(wsum, 1e-12)
    gap = np.maximum(state.log_frontier[None, :] - mean_log.reshape(n, 3), 0.0)
    skilled = skilled_share(state.census, n)
    pop = state.census.population
    speed = (p["firms.catch_up_rate"]
             * (skilled / weighted_mean(skilled, pop)) ** p["firms.catch_up_skill_elasticity"]
             * (state.market_access / weighted_mean(state.market_access, pop)) ** p["firms.catch_up_access_elasticity"]
             * ins.catch_up_boost)
    # idiosyncratic shocks are per real firm; an agent's shock is the mean of its `weight`
    # firms' shocks, so aggregate noise does not depend on the resolution
    noise = p["firms.tfp_noise"] / np.sqrt(np.maximum(firms.weight, 1.0))
    # a province's own productivity trend beyond catch-up (exogenous, 0 unless a scenario sets it)
    drift = np.broadcast_to(np.asarray(ex["productivity_drift"], dtype=float), (n,)) / 100.0
    firms.tfp = firms.tfp * np.exp(g + (speed[:, None] * gap).ravel()[cell] + drift[firms.province]
                                   + noise * rng.standard_normal(firms.n) - 0.5 * noise**2)
