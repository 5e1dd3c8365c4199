"""The 2035 West/East ratios of the baseline and the guideline at one code vintage, for the
changelog of the headline (docs/ODD.md §10, "Changelog of the 2035 ratios").

Runs each scenario at the small resolution with seeds 1000 … 1000+R−1 and prints one JSON
object: the mean and standard error over the seeds of each ratio in 2035. To run it against
an older commit, lay that commit's package out as `westdev` and put it first on the path:

    git worktree add --detach /tmp/v COMMIT
    mkdir -p /tmp/pkg && cp -r /tmp/v/model /tmp/pkg/westdev
    ln -s /tmp/v/scenarios /tmp/pkg/westdev/scenarios
    ln -s /tmp/v/calibration /tmp/pkg/westdev/calibration
    PYTHONPATH=/tmp/pkg python docs/tools/vintage_ratios.py 8 COMMIT

(before the core redesign of issue 17 the run function lived in `westdev.simulate` and the
scenario loader in `westdev.scenario`; both layouts are found).
"""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np

RATIOS = ["west_east_ratio_income", "west_east_ratio_public_services",
          "west_east_ratio_infrastructure", "west_east_ratio_gdp_per_capita"]


def main() -> None:
    try:
        from westdev.economy.simulate import simulate
        from westdev.inputs.scenario import load_scenario
    except ImportError:  # the layout before issue 17
        from westdev.scenario import load_scenario
        from westdev.simulate import simulate
    warnings.filterwarnings("ignore")
    replicates, label = int(sys.argv[1]), sys.argv[2]
    out: dict = {"vintage": label}
    for name in ("baseline", "guideline"):
        scenario = load_scenario(name)
        values: dict[str, list[float]] = {k: [] for k in RATIOS}
        for seed in range(1000, 1000 + replicates):
            frame = simulate(scenario, seed=seed, resolution="small")
            frame = frame[(frame.year == 2035) & (frame.area == "West")]
            for key in RATIOS:
                row = frame[frame.indicator == key]
                values[key].append(float(row.value.iloc[0]) if len(row) else float("nan"))
        out[name] = {k: [round(float(np.mean(v)), 4),
                         round(float(np.std(v, ddof=1) / np.sqrt(len(v))), 4)]
                     for k, v in values.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
