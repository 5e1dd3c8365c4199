"""The seam: one run is a pure function of (scenario, parameters, seed).

Every batch — run, compare, sweep, sensitivity, calibration — calls `simulate` and nothing else
of the model.
"""

from __future__ import annotations

import pandas as pd

RESULT_COLUMNS = ["year", "area", "indicator", "value"]


def simulate(scenario, parameters=None, seed: int = 0, *, resolution: str | None = None) -> pd.DataFrame:
    """Run one scenario from its start year (observed state) to its end year inclusive.

    Parameters
    ----------
    scenario : westdev.scenario.Scenario
    parameters : westdev.parameters.Parameters, optional
        Defaults to the scenario's vintage with its overrides.
    seed : int
        Seed of the run's random generator (derived by the runner from root seed, design point
        and replicate).
    resolution : str, optional
        Overrides the scenario's resolution ("small", "default", "large").

    Returns
    -------
    DataFrame with columns year (int), area (str), indicator (str), value (float): one row per
    province or region group, indicator and year (tidy, DESIGN §8).
    """
    raise NotImplementedError("being written")
