"""The batch runner: every experiment is a list of run tasks executed by a backend — DESIGN §6.

A task is ``(run_id, scenario, replicate, seed, resolution, parameter_overrides)``. Each task
calls the one seam of the model, ``simulate(scenario, parameters, seed, resolution=...)``, and
its results stream into a results store as it finishes. A run that fails (`RunFailure` or any
other exception inside ``simulate``) is recorded with status 'failed' and its error text; the
batch goes on.

Backends are small classes with one method, ``map(fn, tasks)``, yielding ``(task, outcome,
error)`` in completion order: `SerialBackend` (in this process) and `ProcessBackend`
(``concurrent.futures`` with the "spawn" start method, which Mesa forces anyway). The worker
function and the simulate function are looked up by module path in the worker, so they must live
in an importable module (not a notebook cell). Results do not depend on the backend or the worker
count: the sorted results table is identical.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from westdev.errors import InputError, RunFailure
from westdev.scenario import FrozenMap, Scenario
from westdev.store import ResultsStore, StoreWriter

DEFAULT_SIMULATE = "westdev.simulate:simulate"
OUTPUT_COLUMNS = ["year", "area", "indicator", "value"]


class RunTask(NamedTuple):
    """One run of a batch."""

    run_id: str
    scenario: Scenario
    replicate: int
    seed: int
    resolution: str | None = None
    parameter_overrides: Mapping[str, float] = FrozenMap()


class Outcome(NamedTuple):
    """What a worker sends back: the runs-table row and, for an ok run, its results."""

    run: dict[str, Any]
    results: pd.DataFrame | None


# ---------------------------------------------------------------------- the worker
def resolve_callable(path: str | Callable) -> Callable:
    """``"package.module:function"`` → the function (callables are returned as they are)."""
    if callable(path):
        return path
    module, sep, attr = str(path).partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"expected 'module:function', got {path!r}")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def execute(task: RunTask, simulate: str | Callable = DEFAULT_SIMULATE) -> Outcome:
    """Run one task and return its outcome; failures inside the run become status 'failed'.

    Module-level so that spawned worker processes can import it.
    """
    scenario = task.scenario
    resolution = task.resolution or scenario.run.resolution
    inputs = scenario.inputs()
    inputs["parameters"].update(dict(task.parameter_overrides))
    row: dict[str, Any] = {
        "run_id": task.run_id, "scenario": scenario.name,
        "scenario_hash": scenario.content_hash, "parameter_vintage": scenario.parameter_vintage,
        "resolution": resolution, "replicate": int(task.replicate), "seed": int(task.seed),
        "inputs_json": json.dumps(inputs, sort_keys=True), "status": "ok", "error": None,
    }
    fn = resolve_callable(simulate)
    start = time.perf_counter()
    results = None
    try:
        parameters = None
        if task.parameter_overrides:
            from westdev.parameters import load_parameters

            parameters = load_parameters(scenario.parameter_vintage,
                                         {**scenario.parameter_overrides,
                                          **task.parameter_overrides})
        results = _check_output(fn(scenario, parameters, int(task.seed), resolution=resolution))
    except RunFailure as exc:
        row.update(status="failed", error=f"RunFailure: {exc}")
    except Exception as exc:  # a bug or a broken economy inside the run: record it, go on
        row.update(status="failed", error="".join(traceback.format_exception(exc)).strip())
    row["wall_s"] = time.perf_counter() - start
    return Outcome(row, results if row["status"] == "ok" else None)


def _check_output(df: Any) -> pd.DataFrame:
    """The tidy table simulate must return, with the store's dtypes."""
    if not isinstance(df, pd.DataFrame):
        raise RunFailure(f"simulate returned {type(df).__name__}, not a DataFrame")
    missing = [c for c in OUTPUT_COLUMNS if c not in df.columns]
    if missing:
        raise RunFailure(f"simulate output lacks columns {missing}")
    out = df[OUTPUT_COLUMNS].reset_index(drop=True)
    year = pd.to_numeric(out["year"])
    if (year != year.round()).any():
        raise RunFailure("simulate output has non-integer years")
    return pd.DataFrame({
        "year": year.astype("int64"),
        "area": out["area"].astype(str),
        "indicator": out["indicator"].astype(str),
        "value": pd.to_numeric(out["value"]).astype("float64"),
    })


# ---------------------------------------------------------------------- backends
class SerialBackend:
    """Runs tasks one after the other in this process (debugging, notebooks, tests)."""

    name = "serial"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = 1

    def map(self, fn: Callable[[RunTask], Outcome],
            tasks: list[RunTask]) -> Iterator[tuple[RunTask, Outcome | None, BaseException | None]]:
        for task in tasks:
            yield task, fn(task), None


