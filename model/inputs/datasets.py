"""Provincial statistics shipped with the package, checked when loaded.

The files in `westdev/data/` (see `README_data.md` there) are tidy CSVs keyed by
`province_code` (GB/T 2260, 11 Beijing ... 65 Xinjiang) and year, all years <= 2019 (2020+
is withheld for out-of-sample checks). `load_provincial_data` reads them, checks them, and
exposes one canonical series per model variable (`VARIABLES`). Each value is a float64 array over
the 31 provinces in ascending code order. Any problem raises `westdev.errors.DataError` naming
the file and the column. The loader never drops a row without saying so, because a calibration
on silently shortened data gives wrong results that look plausible.

Example
-------
>>> from westdev.inputs.datasets import load_provincial_data
>>> data = load_provincial_data()
>>> gdp = data.value("gdp_100m_yuan", 2019)        # 100m yuan, current prices, shape (31,)
"""

from __future__ import annotations

import difflib
import json
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from westdev.errors import DataError

__all__ = [
    "MAX_YEAR",
    "NATIONAL_VARIABLES",
    "PROVINCE_CODES",
    "VARIABLES",
    "ProvincialData",
    "VariableSource",
    "load_provincial_data",
]

MAX_YEAR = 2019
"""Last year in the packaged data; 2020+ is held out for out-of-sample checks."""
MIN_YEAR = 1949

PROVINCE_CODES: tuple[int, ...] = (
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
    42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
)
"""GB/T 2260 codes of the 31 mainland provinces (definitional; no HK, Macao, Taiwan)."""
REGION_SIZES = {"West": 12, "East": 10, "Central": 6, "Northeast": 3}

PROVINCES_FILE = "provinces.csv"
PANEL_FILE = "panel_core.csv"
TILE_FILE = "tile_grid.csv"
SOURCES_FILE = "sources.csv"
GEOJSON_FILE = "provinces_simplified.geojson"
NAT_INCOME_FILE = "national_income.csv"
NAT_GDP_FILE = "national_gdp_reference.csv"
NAT_INFRA_FILE = "national_infrastructure_income_reference.csv"
README_FILE = "README_data.md"
INCOME_FILE = "disposable_income_long.csv"
INC_CONS_FILE = "income_consumption_long.csv"
OTHER_FILE = "other_indicators_long.csv"
SECTOR_FILE = "sector_value_added_long.csv"
INFRA_FILE = "infrastructure_long.csv"
CAPITAL_FILE = "capital_stock_long.csv"
POP_VINTAGES_FILE = "population_vintages_long.csv"

LONG_FILES = (INCOME_FILE, INC_CONS_FILE, OTHER_FILE, SECTOR_FILE, INFRA_FILE, CAPITAL_FILE,
              POP_VINTAGES_FILE)
LONG_COLUMNS = ("province_code", "year", "variable", "value", "unit", "vintage", "source_id")
LONG_KEY = ("province_code", "year", "variable", "vintage")


class VariableSource(NamedTuple):
    """Where a canonical variable comes from: file, source variable or column, unit, caveat."""

    file: str
    source: str
    unit: str
    note: str


@dataclass(frozen=True, slots=True)
class _Recipe:
    """How to build a variable: a panel_core column, a long-file variable, or a ratio of two."""

    kind: str                   # "panel" | "long" | "ratio"
    sources: tuple[str, ...]    # column | variable | (numerator, denominator)
    source_unit: str | None     # required `unit` cell of the source rows (long files)
    nonneg: bool = True         # negative values are an error


def _panel(column: str, unit: str, note: str) -> tuple[VariableSource, _Recipe]:
    return VariableSource(PANEL_FILE, column, unit, note), _Recipe("panel", (column,), None)


def _long(file: str, variable: str, unit: str, note: str, *,
          nonneg: bool = True) -> tuple[VariableSource, _Recipe]:
    return VariableSource(file, variable, unit, note), _Recipe("long", (variable,), unit, nonneg)


def _ratio(file: str, num: str, den: str, source_unit: str,
           note: str) -> tuple[VariableSource, _Recipe]:
    return (VariableSource(file, f"{num} / {den}", "fraction", note),
            _Recipe("ratio", (num, den), source_unit))


