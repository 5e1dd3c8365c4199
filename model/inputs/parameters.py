"""The parameter register: every behavioural and accounting parameter with its provenance.

The register (`westdev/data/parameters.toml`) gives each parameter a dotted name, value, unit,
meaning, a tag — *data*, *calibrated*, *literature* (with citation) or *assumed* (with
reasoning) — and a plausible range used by uncertainty ensembles and sensitivity analysis.
Calibrated parameters take their values from a fitted vintage (`calibration/fitted/<vintage>.toml`)
when one exists. A run's parameters are the register, the vintage, then the scenario's dotted
overrides, in that order.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from westdev.errors import InputError

TAGS = ("data", "calibrated", "literature", "assumed")
REGISTER_FILE = "parameters.toml"


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """One entry of the register."""

    name: str
    value: float
    unit: str
    meaning: str
    tag: str
    source: str
    low: float
    high: float


def register_entries(table: Mapping, prefix: str = "") -> Iterator[tuple[str, Mapping]]:
    """(dotted name, entry) of every table with a ``value`` in a register-like TOML tree (the
    register, a fitted vintage's ``[parameters]``)."""
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(val, Mapping) and "value" in val:
            yield name, val
        elif isinstance(val, Mapping):
            yield from register_entries(val, name)


@lru_cache(maxsize=1)
def load_register() -> Mapping[str, ParameterSpec]:
    """Read and check the packaged register (cached)."""
    text = resources.files("westdev.inputs.data").joinpath(REGISTER_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    out: dict[str, ParameterSpec] = {}
    for name, entry in register_entries(raw):
        missing = {"value", "unit", "meaning", "tag", "source", "range"} - set(entry)
        if missing:
            raise InputError(f"missing {sorted(missing)}", file=REGISTER_FILE, field=name)
        if entry["tag"] not in TAGS:
            raise InputError(f"bad tag {entry['tag']!r}", file=REGISTER_FILE, field=name,
                             allowed=", ".join(TAGS))
        low, high = (float(x) for x in entry["range"])
        value = float(entry["value"])
        if not (low <= value <= high):
            raise InputError(f"value {value} outside its range [{low}, {high}]",
                             file=REGISTER_FILE, field=name)
        out[name] = ParameterSpec(name, value, str(entry["unit"]), str(entry["meaning"]),
                                  str(entry["tag"]), str(entry["source"]), low, high)
    return MappingProxyType(out)


@lru_cache(maxsize=8)
def load_fitted(vintage: str) -> Mapping[str, float]:
    """Fitted values of the calibrated parameters for `vintage` ({} when none is shipped)."""
    path = resources.files("westdev.calibration").joinpath("fitted", f"{vintage}.toml")
    if not path.is_file():
        return MappingProxyType({})
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    values = {}
    for name, entry in register_entries(raw.get("parameters", {})):
        values[name] = float(entry["value"])
    return MappingProxyType(values)


class Parameters(Mapping[str, float]):
    """Immutable mapping dotted name → value for one run."""

    __slots__ = ("_values", "vintage")

    def __init__(self, values: Mapping[str, float], vintage: str) -> None:
        self._values = dict(values)
        self.vintage = vintage

    def __getitem__(self, key: str) -> float:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Parameters(vintage={self.vintage!r}, n={len(self)})"

    def replace(self, **overrides: float) -> Parameters:
        """A copy with dotted-name overrides (use a dict with ** for dotted keys)."""
        return load_parameters(self.vintage, {**self._differences(), **overrides})

    def _differences(self) -> dict[str, float]:
        base = load_parameters(self.vintage)
        return {k: v for k, v in self._values.items() if base[k] != v}


def check_override(name: str, value: object, *, file: str | None = None,
                   field_prefix: str = "parameters") -> float:
    """Check one dotted override against the register; return it as float."""
    register = load_register()
    field = f"{field_prefix}.{name}"
    if name not in register:
        from difflib import get_close_matches

        close = get_close_matches(name, list(register), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"unknown parameter{hint}", file=file, field=field,
                         allowed="a dotted name from the parameter register (westdev params)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"expected a number, got {type(value).__name__}", file=file, field=field)
    spec = register[name]
    v = float(value)
    if not math.isfinite(v) or not (spec.low <= v <= spec.high):
        raise InputError(f"value {value!r} out of range", file=file, field=field,
                         allowed=f"[{spec.low:g}, {spec.high:g}] {spec.unit}")
    return v


def load_parameters(vintage: str = "CN2019", overrides: Mapping[str, float] | None = None,
                    *, file: str | None = None) -> Parameters:
    """Register values, then the fitted `vintage`, then `overrides` (checked)."""
    register = load_register()
    values = {name: spec.value for name, spec in register.items()}
    for name, v in load_fitted(vintage).items():
        if name in values:
            values[name] = v
    for name, v in (overrides or {}).items():
        values[name] = check_override(name, v, file=file)
    return Parameters(values, vintage)
