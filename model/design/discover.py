"""``westdev discover``: scenario discovery on a results store, with its files.

`discover` runs PRIM and CART (`westdev.analysis.discovery.discover`) for a condition on the
outcomes (default: the 2035 goal missed) over the inputs that vary in the store, optionally
checks the boxes on a second, independent store, and writes ``boxes.csv``, the charts and
``report.md`` (`westdev.design.report.write_discover`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from westdev.analysis.discovery import Discovery
from westdev.analysis.discovery import discover as find_boxes
from westdev.experiments.store import ResultsStore


def discover(store: ResultsStore | str | Path, *, out: str | Path | None = None,
             condition: str | None = None, holdout: ResultsStore | str | Path | None = None,
             inputs: Sequence[str] | None = None, threshold: float = 0.8,
             max_boxes: int = 3, resamples: int = 20, seed: int = 0) -> Discovery:
    """PRIM boxes and a CART tree for `condition` on `store`; files into `out` if given."""
    source = str(store.path if isinstance(store, ResultsStore) else store)
    other = None if holdout is None else \
        str(holdout.path if isinstance(holdout, ResultsStore) else holdout)
    result = find_boxes(source, condition, holdout=other, inputs=inputs, threshold=threshold,
                        max_boxes=max_boxes, resamples=resamples, seed=seed)
    if out is not None:
        from westdev.design.report import write_discover

        write_discover(result, Path(out), source=source, holdout=other)
    return result
