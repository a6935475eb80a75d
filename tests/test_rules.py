"""Unit tests of the guidance's rules, section by section: each asserts the decision AND its citation."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package need not be installed to run the tests
    sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

from dipsim.rules import (CONDITIONS, LOCAL_PROSECUTION_POLICY, MENU_POLICIES, Decision,  # noqa: E402
                          assessment_route, attitude, choose_condition, cjit_report, comply_by_outcome,
                          consent_to_share, cps_decision, cps_drug_use_suitability, dir_required,
                          drug_use_suitability, follow_up_assessment, follow_up_outcome, follow_up_period,
                          group_session, has_follow_up, initial_assessment, offence, offence_suitability,
                          offer_response, onward_referral, police_closure, police_consideration,
                          police_recommendation, prosecution_after_non_compliance, record_suitability, residence,
                          restriction_on_bail, review_gap_ok, session_event, sessions, statutory_preconditions,
                          voluntary_assessment)
from dipsim.rules import testing as testing_rules  # noqa: E402  (not imported by name: pytest would collect it)
from dipsim.rules.offences import OFFENCES  # noqa: E402
from dipsim.rules.pathway import STOP_REASONS  # noqa: E402


def vr(d: Decision) -> tuple:
    return d.value, d.rule


# The exact guidance sentences the tests below rest on; test_quotes_are_the_guidance checks each
# one against the May 2008 text (whitespace and curly quotes aside).
QUOTES: list[str] = []


def rests_on(*sentences: str):
    """Mark a test with the guidance sentence(s) it rests on (checked against the guidance text)."""
    QUOTES.extend(sentences)

    def mark(test):
        test.guidance = sentences
        return test
    return mark


def _guidance_text() -> str:
    name = "dip-condition-guidelines-2008.md"
    candidates = [os.environ.get("DIPSIM_GUIDANCE", "")]
    candidates += [str(p / "shared" / "guidance" / name) for p in ROOT.parents]
    candidates.append(f"/work/shared/guidance/{name}")
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c).read_text(encoding="utf-8")
    raise AssertionError(f"the guidance text {name} was not found: set DIPSIM_GUIDANCE to its path")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip()


def test_quotes_are_the_guidance():
    text = _normal(_guidance_text())
    assert len(QUOTES) >= 20
    missing = [q for q in QUOTES if _normal(q) not in text]
    assert not missing, f"not in the guidance: {missing}"


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
    """§3.1 and Annex A note 3: cancelled once the caution is administered, bail or not; before any
    caution (on bail awaiting the CPS, or no caution at all) it continues as normal."""

    def test_none_arranged(self):
        assert vr(follow_up_assessment(False, True, False)) == ("none", "§2.2")

    @rests_on("This cancellation should be carried out once the offender has agreed to the conditions required "
              "and the police have administered the DIP CC and documented the fact on the form MG14.")
    def test_cancelled_once_caution_administered(self):
        d = follow_up_assessment(True, True, False)
        assert vr(d) == ("cancel", "Annex A note 3")
        assert "MG14" in d.detail
        assert "bail" not in d.detail

    @rests_on("In circumstances where the CPS authorise a DIP CC but a follow up assessment has already been "
              "arranged it will be necessary to cancel this follow up appointment.")
    def test_cancelled_after_the_caution_even_if_he_was_on_police_bail(self):
        """Note 3 makes no exception for bail: the caution cancels it; the detail keeps the other reading."""
        d = follow_up_assessment(True, True, True)
        assert vr(d) == ("cancel", "Annex A note 3")
        assert "no exception for bail" in d.detail
        assert "Another reading" in d.detail and "discussion" in d.detail

    @rests_on("In circumstances where the offender is given police bail the Required Assessment process should "
              "continue as normal.")
    def test_continues_while_on_police_bail_before_any_caution(self):
        d = follow_up_assessment(True, False, True)
        assert vr(d) == ("continue", "§3.1")
        assert "police bail" in d.detail and "no caution yet" in d.detail
        assert "Another reading" in d.detail

    @rests_on("If the CPS do not authorise a Conditional Caution – DIP Condition or the offenders refuses to "
              "accept it then the Required Assessment process should continue as normal.")
    def test_continues_without_caution(self):
        d = follow_up_assessment(True, False, False)
        assert vr(d) == ("continue", "§3.1")
        assert "continues as normal" in d.detail


class TestVoluntaryAssessment:
    @rests_on("ask the offender if he is willing both to see the drug worker and allow the worker to share "
              "information with the police and the CPS to inform the consideration of a Conditional Caution.")
    def test_unwilling_is_its_own_outcome_not_refused_consent(self):
        d = voluntary_assessment(False)
        assert vr(d) == ("unwilling", "§4.6.6 Step 1")
        assert "not as refused consent" in d.detail

    def test_held(self):
        assert vr(voluntary_assessment(True)) == ("held", "§4.6.6 Step 1")

    @rests_on("In the absence of either a voluntary assessment or required assessment the police should draw "
              "upon their knowledge of the individual to inform their recommendation of a Conditional Caution - "
              "DIP Condition (DIP CC).")
    def test_no_worker_police_knowledge(self):
        d = voluntary_assessment(True, worker_available=False)
        assert vr(d) == ("not_held", "Annex A note 2")
        assert "knowledge" in d.detail


class TestRestrictionOnBail:
    """§2.2: decided from where he lives and where he is tested and charged (the court), not the area alone."""

    @rests_on("for those who have tested positive on arrest or charge for specified Class A drugs in England "
              "and who also reside in England")
    def test_positive_in_england_resident_in_england(self):
        d = restriction_on_bail("england", True, "positive")
        assert vr(d) == (True, "§2.2")
        assert "may apply" in d.detail

    @rests_on("The provisions have not yet been extended to Wales")
    def test_english_resident_arrested_in_wales(self):
        d = restriction_on_bail("wales", True, "positive")
        assert vr(d) == (False, "§2.2")
        assert d.detail.startswith("lives in England, but tested and charged in Wales")
        assert "not been extended to Wales" in d.detail

    def test_welsh_resident_arrested_in_wales(self):
        d = restriction_on_bail("wales", False, "positive")
        assert vr(d) == (False, "§2.2")
        assert d.detail.startswith("tested and charged in Wales")

    def test_welsh_resident_arrested_in_england(self):
        d = restriction_on_bail("england", False, "positive")
        assert vr(d) == (False, "§2.2")
        assert "does not live in England" in d.detail and "reside in England" in d.detail

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

    @rests_on("Low-level theft such as shoplifting committed by a drug misusing offender is a typical example of "
              "where a caution with a DIP Condition may be appropriate.",
              "DIP Conditional Cautioning may be an appropriate disposal for this type of offender especially "
              "where there is a limited criminal history")
    def test_cites_what_4_1_says(self):
        assert "may indicate suitability" in offence_suitability("possession_other").detail
        assert "may indicate suitability" in offence_suitability("shoplifting").detail
        assert "may be an appropriate disposal" in offence_suitability("public_order").detail

    @pytest.mark.parametrize("name", ["supply_class_a", "burglary", "robbery"])
    def test_serious_offences_are_a_local_policy_not_the_guidance(self, name):
        """§4.1 never says prosecution is "the expected course": the bar is the area's policy (§2.1)."""
        assert name in LOCAL_PROSECUTION_POLICY
        d = offence_suitability(name)
        assert vr(d) == (False, "§2.1")
        assert "local policy" in d.detail and "not the guidance" in d.detail
        assert "expected course" not in d.detail

    @rests_on("Consideration should be given to other offences such as acquisitive crime that may be caused by "
              "an offender's drug use.")
    @pytest.mark.parametrize("name", ["supply_class_a", "burglary", "robbery"])
    def test_without_the_local_policy_the_guidance_does_not_exclude_them(self, name):
        d = offence_suitability(name, ())
        assert vr(d) == (True, "§4.1")
        assert "nor excluded" in d.detail and "not a 'relatively minor' offence" in d.detail

    def test_local_policy_may_name_any_offence(self):
        assert vr(offence_suitability("shoplifting", ("shoplifting",))) == (False, "§2.1")
        assert vr(offence_suitability("burglary", ("robbery",))) == (True, "§4.1")

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
        assert c.referred is True and c.stop_reason is None
        assert vr(c.recommendation) == (True, "§4.6.6 Step 2")
        assert [s.rule for s in c.steps] == ["Annex A note 1", "§4.1", "§4.6.6 Step 1", "§4.1", "§4.1",
                                            "§4.6.6 Step 2"]
        assert c.names == ("consent_to_share", "attitude", "residence", "offence_suitability",
                           "record_suitability", "police_recommendation")

    def test_consent_refused_stops_first(self):
        c = _consider(consents_to_share=False, accepts_responsibility=False)
        assert c.referred is False and c.recommendation is None
        assert [vr(s) for s in c.steps] == [(False, "Annex A note 1")]
        assert c.stop_reason == "consent_refused"

    def test_attitude_bar_before_residence(self):
        c = _consider(accepts_responsibility=False, resident_in_area=False, home_cjit_can_deliver=False)
        assert c.referred is False
        assert [vr(s) for s in c.steps] == [(True, "Annex A note 1"), (False, "§4.1")]
        assert c.stop_reason == "denies_responsibility"

    def test_residence_bar(self):
        c = _consider(resident_in_area=False, home_cjit_can_deliver=False)
        assert c.referred is False
        assert vr(c.steps[-1]) == (False, "§4.6.6 Step 1")
        assert c.stop_reason == "out_of_area"

    def test_unwilling_voluntary_assessment_is_its_own_stop(self):
        c = _consider(willing_to_see_worker=False, consents_to_share=False)
        assert c.referred is False and c.stop_reason == "unwilling_voluntary_assessment"
        assert c.names == ("voluntary_assessment",)
        assert vr(c.steps[0]) == ("unwilling", "§4.6.6 Step 1")
        assert "consent_to_share" not in c.names

    def test_willing_goes_on(self):
        assert _consider(willing_to_see_worker=True).referred is True

    @rests_on("If the Police consider a DIP Conditional Caution may be appropriate, they will seek CPS authorisation.")
    def test_only_recommended_cases_are_referred(self):
        """A case the police do not recommend gets the alternative disposal at the police stage."""
        c = _consider(offence_name="burglary")
        assert c.referred is False and c.stop_reason == "not_recommended_offence"
        assert vr(c.recommendation if c.recommendation else c.steps[-1]) == (False, "§2.1")
        assert c.steps[-1].detail.startswith("police do not recommend")
        assert c.names[-1] == "police_recommendation"

    @rests_on("A history of recent offending, especially offences of a similar nature, is likely to be an "
              "indication that a prosecution should be preferred, but each case should be considered on its own "
              "merits.")
    def test_record_not_recommended(self):
        c = _consider(previous_convictions=9)
        assert c.referred is False and c.stop_reason == "not_recommended_record"
        assert vr(c.steps[-1]) == (False, "§4.1")

    @rests_on("However, where the police consider that appropriate conditions would assist in the rehabilitation "
              "of the offender and would minimise the likelihood of re-offending, the")
    def test_police_may_refer_on_the_merits_despite_the_record(self):
        c = _consider(previous_convictions=9, refers_on_merits=True)
        assert c.referred is True
        assert vr(c.recommendation) == (True, "§4.1")
        assert "own merits" in c.recommendation.detail and "judgement" in c.recommendation.detail

    def test_on_the_merits_does_not_override_a_local_offence_policy(self):
        c = _consider(offence_name="robbery", refers_on_merits=True)
        assert c.referred is False and c.stop_reason == "not_recommended_offence"

    def test_local_policy_is_a_parameter(self):
        assert _consider(offence_name="burglary", prosecute_offences=()).referred is True
        c = _consider(offence_name="theft", prosecute_offences=("theft",))
        assert c.referred is False and c.stop_reason == "not_recommended_offence"

    def test_drug_use_profile_is_a_step_when_known(self):
        c = _consider(drug_use_profile=1)
        assert c.referred is True
        assert c.names == ("consent_to_share", "attitude", "residence", "offence_suitability",
                           "record_suitability", "drug_use_suitability", "police_recommendation")
        assert vr(c.steps[5]) == (True, "Annex B profile 1")

    def test_group_4_with_a_record_and_no_exceptional_reason_is_not_referred(self):
        c = _consider(drug_use_profile=4, previous_convictions=2)
        assert c.referred is False and c.stop_reason == "not_recommended_drug_use"
        assert vr(c.steps[-1]) == (False, "Annex B profile 4")

    def test_group_4_with_an_exceptional_reason_is_referred(self):
        c = _consider(drug_use_profile=4, previous_convictions=2, exceptional_reason=True)
        assert c.referred is True

    def test_police_knowledge_is_used_without_an_assessment(self):
        c = _consider(drug_use_profile=4, previous_convictions=2, profile_source="police_knowledge")
        assert c.referred is False
        assert "police knowledge" in c.steps[-2].detail

    def test_stop_reasons_are_the_documented_ones(self):
        seen = {_consider(**kw).stop_reason for kw in (
            dict(willing_to_see_worker=False), dict(consents_to_share=False), dict(accepts_responsibility=False),
            dict(resident_in_area=False, home_cjit_can_deliver=False), dict(offence_name="robbery"),
            dict(recent_similar_offending=True), dict(drug_use_profile=4, previous_convictions=1))}
        assert seen == set(STOP_REASONS)


