"""Scenario files: the schema of docs/design.md §8, strict validation (§9), extends, content
hash."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

import westdev.inputs.parameters
from westdev.errors import InputError
from westdev.inputs.exogenous import EXOGENOUS
from westdev.inputs.scenario import (
    GoalThresholds,
    Scenario,
    load_scenario,
    shipped_path,
    validate_file,
)
from westdev.inputs.schedule import Schedule
from westdev.policy.catalogue import LEVERS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ → import fakes
import fakes  # noqa: E402

CIT = "fiscal.cit_rate_encouraged_west"


@pytest.fixture(autouse=True)
def register(monkeypatch):
    """Parameter overrides are checked against a small fake register."""
    monkeypatch.setattr(westdev.inputs.parameters, "load_register", fakes.fake_register)


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- valid files
def test_baseline_is_policy_as_in_2019():
    s = load_scenario("baseline")
    assert s.name == "baseline"
    assert (s.run.start_year, s.run.end_year, s.run.resolution) == (2019, 2035, "default")
    assert (s.run.replicates, s.run.root_seed) == (1, 20200517)
    assert set(s.levers) == set(LEVERS) and set(s.exogenous) == set(EXOGENOUS)
    values = s.lever_values(2030)
    assert all(values[n] == spec.value_2019 for n, spec in LEVERS.items())
    assert s.goal == GoalThresholds(0.8, 0.8, 0.8)
    assert s.inputs() == {"levers": {}, "parameters": {}, "exogenous": {}}


def test_no_policy_switches_off_every_western_preference():
    s = load_scenario("no_policy.toml")
    base = load_scenario("baseline")
    assert s.name == "no_policy" and s.run == base.run
    values = s.lever_values(2035)
    for name, spec in LEVERS.items():
        expected = spec.value_no_policy if spec.west_preference else spec.value_2019
        assert values[name] == expected, name
    assert s.content_hash != base.content_hash


def test_every_value_form(tmp_path):
    (tmp_path / "tfp.csv").write_text("year,value\n2019,2.0\n2035,1.0\n")
    path = write(tmp_path, """
        [meta]
        name = "mix"
        description = "all forms"

        [run]
        start_year = 2019
        end_year = 2040
        resolution = "small"
        replicates = 4
        root_seed = 7

        [parameters]
        vintage = "CN2019"
        "migration.distance_elasticity" = 1.4

        [parameters.firms]
        moving_cost_share = 0.5

        [exogenous]
        real_interest_rate = 2
        commodity_price_index = {2020 = 1.0, 2030 = 1.5}
        frontier_tfp_growth = "tfp.csv"

        [levers.fiscal]
        cit_rate_encouraged_west = {2020 = 0.15, 2030 = 0.25}
        equipment_duty_exemption = {2019 = true, 2025 = false}

        [levers.public_services]
        pension_pooling = "national"

        [goal]
        income = 0.9
    """)
    s = load_scenario(path)
    assert s.run.years == range(2019, 2041)
    assert dict(s.parameter_overrides) == {"migration.distance_elasticity": 1.4,
                                           "firms.moving_cost_share": 0.5}
    exo = s.exogenous_values(2025)
    assert exo["real_interest_rate"] == 2.0
    assert exo["commodity_price_index"] == pytest.approx(1.25)
    assert exo["frontier_tfp_growth"] == pytest.approx(2.0 - 6 / 16)
    assert exo["birth_rate_per_1000"] == pytest.approx(
        Schedule.from_points(EXOGENOUS["birth_rate_per_1000"].default).at(2025))
    levers = s.lever_values(2025)
    assert levers[CIT] == pytest.approx(0.2)
    assert levers["fiscal.equipment_duty_exemption"] is False
    assert s.lever_values(2024)["fiscal.equipment_duty_exemption"] is True
    assert levers["public_services.pension_pooling"] == "national"
    assert s.goal == GoalThresholds(0.9, 0.8, 0.8)
    assert s.source == str(path)


def test_dotted_lever_keys_under_levers(tmp_path):
    s = load_scenario(write(tmp_path, '[levers]\n"fiscal.cit_rate_encouraged_west" = 0.2\n'))
    assert s.lever_values(2030)[CIT] == 0.2
    assert s.name == "s"  # defaults to the file's stem


def test_scenario_is_frozen_hashable_and_picklable():
    s = load_scenario("no_policy")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.levers[CIT] = Schedule.constant(0.1)  # type: ignore[index]
    assert pickle.loads(pickle.dumps(s)) == s
    assert hash(pickle.loads(pickle.dumps(s))) == hash(s)


def test_to_dict_lists_everything():
    d = load_scenario("no_policy").to_dict()
    assert set(d) == {"meta", "run", "parameters", "exogenous", "levers", "goal"}
    assert d["levers"]["fiscal"]["cit_rate_encouraged_west"] == 0.25
    assert sum(len(v) for v in d["levers"].values()) == len(LEVERS)
    assert d["parameters"] == {"vintage": "CN2019"}


# ---------------------------------------------------------------------- bad input
BAD = [
    ("[runn]\nreplicates = 2\n", "runn", "did you mean 'run'"),
    ("[run]\nreplicate = 2\n", "run.replicate", "did you mean 'replicates'"),
    ("[meta]\nnme = 'x'\n", "meta.nme", "did you mean 'name'"),
    ("[meta]\nname = 'has space'\n", "meta.name", "not a scenario name"),
    ("[levers.fiscl]\ncit_rate_encouraged_west = 0.2\n", "levers.fiscl",
     "did you mean 'fiscal'"),
    ("[levers.fiscal]\ncit_rate = 0.2\n", "levers.fiscal.cit_rate",
     "did you mean 'fiscal.cit_rate_encouraged_west'"),
    ("[levers.fiscal]\nemployer_si_rate = 0.2\n", "levers.fiscal.employer_si_rate",
     "did you mean 'industry.employer_si_rate'"),
    ("[levers]\nfiscal = 3\n", "levers.fiscal", "expected a table"),
    ("[exogenous]\nworld_demand = 2\n", "exogenous.world_demand",
     "did you mean 'world_demand_growth'"),
    ("[goal]\nincomes = 0.8\n", "goal.incomes", "did you mean 'income'"),
    ("[run]\nreplicates = '3'\n", "run.replicates", "integer >= 1"),
    ("[run]\nreplicates = 2.0\n", "run.replicates", "integer >= 1"),
    ("[run]\nreplicates = 0\n", "run.replicates", "integer >= 1"),
    ("[run]\nstart_year = 2010\n", "run.start_year", "2000 or 2019"),
    ("[run]\nend_year = 2070\n", "run.end_year", "at most 2060"),
    ("[run]\nend_year = 2019\n", "run.end_year", "not after start_year 2019"),
    ("[run]\nresolution = 'huge'\n", "run.resolution", "small | default | large"),
    ("[run]\nroot_seed = -1\n", "run.root_seed", "2^63-1"),
    ("[run]\nroot_seed = true\n", "run.root_seed", "not a seed"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = 0.3\n",
     "levers.fiscal.cit_rate_encouraged_west", "[0, 0.25]"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = nan\n",
     "levers.fiscal.cit_rate_encouraged_west", "not finite"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = inf\n",
     "levers.fiscal.cit_rate_encouraged_west", "not finite"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = 'low'\n",
     "levers.fiscal.cit_rate_encouraged_west", "neither a number nor a CSV"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = {1980 = 0.2}\n",
     "levers.fiscal.cit_rate_encouraged_west", "not a year"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = {}\n",
     "levers.fiscal.cit_rate_encouraged_west", "at least one"),
    ("[levers.fiscal]\ncit_rate_encouraged_west = 'missing.csv'\n",
     "levers.fiscal.cit_rate_encouraged_west", "not found"),
    ("[levers.fiscal]\nequipment_duty_exemption = 1\n",
     "levers.fiscal.equipment_duty_exemption", "true or false"),
    ("[levers.public_services]\npension_pooling = 'city'\n",
     "levers.public_services.pension_pooling", "'county' | 'provincial' | 'national'"),
    ("[exogenous]\nreal_interest_rate = 50\n", "exogenous.real_interest_rate", "[-5, 20]"),
    ("[exogenous]\nreal_interest_rate = 'high'\n", "exogenous.real_interest_rate",
     "neither a number nor a CSV"),
    ("[goal]\nincome = 0\n", "goal.income", "(0, 2]"),
    ("[goal]\nincome = 2.5\n", "goal.income", "(0, 2]"),
    ("[goal]\nincome = 'high'\n", "goal.income", "(0, 2]"),
    ("[parameters]\nvintage = 'CN1999'\n", "parameters.vintage", "CN2019"),
    ("[parameters]\n\"migration.distance_elastic\" = 1.0\n",
     "parameters.migration.distance_elastic", "did you mean 'migration.distance_elasticity'"),
    ("[parameters]\n\"migration.distance_elasticity\" = 9.0\n",
     "parameters.migration.distance_elasticity", "out of range"),
    ("[parameters]\n\"migration.distance_elasticity\" = 'x'\n",
     "parameters.migration.distance_elasticity", "expected a number"),
    ("[meta]\nextends = ''\n", "meta.extends", "non-empty string"),
    ("run = 5\n", "run", "expected a table"),
]


@pytest.mark.parametrize("text, field, expected", BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_input_is_one_clear_error(tmp_path, text, field, expected):
    path = write(tmp_path, text, name="bad.toml")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message
    assert f"field '{field}'" in message
    assert expected in message
    assert "\n" not in message


def test_bad_toml_reports_the_line(tmp_path):
    path = write(tmp_path, "[run]\nreplicates = 2\nroot_seed = = 3\n")
    with pytest.raises(InputError, match=r"invalid TOML: .*line 3") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_bad_toml_at_end_of_document(tmp_path):
    with pytest.raises(InputError, match="line 2"):
        load_scenario(write(tmp_path, "[run]\nreplicates = "))


@pytest.mark.parametrize("text", ["", "   \n# only a comment\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(InputError, match="empty"):
        load_scenario(write(tmp_path, text))


def test_missing_file_and_unknown_name():
    with pytest.raises(InputError, match="no such scenario file; did you mean 'baseline'"):
        load_scenario("baselin")
    with pytest.raises(InputError, match="nowhere/x.toml"):
        load_scenario("nowhere/x.toml")


def test_directory_and_non_utf8(tmp_path):
    with pytest.raises(InputError, match="directory"):
        load_scenario(tmp_path)
    bad = tmp_path / "latin.toml"
    bad.write_bytes(b"[meta]\ndescription = '\xe9'\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_scenario(bad)


# ---------------------------------------------------------------------- extends
def test_extends_chain_child_wins_per_field(tmp_path):
    write(tmp_path, """
        [meta]
        name = "mid"
        description = "middle"
        extends = "baseline"
        [run]
        replicates = 5
        [levers.fiscal]
        cit_rate_encouraged_west = {2020 = 0.15, 2030 = 0.2}
        west_transfer_coefficient = 1.5
        [goal]
        income = 0.9
    """, name="mid.toml")
    (tmp_path / "sub").mkdir()
    child = write(tmp_path / "sub", """
        [meta]
        extends = "../mid.toml"
        [run]
        end_year = 2050
        [levers.fiscal]
        cit_rate_encouraged_west = 0.1
    """, name="child.toml")
    s = load_scenario(child)
    assert s.name == "child" and s.description == ""  # meta is not inherited
    assert (s.run.replicates, s.run.end_year, s.run.root_seed) == (5, 2050, 20200517)
    assert s.lever_values(2020)[CIT] == 0.1  # the child's constant replaces the schedule
    assert s.lever_values(2020)["fiscal.west_transfer_coefficient"] == 1.5
    assert s.goal.income == 0.9 and s.goal.infrastructure == 0.8


def test_extends_cross_field_check_after_merge(tmp_path):
    write(tmp_path, "[run]\nstart_year = 2000\nend_year = 2010\n", name="back.toml")
    child = write(tmp_path, "[meta]\nextends = 'back.toml'\n[run]\nstart_year = 2019\n")
    with pytest.raises(InputError, match="end_year 2010 is not after start_year 2019"):
        load_scenario(child)


def test_extends_missing(tmp_path):
    path = write(tmp_path, "[meta]\nextends = 'nope.toml'\n")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert "field 'meta.extends'" in str(err.value) and "'nope.toml' not found" in str(err.value)


def test_extends_cycle(tmp_path):
    write(tmp_path, "[meta]\nextends = 'b.toml'\n", name="a.toml")
    write(tmp_path, "[meta]\nextends = 'a.toml'\n", name="b.toml")
    with pytest.raises(InputError, match="cycle: a.toml -> b.toml -> a.toml"):
        load_scenario(tmp_path / "a.toml")
    write(tmp_path, "[meta]\nextends = 'self.toml'\n", name="self.toml")
    with pytest.raises(InputError, match="meta.extends.*cycle"):
        load_scenario(tmp_path / "self.toml")


def test_error_in_parent_names_the_parent(tmp_path):
    parent = write(tmp_path, "[levers.fiscal]\ncit_rate_encouraged_west = 0.9\n", name="p.toml")
    child = write(tmp_path, "[meta]\nextends = 'p.toml'\n", name="c.toml")
    with pytest.raises(InputError) as err:
        load_scenario(child)
    assert str(err.value).startswith(str(parent))


# ---------------------------------------------------------------------- content hash
def test_content_hash_is_stable_and_ignores_path_name_and_layout(tmp_path):
    a = load_scenario("no_policy")
    assert a.content_hash == load_scenario("no_policy").content_hash
    assert len(a.content_hash) == 64
    # the same content, written differently, elsewhere, under another name
    write(tmp_path, "[meta]\nname = 'elsewhere'\n", name="base.toml")
    shutil.copy(shipped_path("baseline"), tmp_path / "baseline.toml")
    text = shipped_path("no_policy").read_text(encoding="utf-8")
    copy = write(tmp_path, text.replace('name = "no_policy"', 'name = "copy"'), name="c.toml")
    assert load_scenario(copy).content_hash == a.content_hash


def test_content_hash_equal_for_equivalent_schedules(tmp_path):
    (tmp_path / "c.csv").write_text("year,value\n2020,0.2\n2030,0.1\n")
    one = load_scenario(write(tmp_path, "[levers.fiscal]\ncit_rate_encouraged_west = 0.2\n"))
    two = load_scenario(write(tmp_path, "[levers.fiscal]\ncit_rate_encouraged_west = "
                              "{2025 = 0.2}\n", name="t.toml"))
    assert one.content_hash == two.content_hash
    three = load_scenario(write(tmp_path, "[levers.fiscal]\ncit_rate_encouraged_west = "
                                "'c.csv'\n", name="u.toml"))
    four = load_scenario(write(tmp_path, "[levers.fiscal]\ncit_rate_encouraged_west = "
                               "{2020 = 0.2, 2030 = 0.1}\n", name="v.toml"))
    assert three.content_hash == four.content_hash != one.content_hash


def test_content_hash_changes_with_content():
    base = load_scenario("baseline")
    hashes = {
        base.content_hash,
        base.with_overrides(levers={CIT: 0.2}).content_hash,
        base.with_overrides(run={"replicates": 3}).content_hash,
        base.with_overrides(goal={"income": 0.9}).content_hash,
        base.with_overrides(parameters={"migration.distance_elasticity": 1.3}).content_hash,
        base.with_overrides(exogenous={"real_interest_rate": 2.0}).content_hash,
    }
    assert len(hashes) == 6
    assert base.with_overrides(name="renamed").content_hash == base.content_hash


# ---------------------------------------------------------------------- variants
def test_with_overrides_checks_like_a_file():
    base = load_scenario("baseline")
    v = base.with_overrides(levers={CIT: {2020: 0.15, 2030: 0.25}}, name="v")
    assert isinstance(v, Scenario) and v.name == "v" and base.lever_values(2025)[CIT] == 0.15
    assert v.lever_values(2025)[CIT] == pytest.approx(0.2)
    assert v.inputs() == {"levers": {CIT: {"2020": 0.15, "2030": 0.25}}, "parameters": {},
                          "exogenous": {}}
    assert v.with_overrides(run={"end_year": 2040}).name == "v"
    with pytest.raises(InputError, match=r"field 'levers.fiscal.cit_rate_encouraged_west'"):
        base.with_overrides(levers={CIT: 0.5})
    with pytest.raises(InputError, match=r"did you mean 'fiscal.cit_rate_encouraged_west'"):
        base.with_overrides(levers={"fiscal.cit_rate": 0.1})
    with pytest.raises(InputError, match="run.end_year"):
        base.with_overrides(run={"end_year": 2010})


def test_validate_file_returns_the_scenario():
    assert validate_file(shipped_path("no_policy")).name == "no_policy"