_SPECS: dict[str, tuple[VariableSource, _Recipe]] = {
    "gdp_100m_yuan": _panel(
        "gdp_100m_yuan_spliced", "100m_yuan_current",
        "GDP, 2000-2019; NBS current vintage (5th-census revised) from 2006, 2000-2005 = "
        "pre-4th-census value x the province's 2006 ratio (level splice, old growth rates)"),
    "population_10k": _panel(
        "population_yearend_10k", "10k_persons",
        "year-end resident population, NBS current vintage (7th-census revised), 2000-2019; "
        "2000-2004 mix hukou and resident bases"),
    "disposable_income_pc": _long(
        INCOME_FILE, "disposable_income_pc_all", "yuan",
        "per-capita disposable income of all residents (NBS unified survey), yuan per person "
        "per year, 2013-2019"),
    "disposable_income_pc_pre2013": _long(
        INCOME_FILE, "disposable_income_pc_all_pre2013_unverified", "yuan",
        "2005-2012 values of undocumented origin (not a published NBS provincial series); "
        "use with care"),
    "consumption_pc": _long(
        INC_CONS_FILE, "consumption_expenditure_pc_all", "yuan",
        "per-capita consumption expenditure of all residents, yuan per person per year, 2019 only"),
    "va_secondary_share": _ratio(
        SECTOR_FILE, "va_secondary", "gdp_in_same_source", "100m_yuan_current",
        "secondary-sector share of GDP within the same third-party row (levels are low quality, "
        "shares usable), 1990-2019"),
    "va_tertiary_share": _ratio(
        SECTOR_FILE, "va_tertiary", "gdp_in_same_source", "100m_yuan_current",
        "tertiary-sector share of GDP within the same third-party row, 1990-2019"),
    "urbanisation_rate_pct": _long(
        OTHER_FILE, "urbanisation_rate_pct", "pct",
        "urban share of resident population in percent, 2005-2019 (third-party compilation)"),
    "tax_revenue_100m_yuan": _long(
        OTHER_FILE, "tax_revenue_100m_yuan", "100m_yuan_current", "tax revenue, 2005-2019"),
    "gdp_index_prev_year_100": _long(
        OTHER_FILE, "gdp_index_prev_year_100", "index_prev_year=100",
        "real GDP index, previous year = 100, 2005-2019; Beijing missing 2015-2019; some values "
        "look averaged from two sources"),
    "employment_urban_units_10k": _long(
        OTHER_FILE, "employment_urban_units_10k", "10k_persons",
        "employment in urban units, 2008-2019"),
    "fixed_asset_investment_100m_yuan": _long(
        OTHER_FILE, "fixed_asset_investment_100m_yuan", "100m_yuan_current",
        "fixed-asset investment, 2005-2017 (NBS stopped publishing provincial levels)"),
    "trade_total_10k_usd": _long(
        OTHER_FILE, "trade_total_10k_usd", "10k_usd",
        "total imports + exports in 10k US dollars, 2005-2014 (2016-2019 exist only in yuan)"),
    "trade_total_100m_yuan": _long(
        OTHER_FILE, "trade_total_100m_yuan", "100m_yuan_current",
        "total imports + exports in 100m yuan, 2016-2019 (2005-2014 only in US dollars; "
        "2015 absent)"),
    "budget_expenditure_100m_yuan": _long(
        OTHER_FILE, "general_public_budget_expenditure_100m_yuan", "100m_yuan_current",
        "general public budget expenditure, 2007-2019; 2005-2006 see "
        "fiscal_expenditure_100m_yuan"),
    "fiscal_expenditure_100m_yuan": _long(
        OTHER_FILE, "fiscal_expenditure_100m_yuan", "100m_yuan_current",
        "fiscal expenditure, 2005-2006 (predecessor of budget_expenditure_100m_yuan)"),
    "share_65plus": _ratio(
        OTHER_FILE, "pop_65plus_sample_persons", "pop_sample_survey_persons",
        "persons_sample_survey",
        "population share aged 65+ from the sample survey, 2005-2019 without 2010 (census year)"),
    "highway_length_km": _long(
        INFRA_FILE, "highway_length_km", "km",
        "highway length, 2005-2019; from 2006 includes village roads (do not use 2005-06 "
        "growth); 100 km precision"),
    "expressway_length_km": _long(
        INFRA_FILE, "expressway_length_km", "km",
        "expressway length, 2005-2019; Tibet present only 2006 and 2014-2019 (0 = under 50 km)"),
    "railway_operating_length_km": _long(
        INFRA_FILE, "railway_operating_length_km", "km",
        "railway operating length, 2005-2019; Tibet missing in 2005 (no railway before 2006)"),
    "civil_vehicles_10k": _long(
        INFRA_FILE, "civil_vehicles_10k", "10k_vehicles",
        "civil motor vehicles owned, 2005-2019"),
    "capital_stock_2000prices_100m_yuan": _long(
        CAPITAL_FILE, "capital_stock_zj_2000prices_derived", "100m_yuan_2000prices",
        "capital stock at 2000 prices, perpetual inventory (Zhang-Wu-Zhang 2004, delta 9.6%) "
        "derived in the data step, 1952-2019; vintages merged; Chongqing from 1996, Sichuan "
        "includes Chongqing up to 1995"),
    "investment_price_index": _long(
        CAPITAL_FILE, "investment_price_index_1952eq1", "index_1952=1",
        "fixed-asset investment price index, 1952 = 1, 1952-2019; Chongqing from 1996"),
    "gfcf_100m_yuan": _long(
        CAPITAL_FILE, "gfcf_100m_yuan_current", "100m_yuan_current",
        "gross fixed capital formation, 1952-2019; 2018-2019 are FAI-growth extrapolations; "
        "vintages merged; Chongqing from 1996; Fujian 1967-1968 negative as published",
        nonneg=False),
}

