"""The Annex A map is drawn from the one pathway (dipsim.pathway_map), so map and pathway cannot
disagree: every step the pathway takes is in a box, every arrow is a step some walk took, the map's
order is the pathway's, and every path a simulated person takes is on it. Also: plain words for
every code name the pack prints (dipsim.training.labels)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dipsim.case import ACTIONS, DISPOSALS, OUTCOMES, explain
from dipsim.pathway_map import BOXES, END_NOTE, ENDS, UnmappedStep, annex_a_map, box_path, cited_sections, \
    sample_cases
from dipsim.results import run
from dipsim.rules import CONDITIONS
from dipsim.scenario import load_scenario, replace
from dipsim.simulated_cases import case_from_person
from dipsim.training import PARAMETERS, load_cards, pathway_map
from dipsim.training.labels import STEP_LABELS, code_names, plain, plain_text
from dipsim.training.map_svg import map_svg

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cards():
    return load_cards(ROOT / "training" / "cases")


@pytest.fixture(scope="module")
def the_map(cards):
    return pathway_map(cards)


def test_every_box_is_on_the_map_and_every_arrow_points_forward(the_map):
    assert [b.key for b in the_map.boxes] == [b.key for b in BOXES]  # each box some walk passes through
    order = {b.key: n for n, b in enumerate(BOXES)}
    assert all(order[a] < order[b] for a, b in the_map.arrows)  # the map's order is the pathway's
    ends = {e for es in the_map.ends.values() for e in es}
    assert ends == set(ENDS)
    assert all(b != END_NOTE for a, b in the_map.arrows)  # the end note is not a place on the way


def test_more_walks_draw_the_same_map(cards, the_map):
    """The generated cases the build walks are enough: four times as many, drawn differently, add nothing."""
    more = annex_a_map([c.result for c in cards] + [explain(c, **PARAMETERS) for c in sample_cases(3200, seed=11)])
    assert (more.arrows, more.ends, more.noted, more.sections) == \
        (the_map.arrows, the_map.ends, the_map.noted, the_map.sections)


def test_simulated_people_walk_on_the_map(the_map):
    arrows, ends = set(the_map.arrows), {(a, e) for a, es in the_map.ends.items() for e in es}
    for name, overrides in (("urban_intensive", {"sessions.comply_by_days": 12}), ("county_non_intensive", {})):
        scenario = replace(load_scenario(name), overrides)
        people = run(scenario, days=40).people
        d = scenario.decisions
        done = people[people["terminal_state"] != "in_progress"]
        for _, row in done.sample(min(len(done), 250), random_state=1).iterrows():
            r = explain(case_from_person(row, scenario), menu_policy=d.menu_policy,
                        max_previous_convictions=d.max_previous_convictions,
                        max_rearrangements=scenario.compliance.max_rearrangements)
            path = [b for b in box_path(r.steps, r.disposal, r.outcome) if b != END_NOTE]
            assert set(zip(path[:-2], path[1:-1])) <= arrows, path
            assert (path[-2], path[-1]) in ends, path


def test_a_step_no_box_claims_is_an_error():
    with pytest.raises(UnmappedStep, match="new_step"):
        box_path([{"step": "statutory_preconditions", "rule": "§2.1", "detail": ""},
                  {"step": "new_step", "rule": "§9", "detail": ""}], "not_eligible", None)


def test_sections_are_the_rules_citations(the_map):
    assert cited_sections(["§4.6.6 Step 2", "§4.1", "Annex B profile 3", "§4.6.6 Step 1", "§2.1"]) == \
        "§2.1, §4.1, §4.6.6 Steps 1-2, Annex B"
    assert the_map.sections["cps"] == "§4.5, §4.6.6 Step 2"
    assert the_map.sections["caution"] == "Annex A note 3" and the_map.sections["bail"] == "§3.1"
    assert "§6" in the_map.sections["sessions"] and "Annex C" in the_map.sections["sessions"]


def test_the_svg_labels_every_box_with_its_section(the_map):
    svg = map_svg(the_map)
    text = " ".join(re.findall(r">([^<>]+)</text>", svg))
    for b in the_map.boxes:
        if b.key != END_NOTE:
            assert b.key in re.findall(r'data-box="([^"]+)"', svg)
            assert the_map.sections[b.key].split(",")[0] in text, b.key
    for word in ("Arrest and custody", "The DIP Condition", "EXIT (no DIP"):
        assert word in text


def test_a_key_highlights_its_cards_path(cards, the_map):
    c = next(c for c in cards if c.name.startswith("19-"))
    path = box_path(c.result.steps, c.result.disposal, c.result.outcome)
    assert path[:4] == ["admits", "test", "route", "ia"] and "bail" in path and "caution" in path
    svg = map_svg(the_map, path)
    on = set(re.findall(r'<g class="(?:box|end) on" data-box="([^"]+)"', svg))
    assert on == set(path)
    assert len(re.findall(r'<path class="on" d="[^"]+" marker-end', svg)) == len(path) - 1  # each arrow of the path, and its end


def test_plain_words_for_every_code_name():
    for code in (*DISPOSALS, *OUTCOMES, *ACTIONS, *CONDITIONS, *STEP_LABELS):
        assert not code_names(plain(code)), code
    assert plain("dip_conditional_caution") == "Conditional Caution with a DIP Condition administered"
    assert plain("three_session_follow_up") == "Three Session Condition with the Follow-Up Condition"
    assert plain("cancel_follow_up_assessment") == "cancel the arranged follow-up assessment"
    assert plain_text("the annex_b menu policy's two_session") == "the Annex B menu policy's Two Session Condition"
    with pytest.raises(KeyError):
        plain("no_such_code")
