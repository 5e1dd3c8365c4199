"""Migration: a logit over the 31 provinces on expected income and public services, against
distance, a moving cost, hukou and social-insurance portability costs.

Choices are computed once per cell — (residence o, hukou province h, skill s, working-age band a)
— and then drawn per agent: the 31×31×2×3 cells × 31 destinations are a small array, so the cost
does not grow with the number of agents beyond one draw each.

Utility of destination d for a person in cell (o, h, s, a):

    V = b_inc·ln(income_{d,s}) + b_ps·ln(services_d) + amenity_d
        − [d≠o]·(move_cost + age_cost_a + b_dist·ln(distance_od / 100 km))
        − [d≠h]·(hukou_cost·(1 − migrant_access) + portability_cost(pooling))
        + [d≠h, s high, d west]·b_inc·ln(1 + incentive/income_{d,s})

with b_dist = `migration.distance_elasticity` × b_inc (to move 10 % further a migrant needs
about 15 % more income: Zhang & Zhao 2011, docs/evidence.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from westdev.economy.agents.workers import WorkerPopulation, draw_events

N_WORK_BANDS = 3  # bands 1..3


@dataclass
class MigrationModel:
    """Static parts of migration utility; `amenity` and `move_cost` are set by calibration."""

    log_distance: np.ndarray  # (31, 31) ln(distance/100 km), 0 on the diagonal
    west: np.ndarray  # bool (31,)
    income_weight: float
    public_service_weight: float
    distance_elasticity: float
    age_cost: np.ndarray  # (3,) extra moving cost by working-age band
    hukou_cost: float
    amenity: np.ndarray  # (31,)
    move_cost: float

    @property
    def n(self) -> int:
        return len(self.west)

    def utilities(self, income: np.ndarray, services: np.ndarray, migrant_access: float,
                  portability_cost: float, skilled_incentive: np.ndarray,
                  pairs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """V[o, h, s, a, d] for income (31 d × 2 s, yuan), services index (31), the share of
        public services open to non-hukou residents, the portability cost and the yearly
        incentive paid to skilled migrants by destination (yuan). With `pairs` = (residence
        provinces, hukou provinces) of K populated cells, only those: V[k, s, a, d]."""
        n = self.n
        b = self.income_weight
        base = (b * np.log(income) + self.public_service_weight * np.log(services)[:, None]
                + self.amenity[:, None])  # (d, s)
        not_home = 1.0 - np.eye(n)
        move = not_home * (self.move_cost + self.distance_elasticity * b * self.log_distance)  # (o, d)
        hukou_pen = not_home * (self.hukou_cost * (1.0 - migrant_access) + portability_cost)  # (h, d)
        bonus = np.zeros((n, 2, n))  # (h, s, d)
        bonus[:, 1, :] = not_home * (self.west * b * np.log1p(skilled_incentive / income[:, 1]))[None, :]
        # V = A[o, s, a, d] + B[h, s, d]: what depends on where one lives and what depends on
        # one's hukou, added once at full size
        by_residence = (base.T[None, :, None, :] - move[:, None, None, :]
                        - self.age_cost[None, None, :, None] * not_home[:, None, None, :])
        by_hukou = bonus - hukou_pen[:, None, :]  # (h, s, d)
        if pairs is not None:
            o, h = pairs
            return by_residence[o] + by_hukou[h][:, :, None, :]
        return by_residence[:, None] + by_hukou[None, :, :, None, :]

    @staticmethod
    def probabilities(v: np.ndarray) -> np.ndarray:
        """Logit choice probabilities over the last axis (overwrites `v`, a fresh array from
        `utilities`, to spare full-size temporaries)."""
        np.subtract(v, v.max(axis=-1, keepdims=True), out=v)
        np.exp(v, out=v)
        v /= v.sum(axis=-1, keepdims=True)
        return v


def cell_index(workers: WorkerPopulation, n: int, idx: np.ndarray | None = None,
               outside: int = -1, pair_rows: np.ndarray | None = None) -> np.ndarray:
    """Cell (o, h, s, a) of each working-age agent, or of the agents at `idx`; `outside` for
    children and the old. With `pair_rows` (the row k of each (o, h), `pair_rows[o·n + h]`),
    the cell (k, s, a) of probabilities computed for populated pairs only."""
    sel = slice(None) if idx is None else idx
    band = workers.age[sel].astype(np.int64) - 1
    pair = workers.residence[sel].astype(np.int64) * n + workers.hukou[sel]
    if pair_rows is not None:
        pair = pair_rows[pair]
    cell = (pair * 2 + workers.skill[sel]) * N_WORK_BANDS + band
    return np.where((band >= 0) & (band < N_WORK_BANDS), cell, outside)


def working_age_pairs(workers: WorkerPopulation, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(residence, hukou) index pairs with any working-age agent (one pass over the agents)."""
    working = (workers.age >= 1) & (workers.age <= N_WORK_BANDS)
    pair = workers.residence[working].astype(np.int64) * n + workers.hukou[working]
    found = np.flatnonzero(np.bincount(pair, minlength=n * n))
    return found // n, found % n


