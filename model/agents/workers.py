"""Workers and households: a weighted agent population stored as structure of arrays.

Each row is one person-agent standing for `weight` residents. Age bands: 0 = 0–14, 1 = 15–29,
2 = 30–44, 3 = 45–64, 4 = 65+; bands 1–3 are of working age. Skill 0 = low, 1 = high (tertiary);
a high-skill worker supplies `labour.skill_premium` efficiency units. Rules act on whole arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AGE_BANDS: tuple[str, ...] = ("0-14", "15-29", "30-44", "45-64", "65+")
AGE_WIDTH = np.array([15.0, 15.0, 15.0, 20.0, np.inf])
WORKING = np.array([False, True, True, True, False])
N_BANDS = len(AGE_BANDS)


@dataclass
class WorkerPopulation:
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

    def keep(self, mask: np.ndarray) -> None:
        """Drop the agents where `mask` is False (deaths)."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name)[mask])

    def append(self, other: WorkerPopulation) -> None:
        """Add newborn agents."""
        for name in self.__dataclass_fields__:
            setattr(self, name, np.concatenate([getattr(self, name), getattr(other, name)]))

    def population(self, n_provinces: int) -> np.ndarray:
        """Residents per province (persons)."""
        return np.bincount(self.residence, weights=self.weight, minlength=n_provinces)

    def working_age(self) -> np.ndarray:
        return WORKING[self.age]


def age(workers: WorkerPopulation, rng: np.random.Generator) -> None:
    """Move each person to the next band with probability 1/width of the band (a yearly step)."""
    p_up = 1.0 / AGE_WIDTH[workers.age]
    up = rng.random(workers.n, dtype=np.float32) < p_up
    workers.age = workers.age + up.astype(np.int8)
    # people reaching 65 leave the labour force
    retired = up & (workers.age == 4)
    workers.employed[retired] = False
    workers.sector[retired] = -1


def deaths(workers: WorkerPopulation, mortality: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Remove agents dying this year (age-specific yearly probability).

    Returns, in the agents' order before removal, the weight of each agent that died (0 for
    survivors); sum it by residence for deaths by province."""
    dies = rng.random(workers.n, dtype=np.float32) < mortality[workers.age]
    dead_weight = np.where(dies, workers.weight, 0.0)
    workers.keep(~dies)
    return dead_weight


def births(workers: WorkerPopulation, birth_prob: np.ndarray, rng: np.random.Generator) -> int:
    """Newborn agents: each person aged 15–44 gives birth with a province-specific probability.

    The newborn inherits residence, hukou and weight of the parent agent (children of migrants
    keep their parents' hukou, as under China's registration rules).
    """
    fertile = (workers.age == 1) | (workers.age == 2)
    p = np.where(fertile, birth_prob[workers.residence], 0.0)
    born = rng.random(workers.n, dtype=np.float32) < p
    idx = np.flatnonzero(born)
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
    return int(idx.size)


def upgrade_skills(workers: WorkerPopulation, young_rate: np.ndarray, adult_rate: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """Low-skill people become high-skill: the young through higher education and vocational
    seats (`young_rate` by province of residence), working adults through training
    (`adult_rate`). Returns the upgraded persons by province."""
    low = workers.skill == 0
    rate = np.where(workers.age == 1, young_rate[workers.residence],
                    np.where((workers.age == 2) | (workers.age == 3),
                             adult_rate[workers.residence], 0.0))
    up = low & (rng.random(workers.n, dtype=np.float32) < rate)
    workers.skill[up] = 1
    return np.bincount(workers.residence[up], weights=workers.weight[up],
                       minlength=len(young_rate))


def job_flows(workers: WorkerPopulation, efficiency: np.ndarray, target_units: np.ndarray,
              separation_rate: float, participation: np.ndarray, sector_share: np.ndarray,
              rng: np.random.Generator) -> None:
    """Local job search: separations and hires that move employment to the provincial target.

    Each working-age agent supplies weight × participation(age band) × skill efficiency units.
    Employed workers lose their job with the churn rate, plus layoffs where employment exceeds
    the target; unemployed workers are hired with the probability that fills the
    gap to the target (in efficiency units). New hires take a sector in proportion to the
    province's labour demand by sector (`sector_share`, provinces × 3).
    """
    n_prov = len(target_units)
    res = workers.residence
    # each working-age agent supplies its participating share of its weight (band rate)
    units = workers.weight * participation[workers.age] * efficiency[workers.skill]
    in_force = workers.working_age()
    workers.employed &= in_force
    employed_units = np.bincount(res, weights=np.where(workers.employed, units, 0.0),
                                 minlength=n_prov)
    excess = np.maximum(employed_units - target_units, 0.0)
    layoff = np.divide(excess, employed_units, out=np.zeros(n_prov), where=employed_units > 0)
    p_sep = separation_rate + (1.0 - separation_rate) * layoff
    sep = workers.employed & (rng.random(workers.n, dtype=np.float32) < p_sep[res])
    workers.employed[sep] = False
    employed_units = np.bincount(res, weights=np.where(workers.employed, units, 0.0),
                                 minlength=n_prov)
    seekers = in_force & ~workers.employed
    seeker_units = np.bincount(res, weights=np.where(seekers, units, 0.0), minlength=n_prov)
    gap = np.maximum(target_units - employed_units, 0.0)
    p_hire = np.clip(np.divide(gap, seeker_units, out=np.zeros(n_prov), where=seeker_units > 0),
                     0.0, 1.0)
    u = rng.random(workers.n, dtype=np.float32)
    hired = seekers & (u < p_hire[res])
    workers.employed[hired] = True
    idx = np.flatnonzero(hired)
    if idx.size:
        cum = np.cumsum(sector_share, axis=1)[res[idx]]
        draw = rng.random(idx.size)[:, None]
        workers.sector[idx] = np.minimum((cum < draw).sum(axis=1), 2).astype(np.int8)
    workers.sector[~workers.employed] = -1
