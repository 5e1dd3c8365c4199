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
    own: int | None  # a lever whose products with every other input are features (or None)
    mean: np.ndarray  # feature means and scales (standardisation)
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    sigma: float  # cross-validated residual standard deviation
    r2: float  # cross-validated R²
    ridge: float
    n: int
    residuals: np.ndarray | None = None  # cross-validated residuals of the training runs

    def features(self, z: np.ndarray) -> np.ndarray:
        return (_features(z, self.n_levers, self.top, self.own) - self.mean) / self.scale

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
            inter = w[2 * k + 2 * m:2 * k + 2 * m + k * len(top)].reshape(k, len(top))
            grad += u[:, top] @ inter.T
        if self.own is not None:
            j = self.own
            wo = w[2 * k + 2 * m + k * len(top):]  # products of x_j with the other k+m-1 inputs
            wx, wu = np.insert(wo[:k - 1], j, 0.0), wo[k - 1:]
            # d/dx_j: Σ w·others; d/dx_i (i ≠ j): w_i x_j
            grad[:, j] += (np.delete(x, j) * wo[:k - 1]).sum() + u @ wu
            grad += x[j] * wx
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


def _features(z: np.ndarray, k: int, top: np.ndarray, own: int | None = None) -> np.ndarray:
    x, u = z[:, :k], z[:, k:]
    cols = [x, u, x**2, u**2]
    if len(top):
        ut = u[:, top]
        cols.append((x[:, :, None] * ut[:, None, :]).reshape(len(z), -1))
    if own is not None:
        others = np.delete(z, own, axis=1)
        cols.append(x[:, own:own + 1] * others)
    return np.hstack(cols)


def _solve(f: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    n, p = f.shape
    a = f.T @ f + lam * n * np.eye(p)
    return np.linalg.solve(a, f.T @ (y - y.mean()))


def fit(x: np.ndarray, u: np.ndarray, y: np.ndarray, *, top: int = 4, folds: int = 5,
        seed: int = 0, own: int | None = None) -> Emulator:
    """Fit the emulator to runs with levers x (n × k), worlds u (n × m) and outcome y (n);
    with `own`, also the products of that lever with every other input (a lever's own cost
    is its setting times a base that the other levers and the world move)."""
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
    raw = _features(z, k, top_idx, own)
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
            best = (mse, lam, resid.copy())
    mse, lam, resid = best  # type: ignore[misc]
    coef = _solve(f, y, lam)
    var = float(y.var())
    return Emulator(k, top_idx, own, mu, sd, coef, float(y.mean()), float(np.sqrt(mse)),
                    1.0 - mse / var if var > 0 else float("nan"), lam, len(y), resid)


@dataclass
class Sum:
    """The sum of several emulators fitted to the parts of an outcome (the cost of each lever,
    whose total is the lever cost): each part is a simpler function of the levers than the
    total, so the sum extrapolates better to mixes unlike the training runs."""

    parts: list[Emulator]

    @property
    def n_levers(self) -> int:
        return self.parts[0].n_levers

    @property
    def n(self) -> int:
        return self.parts[0].n

    @property
    def ridge(self) -> float:
        return float("nan")

    @property
    def residuals(self) -> np.ndarray:
        return np.sum([p.residuals for p in self.parts], axis=0)

    @property
    def sigma(self) -> float:
        return float(np.sqrt((self.residuals**2).mean()))

    total_variance: float = float("nan")

    @property
    def r2(self) -> float:
        return 1.0 - self.sigma**2 / self.total_variance

    def predict(self, z: np.ndarray) -> np.ndarray:
        return np.sum([p.predict(z) for p in self.parts], axis=0)

    def over_draws(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        return np.sum([p.over_draws(x, u) for p in self.parts], axis=0)

    def mean_over(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.over_draws(x, u).mean(axis=1)

    def gradient(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        return np.sum([p.gradient(x, u) for p in self.parts], axis=0)

    def mean_gradient(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.gradient(x, u).mean(axis=0)

    probability = Emulator.probability
    probability_gradient = Emulator.probability_gradient


def fit_sum(x: np.ndarray, u: np.ndarray, parts: np.ndarray, *, top: int = 4,
            seed: int = 0, owners: list[int | None] | None = None) -> Sum:
    """Fit one emulator per column of `parts` (n × p) and return their sum; `owners` gives the
    lever each part is the cost of (its products with the other inputs become features)."""
    parts = np.asarray(parts, float)
    ok = np.isfinite(parts).all(axis=1)
    owners = owners or [None] * parts.shape[1]
    fits = [fit(x[ok], u[ok], parts[ok, j], top=top, seed=seed, own=owners[j])
            for j in range(parts.shape[1])]
    total = parts[ok].sum(axis=1)
    return Sum(fits, float(total.var()))
