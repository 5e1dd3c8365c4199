"""The batch runner: every experiment is a list of run tasks executed by a backend
(docs/design.md §6).

A task is ``(run_id, scenario, replicate, seed, resolution, parameter_overrides, design_point,
point)``. Each task calls the one seam of the model, ``simulate(scenario, parameters, seed,
resolution=...)``, and its results stream into a results store as it finishes. A run that fails
(`RunFailure` or any other exception inside ``simulate``) is recorded with status 'failed' and
its error text; the batch goes on.

A task's `design_point` (a sweep's lever values, an ensemble's parameter draws, ...) is applied
to its scenario inside the worker (`westdev.experiments.factors.apply_design_point`), so the
parent holds one base scenario however many runs the batch has; the point and its index are
recorded in the ``inputs_json`` column of the runs table.

Backends are small classes with one method, ``map(fn, tasks)``, yielding ``(task, outcome,
error)`` in completion order: `SerialBackend` (in this process), `ProcessBackend`
(``concurrent.futures`` with the "spawn" start method, which Mesa forces anyway) and
`DaskBackend` (Dask distributed: a `LocalCluster` with one thread per worker, or a running
scheduler's address; tasks submitted with ``pure=False`` and streamed with ``as_completed``).
The parallel backends keep only a small window of tasks in flight (twice the workers) and drop
each outcome once it is written, so the parent's memory stays flat however long the batch. The
worker function and the simulate function are looked up by module path in the worker, so they
must live in an importable module (not a notebook cell). Results do not depend on the backend or
the worker count: the sorted results table is identical.
"""

from __future__ import annotations

import importlib
import json
import logging
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from westdev.errors import InputError, RunFailure
from westdev.experiments.factors import apply_design_point
from westdev.experiments.record import EVERYTHING, Record
from westdev.experiments.store import PARTS as PARTS_DIR
from westdev.experiments.store import (
    RESULTS_WRITTEN,
    ResultsStore,
    StoreWriter,
    part_table,
    write_run_parts,
)
from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.parameters import load_parameters, load_register
from westdev.inputs.scenario import FrozenMap, Scenario

DEFAULT_SIMULATE = "westdev.economy.simulate:simulate"
OUTPUT_COLUMNS = ["year", "area", "indicator", "value"]


class RunTask(NamedTuple):
    """One run of a batch."""

    run_id: str
    scenario: Scenario
    replicate: int
    seed: int
    resolution: str | None = None
    parameter_overrides: Mapping[str, float] = FrozenMap()
    design_point: Mapping[str, Any] = FrozenMap()
    point: int | None = None
    index: int | None = None  # the run's integer in its store (set by run_batch)


class Outcome(NamedTuple):
    """What a worker sends back: the runs-table row and, for an ok run whose worker did not
    write its parts itself, its recorded results as an Arrow table (a store part)."""

    run: dict[str, Any]
    results: pa.Table | None


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


def execute(task: RunTask, simulate: str | Callable = DEFAULT_SIMULATE,
            parts_dir: str | None = None, record: Record = EVERYTHING) -> Outcome:
    """Run one task and return its outcome; failures inside the run become status 'failed'.

    Module-level so that spawned worker processes can import it. Only what `record` keeps is
    returned or written. With `parts_dir` (local worker processes) the run's parts are written
    here, in the worker, and the outcome carries no results: the parent only books the run.
    Otherwise (serial, Dask) the results come back as a store part, so workers need no access
    to the store's directory.
    """
    start = time.perf_counter()
    try:
        scenario, overrides = task_inputs(task)
    except Exception as exc:  # a design point the scenario refuses: a failed run, not a crash
        row = _failed_row(task, exc)
        row["error"] = f"bad design point: {exc}"
        row["wall_s"] = time.perf_counter() - start
        return _finish(row, None, parts_dir)
    resolution = task.resolution or scenario.run.resolution
    row: dict[str, Any] = {
        "run": _index(task), "run_id": task.run_id, "scenario": scenario.name,
        "scenario_hash": scenario.content_hash, "parameter_vintage": scenario.parameter_vintage,
        "resolution": resolution, "replicate": int(task.replicate), "seed": int(task.seed),
        "inputs_json": _inputs_json(task, scenario, overrides), "status": "ok", "error": None,
    }
    fn = resolve_callable(simulate)
    table = None
    try:
        parameters = None
        if overrides:
            parameters = load_parameters(scenario.parameter_vintage,
                                         {**scenario.parameter_overrides, **overrides})
        # the package's own run builds only the rows the record keeps; another run function
        # returns every row and the record filters them
        own = {"keep": record.keep} if simulate == DEFAULT_SIMULATE and record.keep else {}
        # a run that breaks down raises RunFailure naming the year and what failed; numpy's
        # floating-point warnings on the way there would only repeat it on stderr, once per run
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            results = _check_output(fn(scenario, parameters, int(task.seed),
                                       resolution=resolution, **own))
        table = part_table(results if own else record.filter(results))
    except RunFailure as exc:
        row.update(status="failed", error=f"RunFailure: {exc}")
    except Exception as exc:  # a bug or a broken economy inside the run: record it, go on
        row.update(status="failed", error="".join(traceback.format_exception(exc)).strip())
    row["wall_s"] = time.perf_counter() - start
    return _finish(row, table if row["status"] == "ok" else None, parts_dir)


