"""Experiment files: the schema of the TOML tables, checked strictly, and the `Experiment` they
make.

An experiment file (``scenarios/experiments/``; schema in ``scenarios/README.md``) names a
base scenario and one design table, which decides the kind:

- ``[grid]``: a sweep over listed values of levers, parameters and exogenous drivers
  (or ``{range, steps}`` for numbers);
- ``[sample]``: ``method = "lhs"`` (a sweep), or ``"sobol"`` / ``"morris"`` (a sensitivity
  design), over ``[factors.*]`` distributions (`westdev.experiments.factors`);
- ``[ensemble]``: draws of the uncertain parameters (register tags or names, with a
  ``distribution`` of uniform, triangular or — from the calibration — fitted) and scale factors
  of the exogenous paths, with ``lever_ranges = true`` every assumed lever magnitude drawn
  within its documented range (`westdev levers`), plus optional ``[factors.*]``;
- ``[decomposition]``: a package's levers, split one-at-a-time and/or by Shapley values.

``[run]`` sets years, resolution, replicates and the root seed; ``[outputs]`` the outcomes
("Area:indicator", by default the three goal ratios) and years. Every bad value is one
`InputError` naming the file, the field and what is allowed (docs/design.md §9).
`experiment_from_dict` also reads a manifest's request (``westdev rerun``), where scenarios are
inline tables and the grid and factors are ordered lists.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from westdev.calibration.fitted_file import read_fitted
from westdev.errors import InputError
from westdev.experiments.experiment import Experiment
from westdev.experiments.factors import (
    FACTOR_KEYS,
    Factor,
    check_range,
    find_target,
    parse_factor,
    parse_grid_values,
    path_extremes,
    resolve_target,
)
from westdev.experiments.record import ALL as ALL_RECORD
from westdev.experiments.record import DEFAULT as DEFAULT_RECORD
from westdev.inputs.exogenous import EXOGENOUS
from westdev.inputs.files import load_toml, locate_shipped, shipped_names
from westdev.inputs.indicators import ALL_INDICATORS, recorded_in
from westdev.inputs.parameters import TAGS, load_parameters, load_register, register_entries
from westdev.inputs.regions import REGION_GROUPS
from westdev.inputs.resolution import RESOLUTIONS
from westdev.inputs.scenario import (
    MAX_SEED,
    Scenario,
    canonical_value,
    load_scenario,
    scenario_from_content,
    shipped_path,
    shipped_scenarios,
)
from westdev.inputs.validate import (
    as_pair,
    as_table,
    check_tables,
    is_int,
    show_value,
    unknown_key,
    unknown_value,
)
from westdev.policy.catalogue import LEVERS
from westdev.policy.goal import OUTCOMES as GOAL_OUTCOMES

KINDS = ("sweep", "ensemble", "sensitivity", "decomposition")
SAMPLERS = ("lhs", "sobol", "morris")
ENSEMBLE_METHODS = ("random", "lhs")
# ensemble draws of register parameters: uniform or triangular over the register's range, or
# "fitted": the calibration's uncertainty for the parameters of the scenario's fitted vintage
# (uniform for the rest)
ENSEMBLE_DISTRIBUTIONS = ("uniform", "triangular", "fitted")
DECOMPOSITION_METHODS = ("both", "shapley", "oat")
MAX_PERMUTATIONS = 10_000  # sampled Shapley orderings (each adds up to one subset per lever)
TABLES = ("experiment", "run", "outputs", "grid", "sample", "factors", "ensemble",
          "decomposition")
DESIGN_TABLES = ("grid", "sample", "ensemble", "decomposition")
EXPERIMENT_KEYS = ("name", "description", "kind", "scenario", "scenarios",
                   "common_random_numbers")
DEFAULT_EXOGENOUS_SCALES: dict[str, tuple[float, float]] = {
    "frontier_tfp_growth": (0.5, 1.5),
    "world_demand_growth": (0.5, 1.5),
    "commodity_price_index": (0.7, 1.3),
}
_INDICATOR_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


# ====================================================================== loading
def load_experiment(path: str | Path) -> Experiment:
    """Load and check an experiment file (a path, or a shipped name such as "smoke")."""
    path = _locate_experiment(path)
    file = str(path)
    raw = load_toml(path, what="experiment file (.toml)")
    return experiment_from_dict(raw, file=file, base_dir=path.parent,
                                default_name=path.stem)


def shipped_experiments() -> list[str]:
    """Names of the experiment files shipped in ``westdev.scenarios/experiments``."""
    return shipped_names("experiments")


def _locate_experiment(path_or_name: str | Path) -> Path:
    return locate_shipped(path_or_name, "experiments", "experiment")


def experiment_from_dict(raw: Mapping[str, Any], *, file: str = "<experiment>",
                         base_dir: str | Path = ".",
                         default_name: str = "experiment") -> Experiment:
    """Check an experiment given as a dict (a parsed file, or a manifest's request)."""
    base_dir = Path(base_dir)
    check_tables(raw, TABLES, file=file, what="experiment")
    exp = as_table(raw.get("experiment"), file, "experiment", required=True)
    name, description, crn = _parse_header(exp, file, default_name)
    design_table, kind, sample = _design_table(raw, exp, file)
    run = as_table(raw.get("run", {}), file, "run")
    scenarios = _parse_scenarios(exp, run, kind, file, base_dir)
    replicates, root_seed = _parse_run(run, scenarios[0], file)
    outcomes, years, record = _parse_outputs(as_table(raw.get("outputs", {}), file,
                                                      "outputs"), scenarios[0].run, file)
    common = dict(name=name, description=description, kind=kind, source=file,
                  scenarios=scenarios, replicates=replicates, root_seed=root_seed,
                  common_random_numbers=crn, outcomes=outcomes, years=years, record=record)
    if design_table == "grid":
        entries = list(_grid_entries(raw["grid"], file))
        factors = tuple(parse_grid_values(n, v, file=file, field=f"grid.{n}")
                        for n, v in entries)
        if not factors:
            raise InputError("the grid has no factors", file=file, field="grid",
                             allowed="one or more factor = [values] entries")
        _check_duplicates(factors, file, "grid", [n for n, _ in entries])
        experiment = Experiment(**common, design="grid", factors=factors)
    elif design_table == "sample":
        settings = _parse_sample(sample, root_seed, file)
        factors = _parse_factors(raw.get("factors"), file, required=True)
        experiment = Experiment(**common, design=settings["method"], factors=factors,
                                sample=settings)
    elif design_table == "ensemble":
        settings, factors = _parse_ensemble(as_table(raw["ensemble"], file, "ensemble"),
                                            raw.get("factors"), scenarios[0], root_seed, file)
        experiment = Experiment(**common, design="random" if settings["method"] == "random"
                                else "lhs", factors=factors, ensemble=settings)
    else:
        settings = _parse_decomposition(as_table(raw["decomposition"], file, "decomposition"),
                                        scenarios[0], root_seed, file, base_dir)
        experiment = Experiment(**{**common, "common_random_numbers": True},
                                design="decomposition", decomposition=settings)
    _check_scaled_paths(experiment, file)
    return experiment


def _parse_header(exp: Mapping[str, Any], file: str,
                  default_name: str) -> tuple[str, str, bool]:
    """Name, description and common_random_numbers of the ``[experiment]`` table."""
    for key in exp:
        if key not in EXPERIMENT_KEYS:
            raise unknown_key(key, EXPERIMENT_KEYS, file=file, field=f"experiment.{key}")
    name = exp.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InputError(f"{show_value(name)} is not an experiment name", file=file,
                         field="experiment.name",
                         allowed="letters, digits, '_', '-', '.'")
    description = exp.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"expected a string, got {show_value(description)}", file=file,
                         field="experiment.description")
    crn = exp.get("common_random_numbers", False)
    if not isinstance(crn, bool):
        raise InputError(f"{show_value(crn)} is not true or false", file=file,
                         field="experiment.common_random_numbers", allowed="true or false")
    return name, description, crn


