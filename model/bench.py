"""Benchmarks that print their figures: `westdev bench` (and `python bench/bench.py`).

One JSON object per line for each configuration — worker and firm agents, simulated years,
seconds (median over repeats; model construction included), agent-steps per second and the
peak resident memory of the process that ran it. Each configuration runs in a fresh Python
process, so its memory peak is its own.

With `--compare-mesa`, two more lines:

- Mesa's own BoltzmannWealth example (10^4 agents × 100 steps), timed the same way, and the
  ratio of the largest westdev configuration's agent-steps per second to it — kept as a known
  reference point, though not a peer (it is not westdev's work);
- the fair peer (`time_mesa_peer`): westdev's worker rules written as a Mesa user would write
  them, one `mesa.Agent` per worker (`westdev.bench_mesa_peer`), at 10^4 workers over the same
  years, in the environment recorded from a westdev run of the same scenario. Westdev's side is
  the whole model — firms, government and every rule, at 10^4 workers and 10^3 firms — against
  the peer's worker rules only, which is conservative for westdev; both sides include their
  construction. The line also gives the like-for-like ratio: the peer's time over the time
  westdev spends, within the same timed runs, in the rules the peer implements (`WORKER_RULES`:
  demography, job flows and their census, households; not the wage rule and firms' labour
  demand, which the peer is given). Timed in one fresh process, interleaved
  (westdev, peer, westdev, peer …) after one warm-up each, median of 5; the line gives both
  medians, the ratio of westdev's worker-steps per second to the peer's over the same
  worker-years, and the check that both give the same regional aggregates within seed noise.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from westdev.errors import InputError
from westdev.inputs.resolution import RESOLUTIONS, Resolution
from westdev.inputs.scenario import load_scenario

CONFIGS = {"10^4": (10_000, 1_000), "10^5": (100_000, 10_000), "10^6": (1_000_000, 100_000)}


def machine() -> str:
    """A one-line description of this machine."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_westdev(workers: int, firms: int, repeats: int) -> dict:
    """Time the baseline 2019→2035 at the given agent counts (in this process)."""
    # the model (Mesa and the economy) is imported only in the process that times it
    from westdev.economy.simulate import build_model, release

    RESOLUTIONS["_bench"] = Resolution("_bench", workers=workers, firms=firms)
    scenario = load_scenario("baseline")
    years = scenario.run.end_year - scenario.run.start_year + 1
    totals, steps = [], []
    for rep in range(repeats):
        t0 = time.perf_counter()
        model = build_model(scenario, seed=rep, resolution="_bench")
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        steps.append(t2 - t1)
        release(model)  # as simulate() does: the next repeat starts from the same memory
        del model
    seconds = statistics.median(totals)
    step_seconds = statistics.median(steps)
    # agent-steps: (workers + firms) × simulated years, over the whole run (setup included:
    # building the initial state and calibrating the start year is part of every run)
    return {"workers": workers, "firms": firms, "years": years, "seconds": round(seconds, 3),
            "agent_steps_per_s": round((workers + firms) * years / seconds),
            "step_seconds": round(step_seconds, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1), "machine": machine()}


def time_mesa_boltzmann(agents: int, steps: int, repeats: int) -> dict:
    """Time Mesa's BoltzmannWealth example (grid and DataCollector, as shipped)."""
    try:
        from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth
    except ImportError as exc:  # mesa.examples imports networkx
        raise InputError(f"Mesa's examples cannot be imported ({exc})", field="--compare-mesa",
                         allowed="install the bench extra: pip install 'westdev[bench]'") from None
    side = int(round(agents ** 0.5))
    times = []
    for rep in range(repeats):
        t0 = time.perf_counter()
        model = BoltzmannWealth(n=agents, width=side, height=side, seed=rep)
        for _ in range(steps):
            model.step()
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    return {"mesa_agents": agents, "mesa_steps": steps, "seconds": round(seconds, 3),
            "mesa_boltzmann_agent_steps_per_s": round(agents * steps / seconds)}


