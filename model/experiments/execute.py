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
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from westdev.errors import InputError
from westdev.experiments.experiment import Experiment
from westdev.experiments.runner import (
    DEFAULT_SIMULATE,
    RunTask,
    check_run_count,
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
def plan(experiment: Experiment | str | Path, *,
         max_runs: int | None = None) -> tuple[Experiment, list[RunTask]]:
    """The checked experiment and its run tasks (refused above `max_runs`, before planning)."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    check_run_count(exp.n_runs, max_runs, file=exp.source, field="run")
    return exp, exp.tasks()


def run_experiment(experiment: Experiment | str | Path, out: str | Path, *,
                   backend: str = "processes", workers: int | None = None,
                   scheduler: str | None = None, overwrite: bool = False,
                   progress: bool = True, simulate: str | Callable = DEFAULT_SIMULATE,
                   max_runs: int | None = None) -> ResultsStore:
    """Run an experiment into the results store `out` (resumes a matching store).

    Its runs record what `Experiment.recording` says (by default what analyses and reports
    need); more than `max_runs` runs (default `MAX_RUNS`) are refused before any is planned.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    get_backend(backend, workers, scheduler)  # check before anything is created
    check_run_count(exp.n_runs, max_runs, file=exp.source, field="run")
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
                     scheduler=scheduler, record=exp.recording, max_runs=max_runs)


def estimate(experiment: Experiment, *, backend: str = "processes", workers: int | None = None,
             simulate: str | Callable = DEFAULT_SIMULATE, time_one: bool = True,
             max_runs: int | None = None) -> dict[str, Any]:
    """Run count and an estimated wall time, from timing a run of the base scenario here.

    The runs are counted, not planned (a dry run of a huge design allocates nothing); above
    `max_runs` the design is refused. Falls back to `SECONDS_PER_RUN` (per resolution,
    2019→2035, scaled by the years) when the timing run fails or `time_one` is False. Nothing
    is written.
    """
    runner = get_backend(backend, workers)
    n = experiment.n_runs
    check_run_count(n, max_runs, file=experiment.source, field="run")
    run = experiment.base.run
    per_run, warmup, how = None, 0.0, "documented constant"
    if time_one and n:
        probe = experiment.probe_task()
        times = []
        for _ in range(2):  # the first run pays for imports and data loading
            start = time.perf_counter()
            outcome = execute(probe, simulate=simulate, record=experiment.recording)
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
          progress: bool = True, simulate: str | Callable | None = None,
          max_runs: int | None = None) -> ResultsStore:
    """Repeat the batch a manifest describes (any kind but calibration), exactly.

    `manifest` is a store's ``manifest.json`` or its directory. Without `out` the store itself
    is completed (missing and failed runs are run, finished ones kept); with `out` the whole
    batch is repeated into a new store, with the same seeds and so the same results.

    A manifest is data: the run function it names is used only when it is westdev's own
    (`trusted_simulate`); any other must be given here as `simulate` (a function or
    ``"module:function"`` chosen by the caller's code, or on the command line an entry point
    of group ``westdev.simulate``) and must match the manifest's name.
    """
    path = Path(manifest)
    store_dir = path if path.is_dir() else path.parent
    data = read_manifest(store_dir)
    file = str(store_dir / "manifest.json")
    request = data["request"]
    kind = data.get("kind")
    fn = trusted_simulate(request.get("simulate", DEFAULT_SIMULATE), simulate, file)
    target = Path(out) if out is not None else store_dir
    if "experiment" in request:
        exp = experiment_from_dict(_as_dict(request["experiment"], file, "request.experiment"),
                                   file=file, base_dir=store_dir)
        rebuilt: dict[str, Any] = {"experiment": exp.request()}
        if "simulate" in request:
            rebuilt["simulate"] = request["simulate"]
        _same_request(request, rebuilt, file)
        return run_experiment(exp, target, backend=backend, workers=workers,
                              scheduler=scheduler, overwrite=overwrite, progress=progress,
                              simulate=fn, max_runs=max_runs)
    if kind in ("run", "compare") and "scenarios" in request:
        items = request["scenarios"]
        if not isinstance(items, list) or not items:
            raise InputError("'request.scenarios' is not a list of scenarios", file=file,
                             field="request.scenarios", allowed="the manifest westdev wrote")
        scenarios, resolution = [], None
        for i, item in enumerate(items):
            item = _as_dict(item, file, f"request.scenarios[{i}]")
            s = scenario_from_inline(item, f"request.scenarios[{i}]", file)
            if item.get("resolution") not in (None, s.run.resolution):
                resolution = item["resolution"]
            scenarios.append(s)
        tasks, rebuilt, seed0 = plan_runs(scenarios, replicates=request.get("replicates"),
                                          root_seed=request.get("root_seed"),
                                          resolution=resolution, max_runs=max_runs)
        if "simulate" in request:
            rebuilt["simulate"] = request["simulate"]
        _same_request(request, rebuilt, file)
        get_backend(backend, workers, scheduler)
        return run_batch(tasks, target, backend=backend, workers=workers, progress=progress,
                         kind=kind, request=rebuilt, root_seed=seed0, overwrite=overwrite,
                         simulate=fn, scheduler=scheduler, max_runs=max_runs)
    raise InputError(f"cannot rerun a store of kind {kind!r} from its manifest", file=file,
                     field="kind", allowed="run, compare, sweep, ensemble or sensitivity stores")


