"""The explorer's logic without a browser: presets, field checks, the request and its TOML,
runs through the package's runner (equal to the CLI's), tables, charts, downloads, texts.

The real model runs here at the small resolution with 2 replicates (about 0.2 s a run); the
comparison is made once per module.
"""

from __future__ import annotations

import io
import math
import threading
import time
import tomllib

import pandas as pd
import pytest

import westdev.api as wd
from westdev.cli import main
from westdev.errors import InputError
from westdev.explorer import core, texts
from westdev.inputs.scenario import load_scenario, validate_file
from westdev.policy.catalogue import AREAS, LEVERS

CIT = "fiscal.cit_rate_encouraged_west"
BOND = "fiscal.transfers_in_bond_capacity"
PENSION = "public_services.pension_pooling"
REPS = 2
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    ex = core.Explorer(tmp_path_factory.mktemp("explorer"))
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def edited() -> core.Request:
    controls = core.control_values("baseline")
    controls[CIT] = "0.10"
    controls[BOND] = True
    request, errors = core.request_from_controls("baseline", controls, replicates=str(REPS))
    assert errors == {}
    return request


@pytest.fixture(scope="module")
def comparison(explorer, edited) -> core.Comparison:
    return explorer.compare(edited)


# ---------------------------------------------------------------------- presets, fields
def test_presets_are_the_shipped_scenarios_and_controls_show_their_end_values():
    names = core.preset_names()
    assert names[:3] == ["baseline", "guideline", "no_policy"]
    assert ("enacted_2020_2024" in names) == ("enacted_2020_2024" in wd.shipped_scenarios())
    guide = core.control_values("guideline")
    # phased in from 1.2 (2020) to 1.35 (2025): the control shows where it ends up
    assert guide["fiscal.west_transfer_coefficient"] == "1.35"
    assert guide[BOND] is True and guide[PENSION] == LEVERS[PENSION].value_guideline
    base = core.control_values("baseline")
    assert {n: base[n] for n in (CIT, BOND, PENSION)} == {CIT: "0.15", BOND: False,
                                                          PENSION: "provincial"}
    with pytest.raises(InputError, match="unknown preset"):
        core.preset("no_such_preset")


@pytest.mark.parametrize("raw, message", [
    ("abc", "“abc” is not a number."),
    ("", "Enter a number."),
    ("  ", "Enter a number."),
    ("nan", "is not a number"),
    ("inf", "is not a number"),
    ("0,1", "“0,1” is not a number."),
    ("0.3", "0.3 is outside the allowed range 0–0.25 rate."),
    ("-0.01", "-0.01 is outside the allowed range 0–0.25 rate."),
])
def test_a_bad_number_gets_an_inline_message(raw, message):
    check = core.check_lever(CIT, raw)
    assert not check.ok and check.value is None
    assert message in check.error


def test_good_fields_give_their_values_and_messages_speak_chinese():
    assert core.check_lever(CIT, " 0.25 ").value == 0.25
    assert core.check_lever(CIT, "0").value == 0.0
    assert core.check_lever(BOND, True).value is True
    assert core.check_lever(BOND, "false").value is False
    assert core.check_lever(PENSION, "national").value == "national"
    assert not core.check_lever(PENSION, "city").ok
    assert core.check_lever(CIT, "abc", "zh").error == "“abc”不是数值。"
    assert "超出允许范围 0–0.25" in core.check_lever(CIT, "1", "zh").error
    assert core.check_int("3", 1, 16).value == 3
    assert "not a whole number" in core.check_int("2.5", 1, 16).error
    assert "outside 1–16" in core.check_int("17", 1, 16).error


def test_bad_fields_stop_the_request_and_are_all_named():
    controls = core.control_values("guideline")
    controls[CIT] = "abc"
    controls["land.unused_land_quota_km2"] = "9999"
    request, errors = core.request_from_controls("guideline", controls, replicates="0",
                                                 root_seed="-1")
    assert request is None
    assert set(errors) == {CIT, "land.unused_land_quota_km2", "replicates", "root_seed"}
    assert "5000" in errors["land.unused_land_quota_km2"]


