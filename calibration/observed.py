"""What happened, 2000–2019, in the model's vocabulary: a tidy frame built from the packaged data.

The calibration computes every data moment with the same functions it applies to model output,
so the observed history is laid out exactly like a run's results (columns year, area, indicator,
value; areas are the 31 provinces by English name, the four region groups and China). Only
indicators that the data support are present, for the years the data cover:

- ``gdp_100m_yuan`` (current prices, spliced vintage, 2000–2019) and ``population_10k``
  (year-end, 7th-census revision, 2000–2019), summed over groups; ``gdp_per_capita_yuan`` as
  their ratio (the model's regional figures are the same sum ratio);
- ``real_gdp_100m_yuan``: GDP at 2005 prices chained from the provinces' real indices
  (2005–2019; Beijing publishes none for 2015–2019, so the East's and China's sums end in
  2014 and the other groups' run to 2019), summed over groups;
- ``disposable_income_per_capita_yuan`` (NBS unified survey, 2013–2019) and the flagged
  ``disposable_income_per_capita_yuan_unverified`` (2005–2012, undocumented origin);
  group values weight provinces by population;
- ``secondary_share`` and ``tertiary_share`` (within-row shares of a third-party panel, whose
  levels are unreliable; 2000–2019), group values weight provinces by GDP;
- ``net_central_support_100m_yuan``: budget expenditure minus tax revenue (2007–2019), the
  model's definition;
- ``network_km``: highway + railway length (2006–2019; the highway definition changed in 2006;
  expressways are part of highways and have gaps for Tibet). The model grows its whole network
  by one quality factor, so the growth of any sum of its lengths is comparable.

Everything is computed from `westdev.inputs.datasets`; nothing here is typed in.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from westdev.inputs.datasets import ProvincialData, load_provincial_data
from westdev.inputs.regions import REGION_GROUPS

GROUPS = REGION_GROUPS + ("China",)
YEARS = range(2000, 2020)


def _tidy(wide: pd.DataFrame, indicator: str, names: dict[int, str]) -> pd.DataFrame:
    long = wide.rename(columns=names).stack().rename("value").reset_index()
    long.columns = ["year", "area", "value"]
    long["indicator"] = indicator
    return long[["year", "area", "indicator", "value"]]


def _groups(wide: pd.DataFrame, region: pd.Series, weights: pd.DataFrame | None) -> pd.DataFrame:
    """Group sums (weights None) or weighted means of a year × province frame."""
    out = {}
    for group in GROUPS:
        cols = region.index if group == "China" else region.index[region == group]
        if weights is None:
            out[group] = wide[cols].sum(axis=1, min_count=len(cols))
        else:
            w = weights.loc[wide.index, cols]
            out[group] = (wide[cols] * w).sum(axis=1, min_count=len(cols)) / w.sum(axis=1)
    return pd.DataFrame(out)


def observed_frame(data: ProvincialData | None = None) -> pd.DataFrame:
    """The observed history as a tidy frame (year, area, indicator, value), 2000–2019."""
    return _observed(data or load_provincial_data()).copy()


@lru_cache(maxsize=2)
def _observed(data: ProvincialData) -> pd.DataFrame:
    prov = data.provinces
    names = dict(zip(prov.index, prov["name_en"], strict=True))
    region = prov["region4"]
    gdp = data.series("gdp_100m_yuan").loc[list(YEARS)]
    pop = data.series("population_10k").loc[list(YEARS)]
    frames = []

    def add(wide: pd.DataFrame, indicator: str, weights: pd.DataFrame | None = None,
            groups: pd.DataFrame | None = None) -> None:
        frames.append(_tidy(wide, indicator, names))
        g = groups if groups is not None else _groups(wide, region, weights)
        frames.append(g.stack().rename("value").reset_index()
                      .rename(columns={"level_1": "area"})
                      .assign(indicator=indicator)[["year", "area", "indicator", "value"]])

    add(gdp, "gdp_100m_yuan")
    add(pop, "population_10k")
    gdp_g, pop_g = _groups(gdp, region, None), _groups(pop, region, None)
    add(gdp / pop * 1e4, "gdp_per_capita_yuan", groups=gdp_g / pop_g * 1e4)

    index = data.series("gdp_index_prev_year_100")
    base = next(y for y in index.index if index.loc[y].notna().all())
    # chained from the first year every province publishes; a province's chain stops at its
    # first missing year (Beijing has none for 2015–2019), and so do the sums of its groups
    chained = index.loc[index.index > base].div(100.0).cumprod(skipna=False)
    real = pd.concat([gdp.loc[[base]], gdp.loc[base] * chained])
    add(real, "real_gdp_100m_yuan")

    for variable, indicator in (("disposable_income_pc", "disposable_income_per_capita_yuan"),
                                ("disposable_income_pc_pre2013",
                                 "disposable_income_per_capita_yuan_unverified")):
        inc = data.series(variable)
        add(inc, indicator, weights=pop)
    for variable, indicator in (("va_secondary_share", "secondary_share"),
                                ("va_tertiary_share", "tertiary_share")):
        share = data.series(variable).loc[list(YEARS)]
        add(share, indicator, weights=gdp)
    spend = data.series("budget_expenditure_100m_yuan")
    tax = data.series("tax_revenue_100m_yuan").loc[spend.index]
    add(spend - tax, "net_central_support_100m_yuan")
    # gross fixed capital formation / GDP (current prices), groups as ratios of sums; the
    # model's counterpart is firms' gross investment plus public infrastructure spending
    gfcf = data.series("gfcf_100m_yuan").loc[list(YEARS)]
    add(gfcf / gdp, "investment_rate", groups=_groups(gfcf, region, None) / gdp_g)
    network = sum(data.series(v).loc[2006:2019] for v in
                  ("highway_length_km", "railway_operating_length_km"))
    add(network.dropna(), "network_km")
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["indicator", "area", "year"], ignore_index=True)
