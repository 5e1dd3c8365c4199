"""Chart and report text in English and Chinese: titles, axis labels with units, notes.

`text(key, lang)` returns a phrase; `indicator_label(name, lang)` and `indicator_unit(name,
lang)` describe an indicator of the results table (docs/ODD.md §4.11); `province_label` gives a
province's display name (short English names where the full one is too long for a tile, the
short Chinese name for ``lang="zh"``). Scenarios, levers and design factors are named by
`scenario_label`, `lever_label` and `factor_label` (`westdev.charts.names`).
"""

from __future__ import annotations

import functools

from westdev.charts.names import (  # noqa: F401 (the charts read them from here)
    factor_label,
    lever_label,
    scenario_label,
    unit_label,
)
from westdev.inputs.datasets import load_provincial_data
from westdev.policy.goal import CONTEXT_RATIO, RATIO_INDICATORS

TEXT: dict[str, dict[str, str]] = {
    "year": {"en": "Year", "zh": "年份"},
    "ratio": {"en": "West / East ratio", "zh": "西部 / 东部 比值"},
    "ratio_pp": {"en": "Policy − reference (percentage points of the ratio)",
                 "zh": "政策情景 − 参照情景（比值，百分点）"},
    "pp": {"en": "percentage points", "zh": "百分点"},
    "dim.income": {"en": "Living standards (income)", "zh": "生活水平（居民收入）"},
    "dim.public_services": {"en": "Basic public services", "zh": "基本公共服务"},
    "dim.infrastructure": {"en": "Infrastructure access", "zh": "基础设施通达"},
    "dim.gdp_per_capita": {"en": "GDP per capita (context, not a goal)",
                           "zh": "人均GDP（背景指标，非目标）"},
    "dim.all": {"en": "All three dimensions", "zh": "三个维度同时达标"},
    "short.income": {"en": "Income ratio", "zh": "收入比"},
    "short.public_services": {"en": "Public-services ratio", "zh": "公共服务比"},
    "short.infrastructure": {"en": "Infrastructure ratio", "zh": "基础设施比"},
    "theta": {"en": "θ = {theta:g}", "zh": "θ = {theta:g}"},
    "goal_line": {"en": "goal θ", "zh": "目标 θ"},
    "source": {"en": "Source: westdev simulation", "zh": "资料来源：westdev 模拟"},
    "scenarios": {"en": "Scenarios", "zh": "情景"},
    "fan_note": {"en": "Lines: median across {n} runs; dark band 25–75 %, light band 5–95 %.",
                 "zh": "实线：{n} 次运行的中位数；深色带 25–75 %，浅色带 5–95 %。"},
    "one_run_note": {"en": "One run per scenario: no uncertainty band.",
                     "zh": "每个情景仅一次运行：无不确定性区间。"},
    "few_runs_note": {"en": "Caution: bands from only {n} runs — a 5–95 % band needs about "
                      "{need} runs; from fewer it is close to the lowest and highest run and can "
                      "move a lot with more runs.",
                      "zh": "注意：区间仅基于 {n} 次运行——5–95 % 区间约需 {need} 次运行；运行更少时"
                      "它接近最低与最高的一次运行，增加运行次数后可能明显变化。"},
    "seed_only_note": {"en": "Bands show seed noise only (replicates of one parameter set); "
                       "an ensemble adds parameter and path uncertainty.",
                       "zh": "区间仅反映随机种子差异（同一参数组的重复运行）；"
                       "集合模拟才包含参数与外生路径的不确定性。"},
    "paired_note": {"en": "Differences paired by replicate seed (common random numbers), "
                    "{n} pairs; line: mean, bands: 25–75 % and 5–95 % of the paired "
                    "differences.",
                    "zh": "按重复种子配对（共同随机数），{n} 对；实线：均值，区间：配对差值的 "
                    "25–75 % 与 5–95 %。"},
    "vs": {"en": "{policy} − {reference}", "zh": "{policy} − {reference}"},
    # goal probability
    "prob_title": {"en": "Probability that the ratio is at least θ in {year}",
                   "zh": "{year} 年比值不低于 θ 的概率"},
    "prob_y": {"en": "P(ratio ≥ θ)", "zh": "P（比值 ≥ θ）"},
    "prob_x": {"en": "Threshold θ (West / East)", "zh": "阈值 θ（西部 / 东部）"},
    "prob_note": {"en": "Share of {n} runs per scenario whose {year} ratio is at least θ; "
                  "dashed: the store's θ.",
                  "zh": "每个情景 {n} 次运行中 {year} 年比值不低于 θ 的比例；虚线：设定的 θ。"},
    "gap_title": {"en": "Share of the {base} gap to the East closed by {year}",
                  "zh": "至 {year} 年缩小的 {base} 年东西差距比例"},
    "gap_x": {"en": "Share of the {base} gap closed (%)", "zh": "缩小的 {base} 年差距（%）"},
    "gap_note": {"en": "Gap closed = (ratio {year} − ratio {base}) / (1 − ratio {base}); 100 % "
                 "means parity with the East, below 0 a wider gap. Dots: median, bars: 5–95 % "
                 "across runs.",
                 "zh": "差距缩小比例 =（{year} 年比值 − {base} 年比值）/（1 − {base} 年比值）；"
                 "100 % 表示与东部持平，小于 0 表示差距扩大。点：中位数，横线：5–95 %。"},
    # provinces
    "worst_title": {"en": "Worst-off western province: income relative to the East",
                    "zh": "收入最低的西部省份：相对东部的收入"},
    "worst_y": {"en": "Income per head / East", "zh": "人均收入 / 东部"},
    "worst_named_note": {"en": "Left: the name on the line is the province that is worst-off in "
                         "most runs of {scenario}, written where it changes.",
                         "zh": "左图：线上标注的是{scenario}多数运行中收入最低的省份，在其变化处标出。"},
    "west_provinces_title": {"en": "Western provinces' income relative to the East, {year}",
                             "zh": "{year} 年西部各省人均收入 / 东部"},
    "start_marker": {"en": "{year} (start)", "zh": "{year}（起始）"},
    "theil_title": {"en": "Within-West share of regional inequality",
                    "zh": "区域差距中西部内部差距所占比重"},
    "theil_y": {"en": "Within-West Theil / total Theil (%)",
                "zh": "西部内部泰尔指数 / 总泰尔指数（%）"},
    "theil_note": {"en": "Theil T index of GDP per head over the 31 provinces; the within-West "
                   "term s_W·T_W as a share of the total.",
                   "zh": "31 个省份人均GDP的泰尔T指数；西部内部项 s_W·T_W 占总指数的比重。"},
    # costs
    "ce_title": {"en": "Convergence gained per 1 trillion yuan of lever cost, {year}",
                 "zh": "每万亿元政策成本带来的收敛，{year} 年"},
    "ce_x": {"en": "Percentage points of the ratio per 1 trillion yuan",
             "zh": "每万亿元带来的比值提升（百分点）"},
    "ce_note": {"en": "Cost-effectiveness = (policy − {reference}) change of the {year} ratio, "
                "divided by the change in cumulative lever cost {first}–{year} "
                "(lever_cost_100m_yuan.total, 2019 prices; 1 trillion yuan = 10,000 × 100m "
                "yuan); paired by seed. Bars: mean, whiskers: 5–95 % across pairs. "
                "Labels give the extra cumulative cost; a scenario that saves cost shows the "
                "convergence lost per trillion saved.",
                "zh": "成本效益 =（政策 − {reference}）{year} 年比值变化 ÷ {first}–{year} "
                "年累计政策成本变化（lever_cost_100m_yuan.total，2019 年价格；1 万亿元 = "
                "10,000 × 亿元）；按种子配对。柱：均值，须线：5–95 %。标签为额外累计成本；"
                "节约成本的情景显示每节约万亿元损失的收敛。"},
    "ce_lever_title": {"en": "Convergence per 1 trillion yuan, by lever (Shapley split)",
                       "zh": "各政策工具每万亿元带来的收敛（Shapley 分解）"},
    "ce_lever_note": {"en": "Effect: Shapley share of the package's effect on {outcome}, in "
                      "percentage points of the ratio; cost (in brackets): the lever's own "
                      "cumulative cost accounts, package minus base, trillion yuan (2019 "
                      "prices). Levers without cost are listed as n/a.",
                      "zh": "效应：一揽子政策对 {outcome} 效应的 Shapley 分摊（比值百分点）；成本"
                      "（括号内）：该工具自身的累计成本（一揽子减基准，万亿元，2019 年价格）。"
                      "无成本的工具记为 n/a。"},
    "no_cost": {"en": "n/a (no extra cost)", "zh": "不适用（无额外成本）"},
    "tn": {"en": "{sign}{value:.1f} tn yuan", "zh": "{sign}{value:.1f} 万亿元"},
    "frontier_title": {"en": "National output versus convergence, {year}",
                       "zh": "全国产出与区域收敛，{year} 年"},
    "frontier_x": {"en": "West / East income ratio, {year}", "zh": "{year} 年西部 / 东部收入比"},
    "frontier_y_dev": {"en": "China GDP, % difference from {reference}",
                       "zh": "全国GDP，相对 {reference} 的差异（%）"},
    "frontier_y_level": {"en": "China GDP (trillion yuan, 2019 prices)",
                         "zh": "全国GDP（万亿元，2019 年价格）"},
    "frontier_line": {"en": "frontier (no mix does better on both)",
                      "zh": "前沿（无其他组合在两方面都更优）"},
    "frontier_note": {"en": "Each point is a policy mix ({what}): median across runs, bars "
                      "5–95 %. A mix is on the frontier when no other mix has both higher "
                      "output and a higher ratio.",
                      "zh": "每个点为一个政策组合（{what}）：运行中位数，误差线 5–95 %。"
                      "若无其他组合的产出和比值都更高，则该组合位于前沿。"},
    "mixes_scenarios": {"en": "scenarios", "zh": "情景"},
    "mixes_points": {"en": "design points of the sweep", "zh": "扫描的设计点"},
    # sensitivity
    "sa_morris_title": {"en": "Morris screening, {year}: mean absolute elementary effect μ*",
                        "zh": "Morris 筛选，{year} 年：平均绝对基本效应 μ*"},
    "sa_sobol_title": {"en": "Sobol' indices, {year}", "zh": "Sobol' 指数，{year} 年"},
    "sa_mu_star": {"en": "μ* (ratio per factor range)", "zh": "μ*（比值 / 因子取值范围）"},
    "sa_sigma": {"en": "σ (interactions, non-linearity)", "zh": "σ（交互与非线性）"},
    "sa_s1": {"en": "S1 (first order)", "zh": "S1（一阶）"},
    "sa_st": {"en": "ST (total)", "zh": "ST（总效应）"},
    "sa_index": {"en": "Share of output variance", "zh": "占输出方差的比例"},
    "sa_note_morris": {"en": "Bars: μ* with its {conf} bootstrap interval; diamonds: σ. "
                       "Effects per full range of each factor.",
                       "zh": "柱：μ* 及其 {conf} bootstrap 区间；菱形：σ。效应以各因子全部取值"
                       "范围计。"},
    "sa_note_sobol": {"en": "S1: variance explained by a factor alone; ST: with its "
                      "interactions. Whiskers: {conf} bootstrap intervals.",
                      "zh": "S1：单个因子解释的方差；ST：含交互作用。须线：{conf} bootstrap 区间。"},
    "sa_floor": {"en": "noise floor (dummy factor)", "zh": "噪声基准（虚拟因子）"},
    "sa_note_floor": {"en": "Dashed line: the μ* a factor without any effect (a dummy) would "
                      "show from seed noise alone, from the replicates' spread; a lever whose "
                      "interval does not clear it is not shown to matter.",
                      "zh": "虚线：一个毫无作用的虚拟因子仅因随机种子噪声而呈现的 μ*（由重复运行的"
                      "离散程度估计）；区间未超过该线的政策工具不能认为有影响。"},
    "sa_note_no_floor": {"en": "One replicate per point: the noise floor is unknown (run "
                         "replicates ≥ 2 to see which effects stand out from seed noise).",
                         "zh": "每个设计点仅一次重复：噪声基准未知（重复次数 ≥ 2 才能判断哪些效应"
                         "超出种子噪声）。"},
    "sa_note_faded_morris": {"en": "Pale bars: within noise.", "zh": "浅色柱：在噪声范围内。"},
    "sa_note_faded_sobol": {"en": "Pale bars: the interval includes 0 (not established).",
                            "zh": "浅色柱：区间包含 0（未能确定）。"},
    "sa_note_clamped": {"en": "Estimates outside [0, 1] ({values}) are sampling noise of a "
                        "small design (a share of variance lies in [0, 1]): drawn at the edge "
                        "with their value; raise n.",
                        "zh": "超出 [0, 1] 的估计值（{values}）是小样本设计的抽样噪声（方差份额应在 "
                        "[0, 1] 之内）：画在边界处并标出数值；请增大 n。"},
    "sa_heat_title": {"en": "Sensitivity by year ({index})", "zh": "逐年敏感性（{index}）"},
    "sa_heat_morris": {"en": "μ* / largest μ* of the year", "zh": "μ* / 当年最大 μ*"},
    "sa_heat_sobol": {"en": "{index} (share of variance)", "zh": "{index}（方差比例）"},
    "sa_nan": {"en": "Grey cells: undefined (constant output or failed runs)",
               "zh": "灰色单元：无定义（输出不变或运行失败）"},
    "sa_heat_note_morris": {"en": "Morris μ* divided by the largest μ* of the same outcome and "
                            "year (μ* is in the outcome's units, so the shares compare factors "
                            "within a year).",
                            "zh": "Morris μ* 除以同一输出同一年份的最大 μ*（μ* 以输出单位计，"
                            "比值用于同年因子间比较）。"},
    "factor": {"en": "Factor", "zh": "因子"},
    # maps
    "tiles_title": {"en": "{label} by province", "zh": "分省{label}"},
    "tiles_note": {"en": "Provinces on a tile grid that keeps their relative position; "
                   "shaded tiles: the 12 western provinces; every tile has the scale of the "
                   "key tile ({lo}–{hi}).",
                   "zh": "按相对地理位置排列的分省方格图；灰底：西部 12 省区；各方格纵轴刻度与"
                   "图例方格相同（{lo}–{hi}）。"},
    "tiles_since_title": {"en": "{label}: change since {base} by province (%)",
                          "zh": "分省{label}：相对 {base} 年的变化（%）"},
    "tiles_since_note": {"en": "Each tile: the province's value as a % change from its own "
                         "{base} value (each run against its own start), so every province's "
                         "movement shows on one scale.",
                         "zh": "各方格：该省相对自身 {base} 年取值的变化百分比（每次运行相对其自身起点），"
                         "以便在同一刻度上看到各省的变化。"},
    "tiles_no_change": {"en": "no change since {base}", "zh": "与 {base} 年持平"},
    "map_title": {"en": "{label}, {year}", "zh": "{label}，{year} 年"},
    "map_change_title": {"en": "Change in {label}, {base}–{year}",
                         "zh": "{label}的变化，{base}–{year} 年"},
    "map_note": {"en": "Colours: mean across runs. Boundaries simplified and illustrative (31 mainland "
                 "provinces), not an authoritative map.",
                 "zh": "颜色：运行均值。边界经简化、仅作示意（内地 31 个省份），非标准地图。"},
    "key": {"en": "scale", "zh": "刻度"},
    "map_unsure_note": {"en": "Hatched: provinces whose change lies within the spread of the "
                        "runs (their 5–95 % range includes 0) — not a change the runs "
                        "establish; small provinces, with few agents, are the noisiest.",
                        "zh": "斜线：变化落在各次运行离散范围之内的省份（5–95 % 区间包含 0），"
                        "不能认为已确定发生变化；人口少的小省份噪声最大。"},
    "map_one_run_note": {"en": "One run per scenario: the map cannot show which changes are "
                         "noise.", "zh": "每个情景仅一次运行：无法区分变化与噪声。"},
}

