"""The public API: ``dipsim.load_scenario``, ``dipsim.run``, ``dipsim.explain`` and what a notebook
commonly needs, at the top level; imported lazily so that ``import dipsim`` stays quick."""

from __future__ import annotations

import subprocess
import sys

import pytest

import dipsim


def test_public_names_are_the_deep_ones():
    from dipsim import case, experiment, kpis, results, scenario, summary

    assert dipsim.load_scenario is scenario.load_scenario and dipsim.replace is scenario.replace
    assert dipsim.run is results.run and dipsim.RunResult is results.RunResult
    assert dipsim.explain is case.explain and dipsim.load_case is case.load_case
    assert dipsim.format_summary is summary.format_summary
    assert dipsim.kpi is kpis.kpi and dipsim.KPIS is kpis.REGISTRY
    assert dipsim.compare is experiment.compare and dipsim.replicate is experiment.replicate
    assert dipsim.plots.funnel is not None
    assert {"load_scenario", "run", "explain", "kpi", "plots"} <= set(dir(dipsim))
    for name in dipsim.__all__:
        assert getattr(dipsim, name) is not None, name


def test_public_api_runs_a_scenario_and_explains_a_case():
    area = dipsim.load_scenario("urban_intensive")
    result = dipsim.run(dipsim.replace(area, {"cjit.community.workers": 5}), seed=1, days=5)
    assert result.kpis["arrests"] == len(result.people) > 0
    case = dipsim.explain({"offender": {"offence": "shoplifting"}, "events": {"drug_test": "positive"}})
    assert case.disposal == "dip_conditional_caution"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        dipsim.no_such_thing  # noqa: B018


def test_import_dipsim_loads_no_heavy_module():
    code = "import sys, dipsim; print(sorted(m for m in ('pandas', 'numpy', 'simpy', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
