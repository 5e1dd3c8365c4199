"""The westdev command line: exit codes 0/1/2, messages, levers, validate, run and compare.

Runs use the fake simulate (tests/fakes.py) patched in, with the serial backend; two tests go
through a real subprocess (``python -m westdev``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import fakes
import pytest

import westdev.economy.simulate
import westdev.inputs.parameters
from westdev.cli import main
from westdev.policy.catalogue import LEVERS

FAST = ["--backend", "serial", "--resolution", "small", "--quiet"]
pytestmark = pytest.mark.usefixtures("fake_simulate")


@pytest.fixture
def failing(tmp_path):
    path = tmp_path / "failing.toml"
    path.write_text('[meta]\nname = "failing"\nextends = "baseline"\n[run]\nend_year = 2023\n')
    return path


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    assert "compare" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert "westdev" in capsys.readouterr().out


def test_levers_lists_every_lever_with_articles(capsys):
    assert main(["levers"]) == 0
    *lines, summary = capsys.readouterr().out.splitlines()  # one line per lever, then the count
    assert len(lines) == len(LEVERS)
    for line, (name, spec) in zip(lines, LEVERS.items(), strict=True):
        assert line.startswith(name + " ")
        assert spec.cited in line and "§" in line and spec.meaning in line
        assert spec.unit in line
    assert summary.startswith("Assumed magnitudes")
    assert main(["levers", "--area", "land"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3 + 1
    assert main(["levers", "--area", "lnd"]) == 2


def test_params_lists_the_register(capsys, monkeypatch):
    monkeypatch.setattr(westdev.inputs.parameters, "load_register", fakes.fake_register)
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    # issue 20, 7: meaning, unit, range, tag, source and the value in use, as promised
    assert ("migration.distance_elasticity\n  value in use  1.2\n  unit          1 "
            "(dimensionless)\n  range         [0.5, 3]\n  tag           literature\n"
            "  meaning       Distance cost of moving.\n  source        test\n") in out
    assert out.rstrip().endswith("2 parameters; tags: assumed, literature. Override any of "
                                 "them in a scenario's [parameters] table (scenarios/README.md).")
    assert main(["params", "--tag", "assumed"]) == 0
    out = capsys.readouterr().out
    assert "firms.moving_cost_share" in out and "migration." not in out
    assert main(["params", "--tag", "nope"]) == 2


def test_validate(tmp_path, capsys, short):
    bad = tmp_path / "bad.toml"
    bad.write_text("[levers.fiscal]\ncit_rate_encouraged_west = 0.4\n")
    assert main(["validate", str(short), "baseline"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"ok: {short}", "ok: baseline"]
    assert main(["validate", str(bad), str(short)]) == 2
    captured = capsys.readouterr()
    assert captured.out == f"ok: {short}\n"
    assert captured.err.startswith(f"westdev: error: {bad}: field "
                                   "'levers.fiscal.cit_rate_encouraged_west'")
    assert len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err


def test_run_writes_a_store(tmp_path, capsys, short):
    out = tmp_path / "out"
    assert main(["run", str(short), "--replicates", "2", "--root-seed", "4", "--out", str(out),
                 *FAST]) == 0
    printed = capsys.readouterr().out
    assert "2 of 2 runs ok" in printed
    # issue 20, 7: it ends with the goal ratios of the last year and what to try next
    last = json.loads((out / "manifest.json").read_text())["request"]
    assert "West/East goal ratios in " in printed and "income 0." in printed
    assert "(2 runs): income" in printed and "θ 0.8" in printed
    assert f"westdev report {out} --out {out}/report" in printed
    assert f"westdev export {out} --csv" in printed and last
    assert list((out / "results").glob("*.parquet")) and list((out / "runs").glob("*.parquet"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 4 and manifest["request"]["replicates"] == 2
    # the same command again resumes (nothing to do); another request is refused, naming why
    assert main(["run", str(short), "--replicates", "2", "--root-seed", "4", "--out", str(out),
                 *FAST]) == 0
    capsys.readouterr()
    assert main(["run", str(short), "--replicates", "3", "--root-seed", "4", "--out", str(out),
                 *FAST]) == 2
    err = capsys.readouterr().err
    assert "field 'request.replicates'" in err and "is 2 there but 3 now" in err
    assert main(["run", str(short), "--replicates", "3", "--out", str(out), "--overwrite",
                 *FAST]) == 0


def test_run_default_out_is_results_slash_name(tmp_path, monkeypatch, short):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(short), *FAST]) == 0
    assert (tmp_path / "results" / "short" / "manifest.json").is_file()


def test_failed_runs_exit_1_naming_them(tmp_path, capsys, failing):
    assert main(["run", str(failing), "--replicates", "2", "--out", str(tmp_path / "o"),
                 *FAST]) == 1
    err = capsys.readouterr().err
    assert "failing-r0000: RunFailure: year 2020: fake economy broke down" in err
    assert "westdev: error: 2 of 2 runs failed: failing-r0000, failing-r0001" in err


def test_compare_with_and_without_chart(tmp_path, capsys, short, failing):
    out = tmp_path / "cmp"
    other = tmp_path / "short_no_policy.toml"
    other.write_text('[meta]\nname = "short_no_policy"\nextends = "no_policy"\n[run]\n'
                     'end_year = 2023\n')
    assert main(["compare", str(short), str(other), "--replicates", "2", "--out", str(out),
                 *FAST]) == 0
    assert (out / "goal_ratios.png").is_file() and (out / "goal_ratios.pdf").is_file()
    assert "chart:" in capsys.readouterr().out
    out2 = tmp_path / "cmp2"
    assert main(["compare", str(short), str(failing), "--out", str(out2), "--no-chart",
                 *FAST]) == 1
    assert not (out2 / "goal_ratios.png").exists()
    assert "failing-r0000" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["run"],
    ["run", "baseline", "--replicates", "0"],
    ["run", "baseline", "--root-seed", "-3"],
    ["run", "baseline", "--backend", "ray"],
    ["run", "baseline", "--resolution", "huge"],
    ["compare", "baseline", "no_policy"],  # --out is required
    ["frobnicate"],
])
def test_bad_arguments_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def test_bad_input_exit_2_and_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[run]\nreplicates = -1\n")
    out = tmp_path / "never"
    assert main(["run", str(bad), "--out", str(out), *FAST]) == 2
    assert main(["compare", "baseline", "--out", str(out), *FAST]) == 2
    assert main(["compare", "baseline", "nope", "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"westdev: error: {bad}: field 'run.replicates': integer -1 is not a "
                      "number of replicates (allowed: an integer >= 1)")
    assert "at least two scenarios" in err[1] and "nope" in err[2]
    assert not out.exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["run", "baseline", "--out", str(blocker / "x"), *FAST]) == 2
    assert "cannot write the results store here" in capsys.readouterr().err


def _cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": ""}
    return subprocess.run([sys.executable, "-m", "westdev", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_subprocess_exit_codes(tmp_path):
    assert _cli("--help", cwd=tmp_path).returncode == 0
    (tmp_path / "bad.toml").write_text("[run\n")
    proc = _cli("validate", "bad.toml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("westdev: error: bad.toml: invalid TOML")
    assert "Traceback" not in proc.stderr
    levers = _cli("levers", cwd=tmp_path)
    assert levers.returncode == 0 and len(levers.stdout.splitlines()) == len(LEVERS) + 1


def test_changed_scenario_names_the_changed_field(tmp_path, capsys, short):
    out = tmp_path / "out"
    assert main(["run", str(short), "--out", str(out), *FAST]) == 0
    short.write_text(short.read_text() + "[levers.fiscal]\ncit_rate_encouraged_west = 0.2\n")
    assert main(["run", str(short), "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    assert ("field 'request.scenarios[0].content.levers.fiscal.cit_rate_encouraged_west'"
            in err)
    assert "is 0.15 there but 0.2 now" in err


def test_export_writes_spreadsheet_csv(tmp_path, capsys, short):
    """Issue 20, 7: `westdev export STORE --csv` for spreadsheet users."""
    import pandas as pd

    store = tmp_path / "store"
    assert main(["run", str(short), "--replicates", "2", "--out", str(store), *FAST]) == 0
    capsys.readouterr()
    assert main(["export", str(store), "--csv"]) == 0
    printed = capsys.readouterr().out
    results, runs = store / "csv" / "results.csv", store / "csv" / "runs.csv"
    assert f"results: {results}" in printed and f"runs:    {runs}" in printed
    assert results.read_bytes()[:3] == b"\xef\xbb\xbf"  # a BOM: Excel reads UTF-8
    res = pd.read_csv(results, encoding="utf-8-sig")
    assert list(res.columns[:2]) == ["run_id", "scenario"] and {"year", "area", "indicator",
                                                                 "value"} <= set(res.columns)
    assert len(pd.read_csv(runs, encoding="utf-8-sig")) == 2
    assert main(["export", str(store), "--out", str(tmp_path / "x"), "--indicators",
                 "west_east_ratio_income", "--areas", "West"]) == 0
    sub = pd.read_csv(tmp_path / "x" / "results.csv", encoding="utf-8-sig")
    assert set(sub["indicator"]) == {"west_east_ratio_income"} and set(sub["area"]) == {"West"}
    assert main(["export", str(tmp_path)]) == 2
    assert "not a westdev results store" in capsys.readouterr().err
