"""One wording for bad-input messages: the small checks that scenario, schedule and experiment
files share.

Every bad value becomes an `InputError` naming the file, the field and what is allowed
(docs/design.md §9); `show_value` describes the offending value in those messages ("string
'x'", "a table", "integer 3"). The checks live here, below both the scenario files
(`westdev.inputs.scenario`) and the experiment files (`westdev.experiments.spec`), so that
neither has to import the other's private helpers.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from westdev.errors import InputError


def show_value(val: Any) -> str:
    """How a bad value is named in a message: its TOML kind and value, or 'a table' / 'a list'."""
    if isinstance(val, Mapping):
        return "a table"
    if isinstance(val, list | tuple):
        return "a list"
    kind = {bool: "boolean", str: "string", int: "integer", float: "number"}.get(type(val))
    return f"{kind} {val!r}" if kind else type(val).__name__


def unknown_key(key: Any, valid: Iterable[str], *, file: str | None, field: str,
                what: str = "key") -> InputError:
    """The error for a key that is not allowed here, with the closest allowed one as a hint."""
    valid = list(valid)
    close = difflib.get_close_matches(str(key), valid, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return InputError(f"unknown {what} '{key}'{hint}", file=file, field=field,
                      allowed=", ".join(valid))


def check_tables(raw: Any, tables: Sequence[str], *, file: str, what: str) -> None:
    """A file's top level: a non-empty table whose keys are all among `tables` (`what` names
    the file's kind in the message, e.g. "experiment")."""
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(f"the {what} is empty", file=file,
                         allowed="tables " + ", ".join(f"[{t}]" for t in tables))
    for key in raw:
        if key not in tables:
            raise unknown_key(key, tables, file=file, field=key, what="table")


def unknown_value(val: Any, valid: Sequence[str], *, file: str, field: str,
                  what: str) -> InputError:
    """The error for a missing or unknown choice (a kind, a method, a resolution...)."""
    if val is None:
        return InputError(f"the {what} is missing", file=file, field=field,
                          allowed=" | ".join(valid))
    close = difflib.get_close_matches(str(val), list(valid), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return InputError(f"unknown {what} {show_value(val)}{hint}", file=file, field=field,
                      allowed=" | ".join(valid))


def is_int(val: Any) -> bool:
    """True for an integer that is not a boolean (TOML's true is not a count)."""
    return isinstance(val, int) and not isinstance(val, bool)


def as_table(val: Any, file: str, field: str, *, required: bool = False) -> Mapping[str, Any]:
    """The ``[field]`` table (empty when absent and not `required`)."""
    if val is None:
        if required:
            raise InputError(f"the [{field}] table is missing", file=file, field=field,
                             allowed=f"a [{field}] table")
        return {}
    if not isinstance(val, Mapping):
        raise InputError(f"expected a table, got {show_value(val)}", file=file, field=field,
                         allowed=f"a [{field}] table")
    return val


def as_number(val: Any, *, file: str, field: str) -> float:
    """A finite number (integers accepted, booleans not)."""
    if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val):
        raise InputError(f"{show_value(val)} is not a finite number", file=file, field=field,
                         allowed="a finite number")
    return float(val)


def as_pair(val: Any, *, file: str, field: str) -> tuple[float, float]:
    """``[low, high]`` with low < high."""
    if not isinstance(val, list | tuple) or len(val) != 2:
        raise InputError(f"expected [low, high], got {show_value(val)}", file=file, field=field,
                         allowed="a list of two numbers [low, high]")
    lo = as_number(val[0], file=file, field=field)
    hi = as_number(val[1], file=file, field=field)
    if lo >= hi:
        raise InputError(f"[{lo:g}, {hi:g}] is empty", file=file, field=field,
                         allowed="[low, high] with low < high")
    return lo, hi
