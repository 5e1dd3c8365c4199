"""The explorer's logic, callable without a browser: controls → scenario → runs → tables,
figures and downloads.

The page (`westdev.explorer.app`) only wires these functions to widgets:

- `preset_names`, `preset`, `control_values`: the presets and what each lever's control shows
  (the lever's value in the end year — for a phased-in lever, where it ends up);
- `check_lever`, `check_int`: one field's text → a value or an inline message (no run while a
  field is bad);
- `Request` (built by `request_from_controls`): the preset, the changed levers and the run
  settings; `Request.scenario()` is the `Scenario` that runs, `Request.toml()` the file that
  `westdev validate` accepts and `westdev run` reproduces;
- `Explorer.compare` runs baseline and scenario through `westdev.api.compare` (the package's
  runner, serial backend, small resolution, common random numbers), so the page's numbers are
  those of ``westdev run <file> --replicates N --root-seed S --resolution small``;
  `Explorer.ensemble` runs the quick uncertainty ensemble for P(goal);
- `summary_table`, `summary_html`, `figures` (the package's chart functions, PNG) and the
  downloads `results_csv`, `results_parquet`.
"""

from __future__ import annotations

import atexit
import base64
import dataclasses
import html
import io
import json
import math
import shutil
import tempfile
import threading
import time
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

import westdev.api as wd
from westdev import __version__
from westdev.charts import labels as L
from westdev.errors import InputError
from westdev.explorer.texts import (
    area_name,
    choice_name,
    lever_title,
    text,
    unit_name,
)
from westdev.inputs.scenario import (
    MAX_SEED,
    Scenario,
    load_scenario,
    shipped_scenarios,
)
from westdev.inputs.schedule import Value
from westdev.policy import goal
from westdev.policy.catalogue import AREAS, LEVERS, LeverSpec

RESOLUTION = "small"
DEFAULT_REPLICATES = 4
MAX_REPLICATES = 16
BASELINE = "baseline"
PRESETS = ("baseline", "guideline", "no_policy", "enacted_2020_2024")
PHASE_FROM, PHASE_TO, SWITCH_YEAR = 2020, 2025, 2021  # the guideline file's phase-in rule
ENSEMBLE_DRAWS = 16
COST = "lever_cost_100m_yuan.total"
CUM_COST = "lever_cost_cumulative_100m_yuan"
TRILLION = 1e4  # 100m yuan per trillion yuan
GOAL_ROWS = (*goal.RATIO_INDICATORS.values(), goal.CONTEXT_RATIO)
PNG_DPI = 110


# ---------------------------------------------------------------------- presets and controls
def preset_names() -> list[str]:
    """The presets shipped with this install, in page order (a preset whose scenario file is
    missing is left out)."""
    shipped = set(shipped_scenarios())
    return [name for name in PRESETS if name in shipped]


@cache
def preset(name: str) -> Scenario:
    """A preset's scenario (a shipped scenario file)."""
    if name not in preset_names():
        raise InputError(f"unknown preset {name!r}", field="preset",
                         allowed=", ".join(preset_names()))
    return load_scenario(name)


def levers_by_area() -> dict[str, list[LeverSpec]]:
    """The catalogue's levers grouped by the guideline's areas, in catalogue order."""
    return {area: [s for s in LEVERS.values() if s.area == area] for area in AREAS}


def shown_value(scenario: Scenario, name: str) -> Value:
    """What a lever's control shows for a scenario: its value in the end year."""
    return scenario.levers[name].at(scenario.run.end_year)


def format_number(value: float) -> str:
    """A number as a field shows it: short, and read back to the same float."""
    short = f"{value:.12g}"
    return short if float(short) == value else repr(float(value))


def control_values(preset_name_: str) -> dict[str, Any]:
    """The raw control state of a preset: text for numbers, bool for on/off, the choice."""
    scenario = preset(preset_name_)
    out: dict[str, Any] = {}
    for name, spec in LEVERS.items():
        value = shown_value(scenario, name)
        out[name] = format_number(float(value)) if spec.kind == "float" else value
    return out


