"""Errors users can act on.

`InputError` is bad input (a scenario, experiment or data file, or a command-line argument):
the CLI prints its one-line message and exits with code 2. `RunFailure` is a failure inside a
run (an economy that broke down): exit code 1. Everything else is a bug.

May import: nothing from westdev (every layer uses these errors).
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input, reported as one sentence naming the file, the field and what is allowed."""

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
        super().__init__(text)


class DataError(InputError):
    """A packaged or user-supplied data file is broken (missing province, column, value...)."""


class RunFailure(RuntimeError):
    """The simulated economy broke down (non-finite values, negative stocks...).

    Carries the year and a diagnostic so that batch runners can record it and go on.
    """

    def __init__(self, message: str, *, year: int | None = None) -> None:
        self.year = year
        super().__init__(f"year {year}: {message}" if year is not None else message)
