"""Issue 11 points 8, 9, 13 and 14, each in the rules, the simulation and the explainer, each test quoting the
guidance sentence it rests on (checked against the May 2008 text, as in tests/test_rules.py):

* 8: failing the follow-up Required Assessment leads to one or two sessions, as failing the initial one does;
* 9: Restriction on Bail from where the person lives, on every route that can lead to a charge;
* 13: the explainer refuses facts that cannot occur together, naming the keys (exit 2, one line);
* 14: an honest funnel: §2.1 and the drug indication recorded apart; who is outside Annex A's map.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dipsim.case import explain, normalise_case
from dipsim.errors import InputError
from dipsim.results import run as simulate
from dipsim.rules import choose_condition, follow_up_assessment_held, restriction_on_bail
from dipsim.scenario import load_scenario, replace
from dipsim.summary import format_summary
from test_rules import _guidance_text, _normal

ROOT = Path(__file__).resolve().parents[1]
QUOTES: list[str] = []


def rests_on(*sentences: str):
    QUOTES.extend(sentences)

    def mark(test):
        test.guidance = sentences
        return test
    return mark


def test_quotes_are_the_guidance():
    text = _normal(_guidance_text())
    layout = Path(os.environ.get("DIPSIM_GUIDANCE", "/work/shared/guidance/x")).parent
    for candidate in (layout, *(p / "shared" / "guidance" for p in ROOT.parents)):
        f = candidate / "dip-condition-guidelines-2008-layout.txt"
        if f.is_file():
            text += " " + _normal(f.read_text(encoding="utf-8"))
            break
    assert len(QUOTES) >= 6
    missing = [q for q in QUOTES if _normal(q) not in text]
    assert not missing, f"not in the guidance: {missing}"


def case(offender=None, events=None, area=None):
    raw = {"offender": {"offence": "shoplifting", **(offender or {})}, "events": events or {}}
    if area:
        raw["area"] = area
    return explain(raw)


def step(r, name):
    found = [s for s in r.steps if s["step"] == name]
    assert found, f"no step {name!r} in {[s['step'] for s in r.steps]}"
    return found[0]


ASSESSED = {"drug_test": "positive", "attends_initial_assessment": True, "follow_up_assessment_arranged": True}
THREE = {"drug_use_profile": 3}


# --------------------------------------------------------------------------- point 8

class TestFailedFollowUpAssessment:
    @rests_on("The One Session or Two Session DIP Conditional Caution may be considered appropriate for offenders "
              "who have failed to attend and remain at a Required Assessment (initial or follow up).")
    def test_rule(self):
        failed = follow_up_assessment_held(False)
        assert (failed.value, failed.rule) == ("failed", "§4.6.3") and "initial or follow up" in failed.detail
        assert follow_up_assessment_held(True).value == "attended"
        assert choose_condition("annex_b", 3, True, 0).value == "two_session"
        assert choose_condition("annex_b", 3, False, 0).value == "three_session"

    @rests_on("In circumstances where the offender is given police bail the Required Assessment process should "
              "continue as normal.")
    def test_failed_on_bail_leads_to_two_sessions_in_the_explainer(self):
        failed = case(THREE, {**ASSESSED, "police_bail": True, "attends_follow_up_assessment": False})
        kept = case(THREE, {**ASSESSED, "police_bail": True, "attends_follow_up_assessment": True})
        assert (failed.condition, kept.condition) == ("two_session", "three_session")
        assert step(failed, "follow_up_assessment_held")["rule"] == "§4.6.3"
        assert "report_ra_non_compliance" in failed.actions and "report_ra_non_compliance" not in kept.actions
        names = [s["step"] for s in failed.steps]
        assert names.index("follow_up_assessment_held") < names.index("cps_decision") < names.index("condition")
        assert "initial or follow up" in step(failed, "condition")["detail"]

    def test_without_bail_the_caution_comes_first_and_the_stated_attendance_is_not_used(self):
        r = case(THREE, {**ASSESSED, "attends_follow_up_assessment": False})
        assert r.condition == "three_session" and "cancel_follow_up_assessment" in r.actions
        assert "not used" in step(r, "unused_follow_up_assessment")["detail"]
        refused = case(THREE, {**ASSESSED, "attends_follow_up_assessment": False, "cps_authorises": False})
        assert refused.disposal == "alternative_disposal"  # §3.1: continues as normal, held after the decision
        assert step(refused, "follow_up_assessment_held")["rule"] == "§4.6.3"
        assert "report_ra_non_compliance" in refused.actions

    def test_failed_on_bail_leads_to_one_or_two_sessions_in_the_simulation(self):
        sc = replace(load_scenario("urban_intensive"), {"assessment.follow_up_attends": 0.2})
        p = simulate(sc, days=240).people
        before = p["fa_start_h"] <= p["cps_h"]
        failed = p[before & (p["fa_outcome"] == "not_attended") & p["caution_h"].notna()]
        held = p[before & (p["fa_outcome"] == "held") & p["caution_h"].notna()]
        assert len(failed) >= 3
        assert set(failed["condition"].astype(str)) <= {"one_session", "two_session"}
        assert (failed["police_bail"] == True).all()  # noqa: E712 - only on bail is it held before the caution
        assert set(held["condition"].astype(str)) - {"one_session", "two_session"}, "held: the profile decides"


# --------------------------------------------------------------------------- point 9

POSITIVE = {"drug_test": "positive", "attends_initial_assessment": True}
ROUTES = {
    "declined": {"accepts_caution": False},
    "cps_refusal": {"cps_authorises": False},
    "non_compliance": {"sessions": ["missed_without_notice"]},
}


class TestRestrictionOnBailByResidence:
    @rests_on("for those who have tested positive on arrest or charge for specified Class A drugs in England and "
              "who also reside in England")
    @pytest.mark.parametrize("route", list(ROUTES))
    def test_every_route_to_a_charge_decides_it_from_where_he_lives(self, route):
        english = case(THREE, {**POSITIVE, **ROUTES[route]})
        welsh = case({**THREE, "resident_in_area": False, "resides_in_england": False}, {**POSITIVE, **ROUTES[route]})
        in_wales = case({**THREE, "resident_in_area": False, "resides_in_england": True}, {**POSITIVE, **ROUTES[route]},
                        {"country": "wales"})
        assert "restriction_on_bail_may_apply" in english.actions
        assert "restriction_on_bail_may_apply" not in welsh.actions
        assert "reside in England" in step(welsh, "restriction_on_bail")["detail"]
        assert "restriction_on_bail_may_apply" not in in_wales.actions
        assert "Wales" in step(in_wales, "restriction_on_bail")["detail"]

    def test_no_charge_no_restriction(self):
        spared = case(THREE, {**POSITIVE, **ROUTES["non_compliance"], "police_prosecute": False})
        assert spared.outcome == "non_compliance_reported" and "restriction_on_bail_may_apply" not in spared.actions
        complied = case(THREE, POSITIVE)
        assert "restriction_on_bail" not in [s["step"] for s in complied.steps]

    def test_the_rule_takes_residence_apart_from_the_country(self):
        assert restriction_on_bail("england", False, "positive").value is False
        assert restriction_on_bail("wales", True, "positive").value is False
        assert restriction_on_bail("england", True, "positive").value is True

    def test_simulation_decides_it_per_person_on_every_route(self):
        sc = replace(load_scenario("urban_intensive"), {"people.resident_in_area": 0.5,
                                                        "people.out_of_area_other_country": 0.6})
        p = simulate(sc, days=150).people
        assert 0.5 < p["resides_in_england"].mean() < 0.95
        assert p.loc[p["resident_in_area"], "resides_in_england"].all()
        rob = p["restriction_on_bail"] == True  # noqa: E712
        assert not (rob & ~p["resides_in_england"]).any()
        assert set(p.loc[rob, "terminal_state"].astype(str)) == {"declined_prosecution", "alternative_disposal",
                                                                  "non_compliance_reported"}
        decided = p["restriction_on_bail"].notna()
        eligible = decided & p["resides_in_england"] & (p["test_result"] == "positive")
        assert (rob == eligible).all()
        assert (p.loc[decided & (p["terminal_state"] == "alternative_disposal"), "stop_reason"]
                == "cps_not_authorised").all()
        wales = simulate(replace(load_scenario("welsh_intensive"), {"people.resident_in_area": 0.5}), days=90).people
        assert wales["resides_in_england"].any() and not (wales["restriction_on_bail"] == True).any()  # noqa: E712


# --------------------------------------------------------------------------- point 13

IMPOSSIBLE = [
    ({"area": {"intensive": False}, "offender": {"offence": "shoplifting"}, "events": {"drug_test": "positive"}},
     "events.drug_test, area.intensive", "not a DIP intensive area"),
    ({"offender": {"offence": "violence"}, "events": {"drug_test": "positive"}},
     "events.drug_test, offender.offence, events.inspector_authorises", "not a trigger offence"),
    ({"offender": {"offence": "shoplifting", "age": 16}, "events": {"drug_test": "refused"}},
     "events.drug_test, offender.age", "adults"),
    ({"offender": {"offence": "shoplifting", "known_drug_misuser": True},
      "events": {"drug_test": "negative", "attends_initial_assessment": True}},
     "events.attends_initial_assessment, events.drug_test, area.intensive", "positive test"),
    ({"offender": {"offence": "shoplifting"},
      "events": {"drug_test": "positive", "attends_initial_assessment": False, "follow_up_assessment_arranged": True}},
     "events.follow_up_assessment_arranged, events.attends_initial_assessment", "initial assessment"),
    ({"offender": {"offence": "shoplifting"},
      "events": {"drug_test": "positive", "attends_initial_assessment": True, "attends_follow_up_assessment": False}},
     "events.attends_follow_up_assessment, events.follow_up_assessment_arranged", "no follow-up"),
    ({"area": {"country": "wales"}, "offender": {"offence": "theft", "resides_in_england": True}},
     "offender.resides_in_england, offender.resident_in_area, area.country", "Wales"),
]


class TestImpossibleFacts:
    @rests_on("testing on arrest or charge for certain trigger offences (or any offence where a police officer of "
              "Inspector rank or above reasonably suspects that specified Class A drug misuse caused or "
              "contributed to the commission of the offence and authorises a test)",
              "up to two \"Required\" assessments following a positive drug test.")
    @pytest.mark.parametrize("raw,keys,words", IMPOSSIBLE)
    def test_refused_with_one_line_naming_the_keys(self, raw, keys, words):
        with pytest.raises(InputError) as e:
            normalise_case(raw, "card.yaml")
        assert e.value.key == keys and words in e.value.message
        line = str(e.value)
        assert line.startswith(f"card.yaml: {keys}: ") and "\n" not in line

    def test_possible_neighbours_are_accepted(self):
        for raw in ({"offender": {"offence": "violence"}, "events": {"drug_test": "positive",
                                                                      "inspector_authorises": True}},
                    {"area": {"country": "wales"}, "offender": {"offence": "theft", "resides_in_england": True,
                                                                "resident_in_area": False}},
                    {"offender": {"offence": "shoplifting"}, "events": {**ASSESSED, "attends_follow_up_assessment": True}}):
            assert explain(normalise_case(raw)).disposal

    def test_cli_exit_2_one_line_no_traceback(self, tmp_path):
        f = tmp_path / "card.yaml"
        f.write_text("area: {intensive: false}\noffender: {offence: shoplifting}\nevents: {drug_test: positive}\n")
        res = subprocess.run([sys.executable, "-m", "dipsim", "case", str(f)], capture_output=True, text=True,
                             timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert res.returncode == 2 and res.stdout == "" and "Traceback" not in res.stderr
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and "events.drug_test, area.intensive" in lines[0] and str(f) in lines[0]


# --------------------------------------------------------------------------- point 14

class TestHonestFunnel:
    @rests_on("Offender admits offence", "Conditional Cautions are for adult offenders only (18 or over).")
    def test_eligibility_and_drug_indication_are_recorded_apart(self, default_scenario):
        r = simulate(default_scenario, days=90)
        p, k = r.people, r.kpis
        adult = p["age"] >= 18
        assert p["statutory_eligible"].notna().all()
        assert (p["statutory_eligible"] == (adult & p["admits_offence"] & p["sufficient_evidence"])).all()
        assert p.loc[adult, "drug_indication"].notna().all() and p.loc[~adult, "drug_indication"].isna().all()
        assert (p.loc[adult, "drug_indication"] == (p.loc[adult, "route"] != "exit")).all()
        # EXIT inside the map plus the non-users outside it: every adult with no drug indication
        assert k["no_drug_indication"] == k["terminal_exit_no_drug_indication"] + k["outside_map_no_drug_indication"]
        assert k["outside_map"] == k["terminal_not_eligible"]
        assert k["outside_map_no_drug_indication"] > 0 and k["outside_map_with_drug_indication"] > 0
        assert k["outside_map_with_drug_indication"] + k["outside_map_no_drug_indication"] == \
            int((~p["statutory_eligible"] & adult).sum())
        assert k["drug_indication"] + k["no_drug_indication"] == int(adult.sum())
        text = format_summary(r)
        assert "outside the Annex A map (§2.1)" in text and "adults with no drug indication" in text


# --------------------------------------------------------------------------- point 10

class TestDirAtTheCustodyAssessment:
    @rests_on("A DIR should be completed on every individual who has a triage assessment")
    def test_explainer_completes_it_at_the_custody_assessment_and_not_again(self):
        r = case(THREE, {**POSITIVE, "sessions": ["attended", "attended", "attended"]})
        dirs = [s for s in r.steps if s["step"] == "dir"]
        names = [s["step"] for s in r.steps]
        assert names.index("dir") == names.index("initial_assessment") + 1
        assert "initial assessment" in dirs[0]["detail"] and "complete_dir" in r.actions
        assert len(dirs) == 2 and "already completed" in dirs[1]["detail"]  # the triage session adds to it
        voluntary = case({**THREE, "known_drug_misuser": True})
        assert "voluntary assessment" in step(voluntary, "dir")["detail"]

    @rests_on("if offender on CJIT caseload, follow usual DIR procedures")
    def test_an_earlier_dir_is_added_to_not_duplicated(self):
        r = case(THREE, {**POSITIVE, "dir_already_completed": True})
        assert "complete_dir" not in r.actions
        assert all("already completed" in s["detail"] for s in r.steps if s["step"] == "dir")

    def test_simulation_records_where_each_dir_was_completed(self, default_scenario):
        p = simulate(default_scenario, days=90).people
        at = p["dir_completed_at"].astype(str)
        assessed = (p["ia_outcome"] == "attended") | (p["va_outcome"] == "held")
        assert (p["dir_completed"] == True).sum() == at.isin(  # noqa: E712
            ["initial_assessment", "voluntary_assessment", "condition_session"]).sum()
        assert (at[assessed] != "none").all()  # every custody triage: a DIR, or an earlier one added to
        assert (at[p["ia_outcome"] == "attended"] != "condition_session").all()
        assert (at == "initial_assessment").sum() > 0 and (at == "voluntary_assessment").sum() > 0
        assert (at == "earlier_contact").sum() > 0 and p.loc[at == "earlier_contact", "known_drug_misuser"].all()
        assert (at == "follow_up_assessment").sum() == 0  # the initial assessment came first


# --------------------------------------------------------------------------- point 11

class TestOutOfAreaResidents:
    @rests_on("if the CJIT in their area of residence could deliver the DIP Condition and report appropriately "
              "compliance or non-compliance",
              "The follow-up assessment (if required) occurring 4-8 days later in that offenders DAT of residence")
    def test_explainer_says_the_home_cjit_delivers(self):
        away = {**THREE, "resident_in_area": False, "home_cjit_can_deliver": True}
        r = case(away, {**ASSESSED, "police_bail": True, "attends_follow_up_assessment": True})
        delivered = [s for s in r.steps if s["step"] == "delivering_cjit"]
        assert [s["rule"] for s in delivered] == ["§2.2", "§4.6.6 Step 1"]
        assert "DAT of residence" in delivered[0]["detail"]
        assert "area of residence delivers" in delivered[1]["detail"]
        assert "delivering_cjit" not in [s["step"] for s in case(THREE, POSITIVE).steps]

    def test_simulation_counts_the_home_cjits_work_apart_from_this_areas_pools(self):
        sc = replace(load_scenario("urban_intensive"), {"people.resident_in_area": 0.6})
        r = simulate(sc, days=120)
        p, k = r.people, r.kpis
        away = ~p["resident_in_area"]
        cautioned = p["caution_h"].notna()
        assert (p.loc[cautioned & away, "delivered_by"] == "home_cjit").all()
        assert (p.loc[cautioned & ~away, "delivered_by"] == "local_cjit").all()
        assert k["home_cjit_conditions"] == int((cautioned & away).sum()) > 0
        assert k["home_cjit_follow_up_assessments"] > 0
        hours = p["home_cjit_worker_hours"]
        assert (hours[~away] == 0).all() and hours[cautioned & away].gt(0).all()
        assert abs(k["home_cjit_hours"] - p["home_cjit_worker_hours"].sum()) < 1e-9
        assert not (p.loc[away, "session2_group"] == True).any()  # noqa: E712 - not this area's groups
        # not charged to this area's pool: everyone living here, and no one else, books community time
        everyone_here = simulate(replace(sc, {"people.resident_in_area": 1.0}), days=120).kpis
        assert k["busy_community_all_h"] < everyone_here["busy_community_all_h"]