def test_lever_labels_have_meaning_unit_range_2019_value_and_article():
    spec = LEVERS[CIT]
    heading, caption = core.lever_label(spec)
    assert heading == spec.meaning
    for part in ("rate", "range 0–0.25", "2019: 0.15", "§30", CIT):
        assert part in caption
    heading_zh, caption_zh = core.lever_label(spec, "zh")
    assert heading_zh == texts.LEVER_ZH[CIT] and "税（费）率" in caption_zh and "§30" in caption_zh
    assert "county / provincial / national" in core.lever_label(LEVERS[PENSION])[1]


# ---------------------------------------------------------------------- the request, TOML
def test_an_untouched_preset_is_the_preset_itself():
    request, _ = core.request_from_controls("guideline", core.control_values("guideline"))
    assert request.levers == () and request.name == "guideline"
    assert request.seed == load_scenario("guideline").run.root_seed
    ran = request.scenario()
    assert ran.content_hash == load_scenario("guideline").with_overrides(
        run=request.run_table()).content_hash
    assert [s.name for s in request.scenarios()] == ["baseline", "guideline"]
    alone, _ = core.request_from_controls("baseline", core.control_values("baseline"))
    assert [s.name for s in alone.scenarios()] == ["baseline"]


def test_changed_levers_phase_in_like_the_guideline_file(edited):
    assert edited.name == "baseline_edited"
    assert edited.levers == ((CIT, 0.1), (BOND, True))
    assert edited.schedules() == {CIT: {"2020": 0.15, "2025": 0.1},
                                  BOND: {"2020": False, "2021": True}}
    s = edited.scenario()
    assert s.levers[CIT].at(2020) == 0.15 and s.levers[CIT].at(2035) == 0.1
    assert math.isclose(s.levers[CIT].at(2023), 0.12)
    assert s.levers[BOND].at(2020) is False and s.levers[BOND].at(2021) is True
    at_once = core.Request("baseline", edited.levers, phase_in=False, replicates=REPS)
    assert at_once.schedules() == {CIT: 0.1, BOND: True}
    assert at_once.scenario().levers[CIT].at(2020) == 0.1
    # from a phased preset, the change starts from the preset's own 2020 value
    guide = core.Request("guideline", (("fiscal.west_transfer_coefficient", 2.0),))
    assert guide.schedules() == {"fiscal.west_transfer_coefficient": {"2020": 1.2,
                                                                      "2025": 2.0}}


