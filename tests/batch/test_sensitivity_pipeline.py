"""The whole sensitivity pipeline on a model with known indices.

experiment (dict) → runner with ``simulate="batch_fakes:linear"`` → results store → SALib
analysis. The test model is y = a1·x1 + a2·x2 + a3·x3 + σε with x1 a lever, x2 a parameter and
x3 the scale of an exogenous path, each uniform and independent, so
S1_i = ST_i = a_i² var_i / (Σ_j a_j² var_j + σ²/R) (R replicates averaged per point) and the
Morris mean absolute elementary effect per unit range is mu*_i = |a_i| (high_i − low_i).
"""

from __future__ import annotations

import batch_fakes as bf
import numpy as np
import pytest

import westdev.api as wd
from westdev.analysis import sensitivity as sa

LEVER = f"levers.{bf.LINEAR_LEVER}"
PARAM = f"parameters.{bf.LINEAR_PARAM}"
SCALE = f"exogenous.{bf.LINEAR_DRIVER}.scale"
RANGES = {LEVER: (1.0, 2.0), PARAM: (1.0, 4.0), SCALE: (0.5, 1.5)}
COEF = {LEVER: bf.COEF["lever"], PARAM: bf.COEF["param"], SCALE: bf.COEF["scale"]}
INCOME = "West:west_east_ratio_income"
CONSTANT = "West:west_east_ratio_public_services"


def spec(sample, replicates):
    return {
        "experiment": {"name": "linear", "scenario": "baseline"},
        "run": {"end_year": 2020, "resolution": "small", "replicates": replicates,
                "root_seed": 4},
        "outputs": {"outcomes": [INCOME, CONSTANT], "years": [2019, 2020]},
        "sample": sample,
        "factors": {name: {"range": list(r)} for name, r in RANGES.items()},
    }


def analytic(replicates):
    parts = {n: COEF[n] ** 2 * (hi - lo) ** 2 / 12 for n, (lo, hi) in RANGES.items()}
    total = sum(parts.values()) + bf.NOISE_SD ** 2 / replicates
    return {n: v / total for n, v in parts.items()}, sum(parts.values())


def test_sobol_indices_of_a_linear_model(tmp_path):
    result = wd.sensitivity(spec({"method": "sobol", "n": 128, "seed": 1}, replicates=1),
                            out=tmp_path / "sobol", backend="serial", progress=False,
                            simulate="batch_fakes:linear")
    idx = result.indices
    assert set(idx.columns) >= {"method", "outcome", "year", "factor", "index", "value",
                                "conf", "note"}
    expected, var = analytic(1)
    got = idx[(idx["outcome"] == INCOME) & (idx["year"] == 2020)].set_index(["index",
                                                                              "factor"])
    for name, s in expected.items():
        for index in ("S1", "ST"):
            value, conf = got.loc[(index, name), ["value", "conf"]]
            assert value == pytest.approx(s, abs=0.08), (index, name, value, s)
            assert 0 < conf < 0.2
    # a constant output (the start year, and an indicator that never moves): NaN, with a note
    const = idx[(idx["outcome"] == CONSTANT) | (idx["year"] == 2019)]
    assert len(const) == 3 * 2 * 3 and const["value"].isna().all()
    assert const["note"].str.contains("constant output").all()
    noise = result.noise.set_index(["outcome", "year"])
    assert noise["noise_share"].isna().all()  # one replicate: no within-point variance
    assert noise["note"].eq("needs replicates >= 2").all()
    for name in ("sensitivity.parquet", "sensitivity.csv", "noise_share.csv"):
        assert (result.store.path / name).is_file()
    assert result.store.manifest["kind"] == "sensitivity"
    assert result.store.manifest["request"]["simulate"] == "batch_fakes:linear"
    # the analysis can be redone from the store alone
    again = sa.analyse(result.store)
    assert again.equals(idx)


def test_morris_effects_of_a_linear_model(tmp_path):
    result = wd.sensitivity(spec({"method": "morris", "trajectories": 20, "levels": 4,
                                  "seed": 2}, replicates=2),
                            out=tmp_path / "morris", backend="serial", progress=False,
                            simulate="batch_fakes:linear")
    got = result.indices[(result.indices["outcome"] == INCOME)
                         & (result.indices["year"] == 2020)].set_index(["index", "factor"])
    for name, (lo, hi) in RANGES.items():
        mu_star = got.loc[("mu_star", name), "value"]
        assert mu_star == pytest.approx(abs(COEF[name]) * (hi - lo), abs=0.1)
        assert got.loc[("mu", name), "value"] == pytest.approx(mu_star, abs=0.1)
        assert got.loc[("sigma", name), "value"] < 0.4  # only seed noise: no interactions
    # seed noise: the within-point variance is σ², a small share of the total
    noise = result.noise.set_index(["outcome", "year"])
    within, total, share = noise.loc[(INCOME, 2020), ["within_var", "total_var", "noise_share"]]
    assert within == pytest.approx(bf.NOISE_SD ** 2, rel=0.35)
    assert share == pytest.approx(within / total) and 0 < share < 0.05
    assert np.isnan(noise.loc[(CONSTANT, 2020), "noise_share"])
    assert noise.loc[(CONSTANT, 2020), "note"] == "constant output: share undefined"
    top = sa.top_factors(result.indices, year=2020, n=2)
    assert list(top[top["outcome"] == INCOME]["factor"]) == [LEVER, SCALE]
    const = result.indices[result.indices["outcome"] == CONSTANT]
    assert const["value"].isna().all() and const["note"].notna().all()
    # the dummy-factor noise floor: √(2/π)·√(2σ²/R)/Δ with R = 2, Δ = 4/6 (issue 20, 4)
    floor = got.loc[("mu_star", LEVER), "noise_floor"]
    assert floor == pytest.approx(np.sqrt(2 / np.pi) * bf.NOISE_SD / (2 / 3), rel=0.35)
    assert got.xs("mu_star")["above_noise"].all()  # every factor matters here
    assert got.xs("mu_star")["noise_floor"].nunique() == 1


