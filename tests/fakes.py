"""A small deterministic stand-in for `westdev.economy.simulate.simulate`, for tests of the plumbing.

It returns the same tidy columns as the model (year, area, indicator, value) for the areas
West, East and China, including the three goal ratios on 'West', driven by the seed (numpy
Generator) and by one lever, so that scenarios differ. Scenario names starting with 'failing'
raise `RunFailure`; names starting with 'buggy' raise an ordinary exception. It lives in a
module (not a test file) so that spawned worker processes can import it:
``simulate="fakes:simulate"`` once this folder is on sys.path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from westdev.errors import RunFailure

GOAL_INDICATORS = ("west_east_ratio_income", "west_east_ratio_public_services",
                   "west_east_ratio_infrastructure")


def simulate(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None):
    """Fake run: noisy convergence paths whose speed depends on the CIT lever."""
    if scenario.name.startswith("failing"):
        raise RunFailure("fake economy broke down", year=scenario.run.start_year + 1)
    if scenario.name.startswith("buggy"):
        raise ZeroDivisionError("fake bug")
    rng = np.random.default_rng(seed)
    years = list(scenario.run.years)
    rows = []
    for area in ("West", "East", "China"):
        level = {"West": 50.0, "East": 100.0, "China": 75.0}[area]
        for year in years:
            level *= 1.05 + rng.normal(0.0, 0.01)
            rows.append((year, area, "gdp_per_capita", level))
    for k, indicator in enumerate(GOAL_INDICATORS):
        ratio = 0.6 + 0.05 * k
        for year in years:
            cit = float(scenario.lever_values(year)["fiscal.cit_rate_encouraged_west"])
            ratio += (0.25 - cit) * 0.1 + 0.005 + rng.normal(0.0, 0.005)
            rows.append((year, "West", indicator, ratio))
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])


def fake_register():
    """A two-entry parameter register, for tests that need parameter overrides before the real
    register (westdev/data/parameters.toml) exists. Patch ``westdev.inputs.parameters.load_register``.
    """
    from types import MappingProxyType

    from westdev.inputs.parameters import ParameterSpec

    specs = [
        ParameterSpec("migration.distance_elasticity", 1.2, "1", "Distance cost of moving.",
                      "literature", "test", 0.5, 3.0),
        ParameterSpec("firms.moving_cost_share", 0.3, "share of capital", "Cost of relocating.",
                      "assumed", "test", 0.0, 1.0),
    ]
    return MappingProxyType({s.name: s for s in specs})


def simulate_reporting_blas_threads(scenario, parameters=None, seed: int = 0, *,
                                    resolution: str | None = None):
    """Fake run whose one value is the OpenBLAS thread setting its process started with
    (NaN where none was set)."""
    import os

    value = float(os.environ.get("OPENBLAS_NUM_THREADS", "nan"))
    return pd.DataFrame({"year": [scenario.run.start_year], "area": ["China"],
                         "indicator": ["openblas_threads"], "value": [value]})
