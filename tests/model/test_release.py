"""A finished run leaves no model behind (a worker's memory stays flat over many runs)."""

from __future__ import annotations

import gc

from westdev.economy.model import WestDevModel
from westdev.economy.simulate import simulate
from westdev.inputs.scenario import load_scenario


def _alive() -> int:
    gc.collect()
    return sum(isinstance(o, WestDevModel) for o in gc.get_objects())


def test_simulate_releases_the_model():
    before = _alive()
    scenario = load_scenario("baseline").with_overrides(run={"end_year": 2020})
    for seed in range(2):
        simulate(scenario, seed=seed, resolution="small")
    assert _alive() == before
