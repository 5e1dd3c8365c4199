"""The targets file: every data value is what the packaged data give, sets respect their years,
bad files fail with one message naming the file and field."""

from __future__ import annotations

import math
import tomllib
from importlib import resources

import pytest

from westdev.calibration.targets import load_targets, observed_values, parse_targets
from westdev.errors import InputError


@pytest.fixture(scope="module")
def targets():
    return load_targets()


def test_every_data_value_is_recomputed_from_the_packaged_data(targets):
    recomputed = observed_values(targets.targets)
    assert set(recomputed) == {n for n, t in targets.targets.items() if t.from_data}
    for name, value in recomputed.items():
        assert math.isclose(targets.targets[name].value, value, rel_tol=2e-4, abs_tol=1e-4), \
            (name, targets.targets[name].value, value)


def test_literature_targets_cite_their_source(targets):
    lit = [t for t in targets.targets.values() if not t.from_data]
    assert lit, "the programme premium comes from the literature"
    for t in lit:
        assert t.source.startswith("literature:") and len(t.source) > 40


def test_the_documented_gap_is_what_the_data_say(targets):
    # docs/evidence.md: West/East GDP per head 0.587 and income 0.604 in 2019
    assert targets.targets["gdp_pc_ratio_2019"].value == pytest.approx(0.587, abs=5e-4)
    assert targets.targets["income_ratio_2019"].value == pytest.approx(0.604, abs=5e-4)


def test_the_early_set_uses_no_data_after_2012(targets):
    early = targets.select("CN2012")
    assert all(t.last_year <= 2012 for t in early.values() if t.from_data)
    assert len(early) == len(targets.select("CN2019"))


def test_candidates_are_register_parameters_with_ranges(targets):
    assert 10 <= len(targets.candidates) <= 30
    assert "exogenous.frontier_tfp_growth.scale" in targets.history_scales


def _raw():
    text = resources.files("westdev.calibration").joinpath("targets.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize("edit, field", [
    (lambda r: r["targets"]["gdp_pc_ratio_2019"].pop("tolerance"), "targets.gdp_pc_ratio_2019"),
    (lambda r: r["targets"]["gdp_pc_ratio_2019"].update(kind="level"),
     "targets.gdp_pc_ratio_2019.kind"),
    (lambda r: r["targets"]["gdp_pc_ratio_2019"].update(tolerance=0),
     "targets.gdp_pc_ratio_2019.tolerance"),
    (lambda r: r["targets"]["gdp_pc_ratio_2019"].update(years=[1999]),
     "targets.gdp_pc_ratio_2019.years"),
    (lambda r: r["sets"]["CN2012"].append("gdp_pc_ratio_2019"), "sets.CN2012"),
    (lambda r: r["sets"]["CN2019"].append("no_such_moment"), "sets.CN2019"),
    (lambda r: r["calibration"]["candidates"].append("firms.no_such"),  # appended after the 27 listed
     "calibration.candidates[27]"),
])
def test_bad_targets_name_file_and_field(edit, field):
    raw = _raw()
    edit(raw)
    with pytest.raises(InputError) as err:
        parse_targets(raw, "my_targets.toml")
    assert "my_targets.toml" in str(err.value) and field in str(err.value)


def test_unknown_set_is_refused(targets):
    with pytest.raises(InputError, match="no target set"):
        targets.select("CN2030")
