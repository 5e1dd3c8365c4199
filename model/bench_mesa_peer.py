"""The peer a Mesa user would write: westdev's worker rules as one Mesa agent per worker.

`westdev bench --compare-mesa` times westdev beside this peer (`westdev.bench.time_mesa_peer`).
The peer is written the way a competent Mesa 3 user would write it, not tuned and not slowed:
a `mesa.Model` holding one `PeerWorker` (a `mesa.Agent`) per worker agent, with the worker's
province of residence, hukou province, age band, skill, employment, job sector and weight as
attributes; each year the model computes the provincial totals it needs by looping over its
agents and then lets every agent act through `model.agents.shuffle_do(...)`, drawing from the
model's own `random.Random` (`self.random`). Per agent, in the order westdev's year runs them:

1. demography (`westdev.economy.demography`): move up an age band with probability
   1/band width (leaving any job at 65), die with the band's mortality times the scenario's
   multiplier, and — aged 15–44 — give birth with the province's probability (the crude birth
   rate over persons aged 15–44 at the start of the year); the newborn keeps the parent's
   residence, hukou and weight;
2. jobs (`westdev.economy.agents.workers.job_flows`): an employed worker loses the job with the
   churn rate plus the layoff share where employment exceeds the provincial target; then every
   worker in the labour force without a job is hired with the probability that fills the gap to
   the target (in efficiency units) and takes a sector in proportion to the province's labour
   demand by sector;
3. households (`westdev.economy.households`, `westdev.economy.markets.migration`): a
   working-age worker evaluates the migration logit over the 31 provinces — expected income and
   public services against the moving cost, the age cost, distance, the hukou and portability
   costs, and the western incentive for skilled migrants — and draws where to live next year
   (a mover arrives without a job); a worker living away from the hukou province is granted
   local hukou with the year's grant rate; a low-skill worker upgrades with the province's rate
   for the age band.

The parameters are westdev's own (`Setting.p`, `Setting.tech` and the calibrated
`MigrationModel`), never retyped. What westdev computes from the rest of the economy — the
employment target (firms' labour demand after the wage update, as a share of the labour force
in efficiency units: westdev's wage moves demand towards its own labour force, so a target in
absolute units would leave a peer province whose draws gave it fewer workers short of jobs
and one with more workers with extra unemployment, which lowered the peer's employment rates
by 1–4 points in a first version), labour demand by sector,
migrants' expected income, the public-services index, the policy instruments (migrant access,
portability cost, the skilled-migrant incentive, the hukou settlement, training and education
seats) and the scenario's birth rate and mortality multiplier — is exogenous to the peer:
`record_environment` runs westdev (the same scenario and seed, the same start-year population)
and records them year by year, so both implementations face the same environment.

`regional_aggregates` (westdev) and `peer_aggregates` (the peer) count what is compared:
population and employment rate by region at the end year and net migration into the West over
the period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from unittest import mock

import mesa
import numpy as np

from westdev.economy.agents import workers as wk
from westdev.inputs.regions import REGION_GROUPS

SIGMAS = 4.0  # tolerance of the aggregate check, in standard deviations (see `compare`)
AGGREGATES = tuple([f"population_{g}" for g in REGION_GROUPS]
                   + [f"employment_rate_{g}" for g in REGION_GROUPS]
                   + ["net_migration_west"])


# ---------------------------------------------------------------------- the environment
@dataclass(frozen=True)
class YearEnvironment:
    """What the economy gives the workers in one year (arrays by province)."""

    year: int
    birth_rate_per_1000: float
    mortality_multiplier: float
    # (31,) job_flows' employment target (efficiency units firms employ) over the labour force
    # (efficiency units) it was set against
    employment_target: np.ndarray
    sector_share: np.ndarray  # (31, 3) labour demand by sector, shares
    expected_income: np.ndarray  # (31, 2) migrants' expected income by skill (yuan)
    services: np.ndarray  # (31,) public-services index as migrants weigh it
    migrant_access: float
    portability_cost: float
    skilled_incentive: np.ndarray  # (31,) yearly incentive to skilled migrants (yuan)
    hukou_grant_rate: float
    young_upgrade: np.ndarray  # (31,) yearly upgrade rate of the 15–29
    adult_upgrade: np.ndarray  # (31,) yearly upgrade rate of the 30–64


@dataclass(frozen=True)
class PeerEnvironment:
    """Westdev's start-year workers, its parameters, and the recorded years."""

    start_year: int
    region: np.ndarray  # (31,) index into REGION_GROUPS
    # the start-year worker agents (arrays, as westdev holds them)
    residence: np.ndarray
    hukou: np.ndarray
    age: np.ndarray
    skill: np.ndarray
    employed: np.ndarray
    sector: np.ndarray
    weight: np.ndarray
    # parameters (westdev's Setting and calibrated MigrationModel)
    p_age_up: np.ndarray  # (5,)
    mortality: np.ndarray  # (5,)
    participation: np.ndarray  # (5,)
    efficiency: np.ndarray  # (2,)
    separation_rate: float
    minimum_unemployment: float
    migration: object  # westdev.economy.markets.migration.MigrationModel
    years: tuple[YearEnvironment, ...]

    @property
    def workers(self) -> int:
        return len(self.weight)


