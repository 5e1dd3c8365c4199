"""The Python API for notebooks and scripts: run and compare scenarios, run experiments
(sweeps, ensembles, sensitivity designs, package decompositions) and repeat a stored batch.

>>> import westdev.api as wd
>>> store = wd.compare(["baseline", "no_policy"], replicates=10, resolution="small")
>>> store.results.query("area == 'West' and indicator == 'west_east_ratio_income'")
>>> ens = wd.sweep("ensemble_baseline", out="results/ens")      # any experiment file or name
>>> sa = wd.sensitivity("morris_levers", out="results/morris")  # runs, then SALib indices
>>> sa.indices.query("index == 'mu_star' and year == 2035")
>>> best = wd.optimise("cheapest_income", out="results/ci")    # policy search (issue 16)
>>> boxes = wd.discover("results/ens", "West:west_east_ratio_income@2035 < 0.75").boxes

The names a script needs come from here: `load_scenario` and `shipped_scenarios` (scenario
files), `simulate` (one run in this process, a tidy DataFrame), `ResultsStore` (reopen a saved
store), besides the batch functions below. What a store says is in `westdev.analysis`
(summaries, sensitivity indices, the report); figures in `westdev.charts`. Policy design —
`discover` (which inputs lead to a condition: PRIM and CART) and `optimise` (the cheapest mix
under a chance constraint, or a Pareto frontier) — is `westdev.design`.

`run` and `compare` build run tasks, hand them to the runner and return the `ResultsStore`.
Every replicate r of every scenario gets the same seed, ``run_seed(root_seed, {}, r)``:
scenarios are compared with common random numbers, and the baseline of a comparison is the
baseline of a plain ``run`` with the same root seed (`westdev.experiments.execute.plan_runs`,
re-exported here as `plan`). Experiment files are read by `westdev.experiments.spec`.
Every function takes ``backend`` ("processes", the default, "serial" or "dask"), ``workers``
and, for dask, ``scheduler`` (an address; default a LocalCluster).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from westdev.analysis import sensitivity as sa
from westdev.analysis.discovery import Discovery
from westdev.design.discover import discover as _discover
from westdev.design.search import OptimiseResult
from westdev.design.search import optimise as _optimise
from westdev.errors import InputError
from westdev.experiments.execute import plan_runs as plan
from westdev.experiments.execute import rerun as _rerun
from westdev.experiments.execute import run_experiment
from westdev.experiments.experiment import Experiment
from westdev.experiments.runner import (
    DEFAULT_SIMULATE,
    check_run_count,
    get_backend,
    run_batch,
    simulate_name,
)
from westdev.experiments.spec import experiment_from_dict, load_experiment
from westdev.experiments.store import ResultsStore
from westdev.inputs.scenario import Scenario, load_scenario, shipped_scenarios

__all__ = ["ResultsStore", "compare", "decompose", "discover", "experiment", "load_scenario",
           "optimise", "plan", "rerun", "run", "sensitivity", "shipped_scenarios", "simulate",
           "sweep"]


def simulate(scenario: Scenario | str | Path, parameters: Any = None, seed: int = 0, *,
             resolution: str | None = None) -> Any:
    """One run in this process: `westdev.economy.simulate.simulate` (a tidy DataFrame of
    year, area, indicator, value). `scenario` may be a shipped name or a file path."""
    # Mesa and the economy load only when a run happens here (a batch's parent never needs them)
    from westdev.economy.simulate import simulate as run_one

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return run_one(scenario, parameters, seed, resolution=resolution)

ScenarioLike = Scenario | str | Path


def run(scenario: ScenarioLike, *, replicates: int | None = None, root_seed: int | None = None,
        resolution: str | None = None, out: str | Path | None = None,
        backend: str = "processes", workers: int | None = None, overwrite: bool = False,
        progress: bool = True, simulate: str | Callable = DEFAULT_SIMULATE,
        scheduler: str | None = None, max_runs: int | None = None) -> ResultsStore:
    """Run one scenario (a `Scenario`, a file path or a shipped name) with its replicates.

    Options left at None take the scenario's ``[run]`` settings. `out` is the store directory
    (default: a new temporary directory); an existing store resumes if the request matches.
    Every run records everything (all indicators, areas and years). More than `max_runs`
    runs (default 10^7) are refused before any is planned.
    """
    return _batch([scenario], kind="run", replicates=replicates, root_seed=root_seed,
                  resolution=resolution, out=out, backend=backend, workers=workers,
                  overwrite=overwrite, progress=progress, simulate=simulate,
                  scheduler=scheduler, max_runs=max_runs)


def compare(scenarios: Sequence[ScenarioLike], *, replicates: int | None = None,
            root_seed: int | None = None, resolution: str | None = None,
            out: str | Path | None = None, backend: str = "processes",
            workers: int | None = None, overwrite: bool = False, progress: bool = True,
            simulate: str | Callable = DEFAULT_SIMULATE,
            scheduler: str | None = None, max_runs: int | None = None) -> ResultsStore:
    """Run several scenarios into one store, with common random numbers.

    Without options: the largest ``replicates`` of the scenarios, the first scenario's root
    seed, and each scenario's own resolution. Scenario names must differ and simulate the
    same years. Every run records everything.
    """
    if isinstance(scenarios, str | Path | Scenario) or not scenarios:
        raise InputError("compare needs a list of scenarios", field="scenarios",
                         allowed="one or more scenario files or shipped names")
    return _batch(list(scenarios), kind="compare", replicates=replicates, root_seed=root_seed,
                  resolution=resolution, out=out, backend=backend, workers=workers,
                  overwrite=overwrite, progress=progress, simulate=simulate,
                  scheduler=scheduler, max_runs=max_runs)


# ---------------------------------------------------------------------- plain scripts (issue 20)
GUARD_HINT = ("westdev: error: a batch with worker processes was started at the top level of "
              "{script} (line {line}). Worker processes re-run this file, so put the batch "
              "under a main guard — add `if __name__ == \"__main__\":` above it and indent "
              "it — or pass backend=\"serial\".")


def require_main_guard(backend: str, scheduler: str | None = None) -> None:
    """Stop at once, with one line saying what to add, when a batch that starts worker
    processes is called from the top level of a script without ``if __name__ ==
    "__main__":`` — the spawned workers would re-run the script and fail with pages of
    ``BrokenProcessPool`` tracebacks. Notebooks, ``python -c`` and guarded scripts pass."""
    import ast
    import sys

    if backend == "serial" or (backend == "dask" and scheduler):
        return
    main = sys.modules.get("__main__")
    file = getattr(main, "__file__", None)
    if main is None or not file or not str(file).endswith(".py"):
        return
    frame = sys._getframe(1)
    while frame is not None and not (frame.f_globals is vars(main)
                                     and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:
        return  # called from a function the script did not call at its top level
    line = frame.f_lineno
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test) and \
                node.body[0].lineno <= line <= (node.body[-1].end_lineno or line):
            return
    raise SystemExit(GUARD_HINT.format(script=Path(file).name, line=line))


def _is_main_test(test: Any) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    import ast

    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _batch(scenarios: list[ScenarioLike], *, kind: str, replicates: int | None,
           root_seed: int | None, resolution: str | None, out: str | Path | None,
           backend: str, workers: int | None, overwrite: bool, progress: bool,
           simulate: str | Callable, scheduler: str | None = None,
           max_runs: int | None = None) -> ResultsStore:
    require_main_guard(backend, scheduler)
    tasks, request, seed0 = plan(scenarios, replicates=replicates, root_seed=root_seed,
                                 resolution=resolution, max_runs=max_runs)
    get_backend(backend, workers, scheduler)  # check before anything is created
    if simulate != DEFAULT_SIMULATE:
        request["simulate"] = simulate_name(simulate)
    if out is None:
        out = tempfile.mkdtemp(prefix=f"westdev-{kind}-")
    return run_batch(tasks, out, backend=backend, workers=workers, progress=progress, kind=kind,
                     request=request, root_seed=seed0, overwrite=overwrite, simulate=simulate,
                     scheduler=scheduler, max_runs=max_runs)


# ---------------------------------------------------------------------- experiments
ExperimentLike = Any  # an Experiment, a file path, a shipped experiment name or a dict


def experiment(spec: ExperimentLike) -> Experiment:
    """A checked `Experiment` from a file path, a shipped name ("smoke") or a dict in the
    experiment-file layout (scenarios may be given as `Scenario` objects)."""
    if isinstance(spec, Experiment):
        return spec
    if isinstance(spec, Mapping):
        return experiment_from_dict(spec, file="<dict>")
    return load_experiment(spec)


def sweep(spec: ExperimentLike, *, out: str | Path | None = None, backend: str = "processes",
          workers: int | None = None, scheduler: str | None = None, overwrite: bool = False,
          progress: bool = True, simulate: str | Callable = DEFAULT_SIMULATE,
          max_runs: int | None = None) -> ResultsStore:
    """Run any experiment (sweep, ensemble, sensitivity design, decomposition) into a store.

    `out` defaults to a new temporary directory; an existing store with the same request
    resumes (finished runs are kept), one with another request is an `InputError`. Runs
    record what the experiment's ``[outputs] record`` says (by default what analyses and
    reports read). More than `max_runs` runs (default 10^7) are refused before any is planned.
    """
    require_main_guard(backend, scheduler)
    exp = experiment(spec)
    get_backend(backend, workers, scheduler)
    check_run_count(exp.n_runs, max_runs, file=exp.source, field="run")
    if out is None:
        out = tempfile.mkdtemp(prefix=f"westdev-{exp.kind}-")
    return run_experiment(exp, out, backend=backend, workers=workers, scheduler=scheduler,
                          overwrite=overwrite, progress=progress, simulate=simulate,
                          max_runs=max_runs)


class SensitivityResult(NamedTuple):
    """What `sensitivity` returns: the store, the indices and the seed-noise shares."""

    store: ResultsStore
    indices: Any  # DataFrame: method, outcome, year, factor, factor2, index, value, conf, note
    noise: Any  # DataFrame: outcome, year, points, replicates, within_var, total_var, ...


def sensitivity(spec: ExperimentLike, *, out: str | Path | None = None,
                backend: str = "processes", workers: int | None = None,
                scheduler: str | None = None, overwrite: bool = False, progress: bool = True,
                simulate: str | Callable = DEFAULT_SIMULATE,
                num_resamples: int = 100, conf_level: float = 0.95,
                max_runs: int | None = None) -> SensitivityResult:
    """Run a Sobol' or Morris experiment (resuming a matching store) and analyse it.

    Writes ``sensitivity.parquet``, ``sensitivity.csv`` and ``noise_share.csv`` into the store.
    """
    exp = experiment(spec)
    if exp.design not in ("sobol", "morris"):
        raise InputError(f"{exp.name} is a {exp.kind} experiment ({exp.design} design)",
                         file=exp.source, field="sample.method",
                         allowed="an experiment with [sample] method = 'sobol' or 'morris'")
    store = sweep(exp, out=out, backend=backend, workers=workers, scheduler=scheduler,
                  overwrite=overwrite, progress=progress, simulate=simulate, max_runs=max_runs)
    indices = sa.analyse(store, exp, num_resamples=num_resamples, conf_level=conf_level)
    noise = sa.noise_share(store, exp)
    sa.write_analysis(store, indices, noise)
    return SensitivityResult(store, indices, noise)


def decompose(package: ScenarioLike, base: ScenarioLike = "baseline", *,
              levers: Sequence[str] | None = None, method: str = "both",
              permutations: int = 100, replicates: int = 1, root_seed: int | None = None,
              resolution: str | None = None, end_year: int | None = None,
              outcomes: Sequence[str] | None = None, out: str | Path | None = None,
              backend: str = "processes", workers: int | None = None,
              scheduler: str | None = None, overwrite: bool = False, progress: bool = True,
              simulate: str | Callable = DEFAULT_SIMULATE) -> ResultsStore:
    """Run the lever subsets that split `package`'s effect and cost (vs `base`) between its
    levers; analyse with `westdev.analysis.summaries.split_effects(store)`.

    `levers` defaults to every lever whose value differs between the two; `method` is "oat"
    (each lever alone and each lever left out), "shapley" (all subsets up to 10 levers, else
    prefixes of `permutations` sampled orderings) or "both". All subsets share seeds (common
    random numbers).
    """
    base_s = base if isinstance(base, Scenario) else load_scenario(base)
    pkg = package if isinstance(package, Scenario) else load_scenario(package)
    run_table: dict[str, Any] = {"replicates": replicates}
    if root_seed is not None:
        run_table["root_seed"] = root_seed
    if resolution is not None:
        run_table["resolution"] = resolution
    if end_year is not None:
        run_table["end_year"] = end_year
    spec: dict[str, Any] = {
        "experiment": {"name": f"{pkg.name}-split", "scenario": base_s,
                       "description": f"split of {pkg.name} vs {base_s.name} between levers"},
        "run": run_table,
        "decomposition": {"package": pkg, "method": method, "permutations": permutations},
    }
    if levers is not None:
        spec["decomposition"]["levers"] = list(levers)
    if outcomes is not None:
        spec["outputs"] = {"outcomes": list(outcomes)}
    return sweep(spec, out=out, backend=backend, workers=workers, scheduler=scheduler,
                 overwrite=overwrite, progress=progress, simulate=simulate)


def rerun(manifest: str | Path, *, out: str | Path | None = None, backend: str = "processes",
          workers: int | None = None, scheduler: str | None = None, overwrite: bool = False,
          progress: bool = True, simulate: str | Callable | None = None,
          max_runs: int | None = None) -> ResultsStore:
    """Repeat a stored batch from its manifest (see `westdev.experiments.execute.rerun`).

    The manifest is data: a run function other than westdev's own is used only when given
    here as `simulate` (and it must be the one the manifest names)."""
    require_main_guard(backend, scheduler)
    return _rerun(manifest, out, backend=backend, workers=workers, scheduler=scheduler,
                  overwrite=overwrite, progress=progress, simulate=simulate, max_runs=max_runs)


# ---------------------------------------------------------------------- policy design (issue 16)
def discover(store: ResultsStore | str | Path, condition: str | None = None, *,
             out: str | Path | None = None, holdout: ResultsStore | str | Path | None = None,
             inputs: Sequence[str] | None = None, threshold: float = 0.8, max_boxes: int = 3,
             resamples: int = 20, seed: int = 0) -> Discovery:
    """Scenario discovery on any store: PRIM boxes (and a CART tree) over the levers,
    parameters and exogenous factors that vary in it, for `condition` on the outcomes
    (default ``"goal_missed"``; e.g. ``"West:west_east_ratio_income@2035 < 0.75"``).

    Returns a `Discovery`: ``.boxes`` (one row per box and input: limits, coverage, density,
    mass, restricted, quasi-p-value, reproducibility, and with `holdout` the coverage and
    density on that second store), ``.trajectory``, ``.tree`` (CART leaves), ``.data``. With
    `out`, writes ``boxes.csv``, the charts and ``report.md`` there (`westdev discover`).
    """
    return _discover(store, out=out, condition=condition, holdout=holdout, inputs=inputs,
                     threshold=threshold, max_boxes=max_boxes, resamples=resamples, seed=seed)


def optimise(spec: Any, *, out: str | Path | None = None, quick: bool = False,
             backend: str = "processes", workers: int | None = None,
             scheduler: str | None = None, overwrite: bool = False, progress: bool = True,
             simulate: str | Callable = DEFAULT_SIMULATE, verbose: bool = True) -> OptimiseResult:
    """A policy search: a policy search file (``scenarios/policy/``; a path, a shipped name
    such as ``"cheapest_income"`` or a dict in the file's layout) run into `out` (default: a
    new temporary directory; an existing one with the same request resumes).

    Returns an `OptimiseResult`: ``.recommended`` (the searched levers' recommended values
    with their ranges, 2019 and guideline values), ``.frontier`` (every mix the model ran on
    the search draws), ``.verification`` (the fresh-draw check), ``.robustness`` (regret and
    satisficing), ``.emulators``, ``.summary`` and ``.files`` (``best.toml``, ``frontier.csv``,
    charts, ``report.md``). `quick` uses the file's ``[quick]`` sizes.
    """
    if out is None:
        out = tempfile.mkdtemp(prefix="westdev-optimise-")
    return _optimise(spec, out, quick=quick, backend=backend, workers=workers,
                     scheduler=scheduler, overwrite=overwrite, progress=progress,
                     simulate=simulate, echo=print if verbose else None)
