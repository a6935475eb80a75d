"""Issue 11, the delivery half: from the caution to the end, as the guidance says (§2.1, §4.6.2, §4.6.6
Steps 3, 5 and 6, §5, §6, Annex B, Annex C). Each test quotes the sentence it rests on, and checks the
simulation (dipsim.pathway_delivery through the SimPy world) and the explainer (the same code through
CaseWorld) where both apply."""

from __future__ import annotations

import numpy as np
import pytest

from dipsim.case import explain
from dipsim.errors import InputError
from dipsim.kpis import REGISTRY, TERMINAL_STATES as KPI_TERMINALS
from dipsim.pathway_case import CaseWorld
from dipsim.pathway_record import TERMINAL_STATES
from dipsim.results import run as simulate
from dipsim.scenario import replace
from dipsim.casefile import normalise_case

THREE = {"known_drug_misuser": True, "drug_use_profile": 3}
TWO = {"known_drug_misuser": True, "drug_use_profile": 2}
ONE = {"known_drug_misuser": True, "drug_use_profile": 1}


def case(offender, events=None, **kw):
    return explain({"offender": {"offence": "shoplifting", **offender}, "events": events or {}}, **kw)


def steps(r):
    return [s["step"] for s in r.steps]


def step(r, name):
    found = [s for s in r.steps if s["step"] == name]
    assert found, f"no step {name!r} in {steps(r)}"
    return found[0]


def sim(scenario, days=120, **overrides):
    return simulate(replace(scenario, overrides) if overrides else scenario, days=days)


UPSTREAM = ["test_result", "ia_outcome", "va_outcome", "consent", "cps_authorised", "accepted", "condition",
            "caution_h"]
"""Columns decided before the worker's choice or the comply-by date can matter: common random numbers
keep them identical when only a delivery parameter changes."""


# --------------------------------------------------------------------------- point 4: the worker's warning

class TestWorkerWarns:
    """Annex C session 1: "the offender must not be intoxicated by drugs or alcohol when attending sessions
    as this may constitute a breach"; §6: "It may be that, following reasonable warnings that certain
    behaviour or non-attendance is unacceptable. The final recourse would be for the CJIT worker to ...
    report the circumstances to the police and CPS. Local CJITs will have their own protocols"."""

    @pytest.mark.parametrize("event", ["intoxicated", "unacceptable_behaviour"])
    def test_a_warned_session_is_re_arranged_and_says_it_is_the_workers_judgement(self, event):
        r = case(THREE, {"sessions": ["attended", f"{event}_warned", "attended", "attended"]})
        assert r.outcome == "complied"
        assert "reschedule_session" in r.actions and "prosecution_considered" not in r.actions
        s2 = step(r, "session_2")
        assert "warns" in s2["detail"] and "worker's judgement" in s2["detail"]
        assert s2["rule"] == ("Annex C session 1" if event == "intoxicated" else "§6")

    def test_reported_without_a_warning_and_the_step_says_the_choice_was_his(self):
        r = case(THREE, {"sessions": ["attended", "intoxicated"]})
        assert r.outcome == "non_compliance_reported"
        assert "worker's judgement" in step(r, "session_2")["detail"]

    def test_warnings_count_against_the_re_arrangement_bound(self):
        r = case(THREE, {"sessions": ["attended", "intoxicated_warned"]}, max_rearrangements=0)
        assert r.outcome == "non_compliance_reported"
        assert "reasonable warnings" in step(r, "session_2")["detail"]

    def test_only_a_judgement_event_can_be_warned(self):
        with pytest.raises(InputError) as e:
            normalise_case({"offender": {"offence": "theft"}, "events": {"sessions": ["attended", "left_early_warned"]}},
                           "c.yaml")
        assert e.value.key == "events.sessions[1]" and "intoxicated_warned" in str(e.value)

    def test_the_share_the_worker_warns_is_a_parameter_drawn_per_person(self, default_scenario):
        busy = {"compliance.session_outcomes": {"attended": 0.7, "missed_with_notice": 0.04,
                                                "missed_without_notice": 0.04, "left_early": 0.02,
                                                "intoxicated": 0.15, "unacceptable_behaviour": 0.05}}
        reports = sim(default_scenario, **busy, **{"compliance.worker_warns_intoxicated": 0.0,
                                                   "compliance.worker_warns_behaviour": 0.0})
        warns = sim(default_scenario, **busy, **{"compliance.worker_warns_intoxicated": 1.0,
                                                 "compliance.worker_warns_behaviour": 1.0})
        assert reports.kpis["non_compliance_intoxicated"] > warns.kpis["non_compliance_intoxicated"]
        assert reports.kpis["rearrangements"] < warns.kpis["rearrangements"]
        for col in UPSTREAM:  # common random numbers: the worker's draw moves nothing before it
            assert reports.people[col].equals(warns.people[col]), col


