"""Common random numbers for every lever: a change of one scenario key leaves every random
quantity it does not itself define exactly where it was, for every person.

The levers are read from the scenario schema (every key, by its type), so a key added to
the schema is covered without editing this file; a key of a new kind, or a new people share
or distribution that this file cannot place, fails loudly. For each lever the test compares,
at two values, what is drawn for a run: the arrests, each person's attributes, his decision
uniforms and durations, his appointment and follow-up contact outcomes (the common prefix:
a lever may change how many are read, never which), and the length of a group meeting held
in a given slot.

Excluded, because they define who is arrested or the random numbers themselves:

* ``seed``: the random numbers.
* ``days``: the horizon. Arrivals are drawn for the whole horizon at once, so a longer run
  arrests different people (person ``i`` is the ``i``-th arrest of the run).
* ``arrivals.*``: the arrest rates and their day and hour profiles define who is arrested
  and in which order, so every per-person draw moves with them.

Included, with what they define allowed to change (and required to change: the test checks
the second value does something): each ``people.*`` share (the person attribute it sets,
:data:`PEOPLE_DEFINES`), each duration distribution (its own duration, read from
:data:`dipsim.model.cohort.DURATIONS`; the group length for ``sessions.group.minutes``) and
``compliance.session_outcomes`` (the appointment outcomes). Every other key may change
nothing drawn.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dipsim.model.cohort import DURATIONS, Columns
from dipsim.model.core import Model
from dipsim.random import Blocks, Streams
from dipsim.results import run
from dipsim.scenario import replace, to_dict
from dipsim.scenario.distributions import Dist
from dipsim.scenario.loader import CHOICES
from dipsim.scenario.schema import DAYS, OUTCOME_KEYS, Scenario

SEED, DAYS_RUN = 11, 60
EXCLUDED = {
    "seed": "the random numbers themselves",
    "days": "the horizon: arrivals are drawn for the whole horizon, so it sets who is arrested",
    "arrivals": "arrest rates and profiles define who is arrested, and in which order",
}
PEOPLE_DEFINES = {
    "people.under_18_share": {"age"},
    "people.admits_offence": {"admits"},
    "people.sufficient_evidence": {"evidence"},
    "people.with_record": {"previous_convictions"},
    "people.mean_previous_convictions": {"previous_convictions"},
    "people.recent_similar_offending": {"recent_similar"},
    "people.drug_use_profile": {"profile", "known_misuser"},
    "people.known_drug_misuser": {"known_misuser"},
    "people.accepts_responsibility": {"accepts_responsibility"},
    "people.resident_in_area": {"resident"},
    "people.home_cjit_can_deliver": {"home_cjit_can_deliver"},
}
"""Each ``people.*`` share and the person attributes (cohort columns) it sets."""
ATTRIBUTES = tuple(name for name in Columns.PER_PERSON if name not in ("arrest_h", "offence"))
SLOT_TIMES = tuple(7.25 * k + 0.5 for k in range(60))
"""Group slots (hours into the run) whose meeting lengths are compared."""


def leaves(obj, prefix: str = ""):
    """(dotted key, field, value) of every scenario key below ``obj`` (a list of sections,
    such as the shifts of a rota, is one key)."""
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if dataclasses.is_dataclass(v) and not isinstance(v, Dist):
            yield from leaves(v, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", f, v


def other_value(key: str, f: dataclasses.Field, v):
    """A second valid value of scenario key ``key``, different from ``v``."""
    check, most = f.metadata.get("check", ""), f.metadata.get("most", 0)
    path = tuple(key.split("."))
    choices = CHOICES.get(path) or CHOICES.get(path[-2:])
    if choices:
        return next(c for c in choices if c != v)
    if isinstance(v, bool):
        return not v
    if isinstance(v, str):
        return v + " (another)"
    if isinstance(v, Dist):
        return {"dist": v.kind, **{k: 1.5 * x + 1 for k, x in v.params.items()}}
    if f.name == "workers":
        return 3 if v == "unlimited" else v + 1
    if f.name == "shifts":
        return [{"days": list(DAYS), "start": 6.0, "end": 22.0}]
    if f.name == "schedule":
        return [{"day": "mon", "hour": 10.0}, {"day": "thu", "hour": 15.5}]
    if key == "sessions.group.conditions":  # which conditions' session 2 may be a group (§4.6.2)
        return ["two_session", "three_session"] if "two_session" not in v else ["three_session"]
    if isinstance(v, int):
        return v + 1 if not most or v + 1 <= most else v - 1
    if isinstance(v, float):
        if check == "prob":
            return v + 0.25 if v < 0.5 else v - 0.25
        if check == "hour":
            return (v + 1) % 24
        return 2 * v + 1 if not most or 2 * v + 1 <= most else v / 2
    if isinstance(v, tuple) and f.metadata.get("length"):
        return list(reversed(v))
    if isinstance(v, dict):
        values = [list(reversed(x)) if isinstance(x, tuple) else x for x in v.values()]
        if all(not isinstance(x, list) for x in values):
            values = values[1:] + values[:1]  # shares stay shares
        return dict(zip(v, values))
    raise AssertionError(f"no second value for scenario key {key} ({type(v).__name__}, check {check!r}): add one")


def drawn(sc: Scenario) -> dict[str, object]:
    """Everything random a run of ``sc`` would use, by name (built as the model builds it)."""
    m = Model(sc, Streams(SEED, 0), DAYS_RUN)
    c = m.records.cohort
    out: dict[str, object] = {"arrests": (c.arrest_h, c.offence)}
    out.update({f"person.{name}": getattr(c, name) for name in ATTRIBUTES})
    out.update({f"uniform.{k}": v for k, v in c.u.items()})
    out.update({f"duration.{k}": v for k, v in c.draws.items()})
    out["session_events"] = [c.session_events[i] for i in range(c.n)]
    out["contact_events"] = [c.contact_events[i] for i in range(c.n)]
    out["group_minutes"] = np.array([m.groups.meeting_hours(t) for t in SLOT_TIMES])
    out["workload.dir_h"] = m.workload.dir_h
    return out


def same(a, b) -> bool:
    if isinstance(a, tuple):
        return all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, list):  # each person's outcomes: the common prefix
        return len(a) == len(b) and all(np.array_equal(x[:len(y)], y[:len(x)]) for x, y in zip(a, b))
    return np.array_equal(a, b)


def defines(key: str, v) -> set[str]:
    """What lever ``key`` (default ``v``) sets by design: allowed (and required) to change."""
    if key.startswith("people."):
        assert key in PEOPLE_DEFINES, f"{key}: a new people share: add the attributes it sets to PEOPLE_DEFINES"
        return {f"person.{name}" for name in PEOPLE_DEFINES[key]}
    if key == "cjit.dir_minutes":  # the team's other work: dipsim.model.workload's own streams
        return {"workload.dir_h"}
    if key.startswith(("cjit.caseload.", "cjit.other_work.")) and isinstance(v, Dist):
        return set()  # drawn as the work comes, from the workload's own streams: no cohort draw moves
    if isinstance(v, Dist):
        if key == "sessions.group.minutes":
            return {"group_minutes"}
        names = {f"duration.{name}" for name, (dotted, _) in DURATIONS.items() if dotted == key}
        assert names, f"{key}: a distribution the cohort does not draw: say here what it draws"
        return names
    if key == "compliance.session_outcomes":
        return {"session_events", "contact_events"}
    return set()


@pytest.fixture(scope="module")
def base(default_scenario):
    # A group length that varies, so that its draws can be compared.
    return replace(default_scenario, {"sessions.group.minutes": {"dist": "triangular", "low": 90, "mode": 120,
                                                                 "high": 150}})


@pytest.fixture(scope="module")
def base_drawn(base):
    return drawn(base)


LEVERS = [(key, f, v) for key, f, v in leaves(Scenario()) if key.split(".")[0] not in EXCLUDED]


def test_the_levers_are_every_key_of_the_schema():
    """The list is the schema's: every key but the excluded families, and nothing invented."""
    keys = [key for key, _, _ in leaves(Scenario())]
    assert len(LEVERS) == len(keys) - sum(1 for k in keys if k.split(".")[0] in EXCLUDED)
    assert len(LEVERS) > 60
    for key in ("compliance.max_rearrangements", "follow_up.contact_interval_days", "follow_up.cps_max_days",
                "decisions.menu_policy", "sessions.group.schedule", "cjit.community.workers"):
        assert key in {k for k, _, _ in LEVERS}
    assert set(PEOPLE_DEFINES) == {k for k, _, _ in LEVERS if k.startswith("people.")}


