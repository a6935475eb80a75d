"""Comparing policies: multiplicity adjustment against a reference, differences in units and
thresholds, and Kim-Nelson selection reaching its stated probability of correct selection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dipsim.errors import ParameterError
from dipsim.experiment.compare import default_threshold, in_units, interval_in_units, paired_differences
from dipsim.experiment.ranking import kn_constants, kn_select
from dipsim.experiment.stats import adjust_p, paired_p_value


@pytest.mark.parametrize("method, reference", [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjustment_agrees_with_statsmodels(method, reference):
    rng = np.random.default_rng(17)
    for m in (1, 5, 40, 94):
        p = np.concatenate([rng.uniform(0, 1, m - m // 4), rng.uniform(0, 0.01, m // 4)])
        rng.shuffle(p)
        reject, expected, _, _ = multipletests(p, alpha=0.05, method=reference)
        got = adjust_p(p, method)
        assert np.allclose(got, expected, rtol=0, atol=1e-12)
        assert ((got <= 0.05) == reject).all()


def test_adjustment_known_example_and_nan():
    # hand-computed: p = 0.01, 0.04, 0.03, 0.005 (m = 4)
    p = [0.01, 0.04, 0.03, float("nan"), 0.005]
    holm = adjust_p(p, "holm")   # sorted .005x4=.02, .01x3=.03, .03x2=.06, .04x1=.04 -> max-accumulated .06
    assert np.allclose(holm[[4, 0, 2, 1]], [0.02, 0.03, 0.06, 0.06]) and np.isnan(holm[3])
    bh = adjust_p(p, "bh")       # .005x4/1=.02, .01x4/2=.02, .03x4/3=.04, .04x4/4=.04
    assert np.allclose(bh[[4, 0, 2, 1]], [0.02, 0.02, 0.04, 0.04])
    assert np.allclose(adjust_p(p, "none")[[0, 1]], [0.01, 0.04])
    with pytest.raises(ParameterError):
        adjust_p(p, "bonferonni")


def test_paired_p_value_is_the_paired_t_test():
    rng = np.random.default_rng(3)
    a = rng.normal(size=12)
    b = a + rng.normal(0.3, 1, size=12)
    assert paired_p_value(a, b) == pytest.approx(stats.ttest_rel(b, a).pvalue)
    assert paired_p_value(a, a) == 1.0 and paired_p_value(a, a + 1) == 0.0


def _table(effects: dict[str, float], n: int = 20, noise: dict[str, float] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for r in range(n):
        common = {k: rng.normal(50, 5) for k in effects}
        for v in ("base", "other"):
            rows.append({"variant": v, "replication": r,
                         **{k: common[k] + (e if v == "other" else 0) + rng.normal(0, (noise or {}).get(k, 1.0))
                            for k, e in effects.items()}})
    return pd.DataFrame(rows)


def test_compare_adjusts_over_the_family_and_reports_units():
    # 200 KPIs with no true difference and 2 with one: unadjusted, some nulls look real by chance
    effects = {f"null_{i}": 0.0 for i in range(200)} | {"complied": 3.0, "mean_wait_ia_queue_h": 0.1}
    t = _table(effects, noise={"mean_wait_ia_queue_h": 0.02})
    none = paired_differences(t, adjust="none")
    holm = paired_differences(t, adjust="holm")
    bh = paired_differences(t, adjust="bh")
    nulls = none["kpi"].str.startswith("null_")
    assert none.loc[nulls, "significant"].sum() >= 1          # chance "findings" without adjustment
    assert holm.loc[nulls, "significant"].sum() == 0
    assert set(holm.loc[holm["significant"], "kpi"]) <= {"complied", "mean_wait_ia_queue_h"}
    assert holm.set_index("kpi").loc["complied", "significant"]
    assert (holm["adjustment"] == "holm").all() and (bh["p_adjusted"] <= holm["p_adjusted"] + 1e-15).all()
    wait = holm.set_index("kpi").loc["mean_wait_ia_queue_h"]
    assert wait["in_units"].endswith("minutes") and wait["threshold"] == 0.5
    # a real 6-minute difference is significant but does not matter at the 30-minute threshold
    assert wait["significant"] and not wait["matters"] and wait["verdict"].startswith("differs, but")
    tight = paired_differences(t, adjust="holm", thresholds={"mean_wait_ia_queue_h": 0.05}).set_index("kpi")
    assert tight.loc["mean_wait_ia_queue_h", "matters"]


def test_units_and_default_thresholds():
    assert in_units(0.1, "hours") == "+6.0 minutes"
    assert in_units(-2.5, "hours") == "-2.5 hours"
    assert in_units(0.021, "share") == "+2.1 percentage points"
    assert in_units(0.5, "days") == "+12.0 hours" and in_units(3, "days") == "+3.0 days"
    assert in_units(-12, "people") == "-12.0 people" and in_units(150, "worker hours") == "+150 worker hours"
    assert interval_in_units(0.192, 0.277, "share") == "+19.2 to +27.7 percentage points"
    assert default_threshold("completion_rate", 0.6) == 0.02
    assert default_threshold("mean_wait_caution_to_first_session_d", 3) == 1.0
    assert default_threshold("cjit_hours", 800) == pytest.approx(40)


# ---------------------------------------------------------------------- ranking and selection
def _runner(means: dict[str, float], trial: int, common: float):
    names = list(means)

    def run(systems, reps):
        out = {}
        for s in systems:
            vals = []
            for r in reps:
                c = np.random.default_rng([trial, r]).normal()          # shared by every system (CRN)
                e = np.random.default_rng([trial, r, 1 + names.index(s)]).normal()
                vals.append(means[s] + common * c + e)
            out[s] = vals
        return out
    return run


def _clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    a = (1 - level) / 2
    lo = stats.beta.ppf(a, k, n - k + 1) if k > 0 else 0.0
    hi = stats.beta.ppf(1 - a, k + 1, n - k) if k < n else 1.0
    return lo, hi


@pytest.mark.parametrize("common", [0.0, 2.0])
def test_kn_reaches_its_probability_of_correct_selection(common):
    # slippage configuration, the hardest for an indifference-zone procedure: the best exactly
    # delta above four equal others
    delta, pcs, trials = 0.5, 0.9, 200
    means = {"a": 0.0, "b": 0.0, "best": delta, "c": 0.0, "d": 0.0}
    correct = sum(kn_select(list(means), _runner(means, t, common), delta=delta, pcs=pcs, n0=10).best == "best"
                  for t in range(trials))
    lo, hi = _clopper_pearson(correct, trials)
    assert hi >= pcs, f"{correct}/{trials} correct: the 95% CI {lo:.3f}-{hi:.3f} is below the nominal {pcs}"
    # the check can fail: choosing the best mean after 3 replications does not reach 0.9
    naive = 0
    for t in range(trials):
        got = _runner(means, t, common)(list(means), range(3))
        naive += max(got, key=lambda s: np.mean(got[s])) == "best"
    assert _clopper_pearson(naive, trials)[1] < pcs


def test_kn_lower_is_better_first_stage_and_budget():
    means = {"x": 1.0, "y": 0.0, "z": 1.0}
    first = _runner(means, 1, 0.0)(list(means), range(10))
    res = kn_select(list(means), _runner(means, 1, 0.0), higher_is_better=False, delta=0.5, pcs=0.95, n0=10,
                    first_stage=first)
    assert res.best == "y" and not res.stopped_by_budget
    assert set(res.table.loc[res.table["status"] == "eliminated", "policy"]) == {"x", "z"}
    assert any("Kim and Nelson" in line for line in res.explanation())
    capped = kn_select(["p", "q"], _runner({"p": 0.0, "q": 0.0}, 2, 0.0), delta=0.01, n0=5, max_n=8)
    assert capped.stopped_by_budget and "does not hold" in " ".join(capped.explanation())
    eta, h2 = kn_constants(2, 10, 0.95)
    assert eta == pytest.approx(0.5 * ((0.1) ** (-2 / 9) - 1)) and h2 == pytest.approx(2 * eta * 9)
    with pytest.raises(ParameterError):
        kn_select(["p", "q"], _runner({"p": 0, "q": 0}, 0, 0), delta=0, n0=5)
