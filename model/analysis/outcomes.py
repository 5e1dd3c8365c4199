"""Outcomes and conditions on runs, written as short expressions.

An **outcome** is one number per run: ``Area:indicator@YEAR`` (the value in a year, e.g.
``West:west_east_ratio_income@2035``) or ``Area:indicator@sum(Y1-Y2)`` (the sum over years,
e.g. ``China:lever_cost_100m_yuan.total@sum(2020-2035)``: the cumulative lever cost, 100m
yuan at 2019 prices — the label `westdev.analysis.summaries.split_effects` uses).

A **condition** is true or false per run: comparisons of an outcome with a number
(``<``, ``<=``, ``>``, ``>=``), the words ``goal_met`` and ``goal_missed`` (the model's own
2035 test, ``West:goal_2035_met@2035``, at each scenario's θ), combined with ``and``, ``or``,
``not`` and parentheses::

    West:west_east_ratio_income@2035 < 0.75
    goal_missed
    West:west_east_ratio_income@2035 >= 0.75 and China:gdp_100m_yuan@2035 > 1.9e6

`outcome_table` computes the outcomes of every run of a results table (one row per run), on
which `Condition.evaluate` works. Bad expressions are `InputError`s naming the field and the
grammar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from westdev.errors import InputError
from westdev.policy.goal import GOAL_AREA, GOAL_MET, GOAL_YEAR

_OUTCOME_RE = re.compile(
    r"^(?P<area>[A-Za-z][A-Za-z ()]*?):(?P<indicator>[A-Za-z0-9_][A-Za-z0-9_.\-]*)"
    r"@(?:(?P<year>\d{4})|sum\((?P<first>\d{4})-(?P<last>\d{4})\))$")
OUTCOME_FORM = ("'Area:indicator@YEAR' or 'Area:indicator@sum(Y1-Y2)', e.g. "
                "'West:west_east_ratio_income@2035'")
CONDITION_FORM = ("comparisons 'Area:indicator@YEAR < number' (<, <=, >, >=), goal_met, "
                  "goal_missed, combined with and / or / not and parentheses, e.g. "
                  "'West:west_east_ratio_income@2035 < 0.75'")
OPS = ("<=", ">=", "<", ">")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One number per run: an indicator of an area in a year, or summed over years."""

    area: str
    indicator: str
    first: int
    last: int
    how: str  # "year" | "sum"

    @property
    def label(self) -> str:
        """The canonical text (``Area:indicator@2035`` or ``...@sum(2020-2035)``)."""
        when = str(self.last) if self.how == "year" else f"sum({self.first}-{self.last})"
        return f"{self.area}:{self.indicator}@{when}"

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def __str__(self) -> str:
        return self.label


GOAL_OUTCOME = Outcome(GOAL_AREA, GOAL_MET, GOAL_YEAR, GOAL_YEAR, "year")


def parse_outcome(text: Any, *, file: str | None = None, field: str | None = None) -> Outcome:
    """An `Outcome` from its text (`InputError` naming `field` when malformed)."""
    if not isinstance(text, str):
        raise InputError(f"{text!r} is not an outcome", file=file, field=field,
                         allowed=OUTCOME_FORM)
    m = _OUTCOME_RE.match(text.strip())
    if m is None:
        raise InputError(f"{text!r} is not an outcome", file=file, field=field,
                         allowed=OUTCOME_FORM)
    if m["year"] is not None:
        y = int(m["year"])
        return Outcome(m["area"], m["indicator"], y, y, "year")
    first, last = int(m["first"]), int(m["last"])
    if first > last:
        raise InputError(f"{text!r}: the years run backwards", file=file, field=field,
                         allowed="sum(Y1-Y2) with Y1 <= Y2")
    return Outcome(m["area"], m["indicator"], first, last, "sum")


# ---------------------------------------------------------------------- conditions
@dataclass(frozen=True, slots=True)
class Comparison:
    """``outcome op value``."""

    outcome: Outcome
    op: str
    value: float

    def text(self) -> str:
        return f"{self.outcome.label} {self.op} {self.value:g}"


@dataclass(frozen=True, slots=True)
class Node:
    """``and`` / ``or`` of two conditions, or ``not`` of one (right is None)."""

    op: str
    left: Any
    right: Any = None