def _peer_years(years: int | None) -> int:
    """The years westdev and its Mesa peer step: all of the baseline's unless fewer asked."""
    scenario = load_scenario("baseline")
    stepped = scenario.run.end_year - scenario.run.start_year
    if years is None:
        return stepped
    if not 1 <= years <= stepped:
        raise InputError(f"{years} years to compare", field="--mesa-years",
                         allowed=f"1 to {stepped} (the baseline's stepped years)")
    return years


def time_mesa_peer(years: int | None = None, repeats: int = 5, workers: int = 10_000,
                   firms: int = 1_000, noise_seeds: int = 6) -> dict:
    """Time westdev beside its Mesa peer (`westdev.bench_mesa_peer`) in this process.

    The warm-up of westdev is the run (seed 0) whose environment the peer faces; the peer's
    warm-up runs in it with seed 0. Then `repeats` rounds, each timing westdev (seed r) and the
    peer (seed r), r = 1 … repeats. Westdev's regional aggregates over its seeds (topped up
    with untimed runs to `noise_seeds`) give the noise the peer's aggregates are judged
    against (`bench_mesa_peer.compare`)."""
    from westdev import bench_mesa_peer as peer_rules
    from westdev.economy.simulate import build_model, release

    worker_rule_seconds: list[float] = []  # one entry per timed call of a worker rule

    RESOLUTIONS["_bench"] = Resolution("_bench", workers=workers, firms=firms)
    scenario = load_scenario("baseline")
    years = _peer_years(years)

    def timed_run(make, aggregates, during=nullcontext) -> tuple[float, dict]:
        """Seconds to build a model and step it `years` times (construction included), and
        its regional aggregates."""
        t0 = time.perf_counter()
        model = make()
        with during():
            for _ in range(years):
                model.step()
        seconds = time.perf_counter() - t0
        result = aggregates(model)
        release(model)
        return seconds, result

    def westdev_run(seed: int) -> tuple[float, dict]:
        return timed_run(lambda: build_model(scenario, seed=seed, resolution="_bench"),
                         peer_rules.regional_aggregates,
                         lambda: _timed(WORKER_RULES, worker_rule_seconds))

    def peer_run(seed: int) -> tuple[float, dict]:
        return timed_run(lambda: peer_rules.WorkerPeer(env, seed=seed), peer_rules.peer_aggregates)

    reference_model = build_model(scenario, seed=0, resolution="_bench")
    env = peer_rules.record_environment(reference_model, years)
    reference = peer_rules.regional_aggregates(reference_model)
    release(reference_model)
    del reference_model
    peer_aggregates = [peer_run(0)[1]]
    westdev_aggregates = [reference]
    westdev_times, peer_times = [], []
    rule_times = []
    for rep in range(1, repeats + 1):
        worker_rule_seconds.clear()
        seconds, aggregates = westdev_run(rep)
        rule_times.append(sum(worker_rule_seconds))
        westdev_times.append(seconds)
        westdev_aggregates.append(aggregates)
        seconds, aggregates = peer_run(rep)
        peer_times.append(seconds)
        peer_aggregates.append(aggregates)
    for seed in range(repeats + 1, noise_seeds):  # untimed: only for the noise
        westdev_aggregates.append(westdev_run(seed)[1])
    check = peer_rules.compare(peer_aggregates, reference, westdev_aggregates)
    westdev_seconds = round(statistics.median(westdev_times), 3)
    peer_seconds = round(statistics.median(peer_times), 3)
    worker_years = env.workers * years
    westdev_speed = worker_years / westdev_seconds
    peer_speed = worker_years / peer_seconds
    rules_seconds = round(statistics.median(rule_times), 4)
    return {"peer": "westdev worker rules as Mesa agents (westdev.bench_mesa_peer)",
            "workers": env.workers, "firms": firms, "years": years,
            "worker_years": worker_years, "repeats": repeats,
            "westdev_seconds": westdev_seconds, "peer_seconds": peer_seconds,
            "westdev_worker_steps_per_s": round(westdev_speed),
            "peer_worker_steps_per_s": round(peer_speed),
            "ratio": round(westdev_speed / peer_speed, 1),
            "westdev_side": "whole model (all rules, firms included), construction included",
            # like for like: the time westdev spends in the rules the peer implements, within
            # the same timed runs (its construction and the economy around them excluded)
            "westdev_worker_rules_seconds": rules_seconds,
            "ratio_worker_rules": round(peer_seconds / rules_seconds, 1),
            "westdev_worker_rules": ", ".join(f"{module}.{name}" for module, name in WORKER_RULES),
            "peer_side": "worker rules only, construction included",
            "aggregates_passed": check["passed"], "aggregates": check["aggregates"],
            "tolerance_sigmas": check["sigmas"], "westdev_seeds": check["westdev_seeds"],
            "peer_runs": check["peer_runs"], "machine": machine()}


