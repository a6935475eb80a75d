"""The case explainer: every branch of the walk, the actions, the output forms and every kind of bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package need not be installed to run the tests
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from dipsim.case import ACTIONS, CaseResult, explain, load_case, normalise_case  # noqa: E402
from dipsim.commands.case import main_case  # noqa: E402
from dipsim.errors import InputError  # noqa: E402


def run(offender=None, events=None, area=None, **kw) -> CaseResult:
    case = {"offender": {"offence": "shoplifting", **(offender or {})}}
    if events is not None:
        case["events"] = events
    if area is not None:
        case["area"] = area
    return explain(case, **kw)


def steps(r: CaseResult) -> list[str]:
    return [s["step"] for s in r.steps]


def step(r: CaseResult, name: str) -> dict:
    found = [s for s in r.steps if s["step"] == name]
    assert found, f"no step {name!r} in {steps(r)}"
    return found[0]


POSITIVE_ATTENDED = {"drug_test": "positive", "attends_initial_assessment": True}


# --------------------------------------------------------------------------- defaults

class TestDefaults:
    def test_documented_defaults(self):
        c = normalise_case({"offender": {"offence": "theft"}})
        assert c["area"] == {"intensive": True, "country": "england"}
        assert c["offender"] == {
            "age": 25, "offence": "theft", "admits_offence": True, "sufficient_evidence": True,
            "previous_convictions": 0, "recent_similar_offending": False, "known_drug_misuser": False,
            "resident_in_area": True, "home_cjit_can_deliver": True, "accepts_responsibility": True,
            "drug_use_profile": None, "resides_in_england": True}
        ev = c["events"]
        assert ev["drug_test"] == "not_tested" and ev["attends_initial_assessment"] is None
        assert ev["follow_up_assessment_arranged"] is False and ev["consents_to_share"] is True
        assert ev["police_bail"] is False and ev["cps_authorises"] is None and ev["accepts_caution"] is True
        assert ev["sessions"] == [] and ev["follow_up"] is None and ev["cps_condition"] is None
        assert ev["accepts_onward_referral"] is None and ev["inspector_authorises"] is False

    def test_resides_in_england_follows_country(self):
        c = normalise_case({"area": {"country": "wales"}, "offender": {"offence": "theft"}})
        assert c["offender"]["resides_in_england"] is False
        c = normalise_case({"area": {"country": "wales"}, "offender": {"offence": "theft", "resides_in_england": True,
                                                                       "resident_in_area": False}})
        assert c["offender"]["resides_in_england"] is True

    def test_default_case_not_tested_not_known_exits(self):
        r = run()
        assert r.disposal == "exit_no_drug_indication"
        assert (r.condition, r.outcome, r.actions) == (None, None, [])

    def test_normalising_twice_is_stable(self):
        c = normalise_case({"offender": {"offence": "theft"}, "events": {"sessions": ["attended"]}})
        assert normalise_case(c) == c


# --------------------------------------------------------------------------- §2.1

class TestPreconditions:
    def test_under_18_stops_before_testing(self):
        r = run({"age": 17, "known_drug_misuser": True})
        assert r.disposal == "not_eligible"
        assert r.steps == [{"step": "statutory_preconditions", "rule": "§2.1",
                            "detail": "aged 17: Conditional Cautions are for adult offenders only (18 or over)"}]
        assert r.actions == [] and r.condition is None and r.outcome is None

    def test_age_18_is_an_adult(self):
        assert run({"age": 18, "known_drug_misuser": True}).disposal == "dip_conditional_caution"

    def test_no_admission_still_tested_and_assessed(self):
        r = run({"admits_offence": False}, {"drug_test": "positive", "attends_initial_assessment": True,
                                            "follow_up_assessment_arranged": True})
        assert r.disposal == "not_eligible"
        assert steps(r) == ["statutory_preconditions", "drug_test", "assessment_route", "initial_assessment",
                            "dir", "follow_up_assessment"]  # §5: a DIR for everyone with a triage assessment
        assert step(r, "statutory_preconditions")["rule"] == "§2.1"
        assert step(r, "follow_up_assessment")["rule"] == "§3.1"
        assert r.actions == ["required_assessment_continues", "complete_dir"]
        failed = run({"admits_offence": False}, {"drug_test": "positive", "attends_initial_assessment": False})
        assert failed.disposal == "not_eligible" and failed.actions == ["report_ra_non_compliance"]

    def test_insufficient_evidence_not_eligible_even_if_route_exits(self):
        r = run({"sufficient_evidence": False})
        assert r.disposal == "not_eligible"
        assert "consent_to_share" not in steps(r)


# --------------------------------------------------------------------------- §2.2, Annex A routes

class TestRoutes:
    def test_test_step_records_the_given_result(self):
        r = run({"offence": "shoplifting", "known_drug_misuser": True}, {"drug_test": "negative"})
        s = step(r, "drug_test")
        assert s["rule"] == "§2.2"
        assert "negative" in s["detail"] and "is a trigger offence" in s["detail"]
        r = run({"offence": "violence", "known_drug_misuser": True})
        assert "not tested" in step(r, "drug_test")["detail"] and "not a trigger offence" in step(r, "drug_test")["detail"]

    def test_inspector_authorised_test_explained(self):
        r = run({"offence": "violence"}, {"drug_test": "positive", "inspector_authorises": True})
        assert "Inspector" in step(r, "drug_test")["detail"]

    def test_required_assessment_attended(self):
        r = run({"drug_use_profile": 1}, POSITIVE_ATTENDED)
        assert step(r, "assessment_route")["rule"] == "§2.2"
        assert step(r, "initial_assessment")["rule"] == "Annex A"
        assert r.disposal == "dip_conditional_caution" and r.condition == "one_session"
        assert "report_ra_non_compliance" not in r.actions

    def test_required_assessment_not_held_uses_police_knowledge(self):
        r = run({}, {"drug_test": "positive"})
        assert step(r, "initial_assessment")["rule"] == "Annex A note 2"
        assert r.disposal == "dip_conditional_caution"

    def test_failed_required_assessment(self):
        r = run({"drug_use_profile": 4}, {"drug_test": "positive", "attends_initial_assessment": False})
        assert r.actions[0] == "report_ra_non_compliance"
        assert r.disposal == "dip_conditional_caution"
        assert r.condition == "two_session"
        assert step(r, "condition")["rule"] == "§4.6.3"

    def test_voluntary_assessment_non_intensive(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 2}, {}, {"intensive": False})
        assert step(r, "assessment_route")["rule"] == "§4.6.6 Step 1"
        assert "initial_assessment" not in steps(r)
        assert r.condition == "two_session"

    def test_voluntary_assessment_intensive_negative_known(self):
        r = run({"known_drug_misuser": True}, {"drug_test": "negative"})
        assert step(r, "assessment_route")["rule"] == "§4.6.6 Step 1"
        assert r.disposal == "dip_conditional_caution"

    @pytest.mark.parametrize("area,test", [({"intensive": False}, "not_tested"), ({"intensive": True}, "negative"),
                                           ({"intensive": True}, "refused")])
    def test_exit(self, area, test):
        r = run({}, {"drug_test": test}, area)
        assert r.disposal == "exit_no_drug_indication"
        assert steps(r)[-1] == "assessment_route"
        assert step(r, "assessment_route")["rule"] == "Annex A"

    def test_a_follow_up_assessment_needs_an_initial_one_so_exit_has_none(self):
        # §2.2: the follow-up is arranged at the initial Required Assessment, which follows a positive test; EXIT
        # follows no positive test, so an EXIT with an arranged follow-up is a fact that cannot occur (point 13)
        with pytest.raises(InputError) as e:
            run({}, {"follow_up_assessment_arranged": True})
        assert e.value.key == "events.follow_up_assessment_arranged, events.attends_initial_assessment"


# --------------------------------------------------------------------------- police consideration, CPS

class TestPoliceAndCps:
    def test_full_police_sequence_in_order(self):
        r = run({"known_drug_misuser": True})
        names = steps(r)
        i = names.index("consent_to_share")
        assert names[i:i + 7] == ["consent_to_share", "attitude", "residence", "offence_suitability",
                                  "record_suitability", "police_recommendation", "cps_decision"]
        assert [s["rule"] for s in r.steps[i:i + 7]] == ["Annex A note 1", "§4.1", "§4.6.6 Step 1", "§4.1", "§4.1",
                                                        "§4.6.6 Step 2", "§4.6.6 Step 2"]

    def test_consent_refused(self):
        r = run({"known_drug_misuser": True}, {"drug_test": "positive", "attends_initial_assessment": True,
                                               "consents_to_share": False, "follow_up_assessment_arranged": True})
        assert r.disposal == "alternative_disposal"
        assert r.steps[-2]["step"] == "consent_to_share" and r.steps[-2]["rule"] == "Annex A note 1"
        assert "PACE" in r.steps[-2]["detail"]
        assert r.actions == ["required_assessment_continues", "complete_dir"]
        assert r.condition is None and r.outcome is None

    def test_denies_responsibility(self):
        r = run({"known_drug_misuser": True, "accepts_responsibility": False})
        assert r.disposal == "alternative_disposal"
        assert r.steps[-1]["step"] == "attitude" and r.steps[-1]["rule"] == "§4.1"

    def test_out_of_area_home_cjit_cannot_deliver(self):
        r = run({"known_drug_misuser": True, "resident_in_area": False, "home_cjit_can_deliver": False})
        assert r.disposal == "alternative_disposal"
        assert r.steps[-1]["step"] == "residence" and r.steps[-1]["rule"] == "§4.6.6 Step 1"

    def test_out_of_area_home_cjit_delivers(self):
        r = run({"known_drug_misuser": True, "resident_in_area": False, "home_cjit_can_deliver": True})
        assert r.disposal == "dip_conditional_caution"

    def test_local_prosecution_policy_stops_at_the_police(self):
        # §4.6.6 Step 2: "If the Police consider a DIP CC may be appropriate, they will seek CPS
        # authorisation." A case they do not recommend never reaches the CPS.
        r = run({"offence": "burglary", "known_drug_misuser": True})
        assert r.disposal == "alternative_disposal"
        assert step(r, "police_recommendation")["rule"] == "§2.1"  # the area's local policy, not §4.1
        assert r.steps[-1]["step"] == "police_recommendation" and "cps_decision" not in steps(r)
        # ... whatever the case file says the CPS would have done
        assert "cps_decision" not in steps(run({"offence": "burglary", "known_drug_misuser": True},
                                               {"cps_authorises": True}))

    def test_unwilling_voluntary_assessment_is_its_own_outcome(self):
        # §4.6.6 Step 1: the police ask "whether he is willing to see the drug worker" - and, separately,
        # for consent to share: unwilling is not refused consent.
        r = run({"known_drug_misuser": True}, {"willing_to_see_worker": False}, area={"intensive": False})
        assert r.disposal == "alternative_disposal"
        assert r.steps[-1]["step"] == "voluntary_assessment" and r.steps[-1]["rule"] == "§4.6.6 Step 1"
        assert "consent_to_share" not in steps(r) and "unwilling" in r.steps[-1]["detail"]

    def test_police_refer_on_the_merits(self):
        # §4.1: previous convictions are "not necessarily a bar ... each case should be considered on its own
        # merits"; the police may refer despite the record; the CPS then decides.
        off = {"known_drug_misuser": True, "previous_convictions": 7}
        assert run(off).disposal == "alternative_disposal"
        r = run(off, {"police_refer_on_merits": True})
        assert r.disposal == "dip_conditional_caution"
        assert step(r, "police_recommendation")["rule"] == "§4.1" and "merits" in step(r, "police_recommendation")["detail"]
        refused = run(off, {"police_refer_on_merits": True, "cps_authorises": False})
        assert refused.disposal == "alternative_disposal"
        assert step(refused, "cps_decision")["rule"] == "§4.5"
        assert refused.steps[-1]["step"] == "restriction_on_bail"  # §2.2: a charge may follow the refusal

    def test_group_4_needs_an_exceptional_reason(self):
        # Annex B group 4: "if they have a previous record, the current offence would be relatively minor and
        # there would probably be an exceptional reason for police / CPS believing that the caution would be
        # in the public interest."
        off = {"known_drug_misuser": True, "drug_use_profile": 4, "previous_convictions": 2}
        r = run(off)
        assert r.disposal == "alternative_disposal"
        assert step(r, "drug_use_suitability")["rule"] == "Annex B profile 4"
        r = run(off, {"exceptional_reason": True})
        assert r.disposal == "dip_conditional_caution" and r.condition == "three_session_follow_up"

    def test_cps_declines(self):
        r = run({"known_drug_misuser": True}, {**POSITIVE_ATTENDED, "cps_authorises": False,
                                               "follow_up_assessment_arranged": True})
        assert r.disposal == "alternative_disposal"
        assert r.actions == ["required_assessment_continues", "restriction_on_bail_may_apply", "complete_dir"]

    def test_recent_similar_offending(self):
        r = run({"known_drug_misuser": True, "recent_similar_offending": True})
        assert r.disposal == "alternative_disposal"
        assert "similar" in step(r, "record_suitability")["detail"]

    def test_limited_record_threshold_is_a_parameter(self):
        off = {"known_drug_misuser": True, "previous_convictions": 3}
        assert run(off).disposal == "dip_conditional_caution"
        assert run(off, max_previous_convictions=2).disposal == "alternative_disposal"


# --------------------------------------------------------------------------- the menu

class TestCondition:
    @pytest.mark.parametrize("profile,condition", [(1, "one_session"), (2, "two_session"), (3, "three_session"),
                                                   (4, "three_session_follow_up")])
    def test_annex_b(self, profile, condition):
        r = run({"known_drug_misuser": True, "drug_use_profile": profile})
        assert r.condition == condition
        assert step(r, "condition")["rule"] == f"Annex B profile {profile}"

    def test_no_profile_uses_record(self):
        assert run({"known_drug_misuser": True}).condition == "one_session"
        assert run({"known_drug_misuser": True, "previous_convictions": 1}).condition == "two_session"

    def test_cps_condition_sets_two_session_follow_up(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 2}, {"cps_condition": "two_session_follow_up"})
        assert r.condition == "two_session_follow_up"
        s = step(r, "condition")
        assert s["rule"] == "§4.5"
        assert "§4.6.4" in s["detail"] and "two_session" in s["detail"]
        assert "follow_up" in steps(r)

    def test_menu_policy_parameter(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 1}, menu_policy="three_sessions_for_all")
        assert r.condition == "three_session"
        with pytest.raises(ValueError, match="annex_b"):
            run(menu_policy="nope")


# --------------------------------------------------------------------------- the offer

class TestOffer:
    def declined(self, area=None, **off):
        return run({"known_drug_misuser": True, **off}, {"drug_test": "positive", "attends_initial_assessment": True,
                                                         "accepts_caution": False,
                                                         "follow_up_assessment_arranged": True}, area)

    def test_declined_in_england(self):
        r = self.declined()
        assert r.disposal == "declined_prosecution"
        assert r.condition == "one_session" and r.outcome is None
        assert step(r, "offer")["rule"] == "§4.6.6 Step 3"
        assert step(r, "restriction_on_bail")["rule"] == "§2.2"
        assert r.actions == ["required_assessment_continues", "restriction_on_bail_may_apply", "complete_dir",
                             "prosecution_considered"]
        assert not any(s["step"].startswith("session_") for s in r.steps)

    def test_declined_in_wales(self):
        r = self.declined({"country": "wales"})
        assert r.disposal == "declined_prosecution"
        assert r.actions == ["required_assessment_continues", "complete_dir", "prosecution_considered"]
        assert "Wales" in step(r, "restriction_on_bail")["detail"]

    def test_declined_in_england_living_in_wales(self):
        r = self.declined(resides_in_england=False, resident_in_area=False)
        assert "restriction_on_bail_may_apply" not in r.actions

    def test_declined_without_positive_test(self):
        r = run({"known_drug_misuser": True}, {"accepts_caution": False})
        assert r.actions == ["complete_dir", "prosecution_considered"]  # §5: the voluntary assessment's DIR


# --------------------------------------------------------------------------- follow-up assessment

class TestFollowUpAssessment:
    def test_cancelled_once_administered(self):
        r = run({}, {**POSITIVE_ATTENDED, "follow_up_assessment_arranged": True})
        s = step(r, "follow_up_assessment")
        assert s["rule"] == "Annex A note 3"
        assert r.actions == ["cancel_follow_up_assessment", "complete_dir"]
        # cancelled after the offer is accepted and before the sessions
        assert steps(r).index("offer") < steps(r).index("follow_up_assessment") < steps(r).index("session_1")

    def test_police_bail_keeps_it_until_the_caution(self):
        # §3.1: on police bail awaiting the CPS "the Required Assessment process should continue as normal";
        # Annex A note 3: once the caution is administered the follow-up is cancelled (no exception for bail).
        r = run({}, {**POSITIVE_ATTENDED, "follow_up_assessment_arranged": True, "police_bail": True})
        fa = [s for s in r.steps if s["step"] == "follow_up_assessment"]
        assert [s["rule"] for s in fa] == ["§3.1", "Annex A note 3"]
        assert r.actions == ["cancel_follow_up_assessment", "required_assessment_continues", "complete_dir"]

    def test_none_arranged_no_step(self):
        assert "follow_up_assessment" not in steps(run({}, POSITIVE_ATTENDED))


# --------------------------------------------------------------------------- sessions

THREE = {"known_drug_misuser": True, "drug_use_profile": 3}


class TestSessions:
    def test_all_attended_three_sessions(self):
        r = run(THREE)
        assert r.disposal == "dip_conditional_caution" and r.outcome == "complied"
        names = steps(r)
        assert names[names.index("offer") + 1:] == [
            "session_1", "dir", "session_2", "review_gap", "session_3", "onward_referral", "cjit_report",
            "police_closure"]
        assert step(r, "dir")["rule"] == "§5"
        assert step(r, "review_gap")["rule"] == "Annex C session 3"
        assert "three days" in step(r, "review_gap")["detail"] or "3 days" in step(r, "review_gap")["detail"]
        assert step(r, "cjit_report")["rule"] == "§4.6.6 Step 5"
        assert step(r, "police_closure")["rule"] == "§4.6.6 Step 6"
        assert r.actions == ["complete_dir", "refer_onward"]

    def test_one_session(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 1})
        names = steps(r)
        assert names[names.index("offer") + 1:] == ["session_1", "dir", "onward_referral", "cjit_report",
                                                     "police_closure"]
        assert "review_gap" not in names
        assert r.actions == ["complete_dir"]

    def test_two_sessions_have_no_gap_rule(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 2})
        assert "review_gap" not in steps(r)
        assert [s["step"] for s in r.steps if s["step"].startswith("session_")] == ["session_1", "session_2"]
        assert r.actions == ["complete_dir", "refer_onward"]

    def test_review_gap_days(self):
        r = run(THREE, {"review_gap_days": 2})
        s = step(r, "review_gap")
        assert s["rule"] == "Annex C session 3" and "falls short" in s["detail"]
        assert r.outcome == "complied"
        assert "meets" in step(run(THREE, {"review_gap_days": 3}), "review_gap")["detail"]

    @pytest.mark.parametrize("event", ["missed_without_notice", "left_early", "intoxicated",
                                       "unacceptable_behaviour"])
    def test_each_kind_of_non_compliance(self, event):
        r = run(THREE, {"sessions": ["attended", event, "attended"]})
        assert r.disposal == "dip_conditional_caution"
        assert r.outcome == "non_compliance_reported"
        assert r.actions == ["complete_dir", "prosecution_considered"]
        s2 = step(r, "session_2")
        # Annex C session 1: "Offender intoxicated may constitute a breach"; the rest §6
        assert s2["rule"] == ("Annex C session 1" if event == "intoxicated" else "§6")
        assert event.replace("_", " ") in s2["detail"]
        assert "session_3" not in steps(r) and "review_gap" not in steps(r)
        assert step(r, "unused_session_events")["detail"].startswith("1 session event")
        assert step(r, "police_closure")["rule"] == "§4.6.6 Step 6"

    def test_non_compliance_at_first_session_no_second_dir(self):
        r = run(THREE, {"sessions": ["missed_without_notice"]})
        assert r.actions == ["complete_dir", "prosecution_considered"]  # the DIR of the voluntary assessment (§5)
        assert steps(r).count("dir") == 1 and steps(r).index("dir") < steps(r).index("session_1")
        assert "unused_session_events" not in steps(r)

    def test_rearranged_once_then_attended(self):
        r = run(THREE, {"sessions": ["missed_with_notice", "attended", "attended", "attended"]})
        assert r.outcome == "complied"
        assert [s["step"] for s in r.steps if s["step"].startswith("session_")] == [
            "session_1", "session_1", "session_2", "session_3"]
        assert r.actions == ["complete_dir", "reschedule_session", "refer_onward"]

    def test_rearranged_twice_is_non_compliance(self):
        r = run(THREE, {"sessions": ["missed_with_notice", "missed_with_notice"]})
        assert r.outcome == "non_compliance_reported"
        assert r.actions == ["complete_dir", "reschedule_session", "prosecution_considered"]
        assert "re-arranged" in r.steps[steps(r).index("cjit_report") - 1]["detail"]

    def test_rearrangements_counted_per_session(self):
        r = run(THREE, {"sessions": ["missed_with_notice", "attended", "missed_with_notice", "attended"]})
        assert r.outcome == "complied"
        assert r.actions.count("reschedule_session") == 1  # de-duplicated

    def test_max_rearrangements_parameter(self):
        ev = {"sessions": ["missed_with_notice", "missed_with_notice", "attended"]}
        assert run(THREE, ev).outcome == "non_compliance_reported"
        assert run(THREE, ev, max_rearrangements=2).outcome == "complied"
        assert run(THREE, {"sessions": ["missed_with_notice"]}, max_rearrangements=0).outcome == \
            "non_compliance_reported"

    def test_rearranged_session_unlisted_counts_as_attended(self):
        r = run(THREE, {"sessions": ["missed_with_notice"]})
        assert r.outcome == "complied"
        assert "not listed" in [s for s in r.steps if s["step"] == "session_1"][1]["detail"]

    def test_extra_events_are_ignored_but_mentioned(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 1},
                {"sessions": ["attended", "intoxicated", "left_early"]})
        assert r.outcome == "complied"
        s = step(r, "unused_session_events")
        assert "2 session event(s)" in s["detail"] and "intoxicated" in s["detail"]

    def test_onward_referral_declined(self):
        r = run(THREE, {"accepts_onward_referral": False})
        assert "refer_onward" not in r.actions
        assert step(r, "onward_referral")["rule"] == "Annex C session 3"

    def test_no_onward_referral_for_profile_1(self):
        r = run({"known_drug_misuser": True, "drug_use_profile": 1})
        assert step(r, "onward_referral")["rule"] == "Annex B profile 1"
        assert "refer_onward" not in r.actions


# --------------------------------------------------------------------------- follow-up condition

FOUR = {"known_drug_misuser": True, "drug_use_profile": 4}


class TestFollowUpCondition:
    def test_null_follow_up_is_complied(self):
        r = run(FOUR)
        assert r.outcome == "complied"
        assert step(r, "follow_up")["rule"] == "§4.6.4"

    def test_follow_up_not_complied(self):
        r = run(FOUR, {"follow_up": "not_complied"})
        assert r.outcome == "non_compliance_reported"
        assert step(r, "follow_up")["rule"] == "§6"
        assert r.actions == ["complete_dir", "refer_onward", "prosecution_considered"]

    def test_follow_up_not_reached_after_session_non_compliance(self):
        r = run(FOUR, {"sessions": ["left_early"], "follow_up": "complied"})
        assert "follow_up" not in steps(r)
        assert r.outcome == "non_compliance_reported"

    def test_follow_up_period(self):
        r = run(FOUR, {"follow_up_max_days": 60, "follow_up_need_days": 30})
        s = step(r, "follow_up_period")
        assert s["rule"] == "§4.6.4" and "30 days" in s["detail"] and "60" in s["detail"]
        r = run(FOUR, {"follow_up_max_days": 60})
        assert "60 days" in step(r, "follow_up_period")["detail"]

    def test_follow_up_event_without_follow_up_condition_is_noted(self):
        r = run(THREE, {"follow_up": "not_complied"})
        assert r.outcome == "complied"
        s = step(r, "follow_up")
        assert s["rule"] == "§4.6.4" and "not used" in s["detail"]


# --------------------------------------------------------------------------- result and output

class TestOutput:
    def test_actions_canonical_order(self):
        r = run({"drug_use_profile": 2, "known_drug_misuser": True},
                {"drug_test": "positive", "attends_initial_assessment": False,
                 "sessions": ["missed_with_notice", "attended", "unacceptable_behaviour"]})
        assert r.actions == ["report_ra_non_compliance", "restriction_on_bail_may_apply", "complete_dir",
                             "reschedule_session", "prosecution_considered"]
        assert r.actions == [a for a in ACTIONS if a in r.actions]

    def test_every_step_cites_the_guidance(self):
        r = run(FOUR, {"drug_test": "positive", "attends_initial_assessment": True,
                       "follow_up_assessment_arranged": True, "follow_up_max_days": 30})
        for s in r.steps:
            assert set(s) == {"step", "rule", "detail"}
            assert s["rule"].startswith(("§", "Annex")), s
            assert s["detail"]

    def test_to_dict(self):
        d = run(THREE).to_dict()
        assert list(d) == ["disposal", "condition", "outcome", "actions", "steps"]
        assert json.loads(json.dumps(d)) == d

    def test_result_is_frozen(self):
        r = run(THREE)
        with pytest.raises(AttributeError):
            r.disposal = "x"  # type: ignore[misc]

    def test_to_text(self):
        r = run(THREE)
        text = r.to_text("Card 1")
        assert text.startswith("Card 1\n")
        assert " 1. [§2.1] statutory preconditions" in text
        assert "[Annex C session 3] review gap" in text
        assert "Disposal:  dip_conditional_caution" in text
        assert "Condition: three_session (Three Session Condition)" in text
        assert "- refer_onward:" in text

    def test_main_case_json(self, tmp_path):
        p = tmp_path / "c.yaml"
        p.write_text("offender: {offence: theft, known_drug_misuser: true, drug_use_profile: 2}\n"
                     "events: {sessions: [attended, left_early]}\n")
        out = io.StringIO()
        assert main_case(str(p), True, out) == 0
        d = json.loads(out.getvalue())
        assert d["disposal"] == "dip_conditional_caution" and d["condition"] == "two_session"
        assert d["outcome"] == "non_compliance_reported"
        assert d["actions"] == ["complete_dir", "prosecution_considered"]

    def test_main_case_text_uses_card_title(self, tmp_path):
        p = tmp_path / "c.yaml"
        p.write_text("card: {title: Jo the shoplifter, narrative: x, questions: ['why?']}\n"
                     "offender: {offence: shoplifting, age: 16}\n")
        out = io.StringIO()
        assert main_case(str(p), False, out) == 0
        text = out.getvalue()
        assert text.startswith("Jo the shoplifter\n")
        assert "Disposal:  not_eligible" in text

    def test_main_case_lets_input_error_propagate(self, tmp_path):
        with pytest.raises(InputError):
            main_case(str(tmp_path / "missing.yaml"), True, io.StringIO())


# --------------------------------------------------------------------------- bad input

def write(tmp_path: Path, content: str | bytes) -> Path:
    p = tmp_path / "case.yaml"
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


def error_for(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_case(path)
    err = info.value
    line = str(err)
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    return err


FILE_ERRORS = {
    "empty": ("", "empty"),
    "blank": ("   \n\n", "empty"),
    "only comments": ("# nothing here\n", "empty"),
    "bad yaml": ("offender: {offence: theft\n", "not valid YAML"),
    "bad indentation": ("offender:\n  offence: theft\n   age: 3\n", "not valid YAML"),
    "two documents": ("offender: {offence: theft}\n---\nx: 1\n", "not valid YAML"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\x00", "binary"),
    "undecodable": (b"offender: {offence: \xff\xfe\xfa}\n", "UTF-8"),
    "top-level list": ("- offender\n- events\n", "expected a mapping"),
    "top-level scalar": ("just some words\n", "expected a mapping"),
}


class TestBadFiles:
    def test_missing_file(self, tmp_path):
        err = error_for(tmp_path / "nope.yaml")
        assert err.key is None and "not found" in str(err)

    def test_directory(self, tmp_path):
        err = error_for(tmp_path)
        assert "directory" in str(err)

    @pytest.mark.parametrize("name", list(FILE_ERRORS))
    def test_file_level(self, tmp_path, name):
        content, words = FILE_ERRORS[name]
        err = error_for(write(tmp_path, content))
        assert err.key is None
        assert words in str(err)

    def test_yaml_error_gives_the_line(self, tmp_path):
        err = error_for(write(tmp_path, "offender:\n  offence: theft\n   age: 3\n"))
        assert "line 3" in str(err)


BAD_KEYS = [
    # (yaml, key, words in message)
    ("offender: [theft]\n", "offender", "mapping"),
    ("offender:\n", "offender", "mapping"),
    ("events: 3\noffender: {offence: theft}\n", "events", "mapping"),
    ("offence: theft\n", "offence", "unknown section"),
    ("offender: {offence: theft, name: Jo}\n", "offender.name", "unknown key"),
    ("offender: {age: 30}\n", "offender.offence", "required"),
    ("offender: {offence: arson}\n", "offender.offence", "shoplifting"),
    ("offender: {offence: Theft}\n", "offender.offence", "theft"),
    ("offender: {offence: 3}\n", "offender.offence", "one of"),
    ("offender: {offence: theft, admits_offence: 'yes'}\n", "offender.admits_offence", "true or false"),
    ("offender: {offence: theft, admits_offence: 1}\n", "offender.admits_offence", "true or false"),
    ("offender: {offence: theft, admits_offence: null}\n", "offender.admits_offence", "true or false"),
    ("offender: {offence: theft, age: 25.0}\n", "offender.age", "whole number"),
    ("offender: {offence: theft, age: '25'}\n", "offender.age", "whole number"),
    ("offender: {offence: theft, age: true}\n", "offender.age", "whole number"),
    ("offender: {offence: theft, age: .nan}\n", "offender.age", "NaN"),
    ("offender: {offence: theft, age: -1}\n", "offender.age", ">= 0"),
    ("offender: {offence: theft, previous_convictions: -2}\n", "offender.previous_convictions", ">= 0"),
    ("offender: {offence: theft, previous_convictions: 1.5}\n", "offender.previous_convictions", "whole number"),
    ("offender: {offence: theft, drug_use_profile: 5}\n", "offender.drug_use_profile", "1, 2, 3 or 4"),
    ("offender: {offence: theft, drug_use_profile: 0}\n", "offender.drug_use_profile", "Annex B"),
    ("offender: {offence: theft, drug_use_profile: 2.0}\n", "offender.drug_use_profile", "Annex B"),
    ("offender: {offence: theft, drug_use_profile: true}\n", "offender.drug_use_profile", "Annex B"),
    ("area: {country: scotland}\noffender: {offence: theft}\n", "area.country", "england, wales"),
    ("area: {intensive: maybe}\noffender: {offence: theft}\n", "area.intensive", "true or false"),
    ("offender: {offence: theft}\nevents: {drug_test: pos}\n", "events.drug_test", "positive"),
    ("offender: {offence: theft}\nevents: {sessions: attended}\n", "events.sessions", "list"),
    ("offender: {offence: theft}\nevents: {sessions: [attended, late]}\n", "events.sessions[1]", "left_early"),
    ("offender: {offence: theft}\nevents: {sessions: [attended, 3]}\n", "events.sessions[1]", "attended"),
    ("offender: {offence: theft}\nevents: {follow_up: partly}\n", "events.follow_up", "not_complied"),
    ("offender: {offence: theft}\nevents: {cps_condition: four_session}\n", "events.cps_condition",
     "three_session_follow_up"),
    ("offender: {offence: theft}\nevents: {cps_authorises: 'no'}\n", "events.cps_authorises", "or null"),
    ("offender: {offence: theft}\nevents: {attends_initial_assessment: 0}\n", "events.attends_initial_assessment",
     "true or false"),
    ("offender: {offence: theft}\nevents: {review_gap_days: 2.5}\n", "events.review_gap_days", "whole number"),
    ("offender: {offence: theft}\nevents: {follow_up_need_days: 30}\n", "events.follow_up_need_days", "§4.6.4"),
    ("offender: {offence: theft}\ncard: {title: 3}\n", "card.title", "text"),
    ("offender: {offence: theft}\ncard: {questions: why}\n", "card.questions", "list"),
    ("offender: {offence: theft}\ncard: {questions: [why, '']}\n", "card.questions[1]", "non-empty"),
    ("offender: {offence: theft}\ncard: {perspectives: [probation]}\n", "card.perspectives[0]", "cjit"),
    ("offender: {offence: theft}\ncard: {answer: x}\n", "card.answer", "unknown key"),
    ("offender: {offence: theft, age: 30, age: 31}\n", "age", "duplicate"),
]


class TestBadKeys:
    @pytest.mark.parametrize("content,key,words", BAD_KEYS, ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(BAD_KEYS)])
    def test_bad_key(self, tmp_path, content, key, words):
        path = write(tmp_path, content)
        err = error_for(path)
        assert err.key == key
        assert str(err).startswith(f"{path}: {key}: ")
        assert words in str(err)

    def test_explain_validates_a_raw_dict(self):
        with pytest.raises(InputError) as info:
            explain({"offender": {"offence": "theft", "age": -3}})
        assert str(info.value).startswith("<case>: offender.age: ")

    def test_yaml_booleans_and_nulls_accepted(self, tmp_path):
        c = load_case(write(tmp_path, "offender: {offence: theft, admits_offence: false, drug_use_profile: ~}\n"
                                      "events: {cps_authorises: null, sessions: []}\ncard: {}\n"))
        assert c["offender"]["admits_offence"] is False and c["offender"]["drug_use_profile"] is None

    def test_utf8_bom_accepted(self, tmp_path):
        c = load_case(write(tmp_path, "\ufeffoffender: {offence: theft}\n".encode("utf-8")))
        assert c["offender"]["offence"] == "theft"


# --------------------------------------------------------------------------- the command line

def dipsim(*args: str, cwd: Path = ROOT):
    import os
    import subprocess
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


class TestCli:
    def test_case_json_is_one_object_matching_explain(self, tmp_path):
        p = write(tmp_path, "offender: {offence: shoplifting, drug_use_profile: 3}\n"
                            "events: {drug_test: positive, attends_initial_assessment: true,\n"
                            "         follow_up_assessment_arranged: true, sessions: [attended, intoxicated]}\n")
        proc = dipsim("case", str(p), "--json")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        assert json.loads(proc.stdout) == explain(load_case(p)).to_dict()
        d = json.loads(proc.stdout)
        assert d["outcome"] == "non_compliance_reported"
        assert d["actions"] == ["cancel_follow_up_assessment", "restriction_on_bail_may_apply", "complete_dir",
                                "prosecution_considered"]

    def test_case_text(self, tmp_path):
        p = write(tmp_path, "offender: {offence: theft, age: 17}\n")
        proc = dipsim("case", str(p))
        assert proc.returncode == 0, proc.stderr
        assert "1. [§2.1] statutory preconditions" in proc.stdout
        assert "Disposal:  not_eligible" in proc.stdout

    def test_case_options_reach_the_explainer(self, tmp_path):
        p = write(tmp_path, "offender: {offence: theft, known_drug_misuser: true, drug_use_profile: 1}\n")
        proc = dipsim("case", str(p), "--json", "--menu-policy", "three_sessions_for_all")
        assert json.loads(proc.stdout)["condition"] == "three_session"

    @pytest.mark.parametrize("content,key", [
        ("offender: {offence: theft, age: -1}\n", "offender.age"),
        ("offender: {offence: arson}\n", "offender.offence"),
        ("offender: {offence: theft}\nevents: {sessions: [late]}\n", "events.sessions[0]"),
        ("offender: {offence: theft, admits_offence: 'yes'}\n", "offender.admits_offence"),
    ])
    def test_bad_input_exit_2_one_line(self, tmp_path, content, key):
        p = write(tmp_path, content)
        proc = dipsim("case", str(p), "--json")
        assert proc.returncode == 2
        assert proc.stdout == ""
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert f"{p}: {key}: " in lines[0]

    @pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff", b"offender: [\n"])
    def test_bad_files_exit_2(self, tmp_path, content):
        p = write(tmp_path, content)
        proc = dipsim("case", str(p))
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
        assert str(p) in proc.stderr and "Traceback" not in proc.stderr

    def test_missing_file_exit_2(self, tmp_path):
        proc = dipsim("case", str(tmp_path / "none.yaml"))
        assert proc.returncode == 2 and "not found" in proc.stderr and "Traceback" not in proc.stderr