def record_environment(model, years: int) -> PeerEnvironment:
    """Step a freshly built westdev model `years` years, recording the workers' environment.

    The employment target, labour demand by sector and the migration logit's inputs are taken
    where westdev hands them to its worker rules (`job_flows` and `MigrationModel.utilities`,
    wrapped for the duration of this run only, as pass-throughs), the rest from the model's
    state after each year."""
    state, setting = model.state, model.setting
    start = state.workers
    env_start = {name: getattr(start, name).copy()
                 for name in ("residence", "hukou", "age", "skill", "employed", "sector", "weight")}
    migration = model.calibrated.migration
    seen: dict = {}
    job_flows, utilities = wk.job_flows, migration.utilities

    def recording_job_flows(workers, efficiency, target_units, separation_rate, participation,
                            sector_share, rng, employed_units, force_units):
        seen["target"] = np.divide(target_units, force_units, out=np.zeros_like(target_units),
                                   where=force_units > 0)
        seen["sector_share"] = sector_share.copy()
        return job_flows(workers, efficiency, target_units, separation_rate, participation,
                         sector_share, rng, employed_units, force_units)

    def recording_utilities(income, services, migrant_access, portability_cost,
                            skilled_incentive, *args, **kwargs):
        seen.update(income=income.copy(), services=services.copy(),
                    migrant_access=float(migrant_access), portability_cost=float(portability_cost),
                    incentive=np.broadcast_to(skilled_incentive, (setting.geo.n,)).copy())
        return utilities(income, services, migrant_access, portability_cost, skilled_incentive,
                         *args, **kwargs)

    p = setting.p
    recorded = []
    migration.utilities = recording_utilities  # this instance only
    try:
        with mock.patch.object(wk, "job_flows", recording_job_flows):
            for _ in range(years):
                seen.clear()
                model.step()
                ex, ins = setting.exogenous(state.year), state.instruments
                recorded.append(YearEnvironment(
                    year=state.year, birth_rate_per_1000=float(ex["birth_rate_per_1000"]),
                    mortality_multiplier=float(ex["mortality_multiplier"]),
                    employment_target=seen["target"], sector_share=seen["sector_share"],
                    expected_income=seen["income"], services=seen["services"],
                    migrant_access=seen["migrant_access"], portability_cost=seen["portability_cost"],
                    skilled_incentive=seen["incentive"],
                    hukou_grant_rate=float(p["demography.hukou_grant_rate"]
                                           * (1 + ins.migrant_access) + ins.hukou_settlement),
                    young_upgrade=np.broadcast_to(ins.young_upgrade, (setting.geo.n,)).copy(),
                    adult_upgrade=np.broadcast_to(ins.adult_upgrade, (setting.geo.n,)).copy()))
    finally:
        del migration.utilities  # back to the class's method
    tech = setting.tech
    return PeerEnvironment(
        start_year=setting.start_year, region=setting.geo.region.copy(), **env_start,
        p_age_up=wk.P_AGE_UP.astype(float), mortality=tech.mortality.copy(),
        participation=tech.participation.copy(), efficiency=tech.efficiency.copy(),
        separation_rate=float(p["labour.separation_rate"]),
        minimum_unemployment=float(p["labour.minimum_unemployment"]),
        migration=migration, years=tuple(recorded))