@dataclass(frozen=True)
class FieldCheck:
    """A field's value, or the inline message that says why there is none."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_lever(name: str, raw: Any, lang: str = "en") -> FieldCheck:
    """Check one lever's control state (the text of a number field, a bool, a choice)."""
    spec = LEVERS[name]
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return FieldCheck(raw)
        low = str(raw).strip().lower()
        if low in ("true", "false"):
            return FieldCheck(low == "true")
        return FieldCheck(error=text("err_choice", lang, text=raw, choices="true, false"))
    if spec.kind == "choice":
        if raw in spec.choices:
            return FieldCheck(raw)
        return FieldCheck(error=text("err_choice", lang, text=raw,
                                     choices=", ".join(spec.choices)))
    return check_number(raw, spec.bounds, spec.unit, lang)  # type: ignore[arg-type]


def check_number(raw: Any, bounds: tuple[float, float], unit: str = "",
                 lang: str = "en") -> FieldCheck:
    """A number field: finite, inside `bounds` (inclusive)."""
    if isinstance(raw, bool):
        return FieldCheck(error=text("err_nan", lang, text=raw))
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        stripped = str(raw if raw is not None else "").strip()
        if not stripped:
            return FieldCheck(error=text("err_empty", lang))
        try:
            value = float(stripped)
        except ValueError:
            return FieldCheck(error=text("err_nan", lang, text=stripped))
    if not math.isfinite(value):
        return FieldCheck(error=text("err_nan", lang, text=raw))
    lo, hi = bounds
    if not lo <= value <= hi:
        return FieldCheck(error=text("err_range", lang, value=format_number(value),
                                     lo=format_number(lo), hi=format_number(hi),
                                     unit=unit_name(unit, lang)))
    return FieldCheck(value)


def check_int(raw: Any, lo: int, hi: int, lang: str = "en") -> FieldCheck:
    """A whole-number field (replicates, root seed) inside [lo, hi]."""
    stripped = str(raw if raw is not None else "").strip()
    if not stripped:
        return FieldCheck(error=text("err_empty", lang))
    try:
        value = int(stripped)
    except ValueError:
        return FieldCheck(error=text("err_int", lang, text=stripped))
    if not lo <= value <= hi:
        return FieldCheck(error=text("err_int_range", lang, value=value, lo=lo, hi=hi))
    return FieldCheck(value)


def lever_label(spec: LeverSpec, lang: str = "en") -> tuple[str, str]:
    """(heading, caption) of a lever's control: its meaning (or Chinese name) and
    'unit · range · 2019 value · §N · dotted name'."""
    heading = lever_title(spec.name, spec.meaning, lang)
    if spec.kind == "float":
        lo, hi = spec.bounds  # type: ignore[misc]
        allowed = text("range", lang, lo=format_number(lo), hi=format_number(hi))
        base = format_number(float(spec.value_2019))
    elif spec.kind == "bool":
        allowed = ""  # the unit says it: on/off
        base = text("yes" if spec.value_2019 else "no", lang)
    else:
        allowed = " / ".join(choice_name(c, lang) for c in spec.choices)
        base = choice_name(str(spec.value_2019), lang)
    parts = [unit_name(spec.unit, lang), allowed, text("default_2019", lang, value=base),
             spec.cited, spec.name]
    return heading, " · ".join(p for p in parts if p)


