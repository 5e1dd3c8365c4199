"""Reader-facing names of scenarios, levers and factors, in English and Chinese.

Charts and reports name what a reader knows — "2020 guideline", "Western weight in formula
transfers" — not the code names (``guideline``, ``fiscal.west_transfer_coefficient``). The
tables here are the one place those names are written:

- `SCENARIO_TITLES`: every shipped scenario (``scenarios/*.toml``; a test keeps the table
  complete), a short title in each language. A scenario not in the table (a user's own file,
  a variant built in code) is shown by its own name, which its author chose.
- `LEVER_TITLES`: every lever of the catalogue (`westdev.policy.catalogue`; a test keeps it
  complete): a short English title (the catalogue's ``meaning`` is a sentence, too long for a
  legend or an axis) and the Chinese name the explorer's lever panels show (``LEVER_ZH``; the
  explorer reads it from here). The Chinese names were written for the explorer and should be
  read by a native speaker before a report quotes them.
- `UNIT_ZH`: the catalogue's units in Chinese.

May import: what `westdev.charts` may import (nothing from westdev is needed).
"""

from __future__ import annotations

import re

# scenario name → (English, Chinese)
SCENARIO_TITLES: dict[str, tuple[str, str]] = {
    "baseline": ("2019 policy (baseline)", "2019 年政策（基准）"),
    "guideline": ("2020 guideline", "2020 年指导意见"),
    "no_policy": ("No western policy", "无西部优惠政策"),
    "enacted_2020_2024": ("Enacted 2020–2024", "2020–2024 年已实施"),
    "fiscal_only": ("Guideline: fiscal and tax only", "指导意见：仅财税支持"),
    "finance_only": ("Guideline: finance only", "指导意见：仅金融支持"),
    "industry_only": ("Guideline: industry only", "指导意见：仅产业政策"),
    "energy_only": ("Guideline: energy only", "指导意见：仅能源"),
    "land_only": ("Guideline: land only", "指导意见：仅用地政策"),
    "talent_only": ("Guideline: talent only", "指导意见：仅人才政策"),
    "innovation_only": ("Guideline: innovation only", "指导意见：仅科技创新"),
    "infrastructure_only": ("Guideline: infrastructure only", "指导意见：仅基础设施"),
    "opening_only": ("Guideline: opening up only", "指导意见：仅对外开放"),
    "public_services_only": ("Guideline: public services only", "指导意见：仅公共服务"),
    "ecology_only": ("Guideline: ecology only", "指导意见：仅生态保护"),
    "history_2000_2019": ("History 2000–2019", "2000–2019 年历史"),
    "history_no_western_development": ("2000–2019 without western development",
                                       "2000–2019 年（无西部大开发）"),
}

