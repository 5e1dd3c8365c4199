"""The ``westdev`` command line — docs/design.md §8.

Exit codes: 0 success; 2 bad input (a scenario file, an argument, an output directory: one line
``westdev: error: <file: field: what, allowed>`` on stderr, no traceback); 1 a failure inside a
run (the runs that failed are named). The batch machinery and its heavy libraries (pandas,
pyarrow, Matplotlib, SciPy; `westdev.api`, the charts, the calibration) are imported inside the
commands that use them, so that ``westdev --help`` and ``westdev levers`` stay fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from westdev import __version__, bench
from westdev.analysis.report import add_report_parser
from westdev.errors import DataError, InputError, RunFailure, escape
from westdev.inputs import parameters
from westdev.inputs.scenario import known_vintages, load_scenario, validate_file
from westdev.policy.catalogue import AREAS, LEVERS
from westdev.policy.docs import catalogue_markdown
from westdev.policy.goal import GOAL_AREA, GOAL_YEAR, RATIO_INDICATORS

PROG = "westdev"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or bad arguments (2)
        return exc.code if isinstance(exc.code, int) else 2
    previous = _on_sigterm()
    try:
        return args.func(args)
    except InputError as exc:
        _error(str(exc))
        return 2
    except RunFailure as exc:
        _error(f"run failed: {exc}")
        return 1
    except Terminated:
        _error("terminated; finished runs are kept, run the same command again to resume")
        return 143
    except KeyboardInterrupt:
        _error("interrupted; finished runs are kept, run the same command again to resume")
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which has exited
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, so that a batch stops its workers and keeps its
    finished runs (`kill -TERM` of a batch leaves no worker behind)."""


