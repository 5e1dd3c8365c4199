"""Direction tests: switching each lever on moves what economics and the guideline's text say
it should.

Each case runs the baseline with the lever at its "off" value and at its "on" value over the
same seeds (common random numbers) and tests the paired differences of one indicator: the
one-sided paired statistic mean / (sd / √n) must exceed 2 in the expected direction, or — for
heavy-tailed differences, where the t statistic is inefficient — every one of at least four
paired differences must have the expected sign (a sign test). Some cases set other levers in
both arms (`base`) so the mechanism has room to act (e.g. room under the debt ceiling).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from westdev.economy.simulate import simulate
from westdev.inputs.scenario import load_scenario
from westdev.policy.catalogue import LEVERS


@dataclass(frozen=True)
class Case:
    lever: str
    off: object
    on: object
    area: str
    indicator: str
    sign: int  # +1: 'on' raises the indicator, −1: lowers it
    year: int = 2025
    why: str = ""
    seeds: int = 4
    resolution: str = "small"
    slow: bool = False
    base: tuple = ()  # (lever, value) pairs set in both arms


CASES = [
    # fiscal
    Case("fiscal.west_transfer_coefficient", 1.0, 1.6, "West", "central_transfers_100m_yuan", +1,
         why="§30: a higher distribution coefficient sends more formula transfers west"),
    Case("fiscal.west_cofinancing_share", 0.5, 0.1, "West", "infrastructure_spending_100m_yuan", +1,
         why="§30: a lower local match lets the same local money build more projects"),
    Case("fiscal.transfers_in_bond_capacity", False, True, "West", "debt_100m_yuan", +1, 2030,
         why="§30: counting transfers in capacity raises the ceiling of transfer-dependent provinces"),
    Case("fiscal.ecological_transfer_yuan_per_km2", 0.0, 60_000.0, "West",
         "central_transfers_100m_yuan", +1, why="§30: ecological transfers pay for protected land"),
    Case("fiscal.transition_funds_100m_yuan", 0.0, 1000.0, "West",
         "central_transfers_100m_yuan", +1,
         why="§1: funds for consolidating poverty alleviation go where incomes are lowest, "
             "most of them west, and are spent through the provinces' budgets"),
    Case("fiscal.cit_rate_encouraged_west", 0.25, 0.10, "West", "investment_100m_yuan", +1,
         why="§30: the 15 % CIT lowers the user cost of eligible western firms"),
    Case("fiscal.cit_rate_encouraged_west", 0.25, 0.10, "West", "firm_entries", +1, 2021,
         why="§30: higher after-tax profit draws entry into encouraged western sectors",
         resolution="default"),
    Case("fiscal.cit_rate_encouraged_west", 0.25, 0.10, "West", "firms", +1,
         why="§30: … so the west has more firms (no displacement of neighbours needed)",
         resolution="default"),
    Case("fiscal.equipment_duty_exemption", False, True, "West", "investment_100m_yuan", +1,
         why="§30: duty-free equipment lowers the price of capital", resolution="default", seeds=6),
    Case("fiscal.vat_general_taxpayer_special_zones", False, True, "West", "own_revenue_100m_yuan",
         -1, why="§12/§30: zone firms deduct input VAT, so western VAT revenue falls",
         resolution="default", seeds=8),
    Case("fiscal.west_bond_quota_multiplier", 1.0, 2.5, "West", "debt_100m_yuan", +1, base=(("fiscal.transfers_in_bond_capacity", True),),
         why="§30: a larger bond quota finances more western infrastructure", resolution="default",
         seeds=6),
    Case("fiscal.pairing_assistance_pct_donor_revenue", 0.0, 0.5, "West",
         "horizontal_net_100m_yuan", +1, why="§35: horizontal money flows to recipients"),
    Case("fiscal.pairing_assistance_pct_donor_revenue", 0.0, 0.5, "East",
         "horizontal_net_100m_yuan", -1, why="§35: paid by named eastern donors"),
    # finance
    Case("finance.small_firm_spread_cut_pp", 0.0, 2.0, "West", "investment_100m_yuan", +1,
         why="§31: cheaper credit for small firms", resolution="default"),
    Case("finance.green_credit_share", 0.0, 0.8, "West", "investment_100m_yuan", +1,
         why="§31: green credit at a discount lowers the cost of capital", resolution="default"),
    Case("finance.infrastructure_risk_sharing", 0.0, 0.9, "West", "budget_spending_100m_yuan", +1,
         2028, why="§31: lower interest on western debt frees budget", resolution="default",
         seeds=8),
    # industry
    Case("industry.encouraged_catalogue_coverage", 0.0, 0.9, "West", "investment_100m_yuan", +1,
         why="§32: more firms eligible for the 15 % rate"),
    Case("industry.fdi_catalogue_entry_boost", 0.0, 0.5, "West", "firm_entries", +1, 2022,
         why="§32: foreign-investment catalogue draws entrants west", resolution="default"),
    Case("industry.relocation_support_share", 0.0, 0.9, "West", "relocations_in", +1,
         why="§12/§32: transfer support lowers the moving cost into the west", resolution="default",
         seeds=6),
    Case("industry.local_processing_share", 0.0, 1.0, "West", "industry_va_100m_yuan", +1,
         why="§32: processing resources locally keeps value added in the west"),
    Case("industry.energy_intensive_to_clean_west", False, True, "West",
         "energy_intensive_capital_100m_yuan", +1, 2028,
         why="§4: energy-intensive firms count cheaper western clean power when choosing where to be"
             " (under a loose energy cap: a binding §16 cap makes inflows crowd out local growth)",
         resolution="default", seeds=8, base=(("ecology.energy_cap_growth", 20.0),)),
    Case("industry.enclave_tax_share_to_origin", 0.0, 0.8, "East", "horizontal_net_100m_yuan", +1,
         why="§13: origins share the taxes of enclave-park firms they sent west (relocations "
             "are rare events: some seeds move no enclave firm by 2025, so 8 seeds)", seeds=8),
    Case("industry.employer_si_rate", 0.30, 0.10, "China", "wage_yuan", +1,
         why="§32: lower contributions lower labour cost; wages rise as firms hire more"),
    Case("industry.negative_list_entry_barrier", 0.4, 0.0, "China", "firm_entries", +1,
         why="§20/§32: a shorter national negative list lets more firms in"),
    # energy
    Case("energy.west_east_transmission_index", 1.0, 4.0, "West", "industry_va_100m_yuan", +1,
         why="§4: more west-to-east transmission sells more western power"),
    Case("energy.west_power_price_discount", 0.0, 0.4, "West", "industry_va_100m_yuan", +1,
         why="§17: cheaper market-priced power helps western energy-intensive industry",
         resolution="default"),
    # land
    Case("land.west_quota_share", 0.2, 0.6, "West", "land_quota_km2", +1,
         why="§33: the quota tilts west"),
    Case("land.unused_land_quota_km2", 0.0, 2000.0, "West", "land_quota_km2", +1,
         why="§33: desert and Gobi quota adds to western quotas"),
    Case("land.quota_trading_share", 0.0, 1.0, "West", "land_sales_100m_yuan", +1,
         why="§33: surplus western quota is sold: money goes west"),
    Case("land.quota_trading_share", 0.0, 1.0, "East", "land_bought_km2", +1,
         why="§33: … and land goes east"),
    # talent
    Case("talent.public_servant_wage_premium", 0.0, 0.6, "West", "public_services_index", +1,
         2027, why="§34: better-paid staff stay and serve better"),
    Case("talent.skilled_migrant_incentive_yuan", 0.0, 60_000.0, "West", "skilled_share", +1,
         2028, why="§21/§34: skilled migrants are drawn west", resolution="default"),
    Case("talent.higher_education_seats_growth", 0.0, 8.0, "West", "skilled_share", +1,
         why="§2/§22: more seats, more graduates"),
    Case("talent.vocational_training_rate", 0.0, 0.1, "West", "skilled_share", +1,
         why="§21: training upgrades skills"),
    Case("talent.return_entrepreneurship_support", 0.0, 1.0, "West", "firm_entries", +1,
         why="§21: returning migrants start firms"),
    # innovation
    Case("innovation.platforms_index", 1.0, 4.0, "West", "gdp_100m_yuan", +1, 2030,
         why="§2: innovation platforms speed catch-up"),
    # infrastructure
    Case("infrastructure.transport_investment_pct_gdp", 1.0, 10.0, "West",
         "infrastructure_access_index", +1, 2028, why="§6: transport investment raises access"),
    Case("infrastructure.water_information_pct_gdp", 0.0, 6.0, "West",
         "infrastructure_capital_100m_yuan", +1, why="§6: networks add to infrastructure"),
    Case("infrastructure.remote_coverage", 0.0, 1.0, "West", "public_services_index", +1,
         why="§5/§6: coverage lowers the cost of serving sparse areas"),
    # opening
    Case("opening.corridor_trade_cost_cut", 0.0, 0.8, "West", "industry_va_100m_yuan", +1,
         why="§9: corridors lower western firms' foreign trade costs", resolution="default"),
    Case("opening.border_trade_boost", 0.0, 1.0, "West", "industry_va_100m_yuan", +1,
         why="§11: border trade widens foreign demand", resolution="default"),
    Case("opening.free_trade_zones_index", 0.3, 4.0, "West", "industry_va_100m_yuan", +1,
         why="§10: free-trade zones widen the foreign reach of western firms"),
    # public services, hukou, social insurance
    Case("public_services.migrant_access_share", 0.0, 1.0, "East", "migration_in_10k", +1,
         why="§5: hukou access raises migration to destinations"),
    Case("public_services.hukou_settlement_rate", 0.0, 0.05, "China", "non_local_hukou_share",
         -1, 2024, why="§5: settlement gives residents local hukou, so fewer live without it"),
    Case("public_services.health_education_share_west", 0.2, 0.7, "West",
         "public_services_index", +1, why="§22–§26: more of the budget on services"),
    Case("public_services.pension_pooling", "county", "national", "China", "migration_in_10k", +1,
         why="§24: portable pensions lower the cost of moving"),
    # ecology
    Case("ecology.protected_share_west", 0.1, 0.8, "West", "central_transfers_100m_yuan", +1,
         why="§14: protected land earns ecological transfers"),
    Case("ecology.eco_compensation_yuan_per_km2", 0.0, 50_000.0, "West",
         "horizontal_net_100m_yuan", +1, why="§17: downstream provinces compensate the west"),
    Case("ecology.energy_cap_growth", 20.0, 0.0, "China", "industry_va_100m_yuan", -1, 2028,
         why="§16: a tight energy cap holds back energy-intensive industry"),
]


def _value(frame, area: str, indicator: str, year: int) -> float:
    row = frame[(frame.area == area) & (frame.indicator == indicator) & (frame.year == year)]
    assert len(row) == 1, (area, indicator, year)
    return float(row.value.iloc[0])


def _paired_statistic(diffs: np.ndarray) -> float:
    if np.allclose(diffs, diffs[0]):
        return np.inf * np.sign(diffs[0]) if diffs[0] != 0 else 0.0
    return float(diffs.mean() / (diffs.std(ddof=1) / np.sqrt(len(diffs))))


def test_every_lever_has_a_direction_case():
    assert {c.lever for c in CASES} == set(LEVERS)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.lever}->{c.area}:{c.indicator}",
                                               marks=[pytest.mark.slow] if c.slow else [])
                                  for c in CASES])
def test_lever_direction(case: Case):
    base = load_scenario("baseline").with_overrides(run={"end_year": case.year})
    if case.base:
        base = base.with_overrides(levers=dict(case.base))
    off = base.with_overrides(levers={case.lever: case.off})
    on = base.with_overrides(levers={case.lever: case.on})
    diffs = np.array([
        _value(simulate(on, seed=s, resolution=case.resolution), case.area, case.indicator, case.year)
        - _value(simulate(off, seed=s, resolution=case.resolution), case.area, case.indicator, case.year)
        for s in range(case.seeds)])
    stat = _paired_statistic(diffs) * case.sign
    all_signed = len(diffs) >= 4 and bool(np.all(diffs * case.sign > 0))
    assert stat > 2.0 or all_signed, f"{case.why}: paired diffs {diffs} (statistic {stat:.2f})"
