"""Worker rules (westdev.economy.agents.workers): ageing, deaths, births, skills, job flows.

The rules draw from a numpy Generator; tests seed it and use many agents, so shares come out close
to their probabilities. Expected values are worked by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pytest

from westdev.economy.agents.workers import (
    Census,
    WorkerPopulation,
    age,
    births,
    census_counts,
    deaths,
    job_flows,
    take_census,
    update_census,
    upgrade_skills,
)


def _pop(n: int, rng: np.random.Generator, n_prov: int = 3, ages=None,
         employed_share: float = 0.5) -> WorkerPopulation:
    a = rng.integers(0, 5, n).astype(np.int8) if ages is None else np.asarray(ages, np.int8)
    emp = (rng.random(n) < employed_share) & (a >= 1) & (a <= 3)
    return WorkerPopulation(
        residence=rng.integers(0, n_prov, n).astype(np.int16),
        hukou=rng.integers(0, n_prov, n).astype(np.int16),
        age=a,
        skill=rng.integers(0, 2, n).astype(np.int8),
        employed=emp,
        sector=np.where(emp, rng.integers(0, 3, n), -1).astype(np.int8),
        weight=rng.uniform(100.0, 1000.0, n),
    )


# ---------------------------------------------------------------------------------------------
# age
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("band, width", [(0, 15.0), (1, 15.0), (2, 15.0), (3, 20.0)])
def test_age_share_moving_up_is_one_over_width(band, width):
    n = 200_000
    w = _pop(n, np.random.default_rng(0), ages=np.full(n, band))
    age(w, np.random.default_rng(1))
    share = (w.age == band + 1).mean()
    # expected 1/15 = 0.0667 or 1/20 = 0.05; sd = sqrt(p(1−p)/n) ≤ sqrt(0.0622/2e5) = 0.00056
    assert share == pytest.approx(1.0 / width, abs=0.003)
    assert set(np.unique(w.age)) <= {band, band + 1}


def test_age_nobody_skips_and_65_plus_stays():
    rng = np.random.default_rng(2)
    w = _pop(100_000, rng)
    before = w.age.copy()
    age(w, np.random.default_rng(3))
    step = w.age.astype(int) - before.astype(int)
    assert set(np.unique(step)) <= {0, 1}
    # band 4 (65+) has width ∞ ⇒ p_up = 1/∞ = 0
    assert (w.age[before == 4] == 4).all()
    assert w.age.max() == 4


def test_people_turning_65_lose_their_job():
    n = 100_000
    rng = np.random.default_rng(4)
    w = _pop(n, rng, ages=np.full(n, 3), employed_share=1.0)
    assert w.employed.all()
    age(w, np.random.default_rng(5))
    turned = w.age == 4
    assert turned.sum() > 0
    assert not w.employed[turned].any()
    assert (w.sector[turned] == -1).all()
    # the others (still 45–64) keep their jobs and sectors
    assert w.employed[~turned].all()
    assert (w.sector[~turned] >= 0).all()


# ---------------------------------------------------------------------------------------------
# deaths
# ---------------------------------------------------------------------------------------------

MORTALITY = np.array([0.002, 0.01, 0.03, 0.1, 0.5])


def test_deaths_weight_removed_equals_returned_dead_weight():
    w = _pop(50_000, np.random.default_rng(6))
    total_before, n_before = w.weight.sum(), w.n
    weights_before = w.weight.copy()
    dead = deaths(w, MORTALITY, np.random.default_rng(7))
    assert dead.n > 0
    # total people conserved: after = before − dead
    assert w.weight.sum() == pytest.approx(total_before - dead.weight.sum(), rel=1e-12)
    assert w.n == n_before - dead.n
    # survivors and the dead partition the agents (weights are all distinct)
    np.testing.assert_array_equal(np.sort(np.concatenate([w.weight, dead.weight])),
                                  np.sort(weights_before))
    np.testing.assert_allclose(dead.population(3).sum(), dead.weight.sum())


def test_deaths_share_by_band_and_bounds():
    n = 200_000
    w = _pop(n, np.random.default_rng(8), ages=np.full(n, 4))
    dead = deaths(w, MORTALITY, np.random.default_rng(9))
    # 65+ mortality 0.5 ⇒ about half the agents die (sd 0.0011)
    assert dead.n / n == pytest.approx(0.5, abs=0.006)
    assert (dead.age == 4).all()
    w = _pop(1000, np.random.default_rng(10))
    assert deaths(w, np.zeros(5), np.random.default_rng(0)).n == 0 and w.n == 1000
    deaths(w, np.ones(5), np.random.default_rng(0))  # probability 1: everyone dies
    assert w.n == 0


# ---------------------------------------------------------------------------------------------
# births
# ---------------------------------------------------------------------------------------------


def test_births_newborns_inherit_and_start_at_zero():
    rng = np.random.default_rng(13)
    w = _pop(10_000, rng, n_prov=2)
    before = {k: getattr(w, k).copy() for k in w.__dataclass_fields__}
    n0 = w.n
    # probability 1 in province 0, 0 in province 1: every person aged 15–44 (bands 1, 2)
    # resident in province 0 has exactly one child, nobody else
    parents = np.flatnonzero(((before["age"] == 1) | (before["age"] == 2))
                             & (before["residence"] == 0))
    born = births(w, np.array([1.0, 0.0]), np.random.default_rng(14))
    # returned: births by province (persons) = the parents' weights in province 0, none in 1
    assert born[0] == pytest.approx(before["weight"][parents].sum()) and born[1] == 0.0
    assert w.n == n0 + parents.size > n0
    new = slice(n0, None)
    np.testing.assert_array_equal(w.residence[new], before["residence"][parents])
    np.testing.assert_array_equal(w.hukou[new], before["hukou"][parents])
    np.testing.assert_array_equal(w.weight[new], before["weight"][parents])
    assert (w.age[new] == 0).all() and (w.skill[new] == 0).all()
    assert not w.employed[new].any() and (w.sector[new] == -1).all()
    # the existing agents are untouched
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(w, k)[:n0], v)


def test_births_share_and_zero_probability():
    n = 200_000
    w = _pop(n, np.random.default_rng(15), n_prov=1, ages=np.full(n, 1))
    born_persons = births(w, np.array([0.02]), np.random.default_rng(16))
    born = w.n - n  # newborn agents
    # expected 0.02 · 200000 = 4000, sd = sqrt(200000 · 0.02 · 0.98) = 63
    assert abs(born - 4000) < 300
    assert born_persons[0] == pytest.approx(w.weight[n:].sum())
    w = _pop(1000, np.random.default_rng(17))
    assert births(w, np.zeros(3), np.random.default_rng(0)).sum() == 0 and w.n == 1000


# ---------------------------------------------------------------------------------------------
# upgrade_skills
# ---------------------------------------------------------------------------------------------


def test_upgrade_skills_only_low_skill_of_the_right_ages():
    w = _pop(20_000, np.random.default_rng(18))
    a, s, r, wt = w.age.copy(), w.skill.copy(), w.residence.copy(), w.weight.copy()
    up = upgrade_skills(w, young_rate=np.ones(3), adult_rate=np.zeros(3),
                        rng=np.random.default_rng(19))
    # young rate 1, adult rate 0: exactly the low-skill 15–29 year olds upgrade
    target = (s == 0) & (a == 1)
    np.testing.assert_array_equal(w.skill, np.where(target, 1, s))
    np.testing.assert_allclose(up, np.bincount(r[target], weights=wt[target], minlength=3))

    w = _pop(20_000, np.random.default_rng(20))
    a, s = w.age.copy(), w.skill.copy()
    upgrade_skills(w, young_rate=np.zeros(3), adult_rate=np.ones(3), rng=np.random.default_rng(21))
    # adult rate 1: exactly the low-skill 30–64 year olds; children and 65+ never
    target = (s == 0) & ((a == 2) | (a == 3))
    np.testing.assert_array_equal(w.skill, np.where(target, 1, s))


def test_upgrade_skills_rate_by_residence():
    n = 200_000
    w = _pop(n, np.random.default_rng(22), n_prov=2, ages=np.full(n, 1))
    w.skill[:] = 0
    res = w.residence.copy()
    upgrade_skills(w, np.array([0.1, 0.0]), np.array([1.0, 1.0]), np.random.default_rng(23))
    # province 0: share ≈ 0.1 (sd 0.001); province 1: rate 0 ⇒ nobody
    assert w.skill[res == 0].mean() == pytest.approx(0.1, abs=0.005)
    assert w.skill[res == 1].sum() == 0


# ---------------------------------------------------------------------------------------------
# job_flows
# ---------------------------------------------------------------------------------------------

PARTICIPATION = np.array([0.0, 0.7, 0.9, 0.6, 0.0])
EFFICIENCY = np.array([1.0, 1.6])
SHARES = np.array([[0.2, 0.3, 0.5], [0.0, 0.0, 1.0]])


def _employed_units(w: WorkerPopulation, n_prov: int = 2) -> np.ndarray:
    units = w.weight * PARTICIPATION[w.age] * EFFICIENCY[w.skill]
    return np.bincount(w.residence, weights=np.where(w.employed, units, 0.0), minlength=n_prov)


def test_job_flows_target_equal_to_employment_without_churn_changes_nothing():
    w = _pop(20_000, np.random.default_rng(24), n_prov=2)
    emp, sec = w.employed.copy(), w.sector.copy()
    target = _employed_units(w)
    job_flows(w, EFFICIENCY, target, 0.0, PARTICIPATION, SHARES, np.random.default_rng(25))
    # no churn, no excess (layoff 0), no gap (hiring probability 0)
    np.testing.assert_array_equal(w.employed, emp)
    np.testing.assert_array_equal(w.sector, sec)


def test_job_flows_target_equal_to_employment_with_churn():
    w = _pop(100_000, np.random.default_rng(26), n_prov=2)
    emp = w.employed.copy()
    target = _employed_units(w)
    job_flows(w, EFFICIENCY, target, 0.1, PARTICIPATION, SHARES, np.random.default_rng(27))
    # 10 % separate, then the gap (≈ 10 % of the target) is refilled from the seekers
    np.testing.assert_allclose(_employed_units(w), target, rtol=0.02)
    # share of the employed who still hold a job: 0.9 + 0.1 · p_hire, p_hire ≈ 0.1·E/seekers
    kept = w.employed[emp].mean()
    assert 0.885 < kept < 0.96


def test_job_flows_target_zero_lays_everyone_off():
    w = _pop(20_000, np.random.default_rng(28), n_prov=2)
    assert w.employed.any()
    job_flows(w, EFFICIENCY, np.zeros(2), 0.05, PARTICIPATION, SHARES, np.random.default_rng(29))
    # excess = E − 0 = E ⇒ layoff share 1 ⇒ p_sep = s + (1 − s) · 1 = 1; gap 0 ⇒ no hires
    assert not w.employed.any()
    assert (w.sector == -1).all()


def test_job_flows_new_hires_follow_sector_share_and_only_working_age():
    w = _pop(100_000, np.random.default_rng(30), n_prov=2)
    w.employed[:] = False
    w.sector[:] = -1
    # make some children and 65+ wrongly 'employed': the rule must clear them
    wrong = np.flatnonzero((w.age == 0) | (w.age == 4))[:500]
    w.employed[wrong] = True
    w.sector[wrong] = 1
    # target above all supply ⇒ p_hire = min(gap/seekers, 1) = 1 ⇒ every working-age agent hired
    job_flows(w, EFFICIENCY, np.full(2, 1e12), 0.0, PARTICIPATION, SHARES,
              np.random.default_rng(31))
    working = (w.age >= 1) & (w.age <= 3)
    assert w.employed[working].all()
    assert not w.employed[~working].any()
    assert (w.sector[~working] == -1).all()
    s0 = w.sector[working & (w.residence == 0)]
    # province 0 shares 0.2 / 0.3 / 0.5 (about 30 000 hires, sd ≤ 0.003)
    np.testing.assert_allclose(np.bincount(s0, minlength=3) / s0.size, SHARES[0], atol=0.015)
    # province 1: all demand in services
    assert (w.sector[working & (w.residence == 1)] == 2).all()


def test_a_cell_that_empties_by_difference_holds_exactly_zero_people():
    """Adding and removing agents whose weights do not sum exactly in floating point leaves
    rounding residue; the census settles it to zero, never to a negative head count (a
    negative skilled share raised to a power was NaN: issue 14)."""
    one = np.ones(1, dtype=np.int16)
    weights = np.array([0.1, 0.2, 0.3 + 1e-17])
    census = take_census_from_counts(census_counts(2, weights, np.repeat(one, 3),
                                                   np.repeat(one, 3), np.full(3, 2),
                                                   np.ones(3, np.int8), np.ones(3, bool)))
    for w in weights[::-1]:  # remove them one at a time, in another order than they came
        census = update_census(census, minus=census_counts(2, np.array([w]), one, one,
                                                           np.array([2]), np.ones(1, np.int8),
                                                           np.ones(1, bool)))
    assert (census.table >= 0).all() and census.table.sum() == 0.0
    assert (census.by_hukou >= 0).all() and census.by_hukou.sum() == 0.0
    assert census.skilled_working[1] == 0.0


def take_census_from_counts(counts):
    table, by_hukou = counts
    return Census(table=table, by_hukou=by_hukou)


def test_census_labour_aggregates_are_the_agents_own():
    """The census's labour aggregates equal the sums over the agents: persons in the labour
    force = weight × participation of the age band; efficiency units × the skill's
    efficiency; employed ones over employed agents only."""
    rng = np.random.default_rng(12)
    w = _pop(4_000, rng, n_prov=4)
    participation = np.array([0.0, 0.6, 0.9, 0.7, 0.0])
    efficiency = np.array([1.0, 1.8])
    census = take_census(w, 4)
    lab = census.labour(participation, efficiency)
    persons = w.weight * participation[w.age]
    units = persons * efficiency[w.skill]
    for name, per_agent, who in (("force_persons", persons, np.ones(w.n, bool)),
                                 ("force_units", units, np.ones(w.n, bool)),
                                 ("employed_persons", persons, w.employed),
                                 ("employed_units", units, w.employed)):
        np.testing.assert_allclose(lab[name], np.bincount(w.residence[who], weights=per_agent[who],
                                                          minlength=4), rtol=1e-12)
