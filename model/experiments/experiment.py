"""Experiments: sweeps, uncertainty ensembles, sensitivity designs and package decompositions.

An experiment file (TOML, ``scenarios/experiments/``; schema in ``scenarios/README.md``) names a
base scenario and a design; this module turns it into design points and run tasks for the one
runner (`westdev.experiments.runner.run_batch`) and records the whole request in the store's manifest, so
that ``westdev rerun DIR/manifest.json`` repeats it exactly.

Kinds and their design tables:

``sweep``
    ``[grid]``: full factorial over listed values of levers, parameters and exogenous drivers;
    or ``[sample] method = "lhs"`` over ``[factors.*]`` distributions.
``sensitivity``
    ``[sample] method = "sobol" | "morris"`` over ``[factors.*]`` (SALib's samplers, in their row
    order; analysed by `westdev.analysis.sensitivity`).
``ensemble``
    ``[ensemble]``: each design point draws the uncertain parameters (by default those tagged
    *calibrated* in the register; until the calibration issue ships a posterior, uniform over the
    register's documented range) and scale factors of the exogenous paths (frontier TFP growth,
    world demand growth, commodity prices), then replicates add idiosyncratic noise. The
    probability of meeting the goal is the share of runs that meet it (`westdev.analysis.summaries`).
``decomposition``
    ``[decomposition]``: the base scenario with subsets of a package's levers switched on, for
    one-at-a-time and Shapley splits of the package's effect and cost (`westdev.analysis.summaries`).

**Factor names** are dotted: ``levers.<area>.<key>``, ``parameters.<section>.<key>``,
``exogenous.<driver>`` (the path replaced by a constant) or ``exogenous.<driver>.scale`` (the
base path multiplied by a factor). The prefix may be left out when the rest is unambiguous. A
lever factor sets the lever to a constant in every year.

**Seeds.** A run's seed is ``run_seed(root_seed, design point, replicate)`` (DESIGN §8): adding
points or replicates never changes the seeds of the others. With ``common_random_numbers =
true`` lever values are left out of the seed's design point, so every policy variant of a point
shares its random numbers (decompositions always do; ensembles with several scenarios do too,
since their points hold no levers).

**Distributions** map a unit draw u in [0, 1] to a value: ``uniform`` (range), ``triangular``
(range and mode, default the midpoint), ``normal`` (mean and sd, truncated to ``bounds``, by
default the factor's allowed range) and ``discrete`` (``values``, equally likely: the value
``values[floor(u·k)]``; on/off and choice levers must list their values).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import itertools
import json
import math
import re
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from westdev.errors import InputError
from westdev.experiments.runner import (
    DEFAULT_SIMULATE,
    RunTask,
    execute,
    get_backend,
    run_batch,
    simulate_name,
)
from westdev.experiments.seeds import run_seed
from westdev.experiments.store import ResultsStore
from westdev.inputs.exogenous import EXOGENOUS
from westdev.inputs.parameters import TAGS, load_parameters, load_register
from westdev.inputs.regions import REGION_GROUPS
from westdev.inputs.resolution import RESOLUTIONS
from westdev.inputs.scenario import (  # one wording for bad-input messages
    MAX_SEED,
    FrozenMap,
    Scenario,
    _show,
    _unknown,
    load_scenario,
    shipped_path,
)
from westdev.inputs.schedule import ProvincialSchedule
from westdev.policy.catalogue import LEVERS

KINDS = ("sweep", "ensemble", "sensitivity", "decomposition")
STORE_KIND = {"sweep": "sweep", "ensemble": "ensemble", "sensitivity": "sensitivity",
              "decomposition": "compare"}
SAMPLERS = ("lhs", "sobol", "morris")
ENSEMBLE_METHODS = ("random", "lhs")
DISTRIBUTIONS = ("uniform", "triangular", "normal", "discrete")
# ensemble draws of register parameters: uniform or triangular over the register's range, or
# "fitted": the calibration's uncertainty for the parameters of the scenario's fitted vintage
# (uniform for the rest)
ENSEMBLE_DISTRIBUTIONS = ("uniform", "triangular", "fitted")
DECOMPOSITION_METHODS = ("both", "shapley", "oat")
MAX_EXACT_SHAPLEY = 10
TABLES = ("experiment", "run", "outputs", "grid", "sample", "factors", "ensemble",
          "decomposition")
GOAL_OUTCOMES = ("West:west_east_ratio_income", "West:west_east_ratio_public_services",
                 "West:west_east_ratio_infrastructure")
DEFAULT_EXOGENOUS_SCALES: dict[str, tuple[float, float]] = {
    "frontier_tfp_growth": (0.5, 1.5),
    "world_demand_growth": (0.5, 1.5),
    "commodity_price_index": (0.7, 1.3),
}
# A documented fallback for dry-run estimates when a timing run is not possible: seconds per
# run of 2019→2035 on the reference machine (README, bench/run_times.py), scaled by years.
SECONDS_PER_RUN = {"small": 0.4, "default": 1.2, "large": 8.0}
_INDICATOR_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


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
def _target(name: str) -> Target | str:
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
    found = _target(name)
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


_FACTOR_KEYS = ("distribution", "range", "values", "mode", "mean", "sd", "bounds")
_KEYS_OF = {"uniform": {"distribution", "range"},
            "triangular": {"distribution", "range", "mode"},
            "normal": {"distribution", "mean", "sd", "bounds"},
            "discrete": {"distribution", "values"}}


def parse_factor(name: str, table: Any, *, file: str, field: str) -> Factor:
    """Check one ``[factors.<name>]`` table against its target's kind and allowed range."""
    target = resolve_target(name, file=file, field=field)
    if not isinstance(table, Mapping):
        raise InputError(f"expected a table, got {_show(table)}", file=file, field=field,
                         allowed="a table with range = [low, high], or values = [...], or "
                         "distribution = 'normal' with mean, sd and bounds")
    for key in table:
        if key not in _FACTOR_KEYS:
            raise _unknown(key, _FACTOR_KEYS, file=file, field=f"{field}.{key}")
    dist = table.get("distribution", "discrete" if "values" in table else "uniform")
    if dist not in DISTRIBUTIONS:
        raise InputError(f"unknown distribution {_show(dist)}", file=file,
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
        mean = _number(table["mean"], file=file, field=f"{field}.mean")
        sd = _number(table["sd"], file=file, field=f"{field}.sd")
        if sd <= 0:
            raise InputError(f"sd {sd:g} is not positive", file=file, field=f"{field}.sd",
                             allowed="a number > 0")
        if "bounds" in table:
            lo, hi = _pair(table["bounds"], file=file, field=f"{field}.bounds")
        elif target.bounds is not None and target.kind != "exogenous_scale":
            lo, hi = target.bounds
        else:
            raise InputError("a normal factor needs bounds here", file=file,
                             field=f"{field}.bounds", allowed="bounds = [low, high]")
        _check_range(lo, hi, target, file=file, field=f"{field}.bounds")
        return Factor(target, "normal", low=lo, high=hi, mean=mean, sd=sd)
    if "range" not in table:
        raise InputError(f"a {dist} factor needs a range", file=file, field=f"{field}.range",
                         allowed=f"range = [low, high] within {target.allowed()}")
    lo, hi = _pair(table["range"], file=file, field=f"{field}.range")
    _check_range(lo, hi, target, file=file, field=f"{field}.range")
    if dist == "uniform":
        return Factor(target, "uniform", low=lo, high=hi)
    mode = _number(table.get("mode", (lo + hi) / 2), file=file, field=f"{field}.mode")
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
                raise _unknown(key, ("range", "steps"), file=file, field=f"{field}.{key}")
        if target.value_kind != "float":
            raise InputError("on/off and choice levers are listed explicitly", file=file,
                             field=field, allowed=f"a list of {target.allowed()}")
        if "range" not in raw or "steps" not in raw:
            raise InputError("a grid range needs both 'range' and 'steps'", file=file,
                             field=field, allowed="{range = [low, high], steps = n >= 2}")
        lo, hi = _pair(raw["range"], file=file, field=f"{field}.range")
        _check_range(lo, hi, target, file=file, field=f"{field}.range")
        steps = raw["steps"]
        if not _is_int(steps) or steps < 2:
            raise InputError(f"{_show(steps)} steps", file=file, field=f"{field}.steps",
                             allowed="an integer >= 2")
        values = tuple(float(v) for v in np.linspace(lo, hi, steps))
        return Factor(target, "discrete", values=values)
    values = _check_values(raw, target, file=file, field=field, minimum=1)
    return Factor(target, "discrete", values=values)


def _check_values(raw: Any, target: Target, *, file: str, field: str,
                  minimum: int) -> tuple[Any, ...]:
    allowed = f"a list of {target.allowed()}"
    if not isinstance(raw, list | tuple) or len(raw) < minimum:
        raise InputError(f"expected a list of at least {minimum} value(s), got {_show(raw)}",
                         file=file, field=field, allowed=allowed)
    out = []
    for i, v in enumerate(raw):
        where = f"{field}[{i}]"
        if target.value_kind == "bool":
            if not isinstance(v, bool):
                raise InputError(f"{_show(v)} is not true or false", file=file, field=where,
                                 allowed="true or false (an on/off lever)")
        elif target.value_kind == "choice":
            if not isinstance(v, str) or v not in target.choices:
                raise InputError(f"{_show(v)} is not one of the choices", file=file,
                                 field=where, allowed=target.allowed())
        else:
            v = _number(v, file=file, field=where)
            _check_range(v, v, target, file=file, field=where)
        out.append(v)
    if len(set(out)) != len(out):
        raise InputError("a value is listed twice", file=file, field=field,
                         allowed="distinct values")
    return tuple(out)


def _check_range(lo: float, hi: float, target: Target, *, file: str, field: str) -> None:
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
        else:
            exo[target.key] = _scaled(scenario.exogenous[target.key], float(value))
    out = scenario.with_overrides(name=name, levers=levers or None, parameters=params or None,
                                  exogenous=exo or None)
    return out, {}


def _scaled(schedule: Any, factor: float) -> Any:
    if isinstance(schedule, ProvincialSchedule):
        return schedule.scaled(factor)
    if schedule.value is not None:
        return float(schedule.value) * factor
    return {str(y): float(v) * factor for y, v in schedule.points}


def _path_extremes(schedule: Any) -> tuple[float, float]:
    if isinstance(schedule, ProvincialSchedule):
        return schedule.extremes()
    vals = [float(schedule.value)] if schedule.value is not None else [
        float(v) for _, v in schedule.points]
    return min(vals), max(vals)


# ====================================================================== the experiment
@dataclass(frozen=True)
class Experiment:
    """A checked experiment: base scenario(s), design, replicates, seeds and outputs.

    Build with `load_experiment` (a file) or `experiment_from_dict`; `points()` gives the
    design points in order, `tasks()` the run tasks, `request()` the canonical description
    stored in the manifest (from which `experiment_from_dict` rebuilds the same experiment).
    """

    name: str
    description: str
    kind: str
    source: str
    scenarios: tuple[Scenario, ...]
    replicates: int
    root_seed: int
    common_random_numbers: bool
    outcomes: tuple[str, ...]
    years: tuple[int, ...]
    design: str  # "grid" | "lhs" | "sobol" | "morris" | "random" | "decomposition"
    factors: tuple[Factor, ...] = ()
    sample: Mapping[str, Any] = field(default_factory=dict)
    ensemble: Mapping[str, Any] = field(default_factory=dict)
    decomposition: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ sizes
    @property
    def n_points(self) -> int:
        if self.design == "grid":
            return math.prod(len(f.values) for f in self.factors)
        if self.design == "decomposition":
            return len(self.subsets())
        if self.design == "random":
            return int(self.ensemble["draws"])
        return len(self.unit_sample())

    @property
    def n_runs(self) -> int:
        return self.n_points * self.replicates * len(self.scenarios)

    @property
    def base(self) -> Scenario:
        return self.scenarios[0]

    # ------------------------------------------------------------------ design
    def problem(self) -> dict[str, Any]:
        """The SALib problem: every factor on the unit interval (values come from the unit
        draws through each factor's inverse CDF)."""
        return {"num_vars": len(self.factors), "names": [f.name for f in self.factors],
                "bounds": [[0.0, 1.0]] * len(self.factors)}

    def unit_sample(self) -> np.ndarray:
        """The sampler's unit matrix, one row per design point (sampled designs only)."""
        return _unit_sample(self)

    def points(self) -> list[dict[str, Any]]:
        """The design points in order: ``{factor name: value}`` (decompositions: lever values
        and the subset's scenario name)."""
        if self.design == "grid":
            names = [f.name for f in self.factors]
            return [dict(zip(names, combo, strict=True))
                    for combo in itertools.product(*(f.values for f in self.factors))]
        if self.design == "decomposition":
            return [self._subset_point(s) for s in self.subsets()]
        u = self.unit_sample()
        columns = [f.from_unit(u[:, j]) for j, f in enumerate(self.factors)]
        return [{f.name: columns[j][i] for j, f in enumerate(self.factors)}
                for i in range(len(u))]

    def seed_point(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """The part of a design point that the run seed depends on (see module docstring)."""
        if self.design == "decomposition":
            return {}
        if self.common_random_numbers:
            return {k: v for k, v in point.items() if not k.startswith("levers.")}
        return dict(point)

    def tasks(self) -> list[RunTask]:
        """One task per scenario × design point × replicate, in that order."""
        tasks = []
        points = self.points()
        width = max(4, len(str(max(len(points) - 1, 0))))
        for scenario in self.scenarios:
            for i, point in enumerate(points):
                seed_point = self.seed_point(point)
                for r in range(self.replicates):
                    if self.design == "decomposition":
                        run_id = f"{point['name']}-r{r:04d}"
                    else:
                        run_id = f"{scenario.name}-p{i:0{width}d}-r{r:04d}"
                    tasks.append(RunTask(run_id, scenario, r,
                                         run_seed(self.root_seed, seed_point, r), None,
                                         FrozenMap(), FrozenMap(point), i))
        return tasks

    # ------------------------------------------------------------------ decompositions
    def subsets(self) -> list[tuple[str, ...]]:
        """The lever subsets a decomposition runs, in a fixed order (empty set first)."""
        if self.design != "decomposition":
            return []
        return lever_subsets(self.decomposition["levers"], self.decomposition["method"],
                             self.decomposition["permutations"], self.decomposition["seed"])

    def permutations(self) -> list[tuple[str, ...]] | None:
        """The sampled permutations of a sampled Shapley decomposition (None when exact)."""
        d = self.decomposition
        if self.design != "decomposition" or d["method"] == "oat" or \
                len(d["levers"]) <= MAX_EXACT_SHAPLEY:
            return None
        return sampled_permutations(d["levers"], d["permutations"], d["seed"])

    def subset_name(self, subset: Sequence[str]) -> str:
        levers = list(self.decomposition["levers"])
        base, package = self.base.name, self.decomposition["package"].name
        on = set(subset)
        if not on:
            return base
        if len(on) == len(levers):
            return package
        if len(on) == 1:
            return f"{base}.plus.{next(iter(on))}"
        if len(on) == len(levers) - 1:
            return f"{package}.minus.{next(lv for lv in levers if lv not in on)}"
        mask = sum(1 << i for i, lv in enumerate(levers) if lv in on)
        return f"{package}.s{mask:x}"

    def _subset_point(self, subset: Sequence[str]) -> dict[str, Any]:
        package = self.decomposition["package"]
        point: dict[str, Any] = {"name": self.subset_name(subset)}
        for lever in subset:
            point[f"levers.{lever}"] = _canonical_schedule(package.levers[lever])
        return point

    # ------------------------------------------------------------------ the request
    def request(self) -> dict[str, Any]:
        """The canonical, JSON-ready description (stored as the manifest's request)."""
        req: dict[str, Any] = {
            "experiment": {"name": self.name, "description": self.description,
                           "kind": self.kind,
                           "common_random_numbers": self.common_random_numbers,
                           "scenarios": [inline_scenario(s) for s in self.scenarios]},
            "run": {"replicates": self.replicates, "root_seed": self.root_seed},
            "outputs": {"outcomes": list(self.outcomes), "years": list(self.years)},
        }
        if self.design == "grid":
            # lists, not tables: manifests sort table keys, and the order of factors fixes
            # the design (point order, SALib's columns)
            req["grid"] = [{"name": f.name, "values": list(f.values)} for f in self.factors]
        elif self.design == "decomposition":
            d = dict(self.decomposition)
            d["package"] = inline_scenario(d["package"])
            d["levers"] = list(d["levers"])
            req["decomposition"] = d
        else:
            if self.design == "random" or self.kind == "ensemble":
                req["ensemble"] = {**dict(self.ensemble), "parameters": [],
                                   "exogenous_scale": {}}
            else:
                req["sample"] = dict(self.sample)
            req["factors"] = [{"name": f.name, **f.spec()} for f in self.factors]
        return json.loads(json.dumps(req))

    def describe(self) -> str:
        """A few lines for ``--dry-run``: kind, design, factors, run count."""
        scen = ", ".join(s.name for s in self.scenarios)
        first = self.base.run
        lines = [f"experiment {self.name} ({self.kind}, design: {self.design}) on {scen}",
                 f"years {first.start_year}-{first.end_year}, resolution {first.resolution}, "
                 f"root seed {self.root_seed}"]
        if self.design == "decomposition":
            d = self.decomposition
            lines.append(f"{len(d['levers'])} levers of {d['package'].name} ({d['method']}): "
                         + ", ".join(d["levers"]))
        else:
            for f in self.factors:
                lines.append(f"  {f.name}: {_describe_factor(f)}")
        lines.append(f"runs: {self.n_runs} = {self.n_points} points × {self.replicates} "
                     f"replicates × {len(self.scenarios)} scenario(s)")
        return "\n".join(lines)


def _describe_factor(f: Factor) -> str:
    if f.distribution == "discrete":
        return "values " + ", ".join(json.dumps(v) for v in f.values)
    if f.distribution == "normal":
        return f"normal(mean {f.mean:g}, sd {f.sd:g}) in [{f.low:g}, {f.high:g}]"
    if f.distribution == "triangular":
        return f"triangular [{f.low:g}, {f.high:g}], mode {f.mode:g}"
    return f"uniform [{f.low:g}, {f.high:g}]"


def _unit_sample(exp: Experiment) -> np.ndarray:
    key = json.dumps([exp.design, dict(exp.sample), dict(exp.ensemble),
                      [f.name for f in exp.factors]], sort_keys=True, default=str)
    cached = _SAMPLE_CACHE.get(key)
    if cached is not None:
        return cached
    problem = exp.problem()
    d = len(exp.factors)
    if exp.design == "random":
        seed, draws = int(exp.ensemble["seed"]), int(exp.ensemble["draws"])
        # one generator per draw: adding draws never changes the earlier ones
        u = np.array([np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
                      .random(d) for i in range(draws)]).reshape(draws, d)
    elif exp.design == "lhs":
        from SALib.sample import latin

        settings = exp.ensemble if exp.kind == "ensemble" else exp.sample
        n = int(settings.get("draws", settings.get("n")))
        u = latin.sample(problem, n, seed=int(settings["seed"]))
    elif exp.design == "sobol":
        from SALib.sample import sobol

        u = sobol.sample(problem, int(exp.sample["n"]),
                         calc_second_order=bool(exp.sample["calc_second_order"]),
                         seed=int(exp.sample["seed"]))
    elif exp.design == "morris":
        from SALib.sample import morris

        u = morris.sample(problem, int(exp.sample["n"]), num_levels=int(exp.sample["levels"]),
                          seed=int(exp.sample["seed"]))
    else:
        raise ValueError(f"no unit sample for design {exp.design!r}")
    u = np.asarray(u, dtype=float)
    if len(_SAMPLE_CACHE) > 16:
        _SAMPLE_CACHE.clear()
    _SAMPLE_CACHE[key] = u
    return u


_SAMPLE_CACHE: dict[str, np.ndarray] = {}


# ---------------------------------------------------------------------- subsets for decompositions
def sampled_permutations(levers: Sequence[str], n: int, seed: int) -> list[tuple[str, ...]]:
    """`n` random orderings of the levers (reproducible from `seed`)."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(0x5A,)))
    return [tuple(levers[i] for i in rng.permutation(len(levers))) for _ in range(int(n))]


def lever_subsets(levers: Sequence[str], method: str, permutations: int,
                  seed: int) -> list[tuple[str, ...]]:
    """Subsets (in catalogue order within each) that a decomposition needs, empty set first.

    one-at-a-time: ∅, the full package, each lever alone, the package without each lever.
    Shapley: every subset (≤ 10 levers, exact), or the prefixes of sampled permutations.
    """
    levers = list(levers)
    order = {lv: i for i, lv in enumerate(levers)}
    subsets: dict[frozenset, None] = {frozenset(): None, frozenset(levers): None}
    if method in ("oat", "both"):
        for lv in levers:
            subsets[frozenset([lv])] = None
            subsets[frozenset(levers) - {lv}] = None
    if method in ("shapley", "both"):
        if len(levers) <= MAX_EXACT_SHAPLEY:
            for k in range(len(levers) + 1):
                for combo in itertools.combinations(levers, k):
                    subsets[frozenset(combo)] = None
        else:
            for perm in sampled_permutations(levers, permutations, seed):
                for k in range(len(perm) + 1):
                    subsets[frozenset(perm[:k])] = None
    ordered = sorted(subsets, key=lambda s: (len(s), sorted(order[x] for x in s)))
    return [tuple(sorted(s, key=order.get)) for s in ordered]


# ====================================================================== loading
def load_experiment(path: str | Path) -> Experiment:
    """Load and check an experiment file (a path, or a shipped name such as "smoke")."""
    path = _locate_experiment(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=file, allowed="a UTF-8 TOML file") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", file=file,
                         allowed="TOML syntax, see scenarios/README.md") from None
    return experiment_from_dict(raw, file=file, base_dir=path.parent,
                                default_name=path.stem)


def shipped_experiments() -> list[str]:
    """Names of the experiment files shipped in ``westdev.scenarios/experiments``."""
    root = resources.files("westdev.scenarios").joinpath("experiments")
    if not root.is_dir():
        return []
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def _locate_experiment(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.exists():
        if path.is_dir():
            raise InputError("is a directory, not an experiment file", file=str(path),
                             allowed="a .toml experiment file")
        return path
    name = str(path_or_name)
    fname = name if name.endswith(".toml") else f"{name}.toml"
    if "/" not in name and "\\" not in name:
        entry = resources.files("westdev.scenarios").joinpath("experiments", fname)
        if entry.is_file():
            return Path(str(entry))
    names = shipped_experiments()
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise InputError(f"no such experiment file{hint}", file=name,
                     allowed="a path to a .toml file or a shipped experiment: "
                     + ", ".join(names))


def experiment_from_dict(raw: Mapping[str, Any], *, file: str = "<experiment>",
                         base_dir: str | Path = ".",
                         default_name: str = "experiment") -> Experiment:
    """Check an experiment given as a dict (a parsed file, or a manifest's request)."""
    base_dir = Path(base_dir)
    if not isinstance(raw, Mapping) or not raw:
        raise InputError("the experiment is empty", file=file,
                         allowed="tables " + ", ".join(f"[{t}]" for t in TABLES))
    for key in raw:
        if key not in TABLES:
            raise _unknown(key, TABLES, file=file, field=key, what="table")
    exp = _table(raw.get("experiment"), file, "experiment", required=True)
    for key in exp:
        if key not in ("name", "description", "kind", "scenario", "scenarios",
                       "common_random_numbers"):
            raise _unknown(key, ("name", "description", "kind", "scenario", "scenarios",
                                 "common_random_numbers"), file=file, field=f"experiment.{key}")
    name = exp.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InputError(f"{_show(name)} is not an experiment name", file=file,
                         field="experiment.name",
                         allowed="letters, digits, '_', '-', '.'")
    description = exp.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"expected a string, got {_show(description)}", file=file,
                         field="experiment.description")
    crn = exp.get("common_random_numbers", False)
    if not isinstance(crn, bool):
        raise InputError(f"{_show(crn)} is not true or false", file=file,
                         field="experiment.common_random_numbers", allowed="true or false")

    # ---- the design table decides the kind
    designs = [t for t in ("grid", "sample", "ensemble", "decomposition") if t in raw]
    if len(designs) != 1:
        got = ", ".join(f"[{t}]" for t in designs) or "none"
        raise InputError(f"an experiment needs exactly one design table (found: {got})",
                         file=file, field="grid" if not designs else designs[1],
                         allowed="[grid] (sweep), [sample] (lhs sweep, sobol or morris "
                         "sensitivity), [ensemble] or [decomposition]")
    design_table = designs[0]
    sample = _table(raw.get("sample"), file, "sample") if design_table == "sample" else {}
    if design_table == "sample":
        method = sample.get("method")
        if method not in SAMPLERS:
            raise _unknown_value(method, SAMPLERS, file=file, field="sample.method",
                                 what="sampler")
        kind = "sweep" if method == "lhs" else "sensitivity"
    else:
        kind = {"grid": "sweep", "ensemble": "ensemble",
                "decomposition": "decomposition"}[design_table]
    if "kind" in exp and exp["kind"] != kind:
        if exp["kind"] not in KINDS:
            raise _unknown_value(exp["kind"], KINDS, file=file, field="experiment.kind",
                                 what="kind")
        raise InputError(f"kind {exp['kind']!r} does not match the design table "
                         f"[{design_table}], which makes a {kind!r} experiment", file=file,
                         field="experiment.kind",
                         allowed=f"'{kind}', or the design table of a {exp['kind']!r} "
                         "experiment")
    if "factors" in raw and design_table not in ("sample", "ensemble"):
        raise InputError(f"[factors] is not used by [{design_table}]", file=file,
                         field="factors", allowed="[factors.*] with [sample] or [ensemble]")

    # ---- scenarios and run settings
    if ("scenario" in exp) == ("scenarios" in exp):
        raise InputError("give either 'scenario' or 'scenarios'", file=file,
                         field="experiment.scenario",
                         allowed="scenario = a shipped name or a path relative to this file; "
                         "scenarios = a list of them (sweeps and ensembles)")
    if "scenarios" in exp:
        items = exp["scenarios"]
        if not isinstance(items, list) or not items:
            raise InputError(f"expected a non-empty list, got {_show(items)}", file=file,
                             field="experiment.scenarios", allowed="a list of scenario names "
                             "or paths")
        if len(items) > 1 and kind in ("sensitivity", "decomposition"):
            raise InputError(f"a {kind} experiment has one base scenario", file=file,
                             field="experiment.scenarios",
                             allowed="scenario = one name or path")
        fields = [f"experiment.scenarios[{i}]" for i in range(len(items))]
    else:
        items, fields = [exp["scenario"]], ["experiment.scenario"]
    run = _table(raw.get("run", {}), file, "run")
    scenarios = tuple(_run_overrides(_scenario_ref(item, f, file, base_dir), run, file)
                      for item, f in zip(items, fields, strict=True))
    names = [s.name for s in scenarios]
    for i, n in enumerate(names):
        if names.count(n) > 1:
            raise InputError(f"two scenarios are named {n!r}", file=file, field=fields[i],
                             allowed="scenarios with distinct names")
    first = scenarios[0].run
    for s, f in zip(scenarios[1:], fields[1:], strict=False):
        if (s.run.start_year, s.run.end_year) != (first.start_year, first.end_year):
            raise InputError(f"{s.name} simulates {s.run.start_year}-{s.run.end_year}, "
                             f"{scenarios[0].name} {first.start_year}-{first.end_year}",
                             file=file, field=f, allowed="scenarios with the same years "
                             "(or set [run] start_year and end_year)")
    replicates = run.get("replicates", 1)
    if not _is_int(replicates) or replicates < 1:
        raise InputError(f"{_show(replicates)} is not a number of replicates", file=file,
                         field="run.replicates", allowed="an integer >= 1")
    root_seed = run.get("root_seed", scenarios[0].run.root_seed)
    if not _is_int(root_seed) or not 0 <= root_seed <= MAX_SEED:
        raise InputError(f"{_show(root_seed)} is not a seed", file=file, field="run.root_seed",
                         allowed="an integer from 0 to 2^63-1")

    # ---- outputs
    outcomes, years = _parse_outputs(_table(raw.get("outputs", {}), file, "outputs"),
                                     first, file)

    common = dict(name=name, description=description, kind=kind, source=file,
                  scenarios=scenarios, replicates=replicates, root_seed=root_seed,
                  common_random_numbers=crn, outcomes=outcomes, years=years)
    if design_table == "grid":
        factors = tuple(parse_grid_values(n, v, file=file, field=f"grid.{n}")
                        for n, v in _grid_entries(raw["grid"], file))
        if not factors:
            raise InputError("the grid has no factors", file=file, field="grid",
                             allowed="one or more factor = [values] entries")
        _check_duplicates(factors, file, "grid")
        experiment = Experiment(**common, design="grid", factors=factors)
    elif design_table == "sample":
        settings = _parse_sample(sample, root_seed, file)
        factors = _parse_factors(raw.get("factors"), file, required=True)
        experiment = Experiment(**common, design=settings["method"], factors=factors,
                                sample=settings)
    elif design_table == "ensemble":
        settings, factors = _parse_ensemble(_table(raw["ensemble"], file, "ensemble"),
                                            raw.get("factors"), scenarios[0], root_seed, file)
        experiment = Experiment(**common, design="random" if settings["method"] == "random"
                                else "lhs", factors=factors, ensemble=settings)
    else:
        settings = _parse_decomposition(_table(raw["decomposition"], file, "decomposition"),
                                        scenarios[0], root_seed, file, base_dir)
        experiment = Experiment(**{**common, "common_random_numbers": True},
                                design="decomposition", decomposition=settings)
    _check_scaled_paths(experiment, file)
    return experiment


def _grid_entries(raw: Any, file: str):
    """``[grid]`` as a table (files) or a list of ``{name, values}`` (manifests, in order)."""
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping) or set(item) != {"name", "values"}:
                raise InputError(f"{_show(item)} is not a grid entry", file=file,
                                 field=f"grid[{i}]", allowed="{name, values}")
            yield item["name"], item["values"]
        return
    yield from _flatten_grid(_table(raw, file, "grid"))


def _flatten_grid(table: Mapping[str, Any], prefix: str = ""):
    """``[grid]`` entries; unquoted dotted keys (nested tables) are flattened."""
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, Mapping) and not ({"range", "steps"} & set(val)):
            yield from _flatten_grid(val, name)
        else:
            yield name, val


