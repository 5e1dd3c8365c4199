"""The lever catalogue: every policy measure of the 2020 guideline as a typed, cited lever.

Each `LeverSpec` names one instrument of the guideline (articles cited as §N, the guideline's
own numbering （一）…（三十六） = §1…§36), its unit and allowed range, its value as policy stood in
2019 (the `baseline` scenario), the value the `guideline` scenario uses, the value of the
`no_policy` counterfactual (western preferences off; national measures stay as in 2019), the
value as enacted 2020–2024 (the `enacted_2020_2024` scenario; a constant or a yearly schedule),
the mechanism it drives in the model and the function where that mechanism lives.

Every magnitude has a typed `Basis` (one `Evidence` each for the 2019, guideline and enacted
values): either the documents that set it (`documented`: title, issuer, number, date, where it
was read and the number it sets), or a range with its reasoning (`range`: an assumption), or
`definition` (an index, a measure that did not exist, a value carried unchanged). The bases live
in `bases.toml` next to this file; they are checked when this module is imported.
`westdev levers` and `docs/levers.md` are generated from this table.

May import: ``westdev.inputs.schedule`` (a yearly schedule, for the enacted values; imported
late, since the inputs read this table) and nothing else from westdev.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Literal

LeverKind = Literal["float", "bool", "choice"]
Value = float | bool | str
BasisStatus = Literal["documented", "range", "definition"]
STATUSES: tuple[str, ...] = ("documented", "range", "definition")
ACCESS: tuple[str, ...] = ("text", "report", "title")
WHICH: tuple[str, ...] = ("2019", "guideline", "enacted")
ENACTED_YEARS = (2019, 2035)  # enacted schedules start no earlier and end no later than these

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
class Document:
    """One source of a number: a State Council or ministry document, a budget report, a plan."""

    id: str
    title: str
    title_zh: str  # "" where the Chinese title was not seen in any reachable text
    issuer: str
    number: str  # the document number (文号), "" where none was seen
    date: str  # ISO date, year-month or year
    access: str  # "text" (its text reached), "report" (only a report of it), "title"
    urls: tuple[str, ...]
    note: str = ""

    @property
    def reached(self) -> bool:
        """True when the document's own text (or a verbatim quotation) was reached."""
        return self.access == "text"


@dataclass(frozen=True, slots=True)
class Citation:
    """A document and the number (or rule) it sets for one lever value."""

    document: Document
    sets: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """The basis of one value: documents, a range with its reasoning, or a definition."""

    status: BasisStatus
    note: str
    citations: tuple[Citation, ...] = ()
    range: tuple[float, float] | None = None

    @property
    def assumed(self) -> bool:
        """An assumption (no document sets the number): drawn from `range` in ensembles."""
        return self.status == "range"


