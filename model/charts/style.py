"""The house style of every westdev chart, fit for printed reports.

- **Sizes**: `ONE_COLUMN` (3.5 in) and `TWO_COLUMN` (7.2 in) wide, the widths of a column and
  of a full page in a two-column report; figures are drawn at print size, so font sizes are
  what the reader sees.
- **Fonts**: at least 7 pt everywhere at print size (`FONT_MIN`); English labels by default,
  Chinese labels (``lang="zh"``) in Noto Sans CJK SC, which westdev installs (the PyPI package
  ``noto-cjk-sans-otc``, SIL Open Font License 1.1), else a CJK font found on the machine
  (`cjk_font`).
- **Colours**: the Okabe–Ito palette (Okabe & Ito 2008), distinguishable by readers with
  colour-vision deficiencies and, by lightness, in greyscale; scenarios keep one colour across
  every figure of a report (`scenario_colours`). Continuous scales use cividis (sequential) and
  PuOr (diverging), both colour-blind safe.
- **Notes**: every figure carries a footnote naming the source, the scenario(s) and what lines
  and bands are (`finish`).
- **Output**: `save_figure` writes PNG (200 dpi or more) and vector PDF/SVG, each atomically
  (a temporary file moved into place), so a report never holds half-written files.

Figures are `matplotlib.figure.Figure` objects: no pyplot, no global state (rc settings are
applied with `matplotlib.rc_context` while a chart is drawn).
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import shutil
import subprocess
import textwrap
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from westdev import __version__
from westdev.errors import InputError

ONE_COLUMN = 3.5  # inches
TWO_COLUMN = 7.2  # inches
FONT_MIN = 7.0  # points, at print size
NOTE_SIZE = 7.0
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000",
             "#F0E442")
GREY = "#555555"
LIGHT_GREY = "#dddddd"
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr"
FORMATS = ("png", "pdf", "svg")
MIN_DPI = 200
LANGS = ("en", "zh")

STYLE: dict[str, object] = {
    "font.size": 8.0, "axes.titlesize": 8.0, "axes.titleweight": "bold",
    "axes.labelsize": 7.5, "xtick.labelsize": 7.0, "ytick.labelsize": 7.0,
    "legend.fontsize": 7.5, "legend.title_fontsize": 7.5, "figure.titlesize": 8.5,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "axes.grid.axis": "y", "grid.color": LIGHT_GREY, "grid.linewidth": 0.5,
    "lines.linewidth": 1.3, "axes.linewidth": 0.6, "xtick.major.width": 0.6,
    "ytick.major.width": 0.6, "xtick.major.size": 2.5, "ytick.major.size": 2.5,
    "axes.titlepad": 4.0, "axes.labelpad": 2.0, "legend.frameon": False,
    "legend.handlelength": 1.6, "legend.columnspacing": 1.2,
    "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path",
    "savefig.dpi": MIN_DPI, "figure.dpi": 100,
}

# CJK families looked for, best first (simplified Chinese first).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "Noto Serif CJK SC",
                "Source Han Serif SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei",
                "Microsoft YaHei", "PingFang SC", "Heiti SC", "Hiragino Sans GB", "SimSun",
                "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback")
CJK_INSTALL_HINT = ("the packaged font comes with westdev (`pip install -e .` installs "
                    "noto-cjk-sans-otc); or install one, e.g. `apt-get install fonts-noto-cjk` (or "
                    "fonts-wqy-microhei) on Debian/Ubuntu, `dnf install google-noto-sans-cjk-fonts` on Fedora, "
                    "`brew install --cask font-noto-sans-cjk-sc` on macOS")


# ---------------------------------------------------------------------- fonts
# The CJK font the house style ships with: Noto Sans CJK SC from the PyPI package
# ``noto-cjk-sans-otc`` (a dependency; SIL Open Font License 1.1, the licence text in the
# package's dist-info). Its .ttc collection holds the JP, KR, SC, TC
# and HK faces; Matplotlib registers each, and the style asks for the SC one (simplified
# Chinese glyph forms).
PACKAGED_CJK_MODULE = "noto_cjk_sans_otc"
PACKAGED_CJK_FAMILY = "Noto Sans CJK SC"


def packaged_cjk_font() -> str | None:
    """Register the packaged Noto Sans CJK collection with Matplotlib and return the SC
    family's name (None when the package is missing or its font cannot be read)."""
    from matplotlib import font_manager

    try:
        module = importlib.import_module(PACKAGED_CJK_MODULE)
        path = Path(str(module.FONT_PATH))
    except (ImportError, AttributeError, TypeError):
        return None
    if not path.is_file():
        return None
    names = {f.name for f in font_manager.fontManager.ttflist}
    if PACKAGED_CJK_FAMILY not in names:
        try:
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):
            return None
        names = {f.name for f in font_manager.fontManager.ttflist}
    return PACKAGED_CJK_FAMILY if PACKAGED_CJK_FAMILY in names else None


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a CJK font that Matplotlib can use, or None.

    First the packaged Noto Sans CJK SC (`packaged_cjk_font`, so that every machine draws
    Chinese the same way after ``pip install``); then `CJK_FAMILIES` in Matplotlib's font
    list; then fontconfig (``fc-list :lang=zh``), registering the files it names with
    Matplotlib (fonts installed after Matplotlib built its cache are found too).
    """
    from matplotlib import font_manager

    packaged = packaged_cjk_font()
    if packaged:
        return packaged

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((fam for fam in CJK_FAMILIES if fam in names), None)

    found = known()
    if found:
        return found
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    try:
        out = subprocess.run([fc, ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    added: list[str] = []
    for line in out.splitlines():
        file = line.split(":", 1)[0].strip()
        if file and Path(file).suffix.lower() in (".ttf", ".otf", ".ttc") and Path(file).is_file():
            try:
                before = len(font_manager.fontManager.ttflist)
                font_manager.fontManager.addfont(file)
                added += [f.name for f in font_manager.fontManager.ttflist[before:]]
            except (OSError, RuntimeError, ValueError):
                continue
    return known() or (added[0] if added else None)


def require_cjk_font(field: str = "lang") -> str:
    """The CJK font family, or an `InputError` saying what was looked for and how to get one."""
    family = cjk_font()
    if family is None:
        raise InputError(
            "Chinese labels need a CJK font and none was found (looked in Matplotlib's font "
            "list and `fc-list :lang=zh` for " + ", ".join(CJK_FAMILIES[:12]) + ", ...); "
            + CJK_INSTALL_HINT, field=field, allowed="en, or zh once a CJK font is installed")
    return family


def _has_bold(family: str) -> bool:
    from matplotlib import font_manager

    return any(f.name == family and (f.weight in ("bold", "heavy", "black") or
                                     (isinstance(f.weight, int) and f.weight >= 600))
               for f in font_manager.fontManager.ttflist)


def title_weight() -> str:
    """The weight of titles under the current style (bold unless the font has none)."""
    return str(mpl.rcParams["axes.titleweight"])


def check_lang(lang: str, field: str = "lang") -> str:
    """`lang` if it is 'en' or 'zh' (with a CJK font available), else `InputError`."""
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}", field=field, allowed=" | ".join(LANGS))
    if lang == "zh":
        require_cjk_font(field)
    return lang


def rc(lang: str = "en") -> dict[str, object]:
    """The rc settings of the house style for a language."""
    params = dict(STYLE)
    if lang == "zh":
        family = require_cjk_font()
        # explicit names, not the generic "sans-serif": text keeps its family when the
        # figure is saved after the style context has closed
        params["font.family"] = [family, "DejaVu Sans"]
        params["font.sans-serif"] = [family, "DejaVu Sans"]
        params["axes.unicode_minus"] = False  # many CJK fonts have no U+2212 glyph
        if not _has_bold(family):  # e.g. WenQuanYi Micro Hei: regular only
            params["axes.titleweight"] = "normal"
    return params


@contextmanager
def house_style(lang: str = "en") -> Iterator[None]:
    """Apply the house style (and the CJK font for ``lang="zh"``) while drawing."""
    check_lang(lang)
    with mpl.rc_context(rc(lang)):
        yield


# ---------------------------------------------------------------------- figures
def new_figure(width: float = TWO_COLUMN, height: float = 2.8) -> Figure:
    """A new figure with constrained layout, at print size (inches)."""
    return Figure(figsize=(width, height), layout="constrained")


def goal_panels(ax, n_panels: int) -> tuple[Figure, list, bool]:
    """Axes for the goal-ratio panels: a new two-column figure (2 × 2 for four panels, one row
    of three otherwise) when `ax` is None, else the caller's Axes (one per panel). Returns
    (figure, axes, whether the figure is ours)."""
    if ax is None:
        rows = 2 if n_panels == 4 else 1
        fig = new_figure(TWO_COLUMN, 4.9 if rows == 2 else 2.9)
        return fig, list(np.ravel(fig.subplots(rows, 2 if rows == 2 else 3, sharex=True))), True
    axes = list(np.ravel(ax))
    if len(axes) != n_panels:
        raise ValueError(f"ax must hold {n_panels} Axes, got {len(axes)}")
    return axes[0].figure, axes, False


def scenario_colours(order: Sequence[str]) -> dict[str, str]:
    """One Okabe–Ito colour per scenario, in order (cycled beyond eight)."""
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(order)}


def colour_for(name: str, order: Sequence[str],
               colours: Mapping[str, str] | None = None) -> str:
    if colours and name in colours:
        return colours[name]
    return scenario_colours(order).get(name, GREY)


def wrap(text: str, width_in: float, size: float = NOTE_SIZE, lang: str = "en") -> str:
    """Wrap `text` to lines that fit `width_in` inches at `size` points.

    Latin text breaks at spaces; Chinese text (``lang="zh"``) anywhere except inside a run
    of Latin letters and digits, with CJK characters counted as one em and others as half.
    """
    if lang != "zh":
        chars = max(20, int(width_in / (size * 0.5 / 72.0)))
        return "\n".join(textwrap.fill(p, chars) for p in text.split("\n"))
    limit = width_in * 72.0 / size  # in ems
    lines: list[str] = []
    for para in text.split("\n"):
        tokens = re.findall(r"[A-Za-z0-9_.,:;%()=+\-–−/'’]+\s?|\s|.", para)
        line, width = "", 0.0
        for tok in tokens:
            w = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in tok)
            if width + w > limit and line:
                lines.append(line.rstrip())
                line, width = tok.lstrip(), w
            else:
                line, width = line + tok, width + w
        lines.append(line.rstrip())
    return "\n".join(lines)


def finish(fig: Figure, note: str, *, legend_handles: Sequence | None = None,
           legend_labels: Sequence[str] | None = None, ncols: int | None = None,
           lang: str = "en", title: str | None = None) -> Figure:
    """Add the figure legend (above the panels), the footnote (below) and an optional title.

    The footnote is wrapped to the figure's width; the constrained layout keeps the panels
    clear of it.
    """
    width, height = fig.get_size_inches()
    if legend_handles:
        # the title rides on the legend: a suptitle and an outside legend would overlap
        n = len(legend_handles)
        fig.legend(list(legend_handles), list(legend_labels or []),
                   loc="outside upper center", ncols=ncols or min(n, 5), frameon=False,
                   title=wrap(title, width - 0.2, 8.5, lang) if title else None,
                   title_fontproperties={"weight": title_weight(),
                                         "size": STYLE["figure.titlesize"]})
    elif title:
        fig.suptitle(wrap(title, width - 0.2, 8.5, lang), fontsize=STYLE["figure.titlesize"],
                     fontweight=title_weight())
    text = wrap(note, width - 0.1, NOTE_SIZE, lang)
    lines = text.count("\n") + 1
    note_h = (lines * NOTE_SIZE * 1.25 + 4) / 72.0
    bottom = min(0.45, note_h / height)
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=NOTE_SIZE, color="#333333",
             linespacing=1.15)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, bottom, 1, 1 - bottom))
    return fig


def panel_title(ax: Axes, title: str, width_in: float, lang: str = "en") -> None:
    """A left-aligned panel title wrapped to `width_in` inches (bold, 8 pt)."""
    per_char = 8.0 * (1.0 if lang == "zh" else 0.56) / 72.0
    chars = max(12, int(width_in / per_char))
    text = title if lang == "zh" and len(title) <= chars else (
        "\n".join(title[i:i + chars] for i in range(0, len(title), chars)) if lang == "zh"
        else textwrap.fill(title, chars))
    ax.set_title(text, loc="left")


def empty_panel(ax: Axes, text: str = "no data") -> None:
    """Mark a panel that has nothing to show."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def integer_years(ax: Axes, first: float | None = None, last: float | None = None) -> None:
    """Year ticks as integers: every 5 years over a long span (2020, 2025, ...), else at most
    six integer ticks."""
    from matplotlib.ticker import MaxNLocator, MultipleLocator

    if first is None or last is None:
        first, last = ax.dataLim.intervalx if ax.has_data() else (0.0, 0.0)
    if last - first >= 10:
        ax.xaxis.set_major_locator(MultipleLocator(5))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))