def test_flags_tell_effects_from_noise():
    """Issue 20, 4: an index whose interval spans 0 (Sobol') or does not clear the dummy
    factor's noise floor (Morris) is flagged, not ranked as a finding."""
    import pandas as pd

    rows = [("morris", "o", 2035, "a", None, "mu_star", 0.50, 0.05, None, 10, 0),
            ("morris", "o", 2035, "b", None, "mu_star", 0.12, 0.05, None, 10, 0),
            ("sobol", "o", 2035, "c", None, "S1", 0.30, 0.10, None, 8, 0),
            ("sobol", "o", 2035, "d", None, "S1", 0.04, 0.10, None, 8, 0),
            ("sobol", "o", 2035, "e", None, "ST", 1.20, 0.50, None, 8, 0)]
    idx = sa.with_flags(pd.DataFrame(rows, columns=sa.COLUMNS[:11]), {("o", 2035): 0.1})
    got = idx.set_index("factor")
    assert got.loc["a", "above_noise"] and not got.loc["b", "above_noise"]  # 0.07 < floor
    assert got.loc["b", "noise_floor"] == 0.1 and np.isnan(got.loc["c", "noise_floor"])
    assert not got.loc["c", "spans_zero"] and got.loc["c", "above_noise"]
    assert got.loc["d", "spans_zero"] and not got.loc["d", "above_noise"]
    assert got.loc["d", "lo"] == pytest.approx(-0.06) and got.loc["e", "hi"] == 1.7
    assert list(sa.top_factors(idx, index="mu_star")["above_noise"]) == [True, False]


def test_failed_points_give_nan_with_a_note_not_a_crash(tmp_path):
    failing = spec({"method": "morris", "n": 3, "seed": 3}, replicates=1)
    store = wd.sweep(failing, out=tmp_path / "m", backend="serial", progress=False,
                     simulate="batch_fakes:linear")
    # pretend the first trajectory's runs failed: drop them from the analysis input
    exp = sa.experiment_of(store)
    values = sa.run_values(store, exp)
    assert set(values["point"]) == set(range(exp.n_points))
    from westdev.experiments.store import StoreWriter

    writer = StoreWriter.open(store.path, kind="sensitivity", request=store.manifest["request"],
                              root_seed=exp.root_seed, goal_thresholds={})
    runs = store.runs
    row = runs.iloc[0].to_dict()
    row.update(status="failed", error="RunFailure: year 2020: test")
    writer.write_run(row, None)
    writer.consolidate()
    idx = sa.analyse(store.path, exp)
    inc = idx[(idx["outcome"] == INCOME) & (idx["year"] == 2020)]
    assert inc["value"].notna().all()
    assert inc["note"].str.contains("1 of 3 trajectories dropped").all()


def test_sobol_survives_rare_failed_runs_by_dropping_whole_blocks(tmp_path):
    """A few failed runs drop their Saltelli blocks; the indices of the rest stay finite and
    right, and the table says how many blocks were kept and dropped."""
    result = wd.sensitivity(spec({"method": "sobol", "n": 128, "seed": 1}, replicates=1),
                            out=tmp_path / "sobol", backend="serial", progress=False,
                            simulate="batch_fakes:linear_failing")
    runs = result.store.runs
    failed = int((runs["status"] != "ok").sum())
    assert 0 < failed < 0.05 * len(runs)
    step = len(RANGES) + 2
    points = {int(p) for p in runs.loc[runs["status"] != "ok", "run_id"].str.extract(
        r"-p(\d+)-")[0]}
    dropped_blocks = len({p // step for p in points})
    idx = result.indices
    got = idx[(idx["outcome"] == INCOME) & (idx["year"] == 2020)]
    assert (got["dropped"] == dropped_blocks).all() and (got["kept"] == 128 - dropped_blocks).all()
    assert got["note"].str.contains(f"{dropped_blocks} of 128 Saltelli blocks dropped").all()
    expected, _ = analytic(1)
    got = got.set_index(["index", "factor"])
    for name, s in expected.items():
        for index in ("S1", "ST"):
            assert got.loc[(index, name), "value"] == pytest.approx(s, abs=0.08)
    # the drop counts are written beside the indices
    csv = (result.store.path / "sensitivity.csv").read_text()
    assert "kept" in csv.splitlines()[0] and "dropped" in csv.splitlines()[0]


def test_lhs_is_not_a_sensitivity_design(tmp_path):
    from westdev.errors import InputError

    with pytest.raises(InputError, match="'sobol' or 'morris'"):
        wd.sensitivity(spec({"method": "lhs", "n": 4}, replicates=1), out=tmp_path / "x",
                       backend="serial", simulate="batch_fakes:linear")
    assert not (tmp_path / "x").exists()
