"""Indicators: small pure functions over province arrays (docs/design.md §4).

Region aggregates are computed from sums (GDP per head = Σ GDP / Σ population), never as means of
provincial ratios; indexes are population-weighted.
"""

from __future__ import annotations

import numpy as np


def per_head(total: np.ndarray, population: np.ndarray, scale: float = 1e8) -> np.ndarray:
    """Per-head value in yuan from a total in 100m yuan and a population in persons."""
    return np.divide(total * scale, population, out=np.full_like(total, np.nan, dtype=float),
                     where=population > 0)


def group_sum(values: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """Sums over each group mask."""
    return np.array([values[m].sum() for m in masks])


def group_sums(values: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """Sums over each group mask of each row of `values` (indicators × provinces), shaped
    (indicators, groups); each sum is the same as `group_sum` of that row."""
    return np.column_stack([values[:, m].sum(axis=1) for m in masks])


def group_weighted_mean(values: np.ndarray, weights: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """Weighted means over each group mask."""
    sums = np.array([weights[m].sum() for m in masks])
    weighted = np.array([(values[m] * weights[m]).sum() for m in masks])
    return np.divide(weighted, sums, out=np.full(len(masks), np.nan), where=sums > 0)


def theil(gdp: np.ndarray, population: np.ndarray) -> float:
    """Theil T index of GDP per head across units, weighted by GDP shares:
    T = Σ sᵢ ln(yᵢ / ȳ), sᵢ = GDPᵢ/ΣGDP, yᵢ = GDPᵢ/popᵢ. Zero under equality."""
    s = gdp / gdp.sum()
    y = gdp / population
    ybar = gdp.sum() / population.sum()
    return float(np.sum(s * np.log(y / ybar)))


def theil_decomposition(gdp: np.ndarray, population: np.ndarray,
                        groups: dict[str, np.ndarray]) -> dict[str, float]:
    """Split the Theil index into within-group parts (sᵍ·Tᵍ for each group) and the
    between-group part Σ sᵍ ln(ȳᵍ/ȳ). The parts add up to the total."""
    total = theil(gdp, population)
    ybar = gdp.sum() / population.sum()
    out = {"total": total, "between": 0.0}
    for name, m in groups.items():
        s_g = gdp[m].sum() / gdp.sum()
        out[f"within_{name}"] = s_g * theil(gdp[m], population[m])
        out["between"] += s_g * np.log((gdp[m].sum() / population[m].sum()) / ybar)
    return out


def ratio(west: float, east: float) -> float:
    """West/East ratio (NaN when the East value is not positive)."""
    return float(west / east) if east > 0 else float("nan")


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Quantile q of `values` with `weights` (each value stands for `weight` units), so the
    result does not depend on how many agents carry the weight."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, q * cum[-1], side="left").clip(0, len(v) - 1)])