@pytest.mark.parametrize("key, f, default", LEVERS, ids=[key for key, _, _ in LEVERS])
def test_a_lever_moves_no_draw_it_does_not_define(base, base_drawn, key, f, default):
    value = getattr(base, key.split(".")[0])
    for part in key.split(".")[1:]:
        value = getattr(value, part)
    changed = replace(base, {key: other_value(key, f, value)})
    assert to_dict(changed) != to_dict(base), f"{key}: the second value is the first"
    other = drawn(changed)
    moved = {name for name in base_drawn if not same(base_drawn[name], other[name])}
    allowed = defines(key, value)
    assert moved <= allowed, f"{key} moved draws it does not define: {sorted(moved - allowed)}"
    assert moved == allowed or not allowed, f"{key} should change {sorted(allowed - moved)}"
    assert len(base_drawn["session_events"]) > 500


def test_appointment_outcomes_do_not_depend_on_how_many_are_allowed(base):
    """The width changes with the levers; each person's outcomes are one sequence, read as far
    as the policy allows."""
    few = drawn(replace(base, {"compliance.max_rearrangements": 0, "follow_up.contact_interval_days": 30.0}))
    many = drawn(replace(base, {"compliance.max_rearrangements": 10, "follow_up.contact_interval_days": 0.5}))
    for table in ("session_events", "contact_events"):
        short, long = few[table], many[table]
        assert len(short[0]) < len(long[0])
        assert all(np.array_equal(s, l[:len(s)]) for s, l in zip(short, long))
    assert len(short[0]) == 3 * 1 and len(many["session_events"][0]) == 3 * 11
    assert len(long[0]) == (60 / 0.5 + 1) * 11


