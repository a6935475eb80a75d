"""The KPI registry (dipsim.kpis) is the one place a KPI's label, unit, box and definition live:
it names exactly the KPIs a run computes, in plain words, and the summary, plots, comparison
tables and docs/kpis.md all read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dipsim import kpis as registry
from dipsim.experiment.kpis import KpiCollector, busy_names, known_kpis
from dipsim.kpi_docs import kpis_markdown
from dipsim.model import records
from dipsim.model.cjit import ACTIVITIES
from dipsim.results import POOLS, run
from dipsim.rules.compliance import NON_COMPLIANT_EVENTS
from dipsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def urban():
    return run(load_scenario("urban_intensive"), days=20)


def test_every_kpi_a_run_computes_is_in_the_registry_and_vice_versa(urban):
    county = run(load_scenario("county_non_intensive"), days=20)
    computed = set(urban.kpis) | set(county.kpis) | set(run(load_scenario("urban_intensive"), days=0).kpis)
    assert not computed - set(registry.REGISTRY), f"not in the registry: {sorted(computed - set(registry.REGISTRY))}"
    # a run reports busy hours only for activities with work; replication tables fill the rest with 0
    never = set(registry.REGISTRY) - computed - set(busy_names())
    assert not never, f"in the registry but never computed: {sorted(never)}"
    assert set(busy_names()) <= set(registry.REGISTRY)


def test_the_registry_names_every_column_of_a_replication_table():
    scenario = load_scenario("urban_intensive")
    collector = KpiCollector((7, 10, 14, 28))
    assert set(known_kpis(scenario, collector)) == set(registry.names((7, 10, 14, 28)))


def test_vocabularies_match_the_model():
    assert tuple(registry.TERMINAL_STATES) == records.TERMINAL_STATES
    assert tuple(registry.DISPOSALS) == records.DISPOSALS
    assert tuple(registry.CONDITIONS) == records.CONDITION_CODES[1:]
    assert tuple(registry.POSITIVE_FOR) == records.POSITIVE_CODES[1:]
    assert set(registry.NON_COMPLIANCE) == set(records.EVENT_CODES) - {"none", "attended"}
    assert set(NON_COMPLIANT_EVENTS) <= set(registry.NON_COMPLIANCE)
    assert tuple(registry.ACTIVITIES) == ACTIVITIES and tuple(registry.POOLS) == POOLS


def test_every_entry_is_plain_and_complete():
    for k in registry.REGISTRY.values():
        assert k.unit in registry.UNITS, k
        assert k.label and "_" not in k.label, f"{k.name}: label {k.label!r} has a code name"
        assert k.definition.endswith(".") and "_" not in k.definition, f"{k.name}: {k.definition!r}"
        assert k.section, k.name
    shares = {k.name for k in registry.REGISTRY.values() if k.is_share}
    assert {"share_tests_positive", "completion_rate", "utilisation_custody"} <= shares
    assert registry.kpi("mean_wait_arrest_to_ia_h").unit == "hours"
    assert registry.kpi("p90_wait_caution_to_first_session_d").unit == "days"
    assert registry.kpi("busy_callout_all_h").unit == "worker hours"


def test_derived_first_session_shares_resolve_for_any_n():
    k = registry.kpi("share_first_session_within_21d")
    assert k.unit == "share" and "21 days" in k.label
    with pytest.raises(KeyError, match="docs/kpis.md"):
        registry.kpi("no_such_kpi")


def test_the_funnel_is_every_annex_a_box_in_map_order():
    boxes = [registry.funnel_box(n) for n, _ in registry.FUNNEL]
    assert all(b.box for b in boxes)
    assert [n for n, _ in registry.FUNNEL][:4] == ["arrests", "outside_map", "admits", "tests"]
    assert registry.FUNNEL[-1] == ("non_compliance", "outcome_bad")
    assert all(n in registry.REGISTRY for n, _ in registry.FUNNEL if n != "admits")


def test_kpi_reference_is_current():
    assert (ROOT / "docs" / "kpis.md").read_text() == kpis_markdown(), \
        "docs/kpis.md is stale: run `python -m dipsim.kpi_docs --write docs/kpis.md`"


def test_summary_plots_and_compare_tables_read_the_registry(urban, monkeypatch):
    from dipsim import plots
    from dipsim.experiment.compare import paired_differences, with_labels
    from dipsim.summary import format_summary

    entry = registry.REGISTRY["cautions"]
    monkeypatch.setitem(registry.REGISTRY, "cautions",
                        registry.KPI("cautions", "cautions given today", "people", entry.box, entry.definition,
                                     entry.cite, entry.section))
    assert "cautions given today (§4.6.6 Step 3)" in format_summary(urban)
    assert plots.kpi_label("cautions") == ("cautions given today", "people")
    assert plots.kpi_label("share_tests_positive") == ("share of tests positive", "%")
    import pandas as pd

    table = pd.DataFrame({"variant": ["a", "a", "b", "b"], "replication": [0, 1, 0, 1], "cautions": [1, 2, 3, 5]})
    d = paired_differences(table)
    assert list(d.columns[:5]) == ["variant", "baseline", "kpi", "label", "unit"]
    assert (d["label"].tolist(), d["unit"].tolist()) == (["cautions given today"], ["people"])
    s = with_labels(pd.DataFrame({"kpi": ["completion_rate"], "mean": [0.5]}))
    assert list(s.columns) == ["kpi", "label", "unit", "mean"] and s["unit"][0] == "share"


def test_summary_shows_shares_as_percentages_and_waits_with_units(urban):
    from dipsim.summary import format_summary

    text = format_summary(urban)
    k = urban.kpis
    assert f"{100 * k['share_tests_positive']:.1f}%" in text
    assert f"{k['mean_wait_arrest_to_ia_h']:.1f} hours" in text
    assert "docs/kpis.md" in text
