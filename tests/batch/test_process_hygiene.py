"""No worker outlives its batch: `kill -9` of the parent, or `kill -TERM` of a batch, leaves no
process behind, and the batch resumes afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from westdev.experiments.store import PARTS, read_runs

psutil = pytest.importorskip("psutil")
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

HERE = Path(__file__).resolve().parent
SCRIPT = """
import sys
import westdev.api as wd

SPEC = {"experiment": {"name": "orphans", "scenario": "baseline"},
        "run": {"end_year": 2021, "resolution": "small", "replicates": 10, "root_seed": 3},
        "grid": {"levers.fiscal.cit_rate_encouraged_west": [0.15, 0.2, 0.25]}}

if __name__ == "__main__":
    wd.sweep(SPEC, out=sys.argv[1], backend="processes", workers=2, progress=False,
             simulate="batch_fakes:slow")
"""


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "WESTDEV_TEST_SLEEP": "0.4",
           "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp_path, start_new_session=True)


def _workers_once_running(proc: subprocess.Popen, out: Path) -> list:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the batch ended early: {proc.stderr.read().decode()[-2000:]}")
        children = psutil.Process(proc.pid).children(recursive=True)
        if (out / PARTS).is_dir() and list((out / PARTS).glob("*.run.arrow")) and \
                len(children) >= 2:
            return children
        time.sleep(0.05)
    pytest.fail("the workers never started")


def _gone(procs: list, within: float) -> list:
    deadline = time.monotonic() + within
    alive = procs
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.1)
    return alive


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    script = tmp_path / "batch.py"
    script.write_text(SCRIPT)
    out = tmp_path / "store"
    proc = _start([sys.executable, str(script), str(out)], tmp_path)
    try:
        workers = _workers_once_running(proc, out)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
        proc.communicate(timeout=30)
        alive = _gone(workers, within=10)
        assert not alive, f"workers left behind: {[p.pid for p in alive]}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    done = read_runs(out)
    assert 1 <= (done["status"] == "ok").sum() < 30  # what finished is kept, to resume


def test_sigterm_of_a_batch_stops_its_workers(tmp_path):
    exp = tmp_path / "grid.toml"
    values = ", ".join(f"{0.15 + i * 0.002:.3f}" for i in range(40))
    exp.write_text('[experiment]\nscenario = "baseline"\n[run]\nend_year = 2021\n'
                   f'resolution = "small"\n[grid]\n"levers.fiscal.cit_rate_encouraged_west" = '
                   f'[{values}]\n')
    out = tmp_path / "store"
    proc = _start([sys.executable, "-m", "westdev", "sweep", str(exp), "--out", str(out),
                   "--workers", "2", "--quiet"], tmp_path)
    try:
        workers = _workers_once_running(proc, out)
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 143, err.decode()[-2000:]
        assert "terminated; finished runs are kept" in err.decode()
        assert "Traceback" not in err.decode()
        alive = _gone(workers, within=10)
        assert not alive, f"workers left behind: {[p.pid for p in alive]}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    kept = read_runs(out)
    assert 1 <= (kept["status"] == "ok").sum() < 40
