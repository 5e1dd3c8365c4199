"""A quadratic emulator of simulated moments over the unit cube of the calibrated parameters.

Model runs are costly and noisy; a second-order polynomial in the (unit-scaled) parameters,
fitted by ridge least squares to the mean moments of the design points, is cheap to evaluate
many thousand times and smooths the seed noise. Its k-fold cross-validated residual variance
measures how far to trust it: it enters the implausibility and is reported as R².
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np


def features(u: np.ndarray) -> np.ndarray:
    """Constant, linear and all second-order terms of unit-cube points u (n × d), centred."""
    z = 2.0 * np.atleast_2d(u) - 1.0
    cols = [np.ones(len(z))] + [z[:, i] for i in range(z.shape[1])]
    cols += [z[:, i] * z[:, j] for i, j in combinations_with_replacement(range(z.shape[1]), 2)]
    return np.column_stack(cols)


class QuadraticEmulator:
    """Ridge-regularised quadratic response surface, one per moment (columns of Y)."""

    def __init__(self, ridge: float = 1e-3) -> None:
        self.ridge = ridge
        self.coef: np.ndarray | None = None
        self.cv_variance: np.ndarray | None = None
        self.r2: np.ndarray | None = None

    def _solve(self, f: np.ndarray, y: np.ndarray) -> np.ndarray:
        penalty = self.ridge * len(f) * np.eye(f.shape[1])
        penalty[0, 0] = 0.0  # the intercept is not shrunk
        return np.linalg.solve(f.T @ f + penalty, f.T @ y)

    def fit(self, u: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> QuadraticEmulator:
        """Fit to design points u (n × d, in [0, 1]) and moments y (n × m); cross-validate."""
        f = features(u)
        self.coef = self._solve(f, y)
        rng = np.random.default_rng(seed)
        fold = rng.permutation(len(u)) % folds
        resid = np.empty_like(y, dtype=float)
        for k in range(folds):
            test = fold == k
            coef = self._solve(f[~test], y[~test])
            resid[test] = y[test] - f[test] @ coef
        self.cv_variance = (resid**2).mean(axis=0)
        total = y.var(axis=0)
        self.r2 = 1.0 - self.cv_variance / np.where(total > 0, total, np.nan)
        return self

    def predict(self, u: np.ndarray) -> np.ndarray:
        """Emulated moments at unit-cube points u (n × d) → (n × m)."""
        return features(u) @ self.coef

    def jacobian(self, u: np.ndarray, step: float = 1e-4) -> np.ndarray:
        """d moments / d u at one point (m × d), by central differences."""
        u = np.asarray(u, dtype=float)
        cols = []
        for i in range(len(u)):
            hi, lo = u.copy(), u.copy()
            hi[i] += step
            lo[i] -= step
            cols.append((self.predict(hi[None])[0] - self.predict(lo[None])[0]) / (2 * step))
        return np.column_stack(cols)
