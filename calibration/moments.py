"""Moments: one function per kind, applied alike to the observed history and to model output.

A moment is a number computed from a tidy frame (year, area, indicator, value) — the observed
frame of `westdev.calibration.observed` or one run's results — by a *recipe*: its kind and the
indicator, areas and years it reads. Computing data and model moments with the same code is what
makes the comparison fair. Kinds:

``ratio``         value(area) / value(base) in `years[0]` (e.g. West/East GDP per head);
``share``         value(area) / value("China") in `years[0]` (a sum indicator);
``share_change``  share in `years[1]` minus share in `years[0]`, in percentage points;
``change``        value(area) in `years[1]` minus in `years[0]` (× `scale`);
``relative_change``  value(area) in `years[1]` / in `years[0]` (e.g. an investment rate's rise);
``growth``        mean annual log growth of value(area) over `years`, % a year;
``growth_gap``    growth(area) − growth(base), percentage points a year;
``log_change_gap``  ln change of value(area) minus ln change of value(base) over `years`;
``per_gdp``       value(area) / gdp(area) in `years[0]` (GDP in the same frame's prices);
``dispersion_change``  change of the cross-province standard deviation of ln value;
``beta``          OLS slope of provinces' mean annual log growth (% a year) on the initial log
                  level (β-convergence: negative means poorer provinces grow faster);
``premium``       the western growth premium of a programme, from a pair of runs (see
                  `programme_premium`): not computable from one frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from westdev.inputs.regions import REGION_GROUPS

AREA_KINDS = ("ratio", "share", "share_change", "change", "relative_change", "growth", "growth_gap",
              "log_change_gap", "per_gdp")
PROVINCE_KINDS = ("dispersion_change", "beta")
KINDS = AREA_KINDS + PROVINCE_KINDS + ("premium",)
GROUP_NAMES = REGION_GROUPS + ("China",)


@dataclass(frozen=True)
class Recipe:
    """How to compute one moment from a tidy frame."""

    kind: str
    indicator: str = "gdp_per_capita_yuan"
    years: tuple[int, ...] = ()
    area: str = "West"
    base: str = "East"
    scale: float = 1.0
    # the observed frame may name the indicator differently (e.g. real GDP at 2005 prices
    # where the model's GDP is already real)
    observed_indicator: str | None = None

    def indicator_for(self, observed: bool) -> str:
        return self.observed_indicator if observed and self.observed_indicator else self.indicator


class Table:
    """Fast lookups in a tidy frame: value(indicator, area, year)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._s = frame.set_index(["indicator", "area", "year"])["value"]
        self._s = self._s[~self._s.index.duplicated()]
        self.provinces = sorted(set(frame["area"]) - set(GROUP_NAMES))

    def value(self, indicator: str, area: str, year: int) -> float:
        try:
            return float(self._s.loc[(indicator, area, year)])
        except KeyError:
            raise KeyError(f"no {indicator} for {area} in {year}") from None

    def provinces_at(self, indicator: str, year: int) -> np.ndarray:
        return np.array([self.value(indicator, p, year) for p in self.provinces])


def compute(recipe: Recipe, table: Table, *, observed: bool = False) -> float:
    """The moment `recipe` describes, computed from `table`."""
    ind = recipe.indicator_for(observed)
    y = recipe.years
    v = table.value
    k = recipe.kind
    if k == "ratio":
        return v(ind, recipe.area, y[0]) / v(ind, recipe.base, y[0])
    if k == "share":
        return v(ind, recipe.area, y[0]) / v(ind, "China", y[0])
    if k == "share_change":
        return 100.0 * (v(ind, recipe.area, y[1]) / v(ind, "China", y[1])
                        - v(ind, recipe.area, y[0]) / v(ind, "China", y[0]))
    if k == "change":
        return recipe.scale * (v(ind, recipe.area, y[1]) - v(ind, recipe.area, y[0]))
    if k == "relative_change":
        return v(ind, recipe.area, y[1]) / v(ind, recipe.area, y[0])
    if k in ("growth", "growth_gap", "log_change_gap"):
        def dlog(area: str) -> float:
            return float(np.log(v(ind, area, y[1]) / v(ind, area, y[0])))
        if k == "log_change_gap":
            return dlog(recipe.area) - dlog(recipe.base)
        span = y[1] - y[0]
        g = 100.0 * dlog(recipe.area) / span
        return g if k == "growth" else g - 100.0 * dlog(recipe.base) / span
    if k == "per_gdp":
        return v(ind, recipe.area, y[0]) / v("gdp_100m_yuan", recipe.area, y[0])
    if k == "dispersion_change":
        a, b = (np.log(table.provinces_at(ind, yr)) for yr in y[:2])
        return float(b.std(ddof=1) - a.std(ddof=1))
    if k == "beta":
        a, b = (np.log(table.provinces_at(ind, yr)) for yr in y[:2])
        growth = 100.0 * (b - a) / (y[1] - y[0])
        return float(np.polyfit(a, growth, 1)[0])
    raise ValueError(f"moment kind {k!r} needs a pair of runs or is unknown")


def programme_premium(with_programme: Table, without: Table, years: Sequence[int],
                      area: str = "West") -> float:
    """Growth premium of `area`'s GDP per head from a programme, pp a year.

    A difference in differences across regions and policy worlds: (growth of the area minus
    growth of the rest of China) with the programme, minus the same without it, over `years`.
    The rest of China is the other three region groups together (GDP over population)."""
    def gap(t: Table) -> float:
        def pc(group: str | None, year: int) -> float:
            if group is not None:
                return t.value("gdp_100m_yuan", group, year) / t.value("population_10k", group, year)
            gdp = t.value("gdp_100m_yuan", "China", year) - t.value("gdp_100m_yuan", area, year)
            pop = t.value("population_10k", "China", year) - t.value("population_10k", area, year)
            return gdp / pop
        span = years[1] - years[0]
        own = np.log(pc(area, years[1]) / pc(area, years[0])) / span
        rest = np.log(pc(None, years[1]) / pc(None, years[0])) / span
        return 100.0 * (own - rest)
    return gap(with_programme) - gap(without)


def compute_all(recipes: Mapping[str, Recipe], table: Table, *,
                pair: Table | None = None, observed: bool = False) -> dict[str, float]:
    """Every moment of `recipes`; premiums need `pair` (the counterfactual run) or are NaN."""
    out = {}
    for name, r in recipes.items():
        if r.kind == "premium":
            out[name] = (programme_premium(table, pair, r.years, r.area)
                         if pair is not None else float("nan"))
        else:
            out[name] = compute(r, table, observed=observed)
    return out
