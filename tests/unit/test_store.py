"""The results store: streaming parts, consolidation, resume, mismatch, overwrite, bad places."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

import westdev.economy.simulate
from westdev.errors import InputError
from westdev.experiments.runner import RunTask, run_batch
from westdev.experiments.store import (
    RESULTS_SCHEMA,
    RUNS_SCHEMA,
    ResultsStore,
    StoreWriter,
    read_results,
    read_runs,
)
from westdev.inputs.scenario import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ → import fakes
import fakes  # noqa: E402

REQUEST = {"scenarios": [{"name": "baseline", "hash": "abc"}], "replicates": 2, "root_seed": 1}
THETA = {"income": 0.8, "public_services": 0.8, "infrastructure": 0.8}


def open_store(path, request=REQUEST, **kw):
    return StoreWriter.open(path, kind="run", request=request, root_seed=1,
                            goal_thresholds=THETA, **kw)


def run_row(run_id, status="ok", error=None):
    return {"run_id": run_id, "scenario": "baseline", "scenario_hash": "abc",
            "parameter_vintage": "CN2019", "resolution": "small", "replicate": 0, "seed": 2**62,
            "inputs_json": "{}", "status": status, "error": error, "wall_s": 0.1}


def results_frame(value=1.0):
    return pd.DataFrame({"year": [2019, 2020], "area": ["West", "West"],
                         "indicator": ["x", "x"], "value": [value, value + 1]})


def test_new_store_has_a_manifest(tmp_path):
    out = tmp_path / "a" / "b"
    open_store(out)
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("kind", "schema_version", "westdev_version", "git_commit", "python", "libraries",
                "root_seed", "goal_thresholds", "created", "request"):
        assert key in manifest
    assert manifest["schema_version"] == 1 and manifest["kind"] == "run"
    assert set(manifest["libraries"]) >= {"numpy", "pandas", "mesa", "pyarrow"}
    assert manifest["goal_thresholds"] == THETA and manifest["request"] == REQUEST


def test_runs_stream_as_parts_then_consolidate(tmp_path):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("r1"), results_frame())
    assert not (tmp_path / "s" / "results.parquet").exists()
    assert len(list((tmp_path / "s" / "parts").glob("*.parquet"))) == 2
    assert list(read_results(tmp_path / "s")["run_id"]) == ["r1", "r1"]  # readable mid-batch
    writer.write_run(run_row("r0", "failed", "RunFailure: year 2020: boom"), None)
    runs = read_runs(tmp_path / "s")
    assert list(runs["run_id"]) == ["r0", "r1"] and list(runs["status"]) == ["failed", "ok"]
    store = writer.consolidate()
    assert not (tmp_path / "s" / "parts").exists()
    assert isinstance(store, ResultsStore)
    assert list(store.results.columns) == RESULTS_SCHEMA.names
    assert list(store.runs.columns) == RUNS_SCHEMA.names
    assert store.results["seed"].dtype == "int64" and store.results["value"].dtype == "float64"
    assert store.results["seed"].iloc[0] == 2**62
    assert list(store.failed["run_id"]) == ["r0"]
    assert store.manifest["n_runs"] == 2 and store.manifest["n_failed"] == 1


def test_orphan_results_part_is_ignored(tmp_path):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("r1"), results_frame())
    next((tmp_path / "s" / "parts").glob("*.run.parquet")).unlink()  # crash between the two
    assert read_results(tmp_path / "s").empty and read_runs(tmp_path / "s").empty


def test_resume_skips_finished_runs_and_retries_failed(tmp_path):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("ok1"), results_frame())
    writer.write_run(run_row("bad"), results_frame())
    writer.write_run(run_row("bad", "failed", "x"), None)
    writer.consolidate()
    again = open_store(tmp_path / "s")
    assert again.finished == {"ok1"}
    again.write_run(run_row("bad"), results_frame(5.0))  # part overlays the consolidated row
    assert set(read_runs(tmp_path / "s")["status"]) == {"ok"}
    assert sorted(read_results(tmp_path / "s")["value"]) == [1.0, 2.0, 5.0, 6.0]
    store = again.consolidate()
    assert len(store.results) == 4 and len(store.runs) == 2


def test_mismatch_names_the_first_difference_and_changes_nothing(tmp_path):
    open_store(tmp_path / "s").write_run(run_row("r1"), results_frame())
    before = sorted(p.name for p in (tmp_path / "s").rglob("*"))
    with pytest.raises(InputError) as err:
        open_store(tmp_path / "s", request={**REQUEST, "replicates": 5})
    text = str(err.value)
    assert "manifest.json" in text and "field 'request.replicates'" in text
    assert "is 2 there but 5 now" in text and "--overwrite" in text
    with pytest.raises(InputError, match=r"request.scenarios\[0\].hash"):
        open_store(tmp_path / "s", request={**REQUEST, "scenarios": [{"name": "baseline",
                                                                      "hash": "def"}]})
    with pytest.raises(InputError, match="field 'kind'"):
        StoreWriter.open(tmp_path / "s", kind="compare", request=REQUEST, root_seed=1,
                         goal_thresholds=THETA)
    assert sorted(p.name for p in (tmp_path / "s").rglob("*")) == before


def test_overwrite_replaces_a_store(tmp_path):
    open_store(tmp_path / "s").write_run(run_row("r1"), results_frame())
    writer = open_store(tmp_path / "s", request={**REQUEST, "replicates": 5}, overwrite=True)
    assert writer.finished == set()
    assert not (tmp_path / "s" / "parts").exists()
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["request"]["replicates"] == 5


def test_refuses_a_directory_that_is_not_a_store(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "thesis.tex").write_text("precious")
    for overwrite in (False, True):
        with pytest.raises(InputError, match="not a westdev results store"):
            open_store(tmp_path / "d", overwrite=overwrite)
    assert (tmp_path / "d" / "thesis.tex").read_text() == "precious"
    (tmp_path / "empty").mkdir()
    open_store(tmp_path / "empty")  # an empty directory is fine
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        open_store(tmp_path / "f")


def test_unwritable_location_creates_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write the results store here") as err:
        open_store(blocker / "sub" / "store")
    assert str(blocker / "sub" / "store") in str(err.value)
    assert blocker.read_text() == "x"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root can write to read-only directories")
def test_read_only_parent(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(InputError, match="cannot write"):
            open_store(ro / "store")
        assert not (ro / "store").exists()
    finally:
        ro.chmod(0o755)


def test_not_a_store_when_reading(tmp_path):
    with pytest.raises(InputError, match="no manifest.json"):
        ResultsStore(tmp_path)


def test_interrupted_batch_resumes_with_only_the_missing_runs(tmp_path, monkeypatch):
    calls = []

    def counting(scenario, parameters=None, seed=0, *, resolution=None):
        if len(calls) == 2 and not resumed:
            raise KeyboardInterrupt  # Ctrl-C during the third run
        calls.append(seed)
        return fakes.simulate(scenario, parameters, seed, resolution=resolution)

    monkeypatch.setattr(westdev.economy.simulate, "simulate", counting)
    scenario = load_scenario("baseline").with_overrides(run={"end_year": 2022})
    tasks = [RunTask(f"r{i}", scenario, i, 100 + i, "small") for i in range(3)]
    resumed = False
    with pytest.raises(KeyboardInterrupt):
        run_batch(tasks, tmp_path / "s", backend="serial", progress=False)
    assert not (tmp_path / "s" / "results.parquet").exists()
    assert read_results(tmp_path / "s")["run_id"].unique().tolist() == ["r0", "r1"]
    resumed = True
    store = run_batch(tasks, tmp_path / "s", backend="serial", progress=False)
    assert calls == [100, 101, 102]
    assert list(store.runs["run_id"]) == ["r0", "r1", "r2"]
    assert store.results["run_id"].nunique() == 3