@dataclass(frozen=True, slots=True)
class Basis:
    """The bases of a lever's 2019, guideline and enacted values."""

    v2019: Evidence
    guideline: Evidence
    enacted: Evidence

    @property
    def status(self) -> BasisStatus:
        """The status of the guideline value (what `westdev levers` marks)."""
        return self.guideline.status

    @property
    def guideline_range(self) -> tuple[float, float] | None:
        return self.guideline.range

    def of(self, which: str) -> Evidence:
        """The evidence of "2019", "guideline" or "enacted"."""
        return {"2019": self.v2019, "guideline": self.guideline, "enacted": self.enacted}[which]

    @property
    def documents(self) -> tuple[Document, ...]:
        """Every document cited for this lever, once, in order of first citation."""
        seen: dict[str, Document] = {}
        for ev in (self.v2019, self.guideline, self.enacted):
            for c in ev.citations:
                seen.setdefault(c.document.id, c.document)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class LeverSpec:
    """One policy lever: what it is, where it comes from, and what it does in the model."""

    area: str
    key: str
    kind: LeverKind
    unit: str
    value_2019: Value
    value_guideline: Value
    value_no_policy: Value
    articles: tuple[int, ...]
    meaning: str
    mechanism: str
    code: str
    bounds: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    west_preference: bool = True
    # the value as enacted 2020–2024: a constant or a schedule {year: value} (set from bases.toml)
    value_enacted: Value | dict[int, Value] | None = None
    basis: Basis | None = None
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Dotted name used in scenario files, result indicators and charts."""
        return f"{self.area}.{self.key}"

    @property
    def cited(self) -> str:
        """Articles as '§30, §35'."""
        return ", ".join(f"§{a}" for a in self.articles)

    @property
    def guideline_range(self) -> tuple[float, float] | None:
        """[low, high] of the guideline value when it is an assumption, else None."""
        return self.basis.guideline_range if self.basis is not None else None

    @property
    def enacted_points(self) -> dict[int, Value]:
        """The enacted value as schedule points ({2019: value} for a constant)."""
        v = self.value_enacted
        return dict(v) if isinstance(v, dict) else {ENACTED_YEARS[0]: v}  # type: ignore[dict-item]

    @property
    def enacted_changes(self) -> bool:
        """True when an enacted 2020–2024 measure moved the lever away from its 2019 value."""
        return any(v != self.value_2019 for v in self.enacted_points.values())

    def enacted_at(self, year: int) -> Value:
        """The enacted value in `year`, read like a scenario schedule (linear for numbers,
        steps for on/off and choices, flat outside the points)."""
        from westdev.inputs.schedule import Schedule  # inputs import this module: import late

        return Schedule.from_points(self.enacted_points, kind=self.kind, bounds=self.bounds,
                                    choices=self.choices).at(year)

    def evidence_of(self, value: Value) -> Evidence | None:
        """The basis a scenario's (final) value rests on: the guideline's, the enacted one's or
        2019's, whichever the value is (checked in that order); None for any other value (a
        user's own choice) or a lever without bases."""
        if self.basis is None:
            return None
        if value == self.value_guideline:
            return self.basis.guideline
        enacted = self.enacted_points
        if self.enacted_changes and value == enacted[max(enacted)]:
            return self.basis.enacted
        if value == self.value_2019:
            return self.basis.v2019
        return None

    @property
    def has_assumed_magnitude(self) -> bool:
        """True when any of its 2019, guideline or enacted values is a range assumption."""
        return self.basis is not None and any(
            self.basis.of(w).assumed for w in ("2019", "guideline", "enacted"))

    def allowed(self) -> str:
        """Human-readable allowed values, for error messages."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return " | ".join(repr(c) for c in self.choices)
        lo, hi = self.bounds  # type: ignore[misc]
        return f"a number in [{lo:g}, {hi:g}] {self.unit}"


def _f(area, key, unit, v2019, vguide, vnone, arts, bounds, meaning, mechanism, code,
       west_preference=True) -> LeverSpec:
    return LeverSpec(area, key, "float", unit, float(v2019), float(vguide), float(vnone),
                     tuple(arts), meaning, mechanism, code, bounds=bounds,
                     west_preference=west_preference)


def _b(area, key, v2019, vguide, vnone, arts, meaning, mechanism, code,
       west_preference=True) -> LeverSpec:
    return LeverSpec(area, key, "bool", "on/off", bool(v2019), bool(vguide), bool(vnone),
                     tuple(arts), meaning, mechanism, code, west_preference=west_preference)


_LEVERS: list[LeverSpec] = [
    # ------------------------------------------------------------------ fiscal (§30, §35)
    _f("fiscal", "west_transfer_coefficient", "ratio", 1.2, 1.35, 1.0, [30], (0.0, 3.0),
       "Weight on western provinces in the formula (equalising) transfer; 1 = same as other provinces.",
       "Multiplies the fiscal gap that the central formula transfer fills for western provinces.",
       "westdev.economy.government.rules.formula_transfer"),
    _f("fiscal", "west_cofinancing_share", "share", 0.3, 0.2, 0.5, [30], (0.0, 1.0),
       "Local co-financing share required for centrally funded projects in the west.",
       "Lower share → a province whose budget binds builds more of its planned projects (more "
       "infrastructure per local yuan), the centre paying the rest.",
       "westdev.economy.government.rules.project_funding"),
    _b("fiscal", "transfers_in_bond_capacity", False, True, False, [30],
       "Count general transfers in fiscal capacity when the debt ceiling is set.",
       "Raises the debt ceiling of transfer-dependent provinces (ceiling = limit × capacity).",
       "westdev.economy.government.rules.debt_ceiling"),
    _f("fiscal", "ecological_transfer_yuan_per_km2", "yuan/km² protected", 23_000.0, 40_000.0,
       23_000.0, [14, 30], (0.0, 200_000.0),
       "Central transfer per km² of key ecological function zone (重点生态功能区转移支付).",
       "Pays each province for its protected land; a national programme that the guideline raises.",
       "westdev.economy.government.budgets.budgets",
       west_preference=False),
    _f("fiscal", "transition_funds_100m_yuan", "100m yuan/yr", 0.0, 400.0, 0.0, [1],
       (0.0, 3000.0),
       "Central funds for consolidating poverty alleviation (过渡期衔接推进乡村振兴补助资金) beyond "
       "2019's special poverty funds (1,261亿元, which stay in the earmarked transfers).",
       "An earmarked central transfer to the provinces whose income per head is below the "
       "national mean, in proportion to their shortfall (population × income gap at the start), "
       "spent through each province's budget.",
       "westdev.economy.government.budgets.budgets", west_preference=False),
    _f("fiscal", "cit_rate_encouraged_west", "rate", 0.15, 0.15, 0.25, [30], (0.0, 0.25),
       "Corporate income tax rate for encouraged-industry firms in the west (standard rate 25 %).",
       "Raises after-tax profit of eligible firms: lower user cost of capital (investment), more "
       "entry and relocation into the west.",
       "westdev.economy.incomes.firm_tax_rates"),
    _b("fiscal", "equipment_duty_exemption", True, True, False, [30],
       "Duty exemption on imported equipment for encouraged projects in the west.",
       "Lowers the price of capital goods for eligible western firms (imported share × tariff).",
       "westdev.economy.firms.profitability.user_cost"),
    _b("fiscal", "vat_general_taxpayer_special_zones", False, True, False, [12, 30],
       "VAT general-taxpayer status for firms in western customs special zones.",
       "Zone firms deduct input VAT on domestic sales, lowering their effective VAT on value added.",
       "westdev.economy.firms.profitability.capital_gap"),
    _f("fiscal", "west_bond_quota_multiplier", "ratio", 1.0, 1.3, 1.0, [30], (0.0, 3.0),
       "Western provinces' local-government bond quota for infrastructure, relative to their GDP share.",
       "Scales the yearly new-bond quota of western provinces (still capped by the debt ceiling).",
       "westdev.economy.government.rules.new_borrowing"),
    _f("fiscal", "pairing_assistance_pct_donor_revenue", "percent of donor own revenue (0.6 = 0.6 %)", 0.6, 0.72, 0.0,
       [35], (0.0, 1.0),
       "Pairing assistance (对口支援/东西部协作): horizontal transfer from named eastern donors, "
       "as a percentage of the donor's own budget revenue.",
       "Moves money from donor to recipient budgets (booked in both), and with it cadres and firms: "
       "raises recipients' public-service staff quality and firm entry in proportion to the "
       "assistance received.",
       "westdev.economy.government.budgets.budgets"),
    # ------------------------------------------------------------------ finance (§31)
    _f("finance", "small_firm_spread_cut_pp", "percentage points", 0.0, 0.5, 0.0, [31], (0.0, 3.0),
       "Cut in the loan spread for small and micro firms in the west.",
       "Lowers the cost of capital (user cost) of small western firms: more investment.",
       "westdev.economy.firms.profitability.user_cost"),
    _f("finance", "green_credit_share", "share", 0.1, 0.25, 0.1, [17, 31], (0.0, 1.0),
       "Share of western firm credit lent as green credit at a discount.",
       "Lowers the average cost of capital of western firms by share × green discount.",
       "westdev.economy.firms.profitability.user_cost"),
    _f("finance", "infrastructure_risk_sharing", "share", 0.0, 0.3, 0.0, [31], (0.0, 1.0),
       "Share of western infrastructure-finance risk borne by a central risk-sharing mechanism.",
       "Lowers the interest rate on western provincial debt (spread × (1 − share)).",
       "westdev.economy.government.budgets.budgets"),
    # ------------------------------------------------------------------ industry (§3, §4, §12, §13, §32)
    _f("industry", "encouraged_catalogue_coverage", "share of western firms", 0.5, 0.6, 0.0,
       [3, 32], (0.0, 1.0),
       "Share of western industry and service firms whose line is in the encouraged-industry catalogue.",
       "Sets which firms are eligible for the 15 % CIT, the duty exemption and entry incentives.",
       "westdev.economy.incomes.firm_tax_rates"),
    _f("industry", "fdi_catalogue_entry_boost", "share", 0.0, 0.1, 0.0, [12, 32], (0.0, 1.0),
       "Extra entry of foreign-invested firms into the west under the advantage-industry catalogue.",
       "Raises the entry rate of western tradable firms and draws them from a higher productivity band.",
       "westdev.economy.firms.entry.entrant_agents"),
    _f("industry", "relocation_support_share", "share of moving cost", 0.1, 0.3, 0.0,
       [12, 32], (0.0, 1.0),
       "Share of a firm's moving cost paid by industrial-transfer support when it moves west.",
       "Lowers the moving cost that the profit gap must beat for moves into the west (booked as subsidy).",
       "westdev.economy.firms.relocation.relocate"),
    _f("industry", "local_processing_share", "share", 0.3, 0.5, 0.3, [4, 32], (0.0, 1.0),
       "Share of western energy and resource output processed where it is extracted.",
       "Keeps more of the processing value added in western resource provinces (price premium).",
       "westdev.economy.trade.update_gate_prices"),
    _b("industry", "energy_intensive_to_clean_west", False, True, False, [4, 16],
       "Steer energy-intensive industry to western clean-energy provinces (within energy-use control).",
       "Energy-intensive firms count the western power-price advantage in relocation, up to the "
       "energy-consumption cap of each province.",
       "westdev.economy.firms.relocation.relocate"),
    _f("industry", "enclave_tax_share_to_origin", "share", 0.0, 0.4, 0.0, [13], (0.0, 1.0),
       "Share of local taxes of firms relocated east→west into co-built enclave parks returned to "
       "the origin province (飞地经济).",
       "Books a horizontal flow from the western host to the eastern origin; lowers the moving cost "
       "of east→west relocation (the origin helps the move).",
       "westdev.economy.incomes.incomes"),
    _f("industry", "employer_si_rate", "rate", 0.16, 0.16, 0.16, [32], (0.0, 0.4),
       "Employer pension contribution rate (national).",
       "Part of labour cost (lowers hiring and profit); finances the social-insurance fund.",
       "westdev.economy.government.rules.social_insurance",
       west_preference=False),
    _f("industry", "negative_list_entry_barrier", "share of potential entry blocked", 0.1, 0.08,
       0.1, [20, 32], (0.0, 1.0),
       "National market-access negative list: share of potential entrants blocked.",
       "Scales entry in every province alike (national and uniform, not a western preference).",
       "westdev.economy.firms.entry.entrant_agents", west_preference=False),
    # ------------------------------------------------------------------ energy (§4, §17)
    _f("energy", "west_east_transmission_index", "index 2019 = 1", 1.0, 2.0, 1.0, [4], (0.0, 5.0),
       "West-to-east power transmission capacity (西电东送), index.",
       "Raises the price western energy producers get (less curtailment, access to eastern demand).",
       "westdev.economy.trade.update_gate_prices"),
    _f("energy", "west_power_price_discount", "share", 0.2, 0.3, 0.1, [17], (0.0, 0.6),
       "How much cheaper industrial power is in the west under market-based pricing.",
       "Lowers costs of western energy-intensive firms (power-cost share × discount → productivity wedge).",
       "westdev.economy.production.cost_wedge"),
    # ------------------------------------------------------------------ land (§17, §33)
    _f("land", "west_quota_share", "share of national new quota", 0.35, 0.4, 0.27, [33], (0.0, 1.0),
       "West share of the national new construction-land quota.",
       "Caps land for firm entry and expansion by province.",
       "westdev.economy.markets.land.allocate_quota"),
    _f("land", "unused_land_quota_km2", "km²/yr", 0.0, 300.0, 0.0, [17, 33], (0.0, 5_000.0),
       "Extra quota on unused land (desert, Gobi, barren hills) for western provinces.",
       "Adds to the construction-land quota of western provinces with unprotected unused land.",
       "westdev.economy.markets.land.allocate_quota"),
    _f("land", "quota_trading_share", "share of surplus quota", 0.0, 0.5, 0.0, [33], (0.0, 1.0),
       "Share of western surplus construction-land quota sold across provinces under national management.",
       "Land quota goes east (more eastern land supply), money goes west (non-tax revenue).",
       "westdev.economy.markets.land.clear"),
    # ------------------------------------------------------------------ talent (§21, §22, §34)
    _f("talent", "public_servant_wage_premium", "share", 0.1, 0.2, 0.0, [34], (0.0, 1.0),
       "Wage premium for public servants, teachers, doctors and scientists in the west.",
       "Raises the quality of public services per yuan (retention) and their cost.",
       "westdev.economy.public_capital.update_public_capital"),
    _f("talent", "skilled_migrant_incentive_yuan", "yuan per skilled migrant per year", 0.0,
       10_000.0, 0.0, [21, 34], (0.0, 100_000.0),
       "Yearly incentive paid to skilled workers who move to the west.",
       "Enters the migration utility of skilled workers for western destinations; paid from budgets.",
       "westdev.economy.markets.migration.MigrationModel.utilities"),
    _f("talent", "higher_education_seats_growth", "%/yr", 0.0, 2.0, 0.0, [2, 22], (0.0, 10.0),
       "Yearly growth of higher-education and vocational seats in the west beyond trend.",
       "Raises the skill-upgrading rate of young western workers.",
       "westdev.economy.agents.workers.upgrade_skills"),
    _f("talent", "vocational_training_rate", "share of low-skilled per year", 0.005, 0.01, 0.005,
       [21], (0.0, 0.2),
       "Share of low-skilled western workers trained to skilled each year.",
       "Adds to skill upgrading of all working ages in the west; costs the budget per trainee.",
       "westdev.economy.agents.workers.upgrade_skills"),
    _f("talent", "return_entrepreneurship_support", "share", 0.0, 0.05, 0.0, [21], (0.0, 1.0),
       "Support to migrants returning home to start firms (返乡创业).",
       "Raises firm entry in western provinces in proportion to their returning migrants.",
       "westdev.economy.firms.entry.return_entrepreneurship"),
    # ------------------------------------------------------------------ innovation (§2, §18)
    _f("innovation", "platforms_index", "index 2019 = 1", 1.0, 1.5, 1.0, [2, 18], (0.0, 5.0),
       "National innovation platforms and large science facilities in the west, index.",
       "Raises the speed at which western firms catch up with the productivity frontier.",
       "westdev.economy.technology.catch_up"),
    # ------------------------------------------------------------------ infrastructure (§6, §9)
    _f("infrastructure", "transport_investment_pct_gdp", "% of western GDP", 3.0, 4.0, 2.0,
       [6, 9], (0.0, 20.0),
       "Centrally planned transport projects in the west (railways, highways, corridors), total "
       "value as % of western GDP; the centre pays all but the local co-financing share.",
       "Builds infrastructure capital → network quality → market access, lower trade costs.",
       "westdev.economy.government.rules.project_funding"),
    _f("infrastructure", "water_information_pct_gdp", "% of western GDP", 1.0, 1.5, 0.8, [6],
       (0.0, 10.0),
       "Centrally planned water-conservancy and information-network projects in the west, % of "
       "western GDP.",
       "Adds to infrastructure capital: network quality, market access and through it location "
       "productivity and trade costs.",
       "westdev.economy.government.rules.project_funding"),
    _f("infrastructure", "remote_coverage", "share", 0.5, 0.8, 0.5, [5, 6], (0.0, 1.0),
       "Coverage of rural and remote areas by networks and services.",
       "Lowers the extra cost of delivering public services where population is sparse.",
       "westdev.economy.public_capital.delivery_cost"),
    # ------------------------------------------------------------------ opening (§8–§12)
    _f("opening", "corridor_trade_cost_cut", "share of foreign trade cost", 0.0, 0.2, 0.0,
       [8, 9], (0.0, 0.9),
       "Cut in western firms' foreign trade costs from the land–sea corridor and China–Europe rail.",
       "Raises the price western tradable firms get from foreign demand.",
       "westdev.economy.trade.update_gate_prices"),
    _f("opening", "border_trade_boost", "share", 0.0, 0.1, 0.0, [11], (0.0, 1.0),
       "Border trade and cross-border zones: extra foreign demand reached by border provinces.",
       "Raises the foreign-demand share of western border provinces' tradables.",
       "westdev.economy.trade.update_gate_prices"),
    _f("opening", "free_trade_zones_index", "index 2019 = 1", 1.0, 1.5, 0.5, [10, 12], (0.0, 5.0),
       "Free-trade zones and open platforms in the west, index (FTZs of 2017 and 2019 = 1).",
       "Raises foreign-firm entry and the foreign-demand reach of western firms.",
       "westdev.economy.trade.update_gate_prices"),
    # ------------------------------------------------------------------ public services, hukou, SI (§5, §22–§27)
    _f("public_services", "migrant_access_share", "share", 0.5, 0.9, 0.5, [5], (0.0, 1.0),
       "Share of local basic public services that residents without local hukou can use (national).",
       "Lowers the hukou cost of migration and widens who the public-service budget serves.",
       "westdev.economy.public_capital.served_population",
       west_preference=False),
    _f("public_services", "hukou_settlement_rate", "share of non-local residents per year",
       0.0, 0.02, 0.0, [5], (0.0, 0.2),
       "Extra yearly probability that a resident without local hukou settles (obtains it), beyond "
       "the register's grant rate (新型城镇化, 农业转移人口市民化; national).",
       "Settled residents are served by the local public-service budget in full and no longer "
       "bear the hukou cost of living away from their hukou province.",
       "westdev.economy.households.households", west_preference=False),
    _f("public_services", "health_education_share_west", "share of western budget", 0.35, 0.4,
       0.35, [22, 23, 25, 26], (0.0, 0.9),
       "Share of western provincial spending on health, education and social services.",
       "Moves budget from other uses into public-service capital.",
       "westdev.economy.agents.province.Province.allocate_budget"),
    LeverSpec("public_services", "pension_pooling", "choice", "level", "provincial", "provincial",
              "provincial", (24,),
              "Level at which pensions are pooled and insurance made portable (§24).",
              "National pooling lowers the portability cost of migration and shares fund balances "
              "across provinces.",
              "westdev.economy.government.rules.social_insurance",
              choices=("county", "provincial", "national"),
              west_preference=False),
    # ------------------------------------------------------------------ ecology (§14–§16)
    _f("ecology", "protected_share_west", "share of land area", 0.4, 0.45, 0.4, [14, 15],
       (0.0, 0.9),
       "Share of western land area in key ecological function zones and protected areas.",
       "Constrains unused-land quota and earns ecological transfers per km².",
       "westdev.economy.government.budgets.budgets"),
    _f("ecology", "eco_compensation_yuan_per_km2", "yuan/km² protected", 0.0, 1_000.0, 0.0,
       [15, 17], (0.0, 100_000.0),
       "Market-based horizontal ecological compensation paid by downstream eastern provinces per "
       "km² of western protected land.",
       "Horizontal transfer east → west, booked in both budgets.",
       "westdev.economy.government.budgets.budgets"),
    _f("ecology", "energy_cap_growth", "%/yr", 5.0, 3.0, 5.0, [16], (0.0, 20.0),
       "Energy-consumption control: maximum yearly growth of energy-intensive output per province.",
       "Caps expansion and inward relocation of energy-intensive firms.",
       "westdev.economy.firms.investment.realise_investment", west_preference=False),
]


# ---------------------------------------------------------------------- bases (bases.toml)
class CatalogueError(ValueError):
    """bases.toml does not fit the catalogue (a broken install or a bad edit)."""


_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DOC_KEYS = {"title", "title_zh", "issuer", "number", "date", "access", "urls", "note"}
_EVIDENCE_KEYS = {"status", "note", "docs", "range", "value"}


def _document(doc_id: str, raw: dict) -> Document:
    where = f"bases.toml: documents.{doc_id}"
    unknown = set(raw) - _DOC_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("title", "issuer", "date", "access"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CatalogueError(f"{where}: '{key}' is required")
    if not _DATE_RE.match(raw["date"]):
        raise CatalogueError(f"{where}: date {raw['date']!r} is not YYYY[-MM[-DD]]")
    if raw["access"] not in ACCESS:
        raise CatalogueError(f"{where}: access {raw['access']!r} is not one of {ACCESS}")
    urls = raw.get("urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) and u for u in urls):
        raise CatalogueError(f"{where}: 'urls' must list where the document was read")
    return Document(doc_id, raw["title"], raw.get("title_zh", ""), raw["issuer"],
                    raw.get("number", ""), raw["date"], raw["access"], tuple(urls),
                    raw.get("note", ""))


def _in_range(value: object, rng: tuple[float, float]) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and rng[0] <= float(value) <= rng[1]


def _check_value(spec: LeverSpec, value: object, where: str) -> Value:
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise CatalogueError(f"{where}: {value!r} is not true/false")
        return value
    if spec.kind == "choice":
        if value not in spec.choices:
            raise CatalogueError(f"{where}: {value!r} is not one of {spec.choices}")
        return value  # type: ignore[return-value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CatalogueError(f"{where}: {value!r} is not a number")
    lo, hi = spec.bounds  # type: ignore[misc]
    if not lo <= float(value) <= hi:
        raise CatalogueError(f"{where}: {value!r} is outside the lever's bounds [{lo:g}, {hi:g}]")
    return float(value)


def _enacted_value(spec: LeverSpec, raw: object, where: str) -> Value | dict[int, Value]:
    if not isinstance(raw, dict):
        return _check_value(spec, raw, where)
    if not raw:
        raise CatalogueError(f"{where}: an enacted schedule needs at least one point")
    points: dict[int, Value] = {}
    for year, value in raw.items():
        if not str(year).isdigit() or not ENACTED_YEARS[0] <= int(year) <= ENACTED_YEARS[1]:
            raise CatalogueError(f"{where}: year {year!r} is not in {ENACTED_YEARS[0]}–"
                                 f"{ENACTED_YEARS[1]}")
        points[int(year)] = _check_value(spec, value, f"{where}[{year}]")
    return dict(sorted(points.items()))


def _evidence(spec: LeverSpec, which: str, raw: dict, docs: dict[str, Document],
              values: list[Value]) -> Evidence:
    """One evidence record, checked against the lever and the value(s) it supports."""
    where = f"bases.toml: levers.{spec.name}.{'v2019' if which == '2019' else which}"
    unknown = set(raw) - _EVIDENCE_KEYS - ({"value"} if which == "enacted" else set())
    if unknown or ("value" in raw and which != "enacted"):
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown or {'value'})}")
    status, note = raw.get("status"), raw.get("note", "")
    if status not in STATUSES:
        raise CatalogueError(f"{where}: status {status!r} is not one of {STATUSES}")
    if not isinstance(note, str) or not note.strip():
        raise CatalogueError(f"{where}: a note (how the number maps, or the reasoning) is required")
    citations = []
    for cite in raw.get("docs", []):
        if not isinstance(cite, dict) or cite.get("id") not in docs or not cite.get("sets"):
            raise CatalogueError(f"{where}: each of docs needs a known id and what it sets, "
                                 f"got {cite!r}")
        citations.append(Citation(docs[cite["id"]], cite["sets"]))
    if status == "documented" and not citations:
        raise CatalogueError(f"{where}: a documented value needs at least one document")
    rng = raw.get("range")
    if status == "range":
        if spec.kind != "float" or not isinstance(rng, list) or len(rng) != 2 \
                or not all(isinstance(x, int | float) for x in rng) or rng[0] > rng[1]:
            raise CatalogueError(f"{where}: status 'range' needs range = [low, high] (numbers)")
        lo, hi = spec.bounds  # type: ignore[misc]
        if rng[0] < lo or rng[1] > hi:
            raise CatalogueError(f"{where}: range {rng} leaves the lever's bounds [{lo:g}, {hi:g}]")
        bad = [v for v in values if not _in_range(v, (rng[0], rng[1]))]
        if bad:
            raise CatalogueError(f"{where}: value(s) {bad} outside the range {rng}")
        rng = (float(rng[0]), float(rng[1]))
    elif rng is not None:
        raise CatalogueError(f"{where}: only status 'range' takes a range")
    return Evidence(status, note.strip(), tuple(citations), rng)


def load_bases(text: str | None = None) -> dict[str, tuple[Basis, Value | dict[int, Value]]]:
    """Read and check bases.toml (or `text`): {lever name: (basis, enacted value)}."""
    if text is None:
        text = resources.files("westdev.policy").joinpath("bases.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"bases.toml: invalid TOML: {exc}") from None
    docs = {k: _document(k, v) for k, v in data.get("documents", {}).items()}
    raw_levers = data.get("levers", {})
    missing = [n for n in _SPECS if n not in raw_levers]
    extra = [n for n in raw_levers if n not in _SPECS]
    if missing or extra:
        raise CatalogueError(f"bases.toml: levers without a basis {missing}; unknown levers {extra}")
    out: dict[str, tuple[Basis, Value | dict[int, Value]]] = {}
    for name, spec in _SPECS.items():
        raw = raw_levers[name]
        if set(raw) != {"v2019", "guideline", "enacted"}:
            raise CatalogueError(f"bases.toml: levers.{name} needs exactly v2019, guideline and "
                                 f"enacted, got {sorted(raw)}")
        if "value" not in raw["enacted"]:
            raise CatalogueError(f"bases.toml: levers.{name}.enacted needs a value")
        enacted = _enacted_value(spec, raw["enacted"]["value"], f"bases.toml: levers.{name}."
                                 "enacted.value")
        points = list(enacted.values()) if isinstance(enacted, dict) else [enacted]
        basis = Basis(_evidence(spec, "2019", raw["v2019"], docs, [spec.value_2019]),
                      _evidence(spec, "guideline", raw["guideline"], docs, [spec.value_guideline]),
                      _evidence(spec, "enacted", raw["enacted"], docs, points))
        if basis.enacted.status == "definition" and points != [spec.value_2019]:
            raise CatalogueError(f"bases.toml: levers.{name}.enacted: 'definition' is for a value "
                                 f"carried unchanged from 2019 ({spec.value_2019!r})")
        out[name] = (basis, enacted)
    return out


_SPECS: dict[str, LeverSpec] = {lever.name: lever for lever in _LEVERS}
LEVERS: dict[str, LeverSpec] = {
    name: replace(spec, basis=basis, value_enacted=enacted)
    for name, (basis, enacted) in load_bases().items()
    for spec in (_SPECS[name],)
}
DOCUMENTS: dict[str, Document] = {
    d.id: d for spec in LEVERS.values() for d in spec.basis.documents  # type: ignore[union-attr]
}


def levers_in_area(area: str) -> list[LeverSpec]:
    """The levers of one area, in catalogue order."""
    return [lever for lever in LEVERS.values() if lever.area == area]


def default_values(which: Literal["2019", "guideline", "no_policy"] = "2019") -> dict:
    """Lever values of one of the three reference policies, by dotted name."""
    attr = {"2019": "value_2019", "guideline": "value_guideline",
            "no_policy": "value_no_policy"}[which]
    return {name: getattr(spec, attr) for name, spec in LEVERS.items()}


def enacted_values(year: int) -> dict:
    """Lever values as enacted 2020–2024 (continued to 2035) in `year`, by dotted name."""
    return {name: spec.enacted_at(year) for name, spec in LEVERS.items()}


def assumed(which: str = "guideline") -> list[str]:
    """Levers whose "2019", "guideline" or "enacted" magnitude is an assumption (a range)."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}")
    return [name for name, spec in LEVERS.items()
            if spec.basis.of(which).assumed]  # type: ignore[union-attr]
