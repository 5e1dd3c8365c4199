"""Running experiments and batches: plan, run, estimate, and repeat a batch from its manifest.

`run_experiment` hands an experiment's run tasks to the one runner
(`westdev.experiments.runner.run_batch`) and records the whole request in the store's manifest,
so that `rerun` (``westdev rerun DIR/manifest.json``) repeats it exactly. `plan_runs` builds the
tasks of a plain run or comparison of scenarios (`westdev.api.run` and `compare`): every
replicate r of every scenario gets the seed ``run_seed(root_seed, {}, r)``, so scenarios are
compared with common random numbers. `estimate` times one run for ``--dry-run``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from westdev.errors import InputError
from westdev.experiments.experiment import Experiment
from westdev.experiments.runner import (
    DEFAULT_SIMULATE,
    RunTask,
    execute,
    get_backend,
    run_batch,
    simulate_name,
)
from westdev.experiments.seeds import run_seed
from westdev.experiments.spec import experiment_from_dict, load_experiment, scenario_from_inline
from westdev.experiments.store import ResultsStore, first_difference, read_manifest
from westdev.inputs.resolution import RESOLUTIONS
from westdev.inputs.scenario import MAX_SEED, Scenario, load_scenario, scenario_content

STORE_KIND = {"sweep": "sweep", "ensemble": "ensemble", "sensitivity": "sensitivity",
              "decomposition": "compare"}
# A documented fallback for dry-run estimates when a timing run is not possible: seconds per
# run of 2019→2035 on the reference machine (README, bench/run_times.py), scaled by years.
SECONDS_PER_RUN = {"small": 0.4, "default": 1.2, "large": 8.0}


# ====================================================================== experiments
def plan(experiment: Experiment | str | Path) -> tuple[Experiment, list[RunTask]]:
    """The checked experiment and its run tasks."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    return exp, exp.tasks()


