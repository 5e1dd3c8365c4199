"""Every string the explorer shows, in English and Chinese, in one place.

Chart text comes from `westdev.charts.labels` (the charts draw it), and the Chinese lever names
and units and the presets' titles from `westdev.charts.names` (the charts and reports use the
same: LEVER_ZH, UNIT_ZH and PRESET_NAMES here come from there); this module holds the page's
own words: the guideline's areas and the interface strings. `text(key, lang)` falls back to
English for a key without a Chinese phrase.

The Chinese lever names follow the guideline's own wording where the catalogue quotes it
(`LeverSpec.basis`); they were written for this page and should be read by a native speaker
before a report quotes them.
"""

from __future__ import annotations

from westdev.charts.names import LEVER_ZH, SCENARIO_TITLES, UNIT_ZH

LANGS = ("en", "zh")

AREA_NAMES: dict[str, tuple[str, str]] = {
    "fiscal": ("Fiscal and tax", "财税支持"),
    "finance": ("Finance", "金融支持"),
    "industry": ("Industry", "产业政策"),
    "energy": ("Energy", "能源"),
    "land": ("Land", "用地政策"),
    "talent": ("Talent and skills", "人才政策"),
    "innovation": ("Innovation", "科技创新"),
    "infrastructure": ("Infrastructure", "基础设施"),
    "opening": ("Opening up", "对外开放"),
    "public_services": ("Public services, hukou and social insurance", "公共服务、户籍与社会保障"),
    "ecology": ("Ecology", "生态保护"),
}

CHOICE_ZH: dict[str, str] = {"county": "县级", "provincial": "省级", "national": "全国"}