VARIABLES: dict[str, VariableSource] = {name: spec for name, (spec, _) in _SPECS.items()}
"""Canonical variable name -> (file, source variable/column, unit, note)."""
_RECIPES: dict[str, _Recipe] = {name: recipe for name, (_, recipe) in _SPECS.items()}

NATIONAL_VARIABLES: dict[str, VariableSource] = {
    "disposable_income_pc": VariableSource(
        NAT_INCOME_FILE, "disposable_income_pc_all (area CN)", "yuan",
        "national per-capita disposable income, NBS unified survey, 2013-2019"),
    "gdp_100m_yuan": VariableSource(
        NAT_GDP_FILE, "national_gdp_100m_yuan", "100m_yuan_current",
        "national GDP 1993-2019 as compiled by GCAM-China (mixed vintages, 2019 = first "
        "release); the sum of provincial gdp_100m_yuan is 1.1% higher in 2019"),
}
"""National reference series: name -> (file, source, unit, note)."""


# ---------------------------------------------------------------------------------------------
# Reading and cell checks
# ---------------------------------------------------------------------------------------------

def _fname(root: Traversable, name: str) -> str:
    return str(root.joinpath(name))


def _read_csv(root: Traversable, name: str, required: Sequence[str]) -> pd.DataFrame:
    """Read a CSV as strings (parsed and checked later) and check the required columns."""
    path = root.joinpath(name)
    fname = str(path)
    if not path.is_file():
        raise DataError("file not found", file=fname)
    try:
        with path.open("rb") as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False,
                             encoding="utf-8")
    except (ValueError, UnicodeDecodeError) as exc:  # ParserError is a ValueError
        raise DataError(f"cannot be read as UTF-8 CSV: {exc}", file=fname) from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", file=fname, field=missing[0],
                        allowed="required columns: " + ", ".join(required))
    return df


def _where(df: pd.DataFrame, i: int) -> str:
    """Describe row `i` (line number in the file and its key cells) for error messages."""
    keys = [f"{c} {df[c].iloc[i]}" for c in ("area", "province_code", "year", "variable")
            if c in df.columns]
    return f"line {i + 2}" + (f" ({', '.join(keys)})" if keys else "")


def _numeric(df: pd.DataFrame, col: str, fname: str, *, allow_empty: bool = False,
             integer: bool = False) -> np.ndarray:
    """Column `col` as float64; empty cells become NaN only when `allow_empty`."""
    raw = df[col].str.strip()
    num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    finite = np.isfinite(num)
    bad = ~finite
    if allow_empty:
        bad &= (raw != "").to_numpy()
    if integer:
        bad |= finite & (num != np.round(num))
    if bad.any():
        idx = np.flatnonzero(bad)
        i = int(idx[0])
        cell = df[col].iloc[i]
        what = ("empty cell" if not cell.strip()
                else f"{cell!r} is not a finite {'integer' if integer else 'number'}")
        more = f" and {len(idx) - 1} more row(s)" if len(idx) > 1 else ""
        raise DataError(f"{what} at {_where(df, i)}{more}", file=fname, field=col)
    return num


def _years(df: pd.DataFrame, fname: str) -> np.ndarray:
    """Integer `year` column, checked to lie in MIN_YEAR..MAX_YEAR (2020+ is withheld)."""
    years = _numeric(df, "year", fname, integer=True).astype(np.int64)
    bad = (years < MIN_YEAR) | (years > MAX_YEAR)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"year {years[i]} out of range at {_where(df, i)}", file=fname,
                        field="year", allowed=f"{MIN_YEAR}-{MAX_YEAR} (2020+ is held out)")
    return years


