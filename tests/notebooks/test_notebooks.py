"""The notebooks run top to bottom in quick mode (WESTDEV_QUICK=1) on this environment's
kernel, call only the public API, and their .ipynb files are the stripped twins of the
jupytext percent-format .py files (notebooks/README.md)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ("00_quickstart", "01_scenarios", "02_sensitivity", "03_calibration", "04_report_figures",
         "05_policy_design")
PUBLIC = {"api", "analysis", "charts", "calibration"}
CELL_TIMEOUT = 300  # seconds; the whole quick run of a notebook takes seconds


def test_every_notebook_is_listed_and_paired():
    py = sorted(p.stem for p in NOTEBOOKS.glob("*.py"))
    ipynb = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert py == ipynb == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_is_the_stripped_twin_of_the_py_file(name):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                f"{name}.ipynb has outputs: strip them (jupytext --sync, or --to ipynb)"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    jupytext = pytest.importorskip("jupytext")
    text = jupytext.read(NOTEBOOKS / f"{name}.py", fmt="py:percent")
    pairs = list(zip([(c.cell_type, c.source) for c in text.cells],
                     [(c.cell_type, c.source) for c in nb.cells], strict=False))
    assert len(text.cells) == len(nb.cells), f"{name}: run `jupytext --sync notebooks/{name}.py`"
    for i, (a, b) in enumerate(pairs):
        assert a == b, f"{name} cell {i} differs: run `jupytext --sync notebooks/{name}.py`"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_uses_only_the_public_api(name):
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    used = set(re.findall(r"(?:from|import)\s+westdev\.(\w+)", source))
    assert used and used <= PUBLIC, f"{name} imports {sorted(used - PUBLIC)}"
    assert "WESTDEV_QUICK" in source


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_in_quick_mode(name, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("WESTDEV_QUICK", "1")
    monkeypatch.setenv("WESTDEV_RESULTS", str(tmp_path / "results"))
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    # first, in the same kernel: which interpreter and which westdev does it use?
    probe = nbformat.v4.new_code_cell(
        "import sys, westdev; print(sys.prefix); print(westdev.__file__)")
    nb.cells.insert(0, probe)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError (with the traceback) on any error
    prefix, module = probe.outputs[0]["text"].split()[:2]
    assert os.path.realpath(prefix) == os.path.realpath(sys.prefix), \
        "the kernel is not this environment's python"
    import westdev

    assert Path(module).resolve() == Path(westdev.__file__).resolve()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.outputs)
    assert images >= 1, "no figure was displayed"
    assert (tmp_path / "results").is_dir()


@pytest.mark.parametrize("name", NAMES)
def test_quick_mode_writes_only_under_its_own_folder(name):
    """Issue 20, 3: `WESTDEV_QUICK=1 python notebooks/02_sensitivity.py` replaced the user's
    340-run results/morris with a 15-run quick store. In quick mode (no WESTDEV_RESULTS) every
    store goes under results/quick/, and only quick stores are ever overwritten."""
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    match = re.search(r"^OUT = (.+?)(?=\n\S)", source, flags=re.S | re.M)
    assert match, f"{name}: no OUT = ... line"
    env = {"os": os, "Path": Path}
    for quick in (True, False):
        out = eval(match.group(1), {**env, "QUICK": quick})  # noqa: S307 (our own notebook)
        parts = Path(out).parts
        assert (parts[:2] == ("results", "quick")) == quick, (name, quick, out)
    assert "overwrite=True" not in source
