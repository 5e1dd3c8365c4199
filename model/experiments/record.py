"""What each run of a batch records in its store — everything, or what the analysis needs.

A run of the model returns about 34,000 rows (every indicator × area × year). A sweep of 10^5
runs that kept them all would write gigabytes no analysis reads, so experiments record by
default a **selection** (`default_record`): their ``[outputs]`` outcomes, the goal ratios and
the goal test (area West), every lever's cost and the national indices (area China), income
relative to the East in every area (the report's maps), and a few headline aggregates of the
region groups — at every year, about 2,200 rows a run. ``[outputs] record = "all"`` keeps
everything, as single runs, comparisons and calibration batches always do; ``record = [...]``
adds "Area:indicator" (or "*:indicator" for every area) to the selection.

The choice is part of the request (so a resumed store keeps it) and of the manifest, where
readers find it: asked for an indicator a store did not record, they say so and name
``record = "all"`` (`Record.missing`). The selection applies in the worker: the package's own
run builds only the kept rows (`simulate(keep=...)`), another run function's table is filtered
(`Record.filter`; both use `westdev.inputs.indicators.kept_rows`), so what was not recorded is
neither sent to the parent nor written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from westdev.errors import InputError
from westdev.inputs.indicators import CHINA, EVERY_AREA, WEST, kept_rows, recorded_in
from westdev.inputs.regions import REGION_GROUPS
from westdev.policy.goal import GOAL_AREA

ALL = "all"
DEFAULT = "default"
# the region groups' and China's headline aggregates kept by default
HEADLINE: tuple[str, ...] = ("gdp_100m_yuan", "gdp_per_capita_yuan",
                             "disposable_income_per_capita_yuan", "population_10k",
                             "public_services_index", "infrastructure_access_index",
                             "net_central_support_100m_yuan")
RATIO_TO_EAST = "income_ratio_to_east"


@dataclass(frozen=True)
class Record:
    """What a run keeps: everything (``keep is None``) or a selection of (areas, indicators).

    `keep` maps an indicator to the areas it is kept for (``("*",)``: every area).
    """

    keep: Mapping[str, tuple[str, ...]] | None = None
    label: str = ALL  # "all", "default" or "default+" (the default with additions)

    @property
    def everything(self) -> bool:
        return self.keep is None

    def keeps(self, indicator: str, area: str | None = None) -> bool:
        """Whether `indicator` (in `area`, or in some area when None) is recorded."""
        if self.keep is None:
            return True
        areas = self.keep.get(indicator)
        if areas is None:
            return False
        return area is None or EVERY_AREA in areas or area in areas

    def missing(self, indicators: Iterable[str] | None,
                areas: Iterable[str] | None = None) -> list[str]:
        """The requested indicators (or "Area:indicator") the model records but this record
        did not keep. Indicators and pairs the model never records (China's West/East ratio,
        a misspelt name) are not missing: a selection simply has no such rows, and its
        caller says so."""
        if self.keep is None or indicators is None:
            return []
        out = []
        areas = None if areas is None else list(areas)
        for ind in indicators:
            recorded = recorded_in(ind)
            if recorded is None:  # not the model's: no store has it, nothing was left out
                continue
            if areas is None:
                if not self.keeps(ind):
                    out.append(ind)
                continue
            dropped = [a for a in areas if not self.keeps(ind, a)]
            if EVERY_AREA not in recorded:
                dropped = [a for a in dropped if a in recorded]
            out += [f"{a}:{ind}" for a in dropped]
        return out

    def filter(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows of a run's tidy output that this record keeps (all of them for "all")."""
        if self.keep is None or df.empty:
            return df
        ind_codes, inds = pd.factorize(df["indicator"], sort=False)
        area_codes, areas = pd.factorize(df["area"], sort=False)
        mask = kept_rows(ind_codes, list(inds), area_codes, list(areas), self.keep)
        return df[mask].reset_index(drop=True) if not mask.all() else df

    def to_json(self) -> Any:
        """The manifest's form: "all", or the label with the kept areas of each indicator."""
        if self.keep is None:
            return ALL
        return {"label": self.label,
                "keep": {ind: list(areas) for ind, areas in sorted(self.keep.items())}}


EVERYTHING = Record()


def default_record(outcomes: Sequence[str] = (), extra: Sequence[str] = ()) -> Record:
    """The default selection (module docstring) plus `outcomes` and `extra` ("Area:indicator"
    or "*:indicator")."""
    keep: dict[str, set[str]] = {}

    def add(areas: Iterable[str], indicators: Iterable[str]) -> None:
        for ind in indicators:
            keep.setdefault(ind, set()).update(areas)

    add([GOAL_AREA], WEST)
    add(["China"], CHINA)
    add([EVERY_AREA], [RATIO_TO_EAST])
    add([*REGION_GROUPS, "China"], HEADLINE)
    for item in [*outcomes, *extra]:
        area, _, indicator = item.partition(":")
        add([area], [indicator])
    frozen = {ind: (EVERY_AREA,) if EVERY_AREA in areas else tuple(sorted(areas))
              for ind, areas in keep.items()}
    return Record(frozen, DEFAULT if not extra else "default+")


def record_from_json(data: Any, *, file: str | None = None) -> Record:
    """The `Record` a manifest describes (`to_json`'s form); `InputError` if malformed."""
    if data is None or data == ALL:
        return EVERYTHING
    ok = isinstance(data, Mapping) and isinstance(data.get("keep"), Mapping) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) for a in v)
        for k, v in data["keep"].items())
    if not ok:
        raise InputError("the record is malformed", file=file, field="record",
                         allowed='"all" or {"label", "keep": {indicator: [areas]}}')
    return Record({k: tuple(v) for k, v in data["keep"].items()},
                  str(data.get("label", DEFAULT)))
