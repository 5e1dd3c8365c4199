"""``westdev report``, the driver: check the arguments, open the store, decide what applies and
draw it in order, then write ``report.md``.

What applies is read from the store's manifest: a sensitivity analysis (Sobol' or Morris), a
package decomposition (a compare store whose request holds a ``decomposition``), or runs,
comparisons, sweeps and ensembles. The figure families draw through the `ReportContext`.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import westdev.analysis.summaries as ws
import westdev.charts as C
from westdev.analysis.report import costs, goal_ratios, probability, provinces, sensitivity
from westdev.analysis.report.context import GOAL, ReportContext
from westdev.analysis.report.text import FIGURES, FORMATS, LANGS, REPORT, t
from westdev.charts.style import require_cjk_font
from westdev.errors import InputError
from westdev.experiments.store import MANIFEST, ResultsStore
from westdev.inputs.files import load_json
from westdev.policy.goal import GOAL_AREA


# ====================================================================== the report
def write_report(results_dir: str | Path, out_dir: str | Path, *, lang: str = "en",
                 formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Write the figures that apply to the store at `results_dir` and ``report.md`` into
    `out_dir` (created if needed); return the files written (report.md last).

    `lang` is "en" or "zh" (Chinese labels; needs a CJK font, `InputError` otherwise);
    `formats` any of "png", "pdf", "svg". Bad input raises `InputError` naming the argument.
    """
    formats = _check_formats(formats)
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}", field="--lang", allowed="en | zh")
    if lang == "zh":
        require_cjk_font("--lang")
    store = _open_store(results_dir)
    out = _prepare_out(out_dir)
    owned = _owned_files(out)
    ctx = ReportContext(store, out, lang, formats)
    _draw(ctx)
    ctx.remove_stale(owned)
    md = ctx.markdown()
    target = out / REPORT
    _write_text_atomic(target, md)
    written = [*ctx.written, target]
    _write_text_atomic(out / LISTING, json.dumps(
        {"kind": "report", "schema_version": 1, "store": str(store.path),
         "files": sorted(p.name for p in written)}, indent=1) + "\n")
    return written


# the files a report wrote into its directory: it replaces those and only those
LISTING = ".westdev-report.json"


def _owned_files(out: Path) -> set[str]:
    """The files an earlier report wrote into `out`; `InputError` naming a file the report
    would replace that it did not write (a user's own report.md, a figure of theirs)."""
    owned: set[str] = set()
    listing = out / LISTING
    if listing.exists():
        data = load_json(listing, what="report listing", remedy="delete it, and move the "
                         "report's files away, or choose another --out")
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("kind") != "report" or \
                not isinstance(files, list):
            raise InputError("is not a westdev report listing", file=str(listing),
                             field="--out", allowed="another --out")
        owned = {f for f in files if isinstance(f, str) and "/" not in f and f != ".."}
    names = [REPORT, *(f"{name}.{fmt}" for name in FIGURES for fmt in FORMATS)]
    for name in names:
        target = out / name
        if (target.exists() or target.is_symlink()) and name not in owned:
            raise InputError("exists and was not written by westdev report: it would be "
                             "replaced", file=str(target), field="--out",
                             allowed="another --out, or move the file away")
    return owned


