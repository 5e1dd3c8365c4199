"""Schedules: constants, linear points held flat outside, steps for bool/choice, CSV, checks."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from westdev.errors import InputError
from westdev.inputs.schedule import Schedule

BOUNDS = (0.0, 1.0)


def test_constant_holds_every_year():
    s = Schedule.parse(0.25, bounds=BOUNDS)
    assert s.is_constant
    assert [s.at(y) for y in (1990, 2019, 2100)] == [0.25, 0.25, 0.25]
    assert isinstance(Schedule.parse(1, bounds=(0, 5)).at(2020), float)


def test_points_interpolate_linearly_and_hold_flat_outside():
    s = Schedule.parse({"2020": 0.2, "2030": 0.4, 2040: 0.4}, bounds=BOUNDS)
    assert s.at(2010) == 0.2
    assert s.at(2020) == 0.2
    assert s.at(2025) == pytest.approx(0.3)
    assert s.at(2030) == 0.4
    assert s.at(2035) == 0.4
    assert s.at(2060) == 0.4
    assert s.points == ((2020, 0.2), (2030, 0.4), (2040, 0.4))


def test_bool_and_choice_are_step_functions():
    b = Schedule.parse({"2022": True, "2025": False}, kind="bool")
    assert [b.at(y) for y in (2019, 2022, 2024, 2025, 2050)] == [True, True, True, False, False]
    c = Schedule.parse({"2020": "provincial", "2030": "national"}, kind="choice",
                       choices=("county", "provincial", "national"))
    assert [c.at(y) for y in (2000, 2029, 2030)] == ["provincial", "provincial", "national"]


def test_csv_relative_to_base_dir(tmp_path):
    (tmp_path / "paths").mkdir()
    (tmp_path / "paths" / "x.csv").write_text("# a comment\nyear,value\n2020,0.1\n\n2030,0.5\n")
    s = Schedule.parse("paths/x.csv", bounds=BOUNDS, base_dir=tmp_path)
    assert s.at(2025) == pytest.approx(0.3)
    assert s == Schedule.parse({2020: 0.1, 2030: 0.5}, bounds=BOUNDS)  # source not compared
    assert s.source.endswith("x.csv")
    assert s.to_value() == {"2020": 0.1, "2030": 0.5}


def test_csv_bool_values(tmp_path):
    (tmp_path / "b.csv").write_text("year,value\n2020,false\n2025,true\n")
    s = Schedule.parse("b.csv", kind="bool", base_dir=tmp_path)
    assert s.at(2024) is False and s.at(2026) is True


def test_frozen_and_hashable():
    s = Schedule.parse({2020: 0.1}, bounds=BOUNDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.points = ()  # type: ignore[misc]
    assert hash(s) == hash(Schedule.parse({"2020": 0.1}, bounds=BOUNDS))


@pytest.mark.parametrize("raw, kind, expected", [
    ({"1989": 0.1}, "float", "not a year"),
    ({"2101": 0.1}, "float", "not a year"),
    ({"20x0": 0.1}, "float", "not a year"),
    ({"2020.5": 0.1}, "float", "not a year"),
    ({}, "float", "at least one"),
    (1.5, "float", "out of range"),
    ({"2020": 0.5, "2030": 1.5}, "float", "in 2030 is out of range"),
    (math.nan, "float", "not finite"),
    (math.inf, "float", "not finite"),
    (True, "float", "expected a number"),
    ("high", "float", "expected a number"),
    ([0.1, 0.2], "float", "list"),
    (1, "bool", "expected true or false"),
    ({"2020": "yes"}, "bool", "expected true or false in 2020"),
    ("regional", "choice", "not one of the choices"),
])
def test_bad_values_name_file_and_field(raw, kind, expected):
    with pytest.raises(InputError) as err:
        Schedule.parse(raw, kind=kind, bounds=BOUNDS, choices=("a", "b"), file="s.toml",
                       field="levers.x.y")
    text = str(err.value)
    assert expected in text
    assert text.startswith("s.toml: field 'levers.x.y'")
    assert "allowed" in text


@pytest.mark.parametrize("content, expected", [
    (None, "not found"),
    ("", "empty"),
    ("yr,val\n2020,1\n", "header"),
    ("year,value\n", "no rows"),
    ("year,value\n2020,0.1\n2020,0.2\n", "given twice"),
    ("year,value\n2020,abc\n", "line 2: 'abc' is not a number"),
    ("year,value\n2020,0.1,3\n", "expected 2 columns"),
    ("year,value\n1850,0.1\n", "not a year"),
    ("year,value\n2020,7\n", "out of range"),
])
def test_bad_csv(tmp_path, content, expected):
    if content is not None:
        (tmp_path / "p.csv").write_text(content)
    with pytest.raises(InputError, match=expected) as err:
        Schedule.parse("p.csv", bounds=BOUNDS, base_dir=tmp_path, file="s.toml",
                       field="exogenous.x")
    assert "exogenous.x" in str(err.value)


@given(st.dictionaries(st.integers(1990, 2100), st.floats(0, 1), min_size=1, max_size=6),
       st.integers(1980, 2110))
def test_interpolated_values_stay_between_neighbouring_points(points, year):
    s = Schedule.from_points(points, bounds=BOUNDS)
    values = list(points.values())
    assert min(values) - 1e-12 <= s.at(year) <= max(values) + 1e-12
    for y, v in points.items():
        assert s.at(y) == v
