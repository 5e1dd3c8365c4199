"""Report family (f): sensitivity — Sobol' or Morris indices in the last year and by year, the
top factors per outcome and the share of seed noise (`westdev.charts.sensitivity`)."""

from __future__ import annotations

import pandas as pd

import westdev.analysis.sensitivity as sa
import westdev.charts as C
from westdev.analysis.report.context import ReportContext
from westdev.analysis.report.text import md_table, num, t
from westdev.charts.names import factor_label
from westdev.errors import InputError
from westdev.policy.goal import GOAL_YEAR

TOP = 5  # factors per outcome in the table


def report(ctx: ReportContext) -> None:
    """Figures sensitivity_bars and (with several years) sensitivity_heatmap; tables of the
    top factors and of the seed noise. The indices are read from ``sensitivity.parquet`` when
    the analysis was written, else computed."""
    lang = ctx.lang
    indices = _indices(ctx)
    method = "morris" if (indices["method"] == "morris").any() else "sobol"
    scenario = ctx.base_scenario()
    year = max(int(y) for y in indices["year"].unique())
    ctx.figure("sensitivity_bars", lambda: C.plot_sensitivity_bars(
        indices, scenario=scenario, lang=lang))
    if indices["year"].nunique() > 1:
        ctx.figure("sensitivity_heatmap", lambda: C.plot_sensitivity_heatmap(
            indices, scenario=scenario, lang=lang))
    year = GOAL_YEAR if GOAL_YEAR in set(indices["year"]) else year
    top = sa.top_factors(indices, year=year, n=TOP)
    index = "mu_star" if method == "morris" else "ST"
    head = ["outcome", "factor", index, "±"]
    if method == "morris":
        head.append("σ")
    sigma = indices[(indices["index"] == "sigma") & (indices["year"] == year)].set_index(
        ["outcome", "factor"])["value"]
    rows = []
    for _, r in top.iterrows():
        mark = "" if bool(r.get("above_noise", True)) else "≈ "
        cells = [r["outcome"], f"{factor_label(r['factor'], lang)} (`{r['factor']}`)",
                 mark + num(r["value"]), num(r["conf"])]
        if method == "morris":
            cells.append(num(sigma.get((r["outcome"], r["factor"]), float("nan"))))
        rows.append(cells)
    floors = top["noise_floor"].dropna() if "noise_floor" in top else pd.Series(dtype=float)
    floor = (f"; floor {num(floors.max())}" if lang == "en" else f"；基准 {num(floors.max())}") \
        if len(floors) else ""
    flag_note = "\n\n" + t("sa_flag_note", lang, floor=floor)
    name = "Morris" if method == "morris" else "Sobol'"
    dropped_note = ""
    if "dropped" in indices.columns and indices["dropped"].max() > 0:
        worst = indices.loc[indices["dropped"].idxmax()]
        dropped_note = "\n\n" + t("sa_dropped_" + method, lang, kept=int(worst["kept"]),
                                   total=int(worst["kept"] + worst["dropped"]),
                                   dropped=int(worst["dropped"]))
    ctx.sections.append(f"## {t('h_sa', lang, method=name)}\n\n"
                        f"{t('sa_intro', lang, n=TOP, year=year, index=index)}\n\n"
                        f"{md_table(head, rows)}{flag_note}{dropped_note}")
    _noise_table(ctx, year)


def _indices(ctx: ReportContext) -> pd.DataFrame:
    path = ctx.store.path / "sensitivity.parquet"
    indices = pd.read_parquet(path) if path.is_file() else sa.analyse(ctx.store)
    if "above_noise" not in indices:  # written before the flags existed
        indices = sa.with_flags(indices)
    if indices.empty or not indices["value"].notna().any():
        raise InputError("the sensitivity analysis has no defined indices",
                         file=str(ctx.store.path), field="RESULTS_DIR",
                         allowed="a sensitivity store whose outputs vary")
    return indices


def _noise_table(ctx: ReportContext, year: int) -> None:
    noise = ctx.store.path / "noise_share.csv"
    if not noise.is_file():
        return
    ns = pd.read_csv(noise)
    ns = ns[ns["year"] == year]
    if ns["noise_share"].notna().any():
        rows = [[r["outcome"], str(int(r["year"])), num(r["noise_share"])]
                for _, r in ns.iterrows()]
        ctx.sections.append(f"### {t('h_noise', ctx.lang)}\n\n{t('noise_intro', ctx.lang)}"
                            f"\n\n{md_table(['outcome', 'year', 'share'], rows)}")