# ---------------------------------------------------------------------- the request
@dataclass(frozen=True)
class Request:
    """What the page asks for: a preset, the levers changed from it (their target values),
    whether changes phase in, and the run settings (small resolution)."""

    preset: str = BASELINE
    levers: tuple[tuple[str, Value], ...] = ()
    phase_in: bool = True
    replicates: int = DEFAULT_REPLICATES
    root_seed: int | None = None  # None: the preset's [run] root_seed

    def __post_init__(self) -> None:
        preset(self.preset)  # a known preset
        for name, _ in self.levers:
            if name not in LEVERS:
                raise InputError(f"unknown lever {name!r}", field="levers",
                                 allowed="a dotted lever name (westdev levers)")
        object.__setattr__(self, "levers", tuple(sorted(self.levers)))
        if self.root_seed is None:
            object.__setattr__(self, "root_seed", preset(self.preset).run.root_seed)

    @property
    def name(self) -> str:
        """The scenario's name: the preset's, with ``_edited`` when levers changed."""
        return f"{self.preset}_edited" if self.levers else self.preset

    @property
    def seed(self) -> int:
        return int(self.root_seed)  # type: ignore[arg-type]

    def schedules(self) -> dict[str, Value | dict[str, Value]]:
        """The changed levers as scenario-file values: with phase-in, numbers go linearly
        from the preset's 2020 value to the target in 2025 and on/off or choice levers switch
        in 2021 (the guideline file's rule); without, the target holds every year."""
        base = preset(self.preset)
        out: dict[str, Value | dict[str, Value]] = {}
        for name, target in self.levers:
            start = base.levers[name].at(PHASE_FROM)
            if not self.phase_in or start == target:
                out[name] = target
            else:
                switch = PHASE_TO if LEVERS[name].kind == "float" else SWITCH_YEAR
                out[name] = {str(PHASE_FROM): start, str(switch): target}
        return out

    def run_table(self) -> dict[str, Any]:
        return {"resolution": RESOLUTION, "replicates": self.replicates,
                "root_seed": self.seed}

    def description(self) -> str:
        base = preset(self.preset)
        if not self.levers:
            return base.description
        changed = ", ".join(f"{n} = {_show(v)}" for n, v in self.levers)
        how = "phased in 2020-2025" if self.phase_in else "from the start year"
        return (f"The {self.preset} scenario with levers changed on the westdev explorer page "
                f"({how}): {changed}.")

    def scenario(self) -> Scenario:
        """The scenario that runs (the preset with the changed levers and the run settings)."""
        return preset(self.preset).with_overrides(
            name=self.name, description=self.description(), run=self.run_table(),
            levers=self.schedules())

    def baseline(self) -> Scenario:
        return preset(BASELINE).with_overrides(run=self.run_table())

    def scenarios(self) -> list[Scenario]:
        """Baseline first, then the scenario (only the baseline when it is the scenario)."""
        if self.name == BASELINE:
            return [self.baseline()]
        return [self.baseline(), self.scenario()]

    def cli_command(self) -> str:
        """The command line that reproduces the scenario's runs from the downloaded file."""
        return (f"westdev run {self.name}.toml --replicates {self.replicates} "
                f"--root-seed {self.seed} --resolution {RESOLUTION}")

    def toml(self) -> str:
        """The scenario as a self-contained TOML file: every lever listed by area with its
        article and meaning, the changed ones marked; `westdev validate` accepts it and
        `westdev run` reproduces the page's runs of it."""
        s = self.scenario()
        edited = dict(self.levers)
        lines = [f"# westdev scenario written by the explorer page (westdev {__version__}).",
                 f"# Preset: {self.preset}; levers changed on the page: "
                 + (", ".join(edited) if edited else "none") + ".",
                 "# Reproduce the page's numbers:",
                 f"#   westdev validate {self.name}.toml",
                 f"#   {self.cli_command()}",
                 "", "[meta]", f"name = {_toml(s.name)}",
                 f"description = {_toml(s.description)}", "", "[run]"]
        run = s.run
        lines += [f"start_year = {run.start_year}", f"end_year = {run.end_year}",
                  f"resolution = {_toml(run.resolution)}", f"replicates = {run.replicates}",
                  f"root_seed = {run.root_seed}", "", "[parameters]",
                  f"vintage = {_toml(s.parameter_vintage)}"]
        lines += [f"{_toml(k)} = {_toml(v)}" for k, v in s.parameter_overrides.items()]
        exo = s.inputs()["exogenous"]
        if exo:
            lines += ["", "[exogenous]"] + [f"{k} = {_toml(v)}" for k, v in exo.items()]
        for area, specs in levers_by_area().items():
            lines += ["", f"[levers.{area}]  # {area_name(area)}"]
            for spec in specs:
                mark = " — changed on the page" if spec.name in edited else ""
                lines.append(f"# {spec.cited} {spec.meaning} ({spec.allowed()}){mark}")
                lines.append(f"{spec.key} = {_toml(s.levers[spec.name].to_value())}")
        lines += ["", "[goal]"] + [f"{k} = {_toml(v)}" for k, v in s.goal.as_dict().items()]
        return "\n".join(lines) + "\n"


