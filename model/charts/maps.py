"""Families (g) and (h): provinces on a tile grid and on a map.

`plot_province_tiles`: small multiples of any per-province indicator over time, one tile per
province placed on China's tile grid (``tile_grid.csv``: each province keeps its position
relative to its neighbours), one line per scenario (median across runs, with the 5–95 % band
for up to three scenarios), every tile on the same scale, shown on a key tile; western
provinces are shaded.

`plot_choropleth`: a province map from the packaged GeoJSON (31 mainland provinces, simplified
boundaries) drawn with a Matplotlib ``PolyCollection`` — no GIS libraries — of an indicator's
value in a year (default: 2035 or the last year), or its change since a base year, one panel
per scenario with a shared colour bar (cividis; PuOr, centred on 0, for changes).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.style import (
    DIVERGING_CMAP,
    GREY,
    NOTE_SIZE,
    ONE_COLUMN,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    colour_for,
    house_style,
    title_weight,
    wrap,
)
from westdev.errors import InputError
from westdev.inputs.datasets import load_provincial_data
from westdev.policy.goal import GOAL_YEAR

WEST_SHADE = "#ececec"


@functools.lru_cache(maxsize=1)
def _tiles() -> pd.DataFrame:
    """name_en → row, col (1-based), abbr, region."""
    data = load_provincial_data()
    tiles = data.tile_grid.copy()
    tiles["region"] = data.provinces.loc[tiles.index, "region4"].to_numpy()
    return tiles.set_index("name_en")


def _province_rows(results: pd.DataFrame, indicator: str) -> pd.DataFrame:
    df = D.tidy(results)
    rows = D.select(df, indicators=[indicator], areas=list(_tiles().index))
    if rows.empty:
        have = sorted(set(D.select(df, areas=list(_tiles().index))["indicator"]))
        raise InputError(f"no per-province rows of {indicator!r}", field="indicator",
                         allowed=", ".join(have[:30]) + (" ..." if len(have) > 30 else "")
                         if have else "an indicator recorded per province")
    return rows


def plot_province_tiles(results: pd.DataFrame, indicator: str = "income_ratio_to_east", *,
                        scenarios: Sequence[str] | None = None,
                        colours: Mapping[str, str] | None = None, scale: float = 1.0,
                        reference: float | None = None, reference_label: str | None = None,
                        ylim: tuple[float, float] | None = None, note: str | None = None,
                        since_start: bool = False, lang: str = "en") -> Figure:
    """Per-province small multiples of `indicator` over time on China's tile grid.

    `scale` multiplies values (e.g. 1e-4 for yuan → 10k yuan); `reference` draws a dotted
    horizontal line on every tile (e.g. 1.0 for ratios to the East), labelled
    `reference_label` in the legend; `ylim` fixes the common scale (default: the range of the
    data). Always a new figure, 7.2 in wide (the grid needs the whole page width); rows of the
    grid without a province are dropped.

    `since_start` draws each province's change since its own start-year value, in percent
    (each run against its own start), so that a common scale shows every province's movement
    — levels put Beijing and Shanghai at one end of the scale and flatten the western
    provinces; the reference line is then 0.
    """
    rows = _province_rows(results, indicator)
    if since_start:
        first = rows.groupby("run_id")["year"].transform("min")
        start = rows[rows["year"] == first].set_index(["run_id", "area"])["value"]
        base = pd.MultiIndex.from_frame(rows[["run_id", "area"]]).map(start.to_dict())
        with np.errstate(divide="ignore", invalid="ignore"):
            rows = rows.assign(value=100.0 * (rows["value"].to_numpy() / np.asarray(
                base, dtype=float) - 1.0))
        reference, scale, start_year = 0.0, 1.0, int(rows["year"].min())
    order = D.scenario_order(rows, scenarios)
    tiles = _tiles().copy()
    used_rows = sorted(set(int(r) for r in tiles["row"]))
    tiles["row"] = [used_rows.index(int(r)) + 1 for r in tiles["row"]]
    nrow, ncol = len(used_rows), int(tiles["col"].max())
    stats = {(p, s): D.fan(g) for (p, s), g in rows.groupby(["area", "scenario"], sort=False)}
    bands = len(order) <= 3 and D.max_runs(rows, order) > 1
    lo_cols, hi_cols = ("q05", "q95") if bands else ("q50", "q50")
    if ylim is None:
        lo = min((float(st[lo_cols].min()) for st in stats.values() if len(st)), default=0.0)
        hi = max((float(st[hi_cols].max()) for st in stats.values() if len(st)), default=1.0)
        if reference is not None:
            lo, hi = min(lo, reference), max(hi, reference)
        lo, hi = lo * scale, hi * scale
    else:
        lo, hi = ylim
    pad = 0.06 * (hi - lo if hi > lo else abs(hi) or 1.0)
    limits = (lo - pad, hi + pad)
    years = sorted(rows["year"].unique())
    xlim = (years[0], years[-1]) if len(years) > 1 else (years[0] - 0.5, years[0] + 0.5)
    width = TWO_COLUMN
    tile_w = (width - 0.3) / ncol
    axes_h, label_h = tile_w * 0.72, 0.15
    top_in = 0.8
    parts = [D.source_line(lang), D.scenario_note(order, lang),
             L.text("tiles_note", lang, lo=_fmt(lo), hi=_fmt(hi))]
    if bands:
        parts.append("Lines: median across runs; bands: 5–95 %." if lang == "en"
                     else "实线：运行中位数；区间：5–95 %。")
    elif D.max_runs(rows, order) > 1:
        parts.append("Lines: median across runs." if lang == "en" else "实线：运行中位数。")
    parts.append(D.few_runs_note(rows, order, lang) if bands else "")
    if since_start:
        parts.append(L.text("tiles_since_note", lang, base=start_year))
    if note:
        parts.append(note)
    text = wrap(D.join(parts, lang), width - 0.3, NOTE_SIZE, lang)
    bottom_in = 0.45 + (text.count("\n") + 1) * NOTE_SIZE * 1.2 / 72
    height = top_in + bottom_in + nrow * (axes_h + label_h)
    with house_style(lang):
        fig = Figure(figsize=(width, height))
        gs = fig.add_gridspec(nrow, ncol, left=0.15 / width, right=1 - 0.15 / width,
                              top=1 - top_in / height, bottom=bottom_in / height,
                              wspace=0.08, hspace=label_h / axes_h)
        for name, t in tiles.iterrows():
            ax = fig.add_subplot(gs[int(t["row"]) - 1, int(t["col"]) - 1])
            _tile(ax, name, t, order, stats, colours, scale, bands, reference, xlim, limits,
                  lang)
        key = _key_tile(fig, gs, tiles, nrow, ncol)
        if key is not None:
            _tile(key, None, None, [], {}, colours, scale, False, reference, xlim, limits, lang)
            key.set_facecolor("white")
            for side in ("left", "bottom"):
                key.spines[side].set_visible(True)
                key.spines[side].set_linewidth(0.6)
            key.set_xticks([xlim[0], xlim[1]] if len(years) > 1 else [years[0]])
            key.set_xticklabels([str(int(v)) for v in key.get_xticks()], fontsize=7)
            key.set_yticks([lo, hi])
            key.set_yticklabels([_fmt(lo), _fmt(hi)], fontsize=7)
            key.tick_params(length=2, pad=1)
            key.set_title(L.text("key", lang), fontsize=7, loc="left", pad=2,
                          fontweight="normal")
        handles = [Line2D([], [], color=colour_for(s, order, colours)) for s in order]
        labels = [L.scenario_label(s, lang) for s in order]
        if reference is not None:
            handles.append(Line2D([], [], color=GREY, linestyle=":", linewidth=0.8))
            if since_start and reference_label is None:
                reference_label = L.text("tiles_no_change", lang, base=start_year)
            if reference_label is None and indicator.endswith("ratio_to_east"):
                reference_label = "东部（= 1）" if lang == "zh" else "East (= 1)"
            labels.append(reference_label or _fmt(reference * scale))
        fig.legend(handles, labels, loc="upper center", ncols=min(len(handles), 6),
                   bbox_to_anchor=(0.5, 1 - 0.3 / height), frameon=False)
        title = (L.text("tiles_since_title", lang, label=L.indicator_label(indicator, lang),
                        base=start_year) if since_start else
                 L.text("tiles_title", lang, label=L.with_unit(indicator, lang)))
        fig.text(0.15 / width, 1 - 0.06 / height, title, ha="left", va="top",
                 fontsize=8.5, fontweight=title_weight())
        fig.text(0.15 / width, 0.08 / height, text, ha="left", va="bottom", fontsize=NOTE_SIZE,
                 color="#333333", linespacing=1.15)
    return fig


def _tile(ax: Axes, name: str | None, t, order, stats, colours, scale, bands, reference, xlim,
          ylim, lang) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if name is None:
        return
    ax.set_facecolor(WEST_SHADE if t["region"] == "West" else "#fafafa")
    if reference is not None:
        ax.axhline(reference * scale, color=GREY, linestyle=":", linewidth=0.8)
    for s in order:
        st = stats.get((name, s))
        if st is None or st.empty:
            continue
        c = colour_for(s, order, colours)
        x = st.index.to_numpy()
        if bands:
            ax.fill_between(x, st["q05"] * scale, st["q95"] * scale, color=c, alpha=0.2,
                            linewidth=0)
        ax.plot(x, st["q50"] * scale, color=c, linewidth=1.0)
    ax.set_title(L.province_label(name, lang, short=True), fontsize=7, loc="left", pad=1.5,
                 fontweight="normal")


def _key_tile(fig: Figure, gs, tiles: pd.DataFrame, nrow: int, ncol: int) -> Axes | None:
    """An axes in a free grid cell near the bottom-left corner (for the scale)."""
    used = {(int(r), int(c)) for r, c in zip(tiles["row"], tiles["col"], strict=True)}
    for r in range(nrow, 0, -1):
        for c in range(2, ncol + 1):
            if (r, c) not in used:
                return fig.add_subplot(gs[r - 1, c - 1])
    return None


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 1e4:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


# ---------------------------------------------------------------------- choropleth
@functools.lru_cache(maxsize=1)
def _polygons() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    """(name_en, exterior rings as (n, 2) lon/lat arrays), largest province first, so that
    small provinces inside or beside large ones are drawn on top."""
    path = load_provincial_data().geojson_path
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    out = []
    for f in features:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = tuple(np.asarray(p[0], dtype=float) for p in polys if p and len(p[0]) >= 3)
        area = sum(_ring_area(r) for r in rings)
        out.append((area, str(f["properties"]["name_en"]), rings))
    out.sort(key=lambda t: -t[0])
    return tuple((name, rings) for _, name, rings in out)


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def province_values(results: pd.DataFrame, indicator: str = "income_ratio_to_east", *,
                    year: int | None = None, since: int | None = None,
                    scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean across runs per scenario and province of `indicator` in `year` (default: 2035 or
    the last year), or its change since `since` (each run against its own start): columns
    ``scenario, area, value, q05, q95, n, year`` — the 5–95 % range across runs and their
    number beside the mean."""
    rows = _province_rows(results, indicator)
    order = D.scenario_order(rows, scenarios)
    years = set(int(y) for y in rows["year"].unique())
    year = D.final_year(rows, year if year is not None else
                        (GOAL_YEAR if GOAL_YEAR in years else None))
    at = rows[rows["year"] == year].set_index(["scenario", "area", "run_id"])["value"]
    if since is not None:
        if int(since) not in years:
            raise InputError(f"no results in {since}", field="since",
                             allowed=f"a simulated year, {min(years)}–{max(years)}")
        base = rows[rows["year"] == int(since)].set_index(["scenario", "area", "run_id"])
        at = (at - base["value"]).dropna()
    g = at.groupby(level=["scenario", "area"])
    out = pd.DataFrame({"value": g.mean(), "q05": g.quantile(0.05), "q95": g.quantile(0.95),
                        "n": g.count()}).reset_index()
    out = out[out["scenario"].isin(order)]
    out["year"] = year
    return out


