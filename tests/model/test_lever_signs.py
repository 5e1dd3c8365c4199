"""Signs of levers that the guideline's text fixes and that an earlier version got wrong
(issue 22): each test states the economics, with common random numbers."""

from __future__ import annotations

from westdev.economy.simulate import simulate
from westdev.inputs.scenario import load_scenario


def _value(levers: dict, indicator: str, area: str, year: int, seed: int) -> float:
    scenario = load_scenario("baseline").with_overrides(run={"end_year": year}, levers=levers)
    frame = simulate(scenario, seed=seed, resolution="small")
    return float(frame[(frame.indicator == indicator) & (frame.area == area)
                       & (frame.year == year)]["value"].iloc[0])


def test_remote_coverage_does_not_cut_the_wests_transfers():
    """§5/§6 coverage of remote areas lowers what delivering services costs a sparse western
    province; the centre's formula assesses need by the structural cost of sparse settlement,
    so extending coverage must not cut the western provinces' central transfers (in the first
    year, before any indirect effect through the economy)."""
    for seed in (1, 2, 3):
        low = _value({"infrastructure.remote_coverage": 0.5}, "central_transfers_100m_yuan",
                     "West", 2020, seed)
        high = _value({"infrastructure.remote_coverage": 0.9}, "central_transfers_100m_yuan",
                      "West", 2020, seed)
        assert high >= low * (1 - 1e-9), (seed, low, high)
