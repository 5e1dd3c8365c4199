"""Out-of-sample validation: fit on 2000–2012 (vintage CN2012), predict 2013–2019.

The model with the CN2012 fit runs the history to 2019. The levers of 2013–2019 are inputs, as
they would be in a projection made with policy known; the exogenous paths observed in the data
(the investment push and the central transfer index, `history_paths`) are **held at their 2012
values** — a forecaster in 2012 did not know them — so the forecast is unconditional on them
(`conditional=True` feeds the observed paths instead, for comparison). Its West/East ratios of
GDP per head and of disposable income, and the four regions' shares of GDP and of population,
are compared year by year with the data, beside a naive benchmark: each province's own
log-linear trend of 2000–2012 (GDP, population; income from its 2005–2012 series, flagged
unverified in the data) extended to 2019 and aggregated the same way. Errors: root mean square
over 2013–2019 and the error in 2019, in the measure's own units.

Provinces, not only regions: the Spearman rank correlation between each province's predicted
and observed growth of GDP per head, 2012–2019 (mean annual log growth), for the model, the
naive trend (each province's own 2000–2012 growth) and β-convergence (the 2000–2012 cross-
section's regression of growth on the initial level, applied to 2012 levels).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from westdev.calibration.design import HISTORY, run_points
from westdev.calibration.observed import observed_frame
from westdev.experiments.store import ResultsStore, read_results
from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.regions import REGION_GROUPS
from westdev.inputs.scenario import Scenario, load_scenario
from westdev.inputs.schedule import ProvincialSchedule

PREDICTED = range(2013, 2020)
FIT_END = 2012


def _measures(frame: pd.DataFrame, years) -> pd.DataFrame:
    """Measure × year table from a tidy frame with group values (West, East, ..., China)."""
    def get(ind: str, area: str) -> pd.Series:
        s = frame[(frame["indicator"] == ind) & (frame["area"] == area)].set_index("year")["value"]
        return s.reindex(list(years))

    out = {
        "West/East GDP per head": get("gdp_per_capita_yuan", "West") / get("gdp_per_capita_yuan", "East"),
        "West/East income per head": (get("disposable_income_per_capita_yuan", "West")
                                      / get("disposable_income_per_capita_yuan", "East")),
    }
    for g in REGION_GROUPS:
        out[f"{g} share of GDP"] = get("gdp_100m_yuan", g) / get("gdp_100m_yuan", "China")
    for g in REGION_GROUPS:
        out[f"{g} share of population"] = (get("population_10k", g)
                                           / get("population_10k", "China"))
    return pd.DataFrame(out).T


def naive_trend_frame(observed: pd.DataFrame, fit_end: int = FIT_END) -> pd.DataFrame:
    """Each province's log-linear trend up to `fit_end`, extended to 2019, as a tidy frame
    with group aggregates (sums; income weighted by the trend population)."""
    provinces = sorted(set(observed["area"]) - set(REGION_GROUPS) - {"China"})
    region = load_provincial_data().provinces.set_index("name_en")["region4"]
    years = np.arange(2000, 2020)

    def trend(indicator: str, first: int) -> pd.DataFrame:
        sub = observed[(observed["indicator"] == indicator) & observed["area"].isin(provinces)]
        wide = sub.pivot(index="year", columns="area", values="value")
        fit = wide.loc[first:fit_end]
        x = fit.index.to_numpy(dtype=float)
        coef = np.polyfit(x, np.log(fit.to_numpy()), 1)  # (2, provinces)
        pred = np.exp(coef[1][None, :] + coef[0][None, :] * years[:, None])
        return pd.DataFrame(pred, index=years, columns=wide.columns)

    gdp, pop = trend("gdp_100m_yuan", 2000), trend("population_10k", 2000)
    income = trend("disposable_income_per_capita_yuan_unverified", 2005)
    rows = []
    for g in (*REGION_GROUPS, "China"):
        cols = provinces if g == "China" else [p for p in provinces if region[p] == g]
        total, people = gdp[cols].sum(axis=1), pop[cols].sum(axis=1)
        inc = (income[cols] * pop[cols]).sum(axis=1) / people
        for y in years:
            rows += [(y, g, "gdp_100m_yuan", total[y]), (y, g, "population_10k", people[y]),
                     (y, g, "gdp_per_capita_yuan", total[y] / people[y] * 1e4),
                     (y, g, "disposable_income_per_capita_yuan", inc[y])]
    return pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])


OBSERVED_PATHS = ("public_investment_index", "central_transfer_index")


def forecast_scenario(conditional: bool = False, fit_end: int = FIT_END) -> Scenario:
    """The history scenario as a forecaster at the end of `fit_end` would run it: the paths
    observed in the data held at their `fit_end` values afterwards (unless `conditional`)."""
    history = load_scenario(HISTORY)
    if conditional:
        return history.with_overrides(name=f"{HISTORY}_conditional")
    held = {name: _held(history.exogenous[name], fit_end) for name in OBSERVED_PATHS}
    return history.with_overrides(name=f"{HISTORY}_forecast_{fit_end}", exogenous=held)


def _held(schedule, year: int):
    """A schedule's points up to `year` (values afterwards held flat at `year`'s)."""
    if isinstance(schedule, ProvincialSchedule):
        return {str(c): _held(s, year) for c, s in zip(schedule.codes, schedule.by_province,
                                                        strict=True)}
    if schedule.value is not None:
        return schedule.value
    points = {str(y): v for y, v in schedule.points if y <= year}
    points[str(year)] = schedule.at(year)
    return points


def run_validation(out: str | Path, fitted: Mapping[str, float], *, replicates: int = 8,
                   resolution: str = "small", backend: str = "processes",
                   workers: int | None = None, progress: bool = False,
                   conditional: bool = False) -> Path:
    """Run the history to 2019 with the CN2012 fit (parameters and history scales)."""
    return run_points([fitted], out, replicates=replicates, resolution=resolution,
                      backend=backend, workers=workers, progress=progress,
                      label="validation", scenarios=(forecast_scenario(conditional),))


def province_ranks(store: str | Path, fit_end: int = FIT_END, last: int = 2019) -> pd.DataFrame:
    """Spearman rank correlation of provinces' growth of GDP per head, `fit_end`–`last`
    (mean annual log growth), predicted vs observed: the model (mean over replicates), the
    naive trend and β-convergence. One row per predictor: rho and the provinces' predicted
    and observed growth (for the scatter chart)."""
    from scipy.stats import spearmanr

    obs = observed_frame()
    provinces = sorted(set(obs["area"]) - set(REGION_GROUPS) - {"China"})

    def level(frame: pd.DataFrame, year: int) -> pd.Series:
        sub = frame[(frame["indicator"] == "gdp_per_capita_yuan") & (frame["year"] == year)
                    & frame["area"].isin(provinces)]
        return sub.groupby("area")["value"].mean().reindex(provinces)

    span = last - fit_end
    observed = np.log(level(obs, last) / level(obs, fit_end)) / span * 100
    model = read_results(store, indicators=["gdp_per_capita_yuan"], years=[fit_end, last])
    predicted = {"model": np.log(level(model, last) / level(model, fit_end)) / span * 100}
    first = 2000
    past = np.log(level(obs, fit_end) / level(obs, first)) / (fit_end - first) * 100
    predicted["naive trend"] = past
    slope, intercept = np.polyfit(np.log(level(obs, first)), past, 1)
    predicted["beta-convergence"] = intercept + slope * np.log(level(obs, fit_end))
    rows = []
    for name, pred in predicted.items():
        rho = float(spearmanr(pred.to_numpy(), observed.to_numpy()).statistic)
        rows.append({"predictor": name, "spearman_rho": rho,
                     "predicted": pred.round(3).to_dict(), "observed": observed.round(3).to_dict()})
    return pd.DataFrame(rows).set_index("predictor")


def _mean_over_runs(store: str | Path) -> pd.DataFrame:
    """Mean over the successful runs of every (year, area, indicator), summed a chunk of the
    store at a time (memory does not grow with the runs)."""
    keys = ["year", "area", "indicator"]
    total: pd.DataFrame | None = None
    for piece in ResultsStore(store).iter_select():
        g = piece.groupby(keys, observed=True)["value"].agg(["sum", "count"])
        g.index = g.index.set_levels([lv.astype(object) if lv.dtype == "category" else lv
                                      for lv in g.index.levels])
        total = g if total is None else total.add(g, fill_value=0.0)
    if total is None:
        return pd.DataFrame(columns=[*keys, "value"])
    out = (total["sum"] / total["count"]).rename("value").reset_index()
    for col in ("area", "indicator"):
        out[col] = out[col].astype(str)
    out["year"] = out["year"].astype("int64")
    return out


def validate(store: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Errors (measure × model/naive RMSE 2013–2019 and 2019 error) and the paths for the chart."""
    obs = observed_frame()
    model = _mean_over_runs(store)
    years = range(2000, 2020)
    observed = _measures(obs, years)
    simulated = _measures(model, years)
    naive = _measures(naive_trend_frame(obs), years)
    pred = list(PREDICTED)
    rows = []
    for m in observed.index:
        o = observed.loc[m, pred]
        rec = {"measure": m, "observed_2019": o[2019]}
        for label, frame in (("model", simulated), ("naive", naive)):
            err = frame.loc[m, pred] - o
            rec[f"{label}_rmse"] = float(np.sqrt((err**2).mean()))
            rec[f"{label}_error_2019"] = float(err[2019])
        rows.append(rec)
    errors = pd.DataFrame(rows).set_index("measure")
    errors["model_better"] = errors["model_rmse"] < errors["naive_rmse"]
    paths = pd.concat([
        frame.T.reset_index(names="year").melt(id_vars="year", var_name="measure")
        .assign(source=label)
        for label, frame in (("observed", observed), ("model", simulated), ("naive", naive))])
    paths = paths.dropna(subset=["value"])
    return errors, paths[["measure", "year", "source", "value"]]
