"""Each lever's direct fiscal cost in a year, against its no-policy value — every lever-cost
counterfactual of the model in one place.

A lever's cost is what the consolidated government spends or forgoes because of the measure,
within the run (ODD §8.1): the extra formula transfer a coefficient above 1 pays, the extra
borrowing a bond lever allows, the central project money a lower co-financing share releases,
the tax a preferential rate forgoes, and so on. Each function takes the year's actual flows
(computed by the budget, incomes and firm rules) and recomputes the counterfactual piece with
the lever at its value in the ``no_policy`` scenario (national measures keep their 2019 value
there). All amounts are national totals in 100m yuan at 2019 prices.
"""

from __future__ import annotations

import numpy as np

from westdev.economy.government import rules as gov
from westdev.inputs.parameters import Parameters
from westdev.policy.instruments import Instruments

Costs = dict[str, float]


def land_trading() -> Costs:
    """Quota trading moves money between provinces: no net fiscal cost (§33)."""
    return {"land.quota_trading_share": 0.0}


def formula_transfer(ins: Instruments, gap: np.ndarray) -> Costs:
    """The western coefficient's extra equalising transfer: (coefficient − 1) × gap (§30)."""
    return {"fiscal.west_transfer_coefficient": float(((ins.transfer_coefficient - 1.0) * gap).sum())}


def ecological_transfer(ins: Instruments, no_policy: dict, protected_km2: np.ndarray) -> Costs:
    """Transfers to key ecological zones above the no-policy rate per km² (§14, §30)."""
    rate = float(ins.values["fiscal.ecological_transfer_yuan_per_km2"])
    rate_np = float(no_policy["fiscal.ecological_transfer_yuan_per_km2"])
    return {"fiscal.ecological_transfer_yuan_per_km2": float(
        ((rate - rate_np) * protected_km2).sum() / 1e8)}


def transition_funds(ins: Instruments, no_policy: dict) -> Costs:
    """Poverty-consolidation funds above the no-policy amount (§1), 100m yuan."""
    return {"fiscal.transition_funds_100m_yuan": ins.transition_funds
            - float(no_policy["fiscal.transition_funds_100m_yuan"])}


def horizontal(pairing: float, eco_compensation: float, enclave_taxes: float) -> Costs:
    """Horizontal transfers paid by donors: pairing assistance (§35), ecological compensation
    (§15), taxes returned under enclave-park deals (§13)."""
    return {"fiscal.pairing_assistance_pct_donor_revenue": pairing,
            "ecology.eco_compensation_yuan_per_km2": eco_compensation,
            "industry.enclave_tax_share_to_origin": enclave_taxes}


def risk_sharing(base_rate: np.ndarray, rate: np.ndarray, debt: np.ndarray) -> Costs:
    """Interest the central risk-sharing mechanism takes off western debt (§31)."""
    return {"finance.infrastructure_risk_sharing": float(((base_rate - rate) * debt).sum())}


def borrowing(p: Parameters, ins: Instruments, no_policy: dict, west: np.ndarray,
              debt: np.ndarray, gdp: np.ndarray, push: float, capacity: np.ndarray,
              general: np.ndarray, ceiling: np.ndarray, quota: np.ndarray,
              net_new: np.ndarray) -> Costs:
    """The extra net borrowing the §30 bond levers allow against their no-policy values: the
    western bond quota multiplier, and counting general transfers in bond capacity."""
    quota_np = p["fiscal.bond_quota_share_gdp"] * gdp * push * np.where(
        west, no_policy["fiscal.west_bond_quota_multiplier"], 1.0)
    ceiling_np = gov.debt_ceiling(capacity, general, p["fiscal.debt_limit_ratio"],
                                  bool(no_policy["fiscal.transfers_in_bond_capacity"]))
    return {
        "fiscal.west_bond_quota_multiplier": float(
            (net_new - gov.new_borrowing(debt, ceiling, quota_np)).sum()),
        "fiscal.transfers_in_bond_capacity": float(
            (net_new - gov.new_borrowing(debt, ceiling_np, quota)).sum()),
    }


def talent(p: Parameters, no_policy: dict, west: np.ndarray, ins: Instruments,
           incentive_paid: np.ndarray, low_working: np.ndarray, premium: np.ndarray,
           seats_cost: np.ndarray) -> Costs:
    """Talent programmes (§21, §22, §34): the incentive paid, training beyond the no-policy
    rate, the public-servant wage premium and the extra seats."""
    ref_train = np.where(west, no_policy["talent.vocational_training_rate"],
                         p["talent.training_rate_other"])
    training_extra = (ins.adult_upgrade - ref_train) * low_working * p["talent.training_cost_yuan"] / 1e8
    return {
        "talent.skilled_migrant_incentive_yuan": float(incentive_paid.sum()),
        "talent.vocational_training_rate": float(training_extra.sum()),
        "talent.public_servant_wage_premium": float(premium.sum()),
        "talent.higher_education_seats_growth": float(seats_cost.sum()),
    }


