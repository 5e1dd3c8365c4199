"""The `Experiment`: a checked experiment file — base scenario(s), design, replicates, seeds and
outputs — and the run tasks it makes.

Kinds and their designs (the files' schema is in ``scenarios/README.md``; they are read by
`westdev.experiments.spec`):

``sweep``
    a grid (full factorial over listed values of levers, parameters and exogenous drivers) or a
    Latin hypercube over ``[factors.*]`` distributions;
``sensitivity``
    a Sobol' or Morris sample over ``[factors.*]`` (analysed by `westdev.analysis.sensitivity`);
``ensemble``
    each design point draws the uncertain parameters (by default those tagged *calibrated* in the
    register: uniform over the register's range, or the calibration's uncertainty) and scale
    factors of the exogenous paths (frontier TFP growth, world demand growth, commodity
    prices), then replicates add idiosyncratic noise. The probability of meeting the goal is
    the share of runs that meet it (`westdev.analysis.summaries`);
``decomposition``
    the base scenario with subsets of a package's levers switched on, for one-at-a-time and
    Shapley splits of the package's effect and cost (`westdev.analysis.summaries`).

The design points come from `westdev.experiments.designs`; `Experiment.tasks` turns them into
run tasks for the one runner (`westdev.experiments.runner.run_batch`), and `Experiment.request`
is the canonical description recorded in the store's manifest, from which
`westdev.experiments.spec.experiment_from_dict` rebuilds the same experiment (``westdev rerun``).

**Seeds.** A run's seed is ``run_seed(root_seed, design point, replicate)`` (docs/design.md §8):
adding points or replicates never changes the seeds of the others. With
``common_random_numbers = true`` lever values are left out of the seed's design point, so every
policy variant of a point shares its random numbers (decompositions always do; ensembles with
several scenarios do too, since their points hold no levers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from westdev.experiments import designs
from westdev.experiments.factors import Factor, describe_factor
from westdev.experiments.record import ALL, DEFAULT, EVERYTHING, Record, default_record
from westdev.experiments.runner import RunTask
from westdev.experiments.seeds import run_seed
from westdev.inputs.scenario import FrozenMap, Scenario, inline_scenario


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
    record: str | tuple[str, ...] = DEFAULT  # "default", "all" or outcomes kept besides

    @property
    def recording(self) -> Record:
        """What each run keeps in the store (`westdev.experiments.record`)."""
        if self.record == ALL:
            return EVERYTHING
        extra = () if self.record == DEFAULT else tuple(self.record)
        return default_record(self.outcomes, extra)

    # ------------------------------------------------------------------ sizes
    @property
    def n_points(self) -> int:
        """Design points (grid combinations, sampler rows, draws or lever subsets), counted
        without drawing the design (a dry run of a huge design allocates nothing)."""
        d = len(self.factors)
        if self.design == "grid":
            return math.prod(len(f.values) for f in self.factors)
        if self.design == "decomposition":
            return len(self.subsets())
        if self.design == "random":
            return int(self.ensemble["draws"])
        if self.design == "lhs":
            settings = self.ensemble if self.kind == "ensemble" else self.sample
            return int(settings.get("draws", settings.get("n")))
        if self.design == "sobol":
            return int(self.sample["n"]) * ((2 * d + 2) if self.sample["calc_second_order"]
                                            else (d + 2))
        if self.design == "morris":
            return int(self.sample["n"]) * (d + 1)
        return len(self.unit_sample())

    @property
    def n_runs(self) -> int:
        """Runs: points × replicates × scenarios."""
        return self.n_points * self.replicates * len(self.scenarios)

    @property
    def base(self) -> Scenario:
        """The (first) base scenario: its run settings are the experiment's."""
        return self.scenarios[0]

    # ------------------------------------------------------------------ design
    def problem(self) -> dict[str, Any]:
        """The SALib problem: every factor on the unit interval (values come from the unit
        draws through each factor's inverse CDF)."""
        return designs.problem(self.factors)

    def unit_sample(self) -> np.ndarray:
        """The sampler's unit matrix, one row per design point (sampled designs only)."""
        return designs.unit_sample(self.design, self.factors, kind=self.kind,
                                   sample=self.sample, ensemble=self.ensemble)

    def points(self) -> list[dict[str, Any]]:
        """The design points in order: ``{factor name: value}`` (decompositions: lever values
        and the subset's scenario name)."""
        if self.design == "grid":
            return designs.grid_points(self.factors)
        if self.design == "decomposition":
            d = self.decomposition
            return [designs.subset_point(s, d["levers"], base=self.base.name,
                                         package=d["package"]) for s in self.subsets()]
        return designs.sampled_points(self.factors, self.unit_sample())

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

    def probe_task(self) -> RunTask:
        """A run of the (first) base scenario, for timing a dry run without drawing the
        design."""
        base = self.base
        return RunTask("probe", base, 0, run_seed(self.root_seed, {}, 0), None)

    # ------------------------------------------------------------------ decompositions
    def subsets(self) -> list[tuple[str, ...]]:
        """The lever subsets a decomposition runs, in a fixed order (empty set first)."""
        if self.design != "decomposition":
            return []
        return designs.lever_subsets(self.decomposition["levers"],
                                     self.decomposition["method"],
                                     self.decomposition["permutations"],
                                     self.decomposition["seed"])

    def permutations(self) -> list[tuple[str, ...]] | None:
        """The sampled permutations of a sampled Shapley decomposition (None when exact)."""
        d = self.decomposition
        if self.design != "decomposition" or d["method"] == "oat" or \
                len(d["levers"]) <= designs.MAX_EXACT_SHAPLEY:
            return None
        return designs.sampled_permutations(d["levers"], d["permutations"], d["seed"])

    def subset_name(self, subset: Sequence[str]) -> str:
        """The scenario name of a lever subset's runs (`designs.subset_name`)."""
        return designs.subset_name(subset, self.decomposition["levers"], base=self.base.name,
                                   package=self.decomposition["package"].name)

    # ------------------------------------------------------------------ the request
    def request(self) -> dict[str, Any]:
        """The canonical, JSON-ready description (stored as the manifest's request)."""
        req: dict[str, Any] = {
            "experiment": {"name": self.name, "description": self.description,
                           "kind": self.kind,
                           "common_random_numbers": self.common_random_numbers,
                           "scenarios": [inline_scenario(s) for s in self.scenarios]},
            "run": {"replicates": self.replicates, "root_seed": self.root_seed},
            "outputs": {"outcomes": list(self.outcomes), "years": list(self.years),
                        "record": self.record if isinstance(self.record, str)
                        else list(self.record)},
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
                lines.append(f"  {f.name}: {describe_factor(f)}")
        lines.append(f"runs: {self.n_runs} = {self.n_points} points × {self.replicates} "
                     f"replicates × {len(self.scenarios)} scenario(s)")
        rec = ("everything (every indicator, area and year)" if self.record == ALL else
               "the default selection (outcomes, goal ratios, lever costs, headline "
               "aggregates)" + ("" if self.record == DEFAULT else
                                " and " + ", ".join(self.record)))
        lines.append(f"each run records {rec}")
        return "\n".join(lines)