@pytest.mark.parametrize("preset, levers, phase_in", [
    ("baseline", ((CIT, 0.1), (BOND, True)), True),
    ("guideline", (("fiscal.west_transfer_coefficient", 2.0), (PENSION, "county")), True),
    ("no_policy", (("land.unused_land_quota_km2", 1234.5),), False),
    ("guideline", (), True),
])
def test_the_toml_validates_and_is_the_scenario_that_runs(tmp_path, capsys, preset, levers,
                                                          phase_in):
    request = core.Request(preset, levers, phase_in, replicates=3, root_seed=7)
    path = tmp_path / f"{request.name}.toml"
    path.write_text(request.toml(), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "ok:" in capsys.readouterr().out
    loaded = validate_file(path)
    assert loaded.content_hash == request.scenario().content_hash
    assert loaded.name == request.name
    assert (loaded.run.resolution, loaded.run.replicates, loaded.run.root_seed) == \
        ("small", 3, 7)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(raw["levers"]) == set(AREAS)
    assert sum(len(t) for t in raw["levers"].values()) == len(LEVERS)  # every lever listed
    text = path.read_text(encoding="utf-8")
    assert text.count("— changed on the page") == len(levers)
    assert request.cli_command() in text


# ---------------------------------------------------------------------- runs = the CLI's
def test_the_page_runs_equal_a_cli_run_of_the_downloaded_toml(comparison, edited, tmp_path):
    assert comparison.names == ["baseline", "baseline_edited"]
    assert comparison.failed.empty and len(comparison.runs) == 2 * REPS
    path = tmp_path / f"{edited.name}.toml"
    path.write_text(edited.toml(), encoding="utf-8")
    out = tmp_path / "cli"
    assert main(["run", str(path), "--replicates", str(REPS), "--root-seed",
                 str(edited.seed), "--resolution", "small", "--out", str(out),
                 "--backend", "serial", "--quiet"]) == 0
    cli = wd.ResultsStore(out).results
    page = comparison.results[comparison.results["scenario"] == edited.name]
    key = ["run_id", "year", "area", "indicator"]
    cols = [*key, "scenario", "replicate", "seed", "value"]
    pd.testing.assert_frame_equal(
        page[cols].sort_values(key).reset_index(drop=True),
        cli[cols].sort_values(key).reset_index(drop=True), check_dtype=False)


def test_the_baseline_runs_once_per_setting_and_repeats_are_kept(explorer, edited,
                                                                 comparison):
    again = explorer.compare(edited)
    assert again.kept_runs == len(again.runs) and again.wall_s == 0.0
    other = core.Request("baseline", ((CIT, 0.2),), replicates=REPS)
    third = explorer.compare(other)
    assert third.kept_runs == REPS  # the baseline's replicates, kept from the first request
    base = third.results[third.results["scenario"] == "baseline"]
    pd.testing.assert_frame_equal(
        base.reset_index(drop=True),
        comparison.results[comparison.results["scenario"] == "baseline"].reset_index(
            drop=True))


def test_concurrent_requests_for_one_key_compute_it_once(tmp_path):
    ex = core.Explorer(tmp_path)
    calls, go = [], threading.Event()

    def slow():
        calls.append(1)
        go.wait(5)
        return "value", True

    got = []
    threads = [threading.Thread(target=lambda: got.append(ex._once("k", slow)))
               for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    go.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1
    assert sorted(got) == [("value", False), ("value", True), ("value", True)]
    assert ex._once("failed", lambda: ("bad", False)) == ("bad", False)
    assert ex._get("failed") is None  # not kept: the next request computes again


def test_sessions_running_at_once_get_what_each_would_get_alone(tmp_path, comparison):
    # two page sessions press Run together: one Explorer, two threads, the model runs
    # concurrently; each result must equal the same scenario run on its own
    ex = core.Explorer(tmp_path / "explorer")
    requests = [core.Request("baseline", ((CIT, 0.1), (BOND, True)), replicates=REPS),
                core.Request("no_policy", (), replicates=REPS)]
    got: dict[str, core.Comparison] = {}
    threads = [threading.Thread(target=lambda r=r: got.update({r.name: ex.compare(r)}))
               for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    together = got["baseline_edited"].results
    pd.testing.assert_frame_equal(together.reset_index(drop=True),
                                  comparison.results.reset_index(drop=True))
    alone = wd.run(load_scenario("no_policy"), replicates=REPS, root_seed=requests[1].seed,
                   resolution="small", out=tmp_path / "alone", backend="serial",
                   progress=False).results
    mine = got["no_policy"].results
    pd.testing.assert_frame_equal(mine[mine["scenario"] == "no_policy"].reset_index(drop=True),
                                  alone.reset_index(drop=True))


def test_the_kept_results_are_bounded(tmp_path):
    ex = core.Explorer(tmp_path, capacity=2)
    for i in range(3):
        ex._put(f"k{i}", i)
    assert ex._get("k0") is None and ex._get("k1") == 1 and ex._get("k2") == 2


# ---------------------------------------------------------------------- tables and charts
def test_the_summary_shows_end_year_means_and_what_they_cost(comparison):
    table = summary = core.summary_table(comparison).set_index("key")
    res = comparison.results
    at = res[(res["year"] == 2035) & (res["area"] == "West")]
    for ind in core.GOAL_ROWS:
        for col, scen in (("baseline", "baseline"), ("scenario", "baseline_edited")):
            expected = at[(at["indicator"] == ind) & (at["scenario"] == scen)]["value"].mean()
            assert summary.loc[ind, col] == pytest.approx(expected, rel=0, abs=0)
        assert summary.loc[ind, "diff"] == pytest.approx(
            summary.loc[ind, "scenario"] - summary.loc[ind, "baseline"])
    income = at[(at["indicator"] == "west_east_ratio_income")
                & (at["scenario"] == "baseline_edited")]["value"]
    assert table.loc["west_east_ratio_income", "met"] == (income >= 0.8).sum()
    assert table.loc["west_east_ratio_income", "n"] == REPS
    # a 10 % CIT rate for encouraged firms costs more than 15 %
    assert table.loc[core.CUM_COST, "diff"] > 0
    assert math.isfinite(table.loc["ce_income", "diff"])
    html = core.summary_html(comparison)
    cell = f'data-key="west_east_ratio_income" data-col="scenario">' \
           f'{summary.loc["west_east_ratio_income", "scenario"]:.4f}<'
    assert cell in html and "baseline_edited" in html


def test_the_charts_are_the_package_charts_and_change_with_the_levers(explorer, comparison):
    images = core.figures(comparison)
    assert set(images) == {"goals", "tiles", "cost", "ce"}
    assert all(b.startswith(PNG_MAGIC) and len(b) > 5000 for b in images.values())
    assert core.figures(comparison) == images  # drawn once, kept with the comparison
    alone = explorer.compare(core.Request("baseline", replicates=REPS))
    assert alone.scenario_name is None
    only = core.figures(alone, keys=("goals", "ce"))
    assert set(only) == {"goals"} and only["goals"] != images["goals"]
    assert core.data_url(images["goals"]).startswith("data:image/png;base64,iVBORw0KGgo")


def test_run_stages_show_the_goal_chart_first_then_everything(explorer, edited):
    seen = []
    stages = list(core.run_stages(edited, explorer=explorer,
                                  progress=lambda share, msg: seen.append((share, msg)),
                                  tag=7))
    assert [s.complete for s in stages] == [False, True]
    assert set(stages[0].images) == {"goals"} and set(stages[1].images) == set(core.CHARTS)
    assert all(s.tag == 7 for s in stages)
    shares = [s for s, _ in seen]
    assert shares == sorted(shares) and "Running 4 runs (2 × 2 replicates)" in seen[0][1]


def test_charts_fall_back_to_english_without_a_cjk_font(monkeypatch):
    from westdev.charts import style

    monkeypatch.setattr(style, "cjk_font", lambda: None)
    assert core.chart_lang("zh") == "en" and core.chart_lang("en") == "en"
    monkeypatch.setattr(style, "cjk_font", lambda: "Noto Sans CJK SC")
    assert core.chart_lang("zh") == "zh"


def test_downloads_hold_the_results(comparison):
    csv = pd.read_csv(io.BytesIO(core.results_csv(comparison)))
    assert len(csv) == len(comparison.results)
    assert (csv["value"].to_numpy() == comparison.results["value"].to_numpy()).all()
    parquet = pd.read_parquet(io.BytesIO(core.results_parquet(comparison)))
    pd.testing.assert_frame_equal(parquet, comparison.results.reset_index(drop=True),
                                  check_dtype=False)


def test_the_quick_ensemble_gives_p_goal_for_both_with_the_same_draws(explorer, edited):
    ens = explorer.ensemble(edited, draws=2)
    assert ens.names == ["baseline", "baseline_edited"] and not ens.cached
    prob = ens.probability
    assert set(prob["scenario"]) == set(ens.names)
    assert set(prob["dimension"]) == {"income", "public_services", "infrastructure", "all"}
    assert (prob["n"] == 2).all() and prob["probability"].between(0, 1).all()
    runs = ens.results.groupby("scenario")["seed"].unique()
    assert sorted(runs["baseline"]) == sorted(runs["baseline_edited"])  # common draws
    assert explorer.ensemble(edited, draws=2).cached
    assert 'data-key="all"' in core.probability_html(ens)
    assert core.ensemble_figure(ens).startswith(PNG_MAGIC)


# ---------------------------------------------------------------------- texts
def test_every_area_lever_unit_and_phrase_has_both_languages():
    assert set(texts.AREA_NAMES) == set(AREAS)
    assert set(texts.LEVER_ZH) == set(LEVERS), "a lever without a Chinese name"
    assert {s.unit for s in LEVERS.values()} <= set(texts.UNIT_ZH)
    assert {c for s in LEVERS.values() for c in s.choices} <= set(texts.CHOICE_ZH)
    assert set(core.PRESETS) <= set(texts.PRESET_NAMES)
    for key, entry in texts.TEXT.items():
        assert entry.get("en") is not None and "zh" in entry, key
    assert texts.text("edited", "zh", n=2) == "已修改 2 项政策工具"
    assert texts.area_name("public_services", "zh") == "公共服务、户籍与社会保障"
