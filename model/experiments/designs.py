"""Design points: which values of the factors each run of an experiment takes.

- grids: the full factorial of every factor's listed values, in ``itertools.product`` order;
- sampled designs: a unit matrix (one row per design point, one column per factor on [0, 1])
  from Latin hypercube, Sobol' or Morris sampling (SALib's samplers, in their row order, so
  that `westdev.analysis.sensitivity` can analyse it), or independent uniform draws (one
  generator per draw, so adding draws never changes the earlier ones); each column is mapped
  through its factor's distribution (`westdev.experiments.factors.Factor.from_unit`);
- decompositions: the lever subsets of a package that one-at-a-time and Shapley splits need
  (`lever_subsets`), with sampled orderings (`sampled_permutations`) beyond
  `MAX_EXACT_SHAPLEY` levers.

Pure functions of the design's settings; `westdev.experiments.experiment.Experiment` calls them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from westdev.experiments.factors import Factor
from westdev.inputs.scenario import Scenario, canonical_value

MAX_EXACT_SHAPLEY = 10  # above this many levers Shapley values come from sampled orderings


# ====================================================================== sampled designs
def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """The SALib problem: every factor on the unit interval (values come from the unit draws
    through each factor's inverse CDF)."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[0.0, 1.0]] * len(factors)}


def unit_sample(design: str, factors: Sequence[Factor], *, kind: str,
                sample: Mapping[str, Any], ensemble: Mapping[str, Any]) -> np.ndarray:
    """The sampler's unit matrix, one row per design point (cached: a design is sampled once).

    `design` is "random" or "lhs" (ensembles; settings in `ensemble`), or "lhs", "sobol" or
    "morris" (sweeps and sensitivity designs; settings in `sample`).
    """
    key = json.dumps([design, dict(sample), dict(ensemble), [f.name for f in factors]],
                     sort_keys=True, default=str)
    cached = _SAMPLE_CACHE.get(key)
    if cached is not None:
        return cached
    u = np.asarray(_draw(design, factors, kind=kind, sample=sample, ensemble=ensemble),
                   dtype=float)
    if len(_SAMPLE_CACHE) > 16:
        _SAMPLE_CACHE.clear()
    _SAMPLE_CACHE[key] = u
    return u


_SAMPLE_CACHE: dict[str, np.ndarray] = {}


def _draw(design: str, factors: Sequence[Factor], *, kind: str, sample: Mapping[str, Any],
          ensemble: Mapping[str, Any]) -> Any:
    d = len(factors)
    if design == "random":
        seed, draws = int(ensemble["seed"]), int(ensemble["draws"])
        # one generator per draw: adding draws never changes the earlier ones
        return np.array([np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
                         .random(d) for i in range(draws)]).reshape(draws, d)
    # SALib is imported only for the designs that need it (it is slow to import)
    if design == "lhs":
        from SALib.sample import latin

        settings = ensemble if kind == "ensemble" else sample
        n = int(settings.get("draws", settings.get("n")))
        return latin.sample(problem(factors), n, seed=int(settings["seed"]))
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(factors), int(sample["n"]),
                            calc_second_order=bool(sample["calc_second_order"]),
                            seed=int(sample["seed"]))
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), int(sample["n"]),
                             num_levels=int(sample["levels"]), seed=int(sample["seed"]))
    raise ValueError(f"no unit sample for design {design!r}")


def sampled_points(factors: Sequence[Factor], u: np.ndarray) -> list[dict[str, Any]]:
    """``{factor name: value}`` for each row of a unit matrix."""
    columns = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [{f.name: columns[j][i] for j, f in enumerate(factors)} for i in range(len(u))]


# ====================================================================== grids
def grid_points(factors: Sequence[Factor]) -> list[dict[str, Any]]:
    """Every combination of the factors' values, the last factor varying fastest."""
    names = [f.name for f in factors]
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(f.values for f in factors))]


# ====================================================================== decompositions
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


def subset_name(subset: Sequence[str], levers: Sequence[str], *, base: str,
                package: str) -> str:
    """The scenario name of a subset's runs: the base, the package, ``<base>.plus.<lever>``,
    ``<package>.minus.<lever>``, or ``<package>.s<hex mask>`` for the other subsets."""
    levers = list(levers)
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


def subset_point(subset: Sequence[str], levers: Sequence[str], *, base: str,
                 package: Scenario) -> dict[str, Any]:
    """The design point of a subset: its name and the package's value of each lever in it."""
    point: dict[str, Any] = {"name": subset_name(subset, levers, base=base,
                                                 package=package.name)}
    for lever in subset:
        point[f"levers.{lever}"] = canonical_value(package.levers[lever])
    return point
