"""The quadratic emulator and the estimator's search, on functions with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from westdev.calibration.emulator import QuadraticEmulator
from westdev.calibration.estimation import CONFIDENCE, _minimise, _plausible_draws, objective


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
    best_u, best_j, _, _ = _minimise(em, obs, tol, w, 2, rng, pool=2000)
    assert np.allclose(best_u, [0.3, 0.6], atol=3e-3)
    draws = _plausible_draws(em, obs, tol, w, best_u, best_j, 2, rng, n=100, pool=4000)
    from scipy.stats import chi2

    j = objective(em.predict(draws), obs, tol, w)
    assert len(draws) == 100 and np.all(j <= best_j + chi2.ppf(CONFIDENCE, 2) + 1e-9)
    # moment 2 is the squared distance d² to the minimum: J = (d²/tol)² ≤ χ² is a disc
    radius = np.sqrt(0.05 * np.sqrt(chi2.ppf(CONFIDENCE, 2)))
    assert np.all(np.hypot(draws[:, 0] - 0.3, draws[:, 1] - 0.6) <= radius + 1e-6)
