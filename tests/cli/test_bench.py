"""`westdev bench` prints one JSON object per configuration (and the Mesa comparison)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "westdev", "bench", *args],
                          capture_output=True, text=True, check=False)


def test_bench_prints_json_lines_with_the_figures():
    out = _bench("--configs", "10^4", "--repeats", "1", "--compare-mesa", "--mesa-steps", "3",
                 "--mesa-years", "2", "--mesa-repeats", "1")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.strip().splitlines()]
    assert len(lines) == 3
    run, mesa, peer = lines
    assert {"workers", "firms", "years", "seconds", "agent_steps_per_s", "peak_rss_mb"} <= set(run)
    assert run["workers"] == 10_000 and run["firms"] == 1_000 and run["years"] == 17
    # agents × years / seconds (seconds are rounded to the millisecond in the output)
    assert abs(run["agent_steps_per_s"] - 11_000 * 17 / run["seconds"]) / run["agent_steps_per_s"] < 0.01
    assert mesa["mesa_boltzmann_agent_steps_per_s"] > 0
    assert mesa["ratio"] == round(run["agent_steps_per_s"] / mesa["mesa_boltzmann_agent_steps_per_s"], 1)
    # the Mesa peer: both sides over the same worker-years, the ratio of their speeds
    assert {"westdev_seconds", "peer_seconds", "westdev_worker_steps_per_s",
            "peer_worker_steps_per_s", "ratio", "worker_years", "aggregates", "aggregates_passed",
            "machine"} <= set(peer)
    assert peer["years"] == 2 and peer["repeats"] == 1 and peer["firms"] == 1_000
    assert peer["worker_years"] == peer["workers"] * 2 and 9_000 < peer["workers"] <= 10_000
    for side in ("westdev", "peer"):
        speed = peer[f"{side}_worker_steps_per_s"]
        assert abs(speed - peer["worker_years"] / peer[f"{side}_seconds"]) <= 1
    assert peer["ratio"] == pytest.approx(peer["peer_seconds"] / peer["westdev_seconds"], abs=0.051)
    # like for like: the time inside westdev's worker rules is part of its whole run
    assert 0 < peer["westdev_worker_rules_seconds"] <= peer["westdev_seconds"]
    assert peer["ratio_worker_rules"] == pytest.approx(
        peer["peer_seconds"] / peer["westdev_worker_rules_seconds"], abs=0.051)
    assert peer["ratio_worker_rules"] >= peer["ratio"]
    assert peer["aggregates_passed"] is True
    assert {"population_West", "employment_rate_West", "net_migration_west"} <= set(peer["aggregates"])
    for row in peer["aggregates"].values():
        assert row["ok"] and abs(row["difference"]) <= row["tolerance"]


def test_bench_rejects_too_many_peer_years():
    out = _bench("--configs", "10^4", "--repeats", "1", "--compare-mesa", "--mesa-steps", "1",
                 "--mesa-years", "40", "--mesa-repeats", "1")
    assert out.returncode == 2
    assert "--mesa-years" in out.stderr and "Traceback" not in out.stderr


def test_bench_rejects_an_unknown_configuration():
    out = _bench("--configs", "10^9")
    assert out.returncode == 2
    assert "--configs" in out.stderr and "10^4" in out.stderr and "Traceback" not in out.stderr
