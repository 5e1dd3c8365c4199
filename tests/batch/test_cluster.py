"""The cluster as a tested path (issue 21): a real `dask scheduler` and two `dask worker`
processes on 127.0.0.1, reached with ``westdev sweep --backend dask --scheduler``. Workers run
in a directory of their own and return each run's rows to the client, which alone writes the
store: no shared filesystem is needed. The table equals the serial backend's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from westdev.cli import main
from westdev.experiments.store import results_digest

pytest.importorskip("distributed")
DASK = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
SPEC = """
[experiment]
name = "cluster"
scenario = "baseline"
[run]
end_year = 2021
resolution = "small"
replicates = 2
root_seed = 13
[grid]
"levers.fiscal.cit_rate_encouraged_west" = [0.15, 0.25]
"""


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers, each its own process group."""
    if not Path(DASK).exists():
        pytest.skip("the dask command line is not installed")
    info = tmp_path / "scheduler.json"
    workdir = tmp_path / "workers"
    workdir.mkdir()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(info)],
                              cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert info.exists(), "the scheduler did not start"
        for _ in range(2):
            procs.append(subprocess.Popen(
                [DASK, "worker", "--scheduler-file", str(info), "--nthreads", "1",
                 "--nworkers", "1", "--no-dashboard", "--local-directory", str(workdir)],
                cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
        address = json.loads(info.read_text())["address"]
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workdir
    finally:
        for p in reversed(procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def test_sweep_on_a_real_cluster_equals_serial(tmp_path, cluster, capsys):
    address, workdir = cluster
    spec = tmp_path / "cluster.toml"
    spec.write_text(SPEC)
    serial, remote = tmp_path / "serial", tmp_path / "remote"
    assert main(["sweep", str(spec), "--out", str(serial), "--backend", "serial",
                 "--quiet"]) == 0
    assert main(["sweep", str(spec), "--out", str(remote), "--backend", "dask",
                 "--scheduler", address, "--quiet"]) == 0
    assert "4 of 4 runs ok" in capsys.readouterr().out
    assert results_digest(serial) == results_digest(remote)
    manifest = json.loads((remote / "manifest.json").read_text())
    assert manifest["scheduler"] == address
    # the workers wrote nothing of the store: its rows came back to the client
    assert not list(workdir.rglob("*.arrow")) and not list(workdir.rglob("*.parquet"))
