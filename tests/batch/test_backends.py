"""Determinism: identical sorted result tables on every backend and worker count."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import westdev.api as wd
from westdev.experiments.store import results_digest

# a sweep over every kind of factor: lever (float, bool, choice), parameter, exogenous scale
SPEC = {
    "experiment": {"name": "det", "scenario": "baseline"},
    "run": {"end_year": 2023, "resolution": "small", "replicates": 2, "root_seed": 11},
    "grid": {"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.25],
             "levers.fiscal.equipment_duty_exemption": [True, False],
             "levers.public_services.pension_pooling": ["provincial", "national"],
             "parameters.migration.income_weight": [2.0],
             "exogenous.frontier_tfp_growth.scale": [0.8]},
}
RUN_COLUMNS = ["run_id", "scenario", "scenario_hash", "replicate", "seed", "inputs_json",
               "status"]


def _same(a, b):
    pd.testing.assert_frame_equal(a.results, b.results)
    pd.testing.assert_frame_equal(a.runs[RUN_COLUMNS], b.runs[RUN_COLUMNS])
    assert results_digest(a.path) == results_digest(b.path)


def test_serial_processes_and_worker_counts_agree(tmp_path):
    serial = wd.sweep(SPEC, out=tmp_path / "serial", backend="serial", progress=False,
                      simulate="fakes:simulate")
    assert len(serial.runs) == 16 and set(serial.runs["status"]) == {"ok"}
    assert serial.results["value"].notna().all()
    for workers in (1, 2):
        procs = wd.sweep(SPEC, out=tmp_path / f"p{workers}", backend="processes",
                         workers=workers, progress=False, simulate="fakes:simulate")
        _same(serial, procs)
        assert procs.manifest["workers"] == workers


def test_dask_local_cluster_agrees(tmp_path):
    pytest.importorskip("distributed")
    serial = wd.sweep(SPEC, out=tmp_path / "serial", backend="serial", progress=False,
                      simulate="fakes:simulate")
    dask = wd.sweep(SPEC, out=tmp_path / "dask", backend="dask", workers=2, progress=False,
                    simulate="fakes:simulate")
    _same(serial, dask)
    assert dask.manifest["backend"] == "dask"


def test_real_model_serial_equals_processes(tmp_path):
    spec = {"experiment": {"name": "real", "scenario": "baseline"},
            "run": {"end_year": 2021, "resolution": "small", "root_seed": 5},
            "grid": {"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.25]}}
    serial = wd.sweep(spec, out=tmp_path / "s", backend="serial", progress=False)
    procs = wd.sweep(spec, out=tmp_path / "p", backend="processes", workers=2, progress=False)
    assert set(serial.runs["status"]) == {"ok"}, serial.runs["error"].tolist()
    _same(serial, procs)


def test_real_model_dask_equals_serial(tmp_path):
    """The model itself on a LocalCluster of two workers (about 10 s)."""
    pytest.importorskip("distributed")
    spec = {"experiment": {"name": "real", "scenario": "baseline"},
            "run": {"end_year": 2023, "resolution": "small", "replicates": 2, "root_seed": 5},
            "grid": {"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.25]}}
    serial = wd.sweep(spec, out=tmp_path / "s", backend="serial", progress=False)
    dask = wd.sweep(spec, out=tmp_path / "d", backend="dask", workers=2, progress=False)
    _same(serial, dask)


def test_dask_scheduler_address_reaches_a_running_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial = wd.sweep(SPEC, out=tmp_path / "serial", backend="serial", progress=False,
                      simulate="fakes:simulate")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        store = wd.sweep(SPEC, out=tmp_path / "remote", backend="dask",
                         scheduler=cluster.scheduler_address, progress=False,
                         simulate="fakes:simulate")
        assert cluster.scheduler.status.name == "running"  # left running for its owner
    _same(serial, store)
    assert store.manifest["scheduler"] == cluster.scheduler_address


def test_worker_processes_run_numerical_libraries_on_one_thread(tmp_path, monkeypatch):
    """Two workers on two cores, each with a BLAS pool of one thread per core, ran an ensemble
    of small runs at 7 runs/s instead of 12; a value the user set is kept."""
    spec = {"experiment": {"name": "threads", "scenario": "baseline"},
            "run": {"end_year": 2020, "replicates": 2, "root_seed": 3},
            "grid": {"levers.fiscal.cit_rate_encouraged_west": [0.15]},
            "outputs": {"record": "all"}}
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    store = wd.sweep(spec, out=tmp_path / "one", backend="processes", workers=2,
                     progress=False, simulate="fakes:simulate_reporting_blas_threads")
    assert store.results["value"].tolist() == [1.0, 1.0]
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # the parent is left as it was
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    store = wd.sweep(spec, out=tmp_path / "user", backend="processes", workers=2,
                     progress=False, simulate="fakes:simulate_reporting_blas_threads")
    assert store.results["value"].tolist() == [2.0, 2.0]
