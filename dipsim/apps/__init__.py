"""No-code apps: the trainer's and the planner's pages (``dipsim app``), as widgets that also
work inside JupyterLab.

* :class:`TrainerApp` (:mod:`.trainer`): a case stepped through decision by decision, then the
  group's policy applied to the area; its logic is :class:`CaseStepper` (:mod:`.stepper`).
* :class:`PlannerApp` (:mod:`.planner`): the capacity answer for a scenario the planner sets;
  its logic is :mod:`.planning`.

``dipsim app`` serves ``notebooks/trainer.ipynb`` and ``notebooks/planner.ipynb`` (two lines
of code each) with Voilà (:mod:`.server`). The widgets need the ``apps`` extra (ipywidgets,
Voilà); :class:`CaseStepper` needs nothing beyond dipsim.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {"TrainerApp": ".trainer", "PlannerApp": ".planner", "CaseStepper": ".stepper"}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