def _check_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [formats]
    formats = tuple(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        what = f"unknown format(s) {', '.join(bad)}" if bad else "no format given"
        raise InputError(what, field="--formats", allowed="one or more of png, pdf, svg")
    return formats


def _open_store(results_dir: str | Path) -> ResultsStore:
    path = Path(results_dir)
    if not path.exists():
        raise InputError("does not exist", file=str(path), field="RESULTS_DIR",
                         allowed="a results store directory written by westdev run, compare, "
                         "sweep or sensitivity")
    if not path.is_dir():
        raise InputError("is not a directory", file=str(path), field="RESULTS_DIR",
                         allowed="a results store directory (with manifest.json)")
    if not (path / MANIFEST).is_file():
        raise InputError("not a westdev results store (no manifest.json)", file=str(path),
                         field="RESULTS_DIR", allowed="a directory written by westdev run, "
                         "compare, sweep or sensitivity")
    try:
        store = ResultsStore(path)
        runs = store.runs
    except InputError:
        raise
    except Exception as exc:  # unreadable Parquet and the like
        raise InputError(f"unreadable results store: {type(exc).__name__}: {exc}",
                         file=str(path), field="RESULTS_DIR",
                         allowed="a complete results store") from None
    if runs.empty or not (runs["status"] == "ok").any():
        raise InputError("the store has no successful runs", file=str(path),
                         field="RESULTS_DIR", allowed="a store with at least one run of "
                         "status 'ok' (finish it with westdev rerun DIR)")
    return store


def _prepare_out(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError("is not a directory (a file is in the way)", file=str(out),
                         field="--out", allowed="a new or existing writable directory") from None
    except OSError as exc:
        raise InputError(f"cannot be created: {exc.strerror or exc}", file=str(out),
                         field="--out", allowed="a new or existing writable directory") from None
    probe = out / f".westdev-write-test-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"is not writable: {exc.strerror or exc}", file=str(out),
                         field="--out", allowed="a writable directory") from None
    return out


def _write_text_atomic(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


# ====================================================================== what applies
def _draw(ctx: ReportContext) -> None:
    """Draw every figure and table that applies, in the report's order: a sensitivity
    analysis, a package decomposition, or runs, comparisons, sweeps and ensembles."""
    runs = ctx.store.runs
    n_failed = int((runs["status"] != "ok").sum())
    if n_failed:
        ctx.notes.append(t("failed_note", ctx.lang, n=n_failed))
    if ctx.kind == "sensitivity" or ctx.design in ("sobol", "morris"):
        sensitivity.report(ctx)
        return
    ctx.load()
    if ctx.df is None or ctx.df.empty:
        raise InputError("the store holds none of the indicators a report draws",
                         file=str(ctx.store.path), field="RESULTS_DIR",
                         allowed="results of westdev runs (goal ratios, area West)")
    if "decomposition" in ctx.experiment:
        _decomposition(ctx)
        return
    _outcomes(ctx)


def _outcomes(ctx: ReportContext) -> None:
    """Runs, comparisons, sweeps and ensembles: figures (a)–(e), (g), (h), then tables."""
    df, order = ctx.df, ctx.order
    colours = C.scenario_colours(order)
    has_goal = not df[df["indicator"].isin(GOAL) & (df["area"] == GOAL_AREA)].empty
    if has_goal:
        goal_ratios.fans(ctx, df, colours, note=ctx.uncertainty_note("bands"))
    pairs = ctx.paired_policies()
    if pairs:
        goal_ratios.deviations(ctx, df, colours, baseline=ctx.reference, policies=pairs,
                               order=order)
    if has_goal:
        probability.figures(ctx, df, colours)
    provinces.worst_and_theil(ctx, df, colours)
    ce = costs.cost_effectiveness(ctx, pairs, colours)
    frontier = costs.frontier(ctx, colours)
    provinces.maps(ctx, df, colours)
    if has_goal:
        goal_ratios.goal_table(ctx)
        probability.tables(ctx)
    costs.tables(ctx, ce, frontier)


def _decomposition(ctx: ReportContext) -> None:
    """A package against its base: fans and deviations of the pair, the split by lever."""
    d = ctx.experiment["decomposition"]
    package = str((d.get("package") or {}).get("name") or "package")
    base = ctx.base_scenario() or ctx.order[0]
    pair = [s for s in (base, package) if s in ctx.order]
    if len(pair) == 2:
        ctx.reference = base
        sub = ctx.df[ctx.df["scenario"].isin(pair)]
        colours = C.scenario_colours(pair)
        goal_ratios.fans(ctx, sub, colours, scenarios=pair)
        goal_ratios.deviations(ctx, sub, colours, baseline=base, policies=[package],
                               order=pair)
    try:
        split = ws.split_effects(ctx.store)
    except InputError:
        split = None
    if split is not None and not split.empty and (split["method"] == "accounting").any():
        costs.lever_cost_effectiveness(ctx, split, pair)
    if split is not None and not split.empty:
        costs.split_table(ctx, split, package, base)
    if len(pair) == 2:
        ctx.order = pair
        goal_ratios.goal_table(ctx)
        costs.cost_tables(ctx)
