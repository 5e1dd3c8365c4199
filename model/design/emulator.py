"""A response surface of one outcome over the searched levers and the uncertain inputs.

The model is slow and noisy, so the search optimises an emulator and re-runs what it finds
with the model. For an outcome y (the 2035 income ratio, the cumulative lever cost, ...) of a
run with levers x (unit positions in their search ranges, on/off levers 0 or 1) in a world u
(the ensemble's uncertain inputs, unit-scaled):

    y ≈ b0 + Σ b_i x_i + Σ c_j u_j + Σ d_i x_i² + Σ e_j u_j² + Σ_i Σ_{j ∈ top} f_ij x_i u_j

— linear and squared terms of every input and the products of every lever with the `top`
uncertain inputs that move y most (the policies' effects depend on the world: a lever works
more where productivity grows faster). Ridge least squares on standardised features, the
penalty chosen by 5-fold cross-validation; the cross-validated residual standard deviation σ
(seed noise plus misfit) makes the probability of a threshold smooth:

    P(y ≥ θ | x) ≈ mean over the ensemble's draws u_d of Φ((ŷ(x, u_d) − θ) / σ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RIDGE_GRID = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)


@dataclass
class Emulator:
    """A fitted response surface (see the module docstring)."""

    n_levers: int
    top: np.ndarray  # indices of the uncertain inputs that interact with the levers
    mean: np.ndarray  # feature means and scales (standardisation)
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    sigma: float  # cross-validated residual standard deviation
    r2: float  # cross-validated R²
    ridge: float
    n: int

    def features(self, z: np.ndarray) -> np.ndarray:
        return (_features(z, self.n_levers, self.top) - self.mean) / self.scale

    def predict(self, z: np.ndarray) -> np.ndarray:
        """ŷ at rows z = [x, u] (unit scale)."""
        return self.intercept + self.features(np.atleast_2d(z)) @ self.coef

    def over_draws(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """ŷ for each lever mix (rows of x, p × k) in each world (rows of u, D × m): p × D."""
        x = np.atleast_2d(x)
        p, d = len(x), len(u)
        z = np.hstack([np.repeat(x, d, axis=0), np.tile(u, (p, 1))])
        return self.predict(z).reshape(p, d)

    def mean_over(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The mean of ŷ over the worlds, per lever mix."""
        return self.over_draws(x, u).mean(axis=1)

    def gradient(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """dŷ/dx of one lever mix x (k) in each world (rows of u, D × m): D × k."""
        k, top = self.n_levers, self.top
        m = u.shape[1]
        w = self.coef / self.scale
        lin, sq = w[:k], w[k + m:2 * k + m]
        grad = np.broadcast_to(lin + 2.0 * x * sq, (len(u), k)).copy()
        if len(top):
            inter = w[2 * k + 2 * m:].reshape(k, len(top))
            grad += u[:, top] @ inter.T
        return grad

    def mean_gradient(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """d mean ŷ / dx of one lever mix over the worlds (k)."""
        return self.gradient(x, u).mean(axis=0)

    def probability_gradient(self, x: np.ndarray, u: np.ndarray, op: str,
                             theta: float) -> np.ndarray:
        """d P(y op θ) / dx of one lever mix (k)."""
        from scipy.stats import norm

        s = max(self.sigma, 1e-9)
        yhat = self.over_draws(x, u)[0]
        sign = 1.0 if op in (">=", ">") else -1.0
        dens = norm.pdf(sign * (yhat - theta) / s) * sign / s
        return (dens[:, None] * self.gradient(x, u)).mean(axis=0)

    def probability(self, x: np.ndarray, u: np.ndarray, op: str, theta: float) -> np.ndarray:
        """P(y op θ) per lever mix over the worlds, with the residual as Gaussian noise."""
        from scipy.stats import norm

        yhat = self.over_draws(x, u)
        s = max(self.sigma, 1e-9)
        zscore = (yhat - theta) / s if op in (">=", ">") else (theta - yhat) / s
        return norm.cdf(zscore).mean(axis=1)


def _features(z: np.ndarray, k: int, top: np.ndarray) -> np.ndarray:
    x, u = z[:, :k], z[:, k:]
    cols = [x, u, x**2, u**2]
    if len(top):
        ut = u[:, top]
        cols.append((x[:, :, None] * ut[:, None, :]).reshape(len(z), -1))
    return np.hstack(cols)


def _solve(f: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    n, p = f.shape
    a = f.T @ f + lam * n * np.eye(p)
    return np.linalg.solve(a, f.T @ (y - y.mean()))


def fit(x: np.ndarray, u: np.ndarray, y: np.ndarray, *, top: int = 4, folds: int = 5,
        seed: int = 0) -> Emulator:
    """Fit the emulator to runs with levers x (n × k), worlds u (n × m) and outcome y (n)."""
    x, u, y = np.asarray(x, float), np.asarray(u, float), np.asarray(y, float)
    ok = np.isfinite(y)
    x, u, y = x[ok], u[ok], y[ok]
    k = x.shape[1]
    z = np.hstack([x, u])
    # which uncertain inputs interact: the largest linear effects on y
    lin = np.hstack([np.ones((len(z), 1)), z])
    beta = np.linalg.lstsq(lin, y, rcond=None)[0][1:]
    effect = np.abs(beta[k:]) * u.std(axis=0) if u.shape[1] else np.array([])
    top_idx = np.sort(np.argsort(-effect)[:min(top, len(effect))]) if len(effect) else \
        np.array([], dtype=int)
    raw = _features(z, k, top_idx)
    mu, sd = raw.mean(axis=0), raw.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    f = (raw - mu) / sd
    fold = np.random.default_rng(seed).permutation(len(y)) % folds
    best = None
    for lam in RIDGE_GRID:
        resid = np.empty_like(y)
        for j in range(folds):
            test = fold == j
            coef = _solve(f[~test], y[~test], lam)
            resid[test] = y[test] - (y[~test].mean() + f[test] @ coef)
        mse = float((resid**2).mean())
        if best is None or mse < best[0]:
            best = (mse, lam)
    mse, lam = best  # type: ignore[misc]
    coef = _solve(f, y, lam)
    var = float(y.var())
    return Emulator(k, top_idx, mu, sd, coef, float(y.mean()), float(np.sqrt(mse)),
                    1.0 - mse / var if var > 0 else float("nan"), lam, len(y))