def _flatten_factors(table: Mapping[str, Any], prefix: str = ""):
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, Mapping) and val and not (set(_FACTOR_KEYS) & set(val)):
            yield from _flatten_factors(val, name)
        else:
            yield name, val


def _parse_factors(raw: Any, file: str, *, required: bool) -> tuple[Factor, ...]:
    if raw is None:
        if required:
            raise InputError("a sample needs factors", file=file, field="factors",
                             allowed="[factors.<name>] tables with a range, values or "
                             "distribution")
        return ()
    if isinstance(raw, list):  # manifests: [{name, ...}] in order
        entries = []
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping) or "name" not in item:
                raise InputError(f"{_show(item)} is not a factor", file=file,
                                 field=f"factors[{i}]", allowed="{name, ...distribution}")
            entries.append((item["name"], {k: v for k, v in item.items() if k != "name"}))
    else:
        entries = list(_flatten_factors(_table(raw, file, "factors")))
    factors = tuple(parse_factor(n, v, file=file, field=f"factors.{n}") for n, v in entries)
    if required and not factors:
        raise InputError("no factors", file=file, field="factors",
                         allowed="[factors.<name>] tables")
    _check_duplicates(factors, file, "factors")
    return factors


def _check_duplicates(factors: Sequence[Factor], file: str, table: str) -> None:
    seen: dict[str, str] = {}
    for f in factors:
        if f.name in seen:
            raise InputError(f"{f.name} is given twice", file=file, field=f"{table}.{f.name}",
                             allowed="each factor once (with or without its prefix)")
        seen[f.name] = f.name
    keys = {}
    for f in factors:
        if f.target.kind in ("exogenous", "exogenous_scale"):
            if f.target.key in keys:
                raise InputError(f"exogenous path {f.target.key} is both set and scaled",
                                 file=file, field=f"{table}.{f.name}",
                                 allowed="one factor per exogenous driver")
            keys[f.target.key] = f.name