def request_from_controls(preset_name_: str, controls: Mapping[str, Any], *,
                          phase_in: bool = True, replicates: Any = DEFAULT_REPLICATES,
                          root_seed: Any = None,
                          lang: str = "en") -> tuple[Request | None, dict[str, str]]:
    """The request the page's controls describe, or None with the inline message of every
    bad field (``{field: message}``; fields are lever names, 'replicates', 'root_seed')."""
    errors: dict[str, str] = {}
    shown = control_values(preset_name_)
    changed: list[tuple[str, Value]] = []
    base = preset(preset_name_)
    for name in LEVERS:
        raw = controls.get(name, shown[name])
        check = check_lever(name, raw, lang)
        if not check.ok:
            errors[name] = check.error  # type: ignore[assignment]
        elif check.value != shown_value(base, name):
            changed.append((name, check.value))
    reps = check_int(replicates, 1, MAX_REPLICATES, lang)
    if not reps.ok:
        errors["replicates"] = reps.error  # type: ignore[assignment]
    seed = check_int(base.run.root_seed if root_seed is None else root_seed, 0, MAX_SEED, lang)
    if not seed.ok:
        errors["root_seed"] = seed.error  # type: ignore[assignment]
    if errors:
        return None, errors
    return Request(preset_name_, tuple(changed), phase_in, reps.value, seed.value), {}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _toml(value: Any) -> str:
    """One TOML value: number, bool, string or a ``{ year = value }`` inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


# ---------------------------------------------------------------------- running
@dataclass
class Runs:
    """One scenario's runs, read from the store the runner wrote (then removed)."""

    results: pd.DataFrame
    runs: pd.DataFrame
    wall_s: float
    cached: bool = False


@dataclass
class Comparison:
    """Baseline and scenario runs of one request: tidy results, run rows, θ and timings."""

    request: Request
    names: list[str]
    results: pd.DataFrame
    runs: pd.DataFrame
    theta: dict[str, float]
    wall_s: float  # time spent running for this request (0 when every run was kept)
    kept_runs: int = 0  # runs kept from earlier requests (e.g. the baseline's)
    images: dict[str, dict[str, bytes]] = field(default_factory=dict, repr=False)

    @property
    def scenario_name(self) -> str | None:
        """The scenario compared with the baseline (None when only the baseline ran)."""
        return self.names[1] if len(self.names) > 1 else None

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] != "ok"]

    @property
    def end_year(self) -> int:
        return int(self.results["year"].max())


@dataclass
class Ensemble:
    """The quick ensemble of one request: P(goal) per scenario and the runs behind it."""

    request: Request
    draws: int
    names: list[str]
    results: pd.DataFrame
    probability: pd.DataFrame  # westdev.analysis.summaries.goal_probability
    theta: dict[str, float]
    wall_s: float
    cached: bool = False


