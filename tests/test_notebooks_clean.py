"""Committed notebooks are clean (no outputs, so never stale), open with a kernel every
install has, read the DIPSIM_SCALE switch, and are run by the default test command."""

from __future__ import annotations

import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_quickstart", "02_capacity_planning", "03_policy_comparison", "04_joint_training",
            "05_validation"]


def test_every_notebook_is_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} have outputs or execution counts; clear them "
                       f"(Edit > Clear Outputs of All Cells, or `jupyter nbconvert --clear-output --inplace`)")
    assert not any(c.get("attachments") for c in nb.cells), f"{path.name}: cell attachments"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state in the metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_kernel_and_scale_switch(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first_code = next(c.source for c in nb.cells if c.cell_type == "code")
    assert 'os.environ.get("DIPSIM_SCALE", "full")' in first_code


def test_default_test_command_runs_the_notebooks_at_small_scale():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in cfg["testpaths"] and "tests" in cfg["testpaths"]
    assert "--nbval" in cfg["addopts"]
    conftest = (ROOT / "notebooks" / "conftest.py").read_text()
    assert 'os.environ.setdefault("DIPSIM_SCALE", "small")' in conftest
