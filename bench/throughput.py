"""Batch throughput of the runner: runs per second with 1 and 2 worker processes.

Runs the baseline (2019→2035, default resolution unless --resolution) `--runs` times (as
replicates, so every run is a full model run with its own seed) on the processes backend with
1 and then 2 workers, each into a fresh temporary store, and prints one JSON object per line:
workers, runs, wall seconds (process start-up, runs, writing and consolidating the store
included), runs per second and the 1-minute load average before (other work on the machine
skews the figures); then the speed-up of 2 workers over 1. Run:

    python bench/throughput.py [--runs 64] [--resolution default] [--workers 1 2]

Each worker process pays a fixed start-up (about a second here: imports, of which Mesa 0.4 s,
and the packaged data) and the store is consolidated once at the end, so the speed-up grows
with the batch: measured here 1.4× for 8 runs, 1.6–1.75× for 32, 1.83–1.87× for 64 and 1.84×
for 128 (batches of sensitivity analysis and calibration have hundreds to thousands of runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time

import westdev.api as wd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--resolution", default="default", choices=("small", "default", "large"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--backend", default="processes", choices=("processes", "dask"))
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rates = {}
    for workers in args.workers:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        with tempfile.TemporaryDirectory(prefix="westdev-bench-") as tmp:
            start = time.perf_counter()
            store = wd.run("baseline", replicates=args.runs, resolution=args.resolution,
                           out=f"{tmp}/store", backend=args.backend, workers=workers,
                           progress=False)
            wall = time.perf_counter() - start
            ok = int((store.runs["status"] == "ok").sum())
        rates[workers] = args.runs / wall
        print(json.dumps({"backend": args.backend, "workers": workers, "runs": args.runs,
                          "ok": ok, "resolution": args.resolution, "years": "2019-2035",
                          "wall_s": round(wall, 2), "runs_per_s": round(rates[workers], 3),
                          "load_before": load, "machine": machine}), flush=True)
    if len(rates) > 1:
        lo, hi = min(rates), max(rates)
        print(json.dumps({"speedup": round(rates[hi] / rates[lo], 3),
                          "of_workers": hi, "over_workers": lo}), flush=True)


if __name__ == "__main__":  # the spawn start method re-imports this module in each worker
    main()