def _province_codes(df: pd.DataFrame, fname: str, expected: Sequence[int],
                    col: str = "province_code") -> np.ndarray:
    """Integer province codes; the file must contain exactly the 31 expected codes."""
    raw = df[col].str.strip()
    num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    valid = np.isfinite(num) & (num == np.round(num))
    found = {int(c) for c in np.unique(num[valid])}
    extra: list[str] = sorted({str(int(c)) for c in found - set(expected)}
                              | set(raw[~valid].unique().tolist()))
    missing = sorted(int(c) for c in set(expected) - found)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise DataError("province codes must be exactly the 31 of provinces.csv: "
                        + "; ".join(parts), file=fname, field=col)
    return num.astype(np.int64)


def _no_duplicates(keys: pd.DataFrame, fname: str, field_of: str | None = None) -> None:
    """Raise on duplicated key rows, naming the lines; `field_of` picks the field from a column."""
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    first = keys[dup].iloc[0]
    same = np.flatnonzero((keys == first).all(axis=1).to_numpy())
    desc = ", ".join(f"{c} {first[c]}" for c in keys.columns)
    lines = ", ".join(str(i + 2) for i in same)
    field = str(first[field_of]) if field_of else ", ".join(keys.columns)
    raise DataError(f"duplicated row ({desc}) at lines {lines}", file=fname, field=field)


def _sources(root: Traversable) -> set[str]:
    fname = _fname(root, SOURCES_FILE)
    df = _read_csv(root, SOURCES_FILE, ("source_id", "repository", "path", "commit",
                                        "description"))
    _no_duplicates(df[["source_id"]], fname)
    return set(df["source_id"].str.strip().tolist())


def _check_sources(df: pd.DataFrame, fname: str, known: set[str]) -> None:
    unknown = sorted(set(df["source_id"].str.strip().unique().tolist()) - known)
    if unknown:
        raise DataError(f"source id(s) {unknown} not registered in {SOURCES_FILE}", file=fname,
                        field="source_id")


# ---------------------------------------------------------------------------------------------
# File-level loaders
# ---------------------------------------------------------------------------------------------

def _provinces(root: Traversable) -> pd.DataFrame:
    """provinces.csv -> metadata indexed by province_code (ascending)."""
    fname = _fname(root, PROVINCES_FILE)
    df = _read_csv(root, PROVINCES_FILE, (
        "province_code", "name_zh", "name_zh_short", "name_en", "region4", "capital_lon",
        "capital_lat", "area_km2_from_geojson", "west12"))
    codes = _province_codes(df, fname, PROVINCE_CODES)
    _no_duplicates(pd.DataFrame({"province_code": codes}), fname)
    for col in ("name_zh", "name_zh_short", "name_en"):
        empty = (df[col].str.strip() == "").to_numpy()
        if empty.any():
            raise DataError(f"empty name at {_where(df, int(np.flatnonzero(empty)[0]))}",
                            file=fname, field=col)
    region = df["region4"].str.strip()
    bad = ~region.isin(list(REGION_SIZES)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"unknown region {region.iloc[i]!r} at {_where(df, i)}", file=fname,
                        field="region4", allowed=", ".join(REGION_SIZES))
    counts = region.value_counts().to_dict()
    if counts != REGION_SIZES:
        raise DataError(f"region sizes {counts} differ from the official split", file=fname,
                        field="region4", allowed=str(REGION_SIZES))
    west = _numeric(df, "west12", fname, integer=True)
    if not np.array_equal(west, (region == "West").to_numpy().astype(float)):
        raise DataError("west12 must be 1 exactly for region4 == 'West', else 0", file=fname,
                        field="west12")
    lon = _numeric(df, "capital_lon", fname)
    lat = _numeric(df, "capital_lat", fname)
    if ((lon < 73) | (lon > 136) | (lat < 18) | (lat > 54)).any():
        raise DataError("capital coordinates outside China's bounding box", file=fname,
                        field="capital_lon/capital_lat", allowed="lon 73-136, lat 18-54 deg")
    area = _numeric(df, "area_km2_from_geojson", fname)
    if (area <= 0).any():
        raise DataError("area must be positive", file=fname, field="area_km2_from_geojson")
    for col in ("centroid_lon", "centroid_lat"):  # optional, not exposed; still must be numeric
        if col in df.columns:
            _numeric(df, col, fname, allow_empty=True)
    out = pd.DataFrame({
        "name_zh": df["name_zh"].str.strip().to_numpy(),
        "name_zh_short": df["name_zh_short"].str.strip().to_numpy(),
        "name_en": df["name_en"].str.strip().to_numpy(),
        "region4": region.to_numpy(),
        "west12": west.astype(bool),
        "capital_lon": lon,
        "capital_lat": lat,
        "area_km2": area,
    }, index=pd.Index(codes, name="province_code"))
    return out.sort_index()


