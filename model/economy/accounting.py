"""Accounting checks run every year: people are conserved, each province's fiscal identity
closes, every yuan of a transfer is booked by payer and payee, and no stock goes negative or
non-finite. A failure raises `RunFailure` with a diagnostic instead of writing nonsense."""

from __future__ import annotations

import numpy as np

from westdev.errors import RunFailure

REL_TOL = 1e-9
# A run's firm and worker agents may number at most this multiple of the start year's. Entry,
# births and thinning keep counts within a factor of about two over 2019–2035 on any valid
# input; a count beyond the limit is a runaway rule, stopped before it allocates gigabytes.
AGENT_GROWTH_LIMIT = 8


def _close(a: np.ndarray | float, b: np.ndarray | float, scale: float) -> bool:
    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= REL_TOL * max(scale, 1.0)))


def fiscal_residuals(budgets) -> np.ndarray:
    """Resources minus uses per province (100m yuan); zero when the identity closes."""
    return budgets.resources() - budgets.uses()


def check_agent_growth(geo, year: int, rule: str, current: int, new_by_cell: np.ndarray,
                       limit: int) -> None:
    """Raise RunFailure, before anything is allocated, if `rule` would take the agent count
    past `limit`; the message names the rule, the province that adds the most agents and
    the year. `new_by_cell` holds the new agents by province (rows) and, optionally, sector."""
    added = int(new_by_cell.sum())
    if current + added <= limit:
        return
    by_province = new_by_cell.reshape(geo.n, -1).sum(axis=1)
    worst = int(np.argmax(by_province))
    raise RunFailure(f"{rule} ran away: {added:,} new agents ({int(by_province[worst]):,} in "
                     f"{geo.names[worst]}) would take the run to {current + added:,} "
                     f"agents, over its limit of {limit:,} ({AGENT_GROWTH_LIMIT} × the start "
                     "year's)", year=year)


def check_year(setting, state, flows) -> None:
    """Raise RunFailure if any identity fails or any stock is negative or non-finite.
    Keeps the census population it checked in `state.checked_population` for next year."""
    year = flows.year
    n = setting.geo.n
    # the census is kept up to date by difference through the year; a full count of the
    # agents checks it in the start and the end year
    pop = state.census.population
    if year in (setting.start_year, setting.scenario.run.end_year):
        full = state.workers.population(n)
        if not _close(full, pop, full.sum()):
            raise RunFailure("the worker census differs from a full count of the agents", year=year)
    if state.workers.n > setting.worker_agent_limit:
        raise RunFailure(f"worker births ran away: {state.workers.n:,} worker agents, over the "
                         f"run's limit of {setting.worker_agent_limit:,} ({AGENT_GROWTH_LIMIT} × "
                         "the start year's)", year=year)
    checks = {
        "GDP": flows.gdp, "population": pop, "firm capital": state.firms.capital,
        "firm weights": state.firms.weight, "infrastructure capital": state.k_infra,
        "public-service capital": state.k_public, "debt": state.debt, "wage": state.wage,
        "household income": flows.household_income,
    }
    # one pass over everything first; the item at fault is looked for only when it fails
    stocks = np.concatenate([np.ravel(arr) for arr in checks.values()])
    if not (np.isfinite(stocks).all() and stocks.min(initial=0.0) >= 0):
        for name, arr in checks.items():
            arr = np.asarray(arr)
            if not np.all(np.isfinite(arr)):
                raise RunFailure(f"{name} is not finite", year=year)
            if np.any(arr < 0):
                raise RunFailure(f"{name} is negative", year=year)
    _check_budget_items(setting, flows.budgets.items, year)

    prev = state.checked_population
    if prev is not None:
        expected = prev + flows.births - flows.deaths + flows.net_migration
        if not _close(pop, expected, pop.sum()):
            raise RunFailure("people not conserved: population ≠ previous + births − deaths "
                             "+ net migration", year=year)
    if abs(flows.net_migration.sum()) > REL_TOL * max(pop.sum(), 1.0):
        raise RunFailure("net migration does not sum to zero across provinces", year=year)
    state.checked_population = pop

    b = flows.budgets
    scale = float(np.abs(b.resources()).sum())
    resid = fiscal_residuals(b)
    if not _close(resid, 0.0, scale):
        worst = int(np.argmax(np.abs(resid)))
        raise RunFailure(f"fiscal identity of {setting.geo.names[worst]} does not close "
                         f"(residual {resid[worst]:.3g} × 100m yuan)", year=year)
    if not _close(b["horizontal_in"].sum(), b["horizontal_out"].sum(), scale):
        raise RunFailure("horizontal transfers paid ≠ received", year=year)
    if flows.land is not None and not _close(flows.land.revenue.sum(), flows.land.payment.sum(), scale):
        raise RunFailure("land-quota sales ≠ purchases", year=year)
    si = flows.social_insurance
    if not _close(si["pooled_transfer"].sum(), 0.0, float(np.abs(si["contributions"]).sum())):
        raise RunFailure("pooled social-insurance transfers do not net to zero", year=year)


def _check_budget_items(setting, items: dict[str, np.ndarray], year: int) -> None:
    """Every budget item finite and every flow non-negative (to within 10⁻⁹ of the item's
    total), except earmarked transfers, which are calibrated net of remittances to the centre
    (上解) and may be negative for rich provinces."""
    keys = list(items)
    values = list(items.values())
    n = setting.geo.n
    if not all(np.shape(v) == (n,) for v in values):  # a scalar item stands for every province
        values = [np.broadcast_to(v, (n,)) for v in values]
    table = np.stack(values)
    floor = -1e-9 * np.maximum(np.abs(table).sum(axis=1), 1.0)
    negative = (table < floor[:, None]).any(axis=1)
    if "earmarked_transfer" in items:
        negative[keys.index("earmarked_transfer")] = False
    if np.isfinite(table).all() and not negative.any():
        return
    for i, key in enumerate(keys):
        if not np.all(np.isfinite(table[i])):
            raise RunFailure(f"budget item {key} is not finite", year=year)
        if negative[i]:
            worst = int(np.argmin(table[i]))
            raise RunFailure(f"budget item {key} of {setting.geo.names[worst]} is negative "
                             f"({table[i, worst]:.3g} × 100m yuan): obligations exceed resources",
                             year=year)
