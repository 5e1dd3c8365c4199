"""The seam: one run is a pure function of (scenario, parameters, seed).

Every batch — run, compare, sweep, sensitivity, calibration — calls `simulate` and nothing else
of the model.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from westdev.economy.model import WestDevModel
from westdev.inputs.initial_state import build_initial_state
from westdev.inputs.parameters import Parameters, load_parameters
from westdev.inputs.resolution import get_resolution

RESULT_COLUMNS = ["year", "area", "indicator", "value"]


def build_model(scenario, parameters: Parameters | None = None, seed: int = 0, *,
                resolution: str | None = None) -> WestDevModel:
    """Construct the model at its start year (observed state, calibrated), without stepping."""
    if parameters is None:
        parameters = load_parameters(scenario.parameter_vintage, scenario.parameter_overrides)
    rng = np.random.default_rng(seed)
    res = get_resolution(resolution or scenario.run.resolution)
    vintage = f"CN{scenario.run.start_year}"
    state = build_initial_state(vintage, parameters, res, rng)
    return WestDevModel(state, scenario, parameters, rng)


def simulate(scenario, parameters: Parameters | None = None, seed: int = 0, *,
             resolution: str | None = None,
             keep: Mapping[str, Collection[str]] | None = None) -> pd.DataFrame:
    """Run one scenario from its start year (observed state) to its end year inclusive.

    Parameters
    ----------
    scenario : westdev.inputs.scenario.Scenario
    parameters : westdev.inputs.parameters.Parameters, optional
        Defaults to the scenario's vintage with its overrides.
    seed : int
        Seed of the run's random generator (derived by the runner from root seed, design point
        and replicate).
    resolution : str, optional
        Overrides the scenario's resolution ("small", "default", "large").
    keep : mapping, optional
        Only these rows: indicator → the areas kept ("*" for every area). Batches pass what
        their record keeps (`westdev.experiments.record`), so the rest is never built; by
        default every row.

    Returns
    -------
    DataFrame with columns year (int), area (str), indicator (str), value (float): one row per
    province or region group, indicator and year (tidy, docs/design.md §8).

    Raises
    ------
    westdev.errors.RunFailure
        When the simulated economy breaks down (an accounting identity fails, a stock turns
        negative or non-finite); the message names the year and what failed.
    """
    model = build_model(scenario, parameters, seed, resolution=resolution)
    try:
        model.run()
        return model.recorder.to_frame(keep)
    finally:
        release(model)


def release(model: WestDevModel) -> None:
    """Let a finished model be garbage-collected.

    Mesa 3.3 keeps a reference to every model in the class attribute ``mesa.Agent._ids`` (the
    per-model id counters), so without this a worker that runs many models grows by a few MB a
    run (mesa issue #3179, fixed upstream by mesa PR #3180)."""
    import mesa

    mesa.Agent._ids.pop(model, None)
