"""Notebook-safe batches: a notebook runs a 2-run batch on local processes without hanging
(the spawn start method re-imports worker functions, which live in the package)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).with_name("tiny_batch.ipynb")


def test_notebook_runs_a_process_batch(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "ResultsStore(" in text and "kind='run', runs=2" in text
