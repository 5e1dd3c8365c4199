"""Relocation support never costs a government more than its programme cap (ODD §7.10.2)."""

from __future__ import annotations

import numpy as np

import westdev.economy.firms.relocation as relocation
from westdev.economy.simulate import build_model
from westdev.inputs.parameters import load_parameters
from westdev.inputs.scenario import load_scenario

CAP = 0.05  # 100m yuan: a programme cap small enough to bind


def _model_where_energy_intensive_firms_move():
    """A small economy after its first year, at the first seed (of 8) whose relocation step
    then moves energy-intensive firms west (most seeds do; which ones changes with the fit)."""
    scenario = load_scenario("baseline").with_overrides(run={"end_year": 2021}, levers={
        "industry.energy_intensive_to_clean_west": True,
        "industry.relocation_support_share": 0.8, "ecology.energy_cap_growth": 20.0,
        "industry.enclave_tax_share_to_origin": 0.0})
    params = load_parameters(scenario.parameter_vintage, {"firms.relocation_consider_rate": 0.1})
    for seed in range(8):
        probe = build_model(scenario, params, seed=seed, resolution="small")
        probe.step()
        moved = relocation.relocate(probe.state, probe.setting, probe.calibrated,
                                    probe.state.instruments, np.random.default_rng(1))
        if moved.ei_inflow.sum() > 0:  # relocate changed the probe: build the year again
            model = build_model(scenario, params, seed=seed, resolution="small")
            model.step()
            return model
    raise AssertionError("no seed of 8 moves energy-intensive firms west in 2021")


def test_the_hard_cap_is_the_programme_cap_even_when_energy_intensive_firms_move(monkeypatch):
    """The decision passes scale support towards the cap; whatever they leave, the hard cap
    holds each destination's support to its programme cap. (It used to be the energy cap
    whenever an energy-intensive firm moved, by a reused variable name.)"""
    model = _model_where_energy_intensive_firms_move()
    choose = relocation.choose_moves

    def unscaled(*args, **kwargs):  # as if the passes had not scaled support at all
        movers, dest, _, _ = choose(*args, **kwargs)
        n = model.geo.n
        return movers, dest, np.ones(n), np.ones(n)

    monkeypatch.setattr(relocation, "choose_moves", unscaled)
    monkeypatch.setattr(relocation, "programme_cap",
                        lambda state, setting: np.full(setting.geo.n, CAP))
    moved = relocation.relocate(model.state, model.setting, model.calibrated,
                                model.state.instruments, np.random.default_rng(1))
    assert moved.ei_inflow.sum() > 0  # energy-intensive firms did move west
    assert moved.subsidy.max() > 0.5 * CAP  # support is paid and the cap binds somewhere
    assert (moved.subsidy <= CAP * (1 + 1e-12)).all()
