"""``westdev report``: every chart that applies to a results store, and a short summary.

>>> from westdev.analysis.report import write_report
>>> files = write_report("results/cmp", "reports/cmp")            # PNG + PDF, English
>>> files = write_report("results/cmp", "reports/cmp_zh", lang="zh", formats=("png", "svg"))

What applies is read from the store: its manifest ``kind`` (run, compare, sweep, ensemble,
sensitivity; a package decomposition is a compare store whose request holds a
``decomposition``), the scenarios, and the indicators present.

- runs, comparisons, ensembles and sweeps: the goal ratios with uncertainty fans; P(ratio ≥ θ)
  over θ; the share of the start-year gap closed; the worst-off western province and the
  within-West Theil share; provinces on the tile grid and on a map. With a reference scenario
  ("baseline", else "no_policy", else the first) and other scenarios sharing its seeds, also the
  paired deviations and the cost-effectiveness of each scenario's extra lever cost; with two or
  more policy mixes (scenarios, or design points of a sweep), the output–convergence frontier.
- sensitivity analyses (Sobol' or Morris): the indices in the last year and by year (read from
  ``sensitivity.parquet`` when the analysis was written, else computed), the top factors.
- package decompositions: the package against its base, and convergence per cost by lever
  (Shapley split).

The summary ``report.md`` holds the key tables — goal ratios in 2035 (or the last year) with
5–95 % bands, the probability of the goal at the store's θ overall and per dimension, the
share of the gap closed, lever costs per year and the largest cost items of policy scenarios,
cost-effectiveness, the frontier's mixes, the top sensitivity factors — with the figures
embedded. Every file is written to a temporary name and moved into place.

Heavy libraries are imported inside the functions, so that importing this module (as the
command line does for ``westdev --help``) stays fast.

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy``, ``westdev.experiments``,
``westdev.analysis`` and ``westdev.charts``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from westdev.errors import InputError
from westdev.policy.goal import (
    CONTEXT_RATIO,
    DEFAULT_THETA,
    DIMENSIONS,
    GOAL_AREA,
    GOAL_MET,
    GOAL_YEAR,
    RATIO_INDICATORS,
)

FORMATS = ("png", "pdf", "svg")
LANGS = ("en", "zh")
REPORT = "report.md"
FIGURES = ("goal_fans", "deviations", "goal_probability", "gap_closed", "worst_province",
           "theil_within_west", "cost_effectiveness", "frontier", "province_tiles",
           "map_income_ratio", "map_income_ratio_change", "sensitivity_bars",
           "sensitivity_heatmap", "lever_cost_effectiveness")
GOAL = tuple(RATIO_INDICATORS.values())
CONTEXT = CONTEXT_RATIO
COST_PREFIX = "lever_cost_100m_yuan."
COST_TOTAL = "lever_cost_100m_yuan.total"
MAX_MAP_SCENARIOS = 3
MAX_TILE_SCENARIOS = 6


# ====================================================================== command line
def add_report_parser(subparsers: Any) -> None:
    """Register ``westdev report RESULTS_DIR --out DIR [--lang en|zh] [--formats ...]``."""
    p = subparsers.add_parser(
        "report", help="write every chart that applies to a results store, and a summary",
        description="Turn a results store (run, compare, sweep, ensemble, sensitivity) into "
        "figures (PNG at 200 dpi and PDF or SVG) and a short Markdown summary DIR/report.md "
        "with the key tables and the figures embedded.")
    p.add_argument("results_dir", metavar="RESULTS_DIR", type=Path,
                   help="a results store (a directory with manifest.json)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="directory for the figures and report.md (created if needed)")
    p.add_argument("--lang", default="en", metavar="en|zh",
                   help="language of labels and text: en (default) or zh (needs a CJK font)")
    p.add_argument("--formats", nargs="+", default=["png", "pdf"], metavar="FMT",
                   help="figure formats among png, pdf, svg (default: png pdf)")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    files = write_report(args.results_dir, args.out, lang=args.lang, formats=args.formats)
    figures = [f for f in files if f.name != REPORT]
    print(f"report: {Path(args.out) / REPORT}")
    print(f"figures: {len(figures)} files in {args.out}")
    return 0


# ====================================================================== the report
def write_report(results_dir: str | Path, out_dir: str | Path, *, lang: str = "en",
                 formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Write the figures that apply to the store at `results_dir` and ``report.md`` into
    `out_dir` (created if needed); return the files written (report.md last).

    `lang` is "en" or "zh" (Chinese labels; needs a CJK font, `InputError` otherwise);
    `formats` any of "png", "pdf", "svg". Bad input raises `InputError` naming the argument.
    """
    formats = _check_formats(formats)
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}", field="--lang", allowed="en | zh")
    if lang == "zh":
        from westdev.charts.style import require_cjk_font

        require_cjk_font("--lang")
    store = _open_store(results_dir)
    out = _prepare_out(out_dir)
    ctx = _Context(store, out, lang, formats)
    ctx.build()
    ctx.remove_stale()
    md = ctx.markdown()
    target = out / REPORT
    _write_text_atomic(target, md)
    return [*ctx.written, target]


