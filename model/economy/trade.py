"""Step 2 (continued), trade: what tradable producers get at the gate relative to the start
year. Domestic trade costs fall with relative market access, foreign ones with the corridors
(§9); border trade and free-trade zones widen the foreign share (§10–§11); western resource
industry gains from local processing (§32), transmission capacity (§4) and commodity prices.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.state import Calibrated, EconomyState, Setting
from westdev.policy.instruments import Instruments


def update_gate_prices(state: EconomyState, setting: Setting, calib: Calibrated,
                       ins: Instruments, ex: dict) -> None:
    """Set `state.gate` (provinces × sectors) for the year."""
    p, geo = setting.p, setting.geo
    n = geo.n
    ma_rel = ((state.market_access / calib.market_access0)
              / (state.market_access.sum() / calib.market_access0.sum()))
    domestic_cost = calib.domestic_cost0 * ma_rel ** (-p["goods.trade_cost_access_elasticity"])
    foreign0 = p["goods.foreign_trade_cost"]
    foreign_cost = foreign0 * (1 - ins.foreign_cost_cut)
    # reaching more foreign buyers (border trade, free-trade zones) raises what the foreign
    # share of sales earns in proportion to the reach
    share_f = np.clip(calib.foreign_share, 0.0, 0.95)
    gate = ((1 - share_f) * (1 + calib.domestic_cost0) / (1 + domestic_cost)
            + share_f * ins.foreign_reach * (1 + foreign0) / (1 + foreign_cost))
    resource = calib.resource_share * np.where(geo.west, 1.0, 0.0)
    ref = setting.reference_levers
    processing = 1.0 + p["energy.processing_margin"] * resource * (
        ins.processing_share - np.where(geo.west, ref["industry.local_processing_share"], 0.0))
    transmission = (np.maximum(ins.transmission, 0.05)
                    / np.maximum(np.where(geo.west, ref["energy.west_east_transmission_index"], 1.0), 0.05)
                    ) ** (p["energy.transmission_elasticity"] * resource)
    commodity = 1.0 + calib.resource_share * (ex["commodity_price_index"] - 1.0)
    state.gate = np.column_stack([gate, gate * processing * transmission * commodity, np.ones(n)])
