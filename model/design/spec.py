"""Policy search files: what to search, under which uncertainty, for what (``scenarios/policy/``).

A policy search file is TOML (schema in ``scenarios/README.md``, "Policy search files"),
checked strictly like the other input files — every unknown table or key, wrong type or value
out of range is one `InputError` naming the file, the dotted field and what is allowed::

    [policy]       name, description, scenario (the base), ensemble (an ensemble experiment)
    [run]          overrides of the ensemble's run settings: end_year, resolution, replicates,
                   root_seed
    [levers]       search = "guideline" | [lever names]; phase_in = [2020, 2025] | false;
                   widen = 0.25; [levers.ranges] "area.key" = [low, high]
                   (default range: from the no-policy value to beyond the farthest of the
                   2019 and guideline values and the guideline range, by `widen` × the span)
    [[objectives]] minimise = "Area:indicator@..." | maximise = "..."  (means over the ensemble)
    [[constraints]] condition = "..." with probability = p, or outcome = "..." with at_most /
                   at_least (a mean)
    [search]       explore_runs, draws, margin, frontier_points, iterations, seed, population,
                   generations
    [verify]       draws, seed, scenarios
    [quick]        [quick.search] / [quick.verify]: smaller sizes for ``--quick``

One objective makes a single-objective search (the cheapest mix under the constraints, or the
best mix under a budget) whose frontier trades the objective against the first constraint;
two or more make a many-objective search returning the Pareto frontier. Shipped files are
reachable by name (``westdev optimise cheapest_income``).
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from westdev.analysis.outcomes import Condition, Outcome, parse_condition, parse_outcome
from westdev.errors import InputError
from westdev.experiments.experiment import Experiment
from westdev.experiments.spec import load_experiment, scenario_ref
from westdev.inputs.files import locate_shipped, shipped_names
from westdev.inputs.resolution import RESOLUTIONS
from westdev.inputs.scenario import MAX_SEED, Scenario, inline_scenario
from westdev.inputs.validate import (
    as_number,
    as_table,
    check_tables,
    is_int,
    show_value,
    unknown_key,
)
from westdev.policy.catalogue import LEVERS, LeverSpec

TABLES = ("policy", "run", "levers", "objectives", "constraints", "search", "verify", "quick")
POLICY_KEYS = ("name", "description", "scenario", "ensemble")
RUN_KEYS = ("end_year", "resolution", "replicates", "root_seed")
LEVER_KEYS = ("search", "phase_in", "widen", "ranges")
SEARCH_DEFAULTS: dict[str, Any] = {
    "explore_runs": 800,  # exploration sample: levers × uncertain inputs, for the emulator
    "draws": 40,  # ensemble draws every candidate is run on (common random numbers)
    "margin": 0.05,  # the search asks P ≥ probability + margin on its own draws
    "frontier_points": 7,  # candidates on the frontier re-run by the model
    "iterations": 2,  # rounds of candidates (the emulator refitted with each round's runs)
    "seed": 1,  # the exploration sample's and the optimiser's seed
    "population": 80,  # pymoo (many-objective searches)
    "generations": 120,
}
VERIFY_DEFAULTS: dict[str, Any] = {
    "draws": 100,  # fresh ensemble draws for the independent check
    "seed": 20350101,  # another ensemble seed and root seed than the search's
    "scenarios": ["baseline", "guideline", "enacted_2020_2024"],
}
POLICY_DIR = "policy"


@dataclass(frozen=True, slots=True)
class SearchLever:
    """A lever the search sets: its range (numbers) or both values (on/off)."""

    name: str
    kind: str  # "float" | "bool"
    low: float
    high: float

    @property
    def spec(self) -> LeverSpec:
        return LEVERS[self.name]

    def value(self, u: float) -> float | bool:
        """The lever value at unit position u ∈ [0, 1] (on/off: on from 0.5)."""
        if self.kind == "bool":
            return bool(u >= 0.5)
        return float(self.low + min(max(u, 0.0), 1.0) * (self.high - self.low))

    def unit(self, value: float | bool) -> float:
        """The unit position of a value."""
        if self.kind == "bool":
            return 1.0 if value else 0.0
        span = self.high - self.low
        return 0.0 if span <= 0 else (float(value) - self.low) / span


@dataclass(frozen=True, slots=True)
class Objective:
    outcome: Outcome
    sense: str  # "min" | "max"

    @property
    def text(self) -> str:
        return f"{'minimise' if self.sense == 'min' else 'maximise'} {self.outcome.label}"


@dataclass(frozen=True, slots=True)
class Constraint:
    """P(condition) ≥ bound ("probability"), or mean(outcome) ≤ / ≥ bound ("mean")."""

    kind: str  # "probability" | "mean"
    bound: float
    condition: Condition | None = None
    outcome: Outcome | None = None
    op: str = ">="

    @property
    def text(self) -> str:
        if self.kind == "probability":
            return f"P({self.condition.text}) >= {self.bound:g}"  # type: ignore[union-attr]
        return f"mean({self.outcome.label}) {self.op} {self.bound:g}"  # type: ignore[union-attr]


@dataclass(frozen=True)
class PolicySpec:
    """A checked policy search file."""

    name: str
    description: str
    source: str
    scenario: Scenario  # the base, with the ensemble's run settings
    ensemble: Experiment
    levers: tuple[SearchLever, ...]
    phase_in: tuple[int, int] | None
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...]
    search: Mapping[str, Any]
    verify: Mapping[str, Any]
    quick_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    quick: bool = False

    @property
    def mode(self) -> str:
        """"single" (one objective) or "frontier" (two or more)."""
        return "single" if len(self.objectives) == 1 else "frontier"

    @property
    def outcomes(self) -> list[Outcome]:
        """Every outcome the search reads, once."""
        found: dict[str, Outcome] = {}
        for o in self.objectives:
            found.setdefault(o.outcome.label, o.outcome)
        for c in self.constraints:
            for out in (c.condition.outcomes if c.condition is not None else [c.outcome]):
                found.setdefault(out.label, out)  # type: ignore[union-attr]
        return list(found.values())

    def with_quick(self) -> PolicySpec:
        """The spec with its ``[quick]`` sizes (for tests, notebooks, a first look)."""
        if self.quick:
            return self
        return replace(self, search={**self.search, **self.quick_overrides.get("search", {})},
                       verify={**self.verify, **self.quick_overrides.get("verify", {})},
                       quick=True)

    def request(self) -> dict[str, Any]:
        """The canonical, JSON-ready description (a search resumes only when it matches)."""
        req = {
            "name": self.name, "scenario": inline_scenario(self.scenario),
            "ensemble": self.ensemble.request(),
            "levers": [{"name": lv.name, "kind": lv.kind, "low": lv.low, "high": lv.high}
                       for lv in self.levers],
            "phase_in": list(self.phase_in) if self.phase_in else None,
            "objectives": [o.text for o in self.objectives],
            "constraints": [c.text for c in self.constraints],
            "search": dict(self.search), "verify": dict(self.verify), "quick": self.quick,
        }
        return json.loads(json.dumps(req))


# ====================================================================== loading
def shipped_policies() -> list[str]:
    """Names of the policy search files shipped in ``westdev.scenarios/policy``."""
    return shipped_names(POLICY_DIR)


def _locate(path_or_name: str | Path) -> Path:
    return locate_shipped(path_or_name, POLICY_DIR, "policy search")


def load_policy(path_or_name: str | Path) -> PolicySpec:
    """Load and check a policy search file (a path, or a shipped name)."""
    path = _locate(path_or_name)
    file = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=file, allowed="a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", file=file,
                         allowed="TOML syntax, see scenarios/README.md") from None
    return policy_from_dict(raw, file=file, base_dir=path.parent, default_name=path.stem)


def policy_from_dict(raw: Mapping[str, Any], *, file: str = "<policy>",
                     base_dir: str | Path = ".", default_name: str = "policy") -> PolicySpec:
    """Check a policy search given as a dict (the file's tables)."""
    base_dir = Path(base_dir)
    check_tables(raw, TABLES, file=file, what="policy search")
    pol = as_table(raw.get("policy"), file, "policy", required=True)
    for key in pol:
        if key not in POLICY_KEYS:
            raise unknown_key(key, POLICY_KEYS, file=file, field=f"policy.{key}")
    name = pol.get("name", default_name)
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "_-." for c in name):
        raise InputError(f"{show_value(name)} is not a name", file=file, field="policy.name",
                         allowed="letters, digits, '_', '-', '.'")
    description = pol.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"expected a string, got {show_value(description)}", file=file,
                         field="policy.description")
    ensemble = _ensemble(pol.get("ensemble", "ensemble_baseline"), file, base_dir)
    run = as_table(raw.get("run", {}), file, "run")
    ensemble = _apply_run(ensemble, run, file)
    scenario = _base(pol.get("scenario", "baseline"), ensemble, file, base_dir)
    levers, phase_in = _levers(as_table(raw.get("levers", {}), file, "levers"), scenario, file)
    objectives = _objectives(raw.get("objectives"), file)
    constraints = _constraints(raw.get("constraints", []), file)
    if len(objectives) == 1 and not constraints:
        raise InputError("a single objective needs at least one constraint (else the search "
                         "has a trivial answer)", file=file, field="constraints",
                         allowed="[[constraints]] condition = ... with probability = p, or "
                         "outcome = ... with at_most / at_least")
    search = _settings(as_table(raw.get("search", {}), file, "search"), SEARCH_DEFAULTS, file,
                       "search")
    verify = _settings(as_table(raw.get("verify", {}), file, "verify"), VERIFY_DEFAULTS, file,
                       "verify", base_dir=base_dir)
    quick = as_table(raw.get("quick", {}), file, "quick")
    quick_over: dict[str, dict[str, Any]] = {}
    for key in quick:
        if key not in ("search", "verify"):
            raise unknown_key(key, ("search", "verify"), file=file, field=f"quick.{key}")
        defaults = SEARCH_DEFAULTS if key == "search" else VERIFY_DEFAULTS
        table = as_table(quick[key], file, f"quick.{key}")
        quick_over[key] = dict(_settings(table, defaults, file, f"quick.{key}",
                                         base_dir=base_dir, only_given=True))
    years = set(scenario.run.years)
    for o in [ob.outcome for ob in objectives] + [o for c in constraints for o in
                                                   (c.condition.outcomes if c.condition
                                                    else [c.outcome])]:
        if not set(o.years) <= years:
            raise InputError(f"{o.label} reads years the runs do not simulate "
                             f"({scenario.run.start_year}-{scenario.run.end_year})", file=file,
                             field="objectives" if any(o == ob.outcome for ob in objectives)
                             else "constraints",
                             allowed="outcomes in the simulated years (or set [run] end_year)")
    return PolicySpec(name, description, file, scenario, ensemble, levers, phase_in,
                      objectives, constraints, search, verify, quick_over)