class Condition:
    """A parsed condition: `evaluate` it on an outcome table, list its `outcomes`."""

    def __init__(self, text: str, tree: Any) -> None:
        self.text = text
        self.tree = tree

    def __repr__(self) -> str:
        return f"Condition({self.text!r})"

    @property
    def outcomes(self) -> list[Outcome]:
        """Every outcome the condition reads, once, in order."""
        found: dict[str, Outcome] = {}

        def walk(node: Any) -> None:
            if isinstance(node, Comparison):
                found.setdefault(node.outcome.label, node.outcome)
            elif isinstance(node, Node):
                walk(node.left)
                if node.right is not None:
                    walk(node.right)
            elif node in ("goal_met", "goal_missed"):
                found.setdefault(GOAL_OUTCOME.label, GOAL_OUTCOME)

        walk(self.tree)
        return list(found.values())

    @property
    def comparison(self) -> Comparison | None:
        """The comparison when the condition is a single one (else None)."""
        return self.tree if isinstance(self.tree, Comparison) else None

    def evaluate(self, table: pd.DataFrame) -> np.ndarray:
        """True/false per row of an outcome table (columns: outcome labels); a missing
        value makes a comparison false."""

        def ev(node: Any) -> np.ndarray:
            if isinstance(node, Comparison):
                x = table[node.outcome.label].to_numpy(dtype=float)
                with np.errstate(invalid="ignore"):
                    return {"<": x < node.value, "<=": x <= node.value, ">": x > node.value,
                            ">=": x >= node.value}[node.op]
            if node == "goal_met":
                return table[GOAL_OUTCOME.label].to_numpy(dtype=float) == 1.0
            if node == "goal_missed":
                return table[GOAL_OUTCOME.label].to_numpy(dtype=float) != 1.0
            if node.op == "not":
                return ~ev(node.left)
            a, b = ev(node.left), ev(node.right)
            return a & b if node.op == "and" else a | b

        return np.asarray(ev(self.tree), dtype=bool)


_TOKEN_RE = re.compile(r"\s*(\(|\)|<=|>=|<|>|[^\s()<>]+(?:\([0-9\-]+\))?)")


def parse_condition(text: Any, *, file: str | None = None,
                    field: str | None = None) -> Condition:
    """A `Condition` from its text (`InputError` naming `field` when malformed)."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{text!r} is not a condition", file=file, field=field,
                         allowed=CONDITION_FORM)
    tokens = _tokens(text)
    pos = 0

    def fail(why: str) -> InputError:
        return InputError(f"{text!r}: {why}", file=file, field=field, allowed=CONDITION_FORM)

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise fail("the condition ends too early")
        pos += 1
        return tokens[pos - 1]

    def expr() -> Any:
        node = term()
        while peek() == "or":
            take()
            node = Node("or", node, term())
        return node

    def term() -> Any:
        node = factor()
        while peek() == "and":
            take()
            node = Node("and", node, factor())
        return node

    def factor() -> Any:
        tok = take()
        if tok == "not":
            return Node("not", factor())
        if tok == "(":
            node = expr()
            if take() != ")":
                raise fail("a '(' is not closed")
            return node
        if tok in ("goal_met", "goal_missed"):
            return tok
        try:
            outcome = parse_outcome(tok)
        except InputError:
            raise fail(f"{tok!r} is neither an outcome ({OUTCOME_FORM}) nor goal_met / "
                       "goal_missed") from None
        op = take()
        if op not in OPS:
            raise fail(f"expected one of {', '.join(OPS)} after {tok}, got {op!r}")
        num = take()
        try:
            value = float(num)
        except ValueError:
            raise fail(f"{num!r} is not a number") from None
        if not np.isfinite(value):
            raise fail(f"{num!r} is not a finite number")
        return Comparison(outcome, op, value)

    tree = expr()
    if pos != len(tokens):
        raise fail(f"unexpected {tokens[pos]!r}")
    return Condition(" ".join(text.split()), tree)


def _tokens(text: str) -> list[str]:
    """Split a condition into tokens; an area with spaces (``Xizang (Tibet)``) is not
    supported in conditions — use its region or another province."""
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None or not m.group(1):
            break
        out.append(m.group(1))
        pos = m.end()
    return out


# ---------------------------------------------------------------------- outcome tables
def needed(outcomes: Iterable[Outcome]) -> tuple[list[str], list[str], list[int]]:
    """The indicators, areas and years a set of outcomes reads (for a store selection)."""
    outs = list(outcomes)
    indicators = sorted({o.indicator for o in outs})
    areas = sorted({o.area for o in outs})
    years = sorted({y for o in outs for y in o.years})
    return indicators, areas, years


def outcome_table(results: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """One row per run (index run_id; columns scenario, replicate, seed and one per outcome
    label). A run missing a year of a sum, or the year of a value, gets NaN."""
    keys = ["run_id", "scenario", "replicate", "seed"]
    # a store selection's run ids are categorical: plain strings index every outcome alike
    results = results.assign(run_id=results["run_id"].astype(str))
    base = results[keys].drop_duplicates("run_id").set_index("run_id")
    out = base.copy()
    for o in outcomes:
        sel = results[(results["area"] == o.area) & (results["indicator"] == o.indicator)
                      & results["year"].between(o.first, o.last)]
        if o.how == "year":
            col = sel.set_index("run_id")["value"]
        else:
            g = sel.groupby("run_id")["value"]
            col = g.sum().where(g.count() == len(o.years))
        out[o.label] = col.reindex(out.index)
    return out
