"""The Mesa peer of `westdev bench --compare-mesa` (westdev.bench_mesa_peer) follows westdev's
worker rules: in the environment recorded from a westdev run it gives that run's regional
aggregates within seed noise.

The check can fail: a peer whose migration logit ignored distance (b_dist = 0) lowers the cost
of every move by b_dist · ln(distance / 100 km) ≈ 1.5 · 2 · 2.5 ≈ 7.5 utils against a
calibrated moving cost of about 1.8, so moves multiply by orders of magnitude and the regional
populations and net migration into the West leave the tolerance by far (tried by hand on this
set-up: net migration into the West 1.5 × 10^8 persons off against a tolerance of 6 × 10^6).
"""

from __future__ import annotations

import numpy as np
import pytest

from westdev import bench_mesa_peer as peer_rules
from westdev.economy.simulate import build_model, release
from westdev.inputs.resolution import RESOLUTIONS, Resolution
from westdev.inputs.scenario import load_scenario

YEARS = 4
RESOLUTIONS["_peer_test"] = Resolution("_peer_test", workers=2_000, firms=200)


def _westdev(seed: int, record: bool = False):
    model = build_model(load_scenario("baseline"), seed=seed, resolution="_peer_test")
    if record:
        env = peer_rules.record_environment(model, YEARS)
    else:
        env = None
        for _ in range(YEARS):
            model.step()
    aggregates = peer_rules.regional_aggregates(model)
    return model, env, aggregates


@pytest.fixture(scope="module")
def recorded():
    model, env, reference = _westdev(0, record=True)
    seeds = [reference] + [_westdev(seed)[2] for seed in range(1, 6)]
    calibrated = model.calibrated.migration
    release(model)
    return env, reference, seeds, calibrated


def _peer(env, seed: int) -> dict:
    peer = peer_rules.WorkerPeer(env, seed=seed)
    for _ in range(YEARS):
        peer.step()
    assert peer.year == env.years[-1].year
    aggregates = peer_rules.peer_aggregates(peer)
    release(peer)
    return aggregates


def test_the_peer_gives_westdevs_regional_aggregates_within_seed_noise(recorded):
    env, reference, seeds, _ = recorded
    check = peer_rules.compare([_peer(env, 1), _peer(env, 2)], reference, seeds)
    assert set(check["aggregates"]) == set(peer_rules.AGGREGATES)
    failed = {k: v for k, v in check["aggregates"].items() if not v["ok"]}
    assert check["passed"], failed
    # the tolerances are seed noise, not slack: each is a few per cent of the aggregate
    for name, row in check["aggregates"].items():
        if name.startswith("population_"):
            assert 0 < row["tolerance"] < 0.15 * row["westdev"]
        elif name.startswith("employment_rate_"):
            assert 0 < row["tolerance"] < 0.15


def test_the_peer_takes_westdevs_parameters_and_start_year(recorded):
    env, _, _, calibrated = recorded
    assert env.migration is calibrated  # the calibrated logit itself, not a copy of numbers
    assert len(env.years) == YEARS and env.years[0].year == env.start_year + 1
    peer = peer_rules.WorkerPeer(env, seed=0)
    assert len(peer.agents) == env.workers
    assert all(isinstance(a, peer_rules.PeerWorker) for a in peer.agents)
    start = peer_rules.peer_aggregates(peer)
    release(peer)
    # before any step the peer's agents are westdev's start-year workers
    total = float(env.weight.sum())
    assert sum(start[f"population_{g}"] for g in ("West", "East", "Central", "Northeast")) \
        == pytest.approx(total)


def test_recording_the_environment_leaves_westdevs_run_as_it_is():
    # the recording wrappers pass through: the same seed gives the same run with and without
    model_a, _, recorded_run = _westdev(3, record=True)
    model_b, _, plain_run = _westdev(3)
    assert recorded_run == plain_run
    assert np.array_equal(model_a.state.workers.residence, model_b.state.workers.residence)
    release(model_a)
    release(model_b)
