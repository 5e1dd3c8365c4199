"""Government: taxes by the legal sharing rules, central and horizontal transfers, borrowing
under a debt ceiling, and the separate social-insurance fund.

One identity per province per year (docs/design.md §2), checked every step by `westdev.economy.accounting`:

    resources = own taxes + non-tax revenue + land-quota sales + central transfers
                + horizontal transfers received + gross borrowing
    uses      = debt service + horizontal transfers paid + land-quota purchases
                + public services + infrastructure + talent programmes + business subsidies + other
    resources = uses

All flows are in 100m yuan at 2019 prices. Infrastructure, public services, talent programmes and
business subsidies are uses of that one budget, so no lever funds the same flow twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RESOURCE_ITEMS = ("own_tax", "nontax", "land_sales", "formula_transfer", "ecological_transfer",
                  "earmarked_transfer", "project_transfer", "horizontal_in", "gross_borrowing")
USE_ITEMS = ("debt_service", "horizontal_out", "land_purchases", "public_services",
             "infrastructure", "talent", "subsidies", "other")


@dataclass
class ProvincialBudgets:
    """One year's budget flows by province (arrays of 31)."""

    n: int
    items: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in RESOURCE_ITEMS + USE_ITEMS:
            self.items.setdefault(name, np.zeros(self.n))

    def __getitem__(self, key: str) -> np.ndarray:
        return self.items[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        if key not in RESOURCE_ITEMS + USE_ITEMS:
            raise KeyError(f"not a budget item: {key}")
        self.items[key] = np.asarray(value, dtype=float)

    def resources(self) -> np.ndarray:
        return sum(self.items[k] for k in RESOURCE_ITEMS)

    def uses(self) -> np.ndarray:
        return sum(self.items[k] for k in USE_ITEMS)

    def central_transfers(self) -> np.ndarray:
        return (self["formula_transfer"] + self["ecological_transfer"]
                + self["earmarked_transfer"] + self["project_transfer"])

    def own_revenue(self) -> np.ndarray:
        return self["own_tax"] + self["nontax"]

    def spending(self) -> np.ndarray:
        """Budget expenditure as the statistics count it (programme spending, excluding debt
        principal, horizontal payments and quota purchases)."""
        return (self["public_services"] + self["infrastructure"] + self["talent"]
                + self["subsidies"] + self["other"])


@dataclass(frozen=True)
class TaxRules:
    """Legal sharing of the shared taxes between centre and province (shares to the province)."""

    vat_local: float
    cit_local: float
    pit_local: float


def shared_taxes(vat: np.ndarray, cit: np.ndarray, pit: np.ndarray,
                 rules: TaxRules) -> tuple[np.ndarray, np.ndarray]:
    """Split VAT, CIT and PIT collected in each province into (local, central) parts."""
    local = rules.vat_local * vat + rules.cit_local * cit + rules.pit_local * pit
    central = (1 - rules.vat_local) * vat + (1 - rules.cit_local) * cit + (1 - rules.pit_local) * pit
    return local, central


def formula_transfer(own_revenue: np.ndarray, population: np.ndarray, cost_factor: np.ndarray,
                     gap_fill: float, coefficient: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equalising transfer: fills a share of the gap between standard spending need and own
    revenue. Need = national own revenue per head × population × delivery-cost factor.
    Returns (transfer, gap) — the gap is what a coefficient multiplies, for the lever's cost."""
    per_head = own_revenue.sum() / population.sum()
    need = per_head * population * cost_factor
    gap = np.maximum(need - own_revenue, 0.0)
    return gap_fill * gap * coefficient, gap_fill * gap


def income_gap_shares(income_pc: np.ndarray, population: np.ndarray) -> np.ndarray:
    """How need-based poverty funds are split between provinces (§1): in proportion to each
    province's shortfall below the national mean income per head, population × (mean − income),
    zero for provinces at or above the mean. The real allocation (28 provinces in 2019, a
    special share for the deep-poverty areas 三区三州) is not published by province here; this
    rule sends the funds where incomes are lowest, as the programme does."""
    mean = (income_pc * population).sum() / population.sum()
    shortfall = population * np.maximum(mean - income_pc, 0.0)
    total = shortfall.sum()
    return shortfall / total if total > 0 else np.zeros_like(income_pc)


def debt_ceiling(capacity: np.ndarray, general_transfers: np.ndarray, limit: float,
                 count_transfers: bool) -> np.ndarray:
    """Debt ceiling = limit × fiscal capacity (comprehensive capacity, plus general transfers
    if the §30 lever counts them)."""
    return limit * (capacity + (general_transfers if count_transfers else 0.0))


def new_borrowing(debt: np.ndarray, ceiling: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """Net new borrowing: the bond quota, as far as the ceiling allows (never negative; above
    the ceiling a province only rolls over and amortises)."""
    return np.clip(np.minimum(quota, ceiling - debt), 0.0, None)


def project_funding(pipeline: np.ndarray, local_capacity: np.ndarray,
                    cofinancing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centrally planned projects (total value `pipeline`) need a local co-financing share m.

    Projects built = min(pipeline, local capacity / m); the centre pays (1 − m) and the province
    m of what is built. Returns (central paid, local paid). A lower m (§30 降低地方财政投入比例)
    lets a province whose budget binds build more of its pipeline, at a higher central cost.
    """
    m = np.clip(cofinancing, 1e-6, 1.0)
    total = np.minimum(np.maximum(pipeline, 0.0), np.maximum(local_capacity, 0.0) / m)
    return total * (1.0 - m), total * m


def social_insurance(wage_bill: np.ndarray, unemployed: np.ndarray, retirees: np.ndarray,
                     average_wage: np.ndarray, employer_rate: float, employee_rate: float,
                     coverage: float, replacement: float, benefit_ratio: float,
                     pooling: str) -> dict[str, np.ndarray]:
    """The social-insurance fund, kept apart from the budget.

    Contributions (employer and employee rates × covered wage bill) pay pensions (replacement ×
    average wage × covered retirees) and unemployment benefits. Under provincial (or county)
    pooling each province's deficit is met by a central subsidy; under national pooling surpluses
    and deficits offset across provinces first, and the centre meets what is left, shared in
    proportion to each province's deficit. Returns per-province flows in 100m yuan.
    """
    contributions = (employer_rate + employee_rate) * coverage * wage_bill
    pensions = replacement * average_wage * coverage * retirees / 1e8
    benefits = benefit_ratio * average_wage * coverage * unemployed / 1e8
    balance = contributions - pensions - benefits
    deficit = np.maximum(-balance, 0.0)
    if pooling == "national":
        national_gap = max(-balance.sum(), 0.0)
        subsidy = np.divide(deficit * national_gap, deficit.sum(), out=np.zeros_like(balance),
                            where=deficit.sum() > 0)
        pooled_transfer = deficit - subsidy - np.divide(
            np.maximum(balance, 0.0) * (deficit.sum() - national_gap),
            np.maximum(balance, 0.0).sum(), out=np.zeros_like(balance),
            where=np.maximum(balance, 0.0).sum() > 0)
    else:
        subsidy = deficit
        pooled_transfer = np.zeros_like(balance)
    return {"contributions": contributions, "pensions": pensions, "benefits": benefits,
            "central_subsidy": subsidy, "pooled_transfer": pooled_transfer,
            "fund_change": balance + subsidy + pooled_transfer}
