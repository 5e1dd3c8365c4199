"""The packaged provincial data load, match the data README's spot checks, and broken copies
fail with a DataError that names the file and the column or variable."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from westdev.errors import DataError
from westdev.inputs.datasets import (
    NATIONAL_VARIABLES,
    VARIABLES,
    ProvincialData,
    load_provincial_data,
)

PACKAGED = Path(str(resources.files("westdev.inputs.data")))
TIBET, GUANGDONG = 54, 44


@pytest.fixture(scope="module")
def data() -> ProvincialData:
    return load_provincial_data()


def _idx(data: ProvincialData, code: int) -> int:
    return int(np.flatnonzero(data.codes == code)[0])


# --- the real data ---------------------------------------------------------------------------

def test_provinces_metadata(data: ProvincialData) -> None:
    p = data.provinces
    assert p.shape == (31, 8)
    assert list(p.columns) == ["name_zh", "name_zh_short", "name_en", "region4", "west12",
                               "capital_lon", "capital_lat", "area_km2"]
    assert p.index.name == "province_code" and p.index.is_monotonic_increasing
    np.testing.assert_array_equal(data.codes, p.index.to_numpy())
    assert p["region4"].value_counts().to_dict() == {"West": 12, "East": 10, "Central": 6,
                                                      "Northeast": 3}
    assert p["west12"].dtype == bool and p["west12"].sum() == 12
    assert p.loc[TIBET, "name_en"] == "Xizang (Tibet)"
    assert p.loc[11, "area_km2"] == 16394  # README: Beijing 16,394 km2 (derived)


def test_tile_grid_and_geojson(data: ProvincialData) -> None:
    grid = data.tile_grid
    assert list(grid.columns) == ["row", "col", "abbr", "name_en"]
    np.testing.assert_array_equal(grid.index.to_numpy(), data.codes)
    assert not grid.duplicated(["row", "col"]).any()
    assert tuple(grid.loc[50, ["row", "col"]]) == (7, 5)  # README: Chongqing at (7, 5)
    assert data.geojson_path.is_file()


def test_every_variable_gives_31_floats(data: ProvincialData) -> None:
    assert set(VARIABLES) == set(data._series)
    for name, spec in VARIABLES.items():
        assert (PACKAGED / spec.file).is_file() and spec.unit
        years = data.years(name)
        assert years and max(data.series(name).index) <= 2019, name
        arr = data.value(name, years[-1])
        assert arr.shape == (31,) and arr.dtype == np.float64 and np.isfinite(arr).all(), name
        assert data.has(name, years[-1])
        frame = data.series(name)
        assert list(frame.columns) == list(data.codes) and frame.index.name == "year"


def test_west_east_income_ratio_2019(data: ProvincialData) -> None:
    """README: 2019 West-12 / East-10 population-weighted income = 0.604."""
    inc = data.value("disposable_income_pc", 2019)
    pop = data.value("population_10k", 2019)
    west = data.provinces["west12"].to_numpy()
    east = (data.provinces["region4"] == "East").to_numpy()
    ratio = np.average(inc[west], weights=pop[west]) / np.average(inc[east], weights=pop[east])
    assert round(ratio, 3) == 0.604


def test_guangdong_gdp_is_panel_core_spliced(data: ProvincialData) -> None:
    panel = pd.read_csv(PACKAGED / "panel_core.csv")
    row = panel[(panel.province_code == GUANGDONG) & (panel.year == 2019)]
    expected = float(row["gdp_100m_yuan_spliced"].iloc[0])
    assert data.value("gdp_100m_yuan", 2019)[_idx(data, GUANGDONG)] == expected == 110468.1


def test_income_2019_matches_cross_section(data: ProvincialData) -> None:
    """README: the 2019 income series equals the INC_2019 cross-section for all 31."""
    ic = pd.read_csv(PACKAGED / "income_consumption_long.csv")
    cross = ic[ic.variable == "disposable_income_pc_all"].set_index("province_code")["value"]
    np.testing.assert_array_equal(data.value("disposable_income_pc", 2019),
                                  cross.reindex(data.codes).to_numpy())
    assert data.value("disposable_income_pc", 2019)[_idx(data, 31)] == 69442.0  # Shanghai


def test_tibet_railway_2005_missing(data: ProvincialData) -> None:
    rail = data.value("railway_operating_length_km", 2005, allow_missing=True)
    assert np.isnan(rail[_idx(data, TIBET)])
    assert np.isfinite(np.delete(rail, _idx(data, TIBET))).all()
    assert not data.has("railway_operating_length_km", 2005)
    assert data.years("railway_operating_length_km") == list(range(2006, 2020))
    with pytest.raises(DataError, match=r"54 Xizang") as err:
        data.value("railway_operating_length_km", 2005)
    assert "infrastructure_long.csv" in str(err.value)
    assert data.value("railway_operating_length_km", 2019)[_idx(data, TIBET)] == 800.0


def test_merged_vintages_and_gaps(data: ProvincialData) -> None:
    k = data.series("capital_stock_2000prices_100m_yuan")
    assert np.isnan(k.loc[1995, 50]) and np.isfinite(k.loc[1996, [50, 51]]).all()
    assert data.years("gfcf_100m_yuan")[-1] == 2019  # 2018-19 from the extrapolated vintage
    assert 2010 not in data.series("share_65plus").index  # census year absent in the source
    assert 0 < data.value("share_65plus", 2019).min() < data.value("share_65plus", 2019).max() < 1
    shares = data.value("va_secondary_share", 2019) + data.value("va_tertiary_share", 2019)
    assert ((shares > 0.5) & (shares <= 1.0)).all()


def test_national(data: ProvincialData) -> None:
    assert data.national("disposable_income_pc", 2019) == 30733.0
    assert data.national("gdp_100m_yuan", 2019) == 990865.1
    assert set(NATIONAL_VARIABLES) == {"disposable_income_pc", "gdp_100m_yuan"}
    with pytest.raises(DataError, match="national_income.csv"):
        data.national("disposable_income_pc", 2012)
    with pytest.raises(DataError, match="did you mean 'gdp_100m_yuan'"):
        data.national("gdp_100m_yaun", 2019)


def test_unknown_variable_suggests(data: ProvincialData) -> None:
    with pytest.raises(DataError) as err:
        data.value("gdp_100m_yaun", 2019)
    msg = str(err.value)
    assert "'gdp_100m_yaun'" in msg and "did you mean 'gdp_100m_yuan'" in msg
    assert str(PACKAGED) in msg  # names the data directory
    with pytest.raises(DataError, match="did you mean 'urbanisation_rate_pct'"):
        data.has("urbanization_rate_pct", 2019)


def test_year_not_covered(data: ProvincialData) -> None:
    with pytest.raises(DataError) as err:
        data.value("disposable_income_pc", 2010)
    msg = str(err.value)
    assert "disposable_income_long.csv" in msg and "disposable_income_pc" in msg
    assert "2013-2019" in msg
    with pytest.raises(DataError, match="2020"):
        data.value("gdp_100m_yuan", 2020)
    assert not data.has("gdp_100m_yuan", 2020)


def test_getters_return_copies(data: ProvincialData) -> None:
    data.value("gdp_100m_yuan", 2019)[:] = -1.0
    provinces = data.provinces
    provinces.loc[11, "name_en"] = "changed"
    gdp = data.series("gdp_100m_yuan")
    gdp.loc[2019] = -1.0
    assert load_provincial_data() is data  # cached
    assert (data.value("gdp_100m_yuan", 2019) > 0).all()
    assert data.provinces.loc[11, "name_en"] == "Beijing"
    with pytest.raises(ValueError):
        data.codes[0] = 0


# --- broken copies ---------------------------------------------------------------------------

def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(PACKAGED, dest, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dest


def _edit(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def _drop(prefix: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [ln for ln in lines if not ln.startswith(prefix)]


def _drop_column(name: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        i = lines[0].split(",").index(name)
        return [",".join(c for j, c in enumerate(ln.split(",")) if j != i) for ln in lines]
    return change


def _replace_in(prefix: str, old: str, new: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        i = next(k for k, ln in enumerate(lines) if ln.startswith(prefix))
        assert old in lines[i]
        return [*lines[:i], lines[i].replace(old, new), *lines[i + 1:]]
    return change


def _duplicate(prefix: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [*lines, next(ln for ln in lines if ln.startswith(prefix))]


def _empty_value(prefix: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        i = next(k for k, ln in enumerate(lines) if ln.startswith(prefix))
        cells = lines[i].split(",")
        cells[3] = ""
        return [*lines[:i], ",".join(cells), *lines[i + 1:]]
    return change


# (case, file, change or None to delete the file, texts the error message must contain)
BROKEN: list[tuple[str, str, Callable[[list[str]], list[str]] | None, list[str]]] = [
    ("province_row_provinces", "provinces.csv", _drop("54,"),
     ["provinces.csv", "field 'province_code'", "missing [54]"]),
    ("province_rows_long", "other_indicators_long.csv", _drop("54,"),
     ["other_indicators_long.csv", "field 'province_code'", "missing [54]"]),
    ("province_year_row_panel", "panel_core.csv", _drop("44,2019,"),
     ["panel_core.csv", "province_code, year", "(44, 2019)"]),
    ("province_gone_for_variable", "infrastructure_long.csv",
     lambda ls: [ln for ln in ls if not (ln.startswith("54,") and ",expressway_length" in ln)],
     ["infrastructure_long.csv", "field 'expressway_length_km'", "[54]"]),
    ("extra_province", "disposable_income_long.csv",
     lambda ls: [*ls, "71,2019,disposable_income_pc_all,1.0,yuan,x,TTC_PROV"],
     ["disposable_income_long.csv", "field 'province_code'", "unexpected ['71']"]),
    ("missing_column_long", "infrastructure_long.csv", _drop_column("unit"),
     ["infrastructure_long.csv", "field 'unit'", "missing column"]),
    ("missing_column_panel", "panel_core.csv", _drop_column("population_yearend_10k"),
     ["panel_core.csv", "field 'population_yearend_10k'"]),
    ("non_numeric_long", "other_indicators_long.csv",
     _replace_in("44,2019,urbanisation_rate_pct,", "urbanisation_rate_pct,",
                 "urbanisation_rate_pct,n/a"),
     ["other_indicators_long.csv", "field 'value'", "'n/a", "province_code 44", "year 2019",
      "urbanisation_rate_pct"]),
    ("non_numeric_panel", "panel_core.csv", _replace_in("44,2019,", ",East,", ",East,abc"),
     ["panel_core.csv", "field 'gdp_100m_yuan'", "province_code 44", "year 2019"]),
    ("empty_value_long", "capital_stock_long.csv",
     _empty_value("44,2000,gfcf_100m_yuan_current,"),
     ["capital_stock_long.csv", "field 'value'", "province_code 44", "year 2000"]),
    ("duplicated_row_long", "capital_stock_long.csv",
     _duplicate("44,2000,investment_price_index_1952eq1,"),
     ["capital_stock_long.csv", "field 'investment_price_index_1952eq1'", "duplicated row"]),
    ("duplicated_row_panel", "panel_core.csv", _duplicate("44,2019,"),
     ["panel_core.csv", "province_code, year", "duplicated row"]),
    ("two_vintages", "infrastructure_long.csv",
     lambda ls: [*ls, "44,2019,highway_length_km,1.0,km,other_vintage,TTC_PROV"],
     ["infrastructure_long.csv", "field 'highway_length_km'", "several vintages"]),
    ("wrong_unit", "infrastructure_long.csv",
     _replace_in("44,2019,highway_length_km,", ",km,", ",10k_km,"),
     ["infrastructure_long.csv", "field 'unit'", "highway_length_km", "'10k_km'"]),
    ("holdout_year", "sector_value_added_long.csv",
     lambda ls: [*ls, "44,2020,va_tertiary,1.0,100m_yuan_current,x,WM_PANEL"],
     ["sector_value_added_long.csv", "field 'year'", "2020"]),
    ("ratio_cells_differ", "other_indicators_long.csv", _drop("44,2019,pop_65plus_sample"),
     ["other_indicators_long.csv", "field 'pop_sample_survey_persons'", "province_code 44"]),
    ("unregistered_source", "income_consumption_long.csv",
     _replace_in("44,2019,", "INC_2019", "NOWHERE"),
     ["income_consumption_long.csv", "field 'source_id'", "NOWHERE"]),
    ("missing_file", "national_income.csv", None, ["national_income.csv", "file not found"]),
]


@pytest.mark.parametrize(("case", "file", "change", "expected"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_broken_copy(tmp_path: Path, case: str, file: str,
                     change: Callable[[list[str]], list[str]] | None,
                     expected: list[str]) -> None:
    root = _copy(tmp_path)
    if change is None:
        (root / file).unlink()
    else:
        _edit(root / file, change)
    with pytest.raises(DataError) as err:
        load_provincial_data(root)
    msg = str(err.value)
    for text in expected:
        assert text in msg, f"{case}: {text!r} not in {msg!r}"


def test_single_absent_long_row_is_a_gap(tmp_path: Path) -> None:
    """A missing (province, year) row in a long file is a gap that value() reports on use."""
    root = _copy(tmp_path)
    _edit(root / "infrastructure_long.csv", _drop("54,2005,civil_vehicles_10k,"))
    data = load_provincial_data(root)
    assert not data.has("civil_vehicles_10k", 2005)
    with pytest.raises(DataError, match=r"infrastructure_long.csv.*54 Xizang"):
        data.value("civil_vehicles_10k", 2005)


def test_intact_copy_loads_uncached(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    first = load_provincial_data(str(root))
    assert first is not load_provincial_data(root)  # user directories are read afresh
    assert first.data_dir == str(root)
    np.testing.assert_array_equal(first.value("gdp_100m_yuan", 2019),
                                  load_provincial_data().value("gdp_100m_yuan", 2019))
    with pytest.raises(DataError, match="not found"):
        load_provincial_data(tmp_path / "nowhere")
