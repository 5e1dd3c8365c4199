"""Charts on a real tiny store, `westdev report` on a comparison and on a Morris sensitivity
store, and bad input: every case an `InputError` naming the argument (exit code 2)."""

from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

import westdev.charts as C
from westdev.analysis.report import FIGURES, add_report_parser, write_report
from westdev.charts import style
from westdev.errors import InputError

COMPARE_FIGURES = {"goal_fans", "deviations", "goal_probability", "gap_closed",
                   "worst_province", "theil_within_west", "cost_effectiveness", "frontier",
                   "province_tiles", "map_income_ratio", "map_income_ratio_change"}


def names(files):
    return sorted(f.name for f in files)


# ---------------------------------------------------------------------- charts on a real store
def test_every_chart_on_a_real_tiny_store(tiny_store, tmp_path):
    df = tiny_store.results
    theta = tiny_store.manifest["goal_thresholds"]
    figs = {
        "fans": C.plot_goal_fans(df, theta=theta),
        "dev": C.plot_deviations(df),
        "prob": C.plot_goal_probability(df, theta=theta),
        "gap": C.plot_gap_closed(df),
        "worst": C.plot_worst_province(df),
        "theil": C.plot_theil_share(df),
        "ce": C.plot_cost_effectiveness(df),
        "frontier": C.plot_frontier(df, theta=theta),
        "tiles": C.plot_province_tiles(df, "gdp_per_capita_yuan", scale=1e-4),
        "map": C.plot_choropleth(df, "income_ratio_to_east", since=2019),
    }
    for name, fig in figs.items():
        files = C.save_figure(fig, tmp_path / name)
        assert [f.suffix for f in files] == [".png", ".pdf"], name
    # the goal year falls back to the last simulated year
    assert "2022" in figs["prob"].legends[0].get_title().get_text()
    assert figs["dev"].axes[0].get_lines()[1].get_xdata()[-1] == 2022
    ce = C.cost_effectiveness_table(df)
    guide = ce[(ce["policy"] == "guideline") & (ce["dimension"] == "income")].iloc[0]
    assert guide["n_pairs"] == 2 and guide["d_cost_100m_yuan"] > 0


# ---------------------------------------------------------------------- report
def test_report_on_a_comparison(tiny_store, tmp_path):
    out = tmp_path / "report"
    files = write_report(tiny_store.path, out)
    figures = {f.stem for f in files if f.suffix == ".png"}
    assert figures == COMPARE_FIGURES
    assert names(files) == sorted([f"{n}.{x}" for n in COMPARE_FIGURES for x in ("png", "pdf")]
                                  + ["report.md"])
    assert files[-1] == out / "report.md"
    md = (out / "report.md").read_text(encoding="utf-8")
    for heading in ("## Goal ratios in 2022", "## Probability of the goal in 2022",
                    "## Share of the 2019 gap closed by 2022", "## Lever costs per year",
                    "### Largest cost items", "## Cost-effectiveness against baseline",
                    "## Figures"):
        assert heading in md, heading
    assert "| baseline | 0." in md and "| guideline |" in md and "| no_policy |" in md
    assert "seed noise" in md  # a comparison is not an uncertainty ensemble
    for n in COMPARE_FIGURES:
        assert f"]({n}.png)" in md and f"[PDF]({n}.pdf)" in md
    assert not [p for p in out.iterdir() if p.name.startswith(".")
                and p.name != ".westdev-report.json"]  # no temp files left (the listing stays)


