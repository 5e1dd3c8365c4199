"""Family (j): policy design — scenario discovery and the policy search.

- `plot_peeling_trajectory`: PRIM's peeling trajectory, density against coverage of each box
  on the way (colour: how many inputs it restricts), with the box kept marked;
- `plot_prim_box`: the limits of a PRIM box on each input it restricts, within the input's
  range in the data, with the quasi-p-value and reproducibility of each restriction;
- `plot_tradeoff`: a search's frontier — an objective (e.g. the cumulative lever cost)
  against a probability or outcome for every mix the model ran, the non-dominated ones joined,
  the recommended mix and the reference scenarios marked;
- `plot_mix`: a lever mix against the 2019 and guideline values, each lever on its search
  range.

Each takes the tables `westdev.analysis.discovery` and `westdev.design` write (``boxes.csv``,
``trajectory.csv``, ``frontier.csv``, the recommended levers), an optional Axes and ``lang``,
and returns a Figure in the house style (English labels; the Chinese report strings are for a
later pass).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from westdev.charts.style import (
    GREY,
    OKABE_ITO,
    ONE_COLUMN,
    TWO_COLUMN,
    empty_panel,
    finish,
    house_style,
    new_figure,
)

SOURCE = "Source: westdev model runs."


def _own(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes, bool]:
    if ax is None:
        fig = new_figure(width, height)
        return fig, fig.subplots(), True
    return ax.figure, ax, False


def plot_peeling_trajectory(trajectory: pd.DataFrame, *, box: int = 1, ax: Axes | None = None,
                            condition: str = "", lang: str = "en") -> Figure:
    """Density against coverage along PRIM's peeling trajectory of one box."""
    t = trajectory[trajectory["box"] == box] if "box" in trajectory else trajectory
    with house_style(lang):
        fig, panel, own = _own(ax, ONE_COLUMN, 3.2)
        if t.empty:
            empty_panel(panel)
        else:
            sc = panel.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="cividis",
                               s=12, zorder=3)
            panel.plot(t["coverage"], t["density"], color=GREY, linewidth=0.6, zorder=2)
            kept = t[t["chosen"].astype(bool)] if "chosen" in t else t.iloc[:0]
            if not kept.empty:
                panel.scatter(kept["coverage"], kept["density"], s=60, facecolors="none",
                              edgecolors=OKABE_ITO[1], linewidths=1.2, zorder=4,
                              label="box kept")
                panel.legend(loc="lower left")
            cb = fig.colorbar(sc, ax=panel, shrink=0.8)
            cb.set_label("inputs restricted")
            panel.set_xlim(0, 1.02)
            panel.set_ylim(0, 1.02)
            panel.grid(True, axis="both", color="#eeeeee", linewidth=0.5)
        panel.set_xlabel("coverage (share of all cases in the box)")
        panel.set_ylabel("density (share of cases in the box)")
        panel.set_title(f"PRIM peeling trajectory, box {box}", loc="left")
        if own:
            note = f"{SOURCE} Condition: {condition}." if condition else SOURCE
            finish(fig, note + " Each point is a box on the way from all runs (right) to the "
                   "smallest box (left).", lang=lang)
    return fig


def plot_prim_box(boxes: pd.DataFrame, *, box: int = 1, ax: Axes | None = None,
                  condition: str = "", lang: str = "en") -> Figure:
    """The restricted inputs of one PRIM box: its limits within the data's range."""
    b = boxes[(boxes["box"] == box) & boxes["restricted"].astype(bool)]
    with house_style(lang):
        fig, panel, own = _own(ax, TWO_COLUMN, 0.9 + 0.35 * max(1, len(b)))
        if b.empty:
            empty_panel(panel, "no restricted input")
        else:
            for i, (_, r) in enumerate(b.iloc[::-1].iterrows()):
                panel.plot([0, 1], [i, i], color="#dddddd", linewidth=6, solid_capstyle="butt")
                if r["kind"] == "numeric":
                    span = r["data_upper"] - r["data_lower"]
                    lo = (r["lower"] - r["data_lower"]) / span if span > 0 else 0.0
                    hi = (r["upper"] - r["data_lower"]) / span if span > 0 else 1.0
                    panel.plot([lo, hi], [i, i], color=OKABE_ITO[0], linewidth=6,
                               solid_capstyle="butt")
                    panel.text(lo, i + 0.28, f"{r['lower']:.3g}", ha="center", fontsize=7)
                    panel.text(hi, i + 0.28, f"{r['upper']:.3g}", ha="center", fontsize=7)
                else:
                    panel.text(0.5, i + 0.28, str(r["categories"]).replace(";", ", "),
                               ha="center", fontsize=7)
                    panel.plot([0, 1], [i, i], color=OKABE_ITO[0], linewidth=6, alpha=0.5)
                extra = f"qp {r['qp_value']:.1g}"
                if pd.notna(r.get("reproducibility")):
                    extra += f", found in {r['reproducibility']:.0%} of resamples"
                panel.text(1.02, i, extra, va="center", fontsize=7)
            panel.set_yticks(range(len(b)))
            panel.set_yticklabels(list(b["input"].iloc[::-1]))
            panel.set_xlim(0, 1.45)
            panel.set_ylim(-0.6, len(b) - 0.2)
            panel.set_xticks([0, 0.5, 1])
            panel.set_xticklabels(["data min", "", "data max"])
            panel.grid(False)
            s = b.iloc[0]
            panel.set_title(f"PRIM box {box}: coverage {s['coverage']:.2f}, density "
                            f"{s['density']:.2f}, mass {s['mass']:.2f}", loc="left")
        if own:
            note = f"{SOURCE} Condition: {condition}." if condition else SOURCE
            finish(fig, note + " Blue: the box's limits on each input it restricts, within the "
                   "input's range in the runs; qp: quasi-p-value of the restriction.", lang=lang)
    return fig


