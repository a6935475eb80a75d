"""dipsim: simulation and training toolkit for the DIP Conditional Caution pathway.

Models the May 2008 operational guidelines "Drug Interventions Programme:
Conditional Cautioning and the DIP Condition" (version 1.3).

The public API, for notebooks and scripts:

>>> import dipsim
>>> area = dipsim.load_scenario("urban_intensive")
>>> result = dipsim.run(dipsim.replace(area, {"cjit.community.workers": 5}), seed=1, days=7)
>>> dipsim.kpi("cautions").label
'DIP Conditional Cautions'

* scenarios: :func:`load_scenario`, :func:`replace` (dotted keys), :class:`Scenario`;
* one run: :func:`run` gives a :class:`RunResult` (people table, KPIs, utilisation),
  :func:`format_summary` prints it; :mod:`dipsim.plots` draws it;
* one case: :func:`load_case`, :func:`explain` (what happens to one person, and why);
* KPIs: :func:`kpi` (label, unit, Annex A box, definition of one KPI), :data:`KPIS` (all);
* experiments: :func:`replicate`, :func:`sweep`, :func:`compare`, :func:`capacity`
  (and the rest of :mod:`dipsim.experiment`).

Names are imported when first used, so ``import dipsim`` (and ``dipsim --help``) stays quick.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "load_scenario": "dipsim.scenario", "replace": "dipsim.scenario", "Scenario": "dipsim.scenario",
    "run": "dipsim.results", "RunResult": "dipsim.results",
    "format_summary": "dipsim.summary",
    "load_case": "dipsim.case", "explain": "dipsim.case",
    "kpi": "dipsim.kpis", "KPI": "dipsim.kpis", "KPIS": ("dipsim.kpis", "REGISTRY"),
    "replicate": "dipsim.experiment", "sweep": "dipsim.experiment", "compare": "dipsim.experiment",
    "capacity": "dipsim.experiment",
}
_SUBMODULES = ("experiment", "kpis", "plots", "rules", "scenario")

__all__ = ["__version__", *_PUBLIC, *_SUBMODULES]


def __getattr__(name: str):
    if name in _PUBLIC:
        module, attr = _PUBLIC[name] if isinstance(_PUBLIC[name], tuple) else (_PUBLIC[name], name)
        value = getattr(importlib.import_module(module), attr)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'dipsim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
