"""A fast stand-in for `westdev.economy.simulate.simulate` for the report tests (importable as
``chart_fakes`` because pytest puts tests/charts on sys.path)."""

from __future__ import annotations

import numpy as np
import pandas as pd

GOAL = ("west_east_ratio_income", "west_east_ratio_public_services",
        "west_east_ratio_infrastructure")


def fake_simulate(scenario, parameters=None, seed: int = 0, *, resolution=None):
    """The three goal ratios as a known function of two levers plus seed noise (for a fast
    Morris experiment): income rises with the transfer coefficient, infrastructure with
    transport investment, public services with both; a non-linear term gives σ > 0."""
    x1 = float(scenario.lever_values(2020)["fiscal.west_transfer_coefficient"])
    x2 = float(scenario.lever_values(2020)["infrastructure.transport_investment_pct_gdp"])
    rng = np.random.default_rng(seed)
    rows = []
    start, end = scenario.run.start_year, scenario.run.end_year
    for year in range(start, end + 1):
        w = (year - start) / max(end - start, 1)
        eps = rng.normal(0, 0.001)
        rows += [(year, "West", GOAL[0], 0.6 + w * 0.2 * x1 + eps),
                 (year, "West", GOAL[1], 0.8 + w * (0.1 * x1 + 0.02 * x2 * x1) + eps),
                 (year, "West", GOAL[2], 0.5 + w * 0.03 * x2 + eps)]
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])