# --------------------------------------------------------------------------- point 5: after non-compliance

class TestAfterNonCompliance:
    """§4.6.6 Step 6: the police "initiate a response for failure to comply"; §2.1: an offender who
    "subsequently fails to comply (without reasonable excuse) ... may be prosecuted for the original offence"."""

    def test_the_terminal_state_is_named_for_what_it_is(self):
        assert "non_compliance_reported" in TERMINAL_STATES and "non_compliance_prosecution" not in TERMINAL_STATES
        assert set(KPI_TERMINALS) == set(TERMINAL_STATES)
        assert "terminal_non_compliance_reported" in REGISTRY and "prosecuted_after_non_compliance" in REGISTRY

    def test_not_stated_prosecution_may_follow(self):
        r = case(THREE, {"sessions": ["missed_without_notice"]})
        assert "prosecution" not in steps(r)
        assert "may follow" in step(r, "police_closure")["detail"]

    @pytest.mark.parametrize("prosecute, value", [(True, "prosecuted"), (False, "not_prosecuted")])
    def test_the_case_can_state_the_police_decision(self, prosecute, value):
        w = CaseWorld(normalise_case({"offender": {"offence": "shoplifting", **THREE},
                                      "events": {"sessions": ["missed_without_notice"], "police_prosecute": prosecute}}),
                      "annex_b", 5, 1).walk()
        s = [x for x in w.steps if x["step"] == "prosecution"]
        assert s and s[0]["rule"] == "§2.1" and w.records.prosecuted[0] == int(prosecute)
        assert ("may" in s[0]["detail"]) == (value == "not_prosecuted")

    def test_the_share_prosecuted_is_a_parameter_recorded_per_person(self, default_scenario):
        none = sim(default_scenario, **{"compliance.prosecuted_after_non_compliance": 0.0})
        every = sim(default_scenario, **{"compliance.prosecuted_after_non_compliance": 1.0})
        assert every.kpis["non_compliance"] > 0
        assert none.kpis["prosecuted_after_non_compliance"] == 0
        assert every.kpis["prosecuted_after_non_compliance"] == every.kpis["non_compliance"]
        p = every.people
        reported = p["terminal_state"] == "non_compliance_reported"
        assert p.loc[reported, "prosecuted"].all() and p.loc[~reported, "prosecuted"].isna().all()
        assert none.people["terminal_state"].equals(every.people["terminal_state"])


# --------------------------------------------------------------------------- point 7: group sessions

class TestGroupSessions:
    """§4.6.2 (Two Session Condition): "Where there is sufficient throughput of offenders the second session
    may form part of a group session." (§4.6.3 says the same of the Three Session Condition.)"""

    def test_the_explainer_cites_it_for_the_two_session_condition(self):
        r = case(TWO, {"group_session": True})
        s = step(r, "group_session")
        assert s["rule"] == "§4.6.2" and "may form part of a group session" in s["detail"]
        assert "not sufficient throughput" in step(case(TWO, {"group_session": False}), "group_session")["detail"]
        assert "group_session" not in steps(case(TWO))  # not stated: no step

    def test_the_scenario_lists_whose_second_session_may_be_a_group(self, default_scenario):
        default = sim(default_scenario).people
        both = sim(default_scenario, **{"sessions.group.conditions": ["two_session", "three_session"]}).people
        two = lambda p: p["condition"].astype(str).str.startswith("two_session")  # noqa: E731
        assert not default.loc[two(default), "session2_group"].any()
        assert both.loc[two(both), "session2_group"].any()
        with pytest.raises(InputError) as e:
            replace(default_scenario, {"sessions.group.conditions": ["one_session"]})
        assert "two_session, three_session" in str(e.value)


# --------------------------------------------------------------------------- point 10: the DIR

