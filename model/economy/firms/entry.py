"""Entry: real entrants per province × sector from the incumbents, the cell's after-tax
profitability relative to the national mean of the sector, firms sent under pairing assistance
(§35), support to returning migrants (§21), the foreign-investment catalogue (§32) and the
negative list (§20); entrant agents are drawn by systematic sampling (ODD §7.10.4).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.accounting import check_agent_growth
from westdev.economy.agents.firms import INDUSTRY, FirmPopulation
from westdev.economy.firms.profitability import profitability
from westdev.economy.state import Calibrated, EconomyState, Production, Setting
from westdev.policy.instruments import Instruments


def return_entrepreneurship(state: EconomyState, setting: Setting, ins: Instruments) -> np.ndarray:
    """Extra entry in western provinces from support to returning migrants (§21):
    support × share of the province's hukou holders who live elsewhere (potential returners)."""
    n = setting.geo.n
    away = state.census.by_hukou[:, 0]
    hukou_pop = state.census.by_hukou.sum(axis=1)
    share = np.divide(away, hukou_pop, out=np.zeros(n), where=hukou_pop > 0)
    return (setting.geo.west * ins.return_support * share
            * setting.p["talent.returner_entry_multiplier"])


def entrant_agents(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                   prod: Production, pairing_received: np.ndarray) -> np.ndarray:
    """Entrant agents by province × sector this year (systematic sampling: fractional agents
    carry over in `state.entry_backlog`, so the count does not depend on the seed)."""
    p, n, firms = setting.p, setting.geo.n, state.firms
    # attractiveness relative to the national mean of the sector
    h = profitability(state, setting, calib, ins)
    va = prod.volume
    # value-added-weighted mean by sector (rows of the transposed arrays: sums as np.average's)
    weights = np.ascontiguousarray(np.maximum(va, 1e-9).T)
    mean_h = np.ascontiguousarray(h.T * weights).sum(axis=1) / weights.sum(axis=1)
    attract = np.clip(h / mean_h[None, :], 0.5, 2.0) ** p["firms.entry_elasticity"]
    real_firms = firms.totals(np.ones(firms.n), n, by_sector=True)
    # firms sent under pairing assistance (§35): entry in recipients rises with the
    # assistance received relative to their GDP
    pairing_firms = 1.0 + p["firms.pairing_entry_effect"] * 100.0 * np.divide(
        pairing_received, prod.real, out=np.zeros(n), where=prod.real > 0)
    boost = np.repeat((pairing_firms * (1.0 + return_entrepreneurship(state, setting, ins)))[:, None],
                      3, axis=1)
    boost[:, INDUSTRY] *= 1.0 + ins.fdi_entry_boost  # foreign-invested tradable firms (§32)
    entrants_real = (p["firms.entry_rate"] * real_firms * attract * boost
                     * (1 - ins.entry_barrier)
                     / (1 - setting.reference_levers["industry.negative_list_entry_barrier"]))
    # however strong the pull, a cell's firm count grows by at most `firms.max_entry_rate`
    # a year through entry: founders, credit and land are finite, and the boosts (pairing
    # assistance per unit of GDP, returners) are measured against a GDP that can shrink
    entrants_real = np.minimum(entrants_real, p["firms.max_entry_rate"] * real_firms)
    agents_f = np.nan_to_num(entrants_real / calib.cell_agent_weight, nan=0.0, posinf=0.0)
    agents_f = np.clip(agents_f, 0.0, None)
    state.entry_backlog = state.entry_backlog + agents_f
    agents_n = np.floor(state.entry_backlog).astype(np.int64)
    state.entry_backlog -= agents_n
    check_agent_growth(setting.geo, state.year, "firm entry", firms.n, agents_n,
                       setting.firm_agent_limit)
    return agents_n


def make_entrants(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                  agents_n: np.ndarray, rng: np.random.Generator) -> FirmPopulation:
    """New firm agents: productivity below their cell's mean (foreign-invested ones above it),
    small capital, private."""
    p, firms = setting.p, state.firms
    n = setting.geo.n
    cell = np.repeat(np.arange(n * 3), agents_n.ravel())
    m = cell.size
    province = (cell // 3).astype(np.int16)
    sector = (cell % 3).astype(np.int8)
    fc = firms.cell()
    wsum = np.bincount(fc, weights=firms.weight, minlength=n * 3)
    mean_log_a = np.bincount(fc, weights=firms.weight * np.log(firms.tfp), minlength=n * 3) / np.maximum(wsum, 1e-12)
    mean_log_k = np.bincount(fc, weights=firms.weight * np.log(firms.capital), minlength=n * 3) / np.maximum(wsum, 1e-12)
    weight = calib.cell_agent_weight.ravel()[cell]
    # foreign-invested entrants (§32 catalogue) come from a higher productivity band
    fdi_share = np.where(sector == INDUSTRY, ins.fdi_entry_boost[province]
                         / (1.0 + ins.fdi_entry_boost[province]), 0.0)
    log_a = (mean_log_a[cell] + np.log(p["firms.entrant_productivity"])
             + np.log1p(fdi_share * (p["firms.fdi_productivity_premium"] - 1.0))
             + p["firms.tfp_noise"] / np.sqrt(weight) * rng.standard_normal(m))
    capital = (np.exp(mean_log_k[cell]) * p["firms.entrant_size"]
               * rng.lognormal(0.0, p["firms.capital_intensity_dispersion"], m))
    state_owned = np.zeros(m, dtype=bool)
    energy = (sector == INDUSTRY) & (rng.random(m) < p["firms.energy_intensive_share"])
    return FirmPopulation(
        province=province, sector=sector, weight=weight,
        tfp=np.exp(log_a), capital=capital, labour=np.zeros(m), state=state_owned,
        energy_intensive=energy, catalogue_draw=rng.random(m), zone_draw=rng.random(m),
        origin=np.full(m, -1, dtype=np.int16), loss_years=np.zeros(m, dtype=np.int8),
        age=np.zeros(m, dtype=np.int16))
