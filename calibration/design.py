"""Running the back-cast at many parameter points and turning the runs into moments.

Every calibration step (screening, estimation waves, verification, validation) is a list of
parameter points; each point runs the history scenario (`history_2000_2019`) and its
counterfactual without the western programme (`history_no_western_development`) with the same
seeds, so the programme's growth premium is a moment like any other. Seeds depend only on the
replicate number (common random numbers across points), which makes differences between points
differences of parameters, not of luck. Runs go through the one batch runner into a results
store (kind "calibration"), so a long calibration resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from westdev.calibration.moments import Recipe, Table, compute_all
from westdev.experiments.runner import RunTask, run_batch
from westdev.experiments.seeds import run_seed
from westdev.experiments.store import ResultsStore
from westdev.inputs.scenario import Scenario, load_scenario

HISTORY = "history_2000_2019"
COUNTERFACTUAL = "history_no_western_development"
# what the moments read; the calibration runs keep only these rows
INDICATORS = ("gdp_100m_yuan", "population_10k", "gdp_per_capita_yuan",
              "disposable_income_per_capita_yuan", "secondary_share", "tertiary_share",
              "net_central_support_100m_yuan", "network_km_per_100km2", "firm_entries",
              "employment_10k", "investment_rate")
ROOT_SEED = 20000101


def simulate_history(scenario: Scenario, parameters=None, seed: int = 0, *,
                     resolution: str | None = None) -> pd.DataFrame:
    """`westdev.economy.simulate.simulate`, keeping only the rows the moments read (smaller stores)."""
    from westdev.economy.simulate import simulate  # Mesa: loaded in the worker that runs

    out = simulate(scenario, parameters, seed, resolution=resolution)
    return out[out["indicator"].isin(INDICATORS)].reset_index(drop=True)


SIMULATE = "westdev.calibration.design:simulate_history"


def design_point(point: Mapping[str, float]) -> dict[str, float]:
    """A calibration point as the runner's design point: register names become
    ``parameters.<name>``; ``exogenous.<driver>.scale`` scales a history path."""
    return {(k if k.startswith("exogenous.") else f"parameters.{k}"): float(v)
            for k, v in point.items()}


def tasks_for(points: Sequence[Mapping[str, float]], *, replicates: int, resolution: str,
              scenarios: Sequence[str | Scenario] = (HISTORY, COUNTERFACTUAL),
              root_seed: int = ROOT_SEED) -> list[RunTask]:
    """Run tasks: every point × replicate × scenario, seeds shared across points."""
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    tasks = []
    for i, point in enumerate(points):
        design = design_point(point)
        for r in range(replicates):
            seed = run_seed(root_seed, {}, r)
            for j, scenario in enumerate(loaded):
                tasks.append(RunTask(f"p{i:05d}-r{r:02d}-s{j}", scenario, r, seed,
                                     resolution, design_point=design, point=i))
    return tasks


def run_points(points: Sequence[Mapping[str, float]], out: str | Path, *, replicates: int,
               resolution: str = "small", backend: str = "processes", workers: int | None = None,
               progress: bool = False, label: str = "calibration",
               scenarios: Sequence[str | Scenario] = (HISTORY, COUNTERFACTUAL)) -> Path:
    """Run every point into the store at `out` (resumable); returns the store path."""
    tasks = tasks_for(points, replicates=replicates, resolution=resolution, scenarios=scenarios)
    request = {"label": label, "replicates": replicates, "resolution": resolution,
               "scenarios": [s if isinstance(s, str) else s.name for s in scenarios],
               "points": [{k: float(v) for k, v in p.items()} for p in points]}
    run_batch(tasks, out, backend=backend, workers=workers, progress=progress,
              kind="calibration", request=request, root_seed=ROOT_SEED, simulate=SIMULATE)
    return Path(out)


def moments_of_store(store: str | Path, recipes: Mapping[str, Recipe]) -> pd.DataFrame:
    """Moments of every run pair in a calibration store.

    Returns one row per (point, replicate) with the moments as columns; a pair with a failed
    run is left out (its point keeps its other replicates)."""
    rows = []
    for df in _point_batches(ResultsStore(store)):  # memory: a batch of points, not the store
        runs = {str(run_id): frame.drop(columns="run_id")
                for run_id, frame in df.groupby("run_id", sort=True, observed=True)}
        for run_id, frame in runs.items():
            if not run_id.endswith("-s0"):
                continue
            pair = runs.get(run_id[:-1] + "1")
            point = int(run_id.split("-")[0][1:])
            replicate = int(run_id.split("-")[1][1:])
            rows.append({"point": point, "replicate": replicate,
                         **compute_all(recipes, Table(frame),
                                       pair=Table(pair) if pair is not None else None)})
    return pd.DataFrame(rows)


def _point_batches(store: ResultsStore, points: int = 100) -> Iterator[pd.DataFrame]:
    """The results of the store's successful runs, `points` design points at a time (a
    point's runs together, so that each run meets its pair)."""
    runs = store.runs
    ids = runs.loc[runs["status"] == "ok", "run_id"].astype(str)
    by_point: dict[str, list[str]] = {}
    for run_id in ids:
        by_point.setdefault(run_id.split("-")[0], []).append(run_id)
    keys = sorted(by_point)
    for i in range(0, len(keys), points):
        batch = [r for k in keys[i:i + points] for r in by_point[k]]
        yield store.select(runs=batch)


def point_means(moments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean and variance over replicates of each point's moments (index: point)."""
    cols = [c for c in moments.columns if c not in ("point", "replicate")]
    grouped = moments.groupby("point")[cols]
    return grouped.mean(), grouped.var(ddof=1).fillna(0.0)
