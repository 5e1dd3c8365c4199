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
                  cells: np.ndarray | None = None) -> np.ndarray:
        """V[o, h, s, a, d] for income (31 d × 2 s, yuan), services index (31), the share of
        public services open to non-hukou residents, the portability cost and the yearly
        incentive paid to skilled migrants by destination (yuan). With `cells` (C codes of
        populated cells, `cell_code`), only those: V[c, d]."""
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
        if cells is not None:
            o, h, s, a = decode_cells(cells, n)
            # rows of the flattened (o, s, a) and (h, s) tables: one gather each
            return (by_residence.reshape(-1, n).take((o * 2 + s) * N_WORK_BANDS + a, axis=0)
                    + by_hukou.reshape(-1, n).take(h * 2 + s, axis=0))
        return by_residence[:, None] + by_hukou[None, :, :, None, :]

    @staticmethod
    def probabilities(v: np.ndarray) -> np.ndarray:
        """Logit choice probabilities over the last axis (overwrites `v`, a fresh array from
        `utilities`, to spare full-size temporaries)."""
        np.subtract(v, v.max(axis=-1, keepdims=True), out=v)
        np.exp(v, out=v)
        v /= v.sum(axis=-1, keepdims=True)
        return v


def cell_code(workers: WorkerPopulation, n: int, idx: np.ndarray | slice = slice(None)
              ) -> tuple[np.ndarray, np.ndarray]:
    """(code, working age) of the agents at `idx`: the code ((o·n + h)·2 + s)·3 + a of the
    cell (residence o, hukou h, skill s, working-age band a), 0 outside working age."""
    band = workers.age[idx].astype(np.int64) - 1
    working = (band >= 0) & (band < N_WORK_BANDS)
    code = ((workers.residence[idx].astype(np.int64) * n + workers.hukou[idx]) * 2
            + workers.skill[idx]) * N_WORK_BANDS + band
    return np.where(working, code, 0), working


def decode_cells(cells: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(o, h, s, a) of cell codes (`cell_code`)."""
    pair, a = np.divmod(cells, N_WORK_BANDS)
    pair, s = np.divmod(pair, 2)
    o, h = np.divmod(pair, n)
    return o, h, s, a


def cell_index(workers: WorkerPopulation, n: int, idx: np.ndarray | None = None,
               outside: int = -1, cell_rows: np.ndarray | None = None) -> np.ndarray:
    """Cell (o, h, s, a) of each working-age agent, or of the agents at `idx`, as a flat index
    into the full grid; `outside` for children and the old. With `cell_rows` (the row of each
    cell code in probabilities computed for some cells only, `cell_rows[code]`), that row."""
    code, working = cell_code(workers, n, slice(None) if idx is None else idx)
    if cell_rows is not None:
        code = cell_rows[code]
    return np.where(working, code, outside)


def working_age_cells(workers: WorkerPopulation, n: int,
                      codes: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Codes (`cell_code`, ascending) of the cells with any working-age agent (one pass over
    the agents, or none when their `codes` are given)."""
    code, working = cell_code(workers, n) if codes is None else codes
    return np.flatnonzero(np.bincount(code[working], minlength=n * n * 2 * N_WORK_BANDS))


def cell_population(workers: WorkerPopulation, n: int) -> np.ndarray:
    """Persons per cell, shaped (o, h, s, a)."""
    cell = cell_index(workers, n)
    ok = cell >= 0
    counts = np.bincount(cell[ok], weights=workers.weight[ok], minlength=n * n * 2 * N_WORK_BANDS)
    return counts.reshape(n, n, 2, N_WORK_BANDS)


def populated_cells(pop_cells: np.ndarray) -> np.ndarray:
    """Codes (ascending) of the cells of a (o, h, s, a) population with anyone in them."""
    return np.flatnonzero(pop_cells.ravel() > 0)


def cell_origins(cells: np.ndarray, n: int) -> np.ndarray:
    """Residence province of each cell code."""
    return cells // (n * 2 * N_WORK_BANDS)


def expected_cell_flows(pop: np.ndarray, prob: np.ndarray, origin: np.ndarray,
                        n: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected (inflow, outflow) by province from C populated cells: pop (C,) persons,
    prob (C, d) choice probabilities, origin (C,) residence, ascending (cells in code order)."""
    to_d = pop[:, None] * prob  # (C, d)
    starts = np.flatnonzero(np.r_[True, origin[1:] != origin[:-1]])
    by_origin = np.zeros((n, n))
    by_origin[origin[starts]] = np.add.reduceat(to_d, starts, axis=0)
    stay = np.diagonal(by_origin).copy()
    return by_origin.sum(axis=0) - stay, by_origin.sum(axis=1) - stay


def flow_derivatives(pop: np.ndarray, prob: np.ndarray, origin: np.ndarray,
                     n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Derivatives of expected net inflows and gross flows (persons) with respect to the
    amenities and the moving cost, from the logit's own derivative
    dP_cd/dV_ce = P_cd (δ_de − P_ce), for C populated cells: pop (C,), prob (C, d), origin (C,).

    Returns (d net_d / d amenity_j (n, n), d net_d / d move_cost (n),
    d gross / d amenity_j (n), d gross / d move_cost). A person in cell c who ends in d
    adds to d's net inflow whether or not d is home (stayers cancel against residents)."""
    flat, w, home = prob, pop, origin
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
               cells: np.ndarray | None = None,
               codes: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Move agents by their cell's probabilities. Returns the indices of movers.

    `prob` is (o, h, s, a, d) for every cell, or (C, d) for the `cells` (codes, `cell_code`)
    that hold every working-age agent; `codes` are the agents' own (`cell_code` of every
    agent), when the caller has them. First a move/stay draw with the cell's
    probability of moving — by thinning: candidates at the largest moving probability of any
    cell in `prob`, each kept with its own probability over that maximum, so only candidates
    are looked at — then, for movers only, a destination from the cell's distribution over the
    other provinces.
    """
    n = prob.shape[-1]
    flat = prob.reshape(-1, n)
    rows = np.arange(flat.shape[0])
    if cells is None:
        cell_rows = None
        origin = rows // (n * 2 * N_WORK_BANDS)
    else:
        cell_rows = np.full(n * n * 2 * N_WORK_BANDS, -1, dtype=np.int64)
        cell_rows[cells] = rows
        origin = cell_origins(cells, n)
    # probability of moving by cell: 1 − prob[cell, o]; 0 outside working age
    # (a broken state — non-finite utilities — moves nobody here; the year's checks stop the run)
    p_move = np.append(1.0 - flat[rows, origin], 0.0)
    p_move[np.isnan(p_move)] = 0.0
    outside = p_move.size - 1
    p_max = float(p_move[:-1].max(initial=0.0))
    def row(idx: np.ndarray, outside: int = -1) -> np.ndarray:
        if codes is None:
            return cell_index(workers, n, idx, outside, cell_rows)
        code = codes[0][idx]
        return np.where(codes[1][idx], code if cell_rows is None else cell_rows[code], outside)

    movers = draw_events(workers.n, p_max, lambda idx: p_move.take(row(idx, outside)), rng)
    if movers.size == 0:
        return movers
    c = row(movers)
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
