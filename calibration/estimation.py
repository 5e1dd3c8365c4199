"""Estimation: history matching in waves with an emulator, then the simulated method of moments.

1. Wave 1 runs a Latin hypercube over the selected parameters' ranges (each point: the history
   and its counterfactual, `replicates` seeds shared by all points).
2. A quadratic emulator of every moment is fitted to the point means (`emulator.py`).
3. The SMM objective J(θ) = Σ_m w_m ((ŷ_m(θ) − z_m) / τ_m)² (τ: tolerance) plus a weak
   prior penalty P(θ) = Σ_k ((θ_k − θ⁰_k) / σ_k)², centred on the register value θ⁰ with
   σ = a quarter of the register's plausible range (the range is ±2σ; history scales have no
   prior), is minimised on the emulator from the best of many random starts. The prior is what
   the register's ranges already say; it keeps weakly identified parameters from running to the
   edge of their range to absorb a misfit the model cannot remove (a penalised, Laplace-type
   SMM estimator).
4. The plausible region is the set of θ with J + P ≤ min(J + P) + χ²_k(0.90): the
   likelihood-ratio confidence set when each miss is a normal error with s.d. τ. Wave 2 runs
   new points drawn from it, the emulator is refitted on all points, and steps 3–4 are repeated.
5. θ̂ is verified by running the model itself (`verify_replicates` seeds): the fit table shows
   simulated, not emulated, moments. Standard errors come from the SMM sandwich with W = Ω⁻¹,
   Ω = diag(τ²), and the prior's precision Π: Cov(θ̂) = (1 + 1/R)(GᵀWG + Π)⁻¹ with G the
   emulator's Jacobian at θ̂.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import chi2, qmc

from westdev.calibration.design import moments_of_store, point_means, run_points
from westdev.calibration.emulator import QuadraticEmulator
from westdev.calibration.targets import Target
from westdev.inputs.parameters import load_register

CONFIDENCE = 0.90
# design points whose simulated moments miss some target by more than this many tolerances are
# ruled out by the simulator itself (history matching's wave-1 cut) and do not shape the
# emulator, which only needs to be accurate where the fit can be
RULED_OUT = 10.0
# prior s.d. of a register parameter, as a share of its plausible range (range = ±2 s.d.)
PRIOR_SD_UNIT = 0.25


@dataclass
class Fit:
    """The result of one estimation."""

    names: list[str]
    bounds: np.ndarray  # (k, 2)
    theta: dict[str, float]
    se: dict[str, float]
    plausible: dict[str, tuple[float, float]]
    sample: pd.DataFrame  # draws from the plausible region (columns: names)
    objective: float  # J at θ̂, from the verification runs
    objective_emulated: float
    table: pd.DataFrame  # per moment: observed, tolerance, simulated, sd, miss in tolerances
    emulator_r2: pd.Series
    runs: int
    wall_s: float
    design_points: int
    waves: int
    details: dict = field(default_factory=dict)


def _to_unit(theta: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return (theta - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])


def _from_unit(u: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return bounds[:, 0] + np.asarray(u) * (bounds[:, 1] - bounds[:, 0])


def objective(sim: np.ndarray, observed: np.ndarray, tol: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """J for rows of simulated moments (n × m) → (n,)."""
    return (weight * ((np.atleast_2d(sim) - observed) / tol) ** 2).sum(axis=1)


class Criterion:
    """J + P on the emulator at unit-cube points (see the module docstring)."""

    def __init__(self, em: QuadraticEmulator, observed: np.ndarray, tol: np.ndarray,
                 weight: np.ndarray, centre: np.ndarray | None = None,
                 prior_sd: np.ndarray | None = None) -> None:
        self.em, self.observed, self.tol, self.weight = em, observed, tol, weight
        self.centre, self.prior_sd = centre, prior_sd

    def data(self, u: np.ndarray) -> np.ndarray:
        return objective(self.em.predict(np.atleast_2d(u)), self.observed, self.tol, self.weight)

    def prior(self, u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        if self.centre is None:
            return np.zeros(len(u))
        z = (u - self.centre) / self.prior_sd  # inf sd: no prior on that coordinate
        return (z**2).sum(axis=1)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        return self.data(u) + self.prior(u)


def _minimise(crit, k: int, rng: np.random.Generator,
              pool: int) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Best unit point of the criterion; also the random pool and its values."""
    u_pool = rng.random((pool, k))
    j_pool = crit(u_pool)
    best_u, best_j = None, np.inf
    for start in u_pool[np.argsort(j_pool)[:8]]:
        res = minimize(lambda u: float(crit(u[None])[0]), start, method="L-BFGS-B",
                       bounds=[(0.0, 1.0)] * k)
        if res.fun < best_j:
            best_u, best_j = res.x, float(res.fun)
    return best_u, best_j, u_pool, j_pool