def _finish(row: dict[str, Any], table: pa.Table | None, parts_dir: str | None) -> Outcome:
    row["n_rows"] = table.num_rows if table is not None else 0
    if parts_dir is not None:
        write_run_parts(Path(parts_dir), row, table)
        row[RESULTS_WRITTEN] = True
        return Outcome(row, None)
    return Outcome(row, table)


def _index(task: RunTask) -> int:
    return int(task.index) if task.index is not None else -1


def warm_up(simulate: str | Callable | None, parent: int | None = None) -> None:
    """Start a worker process ready to run: watch its parent (so that it exits when the
    parent dies, even by ``kill -9``), import the run function and, for the package's own,
    load the packaged data and the parameter register once. A run's `wall_s` then measures
    the run, not the worker's start-up (about 1.5 s, once per worker)."""
    if parent is not None:
        watch_parent(parent)
    if simulate is None:
        return
    try:
        resolve_callable(simulate)
        if simulate == DEFAULT_SIMULATE:
            load_provincial_data()
            load_register()
    except Exception:  # noqa: BLE001 - each run meets and reports the same problem itself
        return


def watch_parent(parent: int, interval: float = 0.5) -> None:
    """Exit this process (at once, status 3) when `parent` is no longer its parent: a worker
    outlives nobody who could use its results."""
    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, name="westdev-watch-parent", daemon=True).start()


def task_inputs(task: RunTask) -> tuple[Scenario, dict[str, float]]:
    """The task's scenario with its design point applied, and its parameter overrides."""
    overrides = dict(task.parameter_overrides)
    scenario = task.scenario
    if task.design_point:
        scenario, extra = apply_design_point(scenario, task.design_point)
        overrides.update(extra)
    return scenario, overrides


def _inputs_json(task: RunTask, scenario: Scenario, overrides: Mapping[str, float]) -> str:
    inputs: dict[str, Any] = scenario.inputs()
    inputs["parameters"].update(dict(overrides))
    if task.design_point:
        inputs["design_point"] = dict(task.design_point)
    if task.point is not None:
        inputs["point"] = int(task.point)
    return json.dumps(inputs, sort_keys=True)


def _check_output(df: Any) -> pd.DataFrame:
    """The tidy table simulate must return, with the store's dtypes."""
    if not isinstance(df, pd.DataFrame):
        raise RunFailure(f"simulate returned {type(df).__name__}, not a DataFrame")
    missing = [c for c in OUTPUT_COLUMNS if c not in df.columns]
    if missing:
        raise RunFailure(f"simulate output lacks columns {missing}")
    year = df["year"].to_numpy()
    if year.dtype.kind not in "iu":
        year = pd.to_numeric(df["year"]).to_numpy(dtype="float64")
        if (year != np.round(year)).any():
            raise RunFailure("simulate output has non-integer years")
    value = df["value"].to_numpy()
    if value.dtype.kind not in "fiu":
        value = pd.to_numeric(df["value"]).to_numpy()
    return pd.DataFrame({
        "year": year.astype("int64"),
        "area": df["area"].astype(str).array,
        "indicator": df["indicator"].astype(str).array,
        "value": value.astype("float64"),
    })


# ---------------------------------------------------------------------- backends
class SerialBackend:
    """Runs tasks one after the other in this process (debugging, notebooks, tests)."""

    name = "serial"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = 1

    def open(self, n_tasks: int) -> None:
        """Nothing to reach."""

    def close(self) -> None:
        """Nothing to release."""

    def map(self, fn: Callable[[RunTask], Outcome],
            tasks: list[RunTask]) -> Iterator[tuple[RunTask, Outcome | None, BaseException | None]]:
        for task in tasks:
            yield task, fn(task), None


