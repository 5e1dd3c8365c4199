"""Slow tier: every fast property test again under a long random search.

The default tier runs Hypothesis deterministically (profile ``ci``), so CI cannot pass or fail
by chance. That alone would never find new counter-examples; this test re-runs the same property
tests with the ``search`` profile (random examples, up to 1,000 per test, no database) and a
fresh seed, so rare cases such as a 1e-38 km² land request are found by us, not by users.
Run with: ``pytest -m slow tests/model/test_property_search.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
PROPERTY_FILES = ["unit/test_rules_land.py", "unit/test_rules_labour.py",
                  "unit/test_rules_firms.py", "unit/test_rules_government.py",
                  "unit/test_rules_indicators.py", "unit/test_seeds.py",
                  "unit/test_schedule.py", "unit/test_summaries.py",
                  "unit/test_experiments.py"]


@pytest.mark.slow
def test_property_tests_hold_under_a_long_random_search():
    seed = int.from_bytes(os.urandom(4), "little")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
           "--hypothesis-profile", "search", f"--hypothesis-seed={seed}",
           *[str(TESTS / f) for f in PROPERTY_FILES]]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=TESTS.parent, timeout=3600)
    assert done.returncode == 0, f"seed {seed}:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
