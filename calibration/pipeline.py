"""`westdev calibrate`: screening, estimation, fitted file and fit report, in one call.

Full mode (the shipped fit) and quick mode (the test suite and notebooks) differ only in sizes
(`SETTINGS`). Runs go to `<out>/<vintage>/...` stores, so a stopped calibration resumes. The
fitted file is written to `<out>/<vintage>.toml` and, with `install=True`, to the package's
`calibration/fitted/<vintage>.toml`, which makes the fitted values the defaults of every run
using that parameter vintage.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from westdev.calibration import validation_table
from westdev.calibration.backcast import analyse_backcast, run_backcast
from westdev.calibration.estimation import Fit, estimate
from westdev.calibration.fitted_file import fitted_dir, write_fitted
from westdev.calibration.screening import Screening, bounds_of, screen
from westdev.calibration.targets import TargetFile, load_targets
from westdev.calibration.validation import province_ranks, run_validation, validate
from westdev.errors import InputError
from westdev.inputs.parameters import load_register


@dataclass(frozen=True)
class Settings:
    """Sizes of one calibration."""

    trajectories: int  # Morris trajectories
    design_points: int  # wave 1 Latin hypercube
    wave2_points: int  # wave 2 draws from the plausible region
    replicates: int  # seeds per design point
    verify_replicates: int  # seeds of the verification at θ̂
    max_parameters: int
    resolution: str = "small"


SETTINGS = {
    "full": Settings(trajectories=8, design_points=256, wave2_points=128, replicates=2,
                     verify_replicates=8, max_parameters=12),
    "quick": Settings(trajectories=2, design_points=24, wave2_points=0, replicates=1,
                      verify_replicates=2, max_parameters=4),
}


@dataclass
class Calibration:
    """What one calibration produced."""

    vintage: str
    screening: Screening | None
    fit: Fit
    fitted_path: Path
    installed_path: Path | None
    report_dir: Path
    wall_s: float


def calibrate(vintage: str = "CN2019", *, quick: bool = False, out: str | Path = "results/calibration",
              install: bool | None = None, parameters: Sequence[str] | None = None,
              reuse: Sequence[str | Path] = (), targets: TargetFile | None = None,
              backend: str = "processes", workers: int | None = None,
              progress: bool = False) -> Calibration:
    """Calibrate the parameter vintage `vintage` to its target set.

    Parameters
    ----------
    vintage : "CN2019" (fit to 2000–2019) or "CN2012" (fit to 2000–2012, for validation)
    quick : small sizes (about 30 seconds on two cores) for tests and notebooks
    out : folder of the run stores, the fitted file and the report
    install : also write the package's `calibration/fitted/<vintage>.toml` (default: no;
        `install_fitted` installs a finished calibration's files as an explicit step)
    parameters : estimate these instead of screening (names from the candidates or history
        scales)
    reuse : earlier design stores whose points the emulator reuses (their points must set the
        same parameters)
    """
    start = time.perf_counter()
    tf = targets or load_targets()
    chosen_targets = tf.select(vintage)
    settings = SETTINGS["quick" if quick else "full"]
    install = bool(install) and not quick
    root = Path(out) / vintage
    screening = None
    if parameters is None:
        screening = screen(chosen_targets, tf.candidates, tf.history_scales, root / "screening",
                           trajectories=settings.trajectories, resolution=settings.resolution,
                           max_parameters=settings.max_parameters, backend=backend,
                           workers=workers, progress=progress)
        names = list(screening.selected)
        # the history scales are always estimated (they stand for unobserved paths), and so
        # are the candidates the targets file lists under `always`
        names += [s for s in (*tf.always, *tf.history_scales) if s not in names]
    else:
        known = set(tf.candidates) | set(tf.history_scales)
        bad = [p for p in parameters if p not in known]
        if bad:
            raise InputError(f"cannot estimate {bad}", field="--parameters",
                             allowed="candidates and history scales of targets.toml")
        names = list(parameters)
    fit = estimate(chosen_targets, names, bounds_of(names, tf.history_scales), root,
                   design_points=0 if reuse else settings.design_points,
                   wave2_points=0 if reuse else settings.wave2_points,
                   replicates=settings.replicates, verify_replicates=settings.verify_replicates,
                   resolution=settings.resolution, backend=backend, workers=workers,
                   progress=progress, stores=[Path(p) for p in reuse])
    wall = time.perf_counter() - start
    meta = {
        "vintage": vintage, "target_set": vintage,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "data_vintage": ("packaged data, years <= 2019 (westdev.inputs.data; see targets.toml for the "
                         "files of each moment)"),
        "fitted_years": f"2000-{max(t.last_year for t in chosen_targets.values() if t.from_data)}",
        "method": ("Morris screening; history matching in "
                   f"{fit.waves} wave(s) with a quadratic emulator; simulated method of moments "
                   "(W = diag(weight / tolerance^2)); standard errors from the SMM sandwich; "
                   "plausible region = J <= J_min + chi2_k(0.90) on the emulator"),
        "objective": round(fit.objective, 4),
        "objective_emulated": round(fit.objective_emulated, 4),
        "moments": len(chosen_targets), "runs": fit.runs + (screening.runs if screening else 0),
        "wall_seconds": round(wall, 1), "resolution": settings.resolution,
        "replicates": settings.replicates, "quick": quick,
        **({"design_reused_from": [str(p) for p in reuse],
            "design_points_reused": fit.design_points} if reuse else {}),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    register = load_register()
    params, history = {}, {}
    for n in fit.names:
        entry = {"value": round(fit.theta[n], 6), "se": round(fit.se[n], 6),
                 "plausible": [round(x, 6) for x in fit.plausible[n]]}
        if n in tf.history_scales:
            history[n] = entry
        else:
            entry["register_value"] = register[n].value
            params[n] = entry
    sample = fit.sample[[n for n in fit.names if n not in tf.history_scales]]
    root.mkdir(parents=True, exist_ok=True)
    fitted_path = write_fitted(Path(out) / f"{vintage}.toml", meta=meta, parameters=params,
                               history=history, sample=sample)
    installed = None
    if install:
        installed = write_fitted(fitted_dir() / f"{vintage}.toml", meta=meta, parameters=params,
                                 history=history, sample=sample)
    report_dir = root / "report"
    write_report(report_dir, fit, screening, meta)
    return Calibration(vintage, screening, fit, fitted_path, installed, report_dir, wall)


@dataclass
class CalibrationRun:
    """Everything `westdev calibrate` produced: both fits, validation and back-cast."""

    main: Calibration
    early: Calibration | None
    validation_errors: pd.DataFrame | None
    backcast: dict[str, pd.DataFrame] | None
    report: Path
    wall_s: float
    table: pd.DataFrame | None = None  # the validation table (`validation_table.build`)


def calibrate_all(*, quick: bool = False, out: str | Path = "results/calibration",
                  install: bool | None = None, backend: str = "processes",
                  workers: int | None = None, progress: bool = False) -> CalibrationRun:
    """The whole calibration (docs/design.md §5): fit CN2019 (2000–2019), fit CN2012
    (2000–2012, reusing CN2019's design runs for its emulator), validate CN2012 on 2013–2019
    against the naive trend, and back-cast the 2000 programme with CN2019; one report."""
    # Matplotlib, for the report only
    from westdev.charts.calibration import plot_province_growth, plot_validation

    start = time.perf_counter()
    out = Path(out)
    settings = SETTINGS["quick" if quick else "full"]
    kw = {"backend": backend, "workers": workers, "progress": progress}
    main = calibrate("CN2019", quick=quick, out=out, install=install, **kw)
    stores = [Path(p) for p in main.fit.details["stores"]]
    early = calibrate("CN2012", quick=quick, out=out, install=install,
                      parameters=main.fit.names, reuse=stores, **kw)
    vstore = run_validation(out / "validation", early.fit.theta,
                            replicates=settings.verify_replicates,
                            resolution=settings.resolution, **kw)
    errors, paths = validate(vstore)
    ranks = province_ranks(vstore)
    register = load_register()
    bstore = run_backcast(out / "backcast", main.fit.theta, replicates=settings.verify_replicates,
                          resolution=settings.resolution, **kw)
    alpha = main.fit.theta.get("production.capital_elasticity",
                               register["production.capital_elasticity"].value)
    beta = main.fit.theta.get("production.labour_elasticity",
                              register["production.labour_elasticity"].value)
    back = analyse_backcast(bstore, alpha, beta)
    folder = out / "report"
    folder.mkdir(parents=True, exist_ok=True)
    errors.to_csv(folder / "validation_errors.csv")
    paths.to_csv(folder / "validation_paths.csv", index=False)
    ranks.to_csv(folder / "validation_province_ranks.csv")
    plot_validation(paths, folder / "validation.png")
    plot_province_growth(ranks, folder / "province_growth.png")
    for name, frame in back.items():
        frame.to_csv(folder / f"backcast_{name}.csv")
    table = validation_table.build(main.fit.table, errors, ranks, back)
    validation_table.write(table, folder)
    wall = time.perf_counter() - start
    lines = ["# westdev calibration report", "",
             f"Wall time {wall:.0f} s ({'quick' if quick else 'full'} mode); fits: "
             f"{main.fitted_path}, {early.fitted_path}.", "",
             "## Validation table", "", validation_table.to_markdown(table), "",
             "## CN2019 fit (2000–2019)", "", f"Objective {main.fit.objective:.2f}; see "
             f"{main.report_dir / 'fit_report.md'}.", "",
             markdown_table(main.fit.table[["observed", "simulated", "tolerance",
                                            "miss_in_tolerances"]]), "",
             "## Out of sample: CN2012 fit, 2013–2019", "", markdown_table(errors), "",
             "## Back-cast of the 2000 programme (premium in pp a year)", "",
             markdown_table(back["premium"]), "", "Growth accounting of the premium "
             "(West minus rest of China, programme minus none, pp a year):", "",
             markdown_table(back["accounting"]), "",
             "CIT preference: relative change of firm entries 2001–2010 (programme vs "
             "programme without the 15 % rate):", "", markdown_table(back["cit_entry"]), ""]
    (folder / "report.md").write_text("\n".join(lines), encoding="utf-8")
    return CalibrationRun(main, early, errors, back, folder / "report.md", wall, table)


def install_fitted(folder: str | Path) -> list[Path]:
    """Install the fitted vintages a full calibration wrote into `folder` (`<vintage>.toml` and
    its plausible-region sample) as the package's defaults, which every later run with that
    parameter vintage reads. An explicit step: a calibration never replaces the package's
    fitted parameters by itself. Quick fits are refused."""
    from westdev.calibration.fitted_file import read_fitted

    folder = Path(folder)
    found = [v for v in ("CN2019", "CN2012") if (folder / f"{v}.toml").is_file()]
    if not found:
        raise InputError("no fitted vintage in this folder", file=str(folder), field="--install-from",
                         allowed="a folder written by westdev calibrate --out DIR (CN2019.toml, "
                         "CN2012.toml)")
    installed = []
    for vintage in found:
        source = folder / f"{vintage}.toml"
        doc = read_fitted(source)
        if doc["meta"].get("quick"):
            raise InputError(f"{source.name} is a quick fit, not for use as defaults",
                             file=str(source), field="meta.quick",
                             allowed="a full calibration (westdev calibrate without --quick)")
        target = fitted_dir() / source.name
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        installed.append(target)
        sample = folder / f"{vintage}.sample.csv"
        if sample.is_file():
            (fitted_dir() / sample.name).write_text(sample.read_text(encoding="utf-8"),
                                                    encoding="utf-8")
    return installed


def markdown_table(df: pd.DataFrame, digits: int = 4) -> str:
    """A DataFrame as a GitHub Markdown table (numbers rounded to `digits` significant)."""
    def cell(v) -> str:
        if isinstance(v, float):
            return "" if v != v else f"{v:.{digits}g}"
        return str(v)
    head = [df.index.name or ""] + [str(c) for c in df.columns]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in df.iterrows():
        rows.append("| " + " | ".join([str(idx)] + [cell(v) for v in row]) + " |")
    return "\n".join(rows)


def write_report(folder: Path, fit: Fit, screening: Screening | None, meta: Mapping) -> None:
    """Fit table (CSV and Markdown), screening effects, estimates and the fit chart."""
    from westdev.charts.calibration import plot_calibration_fit, plot_screening

    folder.mkdir(parents=True, exist_ok=True)
    fit.table.to_csv(folder / "fit_table.csv")
    est = pd.DataFrame({"value": fit.theta, "se": fit.se,
                        "plausible_5": {k: v[0] for k, v in fit.plausible.items()},
                        "plausible_95": {k: v[1] for k, v in fit.plausible.items()}})
    est.index.name = "parameter"
    est.to_csv(folder / "estimates.csv")
    fit.sample.to_csv(folder / "plausible_sample.csv", index=False)
    fit.emulator_r2.to_csv(folder / "emulator_r2.csv")
    lines = [f"# Calibration {meta['vintage']} — fit report", "",
             f"Objective J = {fit.objective:.2f} over {meta['moments']} moments "
             f"(emulated {fit.objective_emulated:.2f}); {meta['runs']} runs; "
             f"{meta['wall_seconds']:.0f} s.", "", "## Estimates", "",
             markdown_table(est), "", "## Targets, simulated (verification runs) and "
             "tolerance", "",
             markdown_table(fit.table.drop(columns=["source"])), ""]
    if screening is not None and not screening.effects.empty:
        screening.effects.to_csv(folder / "screening_effects.csv")
        lines += ["## Morris screening (μ* in tolerances)", "",
                  markdown_table(screening.effects, digits=2), "",
                  f"Selected: {', '.join(screening.selected)}; failed points: "
                  f"{screening.failed_points}.", ""]
        plot_screening(screening.effects, folder / "screening.png")
    (folder / "fit_report.md").write_text("\n".join(lines), encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps(dict(meta), indent=2), encoding="utf-8")
    plot_calibration_fit(fit.table, folder / "fit.png", title=f"Calibration {meta['vintage']}: "
              "simulated minus observed, in tolerances")