def _design_table(raw: Mapping[str, Any], exp: Mapping[str, Any],
                  file: str) -> tuple[str, str, Mapping[str, Any]]:
    """The one design table, the kind it makes and the ``[sample]`` table (empty unless
    sampled); a stated ``kind`` must agree."""
    designs = [t for t in DESIGN_TABLES if t in raw]
    if len(designs) != 1:
        got = ", ".join(f"[{t}]" for t in designs) or "none"
        raise InputError(f"an experiment needs exactly one design table (found: {got})",
                         file=file, field="grid" if not designs else designs[1],
                         allowed="[grid] (sweep), [sample] (lhs sweep, sobol or morris "
                         "sensitivity), [ensemble] or [decomposition]")
    design_table = designs[0]
    sample = as_table(raw.get("sample"), file, "sample") if design_table == "sample" else {}
    if design_table == "sample":
        method = sample.get("method")
        if method not in SAMPLERS:
            raise unknown_value(method, SAMPLERS, file=file, field="sample.method",
                                what="sampler")
        kind = "sweep" if method == "lhs" else "sensitivity"
    else:
        kind = {"grid": "sweep", "ensemble": "ensemble",
                "decomposition": "decomposition"}[design_table]
    if "kind" in exp and exp["kind"] != kind:
        if exp["kind"] not in KINDS:
            raise unknown_value(exp["kind"], KINDS, file=file, field="experiment.kind",
                                what="kind")
        raise InputError(f"kind {exp['kind']!r} does not match the design table "
                         f"[{design_table}], which makes a {kind!r} experiment", file=file,
                         field="experiment.kind",
                         allowed=f"'{kind}', or the design table of a {exp['kind']!r} "
                         "experiment")
    if "factors" in raw and design_table not in ("sample", "ensemble"):
        raise InputError(f"[factors] is not used by [{design_table}]", file=file,
                         field="factors", allowed="[factors.*] with [sample] or [ensemble]")
    return design_table, kind, sample


