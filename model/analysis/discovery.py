"""Scenario discovery: which regions of the input space lead to a condition on the outcomes.

Given a store's runs — the inputs that vary (levers, parameters, exogenous scales, the
scenario: `westdev.analysis.store_view.design_table`) and a condition on each run's outcomes
(`westdev.analysis.outcomes`; default ``goal_missed``) — PRIM (the Patient Rule Induction
Method, Friedman & Fisher 1999, as used in scenario discovery by Bryant & Lempert 2010 and the
EMA Workbench) finds boxes, limits on a few inputs, inside which the condition is much more
frequent than overall. A CART classification tree is grown beside it as a second opinion.

**PRIM.** Peeling: starting from all runs, repeatedly remove the share `alpha` (default 5 %)
of the runs in the box at the bottom or top of one numeric input (for discrete inputs: every
run at the lowest or highest value), or every run of one category, choosing the peel that
gains the most density (share of cases) per run removed (EMA Workbench's default objective;
``objective="original"``: the highest density); stop when the box holds less than `mass_min` of
the runs or no peel raises the density. The sequence of boxes is the peeling trajectory.
The box kept is the one of highest coverage with density at least `threshold` (else the one
with the best harmonic mean of coverage and density), then pasted (limits widened again while
that raises the density) and simplified (a one-sided limit whose removal does not lower the
density is dropped). Covering: the runs of a kept box are removed and the search repeats
on the rest, up to `max_boxes` boxes while a box reaches `threshold`.

For each box: **coverage** (share of all cases inside it), **density** (share of its runs that
are cases), **mass** (share of all runs inside it), the inputs it restricts, and two checks
on each restriction: the **quasi-p-value** (EMA Workbench's: the one-sided binomial
probability of the box's case count if the restriction were dropped — small means the
restriction matters) and the **reproducibility** (the share of PRIM runs on random
subsamples (80 %) whose box of the same rank restricts that input). `hold_out` evaluates
boxes on another store (coverage and density on runs the search never saw).

Stores are read through `westdev.analysis.store_view`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from westdev.analysis import store_view
from westdev.analysis.outcomes import Condition, needed, outcome_table, parse_condition
from westdev.errors import InputError
from westdev.experiments.store import ResultsStore

DEFAULT_CONDITION = "goal_missed"
Limits = dict[str, Any]  # input → (low, high) for numbers, frozenset of categories otherwise


# ====================================================================== data
@dataclass(frozen=True)
class DiscoveryData:
    """Inputs (one row per run) and the condition's truth per run."""

    inputs: pd.DataFrame
    y: np.ndarray
    condition: str
    outcomes: pd.DataFrame


def discovery_data(source: ResultsStore | str | pd.DataFrame, condition: str | Condition |
                   None = None, *, inputs: Sequence[str] | None = None) -> DiscoveryData:
    """The inputs that vary between the runs of a store and the condition on each run."""
    cond = condition if isinstance(condition, Condition) else \
        parse_condition(condition or DEFAULT_CONDITION, field="condition")
    indicators, areas, years = needed(cond.outcomes)
    data = store_view.load(source, indicators=indicators, areas=areas, years=years)
    table = store_view.design_table(data.ok_runs)
    if inputs is not None:
        missing = [c for c in inputs if c not in table.columns]
        if missing:
            raise InputError(f"inputs {missing} do not vary in this store", field="inputs",
                             allowed=", ".join(table.columns) or "none vary")
        table = table[list(inputs)]
    if table.shape[1] == 0:
        raise InputError("no input varies between the runs of this store: nothing to discover",
                         file=str(data.path), allowed="a sweep, an ensemble or a search store")
    outs = outcome_table(data.results, cond.outcomes)
    missing = [o.label for o in cond.outcomes if outs[o.label].isna().all()]
    if missing:
        raise InputError(f"the store has no values for {', '.join(missing)}", field="condition",
                         file=str(data.path), allowed="outcomes the runs recorded")
    outs = outs.dropna(subset=[o.label for o in cond.outcomes])
    common = table.index.intersection(outs.index)
    table, outs = table.loc[common], outs.loc[common]
    return DiscoveryData(table, cond.evaluate(outs), cond.text, outs)


