"""Property-based tests over random valid scenarios (hypothesis).

Levers are drawn anywhere inside their catalogue ranges and exogenous paths inside plausible
bands; each example runs the small resolution for a few years. Whatever the draw, every year's
accounts close (people conserved, each province's fiscal identity to 1e-9 relative, horizontal
transfers booked by payer and payee), no result is NaN or infinite, shares lie in [0, 1] and
stocks are non-negative — or the run stops with a RunFailure that names the year and what broke.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from westdev.economy.simulate import build_model
from westdev.errors import RunFailure
from westdev.inputs.scenario import load_scenario
from westdev.policy.catalogue import LEVERS

SHARES = ("unemployment_rate", "secondary_share", "tertiary_share", "skilled_share",
          "non_local_hukou_share", "theil_within_west_share")
NON_NEGATIVE = ("gdp_100m_yuan", "population_10k", "firms", "employment_10k",
                "public_services_index", "infrastructure_access_index", "debt_100m_yuan",
                "disposable_income_per_capita_yuan", "infrastructure_capital_100m_yuan",
                "public_service_capital_100m_yuan")
EXOGENOUS_BANDS = {"frontier_tfp_growth": (-1.0, 5.0), "world_demand_growth": (-10.0, 15.0),
                   "commodity_price_index": (0.5, 2.0), "real_interest_rate": (0.0, 8.0),
                   "birth_rate_per_1000": (5.0, 15.0), "mortality_multiplier": (0.8, 1.2),
                   "public_investment_index": (0.5, 2.0)}


def _lever_value(spec):
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    lo, hi = spec.bounds
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


LEVER_DRAWS = st.fixed_dictionaries({name: _lever_value(spec) for name, spec in LEVERS.items()})
EXO_DRAWS = st.fixed_dictionaries({name: st.floats(lo, hi) for name, (lo, hi) in EXOGENOUS_BANDS.items()})


def _run_checked(levers: dict, exogenous: dict, seed: int, end_year: int = 2023):
    scenario = load_scenario("baseline").with_overrides(
        run={"end_year": end_year}, levers=levers, exogenous=exogenous)
    model = build_model(scenario, seed=seed, resolution="small")
    while model.year < end_year:
        model.step()  # check_year runs inside: identities to 1e-9, finite non-negative stocks
        b = model.state.last_budgets
        scale = max(float(np.abs(b.resources()).sum()), 1.0)
        assert np.all(np.abs(b.resources() - b.uses()) <= 1e-9 * scale)
        assert abs(b["horizontal_in"].sum() - b["horizontal_out"].sum()) <= 1e-9 * scale
    return model.recorder.to_frame()


def _check_frame(frame):
    assert np.isfinite(frame["value"]).all()
    shares = frame[frame.indicator.isin(SHARES)]["value"]
    assert ((shares >= -1e-12) & (shares <= 1 + 1e-12)).all()
    assert (frame[frame.indicator.isin(NON_NEGATIVE)]["value"] >= 0).all()
    goal = frame[frame.indicator.str.startswith("west_east_ratio")]["value"]
    assert (goal > 0).all()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=LEVER_DRAWS, exogenous=EXO_DRAWS, seed=st.integers(0, 2**31 - 1))
def test_random_valid_scenarios_keep_the_accounts(levers, exogenous, seed):
    # strict: a valid scenario must not break the economy over these years
    _check_frame(_run_checked(levers, exogenous, seed))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=LEVER_DRAWS, exogenous=EXO_DRAWS, seed=st.integers(0, 2**31 - 1))
def test_random_valid_scenarios_keep_the_accounts_long(levers, exogenous, seed):
    try:
        frame = _run_checked(levers, exogenous, seed, end_year=2030)
    except RunFailure as failure:
        assert str(failure).startswith("year ")
        return
    _check_frame(frame)


def test_extreme_levers_all_at_their_upper_bounds_run_or_fail_clearly():
    """Every float lever at the top of its range, every switch on."""
    levers = {name: (True if s.kind == "bool" else s.choices[-1] if s.kind == "choice"
                     else s.bounds[1]) for name, s in LEVERS.items()}
    try:
        _check_frame(_run_checked(levers, {}, seed=3, end_year=2025))
    except RunFailure as failure:
        assert "year" in str(failure)
