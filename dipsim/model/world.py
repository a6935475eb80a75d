"""The simulated area: the world :func:`dipsim.pathway.pathway` runs in during a simulation.

It answers the pathway's questions from the cohort's up-front draws, supplies time
through SimPy (custody, the CJIT pools, group education) and records nothing as
steps: ``explaining`` is False, so the pathway's step records are skipped.
"""

from __future__ import annotations

import bisect

import numpy as np
import simpy

from .. import rules
from ..pathway import PathwaySettings
from ..pathway_delivery import triage_dir, warned_appointments
from ..pathway_record import DIR_AT, EVENT_CODES, FA_OUTCOMES, codes
from ..rules.menu import SESSION_PLANS
from ..scenario.schema import OUTCOME_KEYS, POSITIVE_FOR, Scenario
from ..time import HOURS_PER_DAY as H
from .cjit import WorkerPool
from .cohort import Cohort, Columns
from .groups import GroupEducation
from .records import Records

FA, EVENT = codes(FA_OUTCOMES), codes(EVENT_CODES)
SESSION_DIR = codes(DIR_AT)["condition_session"]  # a DIR at a condition's session: the home CJIT's, if he lives away
HOURS_KEY = {kind: f"{kind}_h" for plan in SESSION_PLANS.values() for kind in plan}
"""The duration draw of each kind of session."""


def settings_of(sc: Scenario) -> PathwaySettings:
    """The parameters the pathway reads, from a scenario."""
    return PathwaySettings(
        intensive=sc.area.intensive, country=sc.area.country, menu_policy=sc.decisions.menu_policy,
        max_previous_convictions=sc.decisions.max_previous_convictions,
        max_rearrangements=sc.compliance.max_rearrangements, lead_days=sc.sessions.lead_days,
        interval_days=sc.sessions.interval_days, review_min_gap_days=sc.sessions.review_min_gap_days,
        follow_up_max_days=sc.follow_up.cps_max_days, comply_by_days=sc.sessions.comply_by_days,
        group_conditions=tuple(sc.sessions.group.conditions) if sc.sessions.group.enabled else ())


def answers(cohort: Cohort, sc: Scenario) -> dict[str, np.ndarray]:
    """Each person's answer to each of the pathway's questions, from his pre-drawn uniforms
    (one comparison per person and question, vectorised; the same comparisons as one at a time)."""
    u = cohort.u
    d = sc.decisions
    return {
        "inspector_authorises": u["inspector"] < sc.testing.inspector_authorised_share,
        "attends_initial_assessment": u["attends_ia"] < sc.assessment.attends_and_remains,
        "needs_follow_up_assessment": u["follow_up_needed"] < np.asarray(sc.assessment.follow_up_needed,
                                                                          float)[cohort.profile],
        "willing_voluntary": u["willing_voluntary"] < sc.assessment.willing_voluntary,
        "consents_to_share": u["consent"] < d.consent_to_share,
        "cps_authorises_if_recommended": u["cps"] < d.cps_authorises_if_recommended,
        "refers_on_merits": u["refer_on_merits"] < d.refer_on_merits,
        "exceptional_reason": u["exceptional_reason"] < d.exceptional_reason,
        "cps_accepts_exceptional_reason": u["cps_exceptional_reason"] < d.cps_accepts_exceptional_reason,
        "police_know_profile": u["police_know_profile"] < sc.assessment.police_know_profile,
        # §5: a current DIR from an earlier contact (known misusers only)
        "dir_already_completed": cohort.known_misuser & (u["dir_earlier"] < sc.assessment.dir_already_completed),
        "accepts_caution": u["accepts_caution"] < d.accepts_caution,
        "accepts_onward_referral": u["onward_referral"] < d.accepts_onward_referral,
        "continues_voluntarily": u["voluntary_continuation"] < sc.follow_up.voluntary_continuation,
        "follow_up_need_days": cohort.draws["need_h"] / H,
        # §6, Annex C session 1: the worker's choice, one draw per person (warns for the commoner breach first)
        "worker_warns_intoxicated": u["worker_warns"] < sc.compliance.worker_warns_intoxicated,
        "worker_warns_behaviour": u["worker_warns"] < sc.compliance.worker_warns_behaviour,
        "police_prosecute": u["prosecuted"] < sc.compliance.prosecuted_after_non_compliance,  # §2.1
        # Annex C session 3, Annex B: the review finds further need (a non-user: none)
        "onward_referral_indicated": u["onward_referral_indicated"] < np.asarray(
            (0.0,) + tuple(sc.sessions.onward_referral_indicated), float)[cohort.profile],
    }


NOT_TESTED = ["not_tested"]
"""Without a test on arrest there is no result."""