def plot_choropleth(results: pd.DataFrame, indicator: str = "income_ratio_to_east", *,
                    year: int | None = None, since: int | None = None,
                    scenarios: Sequence[str] | None = None, vmin: float | None = None,
                    vmax: float | None = None, center: float | str | None = "auto",
                    ax: Sequence[Axes] | Axes | None = None, note: str | None = None,
                    lang: str = "en") -> Figure:
    """A province map of `indicator` in `year` (or its change since `since`), one panel per
    scenario (up to three per figure row) with a shared colour bar.

    `results` is the tidy table or a `province_values` table (columns scenario, area, value,
    year). Colours: a diverging scale (PuOr) around `center` — by default 0 for a change and
    1 (parity with the East) for ratio indicators — else cividis. Without `vmin`/`vmax` the
    scale covers the 2nd–98th percentiles when a few provinces lie far outside them (the
    colour bar then shows arrows), so that one or two outliers do not wash out the rest.
    """
    if {"scenario", "area", "value", "year"} <= set(results.columns) and \
            "indicator" not in results.columns:
        values = results
    else:
        values = province_values(results, indicator, year=year, since=since,
                                 scenarios=scenarios)
    order = D.scenario_order(values, scenarios)
    year = int(values["year"].iloc[0]) if len(values) else year
    if center == "auto":
        center = 0.0 if since is not None else (
            1.0 if L.indicator_unit(indicator) == "ratio" else None)
    norm, extend = _norm(values["value"].to_numpy(dtype=float), vmin, vmax, center)
    from matplotlib import colormaps

    cmap = colormaps[DIVERGING_CMAP if center is not None else SEQUENTIAL_CMAP].with_extremes(
        bad="#d9d9d9")
    polys = _polygons()
    n = max(len(order), 1)
    cols = min(n, 3)
    nrows = math.ceil(n / cols)
    with house_style(lang):
        if ax is None:
            width = ONE_COLUMN if n == 1 else TWO_COLUMN
            panel_w = (width - 0.2) / cols
            parts_h = 0.8 if n > 1 else 1.25
            fig = Figure(figsize=(width, nrows * (panel_w * 0.72 + 0.2) + parts_h),
                         layout="constrained")
            axes = list(np.ravel(fig.subplots(nrows, cols)))
            own = True
        else:
            axes = list(np.ravel(ax))
            fig, own = axes[0].figure, False
        coll = None
        any_unsure = False
        panel_w = (fig.get_size_inches()[0] - 0.2) / cols
        for panel, scen in zip(axes, order, strict=False):
            vals = values[values["scenario"] == scen].set_index("area")["value"]
            verts, colours = [], []
            for name, rings in polys:
                value = float(vals.get(name, np.nan))
                for ring in rings:
                    verts.append(ring)
                    colours.append(value)
            coll = PolyCollection(verts, array=np.ma.masked_invalid(np.asarray(colours)),
                                  cmap=cmap, norm=norm, edgecolors="white", linewidths=0.25)
            panel.add_collection(coll)
            unsure = _spans(values[values["scenario"] == scen], since is not None)
            if unsure:
                hatched = [ring for name, rings in polys if name in unsure for ring in rings]
                panel.add_collection(PolyCollection(
                    hatched, facecolors="none", edgecolors="#444444", linewidths=0,
                    hatch="/////"))
                any_unsure = True
            panel.set_xlim(73, 135.5)
            panel.set_ylim(17.5, 54)
            panel.set_aspect(1 / math.cos(math.radians(36)))
            panel.set_axis_off()
            panel.set_title(wrap(L.scenario_label(scen, lang), panel_w, 8.0, lang), loc="left",
                            fontsize=8.0)
        for panel in axes[len(order):]:
            panel.set_visible(False)
        if coll is not None:
            bar = fig.colorbar(coll, ax=axes[:len(order)], orientation="horizontal",
                               shrink=0.7 if n > 1 else 0.95, aspect=35 if n > 1 else 22,
                               pad=0.02, extend=extend)
            label = L.with_unit(indicator, lang)
            lowered = label[0].lower() + label[1:] if lang == "en" and label[1:2].islower() \
                else label
            title = (L.text("map_change_title", lang, label=lowered, base=since, year=year)
                     if since is not None else
                     L.text("map_title", lang, label=label, year=year))
            bar.set_label(wrap(title, (ONE_COLUMN if n == 1 else TWO_COLUMN) - 0.4, 7.5,
                               lang))
            bar.ax.tick_params(labelsize=7)
        parts = [D.source_line(lang), D.scenario_note(order, lang), L.text("map_note", lang)]
        if any_unsure:
            parts.append(L.text("map_unsure_note", lang))
        elif since is not None and "n" in values and len(values) and values["n"].max() <= 1:
            parts.append(L.text("map_one_run_note", lang))
        if "n" in values and len(values):
            parts.append(_few(values, lang))
        if extend != "neither":
            parts.append("Arrows on the colour bar: values beyond its ends take its end colours."
                         if lang == "en" else "色标两端箭头：超出范围的数值取端点颜色。")
        D.close_figure(fig, parts, note, lang, own=own)
    return fig


