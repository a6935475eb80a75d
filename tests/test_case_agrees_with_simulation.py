"""The case explainer and the simulation drive the one pathway (dipsim.pathway), so they agree by
construction; these tests check that a simulated person's case file carries every answer that
matters, so that explaining him retraces his simulated walk."""

from __future__ import annotations

import pandas as pd
import pytest

from dipsim.case import explain, normalise_case
from dipsim.pathway_case import CaseWorld
from dipsim.pathway_record import CATEGORIES, NOT_SET
from dipsim.results import run
from dipsim.scenario import load_scenario, replace
from dipsim.simulated_cases import case_from_person, simulated_answer

VARIANTS = [
    ("urban_intensive", {}),
    ("county_non_intensive", {}),
    ("welsh_intensive", {"decisions.accepts_caution": 0.5}),
    ("urban_intensive", {"decisions.menu_policy": "no_follow_up", "decisions.max_previous_convictions": 2,
                         "compliance.max_rearrangements": 2, "cjit.custody.workers": 1,
                         "cjit.out_of_hours.arrangement": "none"}),
    ("urban_intensive", {"decisions.menu_policy": "three_sessions_for_all", "assessment.custody_hours": 2.0,
                         "decisions.refer_on_merits": 0.5}),
    ("urban_intensive", {"sessions.comply_by_days": 12, "sessions.group.conditions": ["two_session", "three_session"],
                         "compliance.worker_warns_intoxicated": 1.0, "compliance.worker_warns_behaviour": 0.5}),
]


def _sample(people: pd.DataFrame) -> pd.DataFrame:
    """Everyone who reached the CPS, plus a spread of everyone else."""
    reached = people[people["referral_h"].notna()]
    rest = people[people["referral_h"].isna()]
    return pd.concat([reached, rest.sample(min(len(rest), 150), random_state=0)])


@pytest.mark.parametrize("name,overrides", VARIANTS)
def test_explainer_gives_the_simulations_disposal_condition_and_outcome(name, overrides):
    scenario = replace(load_scenario(name), overrides) if overrides else load_scenario(name)
    people = run(scenario, days=150).people
    sample = _sample(people)
    assert (sample["disposal"] == "dip_conditional_caution").sum() > 10
    d = scenario.decisions
    mismatches = []
    for _, row in sample.iterrows():
        case = case_from_person(row, scenario)
        got = explain(case, menu_policy=d.menu_policy, max_previous_convictions=d.max_previous_convictions,
                      max_rearrangements=scenario.compliance.max_rearrangements).to_dict()
        want = simulated_answer(row)
        if want["outcome"] is None:
            got["outcome"] = None
        if {k: got[k] for k in want} != want:
            mismatches.append((int(row["person_id"]), want, {k: got[k] for k in want}))
    assert not mismatches, f"{len(mismatches)} of {len(sample)} disagree, e.g. {mismatches[:3]}"


def test_every_terminal_state_is_exercised_by_the_agreement_test():
    seen = set()
    for name, overrides in VARIANTS:
        scenario = replace(load_scenario(name), overrides) if overrides else load_scenario(name)
        seen |= set(run(scenario, days=150).people["terminal_state"].astype(str))
    assert seen >= {"not_eligible", "exit_no_drug_indication", "alternative_disposal", "declined_prosecution",
                    "complied_case_closed", "non_compliance_reported", "not_delivered_in_time"}


SHARED_RECORD = ("route", "ia_outcome", "consent", "stop_reason", "police_recommended", "cps_authorised", "condition",
                 "accepted", "restriction_on_bail", "sessions_attended", "dir_completed", "ra_non_compliance_reported",
                 "disposal", "terminal_state", "completed_in_time", "prosecuted")
"""Columns of the record that the case's walk writes as the simulation's did (times, follow-up
contacts and onward referral rest on things a case file does not carry)."""


def _value(record, column):
    v = getattr(record, column)[0]
    if column in CATEGORIES:
        return CATEGORIES[column][v]
    if v == NOT_SET and column not in ("sessions_attended",):
        return None
    return int(v) if column == "sessions_attended" else bool(v)


def test_explaining_a_simulated_person_writes_his_simulated_record():
    scenario = load_scenario("urban_intensive")
    people = run(scenario, days=400).people  # only police-recommended cases reach the CPS (§4.6.6 Step 2)
    sample = _sample(people)
    sample = sample[sample["terminal_state"] != "in_progress"]
    d = scenario.decisions
    mismatches = []
    for _, row in sample.iterrows():
        world = CaseWorld(normalise_case(case_from_person(row, scenario)), d.menu_policy,
                          d.max_previous_convictions, scenario.compliance.max_rearrangements).walk()
        for column in SHARED_RECORD:
            want = row[column]
            want = None if want is pd.NA else (str(want) if column in CATEGORIES else
                                                 int(want) if column == "sessions_attended" else bool(want))
            if _value(world.records, column) != want:
                mismatches.append((int(row["person_id"]), column, want, _value(world.records, column)))
    assert len(sample) > 300
    assert not mismatches, f"{len(mismatches)} differences, e.g. {mismatches[:5]}"
