"""Scenario files (TOML) mapped onto frozen, typed dataclasses — docs/design.md §8.

A scenario says what the model is asked: run settings, parameter vintage and overrides,
exogenous paths, the policy levers (constants or yearly schedules) and the goal thresholds.
Unset levers take their 2019 values (policy as it stood in 2019); unset exogenous drivers take
their default paths. ``extends`` builds a scenario on another one (child wins, per field).

Validation is strict (docs/design.md §9): unknown keys, wrong types, values out of range or not
finite, bad schedules, broken ``extends`` and bad TOML each raise one `InputError` that names the
file, the dotted field and what is allowed, and suggests the closest valid name for typos.

The goal of the guideline is that the West be "roughly equal" (大体相当) to the East by 2035.
The ``[goal]`` table sets θ for each of the three ratios (income, public services,
infrastructure access; default 0.8: the West at or above 80 % of the East); θ is recorded in
every manifest. The goal's dimensions and default are defined in `westdev.policy.goal`.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from westdev.errors import InputError
from westdev.inputs.exogenous import EXOGENOUS
from westdev.inputs.files import MAX_CSV_BYTES, load_toml, read_text
from westdev.inputs.parameters import check_override
from westdev.inputs.regions import province_codes
from westdev.inputs.resolution import RESOLUTIONS
from westdev.inputs.schedule import ProvincialSchedule, Schedule, Value
from westdev.inputs.validate import show_value, unknown_key
from westdev.policy.catalogue import AREAS, LEVERS
from westdev.policy.goal import DEFAULT_THETA, DIMENSIONS, GOAL_YEAR

SECTIONS = ("meta", "run", "parameters", "exogenous", "levers", "goal")
META_KEYS = ("name", "description", "extends")
START_YEARS = (2000, 2019)  # the two initial-state vintages, CN2000 and CN2019
MAX_END_YEAR = 2060
MAX_SEED = 2**63 - 1
DEFAULT_VINTAGE = "CN2019"
BASE_VINTAGES = ("CN2019", "CN2000")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_MAX_EXTENDS_DEPTH = 32


class FrozenMap(Mapping):
    """A read-only, hashable and picklable mapping (MappingProxyType cannot be pickled)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping | Iterator = ()) -> None:
        self._data = dict(data)

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple:
        return (FrozenMap, (self._data,))


@dataclass(frozen=True, slots=True)
class RunSettings:
    """The ``[run]`` table: simulated years, agent resolution, replicates and root seed."""

    start_year: int = 2019
    end_year: int = GOAL_YEAR
    resolution: str = "default"
    replicates: int = 1
    root_seed: int = 0

    @property
    def years(self) -> range:
        """Simulated years, start and end inclusive."""
        return range(self.start_year, self.end_year + 1)


@dataclass(frozen=True, slots=True)
class GoalThresholds:
    """θ for each West/East ratio: the goal is met in a dimension when the ratio ≥ θ."""

    income: float = DEFAULT_THETA
    public_services: float = DEFAULT_THETA
    infrastructure: float = DEFAULT_THETA

    def as_dict(self) -> dict[str, float]:
        """``{"income": θ, "public_services": θ, "infrastructure": θ}``."""
        return {k: getattr(self, k) for k in DIMENSIONS}


