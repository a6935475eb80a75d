"""The capacity answer: targets about years, the step-down over many levels, non-monotone
evidence, the answer's explanation and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dipsim.commands._format import capacity_text
from dipsim.errors import InputError
from dipsim.experiment.capacity import Target, capacity, evaluate, from_sweep, step_down, years_lower_bound
from dipsim.experiment.capacity.targets import check_targets, years_needed
from dipsim.experiment.stats import one_sided_bound
from dipsim.experiment.sweep import SweepResult
from dipsim.model.workload import no_other_work
from dipsim.scenario import from_dict, load_scenario, to_dict
from dipsim.scenario.loader import deep_merge

ROOT = Path(__file__).resolve().parents[1]
SERIAL = {"backend": "serial", "progress": False}
W = "cjit.custody.workers"


def synthetic(values: dict, kpi: str = "share") -> SweepResult:
    """A finished sweep over ``W`` from per-level lists of yearly values."""
    rows = [{W: lvl, "seed": 1, "replication": r, kpi: v} for lvl, vs in values.items() for r, v in enumerate(vs)]
    cells = pd.DataFrame({W: list(values)})
    return SweepResult(pd.DataFrame(rows), pd.DataFrame(), cells, {}, [W])


# ---- the years bound ------------------------------------------------------------------------------

def _brute_lower(k: int, n: int, conf: float) -> float:
    """The p with P(Binomial(n, p) >= k) = 1 - conf, by bisection on the binomial tail alone."""
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if stats.binom.sf(k - 1, n, mid) < 1 - conf:   # tail too small: p must be larger
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@pytest.mark.parametrize("conf", [0.9, 0.95, 0.99])
def test_years_bound_is_the_exact_binomial_bound(conf):
    cases = [(1, 5), (3, 5), (5, 5), (19, 20), (20, 20), (38, 40), (12, 40), (97, 100)]
    for k, n in cases:
        got = years_lower_bound(k, n, conf)
        assert got == pytest.approx(_brute_lower(k, n, conf), abs=1e-9), (k, n)
        assert stats.binom.sf(k - 1, n, got) == pytest.approx(1 - conf, rel=1e-6)
    assert years_lower_bound(0, 10, conf) == 0.0
    ks = np.array([k for k, _ in cases])
    ns = np.array([n for _, n in cases])
    assert np.allclose(years_lower_bound(ks, ns, conf), [years_lower_bound(k, n, conf) for k, n in cases])
    # n of n years show `share` exactly when n >= years_needed(share)
    for share in (0.5, 0.8, 0.9):
        m = years_needed(share, conf)
        assert years_lower_bound(m, m, conf) >= share > years_lower_bound(m - 1, m - 1, conf)


def test_years_meaning_counts_years_and_the_answer_says_so_in_words():
    # 38 of 40 years at 3 workers meet the target; 25 of 40 at 2; mean of both is above the target
    good = [0.97] * 38 + [0.90] * 2
    fair = [0.99] * 25 + [0.93] * 15
    sw = synthetic({2: fair, 3: good, 4: [0.99] * 40})
    t = Target.parse("share>=0.95")
    ev = evaluate(sw.results, [W], [t], 0.95, "years", 0.8)
    assert list(ev["years_met"]) == [25, 38, 40] and list(ev["met"]) == [False, True, True]
    assert ev.loc[1, "years_bound"] == pytest.approx(stats.beta.ppf(0.05, 38, 3))
    mean = evaluate(sw.results, [W], [t], 0.95, "mean")
    assert mean.loc[0, "met"]                     # the mean bound passes the level where 15 of 40 years miss
    res = from_sweep(sw, [W], [t])
    assert res.answer["cjit.custody.workers"] == 3 and res.decided_by == 0
    text = capacity_text(res)
    assert ("With cjit.custody.workers = 3, 38 of 40 simulated years met share >= 0.95; we are 95% confident "
            "at least 85% of years would") in " ".join(text.split())
    assert "at least 80% of simulated years meet it" in " ".join(text.split())
    assert "What decided it: the next level down does not show share >= 0.95" in " ".join(text.split())


# ---- many levels: the step-down -------------------------------------------------------------------

def test_step_down_stops_at_the_first_failure_from_the_top():
    assert step_down([False, True, True]) == (1, 0)
    assert step_down([True, False, True]) == (2, 1)       # level 0 passes but is never reached
    assert step_down([True, True]) == (0, None)
    assert step_down([True, False]) == (None, 1)


def _rates(passes: np.ndarray, infeasible: int) -> tuple[float, float]:
    """(step-down, smallest-passing) chance of choosing an infeasible level (index < infeasible)."""
    step = naive = 0
    for row in passes:
        a, _ = step_down(list(row))
        step += a is not None and a < infeasible
        ok = np.flatnonzero(row)
        naive += len(ok) > 0 and ok[0] < infeasible
    return step / len(passes), naive / len(passes)


def _check_rate(rate: float, trials: int, alpha: float = 0.05) -> None:
    k = round(rate * trials)
    low = years_lower_bound(k, trials, 0.99)       # 99% lower bound on the true error rate
    assert low <= alpha, f"error rate {rate:.4f} over {trials} trials is above {alpha}"


def test_step_down_keeps_the_chance_of_an_infeasible_answer_within_alpha_years():
    # five levels just short of 80% of good years, then one clearly feasible; 40 years a level
    rng = np.random.default_rng(12)
    trials, n = 20000, 40
    p = np.array([0.79] * 5 + [0.99])
    k = rng.binomial(n, p, size=(trials, len(p)))
    passes = years_lower_bound(k, n, 0.95) >= 0.8
    step, naive = _rates(passes, 5)
    _check_rate(step, trials)
    assert years_lower_bound(round(naive * trials), trials, 0.99) > 0.05   # the old rule fails the same check


def test_step_down_keeps_the_chance_of_an_infeasible_answer_within_alpha_mean():
    # five levels whose true mean is just below the target (0.9), then one clearly above; 10 years a level
    rng = np.random.default_rng(7)
    trials, n = 3000, 10
    means = [0.899] * 5 + [0.95]
    t = Target.parse("share>=0.9")
    passes = np.array([[t.met(one_sided_bound(rng.normal(m, 0.05, n), "lower", 0.95)) for m in means]
                       for _ in range(trials)])
    step, naive = _rates(passes, 5)
    _check_rate(step, trials)
    assert years_lower_bound(round(naive * trials), trials, 0.99) > 0.1


def test_several_chains_share_alpha():
    rows, cells = [], []
    for v in ("a", "b"):
        for w in (1, 2, 3):
            cells.append({"variant": v, W: w})
            rows += [{"variant": v, W: w, "seed": 1, "replication": r, "share": 1.0 if w >= 2 else 0.0}
                     for r in range(30)]
    sw = SweepResult(pd.DataFrame(rows), pd.DataFrame(), pd.DataFrame(cells), {}, ["variant", W])
    res = from_sweep(sw, [W], [Target.parse("share>=0.9")])
    assert len(res.chains) == 2 and res.test_confidence == pytest.approx(0.975)
    assert res.answer == {"level": 1, "variant": "a", W: 2, "staff_hours_per_week": 0.0}
    assert list(res.levels["step_down"]) == ["failed", "answer", "passed", "failed", "passed", "passed"]
    assert "2.5% (5% shared over 2 chains of levels)" in " ".join(capacity_text(res).split())


# ---- non-monotone evidence ------------------------------------------------------------------------

def test_non_monotone_evidence_is_flagged():
    rng = np.random.default_rng(3)
    noise = rng.normal(0, 0.005, 20)
    sw = synthetic({1: 0.5 + noise, 2: 0.99 + noise / 5, 3: 0.6 + noise, 4: 0.99 + noise / 5})
    res = from_sweep(sw, [W], [Target.parse("share>=0.9")])
    assert res.answer[W] == 4 and res.decided_by == 2          # level 3 stops the step-down; 2 is never reached
    kinds = [f.kind for f in res.flags]
    assert "pass_pattern" in kinds and "worse_with_more_staff" in kinds
    text = " ".join(capacity_text(res).split())
    assert "cjit.custody.workers = 2 passes but the larger cjit.custody.workers = 3 fails" in text
    assert "share gets worse from cjit.custody.workers = 2 to cjit.custody.workers = 3 beyond noise" in text
    assert "Warning: the evidence is not monotone" in text
    # a measure that improves (or holds) with staffing is not flagged, whatever passes
    calm = from_sweep(synthetic({1: 0.5 + noise, 2: 0.8 + noise, 3: 0.8 + noise, 4: 0.99 + noise / 5}), [W],
                      [Target.parse("share>=0.9")])
    assert calm.flags == [] and "not monotone" not in capacity_text(calm)
    # point estimates going the wrong way beyond noise, every level passing: flagged too
    worse = from_sweep(synthetic({1: 0.99 + noise / 5, 2: 0.97 + noise / 5}), [W],
                       [Target.parse("share>=0.9")], meaning="mean")
    assert [f.kind for f in worse.flags] == ["worse_with_more_staff"]


# ---- the explanation on the model ------------------------------------------------------------------

def test_a_target_staffing_does_not_move_is_named_with_what_drives_it():
    # the example: community workers do not move the share starting within 5 days when the rota holds
    # this pathway's work alone (the team's other work switched off: with it, one worker cannot keep up)
    sc = from_dict(deep_merge(to_dict(load_scenario("urban_intensive")), {"cjit": no_other_work()}))
    res = capacity(sc, {"cjit.community.workers": list(range(1, 9))}, ["share_first_session_within_5d>=0.90"], 4,
                   days=40, meaning="mean", **SERIAL)
    target = "share_first_session_within_5d >= 0.9"
    assert res.flat == [target] and res.unreachable == [target] and res.answer is None   # 40 days, 4 years: short
    text = " ".join(capacity_text(res).split())
    assert "share_first_session_within_5d does not change across the levels tried" in text
    assert f"{target} is not shown at any level tried" in text
    top = res.screen[res.screen["kpi"] == "share_first_session_within_5d"]
    # The issue: the measure "is set by the 2-day booking lead time and by missed first appointments"
    # (a missed first appointment is not a session held): both are among the three drivers named.
    named = list(top["parameter"].iloc[:3])
    assert {"sessions.lead_days", "compliance.session_outcomes"} <= set(named), named
    assert "share_first_session_within_5d moves most with " in text and "sessions.lead_days (" in text
    lead = top[top["parameter"] == "sessions.lead_days"].iloc[0]
    assert lead["effect"] < 0 and (lead["low"], lead["high"]) == ("1", "3")    # a longer lead time: fewer within 5d
    attend = top[top["parameter"] == "compliance.session_outcomes"].iloc[0]
    assert attend["effect"] > 0                                   # more appointments attended: more within 5d
    assert res.screen_level == 7 and "cjit.community.workers" not in set(res.screen["parameter"])


def test_the_answer_on_the_model_gives_utilisation_and_what_decided_it():
    sc = load_scenario("urban_intensive")
    res = capacity(sc, {W: [1, 2]}, ["share_ia_before_release>=0.5"], 14, days=20, screen=False, **SERIAL)
    assert res.meaning == "years" and res.answer[W] == 1 and res.decided_by is None
    assert res.evidence["years_met"].tolist() == [14, 14]     # 14 of 14 years just show 80% (bound 0.807)
    at = res.sweep.results[res.sweep.results[W] == 1]
    text = " ".join(capacity_text(res).split())
    assert (f"Utilisation at the answer (mean over years; all work, of which this pathway's work): custody "
            f"{100 * at['utilisation_custody'].mean():.0f}% ({100 * at['utilisation_custody_pathway'].mean():.0f}%) "
            f"with {at['fte_custody'].mean():.1f} FTE") in text
    assert at["utilisation_custody"].mean() > at["utilisation_custody_pathway"].mean() > 0
    assert f"{res.answer['staff_hours_per_week'] / 37.5:.1f} FTE at 37.5 hours" in text
    assert "nothing below it was tried" in text and res.screen is None
    assert list(res.levels["step_down"]) == ["answer", "passed"]


# ---- bad input ---------------------------------------------------------------------------------------

def test_target_checks():
    known = ["share_ia_before_release", "utilisation_custody", "share_first_session_within_7d"]
    with pytest.raises(InputError, match="close matches: share_ia_before_release"):
        check_targets([Target.parse("share_ia_befor_release>=0.9")], known)
    with pytest.raises(InputError, match="contradictory"):
        check_targets([Target.parse("utilisation_custody>=0.9"), Target.parse("utilisation_custody<=0.8")], known)
    with pytest.raises(InputError, match="contradictory"):
        check_targets([Target.parse("utilisation_custody>0.8"), Target.parse("utilisation_custody<=0.8")], known)
    check_targets([Target.parse("utilisation_custody>=0.8"), Target.parse("utilisation_custody<=0.8")], known)


@pytest.mark.parametrize("args, says", [
    (["--param", "cjit.custody.workers=1:2", "--target", "share_ia_befor_release>=0.9"],
     "close matches: share_ia_before_release"),
    (["--param", "cjit.custody.workers=2", "--target", "share_ia_before_release>=0.9"], "a single level"),
    (["--param", "cjit.custody.workers=1:2", "--target", "share_ia_before_release>=0.9",
      "--target", "share_ia_before_release<=0.8"], "contradictory targets"),
    (["--param", "cjit.custody.workers=1:2", "--target", "share_ia_before_release>=0.9", "--years", "1"],
     "--years"),
])
def test_bad_capacity_input_is_one_line_and_exit_2(args, says):
    r = subprocess.run([sys.executable, "-m", "dipsim", "capacity", *args, "-n", "2", "--days", "2", "--backend",
                        "serial"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in r.stderr


# ---- the plot ------------------------------------------------------------------------------------

def _capacity_for_plot():
    long = "share_first_session_within_10d"
    rows = []
    for lvl, (k, m) in {1: (5, 0.5), 2: (15, 0.9), 3: (20, 0.97)}.items():
        for r in range(20):
            rows.append({W: lvl, "seed": 1, "replication": r, "share": 0.99 if r < k else 0.5, long: m,
                         "utilisation_custody": 0.5})
    sw = SweepResult(pd.DataFrame(rows), pd.DataFrame(), pd.DataFrame({W: [1, 2, 3]}), {}, [W])
    return from_sweep(sw, [W], [Target.parse("share>=0.95"), Target.parse(f"{long}>=0.9"),
                                Target.parse("utilisation_custody<=0.85")])


def test_capacity_plot_years_view_draws_shares_of_years_and_readable_titles():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from dipsim import plots

    res = _capacity_for_plot()
    fig = plots.capacity(res)
    a = fig.axes[0]
    line = next(ln for ln in a.get_lines() if ln.get_label() == "share of years meeting it")
    assert list(line.get_ydata()) == pytest.approx([25, 75, 100])
    bound = next(ln for ln in a.get_lines() if ln.get_label().startswith("one-sided 95% lower bound"))
    assert list(bound.get_ydata()) == pytest.approx(100 * years_lower_bound(np.array([5, 15, 20]), 20, 0.95))
    assert any(ln.get_label() == "required: 80% of years" for ln in a.get_lines())
    assert "at least 80% of simulated years" in fig._suptitle.get_text()
    fig.canvas.draw()
    boxes = [ax.title.get_window_extent() for ax in fig.axes] + [fig._suptitle.get_window_extent()]
    for i, b in enumerate(boxes):
        for c in boxes[i + 1:]:
            assert not b.overlaps(c)
    plt.close(fig)
    mean = plots.capacity(res, view="mean")
    labels = [ln.get_label() for ln in mean.axes[0].get_lines()]
    assert "one-sided 95% lower bound" in labels and "target >= 0.95" in labels
    assert "the mean over simulated years" in mean._suptitle.get_text()
    plt.close(mean)


def test_capacity_plot_labels_the_bound_at_each_tests_confidence():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from dipsim import plots

    rows = [{W: w, "other": o, "seed": 1, "replication": r, "share": 0.99} for w in (1, 2, 3) for o in (1, 2)
            for r in range(20)]
    cells = pd.DataFrame([{W: w, "other": o} for w in (1, 2, 3) for o in (1, 2)])
    res = from_sweep(SweepResult(pd.DataFrame(rows), pd.DataFrame(), cells, {}, [W, "other"]), [W, "other"],
                     [Target.parse("share>=0.95")])
    assert len(res.chains) == 2
    fig = plots.capacity(res, view="mean")
    assert "one-sided 97.5% lower bound" in [ln.get_label() for ln in fig.axes[0].get_lines()]
    plt.close(fig)