# label, unit (en, zh)
INDICATORS: dict[str, tuple[str, str, str, str]] = {
    RATIO_INDICATORS["income"]: ("West / East income ratio", "西部 / 东部收入比", "ratio", "比值"),
    RATIO_INDICATORS["public_services"]: ("West / East public-services ratio",
                                          "西部 / 东部公共服务比", "ratio", "比值"),
    RATIO_INDICATORS["infrastructure"]: ("West / East infrastructure-access ratio",
                                         "西部 / 东部基础设施通达比", "ratio", "比值"),
    CONTEXT_RATIO: ("West / East GDP per head", "西部 / 东部人均GDP比", "ratio", "比值"),
    "min_province_ratio_income": ("Worst western province's income / East",
                                  "最低西部省份收入 / 东部", "ratio", "比值"),
    "income_ratio_to_east": ("Income per head relative to the East", "人均收入相对东部",
                             "ratio", "比值"),
    "disposable_income_per_capita_yuan": ("Disposable income per head", "人均可支配收入",
                                          "yuan, 2019 prices", "元，2019 年价格"),
    "gdp_per_capita_yuan": ("GDP per head", "人均GDP", "yuan, 2019 prices", "元，2019 年价格"),
    "consumption_per_capita_yuan": ("Consumption per head", "人均消费", "yuan, 2019 prices",
                                    "元，2019 年价格"),
    "gdp_100m_yuan": ("GDP", "GDP", "100m yuan, 2019 prices", "亿元，2019 年价格"),
    "population_10k": ("Population", "人口", "10k persons", "万人"),
    "employment_10k": ("Employment", "就业", "10k persons", "万人"),
    "unemployment_rate": ("Unemployment rate", "失业率", "share", "比例"),
    "public_services_index": ("Public-services index", "公共服务指数",
                              "2019 national mean = 100", "2019 年全国均值 = 100"),
    "infrastructure_access_index": ("Infrastructure-access index", "基础设施通达指数",
                                    "2019 national mean = 100", "2019 年全国均值 = 100"),
    "debt_to_gdp": ("Debt / GDP", "债务 / GDP", "share", "比例"),
    "net_migration_10k": ("Net migration", "净迁移", "10k persons per year", "万人 / 年"),
    "theil_within_west_share": ("Within-West share of the Theil index", "泰尔指数中西部内部占比",
                                "share", "比例"),
    "theil_gdp_per_capita": ("Theil index of GDP per head", "人均GDP泰尔指数", "index", "指数"),
    "lever_cost_100m_yuan.total": ("Lever cost, total", "政策成本合计",
                                   "100m yuan per year, 2019 prices", "亿元 / 年，2019 年价格"),
    "secondary_share": ("Industry share of GDP", "第二产业占比", "share", "比例"),
    "tertiary_share": ("Services share of GDP", "第三产业占比", "share", "比例"),
    "skilled_share": ("Skilled share of workers", "高技能劳动者占比", "share", "比例"),
    "wage_yuan": ("Average wage", "平均工资", "yuan per year", "元 / 年"),
}

