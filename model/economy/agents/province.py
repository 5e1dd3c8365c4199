"""Provinces: the 31 Mesa agents. Each holds its identity and makes its government's choices —
how to split the year's discretionary budget between infrastructure, public services and other
uses — from its own accounts. Province-level stocks live in arrays on the model (one entry per
province) so that cross-province rules (migration, market access, transfers) stay vectorised;
each agent reads and writes its own entry.
"""

from __future__ import annotations

import mesa


class Province(mesa.Agent):
    """One provincial government and its territory."""

    def __init__(self, model: mesa.Model, index: int, code: int, name: str, region: str,
                 west: bool) -> None:
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name
        self.region = region
        self.west = west

    def allocate_budget(self, discretionary: float, public_service_share: float,
                        infrastructure_share: float) -> dict[str, float]:
        """Split discretionary resources (100m yuan) — what is left after debt service,
        horizontal payments, quota purchases, mandated programmes, co-financing and special
        bonds — between public services, infrastructure and other spending (administration,
        security, other services). Shares are the province's policy (the western public-service
        share is the §22–§26 lever); if they add up to more than 1 they are scaled down
        together, so no use is negative."""
        total = public_service_share + infrastructure_share
        scale = 1.0 / total if total > 1.0 else 1.0
        base = max(discretionary, 0.0)
        ps = base * public_service_share * scale
        infra = base * infrastructure_share * scale
        other = max(base - ps - infra, 0.0)
        return {"public_services": ps, "infrastructure": infra, "other": other}