def _long_file(root: Traversable, name: str, codes: Sequence[int],
               known_sources: set[str]) -> pd.DataFrame:
    """A tidy file, checked: codes, years, numeric values, no duplicate key rows."""
    fname = _fname(root, name)
    df = _read_csv(root, name, LONG_COLUMNS)
    out = pd.DataFrame({
        "province_code": _province_codes(df, fname, codes),
        "year": _years(df, fname),
        "variable": df["variable"].str.strip().to_numpy(),
        "value": _numeric(df, "value", fname),
        "unit": df["unit"].str.strip().to_numpy(),
        "vintage": df["vintage"].str.strip().to_numpy(),
    })
    _no_duplicates(out[list(LONG_KEY)], fname, field_of="variable")
    _check_sources(df, fname, known_sources)
    return out


def _panel_core(root: Traversable, provinces: pd.DataFrame) -> pd.DataFrame:
    """panel_core.csv: a complete province x year grid with numeric value columns."""
    fname = _fname(root, PANEL_FILE)
    value_cols = ("gdp_100m_yuan", "gdp_100m_yuan_spliced", "gdp_100m_yuan_v1_pre4thcensus",
                  "population_yearend_10k", "gdp_per_capita_yuan_derived")
    df = _read_csv(root, PANEL_FILE, ("province_code", "year", "region4", *value_cols))
    codes = provinces.index.to_numpy()
    out = pd.DataFrame({"province_code": _province_codes(df, fname, codes),
                        "year": _years(df, fname)})
    _no_duplicates(out[["province_code", "year"]], fname)
    years = np.unique(out["year"])
    if len(out) != len(years) * len(codes):
        have = set(zip(out["province_code"], out["year"], strict=True))
        gaps = [(int(c), int(y)) for y in years for c in codes if (c, y) not in have]
        raise DataError(f"missing (province_code, year) row(s) {gaps[:5]}"
                        + (f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""),
                        file=fname, field="province_code, year")
    region = df["region4"].str.strip().to_numpy()
    expected = provinces["region4"].reindex(out["province_code"]).to_numpy()
    bad = region != expected
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"region {region[i]!r} differs from provinces.csv ({expected[i]!r}) at "
                        f"{_where(df, i)}", file=fname, field="region4")
    for col in value_cols:
        out[col] = _numeric(df, col, fname, allow_empty=True)
    return out


def _tile_grid(root: Traversable, provinces: pd.DataFrame) -> pd.DataFrame:
    """tile_grid.csv -> row, col, abbr, name_en indexed by province_code."""
    fname = _fname(root, TILE_FILE)
    df = _read_csv(root, TILE_FILE, ("province_code", "name_en", "abbr_geofacet", "row", "col"))
    codes = _province_codes(df, fname, provinces.index.to_numpy())
    _no_duplicates(pd.DataFrame({"province_code": codes}), fname)
    out = pd.DataFrame({
        "row": _numeric(df, "row", fname, integer=True).astype(np.int64),
        "col": _numeric(df, "col", fname, integer=True).astype(np.int64),
        "abbr": df["abbr_geofacet"].str.strip().to_numpy(),
        "name_en": df["name_en"].str.strip().to_numpy(),
    }, index=pd.Index(codes, name="province_code")).sort_index()
    if ((out["row"] < 1) | (out["col"] < 1)).any():
        raise DataError("row and col start at 1", file=fname, field="row/col")
    _no_duplicates(out[["row", "col"]].reset_index(drop=True), fname)
    _no_duplicates(out[["abbr"]].reset_index(drop=True), fname)
    if not out["name_en"].equals(provinces["name_en"]):
        raise DataError("names differ from provinces.csv", file=fname, field="name_en")
    return out


def _check_geojson(root: Traversable, codes: Sequence[int]) -> Traversable:
    """Check that the GeoJSON has one feature per province; return its path."""
    path = root.joinpath(GEOJSON_FILE)
    fname = str(path)
    if not path.is_file():
        raise DataError("file not found", file=fname)
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        found = [int(f["properties"]["province_code"]) for f in features]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"not a GeoJSON with properties.province_code: {exc}",
                        file=fname) from exc
    expected = [int(c) for c in codes]
    if sorted(found) != sorted(expected):
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        raise DataError(f"features must be exactly the 31 provinces: missing {missing}, "
                        f"unexpected or repeated {extra or 'duplicates'}", file=fname,
                        field="properties.province_code")
    return path


