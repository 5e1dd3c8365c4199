"""``westdev sweep``, ``sensitivity`` and ``rerun`` on the real model (small, short runs):
dry runs, exit codes, resume and mismatch, identical reruns, bad experiment files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import westdev
from westdev.cli import main
from westdev.experiments.store import read_runs, results_digest

TINY_MORRIS = """
[experiment]
name = "tiny_morris"
scenario = "baseline"

[run]
end_year = 2021
resolution = "small"

[outputs]
outcomes = ["West:west_east_ratio_income", "China:gdp_100m_yuan"]

[sample]
method = "morris"
trajectories = 2
seed = 5

[factors."levers.fiscal.cit_rate_encouraged_west"]
range = [0.15, 0.25]
[factors."levers.fiscal.equipment_duty_exemption"]
values = [false, true]
"""


def test_dry_run_prints_count_and_estimate_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["sweep", "smoke", "--out", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "runs: 8 = 4 points × 2 replicates × 1 scenario(s)" in text
    assert "levers.fiscal.equipment_duty_exemption: values true, false" in text
    assert "estimated wall time" in text and "timed here" in text
    assert not out.exists()


def test_smoke_sweep_resume_and_identical_rerun(tmp_path, capsys):
    out = tmp_path / "smoke"
    assert main(["sweep", "smoke", "--out", str(out), "--workers", "2", "--quiet"]) == 0
    assert "8 of 8 runs ok" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["request"]["experiment"]["grid"]
    assert manifest["experiment"]["n_runs"] == 8
    # the same command again: nothing to redo
    walls = read_runs(out)["wall_s"].tolist()
    assert main(["sweep", "smoke", "--out", str(out), "--quiet"]) == 0
    assert read_runs(out)["wall_s"].tolist() == walls
    capsys.readouterr()
    # the whole batch again, from the manifest alone, into a new store: identical results
    again = tmp_path / "again"
    assert main(["rerun", str(out / "manifest.json"), "--out", str(again), "--backend",
                 "serial", "--quiet"]) == 0
    assert f"results identical to {out}: yes" in capsys.readouterr().out
    assert results_digest(out) == results_digest(again)
    # completing a store in place (nothing missing)
    assert main(["rerun", str(out), "--quiet"]) == 0
    # another request into the same directory is refused, naming what changed
    smoke = (Path(westdev.__file__).parents[1] / "scenarios" / "experiments" / "smoke.toml")
    changed = tmp_path / "smoke.toml"
    changed.write_text(smoke.read_text().replace("replicates = 2", "replicates = 3"))
    assert main(["sweep", str(changed), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "field 'request.experiment.run.replicates'" in err and "is 2 there but 3 now" in err
    assert "--overwrite" in err


def test_sensitivity_command_writes_indices(tmp_path, capsys):
    exp = tmp_path / "tiny_morris.toml"
    exp.write_text(TINY_MORRIS)
    out = tmp_path / "m"
    assert main(["sensitivity", str(exp), "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "largest mu_star in 2021:" in text and "6 of 6 runs ok" in text
    assert (out / "sensitivity.csv").is_file() and (out / "noise_share.csv").is_file()
    import pandas as pd

    idx = pd.read_parquet(out / "sensitivity.parquet")
    assert set(idx["index"]) == {"mu", "mu_star", "sigma"}
    assert set(idx["outcome"]) == {"West:west_east_ratio_income", "China:gdp_100m_yuan"}
    assert set(idx["year"]) == {2020, 2021}


@pytest.mark.parametrize("body, field, text", [
    (TINY_MORRIS.replace('"morris"', '"morriss"'), "sample.method", "did you mean 'morris'"),
    (TINY_MORRIS.replace('method = "morris"\ntrajectories = 2', 'method = "sobol"\nn = 6'),
     "sample.n", "nearest are 4 and 8"),
    (TINY_MORRIS.replace("seed = 5", "seed = -5"), "sample.seed", "0 to 2^32-1"),
    (TINY_MORRIS.replace('"levers.fiscal.cit_rate_encouraged_west"', '"levers.fiscal.cit"'),
     "factors.levers.fiscal.cit", "did you mean"),
    (TINY_MORRIS.replace("range = [0.15, 0.25]", "range = [0.15, 0.35]"),
     "factors.levers.fiscal.cit_rate_encouraged_west.range", "[0, 0.25]"),
    (TINY_MORRIS.replace('resolution = "small"', 'resolution = "small"\nreplicates = 0'),
     "run.replicates", "integer >= 1"),
])
def test_bad_experiment_files_exit_2_naming_file_and_field(tmp_path, capsys, body, field, text):
    exp = tmp_path / "bad.toml"
    exp.write_text(body)
    out = tmp_path / "out"
    for command in ("sweep", "sensitivity"):
        assert main([command, str(exp), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"westdev: error: {exp}: field '{field}'"), err
        assert text in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_bad_arguments_exit_2(tmp_path, capsys):
    out = str(tmp_path / "o")
    assert main(["sweep", "smok", "--out", out]) == 2
    assert "did you mean 'smoke'" in capsys.readouterr().err
    assert main(["sweep", "smoke", "--out", out, "--backend", "processes",
                 "--scheduler", "tcp://localhost:1"]) == 2
    assert "field 'scheduler'" in capsys.readouterr().err
    assert main(["sensitivity", "smoke", "--out", out]) == 2
    assert "not a sensitivity sample" in capsys.readouterr().err
    assert main(["rerun", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    assert main(["sweep", "smoke", "--out", out, "--workers", "0"]) == 2
    assert not (tmp_path / "o").exists()


def test_rerun_of_a_compare_store(tmp_path, capsys, monkeypatch):
    import fakes

    import westdev.economy.simulate

    monkeypatch.setattr(westdev.economy.simulate, "simulate", fakes.simulate)
    out, again = tmp_path / "cmp", tmp_path / "again"
    fast = ["--backend", "serial", "--resolution", "small", "--quiet", "--replicates", "2"]
    assert main(["compare", "baseline", "no_policy", "--out", str(out), "--no-chart",
                 *fast]) == 0
    assert main(["rerun", str(out / "manifest.json"), "--out", str(again), "--backend",
                 "serial", "--quiet"]) == 0
    assert f"results identical to {out}: yes" in capsys.readouterr().out
    assert json.loads((again / "manifest.json").read_text())["request"] == \
        json.loads((out / "manifest.json").read_text())["request"]
