"""The files ``westdev optimise`` and ``westdev discover`` write.

Optimise (``DIR``): ``best.toml`` (the recommended mix as a scenario file that extends the
search's base scenario, each lever with its article §N; ``westdev validate`` accepts it),
``frontier.csv`` (every mix the model ran on the search draws: objective, outcomes,
probabilities, lever values, non-dominated or not), ``verification.csv`` (the fresh-draw
check), ``robustness.csv``, ``emulator.csv``, ``frontier.png`` and ``mix.png`` (and PDF),
``report.md``.

Discover (``DIR``): ``boxes.csv`` (one row per box and input: limits, coverage, density, mass,
restricted or not, quasi-p-value, reproducibility, hold-out coverage and density),
``trajectory.csv``, ``tree.csv`` (the CART leaves), ``peeling.png``, ``box<N>.png``,
``report.md``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from westdev.policy.catalogue import AREAS, LEVERS

if TYPE_CHECKING:
    from westdev.analysis.discovery import Discovery
    from westdev.design.search import OptimiseResult, _Search

TRILLION = 1e4  # 100m yuan per trillion yuan


# ====================================================================== helpers
def _write_text(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def _fmt(v: Any, digits: int = 3) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, int | float):
        if isinstance(v, float) and not math.isfinite(v):
            return "–"
        return f"{v:.{digits}g}" if abs(v) < 1e5 else f"{v:,.0f}"
    return str(v)


def markdown_table(df: pd.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a Markdown table (numbers to `digits` significant digits)."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(str(c) for c in cols) + " |",
             "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(_fmt(r[c], digits) for c in cols) + " |")
    return "\n".join(lines)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def best_toml(name: str, description: str, base: str, schedules: Mapping[str, Any],
              run: Mapping[str, Any], notes: Sequence[str] = ()) -> str:
    """The text of a scenario file setting `schedules` (lever → value or schedule) over the
    scenario `base`, each lever with its article and meaning as a comment."""
    lines = [f"# {line}" for line in notes]
    lines += ["", "[meta]", f"name = {_toml_value(name)}",
              f"description = {_toml_value(description)}", f"extends = {_toml_value(base)}", "",
              "[run]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in run.items()]
    for area in AREAS:
        keys = [n for n in schedules if n.startswith(f"{area}.")]
        if not keys:
            continue
        lines += ["", f"[levers.{area}]"]
        for n in keys:
            spec = LEVERS[n]
            lines.append(f"# {spec.cited} {spec.meaning}")
            lines.append(f"{spec.key} = {_toml_value(schedules[n])}")
    return "\n".join(lines) + "\n"


# ====================================================================== optimise
def write_optimise(result: OptimiseResult, search: _Search) -> dict[str, Path]:
    """Write every file of a finished search into its directory; return them by name."""
    from westdev.charts import save_figure
    from westdev.charts.design import plot_mix, plot_tradeoff

    out, spec = result.out, result.spec
    files: dict[str, Path] = {}
    chosen = result.summary.get("chosen")
    scenario = result.summary.get("scenario")
    if chosen is not None and scenario is not None:
        schedules = search.schedules(search.mix_values(search.candidates[chosen["mix"]]))
        r = spec.scenario.run
        notes = [f"The recommended lever mix of policy search '{spec.name}' (westdev optimise).",
                 f"Mix {chosen['mix']}: " + ("meets" if chosen["feasible"] else
                                             "does NOT meet") +
                 " the constraints on the search's ensemble draws; see report.md for the "
                 "independent check on fresh draws.",
                 "Levers not listed keep the values of the base scenario."]
        text = best_toml(scenario.name, scenario.description, _base_ref(spec), schedules,
                         {"resolution": r.resolution, "end_year": r.end_year}, notes)
        files["best"] = _write_text(out / "best.toml", text)
    files["frontier"] = _write_csv(result.frontier, out / "frontier.csv")
    if not result.verification.empty:
        files["verification"] = _write_csv(result.verification, out / "verification.csv")
    if not result.robustness.empty:
        files["robustness"] = _write_csv(result.robustness, out / "robustness.csv")
    files["emulator"] = _write_csv(result.emulators, out / "emulator.csv")
    # charts
    x_col, y_col, x_label, y_label, thr, scale = _axes(result, search)
    if x_col in result.frontier and y_col in result.frontier and len(result.frontier):
        fig = plot_tradeoff(result.frontier, x=x_col, y=y_col, x_scale=scale,
                            chosen=(chosen or {}).get("mix"), x_label=x_label, y_label=y_label,
                            threshold=thr, title=f"Policy search {spec.name}: the frontier",
                            note=f"Means over {spec.search['draws']} ensemble draws, common "
                            "random numbers.")
        files["frontier_chart"] = save_figure(fig, out / "frontier")[0]
    if result.recommended is not None:
        fig = plot_mix(result.recommended, title=f"{spec.name}: the recommended mix",
                       note="Each lever on its search range.")
        files["mix_chart"] = save_figure(fig, out / "mix")[0]
    files["report"] = _write_text(out / "report.md", optimise_markdown(result, search, files))
    return files


def _base_ref(spec: Any) -> str:
    """How best.toml names the base scenario: a shipped name, else the file's path."""
    from westdev.inputs.scenario import shipped_path

    name = spec.scenario.name
    if shipped_path(name) is not None:
        return name
    return str(Path(spec.scenario.source).resolve())