def cell_population(workers: WorkerPopulation, n: int) -> np.ndarray:
    """Persons per cell, shaped (o, h, s, a)."""
    cell = cell_index(workers, n)
    ok = cell >= 0
    counts = np.bincount(cell[ok], weights=workers.weight[ok], minlength=n * n * 2 * N_WORK_BANDS)
    return counts.reshape(n, n, 2, N_WORK_BANDS)


def populated_pairs(pop_cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(residence, hukou) index pairs of the (o, h) cells with any working-age resident."""
    return np.nonzero(pop_cells.sum(axis=(2, 3)) > 0)


def expected_pair_flows(pop_pairs: np.ndarray, prob: np.ndarray, origin: np.ndarray,
                        n: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected (inflow, outflow) by province from the K populated (residence, hukou) cells:
    pop_pairs (K, s, a) persons, prob (K, s, a, d) choice probabilities, origin (K,)."""
    to_d = (pop_pairs[..., None] * prob).sum(axis=(1, 2))  # (K, d)
    by_origin = np.zeros((n, n))
    np.add.at(by_origin, origin, to_d)
    stay = np.diagonal(by_origin).copy()
    return by_origin.sum(axis=0) - stay, by_origin.sum(axis=1) - stay



def flow_derivatives(pop_pairs: np.ndarray, prob: np.ndarray, origin: np.ndarray,
                     n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Derivatives of expected net inflows and gross flows (persons) with respect to the
    amenities and the moving cost, from the logit's own derivative
    dP_cd/dV_ce = P_cd (δ_de − P_ce), for the K populated (residence, hukou) cells.

    Returns (d net_d / d amenity_j (n, n), d net_d / d move_cost (n),
    d gross / d amenity_j (n), d gross / d move_cost). A person in cell c who ends in d
    adds to d's net inflow whether or not d is home (stayers cancel against residents)."""
    flat = prob.reshape(-1, n)
    w = pop_pairs.reshape(-1)
    home = np.repeat(origin, pop_pairs.shape[1] * pop_pairs.shape[2])
    wp = w[:, None] * flat
    arrivals = wp.sum(axis=0)
    p_home = flat[np.arange(flat.shape[0]), home]
    wp_home = w * p_home  # persons who stay, by cell
    stayers = np.bincount(home, weights=wp_home, minlength=n)
    d_net_d_amenity = -(flat.T @ wp)
    d_net_d_amenity[np.diag_indices(n)] += arrivals
    # the moving cost lowers every destination but home by one utility unit:
    # Σ_c w_c P_cd (1 − P_c,home) − Σ_c w_c P_cd [d ≠ home_c]
    d_net_d_move = (1.0 - p_home) @ wp - (arrivals - stayers)
    d_gross_d_amenity = wp_home @ flat - stayers
    d_gross_d_move = -float((wp_home * (1.0 - p_home)).sum())
    return d_net_d_amenity, d_net_d_move, d_gross_d_amenity, d_gross_d_move


def draw_moves(workers: WorkerPopulation, prob: np.ndarray, rng: np.random.Generator,
               pairs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Move agents by their cell's probabilities. Returns the indices of movers.

    `prob` is (o, h, s, a, d) for every cell, or (k, s, a, d) for the `pairs` (residence,
    hukou) that hold every working-age agent. First a move/stay draw with the cell's
    probability of moving — by thinning: candidates at the largest moving probability of any
    cell in `prob`, each kept with its own probability over that maximum, so only candidates
    are looked at — then, for movers only, a destination from the cell's distribution over the
    other provinces.
    """
    n = prob.shape[-1]
    flat = prob.reshape(-1, n)
    rows = np.arange(flat.shape[0])
    if pairs is None:
        pair_rows = None
        origin = rows // (n * 2 * N_WORK_BANDS)
    else:
        pair_rows = np.full(n * n, -1, dtype=np.int64)
        pair_rows[pairs[0].astype(np.int64) * n + pairs[1]] = np.arange(len(pairs[0]))
        origin = np.repeat(pairs[0], 2 * N_WORK_BANDS)
    # probability of moving by cell: 1 − prob[cell, o]; 0 outside working age
    # (a broken state — non-finite utilities — moves nobody here; the year's checks stop the run)
    p_move = np.nan_to_num(np.append(1.0 - flat[rows, origin], 0.0), nan=0.0)
    outside = p_move.size - 1
    p_max = float(p_move[:-1].max(initial=0.0))
    movers = draw_events(workers.n, p_max, lambda idx: p_move.take(
        cell_index(workers, n, idx, outside, pair_rows)), rng)
    if movers.size == 0:
        return movers
    c = cell_index(workers, n, movers, pair_rows=pair_rows)
    origin = workers.residence[movers].astype(np.int64)
    rows = flat[c].copy()
    rows[np.arange(movers.size), origin] = 0.0
    cum = np.cumsum(rows, axis=1)
    draw = rng.random(movers.size) * cum[:, -1]
    dest = np.minimum((cum < draw[:, None]).sum(axis=1), n - 1)
    workers.residence[movers] = dest.astype(np.int16)
    workers.employed[movers] = False  # they search for a job where they arrive
    workers.sector[movers] = -1
    return movers