def test_report_samples_province_runs_and_sums_costs_over_every_run(tiny_store, tmp_path,
                                                                    monkeypatch):
    """Province figures draw at most MAX_PROVINCE_RUNS runs a scenario (and say so); the cost
    items, summed chunk by chunk, equal the mean over every run of the whole table."""
    import westdev.analysis.report.context as context
    from westdev.analysis.report.text import FORMATS

    monkeypatch.setattr(context, "MAX_PROVINCE_RUNS", 1)
    ctx = context.ReportContext(tiny_store, tmp_path, "en", FORMATS)
    ctx.load()
    prov = ctx.provinces()
    assert prov.groupby("scenario", observed=True)["run_id"].nunique().eq(1).all()
    assert any("first 1 runs" in n for n in ctx.notes)
    df = tiny_store.results
    cost = df[(df["area"] == "China") & df["indicator"].str.startswith(context.COST_PREFIX)
              & (df["indicator"] != context.COST_TOTAL) & (df["year"] > ctx.first)]
    expect = cost.groupby(["scenario", "indicator", "run_id"])["value"].sum().groupby(
        ["scenario", "indicator"]).mean()
    got = ctx.cost_items().set_index(["scenario", "indicator"])["value"]
    pd.testing.assert_series_equal(got.sort_index(), expect.sort_index(), check_names=False)
    assert "first 1 runs of each scenario" in ctx.markdown()


def test_report_formats_svg_and_stale_figures_removed(tiny_store, morris_store, tmp_path):
    out = tmp_path / "r"
    write_report(tiny_store.path, out, formats=["svg"])
    assert (out / "goal_fans.svg").is_file() and not (out / "goal_fans.png").exists()
    assert "![" in (out / "report.md").read_text() and "(goal_fans.svg)" in \
        (out / "report.md").read_text()
    files = write_report(morris_store.path, out, formats=["svg"])  # same directory, other store
    left = {p.stem for p in out.iterdir() if p.suffix == ".svg"}
    assert left == {"sensitivity_bars", "sensitivity_heatmap"} == {f.stem for f in files
                                                                    if f.suffix == ".svg"}