PRESET_NAMES: dict[str, tuple[str, str]] = {
    name: SCENARIO_TITLES[name] for name in ("baseline", "guideline", "no_policy",
                                              "enacted_2020_2024")}

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "westdev explorer: western development scenarios to 2035",
              "zh": "westdev 情景探索：西部大开发至 2035 年"},
    "intro": {"en": "Set the guideline's policy levers, press Run and compare the West/East "
                    "goal ratios with the baseline (policy as it stood in 2019). Each run is "
                    "the westdev model at the small resolution; bands are seed noise across "
                    "replicates.",
              "zh": "设定指导意见中的政策工具，点击“运行”，与基准情景（2019 年政策延续）比较"
                    "西部 / 东部目标比值。每次运行均为小分辨率的 westdev 模型；区间为各重复运行之间"
                    "的随机种子差异。"},
    "presets": {"en": "Start from a preset", "zh": "从预设情景开始"},
    "preset_now": {"en": "Preset: {preset}", "zh": "当前预设：{preset}"},
    "levers": {"en": "Policy levers", "zh": "政策工具"},
    "edited": {"en": "{n} lever(s) changed from the preset", "zh": "已修改 {n} 项政策工具"},
    "phase_in": {"en": "Phase changes in (2020 → 2025; on/off and choices from 2021)",
                 "zh": "逐步实施（2020 → 2025 年；开关与选项自 2021 年起）"},
    "phase_in_help": {"en": "A changed number moves from the preset's 2020 value to yours by "
                            "2025, as the guideline file phases its measures in; unticked, "
                            "your value holds from the start.",
                      "zh": "修改的数值自预设情景的 2020 年取值逐步过渡至 2025 年的设定值（与指导意见"
                            "情景文件相同）；不勾选则自起始年起即采用设定值。"},
    "replicates": {"en": "Replicates", "zh": "重复次数"},
    "root_seed": {"en": "Root seed", "zh": "根随机种子"},
    "run": {"en": "Run", "zh": "运行"},
    "running": {"en": "Running {n} runs ({scenarios} × {replicates} replicates)…",
                "zh": "正在运行 {n} 次（{scenarios} 个情景 × {replicates} 次重复）……"},
    "drawing": {"en": "Drawing the charts…", "zh": "正在绘图……"},
    "fix_fields": {"en": "Not run: {n} field(s) need a valid value (red messages, ⚠ on "
                         "their area): {fields}.",
                   "zh": "未运行：{n} 个输入项的取值无效（见红色提示，所在领域标有 ⚠）：{fields}。"},
    "done": {"en": "{runs} runs in {run_s:.1f} s; charts in {chart_s:.1f} s.",
             "zh": "{runs} 次运行用时 {run_s:.1f} 秒；绘图用时 {chart_s:.1f} 秒。"},
    "all_kept": {"en": "{runs} runs, kept from an earlier request; charts in {chart_s:.1f} s.",
                 "zh": "{runs} 次运行沿用先前请求的结果；绘图用时 {chart_s:.1f} 秒。"},
    "kept": {"en": "({n} of the runs kept from an earlier request.)",
             "zh": "（其中 {n} 次运行沿用先前请求的结果。）"},
    "run_failed": {"en": "{n} of {total} runs failed: {error}",
                   "zh": "{total} 次运行中 {n} 次失败：{error}"},
    "no_results": {"en": "Press Run to simulate.", "zh": "点击“运行”开始模拟。"},
    "same_as_baseline": {"en": "The scenario is the baseline itself: only the baseline is shown.",
                         "zh": "该情景即基准情景：仅显示基准情景。"},
    "summary": {"en": "Goal ratios in {year}", "zh": "{year} 年目标比值"},
    "summary_note": {"en": "Means across {n} replicate(s) (root seed {seed}, resolution "
                           "{resolution}); \u201cruns ≥ θ\u201d counts the scenario's runs at or "
                           "above the goal threshold. `westdev run scenario.toml` gives the "
                           "same numbers.",
                     "zh": "{n} 次重复运行的均值（根随机种子 {seed}，分辨率 {resolution}）；"
                           "“≥ θ 的运行”为该情景中达到目标阈值的运行次数。"
                           "`westdev run scenario.toml` 可得到相同数值。"},
    "col_indicator": {"en": "Indicator", "zh": "指标"},
    "col_theta": {"en": "θ", "zh": "θ"},
    "col_baseline": {"en": "baseline", "zh": "基准"},
    "col_diff": {"en": "difference", "zh": "差值"},
    "col_met": {"en": "runs ≥ θ", "zh": "≥ θ 的运行"},
    "cost_row": {"en": "Cumulative lever cost {first}–{year}, trillion yuan",
                 "zh": "{first}–{year} 年累计政策成本（万亿元）"},
    "ce_row": {"en": "Income ratio gained per trillion yuan (percentage points)",
               "zh": "每万亿元带来的收入比提升（百分点）"},
    "charts_goal": {"en": "Goal ratios and GDP per head, 2019–{year}",
                    "zh": "目标比值与人均GDP，2019–{year} 年"},
    "charts_tiles": {"en": "Provinces: income per head relative to the East",
                     "zh": "分省：人均收入相对东部"},
    "charts_cost": {"en": "What it costs", "zh": "政策成本"},
    "cum_cost_title": {"en": "Cumulative lever cost (China)", "zh": "累计政策成本（全国）"},
    "cum_cost_y": {"en": "Trillion yuan, 2019 prices", "zh": "万亿元，2019 年价格"},
    "no_ce": {"en": "Cost-effectiveness needs a scenario that differs from the baseline.",
              "zh": "成本效益需要一个不同于基准的情景。"},
    "ensemble": {"en": "Probability of the goal (quick ensemble)",
                 "zh": "达成目标的概率（快速集合模拟）"},
    "ensemble_button": {"en": "Estimate P(goal): {draws} draws per scenario ({runs} runs)",
                        "zh": "估计达标概率：每个情景 {draws} 次抽样（共 {runs} 次运行）"},
    "ensemble_help": {"en": "Draws the calibrated parameters from their fit and scales the "
                            "exogenous paths (as the shipped ensemble_baseline experiment "
                            "does), one run per draw, for the baseline and the scenario with "
                            "the same draws. Few draws: a first look, not a report figure.",
                      "zh": "按校准结果抽取参数并缩放外生路径（与内置 ensemble_baseline 实验相同），"
                            "每次抽样运行一次，基准与情景使用相同抽样。抽样次数少：仅供初步参考，"
                            "不宜用于报告。"},
    "ensemble_running": {"en": "Running the ensemble ({n} runs)…",
                         "zh": "正在运行集合模拟（{n} 次）……"},
    "ensemble_done": {"en": "{runs} runs in {seconds:.1f} s.", "zh": "{runs} 次运行用时 {seconds:.1f} 秒。"},
    "ensemble_stale": {"en": "The ensemble below is for an earlier request.",
                       "zh": "下方集合模拟结果对应先前的请求。"},
    "downloads": {"en": "Downloads", "zh": "下载"},
    "dl_toml": {"en": "Scenario (TOML)", "zh": "情景文件（TOML）"},
    "dl_csv": {"en": "Results (CSV)", "zh": "结果（CSV）"},
    "dl_parquet": {"en": "Results (Parquet)", "zh": "结果（Parquet）"},
    "dl_help": {"en": "Reproduce on the command line: {command}",
                "zh": "在命令行中复现：{command}"},
    "language": {"en": "Language", "zh": "语言"},
    "charts_in_english": {"en": "", "zh": "本机未找到中文字体，图表以英文显示（{hint}）。"},
    "range": {"en": "range {lo}–{hi}", "zh": "范围 {lo}–{hi}"},
    "default_2019": {"en": "2019: {value}", "zh": "2019 年：{value}"},
    "err_empty": {"en": "Enter a number.", "zh": "请输入数值。"},
    "err_nan": {"en": "“{text}” is not a number.", "zh": "“{text}”不是数值。"},
    "err_range": {"en": "{value} is outside the allowed range {lo}–{hi} {unit}.",
                  "zh": "{value} 超出允许范围 {lo}–{hi}（{unit}）。"},
    "err_int": {"en": "“{text}” is not a whole number.", "zh": "“{text}”不是整数。"},
    "err_int_range": {"en": "{value} is outside {lo}–{hi}.", "zh": "{value} 超出 {lo}–{hi}。"},
    "err_choice": {"en": "“{text}” is not one of {choices}.",
                   "zh": "“{text}”不在可选项 {choices} 中。"},
    "yes": {"en": "on", "zh": "开"},
    "no": {"en": "off", "zh": "关"},
}


def text(key: str, lang: str = "en", **fmt: object) -> str:
    """The phrase `key` in `lang` (English when there is no Chinese phrase), formatted."""
    entry = TEXT[key]
    phrase = entry.get(lang) or entry["en"]
    return phrase.format(**fmt) if fmt else phrase


def area_name(area: str, lang: str = "en") -> str:
    """The display name of a guideline area."""
    en, zh = AREA_NAMES.get(area, (area, area))
    return zh if lang == "zh" else en


def preset_name(name: str, lang: str = "en") -> str:
    """The display name of a preset scenario (its file name when it has none)."""
    en, zh = PRESET_NAMES.get(name, (name, name))
    return zh if lang == "zh" else en


def lever_title(name: str, meaning: str, lang: str = "en") -> str:
    """A lever's heading: the catalogue's meaning (en) or its Chinese name (zh; the meaning
    when none is written)."""
    return LEVER_ZH.get(name, meaning) if lang == "zh" else meaning


def unit_name(unit: str, lang: str = "en") -> str:
    """A lever's unit in `lang`."""
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def choice_name(choice: str, lang: str = "en") -> str:
    """A choice lever's option in `lang`."""
    return CHOICE_ZH.get(choice, choice) if lang == "zh" else choice
