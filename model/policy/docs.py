"""The lever catalogue as Markdown (docs/levers.md is generated from here; a test checks that
the committed file is up to date). Regenerate with `westdev levers --markdown > docs/levers.md`.
"""

from __future__ import annotations

from westdev.policy.catalogue import AREAS, LEVERS, LeverSpec, levers_in_area

HEADER = """# Lever catalogue

Generated from `westdev/policy/catalogue.py` by `westdev levers --markdown`; do not edit by hand.

Every lever is a measure of the 2020 guideline on western development (articles cited as §N,
the guideline's own numbering （一）…（三十六） = §1…§36). Values: *2019* is policy as it stood in
2019 (the `baseline` scenario), *guideline* the value of the `guideline` scenario, *no policy*
the counterfactual without western preferences (national measures keep their 2019 value).
A scenario sets a lever as a constant or a yearly schedule in `[levers.<area>]`. Each lever
reports its yearly direct fiscal cost against its no-policy value as the indicator
`lever_cost_100m_yuan.<lever>` on area China (100m yuan at 2019 prices).
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


def catalogue_markdown() -> str:
    """The whole catalogue, one table per area plus the mechanism of each lever."""
    out = [HEADER]
    out.append(f"{len(LEVERS)} levers in {len(AREAS)} areas.\n")
    for area in AREAS:
        specs = levers_in_area(area)
        out.append(f"\n## {area}\n")
        out.append("| lever | articles | unit | range | 2019 | guideline | no policy | meaning |")
        out.append("|---|---|---|---|---|---|---|---|")
        for s in specs:
            out.append(f"| `{s.name}` | {s.cited} | {s.unit} | {_range(s)} | {_fmt(s.value_2019)} "
                       f"| {_fmt(s.value_guideline)} | {_fmt(s.value_no_policy)} | {s.meaning} |")
        out.append("")
        for s in specs:
            scope = "western preference" if s.west_preference else "national measure"
            out.append(f"- **`{s.name}`** ({scope}) — {s.mechanism} Code: `{s.code}`. "
                       f"Basis: {s.basis}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
