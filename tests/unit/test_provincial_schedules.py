"""Exogenous drivers set by province (ProvincialSchedule): files, tables, checks, round trips."""

from __future__ import annotations

import numpy as np
import pytest

from westdev.errors import InputError
from westdev.inputs.regions import province_codes
from westdev.inputs.scenario import load_scenario
from westdev.inputs.schedule import ProvincialSchedule

CODES = province_codes()


def _csv(path, rows):
    path.write_text("year," + ",".join(map(str, CODES)) + "\n"
                    + "".join(f"{y}," + ",".join(map(str, v)) + "\n" for y, v in rows),
                    encoding="utf-8")
    return path


def test_a_province_csv_gives_each_province_its_own_path(tmp_path):
    values = [[1.0] * 31, [1.0 + i / 10 for i in range(31)]]
    path = _csv(tmp_path / "push.csv", [(2020, values[0]), (2030, values[1])])
    s = load_scenario("baseline").with_overrides(exogenous={"public_investment_index": str(path)})
    schedule = s.exogenous["public_investment_index"]
    assert isinstance(schedule, ProvincialSchedule)
    v2025 = s.exogenous_values(2025)["public_investment_index"]
    assert v2025.shape == (31,)
    np.testing.assert_allclose(v2025, [(a + b) / 2 for a, b in zip(*values, strict=True)])
    # a national driver stays a number
    assert isinstance(s.exogenous_values(2025)["frontier_tfp_growth"], float)


def test_a_table_keyed_by_province_code_round_trips_through_the_scenario_content(tmp_path):
    table = {str(c): {"2020": 1.0, "2030": 1.0 + (c == 51)} for c in CODES}
    import tomli_w

    s = load_scenario("baseline").with_overrides(exogenous={"public_investment_index": table})
    content = s.to_dict()
    content["meta"] = {"name": "round_trip", "description": "written and read back"}
    (tmp_path / "round_trip.toml").write_text(tomli_w.dumps(content), encoding="utf-8")
    again = load_scenario(tmp_path / "round_trip.toml")
    assert again.content_hash == s.content_hash
    sichuan = CODES.index(51)
    assert again.exogenous_values(2030)["public_investment_index"][sichuan] == 2.0
    # the same paths written as a CSV give the same content hash
    rows = [(2020, [1.0] * 31), (2030, [1.0 + (c == 51) for c in CODES])]
    from_file = load_scenario("baseline").with_overrides(
        exogenous={"public_investment_index": str(_csv(tmp_path / "p.csv", rows))})
    assert from_file.content_hash == s.content_hash


@pytest.mark.parametrize("table, field", [
    ({str(c): 1.0 for c in CODES[:-1]}, "exogenous.public_investment_index"),  # one missing
    ({**{str(c): 1.0 for c in CODES}, "99": 1.0}, "exogenous.public_investment_index"),
    ({**{str(c): 1.0 for c in CODES}, "11": 9.0}, "exogenous.public_investment_index.11"),
])
def test_bad_province_tables_name_the_field(table, field):
    with pytest.raises(InputError) as err:
        load_scenario("baseline").with_overrides(exogenous={"public_investment_index": table})
    assert field in str(err.value)


def test_a_national_driver_is_not_accepted_by_province():
    with pytest.raises(InputError, match="exogenous.frontier_tfp_growth"):
        load_scenario("baseline").with_overrides(
            exogenous={"frontier_tfp_growth": {str(c): 1.0 for c in CODES}})
