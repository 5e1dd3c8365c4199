"""Every chart family on a small synthetic tidy table: axes, titles, legend entries, notes,
print sizes, fonts of at least 7 pt, files written, drawing into given Axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import westdev.charts as C
from westdev.charts import labels as L
from westdev.charts import style
from westdev.errors import InputError

SCEN = ["baseline", "guideline", "no_policy"]
# what a reader sees: the scenarios' titles (westdev.charts.names), not their code names
TITLES = ["2019 policy (baseline)", "2020 guideline", "No western policy"]


def texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def all_text(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in texts(fig))


def legend(fig: Figure) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]


def check(fig: Figure, tmp_path, name: str, scenarios=SCEN, formats=("png", "pdf")) -> str:
    """Print size, note, scenario names, fonts >= 7 pt, files; returns all the text."""
    assert isinstance(fig, Figure)
    width = fig.get_size_inches()[0]
    assert width == pytest.approx(style.ONE_COLUMN, abs=0.01) or \
        width == pytest.approx(style.TWO_COLUMN, abs=0.01) or \
        style.ONE_COLUMN <= width <= style.TWO_COLUMN
    files = style.save_figure(fig, tmp_path / name, formats=formats)  # draws the figure
    assert all(f.stat().st_size > 1000 for f in files)
    small = [(t.get_text(), t.get_fontsize()) for t in texts(fig) if t.get_fontsize() < 7.0]
    assert not small, f"text below 7 pt: {small[:5]}"
    text = all_text(fig)
    assert "Source: westdev simulation" in text
    flat = " ".join(text.split())  # notes are wrapped to the figure's width
    for s in scenarios:
        title = L.scenario_label(s)
        assert title in flat, f"scenario {s} ({title}) not on the figure"
    assert not any(f"{s}\n" in text or f"{s}," in text for s in scenarios if "_" in s), \
        "a code name is shown to the reader"
    return text


def test_goal_fans(synthetic, tmp_path):
    fig = C.plot_goal_fans(synthetic, theta={"income": 0.8, "public_services": 0.75,
                                             "infrastructure": 0.8})
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["Living standards (income)", "Basic public services",
                      "Infrastructure access", "GDP per capita (context, not a goal)"]
    assert legend(fig) == [*TITLES, "θ = 0.8", "θ = 0.75"]
    assert fig.axes[0].get_ylabel() == "West / East ratio"
    assert len(fig.axes[0].collections) == 2 * 3  # 5–95 and 25–75 % bands per scenario
    text = check(fig, tmp_path, "fans")
    assert "median across 4 runs" in text and "25–75 %" in text
    fig3 = C.plot_goal_fans(synthetic, context=False, scenarios=["guideline"])
    assert len(fig3.axes) == 3 and legend(fig3)[0] == "2020 guideline"


def test_goal_fans_into_axes_and_bad_input(synthetic):
    host = Figure()
    axes = host.subplots(2, 2)
    assert C.plot_goal_fans(synthetic, ax=axes) is host
    with pytest.raises(ValueError, match="4 Axes"):
        C.plot_goal_fans(synthetic, ax=axes.ravel()[:3])
    with pytest.raises(InputError, match="scenarios"):
        C.plot_goal_fans(synthetic, scenarios=["nope"])
    with pytest.raises(InputError, match="columns"):
        C.plot_goal_fans(pd.DataFrame({"year": [2019]}))


def test_deviations_are_paired_differences(synthetic, tmp_path):
    fig = C.plot_deviations(synthetic, baseline="baseline")
    assert legend(fig) == ["2020 guideline − 2019 policy (baseline)",
                           "No western policy − 2019 policy (baseline)"]
    text = check(fig, tmp_path, "deviations")
    assert "4 pairs" in text and "percentage points" in text
    table = C.deviation_table(synthetic, baseline="baseline")
    inc = table[(table["policy"] == "guideline") & (table["year"] == 2035)
                & (table["indicator"] == "west_east_ratio_income")].iloc[0]
    assert inc["mean"] == pytest.approx(0.06, abs=1e-9)  # common noise cancels exactly
    assert inc["q05"] == pytest.approx(inc["q95"])
    with pytest.raises(InputError, match="baseline"):
        C.plot_deviations(synthetic, baseline="missing")


def test_goal_probability_curves(synthetic, tmp_path):
    fig = C.plot_goal_probability(synthetic, theta=0.8)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "Living standards (income)", "Basic public services", "Infrastructure access",
        "All three dimensions"]
    assert legend(fig) == [*TITLES, "goal θ"]
    assert fig.legends[0].get_title().get_text().startswith("Probability that the ratio")
    for ax in fig.axes:
        for line in ax.get_lines()[:3]:
            y = np.asarray(line.get_ydata())
            assert np.all(np.diff(y) <= 1e-12) and y[-1] == 0.0  # falls with θ to 0 at 1.2
    text = check(fig, tmp_path, "probability")
    assert "2035" in text


def test_gap_closed(synthetic, tmp_path):
    table = C.gap_closed_table(synthetic)
    g = table.set_index(["scenario", "dimension"])
    assert g.loc[("guideline", "income"), "q50"] > g.loc[("baseline", "income"), "q50"] > \
        g.loc[("no_policy", "income"), "q50"]
    fig = C.plot_gap_closed(synthetic)
    assert legend(fig) == TITLES
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[0].startswith("Living standards")
    check(fig, tmp_path, "gap")


def test_worst_province_and_theil(synthetic, tmp_path):
    fig = C.plot_worst_province(synthetic)
    left, right = fig.axes
    provinces = [t.get_text() for t in right.get_yticklabels()]
    assert len(provinces) == 12 and "Xizang (Tibet)" in provinces and "Beijing" not in provinces
    assert legend(fig) == [*TITLES, "2019 (start)"]
    assert "2035" in right.get_title(loc="left")
    check(fig, tmp_path, "worst")
    fig = C.plot_theil_share(synthetic)
    assert fig.get_size_inches()[0] == pytest.approx(style.ONE_COLUMN)
    assert "%" in fig.axes[0].get_ylabel()
    check(fig, tmp_path, "theil")


def test_cost_effectiveness_and_frontier(synthetic, tmp_path):
    table = C.cost_effectiveness_table(synthetic, baseline="baseline")
    g = table.set_index(["policy", "dimension"])
    row = g.loc[("guideline", "income")]
    years = range(2020, 2036)
    extra = sum(13000 * (1 + (y - 2019) / 16) for y in years)  # guideline − baseline cost
    assert row["d_cost_100m_yuan"] == pytest.approx(extra)
    assert row["ce_pp_per_tn"] == pytest.approx(100 * 0.06 / (extra / 1e4))
    fig = C.plot_cost_effectiveness(table, baseline="baseline")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("2020 guideline\n(+") and "tn yuan" in labels[0]
    assert labels[1].startswith("No western policy\n(−")
    check(fig, tmp_path, "ce")
    front = C.frontier_table(synthetic, reference="baseline")
    assert front.set_index("mix").loc["guideline", "frontier"]
    assert not front.set_index("mix").loc["baseline", "frontier"]
    fig = C.plot_frontier(synthetic, theta=0.8)
    assert "% difference from 2019 policy (baseline)" in fig.axes[0].get_ylabel()
    assert set(TITLES) <= set(legend(fig))
    check(fig, tmp_path, "frontier")


def test_lever_cost_effectiveness_from_a_split_table(tmp_path):
    split = pd.DataFrame({
        "method": ["shapley", "shapley", "accounting", "accounting", "total"],
        "outcome": ["West:west_east_ratio_income@2035"] * 2 + ["China:cost@sum"] * 3,
        "lever": ["fiscal.a", "land.b", "fiscal.a", "land.b", "total"],
        "mean": [0.02, 0.01, 5000.0, 0.0, 0.03], "n": 4, "note": None})
    fig = C.plot_lever_cost_effectiveness(split, scenarios=["baseline", "guideline"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("fiscal.a") and labels[1] == "land.b"
    assert "n/a (no extra cost)" in all_text(fig)
    bar = fig.axes[0].patches[0]
    assert bar.get_width() == pytest.approx(100 * 0.02 / 0.5)
    check(fig, tmp_path, "lever_ce", scenarios=["baseline", "guideline"])
    with pytest.raises(InputError):
        C.plot_lever_cost_effectiveness(pd.DataFrame({"x": [1]}))


def sensitivity_table(method: str) -> pd.DataFrame:
    rows = []
    for outcome in ("West:west_east_ratio_income", "West:west_east_ratio_infrastructure"):
        for year in (2025, 2030, 2035):
            for j, factor in enumerate(("levers.fiscal.a", "levers.land.b", "parameters.c.d")):
                value = (3 - j) * 0.01 * (year - 2020) / 15
                if method == "morris":
                    for index, v in (("mu", value), ("mu_star", value), ("sigma", value / 2)):
                        rows.append((method, outcome, year, factor, None, index, v,
                                     v / 10 if index == "mu_star" else np.nan, None))
                else:
                    for index, v in (("S1", (3 - j) / 7), ("ST", (3 - j) / 6)):
                        rows.append((method, outcome, year, factor, None, index, v, 0.05, None))
    return pd.DataFrame(rows, columns=["method", "outcome", "year", "factor", "factor2",
                                       "index", "value", "conf", "note"])


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_sensitivity_bars_and_heatmap(method, tmp_path):
    idx = sensitivity_table(method)
    fig = C.plot_sensitivity_bars(idx, scenario="baseline")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Income ratio",
                                                             "Infrastructure ratio"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "fiscal.a", "land.b", "c.d (parameter)"]  # sorted; unknown levers keep area.key
    expected = ["μ* (ratio per factor range)", "σ (interactions, non-linearity)"] \
        if method == "morris" else ["S1 (first order)", "ST (total)"]
    assert legend(fig) == expected
    assert "2035" in fig.legends[0].get_title().get_text()
    check(fig, tmp_path, f"{method}_bars", scenarios=["baseline"])
    heat = C.plot_sensitivity_heatmap(idx, scenario="baseline")
    images = [ax.images[0] for ax in heat.axes if ax.images]
    assert len(images) == 2 and images[0].get_array().shape == (3, 3)
    if method == "morris":  # relative to the year's largest factor
        assert np.nanmax(images[0].get_array()) == pytest.approx(1.0)
    check(heat, tmp_path, f"{method}_heat", scenarios=["baseline"])
    with pytest.raises(InputError, match="no indices for 2040"):
        C.plot_sensitivity_bars(idx, year=2040)
    with pytest.raises(InputError, match="columns"):
        C.plot_sensitivity_bars(idx.drop(columns="conf"))


def test_province_tiles_on_the_grid(synthetic, tmp_path):
    fig = C.plot_province_tiles(synthetic, "income_ratio_to_east", reference=1.0)
    titled = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    assert len(titled) == 31 + 1  # 31 provinces and the key tile
    assert {"Xinjiang", "Beijing", "Hainan", "Inner Mong.", "scale"} <= set(titled)
    assert legend(fig) == [*TITLES, "East (= 1)"]
    west = [ax for ax in fig.axes if ax.get_facecolor()[:3] != (1.0, 1.0, 1.0)
            and ax.get_title(loc="left") in ("Sichuan", "Gansu")]
    assert len(west) == 2
    check(fig, tmp_path, "tiles")
    with pytest.raises(InputError, match="per-province"):
        C.plot_province_tiles(synthetic, "west_east_ratio_income")


def test_choropleth_values_and_change(synthetic, tmp_path):
    fig = C.plot_choropleth(synthetic, "income_ratio_to_east")
    maps = [ax for ax in fig.axes if ax.collections and ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in maps] == TITLES
    coll = maps[0].collections[0]
    assert len(coll.get_paths()) >= 31
    bar = [ax for ax in fig.axes if ax not in maps][0]
    assert "2035" in bar.get_xlabel() and "ratio" in bar.get_xlabel()
    text = check(fig, tmp_path, "map")
    assert "not an authoritative map" in text
    one = C.plot_choropleth(synthetic, scenarios=["guideline"], since=2019)
    assert one.get_size_inches()[0] == pytest.approx(style.ONE_COLUMN)
    label = [ax for ax in one.axes if not ax.collections or not ax.get_title(loc="left")]
    assert any("2019–2035" in ax.get_xlabel() for ax in label)
    values = C.province_values(synthetic, since=2019, scenarios=["guideline"])
    sichuan = values.set_index("area").loc["Sichuan", "value"]
    assert sichuan == pytest.approx(0.1, abs=0.02)
    with pytest.raises(InputError, match="since"):
        C.province_values(synthetic, since=2000)


def test_goal_ratios_quick_chart_keeps_its_interface(synthetic, tmp_path):
    fig = C.plot_goal_ratios(synthetic, theta=0.8, scenarios=["baseline", "guideline"])
    assert tuple(round(x, 1) for x in fig.get_size_inches()) == (7.2, 3.0)
    files = C.save_figure(fig, tmp_path / "goal_ratios.png")
    assert [f.name for f in files] == ["goal_ratios.png", "goal_ratios.pdf"]
    small = [t.get_text() for t in texts(fig) if t.get_fontsize() < 7.0]
    assert not small


def test_chinese_labels_when_a_cjk_font_is_installed(synthetic, tmp_path):
    if style.cjk_font() is None:
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    fig = C.plot_goal_fans(synthetic, lang="zh")
    assert fig.axes[0].get_title(loc="left") == "生活水平（居民收入）"
    assert fig.axes[0].get_ylabel() == "西部 / 东部 比值"
    files = style.save_figure(fig, tmp_path / "zh", formats=("png", "pdf"))
    assert all(f.stat().st_size > 1000 for f in files)
    tiles = C.plot_province_tiles(synthetic, lang="zh")
    assert "四川" in {ax.get_title(loc="left") for ax in tiles.axes}


def test_frontier_mixes_are_design_points_of_a_sweep_or_pooled(synthetic):
    sweep = synthetic[synthetic["scenario"] == "guideline"].copy()
    sweep["run_id"] = [f"guideline-p{r % 2:04d}-r0000" for r in sweep["replicate"]]
    by_point = C.frontier_table(sweep, reference=None)
    assert sorted(by_point["mix"]) == ["guideline p0", "guideline p1"]
    assert set(by_point["n"]) == {2}
    pooled = C.frontier_table(sweep, reference=None, by="scenario")
    assert list(pooled["mix"]) == ["guideline"] and pooled["n"].iloc[0] == 4
    assert pooled["y_kind"].iloc[0] == "level"
    with pytest.raises(InputError, match="by"):
        C.frontier_table(sweep, by="draw")
