"""Committed notebooks are clean (no outputs, so never stale), open with a kernel every
install has, read the DIPSIM_SCALE switch, and are run by the default test command. Every
notebook dipsim ships (``notebooks/`` and the app pages) is flagged for the pre-save hook that
keeps it clean even after JupyterLab's autosave (dipsim/apps/save_hook.py)."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
APP_PAGES = sorted((ROOT / "dipsim" / "apps" / "notebooks").glob("*.ipynb"))
SHIPPED = NOTEBOOKS + APP_PAGES
EXPECTED = ["01_quickstart", "02_capacity_planning", "03_policy_comparison", "04_joint_training",
            "05_validation"]


def test_every_notebook_is_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
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


def test_the_app_pages_hold_almost_no_code():
    assert [p.stem for p in APP_PAGES] == ["planner", "trainer"]
    for path in APP_PAGES:
        nb = nbformat.read(path, as_version=4)
        code = [line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines() if line.strip()]
        assert len(code) <= 2 and code[0].startswith("from dipsim.apps import"), (path.name, code)
        assert nb.metadata["kernelspec"]["name"] == "python3"


def test_notebook_04_shows_its_controls_before_any_long_code():
    nb = nbformat.read(ROOT / "notebooks" / "04_joint_training.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "TrainerApp(" in code[1] and len(code[1].splitlines()) <= 4
    assert "class " not in "".join(code) and "widgets." not in "".join(code)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_notebooks_are_flagged_for_the_save_hook(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["dipsim"]["save_without_outputs"] is True


def _with_outputs(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "a result\n"}]
    cell["execution_count"] = 7
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_the_save_hook_strips_flagged_notebooks_and_leaves_others_alone(tmp_path):
    """Through the Jupyter server's own contents manager, configured by the file dipsim installs."""
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config import Config

    config = json.loads((ROOT / "dipsim" / "apps" / "jupyter-config" / "dipsim.json").read_text())
    cm = FileContentsManager(root_dir=str(tmp_path), config=Config(config))
    flagged = _with_outputs(NOTEBOOKS[3])
    mine = copy.deepcopy(flagged)
    del mine["metadata"]["dipsim"]
    cm.save({"type": "notebook", "format": "json", "content": flagged}, "flagged.ipynb")
    cm.save({"type": "notebook", "format": "json", "content": mine}, "mine.ipynb")
    saved = json.loads((tmp_path / "flagged.ipynb").read_text())
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in saved["cells"]
               if c["cell_type"] == "code")
    assert "widgets" not in saved["metadata"] and saved["cells"][1]["source"] == flagged["cells"][1]["source"]
    kept = json.loads((tmp_path / "mine.ipynb").read_text())   # a user's own notebook: untouched
    assert "".join(next(c for c in kept["cells"] if c["cell_type"] == "code")["outputs"][0]["text"]) == "a result\n"


def test_the_save_hook_is_installed_with_dipsim():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert data_files["etc/jupyter/jupyter_server_config.d"] == ["dipsim/apps/jupyter-config/dipsim.json"]