def _on_sigterm() -> Any:
    """Turn SIGTERM into `Terminated` while a command runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: Any) -> None:
        raise Terminated()

    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        return None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Agent-based simulation of China's western development: "
        "West/East convergence to 2035 under policy scenarios.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run_commands(sub)
    _add_info_commands(sub)
    _add_experiment_commands(sub)
    _add_calibrate_command(sub)
    _add_design_commands(sub)
    add_report_parser(sub)
    _add_bench_command(sub)
    _add_explore_command(sub)
    return parser


def _add_run_commands(sub: Any) -> None:
    """``run`` and ``compare``."""
    p = sub.add_parser("run", help="run one scenario (with its replicates) into a results store",
                       description="Run one scenario into a results store (default "
                       "./results/<scenario name>). An existing store with the same request "
                       "resumes.")
    p.add_argument("scenario", help="a scenario file or a shipped name (baseline, no_policy...)")
    _batch_options(p)
    p.add_argument("--out", type=Path, help="store directory (default: ./results/<name>)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("compare", help="run several scenarios into one store, with a chart",
                       description="Run several scenarios into one store with common random "
                       "numbers (replicate r of every scenario shares its seed) and draw the "
                       "goal-ratio chart.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario files or shipped names")
    _batch_options(p)
    p.add_argument("--out", type=Path, required=True, help="store directory")
    p.add_argument("--chart", action=argparse.BooleanOptionalAction, default=True,
                   help="write DIR/goal_ratios.png and .pdf (default: yes)")
    p.set_defaults(func=_cmd_compare)


def _add_info_commands(sub: Any) -> None:
    """``validate``, ``levers`` and ``params``: files and catalogues, no runs."""
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("levers", help="list the policy levers (the catalogue) with the basis of "
                       "each value and a count of the assumed magnitudes")
    p.add_argument("--area", help="only the levers of one area (fiscal, land...)")
    p.add_argument("--markdown", action="store_true",
                   help="print the catalogue as Markdown (the source of docs/levers.md)")
    p.set_defaults(func=_cmd_levers)

    p = sub.add_parser("params", help="the parameter register: each parameter's meaning, unit, "
                       "allowed range, tag, source and the value in use (fitted where a "
                       "fitted vintage sets it)")
    p.add_argument("--vintage", default="CN2019",
                   help="parameter vintage whose fitted values are shown (default CN2019)")
    p.add_argument("--tag", help="only parameters with this tag (data, calibrated, "
                   "literature, assumed, ...)")
    p.set_defaults(func=_cmd_params)

    # ------------------------------------------------------------------ export (issue 20)
    p = sub.add_parser("export", help="write a results store as CSV files for spreadsheets",
                       description="Write a results store's results and runs as CSV files "
                       "(UTF-8 with a byte-order mark, so that spreadsheet programs read "
                       "Chinese names right): DIR/results.csv (one row per run, year, area "
                       "and indicator) and DIR/runs.csv (one row per run: scenario, "
                       "replicate, seed, status, error, wall time, inputs).")
    p.add_argument("store", type=Path, metavar="STORE", help="a results store directory")
    p.add_argument("--csv", action="store_true", default=True,
                   help="CSV files (the one format; the flag may be left out)")
    p.add_argument("--out", type=Path, help="output directory (default: STORE/csv)")
    p.add_argument("--indicators", nargs="+", metavar="NAME",
                   help="only these indicators (default: all)")
    p.add_argument("--areas", nargs="+", metavar="AREA",
                   help="only these areas (West, East, China, a province...; default: all)")
    p.set_defaults(func=_cmd_export)


def _add_experiment_commands(sub: Any) -> None:
    """``sweep``, ``sensitivity`` and ``rerun``."""
    p = sub.add_parser("sweep", help="run an experiment file (sweep, ensemble, sensitivity "
                       "design, decomposition) into a results store",
                       description="Run an experiment file (scenarios/experiments/, schema in "
                       "scenarios/README.md) into a results store. An existing store with the "
                       "same request resumes: finished runs are kept.")
    p.add_argument("experiment", help="an experiment file or a shipped name (smoke, ...)")
    p.add_argument("--out", type=Path, required=True, help="store directory")
    _record_option(p)
    _runner_options(p)
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("sensitivity", help="run a Sobol' or Morris experiment and write its "
                       "sensitivity indices",
                       description="Run a sensitivity experiment ([sample] method = sobol or "
                       "morris) into a store, then write DIR/sensitivity.parquet and .csv "
                       "(indices per outcome and year) and DIR/noise_share.csv.")
    p.add_argument("experiment", help="an experiment file or a shipped name (morris_levers...)")
    p.add_argument("--out", type=Path, required=True, help="store directory")
    _record_option(p)
    _runner_options(p)
    p.set_defaults(func=_cmd_sensitivity)

    p = sub.add_parser("rerun", help="repeat a batch exactly from its manifest",
                       description="Repeat the batch a store's manifest describes. Without "
                       "--out the store itself is completed (missing or failed runs); with "
                       "--out the whole batch is repeated into a new store and compared.")
    p.add_argument("manifest", type=Path, help="DIR/manifest.json (or DIR)")
    p.add_argument("--out", type=Path, help="a new store directory (default: complete DIR)")
    p.add_argument("--simulate", metavar="NAME",
                   help="the run function, when the manifest names one that is not westdev's "
                   "own: an entry point of group 'westdev.simulate' registered by an installed "
                   "package (a manifest is data: westdev never imports code it names)")
    _runner_options(p, dry_run=False)
    p.set_defaults(func=_cmd_rerun)


def _add_calibrate_command(sub: Any) -> None:
    """``calibrate``."""
    p = sub.add_parser("calibrate", help="fit the calibrated parameters to 2000–2019, "
                       "validate out of sample, back-cast the 2000 programme",
                       description="Morris screening, history matching with an emulator and "
                       "the simulated method of moments against calibration/targets.toml; "
                       "writes DIR/<vintage>.toml, a fit report and charts under DIR. Without "
                       "--vintage: fit CN2019 (2000–2019) and CN2012 (2000–2012), validate "
                       "CN2012 on 2013–2019 against a naive trend and back-cast the 2000 "
                       "programme (DIR/report/report.md). A full calibration takes about 15 "
                       "minutes on two cores; --quick about 30 seconds. Nothing is installed: "
                       "--install-from DIR makes a finished calibration's fitted files the "
                       "package's defaults, as a separate step.")
    p.add_argument("--out", type=Path, default=Path("results/calibration"),
                   help="folder of run stores, fitted files and reports "
                   "(default: results/calibration)")
    p.add_argument("--vintage", choices=("CN2019", "CN2012"),
                   help="fit only this vintage (no validation or back-cast)")
    p.add_argument("--quick", action="store_true",
                   help="small sizes for a smoke test (tests, notebooks); installs nothing")
    p.add_argument("--report", action="store_true",
                   help="print the validation table of the calibration in --out (in-sample "
                   "misses, out-of-sample errors beside the naive trend, province growth "
                   "ranks, the back-cast) without running anything")
    p.add_argument("--install-from", type=Path, metavar="DIR",
                   help="install the fitted vintages of a finished (full) calibration in DIR "
                   "as the package's defaults, which every later run reads; runs nothing")
    p.add_argument("--backend", choices=("serial", "processes", "dask"), default="processes",
                   help="where runs execute (default: processes)")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="worker processes (default: all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_calibrate)


def _add_bench_command(sub: Any) -> None:
    """``bench``."""
    p = sub.add_parser("bench", help="benchmark: agent-steps per second at 10^4–10^6 workers",
                       description="Time the baseline 2019→2035 at 10^4, 10^5 and 10^6 workers "
                       "(firms a tenth), each in a fresh process; one JSON line per "
                       "configuration. With --compare-mesa also time Mesa's BoltzmannWealth "
                       "example and print the ratio, and time westdev beside its Mesa peer "
                       "(westdev's worker rules, one Mesa agent per worker, at 10^4 workers; "
                       "interleaved in one process, median of --mesa-repeats) and check that "
                       "both give the same regional aggregates.")
    p.add_argument("--configs", nargs="+", default=["10^4", "10^5", "10^6"],
                   help="configurations (default: 10^4 10^5 10^6)")
    p.add_argument("--repeats", type=_positive_int, default=3, help="median over N runs")
    p.add_argument("--compare-mesa", action="store_true",
                   help="also time Mesa's BoltzmannWealth example (needs westdev[bench]) "
                   "and westdev's Mesa peer")
    p.add_argument("--mesa-steps", type=_positive_int, default=100,
                   help="steps of the Mesa example (default 100)")
    p.add_argument("--mesa-years", type=_positive_int, default=None,
                   help="years westdev and its Mesa peer run (default: all, 2020–2035)")
    p.add_argument("--mesa-repeats", type=_positive_int, default=5,
                   help="timed runs of westdev and of its Mesa peer, each (default 5)")
    p.set_defaults(func=_cmd_bench)


def _add_explore_command(sub: Any) -> None:
    """``explore``: the interactive explorer (westdev.explorer)."""
    p = sub.add_parser("explore", help="serve the interactive scenario explorer (a web page)",
                       description="Serve the scenario explorer: a web page on which you set "
                       "the guideline's levers (presets: 2019, guideline, no policy), run the "
                       "model against the baseline (small resolution, a few replicates, a few "
                       "seconds) and download the scenario (TOML) and its results. Every file "
                       "the page needs comes from this machine (no internet, no telemetry). "
                       "Binds to 127.0.0.1: only this machine can open it; --host 0.0.0.0 "
                       "exposes it to the network without any login (see README). Needs "
                       "westdev[explore].")
    p.add_argument("--port", type=_port, default=8765,
                   help="TCP port (default 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the page at first (default en; switchable on the page)")
    p.set_defaults(func=_cmd_explore)


# ---------------------------------------------------------------------- policy design (issue 16)
def _add_design_commands(sub: Any) -> None:
    """``discover`` and ``optimise``: policy design (westdev.design)."""
    p = sub.add_parser("discover", help="scenario discovery: which levers, parameters and "
                       "exogenous factors lead to a condition (PRIM boxes, a CART tree)",
                       description="Scenario discovery on any sweep, ensemble or search store: "
                       "PRIM (and a CART tree beside it) over the inputs that vary between its "
                       "runs, for a condition on the outcomes (default: the 2035 goal missed). "
                       "Writes DIR/boxes.csv (limits, coverage, density, mass, restricted "
                       "inputs, quasi-p-values and resampling reproducibility), "
                       "DIR/trajectory.csv, DIR/tree.csv, the peeling-trajectory and box "
                       "charts and DIR/report.md.")
    p.add_argument("store", type=Path, help="a results store (directory)")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--condition", metavar="EXPR",
                   help="e.g. 'West:west_east_ratio_income@2035 < 0.75' (comparisons of "
                   "Area:indicator@YEAR or @sum(Y1-Y2) with numbers, goal_met, goal_missed, "
                   "and/or/not; default goal_missed)")
    p.add_argument("--holdout", type=Path, metavar="STORE",
                   help="a second, independent store: the boxes' coverage and density there")
    p.add_argument("--threshold", type=float, default=0.8,
                   help="minimum density of a box (default 0.8)")
    p.add_argument("--max-boxes", type=_positive_int, default=3, help="boxes (default 3)")
    p.add_argument("--resamples", type=int, default=20,
                   help="PRIM runs on 80%% subsamples for the reproducibility check "
                   "(default 20; 0: none)")
    p.set_defaults(func=_cmd_discover)

    p = sub.add_parser("optimise", aliases=["optimize"],
                       help="policy search: the cheapest lever mix meeting a chance "
                       "constraint, or the Pareto frontier of several objectives",
                       description="Search the lever space of a policy search file "
                       "(scenarios/policy/: cheapest_income, frontier_output, or a path) under "
                       "an ensemble: an exploration sample, emulators, candidates re-run by the "
                       "model on common ensemble draws, and a check on fresh draws. Writes "
                       "DIR/best.toml, DIR/frontier.csv, charts and DIR/report.md; the stores "
                       "of every stage under DIR/stages/. Resumes an interrupted search.")
    p.add_argument("spec", help="a policy search file or a shipped name (cheapest_income, "
                   "frontier_output)")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--quick", action="store_true",
                   help="the file's [quick] sizes: a first look in about a minute")
    _runner_options(p)
    p.set_defaults(func=_cmd_optimise)


def _cmd_discover(args: argparse.Namespace) -> int:
    from westdev import api
    from westdev.analysis.discovery import describe_box

    result = api.discover(args.store, args.condition, out=args.out, holdout=args.holdout,
                          threshold=args.threshold, max_boxes=args.max_boxes,
                          resamples=max(0, args.resamples))
    d = result.data
    print(f"condition {d.condition!r}: {int(d.y.sum())} of {len(d.y)} runs; "
          f"{d.inputs.shape[1]} inputs vary")
    for b in result.prim_boxes:
        line = (f"box {b.rank}: {describe_box(b)}\n  coverage {b.stats['coverage']:.3f}, "
                f"density {b.stats['density']:.3f}, mass {b.stats['mass']:.3f}")
        if result.holdout is not None:
            h = result.holdout[result.holdout["box"] == b.rank].iloc[0]
            line += (f"; hold-out coverage {h['holdout_coverage']:.3f}, density "
                     f"{h['holdout_density']:.3f}")
        print(line)
    if not result.prim_boxes:
        print("no box found")
    print(f"boxes: {args.out / 'boxes.csv'}; report: {args.out / 'report.md'}")
    return 0


def _cmd_optimise(args: argparse.Namespace) -> int:
    from westdev import api
    from westdev.design.spec import load_policy

    spec = load_policy(args.spec)
    if args.quick:
        spec = spec.with_quick()
    if args.dry_run:
        return _optimise_plan(spec)
    result = api.optimise(spec, out=args.out, backend=_backend(args), workers=args.workers,
                          scheduler=args.scheduler, overwrite=args.overwrite,
                          progress=not args.quiet)
    for name in ("best", "frontier", "report"):
        if name in result.files:
            print(f"{name}: {result.files[name]}")
    chosen = result.summary.get("chosen")
    ver = result.verification
    if chosen is not None and spec.mode == "single" and not ver.empty:
        row = ver[ver["mix"] == chosen["mix"]]
        if len(row) and not bool(row["meets_constraints"].iloc[0]):
            print("WARNING: the recommended mix does not meet the constraints on the fresh "
                  "draws of the independent check (report.md)", file=sys.stderr)
    return 0


def _optimise_plan(spec: Any) -> int:
    s, v = spec.search, spec.verify
    print(f"policy search {spec.name} ({spec.mode}): " + "; ".join(
        [o.text for o in spec.objectives] + [c.text for c in spec.constraints]))
    print(f"base {spec.scenario.name}, ensemble {spec.ensemble.name} "
          f"({len(spec.ensemble.factors)} uncertain inputs), resolution "
          f"{spec.scenario.run.resolution}, {spec.scenario.run.start_year}-"
          f"{spec.scenario.run.end_year}")
    for lv in spec.levers:
        rng = "off/on" if lv.kind == "bool" else f"[{lv.low:g}, {lv.high:g}]"
        print(f"  {lv.name}: {rng}")
    per = spec.ensemble.replicates
    refs = len(v["scenarios"])
    rounds = 1 if spec.mode == "frontier" else s["iterations"]
    first = (s["frontier_points"] + refs) * s["draws"] * per
    later = (rounds - 1) * 3 * s["draws"] * per
    check = (1 + refs) * v["draws"] * per if spec.mode == "single" else \
        (s["frontier_points"] + refs) * v["draws"] * per
    print(f"runs, at most: explore {s['explore_runs']}, candidates {first + later}, "
          f"verify {check} (total {s['explore_runs'] + first + later + check})")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from westdev.calibration import validation_table
    from westdev.calibration.pipeline import calibrate, calibrate_all

    if args.report:
        folder = args.out / "report"
        if not (folder / validation_table.TABLE_CSV).is_file():
            raise InputError("no validation table in this folder: run `westdev calibrate "
                             "--out DIR` first", file=str(folder), field="--out",
                             allowed="a folder written by westdev calibrate (without --vintage)")
        print(validation_table.to_markdown(validation_table.read(folder)))
        return 0

    if args.install_from is not None:
        from westdev.calibration.pipeline import install_fitted

        for path in install_fitted(args.install_from):
            print(f"installed {path}")
        return 0
    kw = {"quick": args.quick, "out": args.out, "backend": args.backend,
          "workers": args.workers, "progress": not args.quiet}
    if args.vintage:
        result = calibrate(args.vintage, **kw)
        fits = [result]
        print(f"fit report: {result.report_dir / 'fit_report.md'}")
    else:
        run = calibrate_all(**kw)
        fits = [run.main, run.early]
        print(validation_table.to_markdown(run.table))
        print(f"report: {run.report}")
    for c in fits:
        print(f"{c.vintage}: objective {c.fit.objective:.2f} over {len(c.fit.table)} moments; "
              f"{c.fitted_path}")
        for name, value in c.fit.theta.items():
            print(f"  {name:45s} {value:.4g} (se {c.fit.se[name]:.2g})")
    print(f"wall time {_duration(sum(c.wall_s for c in fits) if args.vintage else run.wall_s)}")
    if not args.quick:
        print(f"to make these fits the package's defaults: westdev calibrate --install-from {args.out}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    bench.run(args.configs, repeats=args.repeats, compare_mesa=args.compare_mesa,
              mesa_steps=args.mesa_steps, mesa_years=args.mesa_years,
              mesa_repeats=args.mesa_repeats)
    return 0


def _cmd_explore(args: argparse.Namespace) -> int:
    from westdev.explorer.server import serve

    return serve(args.host, args.port, args.lang)


def _batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--replicates", type=_positive_int, metavar="N",
                   help="replicates per scenario (default: the scenario's [run] replicates)")
    p.add_argument("--root-seed", type=_seed, metavar="S",
                   help="root seed (default: the (first) scenario's [run] root_seed)")
    p.add_argument("--resolution", choices=("small", "default", "large"),
                   help="agent resolution (default: the scenario's)")
    _runner_options(p, dry_run=False)


def _runner_options(p: argparse.ArgumentParser, *, dry_run: bool = True) -> None:
    p.add_argument("--backend", choices=("serial", "processes", "dask"),
                   help="where runs execute (default: processes; dask with --scheduler)")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="a Dask scheduler address (default for dask: a local cluster)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing store made for another request (only the files "
                   "the store wrote are deleted)")
    p.add_argument("--max-runs", type=_positive_int, metavar="N",
                   help="refuse batches of more runs than N (default 10^7)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    if dry_run:
        p.add_argument("--dry-run", action="store_true",
                       help="print the design, the run count and an estimated time; run nothing")


def _record_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--record", choices=("default", "all"),
                   help="what each run keeps (default: the file's [outputs] record, else "
                   "'default': what analyses and reports read; 'all': every indicator, area "
                   "and year, about 250 KB a run)")


def _with_record(exp: Any, args: argparse.Namespace) -> Any:
    """The experiment with --record applied."""
    if getattr(args, "record", None) is None:
        return exp
    import dataclasses

    return dataclasses.replace(exp, record=args.record)


def _backend(args: argparse.Namespace) -> str:
    if args.backend is None:
        return "dask" if args.scheduler else "processes"
    return args.backend


# ---------------------------------------------------------------------- commands
def _cmd_run(args: argparse.Namespace) -> int:
    from westdev import api

    scenario = load_scenario(args.scenario)
    out = args.out if args.out is not None else Path("results") / scenario.name
    store = api.run(scenario, replicates=args.replicates, root_seed=args.root_seed,
                    resolution=args.resolution, out=out, backend=_backend(args),
                    workers=args.workers, overwrite=args.overwrite, progress=not args.quiet,
                    scheduler=args.scheduler, max_runs=args.max_runs)
    code = _summary(store)
    _closing(store)
    return code


def _cmd_compare(args: argparse.Namespace) -> int:
    from westdev import api

    if len(args.scenarios) < 2:
        raise InputError("compare needs at least two scenarios", field="SCENARIO",
                         allowed="two or more scenario files or shipped names")
    scenarios = [load_scenario(s) for s in args.scenarios]
    store = api.compare(scenarios, replicates=args.replicates, root_seed=args.root_seed,
                        resolution=args.resolution, out=args.out, backend=_backend(args),
                        workers=args.workers, overwrite=args.overwrite, progress=not args.quiet,
                        scheduler=args.scheduler, max_runs=args.max_runs)
    goal = store.select(indicators=list(RATIO_INDICATORS.values()), areas=[GOAL_AREA]) \
        if args.chart else None
    if goal is not None and not goal.empty:
        from westdev.charts import plot_goal_ratios, save_figure

        fig = plot_goal_ratios(goal, theta=store.manifest.get("goal_thresholds"),
                               scenarios=[s.name for s in scenarios])
        written = save_figure(fig, store.path / "goal_ratios")
        store.add_files(p.name for p in written)
        for path in written:
            print(f"chart: {path}")
    code = _summary(store)
    _closing(store)
    return code


def _cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for file in args.files:
        try:
            validate_file(file)
        except InputError as exc:  # report every bad file, not only the first
            _error(str(exc))
            bad += 1
        else:
            print(f"ok: {escape(file)}")
    return 2 if bad else 0


def _cmd_levers(args: argparse.Namespace) -> int:
    if args.area is not None and args.area not in AREAS:
        raise InputError(f"unknown area {args.area!r}", field="--area", allowed=", ".join(AREAS))
    if getattr(args, "markdown", False):
        print(catalogue_markdown(), end="")
        return 0
    from westdev.policy.docs import basis, enacted_text, status_text, summary_lines

    specs = [s for s in LEVERS.values() if args.area in (None, s.area)]
    width = max(len(s.name) for s in specs)
    for s in specs:
        b = basis(s)  # each value's basis: [documented], [range low – high] or [definition]
        print(f"{s.name:<{width}}  {s.unit}  {_range(s)}  "
              f"2019: {_fmt(s.value_2019)} [{status_text(b.v2019)}]  "
              f"guideline: {_fmt(s.value_guideline)} [{status_text(b.guideline)}]  "
              f"enacted: {enacted_text(s, _fmt)} [{status_text(b.enacted)}]  "
              f"{s.cited}  {s.meaning}")
    print(*summary_lines(specs))
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    try:
        register = parameters.load_register()
    except FileNotFoundError as exc:
        raise DataError(f"the parameter register is missing (broken install): {exc}",
                        file="westdev/data/parameters.toml") from None
    if args.vintage not in known_vintages():
        raise InputError(f"unknown parameter vintage {args.vintage!r}", field="--vintage",
                         allowed=", ".join(known_vintages()))
    fitted = parameters.load_fitted(args.vintage)
    tags = sorted({spec.tag for spec in register.values()})
    if args.tag is not None and args.tag not in tags:
        raise InputError(f"unknown tag {args.tag!r}", field="--tag", allowed=", ".join(tags))
    shown = 0
    for name, spec in register.items():
        if args.tag is not None and spec.tag != args.tag:
            continue
        # a calibrated parameter runs at its fitted value; the register's is the starting value
        value = fitted.get(name, spec.value)
        used = (f"{value:g} (fitted, {args.vintage}; register {spec.value:g})"
                if name in fitted else f"{value:g}")
        rng = (f"{spec.low:g} (fixed)" if spec.low == spec.high
               else f"[{spec.low:g}, {spec.high:g}]")
        unit = "1 (dimensionless)" if spec.unit in ("1", "") else spec.unit
        print(f"{name}\n  value in use  {used}\n  unit          {unit}\n  range         {rng}\n"
              f"  tag           {spec.tag}\n  meaning       {spec.meaning}\n"
              f"  source        {spec.source}")
        shown += 1
    print(f"{shown} parameters; tags: {', '.join(tags)}. Override any of them in a scenario's "
          "[parameters] table (scenarios/README.md).")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """``westdev export STORE --csv``: results.csv and runs.csv, read with the store's public
    reading functions (`read_results`, `read_runs`)."""
    from westdev.experiments.store import MANIFEST, read_results, read_runs

    store = args.store
    if not (store / MANIFEST).is_file():
        raise InputError("not a westdev results store (no manifest.json)", file=str(store),
                         field="STORE", allowed="a directory written by westdev run, compare, "
                         "sweep or sensitivity")
    out = args.out if args.out is not None else store / "csv"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot be created: {exc.strerror or exc}", file=str(out),
                         field="--out", allowed="a writable directory") from None
    results = read_results(store, indicators=args.indicators, areas=args.areas)
    runs = read_runs(store)
    if args.indicators and results.empty:
        have = sorted(set(read_results(store, years=None)["indicator"]))[:30]
        raise InputError(f"none of {args.indicators} is in the store", field="--indicators",
                         allowed=", ".join(have) + " ...")
    written = []
    for name, frame in (("results.csv", results), ("runs.csv", runs)):
        target = out / name
        tmp = target.with_name(f".{name}.tmp")
        frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(target)
        written.append(target)
    print(f"results: {written[0]} ({len(results):,} rows: run_id, scenario, replicate, seed, "
          f"year, area, indicator, value)")
    print(f"runs:    {written[1]} ({len(runs):,} rows, one per run)")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from westdev import api

    exp = _with_record(api.experiment(args.experiment), args)
    if args.dry_run:
        return _dry_run(exp, args)
    store = api.sweep(exp, out=args.out, backend=_backend(args), workers=args.workers,
                      scheduler=args.scheduler, overwrite=args.overwrite,
                      progress=not args.quiet, max_runs=args.max_runs)
    if exp.kind == "ensemble" and exp.base.run.end_year >= GOAL_YEAR and \
            (store.runs["status"] == "ok").any():
        from westdev.analysis.summaries import goal_probability

        p = goal_probability(store, year=GOAL_YEAR)
        print(f"P(goal met in {GOAL_YEAR}), share of runs (θ from each scenario's [goal]):")
        for _, row in p.iterrows():
            print(f"  {row['scenario']:<20} {row['dimension']:<16} θ = {row['theta']:g}  "
                  f"{row['probability']:.3f} ± {row['se']:.3f}  (n = {row['n']})")
    return _summary(store)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from westdev import api
    from westdev.analysis.sensitivity import top_factors

    exp = _with_record(api.experiment(args.experiment), args)
    if exp.design not in ("sobol", "morris"):
        raise InputError(f"{exp.name} has a {exp.design} design, not a sensitivity sample",
                         file=exp.source, field="sample.method",
                         allowed="sobol or morris (use westdev sweep for other experiments)")
    if args.dry_run:
        return _dry_run(exp, args)
    result = api.sensitivity(exp, out=args.out, backend=_backend(args), workers=args.workers,
                             scheduler=args.scheduler, overwrite=args.overwrite,
                             progress=not args.quiet, max_runs=args.max_runs)
    top = top_factors(result.indices)
    if not top.empty:
        index = top["index"].iloc[0]
        print(f"largest {index} in {int(top['year'].iloc[0])}:")
        for outcome, group in top.groupby("outcome", sort=False):
            print(f"  {outcome}")
            for _, row in group.iterrows():
                conf = f" ± {row['conf']:.3g}" if row["conf"] == row["conf"] else ""
                print(f"    {row['value']:.4g}{conf}  {row['factor']}")
    if not result.indices.empty and result.indices["dropped"].max() > 0:
        unit = "Saltelli blocks" if exp.design == "sobol" else "trajectories"
        worst = result.indices.loc[result.indices["dropped"].idxmax()]
        total = int(worst["kept"] + worst["dropped"])
        print(f"indices computed from {int(worst['kept'])} of {total} {unit}: "
              f"{int(worst['dropped'])} dropped because a run in them failed")
    print(f"indices: {result.store.path / 'sensitivity.csv'}")
    return _summary(result.store)


def _cmd_rerun(args: argparse.Namespace) -> int:
    from westdev import api
    from westdev.experiments.store import MANIFEST, results_digest

    original = args.manifest if args.manifest.is_dir() else args.manifest.parent
    simulate = _entry_point(args.simulate) if args.simulate else None
    store = api.rerun(args.manifest, out=args.out, backend=_backend(args), workers=args.workers,
                      scheduler=args.scheduler, overwrite=args.overwrite,
                      progress=not args.quiet, simulate=simulate, max_runs=args.max_runs)
    if args.out is not None and (original / MANIFEST).is_file() and \
            Path(args.out).resolve() != original.resolve():
        same = results_digest(original) == results_digest(store.path)
        print(f"results identical to {original}: {'yes' if same else 'no'}")
    return _summary(store)


SIMULATE_GROUP = "westdev.simulate"


def _entry_point(name: str) -> str:
    """The ``module:function`` of an installed package's run function, by entry point name."""
    from importlib.metadata import entry_points

    found = {ep.name: ep.value for ep in entry_points(group=SIMULATE_GROUP)}
    if name not in found:
        raise InputError(f"no run function {name!r} is registered", field="--simulate",
                         allowed=f"an entry point of group '{SIMULATE_GROUP}': "
                         + (", ".join(sorted(found)) or "none is installed"))
    return found[name]


