"""The goal is defined once (`westdev.policy.goal`): its names, and θ = 0.8."""

from __future__ import annotations

import ast
import dataclasses

from test_imports import modules

from westdev.economy import recorder
from westdev.inputs.scenario import GoalThresholds, load_scenario
from westdev.policy import goal

GOAL_NAMES = {*goal.RATIO_INDICATORS.values(), *goal.OUTCOMES, goal.CONTEXT_RATIO,
              goal.GOAL_MET}


def test_the_recorder_computes_the_goal_from_its_one_definition():
    assert recorder.PER_HEAD_INDICATORS is goal.PER_HEAD_INDICATORS
    assert recorder.RATIO_INDICATORS is goal.RATIO_INDICATORS
    assert not hasattr(recorder, "GOAL_RATIOS")
    assert tuple(goal.RATIO_INDICATORS) == tuple(goal.PER_HEAD_INDICATORS) == goal.DIMENSIONS


def test_scenarios_default_to_the_documented_theta():
    assert [f.name for f in dataclasses.fields(GoalThresholds)] == list(goal.DIMENSIONS)
    assert GoalThresholds().as_dict() == dict.fromkeys(goal.DIMENSIONS, 0.8)
    assert goal.DEFAULT_THETA == 0.8
    assert load_scenario("baseline").run.end_year == goal.GOAL_YEAR


def test_theta_for_reads_numbers_mappings_and_manifests():
    assert goal.theta_for(None, "income") == goal.DEFAULT_THETA
    assert goal.theta_for(0.7, "infrastructure") == 0.7
    assert goal.theta_for({"income": 0.75}, "income") == 0.75
    assert goal.theta_for({"west_east_ratio_income": 0.6}, "income") == 0.6
    assert goal.theta_for({"income": 0.75}, "public_services") == goal.DEFAULT_THETA


def _code_strings(tree: ast.AST) -> set[str]:
    """String constants of a module other than docstrings."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in docs}


def test_goal_names_and_theta_are_spelled_out_once():
    """No module but the goal's own spells out a goal indicator or defines its own default θ."""
    spelled, thetas = [], []
    for name, path in modules().items():
        if name == "westdev.policy.goal":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _code_strings(tree) & GOAL_NAMES:
            spelled.append(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and "THETA" in t.id for t in targets):
                    thetas.append(name)
    assert not spelled, f"goal names spelled out in {spelled}"
    assert not thetas, f"a default θ defined in {thetas}"
