"""A batch killed with SIGKILL part-way resumes with the same command and redoes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import westdev.api as wd
from westdev.experiments.store import PARTS, ResultsStore, read_runs

HERE = Path(__file__).resolve().parent
SCRIPT = """
import sys
import westdev.api as wd

SPEC = {spec!r}

if __name__ == "__main__":
    wd.sweep(SPEC, out=sys.argv[1], backend="processes", workers=2, progress=False,
             simulate="batch_fakes:slow")
"""
SPEC = {"experiment": {"name": "killme", "scenario": "baseline"},
        "run": {"end_year": 2022, "resolution": "small", "replicates": 4, "root_seed": 3},
        "grid": {"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.2, 0.25]}}
N_RUNS = 12


def _launch(script: Path, out: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "WESTDEV_TEST_CALL_LOG": str(log), "WESTDEV_TEST_SLEEP": "0.25",
           "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
    return subprocess.Popen([sys.executable, str(script), str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own process group: killed whole


def _calls(log: Path) -> list[int]:
    return [int(x) for x in log.read_text().split()] if log.exists() else []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_then_resume_redoes_no_finished_run(tmp_path, monkeypatch):
    script = tmp_path / "batch.py"
    script.write_text(SCRIPT.format(spec=SPEC))
    out, log = tmp_path / "store", tmp_path / "calls.log"

    proc = _launch(script, out, log)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if (out / PARTS).is_dir() and len(list((out / PARTS).glob("*.run.arrow"))) >= 3:
                break
            if proc.poll() is not None:
                pytest.fail(f"the batch ended before it could be killed: "
                            f"{proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.01)
        else:
            pytest.fail("no run part appeared within 60 s")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, at once
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    before = read_runs(out)
    assert not (out / "results").exists()  # never compacted
    finished = before[before["status"] == "ok"]
    assert 3 <= len(finished) < N_RUNS
    wall_before = dict(zip(finished["run_id"], finished["wall_s"], strict=True))
    calls_before = len(_calls(log))

    proc = _launch(script, out, log)  # the same command resumes
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()[-2000:]

    store = ResultsStore(out)
    runs = store.runs
    assert len(runs) == N_RUNS and set(runs["status"]) == {"ok"}
    assert not (out / PARTS).exists()
    # runs finished before the kill were kept as they were, not run again
    kept = runs.set_index("run_id").loc[list(wall_before), "wall_s"]
    assert kept.to_dict() == wall_before
    new_calls = _calls(log)[calls_before:]
    assert len(new_calls) == N_RUNS - len(finished)
    assert not set(new_calls) & set(finished["seed"])

    # and the tables equal those of an uninterrupted batch
    monkeypatch.setenv("WESTDEV_TEST_SLEEP", "0")
    monkeypatch.delenv("WESTDEV_TEST_CALL_LOG", raising=False)
    ref = wd.sweep(SPEC, out=tmp_path / "ref", backend="serial", progress=False,
                   simulate="batch_fakes:slow")
    pd.testing.assert_frame_equal(store.results, ref.results)
    cols = ["run_id", "seed", "scenario_hash", "inputs_json", "status"]
    pd.testing.assert_frame_equal(store.runs[cols], ref.runs[cols])