class Explorer:
    """Runs requests through the package's runner, one scenario at a time, and keeps the
    last `capacity` scenarios' results in memory: the baseline of a given replicates and
    root seed runs once for every request, and a repeated request is answered at once.

    A scenario's runs are ``westdev.api.run(scenario, replicates=N, root_seed=S,
    resolution='small')``; by the package's seed rule (replicate r of every scenario has the
    seed ``run_seed(S, {}, r)``) they equal that scenario's runs in ``westdev.api.compare``,
    so the page's comparison is the CLI's comparison. Safe to share between sessions
    (threads); the stores go to a temporary folder and are removed once read.
    """

    def __init__(self, root: str | Path | None = None, *, capacity: int = 12,
                 backend: str = "serial", workers: int | None = None) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="westdev-explorer-") if root is None else root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.capacity = capacity
        self.backend = backend
        self.workers = workers
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[str, threading.Lock] = {}
        self._count = 0

    def close(self) -> None:
        """Forget the kept results; remove the folder when the explorer made it."""
        with self._lock:
            self._cache.clear()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def runs(self, scenario: Scenario, request: Request) -> Runs:
        """One scenario's replicates (kept, or run now through `westdev.api.run`)."""

        def run() -> tuple[Runs, bool]:
            out = self._new_dir("run")
            t0 = time.perf_counter()
            try:
                store = wd.run(scenario, replicates=request.replicates,
                               root_seed=request.seed, resolution=RESOLUTION, out=out,
                               backend=self.backend, workers=self.workers, progress=False)
                runs = Runs(store.results, store.runs, time.perf_counter() - t0)
            finally:
                shutil.rmtree(out, ignore_errors=True)
            return runs, bool((runs.runs["status"] == "ok").all())  # failures are not kept

        runs, kept = self._once("run:" + _plan_key([scenario], request), run)
        return dataclasses.replace(runs, cached=True) if kept else runs

    def compare(self, request: Request) -> Comparison:
        """Baseline and scenario, `request.replicates` replicates each, common random
        numbers, small resolution."""
        scenarios = request.scenarios()

        def compare() -> tuple[Comparison, bool]:
            parts = [self.runs(s, request) for s in scenarios]
            comp = Comparison(
                request, [s.name for s in scenarios],
                pd.concat([p.results for p in parts], ignore_index=True),
                pd.concat([p.runs for p in parts], ignore_index=True),
                scenarios[-1].goal.as_dict(),
                sum(p.wall_s for p in parts if not p.cached),
                sum(len(p.runs) for p in parts if p.cached))
            return comp, comp.failed.empty

        comp, kept = self._once("compare:" + _plan_key(scenarios, request), compare)
        return dataclasses.replace(comp, kept_runs=len(comp.runs), wall_s=0.0) if kept else comp

    def ensemble(self, request: Request, draws: int = ENSEMBLE_DRAWS) -> Ensemble:
        """P(goal) for baseline and scenario from a quick uncertainty ensemble: the shipped
        ``ensemble_baseline`` design (parameters from the fit, exogenous paths scaled) with
        `draws` draws and one run per draw, the same draws for both scenarios."""
        from westdev.analysis.summaries import goal_probability

        scenarios = request.scenarios()
        t0 = time.perf_counter()
        frames, cached = [], True
        for scenario in scenarios:

            def sweep(scenario: Scenario = scenario) -> tuple[pd.DataFrame, bool]:
                out = self._new_dir("ensemble")
                try:
                    store = wd.sweep(ensemble_spec(scenario, draws, request.seed), out=out,
                                     backend=self.backend, workers=self.workers,
                                     progress=False)
                    results = store.results.assign(scenario=scenario.name)
                    return results, bool((store.runs["status"] == "ok").all())
                finally:
                    shutil.rmtree(out, ignore_errors=True)

            results, kept = self._once(f"ensemble:{draws}:" + _plan_key([scenario], request),
                                       sweep)
            cached = cached and kept
            frames.append(results)
        results = pd.concat(frames, ignore_index=True)
        theta = scenarios[-1].goal.as_dict()
        prob = goal_probability(results, theta=theta)
        return Ensemble(request, draws, [s.name for s in scenarios], results, prob, theta,
                        time.perf_counter() - t0, cached)

    # -------------------------------------------------------------- kept results
    def _once(self, key: str, compute: Callable[[], tuple[Any, bool]]) -> tuple[Any, bool]:
        """The kept value of `key` (True), or `compute`'s (False; kept when it says so).
        Concurrent requests for one key compute it once: the others wait for it."""
        hit = self._get(key)
        if hit is not None:
            return hit, True
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            hit = self._get(key)
            if hit is not None:
                return hit, True
            value, keep = compute()
            if keep:
                self._put(key, value)
        with self._lock:
            self._flights.pop(key, None)
        return value, False

    def _new_dir(self, kind: str) -> Path:
        with self._lock:
            self._count += 1
            return self.root / f"{kind}-{self._count:05d}"

    def _get(self, key: str) -> Any:
        with self._lock:
            if key not in self._cache:
                return None
            self._cache.move_to_end(key)
            return self._cache[key]

    def _put(self, key: str, value: Any) -> None:
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)


def _plan_key(scenarios: list[Scenario], request: Request) -> str:
    """The runner's canonical request (names, contents, replicates, root seed, resolution)."""
    _, canonical, _ = wd.plan(scenarios, replicates=request.replicates,
                              root_seed=request.seed, resolution=RESOLUTION)
    return json.dumps(canonical, sort_keys=True, default=str)


