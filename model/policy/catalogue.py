"""The lever catalogue: every policy measure of the 2020 guideline as a typed, cited lever.

Each `LeverSpec` names one instrument of the guideline (articles cited as §N, the guideline's
own numbering （一）…（三十六） = §1…§36), its unit and allowed range, its value as policy stood in
2019 (the `baseline` scenario), the value the `guideline` scenario uses, the value of the
`no_policy` counterfactual (western preferences off; national measures stay as in 2019), the
mechanism it drives in the model and the function where that mechanism lives.
`westdev levers` and `docs/levers.md` are generated from this table.

May import: nothing from westdev (the inputs and the economy read it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LeverKind = Literal["float", "bool", "choice"]

AREAS: tuple[str, ...] = (
    "fiscal",
    "finance",
    "industry",
    "energy",
    "land",
    "talent",
    "innovation",
    "infrastructure",
    "opening",
    "public_services",
    "ecology",
)


@dataclass(frozen=True, slots=True)
class LeverSpec:
    """One policy lever: what it is, where it comes from, and what it does in the model."""

    area: str
    key: str
    kind: LeverKind
    unit: str
    value_2019: float | bool | str
    value_guideline: float | bool | str
    value_no_policy: float | bool | str
    articles: tuple[int, ...]
    meaning: str
    mechanism: str
    code: str
    bounds: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    basis: str = ""
    west_preference: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Dotted name used in scenario files, result indicators and charts."""
        return f"{self.area}.{self.key}"

    @property
    def cited(self) -> str:
        """Articles as '§30, §35'."""
        return ", ".join(f"§{a}" for a in self.articles)

    def allowed(self) -> str:
        """Human-readable allowed values, for error messages."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return " | ".join(repr(c) for c in self.choices)
        lo, hi = self.bounds  # type: ignore[misc]
        return f"a number in [{lo:g}, {hi:g}] {self.unit}"


def _f(area, key, unit, v2019, vguide, vnone, arts, bounds, meaning, mechanism, code, basis,
       west_preference=True) -> LeverSpec:
    return LeverSpec(area, key, "float", unit, float(v2019), float(vguide), float(vnone),
                     tuple(arts), meaning, mechanism, code, bounds=bounds, basis=basis,
                     west_preference=west_preference)


def _b(area, key, v2019, vguide, vnone, arts, meaning, mechanism, code, basis,
       west_preference=True) -> LeverSpec:
    return LeverSpec(area, key, "bool", "on/off", bool(v2019), bool(vguide), bool(vnone),
                     tuple(arts), meaning, mechanism, code, basis=basis,
                     west_preference=west_preference)


_LEVERS: list[LeverSpec] = [
    # ------------------------------------------------------------------ fiscal (§30, §35)
    _f("fiscal", "west_transfer_coefficient", "ratio", 1.2, 1.35, 1.0, [30], (0.0, 3.0),
       "Weight on western provinces in the formula (equalising) transfer; 1 = same as other provinces.",
       "Multiplies the fiscal gap that the central formula transfer fills for western provinces.",
       "westdev.economy.government.formula_transfer",
       "2019: assumed 1.2, the west's tilt in the formula (加大资金分配系数) before the guideline; "
       "guideline 'continue to raise' → 1.35; no_policy 1.0."),
    _f("fiscal", "west_cofinancing_share", "share", 0.3, 0.2, 0.5, [30], (0.0, 1.0),
       "Local co-financing share required for centrally funded projects in the west.",
       "Lower share → a province whose budget binds builds more of its planned projects (more "
       "infrastructure per local yuan), the centre paying the rest.",
       "westdev.economy.government.project_funding",
       "Guideline §30: 降低地方财政投入比例. No_policy applies the national share assumed for the east (0.5)."),
    _b("fiscal", "transfers_in_bond_capacity", False, True, False, [30],
       "Count general transfers in fiscal capacity when the debt ceiling is set.",
       "Raises the debt ceiling of transfer-dependent provinces (ceiling = limit × capacity).",
       "westdev.economy.government.debt_ceiling",
       "§30: 将中央财政一般性转移支付收入纳入地方政府财政承受能力计算范畴 — new in 2020."),
    _f("fiscal", "ecological_transfer_yuan_per_km2", "yuan/km² protected", 20_000.0, 30_000.0,
       20_000.0, [14, 30], (0.0, 200_000.0),
       "Central transfer per km² of key ecological function zone (重点生态功能区转移支付).",
       "Pays each province for its protected land; a national programme that the guideline raises.",
       "westdev.economy.model.WestDevModel._budgets",
       "2019: assumed ≈2×10^4 yuan/km² (order of the national programme divided by the zone area); "
       "guideline '继续加大' → +50 %; no_policy keeps 2019 (national programme).",
       west_preference=False),
    _f("fiscal", "cit_rate_encouraged_west", "rate", 0.15, 0.15, 0.25, [30], (0.0, 0.25),
       "Corporate income tax rate for encouraged-industry firms in the west (standard rate 25 %).",
       "Raises after-tax profit of eligible firms: lower user cost of capital (investment), more "
       "entry and relocation into the west.",
       "westdev.economy.model.WestDevModel._firm_tax_rates",
       "§30: 鼓励类产业企业所得税优惠…到期后继续执行 — 15 % continued; no_policy 25 %."),
    _b("fiscal", "equipment_duty_exemption", True, True, False, [30],
       "Duty exemption on imported equipment for encouraged projects in the west.",
       "Lowers the price of capital goods for eligible western firms (imported share × tariff).",
       "westdev.economy.model.WestDevModel._user_cost",
       "§30: 免征关税 (in force since 2001, continued)."),
    _b("fiscal", "vat_general_taxpayer_special_zones", False, True, False, [12, 30],
       "VAT general-taxpayer status for firms in western customs special zones.",
       "Zone firms deduct input VAT on domestic sales, lowering their effective VAT on value added.",
       "westdev.economy.model.WestDevModel._capital_gap",
       "§30/§12: 赋予…增值税一般纳税人资格 — a pilot in 2019, generalised by the guideline."),
    _f("fiscal", "west_bond_quota_multiplier", "ratio", 1.0, 1.3, 1.0, [30], (0.0, 3.0),
       "Western provinces' local-government bond quota for infrastructure, relative to their GDP share.",
       "Scales the yearly new-bond quota of western provinces (still capped by the debt ceiling).",
       "westdev.economy.government.new_borrowing",
       "§30: 加大地方政府债券对基础设施建设的支持力度 → 1.3; 2019 1.0 (GDP-proportional)."),
    _f("fiscal", "pairing_assistance_pct_donor_revenue", "% of donor own revenue", 0.1, 0.12, 0.0,
       [35], (0.0, 1.0),
       "Pairing assistance (对口支援/东西部协作): horizontal transfer from named eastern donors, "
       "as a percentage of the donor's own budget revenue.",
       "Moves money from donor to recipient budgets (booked in both), and with it cadres and firms: "
       "raises recipients' public-service staff quality and firm entry in proportion to the "
       "assistance received.",
       "westdev.economy.model.WestDevModel._budgets",
       "Rule of thumb of the programmes: donors give about 1‰ of own revenue (0.1 %); guideline "
       "'深入开展' → 0.12 %; no_policy 0."),
    # ------------------------------------------------------------------ finance (§31)
    _f("finance", "small_firm_spread_cut_pp", "percentage points", 0.0, 0.5, 0.0, [31], (0.0, 3.0),
       "Cut in the loan spread for small and micro firms in the west.",
       "Lowers the cost of capital (user cost) of small western firms: more investment.",
       "westdev.economy.model.WestDevModel._user_cost",
       "§31: 加大对西部地区小微企业融资支持力度; 0.5 pp assumed for the guideline."),
    _f("finance", "green_credit_share", "share", 0.1, 0.25, 0.1, [17, 31], (0.0, 1.0),
       "Share of western firm credit lent as green credit at a discount.",
       "Lowers the average cost of capital of western firms by share × green discount.",
       "westdev.economy.model.WestDevModel._user_cost",
       "§31: 增加绿色金融供给; 2019 share assumed 0.1."),
    _f("finance", "infrastructure_risk_sharing", "share", 0.0, 0.3, 0.0, [31], (0.0, 1.0),
       "Share of western infrastructure-finance risk borne by a central risk-sharing mechanism.",
       "Lowers the interest rate on western provincial debt (spread × (1 − share)).",
       "westdev.economy.model.WestDevModel._budgets",
       "§31: 探索建立西部地区基础设施领域融资风险分担机制 — new; 0.3 assumed."),
    # ------------------------------------------------------------------ industry (§3, §4, §12, §13, §32)
    _f("industry", "encouraged_catalogue_coverage", "share of western firms", 0.5, 0.6, 0.0,
       [3, 32], (0.0, 1.0),
       "Share of western industry and service firms whose line is in the encouraged-industry catalogue.",
       "Sets which firms are eligible for the 15 % CIT, the duty exemption and entry incentives.",
       "westdev.economy.model.WestDevModel._firm_tax_rates",
       "§32: 鼓励类产业目录…动态调整; coverage 0.5 assumed for 2019, widened to 0.6."),
    _f("industry", "fdi_catalogue_entry_boost", "share", 0.0, 0.1, 0.0, [12, 32], (0.0, 1.0),
       "Extra entry of foreign-invested firms into the west under the advantage-industry catalogue.",
       "Raises the entry rate of western tradable firms and draws them from a higher productivity band.",
       "westdev.economy.model.WestDevModel._firm_dynamics",
       "§32: 适时修订中西部地区外商投资优势产业目录; 10 % more entry assumed."),
    _f("industry", "relocation_support_share", "share of moving cost", 0.1, 0.3, 0.0,
       [12, 32], (0.0, 1.0),
       "Share of a firm's moving cost paid by industrial-transfer support when it moves west.",
       "Lowers the moving cost that the profit gap must beat for moves into the west (booked as subsidy).",
       "westdev.economy.model.WestDevModel._relocate",
       "§12/§32: 产业转移引导政策, 产业转移示范区; 0.1 assumed for 2019."),
    _f("industry", "local_processing_share", "share", 0.3, 0.5, 0.3, [4, 32], (0.0, 1.0),
       "Share of western energy and resource output processed where it is extracted.",
       "Keeps more of the processing value added in western resource provinces (price premium).",
       "westdev.economy.model.WestDevModel._update_gate_prices",
       "§32: 就地加工转化的能源、资源开发利用项目…优先布局; 2019 share assumed 0.3."),
    _b("industry", "energy_intensive_to_clean_west", False, True, False, [4, 16],
       "Steer energy-intensive industry to western clean-energy provinces (within energy-use control).",
       "Energy-intensive firms count the western power-price advantage in relocation, up to the "
       "energy-consumption cap of each province.",
       "westdev.economy.model.WestDevModel._relocate",
       "§4: 支持…高载能行业向西部清洁能源优势地区集中; §16 能耗双控 caps it."),
    _f("industry", "enclave_tax_share_to_origin", "share", 0.0, 0.4, 0.0, [13], (0.0, 1.0),
       "Share of local taxes of firms relocated east→west into co-built enclave parks returned to "
       "the origin province (飞地经济).",
       "Books a horizontal flow from the western host to the eastern origin; lowers the moving cost "
       "of east→west relocation (the origin helps the move).",
       "westdev.economy.model.WestDevModel._incomes",
       "§13: 支持跨区域共建产业园区, 鼓励探索'飞地经济'; 0.4 assumed."),
    _f("industry", "employer_si_rate", "rate", 0.16, 0.16, 0.16, [32], (0.0, 0.4),
       "Employer pension contribution rate (national).",
       "Part of labour cost (lowers hiring and profit); finances the social-insurance fund.",
       "westdev.economy.government.social_insurance",
       "§32: 适当降低社会保险费率 — cut to 16 % nationally in 2019; national, not a western preference.",
       west_preference=False),
    _f("industry", "negative_list_entry_barrier", "share of potential entry blocked", 0.1, 0.05,
       0.1, [20, 32], (0.0, 1.0),
       "National market-access negative list: share of potential entrants blocked.",
       "Scales entry in every province alike (national and uniform, not a western preference).",
       "westdev.economy.model.WestDevModel._firm_dynamics",
       "§20/§32: 全国统一的市场准入负面清单, '非禁即入'.", west_preference=False),
    # ------------------------------------------------------------------ energy (§4, §17)
    _f("energy", "west_east_transmission_index", "index 2019 = 1", 1.0, 1.6, 1.0, [4], (0.0, 5.0),
       "West-to-east power transmission capacity (西电东送), index.",
       "Raises the price western energy producers get (less curtailment, access to eastern demand).",
       "westdev.economy.model.WestDevModel._update_gate_prices",
       "§4: 继续加大西电东送…建设 → +60 % by 2035 assumed."),
    _f("energy", "west_power_price_discount", "share", 0.2, 0.3, 0.1, [17], (0.0, 0.6),
       "How much cheaper industrial power is in the west under market-based pricing.",
       "Lowers costs of western energy-intensive firms (power-cost share × discount → productivity wedge).",
       "westdev.economy.model.WestDevModel._cost_wedge",
       "§17: 有序放开竞争性环节电价. Assumed: western industrial power 20 % cheaper in 2019 "
       "(endowment and the first market reforms), 30 % with market pricing; 10 % under "
       "regulated prices (no_policy)."),
    # ------------------------------------------------------------------ land (§17, §33)
    _f("land", "west_quota_share", "share of national new quota", 0.35, 0.4, 0.27, [33], (0.0, 1.0),
       "West share of the national new construction-land quota.",
       "Caps land for firm entry and expansion by province.",
       "westdev.economy.markets.land.allocate_quota",
       "§33: 新增建设用地指标进一步向西部地区倾斜; no_policy = the west's population share (≈0.27)."),
    _f("land", "unused_land_quota_km2", "km²/yr", 0.0, 300.0, 0.0, [17, 33], (0.0, 5_000.0),
       "Extra quota on unused land (desert, Gobi, barren hills) for western provinces.",
       "Adds to the construction-land quota of western provinces with unprotected unused land.",
       "westdev.economy.markets.land.allocate_quota",
       "§33: 合理增加荒山、沙地、戈壁等未利用土地开发建设指标; 300 km²/yr assumed."),
    _f("land", "quota_trading_share", "share of surplus quota", 0.0, 0.5, 0.0, [33], (0.0, 1.0),
       "Share of western surplus construction-land quota sold across provinces under national management.",
       "Land quota goes east (more eastern land supply), money goes west (non-tax revenue).",
       "westdev.economy.markets.land.clear",
       "§33: 跨省域调剂 — from poorer western provinces to the east; 0.5 assumed."),
    # ------------------------------------------------------------------ talent (§21, §22, §34)
    _f("talent", "public_servant_wage_premium", "share", 0.1, 0.2, 0.0, [34], (0.0, 1.0),
       "Wage premium for public servants, teachers, doctors and scientists in the west.",
       "Raises the quality of public services per yuan (retention) and their cost.",
       "westdev.economy.model.WestDevModel._update_public_capital",
       "§34: 落实完善工资待遇倾斜政策; 2019 premium assumed 10 %."),
    _f("talent", "skilled_migrant_incentive_yuan", "yuan per skilled migrant per year", 0.0,
       10_000.0, 0.0, [21, 34], (0.0, 100_000.0),
       "Yearly incentive paid to skilled workers who move to the west.",
       "Enters the migration utility of skilled workers for western destinations; paid from budgets.",
       "westdev.economy.markets.migration.MigrationModel.utilities",
       "§21/§34: 加大对高校毕业生在西部地区就业的扶持力度; 10,000 yuan assumed."),
    _f("talent", "higher_education_seats_growth", "%/yr", 0.0, 2.0, 0.0, [2, 22], (0.0, 10.0),
       "Yearly growth of higher-education and vocational seats in the west beyond trend.",
       "Raises the skill-upgrading rate of young western workers.",
       "westdev.economy.agents.workers.upgrade_skills",
       "§2/§22: 应用型本科高校、高职学校; 2 %/yr assumed."),
    _f("talent", "vocational_training_rate", "share of low-skilled per year", 0.005, 0.01, 0.005,
       [21], (0.0, 0.2),
       "Share of low-skilled western workers trained to skilled each year.",
       "Adds to skill upgrading of all working ages in the west; costs the budget per trainee.",
       "westdev.economy.agents.workers.upgrade_skills",
       "§21: 终身职业技能培训; 0.5 % assumed for 2019, doubled."),
    _f("talent", "return_entrepreneurship_support", "share", 0.0, 0.05, 0.0, [21], (0.0, 1.0),
       "Support to migrants returning home to start firms (返乡创业).",
       "Raises firm entry in western provinces in proportion to their returning migrants.",
       "westdev.economy.model.WestDevModel._return_entrepreneurship",
       "§21: 积极引导…农民工返乡创业就业; 5 % more entry per returner share assumed."),
    # ------------------------------------------------------------------ innovation (§2, §18)
    _f("innovation", "platforms_index", "index 2019 = 1", 1.0, 1.5, 1.0, [2, 18], (0.0, 5.0),
       "National innovation platforms and large science facilities in the west, index.",
       "Raises the speed at which western firms catch up with the productivity frontier.",
       "westdev.economy.model.WestDevModel._catch_up",
       "§2: 优先布局建设国家级创新平台和大科学装置 → +50 % by 2035 assumed."),
    # ------------------------------------------------------------------ infrastructure (§6, §9)
    _f("infrastructure", "transport_investment_pct_gdp", "% of western GDP", 3.0, 4.0, 2.0,
       [6, 9], (0.0, 20.0),
       "Centrally planned transport projects in the west (railways, highways, corridors), total "
       "value as % of western GDP; the centre pays all but the local co-financing share.",
       "Builds infrastructure capital → network quality → market access, lower trade costs.",
       "westdev.economy.government.project_funding",
       "§6: 加强横贯东西、纵贯南北的运输通道建设; 2019 assumed 3 % of western GDP; no_policy "
       "the national average intensity (2 %)."),
    _f("infrastructure", "water_information_pct_gdp", "% of western GDP", 1.0, 1.5, 0.8, [6],
       (0.0, 10.0),
       "Centrally planned water-conservancy and information-network projects in the west, % of "
       "western GDP.",
       "Adds to infrastructure capital: network quality, market access and through it location "
       "productivity and trade costs.",
       "westdev.economy.government.project_funding",
       "§6: 水源工程…信息网络覆盖; assumed shares."),
    _f("infrastructure", "remote_coverage", "share", 0.5, 0.8, 0.5, [5, 6], (0.0, 1.0),
       "Coverage of rural and remote areas by networks and services.",
       "Lowers the extra cost of delivering public services where population is sparse.",
       "westdev.economy.model.WestDevModel.delivery_cost",
       "§6: 进一步提高农村、边远地区信息网络覆盖水平; 0.5 assumed for 2019."),
    # ------------------------------------------------------------------ opening (§8–§12)
    _f("opening", "corridor_trade_cost_cut", "share of foreign trade cost", 0.0, 0.2, 0.0,
       [8, 9], (0.0, 0.9),
       "Cut in western firms' foreign trade costs from the land–sea corridor and China–Europe rail.",
       "Raises the price western tradable firms get from foreign demand.",
       "westdev.economy.model.WestDevModel._update_gate_prices",
       "§9: 西部陆海新通道, 中欧班列; 20 % cut by 2035 assumed."),
    _f("opening", "border_trade_boost", "share", 0.0, 0.1, 0.0, [11], (0.0, 1.0),
       "Border trade and cross-border zones: extra foreign demand reached by border provinces.",
       "Raises the foreign-demand share of western border provinces' tradables.",
       "westdev.economy.model.WestDevModel._update_gate_prices",
       "§11: 沿边重点开发开放试验区, 边民互市; 10 % assumed."),
    _f("opening", "free_trade_zones_index", "index 2019 = 1", 1.0, 1.5, 0.5, [10, 12], (0.0, 5.0),
       "Free-trade zones and open platforms in the west, index (FTZs of 2017 and 2019 = 1).",
       "Raises foreign-firm entry and the foreign-demand reach of western firms.",
       "westdev.economy.model.WestDevModel._update_gate_prices",
       "§10: 支持西部地区自由贸易试验区…先行先试; no_policy halves the 2019 platforms."),
    # ------------------------------------------------------------------ public services, hukou, SI (§5, §22–§27)
    _f("public_services", "migrant_access_share", "share", 0.5, 0.9, 0.5, [5], (0.0, 1.0),
       "Share of local basic public services that residents without local hukou can use (national).",
       "Lowers the hukou cost of migration and widens who the public-service budget serves.",
       "westdev.economy.markets.migration.MigrationModel.utilities",
       "§5: 推动基本公共服务常住人口全覆盖; national reform, so no_policy keeps 2019.",
       west_preference=False),
    _f("public_services", "health_education_share_west", "share of western budget", 0.35, 0.4,
       0.35, [22, 23, 25, 26], (0.0, 0.9),
       "Share of western provincial spending on health, education and social services.",
       "Moves budget from other uses into public-service capital.",
       "westdev.economy.agents.province.Province.allocate_budget",
       "§22–§26; 2019 share assumed 0.35."),
    LeverSpec("public_services", "pension_pooling", "choice", "level", "provincial", "national",
              "provincial", (24,),
              "Level at which pensions are pooled and insurance made portable (§24).",
              "National pooling lowers the portability cost of migration and shares fund balances "
              "across provinces.",
              "westdev.economy.government.social_insurance",
              choices=("county", "provincial", "national"),
              basis="§24: 加快推进养老保险省级统筹…医疗保险关系转移接续; national reform.",
              west_preference=False),
    # ------------------------------------------------------------------ ecology (§14–§16)
    _f("ecology", "protected_share_west", "share of land area", 0.4, 0.45, 0.4, [14, 15],
       (0.0, 0.9),
       "Share of western land area in key ecological function zones and protected areas.",
       "Constrains unused-land quota and earns ecological transfers per km².",
       "westdev.economy.model.WestDevModel._budgets",
       "§14: 自然保护地体系建设; 0.4 assumed for 2019."),
    _f("ecology", "eco_compensation_yuan_per_km2", "yuan/km² protected", 0.0, 5_000.0, 0.0,
       [15, 17], (0.0, 100_000.0),
       "Market-based horizontal ecological compensation paid by downstream eastern provinces per "
       "km² of western protected land.",
       "Horizontal transfer east → west, booked in both budgets.",
       "westdev.economy.model.WestDevModel._budgets",
       "§17: 建立健全市场化、多元化生态保护补偿机制; 5,000 yuan/km² assumed."),
    _f("ecology", "energy_cap_growth", "%/yr", 5.0, 3.0, 5.0, [16], (0.0, 20.0),
       "Energy-consumption control: maximum yearly growth of energy-intensive output per province.",
       "Caps expansion and inward relocation of energy-intensive firms.",
       "westdev.economy.model.WestDevModel._firm_dynamics",
       "§16: 能源消耗总量和强度双控制度; national rule, tightened.", west_preference=False),
]

LEVERS: dict[str, LeverSpec] = {lever.name: lever for lever in _LEVERS}


def levers_in_area(area: str) -> list[LeverSpec]:
    """The levers of one area, in catalogue order."""
    return [lever for lever in _LEVERS if lever.area == area]


def default_values(which: Literal["2019", "guideline", "no_policy"] = "2019") -> dict:
    """Lever values of one of the three reference policies, by dotted name."""
    attr = {"2019": "value_2019", "guideline": "value_guideline",
            "no_policy": "value_no_policy"}[which]
    return {name: getattr(spec, attr) for name, spec in LEVERS.items()}