def test_blocks_are_the_stream_cut_in_pieces():
    """Block k is the stream from draw k * size: the same draws however many a block's user takes."""
    stream = Streams(5, 2).get("compliance.sessions")
    ref = Streams(5, 2).get("compliance.sessions").random(40)
    blocks = Blocks(stream, size=10)
    assert np.array_equal(blocks.at(0).random(10), ref[:10])
    assert np.array_equal(blocks.at(3).random(4), ref[30:34])
    assert np.array_equal(blocks.at(1).random(10), ref[10:20])
    assert np.array_equal(stream.random(3), ref[:3])  # the stream itself is left where it was


OFTEN_MISSED = {"attended": 0.7, "missed_with_notice": 0.2, "missed_without_notice": 0.05, "left_early": 0.02,
                "intoxicated": 0.02, "unacceptable_behaviour": 0.01}
"""Appointment outcomes with many missed with notice, so that re-arrangements matter."""


@pytest.fixture(scope="module")
def rearrangements(default_scenario):
    """The default area for 200 days with one and with two re-arrangements allowed."""
    sc = replace(default_scenario, {"compliance.session_outcomes": OFTEN_MISSED})
    return {k: run(replace(sc, {"compliance.max_rearrangements": k}), seed=SEED, days=200).people for k in (1, 2)}


def logs(people) -> list[list[str]]:
    return [[e for e in str(s).split(",") if e] for s in people["session_events"]]


