"""Family (f): global sensitivity — Sobol' and Morris indices.

Both functions take the tidy indices of `westdev.analysis.sensitivity.analyse` (columns ``method,
outcome, year, factor, index, value, conf``; ``factor2`` and ``note`` optional).

`plot_sensitivity_bars`: the indices in one year (default: 2035 or the last analysed year), one
panel per outcome, factors sorted by their largest index: Morris μ* with its bootstrap interval
and σ as a marker, or Sobol' S1 and ST side by side with their intervals.
`plot_sensitivity_heatmap`: factors × years, one panel per outcome: Sobol' ST (or S1) on a 0–1
scale, or Morris μ* relative to the largest factor of that outcome and year.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from westdev.charts import _data as D
from westdev.charts import labels as L
from westdev.charts.style import (
    OKABE_ITO,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    empty_panel,
    finish,
    house_style,
    new_figure,
    panel_title,
)
from westdev.errors import InputError
from westdev.policy.goal import GOAL_YEAR, RATIO_INDICATORS

COLUMNS = ("method", "outcome", "year", "factor", "index", "value", "conf")


def _check(indices: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(indices, pd.DataFrame):
        raise InputError("expected a DataFrame of sensitivity indices", field="indices",
                         allowed="westdev.analysis.sensitivity.analyse(...) output")
    missing = [c for c in COLUMNS if c not in indices.columns]
    if missing:
        raise InputError(f"sensitivity indices lack the columns {missing}", field="indices",
                         allowed="columns " + ", ".join(COLUMNS))
    if indices.empty:
        raise InputError("no sensitivity indices to draw", field="indices",
                         allowed="a non-empty westdev.analysis.sensitivity.analyse(...) table")
    return indices[indices["index"].isin(["mu_star", "sigma", "mu", "S1", "ST"])]


def _method(indices: pd.DataFrame) -> str:
    return "morris" if (indices["method"] == "morris").any() else "sobol"


def factor_label(name: str, lang: str = "en") -> str:
    """A factor's reader-facing name: a lever's title, a parameter's or path's dotted name
    (`westdev.charts.names.factor_label`)."""
    return L.factor_label(name, lang)


def outcome_label(outcome: str, lang: str = "en") -> str:
    """'West:west_east_ratio_income' → the dimension's title (or the indicator's label)."""
    area, _, ind = outcome.partition(":")
    for key, goal in RATIO_INDICATORS.items():
        if ind == goal:
            return L.text(f"short.{key}", lang)
    label = L.indicator_label(ind or outcome, lang)
    return f"{label} ({area})" if ind else label


def _year(indices: pd.DataFrame, year: int | None) -> int:
    years = sorted(int(y) for y in indices["year"].unique())
    if year is None:
        return GOAL_YEAR if GOAL_YEAR in years else years[-1]
    if int(year) not in years:
        raise InputError(f"no indices for {year}", field="year",
                         allowed=", ".join(map(str, years)))
    return int(year)


def plot_sensitivity_bars(indices: pd.DataFrame, *, year: int | None = None,
                          outcomes: Sequence[str] | None = None, top: int | None = 15,
                          scenario: str | None = None, ax: Sequence[Axes] | None = None,
                          note: str | None = None, lang: str = "en") -> Figure:
    """Morris μ* (bars, bootstrap interval) and σ (diamonds), or Sobol' S1 and ST (paired
    bars, intervals), for `year`; one panel per outcome, the `top` factors by their largest
    index across outcomes. `scenario` (the experiment's base scenario) goes into the note."""
    idx = _check(indices)
    if "above_noise" not in idx:
        from westdev.analysis.sensitivity import with_flags

        idx = with_flags(idx)
    method = _method(idx)
    year = _year(idx, year)
    sel = idx[idx["year"] == year]
    outs = list(outcomes) if outcomes is not None else list(dict.fromkeys(sel["outcome"]))
    main = "mu_star" if method == "morris" else "ST"
    rank = _rank(sel[sel["index"] == main])
    factors = list(rank.index)
    factors += [f for f in dict.fromkeys(sel["factor"]) if f not in factors]
    if top is not None:
        factors = factors[:top]
    n_f = max(len(factors), 1)
    with house_style(lang):
        if ax is None:
            fig = new_figure(TWO_COLUMN, 1.5 + 0.2 * n_f)
            axes = list(np.ravel(fig.subplots(1, max(len(outs), 1), sharey=True)))
            own = True
        else:
            axes = list(np.ravel(ax))
            fig, own = axes[0].figure, False
        ypos = np.arange(len(factors))
        floors, clamped, faded = [], [], False
        for panel, outcome in zip(axes, outs, strict=False):
            sub = sel[sel["outcome"] == outcome]
            get = {ix: sub[sub["index"] == ix].set_index("factor").reindex(factors)
                   for ix in ("mu_star", "sigma", "S1", "ST")}
            if method == "morris":
                v, c = get["mu_star"]["value"], get["mu_star"]["conf"]
                sure = get["mu_star"]["above_noise"].fillna(False).astype(bool).to_numpy()
                faded = faded or not sure.all()
                panel.barh(ypos, v, height=0.6, color=[OKABE_ITO[0] if s else "#a9c6dd"
                                                       for s in sure],
                           xerr=c.where(np.isfinite(c)), error_kw={"elinewidth": 0.7,
                                                                   "capsize": 0,
                                                                   "ecolor": "#222222"})
                panel.plot(get["sigma"]["value"], ypos, "D", color=OKABE_ITO[1],
                           markersize=3.2, linestyle="none")
                floor = get["mu_star"]["noise_floor"].dropna()
                if len(floor):
                    floors.append(float(floor.iloc[0]))
                    panel.axvline(floors[-1], color="#222222", linestyle="--", linewidth=0.8)
                panel.set_xlabel(L.text("sa_mu_star", lang))
            else:
                for k, (ix, colour, pale) in enumerate((("S1", OKABE_ITO[5], "#cfe8f6"),
                                                        ("ST", OKABE_ITO[0], "#a9c6dd"))):
                    v, c = get[ix]["value"], get[ix]["conf"]
                    sure = get[ix]["above_noise"].fillna(False).astype(bool).to_numpy()
                    faded = faded or not sure.all()
                    y = ypos + (k - 0.5) * 0.36
                    shown = v.clip(0.0, 1.0)  # a share of variance: outside [0, 1] is noise
                    lo = (shown - (v - c)).clip(lower=0).where(np.isfinite(c))
                    hi = ((v + c).clip(upper=1.0) - shown).clip(lower=0).where(np.isfinite(c))
                    panel.barh(y, shown, height=0.34, color=[colour if s else pale
                                                             for s in sure],
                               xerr=[lo.fillna(0), hi.fillna(0)],
                               error_kw={"elinewidth": 0.7, "capsize": 0, "ecolor": "#222222"})
                    for yi, raw in zip(y, v, strict=True):
                        if np.isfinite(raw) and (raw > 1.0 or raw < 0.0):
                            clamped.append(float(raw))
                            edge = 1.0 if raw > 1.0 else 0.0
                            panel.plot([edge], [yi], ">" if raw > 1 else "<", color="#222222",
                                       markersize=3.5)
                            panel.annotate(f"{raw:.2f}", (edge, yi), xytext=(-3 if raw > 1
                                                                             else 3, 0),
                                           textcoords="offset points", va="center",
                                           ha="right" if raw > 1 else "left", fontsize=7)
                panel.set_xlim(-0.03, 1.08)
                panel.set_xlabel(L.text("sa_index", lang))
                panel.axvline(0, color="#555555", linewidth=0.6)
            nan = get[main]["value"].isna()
            for i in np.flatnonzero(nan.to_numpy()):
                panel.text(0.01, i, "n/a", transform=panel.get_yaxis_transform(), va="center",
                           fontsize=7, color="#777777")
            panel_title(panel, outcome_label(outcome, lang),
                        _panel_width(fig, factors, len(outs), lang), lang)
            panel.grid(True, axis="x", color="#dddddd", linewidth=0.5)
            panel.grid(False, axis="y")
            if sub.empty:
                empty_panel(panel)
        for panel in axes[len(outs):]:
            panel.set_visible(False)
        axes[0].set_yticks(ypos)
        axes[0].set_yticklabels([factor_label(f, lang) for f in factors])
        axes[0].set_ylim(len(factors) - 0.5, -0.5)
        if method == "morris":
            handles = [Patch(color=OKABE_ITO[0]),
                       Line2D([], [], marker="D", color=OKABE_ITO[1], linestyle="none",
                              markersize=3.2)]
            labels = [L.text("sa_mu_star", lang), L.text("sa_sigma", lang)]
            if floors:
                handles.append(Line2D([], [], color="#222222", linestyle="--", linewidth=0.8))
                labels.append(L.text("sa_floor", lang))
            title = L.text("sa_morris_title", lang, year=year)
            text = L.text("sa_note_morris", lang, conf="95 %")
            text += " " + L.text("sa_note_floor" if floors else "sa_note_no_floor", lang) \
                if lang == "en" else L.text("sa_note_floor" if floors else "sa_note_no_floor",
                                            lang)
        else:
            handles = [Patch(color=OKABE_ITO[5]), Patch(color=OKABE_ITO[0])]
            labels = [L.text("sa_s1", lang), L.text("sa_st", lang)]
            title = L.text("sa_sobol_title", lang, year=year)
            text = L.text("sa_note_sobol", lang, conf="95 %")
            if clamped:
                text += (" " if lang == "en" else "") + L.text(
                    "sa_note_clamped", lang, values=", ".join(f"{v:.2f}" for v in clamped[:4])
                    + (" …" if len(clamped) > 4 else ""))
        if faded:
            text += (" " if lang == "en" else "") + L.text(
                "sa_note_faded_morris" if method == "morris" else "sa_note_faded_sobol", lang)
        parts = [D.source_line(lang), *_base(scenario, lang), text]
        if top is not None and len(rank) > top:
            parts.append(f"Top {top} of {len(rank)} factors." if lang == "en"
                         else f"显示 {len(rank)} 个因子中的前 {top} 个。")
        if note:
            parts.append(note)
        if own:
            finish(fig, D.join(parts, lang), legend_handles=handles, legend_labels=labels,
                   lang=lang, title=title)
        else:
            axes[0].legend(handles, labels)
    return fig


def plot_sensitivity_heatmap(indices: pd.DataFrame, *, index: str | None = None,
                             outcomes: Sequence[str] | None = None, top: int | None = 15,
                             scenario: str | None = None, ax: Sequence[Axes] | None = None,
                             note: str | None = None, lang: str = "en") -> Figure:
    """Factors × years of one index, one panel per outcome (cividis; grey: undefined).

    `index` defaults to ST (Sobol') or μ* (Morris, shown relative to the largest factor of
    each outcome and year, since μ* is in the outcome's units)."""
    idx = _check(indices)
    method = _method(idx)
    index = index or ("mu_star" if method == "morris" else "ST")
    sel = idx[idx["index"] == index]
    if sel.empty:
        raise InputError(f"no {index!r} indices", field="index",
                         allowed=", ".join(sorted(idx["index"].unique())))
    outs = list(outcomes) if outcomes is not None else list(dict.fromkeys(sel["outcome"]))
    years = sorted(int(y) for y in sel["year"].unique())
    relative = method == "morris" and index in ("mu_star", "sigma", "mu")
    factors = list(_rank(sel[sel["year"] == max(years)]).index)
    factors += [f for f in dict.fromkeys(sel["factor"]) if f not in factors]
    if top is not None:
        factors = factors[:top]
    with house_style(lang):
        if ax is None:
            fig = new_figure(TWO_COLUMN, 1.6 + 0.2 * max(len(factors), 1))
            axes = list(np.ravel(fig.subplots(1, max(len(outs), 1), sharey=True)))
            own = True
        else:
            axes = list(np.ravel(ax))
            fig, own = axes[0].figure, False
        norm = Normalize(0.0, 1.0)
        image = None
        for panel, outcome in zip(axes, outs, strict=False):
            sub = sel[sel["outcome"] == outcome]
            grid = sub.pivot_table(index="factor", columns="year", values="value",
                                   aggfunc="first", dropna=False).reindex(index=factors,
                                                                          columns=years)
            values = grid.to_numpy(dtype=float)
            if relative:
                peak = np.nanmax(np.abs(values), axis=0, initial=0.0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    values = np.where(peak > 0, np.abs(values) / peak, np.nan)
            masked = np.ma.masked_invalid(values)
            cmap = _cmap()
            image = panel.imshow(masked, aspect="auto", cmap=cmap, norm=norm,
                                 interpolation="nearest")
            if values.size <= 80:
                for (i, j), v in np.ndenumerate(values):
                    if np.isfinite(v):
                        panel.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                                   color="white" if v < 0.55 else "black")
            panel.set_xticks(range(len(years)))
            panel.set_xticklabels([str(y) for y in years],
                                  rotation=0 if len(years) <= 6 else 90)
            panel.set_xlabel(L.text("year", lang))
            panel_title(panel, outcome_label(outcome, lang),
                        _panel_width(fig, factors, len(outs), lang, colorbar=True), lang)
            panel.grid(False)
            for side in ("top", "right"):
                panel.spines[side].set_visible(False)
        for panel in axes[len(outs):]:
            panel.set_visible(False)
        axes[0].set_yticks(range(len(factors)))
        axes[0].set_yticklabels([factor_label(f, lang) for f in factors])
        if image is not None:
            bar = fig.colorbar(image, ax=axes[:len(outs)], shrink=0.9, pad=0.02, aspect=25)
            bar.set_label(L.text("sa_heat_morris", lang) if relative else
                          L.text("sa_heat_sobol", lang, index=index))
            bar.ax.tick_params(labelsize=7)
        shown = {"mu_star": "μ*", "sigma": "σ", "mu": "μ"}.get(index, index)
        parts = [D.source_line(lang), *_base(scenario, lang)]
        if relative:
            parts.append(L.text("sa_heat_note_morris", lang))
        parts.append(L.text("sa_nan", lang) + ("。" if lang == "zh" else "."))
        if note:
            parts.append(note)
        if own:
            finish(fig, D.join(parts, lang), lang=lang,
                   title=L.text("sa_heat_title", lang, index=shown))
    return fig


def _rank(rows: pd.DataFrame) -> pd.Series:
    """Factors by their mean importance across outcomes, each outcome's index divided by its
    largest (μ* is in each outcome's own units), most important first."""
    if rows.empty:
        return pd.Series(dtype=float)
    by = rows.groupby(["outcome", "year", "factor"])["value"].mean().abs()
    peak = by.groupby(level=["outcome", "year"]).transform("max")
    share = (by / peak.where(peak > 0)).groupby(level="factor").mean()
    return share.fillna(-1.0).sort_values(ascending=False, kind="stable")


def _base(scenario: str | None, lang: str) -> list[str]:
    if not scenario:
        return []
    name = L.scenario_label(scenario, lang)
    return [f"基准情景：{name}。" if lang == "zh" else f"Base scenario: {name}."]


def _panel_width(fig: Figure, factors: Sequence[str], n: int, lang: str, *,
                 colorbar: bool = False) -> float:
    """Approximate width of one panel (inches) beside the factor labels."""
    longest = max((len(factor_label(f, lang)) * (1.8 if lang == "zh" else 1.0)
                   for f in factors), default=10)
    labels = longest * 7.0 * 0.55 / 72 + 0.15
    width = fig.get_size_inches()[0] - labels - (0.6 if colorbar else 0.1)
    return max(0.8, width / max(n, 1) - 0.1)


def _cmap():
    from matplotlib import colormaps

    return colormaps[SEQUENTIAL_CMAP].with_extremes(bad="#d9d9d9")