def test_report_on_a_morris_store(morris_store, tmp_path):
    assert morris_store.manifest["kind"] == "sensitivity"
    out = tmp_path / "sa"
    files = write_report(morris_store.path, out, formats=("png", "pdf"))
    assert names(files) == ["report.md", "sensitivity_bars.pdf", "sensitivity_bars.png",
                            "sensitivity_heatmap.pdf", "sensitivity_heatmap.png"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Sensitivity analysis (Morris)" in md
    assert "levers.fiscal.west_transfer_coefficient" in md and "mu_star" in md
    assert "### Seed noise" in md
    assert "**Kind**: sensitivity (morris)" in md


def test_report_computes_indices_when_the_analysis_was_not_written(morris_store, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(morris_store.path, copy)
    for name in ("sensitivity.parquet", "sensitivity.csv", "noise_share.csv"):
        (copy / name).unlink()
    files = write_report(copy, tmp_path / "out", formats=["png"])
    assert {f.name for f in files} == {"sensitivity_bars.png", "sensitivity_heatmap.png",
                                       "report.md"}
    assert not (copy / "sensitivity.parquet").exists()  # the store is left as it was


def test_report_on_one_scenario_and_on_an_ensemble_draws_what_applies(tmp_path):
    from chart_fakes import fake_simulate

    import westdev.api as wd
    from westdev.inputs.scenario import load_scenario

    run = wd.run(load_scenario("guideline").with_overrides(run={"end_year": 2021}),
                 replicates=2, resolution="small", backend="serial", progress=False,
                 out=tmp_path / "run")
    files = write_report(run.path, tmp_path / "r1", formats=["png"])
    assert {f.stem for f in files} == COMPARE_FIGURES - {
        "deviations", "cost_effectiveness", "frontier"} | {"report"}
    ens = wd.sweep({"experiment": {"name": "ens", "kind": "ensemble", "scenario": "baseline"},
                    "run": {"end_year": 2022, "resolution": "small", "replicates": 1},
                    "ensemble": {"draws": 5, "seed": 1, "parameters": ["calibrated"]}},
                   out=tmp_path / "ens", backend="serial", progress=False,
                   simulate=fake_simulate)
    assert ens.manifest["kind"] == "ensemble"
    files = write_report(ens.path, tmp_path / "r2", formats=["png"])
    # the fake records only the goal ratios: no provinces, costs or output
    assert {f.stem for f in files} == {"goal_fans", "goal_probability", "gap_closed", "report"}
    md = (tmp_path / "r2" / "report.md").read_text(encoding="utf-8")
    assert "**Kind**: ensemble" in md and "seed noise" not in md


def test_report_in_chinese_when_a_cjk_font_is_installed(tiny_store, tmp_path):
    if style.cjk_font() is None:
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    files = write_report(tiny_store.path, tmp_path / "zh", lang="zh", formats=["png"])
    md = (tmp_path / "zh" / "report.md").read_text(encoding="utf-8")
    assert "## 2022 年目标比值" in md and len(files) == len(COMPARE_FIGURES) + 1


# ---------------------------------------------------------------------- bad input
def test_bad_input_is_an_input_error_naming_the_argument(tiny_store, tmp_path, monkeypatch):
    out = tmp_path / "out"
    cases = [
        ((tmp_path / "missing", out), {}, "RESULTS_DIR", "does not exist"),
        ((tmp_path, out), {}, "RESULTS_DIR", "not a westdev results store"),
        ((tiny_store.path / "manifest.json", out), {}, "RESULTS_DIR", "not a directory"),
        ((tiny_store.path, out), {"lang": "fr"}, "--lang", "allowed: en | zh"),
        ((tiny_store.path, out), {"formats": ["png", "jpg"]}, "--formats", "jpg"),
        ((tiny_store.path, out), {"formats": []}, "--formats", "no format"),
    ]
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    cases.append(((tiny_store.path, blocker), {}, "--out", "not a directory"))
    cases.append(((tiny_store.path, blocker / "sub"), {}, "--out", "allowed"))
    for args, kwargs, field, text in cases:
        with pytest.raises(InputError) as err:
            write_report(*args, **kwargs)
        assert field in str(err.value) and text in str(err.value), (args, kwargs, err.value)
    assert not out.exists()  # nothing written on bad input
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    with pytest.raises(InputError) as err:
        write_report(tiny_store.path, out, lang="zh")
    assert "--lang" in str(err.value) and "apt-get install fonts-noto-cjk" in str(err.value)
    assert not out.exists()


def test_a_store_without_successful_runs_or_with_a_broken_manifest(tiny_store, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    with pytest.raises(InputError, match="manifest"):
        write_report(broken, tmp_path / "o")
    import shutil

    import pandas as pd

    failed = tmp_path / "failed"
    shutil.copytree(tiny_store.path, failed)
    for file in (failed / "runs").glob("*.parquet"):  # the store's runs files
        runs = pd.read_parquet(file)
        runs["status"] = "failed"
        runs.to_parquet(file, index=False)
    with pytest.raises(InputError, match="no successful runs"):
        write_report(failed, tmp_path / "o2")


# ---------------------------------------------------------------------- command line
def parser():
    p = argparse.ArgumentParser(prog="westdev")
    sub = p.add_subparsers(dest="command", required=True)
    add_report_parser(sub)
    return p


def test_report_subcommand(tiny_store, tmp_path, capsys):
    args = parser().parse_args(["report", str(tiny_store.path), "--out", str(tmp_path / "c"),
                                "--formats", "png", "--lang", "en"])
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "report.md" in printed and f"{len(COMPARE_FIGURES)} files" in printed
    args = parser().parse_args(["report", str(tmp_path / "nope"), "--out", str(tmp_path)])
    with pytest.raises(InputError, match="RESULTS_DIR"):
        args.func(args)
    with pytest.raises(SystemExit):
        parser().parse_args(["report", str(tiny_store.path)])  # --out is required


def test_cli_exit_codes_once_the_subcommand_is_registered(tiny_store, tmp_path, capsys):
    from westdev.cli import build_parser, main

    try:
        build_parser().parse_args(["report", str(tiny_store.path), "--out", str(tmp_path)])
    except SystemExit:
        pytest.skip("westdev.cli does not register `report` yet (add_report_parser)")
    assert main(["report", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "RESULTS_DIR" in capsys.readouterr().err
    assert main(["report", str(tiny_store.path), "--out", str(tmp_path / "o"),
                 "--lang", "xx"]) == 2
    assert main(["report", str(tiny_store.path), "--out", str(tmp_path / "o"),
                 "--formats", "png"]) == 0


def test_figure_names_are_documented():
    assert COMPARE_FIGURES < set(FIGURES)
    assert json.dumps(FIGURES)  # a plain tuple of names