# Numerical libraries' own thread pools (OpenBLAS, OpenMP, MKL, Accelerate, numexpr): one
# thread in each worker process, since the processes already use the cores. With OpenBLAS's
# default (one thread per core) in each of 2 workers on 2 cores, an ensemble of small runs ran
# 7.0 runs/s instead of 12.0 (the start-year calibration solves small least-squares problems).
NUMERIC_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                            "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


@contextmanager
def one_numeric_thread_in_workers() -> Iterator[None]:
    """While open, processes started from here read one thread for each numerical library
    (a variable the user set is kept). Worker processes inherit the environment when they
    start; libraries read it when they load."""
    unset = [name for name in NUMERIC_THREAD_VARIABLES if name not in os.environ]
    for name in unset:
        os.environ[name] = "1"
    try:
        yield
    finally:
        for name in unset:
            os.environ.pop(name, None)


class ProcessBackend:
    """Local worker processes (spawn start method), results yielded as they finish.

    At most ``2 × workers`` tasks are in flight; a finished outcome is released once yielded.
    A worker that dies (killed, out of memory) fails the tasks in flight, which are recorded as
    failed runs, and a fresh pool takes over the rest.
    """

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def open(self, n_tasks: int) -> None:
        """Workers start with the first task (`map`)."""

    def close(self) -> None:
        """The pool is shut down by `map`."""

    def map(self, fn: Callable[[RunTask], Outcome],
            tasks: list[RunTask]) -> Iterator[tuple[RunTask, Outcome | None, BaseException | None]]:
        if not tasks:
            return
        ctx = multiprocessing.get_context("spawn")
        n = min(self.workers, len(tasks))
        todo = iter(tasks)
        simulate = fn.keywords.get("simulate") if isinstance(fn, partial) else None
        start = partial(ProcessPoolExecutor, max_workers=n, mp_context=ctx,
                        initializer=warm_up, initargs=(simulate, os.getpid()))
        with one_numeric_thread_in_workers():
            yield from self._map(fn, todo, start, n)

    @staticmethod
    def _map(fn: Callable[[RunTask], Outcome], todo: Iterator[RunTask],
             start: Callable[[], ProcessPoolExecutor],
             n: int) -> Iterator[tuple[RunTask, Outcome | None, BaseException | None]]:
        pool = start()
        running: dict[Any, tuple[RunTask, ProcessPoolExecutor]] = {}
        finished_here = 0  # tasks the current pool has completed
        done_all = False
        try:
            for task in islice(todo, 2 * n):
                running[pool.submit(fn, task)] = (task, pool)
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: running[f][0].run_id):
                    task, owner = running.pop(future)
                    error = future.exception()  # a dead worker or an unpicklable outcome
                    outcome = None if error else future.result()
                    del future
                    if isinstance(error, BrokenProcessPool) and owner is pool:
                        if finished_here == 0:
                            raise RunFailure(
                                "worker processes died before finishing any run (in a script, "
                                "start batches under `if __name__ == \"__main__\":`; the spawn "
                                "start method re-imports the main module); finished runs are "
                                "kept: run the same command again to resume") from error
                        # every task in flight fails with the pool; the rest go to a new one
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = start()
                        finished_here = 0
                    elif owner is pool:
                        finished_here += 1
                    nxt = next(todo, None)
                    if nxt is not None:
                        running[pool.submit(fn, nxt)] = (nxt, pool)
                    yield task, outcome, error
            done_all = True
        finally:
            if not done_all:  # interrupted (Ctrl-C, SIGTERM, an error): stop the workers now
                _terminate(pool)
            pool.shutdown(wait=done_all, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes (their runs in flight are lost; finished ones are not)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass
    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            proc.join(timeout=5)
        except (OSError, AttributeError, AssertionError):
            pass


class DaskBackend:
    """Dask distributed: a `LocalCluster` (``threads_per_worker=1``) or a scheduler address.

    Tasks are submitted with ``pure=False`` (stochastic runs are never deduplicated), at most
    ``2 ×`` the cluster's threads at a time, and streamed back with ``as_completed``. The
    cluster started here is closed at the end; a cluster reached by address is left running.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def open(self, n_tasks: int) -> None:
        """Reach the scheduler (or start a LocalCluster) before anything is written."""
        if self._client is None and n_tasks:
            self._client, self._cluster = self._connect(n_tasks)

    def close(self) -> None:
        """Disconnect; a cluster started here is closed, one reached by address left running."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def map(self, fn: Callable[[RunTask], Outcome],
            tasks: list[RunTask]) -> Iterator[tuple[RunTask, Outcome | None, BaseException | None]]:
        if not tasks:
            return
        self.open(len(tasks))
        client = self._client
        try:
            from distributed import as_completed as dask_as_completed

            slots = max(1, sum(client.nthreads().values()))
            if self.scheduler is not None:
                self.workers = slots
            todo = iter(tasks)
            running: dict[str, RunTask] = {}
            stream = dask_as_completed()
            for task in islice(todo, 2 * slots):
                future = client.submit(fn, task, pure=False)
                running[future.key] = task
                stream.add(future)
            for future in stream:
                task = running.pop(future.key)
                error = future.exception() if future.status == "error" else None
                outcome = None if error is not None else future.result()
                future.release()
                nxt = next(todo, None)
                if nxt is not None:
                    new = client.submit(fn, nxt, pure=False)
                    running[new.key] = nxt
                    stream.add(new)
                yield task, outcome, error
        finally:
            for future in list(stream.futures) if "stream" in locals() else []:
                future.cancel()
            self.close()

    def _connect(self, n_tasks: int) -> tuple[Any, Any]:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("the dask backend needs dask.distributed", field="backend",
                             allowed="pip install 'westdev[dask]', or --backend processes") from None
        if self.scheduler is not None:
            try:
                return Client(self.scheduler, timeout=DASK_CONNECT_TIMEOUT), None
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"cannot reach the Dask scheduler {self.scheduler!r}: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                                 field="scheduler", allowed="the address of a running "
                                 "scheduler, e.g. tcp://host:8786") from None
        cluster = LocalCluster(n_workers=min(self.workers, n_tasks), threads_per_worker=1,
                               processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        return Client(cluster), cluster


BACKENDS: dict[str, type] = {"serial": SerialBackend, "processes": ProcessBackend,
                              "dask": DaskBackend}
Backend = SerialBackend | ProcessBackend | DaskBackend


def get_backend(name: str, workers: int | None = None,
                scheduler: str | None = None) -> Backend:
    """The backend called `name` (`InputError` for unknown names, bad worker counts, or a
    scheduler address given to a backend other than dask)."""
    if name not in BACKENDS:
        raise InputError(f"unknown backend {name!r}", field="backend",
                         allowed=" | ".join(BACKENDS))
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise InputError(f"{workers!r} workers", field="workers", allowed="an integer >= 1")
    if scheduler is not None:
        if name != "dask":
            raise InputError(f"a scheduler address is only used by the dask backend, not "
                             f"{name!r}", field="scheduler", allowed="--backend dask")
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise InputError(f"{scheduler!r} is not a scheduler address", field="scheduler",
                             allowed="an address such as tcp://host:8786")
        return DaskBackend(workers, scheduler.strip())
    return BACKENDS[name](workers)


# ---------------------------------------------------------------------- the batch
def run_batch(tasks: Iterable[RunTask | tuple], out_dir: str | Path, *,
              backend: str = "processes", workers: int | None = None, progress: bool = True,
              kind: str = "run", request: Mapping[str, Any] | None = None,
              root_seed: int | None = None, overwrite: bool = False,
              simulate: str | Callable = DEFAULT_SIMULATE,
              manifest_extra: Mapping[str, Any] | None = None,
              scheduler: str | None = None, record: Record = EVERYTHING,
              max_runs: int | None = None) -> ResultsStore:
    """Run `tasks` into the results store at `out_dir` and return the consolidated store.

    Parameters
    ----------
    tasks : iterable of RunTask or plain tuples in its field order
    out_dir : the store directory (new, resumable or replaced with ``overwrite=True``)
    backend : "processes" (default), "serial" or "dask"
    workers : worker processes (default: all cores, at most one per task); for dask, the
        workers of the LocalCluster
    scheduler : a Dask scheduler address (backend "dask" only; default: a new LocalCluster)
    progress : show a progress bar (only on a terminal or in a notebook)
    kind, request, root_seed : recorded in the manifest; `request` (default: the task list)
        decides whether an existing store may be resumed
    simulate : the run function, ``"module:function"`` (importable by workers) or a callable
    record : what each run keeps (`westdev.experiments.record`; default everything)
    max_runs : refuse more runs than this (default `MAX_RUNS`)

    The backend is reached before anything is written; the store is locked for the batch.
    Already finished runs of a resumed store are skipped; failed ones are run again.
    """
    tasks = [t if isinstance(t, RunTask) else RunTask(*t) for t in tasks]
    check_run_count(len(tasks), max_runs)
    ids = [t.run_id for t in tasks]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(i for i in ids if i in seen or seen.add(i))
        raise InputError(f"run id {dup!r} appears twice", field="tasks",
                         allowed="unique run ids (scenario names must differ)")
    rank = {rid: i for i, rid in enumerate(sorted(ids))}
    tasks = [t._replace(index=rank[t.run_id]) for t in tasks]
    runner = get_backend(backend, workers, scheduler)
    if request is None:
        request = {"runs": [_task_request(t) for t in tasks]}
        if simulate != DEFAULT_SIMULATE:
            request["simulate"] = simulate_name(simulate)
    first = tasks[0].scenario if tasks else None
    goal = first.goal.as_dict() if first else {}
    extra = {"backend": runner.name, "workers": runner.workers,
             "goal_thresholds_by_scenario": {t.scenario.name: t.scenario.goal.as_dict()
                                             for t in tasks}}
    if scheduler is not None:
        extra["scheduler"] = scheduler
    extra.update(manifest_extra or {})
    runner.open(len(tasks))  # an unreachable scheduler fails here, before anything is made
    try:
        writer = StoreWriter.open(out_dir, kind=kind, request=request,
                                  root_seed=root_seed if root_seed is not None
                                  else (first.run.root_seed if first else 0),
                                  goal_thresholds=goal, overwrite=overwrite, extra=extra,
                                  record=record, run_ids=ids)
    except BaseException:
        runner.close()
        raise
    pending = [t for t in tasks if t.run_id not in writer.finished]
    bar = _progress_bar(len(tasks), len(tasks) - len(pending), kind, progress)
    failed = 0
    try:
        # local worker processes write their own parts (the parent, which shares the cores
        # with them, then only books runs); Dask workers may be on other machines and send
        # their parts back
        parts_dir = None
        if isinstance(runner, ProcessBackend):
            parts_dir = str(Path(out_dir) / PARTS_DIR)
            Path(parts_dir).mkdir(parents=True, exist_ok=True)
        stream = runner.map(partial(execute, simulate=simulate, parts_dir=parts_dir,
                                    record=record), pending)
        try:
            for task, outcome, error in stream:
                if error is not None:
                    outcome = Outcome(_failed_row(task, error), None)
                writer.write_run(outcome.run, outcome.results)
                failed += outcome.run["status"] != "ok"
                bar.update(1)
                if failed:
                    bar.set_postfix(failed=failed)
        finally:
            stream.close()  # an interrupted batch stops its workers here
    except BaseException:
        writer.close()
        raise
    finally:
        bar.close()
        runner.close()
    return writer.consolidate()


DASK_CONNECT_TIMEOUT = "10s"  # how long to try reaching a --scheduler before exit 2
MAX_RUNS = 10**7  # a batch larger than this is refused before it is planned (overridable)


def check_run_count(n: int, max_runs: int | None = None, *, file: str | None = None,
                    field: str = "runs") -> None:
    """`InputError` when a batch would have more than `max_runs` (default `MAX_RUNS`) runs."""
    limit = MAX_RUNS if max_runs is None else max_runs
    if n > limit:
        raise InputError(f"{n:,} runs is more than the limit of {limit:,}", file=file,
                         field=field, allowed="fewer points, replicates or scenarios, or a "
                         "higher limit (--max-runs N; max_runs= in Python)")


def _task_request(task: RunTask) -> dict[str, Any]:
    req = {"run_id": task.run_id, "scenario": task.scenario.name,
           "scenario_hash": task.scenario.content_hash, "replicate": int(task.replicate),
           "seed": int(task.seed), "resolution": task.resolution or task.scenario.run.resolution,
           "parameter_overrides": dict(sorted(dict(task.parameter_overrides).items()))}
    if task.design_point:
        req["design_point"] = dict(task.design_point)
    return req


def simulate_name(simulate: str | Callable) -> str:
    """A stable name for a simulate function, for requests and manifests."""
    if isinstance(simulate, str):
        return simulate
    return f"{getattr(simulate, '__module__', '?')}:{getattr(simulate, '__qualname__', '?')}"


def _failed_row(task: RunTask, error: BaseException) -> dict[str, Any]:
    """A runs row for a task whose worker never returned (a crashed process)."""
    try:
        scenario, overrides = task_inputs(task)
    except Exception:  # the design point itself is bad: describe the base scenario
        scenario, overrides = task.scenario, dict(task.parameter_overrides)
    return {"run": _index(task), "run_id": task.run_id, "scenario": scenario.name,
            "scenario_hash": scenario.content_hash,
            "parameter_vintage": scenario.parameter_vintage,
            "resolution": task.resolution or scenario.run.resolution,
            "replicate": int(task.replicate), "seed": int(task.seed),
            "inputs_json": _inputs_json(task, scenario, overrides), "status": "failed",
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