@lru_cache(maxsize=1)
def _ensemble_design() -> dict[str, Any]:
    path = resources.files("westdev.scenarios").joinpath("experiments/ensemble_baseline.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def ensemble_spec(scenario: Scenario, draws: int, root_seed: int) -> dict[str, Any]:
    """The experiment (dict form) of a quick ensemble of `scenario`: the shipped
    ``ensemble_baseline`` design with `draws` draws, one replicate, only the end year kept."""
    design = _ensemble_design()
    ensemble = dict(design["ensemble"])
    ensemble["draws"] = draws
    return {
        "experiment": {"name": f"{scenario.name}-quick-ensemble", "kind": "ensemble",
                       "scenario": scenario,
                       "description": f"quick ensemble of {scenario.name} (explorer page)"},
        "run": {"resolution": RESOLUTION, "replicates": 1, "root_seed": root_seed},
        "ensemble": ensemble,
        "outputs": {"years": [scenario.run.end_year]},
    }


_DEFAULT: Explorer | None = None
_DEFAULT_LOCK = threading.Lock()


def default_explorer() -> Explorer:
    """The process's shared `Explorer` (its folder is removed when the process exits)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Explorer()
            atexit.register(_DEFAULT.close)
        return _DEFAULT


# ---------------------------------------------------------------------- tables
def cumulative_cost(results: pd.DataFrame) -> pd.DataFrame:
    """Rows of the cumulative lever cost (China, 100m yuan, years after the first), per run:
    the indicator `CUM_COST`, in the tidy layout the charts take."""
    rows = results[(results["indicator"] == COST) & (results["area"] == "China")]
    rows = rows[rows["year"] > rows["year"].min()].sort_values(["run_id", "year"])
    return rows.assign(indicator=CUM_COST,
                       value=rows.groupby("run_id", sort=False)["value"].cumsum())


def summary_table(comp: Comparison) -> pd.DataFrame:
    """The page's numbers in the end year, means across replicates: one row per goal ratio
    (and GDP per head), the cumulative lever cost and, with a scenario, the income ratio
    gained per trillion yuan. Columns: key, theta, baseline, scenario, diff, met, n."""
    year = comp.end_year
    res = comp.results
    at = res[(res["year"] == year) & (res["area"] == "West") & res["indicator"].isin(GOAL_ROWS)]
    policy = comp.scenario_name
    rows = []
    keys = {v: k for k, v in goal.RATIO_INDICATORS.items()}
    for ind in GOAL_ROWS:
        theta = comp.theta.get(keys[ind]) if ind in keys else None
        base = at[(at["indicator"] == ind) & (at["scenario"] == BASELINE)]["value"]
        row = {"key": ind, "theta": theta, "baseline": float(base.mean())}
        if policy is not None:
            pol = at[(at["indicator"] == ind) & (at["scenario"] == policy)]["value"]
            row.update(scenario=float(pol.mean()), diff=float(pol.mean() - base.mean()))
            vals = pol
        else:
            vals = base
        if theta is not None:
            row.update(met=int((vals >= theta).sum()), n=int(vals.count()))
        rows.append(row)
    cum = cumulative_cost(res)
    last = cum[cum["year"] == year].groupby("scenario")["value"].mean() / TRILLION
    row = {"key": CUM_COST, "baseline": float(last.get(BASELINE, math.nan))}
    if policy is not None:
        row.update(scenario=float(last.get(policy, math.nan)))
        row["diff"] = row["scenario"] - row["baseline"]
    rows.append(row)
    if policy is not None:
        from westdev.charts import cost_effectiveness_table

        ce = cost_effectiveness_table(res, baseline=BASELINE, policies=[policy], year=year)
        inc = ce[ce["dimension"] == "income"]
        rows.append({"key": "ce_income",
                     "diff": float(inc["ce_pp_per_tn"].iloc[0]) if len(inc) else math.nan})
    cols = ["key", "theta", "baseline", "scenario", "diff", "met", "n"]
    return pd.DataFrame(rows).reindex(columns=cols)


def summary_html(comp: Comparison, lang: str = "en") -> str:
    """`summary_table` as an HTML table; each number cell carries ``data-key`` (indicator) and
    ``data-col`` (baseline, scenario, diff) so that a test can read it."""
    table = summary_table(comp)
    policy = comp.scenario_name
    year = comp.end_year
    first = int(comp.results["year"].min()) + 1
    head = [text("col_indicator", lang), text("col_theta", lang), text("col_baseline", lang)]
    if policy is not None:
        head += [html.escape(policy), text("col_diff", lang)]
    head.append(text("col_met", lang))
    out = [f'<table class="wd-summary" data-year="{year}">',
           "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for _, r in table.iterrows():
        key = r["key"]
        if key == CUM_COST:
            label, fmt = text("cost_row", lang, first=first, year=year), "{:.2f}"
        elif key == "ce_income":
            label, fmt = text("ce_row", lang), "{:.2f}"
        else:
            label, fmt = L.indicator_label(key, lang), "{:.4f}"
        cells = [f"<td>{html.escape(label)}</td>",
                 f"<td>{'' if pd.isna(r['theta']) else format_number(r['theta'])}</td>",
                 _cell(key, "baseline", r["baseline"], fmt)]
        if policy is not None:
            cells += [_cell(key, "scenario", r["scenario"], fmt),
                      _cell(key, "diff", r["diff"], "{:+.4f}" if fmt == "{:.4f}" else fmt)]
        met = "" if pd.isna(r["met"]) else f"{int(r['met'])} / {int(r['n'])}"
        cells.append(f'<td data-key="{key}" data-col="met">{met}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cell(key: str, col: str, value: Any, fmt: str) -> str:
    shown = "" if value is None or pd.isna(value) else fmt.format(value)
    return f'<td data-key="{key}" data-col="{col}">{shown}</td>'


# ---------------------------------------------------------------------- figures
def chart_lang(lang: str) -> str:
    """The language the charts can be drawn in: 'zh' needs a CJK font, else 'en'."""
    if lang != "zh":
        return "en"
    from westdev.charts.style import cjk_font

    return "zh" if cjk_font() is not None else "en"


def png(fig: Any) -> bytes:
    """A Matplotlib figure as PNG bytes (Agg), at screen resolution."""
    buf = io.BytesIO()
    # a tight box: a footnote a little wider than the figure is shown, not cut
    fig.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight", pad_inches=0.08)
    return buf.getvalue()


def data_url(image: bytes) -> str:
    """A PNG as a ``data:`` URL (shown inline: no request to any server)."""
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


CHARTS = ("goals", "tiles", "cost", "ce")
# One chart at a time: the house style applies matplotlib.rc_context, which changes the
# process's global rcParams, so two sessions drawing at once would mix their settings.
_DRAWING = threading.Lock()


def figure(comp: Comparison, key: str, lang: str = "en") -> bytes | None:
    """One of the page's charts as PNG, drawn by the package's chart functions: ``goals``
    (the three goal ratios and GDP per head, 5–95/25–75 % bands, θ), ``tiles`` (income per
    head relative to the East by province), ``cost`` (cumulative lever cost), ``ce``
    (cost-effectiveness; None when only the baseline ran)."""
    from westdev import charts

    res, names = comp.results, comp.names
    if key == "goals":
        fig = charts.plot_goal_fans(res, theta=comp.theta, scenarios=names, context=True,
                                    lang=lang)
    elif key == "tiles":
        fig = charts.plot_province_tiles(res, "income_ratio_to_east", scenarios=names,
                                         reference=1.0, lang=lang)
    elif key == "cost":
        fig = charts.plot_indicator_fan(cumulative_cost(res), CUM_COST, area="China",
                                        scenarios=names, scale=1 / TRILLION,
                                        title=text("cum_cost_title", lang),
                                        ylabel=text("cum_cost_y", lang), lang=lang)
    elif key == "ce":
        if comp.scenario_name is None:
            return None
        fig = charts.plot_cost_effectiveness(res, baseline=BASELINE,
                                             policies=[comp.scenario_name], lang=lang)
    else:
        raise ValueError(f"unknown chart {key!r}; charts: {', '.join(CHARTS)}")
    return png(fig)


def figures(comp: Comparison, lang: str = "en",
            keys: tuple[str, ...] = CHARTS) -> dict[str, bytes]:
    """The charts `keys` as PNG (``ce`` left out when only the baseline ran), each drawn once
    per comparison and chart language (kept with the comparison, so a repeated request or a
    switch of language back is instant). Chinese needs a CJK font (`chart_lang`)."""
    clang = chart_lang(lang)
    with _DRAWING:
        kept = comp.images.setdefault(clang, {})
        for key in keys:
            if key not in kept:
                image = figure(comp, key, clang)
                if image is not None:
                    kept[key] = image
        return {k: kept[k] for k in keys if k in kept}


def ensemble_figure(ens: Ensemble, lang: str = "en") -> bytes:
    """P(ratio ≥ θ) over θ for each scenario of a quick ensemble (PNG)."""
    from westdev.charts import plot_goal_probability

    with _DRAWING:
        return png(plot_goal_probability(ens.results, theta=ens.theta, scenarios=ens.names,
                                         lang=chart_lang(lang)))


def probability_html(ens: Ensemble, lang: str = "en") -> str:
    """P(goal in the end year) per dimension and scenario, as an HTML table (percent of the
    ensemble's runs, with their number)."""
    prob = ens.probability
    head = [text("col_indicator", lang), text("col_theta", lang)] + \
        [html.escape(n) for n in ens.names]
    out = ['<table class="wd-summary wd-probability">',
           "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for dim in (*goal.DIMENSIONS, "all"):
        rows = prob[prob["dimension"] == dim].set_index("scenario")
        if rows.empty:
            continue
        theta = rows["theta"].iloc[0]
        cells = [f"<td>{html.escape(L.dimension_label(dim, lang))}</td>",
                 f"<td>{'' if pd.isna(theta) else format_number(float(theta))}</td>"]
        for name in ens.names:
            p = rows["probability"].get(name, math.nan)
            n = rows["n"].get(name, 0)
            shown = "" if pd.isna(p) else f"{100 * p:.0f} % (n = {int(n)})"
            cells.append(f'<td data-key="{dim}" data-col="{html.escape(name)}">{shown}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# ---------------------------------------------------------------------- downloads
def results_csv(comp: Comparison) -> bytes:
    """The tidy results of the comparison (every run, year, area and indicator) as CSV."""
    return comp.results.to_csv(index=False).encode("utf-8")


def results_parquet(comp: Comparison) -> bytes:
    """The tidy results of the comparison as Parquet (the store's columns and types)."""
    buf = io.BytesIO()
    comp.results.to_parquet(buf, index=False)
    return buf.getvalue()


@dataclass
class Outcome:
    """What the page shows after Run: the comparison and its charts so far."""

    comparison: Comparison
    images: dict[str, bytes] = field(default_factory=dict)
    chart_s: float = 0.0
    complete: bool = True  # False while the slower charts are still being drawn
    tag: int = 0  # the caller's label of this run (the page's counter of presses of Run)


def run_stages(request: Request, *, explorer: Explorer | None = None, lang: str = "en",
               progress: Callable[[float, str], None] | None = None,
               tag: int = 0) -> Iterator[Outcome]:
    """Run a request and draw its charts: yields the numbers with the goal chart first, then
    everything (`Outcome.complete`); reports (share done, message) to `progress`."""
    explorer = explorer or default_explorer()
    scenarios = request.scenarios()
    if progress:
        progress(0.05, text("running", lang, n=len(scenarios) * request.replicates,
                            scenarios=len(scenarios), replicates=request.replicates))
    comp = explorer.compare(request)
    if not comp.failed.empty:
        yield Outcome(comp, tag=tag)
        return
    if progress:
        progress(0.5, text("drawing", lang))
    t0 = time.perf_counter()
    first = figures(comp, lang, ("goals",))
    yield Outcome(comp, first, time.perf_counter() - t0, complete=False, tag=tag)
    if progress:
        progress(0.75, text("drawing", lang))
    images = figures(comp, lang)
    yield Outcome(comp, images, time.perf_counter() - t0, tag=tag)


def run_request(request: Request, *, explorer: Explorer | None = None,
                lang: str = "en") -> Outcome:
    """Run a request and draw all its charts (`run_stages` to the end)."""
    return list(run_stages(request, explorer=explorer, lang=lang))[-1]
