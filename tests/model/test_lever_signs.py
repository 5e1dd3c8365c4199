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


def test_hukou_settlement_settles_migrants():
    """§5 settlement: more residents obtain local hukou, so fewer live without it."""
    for seed in (1, 2):
        base = _value({}, "non_local_hukou_share", "China", 2024, seed)
        settled = _value({"public_services.hukou_settlement_rate": 0.05}, "non_local_hukou_share",
                         "China", 2024, seed)
        assert settled < base - 0.005, (seed, base, settled)


def test_opening_services_to_migrants_spreads_the_easts_capital_over_more_people():
    """§5 migrant access widens who the budget serves: where migrants live (mostly the East)
    the same public-service capital serves more people, so the West/East ratio of public
    services per person served rises."""
    for seed in (1, 2):
        closed = _value({"public_services.migrant_access_share": 0.3},
                        "west_east_ratio_public_services", "West", 2021, seed)
        opened = _value({"public_services.migrant_access_share": 0.9},
                        "west_east_ratio_public_services", "West", 2021, seed)
        assert opened > closed + 0.005, (seed, closed, opened)