def _axes(result: OptimiseResult, search: _Search) -> tuple[str, str, str, str, Any, float]:
    spec = result.spec
    obj = spec.objectives[0]
    x_col = f"mean {obj.outcome.label}"
    is_cost = obj.outcome.indicator.startswith("lever_cost")
    x_label = ("cumulative lever cost, trillion yuan (2019 prices)" if is_cost
               else obj.outcome.label)
    scale = TRILLION if is_cost else 1.0
    if spec.mode == "single":
        c = spec.constraints[0]
        y_col = (f"P({c.condition.text})" if c.kind == "probability" else
                 f"mean {c.outcome.label}")
        return x_col, y_col, x_label, y_col, c.bound, scale
    o2 = spec.objectives[1]
    return x_col, f"mean {o2.outcome.label}", x_label, o2.outcome.label, None, scale


def optimise_markdown(result: OptimiseResult, search: _Search, files: Mapping[str, Path]) -> str:
    spec, s, v = result.spec, result.spec.search, result.spec.verify
    summary = result.summary
    lines = [f"# Policy search: {spec.name}", "", spec.description, ""]
    ph = (f"phased in linearly from the base's {spec.phase_in[0]} value to the searched value "
          f"in {spec.phase_in[1]} (on/off levers switch in {spec.phase_in[0] + 1})"
          if spec.phase_in else "held at the searched value from the start")
    lines += ["## The question", "",
              "- " + "; ".join(o.text for o in spec.objectives)
              + (" subject to " + "; ".join(c.text for c in spec.constraints)
                 if spec.constraints else ""),
              f"- levers searched: {len(spec.levers)} ({ph}); every other lever as in "
              f"`{spec.scenario.name}`",
              f"- uncertainty: the ensemble `{spec.ensemble.name}` — {len(spec.ensemble.factors)}"
              f" uncertain inputs; each mix runs on the same {s['draws']} draws × "
              f"{spec.ensemble.replicates} replicate(s) (common random numbers); the search "
              f"asks each probability constraint to hold with a margin of {s['margin']:g}",
              f"- independent check: {v['draws']} fresh draws with fresh seeds (ensemble seed "
              f"and root seed {v['seed']}), never seen by the search",
              f"- resolution `{spec.scenario.run.resolution}`, "
              f"{spec.scenario.run.start_year}–{spec.scenario.run.end_year}"
              + (" (quick mode: small sizes, a first look only)" if spec.quick else ""), ""]
    chosen = summary.get("chosen")
    fr = result.frontier
    lines += ["## The answer", ""]
    if chosen is None:
        lines += ["The search found no mix.", ""]
    else:
        lines += _answer(result, search, chosen)
    if result.recommended is not None:
        rec = result.recommended
        tab = pd.DataFrame({"lever": rec["lever"], "§": rec["articles"], "unit": rec["unit"],
                            "2019": rec["value_2019"], "guideline": rec["value_guideline"],
                            "recommended": rec["value"], "range": [
                                f"{_fmt(a)}–{_fmt(b)}" if not isinstance(a, bool) else "off/on"
                                for a, b in zip(rec["low"], rec["high"], strict=True)]})
        lines += ["### The recommended mix", "", "Searched levers (every other lever as in the "
                  "base scenario); `best.toml` is this mix as a scenario file.", "",
                  markdown_table(tab, 4), ""]
        if "mix_chart" in files:
            lines += ["![the recommended mix](mix.png)", ""]
    lines += ["## The frontier", ""]
    crit = search.criteria()
    nd = fr[(fr["kind"] == "candidate") & fr["non_dominated"].astype(bool)]
    lines += [f"{len(nd)} non-dominated mixes of {int((fr['kind'] == 'candidate').sum())} the "
              "model ran on the search draws (criteria: " + ", ".join(
                  f"{'lowest' if sn == 'min' else 'highest'} {c}" for c, sn in crit) + "). "
              "Every point is the model's mean over the search draws, not the emulator's; "
              "`frontier.csv` has every mix with its lever values.", ""]
    if "frontier_chart" in files:
        lines += ["![the frontier](frontier.png)", ""]
    show = [c for c, _ in crit] + [c for c in fr.columns if c.startswith("P(goal")]
    show += [f"mean {o.label}" for o in search.report_outcomes
             if f"mean {o.label}" in fr.columns and f"mean {o.label}" not in show
             and o.how == "year" and "goal_2035" not in o.indicator]
    keep = ["mix", "kind", *dict.fromkeys(c for c in show if c in fr.columns), "feasible"]
    table = fr[(fr["kind"] == "reference") | fr["non_dominated"].astype(bool)][keep]
    lines += [markdown_table(table.sort_values(crit[0][0]), 4), ""]
    if not result.robustness.empty:
        lines += ["## Robustness across the fresh draws", "",
                  "Regret: in each world, how far a mix falls short of the best of these mixes "
                  "there (0 for the best); satisficing: the share of worlds in which it meets "
                  "a condition (EMA Workbench's robustness metrics). Cost: lower is better.", ""]
        rb = result.robustness
        piv = rb.assign(what=rb["criterion"] + " · " + rb["metric"]).pivot_table(
            index="what", columns="scenario", values="value", aggfunc="first")
        order = list(dict.fromkeys(rb["scenario"]))
        piv = piv[[c for c in order if c in piv.columns]].reset_index()
        lines += [markdown_table(piv, 4), ""]
    lines += ["## How it was found", "",
              f"{summary['total_runs']} model runs in {summary['wall_s'] / 60:.1f} minutes "
              f"(backend `{search.runner['backend']}`):", ""]
    lines += [markdown_table(pd.DataFrame({"stage": list(summary["runs"]),
                                           "runs": list(summary["runs"].values())})), ""]
    if not result.emulators.empty:
        lines += ["Emulators (ridge response surfaces over levers and uncertain inputs; "
                  "cross-validated R² and residual σ, which includes seed noise):", "",
                  markdown_table(result.emulators, 3), ""]
    lines += ["Candidates are optima of the emulators (SciPy SLSQP for one objective, pymoo "
              "NSGA-II/III for several); every number above is from model runs. Stores of "
              "every stage are under `stages/` (`westdev report stages/verify --out …` draws "
              "the usual figures; `westdev discover stages/explore --condition …` finds which "
              "lever regions succeed).", ""]
    lines += ["## Caveats", "",
              "- The probabilities are shares of a finite ensemble: ± the standard errors "
              "shown; the search's own draws favour the mix it picked (it was chosen on "
              "them), which is why the margin and the fresh-draw check exist.",
              "- The costs are the model's direct fiscal cost accounts against each lever's "
              "no-policy value (`lever_cost_100m_yuan.total`), cumulated over the simulated "
              "years, 100m yuan at 2019 prices; they are not a welfare cost.",
              "- The mix is searched within the ranges of `search.json` (by default the "
              "no-policy, 2019 and guideline values and the catalogue's guideline range, "
              "widened by a quarter of their span): values outside them were not considered.",
              ""]
    return "\n".join(lines)


