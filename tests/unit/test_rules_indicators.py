"""Indicator rules (westdev.economy.indicators): Theil index and its decomposition, per-head values,
group sums and ratios."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.economy.indicators import (
    group_sums,
    group_weighted_means,
    membership,
    per_head,
    ratio,
    theil,
    theil_decomposition,
    weighted_mean,
)


def test_theil_zero_under_equality():
    pop = np.array([1e6, 3e6, 5e5])
    # GDP proportional to population ⇒ yᵢ = ȳ ⇒ every ln(yᵢ/ȳ) = 0
    assert theil(2.5 * pop, pop) == pytest.approx(0.0, abs=1e-15)


def test_theil_two_units_hand_example():
    # GDP [3, 1], population [1, 1]: s = [0.75, 0.25], y = [3, 1], ȳ = 4/2 = 2
    # T = 0.75 · ln(1.5) + 0.25 · ln(0.5) = 0.75 · 0.405465 − 0.25 · 0.693147
    #   = 0.304099 − 0.173287 = 0.130812
    t = theil(np.array([3.0, 1.0]), np.array([1.0, 1.0]))
    assert t == pytest.approx(0.75 * math.log(1.5) + 0.25 * math.log(0.5), rel=1e-12)
    assert t == pytest.approx(0.130812, abs=1e-6)


def test_theil_decomposition_hand_example():
    gdp = np.array([3.0, 1.0, 2.0, 2.0])
    pop = np.ones(4)
    groups = {"a": np.array([True, True, False, False]), "b": np.array([False, False, True, True])}
    out = theil_decomposition(gdp, pop, groups)
    # total: s = [3, 1, 2, 2]/8, y = [3, 1, 2, 2], ȳ = 2
    #   T = 3/8 ln 1.5 + 1/8 ln 0.5 + 0 + 0 = 0.152050 − 0.086643 = 0.065406
    # group a: s_a = 4/8 = 0.5, T_a = 0.130812 (two-unit example) ⇒ within_a = 0.065406
    # group b: equal ⇒ within_b = 0; between: both group means are 2 = ȳ ⇒ 0
    assert out["total"] == pytest.approx(3 / 8 * math.log(1.5) + 1 / 8 * math.log(0.5))
    assert out["within_a"] == pytest.approx(0.5 * (0.75 * math.log(1.5) + 0.25 * math.log(0.5)))
    assert out["within_b"] == pytest.approx(0.0, abs=1e-15)
    assert out["between"] == pytest.approx(0.0, abs=1e-15)


_pos = st.floats(0.01, 1e4)


@given(st.lists(st.tuples(_pos, _pos, st.integers(0, 2)), min_size=3, max_size=12))
def test_theil_decomposition_adds_up(rows):
    gdp = np.array([r[0] for r in rows])
    pop = np.array([r[1] for r in rows])
    g = np.array([r[2] for r in rows])
    groups = {str(k): g == k for k in np.unique(g)}
    out = theil_decomposition(gdp, pop, groups)
    parts = out["between"] + sum(v for k, v in out.items() if k.startswith("within_"))
    assert parts == pytest.approx(out["total"], abs=1e-12)
    assert out["total"] >= -1e-12  # Theil T is never negative
    # the decomposition's terms are the definition's: T over all units, and sᵍ·Tᵍ by group
    assert out["total"] == pytest.approx(theil(gdp, pop), rel=1e-9, abs=1e-12)
    for name, m in groups.items():
        assert out[f"within_{name}"] == pytest.approx(gdp[m].sum() / gdp.sum() * theil(gdp[m], pop[m]),
                                                      rel=1e-9, abs=1e-12)


def test_per_head():
    # 2 (100m yuan) over 10 000 persons = 2e8/1e4 = 20 000 yuan; population 0 ⇒ NaN
    out = per_head(np.array([2.0, 5.0]), np.array([1e4, 0.0]))
    assert out[0] == pytest.approx(20_000.0)
    assert math.isnan(out[1])
    # another scale: 3 over 2 persons at scale 1 = 1.5
    assert per_head(np.array([3.0]), np.array([2.0]), scale=1.0)[0] == pytest.approx(1.5)


def test_group_sums_and_weighted_means():
    values = np.array([1.0, 2.0, 3.0, 4.0])
    member = membership([np.array([True, False, True, False]), np.array([False, True, True, True]),
                         np.zeros(4, bool)])
    # [1 + 3, 2 + 3 + 4, nothing] = [4, 9, 0]
    np.testing.assert_allclose(group_sums(values, member), [4.0, 9.0, 0.0])
    # by row of a stack of indicators
    np.testing.assert_allclose(group_sums(np.stack([values, 2 * values]), member),
                               [[4.0, 9.0, 0.0], [8.0, 18.0, 0.0]])
    w = np.array([1.0, 1.0, 3.0, 0.0])
    out = group_weighted_means(values, w, member)
    # (1·1 + 3·3)/(1 + 3) = 10/4 = 2.5;  (2·1 + 3·3 + 4·0)/4 = 11/4 = 2.75; empty ⇒ NaN
    np.testing.assert_allclose(out[:2], [2.5, 2.75])
    assert math.isnan(out[2])
    rows = group_weighted_means(np.stack([values, values + 1]), w, member)
    np.testing.assert_allclose(rows[:, :2], [[2.5, 2.75], [3.5, 3.75]])


def test_ratio():
    assert ratio(2.0, 4.0) == 0.5  # 2/4
    assert math.isnan(ratio(2.0, 0.0))
    assert math.isnan(ratio(2.0, -1.0))
    assert ratio(0.0, 3.0) == 0.0


def test_weighted_mean_is_np_average():
    # (1·1 + 2·3)/(1 + 3) = 7/4; and bit for bit what np.average gives on province arrays
    assert weighted_mean(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == 1.75
    rng = np.random.default_rng(0)
    for _ in range(100):
        x, w = rng.lognormal(size=31), rng.lognormal(size=31) * 1e7
        assert weighted_mean(x, w) == np.average(x, weights=w)
