"""Step 8, households: migration by the logit over the 31 provinces (on migrants' adaptive
expectation of income, public services, distance, hukou and insurance portability), hukou
conversion, and skill upgrading (`westdev.economy.markets.migration` for the logit,
`westdev.economy.agents.workers` for the agent rules).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents import workers as wk
from westdev.economy.incomes import expected_income
from westdev.economy.markets.migration import N_WORK_BANDS, cell_code, draw_moves, working_age_cells
from westdev.economy.public_capital import public_services_index
from westdev.economy.state import Calibrated, EconomyState, Households, Incomes, Setting
from westdev.policy.instruments import Instruments

# agents below which migration choices are computed for populated cells (residence, hukou,
# skill, age band) only: the full probability array is 31 × 31 (o, h) × 2 skills × 3 age bands
# × 31 destinations
CELLS_BELOW_AGENTS = 31 * 31 * 2 * N_WORK_BANDS * 31


def services_for_migration(state: EconomyState, setting: Setting, calib: Calibrated,
                           ins: Instruments) -> np.ndarray:
    """The public-services index as migrants weigh it (floored at 10⁻³ for the logarithm)."""
    return np.maximum(public_services_index(state, setting, calib, ins), 1e-3)


def households(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
               inc: Incomes, rng: np.random.Generator) -> Households:
    """Migration, hukou conversion and skill upgrading of the year."""
    p, n, w = setting.p, setting.geo.n, state.workers
    state_before = (w.residence.copy(), w.hukou.copy(), w.skill.copy(), w.employed.copy())
    # expectations are adaptive (`migration.expectation_weight` on the latest expected
    # income): news of a gap reaches potential migrants through their networks over a few
    # years, so flows follow persistent gaps, not last year's swing. With full weight on
    # the latest year, arrivals (who start unemployed) lower a destination's expected
    # income, the flow reverses the next year, and between close provinces with a strong
    # income weight the swings grew until a province emptied (issue 14)
    lam = p["migration.expectation_weight"]
    state.migrant_expected_income = np.exp(
        (1 - lam) * np.log(state.migrant_expected_income)
        + lam * np.log(expected_income(state, setting, inc)))
    income = state.migrant_expected_income
    # choices for the cells (residence, hukou, skill, age band) that hold someone of working
    # age (about a ninth of the 31 × 31 × 2 × 3 at 10^4 agents); with more agents than the
    # full probability array has entries, the pass over the agents that finds them would cost
    # more than it saves, and every cell is computed
    codes = cell_code(w, n)  # every agent's cell before anyone moves
    cells = working_age_cells(w, n, codes) if w.n < CELLS_BELOW_AGENTS else None
    v = calib.migration.utilities(income, services_for_migration(state, setting, calib, ins),
                                  ins.migrant_access, ins.portability_cost,
                                  ins.skilled_incentive * inc.incentive_scale, cells=cells)
    prob = calib.migration.probabilities(v)
    before = w.residence.copy()
    movers = draw_moves(w, prob, rng, cells, codes)
    migration_in = np.bincount(w.residence[movers], weights=w.weight[movers], minlength=n)
    migration_out = np.bincount(before[movers], weights=w.weight[movers], minlength=n)
    # hukou: the register's grant rate, higher where services are open to migrants, plus the
    # settlement the §5 lever adds
    grant_rate = p["demography.hukou_grant_rate"] * (1 + ins.migrant_access) + ins.hukou_settlement
    grant = wk.draw_events(w.n, grant_rate, lambda idx: grant_rate * (w.hukou[idx] != w.residence[idx]), rng)
    w.hukou[grant] = w.residence[grant]
    wk.upgrade_skills(w, ins.young_upgrade, ins.adult_upgrade, rng)
    # update the census by difference over the agents that moved, got hukou or upgraded
    res0, huk0, sk0, emp0 = state_before
    changed = np.flatnonzero((w.residence != res0) | (w.hukou != huk0) | (w.skill != sk0)
                             | (w.employed != emp0))
    state.census = wk.update_census(
        state.census,
        minus=wk.census_counts(n, w.weight[changed], res0[changed], huk0[changed],
                               w.age[changed], sk0[changed], emp0[changed]),
        plus=wk.census_counts(n, w.weight[changed], w.residence[changed], w.hukou[changed],
                              w.age[changed], w.skill[changed], w.employed[changed]))
    state.labour_census = state.census.labour(setting.tech.participation, setting.tech.efficiency)
    return Households(migration_in=migration_in, migration_out=migration_out)