# ---------------------------------------------------------------------- pieces
def _ensemble(ref: Any, file: str, base_dir: Path) -> Experiment:
    if not isinstance(ref, str) or not ref:
        raise InputError(f"{show_value(ref)} is not an experiment", file=file,
                         field="policy.ensemble", allowed="an ensemble experiment: a shipped "
                         "name (ensemble_baseline) or a path relative to this file")
    candidate = base_dir / ref
    try:
        exp = load_experiment(candidate if candidate.is_file() else ref)
    except InputError as exc:
        raise InputError(f"cannot use ensemble {ref!r}: {exc}", file=file,
                         field="policy.ensemble", allowed="an ensemble experiment file") from None
    if exp.kind != "ensemble":
        raise InputError(f"{ref!r} is a {exp.kind} experiment", file=file,
                         field="policy.ensemble",
                         allowed="an experiment with an [ensemble] table (e.g. ensemble_baseline)")
    return exp


def _apply_run(exp: Experiment, run: Mapping[str, Any], file: str) -> Experiment:
    """The ensemble with ``[run]`` overrides (years and resolution on its scenarios)."""
    for key in run:
        if key not in RUN_KEYS:
            raise unknown_key(key, RUN_KEYS, file=file, field=f"run.{key}")
    over: dict[str, Any] = {}
    if "end_year" in run:
        y = run["end_year"]
        if not is_int(y) or not exp.base.run.start_year < y <= 2060:
            raise InputError(f"{show_value(y)} is not an end year", file=file,
                             field="run.end_year",
                             allowed=f"an integer in {exp.base.run.start_year + 1}-2060")
        over["end_year"] = y
    if "resolution" in run:
        if run["resolution"] not in RESOLUTIONS:
            raise InputError(f"unknown resolution {show_value(run['resolution'])}", file=file,
                             field="run.resolution", allowed=" | ".join(RESOLUTIONS))
        over["resolution"] = run["resolution"]
    replicates, root_seed = exp.replicates, exp.root_seed
    if "replicates" in run:
        replicates = run["replicates"]
        if not is_int(replicates) or replicates < 1:
            raise InputError(f"{show_value(replicates)} replicates", file=file,
                             field="run.replicates", allowed="an integer >= 1")
    if "root_seed" in run:
        root_seed = run["root_seed"]
        if not is_int(root_seed) or not 0 <= root_seed <= MAX_SEED:
            raise InputError(f"{show_value(root_seed)} is not a seed", file=file,
                             field="run.root_seed", allowed="an integer from 0 to 2^63-1")
    scenarios = tuple(s.with_overrides(run=over) for s in exp.scenarios) if over else \
        exp.scenarios
    years = tuple(y for y in exp.years if y <= scenarios[0].run.end_year) or \
        (scenarios[0].run.end_year,)
    return replace(exp, scenarios=scenarios, replicates=replicates, root_seed=root_seed,
                   years=years)