def _dry_run(exp: Any, args: argparse.Namespace) -> int:
    from westdev.experiments.execute import estimate
    from westdev.experiments.runner import check_run_count

    check_run_count(exp.n_runs, args.max_runs, file=exp.source, field="run")
    print(exp.describe())
    est = estimate(exp, backend=_backend(args), workers=args.workers, max_runs=args.max_runs)
    print(f"one run: {est['seconds_per_run']:.2f} s ({est['basis']}); estimated wall time "
          f"{_duration(est['estimated_seconds'])} on {est['workers']} {est['backend']} "
          f"worker(s); output: {args.out}")
    return 0


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s" if m else f"{s} s"


# ---------------------------------------------------------------------- helpers
FAILED_SHARE_LOUD = 0.01  # above this share of failed runs a study says so loudly


def _summary(store: Any) -> int:
    runs = store.runs
    failed = runs[runs["status"] != "ok"]
    print(f"{len(runs) - len(failed)} of {len(runs)} runs ok; results in {store.path}")
    if failed.empty:
        return 0
    for run_id, error in zip(failed["run_id"], failed["error"], strict=True):
        print(f"  failed: {run_id}: {_last_line(error)}", file=sys.stderr)
    if len(failed) > FAILED_SHARE_LOUD * len(runs):
        print(f"WARNING: {len(failed) / len(runs):.1%} of the runs failed, more than "
              f"{FAILED_SHARE_LOUD:.0%}: summaries and indices rest on the runs that finished, "
              "which may not be a random subset of the design", file=sys.stderr)
    _error(f"{len(failed)} of {len(runs)} runs failed: " + ", ".join(failed["run_id"]))
    return 1