def _plausible_draws(crit, best_u, best_j, k, rng, n: int, pool: int) -> np.ndarray:
    """Unit points with crit ≤ min + χ²_k(CONFIDENCE): uniform pool, then a box around θ̂."""
    cut = best_j + chi2.ppf(CONFIDENCE, k)
    u = rng.random((pool, k))
    keep = u[crit(u) <= cut]
    width = 0.5
    while len(keep) < n and width > 1e-3:
        local = np.clip(best_u + width * (rng.random((pool, k)) - 0.5), 0.0, 1.0)
        inside = local[crit(local) <= cut]
        keep = np.vstack([keep, inside])
        width /= 2.0
    if len(keep) == 0:
        keep = best_u[None]
    return keep[rng.permutation(len(keep))[:n]]


def estimate(targets: Mapping[str, Target], names: Sequence[str],
             bounds: Sequence[Sequence[float]], out: str | Path, *, design_points: int = 256,
             wave2_points: int = 128, replicates: int = 2, verify_replicates: int = 8,
             resolution: str = "small", seed: int = 2019, backend: str = "processes",
             workers: int | None = None, progress: bool = False, pool: int = 20_000,
             sample_size: int = 200, stores: Sequence[Path] = ()) -> Fit:
    """Fit `names` to `targets` (see the module docstring). `stores` are earlier design stores
    (e.g. another fit's waves) whose points are reused for the emulator."""
    start = time.perf_counter()
    out = Path(out)
    names = list(names)
    k = len(names)
    b = np.asarray(bounds, dtype=float)
    tnames = list(targets)
    observed = np.array([targets[m].value for m in tnames])
    tol = np.array([targets[m].tolerance for m in tnames])
    weight = np.array([targets[m].weight for m in tnames])
    recipes = {m: targets[m].recipe for m in tnames}
    rng = np.random.default_rng(seed)
    runs = 0
    ruled_out: list[int] = []

    def run_wave(u: np.ndarray, label: str) -> Path:
        nonlocal runs
        points = [dict(zip(names, _from_unit(row, b), strict=True)) for row in u]
        runs += len(points) * replicates * 2
        return run_points(points, out / label, replicates=replicates, resolution=resolution,
                          backend=backend, workers=workers, progress=progress, label=label)

    # the weak prior: register value ± a quarter of the range (history scales: none)
    register = load_register()
    centre = np.array([_to_unit(np.array([register[n].value]), b[i:i + 1])[0]
                       if n in register else 0.5 for i, n in enumerate(names)])
    prior_sd = np.array([PRIOR_SD_UNIT if n in register else np.inf for n in names])
    sampler = qmc.LatinHypercube(d=k, seed=seed)
    paths = list(stores)
    if design_points > 0:
        paths.append(run_wave(sampler.random(design_points), "wave1"))
    u, y = _design_data(paths, recipes, names, b, observed, tol, ruled_out)
    em = QuadraticEmulator().fit(u, y)
    crit = Criterion(em, observed, tol, weight, centre, prior_sd)
    best_u, best_j, _, _ = _minimise(crit, k, rng, pool)
    waves = 1
    if wave2_points > 0:
        draws = _plausible_draws(crit, best_u, best_j, k, rng, wave2_points, pool)
        paths.append(run_wave(draws, "wave2"))
        u, y = _design_data(paths, recipes, names, b, observed, tol, ruled_out)
        em = QuadraticEmulator().fit(u, y)
        crit = Criterion(em, observed, tol, weight, centre, prior_sd)
        best_u, best_j, _, _ = _minimise(crit, k, rng, pool)
        waves = 2

    theta = _from_unit(best_u, b)
    # verification: the model itself at θ̂
    verify = run_points([dict(zip(names, theta, strict=True))], out / "verify",
                        replicates=verify_replicates, resolution=resolution, backend=backend,
                        workers=workers, progress=progress, label="verify")
    runs += verify_replicates * 2
    vm = moments_of_store(verify, recipes)
    sim_mean = vm[tnames].mean().to_numpy()
    sim_sd = vm[tnames].std(ddof=1).to_numpy() if len(vm) > 1 else np.full(len(tnames), np.nan)
    j_sim = float(objective(sim_mean, observed, tol, weight)[0])

    se = _standard_errors(em, best_u, b, weight / tol**2, prior_sd, replicates)
    draws = _plausible_draws(crit, best_u, best_j, k, rng, sample_size, pool)
    sample = pd.DataFrame(_from_unit(draws, b), columns=names)
    plausible = {n: (float(sample[n].quantile(0.05)), float(sample[n].quantile(0.95)))
                 for n in names}
    table = pd.DataFrame({
        "observed": observed, "tolerance": tol, "weight": weight,
        "simulated": sim_mean, "simulated_sd": sim_sd,
        "emulated": em.predict(best_u[None])[0],
        "miss_in_tolerances": (sim_mean - observed) / tol,
        "unit": [targets[m].unit for m in tnames], "source": [targets[m].source for m in tnames],
    }, index=pd.Index(tnames, name="moment"))
    return Fit(names=names, bounds=b, theta=dict(zip(names, map(float, theta), strict=True)),
               se=dict(zip(names, map(float, se), strict=True)), plausible=plausible,
               sample=sample, objective=j_sim, objective_emulated=float(crit.data(best_u)[0]),
               table=table,
               emulator_r2=pd.Series(em.r2, index=tnames, name="emulator_cv_r2"), runs=runs,
               wall_s=time.perf_counter() - start, design_points=len(u), waves=waves,
               details={"stores": [str(p) for p in paths], "verify_store": str(verify),
                        "ruled_out_by_simulation": ruled_out[-1] if ruled_out else 0,
                        "prior_penalty": float(crit.prior(best_u)[0])})


