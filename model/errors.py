"""Errors users can act on.

`InputError` is bad input (a scenario, experiment or data file, or a command-line argument):
the CLI prints its one-line message and exits with code 2. `RunFailure` is a failure inside a
run (an economy that broke down): exit code 1. Everything else is a bug.

May import: nothing from westdev (every layer uses these errors).
"""

from __future__ import annotations

import re

# C0 and C1 control characters and the bidirectional overrides: a key or value holding them
# could rewrite the terminal or the line a user reads, so messages show them escaped
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: object) -> str:
    """`text` with control and bidirectional-override characters written as escapes."""
    def sub(m: re.Match) -> str:
        code = ord(m.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(sub, str(text))


class InputError(ValueError):
    """Bad input, reported as one sentence naming the file, the field and what is allowed.

    The sentence is one line: control characters in any part (a key from a file, a path) are
    escaped (`escape`)."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None,
                 allowed: str | None = None) -> None:
        self.file = file
        self.field = field
        self.allowed = allowed
        self.detail = message
        parts = []
        if file:
            parts.append(str(file))
        if field:
            parts.append(f"field '{field}'")
        where = ": ".join(parts)
        text = f"{where}: {message}" if where else message
        if allowed:
            text += f" (allowed: {allowed})"
        super().__init__(escape(text))


class DataError(InputError):
    """A packaged or user-supplied data file is broken (missing province, column, value...)."""


class RunFailure(RuntimeError):
    """The simulated economy broke down (non-finite values, negative stocks...).

    Carries the year and a diagnostic so that batch runners can record it and go on.
    """

    def __init__(self, message: str, *, year: int | None = None) -> None:
        self.year = year
        super().__init__(f"year {year}: {message}" if year is not None else message)