class ProcessBackend:
    """Local worker processes (spawn start method), results yielded as they finish."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable[[RunTask], Outcome],
            tasks: list[RunTask]) -> Iterator[tuple[RunTask, Outcome | None, BaseException | None]]:
        if not tasks:
            return
        ctx = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)), mp_context=ctx)
        try:
            futures = {pool.submit(fn, task): task for task in tasks}
            for future in as_completed(futures):
                error = future.exception()  # only for a dead worker or an unpicklable outcome
                yield futures[future], (None if error else future.result()), error
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


BACKENDS: dict[str, type] = {"serial": SerialBackend, "processes": ProcessBackend}


def get_backend(name: str, workers: int | None = None) -> SerialBackend | ProcessBackend:
    """The backend called `name` (`InputError` for unknown names or bad worker counts)."""
    if name not in BACKENDS:
        raise InputError(f"unknown backend {name!r}", field="backend",
                         allowed=" | ".join(BACKENDS))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise InputError(f"{workers!r} workers", field="workers", allowed="an integer >= 1")
    return BACKENDS[name](workers)


# ---------------------------------------------------------------------- the batch
def run_batch(tasks: Iterable[RunTask | tuple], out_dir: str | Path, *,
              backend: str = "processes", workers: int | None = None, progress: bool = True,
              kind: str = "run", request: Mapping[str, Any] | None = None,
              root_seed: int | None = None, overwrite: bool = False,
              simulate: str | Callable = DEFAULT_SIMULATE,
              manifest_extra: Mapping[str, Any] | None = None) -> ResultsStore:
    """Run `tasks` into the results store at `out_dir` and return the consolidated store.

    Parameters
    ----------
    tasks : iterable of RunTask or plain tuples in its field order
    out_dir : the store directory (new, resumable or replaced with ``overwrite=True``)
    backend : "processes" (default) or "serial"
    workers : worker processes (default: all cores, at most one per task)
    progress : show a progress bar (only on a terminal or in a notebook)
    kind, request, root_seed : recorded in the manifest; `request` (default: the task list)
        decides whether an existing store may be resumed
    simulate : the run function, ``"module:function"`` (importable by workers) or a callable

    Already finished runs of a resumed store are skipped; failed ones are run again.
    """
    tasks = [t if isinstance(t, RunTask) else RunTask(*t) for t in tasks]
    ids = [t.run_id for t in tasks]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"run id {dup!r} appears twice", field="tasks",
                         allowed="unique run ids (scenario names must differ)")
    runner = get_backend(backend, workers)
    if request is None:
        request = {"runs": [_task_request(t) for t in tasks]}
        if simulate != DEFAULT_SIMULATE:
            request["simulate"] = simulate_name(simulate)
    first = tasks[0].scenario if tasks else None
    goal = first.goal.as_dict() if first else {}
    extra = {"backend": runner.name, "workers": runner.workers,
             "goal_thresholds_by_scenario": {t.scenario.name: t.scenario.goal.as_dict()
                                             for t in tasks}}
    extra.update(manifest_extra or {})
    writer = StoreWriter.open(out_dir, kind=kind, request=request,
                              root_seed=root_seed if root_seed is not None
                              else (first.run.root_seed if first else 0),
                              goal_thresholds=goal, overwrite=overwrite, extra=extra)
    pending = [t for t in tasks if t.run_id not in writer.finished]
    bar = _progress_bar(len(tasks), len(tasks) - len(pending), kind, progress)
    failed = 0
    try:
        for task, outcome, error in runner.map(partial(execute, simulate=simulate), pending):
            if error is not None:
                outcome = Outcome(_failed_row(task, error), None)
            writer.write_run(outcome.run, outcome.results)
            failed += outcome.run["status"] != "ok"
            bar.update(1)
            if failed:
                bar.set_postfix(failed=failed)
    finally:
        bar.close()
    return writer.consolidate()


def _task_request(task: RunTask) -> dict[str, Any]:
    return {"run_id": task.run_id, "scenario": task.scenario.name,
            "scenario_hash": task.scenario.content_hash, "replicate": int(task.replicate),
            "seed": int(task.seed), "resolution": task.resolution or task.scenario.run.resolution,
            "parameter_overrides": dict(sorted(dict(task.parameter_overrides).items()))}


def simulate_name(simulate: str | Callable) -> str:
    """A stable name for a simulate function, for requests and manifests."""
    if isinstance(simulate, str):
        return simulate
    return f"{getattr(simulate, '__module__', '?')}:{getattr(simulate, '__qualname__', '?')}"


def _failed_row(task: RunTask, error: BaseException) -> dict[str, Any]:
    """A runs row for a task whose worker never returned (a crashed process)."""
    scenario = task.scenario
    return {"run_id": task.run_id, "scenario": scenario.name,
            "scenario_hash": scenario.content_hash,
            "parameter_vintage": scenario.parameter_vintage,
            "resolution": task.resolution or scenario.run.resolution,
            "replicate": int(task.replicate), "seed": int(task.seed),
            "inputs_json": json.dumps(scenario.inputs(), sort_keys=True), "status": "failed",
            "error": f"worker failed: {type(error).__name__}: {error}", "wall_s": float("nan")}


def _progress_bar(total: int, done: int, desc: str, wanted: bool) -> Any:
    from tqdm.auto import tqdm

    show = wanted and (sys.stderr.isatty() or _in_notebook())
    return tqdm(total=total, initial=done, desc=desc, unit="run", disable=not show)


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython() if hasattr(shell, "get_ipython") else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"