def _check_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [formats]
    formats = tuple(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        what = f"unknown format(s) {', '.join(bad)}" if bad else "no format given"
        raise InputError(what, field="--formats", allowed="one or more of png, pdf, svg")
    return formats


def _open_store(results_dir: str | Path) -> Any:
    from westdev.experiments.store import MANIFEST, ResultsStore

    path = Path(results_dir)
    if not path.exists():
        raise InputError("does not exist", file=str(path), field="RESULTS_DIR",
                         allowed="a results store directory written by westdev run, compare, "
                         "sweep or sensitivity")
    if not path.is_dir():
        raise InputError("is not a directory", file=str(path), field="RESULTS_DIR",
                         allowed="a results store directory (with manifest.json)")
    if not (path / MANIFEST).is_file():
        raise InputError("not a westdev results store (no manifest.json)", file=str(path),
                         field="RESULTS_DIR", allowed="a directory written by westdev run, "
                         "compare, sweep or sensitivity")
    try:
        store = ResultsStore(path)
        runs = store.runs
    except InputError:
        raise
    except Exception as exc:  # unreadable Parquet and the like
        raise InputError(f"unreadable results store: {type(exc).__name__}: {exc}",
                         file=str(path), field="RESULTS_DIR",
                         allowed="a complete results store") from None
    if runs.empty or not (runs["status"] == "ok").any():
        raise InputError("the store has no successful runs", file=str(path),
                         field="RESULTS_DIR", allowed="a store with at least one run of "
                         "status 'ok' (finish it with westdev rerun DIR)")
    return store


def _prepare_out(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError("is not a directory (a file is in the way)", file=str(out),
                         field="--out", allowed="a new or existing writable directory") from None
    except OSError as exc:
        raise InputError(f"cannot be created: {exc.strerror or exc}", file=str(out),
                         field="--out", allowed="a new or existing writable directory") from None
    probe = out / f".westdev-write-test-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"is not writable: {exc.strerror or exc}", file=str(out),
                         field="--out", allowed="a writable directory") from None
    return out


def _write_text_atomic(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


# ====================================================================== text
TEXT = {
    "title": {"en": "westdev report", "zh": "westdev 模拟报告"},
    "store": {"en": "Store", "zh": "结果库"},
    "kind": {"en": "Kind", "zh": "类型"},
    "runs": {"en": "Runs", "zh": "运行次数"},
    "failed": {"en": "failed", "zh": "失败"},
    "scenarios": {"en": "Scenarios", "zh": "情景"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "years": {"en": "Years", "zh": "年份"},
    "year": {"en": "Year", "zh": "年份"},
    "theta": {"en": "Goal threshold θ", "zh": "目标阈值 θ"},
    "created": {"en": "Created", "zh": "创建时间"},
    "reference": {"en": "Reference scenario", "zh": "参照情景"},
    "version": {"en": "westdev version", "zh": "westdev 版本"},
    "h_goal": {"en": "Goal ratios in {year}", "zh": "{year} 年目标比值"},
    "goal_intro": {"en": "West / East ratios (area West): median across runs with the 5–95 % "
                   "range in brackets. GDP per head is context, not a goal dimension.",
                   "zh": "西部 / 东部比值：运行中位数，括号内为 5–95 % 区间。人均GDP为背景指标，"
                   "非目标维度。"},
    "h_prob": {"en": "Probability of the goal in {year}", "zh": "{year} 年达成目标的概率"},
    "prob_intro": {"en": "Share of runs with the ratio at least θ (per dimension) and with all "
                   "three at least θ (all), at the store's θ; ± one binomial standard error.",
                   "zh": "比值不低于 θ 的运行比例（分维度）及三个维度同时达标的比例（全部），"
                   "θ 取结果库设定值；± 一个二项标准误。"},
    "seed_only": {"en": "These runs differ only by their random seeds: the probabilities "
                  "measure seed noise, not parameter or path uncertainty (run an ensemble for "
                  "that).",
                  "zh": "这些运行仅随机种子不同：概率只反映种子噪声，不含参数与外生路径的不确定性"
                  "（需运行集合模拟）。"},
    "h_gap": {"en": "Share of the {base} gap closed by {year}",
              "zh": "至 {year} 年缩小的 {base} 年差距比例"},
    "gap_intro": {"en": "(ratio {year} − ratio {base}) / (1 − ratio {base}), median across runs "
                  "(5–95 %); 100 % is parity with the East.",
                  "zh": "（{year} 年比值 − {base} 年比值）/（1 − {base} 年比值），运行中位数"
                  "（5–95 %）；100 % 即与东部持平。"},
    "h_costs": {"en": "Lever costs per year", "zh": "逐年政策成本"},
    "costs_intro": {"en": "Total lever cost (lever_cost_100m_yuan.total, area China), mean "
                    "across runs, 100m yuan at 2019 prices; costs are measured against the "
                    "no-policy values of each lever.",
                    "zh": "政策成本合计（lever_cost_100m_yuan.total，全国），运行均值，亿元"
                    "（2019 年价格）；成本相对各政策工具的无政策取值计算。"},
    "h_items": {"en": "Largest cost items, {first}–{last}", "zh": "主要成本项目，{first}–{last} 年"},
    "items_intro": {"en": "Cumulative cost by lever, mean across runs, 100m yuan.",
                    "zh": "分政策工具累计成本，运行均值，亿元。"},
    "h_ce": {"en": "Cost-effectiveness against {reference}", "zh": "相对 {reference} 的成本效益"},
    "ce_intro": {"en": "Paired by seed: change of the {year} ratio (percentage points) and of "
                 "the cumulative lever cost {first}–{year} (trillion yuan); their ratio is "
                 "percentage points per trillion yuan.",
                 "zh": "按种子配对：{year} 年比值变化（百分点）与 {first}–{year} 年累计政策成本变化"
                 "（万亿元）；二者之比为每万亿元带来的百分点。"},
    "h_frontier": {"en": "Output and convergence by policy mix, {year}",
                   "zh": "各政策组合的产出与收敛，{year} 年"},
    "h_sa": {"en": "Sensitivity analysis ({method})", "zh": "敏感性分析（{method}）"},
    "sa_intro": {"en": "The {n} most influential factors per outcome in {year} by {index} "
                 "(± the half-width of its 95 % bootstrap interval).",
                 "zh": "{year} 年各输出按 {index} 排序的前 {n} 个因子（± 95 % bootstrap 区间"
                 "半宽）。"},
    "h_noise": {"en": "Seed noise", "zh": "种子噪声"},
    "noise_intro": {"en": "Share of each output's variance that is seed noise (within-point "
                    "variance / total variance).",
                    "zh": "各输出方差中种子噪声的比例（设计点内方差 / 总方差）。"},
    "h_split": {"en": "Split of {package} against {base} between levers",
                "zh": "{package} 相对 {base} 的效应与成本分解"},
    "split_intro": {"en": "Shapley shares of the effect on the {year} ratios and of the "
                    "cumulative cost; the cost accounts are the levers' own.",
                    "zh": "{year} 年比值效应与累计成本的 Shapley 分摊；成本为各工具自身核算。"},
    "h_figures": {"en": "Figures", "zh": "图表"},
    "files": {"en": "Files", "zh": "文件"},
    "none_failed": {"en": "", "zh": ""},
    "sweep_note": {"en": "Bands and probabilities pool every design point of the sweep.",
                   "zh": "区间与概率汇总了扫描的全部设计点。"},
    "failed_note": {"en": "{n} run(s) failed and are left out (see runs.parquet).",
                    "zh": "{n} 次运行失败，未计入（见 runs.parquet）。"},
    "sa_dropped_sobol": {
        "en": "Indices computed from {kept} of {total} Saltelli blocks: {dropped} dropped "
              "because a run in them failed.",
        "zh": "指数基于 {total} 个 Saltelli 样本块中的 {kept} 个计算：{dropped} 个因其中有运行失败而舍去。"},
    "sa_dropped_morris": {
        "en": "Indices computed from {kept} of {total} trajectories: {dropped} dropped "
              "because a run in them failed.",
        "zh": "指数基于 {total} 条轨迹中的 {kept} 条计算：{dropped} 条因其中有运行失败而舍去。"},
}

CAPTIONS = {
    "goal_fans": {"en": "The three West/East goal ratios and GDP per head (context) over time: "
                  "median across runs with 25–75 % and 5–95 % bands, and θ.",
                  "zh": "三个西部 / 东部目标比值及人均GDP（背景）：运行中位数及 25–75 %、5–95 % "
                  "区间，虚线为 θ。"},
    "deviations": {"en": "Each scenario minus the reference, paired by seed, in percentage "
                   "points of the ratio.",
                   "zh": "各情景减参照情景（按种子配对），单位为比值的百分点。"},
    "goal_probability": {"en": "Probability that each ratio (and all three) is at least θ, as "
                         "a curve over θ.",
                         "zh": "各比值（及三者同时）不低于 θ 的概率随 θ 的变化。"},
    "gap_closed": {"en": "Share of the start-year gap to the East closed, per dimension.",
                   "zh": "各维度起始年与东部差距的缩小比例。"},
    "worst_province": {"en": "The worst-off western province over time, and every western "
                       "province's income relative to the East in the last year.",
                       "zh": "收入最低的西部省份随时间变化，以及末年各西部省份相对东部的收入。"},
    "theil_within_west": {"en": "Within-West share of the Theil index of GDP per head.",
                          "zh": "人均GDP泰尔指数中西部内部差距的占比。"},
    "cost_effectiveness": {"en": "Convergence gained per trillion yuan of extra lever cost, "
                           "by scenario and dimension.",
                           "zh": "每万亿元额外政策成本带来的收敛，分情景与维度。"},
    "frontier": {"en": "National output against the West/East income ratio across policy "
                 "mixes, with the frontier.",
                 "zh": "各政策组合的全国产出与西部 / 东部收入比，及其前沿。"},
    "province_tiles": {"en": "Income per head relative to the East, by province, on the tile "
                       "grid.",
                       "zh": "分省人均收入相对东部（方格地图）。"},
    "map_income_ratio": {"en": "Income per head relative to the East in the last year (map).",
                         "zh": "末年各省人均收入相对东部（地图）。"},
    "map_income_ratio_change": {"en": "Change of income per head relative to the East since "
                                "the start year (map).",
                                "zh": "各省人均收入相对东部自起始年以来的变化（地图）。"},
    "sensitivity_bars": {"en": "Sensitivity indices in the last analysed year.",
                         "zh": "末个分析年份的敏感性指数。"},
    "sensitivity_heatmap": {"en": "Sensitivity indices by year.", "zh": "逐年敏感性指数。"},
    "lever_cost_effectiveness": {"en": "Convergence per trillion yuan, by lever (Shapley "
                                 "split of the package).",
                                 "zh": "各政策工具每万亿元带来的收敛（Shapley 分解）。"},
}

DIM_HEAD = {"en": {"income": "income", "public_services": "public services",
                   "infrastructure": "infrastructure", "gdp_per_capita": "GDP per head",
                   "all": "all three"},
            "zh": {"income": "收入", "public_services": "公共服务", "infrastructure": "基础设施",
                   "gdp_per_capita": "人均GDP", "all": "三者同时"}}


def _t(key: str, lang: str, **fmt: Any) -> str:
    entry = TEXT[key]
    s = entry.get(lang, entry["en"])
    return s.format(**fmt) if fmt else s


# ====================================================================== building
class _Context:
    """The state of one report: the store, what applies, the figures and tables made."""

    def __init__(self, store: Any, out: Path, lang: str, formats: tuple[str, ...]) -> None:
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
        self.df = None
        self.order: list[str] = []
        self.reference: str | None = None
        self.year: int | None = None
        self.first: int | None = None

    # ------------------------------------------------------------------ dispatch
    def build(self) -> None:
        runs = self.store.runs
        n_failed = int((runs["status"] != "ok").sum())
        if n_failed:
            self.notes.append(_t("failed_note", self.lang, n=n_failed))
        if self.kind == "sensitivity" or self.design in ("sobol", "morris"):
            self._sensitivity()
            return
        self._load()
        if self.df is None or self.df.empty:
            raise InputError("the store holds none of the indicators a report draws",
                             file=str(self.store.path), field="RESULTS_DIR",
                             allowed="results of westdev runs (goal ratios, area West)")
        if "decomposition" in self.experiment:
            self._decomposition()
            return
        self._outcomes()

    def _load(self) -> None:
        import pandas as pd

        from westdev.experiments.store import read_results

        indicators = [*GOAL, CONTEXT, "min_province_ratio_income", "income_ratio_to_east",
                      "theil_within_west_share", GOAL_MET]
        parts = [read_results(self.store.path, indicators=indicators)]
        china = read_results(self.store.path, areas=["China"])
        keep = china["indicator"].str.startswith(COST_PREFIX) | (
            china["indicator"] == "gdp_100m_yuan")
        parts.append(china[keep])
        df = pd.concat(parts, ignore_index=True)
        self.df = df.reset_index(drop=True)
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

    @property
    def theta(self) -> dict[str, float]:
        th = self.manifest.get("goal_thresholds") or {}
        return {k: float(th.get(k, DEFAULT_THETA)) for k in DIMENSIONS}

    # ------------------------------------------------------------------ figures
    def figure(self, name: str, make: Callable[[], Any]) -> None:
        from westdev.charts.style import save_figure

        fig = make()
        files = save_figure(fig, self.out / name, formats=self.formats)
        fig.clear()
        self.written += files
        self.figures.append((name, files))

    def _has(self, indicator: str, area: str | None = None) -> bool:
        df = self.df
        mask = df["indicator"] == indicator
        if area is not None:
            mask &= df["area"] == area
        return bool(mask.any())

    def _outcomes(self) -> None:
        import westdev.charts as C

        df, lang, order, th = self.df, self.lang, self.order, self.theta
        colours = C.scenario_colours(order)
        extra = self._uncertainty_note("bands")
        goal_rows = df[df["indicator"].isin(GOAL) & (df["area"] == GOAL_AREA)]
        if not goal_rows.empty:
            self.figure("goal_fans", lambda: C.plot_goal_fans(
                df, theta=th, colours=colours, context=self._has(CONTEXT), note=extra,
                lang=lang))
        pairs = self._paired_policies()
        if pairs:
            self.figure("deviations", lambda: C.plot_deviations(
                df, baseline=self.reference, policies=pairs, colours=colours,
                scenario_order=order, context=self._has(CONTEXT), lang=lang))
        if not goal_rows.empty:
            self.figure("goal_probability", lambda: C.plot_goal_probability(
                df, year=self.year, theta=th, colours=colours,
                note=self._uncertainty_note("prob"), lang=lang))
            self.figure("gap_closed", lambda: C.plot_gap_closed(
                df, year=self.year, colours=colours, lang=lang))
        if self._has("min_province_ratio_income", "West") and \
                self._has("income_ratio_to_east"):
            self.figure("worst_province", lambda: C.plot_worst_province(
                df, year=self.year, colours=colours, lang=lang))
        if self._has("theil_within_west_share", "China"):
            self.figure("theil_within_west", lambda: C.plot_theil_share(
                df, colours=colours, lang=lang))
        ce = self._cost_effectiveness(pairs)
        if ce is not None:
            self.figure("cost_effectiveness", lambda: C.plot_cost_effectiveness(
                ce, baseline=self.reference, colours=colours, scenario_order=order, lang=lang))
        frontier = self._frontier()
        if frontier is not None:
            self.figure("frontier", lambda: C.plot_frontier(
                frontier, theta=th, colours=colours, scenario_order=order,
                labels=self._frontier_labels(frontier), lang=lang))
        provinces = df[df["indicator"] == "income_ratio_to_east"]
        provinces = provinces[~provinces["area"].isin(["West", "East", "Central", "Northeast",
                                                       "China"])]
        if not provinces.empty:
            tile_scen = order[:MAX_TILE_SCENARIOS]
            self.figure("province_tiles", lambda: C.plot_province_tiles(
                provinces, "income_ratio_to_east", scenarios=tile_scen, colours=colours,
                reference=1.0, lang=lang))
            map_scen = self._map_scenarios()
            self.figure("map_income_ratio", lambda: C.plot_choropleth(
                provinces, "income_ratio_to_east", year=self.year, scenarios=map_scen,
                lang=lang))
            if self.first is not None and self.first < self.year:
                self.figure("map_income_ratio_change", lambda: C.plot_choropleth(
                    provinces, "income_ratio_to_east", year=self.year, since=self.first,
                    scenarios=map_scen, lang=lang))
        # tables
        if not goal_rows.empty:
            self._goal_table()
            self._probability_table()
            self._gap_table()
        self._cost_tables()
        if ce is not None:
            self._ce_table(ce)
        if frontier is not None and len(frontier) > 1:
            self._frontier_table(frontier)

    def _uncertainty_note(self, what: str = "prob") -> str | None:
        """What the spread across runs means for this kind of store (None for ensembles)."""
        if self.kind == "ensemble":
            return None
        if self.kind == "sweep":
            return _t("sweep_note", self.lang)
        if what == "bands":
            from westdev.charts.labels import text

            return text("seed_only_note", self.lang)
        return _t("seed_only", self.lang)

    def _paired_policies(self) -> list[str]:
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

    def _cost_effectiveness(self, pairs: list[str]) -> Any:
        import numpy as np

        if not pairs or not self._has(COST_TOTAL, "China"):
            return None
        from westdev.charts import cost_effectiveness_table

        table = cost_effectiveness_table(self.df, baseline=self.reference, policies=pairs,
                                         year=self.year)
        if table.empty or not np.isfinite(table["ce_pp_per_tn"]).any():
            return None
        return table

    def _frontier(self) -> Any:
        if not self._has("gdp_100m_yuan", "China") or not self._has(GOAL[0], GOAL_AREA):
            return None
        from westdev.charts import frontier_table

        by = "scenario" if self.kind == "ensemble" else "auto"  # draws are not policy mixes
        table = frontier_table(self.df, year=self.year, reference=self.reference, by=by)
        return table if len(table) >= 2 else None

    def _frontier_labels(self, table: Any) -> dict[str, str] | None:
        if not (table["mix"] != table["scenario"]).any():
            return None
        many = len(table) > 12
        return {m: m.split(" ", 1)[-1] for m, f in zip(table["mix"], table["frontier"],
                                                     strict=True) if f or not many}

    def _map_scenarios(self) -> list[str]:
        chosen = [self.reference] if self.reference else []
        chosen += [s for s in self.order if s not in chosen]
        return chosen[:MAX_MAP_SCENARIOS]

    # ------------------------------------------------------------------ tables
    def _goal_table(self) -> None:
        import westdev.analysis.summaries as ws

        lang = self.lang
        inds = [*GOAL, CONTEXT] if self._has(CONTEXT) else list(GOAL)
        b = ws.bands(self.df[(self.df["area"] == "West") & (self.df["year"] == self.year)],
                     indicators=inds, areas=["West"], years=[self.year])
        keys = [*DIMENSIONS, "gdp_per_capita"][:len(inds)]
        head = [_t("scenario", lang)] + [DIM_HEAD[lang][k] for k in keys] + ["n"]
        rows = []
        for s in self.order:
            sub = b[b["scenario"] == s].set_index("indicator")
            if sub.empty:
                continue
            cells = [s]
            for ind in inds:
                if ind in sub.index:
                    r = sub.loc[ind]
                    cells.append(_with_range(r["q50"], r["q05"], r["q95"], "{:.3f}"))
                else:
                    cells.append("–")
            cells.append(str(int(sub["n"].max())))
            rows.append(cells)
        self.sections.append(f"## {_t('h_goal', lang, year=self.year)}\n\n"
                             f"{_t('goal_intro', lang)}\n\n{_md_table(head, rows)}")

    def _probability_table(self) -> None:
        import westdev.analysis.summaries as ws

        lang = self.lang
        try:
            p = ws.goal_probability(self.store, year=self.year)
        except InputError:
            return
        dims = [*DIMENSIONS, "all"]
        head = [_t("scenario", lang), "θ"] + [DIM_HEAD[lang][d] for d in dims] + ["n"]
        rows = []
        for s in self.order:
            sub = p[p["scenario"] == s].set_index("dimension")
            if sub.empty:
                continue
            ths = sorted({float(sub.loc[d, "theta"]) for d in dims[:3] if d in sub.index})
            cells = [s, "/".join(f"{t:g}" for t in ths)]
            for d in dims:
                if d in sub.index:
                    r = sub.loc[d]
                    cells.append(f"{100 * r['probability']:.0f} % ± {100 * r['se']:.0f}")
                else:
                    cells.append("–")
            cells.append(str(int(sub["n"].max())))
            rows.append(cells)
        text = f"## {_t('h_prob', lang, year=self.year)}\n\n{_t('prob_intro', lang)}"
        note = self._uncertainty_note()
        if note:
            text += f" {note}"
        self.sections.append(f"{text}\n\n{_md_table(head, rows)}")

    def _gap_table(self) -> None:
        from westdev.charts import gap_closed_table

        lang = self.lang
        g = gap_closed_table(self.df, year=self.year)
        if g.empty:
            return
        dims = list(DIMENSIONS)
        head = [_t("scenario", lang)] + [DIM_HEAD[lang][d] for d in dims]
        rows = []
        for s in self.order:
            sub = g[g["scenario"] == s].set_index("dimension")
            if sub.empty:
                continue
            cells = [s]
            for d in dims:
                if d in sub.index and math.isfinite(sub.loc[d, "q50"]):
                    r = sub.loc[d]
                    cells.append(_with_range(100 * r["q50"], 100 * r["q05"], 100 * r["q95"],
                                             "{:.0f}", " %"))
                else:
                    cells.append("–")
            rows.append(cells)
        base = int(g["base_year"].iloc[0])
        self.sections.append(f"## {_t('h_gap', lang, base=base, year=self.year)}\n\n"
                             f"{_t('gap_intro', lang, base=base, year=self.year)}\n\n"
                             f"{_md_table(head, rows)}")

    def _cost_tables(self) -> None:
        df = self.df
        lang = self.lang
        costs = df[(df["area"] == "China") & df["indicator"].str.startswith(COST_PREFIX)]
        if costs.empty:
            return
        total = costs[costs["indicator"] == COST_TOTAL]
        by = total.groupby(["scenario", "year"])["value"].mean().unstack("scenario")
        policy = [s for s in self.order if s in by.columns and (by[s].abs() > 0).any()]
        if not policy:
            return
        head = [_t("year", lang)] + policy
        rows = [[str(int(y))] + [f"{by.loc[y, s]:,.0f}" for s in policy] for y in by.index]
        after = by[by.index > self.first]
        label = f"Σ {self.first + 1}–{int(by.index.max())}"
        rows.append([label] + [f"{after[s].sum():,.0f}" for s in policy])
        self.sections.append(f"## {_t('h_costs', lang)}\n\n{_t('costs_intro', lang)}\n\n"
                             f"{_md_table(head, rows)}")
        # largest items
        items = costs[(costs["indicator"] != COST_TOTAL) & (costs["year"] > self.first)]
        cum = items.groupby(["scenario", "indicator", "run_id"])["value"].sum().groupby(
            ["scenario", "indicator"]).mean()
        head = [_t("scenario", lang), "lever" if lang == "en" else "政策工具",
                "Σ 100m yuan" if lang == "en" else "Σ 亿元"]
        rows = []
        for s in policy:
            if s not in cum.index.get_level_values(0):
                continue
            top = cum.loc[s].sort_values(ascending=False)
            top = top[top.abs() > 0].head(5)
            rows += [[s, ind[len(COST_PREFIX):], f"{v:,.0f}"] for ind, v in top.items()]
        if rows:
            self.sections.append(
                f"### {_t('h_items', lang, first=self.first + 1, last=int(by.index.max()))}"
                f"\n\n{_t('items_intro', lang)}\n\n{_md_table(head, rows)}")

    def _ce_table(self, ce: Any) -> None:
        lang = self.lang
        dims = list(DIMENSIONS)
        head = [_t("scenario", lang), "Δ cost (tn yuan)" if lang == "en" else "Δ 成本（万亿元）"]
        for d in dims:
            head += [f"Δ {DIM_HEAD[lang][d]} (pp)", f"pp / tn ({DIM_HEAD[lang][d]})"]
        rows = []
        for p in dict.fromkeys(ce["policy"]):
            sub = ce[ce["policy"] == p].set_index("dimension")
            cells = [p, f"{sub['d_cost_100m_yuan'].iloc[0] / 1e4:+.1f}"]
            for d in dims:
                if d in sub.index:
                    r = sub.loc[d]
                    cells += [f"{100 * r['d_ratio']:+.2f}",
                              f"{r['ce_pp_per_tn']:.3f}" if math.isfinite(r["ce_pp_per_tn"])
                              else "–"]
                else:
                    cells += ["–", "–"]
            rows.append(cells)
        first = int(ce["first_year"].iloc[0]) + 1
        self.sections.append(
            f"## {_t('h_ce', lang, reference=self.reference)}\n\n"
            f"{_t('ce_intro', lang, year=self.year, first=first)}\n\n{_md_table(head, rows)}")

    def _frontier_table(self, table: Any) -> None:
        lang = self.lang
        kind = table["y_kind"].iloc[0]
        ylab = (f"GDP vs {self.reference} (%)" if kind == "pct" else "GDP (tn yuan)") \
            if lang == "en" else (f"GDP 相对 {self.reference}（%）" if kind == "pct"
                                  else "GDP（万亿元）")
        head = ["mix", DIM_HEAD[lang]["income"], ylab, "frontier" if lang == "en" else "前沿"]
        design = self._design_points()
        if design:
            head.insert(1, "design point" if lang == "en" else "设计点")
        rows = []
        for _, r in table.iterrows():
            cells = [r["mix"], f"{r['x_q50']:.3f}", f"{r['y_q50']:+.2f}" if kind == "pct"
                     else f"{r['y_q50']:.1f}", "✓" if r["frontier"] else ""]
            if design:
                cells.insert(1, design.get(r["mix"], ""))
            rows.append(cells)
        self.sections.append(f"## {_t('h_frontier', lang, year=self.year)}\n\n"
                             f"{_md_table(head, rows)}")

    def _design_points(self) -> dict[str, str]:
        """mix → 'factor=value, ...' for the design points of a sweep."""
        import re

        runs = self.store.runs
        out: dict[str, str] = {}
        for rid, scen, js in zip(runs["run_id"], runs["scenario"], runs["inputs_json"],
                                 strict=True):
            m = re.search(r"-p(\d+)-r\d+$", str(rid))
            if not m:
                continue
            mix = f"{scen} p{int(m.group(1))}"
            if mix in out:
                continue
            try:
                point = json.loads(js or "{}").get("design_point", {})
            except (TypeError, ValueError):
                point = {}
            out[mix] = ", ".join(f"{k.split('.')[-1]}={_short(v)}" for k, v in point.items())
        return out

    # ------------------------------------------------------------------ sensitivity
    def _sensitivity(self) -> None:
        import pandas as pd

        import westdev.charts as C

        lang = self.lang
        path = self.store.path / "sensitivity.parquet"
        if path.is_file():
            indices = pd.read_parquet(path)
        else:
            from westdev.analysis import sensitivity as sa

            indices = sa.analyse(self.store)
        if indices.empty or not indices["value"].notna().any():
            raise InputError("the sensitivity analysis has no defined indices",
                             file=str(self.store.path), field="RESULTS_DIR",
                             allowed="a sensitivity store whose outputs vary")
        method = "morris" if (indices["method"] == "morris").any() else "sobol"
        scenario = self._base_scenario()
        year = max(int(y) for y in indices["year"].unique())
        self.figure("sensitivity_bars", lambda: C.plot_sensitivity_bars(
            indices, scenario=scenario, lang=lang))
        if indices["year"].nunique() > 1:
            self.figure("sensitivity_heatmap", lambda: C.plot_sensitivity_heatmap(
                indices, scenario=scenario, lang=lang))
        from westdev.analysis import sensitivity as sa

        year = GOAL_YEAR if GOAL_YEAR in set(indices["year"]) else year
        top = sa.top_factors(indices, year=year, n=5)
        index = "mu_star" if method == "morris" else "ST"
        head = ["outcome", "factor", index, "±"]
        rows = [[r["outcome"], r["factor"], _num(r["value"]), _num(r["conf"])]
                for _, r in top.iterrows()]
        name = "Morris" if method == "morris" else "Sobol'"
        dropped_note = ""
        if "dropped" in indices.columns and indices["dropped"].max() > 0:
            worst = indices.loc[indices["dropped"].idxmax()]
            dropped_note = "\n\n" + _t("sa_dropped_" + method, lang, kept=int(worst["kept"]),
                                        total=int(worst["kept"] + worst["dropped"]),
                                        dropped=int(worst["dropped"]))
        self.sections.append(f"## {_t('h_sa', lang, method=name)}\n\n"
                             f"{_t('sa_intro', lang, n=5, year=year, index=index)}\n\n"
                             f"{_md_table(head, rows)}{dropped_note}")
        noise = self.store.path / "noise_share.csv"
        if noise.is_file():
            ns = pd.read_csv(noise)
            ns = ns[ns["year"] == year]
            if ns["noise_share"].notna().any():
                rows = [[r["outcome"], str(int(r["year"])), _num(r["noise_share"])]
                        for _, r in ns.iterrows()]
                self.sections.append(f"### {_t('h_noise', lang)}\n\n{_t('noise_intro', lang)}"
                                     f"\n\n{_md_table(['outcome', 'year', 'share'], rows)}")

    def _base_scenario(self) -> str | None:
        scen = self.experiment.get("scenarios") or []
        if scen and isinstance(scen[0], dict):
            meta = scen[0].get("meta") or {}
            return meta.get("name") or scen[0].get("name")
        runs = self.store.runs
        return str(runs["scenario"].iloc[0]) if len(runs) else None

    # ------------------------------------------------------------------ decomposition
    def _decomposition(self) -> None:
        import westdev.analysis.summaries as ws
        import westdev.charts as C

        lang = self.lang
        d = self.experiment["decomposition"]
        package = str((d.get("package") or {}).get("name") or "package")
        base = self._base_scenario() or self.order[0]
        pair = [s for s in (base, package) if s in self.order]
        if len(pair) == 2:
            self.reference = base
            sub = self.df[self.df["scenario"].isin(pair)]
            colours = C.scenario_colours(pair)
            self.figure("goal_fans", lambda: C.plot_goal_fans(
                sub, theta=self.theta, scenarios=pair, colours=colours,
                context=self._has(CONTEXT), lang=lang))
            self.figure("deviations", lambda: C.plot_deviations(
                sub, baseline=base, policies=[package], colours=colours, scenario_order=pair,
                context=self._has(CONTEXT), lang=lang))
        try:
            split = ws.split_effects(self.store)
        except InputError:
            split = None
        if split is not None and not split.empty and (split["method"] == "accounting").any():
            self.figure("lever_cost_effectiveness", lambda: C.plot_lever_cost_effectiveness(
                split, scenarios=pair, lang=lang))
        if split is not None and not split.empty:
            self._split_table(split, package, base)
        if len(pair) == 2:
            self.order = pair
            self._goal_table()
            self._cost_tables()

    def _split_table(self, split: Any, package: str, base: str) -> None:
        lang = self.lang
        method = "shapley" if (split["method"] == "shapley").any() else "oat_on"
        eff = split[split["method"] == method]
        acc = split[split["method"] == "accounting"].drop_duplicates("lever").set_index(
            "lever")["mean"]
        outs = {}
        for o in dict.fromkeys(eff["outcome"]):
            for dim, ind in RATIO_INDICATORS.items():
                if f":{ind}@" in o:
                    outs[dim] = o
        levers = [lv for lv in dict.fromkeys(eff["lever"]) if lv not in ("total",
                                                                        "interaction")]
        head = ["lever" if lang == "en" else "政策工具"]
        head += [f"Δ {DIM_HEAD[lang][d]} (pp)" for d in outs]
        head += ["cost (100m yuan)" if lang == "en" else "成本（亿元）",
                 "pp / tn (income)" if lang == "en" else "百分点 / 万亿元（收入）"]
        rows = []
        for lv in levers:
            cells = [lv]
            for o in outs.values():
                v = eff[(eff["outcome"] == o) & (eff["lever"] == lv)]["mean"]
                cells.append(f"{100 * float(v.iloc[0]):+.3f}" if len(v) else "–")
            cost = float(acc.get(lv, float("nan")))
            cells.append(_num(cost))
            inc = eff[(eff["outcome"] == outs.get("income")) & (eff["lever"] == lv)]["mean"]
            ok = len(inc) and math.isfinite(cost) and abs(cost) > 1e-9
            cells.append(f"{100 * float(inc.iloc[0]) / (cost / 1e4):.3f}" if ok else "–")
            rows.append(cells)
        total = split[split["method"] == "total"]
        year = self.year
        intro = _t("split_intro", lang, year=year)
        if len(total):
            note = ("Totals (package − base): " if lang == "en" else "合计（一揽子 − 基准）：") + \
                "; ".join(f"{o.split(':', 1)[1]} {_num(v)}" for o, v in
                          zip(total["outcome"], total["mean"], strict=True))
            intro += f" {note}."
        self.sections.append(f"## {_t('h_split', lang, package=package, base=base)}\n\n"
                             f"{intro}\n\n{_md_table(head, rows)}")

    # ------------------------------------------------------------------ output
    def remove_stale(self) -> None:
        """Delete figures of an earlier report in this directory that no longer apply."""
        mine = {p.name for p in self.written}
        for name in FIGURES:
            for fmt in FORMATS:
                f = self.out / f"{name}.{fmt}"
                if f.name not in mine and f.is_file():
                    f.unlink()

    def markdown(self) -> str:
        lang = self.lang
        m = self.manifest
        runs = self.store.runs
        ok = int((runs["status"] == "ok").sum())
        failed = int((runs["status"] != "ok").sum())
        scen = list(dict.fromkeys(runs["scenario"].astype(str)))
        shown = ", ".join(scen[:12]) + (f", … ({len(scen)})" if len(scen) > 12 else "")
        th = m.get("goal_thresholds") or {}
        th_text = ", ".join(f"{k} {v:g}" for k, v in th.items()) or f"{DEFAULT_THETA:g}"
        lines = [f"# {_t('title', lang)}: {Path(self.store.path).name}", ""]
        info = [(_t("store", lang), f"`{self.store.path}`"),
                (_t("kind", lang), self.kind + (f" ({self.design})" if self.design else "")),
                (_t("runs", lang), f"{ok}" + (f" (+{failed} {_t('failed', lang)})"
                                              if failed else "")),
                (_t("scenarios", lang), shown)]
        if self.first is not None:
            info.append((_t("years", lang), f"{self.first}–{self.year}"))
        if self.reference and len(self.order) > 1:
            info.append((_t("reference", lang), self.reference))
        info += [(_t("theta", lang), th_text), (_t("created", lang), str(m.get("created", ""))),
                 (_t("version", lang), f"{m.get('westdev_version', '?')}"
                  + (f", git {str(m.get('git_commit'))[:10]}" if m.get("git_commit") else ""))]
        lines += [f"- **{k}**: {v}" for k, v in info]
        lines.append("")
        for note in self.notes:
            lines += [f"> {note}", ""]
        for section in self.sections:
            lines += [section, ""]
        if self.figures:
            lines += [f"## {_t('h_figures', lang)}", ""]
            for name, files in self.figures:
                embed = next((f for f in files if f.suffix in (".png", ".svg")), None)
                caption = CAPTIONS.get(name, {}).get(lang, name)
                if embed is not None:
                    lines += [f"![{caption}]({embed.name})", ""]
                links = " · ".join(f"[{f.suffix[1:].upper()}]({f.name})" for f in files)
                lines += [f"*{caption}* ({links})", ""]
        return "\n".join(lines).rstrip() + "\n"


def _md_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    def cell(x: Any) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _with_range(mid: float, lo: float, hi: float, fmt: str, unit: str = "") -> str:
    """'0.690 (0.680–0.697)', or with ' to ' when a bound is negative: '−17 % (−19 to −16)'."""
    a, b, c = (_minus(fmt.format(v)) for v in (mid, lo, hi))
    sep = " to " if (lo < 0 or hi < 0) else "–"
    return f"{a}{unit} ({b}{sep}{c})"


def _num(v: Any) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(x):
        return "–"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return "schedule"
    return str(v)
