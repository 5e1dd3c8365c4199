"""Step 1, demography: ageing, deaths and births of the worker agents, and the census.

Deaths follow age-specific rates (`demography.mortality_*`) times the scenario's mortality
multiplier; births follow the scenario's crude birth rate, spread over persons aged 15–44. The
census is kept up to date by difference over the agents that age, die or are born.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents import workers as wk
from westdev.economy.state import EconomyState, Setting


def take_census(state: EconomyState, setting: Setting) -> None:
    """Recount the workers (the start year; tests compare the running census to it)."""
    state.census = wk.take_census(state.workers, setting.geo.n)
    state.labour_census = state.census.labour(setting.tech.participation,
                                              setting.tech.efficiency)


def labour_units(state: EconomyState) -> tuple[np.ndarray, np.ndarray]:
    """(employed efficiency units, labour-force units) by province, from the census."""
    lab = state.labour_census
    return lab["employed_units"], lab["force_units"]


def expected_natural_change(state: EconomyState, setting: Setting,
                            ex: dict) -> tuple[np.ndarray, np.ndarray]:
    """Expected (births, deaths) by province this year at the census's age structure (persons)."""
    pop = state.census.population
    by_age = state.census.table.sum(axis=(2, 3, 4))
    deaths = (by_age * setting.tech.mortality[None, :]).sum(axis=1) * ex["mortality_multiplier"]
    births = ex["birth_rate_per_1000"] / 1000.0 * pop
    return births, deaths


def birth_probability(state: EconomyState, birth_rate_per_1000: float, n: int) -> np.ndarray:
    """Yearly birth probability per person aged 15–44, from the crude birth rate."""
    pop = state.census.population
    fertile = state.census.band(1, 2)
    return np.divide(birth_rate_per_1000 / 1000.0 * pop, fertile, out=np.zeros(n),
                     where=fertile > 0)


def demography(state: EconomyState, setting: Setting, ex: dict,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Ageing, deaths and births. Returns (births, deaths) by province, persons."""
    n, w, tech = setting.geo.n, state.workers, setting.tech
    # births per person aged 15–44 from the crude birth rate and last year's age structure
    birth_prob = birth_probability(state, ex["birth_rate_per_1000"], n)
    # the census is updated by difference: only agents that age, die or are born change it
    aged, was_employed = wk.age(w, rng)
    # who aged, as they were and as they are (a person retiring at 65 leaves employment)
    aged_before = wk.census_counts(n, w.weight[aged], w.residence[aged], w.hukou[aged],
                                   w.age[aged] - 1, w.skill[aged], was_employed)
    aged_after = wk.census_counts(n, w.weight[aged], w.residence[aged], w.hukou[aged],
                                  w.age[aged], w.skill[aged], w.employed[aged])
    dead = wk.deaths(w, tech.mortality * ex["mortality_multiplier"], rng)
    deaths = dead.population(n)
    died = wk.counts_of(dead, n)
    n_before = w.n
    births = wk.births(w, birth_prob, rng)
    new = slice(n_before, None)
    born = wk.census_counts(n, w.weight[new], w.residence[new], w.hukou[new], w.age[new],
                            w.skill[new], w.employed[new])
    # one update of the census: out go the aged as they were and the dead, in the aged as
    # they are and the newborn
    census = wk.update_census(state.census,
                              minus=(aged_before[0] + died[0], aged_before[1] + died[1]),
                              plus=(aged_after[0] + born[0], aged_after[1] + born[1]))
    state.census = census
    state.labour_census = census.labour(tech.participation, tech.efficiency)
    return births, deaths
