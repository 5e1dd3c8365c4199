"""The policy search (``westdev optimise``): lever mixes within their ranges that are cheapest
under a chance constraint, or best under a budget, or on the Pareto frontier of several
objectives — under an ensemble of parameter draws, exogenous paths and seeds.

Every run goes through the package's runner into a results store under ``DIR/stages/``, so
an interrupted search resumes (the same command redoes no finished run: each stage's request
depends only on the spec and on the stored results of the stages before it) and runs on any
backend. The stages:

1. **explore** — a Latin hypercube over the searched levers (unit positions in their ranges;
   on/off levers on from 0.5) and the ensemble's uncertain inputs (drawn through their
   distributions), one run each: the emulator's training data. Lever values phase in as the
   guideline's do (``[levers] phase_in``).
2. **emulator** — a ridge response surface of each outcome the search reads over levers and
   uncertain inputs (`westdev.design.emulator`), with its cross-validated R² and σ.
3. **round-1, round-2, …** — candidate mixes chosen on the emulator, each re-run by the model
   on the same `draws` ensemble draws and seeds (common random numbers: the ensemble's first
   draws, as ``westdev sweep <ensemble>`` runs them), with the reference scenarios
   (``[verify] scenarios``) beside them in round 1. Single objective: the ε-constraint
   frontier — the cheapest mix (SciPy's SLSQP from several starts, on-off levers relaxed then
   rounded) at `frontier_points` levels of the first constraint — then rounds at the
   required level (probability + `margin`), the emulator refitted with every round's runs and
   its bias at the required level corrected. Many objectives: pymoo's NSGA-II (two
   objectives) or NSGA-III (more) on the emulator, and `frontier_points` well-spread mixes of
   its front.
4. **verify** — the recommended mix (single objective; the frontier's knee otherwise) and the
   reference scenarios on `[verify] draws` *fresh* ensemble draws with fresh seeds, which the
   search never saw: the independent check, and the regret and satisficing measures of
   robustness (`westdev.analysis.robustness`).

Statistics over the ensemble are means of outcomes and shares of runs meeting a condition
(with binomial standard errors); the frontier and the recommendation are what the model
gave, never the emulator.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from westdev.analysis import store_view
from westdev.analysis.outcomes import (
    GOAL_OUTCOME,
    Outcome,
    needed,
    outcome_table,
    parse_condition,
    parse_outcome,
)
from westdev.analysis.robustness import robustness_table
from westdev.design import emulator as em
from westdev.design.spec import (
    Constraint,
    PolicySpec,
    SearchLever,
    load_policy,
    policy_from_dict,
    scenario_refs,
)
from westdev.errors import InputError
from westdev.experiments.execute import run_experiment
from westdev.experiments.experiment import Experiment
from westdev.experiments.factors import Factor
from westdev.experiments.runner import (
    DEFAULT_SIMULATE,
    RunTask,
    get_backend,
    run_batch,
    simulate_name,
)
from westdev.experiments.seeds import run_seed
from westdev.experiments.spec import experiment_from_dict
from westdev.experiments.store import ResultsStore, first_difference
from westdev.inputs.scenario import FrozenMap, Scenario
from westdev.policy.catalogue import LEVERS
from westdev.policy.goal import DEFAULT_THETA, GOAL_AREA, RATIO_INDICATORS

REQUEST = "search.json"
COST_PREFIX = "lever_cost_100m_yuan."
COST_TOTAL = f"{COST_PREFIX}total"
STAGES = "stages"
SIG_DIGITS = 6  # lever values are rounded so that best.toml reproduces the runs exactly


@dataclass
class OptimiseResult:
    """What `optimise` returns (pandas objects) and the files it wrote."""

    spec: PolicySpec
    out: Path
    recommended: pd.DataFrame | None  # one row per searched lever: value, range, 2019, guideline
    frontier: pd.DataFrame  # one row per mix the model evaluated on the search draws
    verification: pd.DataFrame  # one row per mix on fresh draws
    robustness: pd.DataFrame  # regret and satisficing across the fresh draws
    emulators: pd.DataFrame  # per outcome and fit: cross-validated R², σ, runs
    summary: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)


# ====================================================================== entry point
def optimise(spec: PolicySpec | str | Path | Mapping[str, Any], out: str | Path, *,
             quick: bool = False, backend: str = "processes", workers: int | None = None,
             scheduler: str | None = None, overwrite: bool = False, progress: bool = True,
             simulate: str | Callable = DEFAULT_SIMULATE,
             echo: Callable[[str], None] | None = print) -> OptimiseResult:
    """Run a policy search (a `PolicySpec`, a file, a shipped name or a dict in the file's
    layout) into the directory `out`; write its files there and return the result.

    An existing `out` made by the same request resumes; another request is an `InputError`
    naming the first difference unless `overwrite`.
    """
    if isinstance(spec, Mapping):
        spec = policy_from_dict(spec, file="<dict>")
    elif not isinstance(spec, PolicySpec):
        spec = load_policy(spec)
    if quick:
        spec = spec.with_quick()
    get_backend(backend, workers, scheduler)
    search = _Search(spec, Path(out), backend=backend, workers=workers, scheduler=scheduler,
                     progress=progress, simulate=simulate, echo=echo or (lambda _s: None))
    search.prepare(overwrite)
    return search.run()


# ====================================================================== the search
class _Search:
    def __init__(self, spec: PolicySpec, out: Path, *, backend: str, workers: int | None,
                 scheduler: str | None, progress: bool, simulate: str | Callable,
                 echo: Callable[[str], None]) -> None:
        self.spec = spec
        self.out = out
        self.runner = dict(backend=backend, workers=workers, scheduler=scheduler,
                           progress=progress, simulate=simulate)
        self.simulate = simulate
        self._echo = echo
        self.levers: tuple[SearchLever, ...] = spec.levers
        self.k = len(spec.levers)
        self.factors: tuple[Factor, ...] = spec.ensemble.factors
        self.base = spec.scenario
        run = self.base.run
        self.cost = parse_outcome(f"China:lever_cost_100m_yuan.total@sum({run.start_year + 1}-"
                                  f"{run.end_year})")
        self.report_outcomes = [parse_outcome(f"{GOAL_AREA}:{ind}@{run.end_year}")
                                for ind in RATIO_INDICATORS.values()]
        self.report_outcomes += [parse_outcome(f"China:gdp_100m_yuan@{run.end_year}"),
                                 self.cost]
        if run.end_year >= GOAL_OUTCOME.last:
            self.report_outcomes.append(GOAL_OUTCOME)
        # a cumulative total lever cost is emulated as the sum of the levers' own costs
        self.cost_parts: dict[str, list[Outcome]] = {}
        for o in spec.outcomes:
            if o.indicator == COST_TOTAL and o.how == "sum":
                self.cost_parts[o.label] = [
                    Outcome(o.area, f"{COST_PREFIX}{name}", o.first, o.last, "sum")
                    for name in LEVERS]
        parts = [p for ps in self.cost_parts.values() for p in ps]
        self.outcomes = _unique(spec.outcomes + self.report_outcomes + parts)
        self.stage_runs: dict[str, int] = {}
        self.candidates: dict[str, np.ndarray] = {}  # name → unit lever positions
        self.evaluated: list[pd.DataFrame] = []
        self.emulator_rows: list[dict[str, Any]] = []
        self.t0 = time.perf_counter()

    def echo(self, text: str) -> None:
        """A progress line, with the minutes since the search started."""
        self._echo(f"{(time.perf_counter() - self.t0) / 60:5.1f} min  {text}")

    # ------------------------------------------------------------------ directories
    def prepare(self, overwrite: bool) -> None:
        request = {"spec": self.spec.request(), "simulate": simulate_name(self.simulate)}
        file = self.out / REQUEST
        if self.out.exists():
            if overwrite:
                shutil.rmtree(self.out)
            elif file.is_file():
                old = json.loads(file.read_text(encoding="utf-8"))
                diff = first_difference(old, request)
                if diff is not None:
                    where, had, now = diff
                    raise InputError(f"this directory holds another search: {where} is {had} "
                                     f"there but {now} now", file=str(self.out), field="--out",
                                     allowed="the same request (it resumes), a new directory, "
                                     "or --overwrite")
            elif any(self.out.iterdir()):
                raise InputError("the directory exists and is not a policy search",
                                 file=str(self.out), field="--out",
                                 allowed="a new directory, a search to resume, or --overwrite")
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(".tmp")
        tmp.write_text(json.dumps(request, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(file)

    def stage_dir(self, name: str) -> Path:
        return self.out / STAGES / name

    # ------------------------------------------------------------------ the whole search
    def run(self) -> OptimiseResult:
        spec = self.spec
        s = spec.search
        self.u_search = self.unit_world(self.ensemble_points(s["draws"],
                                                             int(spec.ensemble.ensemble["seed"])))
        self.echo(f"search {spec.name}: {self.k} levers, {len(self.factors)} uncertain inputs, "
                  f"{s['draws']} draws × {spec.ensemble.replicates} replicate(s) per mix")
        x_explore, table_explore = self.explore()
        train = [(x_explore, table_explore)]
        refs = scenario_refs(spec.verify["scenarios"], spec.source)
        rounds = 1 if spec.mode == "frontier" else s["iterations"]
        for r in range(1, rounds + 1):
            emus = self.fit_emulators(train, label=f"round-{r}")
            if spec.mode == "single":
                mixes = self.single_candidates(emus, r)
            else:
                mixes = self.frontier_candidates(emus)
            mixes = {f"r{r}c{j:02d}": x for j, x in enumerate(self.distinct(mixes))}
            if not mixes:
                break
            self.candidates.update(mixes)
            table = self.evaluate(f"round-{r}", mixes, refs if r == 1 else [])
            train.append(self.training_rows(table, mixes))
        frontier = self.frontier_table()
        chosen = self.choose(frontier)
        verification, robust = self.verify(frontier, chosen, refs)
        return self.finish(frontier, chosen, verification, robust)

    # ------------------------------------------------------------------ worlds
    def ensemble_experiment(self, scenarios: Sequence[Scenario], *, draws: int, seed: int,
                            root_seed: int, name: str) -> Experiment:
        """The spec's ensemble over `scenarios` with `draws` draws (first ones kept)."""
        req = self.spec.ensemble.request()
        req["experiment"]["name"] = name
        req["experiment"]["scenarios"] = list(scenarios)
        req["ensemble"]["draws"] = int(draws)
        req["ensemble"]["seed"] = int(seed)
        req["run"]["root_seed"] = int(root_seed)
        req["run"]["replicates"] = int(self.spec.ensemble.replicates)
        return experiment_from_dict(req, file=self.spec.source)

    def ensemble_points(self, draws: int, seed: int) -> list[dict[str, Any]]:
        exp = self.ensemble_experiment([self.base], draws=draws, seed=seed,
                                       root_seed=self.spec.ensemble.root_seed, name="points")
        return exp.points()

    def unit_world(self, points: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """The uncertain inputs of each draw on the unit scale of their factor's range."""
        return np.array([[_unit(f, p[f.name]) for f in self.factors] for p in points],
                        dtype=float).reshape(len(points), len(self.factors))

    # ------------------------------------------------------------------ lever mixes
    def mix_values(self, x: np.ndarray) -> dict[str, float | bool]:
        """Lever values at unit positions x (numbers rounded to 4 significant digits)."""
        out: dict[str, float | bool] = {}
        for lv, u in zip(self.levers, x, strict=True):
            # positions on a grid of a thousandth of the range, values to 6 significant
            # digits: best.toml then states exactly what was run
            v = lv.value(round(min(max(float(u), 0.0), 1.0) * 1000) / 1000)
            if lv.kind == "float":
                v = float(min(max(_round_sig(float(v)), lv.low), lv.high))
            out[lv.name] = v
        return out

    def mix_unit(self, x: np.ndarray) -> np.ndarray:
        """The unit positions the rounded values actually take (on/off: 0 or 1)."""
        vals = self.mix_values(x)
        return np.array([lv.unit(vals[lv.name]) for lv in self.levers])

    def schedules(self, values: Mapping[str, float | bool]) -> dict[str, Any]:
        """Each searched lever's schedule: phased in from the base's value (or constant)."""
        out: dict[str, Any] = {}
        ph = self.spec.phase_in
        for lv in self.levers:
            v = values[lv.name]
            if ph is None:
                out[lv.name] = v
                continue
            start = self.base.levers[lv.name].at(ph[0])
            if (lv.kind == "bool" and bool(start) == bool(v)) or \
                    (lv.kind == "float" and float(start) == float(v)):
                out[lv.name] = v
            elif lv.kind == "bool":
                out[lv.name] = {str(ph[0]): bool(start), str(ph[0] + 1): bool(v)}
            else:
                out[lv.name] = {str(ph[0]): float(start), str(ph[1]): float(v)}
        return out

    def mix_scenario(self, name: str, x: np.ndarray, description: str = "") -> Scenario:
        return self.base.with_overrides(name=name, description=description or
                                        f"lever mix {name} of policy search {self.spec.name}",
                                        levers=self.schedules(self.mix_values(x)))

    def distinct(self, mixes: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Mixes (rounded) that differ from each other and from those already evaluated."""
        out: list[np.ndarray] = []
        seen = [self.mix_unit(x) for x in self.candidates.values()]
        for x in mixes:
            xu = self.mix_unit(x)
            if all(np.abs(xu - y).max() > 1e-3 for y in seen):
                out.append(xu)
                seen.append(xu)
        return out

    # ------------------------------------------------------------------ stage 1: explore
    def explore(self) -> tuple[np.ndarray, pd.DataFrame]:
        from scipy.stats import qmc

        n = self.spec.search["explore_runs"]
        d = self.k + len(self.factors)
        lhs = qmc.LatinHypercube(d=d, seed=self.spec.search["seed"]).random(n)
        x = np.array([self.mix_unit(row[:self.k]) for row in lhs])
        world_values = [f.from_unit(lhs[:, self.k + j]) for j, f in enumerate(self.factors)]
        scenario = self.base.with_overrides(name="explore")
        root = self.spec.ensemble.root_seed
        tasks = []
        for i in range(n):
            point: dict[str, Any] = {f"levers.{k}": v for k, v in
                                     self.schedules(self.mix_values(x[i])).items()}
            for j, f in enumerate(self.factors):
                point[f.name] = world_values[j][i]
            tasks.append(RunTask(f"explore-{i:05d}", scenario, 0, run_seed(root, {"explore": i},
                                                                             0),
                                 None, FrozenMap(), FrozenMap(point), i))
        request = {"policy_search": {"stage": "explore", "spec": self.spec.request(),
                                     "simulate": simulate_name(self.simulate)}}
        self.echo(f"[explore] {n} runs: Latin hypercube over {self.k} levers and "
                  f"{len(self.factors)} uncertain inputs")
        store = run_batch(tasks, self.stage_dir("explore"), kind="sweep", request=request,
                          root_seed=root, **self.runner)
        self.stage_runs["explore"] = n
        table = self.outcome_rows(store)
        u = np.array([[_unit(f, world_values[j][i]) for j, f in enumerate(self.factors)]
                      for i in range(n)]).reshape(n, len(self.factors))
        idx = np.array([int(r.split("-")[1]) for r in table.index])
        return np.hstack([x[idx], u[idx]]), table

    def outcome_rows(self, store: ResultsStore) -> pd.DataFrame:
        indicators, areas, years = needed(self.outcomes)
        data = store_view.load(store, indicators=indicators, areas=areas, years=years)
        table = outcome_table(data.results, self.outcomes)
        runs = data.ok_runs.set_index("run_id")
        table["point"] = [json.loads(runs.loc[r, "inputs_json"]).get("point", -1)
                          for r in table.index]
        return table

    # ------------------------------------------------------------------ emulators
    def fit_emulators(self, train: Sequence[tuple[np.ndarray, pd.DataFrame]],
                      label: str) -> dict[str, Any]:
        z = np.vstack([t[0] for t in train])
        table = pd.concat([t[1] for t in train])
        emus: dict[str, Any] = {}
        for o in self.spec.outcomes:
            y = table[o.label].to_numpy(dtype=float)
            parts = None
            if o.label in self.cost_parts:
                cols = [p.label for p in self.cost_parts[o.label] if p.label in table]
                parts = table[cols].fillna(0.0).to_numpy(dtype=float)
                keep = np.isfinite(y)
                gap = np.abs(parts[keep].sum(axis=1) - y[keep])
                if not keep.any() or gap.max() > 1e-6 * max(1.0, float(np.abs(y[keep]).max())):
                    parts = None  # the runs do not record parts that add up to the total
            if parts is not None:
                index = {lv.name: i for i, lv in enumerate(self.levers)}
                owners = [index.get(c[len(o.area) + 1 + len(COST_PREFIX):].split("@")[0])
                          for c in cols]
                fit: Any = em.fit_sum(z[keep, :self.k], z[keep, self.k:], parts[keep],
                                      seed=self.spec.search["seed"], owners=owners)
            else:
                fit = em.fit(z[:, :self.k], z[:, self.k:], y, seed=self.spec.search["seed"])
            emus[o.label] = fit
            self.emulator_rows.append({"fit": label, "outcome": o.label, "runs": fit.n,
                                       "cv_r2": fit.r2, "cv_sigma": fit.sigma,
                                       "ridge": fit.ridge})
            self.echo(f"[emulator {label}] {o.label}: cross-validated R² {fit.r2:.3f}, "
                      f"σ {fit.sigma:.4g} ({fit.n} runs)")
        return emus

    def training_rows(self, table: pd.DataFrame,
                      mixes: Mapping[str, np.ndarray]) -> tuple[np.ndarray, pd.DataFrame]:
        rows = table[table["scenario"].isin(list(mixes))]
        x = np.array([mixes[s] for s in rows["scenario"]]).reshape(len(rows), self.k)
        u = self.u_search[rows["point"].to_numpy(dtype=int)]
        return np.hstack([x, u]), rows

    # emulated statistics of mixes (rows of x) over the search draws
    def stat(self, emus: Mapping[str, em.Emulator], c: Constraint, x: np.ndarray) -> np.ndarray:
        if c.kind == "probability":
            comp = c.condition.comparison  # type: ignore[union-attr]
            return emus[comp.outcome.label].probability(x, self.u_search, comp.op, comp.value)
        return emus[c.outcome.label].mean_over(x, self.u_search)  # type: ignore[union-attr]

    def stat_gradient(self, emus: Mapping[str, em.Emulator], c: Constraint,
                      x: np.ndarray) -> np.ndarray:
        """d stat / dx of one mix (k): the analytic gradient of the emulator."""
        if c.kind == "probability":
            comp = c.condition.comparison  # type: ignore[union-attr]
            return emus[comp.outcome.label].probability_gradient(x, self.u_search, comp.op,
                                                                 comp.value)
        return emus[c.outcome.label].mean_gradient(x, self.u_search)  # type: ignore[union-attr]

    def objective(self, emus: Mapping[str, em.Emulator], x: np.ndarray, j: int = 0) -> np.ndarray:
        o = self.spec.objectives[j]
        return emus[o.outcome.label].mean_over(x, self.u_search)

    # ------------------------------------------------------------------ single objective
    def required(self, c: Constraint) -> float:
        """The level a constraint must reach on the search draws (with the margin)."""
        if c.kind == "probability":
            return min(0.995, c.bound + self.spec.search["margin"])
        return c.bound

    def single_candidates(self, emus: Mapping[str, em.Emulator], r: int) -> list[np.ndarray]:
        first = self.spec.constraints[0]
        need = self.required(first)
        if r == 1:
            levels = self.levels(emus, first, need)
        else:
            bias = self.bias(emus, first, need)
            levels = [need + bias, need + bias + (0.04 if first.kind == "probability" else
                                                  0.05 * abs(need))]
            if first.kind == "probability":
                levels = [min(0.995, max(0.01, v)) for v in levels]
        self.echo(f"[round-{r}] emulator optima with {_stat_column(first)} at "
                  + ", ".join(f"{v:.3g}" for v in levels))
        found = [x for x in (self.solve(emus, lv) for lv in levels) if x is not None]
        if r > 1:
            found += self.bracket()
        return found

    def bracket(self) -> list[np.ndarray]:
        """Between the cheapest mix the model found feasible and the best infeasible one
        cheaper than it (on the frontier), the mix half way in lever space: a model-based
        bisection of the frontier at the required level."""
        fr = self.frontier_table(quiet=True)
        cand = fr[fr["kind"] == "candidate"]
        if cand.empty:
            return []
        obj = self.spec.objectives[0]
        col = f"mean {obj.outcome.label}"
        asc = obj.sense == "min"
        ok = cand[cand["feasible"]].sort_values(col, ascending=asc)
        if ok.empty:
            return []
        best = ok.iloc[0]
        better = cand[~cand["feasible"] & cand["non_dominated"]]
        better = better[(better[col] < best[col]) if asc else (better[col] > best[col])]
        if better.empty:
            return []
        first = self.spec.constraints[0]
        near = better.sort_values(_stat_column(first),
                                  ascending=not (first.kind == "probability"
                                                 or first.op == ">=")).iloc[0]
        return [0.5 * (self.candidates[best["mix"]] + self.candidates[near["mix"]])]

    def levels(self, emus: Mapping[str, em.Emulator], c: Constraint, need: float) -> list[float]:
        n = self.spec.search["frontier_points"]
        if c.kind == "probability":
            base = float(self.stat(emus, c, self.unit_of(self.base))[0])
            lo = min(max(0.2, base + 0.05), need - 0.1)
            grid = list(np.linspace(lo, min(0.97, max(need + 0.1, 0.95)), n))
        else:
            grid = list(need * np.linspace(0.4, 1.6, n))
        grid = [g for g in grid if abs(g - need) > 0.02 * max(1.0, abs(need))] + [need]
        return sorted(float(g) for g in grid)

    def bias(self, emus: Mapping[str, em.Emulator], c: Constraint, need: float) -> float:
        """How far the (refitted) emulator overstates the constraint near the required level,
        on the mixes the model has run (0 when none is near)."""
        fr = self.frontier_table(quiet=True)
        fr = fr[fr["kind"] == "candidate"]
        col = _stat_column(c)
        if fr.empty or col not in fr:
            return 0.0
        near = fr[(fr[col] - need).abs() <= (0.2 if c.kind == "probability" else
                                              0.3 * abs(need))]
        if near.empty:
            return 0.0
        x = np.array([self.candidates[n] for n in near["mix"]])
        diff = self.stat(emus, c, x) - near[col].to_numpy(dtype=float)
        sign = 1.0 if c.op == ">=" or c.kind == "probability" else -1.0
        return float(np.clip(sign * diff.mean(), -0.1, 0.15) if c.kind == "probability" else
                         sign * diff.mean())

    def unit_of(self, scenario: Scenario) -> np.ndarray:
        """Unit positions of a scenario's lever values at the end of the phase-in."""
        year = self.spec.phase_in[1] if self.spec.phase_in else self.base.run.start_year + 1
        vals = scenario.lever_values(year)
        return np.array([[min(max(lv.unit(vals[lv.name]), 0.0), 1.0) for lv in self.levers]])

    def solve(self, emus: Mapping[str, em.Emulator], level: float) -> np.ndarray | None:
        """The emulator's best mix with the first constraint at `level` (the others at their
        required levels): SLSQP from several starts; on/off levers relaxed, then rounded."""
        from scipy.optimize import minimize

        obj = self.spec.objectives[0]
        sign = 1.0 if obj.sense == "min" else -1.0
        scale = max(1e-9, float(np.abs(self.objective(emus, np.full((1, self.k), 0.5))[0])))
        cons = []
        for i, c in enumerate(self.spec.constraints):
            need = level if i == 0 else self.required(c)
            norm = 1.0 if c.kind == "probability" else max(1e-9, abs(need))
            up = c.kind == "probability" or c.op == ">="
            cons.append((c, need, norm, up))

        emu_obj = emus[obj.outcome.label]

        def f(x: np.ndarray) -> float:
            return sign * float(self.objective(emus, x[None, :])[0]) / scale

        def df(x: np.ndarray) -> np.ndarray:
            return sign * emu_obj.mean_gradient(x, self.u_search) / scale

        def g(x: np.ndarray) -> np.ndarray:
            out = []
            for c, need, norm, up in cons:
                v = float(self.stat(emus, c, x[None, :])[0])
                out.append(((v - need) if up else (need - v)) / norm)
            return np.array(out)

        def dg(x: np.ndarray) -> np.ndarray:
            rows = []
            for c, _need, norm, up in cons:
                d = self.stat_gradient(emus, c, x)
                rows.append((d if up else -d) / norm)
            return np.array(rows)

        bools = [i for i, lv in enumerate(self.levers) if lv.kind == "bool"]
        rng = np.random.default_rng(self.spec.search["seed"])
        starts = [self.unit_of(load_guideline())[0], self.unit_of(self.base)[0],
                  np.full(self.k, 0.5), np.ones(self.k), *rng.random((3, self.k))]
        best = None
        for x0 in starts:
            x = _slsqp(minimize, f, g, x0, [(0.0, 1.0)] * self.k, df, dg)
            if bools:
                xb = x.copy()
                xb[bools] = np.round(xb[bools])
                bounds = [((v, v) if i in bools else (0.0, 1.0)) for i, v in enumerate(xb)]
                x = _slsqp(minimize, f, g, xb, bounds, df, dg)
            viol = float(np.minimum(g(x), 0).sum())
            key = (viol < -1e-4, -viol if viol < -1e-4 else f(x))
            if best is None or key < best[0]:
                best = (key, x)
        return None if best is None else np.clip(best[1], 0.0, 1.0)

    # ------------------------------------------------------------------ many objectives
    def frontier_candidates(self, emus: Mapping[str, em.Emulator]) -> list[np.ndarray]:
        from pymoo.algorithms.moo.nsga2 import NSGA2
        from pymoo.algorithms.moo.nsga3 import NSGA3
        from pymoo.core.problem import Problem
        from pymoo.optimize import minimize
        from pymoo.util.ref_dirs import get_reference_directions

        spec, s = self.spec, self.spec.search
        n_obj = len(spec.objectives)
        scales = [max(1e-9, float(np.abs(self.objective(emus, np.full((1, self.k), 0.5), j)[0])))
                  for j in range(n_obj)]
        search = self

        class _Problem(Problem):
            def __init__(self) -> None:
                super().__init__(n_var=search.k, n_obj=n_obj,
                                 n_ieq_constr=len(spec.constraints), xl=0.0, xu=1.0)

            def _evaluate(self, x: np.ndarray, out: dict, *args: Any, **kwargs: Any) -> None:
                f = []
                for j, o in enumerate(spec.objectives):
                    v = search.objective(emus, x, j) / scales[j]
                    f.append(v if o.sense == "min" else -v)
                out["F"] = np.column_stack(f)
                if spec.constraints:
                    gs = []
                    for c in spec.constraints:
                        v, need = search.stat(emus, c, x), search.required(c)
                        up = c.kind == "probability" or c.op == ">="
                        norm = 1.0 if c.kind == "probability" else max(1e-9, abs(need))
                        gs.append(((need - v) if up else (v - need)) / norm)
                    out["G"] = np.column_stack(gs)

        if n_obj == 2:
            algorithm = NSGA2(pop_size=s["population"])
        else:
            dirs = get_reference_directions("energy", n_obj, s["population"],
                                            seed=s["seed"])
            algorithm = NSGA3(ref_dirs=dirs, pop_size=s["population"])
        self.echo(f"[round-1] {algorithm.__class__.__name__} on the emulators: "
                  f"{s['population']} mixes × {s['generations']} generations")
        res = minimize(_Problem(), algorithm, ("n_gen", s["generations"]), seed=s["seed"],
                       verbose=False)
        if res.X is None:
            return []
        x, fvals = np.atleast_2d(res.X), np.atleast_2d(res.F)
        return [x[i] for i in _spread(fvals, s["frontier_points"])]

    # ------------------------------------------------------------------ the model's verdict
    def evaluate(self, stage: str, mixes: Mapping[str, np.ndarray],
                 refs: Sequence[Scenario]) -> pd.DataFrame:
        """Run the mixes (and reference scenarios) on the search draws; return the runs'
        outcome table and book each mix's statistics."""
        spec = self.spec
        scenarios = [self.mix_scenario(n, x) for n, x in mixes.items()]
        scenarios += [_with_run(r, self.base) for r in refs]
        exp = self.ensemble_experiment(scenarios, draws=spec.search["draws"],
                                       seed=int(spec.ensemble.ensemble["seed"]),
                                       root_seed=spec.ensemble.root_seed,
                                       name=f"{spec.name}-{stage}")
        self.echo(f"[{stage}] {exp.n_runs} runs: {len(mixes)} mixes"
                  + (f" and {len(refs)} reference scenarios" if refs else "")
                  + f" × {spec.search['draws']} draws (common random numbers)")
        store = run_experiment(exp, self.stage_dir(stage), **self.runner)
        self.stage_runs[stage] = exp.n_runs
        table = self.outcome_rows(store)
        stats = self.statistics(table)
        stats.insert(0, "stage", stage)
        stats.insert(1, "kind", ["candidate" if s in mixes else "reference"
                                 for s in stats["mix"]])
        self.evaluated.append(stats)
        return table

    def statistics(self, table: pd.DataFrame) -> pd.DataFrame:
        """Per scenario: runs, means (with standard errors) of every outcome, and the
        probability of each constraint's condition and of the goal."""
        rows = []
        for name, g in table.groupby("scenario", sort=False):
            row: dict[str, Any] = {"mix": name, "runs": len(g)}
            for o in self.outcomes:
                if o.indicator.startswith(COST_PREFIX) and o.indicator != COST_TOTAL:
                    continue  # the levers' own costs: emulator data, not a statistic to show
                v = g[o.label].to_numpy(dtype=float)
                v = v[np.isfinite(v)]
                row[f"mean {o.label}"] = float(v.mean()) if v.size else float("nan")
                row[f"se {o.label}"] = float(v.std(ddof=1) / math.sqrt(v.size)) \
                    if v.size > 1 else float("nan")
            for c in self.spec.constraints:
                if c.kind == "probability":
                    ok = c.condition.evaluate(g)  # type: ignore[union-attr]
                    p = float(ok.mean())
                    row[_stat_column(c)] = p
                    row[f"se {_stat_column(c)}"] = math.sqrt(p * (1 - p) / len(ok))
            if GOAL_OUTCOME.label in g:
                row["P(goal met)"] = float((g[GOAL_OUTCOME.label] == 1.0).mean())
            rows.append(row)
        return pd.DataFrame(rows)

    def feasible(self, row: Mapping[str, Any], *, margin: bool = True) -> bool:
        for c in self.spec.constraints:
            col = _stat_column(c)
            v = row.get(col, float("nan"))
            need = self.required(c) if margin else c.bound
            if not np.isfinite(v):
                return False
            if (c.kind == "probability" or c.op == ">=") and v < need - 1e-12:
                return False
            if c.kind == "mean" and c.op == "<=" and v > need + 1e-12:
                return False
        return True

    def frontier_table(self, quiet: bool = False) -> pd.DataFrame:
        """Every mix the model ran on the search draws, with its lever values, statistics and
        whether it is non-dominated (objectives; and the first constraint's statistic for a
        single objective)."""
        if not self.evaluated:
            return pd.DataFrame(columns=["mix", "kind"])
        fr = pd.concat(self.evaluated, ignore_index=True)
        for c in self.spec.constraints:
            if c.kind == "mean":
                fr[_stat_column(c)] = fr[f"mean {c.outcome.label}"]  # type: ignore[union-attr]
        fr["feasible"] = [self.feasible(r) for r in fr.to_dict("records")]
        crit = self.criteria()
        values = np.column_stack([fr[col].to_numpy(dtype=float) * (1 if sense == "min" else -1)
                                  for col, sense in crit])
        cand = (fr["kind"] == "candidate").to_numpy()
        nd = np.zeros(len(fr), dtype=bool)
        idx = np.flatnonzero(cand)
        nd[idx[_nondominated(values[idx])]] = True
        fr["non_dominated"] = nd
        for lv in self.levers:
            fr[lv.name] = [self.mix_values(self.candidates[m])[lv.name] if m in self.candidates
                           else np.nan for m in fr["mix"]]
        return fr

    def criteria(self) -> list[tuple[str, str]]:
        """(column, sense) pairs that define the frontier."""
        crit = [(f"mean {o.outcome.label}", o.sense) for o in self.spec.objectives]
        if self.spec.mode == "single":
            c = self.spec.constraints[0]
            crit.append((_stat_column(c), "max" if (c.kind == "probability" or c.op == ">=")
                         else "min"))
        return crit

    def choose(self, frontier: pd.DataFrame) -> dict[str, Any] | None:
        """The recommended mix: the best feasible one (single objective), or the knee of the
        frontier (closest to the ideal point in objectives scaled to [0, 1])."""
        cand = frontier[frontier["kind"] == "candidate"]
        if cand.empty:
            return None
        if self.spec.mode == "single":
            o = self.spec.objectives[0]
            col = f"mean {o.outcome.label}"
            ok = cand[cand["feasible"]]
            if ok.empty:
                first = self.spec.constraints[0]
                row = cand.sort_values(_stat_column(first),
                                       ascending=not (first.kind == "probability"
                                                      or first.op == ">=")).iloc[0]
                return {"mix": row["mix"], "feasible": False}
            row = ok.sort_values(col, ascending=o.sense == "min").iloc[0]
            return {"mix": row["mix"], "feasible": True}
        nd = cand[cand["non_dominated"] & cand["feasible"]]
        if nd.empty:
            nd = cand[cand["non_dominated"]]
        cols = [(f"mean {o.outcome.label}", o.sense) for o in self.spec.objectives]
        vals = np.column_stack([nd[c].to_numpy(dtype=float) * (1 if s == "min" else -1)
                                for c, s in cols])
        lo, hi = vals.min(axis=0), vals.max(axis=0)
        scaled = (vals - lo) / np.where(hi > lo, hi - lo, 1.0)
        row = nd.iloc[int(np.argmin(np.linalg.norm(scaled, axis=1)))]
        return {"mix": row["mix"], "feasible": bool(row["feasible"])}

    # ------------------------------------------------------------------ verification
    def verify(self, frontier: pd.DataFrame, chosen: Mapping[str, Any] | None,
               refs: Sequence[Scenario]) -> tuple[pd.DataFrame, pd.DataFrame]:
        spec, v = self.spec, self.spec.verify
        names: list[str] = []
        if chosen is not None:
            names.append(chosen["mix"])
        if spec.mode == "frontier":
            names += [m for m in frontier.loc[frontier["non_dominated"], "mix"] if m not in names]
        scenarios = [self.mix_scenario(self.best_name if n == (chosen or {}).get("mix") else n,
                                       self.candidates[n]) for n in names]
        scenarios += [_with_run(r, self.base) for r in refs]
        if not scenarios:
            return pd.DataFrame(), pd.DataFrame()
        exp = self.ensemble_experiment(scenarios, draws=v["draws"], seed=v["seed"],
                                       root_seed=v["seed"], name=f"{spec.name}-verify")
        self.echo(f"[verify] {exp.n_runs} runs: {len(scenarios)} mixes × {v['draws']} fresh "
                  "draws with fresh seeds (never seen by the search)")
        store = run_experiment(exp, self.stage_dir("verify"), **self.runner)
        self.stage_runs["verify"] = exp.n_runs
        table = self.outcome_rows(store)
        stats = self.statistics(table)
        rename = {self.best_name: (chosen or {}).get("mix", self.best_name)}
        stats.insert(1, "label", [self.best_name if m == self.best_name else m
                                  for m in stats["mix"]])
        stats["mix"] = [rename.get(m, m) for m in stats["mix"]]
        for c in spec.constraints:
            if c.kind == "mean":
                stats[_stat_column(c)] = stats[f"mean {c.outcome.label}"]  # type: ignore[union-attr]
        stats["meets_constraints"] = [self.feasible(r, margin=False)
                                      for r in stats.to_dict("records")]
        senses = {o.outcome.label: o.sense for o in spec.objectives}
        for o in self.report_outcomes:
            if o.label != GOAL_OUTCOME.label:
                senses.setdefault(o.label, "min" if o.label == self.cost.label else "max")
        conditions = {c.condition.text: c.condition for c in spec.constraints
                      if c.kind == "probability"}
        if GOAL_OUTCOME.label in table:
            conditions["goal_met"] = parse_condition("goal_met")
        for ind in RATIO_INDICATORS.values():
            label = f"{GOAL_AREA}:{ind}@{self.base.run.end_year} >= {DEFAULT_THETA:g}"
            conditions.setdefault(label, parse_condition(label))
        robust = robustness_table(table, senses, conditions,
                                  scenarios=list(dict.fromkeys(table["scenario"])))
        return stats, robust

    @property
    def best_name(self) -> str:
        return f"{self.spec.name}_best"

    # ------------------------------------------------------------------ results
    def finish(self, frontier: pd.DataFrame, chosen: Mapping[str, Any] | None,
               verification: pd.DataFrame, robust: pd.DataFrame) -> OptimiseResult:
        from westdev.design import report

        recommended = None
        if chosen is not None:
            recommended = self.lever_table(self.candidates[chosen["mix"]])
        wall = time.perf_counter() - self.t0
        summary = {"name": self.spec.name, "mode": self.spec.mode,
                   "runs": dict(self.stage_runs), "total_runs": sum(self.stage_runs.values()),
                   "wall_s": wall, "chosen": dict(chosen) if chosen else None,
                   "quick": self.spec.quick}
        result = OptimiseResult(self.spec, self.out, recommended, frontier, verification, robust,
                                pd.DataFrame(self.emulator_rows), summary)
        if chosen is not None:
            result.summary["scenario"] = self.mix_scenario(self.best_name,
                                                           self.candidates[chosen["mix"]])
        result.files = report.write_optimise(result, self)
        self.echo(f"done: {summary['total_runs']} runs in {wall / 60:.1f} min; "
                  f"report {result.files.get('report')}")
        return result

    def lever_table(self, x: np.ndarray) -> pd.DataFrame:
        vals = self.mix_values(x)
        rows = []
        for lv in self.levers:
            s = lv.spec
            rows.append({"lever": lv.name, "articles": s.cited, "unit": s.unit,
                         "value": vals[lv.name], "low": lv.low if lv.kind == "float" else False,
                         "high": lv.high if lv.kind == "float" else True,
                         "value_2019": s.value_2019, "value_guideline": s.value_guideline,
                         "value_no_policy": s.value_no_policy, "meaning": s.meaning})
        return pd.DataFrame(rows)


# ====================================================================== helpers
_GUIDELINE: list[Scenario] = []


def load_guideline() -> Scenario:
    """The shipped guideline scenario (a start of the search), loaded once."""
    if not _GUIDELINE:
        from westdev.inputs.scenario import load_scenario

        _GUIDELINE.append(load_scenario("guideline"))
    return _GUIDELINE[0]


def _with_run(s: Scenario, base: Scenario) -> Scenario:
    r = base.run
    return s.with_overrides(run={"start_year": r.start_year, "end_year": r.end_year,
                                 "resolution": r.resolution})


def _stat_column(c: Constraint) -> str:
    if c.kind == "probability":
        return f"P({c.condition.text})"  # type: ignore[union-attr]
    return f"mean {c.outcome.label}"  # type: ignore[union-attr]


def _unit(f: Factor, value: Any) -> float:
    if f.distribution == "discrete":
        vals = list(f.values)
        return vals.index(value) / max(1, len(vals) - 1) if value in vals else 0.0
    span = (f.high or 0.0) - (f.low or 0.0)
    return 0.0 if span <= 0 else (float(value) - float(f.low)) / span


def _round_sig(v: float, digits: int = SIG_DIGITS) -> float:
    if v == 0 or not math.isfinite(v):
        return v
    return round(v, -int(math.floor(math.log10(abs(v)))) + digits - 1)


def _unique(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return list({o.label: o for o in outcomes}.values())


def _slsqp(minimize: Any, f: Callable, g: Callable, x0: np.ndarray,
           bounds: list[tuple[float, float]], df: Callable, dg: Callable) -> np.ndarray:
    res = minimize(f, np.clip(x0, [b[0] for b in bounds], [b[1] for b in bounds]), jac=df,
                   method="SLSQP", bounds=bounds,
                   constraints=[{"type": "ineq", "fun": g, "jac": dg}],
                   options={"maxiter": 300, "ftol": 1e-8})
    return np.asarray(res.x, dtype=float)


def _nondominated(values: np.ndarray) -> np.ndarray:
    """Indices of the rows no other row dominates (all criteria to be minimised)."""
    ok = np.isfinite(values).all(axis=1)
    out = []
    for i in np.flatnonzero(ok):
        v = values[i]
        dominated = ((values[ok] <= v).all(axis=1) & (values[ok] < v).any(axis=1)).any()
        if not dominated:
            out.append(i)
    return np.array(out, dtype=int)


def _spread(f: np.ndarray, n: int) -> list[int]:
    """`n` rows of a front spread over it: the extremes of each objective first, then the
    rows farthest from those chosen (objectives scaled to [0, 1])."""
    if len(f) <= n:
        return list(range(len(f)))
    lo, hi = f.min(axis=0), f.max(axis=0)
    z = (f - lo) / np.where(hi > lo, hi - lo, 1.0)
    chosen = list(dict.fromkeys(int(np.argmin(z[:, j])) for j in range(z.shape[1])))
    while len(chosen) < n:
        d = np.min(np.linalg.norm(z[:, None, :] - z[None, chosen, :], axis=2), axis=1)
        chosen.append(int(np.argmax(d)))
    return chosen[:n]
