"""Every snippet of README.md and scenarios/README.md runs, exactly as printed (issue 20, 2).

The fenced ``bash`` and ``python`` blocks of each file run in order in one temporary folder
(so a snippet that needs a store made by an earlier one finds it; scenarios/README.md runs
after README.md, in the same folder). Python blocks run as scripts (``python snippet.py``):
a batch in a plain script must work — the README shows the ``__main__`` guard, and a script
without it stops at once with one line that says what to add (tested below).

Sizes are small through ``WESTDEV_SNIPPET_SMALL=1`` (``shim/sitecustomize.py``: small
resolution, few replicates, draws and trajectories; the years are kept). Three things are not
what the reader's machine does, and are said here: ``python3 -m venv .venv`` makes a ``.venv``
whose ``westdev`` and ``python`` are this test environment's; its ``pip install`` does nothing
(the package is installed already; CI runs the real command); its ``pytest`` does nothing (the
suite cannot run itself). ``westdev explore`` serves a page until stopped: it runs until it
prints its address, then is stopped. Fenced ``toml`` blocks are written to a file when they are
a whole scenario (``[meta] name``), so that ``westdev validate my_mix.toml`` has its file,
beside a copy of the shipped ``scenarios/paths/`` that the example's CSV path names.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIM = Path(__file__).resolve().parent / "shim"
DOCS = ("README.md", "scenarios/README.md")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
TIMEOUT = 240  # seconds per block


def blocks(doc: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block of `doc`, in order."""
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer((ROOT / doc).read_text("utf-8"))]


def test_every_block_says_its_language():
    """A block without a language is neither run nor skipped knowingly: each is tagged."""
    for doc in DOCS:
        untagged = [code.splitlines()[0] for lang, code in blocks(doc) if not lang]
        assert not untagged, f"{doc}: untagged blocks start with {untagged}"


def fake_bin(tmp: Path) -> Path:
    """A folder first on PATH whose python3 makes a .venv of this environment (see above)."""
    bin_dir = tmp / "_bin"
    bin_dir.mkdir()
    real = Path(sys.executable)
    westdev = real.parent / "westdev"
    (bin_dir / "python3").write_text(textwrap.dedent(f"""\
        #!/bin/sh
        if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
            mkdir -p "$3/bin"
            ln -sf {real} "$3/bin/python"; ln -sf {real} "$3/bin/python3"
            ln -sf {westdev} "$3/bin/westdev"
            printf '#!/bin/sh\\necho "pip: the test environment has westdev installed"\\n' > "$3/bin/pip"
            printf '#!/bin/sh\\necho "pytest: the suite does not run itself"\\n' > "$3/bin/pytest"
            chmod +x "$3/bin/pip" "$3/bin/pytest"
            exit 0
        fi
        exec {real} "$@"
        """))
    (bin_dir / "python3").chmod(0o755)
    os.symlink(bin_dir / "python3", bin_dir / "python")
    os.symlink(westdev, bin_dir / "westdev")
    return bin_dir


def run_block(lang: str, code: str, cwd: Path, env: dict[str, str], i: int) -> None:
    if lang == "python":
        script = cwd / f"snippet_{i}.py"
        script.write_text(code, encoding="utf-8")
        cmd = [sys.executable, script.name]
    else:
        cmd = ["bash", "-euo", "pipefail", "-c", code]
    if "westdev explore" in code:
        _serve_until_address(cmd, cwd, env)
        return
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0, (f"snippet {i} ({lang}) failed:\n{code}\n--- stdout\n"
                                  f"{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}")


def _serve_until_address(cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen, deadline = [], time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            if "westdev explorer: open http://127.0.0.1:8765/" in line:
                return
        pytest.fail("westdev explore printed no address:\n" + "".join(seen[-30:]))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_readme_snippets_run_as_printed(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    env = {**os.environ, "WESTDEV_SNIPPET_SMALL": "1",
           "PYTHONPATH": os.pathsep.join(p for p in [str(SHIM), os.environ.get("PYTHONPATH")]
                                         if p),
           "PATH": os.pathsep.join([str(fake_bin(tmp_path)), os.environ["PATH"]])}
    env.pop("WESTDEV_QUICK", None)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "scenarios" / "paths", work / "paths")  # what my_mix.toml reads
    for doc in DOCS:  # whole scenario files first: a command may name one shown later
        for lang, code in blocks(doc):
            if lang == "toml" and "[meta]" in code:
                name = tomllib.loads(code)["meta"]["name"]
                (work / f"{name}.toml").write_text(code, encoding="utf-8")
    ran = 0
    for doc in DOCS:
        for lang, code in blocks(doc):
            if lang in ("bash", "python"):
                run_block(lang, code, work, env, ran)
                ran += 1
    assert ran >= 8
    assert (work / "results" / "quickstart" / "goal_ratios.png").is_file()


def test_a_batch_in_a_script_without_the_guard_stops_at_once_with_one_line(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text('import westdev.api as wd\n\n'
                      'store = wd.compare(["baseline", "no_policy"], replicates=1, '
                      'resolution="small", out="results/x", progress=False)\n')
    started = time.monotonic()
    done = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and time.monotonic() - started < 60
    assert done.stderr.strip().count("\n") == 0, done.stderr  # one line, no traceback
    assert 'add `if __name__ == "__main__":` above it' in done.stderr
    assert "unguarded.py (line 3)" in done.stderr and not (tmp_path / "results").exists()