def _answer(result: OptimiseResult, search: _Search, chosen: Mapping[str, Any]) -> list[str]:
    spec = result.spec
    fr, ver = result.frontier, result.verification
    lines: list[str] = []
    rec = fr[fr["mix"] == chosen["mix"]].iloc[0]
    cols = [c for c, _ in search.criteria()]
    refs = list(fr.loc[fr["kind"] == "reference", "mix"])
    rows = []
    for c in cols:
        row = {"": f"{c} (search draws)"}
        row["recommended"] = rec[c]
        for r in refs:
            row[r] = fr.loc[fr["mix"] == r, c].iloc[0]
        rows.append(row)
    if not ver.empty:
        for c in cols:
            if c not in ver:
                continue
            row = {"": f"{c} (fresh draws)"}
            vr = ver[ver["mix"] == chosen["mix"]]
            row["recommended"] = vr[c].iloc[0] if len(vr) else float("nan")
            for r in refs:
                vv = ver[ver["mix"] == r]
                row[r] = vv[c].iloc[0] if len(vv) else float("nan")
            rows.append(row)
            se = f"se {c}" if f"se {c}" in ver else None
            if se:
                row = {"": "  ± standard error (fresh)"}
                row["recommended"] = vr[se].iloc[0] if len(vr) else float("nan")
                for r in refs:
                    vv = ver[ver["mix"] == r]
                    row[r] = vv[se].iloc[0] if len(vv) else float("nan")
                rows.append(row)
    lines += [markdown_table(pd.DataFrame(rows), 4), ""]
    obj = spec.objectives[0]
    ocol = f"mean {obj.outcome.label}"
    if spec.mode == "single":
        status = "meets" if chosen["feasible"] else "does **not** meet"
        lines.append(f"The recommended mix ({chosen['mix']}) {status} the constraints on the "
                     "search draws (with the margin).")
        if not ver.empty:
            vr = ver[ver["mix"] == chosen["mix"]]
            if len(vr):
                ok = bool(vr["meets_constraints"].iloc[0])
                lines.append(f"On the fresh draws it {'meets' if ok else 'does **not** meet'} "
                             "them: " + "; ".join(
                                 f"{c.text} → {_fmt(vr[_col(c)].iloc[0], 3)}"
                                 for c in spec.constraints) + ".")
        if "guideline" in refs:
            g = fr.loc[fr["mix"] == "guideline", ocol].iloc[0]
            if obj.outcome.indicator.startswith("lever_cost") and g:
                lines.append(f"Its cost is {rec[ocol] / TRILLION:.3g} trillion yuan against "
                             f"the guideline package's {g / TRILLION:.3g} trillion "
                             f"({(rec[ocol] / g - 1):+.0%}) on the same draws.")
    else:
        lines.append(f"The knee of the frontier (closest to the ideal point): {chosen['mix']}.")
    lines.append("")
    return lines


