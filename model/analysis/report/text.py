"""The report's words: file and figure names, the bilingual (English / Chinese) text of
``report.md``, figure captions, and the helpers that format its Markdown tables.

Chart labels live with the charts (`westdev.charts.labels`); these are the report's own.
Pure Python, so that the command line can read the names without loading the charts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

FORMATS = ("png", "pdf", "svg")
LANGS = ("en", "zh")
REPORT = "report.md"
# every figure a report can hold, in the order drawn (the keys of CAPTIONS; file names)
FIGURES = ("goal_fans", "deviations", "goal_probability", "gap_closed", "worst_province",
           "theil_within_west", "cost_effectiveness", "frontier", "province_tiles",
           "map_income_ratio", "map_income_ratio_change", "sensitivity_bars",
           "sensitivity_heatmap", "lever_cost_effectiveness")


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
    "gap_dropped": {"en": "Runs left out: {notes}.", "zh": "未计入的运行：{notes}。"},
    "within_noise_note": {"en": "≈ marks a mean whose 95 % interval across replicates includes "
                          "0: within noise, not a finding.",
                          "zh": "≈ 表示其跨重复运行的 95 % 区间包含 0：在噪声范围内，不是结论。"},
    "sa_flag_note": {"en": "≈ marks an index that does not stand out from noise (its interval "
                     "includes 0 or, for Morris, does not clear the dummy factor's noise "
                     "floor{floor}).",
                     "zh": "≈ 表示该指数未超出噪声（区间包含 0，或 Morris μ* 未超过虚拟因子的噪声"
                     "基准{floor}）。"},
    "sweep_note": {"en": "Bands and probabilities pool every design point of the sweep.",
                   "zh": "区间与概率汇总了扫描的全部设计点。"},
    "failed_note": {"en": "{n} run(s) failed and are left out (see the store's runs table).",
                    "zh": "{n} 次运行失败，未计入（见结果库的运行表）。"},
    "province_sample": {"en": "Province figures draw the first {n} runs of each scenario (by "
                        "run id); the other figures and tables use every run.",
                        "zh": "分省图仅取各情景按运行编号排序的前 {n} 次运行；其余图表使用全部运行。"},
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


def scen(name: str, lang: str) -> str:
    """A scenario in a table: its title, with the code name a command takes beside it."""
    from westdev.charts.names import scenario_label

    title = scenario_label(name, lang)
    return title if title == name else f"{title} (`{name}`)"


def t(key: str, lang: str, **fmt: Any) -> str:
    """A phrase of `TEXT` in `lang` (English when missing), formatted with `fmt`."""
    entry = TEXT[key]
    s = entry.get(lang, entry["en"])
    return s.format(**fmt) if fmt else s


# ====================================================================== Markdown
def md_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table (``|`` escaped, line breaks flattened)."""

    def cell(x: Any) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _minus(text: str) -> str:
    return text.replace("-", "−")


def with_range(mid: float, lo: float, hi: float, fmt: str, unit: str = "") -> str:
    """'0.690 (0.680–0.697)', or with ' to ' when a bound is negative: '−17 % (−19 to −16)'."""
    a, b, c = (_minus(fmt.format(v)) for v in (mid, lo, hi))
    sep = " to " if (lo < 0 or hi < 0) else "–"
    return f"{a}{unit} ({b}{sep}{c})"


def num(v: Any) -> str:
    """A number in three significant digits (thousands separated), or – when not finite."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(x):
        return "–"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def short(v: Any) -> str:
    """A design-point value in a table cell."""
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return "schedule"
    return str(v)
