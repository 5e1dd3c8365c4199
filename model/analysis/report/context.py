"""The state of one report: the store, the rows it draws, and what the figure families share.

A `ReportContext` is made by `westdev.analysis.report.build.write_report`; the figure families
(one module each: `goal_ratios`, `probability`, `provinces`, `costs`, `sensitivity`) draw
through it — `figure` saves a figure and remembers it, `has` says whether an indicator was
recorded — and add their tables to `sections`; `markdown` then assembles ``report.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from westdev.analysis.report.text import CAPTIONS, FIGURES, FORMATS, t
from westdev.charts.labels import text as chart_text
from westdev.charts.style import save_figure
from westdev.experiments.store import ResultsStore
from westdev.inputs.indicators import LEVER_COSTS
from westdev.policy.goal import (
    CONTEXT_RATIO,
    DEFAULT_THETA,
    DIMENSIONS,
    GOAL_AREA,
    GOAL_MET,
    GOAL_YEAR,
    RATIO_INDICATORS,
)

GOAL = tuple(RATIO_INDICATORS.values())
COST_PREFIX = "lever_cost_100m_yuan."
COST_TOTAL = f"{COST_PREFIX}total"
RATIO_TO_EAST = "income_ratio_to_east"
# the rows a report holds for every run: the West's ratios and goal test, China's Theil share,
# total lever cost and GDP (selected from the store; nothing else is loaded whole)
WEST_ROWS = [*GOAL, CONTEXT_RATIO, "min_province_ratio_income", GOAL_MET]
CHINA_ROWS = ["theil_within_west_share", COST_TOTAL, "gdp_100m_yuan"]
READ = [*WEST_ROWS, *CHINA_ROWS]
# province figures (tiles, maps, the worst province) draw at most this many runs per scenario:
# their medians and 5–95 % bands are then as exact as the figures can show, and memory does
# not grow with the runs of a large ensemble (the report says when it sampled)
MAX_PROVINCE_RUNS = 2000


class ReportContext:
    """The state of one report: the store, what applies, the figures and tables made."""

    def __init__(self, store: ResultsStore, out: Path, lang: str,
                 formats: tuple[str, ...]) -> None:
        self.store = store
        self.out = out
        self.lang = lang
        self.formats = formats
        self.manifest = store.manifest
        self.kind = str(self.manifest.get("kind", "run"))
        request = self.manifest.get("request", {})
        self.experiment = request.get("experiment") or {}
        self.exp_info = self.manifest.get("experiment") or {}
        self.design = self.exp_info.get("design")
        self.written: list[Path] = []
        self.figures: list[tuple[str, list[Path]]] = []
        self.sections: list[str] = []
        self.notes: list[str] = []
        self.df: pd.DataFrame | None = None
        self.order: list[str] = []
        self.reference: str | None = None
        self.year: int | None = None
        self.first: int | None = None

    # ------------------------------------------------------------------ the rows
    def load(self) -> None:
        """Read the rows a report holds (`READ`, through `ResultsStore.select`); the
        scenarios' order, the reference and the years."""
        self.df = self.store.select(indicators=READ, areas=[GOAL_AREA, "China"])
        self._provinces: pd.DataFrame | None = None
        if self.df.empty:
            return
        present = list(dict.fromkeys(self.df["scenario"].astype(str)))
        asked = [str(s.get("name")) for s in self.manifest.get("request", {}).get(
            "scenarios", []) if isinstance(s, dict)]
        self.order = [s for s in asked if s in present] + [s for s in present if s not in asked]
        for name in ("baseline", "no_policy"):
            if name in self.order:
                self.reference = name
                break
        else:
            self.reference = self.order[0]
        years = sorted(int(y) for y in self.df["year"].unique())
        self.first = years[0]
        self.year = GOAL_YEAR if GOAL_YEAR in years else years[-1]

    # ------------------------------------------------------------------ what the families use
    @property
    def theta(self) -> dict[str, float]:
        """θ per goal dimension, from the manifest (the default where it has none)."""
        th = self.manifest.get("goal_thresholds") or {}
        return {k: float(th.get(k, DEFAULT_THETA)) for k in DIMENSIONS}

    def figure(self, name: str, make: Callable[[], Any]) -> None:
        """Draw a figure with `make`, save it in every format and remember its files."""
        fig = make()
        files = save_figure(fig, self.out / name, formats=self.formats)
        fig.clear()
        self.written += files
        self.figures.append((name, files))

    def has(self, indicator: str, area: str | None = None) -> bool:
        """Whether the store holds `indicator` (in `area`) for the report."""
        if indicator == RATIO_TO_EAST:
            return not self.provinces().empty
        df = self.df
        mask = df["indicator"] == indicator
        if area is not None:
            mask &= df["area"] == area
        return bool(mask.any())

    def provinces(self) -> pd.DataFrame:
        """Every area's income relative to the East, for at most `MAX_PROVINCE_RUNS` runs per
        scenario (the first by run id; a note says so when runs were left out)."""
        if getattr(self, "_provinces", None) is None:
            if not self.store.record.keeps(RATIO_TO_EAST):
                self._provinces = self.df.iloc[0:0]
                return self._provinces
            runs = self.store.runs
            ok = runs[runs["status"] == "ok"]
            kept = ok.groupby("scenario", sort=False).head(MAX_PROVINCE_RUNS)
            if len(kept) < len(ok):
                self.notes.append(t("province_sample", self.lang, n=MAX_PROVINCE_RUNS))
                self._provinces = self.store.select(indicators=RATIO_TO_EAST,
                                                    runs=list(kept["run_id"]))
            else:
                self._provinces = self.store.select(indicators=RATIO_TO_EAST)
        return self._provinces

    def with_provinces(self, df: pd.DataFrame) -> pd.DataFrame:
        """`df` and the province rows in one frame (their categories united)."""
        prov = self.provinces()
        if prov.empty:
            return df
        parts = [df, prov]
        out = {}
        for col in df.columns:
            if isinstance(df[col].dtype, pd.CategoricalDtype):
                out[col] = union_categoricals([p[col] for p in parts], ignore_order=True)
            else:
                out[col] = np.concatenate([p[col].to_numpy() for p in parts])
        return pd.DataFrame(out)

    def cost_items(self) -> pd.DataFrame:
        """Each scenario's mean cumulative cost per lever after the first year: ``scenario,
        indicator, value``, summed chunk by chunk (memory does not grow with the runs)."""
        items = [c for c in LEVER_COSTS if c != COST_TOTAL and self.store.record.keeps(c)]
        if not items or self.first is None:
            return pd.DataFrame(columns=["scenario", "indicator", "value"])
        years = list(range(self.first + 1, self.year + 1))
        sums: dict[tuple[str, str], float] = {}
        runs: dict[str, set] = {}
        for piece in self.store.iter_select(indicators=items, areas=["China"], years=years,
                                            rows=500_000):
            g = piece.groupby(["scenario", "indicator"], observed=True)["value"].sum()
            for key, v in g.items():
                key = (str(key[0]), str(key[1]))
                sums[key] = sums.get(key, 0.0) + float(v)
            for scen, ids in piece.groupby("scenario", observed=True)["run_id"]:
                runs.setdefault(str(scen), set()).update(ids.astype(str).unique())
        rows = [(s, i, v / max(1, len(runs.get(s, ())))) for (s, i), v in sums.items()]
        return pd.DataFrame(rows, columns=["scenario", "indicator", "value"])

    def uncertainty_note(self, what: str = "prob") -> str | None:
        """What the spread across runs means for this kind of store (None for ensembles)."""
        if self.kind == "ensemble":
            return None
        if self.kind == "sweep":
            return t("sweep_note", self.lang)
        if what == "bands":
            return chart_text("seed_only_note", self.lang)
        return t("seed_only", self.lang)

    def paired_policies(self) -> list[str]:
        """Scenarios other than the reference with runs sharing its seeds."""
        if self.reference is None or len(self.order) < 2:
            return []
        df = self.df[(self.df["indicator"] == GOAL[0]) & (self.df["area"] == GOAL_AREA)]
        ref = set(zip(df.loc[df["scenario"] == self.reference, "seed"],
                      df.loc[df["scenario"] == self.reference, "replicate"], strict=True))
        out = []
        for s in self.order:
            if s == self.reference:
                continue
            mine = set(zip(df.loc[df["scenario"] == s, "seed"],
                           df.loc[df["scenario"] == s, "replicate"], strict=True))
            if ref & mine:
                out.append(s)
        return out

    def base_scenario(self) -> str | None:
        """The experiment's base scenario (else the first scenario run)."""
        scen = self.experiment.get("scenarios") or []
        if scen and isinstance(scen[0], dict):
            meta = scen[0].get("meta") or {}
            return meta.get("name") or scen[0].get("name")
        runs = self.store.runs
        return str(runs["scenario"].iloc[0]) if len(runs) else None

    # ------------------------------------------------------------------ output
    def remove_stale(self, owned: set[str] = frozenset()) -> None:
        """Delete figures an earlier report wrote here (`owned`) that no longer apply."""
        mine = {p.name for p in self.written}
        for name in FIGURES:
            for fmt in FORMATS:
                f = self.out / f"{name}.{fmt}"
                if f.name in owned and f.name not in mine and f.is_file():
                    f.unlink()

    def markdown(self) -> str:
        """``report.md``: the store's facts, notes, the tables, then the figures with captions."""
        lines = [f"# {t('title', self.lang)}: {Path(self.store.path).name}", ""]
        lines += [f"- **{k}**: {v}" for k, v in self._facts()]
        lines.append("")
        for note in self.notes:
            lines += [f"> {note}", ""]
        for section in self.sections:
            lines += [section, ""]
        if self.figures:
            lines += [f"## {t('h_figures', self.lang)}", ""]
            for name, files in self.figures:
                embed = next((f for f in files if f.suffix in (".png", ".svg")), None)
                caption = CAPTIONS.get(name, {}).get(self.lang, name)
                if embed is not None:
                    lines += [f"![{caption}]({embed.name})", ""]
                links = " · ".join(f"[{f.suffix[1:].upper()}]({f.name})" for f in files)
                lines += [f"*{caption}* ({links})", ""]
        return "\n".join(lines).rstrip() + "\n"

    def _facts(self) -> list[tuple[str, str]]:
        """The store's facts at the top of the report: kind, runs, scenarios, years, θ..."""
        lang = self.lang
        m = self.manifest
        runs = self.store.runs
        ok = int((runs["status"] == "ok").sum())
        failed = int((runs["status"] != "ok").sum())
        scen = list(dict.fromkeys(runs["scenario"].astype(str)))
        shown = ", ".join(scen[:12]) + (f", … ({len(scen)})" if len(scen) > 12 else "")
        th = m.get("goal_thresholds") or {}
        th_text = ", ".join(f"{k} {v:g}" for k, v in th.items()) or f"{DEFAULT_THETA:g}"
        info = [(t("store", lang), f"`{self.store.path}`"),
                (t("kind", lang), self.kind + (f" ({self.design})" if self.design else "")),
                (t("runs", lang), f"{ok}" + (f" (+{failed} {t('failed', lang)})"
                                             if failed else "")),
                (t("scenarios", lang), shown)]
        if self.first is not None:
            info.append((t("years", lang), f"{self.first}–{self.year}"))
        if self.reference and len(self.order) > 1:
            info.append((t("reference", lang), self.reference))
        info += [(t("theta", lang), th_text), (t("created", lang), str(m.get("created", ""))),
                 (t("version", lang), f"{m.get('westdev_version', '?')}"
                  + (f", git {str(m.get('git_commit'))[:10]}" if m.get("git_commit") else ""))]
        return info
