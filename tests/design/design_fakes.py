"""Stand-ins for the model in the policy-design tests: outcomes that are known functions of
three levers and of one exogenous scale, so that the cheapest mix and the boxes are known.

`policy_game` (importable as ``design_fakes:policy_game`` while tests/design is on sys.path):

- unit positions a, b, c of three levers in the ranges `RANGES` (read at the end of the
  phase-in, `LEVER_YEAR`), and the world w = the drawn scale of frontier TFP growth (the base
  path is 2.0 in 2019);
- the West/East income ratio in the last year: 0.55 + 0.10 a + 0.10 b + 0.08 c + 0.10 (w − 1)
  + N(0, 0.01) from the seed;
- the lever cost per year: 100 a + 400 b (c is free): per unit of ratio, a costs 1,000 and b
  4,000, so the cheapest way to a threshold is c at its top, then a, then b.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

A, B, C = ("fiscal.west_transfer_coefficient", "infrastructure.transport_investment_pct_gdp",
           "land.west_quota_share")
RANGES = {A: (1.0, 2.0), B: (2.0, 6.0), C: (0.3, 0.5)}
EFFECT = {A: 0.10, B: 0.10, C: 0.08}
COST = {A: 100.0, B: 400.0, C: 0.0}
WORLD = 0.10
NOISE = 0.01
LEVER_YEAR = 2023


def units(scenario) -> dict[str, float]:
    year = min(LEVER_YEAR, scenario.run.end_year)
    vals = scenario.lever_values(year)
    return {k: min(max((float(vals[k]) - lo) / (hi - lo), 0.0), 1.0)
            for k, (lo, hi) in RANGES.items()}


def world(scenario) -> float:
    return float(scenario.exogenous_values(2019)["frontier_tfp_growth"]) / 2.0


def ratio(u: dict[str, float], w: float, eps: float = 0.0) -> float:
    return 0.55 + sum(EFFECT[k] * u[k] for k in RANGES) + WORLD * (w - 1.0) + eps


def policy_game(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None):
    """Indicators of a run: the goal ratios, GDP and lever costs, per year."""
    u = units(scenario)
    w = world(scenario)
    eps = np.random.default_rng(seed).normal(0.0, NOISE)
    start, end = scenario.run.start_year, scenario.run.end_year
    final = ratio(u, w, eps)
    cost = sum(COST[k] * u[k] for k in RANGES)
    rows = []
    for year in range(start, end + 1):
        t = (year - start) / (end - start)
        rows += [(year, "West", "west_east_ratio_income", 0.55 + t * (final - 0.55)),
                 (year, "West", "west_east_ratio_public_services", 0.9),
                 (year, "West", "west_east_ratio_infrastructure", 0.5),
                 (year, "China", "gdp_100m_yuan", 1e6 * (1 + 0.02 * t * (u[B] - u[C]) * w)),
                 (year, "China", "lever_cost_100m_yuan.total", cost if year > start else 0.0)]
        if year == 2035:
            rows.append((year, "West", "goal_2035_met", 0.0))
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])
