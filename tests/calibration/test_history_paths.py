"""The history's exogenous paths derived from the data: the shipped CSVs are what the data say,
and each driver moves what it should."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.calibration import history_paths as hp
from westdev.economy.simulate import build_model
from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.scenario import load_scenario

PATHS = hp.HISTORY_PUSH_CSV.parent


@pytest.mark.parametrize("name, build", [
    (hp.HISTORY_PUSH_CSV.name, hp.investment_push),
    (hp.NO_PROGRAMME_CSV, hp.investment_push_without_programme),
    (hp.TRANSFER_CSV, hp.central_transfer_index),
    (hp.DRIFT_CSV, hp.productivity_drift_northeast),
])
def test_shipped_paths_equal_their_recomputation_from_the_data(name, build):
    shipped = pd.read_csv(PATHS / name, comment="#", index_col="year")
    fresh = build()
    fresh.columns = [str(c) for c in fresh.columns]
    pd.testing.assert_frame_equal(shipped, fresh.astype(float), check_dtype=False, atol=1e-4,
                                  check_names=False)


def test_the_push_is_the_investment_rate_relative_to_2000():
    data = load_provincial_data()
    push = hp.investment_push()
    rate = data.series("gfcf_100m_yuan") / data.series("gdp_100m_yuan")
    sichuan = 51
    assert push.loc[2000, sichuan] == 1.0
    assert push.loc[2012, sichuan] == pytest.approx(rate.loc[2012, sichuan] / rate.loc[2000, sichuan],
                                                    abs=1e-4)
    # without the programme, every western province follows one common path: the rest of China's
    without = hp.investment_push_without_programme()
    west = data.provinces["region4"].eq("West").reindex(without.columns).to_numpy()
    assert without.loc[:, west].nunique(axis=1).eq(1).all()
    assert (without.loc[:, ~west] == push.loc[:, ~west]).all().all()


def _grown(overrides: dict, indicator: str, area: str, year: int = 2023, seed: int = 4) -> float:
    scenario = load_scenario("baseline").with_overrides(run={"end_year": year},
                                                        exogenous=overrides)
    model = build_model(scenario, seed=seed, resolution="small")
    model.run()
    frame = model.recorder.to_frame()
    return float(frame[(frame.indicator == indicator) & (frame.area == area)
                       & (frame.year == year)]["value"].iloc[0])


def test_a_provincial_push_raises_investment_where_it_is_set():
    codes = load_provincial_data().codes
    push = {str(c): (1.6 if c == 51 else 1.0) for c in codes}
    base = _grown({}, "investment_100m_yuan", "Sichuan")
    pushed = _grown({"public_investment_index": push}, "investment_100m_yuan", "Sichuan")
    assert pushed > 1.15 * base
    # Guangdong, not pushed, changes by far less
    g0 = _grown({}, "investment_100m_yuan", "Guangdong")
    g1 = _grown({"public_investment_index": push}, "investment_100m_yuan", "Guangdong")
    assert abs(g1 / g0 - 1) < 0.25 * (pushed / base - 1)


def test_a_productivity_drag_lowers_the_province_s_output():
    codes = load_provincial_data().codes
    drag = {str(c): (-3.0 if c == 21 else 0.0) for c in codes}
    base = _grown({}, "gdp_100m_yuan", "Liaoning")
    dragged = _grown({"productivity_drift": drag}, "gdp_100m_yuan", "Liaoning")
    assert dragged < 0.95 * base


def test_the_central_transfer_index_raises_transfers():
    base = _grown({}, "central_transfers_100m_yuan", "West")
    more = _grown({"central_transfer_index": {"2019": 1.0, "2023": 1.5}},
                  "central_transfers_100m_yuan", "West")
    assert more > 1.2 * base
    assert np.isfinite(more)
