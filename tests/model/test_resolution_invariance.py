"""Resolution invariance at 10^4, 10^5 and 10^6 workers (slow tier: `pytest -m slow`).

Agent counts are numerical resolution: each worker agent stands for population/agents people of
its province and each firm agent for the real firms of its cell, so aggregate outcomes — the
West/East ratios and regional GDP shares — must agree across resolutions within seed noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.economy.simulate import simulate
from westdev.inputs.scenario import load_scenario

KEYS = ["west_east_ratio_income", "west_east_ratio_gdp_per_capita",
        "west_east_ratio_public_services", "west_east_ratio_infrastructure"]


def outcomes(resolution: str, seeds, year: int = 2030) -> pd.DataFrame:
    scenario = load_scenario("baseline").with_overrides(run={"end_year": year})
    rows = []
    for seed in seeds:
        f = simulate(scenario, seed=seed, resolution=resolution)
        at = f[f.year == year]
        g = at[at.area == "West"].set_index("indicator").value[KEYS]
        gdp = at[at.indicator == "gdp_100m_yuan"].set_index("area").value
        for region in ("West", "East", "Central"):
            g[f"{region.lower()}_gdp_share"] = gdp[region] / gdp["China"]
        rows.append(g)
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_small_default_large_agree_within_seed_noise():
    small = outcomes("small", range(8))
    default = outcomes("default", range(4))
    large = outcomes("large", range(2))
    # noise: standard error of the small-resolution mean plus that of the comparison
    se_small = small.std(ddof=1) / np.sqrt(len(small))
    for other in (default, large):
        se_other = small.std(ddof=1) / np.sqrt(len(other))
        diff = (small.mean() - other.mean()).abs()
        assert (diff <= 3 * (se_small + se_other) + 0.003).all(), pd.DataFrame(
            {"small": small.mean(), "other": other.mean(), "diff": diff,
             "bound": 3 * (se_small + se_other) + 0.003})
