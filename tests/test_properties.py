"""Property tests: any valid scenario runs, and every person's record obeys Annex A.

Scenarios are generated from the schema itself (:mod:`dipsim.scenario.schema`): every
key, by its type and ``check`` kind, so a key added to the schema is covered without
editing this file (a key of a new *kind* makes the strategy builder fail loudly).
Ranges are wide (probabilities 0 and 1, no workers, 'unlimited', 24/7 and single
short shifts, every distribution, every menu policy and out-of-hours arrangement, all-
zero and large arrivals) but durations are bounded so that, given a CJIT with time to
spare, everyone finishes well inside the model's drain period; ``days`` is short.

The invariants (:func:`check_invariants`) are the model's own identities, read off
``dipsim/pathway.py``: one terminal state and a matching disposal per arrest, the
Annex A boxes adding up, each branch taken only when its rule says so, and every
person's clock running forwards (arrest <= test <= assessment <= release, referral <=
CPS <= caution <= session 1 <= 2 <= 3 <= follow-up end <= report = end).

Hypothesis runs derandomized with no example database, so CI is deterministic.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from dipsim.model.calendar import Rota
from dipsim.model.core import DRAIN_DAYS, Model
from dipsim.model.records import TERMINAL_STATES
from dipsim.random import Streams
from dipsim.results import run, run_levels
from dipsim.rules.menu import SESSION_PLANS, has_follow_up
from dipsim.rules.offences import LOCAL_PROSECUTION_POLICY, OFFENCES
from dipsim.scenario import from_dict, to_dict
from dipsim.scenario.distributions import Dist
from dipsim.scenario.loader import CHOICES, MAPPING_KEYS
from dipsim.scenario.schema import DAYS, OTHER_WORK_POOL, OUTCOME_KEYS, Scenario
from dipsim.time import HOURS_PER_DAY as H, HOURS_PER_WEEK

EPS = 1e-6  # hours: times are sums of floats
SETTINGS = dict(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

# --------------------------------------------------------------------------- strategies

def _mostly(typical: st.SearchStrategy, extreme: st.SearchStrategy, one_in: int = 8) -> st.SearchStrategy:
    """``typical``, but ``extreme`` about one time in ``one_in`` (``one_of`` would pick each half the time).

    The selector is a middle value: Hypothesis favours the ends of an integer range."""
    return st.integers(0, one_in - 1).flatmap(lambda k: extreme if k == one_in // 2 else typical)


PROB_EXTREME = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))
PROB = _mostly(st.floats(0.05, 0.95), PROB_EXTREME)
LIKELY = _mostly(st.floats(0.6, 1.0), PROB_EXTREME)    # the funnel's "yes" branches: some people get through
UNLIKELY = _mostly(st.floats(0.0, 0.4), PROB_EXTREME)
DIST_SCALE = {"minutes": 240.0, "hours": 48.0, "days": 30.0, "weeks": 26.0}
"""Largest typical value of a duration by unit: long enough to queue, short enough to end."""


def dists(unit: str) -> st.SearchStrategy:
    """Every distribution kind (and a bare number), bounded by the unit's scale."""
    hi = DIST_SCALE.get(unit)
    if hi is None:
        raise AssertionError(f"no scale for a distribution in {unit!r}: add it to DIST_SCALE")
    x = st.floats(0.0, hi, allow_subnormal=False)
    return st.one_of(
        x,
        x.map(lambda v: {"dist": "fixed", "value": v}),
        x.map(lambda m: {"dist": "exponential", "mean": m}),
        st.tuples(x, x).map(lambda t: {"dist": "uniform", "low": min(t), "high": max(t)}),
        st.tuples(x, x, x).map(sorted).map(lambda t: {"dist": "triangular", "low": t[0], "mode": t[1], "high": t[2]}),
        st.tuples(st.floats(hi / 100, hi), st.floats(0.0, 1.0)).map(
            lambda t: {"dist": "lognormal", "mean": t[0], "sd": t[0] * t[1]}),
    )


def weights(length: int) -> st.SearchStrategy:
    """Non-negative weights, not all zero; sometimes a single non-zero weight."""
    w = st.lists(st.floats(0.0, 5.0, allow_subnormal=False), min_size=length, max_size=length)
    one_hot = st.integers(0, length - 1).map(lambda k: [1.0 if j == k else 0.0 for j in range(length)])
    return st.one_of(w.map(lambda v: v if sum(v) > 0 else [1.0] * length), one_hot)


def shares(length: int) -> st.SearchStrategy:
    return weights(length).map(lambda v: [x / sum(v) for x in v])


def shares_dict(keys: tuple[str, ...], lean: float = 0.0) -> st.SearchStrategy:
    """Shares over ``keys``; ``lean`` adds weight to the first key (typically)."""
    leaning = weights(len(keys)).map(lambda v: [v[0] + lean] + v[1:])
    return _mostly(leaning, weights(len(keys))).map(lambda v: dict(zip(keys, [x / sum(v) for x in v])))


def shift() -> st.SearchStrategy:
    days = st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True)
    span = st.tuples(st.floats(0.0, 23.5), st.floats(0.05, 24.0)).map(lambda t: (t[0], min(24.0, t[0] + t[1])))
    return st.tuples(days, span).map(lambda t: {"days": t[0], "start": t[1][0], "end": t[1][1]})


SHIFTS = st.one_of(
    st.just([{"days": list(DAYS), "start": 0.0, "end": 24.0}]),                       # 24/7
    st.tuples(st.sampled_from(DAYS), st.floats(0.0, 23.0), st.sampled_from([0.25, 0.5, 1.0])).map(
        lambda t: [{"days": [t[0]], "start": t[1], "end": t[1] + t[2]}]),               # one short shift a week
    st.lists(shift(), min_size=1, max_size=3),
)
WORKERS = st.sampled_from([0, 1, 2, 3, 6, "unlimited"])
ARRESTS = _mostly(
    st.dictionaries(st.sampled_from(tuple(OFFENCES)),
                    _mostly(st.floats(1.0, 6.0), st.one_of(st.just(0.0), st.floats(0.0, 1.0), st.floats(6.0, 30.0)), 4),
                    min_size=1, max_size=len(OFFENCES)),
    st.just({}),                                                                       # no arrests at all
    12,
)