def _col(c: Any) -> str:
    return f"P({c.condition.text})" if c.kind == "probability" else f"mean {c.outcome.label}"


# ====================================================================== discover
def write_discover(result: Discovery, out: Path, *, source: str,
                   holdout: str | None = None) -> dict[str, Path]:
    """Write boxes.csv, trajectory.csv, tree.csv, the charts and report.md into `out`."""
    from westdev.charts import save_figure
    from westdev.charts.design import plot_peeling_trajectory, plot_prim_box

    out.mkdir(parents=True, exist_ok=True)
    files = {"boxes": _write_csv(result.boxes, out / "boxes.csv"),
             "trajectory": _write_csv(result.trajectory, out / "trajectory.csv"),
             "tree": _write_csv(result.tree, out / "tree.csv")}
    cond = result.data.condition
    for b in result.prim_boxes:
        fig = plot_peeling_trajectory(result.trajectory, box=b.rank, condition=cond)
        files[f"peeling{b.rank}"] = save_figure(fig, out / f"peeling{b.rank}")[0]
        fig = plot_prim_box(result.boxes, box=b.rank, condition=cond)
        files[f"box{b.rank}"] = save_figure(fig, out / f"box{b.rank}")[0]
    files["report"] = _write_text(out / "report.md",
                                  discover_markdown(result, source=source, holdout=holdout))
    return files


def discover_markdown(result: Discovery, *, source: str, holdout: str | None) -> str:
    from westdev.analysis.discovery import describe_box

    d = result.data
    n, k = len(d.y), int(d.y.sum())
    lines = ["# Scenario discovery", "",
             f"- store: `{source}`; {n} runs, {d.inputs.shape[1]} inputs that vary: "
             + ", ".join(f"`{c}`" for c in d.inputs.columns),
             f"- condition: `{d.condition}` — true in {k} runs ({k / n:.1%})", ""]
    if holdout:
        lines += [f"- hold-out store: `{holdout}` (the boxes' coverage and density on runs "
                  "the search never saw)", ""]
    lines += ["## PRIM boxes", ""]
    if not result.prim_boxes:
        lines += ["PRIM found no box that raises the condition's frequency.", ""]
    for b in result.prim_boxes:
        rows = result.boxes[(result.boxes["box"] == b.rank) & result.boxes["restricted"]]
        lines += [f"### Box {b.rank}: {describe_box(b)}", "",
                  f"coverage {b.stats['coverage']:.3f}, density {b.stats['density']:.3f}, mass "
                  f"{b.stats['mass']:.3f} ({b.stats['cases']} of {b.stats['n']} runs in the box "
                  "meet the condition)."]
        if holdout and pd.notna(rows["holdout_coverage"].iloc[0] if len(rows) else math.nan):
            r = rows.iloc[0]
            lines.append(f"On the hold-out store: coverage {r['holdout_coverage']:.3f}, density "
                         f"{r['holdout_density']:.3f}, mass {r['holdout_mass']:.3f}.")
        lines += ["", markdown_table(rows[["input", "lower", "upper", "categories",
                                           "data_lower", "data_upper", "qp_value",
                                           "reproducibility"]], 4), "",
                  f"![box {b.rank}](box{b.rank}.png) ![peeling trajectory](peeling{b.rank}.png)",
                  ""]
    lines += ["## CART tree (leaves)", "",
              "A classification tree over the same inputs, as a second opinion; leaves "
              "predicted to meet the condition are marked.", "",
              markdown_table(result.tree, 3), "",
              "## Method", "",
              "PRIM (peeling share 5 %, minimum mass 5 %, density threshold 0.8, covering up "
              "to 3 boxes) and its checks — the quasi-p-value of each restriction (one-sided "
              "binomial test against the box without it) and its reproducibility over PRIM "
              "runs on 80 % subsamples — as in `westdev.analysis.discovery` "
              "(docs/ODD.md §9).", ""]
    return "\n".join(lines)