def _base(ref: Any, exp: Experiment, file: str, base_dir: Path) -> Scenario:
    """The base scenario with the ensemble's run settings (years, resolution)."""
    scenario = scenario_ref(ref, "policy.scenario", file, base_dir)
    r = exp.base.run
    return scenario.with_overrides(run={"start_year": r.start_year, "end_year": r.end_year,
                                        "resolution": r.resolution})


def default_range(spec: LeverSpec, widen: float) -> tuple[float, float]:
    """The default search range of a number lever: from its no-policy value to the farthest
    of its 2019 and guideline values and its guideline range, extended beyond that end by
    `widen` × the span (never past the no-policy value: the search does not cut a measure
    below having none), within the lever's bounds."""
    none = float(spec.value_no_policy)
    vals = [none, float(spec.value_2019), float(spec.value_guideline)]
    if spec.guideline_range is not None:
        vals += list(spec.guideline_range)
    lo, hi = min(vals), max(vals)
    span = hi - lo
    b_lo, b_hi = spec.bounds  # type: ignore[misc]
    if none <= lo:  # more policy is a higher value (a subsidy, a share, an index)
        lo_w, hi_w = lo, hi + widen * span
    elif none >= hi:  # more policy is a lower value (a co-financing share, a barrier, a cap)
        lo_w, hi_w = lo - widen * span, hi
    else:
        lo_w, hi_w = lo - widen * span, hi + widen * span
    return max(b_lo, float(f"{lo_w:.6g}")), min(b_hi, float(f"{hi_w:.6g}"))