def _parse_scenarios(exp: Mapping[str, Any], run: Mapping[str, Any], kind: str, file: str,
                     base_dir: Path) -> tuple[Scenario, ...]:
    """The base scenario(s), with ``[run]`` applied: distinct names, the same years."""
    if ("scenario" in exp) == ("scenarios" in exp):
        raise InputError("give either 'scenario' or 'scenarios'", file=file,
                         field="experiment.scenario",
                         allowed="scenario = a shipped name or a path relative to this file; "
                         "scenarios = a list of them (sweeps and ensembles)")
    if "scenarios" in exp:
        items = exp["scenarios"]
        if not isinstance(items, list) or not items:
            raise InputError(f"expected a non-empty list, got {show_value(items)}", file=file,
                             field="experiment.scenarios", allowed="a list of scenario names "
                             "or paths")
        if len(items) > 1 and kind in ("sensitivity", "decomposition"):
            raise InputError(f"a {kind} experiment has one base scenario", file=file,
                             field="experiment.scenarios",
                             allowed="scenario = one name or path")
        fields = [f"experiment.scenarios[{i}]" for i in range(len(items))]
    else:
        items, fields = [exp["scenario"]], ["experiment.scenario"]
    scenarios = tuple(_run_overrides(scenario_ref(item, f, file, base_dir), run, file)
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
    return scenarios


def _parse_run(run: Mapping[str, Any], first: Scenario, file: str) -> tuple[int, int]:
    """Replicates and root seed of ``[run]`` (the seed defaults to the first scenario's)."""
    replicates = run.get("replicates", 1)
    if not is_int(replicates) or replicates < 1:
        raise InputError(f"{show_value(replicates)} is not a number of replicates", file=file,
                         field="run.replicates", allowed="an integer >= 1")
    root_seed = run.get("root_seed", first.run.root_seed)
    if not is_int(root_seed) or not 0 <= root_seed <= MAX_SEED:
        raise InputError(f"{show_value(root_seed)} is not a seed", file=file,
                         field="run.root_seed", allowed="an integer from 0 to 2^63-1")
    return replicates, root_seed


def _grid_entries(raw: Any, file: str) -> Iterator[tuple[str, Any]]:
    """``[grid]`` as a table (files) or a list of ``{name, values}`` (manifests, in order)."""
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping) or set(item) != {"name", "values"}:
                raise InputError(f"{show_value(item)} is not a grid entry", file=file,
                                 field=f"grid[{i}]", allowed="{name, values}")
            yield item["name"], item["values"]
        return
    yield from _flatten_grid(as_table(raw, file, "grid"))


