"""The results store: parts and chunks, lazy selection, resume that verifies, one writer, the
files a store owns, damage named and repaired, what runs record."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import westdev.economy.simulate
import westdev.experiments.store as store_mod
from westdev.errors import InputError
from westdev.experiments.lock import LOCK, StoreLock
from westdev.experiments.record import default_record
from westdev.experiments.runner import RunTask, run_batch
from westdev.experiments.store import (
    RESULTS_SCHEMA,
    RUNS_SCHEMA,
    ResultsStore,
    StoreWriter,
    read_results,
    read_runs,
    results_digest,
)
from westdev.inputs.scenario import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ → import fakes
import fakes  # noqa: E402

REQUEST = {"scenarios": [{"name": "baseline", "hash": "abc"}], "replicates": 2, "root_seed": 1}
THETA = {"income": 0.8, "public_services": 0.8, "infrastructure": 0.8}


def open_store(path, request=REQUEST, **kw):
    return StoreWriter.open(path, kind="run", request=request, root_seed=1,
                            goal_thresholds=THETA, **kw)


def run_row(run_id, status="ok", error=None, scenario="baseline", replicate=0):
    return {"run_id": run_id, "scenario": scenario, "scenario_hash": "abc",
            "parameter_vintage": "CN2019", "resolution": "small", "replicate": replicate,
            "seed": 2**62, "inputs_json": "{}", "status": status, "error": error,
            "wall_s": 0.1}


def results_frame(value=1.0, areas=("West",), indicators=("x",), years=(2019, 2020)):
    rows = [(y, a, i, value + k) for k, (y, a, i) in enumerate(
        (y, a, i) for i in indicators for a in areas for y in years)]
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])


def plain(df):
    return df.astype({c: str for c in ("run_id", "scenario", "area", "indicator")})


def test_new_store_has_a_manifest(tmp_path):
    out = tmp_path / "a" / "b"
    open_store(out).close()
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("kind", "schema_version", "westdev_version", "git_commit", "python", "libraries",
                "root_seed", "goal_thresholds", "created", "request", "record", "files"):
        assert key in manifest
    assert manifest["schema_version"] == 2 and manifest["kind"] == "run"
    assert manifest["record"] == "all"
    assert set(manifest["libraries"]) >= {"numpy", "pandas", "mesa", "pyarrow"}
    assert manifest["goal_thresholds"] == THETA and manifest["request"] == REQUEST
    assert manifest["files"] == ["manifest.json", "runs/", "results/", "parts/"]


def test_runs_stream_as_parts_then_compact_into_chunks(tmp_path):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("r1"), results_frame())
    assert sorted(p.name.split(".", 1)[1] for p in (tmp_path / "s" / "parts").iterdir()) == [
        "results.arrow", "run.arrow"]
    assert list(read_results(tmp_path / "s")["run_id"]) == ["r1", "r1"]  # readable mid-batch
    writer.write_run(run_row("r0", "failed", "RunFailure: year 2020: boom"), None)
    runs = read_runs(tmp_path / "s")
    assert list(runs["run_id"]) == ["r0", "r1"] and list(runs["status"]) == ["failed", "ok"]
    store = writer.consolidate()
    assert not (tmp_path / "s" / "parts").exists()
    assert [p.name for p in (tmp_path / "s" / "results").iterdir()] == ["000001.parquet"]
    assert not (tmp_path / "s" / LOCK).exists()  # released
    assert isinstance(store, ResultsStore)
    res = store.results
    assert list(res.columns) == RESULTS_SCHEMA.names
    assert list(store.runs.columns) == RUNS_SCHEMA.names
    assert res["seed"].dtype == "int64" and res["value"].dtype == "float64"
    assert res["year"].dtype == "int64" and res["run_id"].dtype == "str"  # plain, as before
    assert store.select()["run_id"].dtype == "category"  # a selection: compact
    assert res["seed"].iloc[0] == 2**62
    assert list(store.failed["run_id"]) == ["r0"]
    assert store.manifest["n_runs"] == 2 and store.manifest["n_failed"] == 1
    assert store.manifest["n_rows"] == 2 == store.n_rows


def test_select_prunes_and_agrees_with_filtering_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "CHUNK_ROWS", 40)  # several chunks
    monkeypatch.setattr(store_mod, "ROW_GROUP", 7)  # several row groups per chunk
    writer = open_store(tmp_path / "s", run_ids=[f"r{i}" for i in range(9)])
    for i in [3, 1, 4, 0, 5, 8, 2, 7, 6]:  # booked in completion order, not id order
        writer.write_run(run_row(f"r{i}", scenario="a" if i % 2 else "b", replicate=i),
                         results_frame(10.0 * i, areas=("West", "East"),
                                       indicators=("x", "y"), years=(2019, 2020, 2021)))
    store = writer.consolidate()
    assert len(list((tmp_path / "s" / "results").iterdir())) > 1
    everything = store.results
    assert len(everything) == 9 * 12
    assert list(everything["run_id"].astype(str).unique()) == [f"r{i}" for i in range(9)]
    key = ["run_id", "year", "area", "indicator"]
    assert plain(everything).equals(plain(everything).sort_values(key).reset_index(drop=True))
    sel = store.select(indicators="y", areas=["East"], years=[2020, 2021], runs=["r2", "r7"])
    expect = everything[(everything["indicator"] == "y") & (everything["area"] == "East")
                        & everything["year"].isin([2020, 2021])
                        & everything["run_id"].isin(["r2", "r7"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(plain(sel), plain(expect))
    assert set(store.select(scenarios="a")["run_id"].astype(str)) == {"r1", "r3", "r5", "r7"}
    pieces = pd.concat([plain(p) for p in store.iter_select(indicators="x", rows=10)])
    pd.testing.assert_frame_equal(
        pieces.sort_values(key).reset_index(drop=True),
        plain(store.select(indicators="x")))
    assert store.select(indicators="nothing").empty


def test_selected_categories_are_only_what_was_selected(tmp_path):
    """One row group holds every indicator and area: the selection's categoricals must still
    hold only the selected ones (unused categories would multiply groupby's groups)."""
    writer = open_store(tmp_path / "s")
    for i in range(3):
        writer.write_run(run_row(f"r{i}"), results_frame(i, areas=("West", "East"),
                                                         indicators=("x", "y")))
    store = writer.consolidate()
    sel = store.select(indicators="y", areas="East", runs=["r0", "r2"])
    assert list(sel["indicator"].cat.categories) == ["y"]
    assert list(sel["area"].cat.categories) == ["East"]
    assert list(sel["run_id"].cat.categories) == ["r0", "r2"]
    assert len(sel.groupby(["run_id", "area", "indicator"], observed=False)) == 2


def test_digest_does_not_depend_on_chunking(tmp_path, monkeypatch):
    def make(path, chunk):
        monkeypatch.setattr(store_mod, "CHUNK_ROWS", chunk)
        w = open_store(path)
        for i in range(6):
            w.write_run(run_row(f"r{i}"), results_frame(i))
        return w.consolidate()

    a, b = make(tmp_path / "a", 3), make(tmp_path / "b", 10**6)
    assert len(list((tmp_path / "a" / "results").iterdir())) > 1
    assert results_digest(a.path) == results_digest(b.path)


def test_orphan_results_part_is_ignored_and_removed_on_resume(tmp_path):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("r1"), results_frame())
    next((tmp_path / "s" / "parts").glob("*.run.arrow")).unlink()  # crash between the two
    assert read_results(tmp_path / "s").empty and read_runs(tmp_path / "s").empty
    writer.close()
    again = open_store(tmp_path / "s")
    assert again.finished == set() and not list((tmp_path / "s" / "parts").iterdir())
    again.close()