def _spans(values: pd.DataFrame, change: bool) -> set[str]:
    """Provinces whose change (since the base year) is within the spread of the runs: the
    5–95 % range across runs includes 0. Empty for level maps and single runs."""
    if not change or not {"q05", "q95", "n"} <= set(values.columns):
        return set()
    v = values[values["n"] > 1]
    return set(v.loc[(v["q05"] <= 0) & (v["q95"] >= 0), "area"])


def _few(values: pd.DataFrame, lang: str) -> str:
    """The few-runs warning for a map's ranges ('' with enough runs or one run)."""
    from westdev.analysis.summaries import MIN_BAND_RUNS

    n = int(values["n"].min())
    if n <= 1 or n >= MIN_BAND_RUNS:
        return ""
    return L.text("few_runs_note", lang, n=n, need=MIN_BAND_RUNS)


def _norm(values: np.ndarray, vmin: float | None, vmax: float | None,
          center: float | None) -> tuple[Normalize, str]:
    """The colour normalisation and the colour bar's `extend`."""
    v = values[np.isfinite(values)]
    if not v.size:
        return Normalize(0.0, 1.0), "neither"
    full_lo, full_hi = float(v.min()), float(v.max())
    lo, hi = full_lo, full_hi
    if vmin is None and vmax is None and v.size >= 10:
        r_lo, r_hi = (float(x) for x in np.percentile(v, [2, 98]))
        if (full_hi - full_lo) > 1.5 * (r_hi - r_lo) > 0:
            lo, hi = r_lo, r_hi
    lo = vmin if vmin is not None else lo
    hi = vmax if vmax is not None else hi
    if center is not None:
        m = max(abs(lo - center), abs(hi - center)) or 1.0
        lo, hi = center - m, center + m
        norm: Normalize = TwoSlopeNorm(center, lo, hi)
    else:
        norm = Normalize(lo, hi if hi > lo else lo + 1e-9)
    below, above = full_lo < lo - 1e-12, full_hi > hi + 1e-12
    extend = "both" if below and above else "min" if below else "max" if above else "neither"
    return norm, extend
