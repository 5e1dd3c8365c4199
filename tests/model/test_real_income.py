"""Living standards in real terms (issue 22): income deflated by each province's consumer price
level, beside the statistics' nominal income."""

from __future__ import annotations

import numpy as np
import pytest

from westdev.economy.simulate import simulate
from westdev.inputs.scenario import load_scenario


@pytest.fixture(scope="module")
def frame():
    scenario = load_scenario("guideline").with_overrides(run={"end_year": 2027})
    return simulate(scenario, seed=2, resolution="small")


def _wide(frame, year):
    sub = frame[frame.year == year]
    return sub.pivot(index="area", columns="indicator", values="value")


def test_real_income_is_nominal_income_over_the_price_level(frame):
    w = _wide(frame, 2027)
    provinces = [a for a in w.index if a not in ("West", "East", "Central", "Northeast", "China")]
    p = w.loc[provinces]
    np.testing.assert_allclose(p["real_disposable_income_per_capita_yuan"] * p["consumer_price_level"],
                               p["disposable_income_per_capita_yuan"], rtol=1e-9)
    # prices differ across provinces once services prices move
    assert p["consumer_price_level"].std() > 0


def test_at_the_start_real_and_nominal_ratios_coincide(frame):
    start = _wide(frame, 2019).loc["West"]
    assert start["west_east_ratio_income_real"] == pytest.approx(start["west_east_ratio_income"],
                                                                 rel=1e-12)
    later = _wide(frame, 2027).loc["West"]
    assert later["west_east_ratio_income_real"] != later["west_east_ratio_income"]
