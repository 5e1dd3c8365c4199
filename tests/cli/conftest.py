"""Fixtures shared by the CLI tests: the fake run function and a short scenario file."""

from __future__ import annotations

import fakes
import pytest

import westdev.economy.simulate


@pytest.fixture
def fake_simulate(monkeypatch):
    """Batches call the deterministic stand-in of tests/fakes.py instead of the model."""
    monkeypatch.setattr(westdev.economy.simulate, "simulate", fakes.simulate)


@pytest.fixture
def short(tmp_path):
    """A scenario file: the baseline ending in 2023."""
    path = tmp_path / "short.toml"
    path.write_text('[meta]\nname = "short"\nextends = "baseline"\n[run]\nend_year = 2023\n')
    return path
