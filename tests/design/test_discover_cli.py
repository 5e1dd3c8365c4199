"""Scenario discovery on stores and the two commands (westdev discover, westdev optimise):
files, hold-out checks and bad input."""

from __future__ import annotations

import design_fakes as F
import pandas as pd
import pytest

import westdev.api as wd
from westdev.cli import main

# success needs high levers and a good world: a half-space, not a box, so the boxes trade
# coverage against density (no box of 5 % of the runs reaches a density of 0.8)
CONDITION = "West:west_east_ratio_income@2025 >= 0.72"


def lhs_store(path, seed: int):
    factors = {f"levers.{k}": {"range": list(v)} for k, v in F.RANGES.items()}
    factors["exogenous.frontier_tfp_growth.scale"] = {"range": [0.5, 1.5]}
    spec = {"experiment": {"name": f"lhs{seed}", "scenario": "baseline"},
            "run": {"end_year": 2025, "resolution": "small", "root_seed": seed},
            "sample": {"method": "lhs", "n": 400, "seed": seed}, "factors": factors}
    return wd.sweep(spec, out=path, backend="serial", progress=False,
                    simulate=F.policy_game)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("disc")
    return lhs_store(root / "a", 1), lhs_store(root / "b", 2)


def test_discover_finds_the_policy_region_and_it_holds_out(stores):
    a, b = stores
    result = wd.discover(a, CONDITION, holdout=b, resamples=5)
    assert result.prim_boxes
    box = result.prim_boxes[0]
    # every restriction raises the lower limit (an upper one is at most a nick of noise)
    assert box.restricted
    for col in box.restricted:
        (lo, hi), (d_lo, d_hi) = box.limits[col], box.full[col]
        assert lo > d_lo and (hi - d_lo) / (d_hi - d_lo) >= 0.85
    assert box.stats["density"] >= 2 * result.data.y.mean()
    h = result.holdout.iloc[0]
    assert h["holdout_density"] == pytest.approx(box.stats["density"], abs=0.15)
    assert h["holdout_coverage"] == pytest.approx(box.stats["coverage"], abs=0.15)
    assert set(result.boxes.columns) >= {"box", "input", "lower", "upper", "coverage",
                                         "density", "mass", "restricted", "qp_value",
                                         "reproducibility", "holdout_coverage"}
    assert not result.tree.empty


def test_the_discover_command_writes_its_files(stores, tmp_path, capsys):
    a, b = stores
    out = tmp_path / "d"
    code = main(["discover", str(a.path), "--out", str(out), "--condition", CONDITION,
                 "--holdout", str(b.path), "--resamples", "3"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "box 1:" in text and "hold-out coverage" in text
    boxes = pd.read_csv(out / "boxes.csv")
    assert boxes["restricted"].any()
    for name in ("report.md", "trajectory.csv", "tree.csv", "peeling1.png", "box1.png"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## PRIM boxes" in report and "hold-out" in report and "CART" in report


@pytest.mark.parametrize("args, needle", [
    (["--condition", "West:west_east_ratio_income@2025 >> 1"], "condition"),
    (["--condition", "West:west_east_ratio_income@2025 > 5"], "never met"),
    (["--condition", "West:nothing@2025 > 0"], "no values"),
])
def test_discover_refuses_bad_input(stores, tmp_path, capsys, args, needle):
    a, _ = stores
    code = main(["discover", str(a.path), "--out", str(tmp_path / "x"), *args])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and "Traceback" not in err


def test_discover_refuses_a_missing_store(tmp_path, capsys):
    code = main(["discover", str(tmp_path / "none"), "--out", str(tmp_path / "x")])
    assert code == 2 and "no such results store" in capsys.readouterr().err


def test_optimise_dry_run_and_bad_files(tmp_path, capsys):
    assert main(["optimise", "cheapest_income", "--out", str(tmp_path / "o"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "fiscal.west_transfer_coefficient: [1, 1.625]" in out and "runs, at most" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('[policy]\nname = "b"\n[levers]\nsearch = "all"\n', encoding="utf-8")
    assert main(["optimise", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "levers.search" in err
    assert main(["optimise", "no_such_search", "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()
