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


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """Σ values·weights / Σ weights over 1-D arrays (what np.average computes, without its
    argument handling: the rules call it a few times a year)."""
    return (values * weights).sum() / weights.sum()


def membership(masks: list[np.ndarray]) -> np.ndarray:
    """Units × groups matrix of 0/1: unit i belongs to group g (one boolean mask per group)."""
    return np.column_stack(masks).astype(float)


def group_sums(values: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Sums over each group of the last axis of `values` (… × units) → (… × groups)."""
    return values @ member


def group_weighted_means(values: np.ndarray, weights: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Means over each group of the last axis of `values`, weighted by `weights` (units);
    NaN for a group without weight."""
    total = weights @ member
    return np.divide((values * weights) @ member, total,
                     out=np.full(np.shape(values)[:-1] + (member.shape[1],), np.nan),
                     where=total > 0)


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
    between-group part Σ sᵍ ln(ȳᵍ/ȳ). The parts add up to the total (for groups that
    partition the units); an empty group adds nothing."""
    total_gdp = gdp.sum()
    ybar = total_gdp / population.sum()
    member = np.array(list(groups.values()), dtype=float).reshape(len(groups), -1)  # groups × units
    gdp_g, pop_g = member @ gdp, member @ population
    some = gdp_g > 0
    ybar_g = np.divide(gdp_g, pop_g, out=np.ones(len(groups)), where=some)
    # sᵍ·Tᵍ = Σ_{i∈g} GDPᵢ ln(yᵢ/ȳᵍ) / ΣGDP
    gdp_log_y = gdp * np.log(gdp / population)
    within = np.where(some, member @ gdp_log_y - gdp_g * np.log(ybar_g), 0.0) / total_gdp
    between = np.where(some, gdp_g * np.log(ybar_g / ybar), 0.0) / total_gdp
    out = {"total": float(np.sum(gdp_log_y) / total_gdp - np.log(ybar)), "between": float(between.sum())}
    out.update({f"within_{name}": float(w) for name, w in zip(groups, within, strict=True)})
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
