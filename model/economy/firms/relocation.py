"""Relocation (§4, §12, §13, §32): private non-farm firms reconsider their location with a
yearly probability; a firm moves to its best province when the present value of the after-tax
profit gain beats the moving cost net of relocation support. Energy-intensive firms moving west
count the power-price advantage only if the §4 lever is on, within the energy cap (§16).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import AGRI
from westdev.economy.firms.profitability import (
    land_intensity,
    move_support,
    moving_cost,
    profitability,
)
from westdev.economy.incomes import programme_cap
from westdev.economy.state import Calibrated, EconomyState, Relocation, Setting
from westdev.policy.instruments import Instruments


def _no_moves(n: int) -> Relocation:
    zeros = np.zeros(n)
    return Relocation(moves_in=zeros, moves_out=zeros, subsidy=zeros, support_costs={},
                      land_from_quota=zeros, ei_inflow=zeros)


def choose_moves(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                 idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best destination of each candidate `idx` and whether it moves. Support is offered
    within each government's programme cap: a first pass finds the subsidies firms would
    claim, later passes scale support where they exceed the cap.
    Returns (movers, destinations, destination support scale, origin support scale)."""
    p, n, firms, tech = setting.p, setting.geo.n, state.firms, setting.tech
    h = profitability(state, setting, calib, ins, after_tax=False)
    size = (firms.tfp[idx] * firms.capital[idx] ** tech.alpha) ** (1 / (1 - tech.beta))
    sector = firms.sector[idx]
    origin = firms.province[idx].astype(np.int64)
    eligible_draw = firms.catalogue_draw[idx]
    tax = np.where(eligible_draw[:, None] < ins.catalogue_coverage[None, :],
                   ins.cit_encouraged[None, :], p["firms.cit_standard_rate"])  # (m, 31); movers are non-farm
    operating = size[:, None] * h[:, sector].T  # (m, 31)
    if ins.steer_energy_intensive:
        # steered firms weigh the level of the western power-price advantage (§4), which
        # the start-year location factors otherwise take as given
        ei = firms.energy_intensive[idx]
        advantage = (1.0 + p["firms.power_cost_share"] * ins.power_discount) ** (1 / (1 - tech.beta))
        operating = operating * np.where(ei[:, None], advantage[None, :], 1.0)
    after_tax = operating * (1 - tax)
    gain = after_tax - after_tax[np.arange(idx.size), origin][:, None]
    cost = moving_cost(setting, firms.capital[idx][:, None], origin[:, None],
                       np.arange(n)[None, :])  # (m, 31)
    dest_support, origin_support = move_support(setting, ins, origin[:, None], np.arange(n)[None, :],
                                                firms.energy_intensive[idx][:, None])
    cap = programme_cap(state, setting)
    cum_dest, cum_origin = np.ones(n), np.ones(n)
    for _ in range(3):
        value = (gain * p["firms.relocation_horizon_years"]
                 - cost * (1 - dest_support - origin_support))
        value[np.arange(idx.size), origin] = 0.0
        best = np.argmax(value, axis=1)
        move = value[np.arange(idx.size), best] > 0
        movers, dest = idx[move], best[move]
        rows = np.flatnonzero(move)
        claims_dest = np.bincount(dest, weights=cost[rows, dest] * dest_support[rows, dest]
                                  * firms.weight[movers], minlength=n)
        claims_origin = np.bincount(origin[rows], weights=cost[rows, dest]
                                    * origin_support[rows, dest] * firms.weight[movers], minlength=n)
        scale_dest = np.where(claims_dest > cap, cap / np.maximum(claims_dest, 1e-300), 1.0)
        scale_origin = np.where(claims_origin > cap, cap / np.maximum(claims_origin, 1e-300), 1.0)
        if (scale_dest >= 1.0).all() and (scale_origin >= 1.0).all():
            break
        cum_dest, cum_origin = cum_dest * scale_dest, cum_origin * scale_origin
        dest_support = dest_support * scale_dest[None, :]
        origin_support = origin_support * scale_origin[origin][:, None]
    return movers, dest, cum_dest, cum_origin


