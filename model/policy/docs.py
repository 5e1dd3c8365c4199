"""The lever catalogue as Markdown (docs/levers.md is generated from here; a test checks that
the committed file is up to date). Regenerate with `westdev levers --markdown > docs/levers.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from westdev.policy.catalogue import (
    AREAS,
    DOCUMENTS,
    LEVERS,
    Basis,
    Evidence,
    LeverSpec,
    levers_in_area,
)

HEADER = """# Lever catalogue

Generated from `westdev/policy/catalogue.py` and `westdev/policy/bases.toml` by
`westdev levers --markdown`; do not edit by hand.

Every lever is a measure of the 2020 guideline on western development (articles cited as §N,
the guideline's own numbering （一）…（三十六） = §1…§36). Values: *2019* is policy as it stood in
2019 (the `baseline` scenario), *guideline* the value of the `guideline` scenario (the full
package read from the text), *no policy* the counterfactual without western preferences
(national measures keep their 2019 value), *enacted* the measures actually enacted 2020–2024,
continued to 2035 (the `enacted_2020_2024` scenario; a schedule `{year = value}` is linear
between points for numbers and steps for on/off and choices). A scenario sets a lever as a
constant or a yearly schedule in `[levers.<area>]`. Each lever reports its yearly direct fiscal
cost against its no-policy value as the indicator `lever_cost_100m_yuan.<lever>` on area China
(100m yuan at 2019 prices).

**Bases.** Every magnitude has one of three bases: *documented* — a named document sets the
number (its title, issuer, number, date, where it was read and the number it sets are listed,
with how it maps to the lever's unit); *range* — no document sets the number, so the value is an
assumption with a range [low, high] and its reasoning (ensembles can draw it from the range);
*definition* — the value holds by definition (an index equal to 1 in 2019, a measure that did
not exist yet, a value carried unchanged). Where only a report of a document could be reached,
or only its title, the entry says so.
"""


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _range(spec: LeverSpec) -> str:
    if spec.kind == "bool":
        return "on/off"
    if spec.kind == "choice":
        return " / ".join(spec.choices)
    lo, hi = spec.bounds  # type: ignore[misc]
    return f"{lo:g} – {hi:g}"


def basis(spec: LeverSpec) -> Basis:
    """The lever's bases (always set once the catalogue is loaded)."""
    assert spec.basis is not None, spec.name
    return spec.basis


def enacted_text(spec: LeverSpec, fmt: Callable[[object], str] = _fmt) -> str:
    """The enacted value: a constant, or its schedule as `2019: a → 2023: b`."""
    v = spec.value_enacted
    if isinstance(v, dict):
        return " → ".join(f"{y}: {fmt(x)}" for y, x in v.items())
    return fmt(v)


def status_text(ev: Evidence) -> str:
    """'documented', 'definition' or 'range 1.2 – 1.5'."""
    if ev.range is not None:
        return f"range {ev.range[0]:g} – {ev.range[1]:g}"
    return ev.status


def _access(access: str) -> str:
    return {"text": "", "report": " *(document's text not reached here: from a report)*",
            "title": " *(only the title was reached here)*"}[access]


def _citations(ev: Evidence) -> str:
    return "; ".join(f"[{c.document.id}](#doc-{c.document.id}) ({c.document.date}): {c.sets}"
                     f"{_access(c.document.access)}" for c in ev.citations)


def _basis_cell(spec: LeverSpec) -> str:
    ev = basis(spec).guideline
    if ev.status == "documented":
        c = ev.citations[-1]
        return f"documented: {c.document.id} ({c.document.date}): {c.sets}"
    return status_text(ev)


def _evidence_line(label: str, value: str, ev: Evidence) -> str:
    docs = f" Documents: {_citations(ev)}." if ev.citations else ""
    return f"  - *{label}* {value} — **{status_text(ev)}**. {ev.note}{docs}"


def assumed_counts(specs: Iterable[LeverSpec] | None = None) -> dict[str, int]:
    """How many magnitudes are assumptions (basis 'range'): guideline, 2019 and enacted values
    (the last among the levers the enacted measures change), with the totals they are out of."""
    specs = list(LEVERS.values() if specs is None else specs)
    changed = [s for s in specs if s.enacted_changes]
    return {"levers": len(specs), "changed": len(changed),
            "guideline": sum(basis(s).guideline.assumed for s in specs),
            "2019": sum(basis(s).v2019.assumed for s in specs),
            "enacted": sum(basis(s).enacted.assumed for s in changed),
            "documented": sum(basis(s).guideline.status == "documented" for s in specs)}


def summary_lines(specs: Iterable[LeverSpec] | None = None) -> list[str]:
    """The count of assumed magnitudes, as printed at the end of `westdev levers`."""
    c = assumed_counts(specs)
    n = c["levers"]
    return [f"Assumed magnitudes (basis 'range', each with [low, high] and its reasoning): "
            f"guideline {c['guideline']} of {n}, 2019 {c['2019']} of {n}, enacted 2020–2024 "
            f"{c['enacted']} of the {c['changed']} levers it changes. Guideline values "
            f"documented: {c['documented']} of {n}."]


def _documents_section() -> list[str]:
    out = ["\n## Documents\n",
           "Every document cited above; *access* says whether its own text (or a verbatim "
           "quotation of the passage used) was reached here, or only a report of it.\n"]
    for d in sorted(DOCUMENTS.values(), key=lambda d: (d.date, d.id)):
        zh = f"{d.title_zh} — " if d.title_zh else ""
        number = f", {d.number}" if d.number else ""
        urls = ", ".join(f"<{u}>" if u.startswith("http") else u for u in d.urls)
        note = f" {d.note}" if d.note else ""
        out.append(f"- <a id=\"doc-{d.id}\"></a>**{d.id}** — {zh}{d.title}. {d.issuer}{number}, "
                   f"{d.date}. Access: {d.access}. Read at: {urls}.{note}")
    return out


def catalogue_markdown() -> str:
    """The whole catalogue, one table per area, each lever's bases, then the documents."""
    out = [HEADER]
    out.append(f"{len(LEVERS)} levers in {len(AREAS)} areas. " + " ".join(summary_lines()) + "\n")
    for area in AREAS:
        specs = levers_in_area(area)
        out.append(f"\n## {area}\n")
        out.append("| lever | articles | unit | range | 2019 | guideline | no policy | enacted "
                   "2020–2024 | basis of the guideline value | meaning |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for s in specs:
            out.append(f"| `{s.name}` | {s.cited} | {s.unit} | {_range(s)} | {_fmt(s.value_2019)} "
                       f"| {_fmt(s.value_guideline)} | {_fmt(s.value_no_policy)} "
                       f"| {enacted_text(s)} | {_basis_cell(s)} | {s.meaning} |")
        out.append("")
        for s in specs:
            b = basis(s)
            scope = "western preference" if s.west_preference else "national measure"
            out.append(f"- **`{s.name}`** ({scope}) — {s.mechanism} Code: `{s.code}`.")
            out.append(_evidence_line("2019", _fmt(s.value_2019), b.v2019))
            out.append(_evidence_line("guideline", _fmt(s.value_guideline), b.guideline))
            out.append(_evidence_line("enacted", enacted_text(s), b.enacted))
        out.append("")
    out.extend(_documents_section())
    return "\n".join(out).rstrip() + "\n"
