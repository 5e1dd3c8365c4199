"""The calibration targets (`targets.toml`): moments with value, unit, years, source, tolerance.

`load_targets()` reads and checks the packaged file (or another one), so a bad edit fails with
one message naming the file and field. `observed_values()` recomputes every data moment from the
packaged data, which the tests compare with the values written in the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from westdev.calibration.moments import KINDS, Recipe, Table, compute
from westdev.calibration.observed import observed_frame
from westdev.errors import InputError
from westdev.inputs.parameters import load_register

TARGETS_FILE = "targets.toml"
_RECIPE_FIELDS = ("kind", "indicator", "years", "area", "base", "scale", "observed_indicator")
_REQUIRED = ("kind", "years", "value", "unit", "source", "tolerance")


@dataclass(frozen=True)
class Target:
    """One moment to fit: its recipe, observed value, unit, source, tolerance and weight."""

    name: str
    recipe: Recipe
    value: float
    unit: str
    source: str
    tolerance: float
    weight: float = 1.0

    @property
    def from_data(self) -> bool:
        return self.source.startswith("data:")

    @property
    def last_year(self) -> int:
        return max(self.recipe.years)


@dataclass(frozen=True)
class TargetFile:
    """All targets, the named sets of moments each fit uses, the candidate parameters and the
    history scales (ranges of scale factors on unobserved exogenous paths of 2000–2019)."""

    targets: Mapping[str, Target]
    sets: Mapping[str, tuple[str, ...]]
    path: str
    candidates: tuple[str, ...] = ()
    history_scales: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    # candidates estimated whatever the screening finds (the channels the targets were added
    # for: the screening's one seed per point can miss them)
    always: tuple[str, ...] = ()

    def select(self, name: str) -> dict[str, Target]:
        """The targets of set `name` (e.g. "CN2019", "CN2012")."""
        if name not in self.sets:
            raise InputError(f"no target set {name!r}", file=self.path, field="sets",
                             allowed=", ".join(self.sets))
        return {t: self.targets[t] for t in self.sets[name]}


def _number(raw: Mapping, key: str, file: str, field: str, positive: bool = False) -> float:
    val = raw[key]
    if isinstance(val, bool) or not isinstance(val, int | float):
        raise InputError(f"expected a number, got {val!r}", file=file, field=f"{field}.{key}")
    if positive and not val > 0:
        raise InputError(f"must be positive, got {val!r}", file=file, field=f"{field}.{key}",
                         allowed="a number > 0")
    return float(val)


def parse_targets(raw: Mapping, file: str) -> TargetFile:
    """Check a parsed targets table and build the TargetFile."""
    table = raw.get("targets")
    if not isinstance(table, Mapping) or not table:
        raise InputError("no [targets] table", file=file, field="targets")
    targets = {}
    for name, entry in table.items():
        field = f"targets.{name}"
        if not isinstance(entry, Mapping):
            raise InputError("expected a table", file=file, field=field)
        missing = [k for k in _REQUIRED if k not in entry]
        if missing:
            raise InputError(f"missing {missing}", file=file, field=field)
        unknown = set(entry) - set(_RECIPE_FIELDS) - set(_REQUIRED) - {"weight"}
        if unknown:
            raise InputError(f"unknown keys {sorted(unknown)}", file=file, field=field,
                             allowed=", ".join(_RECIPE_FIELDS + _REQUIRED + ("weight",)))
        if entry["kind"] not in KINDS:
            raise InputError(f"unknown kind {entry['kind']!r}", file=file, field=f"{field}.kind",
                             allowed=", ".join(KINDS))
        years = entry["years"]
        if (not isinstance(years, list) or not years or len(years) > 2
                or not all(isinstance(y, int) and 2000 <= y <= 2019 for y in years)):
            raise InputError(f"bad years {years!r}", file=file, field=f"{field}.years",
                             allowed="one or two years in 2000–2019")
        needs_two = entry["kind"] not in ("ratio", "share", "per_gdp")
        if needs_two and len(years) != 2:
            raise InputError(f"kind {entry['kind']!r} needs two years", file=file,
                             field=f"{field}.years")
        kwargs = {k: entry[k] for k in _RECIPE_FIELDS if k in entry}
        kwargs["years"] = tuple(years)
        recipe = Recipe(**kwargs)
        targets[name] = Target(
            name, recipe, _number(entry, "value", file, field), str(entry["unit"]),
            str(entry["source"]), _number(entry, "tolerance", file, field, positive=True),
            _number(entry, "weight", file, field, positive=True) if "weight" in entry else 1.0)
    sets = {}
    for set_name, names in (raw.get("sets") or {}).items():
        bad = [n for n in names if n not in targets]
        if bad:
            raise InputError(f"unknown targets {bad}", file=file, field=f"sets.{set_name}",
                             allowed="names of [targets.*] tables")
        late = [n for n in names if set_name.startswith("CN") and set_name[2:].isdigit()
                and targets[n].from_data and targets[n].last_year > int(set_name[2:])]
        if late:
            raise InputError(f"targets {late} use data after {set_name[2:]}", file=file,
                             field=f"sets.{set_name}",
                             allowed=f"data moments of years up to {set_name[2:]}")
        sets[set_name] = tuple(names)
    cal = raw.get("calibration") or {}
    candidates = tuple(cal.get("candidates", ()))
    register = load_register()
    for i, name in enumerate(candidates):
        spec = register.get(name)
        if spec is None or spec.low >= spec.high:
            raise InputError(f"{name!r} is not a register parameter with a range", file=file,
                             field=f"calibration.candidates[{i}]",
                             allowed="a dotted name from `westdev params` whose range is not a point")
    always = tuple(cal.get("always", ()))
    for i, name in enumerate(always):
        if name not in candidates:
            raise InputError(f"{name!r} is not a candidate", file=file,
                             field=f"calibration.always[{i}]",
                             allowed="names listed in calibration.candidates")
    scales = {}
    for name, rng in (cal.get("history_scales") or {}).items():
        if (not name.startswith("exogenous.") or not name.endswith(".scale")
                or not isinstance(rng, list) or len(rng) != 2 or not 0 < rng[0] < rng[1]):
            raise InputError(f"bad history scale {name!r} = {rng!r}", file=file,
                             field=f"calibration.history_scales.{name}",
                             allowed='"exogenous.<driver>.scale" = [low, high], 0 < low < high')
        scales[name] = (float(rng[0]), float(rng[1]))
    return TargetFile(MappingProxyType(targets), MappingProxyType(sets), file, candidates,
                      MappingProxyType(scales), always)


def load_targets(path: str | Path | None = None) -> TargetFile:
    """Read the packaged targets (or the file at `path`) and check them."""
    if path is None:
        text = resources.files("westdev.calibration").joinpath(TARGETS_FILE).read_text("utf-8")
        file = TARGETS_FILE
    else:
        file = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror})", file=file) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=file) from None
    return parse_targets(raw, file)


def observed_values(targets: Mapping[str, Target]) -> dict[str, float]:
    """Every data target recomputed from the packaged data (literature targets are skipped)."""
    table = Table(observed_frame())
    return {name: compute(t.recipe, table, observed=True)
            for name, t in targets.items() if t.from_data}
