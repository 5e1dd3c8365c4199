"""The policy search on a fake model with a known answer (westdev.design.search): the cheapest
mix under a chance constraint, its frontier, the fresh-draw check, best.toml, resuming, and a
many-objective frontier. Runs are serial and fast (design_fakes.policy_game)."""

from __future__ import annotations

import json
from pathlib import Path

import design_fakes as F
import pandas as pd
import pytest

from westdev.design.search import optimise
from westdev.errors import InputError
from westdev.experiments.store import read_runs
from westdev.inputs.scenario import load_scenario, validate_file

COST = "China:lever_cost_100m_yuan.total@sum(2020-2025)"
RATIO = "West:west_east_ratio_income@2025"


def spec(**search) -> dict:
    return {
        "policy": {"name": "fake_cheapest", "scenario": "baseline",
                   "ensemble": "ensemble_baseline"},
        "run": {"end_year": 2025, "replicates": 1},
        "levers": {"search": [F.A, F.B, F.C], "phase_in": [2020, 2023],
                   "ranges": {k: list(v) for k, v in F.RANGES.items()}},
        "objectives": [{"minimise": COST}],
        "constraints": [{"condition": f"{RATIO} >= 0.72", "probability": 0.8}],
        "search": {"explore_runs": 40, "draws": 20, "frontier_points": 5, "iterations": 2,
                   "margin": 0.05, **search},
        "verify": {"draws": 40, "scenarios": ["baseline"]},
    }


CALLS: list[int] = []


def counted(scenario, parameters=None, seed=0, *, resolution=None):
    CALLS.append(seed)
    return F.policy_game(scenario, parameters, seed, resolution=resolution)


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    out = tmp_path_factory.mktemp("search") / "fake"
    CALLS.clear()
    result = optimise(spec(), out, backend="serial", progress=False, simulate=counted,
                      echo=None)
    return result, out, len(CALLS)


def test_the_cheapest_mix_is_the_known_one(searched):
    result, _, _ = searched
    rec = result.recommended.set_index("lever")["value"]
    unit = {k: (rec[k] - lo) / (hi - lo) for k, (lo, hi) in F.RANGES.items()}
    # the free lever at its top, then the cheap one, and only as much of the dear one as needed
    assert unit[F.C] >= 0.95 and unit[F.A] >= 0.9
    assert 0.1 <= unit[F.B] <= 0.6
    assert result.summary["chosen"]["feasible"]


def test_the_recommendation_passes_the_fresh_draw_check(searched):
    result, _, _ = searched
    ver = result.verification
    mix = result.summary["chosen"]["mix"]
    row = ver[ver["mix"] == mix].iloc[0]
    p = row[f"P({RATIO} >= 0.72)"]
    assert row["runs"] == 40 and p >= 0.8 and bool(row["meets_constraints"])
    # the baseline (every lever at 2019) is far from the goal and costs nothing in the fake
    base = ver[ver["mix"] == "baseline"].iloc[0]
    assert base[f"P({RATIO} >= 0.72)"] < 0.2
    # fresh draws are fresh: other seeds than the search's
    seeds_search = set(read_runs(Path(result.out) / "stages/round-1")["seed"])
    seeds_verify = set(read_runs(Path(result.out) / "stages/verify")["seed"])
    assert not seeds_search & seeds_verify


def test_the_frontier_has_non_dominated_points_and_common_random_numbers(searched):
    result, out, _ = searched
    fr = result.frontier
    cand = fr[fr["kind"] == "candidate"]
    assert cand["non_dominated"].sum() >= 5
    nd = cand[cand["non_dominated"]].sort_values(f"mean {COST}")
    assert nd[f"P({RATIO} >= 0.72)"].is_monotonic_increasing  # more money, more probability
    assert set(fr.columns) >= {F.A, F.B, F.C, f"mean {COST}", "feasible", "runs"}
    runs = read_runs(out / "stages/round-1")
    per_mix = runs.groupby("scenario")["seed"].apply(lambda s: tuple(sorted(s)))
    assert per_mix.nunique() == 1  # every mix ran on the same seeds (and draws)
    on_disk = pd.read_csv(out / "frontier.csv")
    assert len(on_disk) == len(fr)


def test_best_toml_is_a_valid_scenario_that_reproduces_the_mix(searched):
    result, out, _ = searched
    text = (out / "best.toml").read_text(encoding="utf-8")
    assert "§30" in text and 'extends = "baseline"' in text
    scenario = validate_file(out / "best.toml")
    rec = result.recommended.set_index("lever")["value"]
    for lever in (F.A, F.B, F.C):
        assert scenario.lever_values(2023)[lever] == pytest.approx(rec[lever], rel=0, abs=0)
    assert scenario.lever_values(2020)[F.A] == load_scenario("baseline").lever_values(2020)[F.A]
    report = (out / "report.md").read_text(encoding="utf-8")
    for part in ("## The answer", "fresh draws", "## The frontier", "## Robustness",
                 "max_regret", "satisficing", "frontier.png"):
        assert part in report
    assert (out / "frontier.png").is_file() and (out / "mix.png").is_file()


def test_a_finished_search_resumes_without_running_again(searched, tmp_path):
    result, out, n_calls = searched
    assert n_calls == result.summary["total_runs"]
    CALLS.clear()
    again = optimise(spec(), out, backend="serial", progress=False, simulate=counted, echo=None)
    assert CALLS == []
    assert again.summary["chosen"] == result.summary["chosen"]
    with pytest.raises(InputError, match="another search"):
        optimise(spec(margin=0.1), out, backend="serial", progress=False, simulate=counted,
                 echo=None)
    request = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert request["spec"]["search"]["margin"] == 0.05


def test_a_many_objective_search_returns_a_frontier(tmp_path):
    s = spec(explore_runs=30, draws=6, frontier_points=6, population=24, generations=20)
    s["objectives"] = [{"minimise": COST}, {"maximise": RATIO}]
    s["constraints"] = []
    s["verify"] = {"draws": 6, "scenarios": ["baseline"]}
    result = optimise(s, tmp_path / "front", backend="serial", progress=False,
                      simulate=F.policy_game, echo=None)
    fr = result.frontier
    nd = fr[(fr["kind"] == "candidate") & fr["non_dominated"]]
    assert len(nd) >= 4
    # along the frontier, more money buys a higher ratio
    nd = nd.sort_values(f"mean {COST}")
    assert nd[f"mean {RATIO}"].iloc[-1] > nd[f"mean {RATIO}"].iloc[0] + 0.05
    assert set(result.verification["mix"]) >= set(nd["mix"])