# lever (area.key) → (short English title, Chinese name)
LEVER_TITLES: dict[str, tuple[str, str]] = {
    "fiscal.west_transfer_coefficient": ("Western weight in formula transfers",
                                         "西部地区一般性转移支付分配系数"),
    "fiscal.west_cofinancing_share": ("Local co-financing of central projects",
                                      "中央投资项目西部地方配套比例"),
    "fiscal.transfers_in_bond_capacity": ("Transfers counted in debt capacity",
                                          "一般性转移支付纳入地方财政承受能力"),
    "fiscal.ecological_transfer_yuan_per_km2": ("Ecological transfer per km²",
                                                "重点生态功能区转移支付（每平方公里）"),
    "fiscal.transition_funds_100m_yuan": ("Poverty-consolidation funds",
                                          "巩固脱贫成果衔接资金（超出2019年专项扶贫资金部分）"),
    "fiscal.cit_rate_encouraged_west": ("CIT rate, encouraged western firms",
                                        "西部鼓励类产业企业所得税率"),
    "fiscal.equipment_duty_exemption": ("Equipment import-duty exemption",
                                        "鼓励类项目进口自用设备免征关税"),
    "fiscal.vat_general_taxpayer_special_zones": ("VAT status in special customs zones",
                                                  "海关特殊监管区域企业增值税一般纳税人资格"),
    "fiscal.west_bond_quota_multiplier": ("Western bond quota",
                                          "西部地方政府债券额度倍数"),
    "fiscal.pairing_assistance_pct_donor_revenue": ("Pairing assistance from the East",
                                                    "对口支援与东西部协作（占援助方本级收入）"),
    "finance.small_firm_spread_cut_pp": ("Loan-spread cut, small firms",
                                         "西部小微企业贷款利差下调"),
    "finance.green_credit_share": ("Green credit share", "西部绿色信贷占比"),
    "finance.infrastructure_risk_sharing": ("Central risk sharing, infrastructure",
                                            "西部基础设施融资风险分担比例"),
    "industry.encouraged_catalogue_coverage": ("Encouraged-industry catalogue coverage",
                                               "鼓励类产业目录覆盖面"),
    "industry.fdi_catalogue_entry_boost": ("Foreign-firm entry (FDI catalogue)",
                                           "外商投资优势产业目录带来的新增进入"),
    "industry.relocation_support_share": ("Support for firms moving west",
                                          "产业转移搬迁成本补助比例"),
    "industry.local_processing_share": ("Local processing of resources",
                                        "能源资源就地加工转化比例"),
    "industry.energy_intensive_to_clean_west": ("Energy-intensive industry to clean West",
                                                "高载能产业向西部清洁能源优势地区集中"),
    "industry.enclave_tax_share_to_origin": ("Enclave-park tax share to origin",
                                             "飞地经济税收分享给迁出地的比例"),
    "industry.employer_si_rate": ("Employer pension contribution rate",
                                  "企业养老保险缴费率（全国）"),
    "industry.negative_list_entry_barrier": ("Negative list: entry blocked",
                                             "市场准入负面清单阻止的潜在进入（全国）"),
    "energy.west_east_transmission_index": ("West–east power transmission",
                                            "西电东送输电能力指数"),
    "energy.west_power_price_discount": ("Western industrial power discount",
                                         "西部工业电价优势"),
    "land.west_quota_share": ("Western share of land quota", "西部新增建设用地指标占比"),
    "land.unused_land_quota_km2": ("Quota on unused land", "荒山、沙地、戈壁等未利用地开发建设指标"),
    "land.quota_trading_share": ("Land-quota trading", "建设用地指标跨省域调剂比例"),
    "talent.public_servant_wage_premium": ("Western public-sector wage premium",
                                           "西部公务员、教师、医生和科研人员工资倾斜"),
    "talent.skilled_migrant_incentive_yuan": ("Incentive for skilled movers",
                                              "赴西部就业高技能人才补贴"),
    "talent.higher_education_seats_growth": ("Growth of higher-education seats",
                                             "西部应用型本科与高职学位增速"),
    "talent.vocational_training_rate": ("Vocational training rate",
                                        "低技能劳动者职业技能培训率"),
    "talent.return_entrepreneurship_support": ("Returning-migrant start-ups",
                                               "农民工返乡创业支持"),
    "innovation.platforms_index": ("Innovation platforms", "国家级创新平台和大科学装置指数"),
    "infrastructure.transport_investment_pct_gdp": ("Transport investment",
                                                    "西部交通运输通道项目（占西部GDP）"),
    "infrastructure.water_information_pct_gdp": ("Water and network investment",
                                                 "水利与信息网络项目（占西部GDP）"),
    "infrastructure.remote_coverage": ("Rural and remote coverage",
                                       "农村和边远地区网络与服务覆盖率"),
    "opening.corridor_trade_cost_cut": ("Trade-cost cut (land–sea corridor)",
                                        "西部陆海新通道与中欧班列降低的外贸成本"),
    "opening.border_trade_boost": ("Border trade", "沿边开放与边境贸易带来的外需"),
    "opening.free_trade_zones_index": ("Free-trade zones", "自由贸易试验区与开放平台指数"),
    "public_services.migrant_access_share": ("Migrants' access to public services",
                                             "常住人口（无本地户籍）享有基本公共服务比例（全国）"),
    "public_services.hukou_settlement_rate": ("Extra hukou settlement",
                                              "非本地户籍常住人口每年落户比例（额外，全国）"),
    "public_services.health_education_share_west": ("Health and education spending share",
                                                    "西部卫生、教育与社会服务支出占比"),
    "public_services.pension_pooling": ("Pension pooling level", "养老保险统筹层级（全国）"),
    "ecology.protected_share_west": ("Protected share of western land",
                                     "西部重点生态功能区与自然保护地占比"),
    "ecology.eco_compensation_yuan_per_km2": ("Horizontal eco-compensation per km²",
                                              "市场化横向生态保护补偿（每平方公里）"),
    "ecology.energy_cap_growth": ("Energy-use cap growth", "能耗双控：高载能产出年增长上限"),
}