def test_resume_skips_finished_runs_and_retries_failed(tmp_path):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("ok1"), results_frame())
    writer.write_run(run_row("bad", "failed", "x"), None)
    writer.consolidate()
    again = open_store(tmp_path / "s")
    assert again.finished == {"ok1"}
    again.write_run(run_row("bad"), results_frame(5.0))  # a part overlays the chunk's row
    assert set(read_runs(tmp_path / "s")["status"]) == {"ok"}
    assert sorted(read_results(tmp_path / "s")["value"]) == [1.0, 2.0, 5.0, 6.0]
    store = again.consolidate()
    assert len(store.results) == 4 and len(store.runs) == 2


def test_resume_verifies_rows_and_reruns_what_is_missing_or_damaged(tmp_path):
    """`results` deleted or truncated, a part damaged: those runs are not finished."""
    writer = open_store(tmp_path / "s")
    for i in range(3):
        writer.write_run(run_row(f"r{i}"), results_frame(i))
    writer.consolidate()
    (tmp_path / "s" / "results" / "000001.parquet").unlink()  # the rows are gone
    with pytest.raises(InputError, match=r"000001.parquet: damaged .*run the same command"):
        _ = ResultsStore(tmp_path / "s").results
    again = open_store(tmp_path / "s")
    assert again.finished == set()  # not "3 of 3 ok" with no rows
    for i in range(3):
        again.write_run(run_row(f"r{i}"), results_frame(i))
    again.write_run(run_row("r3"), results_frame(3))
    again.close()  # interrupted: r0-r3 in parts
    part = next(p for p in (tmp_path / "s" / "parts").glob("*.results.arrow")
                if p.name.startswith("r1"))
    part.write_bytes(part.read_bytes()[:40])  # truncated by a crash
    with pytest.raises(InputError, match="damaged results store file"):
        _ = ResultsStore(tmp_path / "s").results
    third = open_store(tmp_path / "s")
    assert third.finished == {"r0", "r2", "r3"}
    third.write_run(run_row("r1"), results_frame(1))
    store = third.consolidate()
    assert len(store.results) == 8 and set(store.runs["status"]) == {"ok"}


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_chunk_is_named_by_readers_and_dropped_by_resume(tmp_path, damage):
    writer = open_store(tmp_path / "s")
    writer.write_run(run_row("r0"), results_frame())
    writer.consolidate()
    target = tmp_path / "s" / ("runs" if damage == "empty" else "results") / "000001.parquet"
    data = target.read_bytes()
    target.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"PAR1 nonsense " * 9,
                        "empty": b""}[damage])
    with pytest.raises(InputError) as err:
        _ = ResultsStore(tmp_path / "s").results
    text = str(err.value)
    assert str(target) in text and "damaged" in text and "run the same command again" in text
    again = open_store(tmp_path / "s")
    assert again.finished == set() and not target.exists()
    again.close()


