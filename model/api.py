"""The Python API for notebooks and scripts: run a scenario, compare scenarios.

>>> import westdev.api as wd
>>> store = wd.compare(["baseline", "no_policy"], replicates=10, resolution="small")
>>> store.results.query("area == 'West' and indicator == 'west_east_ratio_income'")

Both functions build run tasks, hand them to the runner and return the `ResultsStore`. Every
replicate r of every scenario gets the same seed, ``run_seed(root_seed, {}, r)``: scenarios are
compared with common random numbers, and the baseline of a comparison is the baseline of a plain
``run`` with the same root seed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from westdev.errors import InputError
from westdev.resolution import RESOLUTIONS
from westdev.runner import DEFAULT_SIMULATE, RunTask, get_backend, run_batch, simulate_name
from westdev.scenario import MAX_SEED, Scenario, load_scenario
from westdev.seeds import run_seed
from westdev.store import ResultsStore

ScenarioLike = Scenario | str | Path


def run(scenario: ScenarioLike, *, replicates: int | None = None, root_seed: int | None = None,
        resolution: str | None = None, out: str | Path | None = None,
        backend: str = "processes", workers: int | None = None, overwrite: bool = False,
        progress: bool = True, simulate: str | Callable = DEFAULT_SIMULATE) -> ResultsStore:
    """Run one scenario (a `Scenario`, a file path or a shipped name) with its replicates.

    Options left at None take the scenario's ``[run]`` settings. `out` is the store directory
    (default: a new temporary directory); an existing store resumes if the request matches.
    """
    return _batch([scenario], kind="run", replicates=replicates, root_seed=root_seed,
                  resolution=resolution, out=out, backend=backend, workers=workers,
                  overwrite=overwrite, progress=progress, simulate=simulate)


def compare(scenarios: Sequence[ScenarioLike], *, replicates: int | None = None,
            root_seed: int | None = None, resolution: str | None = None,
            out: str | Path | None = None, backend: str = "processes",
            workers: int | None = None, overwrite: bool = False, progress: bool = True,
            simulate: str | Callable = DEFAULT_SIMULATE) -> ResultsStore:
    """Run several scenarios into one store, with common random numbers.

    Without options: the largest ``replicates`` of the scenarios, the first scenario's root
    seed, and each scenario's own resolution. Scenario names must differ.
    """
    if isinstance(scenarios, str | Path | Scenario) or not scenarios:
        raise InputError("compare needs a list of scenarios", field="scenarios",
                         allowed="one or more scenario files or shipped names")
    return _batch(list(scenarios), kind="compare", replicates=replicates, root_seed=root_seed,
                  resolution=resolution, out=out, backend=backend, workers=workers,
                  overwrite=overwrite, progress=progress, simulate=simulate)


def plan(scenarios: Sequence[ScenarioLike], *, replicates: int | None = None,
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
                       "content": _content(s)} for s in loaded],
        "replicates": n_rep,
        "root_seed": seed0,
        "seed_rule": "run_seed(root_seed, {}, replicate)",
    }
    return tasks, request, seed0


def _batch(scenarios: list[ScenarioLike], *, kind: str, replicates: int | None,
           root_seed: int | None, resolution: str | None, out: str | Path | None,
           backend: str, workers: int | None, overwrite: bool, progress: bool,
           simulate: str | Callable) -> ResultsStore:
    tasks, request, seed0 = plan(scenarios, replicates=replicates, root_seed=root_seed,
                                 resolution=resolution)
    get_backend(backend, workers)  # check before anything is created
    if simulate != DEFAULT_SIMULATE:
        request["simulate"] = simulate_name(simulate)
    if out is None:
        out = tempfile.mkdtemp(prefix=f"westdev-{kind}-")
    return run_batch(tasks, out, backend=backend, workers=workers, progress=progress, kind=kind,
                     request=request, root_seed=seed0, overwrite=overwrite, simulate=simulate)


def _content(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario, so that a mismatch on resume names the field that changed."""
    content = scenario.to_dict(canonical=True)
    del content["meta"]
    return content


def _check_int(value: Any, field: str, low: int, high: int | None) -> None:
    if value is None:
        return
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not ok or (high is not None and value > high):
        allowed = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"
        raise InputError(f"{value!r} is not allowed", field=field, allowed=allowed)
