"""Firms: a weighted agent population stored as structure of arrays.

Each row is one firm agent standing for `weight` identical real firms of its province and sector.
Rules are written over whole arrays (no per-firm Python loop). Technology is Cobb–Douglas with
decreasing returns:

    Y_i = Ã_{p,s} · A_i · K_i^α · L_i^β          (value added, 100m yuan at 2019 prices, per firm)

with Ã the location productivity of province p and sector s (market access, networks, power
price) and A_i the firm's own productivity, which moves with it when it relocates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from westdev.economy.agents.arrays import ArrayPopulation

SECTORS: tuple[str, ...] = ("agriculture", "industry", "services")
AGRI, INDUSTRY, SERVICES = 0, 1, 2
TRADABLE = np.array([True, True, False])


@dataclass
class FirmPopulation(ArrayPopulation):
    """Arrays of length n (one entry per firm agent)."""

    province: np.ndarray  # int16, index into the 31 provinces
    sector: np.ndarray  # int8: 0 agriculture, 1 industry, 2 services
    weight: np.ndarray  # real firms represented
    tfp: np.ndarray  # own productivity A_i
    capital: np.ndarray  # per real firm, 100m yuan (2019 prices)
    labour: np.ndarray  # per real firm, efficiency units (persons × skill efficiency)
    state: np.ndarray  # bool, state-owned
    energy_intensive: np.ndarray  # bool
    catalogue_draw: np.ndarray  # U(0,1): eligible for the encouraged catalogue if < coverage
    zone_draw: np.ndarray  # U(0,1): located in a customs special zone if < zone share
    origin: np.ndarray  # int16: province it relocated from under an enclave-park deal, -1 if none
    loss_years: np.ndarray  # int8, consecutive years with negative pre-tax profit
    age: np.ndarray  # int16, years since entry

    @property
    def n(self) -> int:
        return len(self.weight)


    def cell(self, n_sectors: int = 3) -> np.ndarray:
        """Province × sector cell index of each agent."""
        return self.province.astype(np.int64) * n_sectors + self.sector

    def totals(self, values: np.ndarray, n_provinces: int, by_sector: bool = False) -> np.ndarray:
        """Sum of weight × values per province (or province × sector)."""
        key = self._sum_keys()[1 if by_sector else 0]
        bins = n_provinces * 3 if by_sector else n_provinces
        out = np.bincount(key, weights=self.weight * values, minlength=bins * _LANES)
        out = out.reshape(bins, _LANES).sum(axis=1)
        return out.reshape(n_provinces, 3) if by_sector else out

    def _sum_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Bin of each agent for `totals` by province and by province × sector, spread over
        `_LANES` interleaved accumulators: agents are stored grouped by cell, and summing runs
        of equal bins one after another is several times slower than spreading them.

        Computed once per set of agents: `province` and `sector` are made read-only, so a
        change of location must assign a new array (which invalidates the keys)."""
        cached = self.__dict__.get("_keys")
        if cached is None or cached[0] is not self.province or cached[1] is not self.sector:
            lane = np.arange(self.n, dtype=np.intp) % _LANES
            province = self.province.astype(np.intp)
            cached = (self.province, self.sector, province * _LANES + lane,
                      (province * 3 + self.sector) * _LANES + lane)
            self.province.flags.writeable = False
            self.sector.flags.writeable = False
            self.__dict__["_keys"] = cached
        return cached[2], cached[3]


_LANES = 4


def labour_demand(price_net: np.ndarray, loc_tfp: np.ndarray, tfp: np.ndarray,
                  capital: np.ndarray, labour_cost: np.ndarray, alpha: float,
                  beta: float) -> np.ndarray:
    """Profit-maximising labour per firm at a given labour cost per efficiency unit.

    From β · p · Ã A K^α L^(β−1) = c:  L* = (β p Ã A K^α / c)^(1/(1−β)).
    `price_net` is the firm's price net of VAT.
    """
    return (beta * price_net * loc_tfp * tfp * capital**alpha / labour_cost) ** (1.0 / (1.0 - beta))


def log_capital_gap(capital: np.ndarray, revenue_net: np.ndarray, user_cost: np.ndarray,
                    alpha: float, beta: float) -> np.ndarray:
    """ln(K*/K): how far capital is from the level where the marginal profit of capital equals
    the user cost.

    With labour at its optimum, the marginal profit of capital is α·R/K (envelope theorem:
    d(R − c·L*)/dK = ∂R/∂K), and revenue scales as K^(α/(1−β)), so MPK ∝ K^(α/(1−β) − 1) and
    ln(K*/K) = ln(MPK/c) / (1 − α/(1−β)). `revenue_net` is revenue net of VAT.
    """
    curvature = alpha / (1.0 - beta)
    mpk = alpha * revenue_net / np.maximum(capital, 1e-12)
    return np.log(mpk / user_cost) / (1.0 - curvature)


def gross_investment(capital: np.ndarray, log_gap: np.ndarray, depreciation: float,
                     adjustment: float) -> np.ndarray:
    """Replacement plus a partial, log-linear closing of the capital gap; never negative
    (investment is irreversible): I = max(0, δK + λ·K·ln(K*/K))."""
    return np.maximum(capital * (depreciation + adjustment * log_gap), 0.0)