def test_mismatch_names_the_first_difference_and_changes_nothing(tmp_path):
    w = open_store(tmp_path / "s")
    w.write_run(run_row("r1"), results_frame())
    w.close()
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


def test_overwrite_replaces_only_the_stores_own_files(tmp_path):
    out = tmp_path / "s"
    w = open_store(out)
    w.write_run(run_row("r1"), results_frame())
    w.consolidate()
    (out / "notes.md").write_text("my notes")  # the user's, beside the store
    (out / "results" / "keep.txt").write_text("mine too")  # even inside its folders
    writer = open_store(out, request={**REQUEST, "replicates": 5}, overwrite=True)
    assert writer.finished == set()
    assert not (out / "runs").exists()
    assert (out / "notes.md").read_text() == "my notes"
    assert (out / "results" / "keep.txt").read_text() == "mine too"
    assert not list((out / "results").glob("*.parquet"))
    writer.close()
    assert json.loads((out / "manifest.json").read_text())["request"]["replicates"] == 5


def test_overwrite_from_inside_the_store_keeps_the_working_directory(tmp_path, monkeypatch):
    out = tmp_path / "s"
    w = open_store(out)
    w.write_run(run_row("r1"), results_frame())
    w.consolidate()
    monkeypatch.chdir(out)
    open_store(Path("."), request={**REQUEST, "root_seed": 2}, overwrite=True).consolidate()
    assert out.is_dir() and Path.cwd() == out
    assert json.loads((out / "manifest.json").read_text())["request"]["root_seed"] == 2


@pytest.mark.parametrize("manifest", [None, {"request": {"x": 1}, "name": "my-web-app"},
                                      "[1, 2", {"kind": "run"}])
def test_refuses_a_directory_that_is_not_a_store_and_deletes_nothing(tmp_path, manifest):
    d = tmp_path / "d"
    (d / "src").mkdir(parents=True)
    (d / "src" / "app.js").write_text("precious")
    if manifest is not None:
        (d / "manifest.json").write_text(manifest if isinstance(manifest, str)
                                         else json.dumps(manifest))
    before = sorted(p.name for p in d.rglob("*"))
    for overwrite in (False, True):
        with pytest.raises(InputError) as err:
            open_store(d, overwrite=overwrite)
        assert str(d) in str(err.value)
    assert sorted(p.name for p in d.rglob("*")) == before
    assert (d / "src" / "app.js").read_text() == "precious"
    (tmp_path / "empty").mkdir()
    open_store(tmp_path / "empty").close()  # an empty directory is fine
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        open_store(tmp_path / "f")


def test_one_writer_at_a_time(tmp_path):
    first = open_store(tmp_path / "s")
    with pytest.raises(InputError) as err:
        open_store(tmp_path / "s")
    text = str(err.value)
    assert "another westdev batch is writing this store" in text
    assert f"process {os.getpid()}" in text
    first.close()
    open_store(tmp_path / "s").close()  # free again


def test_a_lock_left_by_a_dead_process_is_stale(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / LOCK).write_text(json.dumps({"pid": 999999, "host": "gone"}))
    w = open_store(tmp_path / "s")  # nobody holds the flock: taken over
    assert json.loads((tmp_path / "s" / LOCK).read_text())["pid"] == os.getpid()
    w.close()
    with StoreLock(tmp_path / "s"):
        with pytest.raises(InputError, match="another westdev batch"):
            open_store(tmp_path / "s")


