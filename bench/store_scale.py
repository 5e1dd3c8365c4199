"""Store scale figures of issue 21, printed (not asserted): one JSON line each.

1. ``batch_overhead``: a bare small `simulate` (2019→2035) against the same run through the
   batch path (`execute` with the default record, writing its parts), in one process,
   interleaved, median of `--repeats`; target ratio ≤ 1.20.
2. ``bytes_per_run``: disk of a synthetic ensemble store with the default record (target
   ≤ 60 KB a run). The store is built from one real run's recorded rows, perturbed per run (so
   it compresses like real, noisy runs), through `StoreWriter` — no 10^5 simulations.
3. ``open``, ``summarise``, ``report``: peak memory (RSS) of a fresh process that opens the
   store (`ResultsStore(...).runs` and a selection of the goal ratios), computes
   `goal_probability`, or writes `westdev report`; target ≤ 2 GB at 10^5 runs.

    python bench/store_scale.py [--runs 100000] [--repeats 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from westdev.economy.simulate import simulate
from westdev.experiments.record import default_record
from westdev.experiments.runner import RunTask, execute
from westdev.experiments.seeds import run_seed
from westdev.experiments.store import StoreWriter
from westdev.inputs.scenario import load_scenario
from westdev.policy.goal import DEFAULT_THETA, DIMENSIONS, OUTCOMES

CHILD = {
    "open": "from westdev.experiments.store import ResultsStore\n"
            "from westdev.policy.goal import RATIO_INDICATORS\n"
            "s = ResultsStore(DIR); n = len(s.runs)\n"
            "df = s.select(indicators=list(RATIO_INDICATORS.values()), areas='West')\n",
    "summarise": "import westdev.analysis.summaries as ws\n"
                 "p = ws.goal_probability(DIR)\n",
    "report": "from westdev.analysis.report import write_report\n"
              "write_report(DIR, OUT, formats=['png'])\n",
}


def _line(**kw: object) -> None:
    print(json.dumps(kw), flush=True)


def batch_overhead(repeats: int) -> None:
    scenario = load_scenario("baseline")
    record = default_record(OUTCOMES)
    parts = Path(tempfile.mkdtemp(prefix="westdev-bench-parts-"))
    bare, batch = [], []
    try:
        for i in range(repeats + 1):  # the first pair warms up imports and data
            seed = run_seed(1, {}, i)
            t0 = time.perf_counter()
            simulate(scenario, seed=seed, resolution="small")
            t1 = time.perf_counter()
            execute(RunTask(f"r{i}", scenario, i, seed, "small", index=i),
                    parts_dir=str(parts), record=record)
            t2 = time.perf_counter()
            if i:
                bare.append(t1 - t0)
                batch.append(t2 - t1)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    ratio = statistics.median(batch) / statistics.median(bare)
    _line(figure="batch_overhead", bare_s=round(statistics.median(bare), 4),
          batch_s=round(statistics.median(batch), 4), ratio=round(ratio, 3), target="<= 1.20")


def build_store(path: Path, runs: int) -> float:
    """A synthetic ensemble store of `runs` runs; returns the seconds it took."""
    scenario = load_scenario("baseline")
    record = default_record(OUTCOMES)
    template = record.filter(simulate(scenario, seed=1, resolution="small"))
    rng = np.random.default_rng(0)
    theta = {d: DEFAULT_THETA for d in DIMENSIONS}
    ids = [f"p{i:06d}-r0" for i in range(runs)]
    t0 = time.perf_counter()
    writer = StoreWriter.open(path, kind="ensemble", request={"synthetic": runs},
                              root_seed=1, goal_thresholds=theta, record=record, run_ids=ids)
    values = template["value"].to_numpy()
    for i, rid in enumerate(ids):
        table = template.assign(value=values * (1 + 0.01 * rng.standard_normal(len(values))))
        writer.write_run({"run_id": rid, "scenario": "baseline", "scenario_hash": "synthetic",
                          "parameter_vintage": "CN2019", "resolution": "small",
                          "replicate": 0, "seed": i, "inputs_json": "{}", "status": "ok",
                          "error": None, "wall_s": 0.0}, table)
    writer.consolidate()
    return time.perf_counter() - t0


def peak_rss(kind: str, store: Path, out: Path) -> tuple[float, float]:
    code = (f"DIR, OUT = {str(store)!r}, {str(out)!r}\nimport time; t0 = time.perf_counter()\n"
            + CHILD[kind] + "hwm = [ln for ln in open('/proc/self/status') "
            "if ln.startswith('VmHWM')][0].split()[1]\n"
            "print(hwm, time.perf_counter() - t0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"{kind} failed: {done.stderr[-2000:]}")
    kb, seconds = done.stdout.split()
    return int(kb) / 2**20, float(seconds)  # VmHWM (kB): ru_maxrss would keep the parent's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the store here and keep it")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["overhead", "open", "summarise", "report"])
    args = parser.parse_args()
    _line(machine=f"{platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}", load=os.getloadavg()[0])
    if "overhead" not in args.skip:
        batch_overhead(args.repeats)
    root = Path(tempfile.mkdtemp(prefix="westdev-bench-store-"))
    store = args.keep or root / "store"
    try:
        seconds = build_store(store, args.runs)
        size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
        _line(figure="bytes_per_run", runs=args.runs, store_mb=round(size / 2**20, 1),
              kb_per_run=round(size / args.runs / 1024, 2), build_s=round(seconds, 1),
              target="<= 60 KB")
        for kind in ("open", "summarise", "report"):
            if kind not in args.skip:
                gb, secs = peak_rss(kind, store, root / "report")
                _line(figure=kind, runs=args.runs, peak_rss_gb=round(gb, 3),
                      seconds=round(secs, 1), target="<= 2 GB at 10^5 runs")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
