"""Provincial labour markets in efficiency units, with sticky wages.

Firms' labour demand has constant elasticity 1/(1−β) in the labour cost, so the wage that would
employ the labour force at its natural unemployment rate has a closed form; the wage moves part
of the way there each year (`labour.wage_adjustment`), and employment is demand-determined up to
the available labour force. Unemployment arises when demand falls faster than wages adjust.
"""

from __future__ import annotations

import numpy as np


def update_wage(wage: np.ndarray, demand_at_wage: np.ndarray, supply_target: np.ndarray,
                beta: float, adjustment: float, max_fall: float = 1.0) -> np.ndarray:
    """Partial adjustment of the wage towards the market-clearing wage.

    w* = w · (D(w)/S*)^(1−β) clears demand D(w·) = D(w)·(w·/w)^(−1/(1−β)) against S*; the new
    wage is w · (w*/w)^adjustment. Wages are rigid downwards: they fall by at most `max_fall`
    (a share) in a year, so a province whose firms all close keeps a positive wage (the
    reservation and minimum wages) instead of one that jumps to zero.
    """
    ratio = np.divide(demand_at_wage, supply_target, out=np.ones_like(wage),
                      where=supply_target > 0)
    return wage * np.maximum(ratio ** ((1.0 - beta) * adjustment), 1.0 - max_fall)


def demand_at(demand_at_old: np.ndarray, old_wage: np.ndarray, new_wage: np.ndarray,
              beta: float) -> np.ndarray:
    """Labour demand after a wage change, from its constant elasticity."""
    return demand_at_old * (new_wage / old_wage) ** (-1.0 / (1.0 - beta))