def _design_data(paths: Sequence[Path], recipes: Mapping[str, Any], names: Sequence[str],
                 b: np.ndarray, observed: np.ndarray, tol: np.ndarray,
                 ruled_out: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Design points (unit cube) and their mean simulated moments from the wave stores,
    without the points more than RULED_OUT tolerances off (their count appended to
    `ruled_out`): history matching rules them out by simulation."""
    from westdev.experiments.store import read_manifest

    tnames = list(recipes)
    us, ys = [], []
    for path in paths:
        pts = read_manifest(path)["request"]["points"]
        means, _ = point_means(moments_of_store(path, recipes))
        for i, row in means.iterrows():
            if row[tnames].isna().any():
                continue
            theta = np.array([pts[int(i)].get(n, np.nan) for n in names])
            if np.isnan(theta).any():
                continue
            us.append(_to_unit(theta, b))
            ys.append(row[tnames].to_numpy(dtype=float))
    u_all, y_all = np.array(us), np.array(ys)
    keep = np.abs((y_all - observed) / tol).max(axis=1) <= RULED_OUT
    ruled_out.append(int((~keep).sum()))
    return u_all[keep], y_all[keep]


def _standard_errors(em: QuadraticEmulator, best_u: np.ndarray, b: np.ndarray, w: np.ndarray,
                     prior_sd: np.ndarray, replicates: int) -> np.ndarray:
    """SMM standard errors in parameter units: (1 + 1/R)(GᵀWG + Π)⁻¹, G the emulator's
    Jacobian, W the moment weights / tolerance², Π the weak prior's precision (zero for
    history scales)."""
    g = em.jacobian(best_u) / (b[:, 1] - b[:, 0])[None, :]
    sd_param = prior_sd * (b[:, 1] - b[:, 0])
    info = g.T @ (w[:, None] * g) + np.diag(1.0 / sd_param**2)
    try:
        cov = (1.0 + 1.0 / replicates) * np.linalg.inv(info)
        return np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        return np.full(len(best_u), np.nan)
