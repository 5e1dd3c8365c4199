"""Robustness of policy mixes across an ensemble: regret and satisficing.

The mixes are scenarios run on the same ensemble draws with the same seeds (an ensemble over
several scenarios: runs with equal ``(seed, replicate)`` share the world). For each outcome,
with the sense in which it is better ("max": a goal ratio, GDP; "min": a cost), per mix:

- ``mean`` — the expected value over the ensemble (Laplace's principle of insufficient
  reason);
- ``worst_decile`` — the 10th percentile of a "max" outcome (90th of a "min" one): what the
  mix guarantees in nine worlds out of ten;
- ``max_regret``, ``p90_regret``, ``mean_regret`` — Savage's regret: in each world, how far
  the mix falls short of the best of the mixes compared there (0 for the best); its maximum
  over the worlds (minimax regret), 90th percentile and mean;

and for each condition (a satisficing criterion, e.g. ``West:west_east_ratio_income@2035 >=
0.75`` or ``goal_met``): ``satisficing`` — the share of worlds in which the mix meets it
(Starr's domain criterion), with its binomial standard error. These are the regret- and
satisficing-type robustness metrics of the EMA Workbench (Kwakkel, Eker & Pruyt 2016;
McPhail et al. 2018).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from westdev.analysis import store_view
from westdev.analysis.outcomes import (
    Condition,
    Outcome,
    needed,
    outcome_table,
    parse_condition,
    parse_outcome,
)
from westdev.errors import InputError
from westdev.experiments.store import ResultsStore

COLUMNS = ["scenario", "criterion", "sense", "metric", "value", "se", "n"]


def robustness_table(table: pd.DataFrame, outcomes: Mapping[str, str],
                     conditions: Mapping[str, Condition], *,
                     scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """The metrics from an outcome table (`westdev.analysis.outcomes.outcome_table`: one row
    per run, columns scenario, seed, replicate and the outcome labels).

    `outcomes` maps outcome labels to "max" or "min"; `conditions` names satisficing
    conditions. Regret compares only worlds in which every mix has a finished run.
    """
    names = list(scenarios) if scenarios is not None else sorted(table["scenario"].unique())
    present = set(table["scenario"])
    missing = [s for s in names if s not in present]
    if missing:
        raise InputError(f"scenarios {missing} are not in the results", field="scenarios",
                         allowed=", ".join(sorted(present)))
    table = table[table["scenario"].isin(names)]
    rows: list[dict] = []
    for label, sense in outcomes.items():
        if sense not in ("max", "min"):
            raise InputError(f"sense {sense!r} of {label}", field="outcomes",
                             allowed="'max' or 'min'")
        wide = table.pivot_table(index=["seed", "replicate"], columns="scenario", values=label,
                                 aggfunc="first")[names].dropna()
        if wide.empty:
            continue
        values = wide.to_numpy(dtype=float)
        best = values.max(axis=1, keepdims=True) if sense == "max" else \
            values.min(axis=1, keepdims=True)
        regret = (best - values) if sense == "max" else (values - best)
        for j, s in enumerate(names):
            v, r = values[:, j], regret[:, j]
            n = len(v)
            sd = float(v.std(ddof=1)) if n > 1 else float("nan")
            worst = np.quantile(v, 0.1 if sense == "max" else 0.9)
            for metric, value, se in (
                    ("mean", v.mean(), sd / math.sqrt(n) if n > 1 else float("nan")),
                    ("worst_decile", worst, float("nan")),
                    ("max_regret", r.max(), float("nan")),
                    ("p90_regret", np.quantile(r, 0.9), float("nan")),
                    ("mean_regret", r.mean(), float("nan"))):
                rows.append({"scenario": s, "criterion": label, "sense": sense,
                             "metric": metric, "value": float(value), "se": float(se), "n": n})
    for name, cond in conditions.items():
        for s in names:
            sub = table[table["scenario"] == s]
            labels = [o.label for o in cond.outcomes]
            sub = sub.dropna(subset=labels)
            ok = cond.evaluate(sub)
            n = len(ok)
            p = float(ok.mean()) if n else float("nan")
            rows.append({"scenario": s, "criterion": name, "sense": "satisfy",
                         "metric": "satisficing", "value": p,
                         "se": math.sqrt(p * (1 - p) / n) if n else float("nan"), "n": n})
    return pd.DataFrame(rows, columns=COLUMNS)


def robustness(source: ResultsStore | str, *, outcomes: Mapping[str, str] | None = None,
               conditions: Sequence[str] | None = None,
               scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """Regret and satisficing metrics of the scenarios of an ensemble store.

    Defaults: the three goal ratios in 2035 and the cumulative lever cost 2020–2035 as
    outcomes; ``goal_met`` and each ratio ≥ its default θ as conditions.
    """
    from westdev.policy.goal import DEFAULT_THETA, GOAL_AREA, GOAL_YEAR, RATIO_INDICATORS

    if outcomes is None:
        outcomes = {f"{GOAL_AREA}:{ind}@{GOAL_YEAR}": "max" for ind in RATIO_INDICATORS.values()}
        outcomes[f"China:lever_cost_100m_yuan.total@sum({GOAL_YEAR - 15}-{GOAL_YEAR})"] = "min"
    if conditions is None:
        conditions = ["goal_met"] + [f"{GOAL_AREA}:{ind}@{GOAL_YEAR} >= {DEFAULT_THETA:g}"
                                     for ind in RATIO_INDICATORS.values()]
    parsed_out: dict[str, Outcome] = {}
    for i, label in enumerate(outcomes):
        o = parse_outcome(label, field=f"outcomes[{i}]")
        parsed_out[o.label] = o
    conds = {c: parse_condition(c, field=f"conditions[{i}]") for i, c in enumerate(conditions)}
    every = list(parsed_out.values()) + [o for c in conds.values() for o in c.outcomes]
    indicators, areas, years = needed(every)
    data = store_view.load(source, indicators=indicators, areas=areas, years=years)
    table = outcome_table(data.results, every)
    senses = {parsed_out[parse_outcome(k).label].label: v for k, v in outcomes.items()}
    return robustness_table(table, senses, conds, scenarios=scenarios)