def _national(root: Traversable, known_sources: set[str]) -> dict[str, pd.Series]:
    """National reference series, each a float Series indexed by year."""
    fname = _fname(root, NAT_INCOME_FILE)
    df = _read_csv(root, NAT_INCOME_FILE, ("area", "year", "variable", "value", "unit",
                                           "source_id"))
    area = df["area"].str.strip()
    bad = (area != "CN").to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"area {area.iloc[i]!r} at {_where(df, i)}", file=fname, field="area",
                        allowed="CN")
    inc = pd.DataFrame({"year": _years(df, fname), "variable": df["variable"].str.strip(),
                        "value": _numeric(df, "value", fname), "unit": df["unit"].str.strip()})
    _no_duplicates(inc[["year", "variable"]], fname, field_of="variable")
    _check_sources(df, fname, known_sources)
    rows = inc[inc["variable"] == "disposable_income_pc_all"]
    if rows.empty:
        raise DataError("no rows for variable 'disposable_income_pc_all'", file=fname,
                        field="variable")
    _check_units(rows, fname, "disposable_income_pc_all", "yuan")
    income = pd.Series(rows["value"].to_numpy(), index=rows["year"].to_numpy()).sort_index()

    fname = _fname(root, NAT_GDP_FILE)
    df = _read_csv(root, NAT_GDP_FILE, ("year", "national_gdp_100m_yuan", "source_id"))
    years = _years(df, fname)
    _no_duplicates(pd.DataFrame({"year": years}), fname)
    _check_sources(df, fname, known_sources)
    gdp = pd.Series(_numeric(df, "national_gdp_100m_yuan", fname), index=years).sort_index()

    # Shipped for sum checks only; validated so that a broken copy fails here, not later.
    fname = _fname(root, NAT_INFRA_FILE)
    df = _read_csv(root, NAT_INFRA_FILE, LONG_COLUMNS)
    ref = pd.DataFrame({"province_code": df["province_code"].str.strip(),
                        "year": _years(df, fname), "variable": df["variable"].str.strip(),
                        "value": _numeric(df, "value", fname)})
    _no_duplicates(ref[["province_code", "year", "variable"]], fname, field_of="variable")
    _check_sources(df, fname, known_sources)
    return {"disposable_income_pc": income, "gdp_100m_yuan": gdp}


# ---------------------------------------------------------------------------------------------
# Canonical variables
# ---------------------------------------------------------------------------------------------

def _check_units(rows: pd.DataFrame, fname: str, variable: str, unit: str) -> None:
    bad = (rows["unit"] != unit).to_numpy()
    if bad.any():
        r = rows.iloc[int(np.flatnonzero(bad)[0])]
        where = f"province_code {r['province_code']}, " if "province_code" in rows else ""
        raise DataError(f"variable {variable!r} has unit {r['unit']!r} ({where}year "
                        f"{r['year']}) but the model expects {unit!r}", file=fname,
                        field="unit", allowed=unit)


def _long_rows(df: pd.DataFrame, fname: str, variable: str, unit: str, codes: np.ndarray,
               *, nonneg: bool = True) -> pd.DataFrame:
    """Rows of one source variable as a wide year x province frame (vintages merged)."""
    rows = df[df["variable"] == variable]
    if rows.empty:
        raise DataError(f"no rows for variable {variable!r}", file=fname, field="variable")
    _check_units(rows, fname, variable, unit)
    key = rows[["province_code", "year"]]
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        r = rows[dup].iloc[0]
        vintages = sorted(rows[dup & (key["province_code"] == r["province_code"]).to_numpy()
                               & (key["year"] == r["year"]).to_numpy()]["vintage"])
        raise DataError(f"province_code {r['province_code']}, year {r['year']} has values in "
                        f"several vintages {vintages}; the model needs one", file=fname,
                        field=variable)
    if nonneg and (rows["value"] < 0).any():
        r = rows[rows["value"] < 0].iloc[0]
        raise DataError(f"negative value {r['value']} (province_code {r['province_code']}, "
                        f"year {r['year']})", file=fname, field=variable)
    absent = sorted(set(codes.tolist()) - set(rows["province_code"].tolist()))
    if absent:
        raise DataError(f"no value in any year for province(s) {absent}", file=fname,
                        field=variable)
    wide = rows.pivot(index="year", columns="province_code", values="value")
    return wide.reindex(columns=codes).sort_index()