def _flatten_grid(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``[grid]`` entries; unquoted dotted keys (nested tables) are flattened."""
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, Mapping) and not ({"range", "steps"} & set(val)):
            yield from _flatten_grid(val, name)
        else:
            yield name, val


def _flatten_factors(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``[factors]`` entries; unquoted dotted keys (nested tables) are flattened."""
    for key, val in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, Mapping) and val and not (set(FACTOR_KEYS) & set(val)):
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
                raise InputError(f"{show_value(item)} is not a factor", file=file,
                                 field=f"factors[{i}]", allowed="{name, ...distribution}")
            entries.append((item["name"], {k: v for k, v in item.items() if k != "name"}))
    else:
        entries = list(_flatten_factors(as_table(raw, file, "factors")))
    factors = tuple(parse_factor(n, v, file=file, field=f"factors.{n}") for n, v in entries)
    if required and not factors:
        raise InputError("no factors", file=file, field="factors",
                         allowed="[factors.<name>] tables")
    _check_duplicates(factors, file, "factors", [n for n, _ in entries])
    return factors


def _check_duplicates(factors: Sequence[Factor], file: str, table: str,
                      written: Sequence[str] | None = None) -> None:
    """Each factor once: a name with and without its prefix, or as a dotted key and a nested
    table, is the same factor — named with both places, never silently the later one."""
    written = list(written) if written is not None else [f.name for f in factors]
    seen: dict[str, str] = {}
    for f, raw in zip(factors, written, strict=True):
        if f.name in seen:
            raise InputError(f"{f.name} is given twice: as {table}.{seen[f.name]} and as "
                             f"{table}.{raw}", file=file, field=f"{table}.{raw}",
                             allowed="each factor once (with or without its prefix)")
        seen[f.name] = raw
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
            raise unknown_key(key, allowed, file=file, field=f"sample.{key}")
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
    if not is_int(n) or n < low:
        raise InputError(f"{show_value(n)} is not a sample size", file=file, field=f"sample.{nkey}",
                         allowed=f"an integer >= {low}")
    if method == "sobol" and n & (n - 1):
        lo = 1 << (n.bit_length() - 1)
        raise InputError(f"n = {n} is not a power of two; the nearest are {lo} and {lo * 2}",
                         file=file, field="sample.n",
                         allowed="a power of two (Sobol' sequences balance only then): "
                         f"{lo} or {lo * 2}")
    seed = table.get("seed", root_seed % 2**32)
    if not is_int(seed) or not 0 <= seed < 2**32:
        raise InputError(f"{show_value(seed)} is not a sample seed", file=file, field="sample.seed",
                         allowed="an integer from 0 to 2^32-1")
    out: dict[str, Any] = {"method": method, "n": n, "seed": seed}
    if method == "sobol":
        cso = table.get("calc_second_order", False)
        if not isinstance(cso, bool):
            raise InputError(f"{show_value(cso)} is not true or false", file=file,
                             field="sample.calc_second_order", allowed="true or false")
        out["calc_second_order"] = cso
    if method == "morris":
        levels = table.get("levels", 4)
        if not is_int(levels) or levels < 2 or levels % 2:
            raise InputError(f"{show_value(levels)} is not a number of levels", file=file,
                             field="sample.levels", allowed="an even integer >= 2 (4 is usual)")
        out["levels"] = levels
    return out


