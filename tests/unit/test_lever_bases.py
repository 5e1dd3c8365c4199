"""The basis of every lever magnitude (issue 22): each 2019, guideline and enacted value is
documented (a dated document that sets the number), a range (an assumption with [low, high]
and its reasoning) or a definition; `westdev levers` counts the assumed ones correctly; a broken
bases.toml is refused with a message naming the lever."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from westdev.cli import main
from westdev.policy.catalogue import (
    DOCUMENTS,
    LEVERS,
    STATUSES,
    WHICH,
    CatalogueError,
    assumed,
    load_bases,
)
from westdev.policy.docs import catalogue_markdown

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
NAMES = sorted(LEVERS)


def _values(spec, which):
    if which == "2019":
        return [spec.value_2019]
    if which == "guideline":
        return [spec.value_guideline]
    return list(spec.enacted_points.values())


@pytest.mark.parametrize("name", NAMES)
def test_every_value_has_a_basis(name):
    spec = LEVERS[name]
    assert spec.basis is not None and spec.value_enacted is not None
    for which in WHICH:
        ev = spec.basis.of(which)
        assert ev.status in STATUSES and ev.note.strip(), (name, which)


@pytest.mark.parametrize("name", NAMES)
def test_documented_values_name_a_dated_document(name):
    for which in WHICH:
        ev = LEVERS[name].basis.of(which)
        if ev.status != "documented":
            continue
        assert ev.citations, (name, which)
        for c in ev.citations:
            d = c.document
            assert c.sets.strip() and d.title.strip() and d.issuer.strip(), (name, which, d.id)
            assert DATE.match(d.date), (d.id, d.date)
            assert d.urls and d.access in ("text", "report", "title"), d.id


@pytest.mark.parametrize("name", NAMES)
def test_assumed_values_lie_in_their_range_within_the_bounds(name):
    spec = LEVERS[name]
    for which in WHICH:
        ev = spec.basis.of(which)
        if ev.status != "range":
            assert ev.range is None, (name, which)
            continue
        lo, hi = ev.range
        assert spec.bounds[0] <= lo <= hi <= spec.bounds[1], (name, which)
        assert all(lo <= v <= hi for v in _values(spec, which)), (name, which)
        assert len(ev.note) > 40, f"{name} {which}: the reasoning for the range is missing"
    if spec.basis.guideline.status == "range":
        assert spec.guideline_range == spec.basis.guideline.range


def test_no_magnitude_in_guideline_or_enacted_is_assumed_without_a_range():
    for name, spec in LEVERS.items():
        for ev in (spec.basis.guideline, spec.basis.enacted):
            assert ev.status != "range" or ev.range is not None, name
        if spec.enacted_changes:  # an enacted change is documented or an assumed range
            assert spec.basis.enacted.status in ("documented", "range"), name


@pytest.mark.parametrize("name", NAMES)
def test_enacted_values_start_from_2019_and_fit_the_lever(name):
    spec = LEVERS[name]
    assert spec.enacted_at(2019) == spec.value_2019, name  # measures start after 2019
    for year in spec.enacted_points:
        assert 2019 <= year <= 2035
    assert spec.enacted_at(2035) == spec.enacted_at(2100)  # continued, not extrapolated


def test_every_document_is_cited_and_its_access_shown():
    cited = {d.id for spec in LEVERS.values() for d in spec.basis.documents}
    assert cited == set(DOCUMENTS)
    text = resources.files("westdev.policy").joinpath("bases.toml").read_text("utf-8")
    listed = set(re.findall(r"^\[documents\.(\w+)\]", text, flags=re.M))
    assert listed == cited, f"documents nobody cites: {sorted(listed - cited)}"
    md = catalogue_markdown()
    for d in DOCUMENTS.values():
        assert f'<a id="doc-{d.id}"></a>' in md
        assert f"Access: {d.access}." in md


def test_levers_prints_each_basis_and_the_count_of_assumed_magnitudes(capsys):
    assert main(["levers"]) == 0
    *lines, summary = capsys.readouterr().out.splitlines()
    for line, spec in zip(lines, LEVERS.values(), strict=True):
        marks = re.findall(r"\[(documented|definition|range [^\]]+)\]", line)
        assert len(marks) == 3, line
        assert marks[1].split()[0] == spec.basis.guideline.status
    got = re.search(r"guideline (\d+) of (\d+), 2019 (\d+) of \d+, enacted 2020–2024 (\d+) of "
                    r"the (\d+) levers", summary)
    assert got is not None, summary
    changed = [s for s in LEVERS.values() if s.enacted_changes]
    assert [int(x) for x in got.groups()] == [
        len(assumed("guideline")), len(LEVERS), len(assumed("2019")),
        sum(s.basis.enacted.assumed for s in changed), len(changed)]


# ---------------------------------------------------------------------- a broken bases.toml
def _text() -> str:
    return resources.files("westdev.policy").joinpath("bases.toml").read_text("utf-8")


def _edit(old: str, new: str) -> str:
    text = _text()
    assert text.count(old) == 1, old
    return text.replace(old, new)


CIT = '[levers."fiscal.cit_rate_encouraged_west".guideline]\nstatus = "documented"\n'
COEF = '[levers."fiscal.west_transfer_coefficient".guideline]\nstatus = "range"\nrange = [1.2, 1.5]\n'


@pytest.mark.parametrize(("old", "new", "message"), [
    (COEF, COEF.replace("[1.2, 1.5]", "[1.4, 1.5]"), "outside the range"),
    (COEF, COEF.replace("range = [1.2, 1.5]\n", ""), "needs range = [low, high]"),
    (COEF, COEF.replace("[1.2, 1.5]", "[1.2, 3.5]"), "leaves the lever's bounds"),
    (CIT, CIT.replace('"documented"', '"assumed"'), "is not one of"),
    ('docs = [{ id = "mof_2020_23", sets = "15 % for 2021–2030" }]',
     'docs = [{ id = "no_such_doc", sets = "15 %" }]', "needs a known id"),
    ('date = "2020-04-23"', 'date = "23 April 2020"', "is not YYYY"),
    ('[levers."fiscal.west_cofinancing_share".enacted]\nvalue = 0.3\nstatus = "definition"',
     '[levers."fiscal.west_cofinancing_share".enacted]\nvalue = 0.25\nstatus = "definition"',
     "carried unchanged"),
])
def test_broken_bases_are_refused_naming_the_lever(old, new, message):
    with pytest.raises(CatalogueError, match=re.escape(message)) as err:
        load_bases(_edit(old, new))
    assert re.search(r"bases\.toml: (levers\.[a-z_]+\.[a-z0-9_]+|documents\.\w+)", str(err.value))


def test_a_lever_without_a_basis_is_refused():
    text = _text()
    start = text.index('[levers."ecology.energy_cap_growth".v2019]')
    with pytest.raises(CatalogueError, match="ecology.energy_cap_growth"):
        load_bases(text[:start])


def test_a_documented_value_without_documents_is_refused():
    old = ('[levers."industry.employer_si_rate".v2019]\nstatus = "documented"\n'
           'note = "16 % from 1 May 2019."\n'
           'docs = [{ id = "si_rate_2019", sets = "employer pension contribution 20 % → 16 % from '
           '2019-05-01" }]\n')
    with pytest.raises(CatalogueError, match="needs at least one document"):
        load_bases(_edit(old, old.split("docs =")[0]))
