"""Outcome and condition expressions (westdev.analysis.outcomes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from westdev.analysis.outcomes import outcome_table, parse_condition, parse_outcome
from westdev.errors import InputError


def test_outcomes_parse_to_a_canonical_label():
    o = parse_outcome("West:west_east_ratio_income@2035")
    assert (o.area, o.indicator, o.first, o.last, o.how) == ("West", "west_east_ratio_income",
                                                             2035, 2035, "year")
    s = parse_outcome("China:lever_cost_100m_yuan.total@sum(2020-2035)")
    assert s.how == "sum" and s.years == list(range(2020, 2036))
    assert s.label == "China:lever_cost_100m_yuan.total@sum(2020-2035)"


@pytest.mark.parametrize("text", ["West:ratio", "West@2035", "West:x@sum(2030-2020)", "x", 3])
def test_bad_outcomes_name_the_field(text):
    with pytest.raises(InputError) as exc:
        parse_outcome(text, file="f.toml", field="objectives[0].minimise")
    assert "objectives[0].minimise" in str(exc.value) and "f.toml" in str(exc.value)


def table() -> pd.DataFrame:
    rows = []
    for i, (r, c) in enumerate([(0.70, 10.0), (0.80, 20.0), (0.76, 5.0)]):
        for year in (2034, 2035):
            rows.append((f"r{i}", "s", 0, i, year, "West", "west_east_ratio_income", r))
            rows.append((f"r{i}", "s", 0, i, year, "China", "cost", c))
        rows.append((f"r{i}", "s", 0, i, 2035, "West", "goal_2035_met", float(r >= 0.8)))
    return pd.DataFrame(rows, columns=["run_id", "scenario", "replicate", "seed", "year", "area",
                                       "indicator", "value"])


def test_conditions_evaluate_per_run():
    cond = parse_condition("West:west_east_ratio_income@2035 >= 0.75 and "
                           "not China:cost@sum(2034-2035) > 30")
    t = outcome_table(table(), cond.outcomes)
    assert list(t["China:cost@sum(2034-2035)"]) == [20.0, 40.0, 10.0]
    assert list(cond.evaluate(t)) == [False, False, True]
    goal = parse_condition("goal_missed or (West:west_east_ratio_income@2035<0.71)")
    t = outcome_table(table(), goal.outcomes)
    assert list(goal.evaluate(t)) == [True, False, True]
    assert parse_condition("West:west_east_ratio_income@2035 >= 0.75").comparison is not None


@pytest.mark.parametrize("text", ["", "West:x@2035 =< 1", "West:x@2035 < one", "(goal_met",
                                  "goal_met and", "West:x@2035 < 1 extra", "nonsense < 1"])
def test_bad_conditions_are_input_errors(text):
    with pytest.raises(InputError) as exc:
        parse_condition(text, field="--condition")
    assert "--condition" in str(exc.value)


def test_a_missing_year_of_a_sum_is_nan():
    t = outcome_table(table(), [parse_outcome("China:cost@sum(2033-2035)")])
    assert np.isnan(t["China:cost@sum(2033-2035)"]).all()