def _closing(store: Any) -> None:
    """After a run or comparison: the goal ratios in the last year (2035) per scenario —
    median and the range of the runs — and the commands to try next."""
    from westdev.analysis.summaries import bands
    from westdev.policy.goal import GOAL_AREA, RATIO_INDICATORS, theta_for

    res = store.results
    if res.empty:
        return
    year = int(res["year"].max())
    b = bands(res[(res["year"] == year) & (res["area"] == GOAL_AREA)],
              indicators=list(RATIO_INDICATORS.values()), quantiles=(0.0, 0.5, 1.0))
    theta = store.manifest.get("goal_thresholds")
    heads = {"income": "income", "public_services": "public services",
             "infrastructure": "infrastructure"}
    print(f"\nWest/East goal ratios in {year} (median of the runs, [lowest–highest]; "
          f"goal: each at least θ):")
    for scenario, g in b.groupby("scenario", sort=False):
        g = g.set_index("indicator")
        cells = []
        for dim, ind in RATIO_INDICATORS.items():
            if ind in g.index:
                r = g.loc[ind]
                spread = f" [{r['q00']:.3f}–{r['q100']:.3f}]" if r["n"] > 1 else ""
                mark = "≥" if r["q50"] >= theta_for(theta, dim) else "<"
                cells.append(f"{heads[dim]} {r['q50']:.3f}{spread} {mark} θ "
                             f"{theta_for(theta, dim):g}")
        n = int(g["n"].max())
        print(f"  {scenario} ({n} run{'s' if n != 1 else ''}): " + "; ".join(cells))
    path = store.path
    print("Next:")
    print(f"  westdev report {path} --out {path}/report            # every chart and a summary")
    print(f"  westdev report {path} --out {path}/report-zh --lang zh  # the same in Chinese")
    print(f"  westdev export {path} --csv                        # CSV for spreadsheets")
    if len(b["scenario"].unique()) < 2:
        print(f"  westdev compare {b['scenario'].iloc[0]} no_policy --out results/cmp"
              "   # against the counterfactual")
    print("  westdev sweep ensemble_baseline --out results/ens    # P(goal) under uncertainty")


def _last_line(text: Any) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[-1] if lines else "unknown error"


def _error(message: str) -> None:
    print(f"{PROG}: error: {escape(message)}", file=sys.stderr)


def _range(spec: Any) -> str:
    if spec.kind == "bool":
        return "true|false"
    if spec.kind == "choice":
        return "|".join(spec.choices)
    lo, hi = spec.bounds
    return f"[{lo:g}, {hi:g}]"


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be >= 1")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: must be in [0, 65535]")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r}: must be in [0, 2^63-1]")
    return value


if __name__ == "__main__":
    sys.exit(main())
