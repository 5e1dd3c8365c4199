"""Issue 20, 4 and 6: charts a reader understands and that tell their uncertainty honestly —
named provinces, reader-facing titles in both languages, province scales that show change,
maps of the change with their uncertainty, Sobol' shares kept in [0, 1], the Morris noise
floor, warnings on bands of few runs."""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Annotation, Text

import westdev.charts as C
from westdev.analysis.sensitivity import COLUMNS
from westdev.charts import labels as L
from westdev.charts import names
from westdev.policy.catalogue import LEVERS


def all_text(fig) -> str:
    texts = [t.get_text() for t in fig.findobj(Text)]
    return " ".join(" ".join(texts).split())


def test_every_shipped_scenario_and_lever_has_titles_in_both_languages():
    shipped = {}
    for entry in resources.files("westdev.scenarios").iterdir():
        if entry.name.endswith(".toml"):
            meta = tomllib.loads(entry.read_text(encoding="utf-8")).get("meta", {})
            shipped[meta.get("name", entry.name[:-5])] = entry.name
    assert set(shipped) <= set(names.SCENARIO_TITLES), set(shipped) - set(names.SCENARIO_TITLES)
    assert set(LEVERS) == set(names.LEVER_TITLES)
    for en, zh in [*names.SCENARIO_TITLES.values(), *names.LEVER_TITLES.values()]:
        assert en and zh and en != zh and len(en) <= 45
    assert {s.unit for s in LEVERS.values()} <= set(names.UNIT_ZH)
    assert L.scenario_label("no_policy", "zh") == "无西部优惠政策"
    assert L.scenario_label("guideline p3") == "2020 guideline p3"
    assert L.scenario_label("my_mix") == "my_mix"  # a user's own name stays
    assert L.factor_label("levers.fiscal.west_transfer_coefficient") == \
        "Western weight in formula transfers"
    assert L.factor_label("parameters.migration.income_weight") == \
        "migration.income_weight (parameter)"


def test_the_worst_province_is_named(synthetic):
    """Its 2022 dip is a province: the chart names the one worst-off in most runs."""
    df = synthetic.copy()
    dip = (df["area"] == "Qinghai") & (df["indicator"] == "income_ratio_to_east") & \
        (df["year"] >= 2022)
    df.loc[dip, "value"] -= 0.2  # Qinghai falls behind every other western province
    table = C.worst_province_table(df)
    assert set(table.loc[table["year"] >= 2022, "province"]) == {"Qinghai"}
    fig = C.plot_worst_province(df)
    notes = [a.get_text() for a in fig.findobj(Annotation)]
    assert "Qinghai" in notes
    assert "the province that is worst-off in most runs of 2019 policy (baseline)" in \
        all_text(fig)
    zh = [a.get_text() for a in C.plot_worst_province(df, lang="zh").findobj(Annotation)]
    assert "青海" in zh


def test_bands_of_few_runs_carry_a_warning(synthetic):
    text = all_text(C.plot_goal_fans(synthetic))
    assert "Caution: bands from only 4 runs — a 5–95 % band needs about 20 runs" in text
    many = pd.concat([synthetic.assign(run_id=synthetic["run_id"] + f"-{k}") for k in range(5)])
    assert "Caution" not in all_text(C.plot_goal_fans(many))


def test_province_tiles_show_each_province_against_its_own_start(synthetic):
    fig = C.plot_province_tiles(synthetic, since_start=True)
    text = all_text(fig)
    assert "change since 2019 by province (%)" in text
    assert "no change since 2019" in text
    tile = next(ax for ax in fig.axes if ax.get_title(loc="left") == "Qinghai")
    ys = np.concatenate([ln.get_ydata() for ln in tile.get_lines() if len(ln.get_ydata()) > 2])
    assert abs(ys[0]) < 2  # the 2019 value is the start: about 0 %
    lo, hi = tile.get_ylim()
    assert hi - lo < 60  # one scale of changes, not of levels set by Beijing and Shanghai


def test_change_maps_hatch_changes_within_the_spread_and_keep_titles_whole(synthetic):
    df = synthetic.copy()
    tibet = (df["area"] == "Xizang (Tibet)") & (df["indicator"] == "income_ratio_to_east")
    df.loc[tibet & (df["year"] == 2035), "value"] = df.loc[
        tibet & (df["year"] == 2019), "value"].to_numpy() + np.array(
            [-0.3, 0.3, -0.25, 0.35] * 3)  # a noisy small province: no established change
    values = C.province_values(df, since=2019)
    assert {"q05", "q95", "n"} <= set(values.columns)
    fig = C.plot_choropleth(df, since=2019)
    hatched = [c for ax in fig.axes for c in ax.collections if c.get_hatch()]
    assert len(hatched) == 3  # one per scenario panel, Tibet among them
    assert "Hatched: provinces whose change lies within the spread of the runs" in all_text(fig)
    fig.canvas.draw()
    for ax in fig.axes:
        title = ax.title if ax.get_title() else ax._left_title
        if title.get_text():
            box = title.get_window_extent()
            assert box.x0 >= -1 and box.x1 <= fig.bbox.x1 + 1, title.get_text()


def indices(method: str) -> pd.DataFrame:
    rows = []
    for f, v in (("levers.fiscal.west_transfer_coefficient", 1.3), ("levers.land.west_quota_share", 0.4),
                 ("parameters.migration.income_weight", 0.02)):
        if method == "sobol":
            rows += [("sobol", "West:west_east_ratio_income", 2035, f, None, ix, v, 0.3, None,
                      8, 0) for ix in ("S1", "ST")]
        else:
            rows += [("morris", "West:west_east_ratio_income", 2035, f, None, ix, v * 0.01,
                      0.001, None, 10, 0) for ix in ("mu_star", "sigma", "mu")]
    return pd.DataFrame(rows, columns=COLUMNS[:11])


def test_sobol_shares_stay_in_zero_one_with_the_estimate_said():
    fig = C.plot_sensitivity_bars(indices("sobol"))
    panel = fig.axes[0]
    assert panel.get_xlim()[1] <= 1.1
    widths = [p.get_width() for p in panel.patches]
    assert max(widths) <= 1.0 and 1.0 in widths  # 1.3 drawn at the edge
    assert "1.30" in [a.get_text() for a in fig.findobj(Annotation)]
    text = all_text(fig)
    assert "Estimates outside [0, 1] (1.30, 1.30) are sampling noise" in text
    assert "Western weight in formula transfers" in text and "levers." not in text


def test_morris_shows_sigma_and_the_dummy_factor_noise_floor():
    from westdev.analysis.sensitivity import with_flags

    idx = with_flags(indices("morris"), {("West:west_east_ratio_income", 2035): 0.003})
    fig = C.plot_sensitivity_bars(idx)
    text = all_text(fig)
    assert "noise floor (dummy factor)" in text and "σ (interactions" in text
    assert "Pale bars: within noise." in text
    floor = [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert floor and floor[0].get_xdata()[0] == pytest.approx(0.003)
    colours = [p.get_facecolor()[:3] for p in fig.axes[0].patches]
    assert len(set(colours)) == 2  # the 0.0002 factor is pale: within noise
    assert "One replicate per point" in all_text(C.plot_sensitivity_bars(indices("morris")))