class TestTargeting:
    """Annex B and §3.1: the assessed profile (or police knowledge, Annex A note 2) in the decision."""

    @rests_on("The prime target group is likely to comprise those (mainly younger) offenders whose drug use is "
              "recreational and non-problematic")
    def test_group_1_is_the_prime_target_group(self):
        d = drug_use_suitability(1, 0, "possession")
        assert vr(d) == (True, "Annex B profile 1")
        assert "prime target group" in d.detail and "assessment" in d.detail

    @pytest.mark.parametrize("profile", [2, 3])
    def test_groups_2_and_3_suitable(self, profile):
        d = drug_use_suitability(profile, 3, "low_level_acquisitive")
        assert vr(d) == (True, f"Annex B profile {profile}")

    @rests_on("Conditional Cautioning is likely to be appropriate for a minority of these offenders. To be "
              "considered for a Conditional Caution, if they have a previous record, the current offence would be "
              "relatively minor and there would probably be an exceptional reason for police / CPS believing that "
              "the caution would be in the public interest.")
    def test_group_4_with_a_record_needs_a_minor_offence_and_an_exceptional_reason(self):
        assert vr(drug_use_suitability(4, 2, "low_level_acquisitive", True)) == (True, "Annex B profile 4")
        d = drug_use_suitability(4, 2, "low_level_acquisitive", False)
        assert vr(d) == (False, "Annex B profile 4")
        assert "no exceptional reason" in d.detail
        d = drug_use_suitability(4, 2, "serious", True)
        assert vr(d) == (False, "Annex B profile 4")
        assert "not relatively minor" in d.detail

    def test_exceptional_reason_is_left_to_judgement(self):
        assert "judgement" in drug_use_suitability(4, 2, "possession", True).detail

    @rests_on("Conditional Cautioning may not be appropriate for highly problematic drug-misusing offenders who "
              "are more likely to be prosecuted")
    def test_group_4_without_a_record(self):
        d = drug_use_suitability(4, 0, "serious")
        assert vr(d) == (True, "Annex B profile 4")
        assert "minority" in d.detail and "§3.1" in d.detail

    def test_no_profile_known_does_not_weigh(self):
        d = drug_use_suitability(None, 5, "serious")
        assert vr(d) == (True, "Annex A note 2")
        assert "does not weigh" in d.detail

    def test_police_knowledge_source(self):
        d = drug_use_suitability(2, 0, "possession", profile_source="police_knowledge")
        assert "police knowledge" in d.detail and "Annex A note 2" in d.detail

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="assessment"):
            drug_use_suitability(2, 0, "possession", profile_source="hearsay")
        with pytest.raises(ValueError, match="police_knowledge"):
            drug_use_suitability(None, 0, "possession", profile_source="hearsay")
        with pytest.raises(ValueError, match="possession"):
            drug_use_suitability(2, 0, "jaywalking")
        with pytest.raises(ValueError, match="1, 2, 3, 4"):
            drug_use_suitability(5, 0, "possession")

    @rests_on("CPS will take in to account, where available, information provided by the CJIT worker in relation "
              "to the appropriateness of a DIP Condition")
    def test_cps_judges_for_itself(self):
        d = cps_drug_use_suitability(4, 2, "possession", False)
        assert vr(d) == (False, "Annex B profile 4")
        assert "CPS" not in drug_use_suitability(4, 2, "possession", False).detail
        assert vr(cps_drug_use_suitability(4, 2, "possession", True)) == (True, "Annex B profile 4")
        assert "CPS" in cps_drug_use_suitability(None, 0, "possession").detail