# the run functions westdev itself writes into manifests: its model, and the calibration's
_OWN_SIMULATE = re.compile(r"^westdev\.calibration(\.[a-z_][a-z0-9_]*)+:[a-z_][a-z0-9_]*$")


def trusted_simulate(named: Any, given: str | Callable | None, file: str) -> str | Callable:
    """The run function for a batch described by a data file (a manifest).

    `named` is what the file says; `given` what the caller chose (in code, or an entry point
    on the command line). A file may name only westdev's own run functions; anything else
    must be given by the caller, and must be what the file names — nothing a data file says
    is imported on its own authority.
    """
    if not isinstance(named, str):
        raise InputError(f"'request.simulate' is not a function name ({type(named).__name__})",
                         file=file, field="request.simulate",
                         allowed="the manifest westdev wrote")
    if given is not None:
        if simulate_name(given) != named:
            raise InputError(f"the manifest's run function is {named!r}, but "
                             f"{simulate_name(given)!r} was given", file=file,
                             field="request.simulate", allowed=f"{named!r} (the same function)")
        return given
    if named == DEFAULT_SIMULATE or _OWN_SIMULATE.match(named):
        return named
    raise InputError(f"the manifest names the run function {named!r}; westdev does not import "
                     "code named by a data file", file=file, field="request.simulate",
                     allowed="westdev's own run function; for another, name it yourself: "
                     "westdev rerun --simulate NAME (an entry point of group "
                     "'westdev.simulate' registered by an installed package), or "
                     "westdev.api.rerun(..., simulate=the_function) in Python")


def _as_dict(value: Any, file: str, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"'{field}' has the wrong shape ({type(value).__name__})", file=file,
                         field=field, allowed="the manifest westdev wrote")
    return value


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
              root_seed: int | None = None, resolution: str | None = None,
              max_runs: int | None = None) -> tuple[list[RunTask], dict[str, Any], int]:
    """The run tasks, the canonical request and the root seed of a run or comparison.

    Compared scenarios must simulate the same years (as in experiments); more than
    `max_runs` runs (default `MAX_RUNS`) are refused before any task is made."""
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    names = [s.name for s in loaded]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(f"two scenarios are named {name!r}", field="meta.name",
                             allowed="distinct scenario names in one comparison")
        seen.add(name)
    first = loaded[0].run if loaded else None
    for s in loaded[1:]:
        if (s.run.start_year, s.run.end_year) != (first.start_year, first.end_year):
            raise InputError(f"{s.name} simulates {s.run.start_year}-{s.run.end_year}, "
                             f"{loaded[0].name} {first.start_year}-{first.end_year}",
                             file=s.source, field="run.end_year",
                             allowed="compared scenarios with the same years (set [run] "
                             "start_year and end_year)")
    _check_int(replicates, "replicates", 1, None)
    _check_int(root_seed, "root_seed", 0, MAX_SEED)
    if resolution is not None and resolution not in RESOLUTIONS:
        raise InputError(f"unknown resolution {resolution!r}", field="resolution",
                         allowed=" | ".join(RESOLUTIONS))
    n_rep = replicates if replicates is not None else max(s.run.replicates for s in loaded)
    check_run_count(n_rep * len(loaded), max_runs, field="replicates")
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
