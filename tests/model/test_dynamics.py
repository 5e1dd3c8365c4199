"""Whole-run properties: determinism, accounting every year, resolution invariance, direction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.economy.simulate import build_model, simulate
from westdev.errors import RunFailure
from westdev.inputs.scenario import load_scenario


def _short(name: str, end: int = 2024):
    return load_scenario(name).with_overrides(run={"end_year": end})


def _goal(frame: pd.DataFrame, year: int) -> pd.Series:
    return frame[(frame.area == "West") & (frame.year == year)].set_index("indicator").value


def test_same_seed_same_table_different_seed_different_table():
    s = _short("baseline", 2023)
    a = simulate(s, seed=5, resolution="small")
    b = simulate(s, seed=5, resolution="small")
    c = simulate(s, seed=6, resolution="small")
    pd.testing.assert_frame_equal(a, b)
    merged = a.merge(c, on=["year", "area", "indicator"])
    later = merged[merged.year > 2019]
    assert (later.value_x != later.value_y).any()


def test_every_year_closes_its_accounts_and_conserves_people():
    """check_year runs inside every step; here we also recompute the identities from the
    recorded flows."""
    model = build_model(_short("baseline", 2026), seed=2, resolution="small")
    pops = [model.workers.population(model.geo.n).sum()]
    while model.year < 2026:
        model.step()
        b = model.state.last_budgets
        np.testing.assert_allclose(b.resources(), b.uses(), rtol=1e-9, atol=1e-6)
        assert b["horizontal_in"].sum() == pytest.approx(b["horizontal_out"].sum(), rel=1e-9)
        pops.append(model.workers.population(model.geo.n).sum())
    frame = model.recorder.to_frame()
    china = frame[frame.area == "China"].set_index(["year", "indicator"]).value
    for year in range(2020, 2027):
        expected = (china[(year - 1, "population_10k")] + china[(year, "births_10k")]
                    - china[(year, "deaths_10k")])
        assert china[(year, "population_10k")] == pytest.approx(expected, rel=1e-9)
        assert abs(china[(year, "net_migration_10k")]) < 1e-6


def test_broken_identity_stops_the_run_with_a_diagnostic(monkeypatch):
    import westdev.economy.model as economy_model

    model = build_model(_short("baseline", 2021), seed=1, resolution="small")
    original = economy_model.budgets

    def leaky(*args, **kwargs):
        year = original(*args, **kwargs)
        year.budgets["other"] = year.budgets["other"] + 1.0  # 100m yuan spent out of nothing
        return year

    monkeypatch.setattr(economy_model, "budgets", leaky)
    with pytest.raises(RunFailure, match="fiscal identity"):
        model.step()


def test_non_finite_state_stops_the_run(monkeypatch):
    model = build_model(_short("baseline", 2021), seed=1, resolution="small")
    model.state.k_infra[0] = np.nan
    with pytest.raises(RunFailure, match="not finite"):
        model.step()



def test_a_run_builds_only_the_rows_a_batch_keeps():
    """`simulate(keep=...)` returns exactly the rows a record keeps, in the same order, as
    filtering the full table does (batches pass their record's selection)."""
    from westdev.experiments.record import default_record

    scenario = _short("baseline", 2022)
    record = default_record(outcomes=["Sichuan:gdp_100m_yuan"])
    full = simulate(scenario, seed=4, resolution="small")
    kept = simulate(scenario, seed=4, resolution="small", keep=record.keep)
    pd.testing.assert_frame_equal(kept, record.filter(full))
    assert 0 < len(kept) < len(full) / 5
    assert set(kept[kept.indicator == "gdp_100m_yuan"].area) == {
        "Sichuan", "West", "East", "Central", "Northeast", "China"}


def test_a_non_finite_value_fails_the_run_even_where_it_is_not_kept():
    model = build_model(_short("baseline", 2020), seed=1, resolution="small")
    model.run()
    model.recorder.rows.append((2020, "Tibet", "debt_to_gdp", float("nan")))
    with pytest.raises(RunFailure, match="debt_to_gdp of Tibet is not finite"):
        model.recorder.to_frame(keep={"gdp_100m_yuan": ("China",)})

def test_aggregates_agree_across_resolutions_within_noise():
    """Agent counts are resolution: West/East ratios and regional GDP shares in 2030 at the
    small and default resolutions agree within the small resolution's seed noise."""
    s = _short("baseline", 2030)
    keys = ["west_east_ratio_income", "west_east_ratio_gdp_per_capita",
            "west_east_ratio_public_services", "west_east_ratio_infrastructure"]

    def outcomes(resolution: str, seeds) -> pd.DataFrame:
        rows = []
        for seed in seeds:
            f = simulate(s, seed=seed, resolution=resolution)
            g = _goal(f, 2030)[keys]
            china = f[(f.year == 2030) & (f.indicator == "gdp_100m_yuan")].set_index("area").value
            g["west_gdp_share"] = china["West"] / china["China"]
            rows.append(g)
        return pd.DataFrame(rows)

    small = outcomes("small", range(6))
    default = outcomes("default", range(2))
    noise = small.std(ddof=1) / np.sqrt(len(small)) + small.std(ddof=1) / np.sqrt(len(default))
    diff = (small.mean() - default.mean()).abs()
    assert (diff <= 4 * noise + 0.005).all(), pd.DataFrame({"diff": diff, "noise": noise})


def test_western_preferences_raise_western_income_relative_to_no_policy():
    """Direction: with common random numbers, the 2019 western preferences continued
    (baseline) give a higher 2030 West/East income ratio than switching them off."""
    diffs = []
    for seed in range(3):
        base = _goal(simulate(_short("baseline", 2030), seed=seed, resolution="default"), 2030)
        none = _goal(simulate(_short("no_policy", 2030), seed=seed, resolution="default"), 2030)
        diffs.append(base["west_east_ratio_income"] - none["west_east_ratio_income"])
    assert np.mean(diffs) > 0
    assert np.mean(diffs) > 2 * np.std(diffs, ddof=1) / np.sqrt(len(diffs))


def test_census_updated_by_difference_equals_a_full_count():
    """The model updates its worker census by difference (ageing, deaths, births, job search,
    migration, hukou, skills); after several years it equals a full recount."""
    from westdev.economy.agents.workers import take_census

    model = build_model(_short("baseline", 2025), seed=9, resolution="small")
    model.run()
    full = take_census(model.workers, model.geo.n)
    np.testing.assert_allclose(model.census.table, full.table, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(model.census.by_hukou, full.by_hukou, rtol=1e-9, atol=1e-3)