class TestCps:
    def test_police_recommendation_offence_first(self):
        d = police_recommendation(offence_suitability("robbery"), record_suitability(9, False, 5))
        assert vr(d) == (False, "§2.1")
        assert "Robbery" in d.detail

    def test_drug_use_after_offence_and_record(self):
        yes_off, yes_rec = offence_suitability("theft"), record_suitability(0, False, 5)
        no_drug = drug_use_suitability(4, 1, "low_level_acquisitive")
        assert vr(police_recommendation(yes_off, yes_rec, no_drug)) == (False, "Annex B profile 4")
        assert vr(police_recommendation(yes_off, yes_rec, drug_use_suitability(1, 0, "possession"))) == \
            (True, "§4.6.6 Step 2")

    @rests_on("The CPS will make the final decision of whether it is appropriate to give the offender a "
              "Conditional Caution.")
    def test_cps_agrees_or_refuses_on_the_merits(self):
        yes = police_recommendation(offence_suitability("theft"), record_suitability(0, False, 5))
        for answer in (None, True):
            d = cps_decision(yes, answer)
            assert vr(d) == (True, "§4.6.6 Step 2")
            assert "agrees" in d.detail
        d = cps_decision(yes, False)
        assert vr(d) == (False, "§4.5")
        assert "merits" in d.detail and "alternative disposal" in d.detail

    @rests_on("If the Police consider a DIP Conditional Caution may be appropriate, they will seek CPS authorisation.")
    def test_cps_decides_only_on_referred_cases(self):
        no = police_recommendation(offence_suitability("robbery"), record_suitability(0, False, 5))
        with pytest.raises(ValueError, match="only on cases the police refer"):
            cps_decision(no, True)

    def test_cps_view_of_the_profile(self):
        yes = police_recommendation(offence_suitability("theft"), record_suitability(2, False, 5))
        d = cps_decision(yes, None, cps_drug_use_suitability(4, 2, "low_level_acquisitive", False))
        assert vr(d) == (False, "Annex B profile 4")
        assert d.detail.startswith("CPS does not authorise")
        ok = cps_decision(yes, None, cps_drug_use_suitability(4, 2, "low_level_acquisitive", True))
        assert vr(ok) == (True, "§4.6.6 Step 2")


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

    @rests_on("The One Session or Two Session DIP Conditional Caution may be considered appropriate for offenders "
              "who have failed to attend and remain at a Required Assessment (initial or follow up).")
    def test_failed_follow_up_assessment_treated_like_the_initial(self):
        """One argument covers both: the caller passes True for a failed initial OR follow-up assessment."""
        d = choose_condition("annex_b", 3, True, 0)
        assert vr(d) == ("two_session", "§4.6.3")
        assert "(initial or follow up)" in d.detail
        assert "(initial or follow up)" in choose_condition("annex_b", 1, True, 0).detail

    @rests_on("Where there is sufficient throughput of offenders the second session may form part of a group "
              "session.")
    @pytest.mark.parametrize("condition,section", [("two_session", "§4.6.2"), ("two_session_follow_up", "§4.6.2"),
                                                   ("three_session", "§4.6.3"),
                                                   ("three_session_follow_up", "§4.6.3")])
    def test_second_session_may_be_a_group(self, condition, section):
        d = group_session(condition, 2, True)
        assert vr(d) == (True, section)
        assert vr(group_session(condition, 2, False)) == (False, section)
        assert vr(group_session(condition, 1, True)) == (False, section)

    def test_two_session_group_is_the_review(self):
        assert "review / referral" in group_session("two_session", 2, True).detail
        assert "education" in group_session("three_session", 2, True).detail

    def test_other_sessions_are_one_to_one(self):
        assert vr(group_session("one_session", 1, True)) == (False, "§4.6.1")
        assert vr(group_session("three_session", 3, True)) == (False, "§4.6.3")
        with pytest.raises(ValueError, match="1 to 1"):
            group_session("one_session", 2, True)
        with pytest.raises(KeyError, match="one_session"):
            group_session("five_session", 1, True)

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
                                             ("left_early", "left before")])
    def test_non_compliance_kinds(self, event, words):
        d = session_event(event, 0, 5)
        assert vr(d) == ("non_compliance", "§6")
        assert words in d.detail
        assert vr(session_event(event, 0, 5, worker_warns=True)) == ("non_compliance", "§6")  # no judgement here

    @rests_on("Explains that the offender must not be intoxicated by drugs or alcohol when attending sessions as "
              "this may constitute a breach",
              "Local CJITs will have their own protocols for dealing with issues of behaviour and they should be "
              "followed in these instances.")
    @pytest.mark.parametrize("event,rule,words", [("intoxicated", "Annex C session 1", "may constitute a breach"),
                                                  ("unacceptable_behaviour", "§6", "risk of harm")])
    def test_intoxication_or_behaviour_reported(self, event, rule, words):
        d = session_event(event, 0, 5)
        assert vr(d) == ("non_compliance", rule)
        assert words in d.detail
        assert "judgement and local protocol" in d.detail

    @rests_on("It may be that, following reasonable warnings that certain behaviour or non-attendance is "
              "unacceptable.")
    @pytest.mark.parametrize("event,rule", [("intoxicated", "Annex C session 1"), ("unacceptable_behaviour", "§6")])
    def test_worker_may_warn_and_rearrange_within_the_bound(self, event, rule):
        d = session_event(event, 0, 1, worker_warns=True)
        assert vr(d) == ("rearrange", rule)
        assert "reasonable warnings" in d.detail and "judgement" in d.detail
        d = session_event(event, 1, 1, worker_warns=True)
        assert vr(d) == ("non_compliance", rule)
        assert "after 1 re-arranged appointment (this area allows 1)" in d.detail
        d = session_event(event, 0, 0, worker_warns=True)
        assert vr(d) == ("non_compliance", rule)
        assert "allows no re-arranged appointment" in d.detail

    def test_rearrangement_text_reads_right(self):
        """Never "missed again after 0 re-arranged appointment(s)"."""
        d = session_event("missed_with_notice", 0, 0)
        assert vr(d) == ("non_compliance", "§6")
        assert "allows no re-arranged appointment" in d.detail and "again" not in d.detail
        assert "after 2 re-arranged appointments (this area allows 2)" in session_event("missed_with_notice", 2, 2).detail
        assert "(s)" not in session_event("missed_with_notice", 1, 1).detail

    def test_unknown_event(self):
        with pytest.raises(ValueError, match="attended"):
            session_event("slept_in", 0, 1)

    @rests_on("A DIR should be completed on every individual who has a triage assessment")
    @pytest.mark.parametrize("kind", ["single_session", "assessment_education", "triage"])
    def test_dir_after_triage(self, kind):
        d = dir_required(kind)
        assert vr(d) == (True, "§5")
        assert "Conditional Caution" in d.detail

    @pytest.mark.parametrize("kind", ["initial_assessment", "voluntary_assessment", "follow_up_assessment"])
    def test_dir_after_a_custody_or_required_assessment(self, kind):
        d = dir_required(kind)
        assert vr(d) == (True, "§5")
        assert kind.replace("_", " ") in d.detail

    @rests_on("minimise duplication of assessments")
    @pytest.mark.parametrize("kind", ["triage", "initial_assessment", "single_session"])
    def test_no_duplicate_dir(self, kind):
        d = dir_required(kind, already_completed=True)
        assert vr(d) == (False, "§5")
        assert "duplication" in d.detail

    @pytest.mark.parametrize("kind", ["education", "review"])
    def test_no_dir_without_triage(self, kind):
        assert vr(dir_required(kind)) == (False, "§5")

    def test_dir_unknown_kind(self):
        with pytest.raises(ValueError, match="triage"):
            dir_required("coffee")

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

    @rests_on("Some onward referral may be appropriate, but local resources must be targeted where the need is "
              "greatest.")
    def test_group_1_onward_referral_when_indicated(self):
        d = onward_referral(1, True, None, indicated=True)
        assert vr(d) == (True, "Annex B profile 1")
        assert "judgement" in d.detail and "need is greatest" in d.detail
        d = onward_referral(1, True, None)
        assert vr(d) == (False, "Annex B profile 1")
        assert "need is greatest" in d.detail
        assert vr(onward_referral(1, True, False, indicated=True)) == (False, "Annex C session 3")

    def test_referral_not_indicated_for_higher_groups(self):
        assert vr(onward_referral(3, True, None, indicated=False)) == (False, "Annex B profile 3")

    def test_cjit_report(self):
        assert vr(cjit_report(True)) == ("complied", "§4.6.6 Step 5")
        assert vr(cjit_report(False)) == ("non_compliance_reported", "§4.6.6 Step 5")

    @rests_on("as appropriate, the police either inform the offender they have complied with the terms of the "
              "Conditional Caution")
    def test_police_closure(self):
        assert vr(police_closure(True)) == ("case_closed", "§4.6.6 Step 6")
        d = police_closure(False)
        assert vr(d) == ("prosecution_considered", "§4.6.6 Step 6")
        assert d.detail.startswith("non-compliance reported: the police initiate a response")
        assert "may follow" in d.detail and "original offence" in d.detail

    @rests_on("If the offender accepts the Conditional Caution but subsequently fails to comply (without "
              "reasonable excuse) they may be prosecuted for the original offence and the caution will cease to "
              "have effect.")
    def test_whether_prosecution_follows_is_the_police_decision(self):
        d = prosecution_after_non_compliance(True)
        assert vr(d) == ("prosecuted", "§2.1")
        assert "cease to have effect" in d.detail.replace("ceases", "cease")
        d = prosecution_after_non_compliance(False)
        assert vr(d) == ("not_prosecuted", "§2.1")
        assert "'may'" in d.detail

    @rests_on("he must comply until a specified date",
              "confirms to the police in writing whether or not the offender attended and participated in all "
              "sessions within the agreed time period")
    def test_comply_by_date(self):
        assert vr(comply_by_outcome(True)) == ("complied", "§4.6.6 Step 5")
        d = comply_by_outcome(False, "offender")
        assert vr(d) == ("non_compliance", "§4.6.6 Step 3")
        assert "his own failure" in d.detail
        d = comply_by_outcome(False, "cjit")
        assert vr(d) == ("not_delivered_in_time", "§4.6.6 Step 5")
        assert "not as the offender's non-compliance" in d.detail
        with pytest.raises(ValueError, match="offender, cjit"):
            comply_by_outcome(False)
