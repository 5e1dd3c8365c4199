"""Back-cast worlds, the naive benchmark, fitted files and their use by runs and ensembles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.calibration.backcast import CHANNEL_OF_LEVER, CHANNELS, programme_levers, scenarios
from westdev.calibration.design import COUNTERFACTUAL, HISTORY, design_point
from westdev.calibration.fitted_file import read_fitted, write_fitted
from westdev.calibration.observed import observed_frame
from westdev.calibration.validation import _measures, naive_trend_frame
from westdev.inputs.scenario import load_scenario


def test_every_programme_lever_has_one_channel_and_worlds_differ_only_by_it():
    history, none = load_scenario(HISTORY), load_scenario(COUNTERFACTUAL)
    levers = programme_levers(history, none)
    assert set(levers) == set(CHANNEL_OF_LEVER)
    worlds = scenarios()
    for channel in CHANNELS:
        world = worlds[f"none + {channel}"]
        changed = {k for k in world.levers if world.levers[k] != none.levers[k]}
        assert changed == {k for k, c in CHANNEL_OF_LEVER.items() if c == channel}
    no_cit = worlds["programme without CIT"]
    assert {k for k in no_cit.levers if no_cit.levers[k] != history.levers[k]} == \
        {"fiscal.cit_rate_encouraged_west"}


def test_design_points_prefix_parameters_and_keep_history_scales():
    assert design_point({"firms.catch_up_rate": 0.03, "exogenous.frontier_tfp_growth.scale": 1.5}) \
        == {"parameters.firms.catch_up_rate": 0.03, "exogenous.frontier_tfp_growth.scale": 1.5}


def test_naive_trend_reproduces_exact_log_linear_provinces():
    obs = observed_frame()
    naive = naive_trend_frame(obs)
    # the trend frame aggregates like the data: China is the sum of the four groups
    pivot = naive[naive["indicator"] == "gdp_100m_yuan"].pivot(index="year", columns="area",
                                                               values="value")
    assert np.allclose(pivot[["West", "East", "Central", "Northeast"]].sum(axis=1), pivot["China"])
    # on a province whose GDP is exactly log-linear the trend is exact
    fake = obs.copy()
    mask = (fake["indicator"] == "gdp_100m_yuan") & (fake["area"] == "Gansu")
    fake.loc[mask, "value"] = 100.0 * np.exp(0.1 * (fake.loc[mask, "year"] - 2000))
    trend = naive_trend_frame(fake)
    west_fake = trend[(trend["indicator"] == "gdp_100m_yuan") & (trend["area"] == "West")]
    west_real = naive[(naive["indicator"] == "gdp_100m_yuan") & (naive["area"] == "West")]
    diff = west_fake.set_index("year")["value"] - west_real.set_index("year")["value"]
    # the difference is Gansu's exact path minus its own fitted trend of 2000–2012
    gansu = obs[(obs["indicator"] == "gdp_100m_yuan") & (obs["area"] == "Gansu")
                & (obs["year"] <= 2012)]
    slope, level = np.polyfit(gansu["year"].astype(float), np.log(gansu["value"]), 1)
    assert diff.loc[2019] == pytest.approx(100 * np.exp(1.9) - np.exp(level + slope * 2019),
                                           rel=1e-9)
    assert diff.loc[2005] == pytest.approx(100 * np.exp(0.5) - np.exp(level + slope * 2005),
                                           rel=1e-9)


def test_measures_of_the_observed_history():
    m = _measures(observed_frame(), range(2000, 2020))
    assert m.loc["West/East GDP per head", 2019] == pytest.approx(0.5866, abs=1e-4)
    shares = m.loc[[f"{g} share of GDP" for g in ("West", "East", "Central", "Northeast")], 2019]
    assert shares.sum() == pytest.approx(1.0)


def test_fitted_file_round_trip_feeds_parameters_and_ensembles(tmp_path, monkeypatch):
    sample = pd.DataFrame({"firms.catch_up_rate": [0.03, 0.035], "migration.income_weight": [2.5, 2.6]})
    path = write_fitted(tmp_path / "CN2019.toml", meta={"vintage": "CN2019", "objective": 3.2},
                        parameters={"firms.catch_up_rate": {"value": 0.033, "se": 0.004,
                                                            "plausible": [0.03, 0.036]},
                                    "migration.income_weight": {"value": 2.55, "se": float("nan"),
                                                                "plausible": [2.4, 2.7]}},
                        history={"exogenous.frontier_tfp_growth.scale": {"value": 1.6, "se": 0.1,
                                                                         "plausible": [1.5, 1.7]}},
                        sample=sample)
    doc = read_fitted(path)
    assert doc["parameters"]["firms"]["catch_up_rate"]["value"] == 0.033
    assert doc["history"]["exogenous.frontier_tfp_growth.scale"]["value"] == 1.6
    from westdev.calibration import fitted_sample

    assert fitted_sample(path).equals(sample)
    assert not list(tmp_path.glob("*.tmp"))

    import westdev.calibration.fitted_file as ff

    monkeypatch.setattr(ff, "fitted_dir", lambda: tmp_path)
    from westdev.experiments.spec import _fitted_uncertainty

    unc = _fitted_uncertainty("CN2019")
    assert unc["firms.catch_up_rate"] == (0.033, 0.004)
    # no standard error: a sixth of the 90 % plausible range
    assert unc["migration.income_weight"][1] == pytest.approx(0.3 / 3.29)
