"""Wall time of one run per named resolution (baseline, 2019→2035, one replicate).

Prints one JSON object per line: resolution, worker and firm agents at the start, seconds
(median of `--repeats` runs, model construction included) and the machine. Run:

    python bench/run_times.py [--repeats 3] [--resolutions small default large]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

from westdev.economy.simulate import build_model
from westdev.inputs.resolution import RESOLUTIONS
from westdev.inputs.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--resolutions", nargs="+", default=list(RESOLUTIONS),
                        choices=list(RESOLUTIONS))
    args = parser.parse_args()
    scenario = load_scenario("baseline")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    for name in args.resolutions:
        times = []
        for rep in range(args.repeats):
            t0 = time.perf_counter()
            model = build_model(scenario, seed=rep, resolution=name)
            built = time.perf_counter()
            model.run()
            times.append((time.perf_counter() - t0, built - t0))
        total = statistics.median(t for t, _ in times)
        init = statistics.median(b for _, b in times)
        res = RESOLUTIONS[name]
        print(json.dumps({"resolution": name, "workers": res.workers, "firms": res.firms,
                          "years": f"{scenario.run.start_year}-{scenario.run.end_year}",
                          "seconds": round(total, 3), "of_which_setup_s": round(init, 3),
                          "machine": machine}), flush=True)


if __name__ == "__main__":
    main()