def _parse_ensemble(table: Mapping[str, Any], factors_raw: Any, scenario: Scenario,
                    root_seed: int, file: str) -> tuple[dict[str, Any], tuple[Factor, ...]]:
    """Settings of ``[ensemble]`` and the factors it draws: the selected register parameters,
    the scaled exogenous paths, then any ``[factors.*]`` (which replace default draws)."""
    keys = ("draws", "method", "seed", "parameters", "distribution", "exogenous_scale",
            "lever_ranges")
    for key in table:
        if key not in keys:
            raise unknown_key(key, keys, file=file, field=f"ensemble.{key}")
    draws = table.get("draws")
    if not is_int(draws) or draws < 1:
        raise InputError(f"{show_value(draws)} is not a number of draws", file=file,
                         field="ensemble.draws", allowed="an integer >= 1")
    method = table.get("method", "random")
    if method not in ENSEMBLE_METHODS:
        raise unknown_value(method, ENSEMBLE_METHODS, file=file, field="ensemble.method",
                            what="method")
    seed = table.get("seed", root_seed % 2**32)
    if not is_int(seed) or not 0 <= seed < 2**32:
        raise InputError(f"{show_value(seed)} is not a sample seed", file=file,
                         field="ensemble.seed", allowed="an integer from 0 to 2^32-1")
    dist = table.get("distribution", "uniform")
    if dist not in ENSEMBLE_DISTRIBUTIONS:
        raise unknown_value(dist, ENSEMBLE_DISTRIBUTIONS, file=file,
                            field="ensemble.distribution", what="distribution")
    factors = _ensemble_parameters(table.get("parameters", ["calibrated"]), dist, scenario,
                                   file)
    factors.update(_ensemble_scales(table.get("exogenous_scale", DEFAULT_EXOGENOUS_SCALES),
                                    file))
    lever_ranges = table.get("lever_ranges", False)
    if not isinstance(lever_ranges, bool):
        raise InputError(f"{show_value(lever_ranges)} is not true or false", file=file,
                         field="ensemble.lever_ranges",
                         allowed="true (draw every assumed lever magnitude within its "
                         "documented range) or false")
    if lever_ranges:
        factors.update(_lever_magnitudes())
    for f in _parse_factors(factors_raw, file, required=False):
        if f.target.kind == "lever":
            raise InputError("levers are policy, not uncertainty: an ensemble draws parameters "
                             "and exogenous paths", file=file, field=f"factors.{f.name}",
                             allowed="parameters.* or exogenous.* factors, or "
                             "lever_ranges = true to draw assumed lever magnitudes within "
                             "their documented ranges (sweep levers with [grid] or [sample])")
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


def _ensemble_parameters(selection: Any, dist: str, scenario: Scenario,
                         file: str) -> dict[str, Factor]:
    """The register parameters an ensemble draws (``parameters``: tags and names; the tag
    ``calibrated`` also selects every parameter the vintage's fit estimated), each over its
    register range: uniform, triangular around the value in use, or the fit's normal."""
    fitted = _fitted_uncertainty(scenario.parameter_vintage) if dist == "fitted" else {}
    if not isinstance(selection, list):
        raise InputError(f"expected a list, got {show_value(selection)}", file=file,
                         field="ensemble.parameters",
                         allowed="a list of register tags (" + ", ".join(TAGS)
                         + ") and dotted parameter names")
    register = load_register()
    values = load_parameters(scenario.parameter_vintage, scenario.parameter_overrides)
    # "calibrated" means what the vintage's fit estimated as well as what the register tags so:
    # the screening chooses the estimated set afresh at each calibration
    estimated = [n for n, _ in register_entries(
        read_fitted(scenario.parameter_vintage).get("parameters", {})) if n in register]
    factors: dict[str, Factor] = {}
    for i, item in enumerate(selection):
        names = _selected_parameters(item, register, file, f"ensemble.parameters[{i}]")
        if item == "calibrated":
            names = names + [n for n in estimated if n not in names]
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
    return factors


