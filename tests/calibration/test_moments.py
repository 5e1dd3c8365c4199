"""Moment recipes on hand-made frames whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.calibration.moments import Recipe, Table, compute, programme_premium

GROUPS = ("West", "East", "Central", "Northeast")


def frame(values: dict[tuple[str, str, int], float]) -> pd.DataFrame:
    return pd.DataFrame([(y, a, i, v) for (i, a, y), v in values.items()],
                        columns=["year", "area", "indicator", "value"])


def regions(gdp: dict[str, tuple[float, float]], pop: dict[str, tuple[float, float]],
            years=(2000, 2019)) -> Table:
    rows = {}
    for g in GROUPS:
        for k, y in enumerate(years):
            rows[("gdp_100m_yuan", g, y)] = gdp[g][k]
            rows[("population_10k", g, y)] = pop[g][k]
            rows[("gdp_per_capita_yuan", g, y)] = gdp[g][k] / pop[g][k]
    for k, y in enumerate(years):
        rows[("gdp_100m_yuan", "China", y)] = sum(gdp[g][k] for g in GROUPS)
        rows[("population_10k", "China", y)] = sum(pop[g][k] for g in GROUPS)
    return Table(frame(rows))


def test_ratio_share_and_changes():
    t = regions({"West": (20, 40), "East": (50, 80), "Central": (20, 30), "Northeast": (10, 10)},
                {"West": (10, 10), "East": (10, 10), "Central": (10, 10), "Northeast": (10, 10)})
    assert compute(Recipe("ratio", years=(2019,)), t) == pytest.approx(0.5)
    assert compute(Recipe("share", "gdp_100m_yuan", (2000,), "East"), t) == pytest.approx(0.5)
    assert compute(Recipe("share_change", "gdp_100m_yuan", (2000, 2019)), t) == \
        pytest.approx(100 * (40 / 160 - 20 / 100))
    assert compute(Recipe("growth", "gdp_100m_yuan", (2000, 2019), "West"), t) == \
        pytest.approx(100 * np.log(2) / 19)
    assert compute(Recipe("growth_gap", "gdp_100m_yuan", (2000, 2019)), t) == \
        pytest.approx(100 * (np.log(2) - np.log(1.6)) / 19)
    assert compute(Recipe("log_change_gap", "gdp_100m_yuan", (2000, 2019)), t) == \
        pytest.approx(np.log(2) - np.log(1.6))


def test_observed_indicator_is_read_only_for_observed_frames():
    t = Table(frame({("real", "China", 2005): 100.0, ("real", "China", 2014): 200.0,
                     ("gdp", "China", 2005): 100.0, ("gdp", "China", 2014): 100.0}))
    r = Recipe("growth", "gdp", (2005, 2014), "China", observed_indicator="real")
    assert compute(r, t, observed=True) == pytest.approx(100 * np.log(2) / 9)
    assert compute(r, t) == 0.0


def test_beta_and_dispersion_on_known_provinces():
    # provinces grow by a known rule: g = 5 − 2·ln(y0) (% a year), so β = −2
    y0 = np.array([1.0, 2.0, 4.0, 8.0])
    growth = 5 - 2 * np.log(y0)
    y1 = y0 * np.exp(growth / 100 * 10)
    rows = {}
    for i in range(4):
        rows[("gdp_per_capita_yuan", f"P{i}", 2000)] = y0[i]
        rows[("gdp_per_capita_yuan", f"P{i}", 2010)] = y1[i]
    t = Table(frame(rows))
    assert compute(Recipe("beta", years=(2000, 2010)), t) == pytest.approx(-2.0)
    expected = np.log(y1).std(ddof=1) - np.log(y0).std(ddof=1)
    assert compute(Recipe("dispersion_change", years=(2000, 2010)), t) == pytest.approx(expected)
    assert expected < 0  # convergence narrows the spread


def test_premium_is_a_difference_in_differences():
    base_pop = {g: (10.0, 10.0) for g in GROUPS}
    without = regions({"West": (10, 20), "East": (10, 20), "Central": (10, 20), "Northeast": (10, 20)},
                      base_pop)
    # with the programme the west ends 10 % richer, the rest unchanged
    with_p = regions({"West": (10, 22), "East": (10, 20), "Central": (10, 20), "Northeast": (10, 20)},
                     base_pop)
    assert programme_premium(with_p, without, (2000, 2019)) == pytest.approx(100 * np.log(1.1) / 19)
    # a common shock to all regions is differenced out
    boom = regions({"West": (10, 26.4), "East": (10, 24), "Central": (10, 24), "Northeast": (10, 24)},
                   base_pop)
    assert programme_premium(boom, without, (2000, 2019)) == pytest.approx(100 * np.log(1.1) / 19)


def test_missing_values_name_what_is_missing():
    t = Table(frame({("gdp_per_capita_yuan", "West", 2019): 1.0}))
    with pytest.raises(KeyError, match="East in 2019"):
        compute(Recipe("ratio", years=(2019,)), t)