class SimulatedArea:
    """The world of one replication: its clock, people, record, CJIT pools and group schedule."""

    explaining = False

    def __init__(self, env: simpy.Environment, scenario: Scenario, cohort: Cohort, records: Records,
                 custody: WorkerPool, community: WorkerPool, callout: WorkerPool, groups: GroupEducation, spawn,
                 shared=None):
        self.env = env
        self.settings = settings_of(scenario)
        if shared is None:
            said = answers(cohort, scenario)
        else:  # the same answers at any staffing (model.shared)
            said = shared.answers
            if said is None:
                said = shared.answers = answers(cohort, scenario)
        self.people = Columns(cohort, said)
        self.people.cps_condition = [None] * cohort.n  # the CPS sets no condition other than the menu's
        self.people.result_without_test = NOT_TESTED * cohort.n
        self.people.session_warned = _Warned(cohort.session_events, self.people.worker_warns_intoxicated,
                                             self.people.worker_warns_behaviour)
        self.records = records.views()  # the record's arrays, written through memoryviews (RecordViews)
        self.custody, self.community, self.callout, self.groups = custody, community, callout, groups
        self.spawn = spawn
        self.never = env.event()
        self.testing = scenario.testing
        self.out_of_hours = scenario.cjit.out_of_hours
        self.follow_up_cfg = scenario.follow_up
        self.follow_up_attends = scenario.assessment.follow_up_attends
        self.max_rearrangements = scenario.compliance.max_rearrangements
        split = np.cumsum([scenario.testing.positive_for[k] for k in POSITIVE_FOR])[:-1]
        self._positive_for_cut = split.tolist()

    def positive_for_code(self, u: float) -> int:
        """Which drugs a positive test shows (1-based code into POSITIVE_FOR), from one uniform."""
        return 1 + bisect.bisect_right(self._positive_for_cut, u)  # cuts ascend: the count of cuts <= u

    # -- time from the pathway's questions ------------------------------------------------------
    def drug_test(self, i: int):
        """The test's result, some time after arrest: refused, positive (for which drugs) or negative."""
        p, r, t, env = self.people, self.records, self.testing, self.env
        yield env.timeout(p.test_h[i])
        r.test_h[i] = env.now
        if p.u["refusal"][i] < t.refusal_share:
            return "refused"
        if p.u["positive"][i] < t.positive_given_profile[p.profile[i]]:
            r.positive_for[i] = self.positive_for_code(p.u["positive_for"][i])
            return "positive"
        return "negative"  # (the pathway records the result)

    def custody_worker_time(self, i: int, hours: float, activity: str, priority: int):
        """A CJIT worker's time in custody before release; out of cover hours the local
        arrangement applies (§4.6.6 Step 1). Returns the start time, or None if none came."""
        env, ooh = self.env, self.out_of_hours
        if env.direct:  # on his own clock: continue in SimPy (model.direct)
            yield from env.handover()
        deadline = self.records.release_h[i]
        if self.custody.on_duty(env.now) or ooh.arrangement == "next_shift":
            start = yield self.custody.request(hours, activity, priority, deadline)
            return start
        if ooh.arrangement == "callout":
            travel = self.people.callout_h[i]
            start = yield self.callout.request(travel + hours, "callout_assessment", priority, deadline - travel)
            return None if start is None else start + travel
        return None

    def appointment(self, i: int, kind: str, event: str, group: bool):
        """One appointment: 1:1 with a community CJIT worker, or (``group``: the pathway found the second
        session may be a group, §4.6.2, §4.6.3) a place in the next group session, or 1:1 if none runs in time.
        An out-of-area resident's appointments are his home CJIT's (§4.6.6 Step 1), not this area's."""
        p = self.people
        if self.env.direct:  # on his own clock: continue in SimPy (model.direct)
            yield from self.env.handover()
        attended = event == "attended"
        if group and p.resident[i]:
            mode, start = yield self.groups.join(i)
            if mode == "group":
                self.records.session2_group[i] = True
                return start
        hours = p.draws[HOURS_KEY[kind]][i] if attended else p.no_show_h[i]
        start = yield from self.community_time(i, hours, kind if attended else "missed_appointment", 1)
        return start

    def community_time(self, i: int, hours: float, activity: str, priority: int):
        """A community worker's time for person ``i``: this area's pool, or for an out-of-area resident his home
        CJIT's (§2.2, §4.6.6 Step 1), counted apart (``home_cjit_worker_hours``) and not charged to this area's
        pool; the home CJIT's own capacity is not modelled, so it starts at once. Returns the start (once the
        work is done, as a pool's request does), or None if none came."""
        if self.people.resident[i]:
            start = yield self.community.request(hours, activity, priority)
            return start
        self.records.home_cjit_worker_hours[i] += hours
        start = self.env.now
        yield self.env.timeout(hours)  # as a pool's request, answered when the work is done
        return start

    def follow_up_contacts(self, i: int, period: rules.Decision):
        """§4.6.4, §6: contacts every interval for the period; True if he kept them, False on
        non-compliance, None if the CJIT could not deliver in this run."""
        env, p, r, fu = self.env, self.people, self.records, self.follow_up_cfg
        if env.direct:  # on his own clock: continue in SimPy (model.direct)
            yield from env.handover()
        end = env.now + period.value * H
        events = p.contact_events[i].tolist()
        slot, rearranged = 0, 0
        t_next = env.now + fu.contact_interval_days * H
        while t_next <= end:
            yield env.timeout(t_next - env.now)
            event = OUTCOME_KEYS[events[slot]] if slot < len(events) else "attended"
            slot += 1
            attended = event == "attended"
            hours = p.contact_h[i] if attended else p.no_show_h[i]
            activity = "follow_up_contact" if attended else "missed_appointment"
            start = yield from self.community_time(i, hours, activity, 2)
            if start is None:
                yield self.never
                return None
            warns = p.worker_warns_intoxicated[i] if event == "intoxicated" else \
                event == "unacceptable_behaviour" and p.worker_warns_behaviour[i]  # §6: the worker's choice
            outcome = rules.session_event(event, rearranged, self.max_rearrangements, bool(warns)).value
            if outcome == "non_compliance":
                r.non_compliance_event[i] = EVENT[event]
                r.follow_up_end_h[i] = env.now
                return False
            if outcome == "attended":
                r.follow_up_contacts[i] += 1
                rearranged = 0
            else:
                rearranged += 1
                r.rearrangements[i] += 1
            t_next = env.now + fu.contact_interval_days * H
        if env.now < end:
            yield env.timeout(end - env.now)
        r.follow_up_end_h[i] = env.now
        return True

    def late(self, i: int, deadline_h: float, own_delay_h: float) -> str:
        """Completed by the comply-by date (§4.6.6 Step 3)? ``in_time``; if not, ``offender`` if he would have
        been in time without his re-arranged appointments, else ``cjit``."""
        now = self.env.now
        if now <= deadline_h:
            return "in_time"
        return "offender" if now - own_delay_h <= deadline_h else "cjit"

    # -- processes beside the pathway -----------------------------------------------------------
    def follow_up_assessment(self, i: int) -> None:
        """Hold the arranged follow-up Required Assessment when it falls due (§2.2)."""
        self.spawn(self._follow_up_assessment(i))

    def _follow_up_assessment(self, i: int):
        """§2.2: 4-8 days later in the DAT of residence, unless cancelled (Annex A note 3)."""
        env, p, r = self.env, self.people, self.records
        yield env.timeout(max(0.0, r.fa_due_h[i] - env.now))
        if r.fa_outcome[i] == FA["cancelled"]:
            return
        attends = rules.follow_up_assessment_held(p.u["follow_up_attends"][i] < self.follow_up_attends).value == "attended"
        hours = p.fa_h[i] if attends else p.no_show_h[i]
        activity = "follow_up_assessment" if attends else "missed_appointment"
        start = yield from self.community_time(i, hours, activity, 1)
        if start is None or r.fa_outcome[i] == FA["cancelled"]:  # cautioned while it waited: a late cancellation
            return
        r.fa_start_h[i] = start
        r.fa_outcome[i] = FA["held" if attends else "not_attended"]
        if attends:
            triage_dir(self, i, "follow_up_assessment")  # §5: not a second DIR

    def voluntary_engagement(self, i: int) -> None:
        """§4.6.4: continued voluntary engagement with the CJIT after the required period."""
        self.spawn(self._voluntary_engagement(i))

    def _voluntary_engagement(self, i: int):
        env, p = self.env, self.people
        end = env.now + p.voluntary_h[i]
        step = self.follow_up_cfg.contact_interval_days * H
        while env.now + step <= end:
            yield env.timeout(step)
            start = yield from self.community_time(i, p.contact_h[i], "voluntary_contact", 3)
            if start is None:
                return

    # -- the rest of the CJIT's work (dipsim.model.workload; set by the model) ----------------------
    workload = None

    def complete_dir(self, i: int, pool: str) -> None:
        """§5: completing person ``i``'s DIR takes a worker's time on ``pool`` (an out-of-area resident's
        community work is his home CJIT's, §4.6.6 Step 1: not this area's)."""
        if pool == "community" and not self.people.resident[i] and self.records.dir_completed_at[i] == SESSION_DIR:
            return
        self.workload.dir_completed(i, pool)

    def onward_referral(self, i: int) -> None:
        """Annex C session 3: person ``i`` joins the CJIT caseload (care-planned contacts): his home CJIT's
        if he lives in another area (§4.6.6 Step 1), not this area's."""
        if self.people.resident[i]:
            self.workload.onward_referral(i)


class _Warned:
    """The worker's choice at each of person ``i``'s appointments (``[i]``: a row of bools), computed
    when he reaches them from his appointment outcomes (drawn on demand: see
    :class:`dipsim.model.cohort.Appointments`, which keeps the row the pathway has just read, so it
    is not drawn twice) and his drawn choices for the person."""

    def __init__(self, events, warns_intoxicated, warns_behaviour):
        self.events, self.wi, self.wb = events, warns_intoxicated, warns_behaviour

    def __getitem__(self, i: int):
        return warned_appointments(self.events[i], self.wi[i], self.wb[i])
