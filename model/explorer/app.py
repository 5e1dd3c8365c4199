"""The explorer page (Solara): widgets wired to `westdev.explorer.core`, nothing more.

State lives in Solara reactive variables, one copy per browser session: the language, the
preset, the raw control values (text as typed, so that a bad entry stays visible with its
message), the run settings and the last outcome. Run builds a `core.Request` from the controls
(no run while a field is bad), then runs it in a worker thread (`solara.lab.task`) with a
progress bar; presets apply and run in one click; the first view runs the baseline.

Served by `westdev.explorer.server` (``westdev explore``); ``SOLARA_APP`` names this module.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterator
from typing import Any

import solara
import solara.lab

from westdev.explorer import core
from westdev.explorer.texts import LANGS, area_name, choice_name, preset_name, text
from westdev.policy.catalogue import LEVERS

LANG_ENV = "WESTDEV_EXPLORER_LANG"
DEFAULT_LANG = os.environ.get(LANG_ENV, "en") if os.environ.get(LANG_ENV) in LANGS else "en"
LANG_LABELS = {"en": "English", "zh": "中文"}

CSS = """
.wd-page { max-width: 1500px; margin: 0 auto; padding: 8px 16px; }
.wd-title { font-size: 1.35rem; font-weight: 600; margin: 4px 0; }
.wd-intro { color: #444; margin: 0 0 8px 0; max-width: 70em; }
.wd-controls { max-height: calc(100vh - 150px); overflow-y: auto; padding-right: 6px; }
.wd-lever { border-bottom: 1px solid #eee; padding: 6px 0 2px 0; }
.wd-lever-heading { font-size: 0.9rem; font-weight: 500; }
.wd-lever-heading.wd-changed { color: #b34700; }
.wd-lever-caption { font-size: 0.75rem; color: #666; }
.wd-status { font-size: 0.9rem; margin: 4px 0; }
.wd-error { color: #b00020; }
.wd-help { font-size: 0.8rem; color: #555; }
.wd-summary { border-collapse: collapse; font-size: 0.9rem; margin: 4px 0 8px 0; }
.wd-summary th, .wd-summary td { border-bottom: 1px solid #ddd; padding: 3px 10px;
                                  text-align: right; }
.wd-summary th:first-child, .wd-summary td:first-child { text-align: left; }
.wd-chart { width: 100%; max-width: 900px; height: auto; display: block; margin: 4px 0 12px 0; }
.wd-chart-small { width: 48%; min-width: 380px; height: auto; display: inline-block;
                  vertical-align: top; margin: 4px 1% 12px 0; }
.wd-h { font-size: 1.05rem; font-weight: 600; margin: 12px 0 4px 0; }
"""

lang = solara.reactive(DEFAULT_LANG)
preset = solara.reactive(core.BASELINE)
controls: solara.Reactive[dict[str, Any]] = solara.reactive(core.control_values(core.BASELINE))
phase_in = solara.reactive(True)
replicates = solara.reactive(str(core.DEFAULT_REPLICATES))
root_seed = solara.reactive(str(core.preset(core.BASELINE).run.root_seed))
blocked: solara.Reactive[list[str]] = solara.reactive([])  # fields that stopped Run
run_count = solara.reactive(0)  # presses of Run that started a run, this session
stage = solara.reactive("")


@solara.lab.task(prefer_threaded=True)
def run_task(request: core.Request, lang_: str, tag: int) -> Iterator[core.Outcome]:
    """One comparison and its charts, in a worker thread: the numbers and the goal chart
    first, then the other charts."""

    def progress(share: float, message: str) -> None:
        run_task.progress = 100 * share
        stage.set(message)

    yield from core.run_stages(request, lang=lang_, progress=progress, tag=tag)


@solara.lab.task(prefer_threaded=True)
def ensemble_task(request: core.Request, draws: int) -> core.Ensemble:
    """The quick ensemble of a request, in a worker thread."""
    return core.default_explorer().ensemble(request, draws)


def start_run() -> None:
    """Run what the controls say, unless a field is bad (then only say which)."""
    request, errors = core.request_from_controls(
        preset.value, controls.value, phase_in=phase_in.value, replicates=replicates.value,
        root_seed=root_seed.value, lang=lang.value)
    if request is None:
        blocked.set(list(errors))
        return
    blocked.set([])
    run_count.set(run_count.value + 1)
    run_task(request, lang.value, run_count.value)


def apply_preset(name: str) -> None:
    """Load a preset into the controls and run it."""
    preset.set(name)
    controls.set(core.control_values(name))
    start_run()


def set_control(name: str, value: Any) -> None:
    controls.set({**controls.value, name: value})


def nice_step(lo: float, hi: float) -> float:
    """A slider step: a power of ten near a hundredth of the range."""
    span = hi - lo
    return 10 ** math.floor(math.log10(span / 100)) if span > 0 else 1.0


def field_name(name: str, lang_: str) -> str:
    """A field as the 'not run' message names it: area: lever heading, or the setting."""
    if name in ("replicates", "root_seed"):
        return text(name, lang_)
    spec = LEVERS[name]
    return f"{area_name(spec.area, lang_)}: {core.lever_label(spec, lang_)[0]}"


def css_name(name: str) -> str:
    """A lever's dotted name as a CSS class (tests find fields by it)."""
    return "wd-lever-" + name.replace(".", "-")


def Para(content: str, cls: str = "", **attrs: str) -> Any:
    """A paragraph of plain text (escaped)."""
    return solara.HTML(tag="div", unsafe_innerHTML=html.escape(content),
                       attributes={"class": cls, **attrs})


@solara.component
def LeverControl(spec: Any, shown: Any, lang_: str) -> None:
    """One lever: heading (meaning), caption (unit, range, 2019 value, §N, name) and the
    field — a slider with a number box, a switch or a choice."""
    raw = controls.value.get(spec.name, shown)
    check = core.check_lever(spec.name, raw, lang_)
    changed = check.ok and check.value != shown
    heading, caption = core.lever_label(spec, lang_)
    with solara.Column(classes=["wd-lever", css_name(spec.name)], gap="0px"):
        Para(heading + (" ●" if changed else ""),
             "wd-lever-heading" + (" wd-changed" if changed else ""))
        Para(caption, "wd-lever-caption")
        if spec.kind == "float":
            lo, hi = spec.bounds
            value = float(check.value) if check.ok else float(shown)
            with solara.Row(style={"align-items": "center"}):
                with solara.Column(style={"flex": "3 1 0"}):
                    solara.SliderFloat("", value=value, min=lo, max=hi,
                                       step=nice_step(lo, hi), thumb_label=False,
                                       on_value=lambda v: set_control(spec.name,
                                                                      core.format_number(v)))
                with solara.Column(style={"flex": "2 1 0"}):
                    solara.InputText("", value=str(raw), dense=True,  # range: caption
                                     on_value=lambda v: set_control(spec.name, v),
                                     error=check.error or False,
                                     classes=["wd-field"])
        elif spec.kind == "bool":
            solara.Switch(label=text("yes" if check.value else "no", lang_),
                          value=bool(check.value),
                          on_value=lambda v: set_control(spec.name, bool(v)))
        else:
            labels = {choice_name(c, lang_): c for c in spec.choices}
            solara.Select(spec.unit, values=list(labels), value=choice_name(str(raw), lang_),
                          on_value=lambda v: set_control(spec.name, labels[v]), dense=True)


@solara.component
def PresetButtons(lang_: str) -> None:
    """One button per preset: apply and run (disabled while a run is going)."""
    with solara.Row(style={"flex-wrap": "wrap"}):
        for name in core.preset_names():
            solara.Button(preset_name(name, lang_), outlined=name != preset.value,
                          color="primary", on_click=lambda n=name: apply_preset(n),
                          classes=[f"wd-preset-{name}"], disabled=run_task.pending)


@solara.component
def RunSettings(lang_: str) -> None:
    """Phase-in, replicates and root seed (checked as typed), and the Run button."""
    solara.Checkbox(label=text("phase_in", lang_), value=phase_in)
    Para(text("phase_in_help", lang_), "wd-help")
    with solara.Row():
        rep = core.check_int(replicates.value, 1, core.MAX_REPLICATES, lang_).error
        solara.InputText(text("replicates", lang_), value=replicates, dense=True,
                         error=rep or False, classes=["wd-replicates"])
        seed = core.check_int(root_seed.value, 0, core.MAX_SEED, lang_).error
        solara.InputText(text("root_seed", lang_), value=root_seed, dense=True,
                         error=seed or False, classes=["wd-root-seed"])
    solara.Button(text("run", lang_), color="primary", on_click=start_run,
                  disabled=run_task.pending, classes=["wd-run"], style={"min-width": "10em"})


@solara.component
def LeverAreas(lang_: str) -> None:
    """The levers in one collapsible panel per guideline area (its title counts the changed
    levers and shows ⚠ while a field in it is bad); the preset and the changes in all."""
    base = core.preset(preset.value)
    values = controls.value
    shown = {name: core.shown_value(base, name) for name in values}
    checks = {name: core.check_lever(name, raw, lang_) for name, raw in values.items()}
    changed = {name for name, c in checks.items() if c.ok and c.value != shown[name]}
    Para(text("preset_now", lang_, preset=preset_name(preset.value, lang_)) + " · "
         + text("edited", lang_, n=len(changed)), "wd-help")
    Para(text("levers", lang_), "wd-h")
    for area, specs in core.levers_by_area().items():
        n_changed = sum(1 for s in specs if s.name in changed)
        bad = any(not checks[s.name].ok for s in specs)
        summary = area_name(area, lang_) + f" ({len(specs)})"
        if n_changed:
            summary += " · " + text("edited", lang_, n=n_changed)
        if bad:
            summary += " · ⚠"
        with solara.Details(summary=summary):  # opened and closed by the user only
            for spec in specs:
                LeverControl(spec, shown[spec.name], lang_)


@solara.component
def Controls(lang_: str) -> None:
    """Presets, run settings, the Run button and the levers by area."""
    with solara.Column(classes=["wd-controls"]):
        Para(text("presets", lang_), "wd-h")
        PresetButtons(lang_)
        RunSettings(lang_)
        LeverAreas(lang_)


@solara.component
def Status(lang_: str) -> None:
    """Progress while running; what the last press of Run did."""
    latest = run_task.latest
    if run_task.pending:
        solara.ProgressLinear(run_task.progress if run_task.progress else True)
        partial = latest is not None and latest.tag == run_count.value
        Para(stage.value, "wd-status",
             **({"data-status": "partial", "data-run": str(run_count.value)} if partial
                else {}))
    if blocked.value:
        Para(text("fix_fields", lang_, n=len(blocked.value),
                  fields=", ".join(field_name(f, lang_) for f in blocked.value)),
             "wd-status wd-error", **{"data-status": "blocked"})
    if run_task.error:
        Para(str(run_task.exception), "wd-status wd-error", **{"data-status": "error"})
    out = latest  # a generator task keeps its last outcome in .latest, not .value
    if out is None:
        if not run_task.pending and not run_task.error:
            Para(text("no_results", lang_), "wd-status")
        return
    if run_task.pending:
        return
    comp = out.comparison
    if not comp.failed.empty:
        first = str(comp.failed["error"].iloc[0]).strip().splitlines()[-1]
        Para(text("run_failed", lang_, n=len(comp.failed), total=len(comp.runs), error=first),
             "wd-status wd-error", **{"data-status": "failed"})
        return
    if comp.kept_runs == len(comp.runs):
        message = text("all_kept", lang_, runs=len(comp.runs), chart_s=out.chart_s)
    else:
        message = text("done", lang_, runs=len(comp.runs), run_s=comp.wall_s,
                       chart_s=out.chart_s)
        if comp.kept_runs:
            message += " " + text("kept", lang_, n=comp.kept_runs)
    message = f"#{out.tag}: {message}"
    Para(message, "wd-status", **{"data-status": "done", "data-run": str(out.tag)})


@solara.component
def Chart(image: bytes, key: str, alt: str, small: bool = False) -> None:
    solara.HTML(tag="img", attributes={
        "src": core.data_url(image), "alt": alt, "data-chart": key,
        "class": "wd-chart-small" if small else "wd-chart"})


@solara.component
def Results(lang_: str) -> None:
    """The numbers, the charts, the downloads and the quick ensemble of the last run."""
    Status(lang_)
    out = run_task.latest
    if out is not None and out.comparison.failed.empty:
        ResultsBody(out, lang_)


@solara.component
def ResultsBody(out: core.Outcome, lang_: str) -> None:
    comp = out.comparison
    keys = core.CHARTS if out.complete else tuple(out.images)
    images = solara.use_memo(lambda: core.figures(comp, lang_, keys),
                             [id(comp), lang_, keys])
    year = comp.end_year
    Para(text("summary", lang_, year=year), "wd-h")
    if comp.scenario_name is None:
        Para(text("same_as_baseline", lang_), "wd-help")
    solara.HTML(tag="div", unsafe_innerHTML=core.summary_html(comp, lang_),
                attributes={"class": "wd-summary-box"})
    Para(text("summary_note", lang_, n=comp.request.replicates, seed=comp.request.seed,
              resolution=core.RESOLUTION), "wd-help")
    if lang_ == "zh" and core.chart_lang(lang_) != "zh":
        from westdev.charts.style import CJK_INSTALL_HINT

        Para(text("charts_in_english", lang_, hint=CJK_INSTALL_HINT), "wd-help")
    Para(text("charts_goal", lang_, year=year), "wd-h")
    Chart(images["goals"], "goals", text("charts_goal", lang_, year=year))
    if not out.complete:
        return
    Para(text("charts_cost", lang_), "wd-h")
    with solara.Div():
        Chart(images["cost"], "cost", text("cum_cost_title", lang_), small=True)
        if "ce" in images:
            Chart(images["ce"], "ce", text("ce_row", lang_), small=True)
        else:
            Para(text("no_ce", lang_), "wd-help")
    Para(text("charts_tiles", lang_), "wd-h")
    Chart(images["tiles"], "tiles", text("charts_tiles", lang_))
    Downloads(comp, lang_)
    EnsembleBox(comp.request, lang_)


@solara.component
def Downloads(comp: core.Comparison, lang_: str) -> None:
    request = comp.request
    Para(text("downloads", lang_), "wd-h")
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(request.toml(), filename=f"{request.name}.toml",
                            label=text("dl_toml", lang_), mime_type="application/toml")
        solara.FileDownload(lambda: core.results_csv(comp), filename=f"{request.name}.csv",
                            label=text("dl_csv", lang_), mime_type="text/csv")
        solara.FileDownload(lambda: core.results_parquet(comp),
                            filename=f"{request.name}.parquet",
                            label=text("dl_parquet", lang_),
                            mime_type="application/vnd.apache.parquet")
    Para(text("dl_help", lang_, command=request.cli_command()), "wd-help")


@solara.component
def EnsembleBox(request: core.Request, lang_: str) -> None:
    Para(text("ensemble", lang_), "wd-h")
    Para(text("ensemble_help", lang_), "wd-help")
    draws = core.ENSEMBLE_DRAWS
    solara.Button(text("ensemble_button", lang_, draws=draws,
                       runs=draws * len(request.scenarios())), outlined=True,
                  on_click=lambda: ensemble_task(request, draws),
                  disabled=ensemble_task.pending or run_task.pending,
                  classes=["wd-ensemble"])
    if ensemble_task.pending:
        solara.ProgressLinear(True)
        Para(text("ensemble_running", lang_, n=draws * len(request.scenarios())), "wd-status")
        return
    if ensemble_task.error:
        Para(str(ensemble_task.exception), "wd-status wd-error")
        return
    if ensemble_task.value is not None:
        EnsembleView(ensemble_task.value, request, lang_)


@solara.component
def EnsembleView(ens: core.Ensemble, request: core.Request, lang_: str) -> None:
    image = solara.use_memo(lambda: core.ensemble_figure(ens, lang_), [id(ens), lang_])
    if ens.request != request:
        Para(text("ensemble_stale", lang_), "wd-help")
    Para(text("ensemble_done", lang_, runs=len(ens.results["run_id"].unique()),
              seconds=ens.wall_s), "wd-status")
    solara.HTML(tag="div", unsafe_innerHTML=core.probability_html(ens, lang_))
    Chart(image, "ensemble", text("ensemble", lang_))


@solara.component
def Page() -> None:
    lang_ = lang.value
    solara.Title("westdev explorer")
    solara.Style(CSS)
    solara.use_effect(start_run, [])  # the first view: the preset (baseline) at once
    with solara.Column(classes=["wd-page"]):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            Para(text("title", lang_), "wd-title")
            with solara.ToggleButtonsSingle(value=lang, dense=True, classes=["wd-lang"]):
                for code in LANGS:
                    solara.Button(LANG_LABELS[code], value=code, text=True,
                                  classes=[f"wd-lang-{code}"])
        Para(text("intro", lang_), "wd-intro")
        with solara.Columns([5, 7]):
            Controls(lang_)
            with solara.Column():
                Results(lang_)
