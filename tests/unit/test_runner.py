"""The batch runner and the Python API, with the fake simulate (tests/fakes.py)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import westdev.economy.simulate
import westdev.inputs.parameters
from westdev import api
from westdev.errors import InputError
from westdev.experiments.runner import RunTask, execute, run_batch
from westdev.experiments.seeds import run_seed
from westdev.inputs.scenario import load_scenario

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # tests/ → import fakes, here and in spawned workers
import fakes  # noqa: E402

FAKE = "fakes:simulate"


@pytest.fixture
def short():
    """Baseline over four years at the small resolution."""
    return load_scenario("baseline").with_overrides(run={"end_year": 2022,
                                                         "resolution": "small"})


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(westdev.economy.simulate, "simulate", fakes.simulate)


def test_serial_and_processes_give_identical_sorted_results(tmp_path, short):
    no_policy = load_scenario("no_policy").with_overrides(run={"end_year": 2022})
    tasks = [RunTask(f"{s.name}-{r}", s, r, run_seed(3, {}, r), "small")
             for s in (short, no_policy) for r in range(3)]
    serial = run_batch(tasks, tmp_path / "serial", backend="serial", simulate=FAKE,
                       progress=False)
    procs = run_batch(tasks, tmp_path / "procs", backend="processes", workers=2,
                      simulate=FAKE, progress=False)
    assert len(serial.results) == 6 * 4 * 6
    pd.testing.assert_frame_equal(serial.results, procs.results)
    cols = ["run_id", "seed", "status", "scenario_hash", "inputs_json"]
    pd.testing.assert_frame_equal(serial.runs[cols], procs.runs[cols])
    assert procs.manifest["backend"] == "processes"


def test_failures_are_recorded_and_the_batch_goes_on(tmp_path, short):
    failing = short.with_overrides(name="failing")
    buggy = short.with_overrides(name="buggy")
    tasks = [RunTask("a", short, 0, 1), RunTask("b", failing, 0, 1), RunTask("c", buggy, 0, 1)]
    for backend in ("serial", "processes"):
        store = run_batch(tasks, tmp_path / backend, backend=backend, workers=2, simulate=FAKE,
                          progress=False)
        runs = store.runs.set_index("run_id")
        assert list(runs["status"]) == ["ok", "failed", "failed"]
        assert runs.loc["b", "error"] == "RunFailure: year 2020: fake economy broke down"
        assert "ZeroDivisionError: fake bug" in runs.loc["c", "error"]
        assert "Traceback" in runs.loc["c", "error"]  # a bug keeps its traceback
        assert set(store.results["run_id"]) == {"a"}


def test_bad_simulate_output_is_a_failed_run(short):
    outcome = execute(RunTask("x", short, 0, 1), simulate=lambda *a, **k: pd.DataFrame({"y": [1]}))
    assert outcome.run["status"] == "failed" and "lacks columns" in outcome.run["error"]
    assert outcome.results is None


def test_execute_passes_seed_resolution_and_parameters(short, monkeypatch):
    monkeypatch.setattr(westdev.inputs.parameters, "load_register", fakes.fake_register)
    seen = {}

    def spy(scenario, parameters=None, seed=0, *, resolution=None):
        seen.update(parameters=parameters, seed=seed, resolution=resolution)
        return fakes.simulate(scenario, parameters, seed, resolution=resolution)

    task = RunTask("x", short, 2, 99, "large", {"migration.distance_elasticity": 2.0})
    outcome = execute(task, simulate=spy)
    assert outcome.run["status"] == "ok", outcome.run["error"]
    assert seen["seed"] == 99 and seen["resolution"] == "large"
    assert seen["parameters"]["migration.distance_elasticity"] == 2.0
    assert json.loads(outcome.run["inputs_json"])["parameters"] == {
        "migration.distance_elasticity": 2.0}
    assert outcome.results.schema.field("year").type == "int16"  # a store part


def test_duplicate_run_ids_and_bad_backend_create_nothing(tmp_path, short):
    with pytest.raises(InputError, match="appears twice"):
        run_batch([RunTask("a", short, 0, 1)] * 2, tmp_path / "x", simulate=FAKE)
    with pytest.raises(InputError, match="serial | processes | dask"):
        run_batch([RunTask("a", short, 0, 1)], tmp_path / "y", backend="ray")
    with pytest.raises(InputError, match="field 'scheduler'"):
        run_batch([RunTask("a", short, 0, 1)], tmp_path / "y", backend="processes",
                  scheduler="tcp://localhost:8786")
    with pytest.raises(InputError, match="workers"):
        api.run(short, out=tmp_path / "z", workers=0)
    assert list(tmp_path.iterdir()) == []


def test_api_run_and_compare(tmp_path, short, fake):
    store = api.run(short, replicates=3, root_seed=5, out=tmp_path / "run", backend="serial",
                    progress=False)
    assert list(store.runs["run_id"]) == [f"baseline-r000{i}" for i in range(3)]
    assert list(store.runs["seed"]) == [run_seed(5, {}, r) for r in range(3)]
    assert store.manifest["request"]["replicates"] == 3
    assert store.manifest["root_seed"] == 5
    no_policy = load_scenario("no_policy").with_overrides(run={"end_year": 2022})
    both = api.compare([short, no_policy], replicates=2, root_seed=5, out=tmp_path / "cmp",
                       backend="serial", progress=False)
    runs = both.runs.set_index("run_id")
    # common random numbers: replicate r of every scenario has one seed, as in the plain run
    assert runs.loc["baseline-r0001", "seed"] == runs.loc["no_policy-r0001", "seed"]
    assert runs.loc["baseline-r0001", "seed"] == store.runs["seed"].iloc[1]
    levers = json.loads(runs.loc["no_policy-r0000", "inputs_json"])["levers"]
    assert levers["fiscal.cit_rate_encouraged_west"] == 0.25
    assert both.manifest["kind"] == "compare"
    assert runs.loc["no_policy-r0000", "resolution"] == "default"  # each scenario's own
    with pytest.raises(InputError, match="no_policy simulates 2019-2035, baseline 2019-2022"):
        api.compare([short, "no_policy"], out=tmp_path / "mixed")  # as sweeps refuse it
    assert not (tmp_path / "mixed").exists()


def test_api_defaults_come_from_the_scenario(tmp_path, short, fake, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # out=None: a new temporary dir
    store = api.run(short.with_overrides(run={"replicates": 2, "root_seed": 9}),
                    backend="serial", progress=False)
    assert Path(store.path).parent == tmp_path and len(store.runs) == 2
    assert store.manifest["root_seed"] == 9


@pytest.mark.parametrize("kwargs, field", [({"replicates": 0}, "replicates"),
                                           ({"root_seed": -1}, "root_seed"),
                                           ({"resolution": "huge"}, "resolution")])
def test_api_checks_its_arguments(tmp_path, short, kwargs, field):
    with pytest.raises(InputError, match=f"field '{field}'"):
        api.run(short, out=tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_compare_needs_distinct_names(tmp_path, short):
    with pytest.raises(InputError, match="two scenarios are named 'baseline'"):
        api.compare([short, "baseline"], out=tmp_path / "x")
