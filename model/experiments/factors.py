"""Factors of an experiment: what a factor name points at, how its values are drawn, and how a
design point is applied to a scenario.

**Factor names** are dotted: ``levers.<area>.<key>``, ``parameters.<section>.<key>``,
``exogenous.<driver>`` (the path replaced by a constant) or ``exogenous.<driver>.scale`` (the
base path multiplied by a factor). The prefix may be left out when the rest is unambiguous. A
lever factor sets the lever to a constant in every year.

**Distributions** map a unit draw u in [0, 1] to a value: ``uniform`` (range), ``triangular``
(range and mode, default the midpoint), ``normal`` (mean and sd, truncated to ``bounds``, by
default the factor's allowed range) and ``discrete`` (``values``, equally likely: the value
``values[floor(u·k)]``; on/off and choice levers must list their values).

`apply_design_point` is what a worker does with a run task's design point
(`westdev.experiments.runner.task_inputs`); the experiment files that name the factors are read
by `westdev.experiments.spec`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from westdev.errors import InputError
from westdev.inputs.exogenous import EXOGENOUS
from westdev.inputs.parameters import load_register
from westdev.inputs.scenario import Scenario
from westdev.inputs.schedule import ProvincialSchedule, Schedule
from westdev.inputs.validate import as_number, as_pair, is_int, show_value, unknown_key
from westdev.policy.catalogue import LEVERS

DISTRIBUTIONS = ("uniform", "triangular", "normal", "discrete")
FACTOR_KEYS = ("distribution", "range", "values", "mode", "mean", "sd", "bounds")
_KEYS_OF = {"uniform": {"distribution", "range"},
            "triangular": {"distribution", "range", "mode"},
            "normal": {"distribution", "mean", "sd", "bounds"},
            "discrete": {"distribution", "values"}}


# ====================================================================== factor targets
@dataclass(frozen=True, slots=True)
class Target:
    """What a factor name points at: a lever, a parameter, an exogenous path or its scale."""

    name: str  # canonical dotted name, e.g. "levers.fiscal.cit_rate_encouraged_west"
    kind: str  # "lever" | "parameter" | "exogenous" | "exogenous_scale"
    key: str  # the lever's / parameter's dotted name or the driver's name
    value_kind: str = "float"  # "float" | "bool" | "choice"
    bounds: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""

    def allowed(self) -> str:
        if self.value_kind == "bool":
            return "true or false"
        if self.value_kind == "choice":
            return " | ".join(repr(c) for c in self.choices)
        if self.kind == "exogenous_scale":
            return "a factor > 0 that keeps the scaled path within the driver's bounds " \
                   f"[{self.bounds[0]:g}, {self.bounds[1]:g}] {self.unit}"
        lo, hi = self.bounds  # type: ignore[misc]
        return f"a number in [{lo:g}, {hi:g}] {self.unit}".rstrip()


def _all_names() -> dict[str, str]:
    """Every valid factor name (canonical and short) → its canonical name."""
    names: dict[str, str] = {}
    for lever in LEVERS:
        names[f"levers.{lever}"] = f"levers.{lever}"
    for param in load_register():
        names[f"parameters.{param}"] = f"parameters.{param}"
    for driver in EXOGENOUS:
        names[f"exogenous.{driver}"] = f"exogenous.{driver}"
        names[f"exogenous.{driver}.scale"] = f"exogenous.{driver}.scale"
    return names


@lru_cache(maxsize=4096)
def find_target(name: str) -> Target | str:
    """The target of a factor name, or an error text (cached; `resolve_target` raises)."""
    if name.startswith("levers."):
        candidates = [name]
    elif name.startswith("parameters.") or name.startswith("exogenous."):
        candidates = [name]
    else:
        candidates = [f"levers.{name}", f"parameters.{name}", f"exogenous.{name}"]
    found = []
    register = load_register()
    for cand in candidates:
        prefix, _, rest = cand.partition(".")
        if prefix == "levers" and rest in LEVERS:
            spec = LEVERS[rest]
            found.append(Target(cand, "lever", rest, spec.kind, spec.bounds, spec.choices,
                                spec.unit))
        elif (prefix == "levers" and rest.endswith(".magnitude") and rest[:-10] in LEVERS
              and LEVERS[rest[:-10]].has_assumed_magnitude):
            found.append(Target(cand, "lever_magnitude", rest[:-10], "float", (0.0, 1.0), (),
                                "quantile of the documented range"))
        elif prefix == "parameters" and rest in register:
            spec = register[rest]
            found.append(Target(cand, "parameter", rest, "float", (spec.low, spec.high), (),
                                spec.unit))
        elif prefix == "exogenous":
            if rest in EXOGENOUS:
                spec = EXOGENOUS[rest]
                found.append(Target(cand, "exogenous", rest, "float", spec.bounds, (),
                                    spec.unit))
            elif rest.endswith(".scale") and rest[:-6] in EXOGENOUS:
                spec = EXOGENOUS[rest[:-6]]
                found.append(Target(cand, "exogenous_scale", rest[:-6], "float", spec.bounds,
                                    (), spec.unit))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        return ("ambiguous factor name; write it with its prefix: "
                + " or ".join(repr(t.name) for t in found))
    names = _all_names()
    short = {n.split(".", 1)[1]: n for n in names}
    close = difflib.get_close_matches(name, list(names) + list(short), n=1, cutoff=0.6)
    hint = f"; did you mean '{names.get(close[0], short.get(close[0]))}'?" if close else ""
    return f"unknown factor '{name}'{hint}"


def resolve_target(name: Any, *, file: str | None = None, field: str | None = None) -> Target:
    """The lever, parameter or exogenous path a factor name points at (`InputError` if none)."""
    if not isinstance(name, str) or not name:
        raise InputError(f"{name!r} is not a factor name", file=file, field=field,
                         allowed=_FACTOR_NAMES)
    found = find_target(name)
    if isinstance(found, str):
        raise InputError(found, file=file, field=field, allowed=_FACTOR_NAMES)
    return found


_FACTOR_NAMES = ("levers.<area>.<key> (westdev levers), parameters.<section>.<key> (westdev "
                 "params), exogenous.<driver> or exogenous.<driver>.scale (drivers: "
                 + ", ".join(EXOGENOUS) + ")")


# ====================================================================== factors
@dataclass(frozen=True, slots=True)
class Factor:
    """One uncertain or varied input: its target and the distribution of its values."""

    target: Target
    distribution: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    values: tuple[Any, ...] = ()

    @property
    def name(self) -> str:
        return self.target.name

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Values for unit draws `u` (inverse CDF; discrete: ``values[floor(u·k)]``)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.distribution == "discrete":
            k = len(self.values)
            idx = np.minimum((u * k).astype(int), k - 1)
            return [self.values[i] for i in idx]
        lo, hi = self.low, self.high
        if self.distribution == "uniform":
            x = lo + u * (hi - lo)
        elif self.distribution == "triangular":
            from scipy import stats

            c = (self.mode - lo) / (hi - lo)
            x = stats.triang.ppf(u, c, loc=lo, scale=hi - lo)
        else:  # truncated normal
            from scipy import stats

            a, b = (lo - self.mean) / self.sd, (hi - self.mean) / self.sd
            x = stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)
        return [float(v) for v in np.clip(x, lo, hi)]

    def spec(self) -> dict[str, Any]:
        """The canonical table of this factor (as in an experiment file)."""
        if self.distribution == "discrete":
            return {"values": list(self.values)}
        out: dict[str, Any] = {"distribution": self.distribution}
        if self.distribution == "normal":
            out.update(mean=self.mean, sd=self.sd, bounds=[self.low, self.high])
        else:
            out["range"] = [self.low, self.high]
            if self.distribution == "triangular":
                out["mode"] = self.mode
        return out

    def extremes(self) -> list[Any]:
        """The values that bound what the factor can take (for up-front checks)."""
        if self.distribution == "discrete":
            return list(self.values)
        return [self.low, self.high]


def describe_factor(f: Factor) -> str:
    """One line for ``--dry-run``: the factor's distribution or values."""
    if f.distribution == "discrete":
        return "values " + ", ".join(json.dumps(v) for v in f.values)
    if f.distribution == "normal":
        return f"normal(mean {f.mean:g}, sd {f.sd:g}) in [{f.low:g}, {f.high:g}]"
    if f.distribution == "triangular":
        return f"triangular [{f.low:g}, {f.high:g}], mode {f.mode:g}"
    return f"uniform [{f.low:g}, {f.high:g}]"


