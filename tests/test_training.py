"""The training pack: the cards cover the guidance, and the generated keys are never stale."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package need not be installed to run the tests
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from dipsim.case import ACTIONS, DISPOSALS, explain  # noqa: E402
from dipsim.commands.case import main_case  # noqa: E402
from dipsim.commands.training import main_training  # noqa: E402
from dipsim.errors import InputError  # noqa: E402
from dipsim.rules import CONDITIONS  # noqa: E402
from dipsim.rules.compliance import NON_COMPLIANT_EVENTS  # noqa: E402
from dipsim.training import PARAMETERS, build_pack, load_cards, render_pack, stale_files  # noqa: E402

TRAINING = ROOT / "training"
CASES = TRAINING / "cases"


@pytest.fixture(scope="module")
def cards():
    return load_cards(CASES)


def results(cards):
    return {c.name: c.result for c in cards}


# --------------------------------------------------------------------------- coverage of the guidance

def test_at_least_16_cards(cards):
    assert len(cards) >= 16


def test_every_card_has_title_narrative_questions_perspectives(cards):
    for c in cards:
        card = c.case["card"]
        assert card["title"].strip() and len(card["narrative"].split()) >= 20, c.name
        assert card["questions"] and card["perspectives"], c.name


def test_each_perspective_is_served(cards):
    seen = {p for c in cards for p in c.case["card"]["perspectives"]}
    assert seen == {"police", "cps", "cjit"}


def test_every_condition_on_the_menu(cards):
    assert {c.result.condition for c in cards if c.result.disposal == "dip_conditional_caution"} == set(CONDITIONS)


def test_every_disposal(cards):
    assert {c.result.disposal for c in cards} == set(DISPOSALS)


def test_every_action(cards):
    assert {a for c in cards for a in c.result.actions} == set(ACTIONS)


def test_every_outcome(cards):
    assert {c.result.outcome for c in cards} == {None, "complied", "non_compliance_reported", "not_delivered_in_time"}


def test_cards_for_the_fidelity_facts(cards):
    """Issue 15 item 5: a warned session (§6), the comply-by date (§4.6.6 Steps 3, 5) and a prosecution
    after non-compliance (§2.1) each have a card."""
    events = [s for c in cards for s in c.case["events"]["sessions"]]
    assert any(e.endswith("_warned") for e in events)
    assert any(c.result.outcome == "not_delivered_in_time" for c in cards)
    assert any(s["step"] == "prosecution" for c in cards for s in c.result.steps)


def test_every_kind_of_non_compliance(cards):
    """Each §6 kind ends a caution in a reported non-compliance on some card; so do a second missed
    appointment after a re-arrangement and a failed Follow-Up Condition (§4.6.4)."""
    found = set()
    for c in cards:
        r = c.result
        if r.outcome != "non_compliance_reported":
            continue
        failing = [s for s in r.steps if s["step"].startswith("session_") or s["step"] == "follow_up"][-1]
        if failing["step"] == "follow_up":
            found.add("follow_up_not_complied")
        elif "re-arranged" in failing["detail"]:
            found.add("missed_with_notice_again")
        else:
            found |= {e for e in NON_COMPLIANT_EVENTS if e.replace("_", " ") in failing["detail"]}
    assert found == set(NON_COMPLIANT_EVENTS) | {"follow_up_not_complied", "missed_with_notice_again"}


def test_a_rearranged_session_that_is_then_attended(cards):
    assert any("reschedule_session" in c.result.actions and c.result.outcome == "complied" for c in cards)


def test_every_annex_a_branch(cards):
    rules = {(s["step"], s["rule"], c.result.disposal) for c in cards for s in c.result.steps}
    steps = {(s["step"], s["rule"]) for c in cards for s in c.result.steps}
    assert ("assessment_route", "§2.2") in steps                       # intensive + positive: required
    assert ("initial_assessment", "Annex A") in steps                   # attended / failed
    assert ("initial_assessment", "Annex A note 2") in steps            # not held: police knowledge
    assert ("assessment_route", "§4.6.6 Step 1") in steps               # voluntary assessment
    assert ("assessment_route", "Annex A", "exit_no_drug_indication") in rules
    # §4.5 "the CPS make the final decision": a case the police recommend, refused on the merits
    assert ("cps_decision", "§4.5", "alternative_disposal") in rules
    # §4.6.6 Step 2: "If the Police consider a DIP CC may be appropriate, they will seek CPS authorisation"
    assert ("police_recommendation", "§2.1", "alternative_disposal") in rules  # the local policy: no referral
    assert ("offer", "§4.6.6 Step 3", "declined_prosecution") in rules
    details = {s["detail"] for c in cards for s in c.result.steps if s["step"] == "initial_assessment"}
    assert any(d.startswith("fails") for d in details) and any(d.startswith("attends") for d in details)
    vol = [c for c in cards if ("assessment_route", "§4.6.6 Step 1") in {(s["step"], s["rule"]) for s in c.result.steps}]
    assert any(not c.case["area"]["intensive"] for c in vol) and any(c.case["area"]["intensive"] for c in vol)


def test_bars_before_the_cps(cards):
    last = {c.result.steps[-1]["step"] for c in cards if c.result.disposal == "alternative_disposal"} | {
        c.result.steps[-2]["step"] for c in cards if c.result.disposal == "alternative_disposal"}
    assert {"consent_to_share", "attitude", "residence", "cps_decision"} <= last


def test_out_of_area_both_ways(cards):
    away = [c for c in cards if not c.case["offender"]["resident_in_area"]]
    assert {c.result.disposal for c in away} >= {"dip_conditional_caution", "alternative_disposal"}


def test_england_and_wales_restriction_on_bail(cards):
    declined = [c for c in cards if c.result.disposal == "declined_prosecution"
                and c.case["events"]["drug_test"] == "positive"]
    by_country = {(c.case["area"]["country"], "restriction_on_bail_may_apply" in c.result.actions) for c in declined}
    assert ("england", True) in by_country and ("wales", False) in by_country


def test_failed_required_assessment_and_police_bail(cards):
    assert any("report_ra_non_compliance" in c.result.actions and c.result.disposal == "dip_conditional_caution"
               for c in cards)
    bail = [c for c in cards if c.case["events"]["police_bail"] and c.case["events"]["follow_up_assessment_arranged"]]
    # §3.1: on bail awaiting the CPS "the Required Assessment process should continue as normal"; Annex A
    # note 3: once the caution is administered the follow-up is cancelled - no exception for bail
    assert any(c.result.disposal == "dip_conditional_caution" and "required_assessment_continues" in c.result.actions
               and "cancel_follow_up_assessment" in c.result.actions for c in bail)
    assert any("cancel_follow_up_assessment" in c.result.actions for c in cards)


def test_explicit_cps_condition_and_cps_on_the_merits(cards):
    assert any(s["step"] == "condition" and s["rule"] == "§4.5" for c in cards for s in c.result.steps)
    assert any(s["step"] == "cps_decision" and s["rule"] == "§4.5" and "on the merits" in s["detail"]
               for c in cards for s in c.result.steps)
    # §4.1: "each case should be considered on its own merits": the police refer despite the record
    assert any(s["step"] == "police_recommendation" and s["rule"] == "§4.1" and "own merits" in s["detail"]
               for c in cards for s in c.result.steps)


def test_under_18_and_no_admission(cards):
    pre = [c for c in cards if c.result.disposal == "not_eligible"]
    assert any(c.case["offender"]["age"] < 18 for c in pre)
    assert any(c.case["offender"]["age"] >= 18 and not c.case["offender"]["admits_offence"] for c in pre)


# --------------------------------------------------------------------------- keys come from explain(), never by hand

def test_keys_are_not_stale():
    out = io.StringIO()
    code = main_training(check=True, cases_dir=CASES, out_dir=TRAINING, out=out)
    assert code == 0, out.getvalue()
    assert "up to date" in out.getvalue()


def test_each_key_is_what_the_explainer_says(cards):
    for c in cards:
        key = json.loads((TRAINING / "keys" / f"{c.name}.json").read_text(encoding="utf-8"))
        fresh = explain(c.case, **PARAMETERS).to_dict()
        assert {k: key[k] for k in fresh} == fresh, c.name
        assert key["card"] == c.path.name and key["title"] == c.title and key["parameters"] == PARAMETERS


def test_key_matches_dipsim_case_json(cards):
    c = cards[1]
    out = io.StringIO()
    main_case(str(c.path), True, out)
    key = json.loads((TRAINING / "keys" / f"{c.name}.json").read_text(encoding="utf-8"))
    assert {k: key[k] for k in ("disposal", "condition", "outcome", "actions", "steps")} == json.loads(out.getvalue())


def test_markdown_keys_and_documents(cards):
    cards_doc = (TRAINING / "cards.html").read_text(encoding="utf-8")
    keys_doc = (TRAINING / "facilitator.html").read_text(encoding="utf-8")
    for doc in (cards_doc, keys_doc):
        assert "page-break-before: always" in doc and "@page" in doc
    for c in cards:
        md = (TRAINING / "keys" / f"{c.name}.md").read_text(encoding="utf-8")
        assert md.startswith(f"# Answer key: {c.title}")
        for s in c.result.steps:
            assert f"| {s['rule']} |" in md
        assert f'id="card-{c.name}"' in cards_doc and f'id="key-{c.name}"' not in cards_doc
        assert f'id="key-{c.name}"' in keys_doc
    # the guide, then the summary, then the keys
    assert keys_doc.index("Timetable") < keys_doc.index('id="keys"') < keys_doc.index('id="key-')


def test_facilitator_guide_covers_every_card(cards):
    guide = (TRAINING / "facilitator_guide.md").read_text(encoding="utf-8")
    for c in cards:
        assert c.name in guide, c.name


# --------------------------------------------------------------------------- build and --check

@pytest.fixture()
def pack(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(CASES, cases)
    out = tmp_path / "out"
    build_pack(cases, out)
    return cases, out


def test_build_then_check_is_clean(pack):
    cases, out = pack
    assert stale_files(cases, out) == []
    assert build_pack(cases, out) == []  # nothing rewritten
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".*"))


def test_check_fails_on_a_hand_edited_key(pack):
    cases, out = pack
    key = out / "keys" / "01-first-time-possession.json"
    key.write_text(key.read_text().replace('"one_session"', '"three_session"'))
    buf = io.StringIO()
    assert main_training(check=True, cases_dir=cases, out_dir=out, out=buf) == 1
    assert "keys/01-first-time-possession.json" in buf.getvalue()
    assert "cards.html" not in buf.getvalue()


def test_check_fails_when_a_card_changes(pack):
    cases, out = pack
    card = cases / "15-missed-without-notice.yaml"
    card.write_text(card.read_text().replace("sessions: [missed_without_notice]", "sessions: [attended]"))
    assert stale_files(cases, out) == ["facilitator.html", "keys/15-missed-without-notice.json",
                                       "keys/15-missed-without-notice.md"]
    buf = io.StringIO()
    assert main_training(check=False, cases_dir=cases, out_dir=out, out=buf) == 0
    assert "wrote" in buf.getvalue()
    assert json.loads((out / "keys" / "15-missed-without-notice.json").read_text())["outcome"] == "complied"
    assert main_training(check=True, cases_dir=cases, out_dir=out, out=io.StringIO()) == 0


def test_missing_and_orphaned_keys_are_stale(pack):
    cases, out = pack
    (out / "keys" / "02-shoplifter-three-sessions.md").unlink()
    (out / "keys" / "99-old-card.json").write_text("{}")
    assert stale_files(cases, out) == ["keys/02-shoplifter-three-sessions.md", "keys/99-old-card.json"]
    build_pack(cases, out)
    assert not (out / "keys" / "99-old-card.json").exists()
    assert stale_files(cases, out) == []


def test_render_is_deterministic():
    assert render_pack(CASES) == render_pack(CASES)


def test_bad_card_is_an_input_error(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.yaml").write_text("card: {narrative: x, questions: [q], perspectives: [police]}\n"
                                  "offender: {offence: theft}\n")
    with pytest.raises(InputError) as info:
        load_cards(cases)
    assert str(info.value).startswith(f"{cases / 'a.yaml'}: card.title: ")
    (cases / "a.yaml").write_text("card: {title: t, narrative: x, questions: [], perspectives: [police]}\n"
                                  "offender: {offence: theft}\n")
    with pytest.raises(InputError, match="card.questions"):
        load_cards(cases)
    (cases / "a.yaml").write_text("card: {title: t, narrative: x, questions: [q], perspectives: [police]}\n"
                                  "offender: {offence: theft, age: -1}\n")
    with pytest.raises(InputError, match="offender.age"):
        load_cards(cases)


def test_empty_or_missing_cases_folder(tmp_path):
    with pytest.raises(InputError, match="no case cards"):
        load_cards(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        load_cards(tmp_path / "nope")


# --------------------------------------------------------------------------- the command line

def _dipsim(*args: str):
    import os
    import subprocess
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def test_cli_check_passes_on_the_repository():
    proc = _dipsim("training", "build", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_check_fails_on_stale_keys_then_build_fixes(pack):
    cases, out = pack
    (out / "cards.html").write_text("stale")
    proc = _dipsim("training", "build", "--check", "--cases", str(cases), "--out", str(out))
    assert proc.returncode == 1
    assert "cards.html" in proc.stdout
    assert (out / "cards.html").read_text() == "stale"  # --check writes nothing
    proc = _dipsim("training", "build", "--no-pdf", "--cases", str(cases), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert _dipsim("training", "build", "--check", "--cases", str(cases), "--out", str(out)).returncode == 0


def test_cli_bad_card_exit_2(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.yaml").write_text("card: {title: t, narrative: n, questions: [q], perspectives: [police]}\n"
                                  "offender: {offence: theft, age: 1.5}\n")
    proc = _dipsim("training", "build", "--no-pdf", "--cases", str(cases), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert f"{cases / 'a.yaml'}: offender.age: " in proc.stderr
    assert not (tmp_path / "out").exists()
