"""Initial states as vintages: CN2019 (projections) and CN2000 (back-casts).

An initial state is the observed economy of its year turned into agents: 31 provinces with their
stocks, a weighted worker population and a weighted firm population whose value added, by
province and sector, equals the data. Whatever the data do not give is a proxy or a parameter,
documented where it is built (and in docs/ODD.md §7, "Input data").

All money is in 100m yuan (亿元) at 2019 prices, converted with one national deflator.

May import: ``westdev.errors``, ``westdev.policy.catalogue`` and the agent populations
``westdev.economy.agents`` that the start year is built as (the one import of the economy from
the inputs layer).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

import numpy as np

from westdev.economy.agents.firms import FirmPopulation
from westdev.economy.agents.workers import N_BANDS, WorkerPopulation
from westdev.errors import InputError
from westdev.inputs.datasets import ProvincialData, load_provincial_data
from westdev.inputs.parameters import Parameters
from westdev.inputs.regions import Geography, build_geography
from westdev.inputs.resolution import Resolution

VINTAGES = {"CN2019": 2019, "CN2000": 2000}


@dataclass
class ObservedEconomy:
    """The data of the start year, per province (arrays of 31), in 2019 prices."""

    year: int
    gdp: np.ndarray  # 100m yuan, 2019 prices
    population: np.ndarray  # persons (year-end)
    population_growth: np.ndarray  # mean yearly growth of the 4 years before (share)
    sector_share: np.ndarray  # (31, 3) value-added shares: agriculture, industry, services
    capital: np.ndarray  # total fixed capital, 100m yuan 2019 prices
    income_pc: np.ndarray  # disposable income per head, yuan 2019 prices
    consumption_pc: np.ndarray  # consumption per head, yuan 2019 prices
    budget_expenditure: np.ndarray  # 100m yuan, 2019 prices
    tax_revenue: np.ndarray  # local tax revenue, 100m yuan, 2019 prices
    network_km: np.ndarray  # (31, 3) highway, expressway, railway lengths, km
    urbanisation: np.ndarray  # share
    share_65plus: np.ndarray  # share of residents aged 65+
    trade_to_gdp: np.ndarray  # goods trade / GDP
    gfcf: np.ndarray  # gross fixed capital formation, 100m yuan 2019 prices
    deflator: float  # national GDP deflator, start year relative to 2019
    proxies: tuple[str, ...]  # which inputs are proxies for this vintage


def national_deflator(data: ProvincialData, year: int) -> float:
    """National GDP deflator of `year` relative to 2019 (2019 = 1).

    From 2005 on: nominal growth of the sum of provincial GDP over its real growth (the
    GDP-weighted provincial real indices). Before 2005, when the data have no real index: the
    GDP-weighted investment price index stands in (a documented proxy).
    """
    if year == 2019:
        return 1.0
    deflator = 1.0
    for t in range(2019, year, -1):
        gdp_t = data.value("gdp_100m_yuan", t)
        gdp_prev = data.value("gdp_100m_yuan", t - 1)
        index = (data.value("gdp_index_prev_year_100", t, allow_missing=True)
                 if t in data.series("gdp_index_prev_year_100").index else None)
        if index is not None and np.isfinite(index).sum() >= 25:
            # provinces without an index in a year (Beijing 2015–2019) are left out of both sums
            ok = np.isfinite(index)
            real_growth = np.sum(gdp_prev[ok] * index[ok] / 100.0) / gdp_prev[ok].sum()
            price_growth = (gdp_t[ok].sum() / gdp_prev[ok].sum()) / real_growth
        else:
            ipi_t = data.value("investment_price_index", t)
            ipi_prev = data.value("investment_price_index", t - 1)
            price_growth = float(np.sum(gdp_t * ipi_t / ipi_prev) / gdp_t.sum())
        deflator /= price_growth
    return float(deflator)


def _first_year(data: ProvincialData, variable: str, year: int) -> int:
    years = [y for y in data.years(variable) if y >= year]
    if not years:
        raise InputError(f"no year at or after {year}", field=variable)
    return min(years)


def observe(data: ProvincialData, year: int) -> ObservedEconomy:
    """Collect the start-year data; use documented proxies where the year is not covered."""
    proxies: list[str] = []
    d = national_deflator(data, year)
    gdp_nom = data.value("gdp_100m_yuan", year)
    gdp = gdp_nom / d
    pop = data.value("population_10k", year) * 1e4
    pop_before = data.value("population_10k", max(year - 4, 2000)) * 1e4
    span = max(year - max(year - 4, 2000), 1)
    growth = (pop / pop_before) ** (1.0 / span) - 1.0 if year > 2000 else np.zeros_like(pop)
    if year == 2000:
        # 2000–2004 population mixes hukou and resident bases (data README): use 2000–2004 trend
        growth = (data.value("population_10k", 2004) / data.value("population_10k", 2000)) ** 0.25 - 1.0
        proxies.append("population growth 2000–2004 used for the start year's migration target")

    sec = data.value("va_secondary_share", year)
    ter = data.value("va_tertiary_share", year)
    agri = np.maximum(1.0 - sec - ter, 0.003)  # Beijing's residual is negative in some years
    shares = np.column_stack([agri, sec, ter])
    shares /= shares.sum(axis=1, keepdims=True)

    capital = (data.value("capital_stock_2000prices_100m_yuan", year)
               * data.value("investment_price_index", 2019) / data.value("investment_price_index", 2000))

    # Disposable income: NBS provincial series from 2013; before, the 2013 income/GDP ratio of
    # each province applied to the start year's GDP per head (proxy).
    if data.has("disposable_income_pc", year):
        income_nom = data.value("disposable_income_pc", year)
    else:
        ratio = data.value("disposable_income_pc", 2013) / (
            data.value("gdp_100m_yuan", 2013) * 1e8 / (data.value("population_10k", 2013) * 1e4))
        income_nom = ratio * gdp_nom * 1e8 / pop
        proxies.append("disposable income: 2013 income/GDP-per-head ratio × start-year GDP per head")
    if data.has("consumption_pc", year):
        cons_ratio = data.value("consumption_pc", year) / data.value("disposable_income_pc", year)
    else:
        cons_ratio = data.value("consumption_pc", 2019) / data.value("disposable_income_pc", 2019)
        proxies.append("consumption: 2019 consumption/income ratio")
    income = income_nom / d

    def scaled_from(variable: str, label: str) -> np.ndarray:
        if data.has(variable, year):
            return data.value(variable, year)
        y1 = _first_year(data, variable, year)
        proxies.append(f"{label}: {y1} value scaled by nominal GDP {year}/{y1}")
        return data.value(variable, y1) * gdp_nom / data.value("gdp_100m_yuan", y1)

    if data.has("budget_expenditure_100m_yuan", year):
        spend_nom = data.value("budget_expenditure_100m_yuan", year)
    elif data.has("fiscal_expenditure_100m_yuan", year):
        spend_nom = data.value("fiscal_expenditure_100m_yuan", year)
    else:
        spend_nom = scaled_from("fiscal_expenditure_100m_yuan", "budget expenditure")
    tax_nom = scaled_from("tax_revenue_100m_yuan", "tax revenue")

    lengths = []
    for var in ("highway_length_km", "expressway_length_km", "railway_operating_length_km"):
        if data.has(var, year):
            lengths.append(data.value(var, year))
        else:
            # before 2005 (and for highways before the 2006 redefinition) the network is scaled
            # back from 2006 with the square root of the capital-stock ratio (proxy)
            ref = 2006
            k_ratio = (data.value("capital_stock_2000prices_100m_yuan", year)
                       / data.value("capital_stock_2000prices_100m_yuan", ref))
            lengths.append(np.nan_to_num(data.value(var, ref, allow_missing=True)) * np.sqrt(k_ratio))
            proxies.append(f"{var}: 2006 length × sqrt(capital ratio)")
    network = np.column_stack(lengths)

    def shape_from(variable: str, label: str) -> np.ndarray:
        if data.has(variable, year):
            return data.value(variable, year)
        y1 = _first_year(data, variable, year)
        proxies.append(f"{label}: {y1} cross-section")
        return data.value(variable, y1)

    urban = shape_from("urbanisation_rate_pct", "urbanisation") / 100.0
    old = shape_from("share_65plus", "share aged 65+")

    if data.has("trade_total_100m_yuan", year):
        trade = data.value("trade_total_100m_yuan", year) / gdp_nom
    else:
        y1 = _first_year(data, "trade_total_100m_yuan", year)
        trade = data.value("trade_total_100m_yuan", y1) / data.value("gdp_100m_yuan", y1)
        proxies.append(f"trade/GDP: {y1} ratio")

    gfcf = data.value("gfcf_100m_yuan", year) / d
    if year >= 2018:
        proxies.append("gross fixed capital formation 2018–2019: package extrapolation (FAI growth)")

    return ObservedEconomy(
        gfcf=gfcf, year=year, gdp=gdp, population=pop, population_growth=growth, sector_share=shares,
        capital=capital, income_pc=income, consumption_pc=income * cons_ratio,
        budget_expenditure=spend_nom / d, tax_revenue=tax_nom / d, network_km=network,
        urbanisation=urban, share_65plus=old, trade_to_gdp=trade, deflator=d,
        proxies=tuple(dict.fromkeys(proxies)),
    )


def allocate_agents(total: int, shares: np.ndarray, floor: int) -> np.ndarray:
    """Agent counts proportional to `shares`, at least `floor` each (largest remainders)."""
    raw = shares / shares.sum() * max(total - floor * len(shares), 0)
    counts = np.floor(raw).astype(np.int64)
    remainder = int(max(total - floor * len(shares), 0) - counts.sum())
    if remainder > 0:
        counts[np.argsort(raw - counts)[::-1][:remainder]] += 1
    return counts + floor


@dataclass
class InitialState:
    """Agents and province data of the start year."""

    vintage: str
    geography: Geography
    observed: ObservedEconomy
    workers: WorkerPopulation
    firms: FirmPopulation
    skilled_share: np.ndarray  # of working-age residents, by province


def build_initial_state(vintage: str, parameters: Parameters, resolution: Resolution,
                        rng: np.random.Generator, data: ProvincialData | None = None) -> InitialState:
    """Turn the observed start-year economy into agents.

    Workers: allocated to provinces in proportion to population (at least 0.4 % of agents each,
    so small provinces keep a usable sample), weights = residents / agents. Firms: allocated to
    province × sector cells in proportion to value added (at least 3 agents a cell); each cell's
    value added, capital and employment are shared across its agents by lognormal size draws.
    """
    if vintage not in VINTAGES:
        raise InputError(f"unknown initial-state vintage {vintage!r}", field="run.start_year",
                         allowed=", ".join(f"{y} ({v})" for v, y in VINTAGES.items()))
    if data is None:  # the packaged data: its geography and start year are built once
        geo, obs = _packaged_start(VINTAGES[vintage])
    else:
        geo, obs = build_geography(data.provinces), observe(data, VINTAGES[vintage])
    p = parameters
    workers, skilled = _build_workers(obs, geo, p, resolution.workers, rng)
    firms = _build_firm_skeleton(obs, geo, p, resolution.firms, rng)
    return InitialState(vintage, geo, obs, workers, firms, skilled)


@cache
def _packaged_start(year: int) -> tuple[Geography, ObservedEconomy]:
    """Geography and observed start year of the packaged data, shared by every run of a
    process; their arrays are made read-only, so a rule that wrote into them would fail
    instead of changing the next run's start."""
    data = load_provincial_data()
    geo, obs = build_geography(data.provinces), observe(data, year)
    for item in (geo, obs):
        for f in fields(item):
            value = getattr(item, f.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
    return geo, obs


def _draw_by_province(cum: np.ndarray, province: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draws by province: for each agent, how many entries of its province's
    cumulative distribution `cum[province]` (provinces × categories, non-decreasing rows) lie
    below its uniform draw `u`. `province` must be sorted (agents are built province by
    province), so each province's agents are one block searched at once."""
    out = np.empty(u.size, dtype=np.int64)
    bounds = np.searchsorted(province, np.arange(cum.shape[0] + 1))
    for p, (start, end) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        out[start:end] = np.searchsorted(cum[p], u[start:end], side="left")
    return out


def _build_workers(obs: ObservedEconomy, geo: Geography, p: Parameters, n_agents: int,
                   rng: np.random.Generator) -> tuple[WorkerPopulation, np.ndarray]:
    n_prov = geo.n
    counts = allocate_agents(n_agents, obs.population, max(int(0.004 * n_agents), 5))
    residence = np.repeat(np.arange(n_prov, dtype=np.int16), counts)
    weight = (obs.population / counts)[residence]
    n = residence.size

    # Age: children share (parameter, national), 65+ share from the data's sample surveys, the
    # working ages split by band in proportion to band width × a survival-shaped weight.
    child = p["demography.children_share"]
    old = obs.share_65plus
    working_split = np.array([p["demography.share_15_29_of_working"],
                              p["demography.share_30_44_of_working"],
                              1.0 - p["demography.share_15_29_of_working"]
                              - p["demography.share_30_44_of_working"]])
    probs = np.column_stack([np.full(n_prov, child),
                             (1.0 - child - old)[:, None] * working_split[None, :],
                             old])  # (province, band)
    age = _draw_by_province(np.cumsum(probs, axis=1), residence, rng.random(n))
    age = age.clip(0, N_BANDS - 1).astype(np.int8)

    # Skill: the national tertiary share among working-age residents, spread across provinces by
    # urbanisation (proxy: the data hold no schooling series), elasticity from the register.
    urb = obs.urbanisation
    pop_w = obs.population
    shape = (urb / np.average(urb, weights=pop_w)) ** p["households.skill_urbanisation_elasticity"]
    skilled = np.clip(p["households.skilled_share"] * shape, 0.02, 0.8)
    working = (age >= 1) & (age <= 3)
    skill = (working & (rng.random(n) < skilled[residence])).astype(np.int8)

    employed = working & (rng.random(n) < 1.0 - p["labour.natural_unemployment"])
    sector = np.full(n, -1, dtype=np.int8)
    idx = np.flatnonzero(employed)
    sector[idx] = np.minimum(_draw_by_province(np.cumsum(obs.sector_share, axis=1), residence[idx],
                                               rng.random(idx.size)), 2)

    # Hukou: a stock of inter-provincial migrants (national share, register) hosted in
    # proportion to how far GDP per head exceeds the national level (proxy), from origins in
    # proportion to population over distance^1.5 (the gravity shape of docs/evidence.md).
    hukou = residence.copy()
    gdp_pc = obs.gdp / obs.population
    pull = np.maximum(np.log(gdp_pc / np.average(gdp_pc, weights=obs.population))
                      + p["demography.migrant_pull_shift"], 0.0)
    host_share = pull * obs.population
    host_share = host_share / host_share.sum() * p["demography.migrant_stock_share"] * obs.population.sum()
    host_rate = np.clip(host_share / obs.population, 0.0, 0.5)
    is_migrant = (age >= 1) & (rng.random(n) < host_rate[residence] * p["demography.migrant_draw_scale"])
    origin_w = obs.population[None, :] * np.maximum(geo.distance_km, 50.0) ** -1.5
    np.fill_diagonal(origin_w, 0.0)
    origin_w *= np.maximum(1.0 - pull, 0.05)[None, :]  # migrants come from poorer provinces
    origin_cum = np.cumsum(origin_w / origin_w.sum(axis=1, keepdims=True), axis=1)
    mig = np.flatnonzero(is_migrant)
    hukou[mig] = np.minimum(_draw_by_province(origin_cum, residence[mig], rng.random(mig.size)),
                            n_prov - 1)

    workers = WorkerPopulation(residence=residence, hukou=hukou.astype(np.int16), age=age,
                               skill=skill, employed=employed, sector=sector, weight=weight)
    return workers, skilled


def _build_firm_skeleton(obs: ObservedEconomy, geo: Geography, p: Parameters, n_agents: int,
                         rng: np.random.Generator) -> FirmPopulation:
    """Firm agents with province, sector, weights, relative sizes and fixed draws.

    Capital, labour and productivity are filled in by the model's calibration of the start year
    (they depend on the wage and on the split of capital, which are economics, not data).
    """
    n_prov = geo.n
    va = obs.gdp[:, None] * obs.sector_share  # (31, 3)
    counts = allocate_agents(n_agents, va.ravel(), 3).reshape(n_prov, 3)
    cell = np.repeat(np.arange(n_prov * 3), counts.ravel())
    province = (cell // 3).astype(np.int16)
    sector = (cell % 3).astype(np.int8)
    n = cell.size
    real_firms = p["firms.count_start"] * va / va.sum()
    weight = (real_firms / counts).ravel()[cell]
    # relative size within the cell (lognormal), normalised so that sizes sum to 1 per cell
    size = rng.lognormal(0.0, p["firms.size_dispersion"], n)
    size /= np.bincount(cell, weights=size * weight, minlength=n_prov * 3)[cell]
    state_share = p["firms.state_capital_share"] + geo.west[province] * p["firms.state_capital_share_west_extra"]
    state = rng.random(n) < state_share * (sector > 0)
    energy = (sector == 1) & (rng.random(n) < p["firms.energy_intensive_share"])
    return FirmPopulation(
        province=province, sector=sector, weight=weight,
        tfp=size,  # placeholder: relative size, replaced by productivity at calibration
        capital=np.zeros(n), labour=np.zeros(n), state=state, energy_intensive=energy,
        catalogue_draw=rng.random(n), zone_draw=rng.random(n),
        origin=np.full(n, -1, dtype=np.int16), loss_years=np.zeros(n, dtype=np.int8),
        age=rng.integers(0, 20, n).astype(np.int16),
    )
