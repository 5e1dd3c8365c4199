"""Exogenous paths: the drivers a scenario sets as yearly paths, separate from policy levers.

These are the uncertainties of the exploratory-modelling vocabulary: frontier technology, world
demand, commodity prices, the interest rate and demography. Each has a default path (used when a
scenario does not set it); scenario files override them with constants, `{year = value}`
schedules (linear between points) or CSV files (`year,value`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExogenousSpec:
    """One exogenous driver: unit, allowed range and default path (year → value)."""

    name: str
    unit: str
    bounds: tuple[float, float]
    default: dict[int, float]
    meaning: str
    basis: str
    provincial: bool = False  # may be set by province (a CSV or table with province codes)


EXOGENOUS: dict[str, ExogenousSpec] = {
    spec.name: spec
    for spec in [
        ExogenousSpec(
            "frontier_tfp_growth", "%/yr", (-5.0, 10.0), {2000: 2.5, 2019: 2.0, 2035: 1.5},
            "Growth of the national productivity frontier that firms catch up to.",
            "Assumed: frontier TFP growth slowing from about 2 %/yr; a key uncertainty "
            "(range in the parameter register's ensembles)."),
        ExogenousSpec(
            "world_demand_growth", "%/yr", (-20.0, 30.0), {2000: 6.0, 2019: 3.0, 2035: 2.5},
            "Real growth of foreign demand for China's tradables.",
            "Assumed: world trade volume growth of about 3 %/yr after 2019 (faster in the 2000s)."),
        ExogenousSpec(
            "commodity_price_index", "index 2019 = 1", (0.1, 5.0), {2019: 1.0},
            "Relative price of energy and resources, which western resource provinces sell.",
            "Assumed flat in real terms; scenarios vary it."),
        ExogenousSpec(
            "real_interest_rate", "%/yr", (-5.0, 20.0), {2019: 3.0},
            "Real interest rate on loans and bonds before spreads.",
            "Assumed 3 %: the 2019 loan prime rate (about 4.3 %) less about 1.3 % GDP-deflator inflation."),
        ExogenousSpec(
            "public_investment_index", "index, start year = 1", (0.0, 5.0), {2019: 1.0},
            "State-led investment push, national or by province: multiplies central project "
            "funds and provincial bond quotas, and state firms' investment (with elasticity "
            "`firms.state_investment_push_elasticity`); 1 = the start year's intensity.",
            "Projections: 1 (the 2019 intensity held). The history scenario feeds each "
            "province's observed gross fixed capital formation / GDP relative to 2000 "
            "(scenarios/paths/history_investment_push.csv, derived from the packaged data by "
            "`westdev.calibration.history_paths`), which holds the state-led push of the 2000s "
            "and the 2009–2010 stimulus.", provincial=True),
        ExogenousSpec(
            "central_transfer_index", "index, start year = 1", (0.0, 5.0), {2019: 1.0},
            "Growth of central general transfers beyond their own bases: multiplies the "
            "equalising formula transfer and the earmarked (non-project) transfers.",
            "Projections: 1 (the 2019 intensity held). The history scenario feeds the observed "
            "rise of local budget spending minus tax revenue per unit of GDP, summed over "
            "provinces, relative to 2007, the first year of the series (1 before), from the "
            "packaged data (scenarios/paths/history_central_transfer_index.csv, "
            "`westdev.calibration.history_paths`)."),
        ExogenousSpec(
            "productivity_drift", "%/yr", (-10.0, 10.0), {2019: 0.0},
            "Province-specific trend of productivity beyond catch-up (added to every firm's "
            "productivity growth in the province), by province or national.",
            "Projections: 0. The history scenario sets a drag on the three north-eastern "
            "provinces (scenarios/paths/history_productivity_drift.csv, −1 %/yr, scaled by a "
            "history scale the calibration estimates): the model has no mechanism of its own for "
            "the north-east's decline (heavy-industry and state-firm exposure, ageing, "
            "out-migration; the data hold no provincial state-firm shares), so it is an explicit, "
            "estimated path of the back-cast, not a behavioural parameter.", provincial=True),
        ExogenousSpec(
            "birth_rate_per_1000", "births per 1000 residents/yr", (0.0, 40.0),
            {2000: 14.0, 2019: 10.5, 2025: 7.5, 2035: 7.0},
            "Crude birth rate, the same in every province (births per person aged 15–44 follow each province's age structure).",
            "Assumed path: about 14‰ in 2000, 10.5‰ in 2019, falling to about 7‰ (UN WPP medium "
            "variant order of magnitude)."),
        ExogenousSpec(
            "mortality_multiplier", "× 2019 age-specific rates", (0.2, 3.0),
            {2000: 1.15, 2019: 1.0, 2035: 0.9},
            "Scales the age-specific death rates of the parameter register.",
            "Assumed: mortality falling about 0.7 %/yr."),
    ]
}