@dataclass(frozen=True, slots=True)
class Scenario:
    """A resolved scenario: every lever and exogenous driver has a schedule.

    Build with `load_scenario`; derive variants with `with_overrides`.
    """

    name: str
    description: str
    source: str
    run: RunSettings
    parameter_vintage: str
    parameter_overrides: Mapping[str, float]
    exogenous: Mapping[str, Schedule]
    levers: Mapping[str, Schedule]
    goal: GoalThresholds

    def lever_values(self, year: int) -> dict[str, Value]:
        """Every lever's value in `year`, by dotted name."""
        return {name: s.at(year) for name, s in self.levers.items()}

    def exogenous_values(self, year: int) -> dict[str, Any]:
        """Every exogenous driver's value in `year`: a float, or an array over the 31
        provinces for a driver set by province."""
        return {name: s.at(year) if isinstance(s, ProvincialSchedule) else float(s.at(year))
                for name, s in self.exogenous.items()}

    @property
    def content_hash(self) -> str:
        """sha256 of the resolved content (run, parameters, paths, levers, goal).

        Independent of the file's path, name, description, key order and of how a schedule was
        written (a one-valued table equals the constant; CSV points equal inline points).
        """
        content = self.to_dict(canonical=True)
        del content["meta"]
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    def to_dict(self, *, canonical: bool = False) -> dict[str, Any]:
        """The scenario as a nested dict in the file's layout (all levers and paths listed)."""
        value = canonical_value if canonical else (lambda s: s.to_value())
        levers: dict[str, dict[str, Any]] = {}
        for name, s in self.levers.items():
            area, key = name.split(".", 1)
            levers.setdefault(area, {})[key] = value(s)
        return {
            "meta": {"name": self.name, "description": self.description},
            "run": dataclasses.asdict(self.run),
            "parameters": {"vintage": self.parameter_vintage, **dict(self.parameter_overrides)},
            "exogenous": {name: value(s) for name, s in self.exogenous.items()},
            "levers": levers,
            "goal": self.goal.as_dict(),
        }

    def inputs(self, base: Scenario | None = None) -> dict[str, dict[str, Any]]:
        """Levers, parameter overrides and exogenous paths that differ from `base`.

        Without `base`: from the defaults (2019 lever values, default paths, no overrides).
        Used for the ``inputs_json`` column of a results store.
        """
        ref = base if base is not None else _defaults_scenario()
        out: dict[str, dict[str, Any]] = {"levers": {}, "parameters": {}, "exogenous": {}}
        for name, s in self.levers.items():
            if canonical_value(s) != canonical_value(ref.levers[name]):
                out["levers"][name] = canonical_value(s)
        for name, s in self.exogenous.items():
            if canonical_value(s) != canonical_value(ref.exogenous[name]):
                out["exogenous"][name] = canonical_value(s)
        for name, v in self.parameter_overrides.items():
            if ref.parameter_overrides.get(name) != v:
                out["parameters"][name] = v
        if self.parameter_vintage != ref.parameter_vintage:
            out["parameters"]["vintage"] = self.parameter_vintage
        return out

    def with_overrides(self, *, name: str | None = None, description: str | None = None,
                       run: Mapping[str, Any] | None = None, vintage: str | None = None,
                       parameters: Mapping[str, float] | None = None,
                       exogenous: Mapping[str, Any] | None = None,
                       levers: Mapping[str, Any] | None = None,
                       goal: Mapping[str, float] | None = None) -> Scenario:
        """A variant with some fields replaced, checked like a scenario file.

        `levers` takes dotted names (``{"fiscal.cit_rate_encouraged_west": 0.2}``), values as in
        a file (constant, ``{year: value}``, CSV name) or `Schedule`s; `parameters` dotted
        parameter names; `exogenous` driver names. Errors name this scenario's source file.
        """
        file = self.source
        base_dir = Path(file).parent
        layer = _Layer(file=file, base_dir=base_dir, name=self.name,
                       description=self.description)
        if name is not None:
            layer.name = _check_name(name, file)
        if description is not None:
            layer.description = _check_str(description, file, "meta.description")
        if run:
            layer.run = _parse_run(_check_table(run, file, "run"), file)
        if vintage is not None:
            layer.vintage = _check_vintage(vintage, file)
        if parameters:
            layer.parameters = _parse_parameters(dict(parameters), file)
        if exogenous:
            layer.exogenous = _parse_exogenous(dict(exogenous), file, base_dir)
        if levers:
            layer.levers = _parse_levers_flat(dict(levers), file, base_dir)
        if goal:
            layer.goal = _parse_goal(_check_table(goal, file, "goal"), file)
        return _resolve([_Layer.from_scenario(self), layer], file=file)