def _parse_sample(table: Mapping[str, Any], root_seed: int, file: str) -> dict[str, Any]:
    method = table["method"]
    allowed = {"lhs": ("method", "n", "seed"),
               "sobol": ("method", "n", "seed", "calc_second_order"),
               "morris": ("method", "n", "trajectories", "seed", "levels")}[method]
    for key in table:
        if key not in allowed:
            if key in ("method", "n", "trajectories", "seed", "levels", "calc_second_order"):
                raise InputError(f"'{key}' does not apply to the {method} sampler", file=file,
                                 field=f"sample.{key}", allowed=", ".join(allowed))
            raise _unknown(key, allowed, file=file, field=f"sample.{key}")
    if method == "morris" and "n" in table and "trajectories" in table:
        raise InputError("give either n or trajectories (the same thing for morris)",
                         file=file, field="sample.trajectories", allowed="one of them")
    nkey = "trajectories" if method == "morris" and "trajectories" in table else "n"
    if nkey not in table:
        raise InputError("the sample size is missing", file=file, field=f"sample.{nkey}",
                         allowed={"lhs": "n = number of points",
                                  "sobol": "n = base samples, a power of two",
                                  "morris": "n (or trajectories) = number of trajectories"}[method])
    n = table[nkey]
    low = {"lhs": 1, "sobol": 2, "morris": 2}[method]
    if not _is_int(n) or n < low:
        raise InputError(f"{_show(n)} is not a sample size", file=file, field=f"sample.{nkey}",
                         allowed=f"an integer >= {low}")
    if method == "sobol" and n & (n - 1):
        lo = 1 << (n.bit_length() - 1)
        raise InputError(f"n = {n} is not a power of two; the nearest are {lo} and {lo * 2}",
                         file=file, field="sample.n",
                         allowed="a power of two (Sobol' sequences balance only then): "
                         f"{lo} or {lo * 2}")
    seed = table.get("seed", root_seed % 2**32)
    if not _is_int(seed) or not 0 <= seed < 2**32:
        raise InputError(f"{_show(seed)} is not a sample seed", file=file, field="sample.seed",
                         allowed="an integer from 0 to 2^32-1")
    out: dict[str, Any] = {"method": method, "n": n, "seed": seed}
    if method == "sobol":
        cso = table.get("calc_second_order", False)
        if not isinstance(cso, bool):
            raise InputError(f"{_show(cso)} is not true or false", file=file,
                             field="sample.calc_second_order", allowed="true or false")
        out["calc_second_order"] = cso
    if method == "morris":
        levels = table.get("levels", 4)
        if not _is_int(levels) or levels < 2 or levels % 2:
            raise InputError(f"{_show(levels)} is not a number of levels", file=file,
                             field="sample.levels", allowed="an even integer >= 2 (4 is usual)")
        out["levels"] = levels
    return out


