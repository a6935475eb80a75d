"""The CJIT's whole workload (dipsim.model.workload): conservation, direction, common random
numbers and the extremes. Issue 12 item 1; issue 11 point 15 (utilisation says whose work it is)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dipsim import results
from dipsim.model import Model
from dipsim.model.calendar import Rota
from dipsim.model.cjit import ACTIVITY_INDEX, OTHER_ACTIVITIES, PATHWAY_ACTIVITIES
from dipsim.model.cjit import WorkerPool
from dipsim.model.workload import Workload, after_duty_hours, expected_other_hours, no_other_work
from dipsim.random import Streams
from dipsim.scenario import from_dict, load_scenario, replace, to_dict
from dipsim.scenario.loader import deep_merge
from dipsim.scenario.schema import OTHER_WORK_POOL
from dipsim.summary import format_summary
from dipsim.time import HOURS_PER_DAY, HOURS_PER_WEEK

URBAN = load_scenario("urban_intensive")
DAYS = 60


def with_cjit(sc, cjit: dict):
    return from_dict(deep_merge(to_dict(sc), {"cjit": cjit}))


NOTHING_NEW = {**no_other_work(), "dir_minutes": 0, "caseload": {"weeks": 0}}
"""None of the work this change added: only the DIP CC and Required Assessment work."""


# ---- conservation ------------------------------------------------------------------------------------------

def test_hours_booked_equal_the_hours_of_the_jobs_per_pool_and_activity():
    """Every job offered is done and booked, hour for hour, once the rotas have finished what they hold; and
    the jobs themselves agree with a count made here from the streams, the rota and the people table."""
    sc = URBAN
    streams = Streams(sc.seed, 0)
    model = Model(sc, streams, DAYS)
    out = model.run()
    stop_h = model.env.now
    model.workload.stop()
    model.env.run(until=stop_h + 90 * HOURS_PER_DAY)  # the rotas finish what they hold; nothing new comes
    ledger = model.workload.ledger
    assert {a for _, a in ledger} >= set(OTHER_ACTIVITIES) | {"dir", "caseload_contact"}
    for (pool, act), (jobs, hours) in ledger.items():
        booked = model.pools[pool].busy[ACTIVITY_INDEX[act]].sum()
        assert booked == pytest.approx(hours, rel=1e-12), (pool, act)
        assert jobs > 0
    people = out.records.to_frame()
    # DIRs: one per person with a DIR completed, of that person's own draw (stream durations.dir_h)
    dir_h = sc.cjit.dir_minutes.sample(Streams(sc.seed, 0).get("durations.dir_h"), len(people)) / 60
    done = people["dir_completed"].fillna(False).to_numpy(bool)
    at = people["dir_completed_at"].astype(str).to_numpy()
    # §5: a DIR after a custody assessment takes the custody worker's time; at a condition's session the
    # community worker's, but not for an out-of-area resident (his home CJIT's)
    custody = done & np.isin(at, ["initial_assessment", "voluntary_assessment"])
    assert custody.sum() > 100 and ledger[("custody", "dir")] == [custody.sum(), pytest.approx(dir_h[custody].sum())]
    community = done & (at == "condition_session") & people["resident_in_area"].to_numpy()
    assert ledger[("community", "dir")] == [community.sum(), pytest.approx(dir_h[community].sum())]
    # other work: arrivals at exponential gaps of duty time, counted against the rota's own duty hours
    for name, pool in OTHER_WORK_POOL.items():
        s = getattr(sc.cjit.other_work, name)
        cfg = getattr(sc.cjit, pool)
        rota = Rota.from_shifts(cfg.shifts)
        duty = rota.duty_hours(0.0, stop_h)
        ind = Streams(sc.seed, 0)
        gaps = ind.get(f"cjit.other_work.{name}.arrivals").exponential(rota.weekly_hours / s.per_week, 4096)
        n = int((np.cumsum(gaps) < duty).sum())
        lengths = s.minutes.sample(ind.get(f"cjit.other_work.{name}.minutes"), 4096) / 60
        assert ledger[(pool, name)][0] == n, name
        assert ledger[(pool, name)][1] == pytest.approx(lengths[:n].sum(), rel=1e-9), name
    # admin and travel: exactly their share of every duty period begun before the stop
    for pool in ("custody", "community"):
        cfg = getattr(sc.cjit, pool)
        rota = Rota.from_shifts(cfg.shifts)
        end = rota.current_end(stop_h) if rota.on_duty(stop_h) else stop_h
        duty = cfg.workers * rota.duty_hours(0.0, end)
        for act in ("admin", "travel"):
            share = getattr(getattr(sc.cjit, f"{act}_share"), pool)
            assert ledger[(pool, act)][1] == pytest.approx(share * duty, rel=1e-9), (pool, act)


def test_caseload_contacts_of_onward_referrals_counted_person_by_person():
    """With an unlimited community rota each care-planned contact falls every interval for the person's weeks;
    a missed one costs the no-show minutes (each person's own stream)."""
    sc = with_cjit(URBAN, {"community": {"workers": "unlimited"}, **no_other_work()})
    model = Model(sc, Streams(sc.seed, 0), DAYS)
    out = model.run()
    model.env.run(until=model.env.now + 400 * HOURS_PER_DAY)  # every caseload runs to its end
    people = out.records.to_frame()
    referred = np.flatnonzero(people["onward_referral"].fillna(False).to_numpy(bool))
    assert len(referred) > 3
    cfg, step = sc.cjit.caseload, sc.cjit.caseload.contact_interval_days * HOURS_PER_DAY
    jobs, hours = 0, 0.0
    for i in referred:
        gen = Streams(sc.seed, 0).get(f"cjit.caseload.person.{i}")
        span = cfg.weeks.sample(gen, 1)[0] * 7 * HOURS_PER_DAY
        for _ in range(int(span // step)):  # a contact every interval while within the weeks
            attends = gen.random() < cfg.attends
            d = cfg.contact_minutes if attends else sc.compliance.no_show_minutes
            hours += d.sample(gen, 1)[0] / 60
            jobs += 1
    assert model.workload.ledger[("community", "caseload_contact")] == [jobs, pytest.approx(hours)]
    assert model.pools["community"].busy[ACTIVITY_INDEX["caseload_contact"]].sum() == pytest.approx(hours)


def test_admin_and_travel_fill_idle_duty_time_and_give_way_to_jobs_at_once():
    """Work owed (admin, travel) is done in idle duty time, oldest first, and a job that comes in starts at
    once; what a shift cannot hold carries over; nothing is done off duty."""
    import simpy

    env = simpy.Environment()
    pool = WorkerPool(env, "community", 1, Rota([((0, 1, 2, 3, 4), 9.0, 17.0)]), 10)
    starts = []

    def day():
        yield env.timeout(9.0)
        pool.owe(3.0, "admin")
        pool.owe(1.0, "travel")
        yield env.timeout(2.0)                                   # 11:00: a job comes in
        starts.append((yield pool.request(4.0, "triage", 1)))
        yield env.timeout(24.0 + 9.0 - env.now)                  # Tuesday 9:00: a new shift
        pool.settle()

    env.process(day())
    env.run(until=24 + 12.0)
    busy = {a: pool.busy[ACTIVITY_INDEX[a]] for a in ("admin", "travel", "triage")}
    assert starts == [11.0]                                      # no wait behind the admin under way
    assert busy["triage"][0] == 4.0
    assert busy["admin"][0] == pytest.approx(3.0)                # 9-11 and 15-16 on Monday
    assert busy["travel"][0] == pytest.approx(1.0)               # 16-17 on Monday
    assert not pool.fill and busy["admin"][1] == 0.0

    env = simpy.Environment()
    pool = WorkerPool(env, "community", 1, Rota([((0, 1, 2, 3, 4), 9.0, 17.0)]), 10)

    def long_admin():
        yield env.timeout(9.0)
        pool.owe(10.0, "admin")                                  # more than the 8 h shift
        yield env.timeout(24.0)
        pool.settle()
        pool.owe(0.0, "travel")

    env.process(long_admin())
    env.run(until=24 + 20.0)
    pool.settle()
    a = pool.busy[ACTIVITY_INDEX["admin"]]
    assert a[0] == pytest.approx(8.0) and a[1] == pytest.approx(2.0)   # the rest carried to Tuesday's shift


def test_helpers_duty_time():
    r = Rota([((0, 1, 2, 3, 4), 9.0, 17.0)])
    assert after_duty_hours(r, 0.0, 1.0) == 10.0                   # Monday: on duty from 9
    assert after_duty_hours(r, 16.0, 2.0) == 24 + 10.0             # 1 h on Monday, 1 h on Tuesday
    assert after_duty_hours(r, 4 * 24 + 16.0, 2.0) == HOURS_PER_WEEK + 10.0   # Friday evening to Monday
    assert math.isinf(after_duty_hours(Rota([]), 0.0, 1.0))
    e = expected_other_hours(URBAN)
    assert e[("community", "admin")] == pytest.approx(0.25 * 4 * 40)
    assert e[("custody", "custody_other")] == pytest.approx(20 * 40 / 60)


# ---- direction -------------------------------------------------------------------------------------------

def k(sc, **over):
    return results.run(replace(sc, over) if over else sc, days=DAYS).kpis


def test_more_work_raises_utilisation_and_more_workers_lower_it():
    base = k(URBAN)
    more = k(URBAN, **{"cjit.other_work.self_referrals.per_week": 45.0})
    assert more["utilisation_community"] > base["utilisation_community"]
    longer = k(URBAN, **{"cjit.caseload.contact_interval_days": 7.0})  # twice the care-planned contacts
    assert longer["utilisation_community_pathway"] > base["utilisation_community_pathway"]
    assert longer["utilisation_community"] > base["utilisation_community"]
    admin = k(URBAN, **{"cjit.admin_share.custody": 0.4})
    assert admin["utilisation_custody"] > base["utilisation_custody"]
    staffed = k(URBAN, **{"cjit.community.workers": 6, "cjit.custody.workers": 3})
    for pool in ("custody", "community"):
        assert staffed[f"utilisation_{pool}"] < base[f"utilisation_{pool}"]
        assert staffed[f"fte_{pool}"] > base[f"fte_{pool}"]
    assert base["fte_custody"] == pytest.approx(2 * 76 / 37.5) and base["fte_community"] == pytest.approx(4 * 40 / 37.5)


def test_the_other_work_competes_for_community_workers():
    """Other work at the priority of a booked session makes the DIP Condition's first session wait longer
    once the team is stretched (three community workers)."""
    none = k(with_cjit(URBAN, no_other_work()))
    busy = k(URBAN, **{"cjit.community.workers": 3})
    assert busy["mean_wait_caution_to_first_session_d"] > none["mean_wait_caution_to_first_session_d"]
    one = k(URBAN, **{"cjit.community.workers": 1})       # the "1 worker" answer no longer holds
    one_alone = k(with_cjit(URBAN, no_other_work()), **{"cjit.community.workers": 1})
    assert one["utilisation_community"] == pytest.approx(1.0) and one_alone["utilisation_community"] < 0.6
    assert one["mean_wait_caution_to_first_session_d"] > 2 * one_alone["mean_wait_caution_to_first_session_d"]


# ---- common random numbers -------------------------------------------------------------------------------

def test_other_work_leaves_every_persons_draws_and_those_who_never_queue_untouched():
    off = with_cjit(URBAN, no_other_work())
    runs = {}
    for label, sc in (("on", URBAN), ("off", off)):
        m = Model(sc, Streams(sc.seed, 0), DAYS)
        runs[label] = (m, m.run().records.to_frame())
    (m_on, on), (m_off, off_p) = runs["on"], runs["off"]
    for name, col in m_on.world.people.u.items():
        assert bytes(col) == bytes(m_off.world.people.u[name]), name
    for name, col in m_on.world.people.draws.items():
        assert bytes(col) == bytes(m_off.world.people.draws[name]), name
    assert (m_on.workload.dir_h == m_off.workload.dir_h).all()
    # everything decided before any queue is the same for everyone
    for col in ("arrest_h", "offence", "age", "drug_use", "test_h", "test_result", "positive_for", "route"):
        pd.testing.assert_series_equal(on[col], off_p[col])
    never = (on["ia_request_h"].isna() & on["va_outcome"].isin(["not_offered", "unwilling"])
             & on["caution_h"].isna() & (on["fa_outcome"] == "none"))
    assert never.sum() > 100
    pd.testing.assert_frame_equal(on[never], off_p[never])
    assert not on.equals(off_p)  # the others do feel the other work (it competes for the same workers)


# ---- extremes --------------------------------------------------------------------------------------------

def test_nothing_new_is_todays_model(monkeypatch):
    """With no other work, no DIR time and no caseload, the run is the one before the whole workload was
    modelled: the same people table and the same (pathway-only) utilisation as with the workload switched off."""
    sc = with_cjit(URBAN, NOTHING_NEW)
    now = results.run(sc, days=DAYS)
    monkeypatch.setattr(Workload, "__init__", lambda self, *a, **kw: setattr(self, "ledger", {}))
    monkeypatch.setattr(Workload, "dir_completed", lambda self, i, pool: None)
    monkeypatch.setattr(Workload, "onward_referral", lambda self, i: None)
    before = results.run(sc, days=DAYS)
    pd.testing.assert_frame_equal(now.people, before.people, check_exact=True)
    pd.testing.assert_frame_equal(now.utilisation, before.utilisation, check_exact=True)
    for pool in ("custody", "community"):
        assert now.kpis[f"utilisation_{pool}"] == now.kpis[f"utilisation_{pool}_pathway"] > 0
    assert set(now.utilisation["work"]) == {"this pathway", "all work"}


def test_zero_other_work_makes_all_work_this_pathways_work():
    r = results.run(with_cjit(URBAN, no_other_work()), days=DAYS)
    for pool in ("custody", "community"):
        assert r.kpis[f"utilisation_{pool}"] == pytest.approx(r.kpis[f"utilisation_{pool}_pathway"])
    u = r.utilisation
    assert {"dir", "caseload_contact"} <= set(u.loc[u["work"] == "this pathway", "activity"])


def test_utilisation_table_splits_the_work_and_sums_to_all():
    r = results.run(URBAN, days=DAYS)
    u = r.utilisation
    assert list(u.columns) == ["pool", "activity", "work", "busy_h", "utilisation", "workers", "fte"]
    for pool in ("custody", "community"):
        rows = u[u["pool"] == pool]
        parts, total = rows[rows["activity"] != "all"], rows[rows["activity"] == "all"].iloc[0]
        assert parts["utilisation"].sum() == pytest.approx(total["utilisation"])
        assert set(parts["work"]) == {"this pathway", "other CJIT work"}
        assert set(parts.loc[parts["work"] == "this pathway", "activity"]) <= set(PATHWAY_ACTIVITIES)
        mine = parts.loc[parts["work"] == "this pathway", "utilisation"].sum()
        assert r.kpis[f"utilisation_{pool}_pathway"] == pytest.approx(mine)
        assert mine < r.kpis[f"utilisation_{pool}"]
        assert (rows["fte"] == r.kpis[f"fte_{pool}"]).all()
    text = format_summary(r)
    assert "utilisation, all CJIT work" in text and "utilisation, this pathway alone" in text
    assert "staff (FTE)" in text


def test_defaults_give_a_plausibly_busy_team():
    """The defaults aim at about 80% of the community workers' duty hours on all work (docs/scenario-schema.md);
    this pathway alone is a small part of it."""
    kp = results.run(URBAN, days=120).kpis
    assert 0.65 <= kp["utilisation_community"] <= 0.9
    assert 0.3 <= kp["utilisation_custody"] <= 0.6
    assert kp["utilisation_community_pathway"] < 0.3 and kp["utilisation_custody_pathway"] < 0.15


def test_bad_workload_keys_are_one_line_errors():
    from dipsim.errors import InputError

    with pytest.raises(InputError, match=r"cjit.travel_share.community: admin_share plus travel_share must be at most 1"):
        with_cjit(URBAN, {"admin_share": {"community": 0.8}, "travel_share": {"community": 0.3}})
    with pytest.raises(InputError, match=r"cjit.other_work.court: unknown key"):
        with_cjit(URBAN, {"other_work": {"court": {"per_week": 1}}})
    with pytest.raises(InputError, match=r"cjit.caseload.attends: must be a probability"):
        with_cjit(URBAN, {"caseload": {"attends": 1.5}})
    # a partial mapping keeps the rest of its own defaults
    sc = with_cjit(URBAN, {"other_work": {"court_ordered": {"per_week": 5}}})
    assert sc.cjit.other_work.court_ordered.minutes == URBAN.cjit.other_work.court_ordered.minutes
    assert sc.cjit.other_work.court_ordered.minutes != URBAN.cjit.other_work.self_referrals.minutes
    # a distribution given is taken whole, not merged with the default's parameters
    sc = from_dict({"cjit": {"other_work": {"custody_other": {"minutes": {"dist": "fixed", "value": 30}}},
                             "caseload": {"weeks": {"dist": "exponential", "mean": 10}}}})
    assert sc.cjit.other_work.custody_other.minutes.to_dict() == {"dist": "fixed", "value": 30.0}
    assert sc.cjit.caseload.weeks.kind == "exponential"


def test_a_stream_of_almost_nothing_never_arrives():
    """A rate of 1e-308 a week draws gaps of ~1e308 hours, or infinity: no arrival, no overflow
    (found by the property test)."""
    from dipsim.model.workload import after_duty_hours

    weekdays = Rota([((0, 1, 2, 3, 4), 9.0, 17.0)])
    assert after_duty_hours(weekdays, 3.0, math.inf) == math.inf
    assert after_duty_hours(weekdays, 3.0, 1e308) == math.inf
    assert after_duty_hours(weekdays, 0.0, 2.0) == 11.0  # Monday 09:00 + 2 h on duty
    assert after_duty_hours(weekdays, 16.0, 10.0) == 48.0 + 10.0  # 1 h Monday, 8 h Tuesday, 1 h Wednesday from 09:00


def _arrival_then_request(request_at_same_moment: bool):
    """One always-on worker, idle; a job of other work (self-referrals, 1 h) arrives at 2:00; with
    ``request_at_same_moment``, a custody assessment (priority 0, 0.5 h) is asked for at 2:00 too, by an
    event scheduled after the arrival's. Returns the pool's booked hours by activity at 3:12, and the
    assessment's start."""
    import simpy

    from dipsim.model.workload import Timeline, _Arrivals

    env = simpy.Environment()
    pool = WorkerPool(env, "community", 1, Rota([(tuple(range(7)), 0.0, 24.0)]), 10)

    class Stub:  # what an arrival stream reads of the workload
        stopped = False
        ledger: dict = {}

    Stub.env = env
    draws = iter([([2.0, 1e9], [1.0, 1.0])])  # 2 h of duty, then none for ever
    _Arrivals(Stub(), "self_referrals", pool, Timeline(pool.rota, draws)).next()
    started = []

    def assessment():
        yield env.timeout(2.0)
        started.append((yield pool.request(0.5, "initial_assessment", 0)))

    if request_at_same_moment:
        env.process(assessment())
    env.run(until=3.2)
    return {a: pool.busy[ACTIVITY_INDEX[a]].sum() for a in ("self_referrals", "initial_assessment")}, started


def test_an_arriving_job_wakes_its_worker_as_a_wake_event_would():
    """The other work's arrival wakes an idle worker in its own callback only when nothing else is due at
    that moment; otherwise through a wake event, after what is due: so a more urgent job asked for at the
    same moment is still taken first (the worker chooses when he looks, most urgent first)."""
    alone, _ = _arrival_then_request(False)
    assert alone == {"self_referrals": 1.0, "initial_assessment": 0.0}       # 2:00-3:00, booked at 3:00
    both, started = _arrival_then_request(True)
    assert started == [2.0]                                                  # the assessment first, at 2:00
    assert both == {"self_referrals": 0.0, "initial_assessment": 0.5}        # the other job 2:30-3:30
