"""Shared test options, fixtures and Hypothesis profiles.

Hypothesis profiles (select with ``--hypothesis-profile NAME``):

- ``ci`` (the default): deterministic examples and no example database, so a test either always
  passes or always fails on a given code base — a fresh clone cannot pass or fail by chance, and
  an example found once is never carried silently into later runs;
- ``search``: a long random search with no database, for the slow tier
  (``tests/model/test_property_search.py`` runs every property test under it with fresh seeds) and
  for hunting by hand: ``pytest -p no:randomly --hypothesis-profile search --hypothesis-seed N``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.register_profile("search", derandomize=False, database=None, deadline=None,
                          max_examples=1000, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden regression files from the current model")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
