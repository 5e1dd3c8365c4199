"""The goal-ratio chart: three panels, bands across replicates, θ, legend, source note."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from westdev.charts import GOAL_RATIO_TITLES, OKABE_ITO, plot_goal_ratios, save_figure
from westdev.inputs.scenario import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ → import fakes
import fakes  # noqa: E402


@pytest.fixture(scope="module")
def results():
    frames = []
    for name in ("baseline", "no_policy"):
        s = load_scenario(name).with_overrides(run={"end_year": 2025})
        for r in range(4):
            df = fakes.simulate(s, seed=r)
            frames.append(df.assign(scenario=name, replicate=r))
    return pd.concat(frames, ignore_index=True)


def texts(fig):
    return [t.get_text() for t in fig.texts]


def test_three_panels_with_bands_theta_and_note(results):
    backend = matplotlib.get_backend()
    fig = plot_goal_ratios(results, theta={"income": 0.8, "public_services": 0.7,
                                           "infrastructure": 0.8})
    assert isinstance(fig, Figure)
    assert tuple(round(x, 1) for x in fig.get_size_inches()) == (7.2, 3.0)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == list(GOAL_RATIO_TITLES.values())
    assert axes[0].get_ylabel() == "West / East ratio"
    assert all(ax.get_xlabel() == "Year" for ax in axes)
    for ax in axes:
        lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
        assert [ln.get_label() for ln in lines[:2]] == ["2019 policy (baseline)",
                                                        "No western policy"]
        assert lines[0].get_color() == OKABE_ITO[0]
        assert any(ln.get_linestyle() == "--" for ln in lines)  # θ
        assert len(ax.collections) == 2  # one band per scenario
    assert axes[1].get_lines()[-1].get_ydata()[0] == 0.7
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:2] == ["2019 policy (baseline)", "No western policy"]
    assert "θ = 0.8" in legend
    note = " ".join(texts(fig)).replace("\n", " ")
    assert note.startswith("Source: westdev simulation; lines: means, bands (with their edges): "
                           "5–95 % across 4 replicates, seed noise only; widest band in")
    assert "Few replicates: a 5–95 % band needs about 20." in note
    assert matplotlib.get_backend() == backend  # no global backend switch


def test_single_run_without_scenario_column():
    s = load_scenario("baseline").with_overrides(run={"end_year": 2022})
    fig = plot_goal_ratios(fakes.simulate(s, seed=1))
    assert [ln.get_label() for ln in fig.axes[0].get_lines()][0] == "run"
    assert len(fig.axes[0].collections) == 0
    assert "no band" in texts(fig)[0]


def test_into_given_axes_and_missing_data(results):
    host = Figure()
    axes = host.subplots(1, 3)
    fig = plot_goal_ratios(results[results["indicator"] != "west_east_ratio_income"], ax=axes)
    assert fig is host
    assert "no data" in [t.get_text() for t in axes[0].texts]
    with pytest.raises(ValueError, match="3 Axes"):
        plot_goal_ratios(results, ax=axes[:2])


def test_save_png_and_pdf(tmp_path, results):
    files = save_figure(plot_goal_ratios(results, scenarios=["no_policy"]),
                        tmp_path / "goal_ratios.png")
    assert [f.name for f in files] == ["goal_ratios.png", "goal_ratios.pdf"]
    assert files[0].read_bytes()[:4] == b"\x89PNG" and files[1].read_bytes()[:4] == b"%PDF"
