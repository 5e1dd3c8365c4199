"""Fixtures of the chart and report tests: a synthetic tidy results table, a tiny real
comparison store and a Morris sensitivity store made with a fake simulate (chart_fakes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

SCENARIOS = ("baseline", "guideline", "no_policy")
YEARS = tuple(range(2019, 2036))
GOAL = ("west_east_ratio_income", "west_east_ratio_public_services",
        "west_east_ratio_infrastructure")


def provinces() -> list[tuple[str, str]]:
    from westdev.inputs.datasets import load_provincial_data

    p = load_provincial_data().provinces
    return list(zip(p["name_en"], p["region4"], strict=True))


def synthetic_results(replicates: int = 4, years=YEARS, scenarios=SCENARIOS) -> pd.DataFrame:
    """A tidy results table shaped like a store's: three scenarios with common seeds, the goal
    ratios, GDP per head ratio and worst province (West), Theil share, GDP and lever costs
    (China), income relative to the East for every province."""
    rows = []
    start = years[0]
    effect = {"baseline": 0.0, "guideline": 1.0, "no_policy": -0.6}
    cost = {"baseline": 7000.0, "guideline": 20000.0, "no_policy": 0.0}
    provs = provinces()
    for s in scenarios:
        for r in range(replicates):
            rng = np.random.default_rng(100 + r)  # common random numbers across scenarios
            rid = f"{s}-r{r:04d}"
            for t, year in enumerate(years):
                k = t / max(len(years) - 1, 1)
                noise = rng.normal(0, 0.004)
                e = effect[s] * k
                vals = {
                    ("West", GOAL[0]): 0.60 + 0.08 * k + 0.06 * e + noise,
                    ("West", GOAL[1]): 0.84 + 0.02 * k + 0.15 * e + noise,
                    ("West", GOAL[2]): 0.47 + 0.05 * k + 0.03 * e + noise,
                    ("West", "west_east_ratio_gdp_per_capita"): 0.59 + 0.07 * k + 0.03 * e,
                    ("West", "min_province_ratio_income"): 0.48 + 0.05 * e + 2 * noise,
                    ("China", "theil_within_west_share"): 0.063 + 0.02 * k + 0.005 * e,
                    ("China", "gdp_100m_yuan"): 1e6 * (1.045 ** t) * (1 + 0.02 * e),
                    ("China", "lever_cost_100m_yuan.total"): 0.0 if (year == start and
                                                                      s == "no_policy")
                    else cost[s] * (1 + k),
                    ("China", "lever_cost_100m_yuan.fiscal.west_transfer_coefficient"):
                        0.4 * cost[s] * (1 + k),
                    ("China", "lever_cost_100m_yuan.infrastructure.transport_investment_pct_gdp"):
                        0.6 * cost[s] * (1 + k),
                }
                for i, (name, region) in enumerate(provs):
                    base = {"West": 0.55, "East": 1.1, "Central": 0.7, "Northeast": 0.75}[region]
                    vals[(name, "income_ratio_to_east")] = base + 0.01 * i / 31 + (
                        0.1 * e if region == "West" else 0.0) + noise
                rows += [(rid, s, r, 1000 + r, year, a, ind, v) for (a, ind), v in vals.items()]
    return pd.DataFrame(rows, columns=["run_id", "scenario", "replicate", "seed", "year", "area",
                                       "indicator", "value"])


@pytest.fixture(scope="session")
def synthetic() -> pd.DataFrame:
    return synthetic_results()


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory):
    """baseline, guideline and no_policy, small resolution, 2 replicates, 2019–2022."""
    import westdev.api as wd
    from westdev.inputs.scenario import load_scenario

    scen = [load_scenario(n).with_overrides(run={"end_year": 2022}) for n in SCENARIOS]
    return wd.compare(scen, replicates=2, resolution="small", backend="serial", progress=False,
                      out=tmp_path_factory.mktemp("stores") / "tiny")


@pytest.fixture(scope="session")
def morris_store(tmp_path_factory):
    """A Morris analysis (2 factors, 4 trajectories, years 2020–2022) of `fake_simulate`."""
    import westdev.api as wd

    spec = {
        "experiment": {"name": "tiny_morris", "scenario": "baseline"},
        "run": {"end_year": 2022, "resolution": "small", "replicates": 2, "root_seed": 5},
        "outputs": {"years": [2020, 2021, 2022]},
        "sample": {"method": "morris", "trajectories": 4, "levels": 4, "seed": 3},
        "factors": {"levers.fiscal.west_transfer_coefficient": {"range": [1.0, 1.35]},
                    "levers.infrastructure.transport_investment_pct_gdp": {"range": [2.0, 4.0]}},
    }
    from chart_fakes import fake_simulate

    result = wd.sensitivity(spec, out=tmp_path_factory.mktemp("stores") / "morris",
                            backend="serial", progress=False, simulate=fake_simulate)
    return result.store