# westdev's functions for the rules the Mesa peer implements, where they are called: the year's
# demography, the labour market's job flows and the census kept by them (not the wage rule and
# firms' labour demand, which the peer takes as given), households' migration, hukou and skills
WORKER_RULES = (("westdev.economy.model", "demography"),
                ("westdev.economy.agents.workers", "job_flows"),
                ("westdev.economy.agents.workers", "recount_jobs"),
                ("westdev.economy.model", "households"))


@contextmanager
def _timed(functions: tuple[tuple[str, str], ...], seconds: list[float]) -> Iterator[None]:
    """While open, the (module, name) `functions` add their wall time to `seconds`."""
    import importlib

    modules = [(importlib.import_module(module), name) for module, name in functions]
    originals = {(module, name): getattr(module, name) for module, name in modules}

    def timing(function):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds.append(time.perf_counter() - t0)
        return timed

    try:
        for (module, name), function in originals.items():
            setattr(module, name, timing(function))
        yield
    finally:
        for (module, name), function in originals.items():
            setattr(module, name, function)


def _in_child(kind: str, args: dict) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON line."""
    code = ("import json, sys; from westdev import bench; "
            f"print(json.dumps(bench.{kind}(**json.loads(sys.argv[1]))))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        lines = (out.stderr or "").strip().splitlines()
        if out.returncode == 2 or (lines and "InputError" in lines[-1]):
            raise InputError(lines[-1] if lines else "benchmark failed", field="--compare-mesa")
        raise RuntimeError(f"benchmark child failed: {lines[-1] if lines else out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(configs: list[str], repeats: int = 3, compare_mesa: bool = False,
        mesa_agents: int = 10_000, mesa_steps: int = 100, mesa_years: int | None = None,
        mesa_repeats: int = 5, echo=print) -> list[dict]:
    """Run the benchmark, printing (via `echo`) and returning one record per line."""
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise InputError(f"unknown configuration {unknown[0]!r}", field="--configs",
                         allowed=", ".join(CONFIGS))
    if compare_mesa:
        mesa_years = _peer_years(mesa_years)
    records = []
    for name in configs:
        workers, firms = CONFIGS[name]
        rec = _in_child("time_westdev", {"workers": workers, "firms": firms, "repeats": repeats})
        records.append(rec)
        echo(json.dumps(rec))
    if compare_mesa:
        mesa = _in_child("time_mesa_boltzmann",
                         {"agents": mesa_agents, "steps": mesa_steps, "repeats": repeats})
        largest = max(records, key=lambda r: r["workers"])
        line = {"mesa_boltzmann_agent_steps_per_s": mesa["mesa_boltzmann_agent_steps_per_s"],
                "ratio": round(largest["agent_steps_per_s"] / mesa["mesa_boltzmann_agent_steps_per_s"], 1),
                "westdev_workers": largest["workers"], "mesa_agents": mesa_agents,
                "mesa_steps": mesa_steps, "mesa_seconds": mesa["seconds"]}
        records.append(line)
        echo(json.dumps(line))
        peer = _in_child("time_mesa_peer", {"years": mesa_years, "repeats": mesa_repeats})
        records.append(peer)
        echo(json.dumps(peer))
    return records