def parse_factor(name: str, table: Any, *, file: str, field: str) -> Factor:
    """Check one ``[factors.<name>]`` table against its target's kind and allowed range."""
    target = resolve_target(name, file=file, field=field)
    if not isinstance(table, Mapping):
        raise InputError(f"expected a table, got {show_value(table)}", file=file, field=field,
                         allowed="a table with range = [low, high], or values = [...], or "
                         "distribution = 'normal' with mean, sd and bounds")
    for key in table:
        if key not in FACTOR_KEYS:
            raise unknown_key(key, FACTOR_KEYS, file=file, field=f"{field}.{key}")
    dist = table.get("distribution", "discrete" if "values" in table else "uniform")
    if dist not in DISTRIBUTIONS:
        raise InputError(f"unknown distribution {show_value(dist)}", file=file,
                         field=f"{field}.distribution", allowed=" | ".join(DISTRIBUTIONS))
    for key in table:
        if key not in _KEYS_OF[dist]:
            raise InputError(f"'{key}' does not apply to a {dist} factor", file=file,
                             field=f"{field}.{key}",
                             allowed=", ".join(sorted(_KEYS_OF[dist])))
    if target.value_kind != "float" and dist != "discrete":
        raise InputError(f"an {'on/off' if target.value_kind == 'bool' else 'choice'} lever "
                         "takes listed values, not a distribution", file=file, field=field,
                         allowed=f"values = [...] of {target.allowed()}")
    if dist == "discrete":
        if "values" not in table:
            raise InputError("a discrete factor needs values", file=file,
                             field=f"{field}.values", allowed=f"a list of {target.allowed()}")
        values = _check_values(table["values"], target, file=file, field=f"{field}.values",
                               minimum=2)
        return Factor(target, "discrete", values=values)
    if dist == "normal":
        for key in ("mean", "sd"):
            if key not in table:
                raise InputError(f"a normal factor needs '{key}'", file=file,
                                 field=f"{field}.{key}", allowed="a number")
        mean = as_number(table["mean"], file=file, field=f"{field}.mean")
        sd = as_number(table["sd"], file=file, field=f"{field}.sd")
        if sd <= 0:
            raise InputError(f"sd {sd:g} is not positive", file=file, field=f"{field}.sd",
                             allowed="a number > 0")
        if "bounds" in table:
            lo, hi = as_pair(table["bounds"], file=file, field=f"{field}.bounds")
        elif target.bounds is not None and target.kind != "exogenous_scale":
            lo, hi = target.bounds
        else:
            raise InputError("a normal factor needs bounds here", file=file,
                             field=f"{field}.bounds", allowed="bounds = [low, high]")
        check_range(lo, hi, target, file=file, field=f"{field}.bounds")
        return Factor(target, "normal", low=lo, high=hi, mean=mean, sd=sd)
    if "range" not in table:
        raise InputError(f"a {dist} factor needs a range", file=file, field=f"{field}.range",
                         allowed=f"range = [low, high] within {target.allowed()}")
    lo, hi = as_pair(table["range"], file=file, field=f"{field}.range")
    check_range(lo, hi, target, file=file, field=f"{field}.range")
    if dist == "uniform":
        return Factor(target, "uniform", low=lo, high=hi)
    mode = as_number(table.get("mode", (lo + hi) / 2), file=file, field=f"{field}.mode")
    if not lo <= mode <= hi:
        raise InputError(f"mode {mode:g} is outside the range", file=file,
                         field=f"{field}.mode", allowed=f"a number in [{lo:g}, {hi:g}]")
    return Factor(target, "triangular", low=lo, high=hi, mode=mode)