def test_each_person_reads_the_same_outcomes_whatever_the_rearrangements_allowed(rearrangements):
    """With one or two re-arrangements allowed, each person's appointment log is a prefix of the
    same sequence; who attended every appointment has the same log under both."""
    one, two = rearrangements[1], rearrangements[2]
    assert one["arrest_h"].equals(two["arrest_h"])
    la, lb = logs(one), logs(two)
    for a, b in zip(la, lb):
        assert a[:len(b)] == b[:len(a)]
    attended = [i for i, a in enumerate(la) if a and set(a) == {"attended"}]
    same_plan = [i for i in attended if one["condition"].iat[i] == two["condition"].iat[i]]
    assert len(same_plan) > 20
    assert all(la[i] == lb[i] for i in same_plan)
    # Only a missed appointment with notice can make the two differ.
    differ = [i for i, (a, b) in enumerate(zip(la, lb)) if a != b]
    assert len(differ) >= 5 and all("missed_with_notice" in la[i] or "missed_with_notice" in lb[i] for i in differ
                          if one["condition"].iat[i] == two["condition"].iat[i])


def test_without_queues_who_never_missed_is_seen_at_the_same_times(default_scenario):
    """With unlimited community workers and no groups nobody waits for anyone else: a person
    who attended every appointment has the same log and session times under one or two
    re-arrangements allowed, however the others fared."""
    sc = replace(default_scenario, {"cjit.community.workers": "unlimited", "cjit.custody.workers": "unlimited",
                                    "sessions.group.enabled": False, "compliance.session_outcomes": OFTEN_MISSED})
    one, two = (run(replace(sc, {"compliance.max_rearrangements": k}), seed=SEED, days=200).people for k in (1, 2))
    la, lb = logs(one), logs(two)
    attended = [i for i, a in enumerate(la) if a and set(a) == {"attended"}]
    assert len(attended) > 20
    cols = ["condition", "session1_h", "session2_h", "session3_h", "sessions_attended"]  # (follow-up may differ)
    a = one.iloc[attended][cols]
    b = two.iloc[attended][cols]
    assert a.equals(b)
    assert all(la[i] == lb[i] for i in attended)
    assert sum(x != y for x, y in zip(la, lb)) >= 5  # the lever did change some logs


def test_a_group_meeting_lasts_as_long_whatever_the_policy(default_scenario, monkeypatch):
    """A meeting's length depends on its slot only: two policies that hold groups at different
    times, and with different people, give the meetings they share the same length."""
    from dipsim.model import groups

    held: list[dict[float, float]] = []
    real = groups.GroupEducation.meeting_hours

    def recording(self, slot_h):
        hours = real(self, slot_h)
        held[-1][round(slot_h, 6)] = hours
        return hours

    monkeypatch.setattr(groups.GroupEducation, "meeting_hours", recording)
    sc = replace(default_scenario, {"sessions.group.minutes": {"dist": "uniform", "low": 60, "high": 180},
                                    "sessions.group.min_size": 2})
    for policy in ("annex_b", "three_sessions_for_all"):
        held.append({})
        run(replace(sc, {"decisions.menu_policy": policy}), seed=SEED, days=200)
    a, b = held
    common = set(a) & set(b)
    assert len(common) >= 5 and set(a) != set(b)
    assert all(a[t] == b[t] for t in common)
    assert len(set(a.values())) > 3  # the lengths do vary


def test_outcome_indices_are_outcome_keys(base):
    c = Model(base, Streams(SEED, 0), DAYS_RUN).records.cohort
    rows = np.concatenate([c.session_events[i] for i in range(c.n)])
    assert rows.min() >= 0 and rows.max() < len(OUTCOME_KEYS)
    shares = np.bincount(rows, minlength=len(OUTCOME_KEYS)) / len(rows)
    assert abs(shares[0] - base.compliance.session_outcomes["attended"]) < 0.03
    with pytest.raises(IndexError):
        c.session_events[c.n]
