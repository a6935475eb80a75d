"""A minimal plain-SimPy model of dipsim's stage graph: the yardstick dipsim is timed against.

It sees the same people as dipsim (dipsim's own up-front cohort draw: arrest times,
offences, ages, every uniform and duration), takes the same decisions from the same
draws, and visits the same resources along the same routes:

* arrest -> (test on arrest) -> custody assessment (required or voluntary) on the
  custody pool, or out of hours on the callout pool, with the release from custody as
  a deadline (``req | env.timeout(...)``, the plain-SimPy idiom);
* a follow-up required assessment on the community pool, cancelled by a caution;
* police consideration -> CPS delay -> offer -> the condition's sessions on the
  community pool (with rearrangements and non-compliance) -> follow-up contacts ->
  voluntary engagement -> report.

One process per person (plus the follow-up assessment and voluntary engagement as
their own processes, as in dipsim), plain ``simpy.Resource`` pools, decisions as
inline comparisons (no rule objects, no citations), no per-person record beyond a
terminal-state count, no logging.

What it leaves out, on purpose (it is a cost yardstick, not a second model):
workers do not follow a rota once a job has queued (a request made off duty waits
for the next shift start, then queues on a 24-hour ``Resource``); no priorities;
session 2 is always 1:1 (no weekly group education); only the ``annex_b`` menu
policy; no busy-time or overtime booking. So its waits differ from dipsim's and so
may a few deadline-dependent outcomes; the arrests, routes and resource visits
are the same graph.
"""

from __future__ import annotations

import math
from bisect import bisect_right

import simpy

from dipsim.model.cohort import Cohort
from dipsim.rules.offences import OFFENCES
from dipsim.model.core import DRAIN_DAYS
from dipsim.scenario.schema import OUTCOME_KEYS, Scenario
from dipsim.time import DAY_NAMES as DAYS, HOURS_PER_DAY as H, HOURS_PER_WEEK as WEEK
ATTENDED, MISSED_WITH_NOTICE = 0, 1
assert OUTCOME_KEYS[ATTENDED] == "attended" and OUTCOME_KEYS[MISSED_WITH_NOTICE] == "missed_with_notice"

# The annex_b menu as plain data: profile -> (sessions, follow-up?)
ONE = ("single_session",)
TWO = ("assessment_education", "review")
THREE = ("triage", "education", "review")
PLANS = {1: (ONE, False), 2: (TWO, False), 3: (THREE, False), 4: (THREE, True)}

TERMINALS = ("not_eligible", "exit_no_drug_indication", "alternative_disposal", "declined_prosecution",
             "complied_case_closed", "non_compliance_reported", "not_delivered_in_time", "in_progress")


def weekly_intervals(shifts) -> list[tuple[float, float]]:
    """A pool's duty spans within the week, in hours from Monday 00:00, overlapping or touching
    spans merged (so that a bisect on the starts finds the one span that can hold a time)."""
    spans = sorted((DAYS.index(d) * H + s.start, DAYS.index(d) * H + s.end) for s in shifts for d in s.days)
    merged: list[list[float]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


class Spans:
    """A pool's weekly duty spans, looked up by bisect (not a linear scan)."""

    def __init__(self, spans: list[tuple[float, float]]):
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]


