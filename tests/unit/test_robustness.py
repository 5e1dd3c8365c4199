"""Regret and satisficing, checked by hand (westdev.analysis.robustness)."""

from __future__ import annotations

import pandas as pd
import pytest

from westdev.analysis.outcomes import parse_condition
from westdev.analysis.robustness import robustness_table


def test_regret_and_satisficing_by_hand():
    # three worlds (seeds) × two mixes; y: higher is better, cost: lower is better
    y = {"a": [0.70, 0.80, 0.90], "b": [0.75, 0.76, 0.77]}
    cost = {"a": [10.0, 10.0, 10.0], "b": [4.0, 6.0, 20.0]}
    rows = [{"scenario": s, "seed": w, "replicate": 0, "Y": y[s][w], "C": cost[s][w]}
            for s in ("a", "b") for w in range(3)]
    t = pd.DataFrame(rows)
    t["West:y@2035"] = t["Y"]
    cond = parse_condition("West:y@2035 >= 0.76")
    rb = robustness_table(t.rename(columns={"C": "China:c@2035"}),
                          {"West:y@2035": "max", "China:c@2035": "min"}, {"ok": cond})

    def get(s, crit, metric):
        r = rb[(rb["scenario"] == s) & (rb["criterion"] == crit) & (rb["metric"] == metric)]
        return float(r["value"].iloc[0])

    # regret of a: 0.05, 0, 0; of b: 0, 0.04, 0.13
    assert get("a", "West:y@2035", "max_regret") == pytest.approx(0.05)
    assert get("b", "West:y@2035", "max_regret") == pytest.approx(0.13)
    assert get("b", "West:y@2035", "mean_regret") == pytest.approx(0.17 / 3)
    assert get("a", "West:y@2035", "mean") == pytest.approx(0.8)
    # cost regret of a: 6, 4, 0; of b: 0, 0, 10
    assert get("a", "China:c@2035", "max_regret") == pytest.approx(6.0)
    assert get("b", "China:c@2035", "max_regret") == pytest.approx(10.0)
    # satisficing: a meets y >= 0.76 in 2 of 3 worlds, b in 2 of 3
    assert get("a", "ok", "satisficing") == pytest.approx(2 / 3)
    assert get("b", "ok", "satisficing") == pytest.approx(2 / 3)
