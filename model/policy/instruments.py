"""Lever values of one year turned into the arrays the model's rules read.

This is the one place where policy enters the economy: every lever of the catalogue is read
here, once a year, and each instrument names the lever it comes from, so a reader can follow a
lever from its article to the instrument and from there to the rules that use it. The economy's
rules read instruments only; the raw values are kept for the lever-cost counterfactuals
(`westdev.policy.costs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from westdev.inputs.parameters import Parameters
from westdev.inputs.regions import Geography

POOLING_PORTABILITY = {"county": "migration.portability_cost_county",
                       "provincial": "migration.portability_cost_provincial",
                       "national": "migration.portability_cost_national"}


@dataclass(frozen=True)
class Instruments:
    """Policy of one year, as arrays over provinces (31) or scalars. Each field names the
    lever(s) it comes from; "register:" marks the value outside the west (or a parameter that
    turns the lever into the instrument)."""

    values: dict  # raw lever values by dotted name (for the lever-cost counterfactuals)
    west: np.ndarray
    # fiscal (§30, §35)
    transfer_coefficient: np.ndarray  # fiscal.west_transfer_coefficient (1 elsewhere)
    cofinancing: np.ndarray  # fiscal.west_cofinancing_share (register: fiscal.cofinancing_share_other)
    cit_encouraged: np.ndarray  # fiscal.cit_rate_encouraged_west (standard rate elsewhere)
    capital_price_eligible: np.ndarray  # fiscal.equipment_duty_exemption: price of eligible capital goods
    duty_exemption: bool  # fiscal.equipment_duty_exemption
    vat_zone_relief: np.ndarray  # fiscal.vat_general_taxpayer_special_zones (register: fiscal.zone_vat_relief)
    bond_quota_multiplier: np.ndarray  # fiscal.west_bond_quota_multiplier (1 elsewhere)
    transfers_in_bond_capacity: bool  # fiscal.transfers_in_bond_capacity
    ecological_transfer_per_km2: float  # fiscal.ecological_transfer_yuan_per_km2 (yuan/km²)
    transition_funds: float  # fiscal.transition_funds_100m_yuan (100m yuan/yr, national)
    pairing_share: float  # fiscal.pairing_assistance_pct_donor_revenue / 100 (share of donor revenue)
    # finance (§31)
    spread_cut: np.ndarray  # finance.small_firm_spread_cut_pp / 100 (share)
    green_discount: np.ndarray  # finance.green_credit_share × register: finance.green_discount_pp / 100
    debt_spread: np.ndarray  # spread on provincial debt, less finance.infrastructure_risk_sharing
    # industry (§3, §4, §12, §13, §20, §32)
    catalogue_coverage: np.ndarray  # industry.encouraged_catalogue_coverage (0 elsewhere)
    fdi_entry_boost: np.ndarray  # industry.fdi_catalogue_entry_boost × opening.free_trade_zones_index
    relocation_support: np.ndarray  # industry.relocation_support_share (moves into the west)
    processing_share: np.ndarray  # industry.local_processing_share (western resource industry)
    steer_energy_intensive: bool  # industry.energy_intensive_to_clean_west
    enclave_tax_share: float  # industry.enclave_tax_share_to_origin
    employer_si_rate: float  # industry.employer_si_rate (national)
    entry_barrier: float  # industry.negative_list_entry_barrier (national)
    # energy (§4, §17)
    transmission: np.ndarray  # energy.west_east_transmission_index (1 elsewhere)
    power_discount: np.ndarray  # energy.west_power_price_discount (0 elsewhere)
    # land (§17, §33)
    land_west_share: float  # land.west_quota_share
    land_unused_quota: float  # land.unused_land_quota_km2
    land_trading_share: float  # land.quota_trading_share
    # talent (§2, §21, §22, §34)
    wage_premium: np.ndarray  # talent.public_servant_wage_premium (0 elsewhere)
    skilled_incentive: np.ndarray  # talent.skilled_migrant_incentive_yuan, yuan/yr (0 elsewhere)
    young_upgrade: np.ndarray  # talent.higher_education_seats_growth → 15–29 upgrade probability
    adult_upgrade: np.ndarray  # talent.vocational_training_rate (register: talent.training_rate_other)
    return_support: float  # talent.return_entrepreneurship_support
    # innovation (§2, §18)
    catch_up_boost: np.ndarray  # innovation.platforms_index ^ register: innovation.platform_elasticity
    # infrastructure (§5, §6, §9)
    project_intensity: np.ndarray  # (infrastructure.transport_investment_pct_gdp + water_information) / 100
    remote_coverage: np.ndarray  # infrastructure.remote_coverage (register: public.remote_coverage_other)
    # opening (§8–§12)
    foreign_cost_cut: np.ndarray  # opening.corridor_trade_cost_cut (0 elsewhere)
    foreign_reach: np.ndarray  # opening.border_trade_boost and opening.free_trade_zones_index
    # public services, hukou, social insurance (§5, §22–§27)
    public_service_share: np.ndarray  # public_services.health_education_share_west
    migrant_access: float  # public_services.migrant_access_share (national)
    hukou_settlement: float  # public_services.hukou_settlement_rate (national, per year)
    portability_cost: float  # public_services.pension_pooling → register: migration.portability_cost_*
    pooling: str  # public_services.pension_pooling
    # ecology (§14–§17)
    protected_share: np.ndarray  # ecology.protected_share_west (register: ecology.protected_share_other)
    eco_compensation_per_km2: float  # ecology.eco_compensation_yuan_per_km2 (yuan/km²)
    energy_cap_growth: float  # ecology.energy_cap_growth / 100


def instruments(values: dict, geo: Geography, p: Parameters) -> Instruments:
    """Build the year's instruments from lever values (dotted name → value)."""
    v = values
    west = geo.west

    def west_or(west_value, other_value) -> np.ndarray:
        return np.where(west, west_value, other_value).astype(float)

    eligible_price = 1.0 - (p["firms.imported_equipment_share"] * p["firms.equipment_tariff"]
                            if v["fiscal.equipment_duty_exemption"] else 0.0)
    return Instruments(
        values=v,
        west=west,
        transfer_coefficient=west_or(v["fiscal.west_transfer_coefficient"], 1.0),
        cofinancing=west_or(v["fiscal.west_cofinancing_share"], p["fiscal.cofinancing_share_other"]),
        cit_encouraged=west_or(v["fiscal.cit_rate_encouraged_west"], p["firms.cit_standard_rate"]),
        catalogue_coverage=west_or(v["industry.encouraged_catalogue_coverage"], 0.0),
        capital_price_eligible=west_or(eligible_price, 1.0),
        bond_quota_multiplier=west_or(v["fiscal.west_bond_quota_multiplier"], 1.0),
        project_intensity=west_or(
            (v["infrastructure.transport_investment_pct_gdp"]
             + v["infrastructure.water_information_pct_gdp"]) / 100.0,
            p["fiscal.project_intensity_other"]),
        spread_cut=west_or(v["finance.small_firm_spread_cut_pp"] / 100.0, 0.0),
        green_discount=west_or(v["finance.green_credit_share"] * p["finance.green_discount_pp"] / 100.0,
                               p["finance.green_credit_share_other"] * p["finance.green_discount_pp"] / 100.0),
        debt_spread=p["fiscal.debt_spread"] + west * p["fiscal.debt_spread_west_extra"]
        * (1.0 - v["finance.infrastructure_risk_sharing"]),
        relocation_support=west_or(v["industry.relocation_support_share"], 0.0),
        public_service_share=west_or(v["public_services.health_education_share_west"],
                                     p["fiscal.public_service_share_other"]),
        wage_premium=west_or(v["talent.public_servant_wage_premium"], 0.0),
        remote_coverage=west_or(v["infrastructure.remote_coverage"], p["public.remote_coverage_other"]),
        protected_share=west_or(v["ecology.protected_share_west"], p["ecology.protected_share_other"]),
        power_discount=west_or(v["energy.west_power_price_discount"], 0.0),
        migrant_access=float(v["public_services.migrant_access_share"]),
        hukou_settlement=float(v["public_services.hukou_settlement_rate"]),
        portability_cost=p[POOLING_PORTABILITY[v["public_services.pension_pooling"]]],
        skilled_incentive=west_or(v["talent.skilled_migrant_incentive_yuan"], 0.0),
        young_upgrade=p["households.young_upgrade_rate"]
        * (1.0 + west * v["talent.higher_education_seats_growth"] / 100.0
           * p["talent.seats_years_effect"]),
        adult_upgrade=west_or(v["talent.vocational_training_rate"], p["talent.training_rate_other"]),
        entry_barrier=float(v["industry.negative_list_entry_barrier"]),
        fdi_entry_boost=west * (v["industry.fdi_catalogue_entry_boost"]
                                * v["opening.free_trade_zones_index"]),
        # constant-elasticity responses to the index levers (positive for any index ≥ 0)
        catch_up_boost=np.where(west, max(v["innovation.platforms_index"], 0.01)
                                ** p["innovation.platform_elasticity"], 1.0),
        foreign_cost_cut=west_or(v["opening.corridor_trade_cost_cut"], 0.0),
        foreign_reach=np.where(west, (1.0 + v["opening.border_trade_boost"] * p["opening.border_share_west"])
                               * max(v["opening.free_trade_zones_index"], 0.01) ** p["opening.ftz_elasticity"],
                               1.0),
        processing_share=west_or(v["industry.local_processing_share"], 0.0),
        transmission=west_or(v["energy.west_east_transmission_index"], 1.0),
        vat_zone_relief=west_or(p["fiscal.zone_vat_relief"]
                                if v["fiscal.vat_general_taxpayer_special_zones"] else 0.0, 0.0),
        energy_cap_growth=float(v["ecology.energy_cap_growth"]) / 100.0,
        land_west_share=float(v["land.west_quota_share"]),
        land_unused_quota=float(v["land.unused_land_quota_km2"]),
        land_trading_share=float(v["land.quota_trading_share"]),
        pooling=str(v["public_services.pension_pooling"]),
        duty_exemption=bool(v["fiscal.equipment_duty_exemption"]),
        transfers_in_bond_capacity=bool(v["fiscal.transfers_in_bond_capacity"]),
        ecological_transfer_per_km2=float(v["fiscal.ecological_transfer_yuan_per_km2"]),
        transition_funds=float(v["fiscal.transition_funds_100m_yuan"]),
        pairing_share=float(v["fiscal.pairing_assistance_pct_donor_revenue"]) / 100.0,
        steer_energy_intensive=bool(v["industry.energy_intensive_to_clean_west"]),
        enclave_tax_share=float(v["industry.enclave_tax_share_to_origin"]),
        employer_si_rate=float(v["industry.employer_si_rate"]),
        return_support=float(v["talent.return_entrepreneurship_support"]),
        eco_compensation_per_km2=float(v["ecology.eco_compensation_yuan_per_km2"]),
    )