# ---------------------------------------------------------------------- loading
def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in the package (``westdev.scenarios``)."""
    root = resources.files("westdev.scenarios")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def shipped_path(name: str) -> Path | None:
    """The file of a shipped scenario ("baseline" or "baseline.toml"), or None."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    fname = name if name.endswith(".toml") else f"{name}.toml"
    entry = resources.files("westdev.scenarios").joinpath(fname)
    return Path(str(entry)) if entry.is_file() else None


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Load and check a scenario file, or a shipped scenario by name ("baseline")."""
    path = _locate(path_or_name)
    return _resolve(_load_chain(path, ()), file=str(path))


def validate_file(path: str | Path) -> Scenario:
    """Check one scenario file (for ``westdev validate``); raises `InputError` when bad."""
    return load_scenario(path)


# ---------------------------------------------------------------------- scenarios in manifests
def scenario_content(scenario: Scenario) -> dict[str, Any]:
    """The resolved content (run, parameters, paths, levers, goal) that the hash covers, so
    that a mismatch on resume names the field that changed."""
    content = scenario.to_dict(canonical=True)
    del content["meta"]
    return content


def inline_scenario(scenario: Scenario) -> dict[str, Any]:
    """A scenario as a self-contained table (name, description, hash and resolved content)."""
    content = scenario_content(scenario)
    return {"name": scenario.name, "description": scenario.description,
            "hash": scenario.content_hash, "content": content}


def scenario_from_content(content: Mapping[str, Any], *, name: str, description: str = "",
                          source: str = "<manifest>") -> Scenario:
    """Rebuild a scenario from its resolved content (as in manifests), checked like a file."""
    base = dataclasses.replace(_defaults_scenario(), source=source)
    content = dict(content)
    params = dict(content.get("parameters") or {})
    vintage = params.pop("vintage", None)
    levers = {}
    for area, table in (content.get("levers") or {}).items():
        if not isinstance(table, Mapping):
            raise InputError(f"expected a table, got {show_value(table)}", file=source,
                             field=f"levers.{area}")
        for key, value in table.items():
            levers[f"{area}.{key}"] = value
    return base.with_overrides(name=name, description=description, run=content.get("run"),
                               vintage=vintage, parameters=params or None,
                               exogenous=content.get("exogenous") or None,
                               levers=levers or None, goal=content.get("goal") or None)


def _locate(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.exists():
        return path
    shipped = shipped_path(str(path_or_name))
    if shipped is not None:
        return shipped
    names = shipped_scenarios()
    close = difflib.get_close_matches(str(path_or_name), names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise InputError(f"no such scenario file{hint}", file=str(path_or_name),
                     allowed="a path to a .toml file or a shipped scenario: " + ", ".join(names))


def _load_chain(path: Path, seen: tuple[Path, ...]) -> list[_Layer]:
    """Layers from the root ancestor to `path` (each checked in its own file)."""
    file = str(path)
    raw = _read_toml(path)
    layer = _parse_layer(raw, file=file, base_dir=path.parent)
    if layer.extends is None:
        return [layer]
    parent = _locate_extends(layer.extends, path, file)
    chain = (*seen, path.resolve())
    if parent.resolve() in chain:
        cycle = " -> ".join(p.name for p in (*chain, parent))
        raise InputError(f"'extends' makes a cycle: {cycle}", file=file, field="meta.extends",
                         allowed="a chain of files that ends in a file without 'extends'")
    if len(chain) >= _MAX_EXTENDS_DEPTH:
        raise InputError(f"'extends' chain longer than {_MAX_EXTENDS_DEPTH} files", file=file,
                         field="meta.extends")
    return [*_load_chain(parent, chain), layer]


def _locate_extends(target: str, path: Path, file: str) -> Path:
    candidate = Path(target)
    if not candidate.is_absolute():
        candidate = path.parent / candidate
    if candidate.is_file():
        return candidate
    shipped = shipped_path(target)
    if shipped is not None:
        return shipped
    raise InputError(f"'{target}' not found (looked for {candidate} and a shipped scenario)",
                     file=file, field="meta.extends",
                     allowed="a path relative to this file or a shipped scenario: "
                     + ", ".join(shipped_scenarios()))


def _read_toml(path: Path) -> dict[str, Any]:
    """A scenario file: a regular UTF-8 file under the size limit, valid TOML, not too deep
    (`westdev.inputs.files`), and not empty."""
    raw = load_toml(path, what="scenario file (.toml)")
    if not raw:
        raise InputError("the file is empty", file=str(path),
                         allowed="tables " + ", ".join(f"[{s}]" for s in SECTIONS))
    return raw


# ---------------------------------------------------------------------- one file's layer
@dataclass
class _Layer:
    """What one file (or one `with_overrides` call) sets, already checked."""

    file: str
    base_dir: Path
    name: str | None = None
    description: str | None = None
    extends: str | None = None
    run: dict[str, Any] = dataclasses.field(default_factory=dict)
    vintage: str | None = None
    parameters: dict[str, float] = dataclasses.field(default_factory=dict)
    exogenous: dict[str, Schedule] = dataclasses.field(default_factory=dict)
    levers: dict[str, Schedule] = dataclasses.field(default_factory=dict)
    goal: dict[str, float] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_scenario(cls, s: Scenario) -> _Layer:
        return cls(file=s.source, base_dir=Path(s.source).parent, name=s.name,
                   description=s.description, run=dataclasses.asdict(s.run),
                   vintage=s.parameter_vintage, parameters=dict(s.parameter_overrides),
                   exogenous=dict(s.exogenous), levers=dict(s.levers), goal=s.goal.as_dict())


def _parse_layer(raw: Mapping[str, Any], *, file: str, base_dir: Path) -> _Layer:
    layer = _Layer(file=file, base_dir=base_dir)
    for key in raw:
        if key not in SECTIONS:
            raise unknown_key(key, SECTIONS, file=file, field=key, what="table")
    meta = _check_table(raw.get("meta", {}), file, "meta")
    for key, val in meta.items():
        if key not in META_KEYS:
            raise unknown_key(key, META_KEYS, file=file, field=f"meta.{key}")
        if key == "name":
            layer.name = _check_name(val, file)
        elif key == "description":
            layer.description = _check_str(val, file, "meta.description")
        else:
            layer.extends = _check_str(val, file, "meta.extends", empty=False)
    layer.run = _parse_run(_check_table(raw.get("run", {}), file, "run"), file)
    params = dict(_check_table(raw.get("parameters", {}), file, "parameters"))
    if "vintage" in params:
        layer.vintage = _check_vintage(params.pop("vintage"), file)
    layer.parameters = _parse_parameters(params, file)
    exo = _check_table(raw.get("exogenous", {}), file, "exogenous")
    layer.exogenous = _parse_exogenous(exo, file, base_dir)
    levers = _check_table(raw.get("levers", {}), file, "levers")
    flat: dict[str, Any] = {}
    places: dict[str, str] = {}
    for area, table in levers.items():
        if "." in area:  # a quoted dotted name directly under [levers]
            _once(flat, places, area, table, f'[levers] "{area}"', file, "levers")
            continue
        if area not in AREAS:
            raise unknown_key(area, AREAS, file=file, field=f"levers.{area}", what="lever area")
        for key, val in _check_table(table, file, f"levers.{area}").items():
            _once(flat, places, f"{area}.{key}", val, f"[levers.{area}] {key}", file, "levers")
    layer.levers = _parse_levers_flat(flat, file, base_dir)
    layer.goal = _parse_goal(_check_table(raw.get("goal", {}), file, "goal"), file)
    return layer


def _parse_run(table: Mapping[str, Any], file: str) -> dict[str, Any]:
    fields = [f.name for f in dataclasses.fields(RunSettings)]
    out: dict[str, Any] = {}
    for key, val in table.items():
        field = f"run.{key}"
        if key not in fields:
            raise unknown_key(key, fields, file=file, field=field)
        if key == "resolution":
            if not isinstance(val, str) or val not in RESOLUTIONS:
                raise InputError(f"{show_value(val)} is not a resolution", file=file, field=field,
                                 allowed=" | ".join(RESOLUTIONS))
        elif key == "start_year":
            if _int(val) not in START_YEARS:
                raise InputError(f"start year {val!r} has no initial state", file=file,
                                 field=field, allowed=" or ".join(map(str, START_YEARS))
                                 + " (the CN2000 and CN2019 vintages)")
        elif key == "end_year":
            if _int(val) is None or not (min(START_YEARS) < val <= MAX_END_YEAR):
                raise InputError(f"{show_value(val)} is not a valid end year", file=file,
                                 field=field, allowed=f"an integer year after start_year, "
                                 f"at most {MAX_END_YEAR}")
        elif key == "replicates":
            if _int(val) is None or val < 1:
                raise InputError(f"{show_value(val)} is not a number of replicates", file=file,
                                 field=field, allowed="an integer >= 1")
        elif key == "root_seed":
            if _int(val) is None or not (0 <= val <= MAX_SEED):
                raise InputError(f"{show_value(val)} is not a seed", file=file, field=field,
                                 allowed="an integer from 0 to 2^63-1")
        out[key] = val
    return out


def _parse_parameters(table: Mapping[str, Any], file: str) -> dict[str, float]:
    out: dict[str, float] = {}
    places: dict[str, str] = {}
    for name, val, place in _flatten(table):
        _once(out, places, name, check_override(name, val, file=file, field_prefix="parameters"),
              place, file, "parameters")
    return out


def _flatten(table: Mapping[str, Any], prefix: str = "",
             header: str = "parameters") -> Iterator[tuple[str, Any, str]]:
    """Nested parameter tables → (dotted name, value, where it was written): ``[parameters.
    migration] income_weight`` and ``"migration.income_weight"`` both name
    ``migration.income_weight``."""
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, Mapping):
            yield from _flatten(val, name, f"{header}.{key}" if "." not in str(key)
                                else f'{header}."{key}"')
        else:
            shown = f'"{key}"' if "." in str(key) else str(key)
            yield name, val, f"[{header}] {shown}"


def _once(out: dict[str, Any], places: dict[str, str], name: str, value: Any, place: str,
          file: str, section: str) -> None:
    """Set ``out[name]``, or raise naming both places when the name was already given (a dotted
    key and a table can spell the same name; the later must not win silently)."""
    if name in out:
        raise InputError(f"{name} is given twice: as {places[name]} and as {place}", file=file,
                         field=f"{section}.{name}", allowed="each name once")
    out[name] = value
    places[name] = place


def _parse_exogenous(table: Mapping[str, Any], file: str, base_dir: Path) -> dict[str, Schedule]:
    out: dict[str, Schedule] = {}
    for name, val in table.items():
        field = f"exogenous.{name}"
        spec = EXOGENOUS.get(name)
        if spec is None:
            raise unknown_key(name, list(EXOGENOUS), file=file, field=field,
                           what="exogenous driver")
        if isinstance(val, str) and not val.strip().lower().endswith(".csv"):
            raise InputError(f"string {val!r} is neither a number nor a CSV file name",
                             file=file, field=field,
                             allowed=f"a number in [{spec.bounds[0]:g}, {spec.bounds[1]:g}] "
                             f"{spec.unit}, a {{year = value}} table or a .csv file")
        if spec.provincial and _by_province(val, base_dir):
            out[name] = _provincial(val, spec, base_dir, file, field)
            continue
        out[name] = Schedule.parse(val, kind="float", bounds=spec.bounds, base_dir=base_dir,
                                   file=file, field=field)
    return out


def _by_province(val: Any, base_dir: Path) -> bool:
    """Whether a driver's value is written by province: a table keyed by province codes, an
    existing provincial schedule, or a CSV whose header is not 'year,value'."""
    if isinstance(val, ProvincialSchedule):
        return True
    if isinstance(val, Mapping):
        return bool(val) and all(len(str(k).strip()) == 2 for k in val)
    if isinstance(val, str) and val.strip().lower().endswith(".csv"):
        path = Path(val.strip())
        path = path if path.is_absolute() else base_dir / path
        try:
            text = read_text(path, limit=MAX_CSV_BYTES, what="CSV file")
        except InputError:
            return False  # Schedule.parse reports the unreadable file
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                return [c.strip().lower() for c in line.split(",")] != ["year", "value"]
    return False


def _provincial(val: Any, spec: Any, base_dir: Path, file: str, field: str) -> ProvincialSchedule:
    codes = province_codes()
    if isinstance(val, ProvincialSchedule):
        return ProvincialSchedule.from_table(val.to_value(), codes, bounds=spec.bounds, file=file,
                                             field=field, source=val.source)
    if isinstance(val, Mapping):
        return ProvincialSchedule.from_table(val, codes, bounds=spec.bounds, file=file,
                                             field=field)
    path = Path(val.strip())
    path = path if path.is_absolute() else base_dir / path
    return ProvincialSchedule.from_csv(path, codes, bounds=spec.bounds, file=file, field=field)


def _parse_levers_flat(flat: Mapping[str, Any], file: str, base_dir: Path) -> dict[str, Schedule]:
    out: dict[str, Schedule] = {}
    for name, val in flat.items():
        field = f"levers.{name}"
        spec = LEVERS.get(name)
        if spec is None:
            raise _unknown_lever(name, file, field)
        if spec.kind == "float" and isinstance(val, str) and not val.lower().endswith(".csv"):
            raise InputError(f"string {val!r} is neither a number nor a CSV file name",
                             file=file, field=field,
                             allowed=f"{spec.allowed()}, a {{year = value}} table or a .csv file")
        out[name] = Schedule.parse(val, kind=spec.kind, bounds=spec.bounds, choices=spec.choices,
                                   base_dir=base_dir, file=file, field=field)
    return out


def _parse_goal(table: Mapping[str, Any], file: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, val in table.items():
        field = f"goal.{key}"
        if key not in DIMENSIONS:
            raise unknown_key(key, DIMENSIONS, file=file, field=field, what="goal ratio")
        ok = isinstance(val, int | float) and not isinstance(val, bool)
        if not ok or not math.isfinite(val) or not (0 < val <= 2):
            raise InputError(f"{show_value(val)} is not a threshold", file=file, field=field,
                             allowed=f"a number θ in (0, 2]; {DEFAULT_THETA:g} reads 'roughly "
                             f"equal' as the West at >= {100 * DEFAULT_THETA:g} % of the East")
        out[key] = float(val)
    return out


def _check_vintage(val: Any, file: str) -> str:
    allowed = known_vintages()
    if not isinstance(val, str) or val not in allowed:
        raise InputError(f"{show_value(val)} is not a parameter vintage", file=file,
                         field="parameters.vintage", allowed=", ".join(allowed))
    return val


def known_vintages() -> list[str]:
    """Parameter vintages: the register's own plus every fitted vintage shipped."""
    fitted = resources.files("westdev.calibration").joinpath("fitted")
    names = list(BASE_VINTAGES)
    if fitted.is_dir():
        names += sorted(p.name[:-5] for p in fitted.iterdir()
                        if p.name.endswith(".toml") and p.name[:-5] not in names)
    return names