def guideline_levers() -> list[str]:
    """The levers whose guideline value differs from their 2019 value (catalogue order)."""
    return [n for n, s in LEVERS.items() if s.value_guideline != s.value_2019]


def _levers(table: Mapping[str, Any], base: Scenario,
            file: str) -> tuple[tuple[SearchLever, ...], tuple[int, int] | None]:
    for key in table:
        if key not in LEVER_KEYS:
            raise unknown_key(key, LEVER_KEYS, file=file, field=f"levers.{key}")
    search = table.get("search", "guideline")
    if search == "guideline":
        names = guideline_levers()
    elif isinstance(search, list) and search:
        names = []
        for i, item in enumerate(search):
            where = f"levers.search[{i}]"
            item = item[7:] if isinstance(item, str) and item.startswith("levers.") else item
            if not isinstance(item, str) or item not in LEVERS:
                close = difflib.get_close_matches(str(item), list(LEVERS), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise InputError(f"unknown lever {show_value(item)}{hint}", file=file,
                                 field=where, allowed="a lever name (westdev levers)")
            if item in names:
                raise InputError(f"{item} is listed twice", file=file, field=where)
            names.append(item)
        names = [n for n in LEVERS if n in names]
    else:
        raise InputError(f"{show_value(search)} is not a lever selection", file=file,
                         field="levers.search",
                         allowed="'guideline' (the levers the guideline changes) or a list of "
                         "lever names")
    widen = table.get("widen", 0.25)
    if isinstance(widen, bool) or not isinstance(widen, int | float) or not 0 <= widen <= 2:
        raise InputError(f"{show_value(widen)} is not a widening share", file=file,
                         field="levers.widen", allowed="a number in [0, 2]")
    ranges = as_table(table.get("ranges", {}), file, "levers.ranges")
    flat = dict(_flatten(ranges))
    for key in flat:
        if key not in names:
            raise InputError(f"{key} is not a searched lever", file=file,
                             field=f"levers.ranges.{key}",
                             allowed="a lever of levers.search: " + ", ".join(names))
    out = []
    for name in names:
        spec = LEVERS[name]
        if spec.kind == "choice":
            raise InputError(f"{name} is a choice lever, which the search cannot vary",
                             file=file, field="levers.search",
                             allowed="number and on/off levers; set choices in the base "
                             "scenario")
        if spec.kind == "bool":
            if name in flat:
                raise InputError("an on/off lever takes no range", file=file,
                                 field=f"levers.ranges.{name}", allowed="no entry")
            out.append(SearchLever(name, "bool", 0.0, 1.0))
            continue
        if name in flat:
            raw = flat[name]
            where = f"levers.ranges.{name}"
            if not isinstance(raw, list) or len(raw) != 2:
                raise InputError(f"expected [low, high], got {show_value(raw)}", file=file,
                                 field=where, allowed="[low, high]")
            lo = as_number(raw[0], file=file, field=where)
            hi = as_number(raw[1], file=file, field=where)
            b_lo, b_hi = spec.bounds  # type: ignore[misc]
            if not b_lo <= lo < hi <= b_hi:
                raise InputError(f"[{lo:g}, {hi:g}] is empty or outside the lever's bounds",
                                 file=file, field=where, allowed=f"low < high within "
                                 f"[{b_lo:g}, {b_hi:g}] {spec.unit}")
        else:
            lo, hi = default_range(spec, float(widen))
        out.append(SearchLever(name, "float", float(lo), float(hi)))
    phase = table.get("phase_in", [2020, 2025])
    start = base.run.start_year
    if phase is False:
        phase_in = None
    elif (isinstance(phase, list) and len(phase) == 2 and all(is_int(y) for y in phase)
          and start <= phase[0] < phase[1] <= base.run.end_year):
        phase_in = (int(phase[0]), int(phase[1]))
    else:
        raise InputError(f"{show_value(phase)} is not a phase-in", file=file,
                         field="levers.phase_in",
                         allowed=f"[first, last] years in {start}-{base.run.end_year} "
                         "(numbers move linearly from the base's value in the first year to the "
                         "searched value in the last; on/off levers switch the year after the "
                         "first), or false (the searched value from the start)")
    return tuple(out), phase_in


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, Mapping):
            out += _flatten(val, name)
        else:
            out.append((name, val))
    return out


