"""Out-of-sample validation: fit on 2000–2012 (vintage CN2012), predict 2013–2019.

The model with the CN2012 fit runs the history to 2019 (the levers and exogenous paths of
2013–2019 are inputs, as they would be in a projection made with policy known). Its
West/East ratios of GDP per head and of disposable income, and the four regions' shares of GDP
and of population, are compared year by year with the data, beside a naive benchmark: each
province's own log-linear trend of 2000–2012 (GDP, population; income from its 2005–2012
series, flagged unverified in the data) extended to 2019 and aggregated the same way. Errors:
root mean square over 2013–2019 and the error in 2019, in the measure's own units.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from westdev.calibration.design import HISTORY, run_points
from westdev.calibration.observed import observed_frame
from westdev.experiments.store import read_results
from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.regions import REGION_GROUPS

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


def run_validation(out: str | Path, fitted: Mapping[str, float], *, replicates: int = 8,
                   resolution: str = "small", backend: str = "processes",
                   workers: int | None = None, progress: bool = False) -> Path:
    """Run the history to 2019 with the CN2012 fit (parameters and history scales)."""
    return run_points([fitted], out, replicates=replicates, resolution=resolution,
                      backend=backend, workers=workers, progress=progress,
                      label="validation", scenarios=(HISTORY,))


def validate(store: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Errors (measure × model/naive RMSE 2013–2019 and 2019 error) and the paths for the chart."""
    obs = observed_frame()
    df = read_results(store)
    model = df.groupby(["year", "area", "indicator"], as_index=False)["value"].mean()
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