# ---------------------------------------------------------------------- the Mesa peer
class PeerWorker(mesa.Agent):
    """One worker agent (standing for `weight` persons)."""

    def __init__(self, model: WorkerPeer, province: int, hukou: int, age: int, skill: int,
                 employed: bool, sector: int, weight: float) -> None:
        super().__init__(model)
        self.province = province
        self.hukou = hukou
        self.age = age
        self.skill = skill
        self.employed = employed
        self.sector = sector
        self.weight = weight

    def units(self) -> float:
        """Efficiency units this worker supplies when in the labour force."""
        return self.weight * self.model.participation[self.age] * self.model.efficiency[self.skill]

    # 1. demography
    def demography(self) -> None:
        m = self.model
        if self.random.random() < m.p_age_up[self.age]:
            self.age += 1
            if self.age == 4:  # 65: out of the labour force
                self.employed = False
                self.sector = -1
        if self.random.random() < m.death_probability[self.age]:
            self.remove()
            return
        if self.age in (1, 2) and self.random.random() < m.birth_probability[self.province]:
            PeerWorker(m, self.province, self.hukou, 0, 0, False, -1, self.weight)

    # 2. jobs
    def keep_or_lose_job(self) -> None:
        if self.employed and self.random.random() < self.model.separation[self.province]:
            self.employed = False
            self.sector = -1

    def search_job(self) -> None:
        m = self.model
        if self.employed or m.participation[self.age] == 0.0:
            return
        if self.random.random() < m.hire[self.province]:
            self.employed = True
            draw, cumulative = self.random.random(), 0.0
            shares = m.sector_share[self.province]
            self.sector = len(shares) - 1
            for sector, share in enumerate(shares):
                cumulative += share
                if draw <= cumulative:
                    self.sector = sector
                    break

    # 3. households
    def households(self) -> None:
        m = self.model
        if 1 <= self.age <= 3:
            self.migrate()
        if self.hukou != self.province and self.random.random() < m.hukou_grant_rate:
            self.hukou = self.province
        if self.skill == 0 and self.random.random() < m.upgrade_rate[self.age][self.province]:
            self.skill = 1

    def migrate(self) -> None:
        """Draw next year's province from the logit over the 31 provinces."""
        m = self.model
        home, hukou, n = self.province, self.hukou, m.n
        utility = (m.attraction[self.skill] - m.moving_cost[home]
                   - m.age_cost[self.age - 1] * m.away[home] - m.hukou_penalty * m.away[hukou])
        if self.skill == 1:
            utility = utility + m.skilled_bonus * m.away[hukou]
        weights = np.exp(utility - utility.max())
        cumulative = np.cumsum(weights)
        choice = min(int(np.searchsorted(cumulative, self.random.random() * cumulative[-1])), n - 1)
        if choice != home:
            m.record_move(home, choice, self.weight)
            self.province = choice
            self.employed = False  # a mover searches for a job where it arrives
            self.sector = -1