def parse_grid_values(name: str, raw: Any, *, file: str, field: str) -> Factor:
    """A ``[grid]`` entry: a list of values, or ``{range = [lo, hi], steps = n}`` for numbers."""
    target = resolve_target(name, file=file, field=field)
    if isinstance(raw, Mapping):
        for key in raw:
            if key not in ("range", "steps"):
                raise unknown_key(key, ("range", "steps"), file=file, field=f"{field}.{key}")
        if target.value_kind != "float":
            raise InputError("on/off and choice levers are listed explicitly", file=file,
                             field=field, allowed=f"a list of {target.allowed()}")
        if "range" not in raw or "steps" not in raw:
            raise InputError("a grid range needs both 'range' and 'steps'", file=file,
                             field=field, allowed="{range = [low, high], steps = n >= 2}")
        lo, hi = as_pair(raw["range"], file=file, field=f"{field}.range")
        check_range(lo, hi, target, file=file, field=f"{field}.range")
        steps = raw["steps"]
        if not is_int(steps) or steps < 2:
            raise InputError(f"{show_value(steps)} steps", file=file, field=f"{field}.steps",
                             allowed="an integer >= 2")
        values = tuple(float(v) for v in np.linspace(lo, hi, steps))
        return Factor(target, "discrete", values=values)
    values = _check_values(raw, target, file=file, field=field, minimum=1)
    return Factor(target, "discrete", values=values)


