"""Summaries from results tables: bands, goal probabilities, gap closed, paired deviations,
and the cooperative splits (one-at-a-time, exact and sampled Shapley)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import westdev.analysis.summaries as ws
from westdev.policy.goal import RATIO_INDICATORS

RATIOS = list(RATIO_INDICATORS.values())


def frame(rows):
    return pd.DataFrame(rows, columns=["run_id", "scenario", "replicate", "seed", "year",
                                       "area", "indicator", "value"])


BASE_2035 = [0.6875, 0.75, 0.8125, 0.875]  # income ratio of replicates 0-3 (exact in binary)
OFFSET = [0.0, 0.03125, 0.0625]  # public services and infrastructure are a little higher
SHIFT = {"baseline": 0.0, "policy": 0.0625}


def goal_results():
    """Two scenarios × 4 replicates (seed = 100 + r); 2019 and 2035 goal ratios."""
    rows = []
    for scen, shift in SHIFT.items():
        for r in range(4):
            run = f"{scen}-r{r}"
            for k, ind in enumerate(RATIOS):
                rows.append((run, scen, r, 100 + r, 2019, "West", ind, 0.625))
                rows.append((run, scen, r, 100 + r, 2035, "West", ind,
                             BASE_2035[r] + shift + OFFSET[k]))
            met = all(BASE_2035[r] + shift + OFFSET[k] >= 0.8 for k in range(3))
            rows.append((run, scen, r, 100 + r, 2035, "West", "goal_2035_met", float(met)))
    return frame(rows)


def test_bands():
    df = goal_results()
    b = ws.bands(df, indicators=[RATIOS[0]], years=[2035])
    row = b[b["scenario"] == "baseline"].iloc[0]
    assert row["n"] == 4 and row["mean"] == pytest.approx(np.mean(BASE_2035))
    assert row["q50"] == pytest.approx(np.median(BASE_2035))
    assert row["q05"] == pytest.approx(np.quantile(BASE_2035, 0.05))
    assert list(b.columns) == ["scenario", "year", "area", "indicator", "n", "n_missing",
                               "mean", "sd", "q05", "q50", "q95", "note"]


def test_goal_probability_by_dimension_and_all():
    p = ws.goal_probability(goal_results()).set_index(["scenario", "dimension"])
    # baseline income ratios 0.6875 0.75 0.8125 0.875 → 2 of 4 ≥ 0.8
    assert p.loc[("baseline", "income"), "probability"] == 0.5
    assert p.loc[("baseline", "infrastructure"), "probability"] == 0.75  # +0.0625
    assert p.loc[("baseline", "all"), "probability"] == 0.5  # from goal_2035_met
    assert p.loc[("policy", "income"), "probability"] == 0.75
    assert p.loc[("baseline", "income"), "se"] == pytest.approx(math.sqrt(0.25 / 4))
    strict = ws.goal_probability(goal_results(), theta=0.9).set_index(["scenario",
                                                                       "dimension"])
    assert strict.loc[("baseline", "all"), "probability"] == 0.0
    assert strict.loc[("policy", "infrastructure"), "probability"] == 0.5


def test_goal_probability_curve_is_monotone_and_matches():
    curve = ws.goal_probability_curve(goal_results(), thetas=[0.7, 0.8, 0.9, 1.0])
    for (_, _), g in curve.groupby(["scenario", "dimension"]):
        assert (np.diff(g["probability"].to_numpy()) <= 0).all()
    at = curve.set_index(["scenario", "dimension", "theta"])["probability"]
    assert at[("baseline", "income", 0.8)] == 0.5
    assert at[("baseline", "all", 0.8)] == 0.5  # the smallest of the three ratios
    assert at[("policy", "infrastructure", 0.9)] == 0.5
    default = ws.goal_probability_curve(goal_results())
    assert default["theta"].min() == 0.5 and default["theta"].max() == 1.2


def test_gap_closed():
    g = ws.gap_closed(goal_results())
    row = g[(g["run_id"] == "baseline-r0") & (g["year"] == 2035)
            & (g["indicator"] == f"gap_closed.{RATIOS[0]}")]
    assert row["value"].iloc[0] == pytest.approx((0.6875 - 0.625) / (1 - 0.625))
    assert (g[g["year"] == 2019]["value"] == 0).all()
    assert set(ws.bands(g, years=[2035])["indicator"]) == {f"gap_closed.{r}" for r in RATIOS}


def test_deviations_pair_by_seed():
    d = ws.deviations(goal_results(), "policy", "baseline", years=[2035])
    row = d[d["indicator"] == RATIOS[0]].iloc[0]
    assert row["n_pairs"] == 4 and row["mean"] == pytest.approx(0.0625)
    assert row["sd"] == pytest.approx(0.0, abs=1e-12)  # common random numbers: exact pairs
    with pytest.raises(ws.InputError, match="'nope' is not in the results"):
        ws.deviations(goal_results(), "nope")


# ---------------------------------------------------------------------- cooperative splits
def game(players, effects, inter):
    """v(S) = Σ effects + Σ inter[pair] over pairs inside S."""
    return {frozenset(s): sum(effects[p] for p in s)
            + sum(v for pair, v in inter.items() if set(pair) <= set(s))
            for k in range(len(players) + 1) for s in itertools.combinations(players, k)}


def test_shapley_and_oat_on_a_known_game():
    players = ["a", "b", "c"]
    v = game(players, {"a": 1.0, "b": 2.0, "c": 3.0}, {("a", "b"): 0.6})
    phi = ws.shapley_exact(v, players)
    assert phi == pytest.approx({"a": 1.3, "b": 2.3, "c": 3.0})
    oat = ws.one_at_a_time(v, players)
    assert oat["on"] == pytest.approx({"a": 1.0, "b": 2.0, "c": 3.0})
    assert oat["off"] == pytest.approx({"a": 1.6, "b": 2.6, "c": 3.0})
    perms = list(itertools.permutations(players))
    assert ws.shapley_sampled(v, perms) == pytest.approx(phi)  # all orderings: exact


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.floats(-10, 10), min_size=2 ** n, max_size=2 ** n))))
def test_shapley_is_efficient_and_symmetric(args):
    n, values = args
    players = [f"p{i}" for i in range(n)]
    subsets = [frozenset(s) for k in range(n + 1) for s in itertools.combinations(players, k)]
    v = dict(zip(subsets, values, strict=True))
    phi = ws.shapley_exact(v, players)
    assert sum(phi.values()) == pytest.approx(v[frozenset(players)] - v[frozenset()], abs=1e-9)
    rng = np.random.default_rng(n)
    perms = [tuple(rng.permutation(players)) for _ in range(7)]
    est = ws.shapley_sampled(v, perms)
    assert sum(est.values()) == pytest.approx(v[frozenset(players)] - v[frozenset()],
                                              abs=1e-9)


def test_split_effects_from_a_dataframe():
    players = ["x", "y"]
    v = game(players, {"x": 0.1, "y": 0.2}, {("x", "y"): 0.04})
    names = {frozenset(): "base", frozenset(["x"]): "base+x", frozenset(["y"]): "base+y",
             frozenset(players): "pkg"}
    rows = []
    for s, name in names.items():
        for r in range(3):
            noise = 0.01 * r  # common to every subset of replicate r
            for year in (2019, 2020):
                rows.append((f"{name}-r{r}", name, r, r, year, "West", RATIOS[0],
                             0.6 + v[s] * (year - 2019) + noise))
    df = frame(rows)
    out = ws.split_effects(df, outcomes=[f"West:{RATIOS[0]}"], cost=None, levers=players,
                           subsets={name: s for s, name in names.items()})
    got = out.set_index(["method", "lever"])["mean"]
    assert got[("total", "total")] == pytest.approx(0.34)
    assert got[("shapley", "x")] == pytest.approx(0.12)
    assert got[("shapley", "y")] == pytest.approx(0.22)
    assert got[("oat_on", "x")] == pytest.approx(0.1)
    assert got[("oat_off", "x")] == pytest.approx(0.14)
    assert got[("oat_on", "interaction")] == pytest.approx(0.04)
    assert got[("oat_off", "interaction")] == pytest.approx(-0.04)
    assert (out["n"] == 3).all()
    assert (out["q05"] <= out["mean"] + 1e-12).all() and (out["mean"] <= out["q95"] + 1e-12).all()


# ---------------------------------------------------------------------- noise, said (issue 20)
def test_bands_say_how_many_runs_were_left_out_and_why():
    """Issue 20, 4: `bands(gap_closed(...))` dropped runs silently; now n, n_missing and the
    reason are in the table, and a band of few runs is flagged."""
    df = goal_results()
    at_parity = (df["run_id"] == "baseline-r3") & (df["year"] == 2019)
    df.loc[at_parity, "value"] = 1.02  # this run starts above parity: no gap to close
    b = ws.bands(ws.gap_closed(df), years=[2035])
    row = b[(b["scenario"] == "baseline") & (b["indicator"] == f"gap_closed.{RATIOS[0]}")]
    row = row.iloc[0]
    assert row["n"] == 3 and row["n_missing"] == 1
    assert "1 of 4 runs have no value (base-year ratio at or above parity: no gap)" in row["note"]
    assert "3 runs: the 5–95 % band is about their min–max" in row["note"]
    many = pd.concat([goal_results().assign(run_id=lambda d, k=k: d["run_id"] + f"-{k}")
                      for k in range(ws.MIN_BAND_RUNS)])
    assert ws.bands(many, years=[2035])["note"].isna().all()


def test_deviations_and_splits_mark_effects_within_noise():
    """Issue 20, 4: a decomposition's lever effect of −1.2 points with a range across zero was
    printed as a finding; now each mean has its standard error and a within-noise mark."""
    d = ws.deviations(goal_results(), "policy", "baseline", years=[2035], indicators=RATIOS)
    assert not d["within_noise"].any()  # +6.25 points in every pair: a finding
    noisy = goal_results()
    pol = (noisy["scenario"] == "policy") & (noisy["year"] == 2035)
    noisy.loc[pol, "value"] += np.where(noisy.loc[pol, "replicate"] % 2 == 0, -0.1, -0.025)
    d = ws.deviations(noisy, "policy", "baseline", years=[2035], indicators=RATIOS)
    assert d["within_noise"].all()  # pairs −0.0375 and +0.0375: mean 0 ± a lot
    players = ["x", "y"]
    names = {frozenset(): "base", frozenset(["x"]): "base+x", frozenset(["y"]): "base+y",
             frozenset(players): "pkg"}
    rows = []
    for s, name in names.items():
        for r in range(4):
            effect = (0.05 if "x" in s else 0.0) + ((-1) ** r * 0.02 if "y" in s else 0.0)
            rows.append((f"{name}-r{r}", name, r, r, 2035, "West", RATIOS[0], 0.6 + effect))
    out = ws.split_effects(frame(rows), outcomes=[f"West:{RATIOS[0]}"], cost=None,
                           levers=players, subsets={name: s for s, name in names.items()})
    sh = out[out["method"] == "shapley"].set_index("lever")
    assert not sh.loc["x", "within_noise"] and sh.loc["y", "within_noise"]
    assert sh.loc["y", "se"] == pytest.approx(np.std([0.02, -0.02] * 2, ddof=1) / 2)
    assert {"sd", "se", "within_noise"} <= set(out.columns)
