"""docs/levers.md is generated from the catalogue and must be up to date; every lever cites the
guideline and names a mechanism that exists in the code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from westdev.policy.catalogue import LEVERS
from westdev.policy.docs import catalogue_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "levers.md"


def test_levers_md_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/levers.md is out of date: run `westdev levers --markdown > docs/levers.md`")


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_every_lever_is_cited_and_points_to_code_that_exists(name):
    spec = LEVERS[name]
    assert spec.articles and all(1 <= a <= 36 for a in spec.articles)
    module_path, _, attr = spec.code.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except ModuleNotFoundError:  # Class.method form: one level up
        module_path, _, cls = module_path.rpartition(".")
        module = getattr(importlib.import_module(module_path), cls)
    assert hasattr(module, attr), f"{name}: {spec.code} does not exist"
    assert spec.meaning and spec.mechanism and spec.basis


def test_every_lever_is_read_by_the_model():
    """No lever is a parameter nobody reads: each dotted name appears in the model's code."""
    root = Path(__file__).resolve().parents[2] / "model"
    code = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py")
                     if p.name not in ("catalogue.py", "docs.py"))
    missing = [n for n in LEVERS if not re.search(re.escape(f'"{n}"'), code)]
    assert not missing, f"levers never read by the model: {missing}"
