"""The start year is the observed economy: the calibrated model reproduces the data exactly."""

from __future__ import annotations

import numpy as np
import pytest

from westdev.economy.simulate import build_model
from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.initial_state import national_deflator
from westdev.inputs.scenario import load_scenario


@pytest.fixture(scope="module")
def start():
    scenario = load_scenario("baseline")
    model = build_model(scenario, seed=11, resolution="small")
    return model, model.recorder.to_frame()


def _by_province(frame, indicator, year=2019):
    data = load_provincial_data()
    rows = frame[(frame.year == year) & (frame.indicator == indicator)].set_index("area").value
    return rows.reindex(list(data.provinces["name_en"])).to_numpy()


def test_start_year_gdp_population_income_match_data(start):
    _, frame = start
    data = load_provincial_data()
    np.testing.assert_allclose(_by_province(frame, "gdp_100m_yuan"),
                               data.value("gdp_100m_yuan", 2019), rtol=1e-9)
    np.testing.assert_allclose(_by_province(frame, "population_10k"),
                               data.value("population_10k", 2019), rtol=1e-9)
    np.testing.assert_allclose(_by_province(frame, "disposable_income_per_capita_yuan"),
                               data.value("disposable_income_pc", 2019), rtol=1e-9)


def test_start_year_budget_and_taxes_match_data(start):
    _, frame = start
    data = load_provincial_data()
    spending = _by_province(frame, "budget_spending_100m_yuan")
    np.testing.assert_allclose(spending, data.value("budget_expenditure_100m_yuan", 2019), rtol=1e-9)
    own_tax = spending - _by_province(frame, "net_central_support_100m_yuan")
    np.testing.assert_allclose(own_tax, data.value("tax_revenue_100m_yuan", 2019), rtol=1e-9)


def test_start_year_goal_ratios_are_the_observed_ones(start):
    """West/East income 0.604 and GDP per head 0.587 in 2019 (docs/evidence.md, from the data)."""
    _, frame = start
    west = frame[(frame.area == "West") & (frame.year == 2019)].set_index("indicator").value
    assert west["west_east_ratio_income"] == pytest.approx(0.604, abs=5e-4)
    gdp_pc = west["west_east_ratio_gdp_per_capita"]
    # GDP per head here divides by year-end population (docs/evidence.md: the mean of two
    # year-ends)
    assert gdp_pc == pytest.approx(0.587, abs=3e-3)


def test_start_year_sector_value_added_matches_data_shares(start):
    model, frame = start
    obs = model.obs
    for k, name in enumerate(["agriculture_va_100m_yuan", "industry_va_100m_yuan",
                              "services_va_100m_yuan"]):
        np.testing.assert_allclose(_by_province(frame, name), obs.gdp * obs.sector_share[:, k],
                                   rtol=1e-9)


def test_migration_calibration_fits_targets(start):
    model, _ = start
    assert model.calibrated.migration_fit["gross_ratio"] == pytest.approx(1.0, abs=1e-3)
    assert model.calibrated.migration_fit["max_abs_error_persons"] < 1e-3 * model.obs.population.max()


def test_national_deflator_is_one_in_2019_and_below_one_before():
    data = load_provincial_data()
    assert national_deflator(data, 2019) == 1.0
    d2010, d2000 = national_deflator(data, 2010), national_deflator(data, 2000)
    assert 0 < d2000 < d2010 < 1.0


def test_cn2000_vintage_builds_and_matches_2000_gdp():
    scenario = load_scenario("baseline").with_overrides(run={"start_year": 2000, "end_year": 2001})
    model = build_model(scenario, seed=3, resolution="small")
    data = load_provincial_data()
    deflator = national_deflator(data, 2000)
    np.testing.assert_allclose(model.obs.gdp, data.value("gdp_100m_yuan", 2000) / deflator,
                               rtol=1e-12)
    assert any("disposable income" in p for p in model.obs.proxies)
