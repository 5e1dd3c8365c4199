"""Lever values of one year turned into the arrays the model's rules read.

This is the one documented place where policy acts on the economy: every lever of the
catalogue is read here (or, for the few that act on a single flow, named in the rule that uses
it), so a reader can follow each lever from its article to its mechanism.
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
    """Policy of one year, as arrays over provinces (31) or scalars."""

    values: dict  # raw lever values by dotted name
    west: np.ndarray
    transfer_coefficient: np.ndarray  # formula-transfer weight by province
    cofinancing: np.ndarray  # local share of centrally funded projects
    cit_encouraged: np.ndarray  # CIT rate of eligible (encouraged) firms by province
    catalogue_coverage: np.ndarray  # share of industry/service firms eligible, by province
    capital_price_eligible: np.ndarray  # price of capital goods for eligible firms (1 = none)
    bond_quota_multiplier: np.ndarray
    project_intensity: np.ndarray  # central transport + water/information funds, share of GDP
    spread_cut: np.ndarray  # cut in loan spreads for small firms (share, i.e. pp/100)
    green_discount: np.ndarray  # average cost-of-capital cut from green credit (share)
    debt_spread: np.ndarray  # spread on provincial debt over the real rate (share)
    relocation_support: np.ndarray  # share of moving cost paid for moves into each province
    public_service_share: np.ndarray  # share of discretionary budget on public services
    wage_premium: np.ndarray  # public-servant wage premium by province
    remote_coverage: np.ndarray
    protected_share: np.ndarray  # protected share of land area by province
    power_discount: np.ndarray  # power-price discount for energy-intensive firms
    migrant_access: float
    portability_cost: float
    skilled_incentive: np.ndarray  # yuan per skilled migrant per year, by destination
    young_upgrade: np.ndarray  # yearly skill-upgrade probability of the 15–29 band
    adult_upgrade: np.ndarray  # yearly training probability of low-skill 30–64
    entry_barrier: float
    fdi_entry_boost: np.ndarray  # extra entry of foreign-invested industry firms (share), by province
    catch_up_boost: np.ndarray  # innovation platforms
    foreign_cost_cut: np.ndarray  # cut in foreign trade costs
    foreign_reach: np.ndarray  # multiplier on the foreign-demand share of tradables
    processing_share: np.ndarray  # local processing of resources (western resource provinces)
    transmission: np.ndarray  # west→east power transmission index
    vat_zone_relief: np.ndarray  # VAT relief for firms in customs special zones
    energy_cap_growth: float
    land_west_share: float
    land_unused_quota: float
    land_trading_share: float
    pooling: str


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
    )