# ====================================================================== boxes
Frame = pd.DataFrame | Mapping[str, np.ndarray]  # inputs, or their columns as arrays


def _cols(x: Frame) -> Mapping[str, np.ndarray]:
    return x if isinstance(x, Mapping) else _columns(x)


def in_box(x: Frame, limits: Limits) -> np.ndarray:
    """True for each row of `x` inside the box."""
    cols = _cols(x)
    n = len(next(iter(cols.values()))) if cols else 0
    ok = np.ones(n, dtype=bool)
    for col, lim in limits.items():
        ok &= _keep(cols[col], lim)
    return ok


def box_stats(x: Frame, y: np.ndarray, limits: Limits, *,
              total_cases: int | None = None, total: int | None = None) -> dict[str, float]:
    """Coverage, density, mass and counts of a box on (x, y)."""
    inside = in_box(x, limits)
    n, k = int(inside.sum()), int(y[inside].sum())
    cases = int(y.sum()) if total_cases is None else total_cases
    runs = len(y) if total is None else total
    return {"n": n, "cases": k, "coverage": k / cases if cases else float("nan"),
            "density": k / n if n else float("nan"), "mass": n / runs if runs else float("nan")}


def _is_categorical(col: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(col)


def _full_limits(x: pd.DataFrame) -> Limits:
    lim: Limits = {}
    for c in x.columns:
        if _is_categorical(x[c]):
            lim[c] = frozenset(x[c].unique())
        else:
            v = x[c].to_numpy(dtype=float)
            lim[c] = (float(v.min()), float(v.max()))
    return lim


def restricted(limits: Limits, full: Limits) -> list[str]:
    """The inputs whose limits are tighter than the data's range."""
    return [c for c, lim in limits.items() if lim != full[c]]


# ====================================================================== PRIM
@dataclass
class PrimBox:
    """One box found by PRIM, with its peeling trajectory and checks."""

    rank: int
    limits: Limits
    full: Limits
    stats: dict[str, float]
    trajectory: pd.DataFrame
    chosen_step: int
    qp: dict[str, float] = field(default_factory=dict)
    reproducibility: dict[str, float] = field(default_factory=dict)

    @property
    def restricted(self) -> list[str]:
        return restricted(self.limits, self.full)


def _columns(x: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each input as a numpy array (floats, or objects for categories)."""
    return {c: (x[c].to_numpy() if _is_categorical(x[c]) else x[c].to_numpy(dtype=float))
            for c in x.columns}


def _keep(values: np.ndarray, lim: Any) -> np.ndarray:
    if isinstance(lim, frozenset):
        return np.isin(values, list(lim))
    return (values >= lim[0]) & (values <= lim[1])


def _peel_candidates(cols: Mapping[str, np.ndarray], inside: np.ndarray, limits: Limits,
                     alpha: float) -> list[tuple[str, Any]]:
    """Every way to peel the box once: (input, new limit)."""
    cands = []
    n = int(inside.sum())
    for col, values in cols.items():
        lim = limits[col]
        vb = values[inside]
        if isinstance(lim, frozenset):
            present = set(vb.tolist())
            if len(present) > 1:
                for cat in sorted(present, key=str):
                    cands.append((col, frozenset(present - {cat})))
            continue
        v = np.sort(vb)
        if v[0] == v[-1]:
            continue
        k = max(1, int(math.floor(alpha * n)))
        lo = v[min(k, n - 1)]
        if lo == v[0]:
            lo = v[v > v[0]][0]
        hi = v[max(n - 1 - k, 0)]
        if hi == v[-1]:
            hi = v[v < v[-1]][-1]
        cands.append((col, (float(lo), lim[1])))
        cands.append((col, (lim[0], float(hi))))
    return cands


def peel(x: pd.DataFrame, y: np.ndarray, *, alpha: float = 0.05,
         mass_min: float = 0.05, total_cases: int | None = None, total: int | None = None,
         objective: str = "lenient1") -> tuple[list[Limits], pd.DataFrame]:
    """The peeling trajectory on (x, y): the boxes and a table of their statistics (step,
    coverage, density, mass, n, cases, restricted dims) relative to the given totals."""
    total = len(y) if total is None else total
    total_cases = int(y.sum()) if total_cases is None else total_cases
    full = _full_limits(x)
    cols = _columns(x)
    limits = dict(full)
    boxes = [dict(limits)]
    inside = np.ones(len(y), dtype=bool)
    while True:
        yb = y[inside]
        n_in, mean_in = len(yb), yb.mean()
        best = None
        for col, new in _peel_candidates(cols, inside, limits, alpha):
            keep = _keep(cols[col][inside], new)
            n_keep = int(keep.sum())
            if n_keep == 0 or n_keep / total < mass_min:
                continue
            gain = yb[keep].mean() - mean_in
            # EMA Workbench's default ("lenient1"): the density gained per run removed, so
            # that removing a whole category must earn its size; "original": the density
            score = (gain / (n_in - n_keep) if objective == "lenient1" else gain, n_keep)
            if best is None or score > best[0]:
                best = (score, col, new)
        if best is None or best[0][0] <= 0:
            break
        limits[best[1]] = best[2]
        inside &= _keep(cols[best[1]], best[2])
        boxes.append(dict(limits))
    rows = []
    for step, lim in enumerate(boxes):
        s = box_stats(cols, y, lim, total_cases=total_cases, total=total)
        rows.append({"step": step, **s, "restricted": len(restricted(lim, full))})
    return boxes, pd.DataFrame(rows)


def choose_step(trajectory: pd.DataFrame, threshold: float) -> int:
    """The trajectory step kept: highest coverage with density ≥ threshold, else the best
    harmonic mean of coverage and density."""
    ok = trajectory[trajectory["density"] >= threshold]
    if not ok.empty:
        return int(ok.sort_values(["coverage", "density"], ascending=False)["step"].iloc[0])
    c, d = trajectory["coverage"], trajectory["density"]
    f = 2 * c * d / (c + d).where(c + d > 0)
    return int(trajectory.loc[f.idxmax(), "step"])


def paste(x: Frame, y: np.ndarray, limits: Limits, full: Limits, *,
          alpha: float = 0.05) -> Limits:
    """Widen the box's limits again, one step at a time, while that raises its density."""
    x = _cols(x)
    limits = dict(limits)
    while True:
        inside = in_box(x, limits)
        dens = y[inside].mean() if inside.any() else 0.0
        best = None
        step = max(1, int(math.floor(alpha * inside.sum())))
        for col in restricted(limits, full):
            lim = limits[col]
            if isinstance(lim, frozenset):
                for cat in full[col] - lim:
                    cand = {**limits, col: lim | {cat}}
                    best = _better(best, x, y, cand, dens)
                continue
            others = {c: v for c, v in limits.items() if c != col}
            pool = x[col][in_box(x, others)]
            below = np.sort(pool[pool < lim[0]])[::-1]
            above = np.sort(pool[pool > lim[1]])
            if below.size:
                cand = {**limits, col: (float(below[min(step, below.size) - 1]), lim[1])}
                best = _better(best, x, y, cand, dens)
            if above.size:
                cand = {**limits, col: (lim[0], float(above[min(step, above.size) - 1]))}
                best = _better(best, x, y, cand, dens)
        if best is None:
            return limits
        limits = best[1]


def simplify(x: Frame, y: np.ndarray, limits: Limits, full: Limits) -> Limits:
    """Drop each one-sided limit whose removal does not lower the box's density (edge
    restrictions that peeled a handful of runs and do not matter)."""
    x = _cols(x)
    limits = dict(limits)
    for col in restricted(limits, full):
        for side in (0, 1):
            lim = limits[col]
            if isinstance(lim, frozenset):
                if side:
                    continue
                wider: Any = full[col]
            else:
                wider = (full[col][0], lim[1]) if side == 0 else (lim[0], full[col][1])
            inside = in_box(x, limits)
            dens = y[inside].mean() if inside.any() else 0.0
            cand = {**limits, col: wider}
            w = in_box(x, cand)
            if w.any() and y[w].mean() >= dens:
                limits = cand
    return limits


def prune(x: Frame, y: np.ndarray, limits: Limits, full: Limits,
          max_qp: float = 0.05) -> Limits:
    """Drop, one at a time, the restriction with the largest quasi-p-value while it exceeds
    `max_qp`: a limit that the box's density does not need beyond chance is an artefact of
    peeling (with many inputs and few runs PRIM restricts dozens of them, and such a box does
    not hold on another sample)."""
    limits = dict(limits)
    while True:
        qp = qp_values(x, y, limits, full)
        if len(qp) <= 1:
            return limits
        col, worst = max(qp.items(), key=lambda kv: kv[1])
        if not worst > max_qp:
            return limits
        limits[col] = full[col]


def _better(best: Any, x: Frame, y: np.ndarray, cand: Limits, dens: float) -> Any:
    inside = in_box(x, cand)
    d = y[inside].mean() if inside.any() else 0.0
    if d > dens and (best is None or d > best[0]):
        return (d, cand)
    return best


def qp_values(x: Frame, y: np.ndarray, limits: Limits, full: Limits) -> dict[str, float]:
    """Quasi-p-value of each restriction: P(at least the box's cases | the box's runs, the
    density of the box without that restriction), one-sided binomial."""
    from scipy.stats import binom

    x = _cols(x)
    inside = in_box(x, limits)
    n, k = int(inside.sum()), int(y[inside].sum())
    out = {}
    for col in restricted(limits, full):
        wider = in_box(x, {**limits, col: full[col]})
        p0 = y[wider].mean() if wider.any() else 0.0
        out[col] = float(binom.sf(k - 1, n, p0)) if n else float("nan")
    return out


def prim(x: pd.DataFrame, y: np.ndarray, *, alpha: float = 0.05, mass_min: float = 0.05,
         threshold: float = 0.8, max_boxes: int = 3, pasting: bool = True,
         objective: str = "lenient1", max_qp: float | None = 0.05) -> list[PrimBox]:
    """PRIM with covering: up to `max_boxes` boxes (see the module docstring); restrictions
    whose quasi-p-value exceeds `max_qp` are dropped (`prune`; None keeps them all)."""
    y = np.asarray(y, dtype=bool)
    if len(y) != len(x):
        raise ValueError("x and y differ in length")
    total, total_cases = len(y), int(y.sum())
    if total_cases == 0 or total_cases == total:
        return []
    full = _full_limits(x)
    all_cols = _columns(x)
    left = np.ones(total, dtype=bool)
    boxes: list[PrimBox] = []
    for rank in range(1, max_boxes + 1):
        xr, yr = x[left], y[left]
        if yr.sum() == 0 or len(yr) < 10:
            break
        path, traj = peel(xr, yr, alpha=alpha, mass_min=mass_min, total_cases=total_cases,
                          total=total, objective=objective)
        step = choose_step(traj, threshold)
        limits = {c: path[step][c] for c in x.columns}
        # limits of the box as found on the remaining runs; unrestricted inputs span all data
        sub_full = _full_limits(xr)
        limits = {c: (full[c] if limits[c] == sub_full[c] else limits[c]) for c in x.columns}
        cols = _columns(xr)
        if pasting:
            limits = paste(cols, yr, limits, full, alpha=alpha)
        limits = simplify(cols, yr, limits, full)
        if max_qp is not None:
            limits = prune(cols, yr, limits, full, max_qp)
        stats = box_stats(cols, yr, limits, total_cases=total_cases, total=total)
        if rank > 1 and stats["density"] < threshold:
            break
        if not restricted(limits, full):
            break
        boxes.append(PrimBox(rank, limits, full, stats, traj, step,
                             qp=qp_values(cols, yr, limits, full)))
        left &= ~in_box(all_cols, limits)
    return boxes


def reproducibility(x: pd.DataFrame, y: np.ndarray, boxes: Sequence[PrimBox], *,
                    resamples: int = 20, share: float = 0.8, seed: int = 0,
                    **kwargs: Any) -> None:
    """Fill each box's `reproducibility`: for each input it restricts, the share of PRIM runs
    on random subsamples (`share` of the runs) whose box of the same rank restricts it too."""
    rng = np.random.default_rng(seed)
    counts = [dict.fromkeys(b.restricted, 0) for b in boxes]
    n = len(y)
    for _ in range(resamples):
        idx = np.sort(rng.choice(n, size=int(round(share * n)), replace=False))
        found = prim(x.iloc[idx].reset_index(drop=True), y[idx], **kwargs)
        for b, cnt in zip(boxes, counts, strict=True):
            if b.rank <= len(found):
                dims = set(found[b.rank - 1].restricted)
                for c in cnt:
                    cnt[c] += c in dims
    for b, cnt in zip(boxes, counts, strict=True):
        b.reproducibility = {c: v / resamples for c, v in cnt.items()}


# ====================================================================== CART
@dataclass
class _TreeNode:
    rule: list[str]
    idx: np.ndarray
    split: tuple[str, Any] | None = None
    children: tuple[Any, Any] | None = None


def _gini(k: float, n: float) -> float:
    if n == 0:
        return 0.0
    p = k / n
    return 2 * p * (1 - p)


def cart(x: pd.DataFrame, y: np.ndarray, *, max_depth: int = 3,
         min_leaf: int | None = None) -> pd.DataFrame:
    """A classification tree (Gini impurity, binary splits: ``input <= t`` for numbers,
    ``input in {category}`` otherwise), grown to `max_depth`. Returns its leaves: ``leaf,
    rule, n, cases, density, coverage, mass, predicted`` (predicted: the majority class)."""
    y = np.asarray(y, dtype=bool)
    n_all, k_all = len(y), int(y.sum())
    min_leaf = max(5, int(0.02 * n_all)) if min_leaf is None else min_leaf
    root = _TreeNode([], np.arange(n_all))
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        idx = node.idx
        yk = y[idx]
        if depth >= max_depth or yk.all() or not yk.any() or len(idx) < 2 * min_leaf:
            continue
        best = None
        parent = _gini(yk.sum(), len(idx)) * len(idx)
        for col in x.columns:
            values = x[col].to_numpy()[idx]
            if _is_categorical(x[col]):
                for cat in np.unique(values):
                    left = values == cat
                    best = _split_better(best, yk, left, min_leaf, parent, (col, cat))
                continue
            v = values.astype(float)
            order = np.argsort(v, kind="stable")
            vs, ys = v[order], yk[order]
            cum = np.cumsum(ys)
            for i in range(min_leaf - 1, len(vs) - min_leaf):
                if vs[i] == vs[i + 1]:
                    continue
                nl, kl = i + 1, cum[i]
                nr, kr = len(vs) - nl, cum[-1] - kl
                imp = _gini(kl, nl) * nl + _gini(kr, nr) * nr
                if best is None or imp < best[0] - 1e-12:
                    best = (imp, (col, float((vs[i] + vs[i + 1]) / 2)), None)
        if best is None or best[0] >= parent - 1e-12:
            continue
        col, t = best[1]
        values = x[col].to_numpy()[idx]
        if isinstance(t, float) and not _is_categorical(x[col]):
            left = values.astype(float) <= t
            rules = (f"{col} <= {t:.4g}", f"{col} > {t:.4g}")
        else:
            left = values == t
            rules = (f"{col} = {t}", f"{col} != {t}")
        node.split = best[1]
        node.children = (_TreeNode(node.rule + [rules[0]], idx[left]),
                         _TreeNode(node.rule + [rules[1]], idx[~left]))
        stack += [(node.children[1], depth + 1), (node.children[0], depth + 1)]
    rows = []
    todo = [root]
    while todo:
        node = todo.pop(0)
        if node.children is not None:
            todo = list(node.children) + todo
            continue
        k, n = int(y[node.idx].sum()), len(node.idx)
        rows.append({"leaf": len(rows) + 1, "rule": " and ".join(node.rule) or "(all runs)",
                     "n": n, "cases": k, "density": k / n if n else float("nan"),
                     "coverage": k / k_all if k_all else float("nan"), "mass": n / n_all,
                     "predicted": bool(k * 2 > n)})
    return pd.DataFrame(rows, columns=["leaf", "rule", "n", "cases", "density", "coverage",
                                       "mass", "predicted"])


def _split_better(best: Any, yk: np.ndarray, left: np.ndarray, min_leaf: int, parent: float,
                  split: tuple[str, Any]) -> Any:
    nl = int(left.sum())
    nr = len(left) - nl
    if nl < min_leaf or nr < min_leaf:
        return best
    imp = _gini(yk[left].sum(), nl) * nl + _gini(yk[~left].sum(), nr) * nr
    if best is None or imp < best[0] - 1e-12:
        return (imp, split, None)
    return best


# ====================================================================== the whole analysis
@dataclass
class Discovery:
    """What `discover` returns: the boxes (one row per box and input), the peeling
    trajectories, the CART leaves, the data, and — with a hold-out store — the boxes' coverage
    and density there."""

    boxes: pd.DataFrame
    trajectory: pd.DataFrame
    tree: pd.DataFrame
    data: DiscoveryData
    prim_boxes: list[PrimBox]
    holdout: pd.DataFrame | None = None


BOX_COLUMNS = ["box", "input", "kind", "lower", "upper", "categories", "data_lower",
               "data_upper", "restricted", "qp_value", "reproducibility", "coverage",
               "density", "mass", "n", "cases", "restricted_inputs", "holdout_coverage",
               "holdout_density", "holdout_mass", "holdout_n"]


def discover(source: ResultsStore | str, condition: str | None = None, *,
             holdout: ResultsStore | str | None = None, inputs: Sequence[str] | None = None,
             alpha: float = 0.05, mass_min: float = 0.05, threshold: float = 0.8,
             max_boxes: int = 3, resamples: int = 20, seed: int = 0,
             max_depth: int = 3) -> Discovery:
    """PRIM boxes and a CART tree for `condition` (default: the 2035 goal missed) over the
    inputs that vary in the store; with `holdout`, each box's coverage and density on the
    runs of a second, independent store."""
    for name, value, lo, hi in (("alpha", alpha, 0.0, 0.5), ("mass_min", mass_min, 0.0, 1.0),
                                ("threshold", threshold, 0.0, 1.0)):
        if not lo < value < hi:
            raise InputError(f"{name} = {value!r}", field=name,
                             allowed=f"a number in ({lo:g}, {hi:g})")
    data = discovery_data(source, condition, inputs=inputs)
    x, y = data.inputs, data.y
    if y.sum() == 0 or y.all():
        how = "never" if not y.any() else "always"
        raise InputError(f"the condition {data.condition!r} is {how} met in this store "
                         f"({len(y)} runs): nothing to discover",
                         field="condition", allowed="a condition true in some runs and false "
                         "in others")
    kw = dict(alpha=alpha, mass_min=mass_min, threshold=threshold, max_boxes=max_boxes)
    boxes = prim(x, y, **kw)
    if resamples > 0 and boxes:
        reproducibility(x, y, boxes, resamples=resamples, seed=seed, **kw)
    trajectory = pd.concat([b.trajectory.assign(box=b.rank, chosen=lambda t, b=b:
                                                t["step"] == b.chosen_step)
                            for b in boxes], ignore_index=True) if boxes else \
        pd.DataFrame(columns=["step", "n", "cases", "coverage", "density", "mass",
                              "restricted", "box", "chosen"])
    tree = cart(x, y, max_depth=max_depth)
    table = box_table(boxes, x)
    out = Discovery(table, trajectory, tree, data, boxes)
    if holdout is not None:
        out.holdout = hold_out(boxes, holdout, data.condition, inputs=list(x.columns))
        table = table.drop(columns=[c for c in table.columns if c.startswith("holdout_")])
        out.boxes = table.merge(out.holdout.drop(columns=["coverage", "density"], errors="ignore"),
                                on="box", how="left")[BOX_COLUMNS]
    return out


def box_table(boxes: Sequence[PrimBox], x: pd.DataFrame) -> pd.DataFrame:
    """One row per box and input (restricted inputs first), with the box's statistics."""
    rows = []
    for b in boxes:
        dims = b.restricted + [c for c in x.columns if c not in b.restricted]
        for col in dims:
            lim, full = b.limits[col], b.full[col]
            cat = isinstance(lim, frozenset)
            rows.append({
                "box": b.rank, "input": col, "kind": "categorical" if cat else "numeric",
                "lower": float("nan") if cat else lim[0], "upper": float("nan") if cat else lim[1],
                "categories": ";".join(sorted(map(str, lim))) if cat else "",
                "data_lower": float("nan") if cat else full[0],
                "data_upper": float("nan") if cat else full[1],
                "restricted": col in b.restricted, "qp_value": b.qp.get(col, float("nan")),
                "reproducibility": b.reproducibility.get(col, float("nan")),
                **{k: b.stats[k] for k in ("coverage", "density", "mass", "n", "cases")},
                "restricted_inputs": ";".join(b.restricted),
                "holdout_coverage": float("nan"), "holdout_density": float("nan"),
                "holdout_mass": float("nan"), "holdout_n": float("nan")})
    return pd.DataFrame(rows, columns=BOX_COLUMNS)


def hold_out(boxes: Sequence[PrimBox], source: ResultsStore | str, condition: str, *,
             inputs: Sequence[str]) -> pd.DataFrame:
    """Each box's coverage, density and mass on another store's runs (the same inputs must
    vary there): ``box, holdout_coverage, holdout_density, holdout_mass, holdout_n``."""
    other = discovery_data(source, condition)
    missing = [c for b in boxes for c in b.restricted if c not in other.inputs.columns]
    if missing:
        raise InputError(f"the hold-out store does not vary {sorted(set(missing))}",
                         field="holdout", allowed="a store over the same inputs")
    rows = []
    for b in boxes:
        lim = {c: b.limits[c] for c in b.restricted}
        s = box_stats(other.inputs, other.y, lim)
        rows.append({"box": b.rank, "holdout_coverage": s["coverage"],
                     "holdout_density": s["density"], "holdout_mass": s["mass"],
                     "holdout_n": s["n"]})
    return pd.DataFrame(rows, columns=["box", "holdout_coverage", "holdout_density",
                                       "holdout_mass", "holdout_n"])


def describe_box(box: PrimBox | Mapping[str, Any]) -> str:
    """One line: the box's restrictions as text."""
    limits = box.limits if isinstance(box, PrimBox) else box
    dims = box.restricted if isinstance(box, PrimBox) else list(limits)
    parts = []
    for c in dims:
        lim = limits[c]
        if isinstance(lim, frozenset):
            parts.append(f"{c} in {{{', '.join(sorted(map(str, lim)))}}}")
        else:
            parts.append(f"{lim[0]:.4g} <= {c} <= {lim[1]:.4g}")
    return " and ".join(parts) or "(no restriction)"