# Per-key ranges where the generic range by check kind would be unrealistic or would let a
# pathway outlive the model's drain period (so "everyone finishes" stays checkable).
OVERRIDES: dict[str, st.SearchStrategy] = {
    "name": st.text(max_size=20),
    "description": st.text(max_size=20),
    "seed": st.integers(0, 10**9),
    "people.mean_previous_convictions": st.one_of(st.floats(0.05, 30.0), st.sampled_from([0.5, 1.0, 1000.0])),
    "decisions.max_previous_convictions": st.integers(0, 30),
    "sessions.lead_days": st.floats(0.0, 14.0),
    "sessions.interval_days": st.floats(0.0, 14.0),
    "sessions.review_min_gap_days": st.floats(0.0, 7.0),
    "sessions.group.min_size": st.integers(1, 8),
    "sessions.group.max_size": st.integers(1, 8),
    "sessions.group.facilitators": st.integers(1, 4),
    "sessions.group.max_wait_days": st.floats(0.0, 21.0),
    "follow_up.cps_max_days": st.floats(0.0, 90.0),
    "follow_up.contact_interval_days": st.floats(0.5, 14.0),
    "compliance.max_rearrangements": _mostly(st.integers(0, 3), st.integers(4, 10), 4),
    "compliance.session_outcomes": shares_dict(OUTCOME_KEYS, lean=10.0),  # mostly attended
    "cjit.out_of_hours.callout_workers": st.integers(0, 3),
    # the team's other work: some of every kind, leaving the CJIT time to spare (see the module doc)
    **{f"cjit.{share}_share.{pool}": st.floats(0.0, 0.3) for share in ("admin", "travel")
       for pool in ("custody", "community")},
    **{f"cjit.other_work.{name}.per_week": st.floats(0.0, 5.0) for name in OTHER_WORK_POOL},
    "cjit.caseload.contact_interval_days": st.floats(1.0, 28.0),
    "sessions.group.conditions": st.lists(st.sampled_from(["two_session", "three_session"]), unique=True, max_size=2),
    **{key: LIKELY for key in (
        "people.admits_offence", "people.sufficient_evidence", "people.accepts_responsibility", "people.resident_in_area",
        "decisions.consent_to_share", "decisions.cps_authorises_if_recommended", "decisions.accepts_caution",
        "assessment.willing_voluntary", "assessment.attends_and_remains")},
    **{key: UNLIKELY for key in ("people.under_18_share", "people.recent_similar_offending")},
}


def _field_strategy(f: dataclasses.Field, default, dotted: str) -> st.SearchStrategy:
    check, length, unit = f.metadata.get("check", ""), f.metadata.get("length", 0), f.metadata.get("unit", "")
    path = tuple(dotted.split("."))
    if dotted in OVERRIDES:
        return OVERRIDES[dotted]
    if path[-2:] in CHOICES or path in CHOICES:
        return st.sampled_from(CHOICES.get(path) or CHOICES[path[-2:]])
    if isinstance(default, Dist):
        return dists(unit.split()[0])
    if f.name == "workers":
        return WORKERS
    if f.name == "shifts":
        return SHIFTS
    if f.name == "schedule":
        return st.lists(st.fixed_dictionaries({"day": st.sampled_from(DAYS), "hour": st.floats(0.0, 24.0)}),
                        max_size=3)
    if dotted == "arrivals.arrests_per_day":
        return ARRESTS
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, dict):
        keys = MAPPING_KEYS[path[-2:]]
        if check == "shares" and length:
            return st.fixed_dictionaries({k: shares(length) for k in keys})
        if check == "shares":
            return shares_dict(keys)
        if check == "prob":
            return st.dictionaries(st.sampled_from(keys), PROB)
    if isinstance(default, tuple) and length:
        if check in ("weights",):
            return weights(length)
        if check == "shares":
            return shares(length)
        if check == "prob":
            return st.lists(PROB, min_size=length, max_size=length)
    if isinstance(default, float) or (isinstance(default, int) and check in ("nonneg", "positive")):
        whole = isinstance(default, int)
        if check == "prob":
            return PROB
        if check == "hour":
            return st.floats(0.0, 24.0)
        if check == "nonneg":
            return st.integers(0, 20) if whole else st.floats(0.0, 50.0)
        if check == "positive":
            return st.integers(1, 20) if whole else st.floats(0.01, 50.0)
    if dataclasses.is_dataclass(default):
        return section(type(default), dotted + ".")
    raise AssertionError(f"test_properties has no strategy for scenario key {dotted} "
                         f"({type(default).__name__}, check {check!r}): add one")


def section(cls, prefix: str = "") -> st.SearchStrategy:
    defaults = cls()
    parts = {}
    for f in dataclasses.fields(cls):
        if prefix + f.name == "days":
            continue  # the run's days are drawn separately and kept short
        parts[f.name] = _field_strategy(f, getattr(defaults, f.name), prefix + f.name)
    return st.fixed_dictionaries(parts)


def _fix_up(raw: dict) -> dict:
    group = raw["sessions"]["group"]
    if group["min_size"] > group["max_size"]:
        group["min_size"], group["max_size"] = group["max_size"], group["min_size"]
    return raw


SCENARIOS = section(Scenario).map(_fix_up)
RUN_DAYS = _mostly(st.integers(5, 14), st.integers(0, 4), 10)

# --------------------------------------------------------------------------- invariants


def true(s: pd.Series) -> np.ndarray:
    """A nullable boolean column's True entries (NA counts as not True)."""
    return s.fillna(False).to_numpy(dtype=bool)


def false(s: pd.Series) -> np.ndarray:
    return (~s.fillna(True)).to_numpy(dtype=bool)


def isset(s: pd.Series) -> np.ndarray:
    return s.notna().to_numpy()


def must(p: pd.DataFrame, ok, what: str, cols: tuple[str, ...] = ()) -> None:
    """Assert ``ok`` for every person, showing the first offenders if not."""
    ok = np.asarray(ok, dtype=bool)
    if not ok.all():
        bad = p.loc[~ok, ["person_id", "terminal_state", *cols]].head(5)
        raise AssertionError(f"{what}: {int((~ok).sum())} of {len(p)} people\n{bad.to_string()}")


def iff(p, a, b, what, cols=()) -> None:
    must(p, np.asarray(a, bool) == np.asarray(b, bool), what, cols)


def implies(p, a, b, what, cols=()) -> None:
    must(p, ~np.asarray(a, bool) | np.asarray(b, bool), what, cols)


def ordered(p: pd.DataFrame, earlier: str, later: str, gap_h: float = 0.0) -> None:
    """``later >= earlier + gap_h`` wherever both are recorded (no negative waits)."""
    a, b = p[earlier], p[later]
    both = a.notna() & b.notna()
    must(p, ~both | (b >= a + gap_h - EPS), f"{later} before {earlier} (+{gap_h:g} h)", (earlier, later))


def worst_case_days(sc: Scenario) -> float:
    """A generous bound on one pathway's length with a CJIT that never keeps anyone waiting:
    every appointment re-arranged as often as allowed, each group session waited for in full,
    the longest follow-up, and 60 days for the tails of the duration distributions."""
    ses, group = sc.sessions, sc.sessions.group
    appointments = 3 * (sc.compliance.max_rearrangements + 1)
    per = max(ses.interval_days, ses.review_min_gap_days) + (group.max_wait_days + 7 if group.enabled else 0)
    return ses.lead_days + appointments * per + sc.follow_up.cps_max_days + sc.follow_up.contact_interval_days + 60


def check_invariants(r, sc: Scenario, days: int) -> None:
    p, k = r.people, r.kpis
    n = len(p)
    fu, ses, comp, cj = sc.follow_up, sc.sessions, sc.compliance, sc.cjit
    terminal = p["terminal_state"].astype(str).to_numpy()
    disposal = p["disposal"].astype(str).to_numpy()

    # One row per arrest, arrests inside the window.
    assert k["arrests"] == n
    assert (p["person_id"].to_numpy() == np.arange(n)).all()
    arrest = p["arrest_h"].to_numpy()
    assert (np.diff(arrest) >= 0).all() and ((arrest >= 0) & (arrest < days * H)).all()
    if days == 0 or not any(sc.arrivals.arrests_per_day.values()):
        assert n == 0

    # Exactly one terminal state, and the disposal that goes with it.
    assert p["terminal_state"].notna().all() and set(terminal) <= set(TERMINAL_STATES)
    assert sum(k[f"terminal_{s}"] for s in TERMINAL_STATES) == n
    assert sum(v for key, v in k.items() if key.startswith("disposal_")) == n
    expected = {"complied_case_closed": "dip_conditional_caution", "non_compliance_reported": "dip_conditional_caution",
                "not_delivered_in_time": "dip_conditional_caution", "in_progress": "pending"}
    must(p, disposal == np.array([expected.get(t, t) for t in terminal], dtype=object), "disposal agrees with terminal state",
         ("disposal",))
    done = terminal != "in_progress"
    iff(p, isset(p["end_h"]), done, "end_h recorded iff the pathway ended", ("end_h",))
    ordered(p, "arrest_h", "end_h")
    # Durations are bounded, so only the CJIT's delivery of a caution can still be under way.
    implies(p, ~done, isset(p["caution_h"]), "in progress only while the CJIT delivers a caution", ("caution_h",))
    can_finish = days + worst_case_days(sc) < DRAIN_DAYS
    if cj.community.workers == "unlimited" and can_finish:
        assert k["terminal_in_progress"] == 0, "unlimited community workers: everyone finishes"
    elif cj.community.workers != "unlimited" and cj.community.workers > 0 and k["terminal_in_progress"] > 0 and can_finish:
        # People left waiting while the workers had time to spare would be a deadlock.
        duty = cj.community.workers * Rota.from_shifts(cj.community.shifts).duty_hours(0.0, r.provenance["end_h"])
        busy = float(r.daily_busy["community"].sum())
        assert busy >= 0.5 * duty, f"{k['terminal_in_progress']} people stuck while community workers idle " \
                                   f"({busy:.0f} of {duty:.0f} duty hours busy)"

    for col in ("rearrangements", "sessions_attended", "follow_up_contacts", "previous_convictions", "age"):
        must(p, p[col].to_numpy() >= 0, f"{col} >= 0", (col,))

    # §2.1: adults only; admission and evidence.
    age = p["age"].to_numpy()
    adult = age >= 18
    eligible = adult & p["admits_offence"].to_numpy() & p["sufficient_evidence"].to_numpy()
    iff(p, terminal == "not_eligible", ~eligible, "not eligible iff a child, no admission or no evidence",
        ("age", "admits_offence", "sufficient_evidence"))
    route = p["route"].astype(str).to_numpy()
    iff(p, route == "none", ~adult, "every adult (and no child) reaches the assessment route", ("age", "route"))
    times = [c for c in p.columns if c.endswith("_h") and c not in ("arrest_h", "end_h")]
    must(p, adult | p[times].isna().all(axis=1).to_numpy(), "children: no step after arrest", tuple(times))
    must(p, adult | ((p["end_h"] - p["arrest_h"]).abs() <= EPS).to_numpy(), "children: ended at arrest")

    # §2.2 testing on arrest.
    result = p["test_result"].astype(str).to_numpy()
    tested = result != "not_tested"
    iff(p, tested, isset(p["test_h"]), "test time recorded iff tested", ("test_result", "test_h"))
    implies(p, tested, adult, "only adults are tested", ("age",))
    trigger = np.array([OFFENCES[o].trigger for o in p["offence"].astype(str)], dtype=bool)
    if sc.area.intensive:
        implies(p, adult & trigger, tested, "adults arrested for a trigger offence are tested", ("offence",))
    else:
        assert not tested.any(), "no testing on arrest outside intensive areas"
    if sc.testing.inspector_authorised_share == 0:
        implies(p, tested, trigger, "non-trigger offences tested only if an Inspector authorises", ("offence",))
    positive = result == "positive"
    if "positive_for" in p:
        iff(p, positive, p["positive_for"].astype(str).to_numpy() != "none", "drugs named iff positive", ("positive_for",))
    iff(p, isset(p["release_h"]), adult, "release time for every adult", ("release_h",))
    ordered(p, "arrest_h", "test_h")
    ordered(p, "test_h", "release_h")
    ordered(p, "arrest_h", "release_h")

    # Annex A route.
    known = p["known_drug_misuser"].to_numpy()
    required = adult & sc.area.intensive & positive
    iff(p, route == "required_assessment", required, "required assessment iff intensive and positive", ("test_result",))
    iff(p, route == "voluntary_assessment", adult & ~required & (positive | known),
        "voluntary route iff positive or known misuser", ("test_result", "known_drug_misuser"))
    iff(p, route == "exit", adult & ~positive & ~known, "EXIT iff no drug indication", ("test_result", "known_drug_misuser"))
    iff(p, terminal == "exit_no_drug_indication", eligible & (route == "exit"), "EXIT terminal iff eligible on the exit route")

    # Initial required assessment.
    ia = p["ia_outcome"].astype(str).to_numpy()
    iff(p, ia != "not_required", route == "required_assessment", "an IA outcome iff required", ("ia_outcome",))
    iff(p, isset(p["ia_request_h"]), route == "required_assessment", "IA requested iff required", ("ia_request_h",))
    must(p, ~isset(p["ia_request_h"]) | (p["ia_request_h"] == p["test_h"]).to_numpy(), "IA requested at the test result")
    iff(p, isset(p["ia_start_h"]), np.isin(ia, ["attended", "failed"]), "IA start iff held", ("ia_outcome", "ia_start_h"))
    iff(p, true(p["ra_non_compliance_reported"]), ia == "failed", "non-compliance with the RA reported iff failed")
    ordered(p, "ia_request_h", "ia_start_h")
    ordered(p, "ia_start_h", "release_h")
    assert k["required_assessments"] == k["ia_attended"] + k["ia_failed"] + k["ia_missed_no_worker"]
    assert k["ra_non_compliance_reported"] == k["ia_failed"]

    fa = p["fa_outcome"].astype(str).to_numpy()
    implies(p, fa != "none", ia == "attended", "a follow-up assessment only after an attended IA", ("fa_outcome",))
    iff(p, isset(p["fa_due_h"]), fa != "none", "follow-up due iff arranged", ("fa_outcome", "fa_due_h"))
    iff(p, isset(p["fa_start_h"]), np.isin(fa, ["held", "not_attended"]), "follow-up start iff it happened")
    # Annex A note 3: cancelled once the caution is administered, on police bail or not; before any caution
    # (on bail awaiting the CPS, §3.1) it is held as normal if it falls due, and never after the caution.
    implies(p, fa == "cancelled", isset(p["caution_h"]),
            "follow-up cancelled only by a caution (Annex A note 3)", ("caution_h",))
    implies(p, isset(p["fa_start_h"]) & isset(p["caution_h"]), (p["fa_start_h"] < p["caution_h"]).to_numpy(),
            "no follow-up assessment held after the caution (Annex A note 3)", ("fa_start_h", "caution_h"))
    ordered(p, "ia_start_h", "fa_due_h")
    ordered(p, "fa_due_h", "fa_start_h")

    # Voluntary assessment (§4.6.6 Step 1).
    va = p["va_outcome"].astype(str).to_numpy()
    iff(p, va != "not_offered", eligible & (route == "voluntary_assessment"), "VA offered iff eligible on the voluntary route")
    iff(p, isset(p["va_start_h"]), va == "held", "VA start iff held", ("va_outcome", "va_start_h"))
    ordered(p, "arrest_h", "va_start_h")
    ordered(p, "test_h", "va_start_h")
    ordered(p, "va_start_h", "release_h")
    if sc.assessment.willing_voluntary == 0:
        assert not np.isin(va, ["held", "missed_no_worker"]).any()
    ap = p["assessed_profile"]
    implies(p, isset(ap), (ia == "attended") | (va == "held"), "a profile is known only from an assessment")
    drug = p["drug_use"].cat.codes.to_numpy()
    must(p, ~isset(ap) | (ap.fillna(0).to_numpy() == drug), "the assessment finds the person's own profile")
    kp = p["known_profile"]
    implies(p, isset(ap), isset(kp) | ~isset(p["consent"]), "an assessed profile is the one the police consider")
    must(p, ~isset(kp) | (kp.fillna(0).to_numpy() == drug), "the police know the person's own profile (Annex A note 2)")
    if sc.assessment.police_know_profile == 0:
        implies(p, isset(kp), isset(ap), "with no assessment and no police knowledge, no profile (Annex A note 2)")

    # Who a worker can see in custody.
    ooh = cj.out_of_hours
    held = np.isin(ia, ["attended", "failed"]) | (va == "held")
    missed = (ia == "missed_no_worker") | (va == "missed_no_worker")
    if cj.custody.workers == "unlimited":
        assert not missed.any(), "unlimited custody workers never miss anyone"
    elif cj.custody.workers == 0 and (ooh.arrangement != "callout" or ooh.callout_workers == 0):
        assert not held.any(), "no custody worker and no callout: no assessments"
    elif ooh.arrangement != "callout":
        rota = Rota.from_shifts(cj.custody.shifts)
        for col in ("ia_start_h", "va_start_h"):
            starts = p[col].dropna()
            assert all(rota.on_duty(t) for t in starts), f"{col} outside custody cover with no callout"

    # Consent and the police's bars (Annex A note 1, §4.1, §4.6.6 Step 1).
    considered = eligible & np.isin(route, ["required_assessment", "voluntary_assessment"])
    # §4.6.6 Step 1: an unwilling voluntary assessment is its own outcome; consent is not asked then
    iff(p, isset(p["consent"]), considered & (va != "unwilling"),
        "consent asked iff eligible with a drug indication and not unwilling to see the worker", ("consent",))
    stop = p["stop_reason"].astype(str).to_numpy()
    consent = true(p["consent"])
    accepts_resp = p["accepts_responsibility"].to_numpy()
    local = p["resident_in_area"].to_numpy() | p["home_cjit_can_deliver"].to_numpy()
    iff(p, stop == "unwilling_voluntary_assessment", considered & (va == "unwilling"),
        "unwilling to see the worker stops the case as its own outcome (§4.6.6 Step 1)", ("va_outcome",))
    assert k["unwilling_voluntary_assessment"] == int((stop == "unwilling_voluntary_assessment").sum())
    iff(p, stop == "consent_refused", false(p["consent"]), "consent refused is a bar")
    iff(p, stop == "denies_responsibility", consent & ~accepts_resp, "denying responsibility is a bar")
    iff(p, stop == "out_of_area", consent & accepts_resp & ~local, "out of area with no home CJIT is a bar")
    past_bars = consent & accepts_resp & local
    # §4.6.6 Step 2: "If the Police consider a DIP CC may be appropriate, they will seek CPS authorisation":
    # only a case the police recommend is referred; the offence (local policy), the record (§4.1, unless they
    # refer on its merits) and the Annex B profile (group 4 with a record: an exceptional reason) decide.
    d = sc.decisions
    offence_ok = ~np.isin(p["offence"].astype(str).to_numpy(), LOCAL_PROSECUTION_POLICY)
    record_ok = ~p["recent_similar_offending"].to_numpy() & (
        p["previous_convictions"].to_numpy() <= d.max_previous_convictions)
    g4_record = (kp.fillna(0).to_numpy() == 4) & (p["previous_convictions"].to_numpy() > 0)
    referred = isset(p["referral_h"])
    iff(p, stop == "not_recommended_offence", past_bars & ~offence_ok, "the local prosecution policy stops at the police",
        ("offence",))
    implies(p, referred, past_bars & offence_ok, "referred only past every bar and the offence policy", ("referral_h",))
    implies(p, stop == "not_recommended_record", past_bars & offence_ok & ~record_ok, "record stop only on the record",
            ("previous_convictions", "recent_similar_offending"))
    implies(p, stop == "not_recommended_drug_use", past_bars & offence_ok & g4_record,
            "drug-use stop only for Annex B group 4 with a record", ("known_profile", "previous_convictions"))
    implies(p, past_bars & offence_ok & record_ok & ~g4_record, referred, "recommended when nothing weighs against")
    if d.refer_on_merits == 0:
        iff(p, stop == "not_recommended_record", past_bars & offence_ok & ~record_ok, "no referral on the merits: "
            "a record that weighs against stops the case", ("previous_convictions", "recent_similar_offending"))
    if d.exceptional_reason == 0:
        implies(p, referred, ~g4_record, "no exceptional reason: no Annex B group 4 with a record referred")
    iff(p, true(p["police_recommended"]), referred, "police recommended iff referred (§4.6.6 Step 2)",
        ("police_recommended",))
    iff(p, terminal == "alternative_disposal", stop != "none", "alternative disposal iff a stop reason", ("stop_reason",))
    assert k["consent_refused"] == int((stop == "consent_refused").sum())

    # The CPS (§4.6.6 Step 2, §4.5, §3.1).
    for col in ("cps_h", "cps_authorised", "police_recommended", "police_bail"):
        iff(p, isset(p[col]), referred, f"{col} recorded iff referred", (col,))
    ordered(p, "referral_h", "cps_h")
    for col in ("test_h", "ia_start_h", "va_start_h"):
        ordered(p, col, "referral_h")
    bail = isset(p["cps_h"]) & (p["cps_h"] > p["release_h"]).to_numpy()
    iff(p, true(p["police_bail"]), bail, "police bail iff the CPS decides after release", ("cps_h", "release_h"))
    iff(p, false(p["cps_authorised"]), stop == "cps_not_authorised", "CPS refusal is the cps_not_authorised stop")
    if d.cps_authorises_if_recommended == 0:
        assert k["cps_authorised"] == 0
    if d.cps_authorises_if_recommended == 1 and (d.cps_accepts_exceptional_reason == 1 or not (referred & g4_record).any()):
        assert k["cps_authorised"] == k["referred_to_cps"]
    assert k["referred_to_cps"] == int(referred.sum()) == k["cps_authorised"] + int(false(p["cps_authorised"]).sum())

    # The offer (§4.6.6 Step 3) and the condition (§4.6, Annex B).
    authorised = true(p["cps_authorised"])
    condition = p["condition"].astype(str).to_numpy()
    iff(p, condition != "none", authorised, "a condition iff the CPS authorised", ("condition",))
    iff(p, isset(p["accepted"]), authorised, "an offer iff authorised", ("accepted",))
    iff(p, false(p["accepted"]), terminal == "declined_prosecution", "declined iff the offer was refused")
    # §2.2: Restriction on Bail on every route to a charge (declined, CPS refusal, non-compliance not spared
    # prosecution), from where the person lives
    to_charge = (terminal == "declined_prosecution") | (p["stop_reason"].astype(str).to_numpy() == "cps_not_authorised") \
        | ((terminal == "non_compliance_reported") & ~false(p["prosecuted"]))
    iff(p, isset(p["restriction_on_bail"]), to_charge, "Restriction on Bail considered on every route to a charge")
    rob = (sc.area.country == "england") & positive & p["resides_in_england"].to_numpy()
    iff(p, true(p["restriction_on_bail"]), to_charge & rob,
        "Restriction on Bail iff on a route to a charge after a positive test in England, living in England (§2.2)",
        ("test_result", "resides_in_england"))
    cautioned = isset(p["caution_h"])
    iff(p, cautioned, true(p["accepted"]), "cautioned iff accepted", ("caution_h", "accepted"))
    iff(p, cautioned, np.isin(terminal, ["complied_case_closed", "non_compliance_reported", "not_delivered_in_time", "in_progress"]),
        "cautioned iff the pathway ends after the caution")
    ordered(p, "cps_h", "caution_h")
    policy = d.menu_policy
    chosen = set(condition[authorised])
    if policy == "one_session_for_all":
        assert chosen <= {"one_session"}
    elif policy == "three_sessions_for_all":
        assert chosen <= {"three_session"}
    elif policy == "no_follow_up":
        assert not any(has_follow_up(c) for c in chosen)
    elif policy == "annex_b":
        implies(p, authorised & (ia == "failed"), np.isin(condition, ["one_session", "two_session"]),
                "§4.6.3: one or two sessions after a failed Required Assessment", ("condition", "ia_outcome"))
    if d.accepts_caution == 0:
        assert k["cautions"] == 0 and k["declined"] == k["cps_authorised"]
    if d.consent_to_share == 0:
        assert k["referred_to_cps"] == 0 and k["cautions"] == 0

    # Delivering the condition (§4.6.1-4.6.4, §6, Annex C).
    plan_len = np.array([len(SESSION_PLANS.get(c, ())) for c in condition], dtype=int)
    attended = p["sessions_attended"].to_numpy()
    for j in (1, 2, 3):
        col = f"session{j}_h"
        implies(p, isset(p[col]), cautioned & (plan_len >= j), f"{col} only for a condition with {j} sessions", ("condition", col))
    ordered(p, "caution_h", "session1_h", ses.lead_days * H)
    ordered(p, "session1_h", "session2_h", ses.interval_days * H)
    three = np.array([c.startswith("three_session") for c in condition], dtype=bool)
    gap3 = max(ses.interval_days, ses.review_min_gap_days) * H
    s2, s3 = p["session2_h"], p["session3_h"]
    must(p, ~(three & isset(s2) & isset(s3)) | (s3 >= s2 + gap3 - EPS).to_numpy(),
         "Annex C session 3: the review at least the minimum gap after session 2", ("session2_h", "session3_h"))
    ordered(p, "session2_h", "session3_h")
    must(p, attended <= plan_len, "no more sessions attended than the plan has", ("condition", "sessions_attended"))
    complied = terminal == "complied_case_closed"
    noncomp = terminal == "non_compliance_reported"
    cjit_late = terminal == "not_delivered_in_time"
    implies(p, complied | cjit_late, attended == plan_len, "complied: every session attended", ("condition", "sessions_attended"))
    for j in (1, 2, 3):
        implies(p, complied & (plan_len >= j), isset(p[f"session{j}_h"]), f"complied: session {j} held")
    event = p["non_compliance_event"].astype(str).to_numpy()
    implies(p, noncomp, event != "none", "non-compliance has its event", ("non_compliance_event",))
    implies(p, event != "none", noncomp | ~done, "an event only with non-compliance (or its report pending at the end)",
            ("non_compliance_event",))
    # §5: a DIR after the first triage assessment (initial or voluntary assessment, or the condition's first
    # session), unless one from an earlier contact is added to
    triaged = (p["ia_outcome"].astype(str).to_numpy() == "attended") | (p["va_outcome"].astype(str).to_numpy() == "held") \
        | (attended >= 1)
    earlier = p["dir_completed_at"].astype(str).to_numpy() == "earlier_contact"
    iff(p, true(p["dir_completed"]), triaged & ~earlier, "§5: a DIR iff a triage assessment, not duplicating one",
        ("dir_completed_at",))
    implies(p, earlier, p["known_drug_misuser"].to_numpy(), "an earlier DIR only for someone known to misuse drugs")
    implies(p, isset(p["onward_referral"]), attended == plan_len, "onward referral only after the review")
    grouped = np.array([c.removesuffix("_follow_up") in ses.group.conditions for c in condition], dtype=bool)
    implies(p, true(p["session2_group"]), grouped & ses.group.enabled,
            "§4.6.2, §4.6.3: a group only as session 2 of a condition the scenario lists")
    fu_cond = np.array([has_follow_up(c) for c in condition], dtype=bool)
    implies(p, isset(p["follow_up_end_h"]), fu_cond & (attended == plan_len), "follow-up only after every session")
    implies(p, p["follow_up_contacts"].to_numpy() > 0, fu_cond, "follow-up contacts only under the Follow-Up Condition")
    late = cjit_late | (event == "not_completed_in_time") \
        | ((terminal == "in_progress") & false(p["completed_in_time"]))  # found late; the report not yet made
    implies(p, true(p["voluntary_continuation"]), isset(p["follow_up_end_h"]) & (complied | late | ~done),
            "voluntary engagement only after a completed follow-up")
    for j in (1, 2, 3):
        ordered(p, f"session{j}_h", "follow_up_end_h")
        ordered(p, f"session{j}_h", "report_h")
    ordered(p, "follow_up_end_h", "report_h")
    iff(p, isset(p["report_h"]), complied | noncomp | cjit_late, "a CJIT report iff the caution ran its course",
        ("report_h",))
    # §4.6.6 Steps 3 and 5: the comply-by date; §2.1: prosecution after non-compliance.
    iff(p, false(p["completed_in_time"]), late, "late iff not completed by the comply-by date", ("completed_in_time",))
    implies(p, event == "not_completed_in_time", p["rearrangements"].to_numpy() > 0,
            "late through his own failure only after re-arranged appointments", ("rearrangements",))
    iff(p, isset(p["prosecuted"]), noncomp, "the police's prosecution decision iff non-compliance reported", ("prosecuted",))
    if comp.prosecuted_after_non_compliance == 0:
        assert k["prosecuted_after_non_compliance"] == 0
    must(p, ~isset(p["report_h"]) | (p["report_h"] == p["end_h"]).to_numpy(), "the case ends with the report")
    for col in ("test_h", "ia_start_h", "va_start_h", "referral_h", "cps_h", "caution_h"):
        ordered(p, col, "end_h")
    rearr = p["rearrangements"].to_numpy()
    max_r = comp.max_rearrangements
    must(p, rearr <= max_r * (plan_len + p["follow_up_contacts"].to_numpy() + 1), "§6: re-arrangements are bounded",
         ("rearrangements", "follow_up_contacts"))
    if comp.session_outcomes["attended"] == 1:
        assert k["non_compliance"] == 0 and k["rearrangements"] == 0, "everyone attends: nobody fails"
    if "session_events" in p:
        logs = p["session_events"].astype(str)
        n_attended = logs.map(lambda s: s.split(",").count("attended") if s else 0).to_numpy()
        must(p, ~done | ~cautioned | (n_attended == attended), "the session log holds each attended session",
             ("session_events", "sessions_attended"))

    # Annex A boxes add up (the KPIs users see).
    assert k["tests"] == k["tests_positive"] + k["tests_refused"] + int((result == "negative").sum())
    assert k["tests_positive"] == int(positive.sum())
    assert k["cps_authorised"] == k["cautions"] + k["declined"]
    assert k["cautions"] == k["complied"] + k["non_compliance"] + k["not_delivered_in_time"] + k["terminal_in_progress"]
    assert k["cautions"] == sum(v for key, v in k.items() if key.startswith("condition_"))
    assert k["prosecutions_considered"] == k["declined"] + k["non_compliance"]
    assert k["voluntary_route"] >= k["voluntary_assessments"] + k["va_missed_no_worker"]
    assert k["follow_up_assessments_arranged"] >= (k["follow_up_assessments_held"] + k["follow_up_assessments_not_attended"]
                                                  + k["follow_up_assessments_cancelled"])
    assert n >= k["tests"] >= k["tests_positive"] >= k["required_assessments"]
    assert n >= k["referred_to_cps"] >= k["cps_authorised"] >= k["cautions"] >= k["complied"]

    # Utilisation is a share; busy time is never negative.
    u = r.utilisation
    vals = u["utilisation"].dropna()
    assert ((vals >= 0) & (vals <= 1 + 1e-9)).all(), f"utilisation outside [0, 1]:\n{u}"
    assert (u["busy_h"] >= 0).all()
    for name, busy in r.daily_busy.items():
        assert np.isfinite(busy).all() and (busy >= 0).all(), f"{name} busy hours negative or not finite"
    for pool, cfg in (("custody", cj.custody), ("community", cj.community)):
        row = u[(u["pool"] == pool) & (u["activity"] == "all")]
        if cfg.workers == "unlimited" or cfg.workers == 0:
            assert row["utilisation"].isna().all()


# --------------------------------------------------------------------------- the properties


@settings(max_examples=600, **SETTINGS)
@given(raw=SCENARIOS, days=RUN_DAYS)
def test_any_valid_scenario_runs_and_keeps_every_invariant(raw, days):
    sc = from_dict(raw, "<hypothesis>")
    r = run(sc, days=days)
    note(f"{len(r.people)} arrests; terminal states {r.people['terminal_state'].value_counts().to_dict()}")
    k = r.kpis
    event("cautions" if k["cautions"] else "arrests, no caution" if k["arrests"] else "no arrests")
    if days + worst_case_days(sc) >= DRAIN_DAYS:
        event("pathways may outlast the drain period")
    if k["terminal_in_progress"]:
        event("some still in progress")
    check_invariants(r, sc, days)


@settings(max_examples=150, **SETTINGS)
@given(raw=SCENARIOS, days=RUN_DAYS)
def test_the_direct_driver_changes_nothing(raw, days):
    """Walking people on their own clock until they first need a CJIT worker (dipsim.model.direct) gives
    the same people, the same busy hours and the same end as a SimPy process per walk, on any valid area."""
    sc = from_dict(raw, "<hypothesis>")
    direct, processes = (Model(sc, Streams(sc.seed, 0), days, direct=d) for d in (True, False))
    a, b = direct.run(), processes.run()
    pd.testing.assert_frame_equal(a.records.to_frame(), b.records.to_frame(), check_exact=True)
    assert a.end_h == b.end_h and a.groups_held == b.groups_held
    for pool in a.busy:
        assert np.array_equal(a.busy[pool], b.busy[pool]) and np.array_equal(a.overtime[pool], b.overtime[pool])
    if a.records.n:
        event("some walked directly" if direct.driver.direct_walks else "none walked directly")


