"""Stand-ins for `westdev.economy.simulate.simulate` used by the batch tests (importable by spawned and
Dask workers as ``batch_fakes:<function>`` because tests/batch is on sys.path).

- `linear`: y = Σ a_i x_i + σ·ε(seed) with known Sobol' indices and Morris effects;
- `slow`: the plumbing fake of tests/fakes.py, slowed down and logging each call (for the
  kill-and-resume test);
- `package_game`: outcomes that are a known function of lever values (additive effects plus
  one interaction) and per-lever costs, for the one-at-a-time and Shapley splits.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ → fakes
import fakes  # noqa: E402

from westdev.inputs.parameters import load_parameters  # noqa: E402
from westdev.policy.catalogue import LEVERS  # noqa: E402

# ------------------------------------------------------------------ the linear model
LINEAR_LEVER = "fiscal.west_transfer_coefficient"
LINEAR_PARAM = "migration.income_weight"
LINEAR_DRIVER = "frontier_tfp_growth"  # base path 2.0 in 2019: x3 = the drawn scale
COEF = {"lever": 3.0, "param": 0.5, "scale": 2.0}
NOISE_SD = 0.1


def linear_inputs(scenario) -> tuple[float, float, float]:
    x1 = float(scenario.lever_values(2019)[LINEAR_LEVER])
    x2 = float(load_parameters(scenario.parameter_vintage,
                               scenario.parameter_overrides)[LINEAR_PARAM])
    x3 = float(scenario.exogenous_values(2019)[LINEAR_DRIVER]) / 2.0
    return x1, x2, x3


def linear(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None):
    """West income ratio = y(t) with y(end) = Σ a_i x_i + σ ε; public services constant."""
    x1, x2, x3 = linear_inputs(scenario)
    y = COEF["lever"] * x1 + COEF["param"] * x2 + COEF["scale"] * x3
    eps = np.random.default_rng(seed).normal(0.0, NOISE_SD)
    start, end = scenario.run.start_year, scenario.run.end_year
    rows = []
    for year in range(start, end + 1):
        w = (year - start) / (end - start)
        rows.append((year, "West", "west_east_ratio_income", w * (y + eps)))
        rows.append((year, "West", "west_east_ratio_public_services", 0.9))
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])


FAILING_BAND = (1.50, 1.52)  # lever values at which `linear_failing` breaks down


def linear_failing(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None):
    """`linear`, except that a run whose lever lies in FAILING_BAND fails as a broken economy
    would (a RunFailure): a rare failure inside valid inputs."""
    from westdev.errors import RunFailure

    x1, _, _ = linear_inputs(scenario)
    if FAILING_BAND[0] <= x1 <= FAILING_BAND[1]:
        raise RunFailure("GDP is not finite", year=scenario.run.end_year)
    return linear(scenario, parameters, seed, resolution=resolution)


# ------------------------------------------------------------------ slow, logged plumbing fake
def slow(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None):
    """tests/fakes.py's simulate after a pause; appends the seed to $WESTDEV_TEST_CALL_LOG."""
    log = os.environ.get("WESTDEV_TEST_CALL_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{seed}\n")
    time.sleep(float(os.environ.get("WESTDEV_TEST_SLEEP", "0.3")))
    return fakes.simulate(scenario, parameters, seed, resolution=resolution)


# ------------------------------------------------------------------ a known cooperative game
GAME_LEVERS = ("fiscal.west_transfer_coefficient", "land.west_quota_share",
               "infrastructure.transport_investment_pct_gdp")
GAME_EFFECT = {"fiscal.west_transfer_coefficient": 0.2, "land.west_quota_share": 1.0,
               "infrastructure.transport_investment_pct_gdp": 0.05}
GAME_INTERACTION = 2.0  # × Δ(transfer coefficient) × Δ(quota share)
GAME_COST = {"fiscal.west_transfer_coefficient": 100.0, "land.west_quota_share": 0.0,
             "infrastructure.transport_investment_pct_gdp": 30.0}


def deltas(scenario) -> dict[str, float]:
    values = scenario.lever_values(scenario.run.start_year)
    return {lv: float(values[lv]) - float(LEVERS[lv].value_2019) for lv in GAME_LEVERS}


def game_value(d: dict[str, float]) -> float:
    a, b = GAME_LEVERS[0], GAME_LEVERS[1]
    return sum(GAME_EFFECT[lv] * d[lv] for lv in GAME_LEVERS) + GAME_INTERACTION * d[a] * d[b]


def package_game(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None):
    """Income ratio in every year = 0.6 + game value + common noise(seed); yearly lever costs."""
    d = deltas(scenario)
    noise = np.random.default_rng(seed).normal(0.0, 0.05)
    rows = []
    for year in scenario.run.years:
        rows.append((year, "West", "west_east_ratio_income", 0.6 + game_value(d) + noise))
        total = 0.0
        for lv in GAME_LEVERS:
            cost = GAME_COST[lv] * d[lv] * (1.0 + noise)
            total += cost
            rows.append((year, "China", f"lever_cost_100m_yuan.{lv}", cost))
        rows.append((year, "China", "lever_cost_100m_yuan.total", total))
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])