def next_on_duty(t: float, spans) -> float:
    """``t`` if on duty, else the next shift start (``inf`` if the pool never works).
    ``spans``: a :class:`Spans` (or a list of merged spans)."""
    if not isinstance(spans, Spans):
        spans = Spans(spans)
    starts = spans.starts
    if not starts:
        return math.inf
    base = (t // WEEK) * WEEK
    w = t - base
    k = bisect_right(starts, w)
    if k and w < spans.ends[k - 1]:
        return t
    if k < len(starts):
        return base + starts[k]
    return base + WEEK + starts[0]


def stage_graph_only(scenario: Scenario) -> Scenario:
    """The scenario with only the work the yardstick models: the team's other DIP caseload, admin,
    travel, DIRs' worker time and the onward referrals' caseload contacts switched off (dipsim's
    whole-workload model, dipsim.model.workload). The ratio is timed on this, so that both models
    simulate the same stage graph; the whole workload's own cost is timed beside it."""
    from dipsim.model.workload import OTHER_WORK_POOL
    from dipsim.scenario import replace

    overrides = {f"cjit.other_work.{name}.per_week": 0.0 for name in OTHER_WORK_POOL}
    overrides.update({f"cjit.{kind}.{pool}": 0.0 for kind in ("admin_share", "travel_share")
                      for pool in ("custody", "community")})
    overrides["cjit.dir_minutes"] = {"dist": "fixed", "value": 0}
    overrides["cjit.caseload.weeks"] = {"dist": "fixed", "value": 0}
    return replace(scenario, overrides)


def capacity(workers) -> int:
    return 10**9 if workers == "unlimited" else int(workers)


TRIGGER = [OFFENCES[name].trigger for name in OFFENCES]
SERIOUS = [OFFENCES[name].group == "serious" for name in OFFENCES]


class People:
    """A drawn dipsim :class:`Cohort` as plain Python lists, the form a minimal SimPy model keeps
    its people in. Built once, outside the timed region (a naive model would not be handed
    numpy arrays to convert: converting them cost 14% of its time when it was timed)."""

    def __init__(self, c: Cohort):
        self.n = c.n
        self.arrest_h = c.arrest_h.tolist()
        self.offence = c.offence.tolist()
        self.age = c.age.tolist()
        self.admits = c.admits.tolist()
        self.evidence = c.evidence.tolist()
        self.prev = c.previous_convictions.tolist()
        self.recent = c.recent_similar.tolist()
        self.profile = c.profile.tolist()
        self.known = c.known_misuser.tolist()
        self.responsible = c.accepts_responsibility.tolist()
        self.resident = c.resident.tolist()
        self.home_cjit = c.home_cjit_can_deliver.tolist()
        self.u = {k: v.tolist() for k, v in c.u.items()}
        self.d = {k: v.tolist() for k, v in c.draws.items()}
        # A person's appointment outcomes are drawn from his own block when he reaches his
        # first appointment, as dipsim draws them (most people never do).
        self.session_events = c.session_events
        self.contact_events = c.contact_events


class Yardstick:
    """One replication over a pre-drawn dipsim :class:`Cohort`."""

    def __init__(self, scenario: Scenario, cohort: "People | Cohort", days: int):
        sc = self.sc = scenario
        if sc.decisions.menu_policy != "annex_b":
            raise ValueError("the yardstick implements the annex_b menu policy only")
        self.days = days
        self.env = env = simpy.Environment()
        cj = sc.cjit
        self.custody = simpy.Resource(env, max(1, capacity(cj.custody.workers)))
        self.custody_staffed = cj.custody.workers == "unlimited" or int(cj.custody.workers) > 0
        self.community = simpy.Resource(env, max(1, capacity(cj.community.workers)))
        self.community_staffed = cj.community.workers == "unlimited" or int(cj.community.workers) > 0
        self.callout = simpy.Resource(env, max(1, capacity(cj.out_of_hours.callout_workers)))
        self.callout_staffed = cj.out_of_hours.callout_workers == "unlimited" or int(cj.out_of_hours.callout_workers) > 0
        self.custody_spans = Spans([(0.0, WEEK)] if cj.custody.workers == "unlimited"
                                   else weekly_intervals(cj.custody.shifts))
        self.community_spans = Spans([(0.0, WEEK)] if cj.community.workers == "unlimited"
                                     else weekly_intervals(cj.community.shifts))
        c = cohort if isinstance(cohort, People) else People(cohort)
        self.n = c.n
        # The people as plain Python lists, prepared before the model is timed (People).
        self.arrest_h, self.offence, self.age = c.arrest_h, c.offence, c.age
        self.admits, self.evidence, self.prev, self.recent = c.admits, c.evidence, c.prev, c.recent
        self.profile, self.known, self.responsible = c.profile, c.known, c.responsible
        self.resident, self.home_cjit, self.u, self.d = c.resident, c.home_cjit, c.u, c.d
        self.session_events, self.contact_events = c.session_events, c.contact_events
        self.trigger = TRIGGER
        self.serious = SERIOUS
        self.fa_cancelled = [False] * c.n
        self.terminal = [0] * len(TERMINALS)
        self.processes = 0

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> float:
        env = self.env
        env.process(self.arrivals())
        env.run(until=(self.days + DRAIN_DAYS) * H)
        return env.now

    def arrivals(self):
        env = self.env
        for i, t in enumerate(self.arrest_h):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(self.person(i))

    def end(self, state: int) -> None:
        self.terminal[state] += 1

    # -- resource visits -------------------------------------------------------------------
    def custody_visit(self, hours: float, deadline: float, travel: float):
        """Worker time before release: custody pool on duty, else callout. Start time or None."""
        env, sc = self.env, self.sc
        now = env.now
        arrangement = sc.cjit.out_of_hours.arrangement
        on_duty = next_on_duty(now, self.custody_spans) == now
        if on_duty or arrangement == "next_shift":
            pool, travel, staffed = self.custody, 0.0, self.custody_staffed
            if not on_duty:  # next shift: the worker comes at the shift start
                start_at = next_on_duty(now, self.custody_spans)
                if start_at >= deadline:
                    return None
                yield env.timeout(start_at - now)
        elif arrangement == "callout":
            pool, staffed = self.callout, self.callout_staffed
        else:
            return None
        if not staffed or deadline - travel <= env.now:
            return None
        with pool.request() as req:
            got = yield req | env.timeout(deadline - travel - env.now)
            if req not in got:
                return None
            start = env.now
            yield env.timeout(travel + hours)
        return start + travel

    def community_visit(self, hours: float):
        env = self.env
        if not self.community_staffed:
            return None
        at = next_on_duty(env.now, self.community_spans)
        if at > env.now:
            yield env.timeout(at - env.now)
        with self.community.request() as req:
            yield req
            start = env.now
            yield env.timeout(hours)
        return start

    # -- one person --------------------------------------------------------------------------
    def person(self, i: int):
        env, sc, u, d = self.env, self.sc, self.u, self.d
        t0 = env.now
        age = self.age[i]
        if age < 18:
            return self.end(0)
        profile = self.profile[i]
        intensive = sc.area.intensive
        test = "not_tested"
        if intensive and (self.trigger[self.offence[i]] or u["inspector"][i] < sc.testing.inspector_authorised_share):
            yield env.timeout(d["test_h"][i])
            if u["refusal"][i] < sc.testing.refusal_share:
                test = "refused"
            elif u["positive"][i] < sc.testing.positive_given_profile[profile]:
                test = "positive"
            else:
                test = "negative"
        release = t0 + max(d["custody_h"][i], env.now - t0)
        if intensive and test == "positive":
            route = "required"
        elif self.known[i] or test == "positive":
            route = "voluntary"
        else:
            route = "exit"
        failed = False
        assessed = 0
        if route == "required":
            attends = u["attends_ia"][i] < sc.assessment.attends_and_remains
            start = yield from self.custody_visit(d["ia_h"][i] if attends else d["no_show_h"][i], release,
                                                  d["callout_h"][i])
            if start is not None:
                if attends:
                    assessed = profile
                    if u["follow_up_needed"][i] < sc.assessment.follow_up_needed[profile]:
                        env.process(self.follow_up_assessment(i, start + d["fa_delay_h"][i]))
                else:
                    failed = True
        if not (self.admits[i] and self.evidence[i]):
            return self.end(0)
        if route == "exit":
            return self.end(1)
        consents = u["consent"][i] < sc.decisions.consent_to_share
        if route == "voluntary":
            willing = u["willing_voluntary"][i] < sc.assessment.willing_voluntary
            consents = consents and willing
            if willing:
                start = yield from self.custody_visit(d["ia_h"][i], release, d["callout_h"][i])
                if start is not None:
                    assessed = profile
        if not (consents and self.responsible[i] and (self.resident[i] or self.home_cjit[i])):
            return self.end(2)
        record_ok = not self.recent[i] and self.prev[i] <= sc.decisions.max_previous_convictions
        if self.serious[self.offence[i]] or not (record_ok or u["refer_on_merits"][i] < sc.decisions.refer_on_merits):
            return self.end(2)  # only a case the police recommend goes to the CPS (§4.6.6 Step 2)
        delay = d["cps_h"][i]
        yield env.timeout(delay)
        if not u["cps"][i] < sc.decisions.cps_authorises_if_recommended:
            return self.end(2)
        if failed:
            plan, follow_up = (ONE if assessed == 1 else TWO), False
        elif assessed:
            plan, follow_up = PLANS[assessed]
        else:
            plan, follow_up = (TWO if self.prev[i] > 0 else ONE), False
        if not u["accepts_caution"][i] < sc.decisions.accepts_caution:
            return self.end(3)
        self.fa_cancelled[i] = True  # at the caution, bail or not (Annex A note 3)
        complied = yield from self.sessions(i, plan)
        if complied is None:
            return self.end(6)
        if complied and follow_up:
            complied = yield from self.follow_up(i)
            if complied is None:
                return self.end(6)
        yield env.timeout(d["report_h"][i])
        self.end(4 if complied else 5)

    def sessions(self, i: int, plan):
        env, sc, d = self.env, self.sc, self.d
        events = self.session_events[i].tolist()
        max_r = sc.compliance.max_rearrangements
        slot = 0
        t_next = env.now + sc.sessions.lead_days * H
        for kind in plan:
            rearranged = 0
            while True:
                if env.now < t_next:
                    yield env.timeout(t_next - env.now)
                event = events[slot] if slot < len(events) else ATTENDED
                slot += 1
                start = yield from self.community_visit(d[kind + "_h"][i] if event == ATTENDED
                                                        else d["no_show_h"][i])
                if start is None:
                    return None
                if event == ATTENDED:
                    break
                if event == MISSED_WITH_NOTICE and rearranged < max_r:
                    rearranged += 1
                    t_next = env.now + sc.sessions.interval_days * H
                    continue
                return False
            gap = sc.sessions.interval_days
            if kind == "education":
                gap = max(gap, sc.sessions.review_min_gap_days)
            t_next = env.now + gap * H
            if kind in ("review", "single_session"):
                _ = self.u["onward_referral"][i] < sc.decisions.accepts_onward_referral
        return True

    def follow_up(self, i: int):
        env, sc, d = self.env, self.sc, self.d
        fu = sc.follow_up
        end = env.now + min(fu.cps_max_days, max(0.0, d["need_h"][i] / H)) * H
        events = self.contact_events[i].tolist()
        max_r = sc.compliance.max_rearrangements
        slot = rearranged = 0
        t_next = env.now + fu.contact_interval_days * H
        while t_next <= end:
            yield env.timeout(t_next - env.now)
            event = events[slot] if slot < len(events) else ATTENDED
            slot += 1
            start = yield from self.community_visit(d["contact_h"][i] if event == ATTENDED else d["no_show_h"][i])
            if start is None:
                return None
            if event == ATTENDED:
                rearranged = 0
            elif event == MISSED_WITH_NOTICE and rearranged < max_r:
                rearranged += 1
            else:
                return False
            t_next = env.now + fu.contact_interval_days * H
        if env.now < end:
            yield env.timeout(end - env.now)
        if self.u["voluntary_continuation"][i] < fu.voluntary_continuation:
            env.process(self.voluntary(i))
        return True

    def follow_up_assessment(self, i: int, due: float):
        env = self.env
        yield env.timeout(max(0.0, due - env.now))
        if self.fa_cancelled[i]:
            return
        attends = self.u["follow_up_attends"][i] < self.sc.assessment.follow_up_attends
        yield from self.community_visit(self.d["fa_h"][i] if attends else self.d["no_show_h"][i])

    def voluntary(self, i: int):
        env = self.env
        end = env.now + self.d["voluntary_h"][i]
        step = self.sc.follow_up.contact_interval_days * H
        while env.now + step <= end:
            yield env.timeout(step)
            yield from self.community_visit(self.d["contact_h"][i])

    def summary(self) -> dict[str, int]:
        return dict(zip(TERMINALS, self.terminal))


def run(scenario: Scenario, cohort: "People | Cohort", days: int) -> Yardstick:
    """Build and run one yardstick replication; returns the finished model."""
    y = Yardstick(scenario, cohort if isinstance(cohort, People) else People(cohort), days)
    y.run()
    return y


if __name__ == "__main__":  # pragma: no cover - a quick look
    from dipsim.model.cohort import draw_cohort
    from dipsim.random import Streams
    from dipsim.scenario import load_scenario

    sc = load_scenario("urban_intensive")
    y = run(sc, draw_cohort(sc, Streams(sc.seed, 0), sc.days), sc.days)
    print(y.n, "arrests", y.summary())