LEVER_ZH: dict[str, str] = {name: zh for name, (_, zh) in LEVER_TITLES.items()}

UNIT_ZH: dict[str, str] = {
    "ratio": "比值",
    "share": "比例",
    "rate": "税（费）率",
    "on/off": "开 / 关",
    "level": "层级",
    "yuan/km² protected": "元 / 平方公里保护面积",
    "100m yuan/yr": "亿元 / 年",
    "share of non-local residents per year": "占非本地户籍常住人口比例 / 年",
    "percent of donor own revenue (0.6 = 0.6 %)": "占援助方本级收入的百分数（0.6 = 0.6 %）",
    "percentage points": "百分点",
    "share of western firms": "占西部企业比例",
    "share of moving cost": "占搬迁成本比例",
    "share of potential entry blocked": "被阻止的潜在进入比例",
    "index 2019 = 1": "指数，2019 = 1",
    "share of national new quota": "占全国新增指标比例",
    "km²/yr": "平方公里 / 年",
    "share of surplus quota": "占富余指标比例",
    "yuan per skilled migrant per year": "元 / 人 / 年",
    "%/yr": "% / 年",
    "share of low-skilled per year": "占低技能劳动者比例 / 年",
    "% of western GDP": "占西部GDP %",
    "share of foreign trade cost": "占对外贸易成本比例",
    "share of western budget": "占西部预算比例",
    "share of land area": "占土地面积比例",
}

_MIX = re.compile(r"^(?P<scenario>.+?) (?P<point>p\d+)$")  # a sweep's design point: "name p3"
_PARAMETER = {"en": "parameter", "zh": "参数"}
_EXOGENOUS = {"en": "path", "zh": "外生路径"}


def scenario_label(name: str, lang: str = "en") -> str:
    """A scenario's reader-facing title (its own name when it has none); a sweep's design
    point ``"<scenario> p3"`` keeps its point: ``"2020 guideline p3"``."""
    name = str(name)
    m = _MIX.match(name)
    if m and m.group("scenario") in SCENARIO_TITLES:
        return f"{scenario_label(m.group('scenario'), lang)} {m.group('point')}"
    titles = SCENARIO_TITLES.get(name)
    if titles is None:
        return name
    return titles[1] if lang == "zh" else titles[0]


def lever_label(name: str, lang: str = "en") -> str:
    """A lever's short title (``area.key`` or ``levers.area.key``); unknown names unchanged."""
    key = name[len("levers."):] if name.startswith("levers.") else name
    titles = LEVER_TITLES.get(key)
    if titles is None:
        return key
    return titles[1] if lang == "zh" else titles[0]


def factor_label(name: str, lang: str = "en") -> str:
    """A design factor's title: a lever's title; a parameter or exogenous path keeps its
    dotted name, marked as such (``"migration.income_weight (parameter)"``)."""
    if name.startswith("levers.") or name in LEVER_TITLES:
        return lever_label(name, lang)
    for prefix, kind in (("parameters.", _PARAMETER), ("exogenous.", _EXOGENOUS)):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            return f"{rest}（{kind['zh']}）" if lang == "zh" else f"{rest} ({kind['en']})"
    return name


def unit_label(unit: str, lang: str = "en") -> str:
    """A catalogue unit in `lang`."""
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit
