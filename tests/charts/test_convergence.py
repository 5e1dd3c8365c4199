"""Family (j): the output cost of convergence, the goal's definitions, the lever interactions.

Each table is checked on made-up results whose answer is known by hand; each chart on the
numbers it prints (the slope, the package against its levers alone).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from westdev.analysis.summaries import split_effects
from westdev.charts.convergence import (
    definitions_table,
    interaction_table,
    output_cost_table,
    plot_goal_definitions,
    plot_lever_interactions,
    plot_output_cost,
    scenario_split,
)
from westdev.policy.goal import RATIO_INDICATORS

INCOME = RATIO_INDICATORS["income"]


def _tidy(values: dict[str, list[tuple[float, float]]], year: int = 2035) -> pd.DataFrame:
    """Scenario → per replicate (income ratio, China GDP) as a store's tidy table."""
    rows = []
    for scenario, reps in values.items():
        for r, (ratio, gdp) in enumerate(reps):
            base = {"year": year, "scenario": scenario, "replicate": r, "seed": 100 + r}
            rows.append({**base, "area": "West", "indicator": INCOME, "value": ratio})
            rows.append({**base, "area": "China", "indicator": "gdp_100m_yuan", "value": gdp})
    return pd.DataFrame(rows)


def _figure_text(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_output_cost_is_paired_by_replicate_and_relative_to_the_reference():
    # replicate 1 is a richer world in both scenarios: pairing removes it
    df = _tidy({"baseline": [(0.60, 100.0), (0.62, 200.0)],
                "package": [(0.70, 99.0), (0.72, 198.0)]})
    table = output_cost_table(df, reference="baseline")
    assert table.loc["baseline", "gdp_pct"] == pytest.approx(0.0)
    assert table.loc["package", "gdp_pct"] == pytest.approx(-1.0)  # −1 % in both replicates
    assert table.loc["package", "gdp_lo"] == pytest.approx(-1.0)
    assert table.loc["package", "ratio"] == pytest.approx(0.71)
    assert table.loc["package", "n"] == 2


def test_output_cost_per_hundredth_of_the_ratio_is_labelled():
    # a: GDP −1 % for +0.02 of the ratio (cost 0.5 % per 0.01); b: +1 % for +0.04 (a gain);
    # c: the ratio does not move, so no cost per 0.01 is shown
    df = _tidy({"baseline": [(0.60, 100.0)] * 2, "a": [(0.62, 99.0)] * 2,
                "b": [(0.64, 101.0)] * 2, "c": [(0.6005, 97.0)] * 2})
    table = output_cost_table(df, reference="baseline")
    assert table.loc["a", "cost_per_0.01"] == pytest.approx(0.5)
    assert table.loc["b", "cost_per_0.01"] == pytest.approx(-0.25)
    assert np.isnan(table.loc["c", "cost_per_0.01"])
    text = _figure_text(plot_output_cost(df, reference="baseline"))
    assert "a (+0.50 %)" in text and "b (-0.25 %)" in text and "c (" not in text


def test_definitions_table_keeps_each_measure_apart():
    rows = []
    for s, shift in (("baseline", 0.0), ("guideline", 0.1)):
        for r in range(3):
            for ind, v in ((INCOME, 0.6), ("west_east_ratio_income_real", 0.7),
                           ("west_east_ratio_network_per_km2", 0.3)):
                rows.append({"year": 2035, "area": "West", "indicator": ind, "scenario": s,
                             "replicate": r, "value": v + shift + 0.01 * r})
    df = pd.DataFrame(rows)
    table = definitions_table(df, ["baseline", "guideline"])
    got = table.set_index(["indicator", "scenario"])["mean"]
    assert got[(INCOME, "guideline")] == pytest.approx(0.71)
    assert got[("west_east_ratio_income_real", "baseline")] == pytest.approx(0.71)
    assert got[("west_east_ratio_network_per_km2", "baseline")] == pytest.approx(0.31)
    assert set(table["n"]) == {3}
    fig = plot_goal_definitions(df, scenarios=["baseline", "guideline"], theta=0.8)
    assert "θ = 0.8" in _figure_text(fig)


def _package_results(effects: dict[str, float], pair_bonus: float, reps: int = 4) -> tuple:
    """v(S) = Σ effects of S + pair_bonus when both 'a' and 'b' are in S, plus a replicate
    shift common to every subset (common random numbers)."""
    levers = list(effects)
    subsets = {}
    rows = []
    for k in range(len(levers) + 1):
        for combo in itertools.combinations(levers, k):
            name = "s_" + "_".join(combo) if combo else "base"
            subsets[name] = list(combo)
            for r in range(reps):
                v = 0.6 + 0.01 * r + sum(effects[c] for c in combo)
                v += pair_bonus if {"a", "b"} <= set(combo) else 0.0
                rows.append({"year": 2035, "area": "West", "indicator": INCOME, "value": v,
                             "scenario": name, "seed": r, "replicate": r})
    return pd.DataFrame(rows), levers, subsets


def test_interaction_table_finds_the_complementary_pair():
    df, levers, subsets = _package_results({"a": 0.01, "b": 0.02, "c": 0.005}, pair_bonus=0.05)
    split = split_effects(df, outcomes=[f"West:{INCOME}"], cost=None, levers=levers,
                          subsets=subsets)
    outcome = split["outcome"].iloc[0]
    table = interaction_table(split, outcome)
    assert table.loc["total", "alone"] == pytest.approx(0.085)
    assert table.loc["interaction", "alone"] == pytest.approx(0.05)
    assert table.loc["a", "alone"] == pytest.approx(0.01)
    assert table.loc["a", "last"] == pytest.approx(0.06)  # a works through b
    assert table.loc["c", "last"] == pytest.approx(table.loc["c", "alone"])  # c is additive
    fig = plot_lever_interactions(split, outcome)
    text = _figure_text(fig)
    assert "The package +0.085 against +0.035 for its parts alone: interaction +0.050" in text
    with pytest.raises(ValueError, match="no split rows"):
        interaction_table(split, "West:nothing@2035")
    assert np.isfinite(table[["alone", "last"]].to_numpy()).all()


def test_scenario_split_pairs_parts_by_replicate():
    # the package adds 0.05 beyond its three parts (c does nothing alone); replicate shifts
    # cancel in the pairing
    rows = []
    for r in range(5):
        for scenario, v in (("base", 0.6), ("a_only", 0.61), ("b_only", 0.63), ("c_only", 0.6),
                            ("pkg", 0.69)):
            rows.append({"year": 2035, "area": "West", "indicator": INCOME, "scenario": scenario,
                         "replicate": r, "seed": 100 + r, "value": v + 0.02 * r})
    split = scenario_split(pd.DataFrame(rows), base="base", package="pkg",
                           parts={"a": "a_only", "b": "b_only", "c": "c_only"},
                           outcome=f"West:{INCOME}")
    got = split.set_index("lever")["mean"]
    assert got["a"] == pytest.approx(0.01) and got["b"] == pytest.approx(0.03)
    assert got["total"] == pytest.approx(0.09) and got["interaction"] == pytest.approx(0.05)
    assert split.set_index("lever")["se"].max() == pytest.approx(0.0, abs=1e-12)
    table = interaction_table(split, f"West:{INCOME}@2035")
    assert table.drop(index="total")["last"].isna().all()  # no leave-one-out runs here
    fig = plot_lever_interactions(split, f"West:{INCOME}@2035")
    assert "interaction +0.050" in _figure_text(fig)
    with pytest.raises(ValueError, match="scenario"):
        scenario_split(pd.DataFrame(rows), base="base", package="nope", parts={},
                       outcome=f"West:{INCOME}")
