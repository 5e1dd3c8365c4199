"""Time a large uncertainty ensemble at the small resolution (issue 21's target: 10^4 runs on
2 cores in at most 10 minutes).

Runs the shipped `ensemble_baseline` design (fitted and behavioural parameters drawn,
exogenous paths scaled, 2 replicate seeds a draw) with as many draws as `--runs` needs, on the
processes backend, into a fresh temporary store, and prints one JSON object: runs, runs that
finished, wall seconds (worker start-up, the runs, writing and consolidating the store
included), runs per second, CPU seconds of the parent and of the worker processes, the 1-minute
load average before (other work on the machine skews the figures), the target and whether it
was met. With `--runs` below 10^4 it also prints the time 10^4 runs would take at the measured
rate. Run:

    python bench/ensemble_scale.py [--runs 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
import tomllib

import westdev.api as wd
from westdev.bench import machine
from westdev.inputs.files import locate_shipped

TARGET_RUNS, TARGET_SECONDS = 10_000, 600.0


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=TARGET_RUNS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    path = locate_shipped("ensemble_baseline", "experiments", "experiment")
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    replicates = int(spec["run"]["replicates"])
    spec["ensemble"]["draws"] = max(1, args.runs // replicates)
    spec["experiment"]["name"] = f"ensemble_scale_{args.runs}"
    runs = spec["ensemble"]["draws"] * replicates
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="westdev-ensemble-scale-") as tmp:
        parent0, children0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        store = wd.sweep(spec, out=f"{tmp}/store", backend="processes", workers=args.workers,
                         progress=False)
        wall = time.perf_counter() - start
        parent = _cpu(resource.RUSAGE_SELF) - parent0
        children = _cpu(resource.RUSAGE_CHILDREN) - children0
        ok = int((store.runs["status"] == "ok").sum())
        disk = sum(f.stat().st_size for f in (store.path).rglob("*") if f.is_file())
    rate = runs / wall
    record = {"runs": runs, "ok": ok, "resolution": "small", "workers": args.workers,
              "wall_s": round(wall, 1), "runs_per_s": round(rate, 2),
              "parent_cpu_s": round(parent, 1), "workers_cpu_s": round(children, 1),
              "store_mb": round(disk / 1e6, 1), "load_before": round(load, 2),
              "target": f"{TARGET_RUNS} runs in <= {TARGET_SECONDS:.0f} s"}
    if runs >= TARGET_RUNS:
        record["met"] = wall <= TARGET_SECONDS
    else:
        record["projected_10k_s"] = round(TARGET_RUNS / rate, 1)
    record["machine"] = machine()
    print(json.dumps(record), flush=True)


if __name__ == "__main__":  # the spawn start method re-imports this module in each worker
    main()
