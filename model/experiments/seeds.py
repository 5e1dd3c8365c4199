"""Run seeds from (root seed, design point, replicate) — docs/design.md §8.

A run's seed depends only on the experiment's root seed, its own design point and its
replicate number, never on how many other points or replicates the experiment has or in which
order they run: adding points or replicates leaves every other run's seed unchanged, and a
single run can be reproduced alone.

The design point (a mapping of input names to values, e.g. a sweep's lever values; ``{}`` for
plain runs and scenario comparisons, so that replicate r of every compared scenario shares one
seed — common random numbers) is hashed to 32-bit words that form the `spawn_key` of a numpy
`SeedSequence` together with the replicate.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

SEED_BOUND = 2**63  # seeds are in [0, 2**63): they fit a signed 64-bit column


def design_point_key(design_point: Mapping[str, Any]) -> tuple[int, ...]:
    """Stable hash of a design point as eight 32-bit words (same on every machine and run).

    Keys are sorted; numpy scalars count as their Python values; ints and floats that are
    equal (1 and 1.0) give the same key.
    """
    text = json.dumps(_plain(design_point), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, allow_nan=False)
    digest = hashlib.sha256(text.encode("ascii")).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4))


def run_seed(root_seed: int, design_point: Mapping[str, Any], replicate: int) -> int:
    """The seed of one run, an int in [0, 2**63).

    Parameters
    ----------
    root_seed : int >= 0
        The experiment's root seed (``[run] root_seed`` or ``--root-seed``).
    design_point : mapping
        The inputs that define the run's point in the experiment (``{}`` for a plain run).
    replicate : int >= 0
        Replicate number within the point.
    """
    if isinstance(root_seed, bool) or not isinstance(root_seed, int | np.integer) or root_seed < 0:
        raise ValueError(f"root_seed must be an integer >= 0, got {root_seed!r}")
    if isinstance(replicate, bool) or not isinstance(replicate, int | np.integer) or replicate < 0:
        raise ValueError(f"replicate must be an integer >= 0, got {replicate!r}")
    seq = np.random.SeedSequence(entropy=int(root_seed),
                                 spawn_key=(*design_point_key(design_point), int(replicate)))
    return int(seq.generate_state(1, dtype=np.uint64)[0]) >> 1


def _plain(value: Any) -> Any:
    """JSON-ready canonical form: numpy scalars → Python, integral floats → int, sorted keys."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"design point values must be finite, got {value!r}")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    raise TypeError(f"design point values must be numbers, strings or booleans, got "
                    f"{type(value).__name__}")