WORKERS = st.one_of(st.integers(0, 6), st.just("unlimited"))


@settings(max_examples=100, **SETTINGS)
@given(raw=SCENARIOS, days=RUN_DAYS, staffing=st.lists(st.tuples(WORKERS, WORKERS, st.integers(0, 3)), min_size=1,
                                                       max_size=3))
def test_runs_at_other_staffing_share_their_draws_and_change_nothing(raw, days, staffing):
    """The same area at several staffing levels made together (dipsim.results.run_levels: the cohort, the
    walks that need no worker and the other work's arrivals shared) gives each level's people, busy hours,
    KPIs and end exactly as a run of its own, on any valid area, at any workers (none and 'unlimited' too)."""
    sc = from_dict(raw, "<hypothesis>")
    levels = [sc]
    for custody, community, callout in staffing:
        level = to_dict(sc)
        if sc.cjit.custody.workers == 0 and custody != 0:  # a rota with workers needs shifts: keep it empty then
            custody = 0
        if sc.cjit.community.workers == 0 and community != 0:
            community = 0
        level["cjit"]["custody"]["workers"], level["cjit"]["community"]["workers"] = custody, community
        level["cjit"]["out_of_hours"]["callout_workers"] = callout
        levels.append(from_dict(level, "<hypothesis level>"))
    together = run_levels(levels, days=days, people_table=False)
    for level, b in zip(levels, together):
        a = run(level, days=days)
        pd.testing.assert_frame_equal(a.people, b.people, check_exact=True)
        pd.testing.assert_frame_equal(a.utilisation, b.utilisation, check_exact=True)
        assert a.provenance == b.provenance
        for pool in a.daily_busy:
            assert np.array_equal(a.daily_busy[pool], b.daily_busy[pool])
            assert np.array_equal(a.daily_overtime[pool], b.daily_overtime[pool])
        for key in a.kpis:
            x, y = a.kpis[key], b.kpis[key]
            assert x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), key
    event(f"{len({(x.cjit.custody.workers, x.cjit.community.workers) for x in levels})} staffings")


