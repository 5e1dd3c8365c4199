"""Morris screening: which candidate parameters move which moments (SALib's elementary effects).

Each trajectory changes one parameter at a time across its range; the mean absolute elementary
effect μ* of parameter j on moment m, divided by the moment's tolerance, says by how many
tolerances the parameter can move the moment. The calibration estimates the parameters that move
some fitted moment by at least `threshold` tolerances (at most `max_parameters`, the strongest
first); the rest keep their register values. The effects table is part of the fit report: it
shows which moments identify which parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from westdev.calibration.design import moments_of_store, point_means, run_points
from westdev.calibration.targets import Target
from westdev.inputs.parameters import load_register


@dataclass(frozen=True)
class Screening:
    """Effects (parameters × moments, μ* in tolerances), the selection and the run count."""

    effects: pd.DataFrame
    sigma: pd.DataFrame
    selected: tuple[str, ...]
    runs: int
    failed_points: int


def bounds_of(names: Sequence[str], scales: Mapping[str, tuple[float, float]]) -> list[list[float]]:
    """[low, high] of each name: the register's range, or a history scale's range."""
    register = load_register()
    return [list(scales[n]) if n in scales else [register[n].low, register[n].high]
            for n in names]


def screen(targets: Mapping[str, Target], candidates: Sequence[str],
           scales: Mapping[str, tuple[float, float]], out: str | Path, *, trajectories: int = 8,
           levels: int = 4, replicates: int = 1, resolution: str = "small",
           threshold: float = 0.5, max_parameters: int = 12, seed: int = 2000,
           backend: str = "processes", workers: int | None = None,
           progress: bool = False) -> Screening:
    """Run the Morris design and rank the candidates by their largest scaled effect."""
    names = list(candidates) + list(scales)
    problem = {"num_vars": len(names), "names": names, "bounds": bounds_of(names, scales)}
    x = morris_sample.sample(problem, N=trajectories, num_levels=levels, seed=seed)
    points = [dict(zip(names, row, strict=True)) for row in x]
    store = run_points(points, out, replicates=replicates, resolution=resolution,
                       backend=backend, workers=workers, progress=progress, label="screening")
    recipes = {n: t.recipe for n, t in targets.items()}
    means, _ = point_means(moments_of_store(store, recipes))
    means = means.reindex(range(len(points)))
    failed = int(means.isna().any(axis=1).sum())
    # a failed run leaves a hole in a trajectory; the column mean keeps SALib's arithmetic
    # defined and biases that trajectory's effects towards zero (reported as failed_points)
    means = means.fillna(means.mean())
    effects, sigma = {}, {}
    for m, t in targets.items():
        res = morris_analyze.analyze(problem, x, means[m].to_numpy(), num_levels=levels,
                                     print_to_console=False)
        effects[m] = np.asarray(res["mu_star"]) / t.tolerance
        sigma[m] = np.asarray(res["sigma"]) / t.tolerance
    eff = pd.DataFrame(effects, index=names)
    sig = pd.DataFrame(sigma, index=names)
    strongest = eff.max(axis=1).sort_values(ascending=False)
    chosen = tuple(strongest[strongest >= threshold].index[:max_parameters])
    runs = len(points) * replicates * 2
    return Screening(eff, sig, chosen, runs, failed)