@pytest.mark.parametrize("edit, field", [
    (lambda m: m.update(request=[1, 2]), "request"),
    (lambda m: m.update(goal_thresholds="high"), "goal_thresholds"),
    (lambda m: m.update(files={"a": 1}), "files"),
    (lambda m: m.update(kind="party"), "kind"),
    (lambda m: m.update(record={"keep": 3}), "record"),
    (lambda m: m.update(schema_version=1), "schema_version"),
])
def test_hand_edited_manifests_are_named(tmp_path, edit, field):
    open_store(tmp_path / "s").consolidate()
    file = tmp_path / "s" / "manifest.json"
    m = json.loads(file.read_text())
    edit(m)
    file.write_text(json.dumps(m))
    with pytest.raises(InputError) as err:
        ResultsStore(tmp_path / "s")
    assert f"field '{field}'" in str(err.value) and str(file) in str(err.value)
    if field == "schema_version":
        assert "older westdev" in str(err.value) and "--overwrite" in str(err.value)


def test_deep_or_damaged_manifest_json(tmp_path):
    open_store(tmp_path / "s").consolidate()
    file = tmp_path / "s" / "manifest.json"
    for text in ("[" * 100_000, '{"kind": "run", "schema_version": 2, "request": {'):
        file.write_text(text)
        with pytest.raises(InputError, match="manifest.json: damaged manifest"):
            ResultsStore(tmp_path / "s")


def test_a_default_record_store_says_what_it_did_not_record(tmp_path):
    record = default_record(["East:gdp_per_capita_yuan"])
    w = open_store(tmp_path / "s", record=record)
    df = pd.DataFrame({"year": [2020] * 4, "area": ["West", "Guizhou", "East", "Guizhou"],
                       "indicator": ["west_east_ratio_income", "income_ratio_to_east",
                                     "gdp_per_capita_yuan", "gdp_per_capita_yuan"],
                       "value": [0.7, 0.6, 1.0, 2.0]})
    w.write_run(run_row("r0"), record.filter(df))
    store = w.consolidate()
    assert store.manifest["record"]["label"] == "default"
    assert len(store.results) == 3  # Guizhou's GDP per head was not recorded
    assert len(store.select(indicators="gdp_per_capita_yuan", areas=["East"])) == 1
    with pytest.raises(InputError) as err:
        store.select(indicators=["gdp_per_capita_yuan"], areas=["Guizhou"])
    assert "did not record Guizhou:gdp_per_capita_yuan" in str(err.value)
    assert 'record = "all"' in str(err.value)
    with pytest.raises(InputError, match="did not record firms"):
        store.select(indicators="firms")


def test_results_of_a_large_store_refuse_and_name_select(tmp_path, monkeypatch):
    w = open_store(tmp_path / "s")
    for i in range(3):
        w.write_run(run_row(f"r{i}"), results_frame(i))
    store = w.consolidate()
    monkeypatch.setattr(store_mod, "RESULTS_MAX_ROWS", 5)
    with pytest.raises(InputError, match=r"6 results rows.*store.select\(indicators"):
        _ = store.results
    assert len(store.select(runs="r1")) == 2


def test_to_ema_gives_experiments_and_outcome_arrays(tmp_path):
    w = open_store(tmp_path / "s")
    for i in range(3):
        row = run_row(f"r{i}")
        row["inputs_json"] = json.dumps({"design_point": {"levers.a": 0.1 * i,
                                                          "levers.b": ["x", "y", "x"][i]}})
        w.write_run(row, results_frame(i, indicators=("west_east_ratio_income",),
                                       years=(2019, 2020, 2021)))
    store = w.consolidate()
    experiments, outcomes = store.to_ema(outcomes=["West:west_east_ratio_income"])
    assert list(experiments["levers.a"]) == [0.0, 0.1, 0.2]
    assert experiments["levers.a"].dtype == "float64"
    assert experiments["levers.b"].dtype == "category"
    arr = outcomes["West:west_east_ratio_income"]
    assert arr.shape == (3, 3)
    np.testing.assert_allclose(arr[2], [2.0, 3.0, 4.0])


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
    assert not (tmp_path / "s" / "results").exists()
    assert not (tmp_path / "s" / LOCK).exists()  # released on the way out
    assert read_results(tmp_path / "s")["run_id"].unique().tolist() == ["r0", "r1"]
    resumed = True
    store = run_batch(tasks, tmp_path / "s", backend="serial", progress=False)
    assert calls == [100, 101, 102]
    assert list(store.runs["run_id"]) == ["r0", "r1", "r2"]
    assert store.results["run_id"].nunique() == 3