def plot_tradeoff(frontier: pd.DataFrame, *, x: str, y: str, chosen: str | None = None,
                  references: Sequence[str] | None = None, x_label: str | None = None,
                  y_label: str | None = None, x_scale: float = 1.0, threshold: float | None = None,
                  ax: Axes | None = None, title: str = "Trade-off of the mixes the model ran",
                  note: str = "", lang: str = "en") -> Figure:
    """`y` against `x` for every mix of a search's frontier table: candidates grey, the
    non-dominated ones joined, the chosen mix and the reference scenarios named."""
    with house_style(lang):
        fig, panel, own = _own(ax, TWO_COLUMN * 0.75, 3.6)
        cand = frontier[frontier["kind"] == "candidate"]
        refs = frontier[frontier["kind"] == "reference"]
        if references is not None:
            refs = refs[refs["mix"].isin(list(references))]
        if cand.empty and refs.empty:
            empty_panel(panel)
        panel.scatter(cand[x] / x_scale, cand[y], s=14, color=GREY, alpha=0.6,
                      label="mixes run", zorder=2)
        nd = cand[cand["non_dominated"].astype(bool)].sort_values(x)
        if len(nd):
            panel.plot(nd[x] / x_scale, nd[y], "o-", color=OKABE_ITO[0], markersize=4,
                       linewidth=1.0, label="non-dominated", zorder=3)
        for i, (_, r) in enumerate(refs.iterrows()):
            c = OKABE_ITO[(i + 2) % len(OKABE_ITO)]
            panel.scatter([r[x] / x_scale], [r[y]], marker="s", s=30, color=c, zorder=4,
                          label=str(r["mix"]))
        if chosen is not None and chosen in set(cand["mix"]):
            r = cand[cand["mix"] == chosen].iloc[0]
            panel.scatter([r[x] / x_scale], [r[y]], marker="*", s=110, color=OKABE_ITO[1],
                          zorder=5, label="recommended")
        if threshold is not None:
            panel.axhline(threshold, color=GREY, linestyle="--", linewidth=0.8)
        panel.set_xlabel(x_label or x)
        panel.set_ylabel(y_label or y)
        panel.set_title(title, loc="left")
        panel.grid(True, axis="both", color="#eeeeee", linewidth=0.5)
        panel.legend(loc="best", fontsize=7)
        if own:
            finish(fig, f"{SOURCE} {note}".strip(), lang=lang)
    return fig


def plot_mix(levers: pd.DataFrame, *, ax: Axes | None = None, title: str = "Recommended mix",
             note: str = "", lang: str = "en") -> Figure:
    """Each searched lever on its search range (0 = low end, 1 = high end): the recommended
    value, the 2019 value and the guideline value."""
    with house_style(lang):
        fig, panel, own = _own(ax, TWO_COLUMN, 1.6 + 0.17 * max(1, len(levers)))
        rows = levers.iloc[::-1].reset_index(drop=True)

        def pos(v: object, lo: float, hi: float) -> float:
            if isinstance(v, bool | np.bool_):
                return 1.0 if v else 0.0
            return (float(v) - lo) / (hi - lo) if hi > lo else 0.5

        handles = {}
        for i, r in rows.iterrows():
            lo, hi = float(r["low"]), float(r["high"])
            panel.plot([0, 1], [i, i], color="#e5e5e5", linewidth=3, solid_capstyle="butt")
            handles["2019"] = panel.scatter([pos(r["value_2019"], lo, hi)], [i], marker="|",
                                            s=60, color=GREY)
            handles["guideline"] = panel.scatter([pos(r["value_guideline"], lo, hi)], [i],
                                                 marker="D", s=14, color=OKABE_ITO[2])
            handles["recommended"] = panel.scatter([pos(r["value"], lo, hi)], [i], marker="o",
                                                   s=18, color=OKABE_ITO[1], zorder=3)
        panel.set_yticks(range(len(rows)))
        panel.set_yticklabels([f"{n} ({a})" for n, a in zip(rows["lever"], rows["articles"],
                                                            strict=True)], fontsize=7)
        panel.set_xticks([0, 1])
        panel.set_xticklabels(["low end of range", "high end of range"])
        panel.set_xlim(-0.05, 1.05)
        panel.set_ylim(-0.7, len(rows) - 0.3)
        panel.grid(False)
        panel.set_title(title, loc="left")
        if own:
            finish(fig, f"{SOURCE} {note}".strip(), legend_handles=list(handles.values()),
                   legend_labels=list(handles), lang=lang)
        elif handles:
            panel.legend(list(handles.values()), list(handles), loc="best", fontsize=7)
    return fig