def _selected_parameters(item: Any, register: Mapping[str, Any], file: str,
                         where: str) -> list[str]:
    """The register names one entry of ``parameters`` selects: a tag's, or the one named."""
    if item in TAGS:
        return [n for n, s in register.items() if s.tag == item]
    if not isinstance(item, str) or isinstance(find_target(item), str):
        close = difflib.get_close_matches(str(item), list(TAGS) + list(register), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"{show_value(item)} is neither a register tag nor a parameter"
                         f"{hint}", file=file, field=where,
                         allowed="register tags (" + ", ".join(TAGS) + ") or dotted "
                         "parameter names (westdev params)")
    target = resolve_target(item, file=file, field=where)
    if target.kind != "parameter":
        raise InputError(f"{item!r} is not a parameter", file=file, field=where,
                         allowed="register tags (" + ", ".join(TAGS) + ") or dotted "
                         "parameter names; exogenous paths go in exogenous_scale")
    return [target.key]


def _lever_magnitudes() -> dict[str, Factor]:
    """One uniform quantile per lever with an assumed magnitude (``lever_ranges = true``): the
    quantile of the documented range of whatever value a scenario gives the lever (2019's, the
    guideline's or the enacted one; `westdev.experiments.factors.drawn_magnitude`). One draw
    serves every scenario of the ensemble, so scenarios stay paired: a draw that makes the
    skilled-migrant incentive large makes it large wherever the guideline value is used."""
    factors: dict[str, Factor] = {}
    for name, spec in LEVERS.items():
        if spec.has_assumed_magnitude and spec.kind == "float":
            target = resolve_target(f"levers.{name}.magnitude")
            factors[target.name] = Factor(target, "uniform", low=0.0, high=1.0)
    return factors


def _ensemble_scales(scales: Any, file: str) -> dict[str, Factor]:
    """Uniform scale factors of exogenous paths (``exogenous_scale``: driver = [low, high])."""
    if not isinstance(scales, Mapping):
        raise InputError(f"expected a table, got {show_value(scales)}", file=file,
                         field="ensemble.exogenous_scale",
                         allowed="driver = [low, high] scale factors")
    factors: dict[str, Factor] = {}
    for driver, rng in scales.items():
        where = f"ensemble.exogenous_scale.{driver}"
        if driver not in EXOGENOUS:
            raise unknown_key(driver, EXOGENOUS, file=file, field=where, what="exogenous driver")
        lo, hi = as_pair(rng, file=file, field=where)
        target = resolve_target(f"exogenous.{driver}.scale")
        check_range(lo, hi, target, file=file, field=where)
        factors[target.name] = Factor(target, "uniform", low=lo, high=hi)
    return factors