def _build(name: str, recipe: _Recipe, panel: pd.DataFrame, long: dict[str, pd.DataFrame],
           root: Traversable, codes: np.ndarray) -> pd.DataFrame:
    """One canonical variable as a year x province float frame (NaN = missing)."""
    spec = VARIABLES[name]
    fname = _fname(root, spec.file)
    if recipe.kind == "panel":
        col = recipe.sources[0]
        wide = panel.pivot(index="year", columns="province_code", values=col)
        wide = wide.reindex(columns=codes).sort_index()
        negative = wide.stack().loc[lambda x: x < 0]
        if not negative.empty:
            (year, code), val = negative.index[0], negative.iloc[0]
            raise DataError(f"negative value {val} (province_code {code}, year {year})",
                            file=fname, field=col)
    elif recipe.kind == "long":
        assert recipe.source_unit is not None
        wide = _long_rows(long[spec.file], fname, recipe.sources[0], recipe.source_unit, codes,
                          nonneg=recipe.nonneg)
    else:
        assert recipe.source_unit is not None
        num_name, den_name = recipe.sources
        num = _long_rows(long[spec.file], fname, num_name, recipe.source_unit, codes)
        den = _long_rows(long[spec.file], fname, den_name, recipe.source_unit, codes)
        years = num.index.union(den.index)
        has_num = num.reindex(years).notna()
        has_den = den.reindex(years).notna()
        differ = has_num != has_den
        if differ.to_numpy().any():
            year, code = differ.stack().loc[lambda x: x].index[0]
            which = num_name if has_num.loc[year, code] else den_name
            raise DataError(f"only {which!r} has a value for province_code {code}, year {year}; "
                            f"{name} needs both {num_name!r} and {den_name!r}", file=fname,
                            field=which)
        if (den <= 0).any().any():
            raise DataError(f"{den_name!r} must be positive to form {name}", file=fname,
                            field=den_name)
        wide = num / den
        if (wide > 1).any().any():
            raise DataError(f"{num_name!r} exceeds {den_name!r}; {name} must be <= 1",
                            file=fname, field=num_name)
    wide = wide.dropna(how="all").astype(np.float64)
    wide.index = wide.index.astype(np.int64)
    wide.index.name = "year"
    wide.columns = pd.Index(codes, name="province_code")
    return wide


# ---------------------------------------------------------------------------------------------
# Public interface
# ---------------------------------------------------------------------------------------------