class TestDir:
    """§5: "A DIR should be completed on every individual who has a triage assessment"; it is there to
    "minimise duplication of assessments"."""

    def test_a_dir_at_the_first_triage(self):
        r = case(THREE)
        assert step(r, "dir")["rule"] == "§5" and "complete_dir" in r.actions

    def test_not_a_second_one(self):
        w = CaseWorld(normalise_case({"offender": {"offence": "shoplifting", **THREE}}), "annex_b", 5, 1)
        w.records.dir_completed[0] = 1  # completed at a custody assessment
        w.walk()
        s = [x for x in w.steps if x["step"] == "dir"]
        assert s and "minimise duplication" in s[0]["detail"] and "complete_dir" not in w.actions


# --------------------------------------------------------------------------- point 12: the comply-by date

class TestComplyBy:
    """§4.6.6 Step 3: the caution names "a date by which the offender must contact the CJIT" and "he must
    comply until a specified date"; Step 5: the CJIT "confirms ... whether or not the offender attended and
    participated in all sessions within the agreed time period"."""

    def test_late_through_his_own_failure_is_non_compliance(self):
        r = case(THREE, {"comply_by_days": 42, "comply_by": "late_own_failure"})
        s = step(r, "comply_by")
        assert r.outcome == "non_compliance_reported" and s["rule"] == "§4.6.6 Step 3" and "42 days" in s["detail"]

    def test_a_cjit_that_could_not_deliver_is_reported_separately(self):
        r = case(THREE, {"comply_by": "late_cjit"})
        assert r.outcome == "not_delivered_in_time" and "prosecution_considered" not in r.actions
        assert step(r, "comply_by")["rule"] == "§4.6.6 Step 5" and "cjit_report" not in steps(r)

    def test_in_time_and_not_stated(self):
        assert case(THREE, {"comply_by_days": 42}).outcome == "complied"
        assert "comply_by" in steps(case(THREE, {"comply_by_days": 42}))
        assert "comply_by" not in steps(case(THREE))

    def test_the_simulation_names_a_date_and_tells_the_causes_apart(self, default_scenario):
        tight = sim(default_scenario, **{"sessions.comply_by_days": 10})
        loose = sim(default_scenario, **{"sessions.comply_by_days": 3650})
        assert tight.kpis["not_delivered_in_time"] > 0 and tight.kpis["non_compliance_not_completed_in_time"] > 0
        assert loose.kpis["not_delivered_in_time"] == 0 and loose.kpis["non_compliance_not_completed_in_time"] == 0
        p = tight.people
        own = p["non_compliance_event"] == "not_completed_in_time"
        assert (p.loc[own, "rearrangements"] > 0).all()  # his own re-arranged appointments made him late
        late = p["terminal_state"] == "not_delivered_in_time"
        assert (p.loc[late | own, "completed_in_time"] == False).all()  # noqa: E712
        assert p.loc[late, "disposal"].eq("dip_conditional_caution").all()
        for col in UPSTREAM:
            assert tight.people[col].equals(loose.people[col]), col


# --------------------------------------------------------------------------- point 16: smaller points

class TestOnwardReferral:
    """Annex B group 1: "These offenders are least likely to require referral to specialist drug treatment
    agencies or other helping services. Some onward referral may be appropriate, but local resources must be
    targeted where the need is greatest"."""

    def test_the_worker_may_refer_group_1(self):
        r = case(ONE, {"onward_referral_indicated": True})
        assert "refer_onward" in r.actions
        assert "some onward referral may be appropriate" in step(r, "onward_referral")["detail"]
        assert "refer_onward" not in case(ONE).actions

    def test_the_share_is_a_parameter_by_profile(self, default_scenario):
        never = sim(default_scenario, **{"sessions.onward_referral_indicated": [0.0, 1.0, 1.0, 1.0]}).people
        always = sim(default_scenario, **{"sessions.onward_referral_indicated": [1.0, 1.0, 1.0, 1.0]}).people
        one = lambda p: p["assessed_profile"] == 1  # noqa: E731
        assert not never.loc[one(never), "onward_referral"].fillna(False).any()
        assert always.loc[one(always), "onward_referral"].fillna(False).any()


@pytest.mark.parametrize("bound", [0, 1, 2])
def test_the_re_arrangement_text_reads_right(bound):
    """§6: "Any new arrangement must be confirmed in writing and must include a warning"."""
    r = case(THREE, {"sessions": ["missed_with_notice"] * (bound + 1)}, max_rearrangements=bound)
    text = " ".join(s["detail"] for s in r.steps)
    assert r.outcome == "non_compliance_reported"
    assert "after 0 re-arranged" not in text and "(s)" not in text
    assert ("allows no re-arranged appointment" in text) == (bound == 0)
    assert np.all([bound == 0 or f"this area allows {bound}" in text])