def _check_name(val: Any, file: str) -> str:
    if not isinstance(val, str) or not _NAME_RE.match(val):
        raise InputError(f"{show_value(val)} is not a scenario name", file=file, field="meta.name",
                         allowed="letters, digits, '_', '-', '.' (used in run ids and "
                         "folder names)")
    return val


def _check_str(val: Any, file: str, field: str, *, empty: bool = True) -> str:
    if not isinstance(val, str) or (not empty and not val.strip()):
        raise InputError(f"expected {'a' if empty else 'a non-empty'} string, got {show_value(val)}",
                         file=file, field=field)
    return val


def _check_table(val: Any, file: str, field: str) -> Mapping[str, Any]:
    if not isinstance(val, Mapping):
        raise InputError(f"expected a table, got {show_value(val)}", file=file, field=field,
                         allowed=f"a [{field}] table")
    return val


def _int(val: Any) -> int | None:
    return val if isinstance(val, int) and not isinstance(val, bool) else None


def _unknown_lever(name: str, file: str, field: str) -> InputError:
    area, _, key = name.partition(".")
    if area not in AREAS:
        return unknown_key(area, AREAS, file=file, field=field, what="lever area")
    in_area = [n.split(".", 1)[1] for n in LEVERS if n.startswith(f"{area}.")]
    close = difflib.get_close_matches(key, in_area, n=1)
    if close:
        hint = f"; did you mean '{area}.{close[0]}'?"
    else:
        elsewhere = [n for n in LEVERS if n.split(".", 1)[1] == key]
        close_all = elsewhere or difflib.get_close_matches(name, list(LEVERS), n=1)
        hint = f"; did you mean '{close_all[0]}'?" if close_all else ""
    return InputError(f"unknown lever '{name}'{hint}", file=file, field=field,
                      allowed=f"a lever of [levers.{area}]: " + ", ".join(in_area)
                      + " (see westdev levers)")


