"""Workers and households: a weighted agent population stored as structure of arrays.

Each row is one person-agent standing for `weight` residents. Age bands: 0 = 0–14, 1 = 15–29,
2 = 30–44, 3 = 45–64, 4 = 65+; bands 1–3 are of working age. Skill 0 = low, 1 = high (tertiary);
a high-skill worker supplies `labour.skill_premium` efficiency units. Rules act on whole arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from westdev.economy.agents.arrays import ArrayPopulation

AGE_BANDS: tuple[str, ...] = ("0-14", "15-29", "30-44", "45-64", "65+")
AGE_WIDTH = np.array([15.0, 15.0, 15.0, 20.0, np.inf])
P_AGE_UP = (1.0 / AGE_WIDTH).astype(np.float32)  # yearly probability of moving up a band
WORKING = np.array([False, True, True, True, False])
N_BANDS = len(AGE_BANDS)


@dataclass
class WorkerPopulation(ArrayPopulation):
    """Arrays of length n (one entry per person agent)."""

    residence: np.ndarray  # int16 province index
    hukou: np.ndarray  # int16 province index of household registration
    age: np.ndarray  # int8 band
    skill: np.ndarray  # int8, 0 low / 1 high
    employed: np.ndarray  # bool
    sector: np.ndarray  # int8 sector of the job (-1 if not employed)
    weight: np.ndarray  # persons represented

    @property
    def n(self) -> int:
        return len(self.weight)


    def population(self, n_provinces: int) -> np.ndarray:
        """Residents per province (persons)."""
        return np.bincount(self.residence, weights=self.weight, minlength=n_provinces)

    def working_age(self) -> np.ndarray:
        return WORKING[self.age]


@dataclass(frozen=True)
class Census:
    """Persons by residence × age band × skill × employed × local hukou, and by hukou province
    × (living away, living at home): every worker aggregate the model needs, from two
    bincounts over the agents instead of one pass per aggregate."""

    table: np.ndarray  # (provinces, 5 age bands, 2 skills, 2 employed, 2 local hukou)
    by_hukou: np.ndarray  # (provinces, 2): [living elsewhere, living at home] by hukou province

    @property
    def population(self) -> np.ndarray:
        return self.table.sum(axis=(1, 2, 3, 4))

    def band(self, *bands: int) -> np.ndarray:
        """Persons in the given age bands, by province."""
        return self.table[:, list(bands)].sum(axis=(1, 2, 3, 4))

    @property
    def working(self) -> np.ndarray:
        return self.band(1, 2, 3)

    @property
    def skilled_working(self) -> np.ndarray:
        return self.table[:, 1:4, 1].sum(axis=(1, 2, 3))

    @property
    def non_local(self) -> np.ndarray:
        return self.table[..., 0].sum(axis=(1, 2, 3))

    @property
    def skilled_migrants(self) -> np.ndarray:
        """Skilled working-age residents without local hukou."""
        return self.table[:, 1:4, 1, :, 0].sum(axis=(1, 2))

    @property
    def low_skill_adults(self) -> np.ndarray:
        """Low-skill residents aged 30–64 (the training programmes' target)."""
        return self.table[:, 2:4, 0].sum(axis=(1, 2, 3))

    def labour(self, participation: np.ndarray, efficiency: np.ndarray) -> dict[str, np.ndarray]:
        """Labour-force aggregates: efficiency units and persons, employed and in the force."""
        n = self.table.shape[0]
        # (age, skill) → (efficiency units, persons) of the labour force
        per_person = np.column_stack([(participation[:, None] * efficiency[None, :]).ravel(),
                                      np.repeat(participation, len(efficiency))])
        employed = self.table[:, :, :, 1, :].sum(axis=-1).reshape(n, -1) @ per_person
        total = self.table.sum(axis=(3, 4)).reshape(n, -1) @ per_person
        return {
            "employed_units": employed[:, 0], "force_units": total[:, 0],
            "employed_persons": employed[:, 1], "force_persons": total[:, 1],
        }


def _census_code(workers: WorkerPopulation, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
    local = workers.hukou[idx] == workers.residence[idx]
    return (workers.residence[idx].astype(np.int32) * 40
            + ((workers.age[idx].astype(np.int32) * 2 + workers.skill[idx]) * 2
               + workers.employed[idx]) * 2 + local)


def take_census(workers: WorkerPopulation, n_provinces: int) -> Census:
    """Count the population into a `Census` (two bincounts over the agents)."""
    local = workers.hukou == workers.residence
    table = np.bincount(_census_code(workers), weights=workers.weight,
                        minlength=n_provinces * 40).reshape(n_provinces, N_BANDS, 2, 2, 2)
    by_hukou = np.bincount(workers.hukou.astype(np.int32) * 2 + local, weights=workers.weight,
                           minlength=n_provinces * 2).reshape(n_provinces, 2)
    return Census(table=table, by_hukou=by_hukou)


def counts_of(workers: WorkerPopulation, n_provinces: int) -> tuple[np.ndarray, np.ndarray]:
    """(table, by_hukou) counts of a (small) population, for `update_census`."""
    return census_counts(n_provinces, workers.weight, workers.residence, workers.hukou,
                         workers.age, workers.skill, workers.employed)


def census_counts(n_provinces: int, weight: np.ndarray, residence: np.ndarray, hukou: np.ndarray,
                  age: np.ndarray, skill: np.ndarray, employed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(table, by_hukou) counts of a set of agents given their attributes — for updating a
    census by difference when only a few agents change."""
    local = hukou == residence
    code = (residence.astype(np.int32) * 40
            + ((age.astype(np.int32) * 2 + skill) * 2 + employed) * 2 + local)
    table = np.bincount(code, weights=weight, minlength=n_provinces * 40)
    by_hukou = np.bincount(hukou.astype(np.int32) * 2 + local, weights=weight,
                           minlength=n_provinces * 2)
    return table.reshape(n_provinces, N_BANDS, 2, 2, 2), by_hukou.reshape(n_provinces, 2)


CENSUS_RESIDUE = 1e-6  # persons: far below one person, far above float rounding of head counts


def update_census(census: Census, minus: tuple | None = None, plus: tuple | None = None) -> Census:
    """A census with some agents' counts removed (`minus`) and others added (`plus`)."""
    table, by_hukou = census.table.copy(), census.by_hukou.copy()
    for counts, sign in ((minus, -1.0), (plus, 1.0)):
        if counts is not None:
            table += sign * counts[0]
            by_hukou += sign * counts[1]
    return Census(table=_settled(table), by_hukou=_settled(by_hukou))


def _settled(counts: np.ndarray) -> np.ndarray:
    """Counts kept by difference leave rounding residue where a cell empties (±1e-10 persons,
    either sign); a negative residue is a negative head count, and a negative skilled share
    raised to a power is NaN. Residue below `CENSUS_RESIDUE` persons is set to exactly zero."""
    counts[np.abs(counts) < CENSUS_RESIDUE] = 0.0
    return counts


def recount_jobs(census: Census, workers: WorkerPopulation, changed: np.ndarray) -> Census:
    """Census after job search changed the employment of the agents `changed` (all else equal):
    move their weight between the employed and not-employed cells."""
    n = census.table.shape[0]
    code_now = _census_code(workers, changed)
    code_before = code_now + np.where(workers.employed[changed], -2, 2)  # the employed bit flipped
    delta = (np.bincount(code_now, weights=workers.weight[changed], minlength=n * 40)
             - np.bincount(code_before, weights=workers.weight[changed], minlength=n * 40))
    return Census(table=_settled(census.table + delta.reshape(census.table.shape)),
                  by_hukou=census.by_hukou)


def bernoulli_indices(n: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices in [0, n), each included independently with probability `p`.

    The gaps between successive inclusions are geometric, so the cost grows with n·p, not n:
    a rare event among many agents costs a few draws, not one per agent."""
    if n == 0 or p <= 0.0:
        return np.empty(0, dtype=np.intp)
    if p >= 1.0:
        return np.arange(n)
    log_q = np.log1p(-p)
    chunks, last = [], -1
    while last < n - 1:
        m = int((n - 1 - last) * p + 4.0 * np.sqrt((n - 1 - last) * p) + 16)
        gaps = np.floor(np.log1p(-rng.random(m)) / log_q).astype(np.intp) + 1
        chunks.append(last + np.cumsum(gaps))
        last = int(chunks[-1][-1])
    idx = np.concatenate(chunks)
    return idx[:np.searchsorted(idx, n)]


def draw_events(n: int, p_max: float, p_at, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of the agents to whom an event happens, each independently with its own
    probability `p_at(idx)` (at most `p_max`): candidates drawn at the rate `p_max` and kept
    with probability p / p_max (thinning), so only candidates are looked at."""
    candidates = bernoulli_indices(n, p_max, rng)
    return candidates[rng.random(candidates.size) * p_max < p_at(candidates)]


def age(workers: WorkerPopulation, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Move each person to the next band with probability 1/width of the band (a yearly step).

    Returns the indices of the agents that moved up and whether each was employed before (what
    a census updated by difference needs)."""
    p_up = P_AGE_UP.astype(float)
    up = draw_events(workers.n, float(p_up.max()), lambda idx: p_up[workers.age[idx]], rng)
    workers.age[up] += 1
    was_employed = workers.employed[up]
    # people reaching 65 leave the labour force
    retired = up[workers.age[up] == 4]
    workers.employed[retired] = False
    workers.sector[retired] = -1
    return up, was_employed


def deaths(workers: WorkerPopulation, mortality: np.ndarray,
           rng: np.random.Generator) -> WorkerPopulation:
    """Remove agents dying this year (age-specific yearly probability). Returns the agents
    that died, as they were; `.population(n)` gives deaths by province (persons)."""
    died = draw_events(workers.n, float(np.max(mortality)), lambda idx: mortality[workers.age[idx]], rng)
    dead = workers.select(died)
    keep = np.ones(workers.n, dtype=bool)
    keep[died] = False
    workers.keep(keep)
    return dead


def births(workers: WorkerPopulation, birth_prob: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Newborn agents: each person aged 15–44 gives birth with a province-specific probability.

    The newborn inherits residence, hukou and weight of the parent agent (children of migrants
    keep their parents' hukou, as under China's registration rules). Returns births by
    province (persons).
    """
    def p_birth(idx: np.ndarray) -> np.ndarray:
        fertile = (workers.age[idx] == 1) | (workers.age[idx] == 2)
        return np.where(fertile, birth_prob[workers.residence[idx]], 0.0)

    idx = draw_events(workers.n, float(np.max(birth_prob, initial=0.0)), p_birth, rng)
    if idx.size:
        workers.append(WorkerPopulation(
            residence=workers.residence[idx].copy(),
            hukou=workers.hukou[idx].copy(),
            age=np.zeros(idx.size, dtype=np.int8),
            skill=np.zeros(idx.size, dtype=np.int8),
            employed=np.zeros(idx.size, dtype=bool),
            sector=np.full(idx.size, -1, dtype=np.int8),
            weight=workers.weight[idx].copy(),
        ))
    return np.bincount(workers.residence[idx], weights=workers.weight[idx],
                       minlength=len(birth_prob))


def upgrade_skills(workers: WorkerPopulation, young_rate: np.ndarray, adult_rate: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """Low-skill people become high-skill: the young through higher education and vocational
    seats (`young_rate` by province of residence), working adults through training
    (`adult_rate`). Returns the upgraded persons by province."""
    # rate by (province of residence, age band): the young, then adults; none for the others
    n_prov = len(young_rate)
    by_band = np.column_stack([np.zeros(n_prov), young_rate, adult_rate, adult_rate,
                               np.zeros(n_prov)]).ravel()

    def p_up(idx: np.ndarray) -> np.ndarray:
        rate = by_band[workers.residence[idx].astype(np.intp) * N_BANDS + workers.age[idx]]
        return np.where(workers.skill[idx] == 0, rate, 0.0)

    up = draw_events(workers.n, float(by_band.max(initial=0.0)), p_up, rng)
    workers.skill[up] = 1
    return np.bincount(workers.residence[up], weights=workers.weight[up],
                       minlength=len(young_rate))


def job_flows(workers: WorkerPopulation, efficiency: np.ndarray, target_units: np.ndarray,
              separation_rate: float, participation: np.ndarray, sector_share: np.ndarray,
              rng: np.random.Generator, employed_units: np.ndarray | None = None,
              force_units: np.ndarray | None = None) -> np.ndarray:
    """Local job search: separations and hires that move employment to the provincial target.

    Each working-age agent supplies weight × participation(age band) × skill efficiency units.
    Employed workers lose their job with the churn rate, plus layoffs where employment exceeds
    the target; unemployed workers are hired with the probability that fills the
    gap to the target (in efficiency units). New hires take a sector in proportion to the
    province's labour demand by sector (`sector_share`, provinces × 3). `employed_units` and
    `force_units` (efficiency units by province, employed and in the labour force) are the
    census's labour aggregates when the caller has them; otherwise they are counted here.
    Returns the indices of agents whose employment changed (separated or hired).
    """
    n_prov = len(target_units)
    res = workers.residence
    factor = (participation[:, None] * efficiency[None, :]).ravel()
    # children and the old hold no job (ageing already clears those turning 65)
    supplies = (factor > 0)[workers.age * np.int8(2) + workers.skill]
    idle = np.flatnonzero(workers.employed & ~supplies)
    workers.employed[idle] = False
    workers.sector[idle] = -1

    def units(idx: np.ndarray) -> np.ndarray:
        return workers.weight[idx] * factor[workers.age[idx] * np.int8(2) + workers.skill[idx]]

    emp = np.flatnonzero(workers.employed)
    if employed_units is None or force_units is None:
        employed_units = np.bincount(res[emp], weights=units(emp), minlength=n_prov)
        everyone = np.arange(workers.n)
        force_units = np.bincount(res, weights=units(everyone), minlength=n_prov)
    was_employed = workers.employed.copy()
    excess = np.maximum(employed_units - target_units, 0.0)
    layoff = np.divide(excess, employed_units, out=np.zeros(n_prov), where=employed_units > 0)
    p_sep = separation_rate + (1.0 - separation_rate) * layoff
    sep = emp[rng.random(emp.size, dtype=np.float32) < p_sep.take(res[emp])]
    workers.employed[sep] = False
    workers.sector[sep] = -1
    employed_units = employed_units - np.bincount(res[sep], weights=units(sep), minlength=n_prov)
    # everyone in the labour force without a job searches
    seekers = np.flatnonzero(supplies & ~workers.employed)
    seeker_units = np.maximum(force_units - employed_units, 0.0)
    gap = np.maximum(target_units - employed_units, 0.0)
    p_hire = np.clip(np.divide(gap, seeker_units, out=np.zeros(n_prov), where=seeker_units > 0),
                     0.0, 1.0)
    idx = seekers[rng.random(seekers.size, dtype=np.float32) < p_hire.take(res[seekers])]
    workers.employed[idx] = True
    if idx.size:
        cum = np.cumsum(sector_share, axis=1)[res[idx]]
        draw = rng.random(idx.size)[:, None]
        workers.sector[idx] = np.minimum((cum < draw).sum(axis=1), 2).astype(np.int8)
    # a separated worker re-hired the same year is back where it started
    return np.concatenate([idle, sep[~workers.employed[sep]], idx[~was_employed[idx]]])