def run_experiment(experiment: Experiment | str | Path, out: str | Path, *,
                   backend: str = "processes", workers: int | None = None,
                   scheduler: str | None = None, overwrite: bool = False,
                   progress: bool = True,
                   simulate: str | Callable = DEFAULT_SIMULATE) -> ResultsStore:
    """Run an experiment into the results store `out` (resumes a matching store)."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    get_backend(backend, workers, scheduler)  # check before anything is created
    request: dict[str, Any] = {"experiment": exp.request()}
    if simulate != DEFAULT_SIMULATE:
        request["simulate"] = simulate_name(simulate)
    extra = {"experiment": {"name": exp.name, "kind": exp.kind, "design": exp.design,
                            "source": exp.source, "n_points": exp.n_points,
                            "n_runs": exp.n_runs, "factors": [f.name for f in exp.factors],
                            "outcomes": list(exp.outcomes), "years": list(exp.years)}}
    return run_batch(exp.tasks(), out, backend=backend, workers=workers, progress=progress,
                     kind=STORE_KIND[exp.kind], request=request, root_seed=exp.root_seed,
                     overwrite=overwrite, simulate=simulate, manifest_extra=extra,
                     scheduler=scheduler)


def estimate(experiment: Experiment, *, backend: str = "processes", workers: int | None = None,
             simulate: str | Callable = DEFAULT_SIMULATE, time_one: bool = True) -> dict[str, Any]:
    """Run count and an estimated wall time, from timing one run here (the first task).

    Falls back to `SECONDS_PER_RUN` (per resolution, 2019→2035, scaled by the years) when the
    timing run fails or `time_one` is False. Nothing is written.
    """
    runner = get_backend(backend, workers)
    tasks = experiment.tasks()
    n = len(tasks)
    run = experiment.base.run
    per_run, warmup, how = None, 0.0, "documented constant"
    if time_one and tasks:
        times = []
        for _ in range(2):  # the first run pays for imports and data loading
            start = time.perf_counter()
            outcome = execute(tasks[0], simulate=simulate)
            if outcome.run["status"] != "ok":
                break
            times.append(time.perf_counter() - start)
        if len(times) == 2:
            per_run, warmup, how = times[1], max(0.0, times[0] - times[1]), "timed here"
    if per_run is None:
        per_run = SECONDS_PER_RUN[run.resolution] * (run.end_year - run.start_year) / 16
        warmup = 1.0
    parallel = 1 if runner.name == "serial" else max(1, min(runner.workers, n))
    startup = {"serial": 0.0, "processes": 1.0, "dask": 3.0}[runner.name]
    seconds = n * per_run / parallel + ((startup + warmup) if n else 0.0)
    return {"runs": n, "points": experiment.n_points, "seconds_per_run": per_run,
            "basis": how, "backend": runner.name, "workers": parallel,
            "estimated_seconds": seconds}


def rerun(manifest: str | Path, out: str | Path | None = None, *, backend: str = "processes",
          workers: int | None = None, scheduler: str | None = None, overwrite: bool = False,
          progress: bool = True) -> ResultsStore:
    """Repeat the batch a manifest describes (any kind but calibration), exactly.

    `manifest` is a store's ``manifest.json`` or its directory. Without `out` the store itself
    is completed (missing and failed runs are run, finished ones kept); with `out` the whole
    batch is repeated into a new store, with the same seeds and so the same results.
    """
    path = Path(manifest)
    store_dir = path if path.is_dir() else path.parent
    data = read_manifest(store_dir)
    file = str(store_dir / "manifest.json")
    request = data["request"]
    kind = data.get("kind")
    simulate = request.get("simulate", DEFAULT_SIMULATE)
    target = Path(out) if out is not None else store_dir
    if "experiment" in request:
        exp = experiment_from_dict(request["experiment"], file=file, base_dir=store_dir)
        rebuilt: dict[str, Any] = {"experiment": exp.request()}
        if "simulate" in request:
            rebuilt["simulate"] = request["simulate"]
        _same_request(request, rebuilt, file)
        return run_experiment(exp, target, backend=backend, workers=workers,
                              scheduler=scheduler, overwrite=overwrite, progress=progress,
                              simulate=simulate)
    if kind in ("run", "compare") and "scenarios" in request:
        scenarios, resolution = [], None
        for i, item in enumerate(request["scenarios"]):
            s = scenario_from_inline(item, f"request.scenarios[{i}]", file)
            if item.get("resolution") not in (None, s.run.resolution):
                resolution = item["resolution"]
            scenarios.append(s)
        tasks, rebuilt, seed0 = plan_runs(scenarios, replicates=request.get("replicates"),
                                          root_seed=request.get("root_seed"),
                                          resolution=resolution)
        if "simulate" in request:
            rebuilt["simulate"] = request["simulate"]
        _same_request(request, rebuilt, file)
        get_backend(backend, workers, scheduler)
        return run_batch(tasks, target, backend=backend, workers=workers, progress=progress,
                         kind=kind, request=rebuilt, root_seed=seed0, overwrite=overwrite,
                         simulate=simulate, scheduler=scheduler)
    raise InputError(f"cannot rerun a store of kind {kind!r} from its manifest", file=file,
                     field="kind", allowed="run, compare, sweep, ensemble or sensitivity stores")


def _same_request(old: Mapping[str, Any], new: Mapping[str, Any], file: str) -> None:
    diff = first_difference(json.loads(json.dumps(old, sort_keys=True)),
                             json.loads(json.dumps(new, sort_keys=True)))
    if diff is not None:
        where, had, now = diff
        raise InputError(f"this version of westdev cannot reproduce the request: {where} is "
                         f"{had} in the manifest but {now} when rebuilt", file=file,
                         field=f"request.{where}",
                         allowed="a manifest written by a compatible westdev version")


# ====================================================================== runs and comparisons
def plan_runs(scenarios: Sequence[Scenario | str | Path], *, replicates: int | None = None,
              root_seed: int | None = None,
              resolution: str | None = None) -> tuple[list[RunTask], dict[str, Any], int]:
    """The run tasks, the canonical request and the root seed of a run or comparison."""
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    names = [s.name for s in loaded]
    for name in names:
        if names.count(name) > 1:
            raise InputError(f"two scenarios are named {name!r}", field="meta.name",
                             allowed="distinct scenario names in one comparison")
    _check_int(replicates, "replicates", 1, None)
    _check_int(root_seed, "root_seed", 0, MAX_SEED)
    if resolution is not None and resolution not in RESOLUTIONS:
        raise InputError(f"unknown resolution {resolution!r}", field="resolution",
                         allowed=" | ".join(RESOLUTIONS))
    n_rep = replicates if replicates is not None else max(s.run.replicates for s in loaded)
    seed0 = root_seed if root_seed is not None else loaded[0].run.root_seed
    seeds = [run_seed(seed0, {}, r) for r in range(n_rep)]
    tasks = [RunTask(f"{s.name}-r{r:04d}", s, r, seeds[r], resolution or s.run.resolution)
             for s in loaded for r in range(n_rep)]
    request = {
        "scenarios": [{"name": s.name, "hash": s.content_hash,
                       "resolution": resolution or s.run.resolution,
                       "content": scenario_content(s)} for s in loaded],
        "replicates": n_rep,
        "root_seed": seed0,
        "seed_rule": "run_seed(root_seed, {}, replicate)",
    }
    return tasks, request, seed0


def _check_int(value: Any, field: str, low: int, high: int | None) -> None:
    if value is None:
        return
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not ok or (high is not None and value > high):
        allowed = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"
        raise InputError(f"{value!r} is not allowed", field=field, allowed=allowed)
