"""The apps' logic and widgets without a browser: the stepper walks the one pathway (its answer
key is ``dipsim case --json``'s), a blank answer is refused, errors become messages, the
planner's settings are ``dipsim capacity``'s. The browser test is tests/test_app_browser.py."""

from __future__ import annotations

import io
import json

import pytest
import yaml

from dipsim import explain, load_case
from dipsim.apps.stepper import CaseStepper
from dipsim.commands.case import main_case
from dipsim.errors import InputError
from dipsim.training import load_cards, training_root

CARDS = load_cards(training_root() / "cases")


def _walk_with_case_answers(stepper: CaseStepper) -> int:
    n = 0
    while not stepper.complete:
        stepper.guidance_so_far()
        label = stepper.case_value_label()
        idx = next((i for i, (lb, _) in enumerate(stepper.current.options) if lb == label), 0)
        stepper.decide(idx)
        n += 1
    return n


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.name)
def test_answering_as_the_card_gives_the_cards_key(card):
    s = CaseStepper(card.case)
    _walk_with_case_answers(s)
    key, want = s.answer_key(), card.result.to_dict()
    assert {k: key[k] for k in ("disposal", "condition", "outcome", "actions")} == \
           {k: want[k] for k in ("disposal", "condition", "outcome", "actions")}
    s.guidance_so_far()
    assert s.shown == len(s.result().steps) and s.guidance_so_far() == []   # every step shown, once


def test_every_step_is_shown_once_in_order():
    s = CaseStepper(CARDS[1].case)
    seen = list(s.guidance_so_far())
    while not s.complete:
        s.decide(0)
        seen += s.guidance_so_far()
    assert seen == s.result().steps and seen[0]["rule"] == "§2.1"


def test_a_decision_the_pathway_does_not_reach_is_not_asked():
    s = CaseStepper(CARDS[1].case)
    assert s.current.key == "events.drug_test"
    s.decide_value("negative")      # shoplifting, tested negative: no drug indication, EXIT
    assert s.complete and s.answer_key()["disposal"] == "exit_no_drug_indication"


def test_blank_and_unknown_answers_are_refused_and_nothing_is_recorded():
    s = CaseStepper(CARDS[1].case)
    for bad in (None, -1, 99, "positive"):
        with pytest.raises(InputError, match="Decide"):
            s.decide(bad)
    assert s.history == [] and s.current.key == "events.drug_test"


def test_the_case_file_gives_the_same_key_from_dipsim_case(tmp_path):
    s = CaseStepper(CARDS[1].case, menu_policy="three_sessions_for_all", max_previous_convictions=3)
    s.decide_value("positive")
    while not s.complete:
        d = s.current
        s.decide(1 if d.appointment == 1 else 0)   # appointment 1: missed with notice
    path = tmp_path / "case.yaml"
    path.write_text(s.case_file())
    out = io.StringIO()
    main_case(str(path), True, out, menu_policy="three_sessions_for_all", max_previous_convictions=3)
    assert json.loads(out.getvalue()) == s.answer_key()
    assert yaml.safe_load(s.case_file())["events"]["sessions"][0] == "missed_with_notice"


def test_a_described_person_is_walked_too():
    s = CaseStepper({"offender": {"offence": "burglary", "age": 17}})
    assert s.complete and s.answer_key()["disposal"] == "not_eligible"


def test_the_trainer_widget_refuses_a_blank_answer_and_restarts():
    from dipsim.apps.trainer import NO_ANSWER, TrainerApp

    t = TrainerApp(backend="serial")
    assert t.choice.value == NO_ANSWER and "choose an answer" in t.choice.label
    t.decide()
    assert "choose an answer from the list first" in t.note.value and t.stepper.history == []
    t.choice.value = 0
    t.decide()
    assert len(t.stepper.history) == 1 and "Decision 2" in t.question.value and t.note.value == ""
    t.start()
    assert t.stepper.history == [] and "Decision 1" in t.question.value


def test_running_the_area_unchanged_is_a_message_not_an_error():
    from dipsim.apps.trainer import TrainerApp

    t = TrainerApp(backend="serial")
    t.run_area()
    assert "policy is the area&#x27;s current one" in t.area_note.value
    assert "dipsim-error" in t.area_note.value and t.area_out.children == ()
    assert not t.run_button.disabled


def test_planner_settings_are_the_capacity_command(default_scenario):
    from dipsim.apps.planning import PlannerSettings

    s = PlannerSettings(pool="community", workers_from=2, workers_to=5, other_workers=3,
                        rotas={"community": {"mon": (8, 16), "tue": (8, 16), "sat": (10, 14)}},
                        arrests_percent=80, lead_days=1, targets=[("share_first_session_within_10d", ">=", 0.9)],
                        meaning="years", years=0.9, n=30, days=90)
    area = s.scenario(default_scenario)
    assert area.cjit.custody.workers == 3 and area.sessions.lead_days == 1
    assert [(sh.days, sh.start, sh.end) for sh in area.cjit.community.shifts] == [
        (("mon", "tue"), 8, 16), (("sat",), 10, 14)]
    assert area.arrivals.arrests_per_day["shoplifting"] == pytest.approx(
        0.8 * default_scenario.arrivals.arrests_per_day["shoplifting"])
    assert s.command() == ("dipsim capacity scenario.yaml --param cjit.community.workers=2:5 "
                           "--target 'share_first_session_within_10d >= 0.9' -n 30 --days 90 --years 0.9")


def test_planner_refuses_a_single_level_and_a_backwards_shift(default_scenario):
    from dipsim.apps.planning import PlannerSettings

    with pytest.raises(InputError, match="at least two levels"):
        PlannerSettings(workers_from=3, workers_to=3, targets=[("utilisation_custody", "<=", 0.8)]).param()
    with pytest.raises(InputError, match="must end after it starts"):
        PlannerSettings(rotas={"custody": {"mon": (18, 9)}}).scenario(default_scenario)


def test_the_planner_widget_shows_dipsim_capacitys_answer():
    from dipsim.apps.planner import PlannerApp

    p = PlannerApp(backend="serial", n=5)
    p.w_from.value, p.w_to.value, p.days.value = 0, 2, 20
    p.targets[1][0].value = False
    p.meaning.value = "mean"
    p.run()
    assert "Done." in p.note.value
    answer = p.out.children[0].value
    assert "Answer: cjit.custody.workers = " in answer and "A target here means: the mean" in answer
    files = p.last.files()
    assert {"results.parquet", "results.csv", "scenario.yaml", "provenance.json"} <= set(files)
    folder = p.last.folder
    p._cleanup()
    assert not folder.exists()


def test_the_trainer_walks_a_person_the_group_describes():
    from dipsim.apps.trainer import PERSON, TrainerApp

    t = TrainerApp(backend="serial")
    t.source.value = PERSON
    assert t.person.layout.display is None and t.card.layout.display == "none"
    t.p_offence.value, t.p_previous.value, t.p_country.value = "burglary", 2, "wales"
    t.start()
    assert t.stepper.case["offender"]["offence"] == "burglary" and t.stepper.case["area"]["country"] == "wales"
    assert "Decision 1" in t.question.value
    t.menu_policy.value = "three_sessions_for_all"
    assert t.note.value == ""            # nothing decided yet: nothing to warn about
    t.choice.value = 0
    t.decide()
    t.max_record.value = 0
    assert "keeps the settings it started with" in t.note.value
