"""Unit tests of the guidance's rules, section by section: each asserts the decision AND its citation."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package need not be installed to run the tests
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from dipsim.rules import (CONDITIONS, MENU_POLICIES, Decision, assessment_route, attitude,  # noqa: E402
                          choose_condition, cjit_report, consent_to_share, cps_decision, dir_required,
                          follow_up_assessment, follow_up_outcome, follow_up_period, has_follow_up,
                          initial_assessment, offence, offence_suitability, offer_response, onward_referral,
                          police_closure, police_consideration, police_recommendation, record_suitability,
                          residence, restriction_on_bail, review_gap_ok, session_event, sessions,
                          statutory_preconditions)
from dipsim.rules import testing as testing_rules  # noqa: E402  (not imported by name: pytest would collect it)
from dipsim.rules.offences import OFFENCES  # noqa: E402


def vr(d: Decision) -> tuple:
    return d.value, d.rule


# --------------------------------------------------------------------------- §2.1

class TestStatutoryPreconditions:
    def test_adult_admits_with_evidence(self):
        assert vr(statutory_preconditions(18, True, True)) == (True, "§2.1")

    def test_under_18_is_not_eligible(self):
        d = statutory_preconditions(17, True, True)
        assert vr(d) == (False, "§2.1")
        assert "18" in d.detail

    def test_no_admission(self):
        d = statutory_preconditions(30, False, True)
        assert vr(d) == (False, "§2.1")
        assert "admission" in d.detail

    def test_insufficient_evidence(self):
        d = statutory_preconditions(30, True, False)
        assert vr(d) == (False, "§2.1")
        assert "evidence" in d.detail

    def test_decision_cannot_be_used_as_a_condition(self):
        with pytest.raises(TypeError):
            bool(statutory_preconditions(30, True, True))


# --------------------------------------------------------------------------- §2.2 testing, RA, RoB

class TestTestingOnArrest:
    def test_trigger_offence_in_intensive_area_is_tested(self):
        d = testing_rules.test_on_arrest(True, 25, "shoplifting", False)
        assert vr(d) == (True, "§2.2")
        assert "trigger" in d.detail

    def test_non_intensive_area_no_testing(self):
        assert vr(testing_rules.test_on_arrest(False, 25, "shoplifting", True)) == (False, "§2.2")

    def test_under_18_not_tested(self):
        assert vr(testing_rules.test_on_arrest(True, 17, "shoplifting", True)) == (False, "§2.2")

    def test_non_trigger_needs_an_inspector(self):
        assert vr(testing_rules.test_on_arrest(True, 25, "violence", False)) == (False, "§2.2")
        d = testing_rules.test_on_arrest(True, 25, "violence", True)
        assert vr(d) == (True, "§2.2")
        assert "Inspector" in d.detail

    @pytest.mark.parametrize("name", ["theft", "robbery", "burglary", "vehicle_crime", "fraud", "begging",
                                      "possession_class_a", "supply_class_a", "shoplifting"])
    def test_trigger_offences(self, name):
        assert OFFENCES[name].trigger is True

    @pytest.mark.parametrize("name", ["violence", "public_order", "criminal_damage", "possession_other"])
    def test_non_trigger_offences(self, name):
        assert OFFENCES[name].trigger is False

    def test_unknown_offence_names_the_known_ones(self):
        with pytest.raises(KeyError, match="shoplifting"):
            offence("jaywalking")


class TestAssessmentRoute:
    def test_intensive_positive_is_required(self):
        assert vr(assessment_route(True, "positive", False)) == ("required_assessment", "§2.2")

    @pytest.mark.parametrize("result", ["negative", "refused", "not_tested"])
    def test_intensive_no_positive_known_user_is_voluntary(self, result):
        assert vr(assessment_route(True, result, True)) == ("voluntary_assessment", "§4.6.6 Step 1")

    def test_non_intensive_known_user_is_voluntary(self):
        d = assessment_route(False, "not_tested", True)
        assert vr(d) == ("voluntary_assessment", "§4.6.6 Step 1")
        assert "known drug misuser" in d.detail

    def test_non_intensive_positive_test_is_voluntary_not_required(self):
        d = assessment_route(False, "positive", False)
        assert vr(d) == ("voluntary_assessment", "§4.6.6 Step 1")
        assert "known drug misuser" not in d.detail  # he is not: the test is the indication

    @pytest.mark.parametrize("intensive,result", [(True, "negative"), (True, "not_tested"), (False, "not_tested"),
                                                  (True, "refused")])
    def test_unknown_and_no_positive_is_exit(self, intensive, result):
        assert vr(assessment_route(intensive, result, False)) == ("exit", "Annex A")


class TestInitialAssessment:
    def test_attends(self):
        assert vr(initial_assessment(True)) == ("attended", "Annex A")

    def test_fails(self):
        d = initial_assessment(False)
        assert vr(d) == ("failed", "Annex A")
        assert "non-compliance" in d.detail

    def test_not_held_uses_police_knowledge(self):
        assert vr(initial_assessment(None)) == ("not_held", "Annex A note 2")


class TestFollowUpAssessment:
    def test_none_arranged(self):
        assert vr(follow_up_assessment(False, True, False)) == ("none", "§2.2")

    def test_cancelled_once_caution_administered(self):
        d = follow_up_assessment(True, True, False)
        assert vr(d) == ("cancel", "Annex A note 3")
        assert "MG14" in d.detail

    def test_continues_without_caution(self):
        assert vr(follow_up_assessment(True, False, False)) == ("continue", "§3.1")

    def test_continues_on_police_bail_even_with_caution(self):
        d = follow_up_assessment(True, True, True)
        assert vr(d) == ("continue", "§3.1")
        assert "police bail" in d.detail


class TestRestrictionOnBail:
    def test_positive_in_england_resident_in_england(self):
        assert vr(restriction_on_bail("england", True, "positive")) == (True, "§2.2")

    def test_not_in_wales(self):
        d = restriction_on_bail("wales", True, "positive")
        assert vr(d) == (False, "§2.2")
        assert "Wales" in d.detail

    def test_not_for_residents_outside_england(self):
        assert vr(restriction_on_bail("england", False, "positive")) == (False, "§2.2")

    @pytest.mark.parametrize("result", ["negative", "refused", "not_tested"])
    def test_only_after_a_positive_test(self, result):
        assert vr(restriction_on_bail("england", True, result)) == (False, "§2.2")


# --------------------------------------------------------------------------- Annex A note 1, §4.1, §4.6.6 Step 1

class TestConsent:
    def test_consent_given(self):
        assert vr(consent_to_share(True, "positive")) == (True, "Annex A note 1")

    def test_refused_bars(self):
        d = consent_to_share(False, "negative")
        assert vr(d) == (False, "Annex A note 1")
        assert "PACE" not in d.detail

    def test_refused_after_positive_test_mentions_pace(self):
        d = consent_to_share(False, "positive")
        assert vr(d) == (False, "Annex A note 1")
        assert "PACE" in d.detail


class TestEligibility:
    @pytest.mark.parametrize("name", ["possession_class_a", "possession_other"])
    def test_possession(self, name):
        d = offence_suitability(name)
        assert vr(d) == (True, "§4.1")
        assert "possession" in d.detail

    @pytest.mark.parametrize("name", ["shoplifting", "theft", "vehicle_crime", "fraud", "begging"])
    def test_low_level_acquisitive(self, name):
        d = offence_suitability(name)
        assert vr(d) == (True, "§4.1")
        assert "acquisitive" in d.detail

    @pytest.mark.parametrize("name", ["violence", "public_order", "criminal_damage"])
    def test_non_acquisitive_recreational(self, name):
        d = offence_suitability(name)
        assert vr(d) == (True, "§4.1")
        assert "recreational" in d.detail

    @pytest.mark.parametrize("name", ["supply_class_a", "burglary", "robbery"])
    def test_serious_offences(self, name):
        d = offence_suitability(name)
        assert vr(d) == (False, "§4.1")
        assert "prosecution" in d.detail

    def test_record_none(self):
        assert vr(record_suitability(0, False, 5)) == (True, "§4.1")

    def test_record_limited_not_a_bar(self):
        d = record_suitability(5, False, 5)
        assert vr(d) == (True, "§4.1")
        assert "not necessarily a bar" in d.detail

    def test_record_beyond_threshold(self):
        d = record_suitability(6, False, 5)
        assert vr(d) == (False, "§4.1")
        assert "threshold 5" in d.detail

    def test_recent_similar_offending_prefers_prosecution(self):
        d = record_suitability(0, True, 5)
        assert vr(d) == (False, "§4.1")
        assert "similar" in d.detail

    def test_attitude(self):
        assert vr(attitude(True)) == (True, "§4.1")
        d = attitude(False)
        assert vr(d) == (False, "§4.1")
        assert "responsibility" in d.detail

    def test_residence_local(self):
        assert vr(residence(True, False)) == (True, "§4.6.6 Step 1")

    def test_residence_out_of_area_home_cjit_delivers(self):
        d = residence(False, True)
        assert vr(d) == (True, "§4.6.6 Step 1")
        assert "another area" in d.detail

    def test_residence_out_of_area_home_cjit_cannot(self):
        d = residence(False, False)
        assert vr(d) == (False, "§4.6.6 Step 1")
        assert "alternative disposal" in d.detail


# --------------------------------------------------------------------------- §4.6.6 Steps 1-2, §4.5

def _consider(**over):
    kw = dict(consents_to_share=True, test_result="positive", offence_name="shoplifting", previous_convictions=0,
              recent_similar_offending=False, max_previous_convictions=5, accepts_responsibility=True,
              resident_in_area=True, home_cjit_can_deliver=True)
    kw.update(over)
    return police_consideration(**kw)


class TestPoliceConsideration:
    def test_referred_with_recommendation(self):
        c = _consider()
        assert c.referred is True
        assert vr(c.recommendation) == (True, "§4.6.6 Step 2")
        assert [s.rule for s in c.steps] == ["Annex A note 1", "§4.1", "§4.6.6 Step 1", "§4.1", "§4.1",
                                            "§4.6.6 Step 2"]

    def test_consent_refused_stops_first(self):
        c = _consider(consents_to_share=False, accepts_responsibility=False)
        assert c.referred is False and c.recommendation is None
        assert [vr(s) for s in c.steps] == [(False, "Annex A note 1")]

    def test_attitude_bar_before_residence(self):
        c = _consider(accepts_responsibility=False, resident_in_area=False, home_cjit_can_deliver=False)
        assert c.referred is False
        assert [vr(s) for s in c.steps] == [(True, "Annex A note 1"), (False, "§4.1")]

    def test_residence_bar(self):
        c = _consider(resident_in_area=False, home_cjit_can_deliver=False)
        assert c.referred is False
        assert vr(c.steps[-1]) == (False, "§4.6.6 Step 1")

    def test_serious_offence_referred_but_recommended_against(self):
        c = _consider(offence_name="burglary")
        assert c.referred is True
        assert vr(c.recommendation) == (False, "§4.1")
        assert c.recommendation.detail.startswith("police recommend against")

    def test_record_recommended_against(self):
        c = _consider(previous_convictions=9)
        assert vr(c.recommendation) == (False, "§4.1")


class TestCps:
    def test_police_recommendation_offence_first(self):
        d = police_recommendation(offence_suitability("robbery"), record_suitability(9, False, 5))
        assert vr(d) == (False, "§4.1")
        assert "Robbery" in d.detail

    def test_follows_recommendation(self):
        yes = police_recommendation(offence_suitability("theft"), record_suitability(0, False, 5))
        no = police_recommendation(offence_suitability("robbery"), record_suitability(0, False, 5))
        d = cps_decision(yes, None)
        assert vr(d) == (True, "§4.6.6 Step 2")
        assert "follows" in d.detail
        d = cps_decision(no, None)
        assert vr(d) == (False, "Annex A")
        assert "alternative disposal" in d.detail

    def test_cps_decides_on_the_merits(self):
        yes = police_recommendation(offence_suitability("theft"), record_suitability(0, False, 5))
        no = police_recommendation(offence_suitability("robbery"), record_suitability(0, False, 5))
        d = cps_decision(no, True)
        assert vr(d) == (True, "§4.6.6 Step 2")
        assert "merits" in d.detail
        d = cps_decision(yes, False)
        assert vr(d) == (False, "Annex A")
        assert "merits" in d.detail
        assert "agrees" in cps_decision(yes, True).detail


# --------------------------------------------------------------------------- §4.6 menu, Annex B

class TestMenu:
    @pytest.mark.parametrize("profile,condition,rule", [
        (1, "one_session", "Annex B profile 1"),
        (2, "two_session", "Annex B profile 2"),
        (3, "three_session", "Annex B profile 3"),
        (4, "three_session_follow_up", "Annex B profile 4"),
    ])
    def test_annex_b_profiles(self, profile, condition, rule):
        assert vr(choose_condition("annex_b", profile, False, 0)) == (condition, rule)

    def test_no_profile_first_offender_one_session(self):
        assert vr(choose_condition("annex_b", None, False, 0)) == ("one_session", "§4.6.1")

    def test_no_profile_previous_offending_two_sessions(self):
        assert vr(choose_condition("annex_b", None, False, 2)) == ("two_session", "§4.6.2")

    @pytest.mark.parametrize("profile", [None, 2, 3, 4])
    def test_failed_required_assessment_one_or_two_sessions(self, profile):
        d = choose_condition("annex_b", profile, True, 0)
        assert vr(d) == ("two_session", "§4.6.3")

    def test_failed_required_assessment_profile_1_one_session(self):
        assert vr(choose_condition("annex_b", 1, True, 0)) == ("one_session", "§4.6.3")

    def test_annex_b_never_two_session_follow_up(self):
        got = {choose_condition("annex_b", p, f, n).value for p in (None, 1, 2, 3, 4) for f in (True, False)
               for n in (0, 3)}
        assert "two_session_follow_up" not in got
        assert got == set(CONDITIONS) - {"two_session_follow_up"}

    def test_no_follow_up_policy(self):
        d = choose_condition("no_follow_up", 4, False, 0)
        assert vr(d) == ("three_session", "§4.6.5")

    def test_fixed_policies(self):
        assert vr(choose_condition("three_sessions_for_all", 1, False)) == ("three_session", "§4.6.3")
        assert vr(choose_condition("one_session_for_all", 4, False)) == ("one_session", "§4.6.1")

    def test_unknown_policy(self):
        with pytest.raises(KeyError, match="annex_b"):
            choose_condition("whatever", 1, False)
        assert "annex_b" in MENU_POLICIES

    def test_session_plans(self):
        assert sessions("one_session") == ("single_session",)
        assert sessions("two_session") == sessions("two_session_follow_up") == ("assessment_education", "review")
        assert sessions("three_session") == sessions("three_session_follow_up") == ("triage", "education", "review")

    def test_follow_up_only_on_two_or_three(self):
        assert [c for c in CONDITIONS if has_follow_up(c)] == ["two_session_follow_up", "three_session_follow_up"]


# --------------------------------------------------------------------------- §4.6.6 Step 3

class TestOffer:
    def test_accepts(self):
        assert vr(offer_response(True)) == (True, "§4.6.6 Step 3")

    def test_declines(self):
        d = offer_response(False)
        assert vr(d) == (False, "§4.6.6 Step 3")
        assert "prosecuted" in d.detail


# --------------------------------------------------------------------------- §6, §5, Annex C, §4.6.4, Steps 5-6

class TestCompliance:
    def test_attended(self):
        assert vr(session_event("attended", 0, 1)) == ("attended", "§6")

    def test_missed_with_notice_rearranged_up_to_the_limit(self):
        d = session_event("missed_with_notice", 0, 1)
        assert vr(d) == ("rearrange", "§6")
        assert "writing" in d.detail and "warning" in d.detail
        assert vr(session_event("missed_with_notice", 1, 1)) == ("non_compliance", "§6")
        assert vr(session_event("missed_with_notice", 1, 2)) == ("rearrange", "§6")
        assert vr(session_event("missed_with_notice", 0, 0)) == ("non_compliance", "§6")

    @pytest.mark.parametrize("event,words", [("missed_without_notice", "without prior notification"),
                                             ("left_early", "left before"),
                                             ("intoxicated", "intoxicated"),
                                             ("unacceptable_behaviour", "risk of harm")])
    def test_non_compliance_kinds(self, event, words):
        d = session_event(event, 0, 5)
        assert vr(d) == ("non_compliance", "§6")
        assert words in d.detail

    def test_unknown_event(self):
        with pytest.raises(ValueError, match="attended"):
            session_event("slept_in", 0, 1)

    @pytest.mark.parametrize("kind", ["single_session", "assessment_education", "triage"])
    def test_dir_after_triage(self, kind):
        assert vr(dir_required(kind)) == (True, "§5")

    @pytest.mark.parametrize("kind", ["education", "review"])
    def test_no_dir_without_triage(self, kind):
        assert vr(dir_required(kind)) == (False, "§5")

    def test_review_gap(self):
        assert vr(review_gap_ok(3.0, 3.0)) == (True, "Annex C session 3")
        assert vr(review_gap_ok(2.5, 3.0)) == (False, "Annex C session 3")

    def test_follow_up_period_worker_assesses_within_cps_maximum(self):
        assert vr(follow_up_period(60, 30)) == (30, "§4.6.4")
        assert vr(follow_up_period(60, 150)) == (60, "§4.6.4")
        assert vr(follow_up_period(60, -5)) == (0, "§4.6.4")

    def test_follow_up_outcome(self):
        assert vr(follow_up_outcome(True)) == (True, "§4.6.4")
        assert vr(follow_up_outcome(False)) == (False, "§6")

    def test_onward_referral(self):
        assert vr(onward_referral(4, False, True)) == (False, "Annex C session 3")
        assert vr(onward_referral(1, True, True)) == (False, "Annex B profile 1")
        assert vr(onward_referral(None, True, True)) == (False, "Annex C session 3")
        assert vr(onward_referral(3, True, False)) == (False, "Annex C session 3")
        assert vr(onward_referral(2, True, None)) == (True, "Annex B profile 2")
        d = onward_referral(4, True, None)
        assert vr(d) == (True, "Annex B profile 4")
        assert "caseload" in d.detail

    def test_cjit_report(self):
        assert vr(cjit_report(True)) == ("complied", "§4.6.6 Step 5")
        assert vr(cjit_report(False)) == ("non_compliance_reported", "§4.6.6 Step 5")

    def test_police_closure(self):
        assert vr(police_closure(True)) == ("case_closed", "§4.6.6 Step 6")
        d = police_closure(False)
        assert vr(d) == ("prosecution_considered", "§4.6.6 Step 6")
        assert "original offence" in d.detail