def _fitted_uncertainty(vintage: str) -> dict[str, tuple[float, float]]:
    """(value, s.d.) of each parameter estimated in the fitted `vintage`: the standard error,
    or — where the emulator gave none — a sixth of the 90 % plausible range (±1.645 s.d.)."""
    out = {}
    for name, entry in register_entries(read_fitted(vintage).get("parameters", {})):
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
            raise unknown_key(key, keys, file=file, field=f"decomposition.{key}")
    if "package" not in table:
        raise InputError("the package is missing", file=file, field="decomposition.package",
                         allowed="a scenario (shipped name or path) whose levers are split")
    package = scenario_ref(table["package"], "decomposition.package", file, base_dir)
    differ = [lv for lv in LEVERS
              if canonical_value(package.levers[lv]) != canonical_value(base.levers[lv])]
    if "levers" in table:
        raw = table["levers"]
        if not isinstance(raw, list) or not raw:
            raise InputError(f"expected a non-empty list, got {show_value(raw)}", file=file,
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
        raise unknown_value(method, DECOMPOSITION_METHODS, file=file,
                             field="decomposition.method", what="method")
    perms = table.get("permutations", 100)
    if not is_int(perms) or not 1 <= perms <= MAX_PERMUTATIONS:
        raise InputError(f"{show_value(perms)} permutations", file=file,
                         field="decomposition.permutations",
                         allowed=f"an integer from 1 to {MAX_PERMUTATIONS:,}")
    seed = table.get("seed", root_seed % 2**32)
    if not is_int(seed) or not 0 <= seed < 2**32:
        raise InputError(f"{show_value(seed)} is not a seed", file=file,
                         field="decomposition.seed", allowed="an integer from 0 to 2^32-1")
    # only the package's levers are used; its run settings, parameters and paths are not
    return {"package": package, "levers": tuple(levers), "method": method,
            "permutations": perms, "seed": seed}


def _parse_outputs(table: Mapping[str, Any], run: Any,
                   file: str) -> tuple[tuple[str, ...], tuple[int, ...], Any]:
    """Outcomes, years and what each run records ("default", "all" or extra outcomes) of
    ``[outputs]``; every outcome is checked against the indicators the model records, so that a
    misspelt one fails here, not after the batch."""
    keys = ("outcomes", "years", "record")
    for key in table:
        if key not in keys:
            raise unknown_key(key, keys, file=file, field=f"outputs.{key}")
    outcomes = table.get("outcomes", list(GOAL_OUTCOMES))
    if not isinstance(outcomes, list) or not outcomes:
        raise InputError(f"expected a non-empty list, got {show_value(outcomes)}", file=file,
                         field="outputs.outcomes", allowed='"Area:indicator" strings, e.g. '
                         f'"{GOAL_OUTCOMES[0]}"')
    for i, item in enumerate(outcomes):
        _check_outcome(item, file, f"outputs.outcomes[{i}]")
    if len(set(outcomes)) != len(outcomes):
        raise InputError("an outcome is listed twice", file=file, field="outputs.outcomes")
    all_years = list(range(run.start_year + 1, run.end_year + 1))
    years = table.get("years", all_years)
    if not isinstance(years, list) or not years:
        raise InputError(f"expected a non-empty list, got {show_value(years)}", file=file,
                         field="outputs.years", allowed=f"years {run.start_year}-{run.end_year}")
    for i, y in enumerate(years):
        if not is_int(y) or not run.start_year <= y <= run.end_year:
            raise InputError(f"{show_value(y)} is not a simulated year", file=file,
                             field=f"outputs.years[{i}]",
                             allowed=f"an integer year in {run.start_year}-{run.end_year}")
    record = table.get("record", DEFAULT_RECORD)
    record_allowed = ('"default" (what analyses and reports read), "all" (every indicator, '
                      'area and year: about 250 KB a run) or a list of "Area:indicator" / '
                      '"*:indicator" to record besides the default')
    if isinstance(record, list):
        for i, item in enumerate(record):
            _check_outcome(item, file, f"outputs.record[{i}]", every_area=True)
        record = tuple(dict.fromkeys(record)) or DEFAULT_RECORD
    elif record not in (DEFAULT_RECORD, ALL_RECORD):
        raise InputError(f"{show_value(record)} is not a record choice", file=file,
                         field="outputs.record", allowed=record_allowed)
    return tuple(outcomes), tuple(sorted(set(years))), record


def _check_outcome(item: Any, file: str, where: str, *, every_area: bool = False) -> None:
    """An "Area:indicator" the model records (or "*:indicator" when `every_area`)."""
    if not isinstance(item, str) or item.count(":") != 1:
        raise InputError(f"{show_value(item)} is not an outcome", file=file, field=where,
                         allowed=f'"Area:indicator", e.g. "{GOAL_OUTCOMES[0]}"')
    area, indicator = item.split(":")
    areas = known_areas()
    if area not in areas and not (every_area and area == "*"):
        close = difflib.get_close_matches(area, areas, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"unknown area '{area}'{hint}", file=file, field=where,
                         allowed="a region group (" + ", ".join(REGION_GROUPS)
                         + "), China or a province's English name"
                         + (", or * for every area" if every_area else ""))
    if not _INDICATOR_RE.match(indicator):
        raise InputError(f"{indicator!r} is not an indicator name", file=file, field=where,
                         allowed="an indicator of the results table")
    recorded = recorded_in(indicator)
    if recorded is None:
        close = difflib.get_close_matches(indicator, sorted(ALL_INDICATORS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"the model records no indicator '{indicator}'{hint}", file=file,
                         field=where, allowed="an indicator of the results table "
                         "(docs/ODD.md §4.11)")
    if recorded != ("*",) and area not in recorded:
        raise InputError(f"'{indicator}' is recorded for {recorded[0]} only, not for "
                         f"'{area}'", file=file, field=where,
                         allowed=f'"{recorded[0]}:{indicator}"')


def _check_scaled_paths(exp: Experiment, file: str) -> None:
    """Scaled exogenous paths must stay within the driver's bounds in every base scenario."""
    for f in exp.factors:
        if f.target.kind != "exogenous_scale":
            continue
        lo_b, hi_b = f.target.bounds  # type: ignore[misc]
        for s in exp.scenarios:
            p_lo, p_hi = path_extremes(s.exogenous[f.target.key])
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
    text = resources.files("westdev.inputs.data").joinpath("provinces.csv").read_text(
        encoding="utf-8")
    names = [row["name_en"].strip() for row in csv.DictReader(text.splitlines())]
    return tuple(names) + tuple(REGION_GROUPS) + ("China",)


# ---------------------------------------------------------------------- scenarios
def scenario_ref(item: Any, field: str, file: str, base_dir: Path) -> Scenario:
    """A scenario named in an experiment (or a policy search): a path (relative to the experiment file), a shipped
    name, or an inline table ``{name, description, content, hash}`` (manifests)."""
    if isinstance(item, Scenario):
        return item
    if isinstance(item, Mapping):
        return scenario_from_inline(item, field, file)
    if isinstance(item, Path):
        item = str(item)
    if not isinstance(item, str) or not item.strip():
        raise InputError(f"{show_value(item)} is not a scenario", file=file, field=field,
                         allowed="a shipped scenario name or a path relative to this file")
    candidate = Path(item)
    if not candidate.is_absolute():
        candidate = base_dir / candidate
    if candidate.is_file():
        return load_scenario(candidate)
    if shipped_path(item) is not None:
        return load_scenario(item)
    names = shipped_scenarios()
    close = difflib.get_close_matches(item, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise InputError(f"scenario '{item}' not found (looked for {candidate} and a shipped "
                     f"scenario){hint}", file=file, field=field,
                     allowed="a path relative to this file or a shipped scenario: "
                     + ", ".join(names))


def scenario_from_inline(item: Mapping[str, Any], field: str, file: str) -> Scenario:
    """A scenario given inline (a manifest's ``{name, description, hash, content}``), whose
    content must still hash to the recorded value."""
    keys = ("name", "description", "hash", "content", "resolution")
    for key in item:
        if key not in keys:
            raise unknown_key(key, keys, file=file, field=f"{field}.{key}")
    if "content" not in item or "name" not in item:
        raise InputError("an inline scenario needs 'name' and 'content'", file=file,
                         field=field, allowed="{name, description, hash, content}")
    scenario = scenario_from_content(as_table(item["content"], file, f"{field}.content"),
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
            raise unknown_key(key, allowed, file=file, field=f"run.{key}")
    if "resolution" in run and run["resolution"] not in RESOLUTIONS:
        raise unknown_value(run["resolution"], RESOLUTIONS, file=file, field="run.resolution",
                             what="resolution")
    over = {k: run[k] for k in ("start_year", "end_year", "resolution") if k in run}
    if not over:
        return scenario
    try:
        return scenario.with_overrides(run=over)
    except InputError as exc:
        raise InputError(exc.detail, file=file, field=exc.field, allowed=exc.allowed) from None
