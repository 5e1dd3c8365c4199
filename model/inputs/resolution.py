"""Named resolutions: agent counts are numerical resolution, not economics.

Each worker agent stands for `population / workers` people and each firm agent for
`firm_count / firms` firms of its province; aggregate outcomes agree across resolutions within
seed noise (tested). The presets follow docs/design.md §8: small ≈ 10^4 workers, default
≈ 10^5, large ≈ 10^6, firms about a tenth of workers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Resolution:
    """Agent counts of one run."""

    name: str
    workers: int
    firms: int


RESOLUTIONS: dict[str, Resolution] = {
    "small": Resolution("small", workers=10_000, firms=1_000),
    "default": Resolution("default", workers=100_000, firms=10_000),
    "large": Resolution("large", workers=1_000_000, firms=100_000),
}


def get_resolution(name: str) -> Resolution:
    """Return the preset called `name` (KeyError lists the allowed names)."""
    try:
        return RESOLUTIONS[name]
    except KeyError:
        raise KeyError(f"unknown resolution {name!r}; allowed: {', '.join(RESOLUTIONS)}") from None
