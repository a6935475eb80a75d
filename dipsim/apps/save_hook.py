"""Keep the repository's notebooks free of outputs, even after JupyterLab's autosave.

A Jupyter server pre-save hook: a notebook whose metadata holds
``"dipsim": {"save_without_outputs": true}`` (every notebook dipsim ships: ``notebooks/*`` and
the app pages) is saved without outputs, execution counts or widget state; the open
notebook keeps showing them. Every other notebook is saved untouched.

Installing dipsim (``pip install -e '.[notebooks]'``, or the wheel) puts
``etc/jupyter/jupyter_server_config.d/dipsim.json`` (from ``dipsim/apps/jupyter-config/``) into the
environment, which turns the hook
on for ``jupyter lab`` started from that environment. ``tests/test_notebooks_clean.py`` checks
the committed notebooks too.
"""

from __future__ import annotations

FLAG = "save_without_outputs"


def wants_clean(nb: dict) -> bool:
    return bool((nb.get("metadata") or {}).get("dipsim", {}).get(FLAG))


def clean(nb: dict) -> dict:
    """The notebook (a JSON dict, changed in place) without outputs, counts or widget state."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def strip_outputs(model: dict, **kwargs) -> None:
    """The hook (``ContentsManager.pre_save_hook``): acts on flagged notebooks only."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict) and wants_clean(model["content"]):
        clean(model["content"])
