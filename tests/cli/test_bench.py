"""`westdev bench` prints one JSON object per configuration (and the Mesa comparison)."""

from __future__ import annotations

import json
import subprocess
import sys


def _bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "westdev", "bench", *args],
                          capture_output=True, text=True, check=False)


def test_bench_prints_json_lines_with_the_figures():
    out = _bench("--configs", "10^4", "--repeats", "1", "--compare-mesa", "--mesa-steps", "3")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.strip().splitlines()]
    assert len(lines) == 2
    run, mesa = lines
    assert {"workers", "firms", "years", "seconds", "agent_steps_per_s", "peak_rss_mb"} <= set(run)
    assert run["workers"] == 10_000 and run["firms"] == 1_000 and run["years"] == 17
    # agents × years / seconds (seconds are rounded to the millisecond in the output)
    assert abs(run["agent_steps_per_s"] - 11_000 * 17 / run["seconds"]) / run["agent_steps_per_s"] < 0.01
    assert mesa["mesa_boltzmann_agent_steps_per_s"] > 0
    assert mesa["ratio"] == round(run["agent_steps_per_s"] / mesa["mesa_boltzmann_agent_steps_per_s"], 1)


def test_bench_rejects_an_unknown_configuration():
    out = _bench("--configs", "10^9")
    assert out.returncode == 2
    assert "--configs" in out.stderr and "10^4" in out.stderr and "Traceback" not in out.stderr