def relocate(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
             rng: np.random.Generator) -> Relocation:
    """Draw the candidates, choose their moves and move them: capital used up by the move,
    support booked for next year's budgets, land freed at the origin and taken at the
    destination (idle land first, then this year's quota)."""
    p, geo, firms = setting.p, setting.geo, state.firms
    n = geo.n
    consider = (~firms.state) & (firms.sector > AGRI) & (rng.random(firms.n) < p["firms.relocation_consider_rate"])
    idx = np.flatnonzero(consider)
    if idx.size == 0:
        return _no_moves(n)
    movers, dest, cum_dest, cum_origin = choose_moves(state, setting, calib, ins, idx)
    if movers.size == 0:
        return _no_moves(n)
    # energy cap (§16) on inward moves of energy-intensive capital (what is left of the cap
    # after inflows limits investment growth later in the year)
    ei = firms.energy_intensive[movers]
    if ei.any():
        energy_cap = firms.totals(firms.capital * firms.energy_intensive, n) * ins.energy_cap_growth
        want = np.bincount(dest[ei], weights=(firms.capital * firms.weight)[movers][ei], minlength=n)
        allow = np.where(want > energy_cap,
                         np.divide(energy_cap, want, out=np.zeros(n), where=want > 0), 1.0)
        ok = ~ei | (rng.random(movers.size) < allow[dest])
        movers, dest = movers[ok], dest[ok]
    return _move(state, setting, ins, movers, dest, cum_dest, cum_origin)


def _move(state: EconomyState, setting: Setting, ins: Instruments, movers: np.ndarray,
          dest: np.ndarray, cum_dest: np.ndarray, cum_origin: np.ndarray) -> Relocation:
    """Move the firms `movers` to `dest` and book what the moves cost."""
    geo, firms = setting.geo, state.firms
    n = geo.n
    src = firms.province[movers].astype(np.int64)
    w = firms.weight[movers]
    ei_m = firms.energy_intensive[movers]
    ei_inflow = np.bincount(dest[ei_m], weights=(firms.capital[movers] * w)[ei_m], minlength=n)
    moves_out = np.bincount(src, weights=w, minlength=n)
    moves_in = np.bincount(dest, weights=w, minlength=n)
    # the moving cost uses up capital; subsidies (destination's transfer support, origin's
    # enclave-park help) pay part of it, so the firm loses only its own share
    cost = moving_cost(setting, firms.capital[movers], src, dest)
    parts = move_support(setting, ins, src, dest, firms.energy_intensive[movers], split=True)
    # what the firms decided on: the support shares scaled in the passes above; then a hard
    # cap — a government never pays more than its programme cap, the firm bears the rest
    # (before issue 17 this hard cap was, by a reused variable name, the energy cap whenever
    # an energy-intensive firm moved)
    cap = programme_cap(state, setting)
    reloc, ei_help = parts["relocation"] * cum_dest[dest], parts["energy_intensive"] * cum_dest[dest]
    enclave_help = parts["enclave"] * cum_origin[src]
    claim_d = np.bincount(dest, weights=cost * (reloc + ei_help) * w, minlength=n)
    claim_o = np.bincount(src, weights=cost * enclave_help * w, minlength=n)
    hard_d = np.where(claim_d > cap, cap / np.maximum(claim_d, 1e-300), 1.0)[dest]
    hard_o = np.where(claim_o > cap, cap / np.maximum(claim_o, 1e-300), 1.0)[src]
    reloc, ei_help, enclave_help = reloc * hard_d, ei_help * hard_d, enclave_help * hard_o
    dest_s, origin_s = reloc + ei_help, enclave_help
    subsidy = (np.bincount(dest, weights=cost * dest_s * w, minlength=n)
               + np.bincount(src, weights=cost * origin_s * w, minlength=n))
    support_costs = {
        "industry.relocation_support_share": float((cost * reloc * w).sum()),
        "industry.energy_intensive_to_clean_west": float((cost * ei_help * w).sum()),
        "industry.enclave_tax_share_to_origin": float((cost * enclave_help * w).sum()),
    }
    # land: the firm's land at the origin becomes idle; at the destination it takes idle
    # land first, and what idle land cannot cover comes out of this year's quota
    ell = land_intensity(setting, state.year)
    land_out = ell * np.bincount(src, weights=firms.capital[movers] * w, minlength=n)
    land_in = ell * np.bincount(dest, weights=(firms.capital[movers] - cost * (1 - dest_s - origin_s)) * w,
                                minlength=n)
    state.idle_land += land_out
    state.land_stock += land_in - land_out
    from_idle = np.minimum(state.idle_land, land_in)
    state.idle_land -= from_idle
    enclave = (ins.enclave_tax_share > 0) & geo.west[dest] & ~geo.west[src]
    firms.origin[movers] = np.where(enclave, src, firms.origin[movers]).astype(np.int16)
    province = firms.province.copy()
    province[movers] = dest
    firms.province = province
    firms.capital[movers] -= cost * (1 - dest_s - origin_s)
    return Relocation(moves_in=moves_in, moves_out=moves_out, subsidy=subsidy,
                      support_costs=support_costs, land_from_quota=land_in - from_idle,
                      ei_inflow=ei_inflow)
