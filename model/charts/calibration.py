"""Family (g): calibration and validation — how well the model reproduces 2000–2019.

`plot_calibration_fit`: each moment's miss (simulated − observed) in tolerances, with the seed spread of
the verification runs; the band |miss| ≤ 1 is a fit. `plot_screening`: Morris μ* of each
candidate parameter on each moment, in tolerances (which moments identify which parameters).
`plot_validation`: observed, model and naive-trend paths of the out-of-sample years.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from westdev.charts.style import (
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    finish,
    house_style,
    new_figure,
    panel_title,
    save_figure,
)


def plot_calibration_fit(table: pd.DataFrame, path: str | Path | None = None, *,
              title: str = "Simulated minus observed, in tolerances") -> Figure:
    """Dot plot of the fit table (index: moment; columns observed, tolerance, simulated,
    simulated_sd, miss_in_tolerances)."""
    t = table.iloc[::-1]
    with house_style():
        fig = new_figure(TWO_COLUMN, 0.9 + 0.22 * len(t))
        ax = fig.add_subplot()
        y = np.arange(len(t))
        ax.axvspan(-1, 1, color=LIGHT_GREY, zorder=0)
        ax.axvline(0, color=GREY, lw=0.8)
        spread = (t["simulated_sd"] / t["tolerance"]).fillna(0.0).to_numpy()
        ax.errorbar(t["miss_in_tolerances"], y, xerr=1.96 * spread, fmt="o", color=OKABE_ITO[0],
                    ms=4, lw=1, capsize=2)
        ax.set_yticks(y, [m.replace("_", " ") for m in t.index], fontsize=7)
        ax.set_xlabel("(simulated − observed) / tolerance")
        finish(fig, "Grey band: within one tolerance. Bars: 95 % range of the verification "
               "runs' seed noise. Observed values and tolerances: calibration/targets.toml.",
               title=title)
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig


def plot_screening(effects: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Heat map of Morris μ* (parameters × moments), in tolerances, capped at 3."""
    with house_style():
        fig = new_figure(TWO_COLUMN, 1.6 + 0.18 * len(effects))
        ax = fig.add_subplot()
        shown = effects.clip(upper=3.0)
        im = ax.imshow(shown.to_numpy(), aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0, vmax=3)
        ax.set_yticks(range(len(effects)), effects.index, fontsize=6)
        ax.set_xticks(range(effects.shape[1]), [c.replace("_", " ") for c in effects.columns],
                      rotation=60, ha="right", fontsize=6)
        fig.colorbar(im, ax=ax, label="μ* / tolerance (capped at 3)", shrink=0.8)
        finish(fig, "Morris elementary effects (SALib) over the register ranges: how many "
               "tolerances each parameter can move each moment.", title="Which parameters "
               "move which moments")
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig


def plot_validation(paths: pd.DataFrame, path: str | Path | None = None, *,
                     first_predicted: int = 2013) -> Figure:
    """Panels of observed, model and naive-trend paths (columns: measure, year, source, value;
    source in observed / model / naive), the fitted years shaded."""
    measures = list(dict.fromkeys(paths["measure"]))
    colours = {"observed": "#000000", "model": OKABE_ITO[0], "naive": OKABE_ITO[1]}
    with house_style():
        ncols = min(3, len(measures))
        nrows = int(np.ceil(len(measures) / ncols))
        fig = new_figure(TWO_COLUMN, 1.9 * nrows + 0.8)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        handles = {}
        for ax, m in zip(axes, measures, strict=False):
            sub = paths[paths["measure"] == m]
            ax.axvspan(sub["year"].min(), first_predicted - 0.5, color=LIGHT_GREY, zorder=0)
            for source, grp in sub.groupby("source"):
                (line,) = ax.plot(grp["year"], grp["value"], color=colours.get(source, GREY),
                                  lw=1.4 if source != "observed" else 1.8,
                                  ls="--" if source == "naive" else "-")
                handles[source] = line
            panel_title(ax, m, TWO_COLUMN / ncols)
        for ax in axes[len(measures):]:
            ax.set_visible(False)
        order = [s for s in ("observed", "model", "naive") if s in handles]
        finish(fig, f"Shaded: years the CN2012 fit used. From {first_predicted}: predicted. "
               "Naive: each province's own 2000–2012 log-linear trend, extended.",
               legend_handles=[handles[s] for s in order],
               legend_labels=["observed", "model (fitted to 2000–2012)", "naive trend"][:len(order)]
               if order == ["observed", "model", "naive"] else order,
               title="Out of sample: 2013–2019")
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig


def plot_province_growth(ranks: pd.DataFrame, path: str | Path | None = None, *,
                         period: str = "2012–2019") -> Figure:
    """Provinces' predicted against observed growth of GDP per head out of sample, one panel
    per predictor (model, naive trend, β-convergence), with the Spearman rank correlation
    (`ranks` from `westdev.calibration.validation.province_ranks`)."""
    with house_style():
        fig = new_figure(TWO_COLUMN, 2.6)
        axes = fig.subplots(1, len(ranks), squeeze=False).ravel()
        for ax, (name, row), colour in zip(axes, ranks.iterrows(), OKABE_ITO, strict=False):
            pred, obs = pd.Series(row["predicted"]), pd.Series(row["observed"])
            obs = obs.reindex(pred.index)
            ax.scatter(obs, pred, s=12, color=colour, zorder=3)
            lo = float(min(obs.min(), pred.min())) - 0.5
            hi = float(max(obs.max(), pred.max())) + 0.5
            ax.plot([lo, hi], [lo, hi], color=GREY, lw=0.8, ls=":")
            ax.set_xlabel("observed, % a year")
            if ax is axes[0]:
                ax.set_ylabel("predicted, % a year")
            panel_title(ax, f"{name}: ρ = {row['spearman_rho']:.2f}", TWO_COLUMN / len(ranks))
        finish(fig, f"Each dot a province: mean annual growth of GDP per head, {period}; model: "
               "the CN2012 fit, observed paths held at 2012. ρ: Spearman rank correlation. "
               "Dotted: 45°.",
               title="Provinces out of sample: predicted vs observed growth")
        if path is not None:
            save_figure(fig, path, formats=("png",))
    return fig