def projects(p: Parameters, ins: Instruments, no_policy: dict, west: np.ndarray,
             gdp: np.ndarray, push: float, central_funds: np.ndarray, local_cap: np.ndarray,
             central_paid: np.ndarray) -> Costs:
    """Central project money: released by a lower western co-financing share (§30), and spent
    on the larger western transport and water/information pipelines (§6, §9), split between
    those two levers in proportion to their values."""
    ref_m = np.where(west, float(no_policy["fiscal.west_cofinancing_share"]),
                     p["fiscal.cofinancing_share_other"])
    ref_c, _ = gov.project_funding(central_funds, local_cap, ref_m)
    ref_int = np.where(west, (no_policy["infrastructure.transport_investment_pct_gdp"]
                              + no_policy["infrastructure.water_information_pct_gdp"]) / 100.0,
                       p["fiscal.project_intensity_other"])
    ref_paid, _ = gov.project_funding(ref_int * gdp * push, local_cap, ins.cofinancing)
    extra = float((central_paid - ref_paid).sum())
    tw = (float(ins.values["infrastructure.transport_investment_pct_gdp"]),
          float(ins.values["infrastructure.water_information_pct_gdp"]))
    tot = max(sum(tw), 1e-12)
    return {
        "fiscal.west_cofinancing_share": float((central_paid - ref_c).sum()),
        "infrastructure.transport_investment_pct_gdp": extra * tw[0] / tot,
        "infrastructure.water_information_pct_gdp": extra * tw[1] / tot,
    }


def public_service_share(p: Parameters, ins: Instruments, no_policy: dict, west: np.ndarray,
                         discretionary: np.ndarray) -> Costs:
    """Discretionary spending moved to health and education by the western share (§22–§26)."""
    ps_ref = np.where(west, float(no_policy["public_services.health_education_share_west"]),
                      p["fiscal.public_service_share_other"])
    return {"public_services.health_education_share_west": float(
        ((ins.public_service_share - ps_ref) * np.maximum(discretionary, 0.0)).sum())}


def central_programmes(p: Parameters, ins: Instruments, no_policy: dict) -> Costs:
    """Central programmes paid from the central budget: innovation platforms (§2, §18), remote
    coverage (§5, §6), the land–sea corridor and China–Europe rail (§8, §9)."""
    v, npv = ins.values, no_policy
    return {
        "innovation.platforms_index": float(
            (v["innovation.platforms_index"] - npv["innovation.platforms_index"])
            * p["innovation.platform_cost_100m_yuan"]),
        "infrastructure.remote_coverage": float(
            (v["infrastructure.remote_coverage"] - npv["infrastructure.remote_coverage"])
            * p["infrastructure.remote_coverage_cost_100m_yuan"]),
        "opening.corridor_trade_cost_cut": float(
            (v["opening.corridor_trade_cost_cut"] - npv["opening.corridor_trade_cost_cut"])
            * p["opening.corridor_cost_100m_yuan"]),
    }


def taxes(p: Parameters, ins: Instruments, no_policy: dict, *, profit: np.ndarray,
          cit_rate: np.ndarray, eligible: np.ndarray, weight: np.ndarray, zone_vat: float,
          duty_cost: float, wage_bill: np.ndarray) -> Costs:
    """Taxes forgone: the encouraged CIT rate against the standard rate (§30), VAT relief in
    special zones (§12, §30), the equipment duty exemption on last year's investment (§30),
    and employer pension contributions below the no-policy rate (§32)."""
    base = np.maximum(profit, 0.0) * weight
    return {
        "fiscal.cit_rate_encouraged_west": float(
            ((p["firms.cit_standard_rate"] - cit_rate) * base * eligible).sum()),
        "fiscal.vat_general_taxpayer_special_zones": float(zone_vat),
        "fiscal.equipment_duty_exemption": float(duty_cost),
        "industry.employer_si_rate": float(
            ((no_policy["industry.employer_si_rate"] - ins.values["industry.employer_si_rate"])
             * p["labour.si_coverage"] * wage_bill).sum()),
    }


def add(costs: Costs, more: Costs) -> None:
    """Add `more` into `costs` (a lever may have several parts, e.g. enclave parks)."""
    for lever, amount in more.items():
        costs[lever] = costs.get(lever, 0.0) + amount
