"""Golden regression: a small seeded run must reproduce the stored table.

Rewrite the golden file only on purpose: `pytest tests/regression --update-golden`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from westdev.economy.simulate import simulate
from westdev.inputs.scenario import load_scenario

GOLDEN = Path(__file__).parent / "golden" / "baseline_small_seed7_2019_2023.csv"
INDICATORS = ["gdp_100m_yuan", "population_10k", "disposable_income_per_capita_yuan",
              "public_services_index", "infrastructure_access_index", "unemployment_rate",
              "firms", "net_migration_10k", "debt_to_gdp", "west_east_ratio_income",
              "west_east_ratio_public_services", "west_east_ratio_infrastructure",
              "west_east_ratio_gdp_per_capita", "theil_gdp_per_capita",
              "lever_cost_100m_yuan.total"]


def _run() -> pd.DataFrame:
    scenario = load_scenario("baseline").with_overrides(run={"end_year": 2023})
    frame = simulate(scenario, seed=7, resolution="small")
    frame = frame[frame.indicator.isin(INDICATORS)]
    return frame.sort_values(["year", "area", "indicator"]).reset_index(drop=True)


def test_small_seeded_run_matches_golden(update_golden):
    frame = _run()
    if update_golden or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(GOLDEN, index=False, float_format="%.12g")
        if not update_golden:
            raise AssertionError(f"golden file was missing and has been written: {GOLDEN}")
    golden = pd.read_csv(GOLDEN)
    pd.testing.assert_frame_equal(frame[["year", "area", "indicator"]],
                                  golden[["year", "area", "indicator"]], check_dtype=False)
    pd.testing.assert_series_equal(frame["value"], golden["value"], rtol=1e-9, check_names=False)