def _objectives(raw: Any, file: str) -> tuple[Objective, ...]:
    if raw is None:
        raise InputError("no objective", file=file, field="objectives",
                         allowed="[[objectives]] with minimise = \"Area:indicator@...\" or "
                         "maximise = ...")
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise InputError(f"expected [[objectives]] tables, got {show_value(raw)}", file=file,
                         field="objectives", allowed="one or more [[objectives]] tables")
    out = []
    for i, item in enumerate(raw):
        where = f"objectives[{i}]"
        table = as_table(item, file, where)
        for key in table:
            if key not in ("minimise", "maximise"):
                raise unknown_key(key, ("minimise", "maximise"), file=file,
                                  field=f"{where}.{key}")
        if len(table) != 1:
            raise InputError("an objective is one of minimise or maximise", file=file,
                             field=where, allowed="minimise = \"...\" or maximise = \"...\"")
        key, text = next(iter(table.items()))
        o = parse_outcome(text, file=file, field=f"{where}.{key}")
        out.append(Objective(o, "min" if key == "minimise" else "max"))
    labels = [o.outcome.label for o in out]
    if len(set(labels)) != len(labels):
        raise InputError("an outcome is an objective twice", file=file, field="objectives")
    return tuple(out)


def _constraints(raw: Any, file: str) -> tuple[Constraint, ...]:
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise InputError(f"expected [[constraints]] tables, got {show_value(raw)}", file=file,
                         field="constraints", allowed="[[constraints]] tables")
    out = []
    keys = ("condition", "probability", "outcome", "at_most", "at_least")
    for i, item in enumerate(raw):
        where = f"constraints[{i}]"
        table = as_table(item, file, where)
        for key in table:
            if key not in keys:
                raise unknown_key(key, keys, file=file, field=f"{where}.{key}")
        if "condition" in table:
            extra = set(table) - {"condition", "probability"}
            if extra or "probability" not in table:
                raise InputError("a condition takes a probability (and nothing else)",
                                 file=file, field=where,
                                 allowed="condition = \"...\", probability = p in (0, 1)")
            cond = parse_condition(table["condition"], file=file, field=f"{where}.condition")
            if cond.comparison is None:
                raise InputError("a search constraint is one comparison", file=file,
                                 field=f"{where}.condition",
                                 allowed="'Area:indicator@YEAR >= number' (or <, <=, >)")
            p = as_number(table["probability"], file=file, field=f"{where}.probability")
            if not 0 < p < 1:
                raise InputError(f"{p:g} is not a probability", file=file,
                                 field=f"{where}.probability", allowed="a number in (0, 1)")
            out.append(Constraint("probability", p, condition=cond))
        elif "outcome" in table:
            bounds = [k for k in ("at_most", "at_least") if k in table]
            extra = set(table) - {"outcome", "at_most", "at_least"}
            if extra or len(bounds) != 1:
                raise InputError("an outcome takes one of at_most or at_least", file=file,
                                 field=where, allowed="outcome = \"...\", at_most = x")
            o = parse_outcome(table["outcome"], file=file, field=f"{where}.outcome")
            b = as_number(table[bounds[0]], file=file, field=f"{where}.{bounds[0]}")
            out.append(Constraint("mean", b, outcome=o,
                                  op="<=" if bounds[0] == "at_most" else ">="))
        else:
            raise InputError("a constraint needs a condition or an outcome", file=file,
                             field=where, allowed="condition = ... with probability, or "
                             "outcome = ... with at_most / at_least")
    return tuple(out)