@settings(max_examples=25, **SETTINGS)
@given(raw=SCENARIOS, days=st.integers(1, 7), seed=st.integers(0, 2**63))
def test_same_seed_same_people(raw, days, seed):
    sc = from_dict(raw, "<hypothesis>")
    a, b = run(sc, seed=seed, days=days), run(sc, seed=seed, days=days)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.utilisation, b.utilisation)
    assert a.kpis.keys() == b.kpis.keys()
    for key in a.kpis:
        x, y = a.kpis[key], b.kpis[key]
        assert x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), key


@settings(max_examples=100, **SETTINGS)
@given(raw=SCENARIOS)
def test_valid_scenarios_round_trip(raw):
    """What the loader accepts, it writes back (``to_dict``) in a form it accepts again, unchanged."""
    sc = from_dict(raw, "<hypothesis>")
    assert from_dict(to_dict(sc), "<again>") == sc


EXTREMES = {
    "no_arrests": {"arrivals": {"arrests_per_day": {}}},
    "no_workers": {"cjit": {"custody": {"workers": 0}, "community": {"workers": 0},
                            "out_of_hours": {"callout_workers": 0}}},
    "everyone_refuses_consent": {"decisions": {"consent_to_share": 0.0}},
    "everyone_complies": {"compliance": {"session_outcomes": {
        "attended": 1.0, "missed_with_notice": 0.0, "missed_without_notice": 0.0, "left_early": 0.0,
        "intoxicated": 0.0, "unacceptable_behaviour": 0.0}}, "cjit": {"community": {"workers": "unlimited"}}},
    "everyone_declines": {"decisions": {"accepts_caution": 0.0}},
    "everyone_eligible_and_willing": {
        "people": {"under_18_share": 0.0, "admits_offence": 1.0, "sufficient_evidence": 1.0, "accepts_responsibility": 1.0,
                   "resident_in_area": 1.0, "recent_similar_offending": 0.0, "with_record": 0.0},
        "decisions": {"consent_to_share": 1.0, "cps_authorises_if_recommended": 1.0, "accepts_caution": 1.0}},
    "huge_area": {"arrivals": {"arrests_per_day": {o: 20.0 for o in OFFENCES}}},
    "single_short_shift_next_shift": {"cjit": {
        "custody": {"workers": 1, "shifts": [{"days": ["wed"], "start": 3.0, "end": 3.25}]},
        "community": {"workers": 1, "shifts": [{"days": ["sun"], "start": 23.5, "end": 24.0}]},
        "out_of_hours": {"arrangement": "next_shift"}}},
    "all_24_7_one_worker": {"cjit": {
        "custody": {"workers": 1, "shifts": [{"days": list(DAYS), "start": 0.0, "end": 24.0}]},
        "community": {"workers": 1, "shifts": [{"days": list(DAYS), "start": 0.0, "end": 24.0}]}}},
    "no_out_of_hours_cover": {"cjit": {"out_of_hours": {"arrangement": "none"}}},
    "not_intensive_wales": {"area": {"intensive": False, "country": "wales"}},
    "zero_durations": {"testing": {"hours_after_arrest": 0}, "assessment": {"custody_hours": 0, "initial_minutes": 0},
                       "decisions": {"cps_decision_hours": 0}, "sessions": {"lead_days": 0, "interval_days": 0,
                                                                             "review_min_gap_days": 0}},
    "many_rearrangements": {  # more appointments than an int64 base-8 log can hold (21)
        "arrivals": {"arrests_per_day": {"shoplifting": 100.0}},
        "people": {"admits_offence": 1.0, "sufficient_evidence": 1.0, "accepts_responsibility": 1.0,
                   "recent_similar_offending": 0.0, "under_18_share": 0.0},
        "decisions": {"menu_policy": "three_sessions_for_all", "consent_to_share": 1.0, "accepts_caution": 1.0,
                      "refer_on_merits": 1.0, "exceptional_reason": 1.0, "cps_accepts_exceptional_reason": 1.0},
        "cjit": {"community": {"workers": "unlimited"}},
        "sessions": {"lead_days": 0.0, "interval_days": 1.0, "group": {"enabled": False}},
        "compliance": {"max_rearrangements": 10, "session_outcomes": {
            "attended": 0.15, "missed_with_notice": 0.85, "missed_without_notice": 0.0, "left_early": 0.0,
            "intoxicated": 0.0, "unacceptable_behaviour": 0.0}}},
    "previous_convictions_mean_below_one": {"people": {"mean_previous_convictions": 0.5}},
    "previous_convictions_mean_huge": {"people": {"mean_previous_convictions": 1000}},
    "lognormal_tiny_mean_wide_spread": {"decisions": {"cps_decision_hours": {"dist": "lognormal", "mean": 1e-200, "sd": 1.0}}},
    "group_every_hour_of_the_week": {"sessions": {"group": {
        "min_size": 1, "max_size": 1, "facilitators": 4, "max_wait_days": 0,
        "schedule": [{"day": dd, "hour": float(h)} for dd in DAYS for h in range(0, 24, 6)]}},
        "decisions": {"menu_policy": "three_sessions_for_all"}},
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_extreme_scenarios(name):
    sc = from_dict(EXTREMES[name], f"<{name}>")
    days = 10
    r = run(sc, days=days)
    check_invariants(r, sc, days)
    k = r.kpis
    if name == "no_arrests":
        assert k["arrests"] == 0 and k["utilisation_custody"] == 0
    elif name == "no_workers":
        assert k["ia_attended"] + k["ia_failed"] + k["voluntary_assessments"] == 0
        assert k["cautions"] == k["terminal_in_progress"] > 0
    elif name == "everyone_refuses_consent":
        assert k["consent_refused"] > 0 and k["referred_to_cps"] == 0
    elif name == "everyone_complies":
        assert k["cautions"] == k["complied"] > 0
    elif name == "everyone_declines":
        assert k["declined"] == k["cps_authorised"] > 0 and k["cautions"] == 0
    elif name == "everyone_eligible_and_willing":
        assert k["terminal_not_eligible"] == 0 and k["cautions"] > 0
    elif name == "huge_area":
        assert k["arrests"] > 2000
    elif name == "many_rearrangements":
        assert r.people["session_events"].astype(str).str.count(",").max() + 1 > 21
    elif name == "previous_convictions_mean_huge":
        assert r.people["previous_convictions"].max() > 500


# --------------------------------------------------------------------------- building blocks


DIST_ANY = st.one_of(dists("minutes"), dists("days"),
                     st.tuples(st.floats(1e-300, 1e9), st.floats(0, 1e9)).map(
                         lambda t: {"dist": "lognormal", "mean": t[0], "sd": t[1]}))


@settings(max_examples=300, **SETTINGS)
@given(spec=DIST_ANY, size=st.integers(0, 50), seed=st.integers(0, 2**32 - 1))
def test_distribution_draws_are_never_negative_or_nan(spec, size, seed):
    d = from_dict({"testing": {"hours_after_arrest": spec}}).testing.hours_after_arrest
    x = d.sample(np.random.default_rng(seed), size)
    assert x.shape == (size,)
    assert not np.isnan(x).any() and (x >= 0).all()


@settings(max_examples=300, **SETTINGS)
@given(shifts=SHIFTS, t=st.floats(0.0, 20 * HOURS_PER_WEEK))
def test_rota_is_consistent(shifts, t):
    rota = Rota.from_shifts(from_dict({"cjit": {"custody": {"shifts": shifts}}}).cjit.custody.shifts)
    start = rota.next_start(t)
    assert start >= t and rota.on_duty(start)
    if rota.on_duty(t):
        assert start == t and rota.current_end(t) > t
    assert rota.duty_hours(t, t + HOURS_PER_WEEK) == pytest.approx(rota.weekly_hours, abs=1e-6)
    assert 0 <= rota.duty_hours(t, t + 5.0) <= 5.0 + 1e-9
