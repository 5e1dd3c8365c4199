"""The quadratic emulator and the estimator's search, on functions with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from westdev.calibration.emulator import QuadraticEmulator
from westdev.calibration.estimation import (
    CONFIDENCE,
    Criterion,
    _minimise,
    _plausible_draws,
    objective,
)


def quadratic(u: np.ndarray) -> np.ndarray:
    x, y = u[:, 0], u[:, 1]
    return np.column_stack([1 + 2 * x - y + 3 * x * y, (x - 0.3) ** 2 + (y - 0.6) ** 2])


def test_recovers_a_quadratic_exactly():
    rng = np.random.default_rng(0)
    u = rng.random((60, 2))
    em = QuadraticEmulator(ridge=1e-10).fit(u, quadratic(u))
    test = rng.random((20, 2))
    assert np.allclose(em.predict(test), quadratic(test), atol=1e-6)
    assert np.all(em.r2 > 0.999999)
    jac = em.jacobian(np.array([0.5, 0.5]))
    assert np.allclose(jac, [[2 + 1.5, -1 + 1.5], [0.4, -0.2]], atol=1e-5)


def test_noise_lowers_the_cross_validated_r2():
    rng = np.random.default_rng(1)
    u = rng.random((80, 2))
    y = quadratic(u) + rng.normal(0, 0.2, (80, 2))
    em = QuadraticEmulator().fit(u, y)
    assert 0.0 < em.r2[1] < 0.9
    assert em.cv_variance[1] == pytest.approx(0.04, rel=0.5)


def test_minimum_and_plausible_region():
    rng = np.random.default_rng(2)
    u = rng.random((60, 2))
    em = QuadraticEmulator(ridge=1e-10).fit(u, quadratic(u))
    # target: moment 2 equal to zero (its minimum at (0.3, 0.6)); moment 1 free (huge tolerance)
    obs, tol, w = np.array([0.0, 0.0]), np.array([1e6, 0.05]), np.ones(2)
    crit = Criterion(em, obs, tol, w)
    best_u, best_j, _, _ = _minimise(crit, 2, rng, pool=2000)
    assert np.allclose(best_u, [0.3, 0.6], atol=3e-3)
    draws = _plausible_draws(crit, best_u, best_j, 2, rng, n=100, pool=4000)
    from scipy.stats import chi2

    j = objective(em.predict(draws), obs, tol, w)
    assert len(draws) == 100 and np.all(j <= best_j + chi2.ppf(CONFIDENCE, 2) + 1e-9)
    # moment 2 is the squared distance d² to the minimum: J = (d²/tol)² ≤ χ² is a disc
    radius = np.sqrt(0.05 * np.sqrt(chi2.ppf(CONFIDENCE, 2)))
    assert np.all(np.hypot(draws[:, 0] - 0.3, draws[:, 1] - 0.6) <= radius + 1e-6)


def test_the_prior_pulls_a_flat_direction_to_its_centre():
    rng = np.random.default_rng(3)
    u = rng.random((60, 2))
    em = QuadraticEmulator(ridge=1e-10).fit(u, quadratic(u))
    # only moment 1 at 1 + 2x − y + 3xy = 2 is targeted: a curve of exact fits
    obs, tol, w = np.array([2.0, 0.0]), np.array([0.01, 1e6]), np.ones(2)
    crit = Criterion(em, obs, tol, w, centre=np.array([0.2, 0.5]), prior_sd=np.array([0.25, 0.25]))
    best_u, _, _, _ = _minimise(crit, 2, rng, pool=4000)
    x, y = best_u
    assert 1 + 2 * x - y + 3 * x * y == pytest.approx(2.0, abs=0.02)  # still fits
    # of all exact fits, the one nearest the prior centre (by brute force on the curve)
    xs = np.linspace(0, 1, 20001)
    ys = (1 - 2 * xs) / (3 * xs - 1 + 1e-12)  # solve for y on the curve
    ok = (ys >= 0) & (ys <= 1)
    d = np.hypot(xs[ok] - 0.2, ys[ok] - 0.5)
    nearest = np.array([xs[ok][d.argmin()], ys[ok][d.argmin()]])
    assert np.allclose(best_u, nearest, atol=0.03)