def _settings(table: Mapping[str, Any], defaults: Mapping[str, Any], file: str, field: str, *,
              base_dir: Path | None = None, only_given: bool = False) -> dict[str, Any]:
    out = {} if only_given else dict(defaults)
    for key, val in table.items():
        where = f"{field}.{key}"
        if key not in defaults:
            raise unknown_key(key, defaults, file=file, field=where)
        if key == "margin":
            v = as_number(val, file=file, field=where)
            if not 0 <= v < 0.5:
                raise InputError(f"{v:g} is not a margin", file=file, field=where,
                                 allowed="a number in [0, 0.5)")
            out[key] = v
        elif key == "scenarios":
            if not isinstance(val, list) or not all(isinstance(s, str) and s for s in val):
                raise InputError(f"{show_value(val)} is not a list of scenarios", file=file,
                                 field=where, allowed="shipped names or paths")
            for i, s in enumerate(val):
                scenario_ref(s, f"{where}[{i}]", file, base_dir or Path("."))
            out[key] = [str(s) for s in val]
        else:
            low = 0 if key == "seed" else (2 if key in ("explore_runs", "frontier_points",
                                                        "population") else 1)
            if not is_int(val) or val < low or (key == "seed" and val > 2**32 - 1):
                raise InputError(f"{show_value(val)} is not allowed", file=file, field=where,
                                 allowed=f"an integer >= {low}" + (" and < 2^32" if key == "seed"
                                                                   else ""))
            out[key] = val
    return out


def scenario_refs(names: Sequence[str], source: str) -> list[Scenario]:
    """The verification's scenarios (names or paths relative to the spec file)."""
    base_dir = Path(source).parent
    return [scenario_ref(s, "verify.scenarios", source, base_dir) for s in names]