def _year_ranges(years: Sequence[int]) -> str:
    """Compact '2005-2009, 2011-2019' text for messages."""
    ys = sorted(int(y) for y in years)
    if not ys:
        return "none"
    runs: list[list[int]] = [[ys[0], ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


class ProvincialData:
    """Validated provincial data: metadata plus one canonical series per variable.

    Arrays run over the 31 provinces in ascending `province_code` order (`codes`). Units are
    those in `VARIABLES` (e.g. 100m yuan at current prices, 10k persons, yuan per person per
    year, km, percent). Build it with `load_provincial_data`; the getters return copies, so a
    caller cannot change the cached instance.
    """

    __slots__ = ("_provinces", "_codes", "_tile_grid", "_geojson_path", "_series",
                 "_national", "_data_dir", "_names")

    def __init__(self, *, provinces: pd.DataFrame, tile_grid: pd.DataFrame,
                 geojson_path: Traversable, series: dict[str, pd.DataFrame],
                 national: dict[str, pd.Series], data_dir: str) -> None:
        self._provinces = provinces
        self._codes = provinces.index.to_numpy(dtype=np.int64, copy=True)
        self._codes.setflags(write=False)
        self._tile_grid = tile_grid
        self._geojson_path = geojson_path
        self._series = series
        self._national = national
        self._data_dir = data_dir
        self._names = dict(zip(provinces.index, provinces["name_en"], strict=True))

    def __repr__(self) -> str:
        return (f"ProvincialData({len(self._codes)} provinces, {len(self._series)} variables, "
                f"data_dir={self._data_dir!r})")

    @property
    def provinces(self) -> pd.DataFrame:
        """Province metadata indexed by province_code (31 rows, ascending).

        Columns: name_zh, name_zh_short, name_en, region4 (West/East/Central/Northeast),
        west12 (bool), capital_lon/capital_lat (deg, provincial capital), area_km2 (km2,
        approximate, from the simplified polygons).
        """
        return self._provinces.copy()

    @property
    def codes(self) -> np.ndarray:
        """The 31 province codes (int64, ascending, read-only): the order of every array."""
        return self._codes

    @property
    def tile_grid(self) -> pd.DataFrame:
        """Display tile grid indexed by province_code: row (1 = north), col (1 = west), abbr,
        name_en."""
        return self._tile_grid.copy()

    @property
    def geojson_path(self) -> Traversable:
        """Path (a `Traversable`; a `pathlib.Path` for ordinary installs) of the province
        polygons."""
        return self._geojson_path

    @property
    def data_dir(self) -> str:
        """Directory the data were read from."""
        return self._data_dir

    def _file(self, name: str) -> str:
        return os.path.join(self._data_dir, name)

    def _wide(self, variable: str) -> pd.DataFrame:
        try:
            return self._series[variable]
        except (KeyError, TypeError):
            raise self._unknown(variable, VARIABLES) from None

    def _unknown(self, variable: object, names: dict[str, VariableSource]) -> DataError:
        close = difflib.get_close_matches(str(variable), list(names), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return DataError(f"unknown variable {variable!r}{hint}", file=self._data_dir,
                         field=str(variable), allowed=", ".join(sorted(names)))

    def value(self, variable: str, year: int, *, allow_missing: bool = False) -> np.ndarray:
        """Values of `variable` in `year` for the 31 provinces (float64, shape (31,)).

        Parameters
        ----------
        variable : str
            A key of `VARIABLES`; its unit is `VARIABLES[variable].unit`.
        year : int
            Calendar year (<= 2019).
        allow_missing : bool
            Return NaN for provinces without a value instead of raising.

        Raises
        ------
        DataError
            Unknown variable (the message suggests the closest names), a year the variable does
            not cover, or a missing province when `allow_missing` is False.
        """
        wide = self._wide(variable)
        year = operator.index(year)
        spec = VARIABLES[variable]
        if year not in wide.index:
            raise DataError(f"year {year} not covered by {variable!r} (source {spec.source!r})",
                            file=self._file(spec.file), field=variable,
                            allowed=f"years {_year_ranges(wide.index.tolist())}")
        out = wide.loc[year].to_numpy(dtype=np.float64, copy=True)
        if not allow_missing and np.isnan(out).any():
            gaps = [f"{c} {self._names[c]}" for c in self._codes[np.isnan(out)]]
            raise DataError(f"no {year} value for province(s) {', '.join(gaps)} "
                            f"(source {spec.source!r}); pass allow_missing=True for NaN",
                            file=self._file(spec.file), field=variable)
        return out

    def has(self, variable: str, year: int) -> bool:
        """True when `variable` has a value for all 31 provinces in `year`.

        An unknown variable raises DataError (a typo should not read as "no data").
        """
        wide = self._wide(variable)
        year = operator.index(year)
        return bool(year in wide.index and wide.loc[year].notna().all())

    def series(self, variable: str) -> pd.DataFrame:
        """All covered years of `variable`: index year, columns province_code (31), float64.

        Years where some provinces lack a value are included, with NaN for those provinces.
        """
        return self._wide(variable).copy()

    def years(self, variable: str) -> list[int]:
        """Years in which `variable` has a value for all 31 provinces, ascending."""
        wide = self._wide(variable)
        return [int(y) for y in wide.index[wide.notna().all(axis=1).to_numpy()]]

    def national(self, variable: str, year: int) -> float:
        """A national reference value: 'disposable_income_pc' (yuan per person per year,
        2013-2019) or 'gdp_100m_yuan' (100m yuan current, 1993-2019); see
        `NATIONAL_VARIABLES`."""
        if variable not in self._national:
            raise self._unknown(variable, NATIONAL_VARIABLES)
        series = self._national[variable]
        year = operator.index(year)
        if year not in series.index:
            spec = NATIONAL_VARIABLES[variable]
            raise DataError(f"year {year} not covered by national {variable!r}",
                            file=self._file(spec.file), field=spec.source,
                            allowed=f"years {_year_ranges(series.index.tolist())}")
        return float(series.loc[year])


def _load(root: Traversable) -> ProvincialData:
    """Read and validate every packaged file under `root`."""
    for name in (README_FILE,):
        if not root.joinpath(name).is_file():
            raise DataError("file not found", file=_fname(root, name))
    known_sources = _sources(root)
    provinces = _provinces(root)
    codes = provinces.index.to_numpy()
    panel = _panel_core(root, provinces)
    long = {name: _long_file(root, name, codes, known_sources) for name in LONG_FILES}
    series = {name: _build(name, recipe, panel, long, root, codes)
              for name, recipe in _RECIPES.items()}
    return ProvincialData(
        provinces=provinces,
        tile_grid=_tile_grid(root, provinces),
        geojson_path=_check_geojson(root, codes),
        series=series,
        national=_national(root, known_sources),
        data_dir=str(root),
    )


@lru_cache(maxsize=1)
def _load_packaged() -> ProvincialData:
    return _load(resources.files("westdev.inputs.data"))


def load_provincial_data(data_dir: str | os.PathLike[str] | None = None) -> ProvincialData:
    """Load and validate the provincial data.

    Parameters
    ----------
    data_dir : str or path-like, optional
        A directory with the same files as the packaged `westdev/data` (e.g. a user's
        corrected copy). Default: the packaged data, loaded once and cached. A user directory
        is read afresh on every call, so edits to it are picked up.

    Returns
    -------
    ProvincialData

    Raises
    ------
    DataError
        A file is missing or broken; the message names the file and the column.
    """
    if data_dir is None:
        return _load_packaged()
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError("data directory not found", file=str(root))
    return _load(root)
