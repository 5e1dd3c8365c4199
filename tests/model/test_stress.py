"""Stress tests: every valid input runs to the end (issue 14).

Latin hypercubes over every lever — within its policy range (the span of its no-policy, 2019
and guideline values, widened by half that span on each side, within the lever's allowed
bounds) and over its whole allowed range — with the uncertain parameters and exogenous paths
drawn as the shipped `ensemble_baseline` draws them, run to 2035 at the small resolution.

- Within the policy ranges every run must finish with finite results.
- Over the full allowed ranges a run may stop as a RunFailure (an economy pushed to the edge of
  every lever at once can break down), but it must say so quickly and clearly.
- No run takes more than 10× the median run, and no worker process exceeds 2 GB.

The default tier runs a few hundred runs; the slow tier (``pytest -m slow
tests/model/test_stress.py``) runs 2,048 within the policy ranges and 256 over the full ranges.
"""

from __future__ import annotations

import resource
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

import westdev.api as wd
from westdev.experiments.spec import load_experiment
from westdev.policy.catalogue import LEVERS

PEAK_MEMORY_GB = 2.0
SLOWEST_OVER_MEDIAN = 10.0


def policy_range(spec) -> tuple[float, float]:
    """The span of a lever's no-policy, 2019 and guideline values, widened by half of it."""
    values = [spec.value_no_policy, spec.value_2019, spec.value_guideline]
    values = [v for v in values if not isinstance(v, dict)]
    lo, hi = float(min(values)), float(max(values))
    gap = hi - lo
    if gap == 0.0:  # a lever the guideline does not move: a tenth of its range around it
        gap = 0.1 * (spec.bounds[1] - spec.bounds[0])
    return max(spec.bounds[0], lo - gap / 2), min(spec.bounds[1], hi + gap / 2)


def stress_experiment(n: int, *, full_range: bool, seed: int) -> dict:
    """An LHS over every lever plus the shipped ensemble's uncertain inputs."""
    ensemble = load_experiment("ensemble_baseline")
    factors = {f.name: f.spec() for f in ensemble.factors}
    for name, spec in LEVERS.items():
        if spec.kind == "bool":
            factors[f"levers.{name}"] = {"values": [False, True]}
        elif spec.kind == "choice":
            factors[f"levers.{name}"] = {"values": list(spec.choices)}
        else:
            lo, hi = spec.bounds if full_range else policy_range(spec)
            factors[f"levers.{name}"] = {"range": [lo, hi]}
    return {
        "experiment": {"name": "stress_full" if full_range else "stress_policy",
                       "scenario": "baseline"},
        "run": {"resolution": "small", "replicates": 1, "root_seed": seed},
        "outputs": {"outcomes": ["West:west_east_ratio_income"], "years": [2035]},
        "sample": {"method": "lhs", "n": n, "seed": seed},
        "factors": factors,
    }


def _peak_memory_gb() -> float:
    """Largest resident set of any finished child process — the batch's workers, where the
    runs happen — in GB. (The parent only books runs and streams their parts to disk; its own
    peak would also count whatever earlier tests in this process did.)"""
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 1e9


def _run(tmp_path, n: int, *, full_range: bool, seed: int):
    store = wd.sweep(stress_experiment(n, full_range=full_range, seed=seed),
                     out=tmp_path / ("full" if full_range else "policy"),
                     backend="processes", workers=2, progress=False)
    runs = store.runs
    assert len(runs) == n
    return store, runs


def _check_bounded(runs) -> None:
    wall = runs["wall_s"].to_numpy()
    median = float(np.median(wall))
    slowest = runs.loc[runs["wall_s"].idxmax()]
    assert wall.max() <= SLOWEST_OVER_MEDIAN * median, (
        f"{slowest['run_id']} took {slowest['wall_s']:.2f} s, over {SLOWEST_OVER_MEDIAN:g} × "
        f"the median {median:.2f} s ({slowest['status']}: {slowest['error']})")
    assert _peak_memory_gb() < PEAK_MEMORY_GB


def _check_policy_runs(store, runs) -> None:
    failed = runs[runs["status"] != "ok"]
    assert failed.empty, "\n".join(f"{r}: {e}" for r, e in zip(failed["run_id"], failed["error"],
                                                                 strict=True))
    # every value of every run, streamed: a 2,048-run store does not fit in memory at once
    for file in sorted((store.path / "results").glob("*.parquet")):  # the store's chunks
        for batch in pq.ParquetFile(file).iter_batches(columns=["value"], batch_size=1 << 20):
            assert np.isfinite(batch.column(0).to_numpy()).all()
    _check_bounded(runs)


def _check_full_runs(runs) -> None:
    failed = runs[runs["status"] != "ok"]
    # a breakdown is reported as a RunFailure naming the year, never as a crash of the code
    assert failed["error"].str.startswith("RunFailure: year ").all(), failed["error"].tolist()
    _check_bounded(runs)


def test_policy_range_runs_all_finish(tmp_path):
    store, runs = _run(tmp_path, 160, full_range=False, seed=14)
    _check_policy_runs(store, runs)


def test_full_range_runs_finish_or_fail_clearly_and_quickly(tmp_path):
    _, runs = _run(tmp_path, 48, full_range=True, seed=15)
    _check_full_runs(runs)


@pytest.mark.slow
def test_policy_range_stress(tmp_path):
    store, runs = _run(tmp_path, 2048, full_range=False, seed=2014)
    _check_policy_runs(store, runs)


@pytest.mark.slow
def test_full_range_stress(tmp_path):
    _, runs = _run(tmp_path, 256, full_range=True, seed=2015)
    _check_full_runs(runs)