# ---------------------------------------------------------------------- saving
def save_figure(fig: Figure, path: str | Path, *, formats: Sequence[str] = ("png", "pdf"),
                dpi: int = MIN_DPI) -> list[Path]:
    """Save `fig` as ``path`` with each suffix in `formats` (png, pdf, svg); return the files.

    PNG is written at `dpi` (at least 200); PDF and SVG are vector files with the fonts
    embedded (PDF) or drawn as paths (SVG). Each file is written to a temporary name in the
    same directory and moved into place, so a reader never sees a half-written file.
    """
    base = Path(path)
    if base.suffix.lower().lstrip(".") in FORMATS:
        base = base.with_suffix("")
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError(f"unknown figure format(s) {', '.join(map(str, bad))}",
                         field="formats", allowed=" ".join(FORMATS))
    written = []
    for fmt in formats:
        target = base.with_name(f"{base.name}.{fmt}")
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            with mpl.rc_context({"pdf.fonttype": 42, "svg.fonttype": "path"}):
                fig.savefig(tmp, dpi=max(dpi, MIN_DPI) if fmt == "png" else dpi, format=fmt,
                            metadata=_metadata(fmt))
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        written.append(target)
    return written


def _metadata(fmt: str) -> dict[str, str] | None:
    creator = f"westdev {__version__} (matplotlib {mpl.__version__})"
    if fmt == "pdf":
        return {"Creator": creator}
    if fmt == "svg":
        return {"Creator": creator}
    if fmt == "png":
        return {"Software": creator}
    return None