def _check_values(raw: Any, target: Target, *, file: str, field: str,
                  minimum: int) -> tuple[Any, ...]:
    allowed = f"a list of {target.allowed()}"
    if not isinstance(raw, list | tuple) or len(raw) < minimum:
        raise InputError(f"expected a list of at least {minimum} value(s), got {show_value(raw)}",
                         file=file, field=field, allowed=allowed)
    out = []
    for i, v in enumerate(raw):
        where = f"{field}[{i}]"
        if target.value_kind == "bool":
            if not isinstance(v, bool):
                raise InputError(f"{show_value(v)} is not true or false", file=file, field=where,
                                 allowed="true or false (an on/off lever)")
        elif target.value_kind == "choice":
            if not isinstance(v, str) or v not in target.choices:
                raise InputError(f"{show_value(v)} is not one of the choices", file=file,
                                 field=where, allowed=target.allowed())
        else:
            v = as_number(v, file=file, field=where)
            check_range(v, v, target, file=file, field=where)
        out.append(v)
    if len(set(out)) != len(out):
        raise InputError("a value is listed twice", file=file, field=field,
                         allowed="distinct values")
    return tuple(out)


def check_range(lo: float, hi: float, target: Target, *, file: str, field: str) -> None:
    """Check [lo, hi] against what the target allows (a scale only for being positive)."""
    if lo > hi:
        raise InputError(f"low {lo:g} is above high {hi:g}", file=file, field=field,
                         allowed="[low, high] with low <= high")
    if target.kind == "exogenous_scale":
        if lo <= 0:
            raise InputError(f"scale {lo:g} is not positive", file=file, field=field,
                             allowed="scale factors > 0")
        return  # the scaled path is checked against each base scenario
    b_lo, b_hi = target.bounds  # type: ignore[misc]
    if lo < b_lo or hi > b_hi:
        what = f"[{lo:g}, {hi:g}]" if lo != hi else f"{lo:g}"
        raise InputError(f"{what} is outside the allowed range of {target.name}", file=file,
                         field=field, allowed=target.allowed())


# ====================================================================== design points
def apply_design_point(scenario: Scenario,
                       point: Mapping[str, Any]) -> tuple[Scenario, dict[str, float]]:
    """The scenario with a design point applied, and parameter overrides (always ``{}``: the
    parameters are set on the scenario, so its hash and ``inputs_json`` show them).

    Keys are factor names; ``name`` renames the scenario (decompositions label lever subsets
    with it). Lever values may be constants or ``{year: value}`` schedules.
    """
    levers: dict[str, Any] = {}
    params: dict[str, float] = {}
    exo: dict[str, Any] = {}
    name = None
    for key, value in point.items():
        if key == "name":
            name = str(value)
            continue
        target = resolve_target(key, file=scenario.source, field=f"design point {key}")
        if target.kind == "lever":
            levers[target.key] = value
        elif target.kind == "parameter":
            params[target.key] = float(value)
        elif target.kind == "exogenous":
            exo[target.key] = value
        elif target.kind == "lever_magnitude":
            drawn = drawn_magnitude(scenario.levers[target.key], target.key, float(value))
            if drawn is not None:
                levers[target.key] = drawn
        else:
            exo[target.key] = _scaled(scenario.exogenous[target.key], float(value))
    out = scenario.with_overrides(name=name, levers=levers or None, parameters=params or None,
                                  exogenous=exo or None)
    return out, {}


def drawn_magnitude(schedule: Schedule, lever: str, u: float) -> Any:
    """A lever's schedule with its assumed magnitude drawn: the quantile `u` of the documented
    range of the value the schedule ends at (`LeverSpec.evidence_of`), or None when that value
    is documented, a definition or the user's own.

    A phase-in keeps its timing: each point moves in proportion along the way from the
    schedule's first value to its last, so ``{2020: 0.35, 2025: 0.4}`` with the final value
    drawn at 0.45 becomes ``{2020: 0.35, 2025: 0.45}``; a constant becomes the drawn constant.
    """
    spec = LEVERS[lever]
    if spec.kind != "float":
        return None
    points = [(None, schedule.value)] if schedule.value is not None else list(schedule.points)
    first, last = float(points[0][1]), float(points[-1][1])
    evidence = spec.evidence_of(last)
    if evidence is None or not evidence.assumed or evidence.range is None:
        return None
    lo, hi = evidence.range
    target = lo + min(max(u, 0.0), 1.0) * (hi - lo)
    if schedule.value is not None or first == last:
        return target
    share = (target - first) / (last - first)
    return {str(y): first + (float(v) - first) * share for y, v in points}


def _scaled(schedule: Any, factor: float) -> Any:
    if isinstance(schedule, ProvincialSchedule):
        return schedule.scaled(factor)
    if schedule.value is not None:
        return float(schedule.value) * factor
    return {str(y): float(v) * factor for y, v in schedule.points}


def path_extremes(schedule: Any) -> tuple[float, float]:
    """The smallest and largest value of an exogenous path (over provinces, if by province)."""
    if isinstance(schedule, ProvincialSchedule):
        return schedule.extremes()
    vals = [float(schedule.value)] if schedule.value is not None else [
        float(v) for _, v in schedule.points]
    return min(vals), max(vals)
