"""Splitting a package between its levers, end to end: decompose → runner → store → split.

``batch_fakes:package_game`` makes the West income ratio a known function of three levers
(additive effects plus one interaction) and books known yearly per-lever costs, so the exact
Shapley and one-at-a-time splits are known in closed form. Common random numbers make the
noise cancel in every difference.
"""

from __future__ import annotations

import batch_fakes as bf
import pytest

import westdev.analysis.summaries as ws
import westdev.api as wd
from westdev.inputs.scenario import load_scenario
from westdev.policy.catalogue import LEVERS

INCOME = "West:west_east_ratio_income"


@pytest.fixture(scope="module")
def package():
    """The baseline with the three game levers at their guideline values."""
    return load_scenario("baseline").with_overrides(
        name="pkg", levers={lv: LEVERS[lv].value_guideline for lv in bf.GAME_LEVERS})


def test_exact_shapley_and_one_at_a_time(tmp_path, package):
    store = wd.decompose(package, "baseline", replicates=3, end_year=2022, root_seed=8,
                         out=tmp_path / "split", backend="serial", progress=False,
                         simulate="batch_fakes:package_game")
    assert len(store.runs) == 8 * 3 and set(store.runs["status"]) == {"ok"}
    assert store.manifest["kind"] == "compare"
    assert set(store.runs["scenario"]) >= {"baseline", "pkg",
                                           "baseline.plus.fiscal.west_transfer_coefficient"}
    assert store.runs["seed"].nunique() == 3  # one seed per replicate: common random numbers

    split = ws.split_effects(store, outcomes=[INCOME])
    d = {lv: LEVERS[lv].value_guideline - LEVERS[lv].value_2019 for lv in bf.GAME_LEVERS}
    tc, qs, ti = bf.GAME_LEVERS
    inter = bf.GAME_INTERACTION * d[tc] * d[qs]
    effect = {lv: bf.GAME_EFFECT[lv] * d[lv] for lv in bf.GAME_LEVERS}
    got = split[split["outcome"] == f"{INCOME}@2022"].set_index(["method", "lever"])["mean"]
    assert got[("total", "total")] == pytest.approx(sum(effect.values()) + inter)
    assert got[("shapley", tc)] == pytest.approx(effect[tc] + inter / 2)
    assert got[("shapley", qs)] == pytest.approx(effect[qs] + inter / 2)
    assert got[("shapley", ti)] == pytest.approx(effect[ti])
    assert got[("oat_on", tc)] == pytest.approx(effect[tc])
    assert got[("oat_off", tc)] == pytest.approx(effect[tc] + inter)
    assert got[("oat_on", "interaction")] == pytest.approx(inter)
    shap = split[(split["method"] == "shapley")]
    assert (shap["note"] == "exact").all()

    # cost: summed over 2020-2022, additive → Shapley = the model's own per-lever accounts
    cost = split[split["outcome"].str.startswith("China:lever_cost_100m_yuan.total@sum")]
    by = cost.set_index(["method", "lever"])["mean"]
    for lv in bf.GAME_LEVERS:
        assert by[("shapley", lv)] == pytest.approx(by[("accounting", lv)])
        assert by[("oat_on", lv)] == pytest.approx(by[("accounting", lv)])
    assert by[("total", "total")] == pytest.approx(sum(by[("shapley", lv)]
                                                       for lv in bf.GAME_LEVERS))


def test_sampled_shapley_for_many_levers(tmp_path):
    """no_policy vs baseline differ in more than 10 levers: Shapley from sampled orderings."""
    store = wd.decompose("no_policy", "baseline", method="shapley", permutations=4,
                         end_year=2020, out=tmp_path / "many", backend="serial",
                         progress=False, simulate="batch_fakes:package_game")
    exp = store.manifest["request"]["experiment"]["decomposition"]
    levers = exp["levers"]
    assert len(levers) > 10
    assert len(store.runs) <= 4 * len(levers) + 1
    split = ws.split_effects(store, outcomes=[INCOME], cost=None)
    shap = split[split["method"] == "shapley"].set_index("lever")
    assert shap["note"].iloc[0] == "sampled: 4 orderings"
    total = split.set_index(["method", "lever"]).loc[("total", "total"), "mean"]
    assert shap["mean"].sum() == pytest.approx(total)  # efficient in every ordering
    for lv in levers:
        if lv not in bf.GAME_LEVERS:
            assert shap.loc[lv, "mean"] == pytest.approx(0.0, abs=1e-12)