class WorkerPeer(mesa.Model):
    """Westdev's worker rules, one Mesa agent per worker, in westdev's recorded environment."""

    def __init__(self, env: PeerEnvironment, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.env = env
        self.year = env.start_year
        self.n = n = len(env.region)
        self.p_age_up = env.p_age_up.tolist()
        self.participation = env.participation.tolist()
        self.efficiency = env.efficiency.tolist()
        mig = env.migration
        # the parts of the migration logit that do not change from year to year
        self.away = 1.0 - np.eye(n)  # 1 where a destination is not the origin
        self.moving_cost = self.away * (mig.move_cost + mig.distance_elasticity * mig.income_weight
                                        * mig.log_distance)  # by origin, to each destination
        self.age_cost = mig.age_cost.tolist()
        self.west = [bool(w) for w in mig.west]
        self.net_migration_west = 0.0
        for i in range(env.workers):
            PeerWorker(self, int(env.residence[i]), int(env.hukou[i]), int(env.age[i]),
                       int(env.skill[i]), bool(env.employed[i]), int(env.sector[i]),
                       float(env.weight[i]))

    def record_move(self, origin: int, destination: int, weight: float) -> None:
        self.net_migration_west += weight * (self.west[destination] - self.west[origin])

    def _labour_units(self) -> tuple[list[float], list[float]]:
        """(employed, labour-force) efficiency units by province."""
        employed, force = [0.0] * self.n, [0.0] * self.n
        for worker in self.agents:
            units = worker.units()
            force[worker.province] += units
            if worker.employed:
                employed[worker.province] += units
        return employed, force

    def step(self) -> None:
        env = self.env.years[self.year - self.env.start_year]
        self.year = env.year
        n = self.n
        # 1. demography: birth probability per person aged 15–44 from the crude birth rate
        population, fertile = [0.0] * n, [0.0] * n
        for worker in self.agents:
            population[worker.province] += worker.weight
            if worker.age in (1, 2):
                fertile[worker.province] += worker.weight
        rate = env.birth_rate_per_1000 / 1000.0
        self.birth_probability = [rate * population[i] / fertile[i] if fertile[i] > 0 else 0.0
                                  for i in range(n)]
        self.death_probability = [m * env.mortality_multiplier for m in self.env.mortality]
        self.agents.shuffle_do("demography")

        # 2. jobs: layoffs where employment exceeds the target, then hiring towards it
        employed, force = self._labour_units()
        target = [force[i] * min(env.employment_target[i], 1 - self.env.minimum_unemployment)
                  for i in range(n)]
        churn = self.env.separation_rate
        self.separation = [churn + (1 - churn) * (max(employed[i] - target[i], 0.0) / employed[i]
                                                  if employed[i] > 0 else 0.0)
                           for i in range(n)]
        self.agents.shuffle_do("keep_or_lose_job")
        employed, force = self._labour_units()
        self.hire = []
        for i in range(n):
            seeking = max(force[i] - employed[i], 0.0)
            gap = max(target[i] - employed[i], 0.0)
            self.hire.append(min(gap / seeking, 1.0) if seeking > 0 else 0.0)
        self.sector_share = env.sector_share.tolist()
        self.agents.shuffle_do("search_job")

        # 3. households: the logit's provincial terms of the year, then each worker's choice
        mig = self.env.migration
        b = mig.income_weight
        self.attraction = [b * np.log(env.expected_income[:, s])
                           + mig.public_service_weight * np.log(env.services) + mig.amenity
                           for s in (0, 1)]
        self.hukou_penalty = mig.hukou_cost * (1 - env.migrant_access) + env.portability_cost
        self.skilled_bonus = np.array([b * math.log1p(env.skilled_incentive[d]
                                                      / env.expected_income[d, 1])
                                       if self.west[d] else 0.0 for d in range(n)])
        self.hukou_grant_rate = env.hukou_grant_rate
        young, adult = env.young_upgrade.tolist(), env.adult_upgrade.tolist()
        self.upgrade_rate = [[0.0] * n, young, adult, adult, [0.0] * n]
        self.agents.shuffle_do("households")


# ---------------------------------------------------------------------- what is compared
def _by_region(region: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(region, weights=values, minlength=len(REGION_GROUPS))


def _aggregates(region, residence, age, employed, weight, participation, net_west) -> dict:
    groups = region[residence]
    persons = weight * participation[age]
    population = _by_region(groups, weight)
    force = _by_region(groups, persons)
    rate = np.divide(_by_region(groups, persons * employed), force, out=np.zeros_like(force),
                     where=force > 0)
    out = {f"population_{g}": float(population[i]) for i, g in enumerate(REGION_GROUPS)}
    out.update({f"employment_rate_{g}": float(rate[i]) for i, g in enumerate(REGION_GROUPS)})
    out["net_migration_west"] = float(net_west)
    return out


def regional_aggregates(model) -> dict:
    """Westdev's aggregates: population and employment rate (employed over labour-force
    persons) by region at the current year, net migration into the West since the start."""
    w, geo = model.state.workers, model.setting.geo
    net = sum(float(flows) for flows in _recorded(model, "net_migration_10k", "West")) * 1e4
    return _aggregates(geo.region, w.residence, w.age, w.employed, w.weight,
                       model.setting.tech.participation, net)


def _recorded(model, indicator: str, area: str) -> list[float]:
    """The recorder's values of one indicator and area, stepped years only."""
    df = model.recorder.to_frame()
    rows = df[(df.indicator == indicator) & (df.area == area)
              & (df.year > model.setting.start_year)]
    return rows.value.tolist()


def peer_aggregates(peer: WorkerPeer) -> dict:
    """The same aggregates for the Mesa peer."""
    agents = list(peer.agents)
    arrays = [np.array([getattr(a, name) for a in agents])
              for name in ("province", "age", "employed", "weight")]
    return _aggregates(peer.env.region, arrays[0], arrays[1], arrays[2].astype(float), arrays[3],
                       peer.env.participation, peer.net_migration_west)


def compare(peer_runs: list[dict], westdev_reference: dict, westdev_seeds: list[dict],
            sigmas: float = SIGMAS) -> dict:
    """Peer (mean over its runs) against the westdev run whose environment it faced.

    The tolerance of each aggregate is `sigmas` standard deviations of the difference, the
    standard deviation taken from westdev's spread over seeds (`westdev_seeds`, the reference
    run among them): a seed redraws the start-year population and every feedback of the economy
    as well as the workers' own draws, so it bounds the peer's draw noise from above.
    sd(difference) = sd_seeds · sqrt(1 + 1/k) for the mean of k peer runs. With the standard
    deviation estimated from m ≥ 6 seeds, a correct peer exceeds 4 of them with probability at
    most P(|t_5| > 4) ≈ 0.01 per aggregate."""
    k = len(peer_runs)
    out, passed = {}, True
    for name in AGGREGATES:
        peer = float(np.mean([r[name] for r in peer_runs]))
        sd = float(np.std([r[name] for r in westdev_seeds], ddof=1))
        tolerance = sigmas * sd * math.sqrt(1 + 1 / k)
        difference = peer - westdev_reference[name]
        ok = abs(difference) <= tolerance
        passed &= ok
        out[name] = {"westdev": round(westdev_reference[name], 4), "peer": round(peer, 4),
                     "difference": round(difference, 4), "tolerance": round(tolerance, 4),
                     "ok": bool(ok)}
    return {"aggregates": out, "passed": bool(passed), "sigmas": sigmas,
            "westdev_seeds": len(westdev_seeds), "peer_runs": k}