def _parse_ensemble(table: Mapping[str, Any], factors_raw: Any, scenario: Scenario,
                    root_seed: int, file: str) -> tuple[dict[str, Any], tuple[Factor, ...]]:
    keys = ("draws", "method", "seed", "parameters", "distribution", "exogenous_scale")
    for key in table:
        if key not in keys:
            raise _unknown(key, keys, file=file, field=f"ensemble.{key}")
    draws = table.get("draws")
    if not _is_int(draws) or draws < 1:
        raise InputError(f"{_show(draws)} is not a number of draws", file=file,
                         field="ensemble.draws", allowed="an integer >= 1")
    method = table.get("method", "random")
    if method not in ENSEMBLE_METHODS:
        raise _unknown_value(method, ENSEMBLE_METHODS, file=file, field="ensemble.method",
                             what="method")
    seed = table.get("seed", root_seed % 2**32)
    if not _is_int(seed) or not 0 <= seed < 2**32:
        raise InputError(f"{_show(seed)} is not a sample seed", file=file,
                         field="ensemble.seed", allowed="an integer from 0 to 2^32-1")
    dist = table.get("distribution", "uniform")
    if dist not in ENSEMBLE_DISTRIBUTIONS:
        raise _unknown_value(dist, ENSEMBLE_DISTRIBUTIONS, file=file,
                             field="ensemble.distribution", what="distribution")
    fitted = _fitted_uncertainty(scenario.parameter_vintage) if dist == "fitted" else {}
    selection = table.get("parameters", ["calibrated"])
    if not isinstance(selection, list):
        raise InputError(f"expected a list, got {_show(selection)}", file=file,
                         field="ensemble.parameters",
                         allowed="a list of register tags (" + ", ".join(TAGS)
                         + ") and dotted parameter names")
    register = load_register()
    values = load_parameters(scenario.parameter_vintage, scenario.parameter_overrides)
    factors: dict[str, Factor] = {}
    for i, item in enumerate(selection):
        where = f"ensemble.parameters[{i}]"
        if item in TAGS:
            names = [n for n, s in register.items() if s.tag == item]
        else:
            if not isinstance(item, str) or isinstance(_target(item), str):
                close = difflib.get_close_matches(str(item), list(TAGS) + list(register), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise InputError(f"{_show(item)} is neither a register tag nor a parameter"
                                 f"{hint}", file=file, field=where,
                                 allowed="register tags (" + ", ".join(TAGS) + ") or dotted "
                                 "parameter names (westdev params)")
            target = resolve_target(item, file=file, field=where)
            if target.kind != "parameter":
                raise InputError(f"{item!r} is not a parameter", file=file, field=where,
                                 allowed="register tags (" + ", ".join(TAGS) + ") or dotted "
                                 "parameter names; exogenous paths go in exogenous_scale")
            names = [target.key]
        for n in names:
            spec = register[n]
            if spec.low >= spec.high:
                continue  # a fixed value (a legal rule, a normalisation): nothing to draw
            target = resolve_target(f"parameters.{n}")
            if n in fitted:
                # the calibration's uncertainty: normal around the fitted value with its
                # standard error, truncated to the register's range
                mean, sd = fitted[n]
                factors[target.name] = Factor(target, "normal", low=spec.low, high=spec.high,
                                              mean=min(max(mean, spec.low), spec.high), sd=sd)
            elif dist in ("uniform", "fitted"):
                factors[target.name] = Factor(target, "uniform", low=spec.low, high=spec.high)
            else:
                mode = min(max(values[n], spec.low), spec.high)
                factors[target.name] = Factor(target, "triangular", low=spec.low,
                                              high=spec.high, mode=mode)
    scales = table.get("exogenous_scale", DEFAULT_EXOGENOUS_SCALES)
    if not isinstance(scales, Mapping):
        raise InputError(f"expected a table, got {_show(scales)}", file=file,
                         field="ensemble.exogenous_scale",
                         allowed="driver = [low, high] scale factors")
    for driver, rng in scales.items():
        where = f"ensemble.exogenous_scale.{driver}"
        if driver not in EXOGENOUS:
            raise _unknown(driver, EXOGENOUS, file=file, field=where, what="exogenous driver")
        lo, hi = _pair(rng, file=file, field=where)
        target = resolve_target(f"exogenous.{driver}.scale")
        _check_range(lo, hi, target, file=file, field=where)
        factors[target.name] = Factor(target, "uniform", low=lo, high=hi)
    for f in _parse_factors(factors_raw, file, required=False):
        if f.target.kind == "lever":
            raise InputError("levers are policy, not uncertainty: an ensemble draws parameters "
                             "and exogenous paths", file=file, field=f"factors.{f.name}",
                             allowed="parameters.* or exogenous.* factors (sweep levers with "
                             "[grid] or [sample])")
        other = f"exogenous.{f.target.key}" if f.target.kind == "exogenous_scale" else \
            f"exogenous.{f.target.key}.scale" if f.target.kind == "exogenous" else None
        if other is not None:
            factors.pop(other, None)
        factors[f.name] = f  # an explicit factor replaces the default draw
    if not factors:
        raise InputError("the ensemble draws nothing", file=file, field="ensemble.parameters",
                         allowed="register tags, parameter names, exogenous_scale or "
                         "[factors.*]")
    settings = {"draws": draws, "method": method, "seed": seed}
    return settings, tuple(factors.values())


def _fitted_uncertainty(vintage: str) -> dict[str, tuple[float, float]]:
    """(value, s.d.) of each parameter estimated in the fitted `vintage`: the standard error,
    or — where the emulator gave none — a sixth of the 90 % plausible range (±1.645 s.d.)."""
    from westdev.calibration.fitted_file import read_fitted
    from westdev.inputs.parameters import _flatten

    out = {}
    for name, entry in _flatten(read_fitted(vintage).get("parameters", {})):
        se = float(entry.get("se", float("nan")))
        lo, hi = entry.get("plausible", [float("nan")] * 2)
        if not (se > 0 and np.isfinite(se)):
            se = (float(hi) - float(lo)) / 3.29
        if se > 0 and np.isfinite(se):
            out[name] = (float(entry["value"]), se)
    return out


def _parse_decomposition(table: Mapping[str, Any], base: Scenario, root_seed: int, file: str,
                         base_dir: Path) -> dict[str, Any]:
    keys = ("package", "levers", "method", "permutations", "seed")
    for key in table:
        if key not in keys:
            raise _unknown(key, keys, file=file, field=f"decomposition.{key}")
    if "package" not in table:
        raise InputError("the package is missing", file=file, field="decomposition.package",
                         allowed="a scenario (shipped name or path) whose levers are split")
    package = _scenario_ref(table["package"], "decomposition.package", file, base_dir)
    differ = [lv for lv in LEVERS
              if _canonical_schedule(package.levers[lv]) != _canonical_schedule(base.levers[lv])]
    if "levers" in table:
        raw = table["levers"]
        if not isinstance(raw, list) or not raw:
            raise InputError(f"expected a non-empty list, got {_show(raw)}", file=file,
                             field="decomposition.levers", allowed="dotted lever names")
        levers = []
        for i, item in enumerate(raw):
            where = f"decomposition.levers[{i}]"
            target = resolve_target(item, file=file, field=where)
            if target.kind != "lever":
                raise InputError(f"{item!r} is not a lever", file=file, field=where,
                                 allowed="a lever name (westdev levers)")
            if target.key not in differ:
                raise InputError(f"{target.key} has the same value in {package.name} and "
                                 f"{base.name}: switching it changes nothing", file=file,
                                 field=where, allowed="levers that differ: "
                                 + (", ".join(differ) or "none"))
            if target.key in levers:
                raise InputError(f"{target.key} is listed twice", file=file, field=where)
            levers.append(target.key)
        levers = [lv for lv in LEVERS if lv in levers]  # catalogue order
    else:
        levers = differ
    if not levers:
        raise InputError(f"{package.name} sets every lever as {base.name} does", file=file,
                         field="decomposition.package",
                         allowed="a package that differs from the base scenario")
    method = table.get("method", "both")
    if method not in DECOMPOSITION_METHODS:
        raise _unknown_value(method, DECOMPOSITION_METHODS, file=file,
                             field="decomposition.method", what="method")
    perms = table.get("permutations", 100)
    if not _is_int(perms) or perms < 1:
        raise InputError(f"{_show(perms)} permutations", file=file,
                         field="decomposition.permutations", allowed="an integer >= 1")
    seed = table.get("seed", root_seed % 2**32)
    if not _is_int(seed) or not 0 <= seed < 2**32:
        raise InputError(f"{_show(seed)} is not a seed", file=file,
                         field="decomposition.seed", allowed="an integer from 0 to 2^32-1")
    # only the package's levers are used; its run settings, parameters and paths are not
    return {"package": package, "levers": tuple(levers), "method": method,
            "permutations": perms, "seed": seed}


def _parse_outputs(table: Mapping[str, Any], run: Any,
                   file: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    for key in table:
        if key not in ("outcomes", "years"):
            raise _unknown(key, ("outcomes", "years"), file=file, field=f"outputs.{key}")
    outcomes = table.get("outcomes", list(GOAL_OUTCOMES))
    if not isinstance(outcomes, list) or not outcomes:
        raise InputError(f"expected a non-empty list, got {_show(outcomes)}", file=file,
                         field="outputs.outcomes", allowed='"Area:indicator" strings, e.g. '
                         '"West:west_east_ratio_income"')
    areas = known_areas()
    for i, item in enumerate(outcomes):
        where = f"outputs.outcomes[{i}]"
        if not isinstance(item, str) or item.count(":") != 1:
            raise InputError(f"{_show(item)} is not an outcome", file=file, field=where,
                             allowed='"Area:indicator", e.g. "West:west_east_ratio_income"')
        area, indicator = item.split(":")
        if area not in areas:
            close = difflib.get_close_matches(area, areas, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InputError(f"unknown area '{area}'{hint}", file=file, field=where,
                             allowed="a region group (" + ", ".join(REGION_GROUPS)
                             + "), China or a province's English name")
        if not _INDICATOR_RE.match(indicator):
            raise InputError(f"{indicator!r} is not an indicator name", file=file, field=where,
                             allowed="an indicator of the results table")
    if len(set(outcomes)) != len(outcomes):
        raise InputError("an outcome is listed twice", file=file, field="outputs.outcomes")
    all_years = list(range(run.start_year + 1, run.end_year + 1))
    years = table.get("years", all_years)
    if not isinstance(years, list) or not years:
        raise InputError(f"expected a non-empty list, got {_show(years)}", file=file,
                         field="outputs.years", allowed=f"years {run.start_year}-{run.end_year}")
    for i, y in enumerate(years):
        if not _is_int(y) or not run.start_year <= y <= run.end_year:
            raise InputError(f"{_show(y)} is not a simulated year", file=file,
                             field=f"outputs.years[{i}]",
                             allowed=f"an integer year in {run.start_year}-{run.end_year}")
    return tuple(outcomes), tuple(sorted(set(years)))


def _check_scaled_paths(exp: Experiment, file: str) -> None:
    """Scaled exogenous paths must stay within the driver's bounds in every base scenario."""
    for f in exp.factors:
        if f.target.kind != "exogenous_scale":
            continue
        lo_b, hi_b = f.target.bounds  # type: ignore[misc]
        for s in exp.scenarios:
            p_lo, p_hi = _path_extremes(s.exogenous[f.target.key])
            vals = [p * float(x) for p in (p_lo, p_hi) for x in f.extremes()]
            if min(vals) < lo_b or max(vals) > hi_b:
                table = "factors" if exp.design != "random" and exp.kind != "ensemble" else \
                    "ensemble.exogenous_scale"
                raise InputError(
                    f"scaling {s.name}'s {f.target.key} path ({p_lo:g} to {p_hi:g} "
                    f"{f.target.unit}) by {min(f.extremes()):g}-{max(f.extremes()):g} leaves "
                    f"its bounds", file=file, field=f"{table}.{f.name}" if table == "factors"
                    else f"{table}.{f.target.key}",
                    allowed=f"scale factors keeping the path in [{lo_b:g}, {hi_b:g}]")


@lru_cache(maxsize=1)
def known_areas() -> tuple[str, ...]:
    """Areas of the results table: provinces (English names), region groups and China."""
    text = resources.files("westdev.inputs.data").joinpath("provinces.csv").read_text(encoding="utf-8")
    names = [row["name_en"].strip() for row in csv.DictReader(text.splitlines())]
    return tuple(names) + tuple(REGION_GROUPS) + ("China",)


# ---------------------------------------------------------------------- scenarios
def _scenario_ref(item: Any, field: str, file: str, base_dir: Path) -> Scenario:
    """A scenario named in an experiment: a path (relative to the experiment file), a shipped
    name, or an inline table ``{name, description, content, hash}`` (manifests)."""
    if isinstance(item, Scenario):
        return item
    if isinstance(item, Mapping):
        return _inline(item, field, file)
    if isinstance(item, Path):
        item = str(item)
    if not isinstance(item, str) or not item.strip():
        raise InputError(f"{_show(item)} is not a scenario", file=file, field=field,
                         allowed="a shipped scenario name or a path relative to this file")
    candidate = Path(item)
    if not candidate.is_absolute():
        candidate = base_dir / candidate
    if candidate.is_file():
        return load_scenario(candidate)
    if shipped_path(item) is not None:
        return load_scenario(item)
    from westdev.inputs.scenario import shipped_scenarios

    names = shipped_scenarios()
    close = difflib.get_close_matches(item, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise InputError(f"scenario '{item}' not found (looked for {candidate} and a shipped "
                     f"scenario){hint}", file=file, field=field,
                     allowed="a path relative to this file or a shipped scenario: "
                     + ", ".join(names))


def inline_scenario(scenario: Scenario) -> dict[str, Any]:
    """A scenario as a self-contained table (name, description, hash and resolved content)."""
    content = scenario.to_dict(canonical=True)
    del content["meta"]
    return {"name": scenario.name, "description": scenario.description,
            "hash": scenario.content_hash, "content": content}


def scenario_from_content(content: Mapping[str, Any], *, name: str, description: str = "",
                          source: str = "<manifest>") -> Scenario:
    """Rebuild a scenario from its resolved content (as in manifests), checked like a file."""
    from westdev.inputs.scenario import _defaults_scenario

    base = dataclasses.replace(_defaults_scenario(), source=source)
    content = dict(content)
    params = dict(content.get("parameters") or {})
    vintage = params.pop("vintage", None)
    levers = {}
    for area, table in (content.get("levers") or {}).items():
        if not isinstance(table, Mapping):
            raise InputError(f"expected a table, got {_show(table)}", file=source,
                             field=f"levers.{area}")
        for key, value in table.items():
            levers[f"{area}.{key}"] = value
    return base.with_overrides(name=name, description=description, run=content.get("run"),
                               vintage=vintage, parameters=params or None,
                               exogenous=content.get("exogenous") or None,
                               levers=levers or None, goal=content.get("goal") or None)


def _inline(item: Mapping[str, Any], field: str, file: str) -> Scenario:
    keys = ("name", "description", "hash", "content", "resolution")
    for key in item:
        if key not in keys:
            raise _unknown(key, keys, file=file, field=f"{field}.{key}")
    if "content" not in item or "name" not in item:
        raise InputError("an inline scenario needs 'name' and 'content'", file=file,
                         field=field, allowed="{name, description, hash, content}")
    scenario = scenario_from_content(_table(item["content"], file, f"{field}.content"),
                                     name=item["name"], description=item.get("description", ""),
                                     source=file)
    if "hash" in item and item["hash"] != scenario.content_hash:
        raise InputError("the scenario content no longer hashes to the recorded value (the "
                         "scenario code changed since the manifest was written)", file=file,
                         field=f"{field}.hash", allowed=f"{scenario.content_hash}")
    return scenario


def _run_overrides(scenario: Scenario, run: Mapping[str, Any], file: str) -> Scenario:
    allowed = ("start_year", "end_year", "resolution", "replicates", "root_seed")
    for key in run:
        if key not in allowed:
            raise _unknown(key, allowed, file=file, field=f"run.{key}")
    if "resolution" in run and run["resolution"] not in RESOLUTIONS:
        raise _unknown_value(run["resolution"], RESOLUTIONS, file=file, field="run.resolution",
                             what="resolution")
    over = {k: run[k] for k in ("start_year", "end_year", "resolution") if k in run}
    if not over:
        return scenario
    try:
        return scenario.with_overrides(run=over)
    except InputError as exc:
        raise InputError(exc.detail, file=file, field=exc.field, allowed=exc.allowed) from None


def _canonical_schedule(schedule: Any) -> Any:
    if schedule.is_constant:
        return schedule.value if schedule.value is not None else schedule.points[0][1]
    return schedule.to_value()


# ====================================================================== running
def plan(experiment: Experiment | str | Path) -> tuple[Experiment, list[RunTask]]:
    """The checked experiment and its run tasks."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    return exp, exp.tasks()


def run_experiment(experiment: Experiment | str | Path, out: str | Path, *,
                   backend: str = "processes", workers: int | None = None,
                   scheduler: str | None = None, overwrite: bool = False,
                   progress: bool = True,
                   simulate: str | Callable = DEFAULT_SIMULATE) -> ResultsStore:
    """Run an experiment into the results store `out` (resumes a matching store)."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    get_backend(backend, workers, scheduler)  # check before anything is created
    request: dict[str, Any] = {"experiment": exp.request()}
    if simulate != DEFAULT_SIMULATE:
        request["simulate"] = simulate_name(simulate)
    extra = {"experiment": {"name": exp.name, "kind": exp.kind, "design": exp.design,
                            "source": exp.source, "n_points": exp.n_points,
                            "n_runs": exp.n_runs, "factors": [f.name for f in exp.factors],
                            "outcomes": list(exp.outcomes), "years": list(exp.years)}}
    return run_batch(exp.tasks(), out, backend=backend, workers=workers, progress=progress,
                     kind=STORE_KIND[exp.kind], request=request, root_seed=exp.root_seed,
                     overwrite=overwrite, simulate=simulate, manifest_extra=extra,
                     scheduler=scheduler)


def estimate(experiment: Experiment, *, backend: str = "processes", workers: int | None = None,
             simulate: str | Callable = DEFAULT_SIMULATE, time_one: bool = True) -> dict[str, Any]:
    """Run count and an estimated wall time, from timing one run here (the first task).

    Falls back to `SECONDS_PER_RUN` (per resolution, 2019→2035, scaled by the years) when the
    timing run fails or `time_one` is False. Nothing is written.
    """
    runner = get_backend(backend, workers)
    tasks = experiment.tasks()
    n = len(tasks)
    run = experiment.base.run
    per_run, warmup, how = None, 0.0, "documented constant"
    if time_one and tasks:
        times = []
        for _ in range(2):  # the first run pays for imports and data loading
            start = time.perf_counter()
            outcome = execute(tasks[0], simulate=simulate)
            if outcome.run["status"] != "ok":
                break
            times.append(time.perf_counter() - start)
        if len(times) == 2:
            per_run, warmup, how = times[1], max(0.0, times[0] - times[1]), "timed here"
    if per_run is None:
        per_run = SECONDS_PER_RUN[run.resolution] * (run.end_year - run.start_year) / 16
        warmup = 1.0
    parallel = 1 if runner.name == "serial" else max(1, min(runner.workers, n))
    startup = {"serial": 0.0, "processes": 1.0, "dask": 3.0}[runner.name]
    seconds = n * per_run / parallel + ((startup + warmup) if n else 0.0)
    return {"runs": n, "points": experiment.n_points, "seconds_per_run": per_run,
            "basis": how, "backend": runner.name, "workers": parallel,
            "estimated_seconds": seconds}


def rerun(manifest: str | Path, out: str | Path | None = None, *, backend: str = "processes",
          workers: int | None = None, scheduler: str | None = None, overwrite: bool = False,
          progress: bool = True) -> ResultsStore:
    """Repeat the batch a manifest describes (any kind but calibration), exactly.

    `manifest` is a store's ``manifest.json`` or its directory. Without `out` the store itself
    is completed (missing and failed runs are run, finished ones kept); with `out` the whole
    batch is repeated into a new store, with the same seeds and so the same results.
    """
    from westdev.experiments.store import read_manifest

    path = Path(manifest)
    store_dir = path if path.is_dir() else path.parent
    data = read_manifest(store_dir)
    file = str(store_dir / "manifest.json")
    request = data["request"]
    kind = data.get("kind")
    simulate = request.get("simulate", DEFAULT_SIMULATE)
    target = Path(out) if out is not None else store_dir
    if "experiment" in request:
        exp = experiment_from_dict(request["experiment"], file=file, base_dir=store_dir)
        rebuilt: dict[str, Any] = {"experiment": exp.request()}
        if "simulate" in request:
            rebuilt["simulate"] = request["simulate"]
        _same_request(request, rebuilt, file)
        return run_experiment(exp, target, backend=backend, workers=workers,
                              scheduler=scheduler, overwrite=overwrite, progress=progress,
                              simulate=simulate)
    if kind in ("run", "compare") and "scenarios" in request:
        from westdev import api

        scenarios, resolution = [], None
        for i, item in enumerate(request["scenarios"]):
            s = _inline(item, f"request.scenarios[{i}]", file)
            if item.get("resolution") not in (None, s.run.resolution):
                resolution = item["resolution"]
            scenarios.append(s)
        tasks, rebuilt, seed0 = api.plan(scenarios, replicates=request.get("replicates"),
                                         root_seed=request.get("root_seed"),
                                         resolution=resolution)
        if "simulate" in request:
            rebuilt["simulate"] = request["simulate"]
        _same_request(request, rebuilt, file)
        get_backend(backend, workers, scheduler)
        return run_batch(tasks, target, backend=backend, workers=workers, progress=progress,
                         kind=kind, request=rebuilt, root_seed=seed0, overwrite=overwrite,
                         simulate=simulate, scheduler=scheduler)
    raise InputError(f"cannot rerun a store of kind {kind!r} from its manifest", file=file,
                     field="kind", allowed="run, compare, sweep, ensemble or sensitivity stores")


def _same_request(old: Mapping[str, Any], new: Mapping[str, Any], file: str) -> None:
    from westdev.experiments.store import _first_difference

    diff = _first_difference(json.loads(json.dumps(old, sort_keys=True)),
                             json.loads(json.dumps(new, sort_keys=True)))
    if diff is not None:
        where, had, now = diff
        raise InputError(f"this version of westdev cannot reproduce the request: {where} is "
                         f"{had} in the manifest but {now} when rebuilt", file=file,
                         field=f"request.{where}",
                         allowed="a manifest written by a compatible westdev version")


# ====================================================================== small checks
def _table(val: Any, file: str, field: str, *, required: bool = False) -> Mapping[str, Any]:
    if val is None:
        if required:
            raise InputError(f"the [{field}] table is missing", file=file, field=field,
                             allowed=f"a [{field}] table")
        return {}
    if not isinstance(val, Mapping):
        raise InputError(f"expected a table, got {_show(val)}", file=file, field=field,
                         allowed=f"a [{field}] table")
    return val


def _number(val: Any, *, file: str, field: str) -> float:
    if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val):
        raise InputError(f"{_show(val)} is not a finite number", file=file, field=field,
                         allowed="a finite number")
    return float(val)


def _pair(val: Any, *, file: str, field: str) -> tuple[float, float]:
    if not isinstance(val, list | tuple) or len(val) != 2:
        raise InputError(f"expected [low, high], got {_show(val)}", file=file, field=field,
                         allowed="a list of two numbers [low, high]")
    lo = _number(val[0], file=file, field=field)
    hi = _number(val[1], file=file, field=field)
    if lo >= hi:
        raise InputError(f"[{lo:g}, {hi:g}] is empty", file=file, field=field,
                         allowed="[low, high] with low < high")
    return lo, hi


def _is_int(val: Any) -> bool:
    return isinstance(val, int) and not isinstance(val, bool)


def _unknown_value(val: Any, valid: Sequence[str], *, file: str, field: str,
                   what: str) -> InputError:
    if val is None:
        return InputError(f"the {what} is missing", file=file, field=field,
                          allowed=" | ".join(valid))
    close = difflib.get_close_matches(str(val), list(valid), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return InputError(f"unknown {what} {_show(val)}{hint}", file=file, field=field,
                      allowed=" | ".join(valid))
