"""The house style: sizes, fonts, palette, notes, saving, language checks, no pyplot."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

from westdev.charts import style
from westdev.errors import InputError


def png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    return struct.unpack(">II", head[16:24])


def test_sizes_palette_and_fonts_are_fit_for_print():
    assert style.ONE_COLUMN == pytest.approx(3.5) and style.TWO_COLUMN == pytest.approx(7.2)
    sizes = [v for k, v in style.STYLE.items()
             if (k.endswith("labelsize") or k.endswith("titlesize") or k in
                 ("font.size", "legend.fontsize")) and isinstance(v, float)]
    assert sizes and min(sizes) >= style.FONT_MIN >= 7.0
    assert style.NOTE_SIZE >= 7.0
    assert style.OKABE_ITO[:3] == ("#0072B2", "#D55E00", "#009E73")
    colours = style.scenario_colours([f"s{i}" for i in range(10)])
    assert colours["s0"] == colours["s8"] == style.OKABE_ITO[0]


def test_save_figure_png_pdf_svg_atomically(tmp_path):
    fig = style.new_figure(style.ONE_COLUMN, 2.0)
    fig.subplots().plot([1, 2], [3, 4])
    files = style.save_figure(fig, tmp_path / "chart.png", formats=("png", "pdf", "svg"))
    assert [f.name for f in files] == ["chart.png", "chart.pdf", "chart.svg"]
    assert files[0].read_bytes()[:4] == b"\x89PNG" and files[1].read_bytes()[:4] == b"%PDF"
    assert b"<svg" in files[2].read_bytes()[:500]
    width, height = png_size(files[0])
    assert width >= 3.5 * 200 - 2 and height >= 2.0 * 200 - 2  # 200 dpi at print size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.pdf", "chart.png",
                                                          "chart.svg"]  # no temp files
    with pytest.raises(InputError, match="formats"):
        style.save_figure(fig, tmp_path / "x", formats=("png", "jpeg"))


def test_finish_adds_note_legend_and_title():
    fig = style.new_figure(style.ONE_COLUMN, 2.5)
    (line,) = fig.subplots().plot([1, 2])
    style.finish(fig, "Source: test. " * 20, legend_handles=[line], legend_labels=["a"],
                 title="A title")
    note = fig.texts[-1].get_text()
    assert note.startswith("Source: test.") and "\n" in note  # wrapped to the width
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a"]
    assert fig.legends[0].get_title().get_text() == "A title"


def test_wrap_english_and_chinese():
    text = "word " * 60
    lines = style.wrap(text, 3.5, 7.0).split("\n")
    assert len(lines) > 1 and max(len(x) for x in lines) <= 3.5 * 72 / 3.5 + 1
    zh = style.wrap("资料来源：westdev 模拟。" * 20, 3.5, 7.0, "zh").split("\n")
    assert len(zh) > 1 and all("westdev" in x or "wes" not in x for x in zh)


def test_language_checks(monkeypatch):
    with pytest.raises(InputError, match="lang.*allowed: en \\| zh"):
        style.check_lang("fr")
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    with pytest.raises(InputError) as err:
        style.check_lang("zh")
    text = str(err.value)
    assert "Noto Sans CJK SC" in text and "WenQuanYi" in text and "fonts-noto-cjk" in text
    with pytest.raises(InputError):
        with style.house_style("zh"):
            pass


def test_house_style_restores_global_settings():
    import matplotlib as mpl

    before = mpl.rcParams["font.size"]
    with style.house_style("en"):
        assert mpl.rcParams["font.size"] == style.STYLE["font.size"]
        Figure()
    assert mpl.rcParams["font.size"] == before


def test_charts_never_import_pyplot():
    code = ("import sys, westdev.charts as C, westdev.analysis.report; "
            "import pandas as pd; "
            "df = pd.DataFrame({'year': [2019, 2020], 'area': 'West', "
            "'indicator': 'west_east_ratio_income', 'value': [0.6, 0.61]}); "
            "C.plot_goal_fans(df); C.plot_goal_ratios(df); "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr


def test_the_packaged_cjk_font_is_used_without_any_system_font(monkeypatch):
    """`--lang zh` works after `pip install`: the house style registers the packaged Noto
    Sans CJK SC face even when fontconfig finds nothing, and draws Chinese with it."""
    import io

    monkeypatch.setattr(style.shutil, "which", lambda name: None)  # no fc-list
    style.cjk_font.cache_clear()
    try:
        assert style.packaged_cjk_font() == style.PACKAGED_CJK_FAMILY == "Noto Sans CJK SC"
        assert style.cjk_font() == "Noto Sans CJK SC"
        with style.house_style("zh"):
            fig = style.new_figure(style.ONE_COLUMN, 1.0)
            fig.text(0.1, 0.5, "西部大开发", fontsize=12)
            buf = io.BytesIO()
            fig.savefig(buf, format="pdf")
        assert b"NotoSansCJK" in buf.getvalue()  # the face is embedded in the PDF
    finally:
        style.cjk_font.cache_clear()
