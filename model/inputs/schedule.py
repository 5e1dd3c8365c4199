"""Yearly schedules: the value of a lever or exogenous driver as a function of the year.

A scenario file gives each lever or driver either a constant, a table of points
``{2020 = x, 2030 = y}`` or the name of a CSV file with ``year,value`` columns. Numbers are
interpolated linearly between points and held flat before the first and after the last point;
on/off and choice levers are step functions (the value of the last point at or before the year,
the first value before the first point). Years are integers in 1990..2100.

Every check raises one `InputError` naming the scenario file, the dotted field and what is
allowed, so that a bad schedule never reaches the model.
"""

from __future__ import annotations

import csv
import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from westdev.errors import InputError
from westdev.inputs.files import MAX_CSV_BYTES, read_text
from westdev.inputs.validate import show_value

Kind = Literal["float", "bool", "choice"]
Value = float | bool | str

MIN_YEAR = 1990
MAX_YEAR = 2100
_YEAR_RE = re.compile(r"^\s*\d{4}\s*$")
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True, slots=True)
class Schedule:
    """A constant or a sorted tuple of (year, value) points; see the module docstring.

    Build one with `Schedule.constant`, `Schedule.from_points`, `Schedule.from_csv` or
    `Schedule.parse` (what scenario files use); the constructors check years, types and bounds.
    """

    points: tuple[tuple[int, Value], ...] = ()
    value: Value | None = None
    kind: Kind = "float"
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if (self.value is None) == (not self.points):
            # exactly one of the two forms: a constant or at least one point
            raise ValueError("a Schedule is either a constant (value) or points, not both/neither")
        years = [y for y, _ in self.points]
        if years != sorted(set(years)):
            raise ValueError("schedule points must have distinct years in increasing order")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def constant(cls, value: Value, *, kind: Kind = "float",
                 bounds: tuple[float, float] | None = None, choices: tuple[str, ...] = (),
                 file: str | None = None, field: str | None = None) -> Schedule:
        """A value held for every year (checked like any point)."""
        return cls(value=_check_value(value, kind, bounds, choices, file, field), kind=kind)

    @classmethod
    def from_points(cls, points: Mapping[int | str, object], *, kind: Kind = "float",
                    bounds: tuple[float, float] | None = None, choices: tuple[str, ...] = (),
                    file: str | None = None, field: str | None = None,
                    source: str | None = None) -> Schedule:
        """Points ``{year: value}``; year keys may be strings (TOML keys always are)."""
        if not isinstance(points, Mapping) or not points:
            raise InputError("a schedule needs at least one {year = value} point", file=file,
                             field=field, allowed=_forms(kind))
        checked: dict[int, Value] = {}
        for raw_year, raw_value in points.items():
            year = _check_year(raw_year, file, field)
            if year in checked:
                raise InputError(f"year {year} given twice", file=file, field=field)
            checked[year] = _check_value(raw_value, kind, bounds, choices, file, field, year=year)
        return cls(points=tuple(sorted(checked.items())), kind=kind, source=source)

    @classmethod
    def from_csv(cls, path: str | Path, *, kind: Kind = "float",
                 bounds: tuple[float, float] | None = None, choices: tuple[str, ...] = (),
                 file: str | None = None, field: str | None = None) -> Schedule:
        """Points read from a CSV file with a ``year,value`` header ('#' lines are comments)."""
        path = Path(path)
        text = read_text(path, limit=MAX_CSV_BYTES, what="CSV file",
                         file=file if file is not None else str(path), field=field)
        rows = [(i, row) for i, row in enumerate(csv.reader(text.splitlines()), start=1)
                if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")]
        if not rows:
            raise InputError(f"CSV file '{path}' is empty", file=file, field=field,
                             allowed="a 'year,value' header and at least one row")
        header = [c.strip().lower() for c in rows[0][1]]
        if header != ["year", "value"]:
            raise InputError(f"CSV file '{path}' line {rows[0][0]}: header {rows[0][1]!r}",
                             file=file, field=field, allowed="exactly the columns year,value")
        points: dict[int, object] = {}
        for lineno, row in rows[1:]:
            where = f"CSV file '{path}' line {lineno}"
            if len(row) != 2:
                raise InputError(f"{where}: expected 2 columns, got {len(row)}", file=file,
                                 field=field)
            year = _check_year(row[0], file, field, where=where)
            if year in points:
                raise InputError(f"{where}: year {year} given twice", file=file, field=field)
            points[year] = _csv_value(row[1].strip(), kind, file, field, where)
        if not points:
            raise InputError(f"CSV file '{path}' has a header but no rows", file=file,
                             field=field, allowed="at least one year,value row")
        return cls.from_points(points, kind=kind, bounds=bounds, choices=choices, file=file,
                               field=field, source=str(path))

    @classmethod
    def parse(cls, raw: object, *, kind: Kind = "float",
              bounds: tuple[float, float] | None = None, choices: tuple[str, ...] = (),
              base_dir: str | Path | None = None, file: str | None = None,
              field: str | None = None) -> Schedule:
        """A value as written in a scenario file: constant, ``{year = value}`` or ``"x.csv"``.

        CSV paths are relative to `base_dir` (the scenario file's folder). For choice levers a
        string is a choice unless it ends in ``.csv``.
        """
        if isinstance(raw, Schedule):
            if raw.kind != kind:
                raise InputError(f"a {raw.kind} schedule where a {kind} one is needed",
                                 file=file, field=field, allowed=_forms(kind))
            if raw.value is not None:
                return cls.constant(raw.value, kind=kind, bounds=bounds, choices=choices,
                                    file=file, field=field)
            return cls.from_points(dict(raw.points), kind=kind, bounds=bounds, choices=choices,
                                   file=file, field=field, source=raw.source)
        if isinstance(raw, Mapping):
            return cls.from_points(raw, kind=kind, bounds=bounds, choices=choices, file=file,
                                   field=field)
        if isinstance(raw, str) and raw.strip().lower().endswith(".csv"):
            path = Path(raw.strip())
            if base_dir is not None and not path.is_absolute():
                path = Path(base_dir) / path
            return cls.from_csv(path, kind=kind, bounds=bounds, choices=choices, file=file,
                                field=field)
        if isinstance(raw, list | tuple):
            raise InputError("a list is not a schedule", file=file, field=field,
                             allowed=_forms(kind))
        return cls.constant(raw, kind=kind, bounds=bounds, choices=choices, file=file,  # type: ignore[arg-type]
                            field=field)

    # ------------------------------------------------------------------ use
    @property
    def is_constant(self) -> bool:
        """True when the value is the same in every year."""
        return self.value is not None or len({v for _, v in self.points}) == 1

    def at(self, year: int | float) -> Value:
        """The value in `year` (linear between points for numbers, steps for bool/choice)."""
        if self.value is not None:
            return self.value
        years = [y for y, _ in self.points]
        i = bisect_right(years, year)
        if i == 0:
            return self.points[0][1]
        if i == len(years) or self.kind != "float":
            return self.points[i - 1][1]
        (y0, v0), (y1, v1) = self.points[i - 1], self.points[i]
        if year == y0:
            return v0
        w = (year - y0) / (y1 - y0)
        return float(v0) + w * (float(v1) - float(v0))  # type: ignore[arg-type]

    def to_value(self) -> Value | dict[str, Value]:
        """The scenario-file form: the constant, or ``{"2020": x, ...}`` (CSV points inlined)."""
        if self.value is not None:
            return self.value
        return {str(y): v for y, v in self.points}


# ---------------------------------------------------------------------- checks
def _forms(kind: Kind) -> str:
    single = {"float": "a number", "bool": "true or false", "choice": "one of the choices"}[kind]
    return f"{single}, a {{year = value}} table (years {MIN_YEAR}-{MAX_YEAR}) or a CSV file name"


def _check_year(raw: object, file: str | None, field: str | None, *, where: str = "") -> int:
    prefix = f"{where}: " if where else ""
    if isinstance(raw, bool):
        year = None
    elif isinstance(raw, int):
        year = raw
    elif isinstance(raw, str) and _YEAR_RE.match(raw):
        year = int(raw)
    else:
        year = None
    if year is None or not (MIN_YEAR <= year <= MAX_YEAR):
        raise InputError(f"{prefix}schedule key {raw!r} is not a year", file=file, field=field,
                         allowed=f"integer years {MIN_YEAR}-{MAX_YEAR}")
    return year


def _check_value(raw: object, kind: Kind, bounds: tuple[float, float] | None,
                 choices: tuple[str, ...], file: str | None, field: str | None, *,
                 year: int | None = None) -> Value:
    at = f" in {year}" if year is not None else ""
    if kind == "bool":
        if not isinstance(raw, bool):
            raise InputError(f"expected true or false{at}, got {show_value(raw)}", file=file,
                             field=field, allowed="true or false")
        return raw
    if kind == "choice":
        if not isinstance(raw, str) or raw not in choices:
            raise InputError(f"{show_value(raw)}{at} is not one of the choices", file=file,
                             field=field, allowed=" | ".join(repr(c) for c in choices))
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        allowed = _forms("float") if year is None else "a number"
        raise InputError(f"expected a number{at}, got {show_value(raw)}", file=file, field=field,
                         allowed=allowed)
    value = float(raw)
    if not math.isfinite(value):
        raise InputError(f"value {raw!r}{at} is not finite", file=file, field=field,
                         allowed=_range(bounds))
    if bounds is not None and not (bounds[0] <= value <= bounds[1]):
        raise InputError(f"value {raw!r}{at} is out of range", file=file, field=field,
                         allowed=_range(bounds))
    return value


def _csv_value(text: str, kind: Kind, file: str | None, field: str | None, where: str) -> object:
    if kind == "bool":
        if text.lower() not in _BOOL_TEXT:
            raise InputError(f"{where}: {text!r} is not true/false", file=file, field=field,
                             allowed="true, false, 1 or 0")
        return _BOOL_TEXT[text.lower()]
    if kind == "choice":
        return text
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number", file=file, field=field) from None


def _range(bounds: tuple[float, float] | None) -> str:
    return "a finite number" if bounds is None else f"a number in [{bounds[0]:g}, {bounds[1]:g}]"



# ---------------------------------------------------------------------- by province
@dataclass(frozen=True, slots=True)
class ProvincialSchedule:
    """One `Schedule` per province, for the exogenous drivers that may differ by province
    (`ExogenousSpec.provincial`): the value in a year is an array over the 31 provinces, in
    the order of `codes` (the model's province order).

    Written in a scenario file as a CSV whose header is ``year`` and the 31 province codes
    (``year,11,12,...,65``; values interpolated as for `Schedule`), or as a table keyed by
    province code, each entry a constant or a ``{year = value}`` table.
    """

    codes: tuple[int, ...]
    by_province: tuple[Schedule, ...]
    kind: Kind = "float"
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if len(self.codes) != len(self.by_province):
            raise ValueError("one schedule per province code")

    @property
    def is_constant(self) -> bool:
        """True when every province has the same value in every year."""
        first = self.by_province[0]
        return first.is_constant and all(_canonical_points(s) == _canonical_points(first)
                                         for s in self.by_province)

    @property
    def value(self) -> Value | None:
        """The common constant when `is_constant`, else None."""
        return self.by_province[0].at(0) if self.is_constant else None

    def at(self, year: int | float):
        """Values of the 31 provinces in `year` (a numpy array)."""
        import numpy as np

        return np.array([float(s.at(year)) for s in self.by_province])

    def to_value(self) -> dict[str, object]:
        """The scenario-file form: ``{"<code>": constant or {"year": value}}``."""
        return {str(c): s.to_value() for c, s in zip(self.codes, self.by_province, strict=True)}

    def scaled(self, factor: float) -> ProvincialSchedule:
        """Every province's path times `factor` (uncertainty draws scale whole paths)."""
        out = []
        for s in self.by_province:
            if s.value is not None:
                out.append(Schedule(value=float(s.value) * factor))
            else:
                out.append(Schedule(points=tuple((y, float(v) * factor) for y, v in s.points)))
        return ProvincialSchedule(self.codes, tuple(out), source=self.source)

    def extremes(self) -> tuple[float, float]:
        """Smallest and largest value over provinces and listed years."""
        values = [float(v) for s in self.by_province
                  for v in ([s.value] if s.value is not None else [v for _, v in s.points])]
        return min(values), max(values)

    @classmethod
    def from_table(cls, table: Mapping[str, object], codes: tuple[int, ...], *,
                   bounds: tuple[float, float] | None = None, file: str | None = None,
                   field: str | None = None, source: str | None = None) -> ProvincialSchedule:
        """``{"<code>": constant or {year = value}}`` with every province code exactly once."""
        given: dict[int, object] = {}
        for key, raw in table.items():
            try:
                code = int(str(key).strip())
            except ValueError:
                code = -1
            if code not in codes:
                raise InputError(f"{show_value(key)} is not a province code", file=file, field=field,
                                 allowed="the 31 province codes (GB/T 2260), e.g. 11 for "
                                 "Beijing, 65 for Xinjiang")
            given[code] = raw
        missing = [c for c in codes if c not in given]
        if missing:
            raise InputError(f"no path for province(s) {', '.join(map(str, missing))}",
                             file=file, field=field, allowed="a path for each of the 31 provinces")
        return cls(codes, tuple(Schedule.parse(given[c], bounds=bounds, file=file,
                                               field=f"{field}.{c}") for c in codes),
                   source=source)

    @classmethod
    def from_csv(cls, path: str | Path, codes: tuple[int, ...], *,
                 bounds: tuple[float, float] | None = None, file: str | None = None,
                 field: str | None = None) -> ProvincialSchedule:
        """Points from a CSV with a ``year,<code>,<code>,...`` header ('#' lines are comments)."""
        path = Path(path)
        text = read_text(path, limit=MAX_CSV_BYTES, what="CSV file",
                         file=file if file is not None else str(path), field=field)
        rows = [(i, row) for i, row in enumerate(csv.reader(text.splitlines()), start=1)
                if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")]
        if not rows or [c.strip().lower() for c in rows[0][1]][:1] != ["year"]:
            raise InputError(f"CSV file '{path}' needs a header 'year,<province codes>'",
                             file=file, field=field)
        header = [c.strip() for c in rows[0][1][1:]]
        twice = sorted({c for c in header if header.count(c) > 1})
        if twice:
            raise InputError(f"CSV file '{path}' line {rows[0][0]}: province {twice[0]} has "
                             f"two columns", file=file, field=field,
                             allowed="one column per province code")
        table: dict[str, dict[int, object]] = {c: {} for c in header}
        for lineno, row in rows[1:]:
            where = f"CSV file '{path}' line {lineno}"
            if len(row) != len(header) + 1:
                raise InputError(f"{where}: expected {len(header) + 1} columns, got {len(row)}",
                                 file=file, field=field)
            year = _check_year(row[0], file, field, where=where)
            if header and year in table[header[0]]:
                raise InputError(f"{where}: year {year} given twice", file=file, field=field)
            for code, cell in zip(header, row[1:], strict=True):
                table[code][year] = _csv_value(cell.strip(), "float", file, field, where)
        return cls.from_table(table, codes, bounds=bounds, file=file, field=field,
                              source=str(path))


def _canonical_points(s: Schedule) -> object:
    return s.value if s.value is not None else (s.points[0][1] if s.is_constant else s.points)