# ---------------------------------------------------------------------- merging
def _resolve(layers: list[_Layer], *, file: str) -> Scenario:
    """Merge layers (later wins per field), fill defaults and run the cross-field checks.

    ``meta`` is not inherited: a child without a name is named after its own file.
    """
    child = layers[-1]
    run: dict[str, Any] = {}
    vintage = DEFAULT_VINTAGE
    parameters: dict[str, float] = {}
    exogenous = {name: _default_exogenous(name) for name in EXOGENOUS}
    levers = {name: _default_lever(name) for name in LEVERS}
    goal: dict[str, float] = {}
    for layer in layers:
        run.update(layer.run)
        vintage = layer.vintage if layer.vintage is not None else vintage
        parameters.update(layer.parameters)
        exogenous.update(layer.exogenous)
        levers.update(layer.levers)
        goal.update(layer.goal)
    settings = RunSettings(**run)
    if settings.end_year <= settings.start_year:
        raise InputError(f"end_year {settings.end_year} is not after start_year "
                         f"{settings.start_year}", file=file, field="run.end_year",
                         allowed=f"an integer year in ({settings.start_year}, {MAX_END_YEAR}]")
    name = child.name if child.name is not None else Path(child.file).stem
    _check_name(name, file)
    return Scenario(
        name=name,
        description=child.description or "",
        source=str(child.file),
        run=settings,
        parameter_vintage=vintage,
        parameter_overrides=FrozenMap(sorted(parameters.items())),
        exogenous=FrozenMap(exogenous),
        levers=FrozenMap(levers),
        goal=GoalThresholds(**goal),
    )


def _default_lever(name: str) -> Schedule:
    spec = LEVERS[name]
    return Schedule.constant(spec.value_2019, kind=spec.kind, bounds=spec.bounds,
                             choices=spec.choices, file="westdev.policy.catalogue",
                             field=f"levers.{name}")


def _default_exogenous(name: str) -> Schedule:
    spec = EXOGENOUS[name]
    return Schedule.from_points(spec.default, bounds=spec.bounds, file="westdev.inputs.exogenous",
                                field=f"exogenous.{name}")


@lru_cache(maxsize=1)
def _defaults_scenario() -> Scenario:
    return _resolve([_Layer(file="defaults", base_dir=Path("."))], file="defaults")


def canonical_value(s: Schedule | ProvincialSchedule) -> Any:
    """One form per function of the year: constants as values, else {"year": value} (by
    province: {"code": canonical form}); content hashes, manifests and design points use it."""
    if isinstance(s, ProvincialSchedule):
        if s.is_constant:
            return s.value
        return {str(c): canonical_value(p) for c, p in zip(s.codes, s.by_province, strict=True)}
    if s.is_constant:
        return s.value if s.value is not None else s.points[0][1]
    return s.to_value()
