"""Small sizes for the README snippets (tests/docs/test_readme_snippets.py).

Loaded by every Python process the snippets start (the `westdev` command, `python script.py`
and their worker processes) because the test puts this folder on PYTHONPATH. With
``WESTDEV_SNIPPET_SMALL=1`` it wraps the two loaders every command goes through, so the
snippets run exactly as printed but small: scenarios at the small resolution; experiments at
the small resolution with 1–2 replicates and a few draws, trajectories or base samples. Years
are kept (the snippets ask for 2035). Nothing else changes.
"""

from __future__ import annotations

import os

if os.environ.get("WESTDEV_SNIPPET_SMALL") == "1":
    import tomllib

    import westdev.inputs.scenario as _scenario

    _load_scenario = _scenario.load_scenario

    def _small_scenario(path_or_name):
        s = _load_scenario(path_or_name)
        return s.with_overrides(run={"resolution": "small", "replicates": 1})

    _scenario.load_scenario = _small_scenario

    import westdev.experiments.spec as _spec  # imports load_scenario: after the patch

    def _small_experiment(path):
        where = _spec._locate_experiment(path)
        raw = tomllib.loads(where.read_text(encoding="utf-8"))
        run = raw.setdefault("run", {})
        run["resolution"] = "small"
        run["replicates"] = min(int(run.get("replicates", 1)), 2)
        if "ensemble" in raw:
            raw["ensemble"]["draws"] = min(int(raw["ensemble"].get("draws", 3)), 3)
            run["replicates"] = 1
        sample = raw.get("sample", {})
        if sample.get("method") == "morris":
            sample.pop("n", None)
            sample["trajectories"] = 2
            run["replicates"] = 2  # the noise floor needs two
        elif sample.get("method") == "sobol":
            sample["n"] = 4
        elif sample.get("method") == "lhs":
            sample["n"] = min(int(sample.get("n", 3)), 3)
        return _spec.experiment_from_dict(raw, file=str(where), base_dir=where.parent,
                                          default_name=where.stem)

    _spec.load_experiment = _small_experiment