# English province names too long for a 0.65 in tile
SHORT_EN = {"Inner Mongolia": "Inner Mong.", "Xizang (Tibet)": "Xizang",
            "Heilongjiang": "Heilongj."}


def text(key: str, lang: str = "en", **fmt: object) -> str:
    """The phrase `key` in `lang`, formatted with `fmt`."""
    entry = TEXT[key]
    phrase = entry.get(lang, entry["en"])
    return phrase.format(**fmt) if fmt else phrase


def indicator_label(name: str, lang: str = "en") -> str:
    """A readable name of an indicator (the dotted name itself when unknown)."""
    if name in INDICATORS:
        return INDICATORS[name][1 if lang == "zh" else 0]
    if name.startswith("lever_cost_100m_yuan."):
        lever = name.split(".", 1)[1]
        return f"{'政策成本' if lang == 'zh' else 'Lever cost'}: {lever}"
    return name


def indicator_unit(name: str, lang: str = "en") -> str:
    """The unit of an indicator ('' when unknown)."""
    if name in INDICATORS:
        return INDICATORS[name][3 if lang == "zh" else 2]
    if name.startswith("lever_cost_100m_yuan."):
        return "亿元 / 年" if lang == "zh" else "100m yuan per year"
    return ""


def with_unit(name: str, lang: str = "en") -> str:
    """'label (unit)'."""
    unit = indicator_unit(name, lang)
    label = indicator_label(name, lang)
    if not unit:
        return label
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def dimension_label(key: str, lang: str = "en") -> str:
    """Title of a goal dimension ('income', 'public_services', 'infrastructure',
    'gdp_per_capita' or 'all')."""
    return text(f"dim.{key}", lang)


@functools.lru_cache(maxsize=1)
def _provinces() -> dict[str, tuple[str, str, str]]:
    """name_en → (abbr, short Chinese name, region group)."""
    data = load_provincial_data()
    prov = data.provinces
    tiles = data.tile_grid
    out = {}
    for code, row in prov.iterrows():
        out[str(row["name_en"])] = (str(tiles.loc[code, "abbr"]), str(row["name_zh_short"]),
                                    str(row["region4"]))
    return out


def province_label(name_en: str, lang: str = "en", *, short: bool = False) -> str:
    """A province's display name: Chinese short name for zh; English (shortened if asked)."""
    info = _provinces().get(name_en)
    if lang == "zh" and info is not None:
        return info[1]
    return SHORT_EN.get(name_en, name_en) if short else name_en


def west_provinces() -> list[str]:
    """The 12 western provinces by name_en, in the data's order."""
    return [n for n, (_, _, region) in _provinces().items() if region == "West"]
