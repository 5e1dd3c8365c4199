"""PRIM and CART on synthetic data with a known answer (westdev.analysis.discovery)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.analysis import discovery as dv


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Six uniform inputs, an on/off input and a category; the condition holds with
    probability 0.95 inside the box x0 > 0.6 and x1 < 0.3, and 0.05 outside."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({f"x{i}": rng.random(n) for i in range(6)})
    x["onoff"] = (rng.random(n) < 0.5).astype(float)
    x["cat"] = rng.choice(["a", "b", "c"], n)
    inside = ((x["x0"] > 0.6) & (x["x1"] < 0.3)).to_numpy()
    y = np.where(inside, rng.random(n) < 0.95, rng.random(n) < 0.05)
    return x, y


def test_prim_recovers_a_known_box():
    x, y = synthetic(1500, 1)
    boxes = dv.prim(x, y)
    assert boxes, "no box found"
    b = boxes[0]
    assert set(b.restricted) == {"x0", "x1"}
    assert b.limits["x0"][0] == pytest.approx(0.6, abs=0.05)
    assert b.limits["x1"][1] == pytest.approx(0.3, abs=0.05)
    assert b.stats["density"] >= 0.8 and b.stats["coverage"] >= 0.7
    assert all(q < 1e-6 for q in b.qp.values())  # both restrictions matter
    dv.reproducibility(x, y, boxes, resamples=8, seed=3)
    assert b.reproducibility["x0"] >= 0.75 and b.reproducibility["x1"] >= 0.75


def test_the_box_holds_on_independent_data():
    x, y = synthetic(1500, 1)
    b = dv.prim(x, y)[0]
    x2, y2 = synthetic(1500, 2)
    s = dv.box_stats(x2, y2, {c: b.limits[c] for c in b.restricted})
    assert s["coverage"] == pytest.approx(b.stats["coverage"], abs=0.1)
    assert s["density"] == pytest.approx(b.stats["density"], abs=0.1)


def test_prim_finds_a_categorical_box_and_stops_on_noise():
    rng = np.random.default_rng(5)
    n = 800
    x = pd.DataFrame({"u": rng.random(n), "cat": rng.choice(["p", "q", "r", "s"], n)})
    y = np.where(x["cat"] == "q", rng.random(n) < 0.9, rng.random(n) < 0.05)
    b = dv.prim(x, y)[0]
    assert b.restricted == ["cat"] and b.limits["cat"] == frozenset({"q"})
    # pure noise: any box is weak (density far from the threshold) and fails the qp check
    y_noise = rng.random(n) < 0.3
    for box in dv.prim(x, y_noise):
        assert box.stats["density"] < 0.6


def test_peeling_trajectory_runs_from_everything_to_the_smallest_box():
    x, y = synthetic(600, 4)
    _, traj = dv.peel(x, y, mass_min=0.05)
    assert traj["mass"].iloc[0] == 1.0 and traj["coverage"].iloc[0] == 1.0
    assert (np.diff(traj["mass"]) < 0).all()
    assert traj["mass"].iloc[-1] >= 0.05
    assert traj["density"].iloc[-1] > traj["density"].iloc[0]


def test_cart_splits_on_the_box_inputs():
    x, y = synthetic(1500, 1)
    leaves = dv.cart(x, y, max_depth=2)
    assert leaves["n"].sum() == len(y) and leaves["cases"].sum() == y.sum()
    hit = leaves[leaves["predicted"]]
    assert len(hit) == 1
    rule = hit["rule"].iloc[0]
    assert "x0 >" in rule and "x1 <=" in rule
    assert hit["density"].iloc[0] > 0.8


def test_describe_box_and_in_box():
    x, y = synthetic(300, 9)
    limits = {"x0": (0.6, 1.0), "cat": frozenset({"a"})}
    inside = dv.in_box(x, limits)
    assert inside.sum() == ((x["x0"] >= 0.6) & (x["cat"] == "a")).sum()
    assert dv.describe_box(limits) == "0.6 <= x0 <= 1 and cat in {a}"


def test_pruning_keeps_only_significant_restrictions_among_many_noise_inputs():
    """One input matters (x0 > 0.7 raises the chance of the condition from 0.1 to 0.7); twenty
    do not. Unpruned, PRIM restricts noise inputs to reach its density; pruned, every kept
    restriction is significant, x0 is among them, and the box holds on a fresh sample."""
    def sample(seed: int, n: int = 300) -> tuple[pd.DataFrame, np.ndarray]:
        rng = np.random.default_rng(seed)
        x = pd.DataFrame(rng.uniform(size=(n, 21)), columns=[f"x{i}" for i in range(21)])
        y = rng.uniform(size=n) < np.where(x["x0"] > 0.7, 0.7, 0.1)
        return x, y

    x, y = sample(5)
    loose = dv.prim(x, y, max_qp=None)[0]
    pruned = dv.prim(x, y)[0]
    assert len(loose.restricted) > len(pruned.restricted)
    assert "x0" in pruned.restricted
    assert all(p <= 0.05 for p in pruned.qp.values())
    x2, y2 = sample(6)
    inside = dv.in_box(x2, {c: pruned.limits[c] for c in pruned.restricted})
    assert y2[inside].mean() > 2 * y2.mean()  # still a dense region on new data
