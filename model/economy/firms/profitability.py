"""What firms compare when they invest, enter and move: operating profitability by province
and sector, the user cost of capital, the gap to desired capital, and the cost of a move.

With labour at its optimum a firm's operating profit is size × H, size = (A·K^α)^(1/(1−β)),
H = Φ·(1−β)·((1−v)·p̂·Ã)^(1/(1−β))·(β/c)^(β/(1−β)) (ODD §7.10).
"""

from __future__ import annotations

import numpy as np

from westdev.economy.agents.firms import log_capital_gap
from westdev.economy.incomes import in_zone
from westdev.economy.production import firm_wedge, price_net, si_load
from westdev.economy.state import Calibrated, EconomyState, Setting
from westdev.policy.instruments import Instruments


def profitability(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                  after_tax: bool = True) -> np.ndarray:
    """Operating profitability per unit of firm 'size' by province × sector (H in the ODD) at
    expected prices, times the start-year location factor Φ. After tax, an entrant's expected
    CIT rate weighs the encouraged rate by the catalogue coverage (industry and services)."""
    p = setting.p
    c = state.wage * si_load(state, setting) / 1e8
    b = setting.tech.beta
    h = ((price_net(state, setting) * state.loc_tfp) ** (1 / (1 - b))
         * (b / c[:, None]) ** (b / (1 - b)) * (1 - b)) * calib.location_factor
    if not after_tax:
        return h
    standard = p["firms.cit_standard_rate"]
    expected = (ins.catalogue_coverage * ins.cit_encouraged
                + (1 - ins.catalogue_coverage) * standard)
    tax = np.column_stack([np.full(setting.geo.n, p["firms.cit_agriculture_rate"]), expected, expected])
    return h * (1 - tax)


def user_cost(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
              eligible: np.ndarray, cit_rate: np.ndarray) -> np.ndarray:
    """Required pre-tax return on capital per firm: p_K (r + spread + δ) / (1 − τ), with the
    §31 small-firm spread cut and green-credit discount and the §30 duty exemption in p_K."""
    p, firms = setting.p, state.firms
    r = setting.exogenous(state.year)["real_interest_rate"] / 100.0
    small = ~firms.state & (firms.capital < calib.small_threshold)
    spread = np.where(small, p["finance.small_firm_spread"] - ins.spread_cut[firms.province],
                      p["finance.large_firm_spread"]) - ins.green_discount[firms.province]
    price = np.where(eligible, ins.capital_price_eligible[firms.province], 1.0)
    hurdle = np.where(firms.state, 1.0 - p["firms.state_hurdle_discount"], 1.0)
    return price * (r + spread + p["firms.depreciation"]) / (1.0 - cit_rate) * hurdle


def capital_gap(state: EconomyState, setting: Setting, calib: Calibrated, ins: Instruments,
                cost: np.ndarray) -> np.ndarray:
    """ln(K*/K) per firm at expected prices; the user cost is scaled by the province × sector
    required-return factor calibrated to the start year's investment."""
    firms, tech = state.firms, setting.tech
    cell = firms.cell()
    y = (state.loc_tfp.ravel()[cell] * firms.tfp * firm_wedge(state, setting, ins)
         * firms.capital ** tech.alpha * np.maximum(firms.labour, 1e-12) ** tech.beta)
    zone = in_zone(state, setting)
    relief = np.where(zone, ins.vat_zone_relief[firms.province] * tech.vat / (1 - tech.vat), 0.0)
    revenue_net = y * price_net(state, setting).ravel()[cell] * (1.0 + relief)
    return log_capital_gap(firms.capital, revenue_net,
                           cost * calib.required_return_scale.ravel()[cell],
                           tech.alpha, tech.beta)


def moving_cost(setting: Setting, capital, origin, dest) -> np.ndarray:
    """Capital used up by a move: a share of capital, rising with distance."""
    p = setting.p
    return capital * p["firms.moving_cost_share"] * (
        1 + setting.geo.distance_km[origin, dest] / 1000.0 * p["firms.moving_cost_per_1000km"])


def move_support(setting: Setting, ins: Instruments, origin, dest, energy_intensive,
                 split: bool = False):
    """Shares of a move's cost paid by the destination (industrial-transfer support for moves
    into the west from outside it, §12/§32; extra for energy-intensive firms steered into the
    west, §4) and by the origin (help for firms moving into co-built enclave parks, §13).
    Returns (destination share, origin share), or the three parts with `split`."""
    p, west = setting.p, setting.geo.west
    into_west = west[dest] & ~west[origin]
    reloc = ins.relocation_support[dest] * into_west
    ei = (energy_intensive * into_west * p["firms.energy_intensive_move_support"]
          if ins.steer_energy_intensive else 0.0 * reloc)
    enclave = (ins.enclave_tax_share
               * p["firms.enclave_cost_relief"] * into_west)
    total = reloc + ei + enclave
    scale = np.where(total > 0.9, 0.9 / np.maximum(total, 1e-12), 1.0)
    if split:
        return {"relocation": reloc * scale, "energy_intensive": ei * scale, "enclave": enclave * scale}
    return (reloc + ei) * scale, enclave * scale


def land_intensity(setting: Setting, year: int) -> float:
    """Construction land per unit of non-farm capital (km² per 100m yuan), falling by
    `land.intensity_decline` a year from the start year (denser use of land)."""
    p = setting.p
    return p["land.km2_per_100m_yuan"] * (1 - p["land.intensity_decline"]) ** (year - setting.start_year)
