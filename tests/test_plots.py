"""dipsim.plots: figures build headless (Agg), carry labels, units and the scenario name,
and draw the numbers they are given (bars equal KPI counts, bands equal CIs)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from dipsim import plots  # noqa: E402
from dipsim.results import run  # noqa: E402
from dipsim.scenario import load_scenario  # noqa: E402

NAME = "Urban intensive (England)"


@pytest.fixture(scope="module")
def result():
    return run(load_scenario("urban_intensive"), days=45)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _bars(ax):
    """The bars of bar charts (not shaded spans or legend patches)."""
    return [b for c in ax.containers if isinstance(c, matplotlib.container.BarContainer) for b in c]


# --------------------------------------------------------------------------- funnel

def test_funnel_bars_equal_kpis_in_annex_a_order(result):
    fig = plots.funnel(result)
    ax = fig.axes[0]
    widths = [b.get_width() for b in _bars(ax)]
    k = result.kpis
    expected = [k["arrests"], k["outside_map"], k["arrests"] - k["terminal_not_eligible"], k["tests"], k["tests_positive"],
                k["required_assessments"], k["ia_attended"], k["ra_non_compliance_reported"],
                k["voluntary_assessments"], k["terminal_exit_no_drug_indication"], k["referred_to_cps"],
                k["cps_authorised"], k["terminal_alternative_disposal"], k["cautions"], k["declined"],
                k["complied"], k["non_compliance"]]
    assert widths == expected
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Arrested" and "(§4.6.6 Step 2)" in labels[10] and "(§6)" in labels[-1]
    assert labels[1].startswith("Outside the map")  # Annex A starts at "Offender admits offence" (§2.1)
    assert NAME in ax.get_title()
    assert "people" in ax.get_xlabel() and "45 days" in ax.get_xlabel()


def test_funnel_counts_agree_with_the_people_table(result):
    p = result.people
    c = plots.funnel_counts(result).set_index("box")["count"]
    assert c["arrests"] == len(p)
    assert c["tests"] == (p["test_result"] != "not_tested").sum()
    assert c["tests_positive"] == (p["test_result"] == "positive").sum()
    assert c["cautions"] == p["caution_h"].notna().sum()
    assert c["complied"] == (p["terminal_state"] == "complied_case_closed").sum()
    assert c["terminal_exit_no_drug_indication"] == (p["terminal_state"] == "exit_no_drug_indication").sum()
    # every cautioned person complied or was reported (no one still in progress)
    assert c["complied"] + c["non_compliance"] == c["cautions"]


def test_funnel_non_intensive_area_has_no_testing_bars():
    r = run(load_scenario("county_non_intensive"), days=30)
    fig = plots.funnel(r)
    widths = [b.get_width() for b in _bars(fig.axes[0])]
    assert widths[3:8] == [0, 0, 0, 0, 0]     # §2.2: no testing, no Required Assessment
    assert widths[8] == r.kpis["voluntary_assessments"] > 0
    assert r.provenance["scenario_name"] in fig.axes[0].get_title()


def test_funnel_draws_on_a_given_axes(result):
    fig, axes = plt.subplots(1, 2)
    out = plots.funnel(result, ax=axes[1])
    assert out is fig
    assert not _bars(axes[0]) and len(_bars(axes[1])) == len(plots.FUNNEL_BOXES)


# --------------------------------------------------------------------------- waits, utilisation

def test_waits_histograms_hold_every_person_who_waited(result):
    fig = plots.waits(result)
    a1, a2 = fig.axes
    p = result.people
    assert sum(b.get_height() for b in _bars(a1)) == p["ia_start_h"].notna().sum() > 0
    assert sum(b.get_height() for b in _bars(a2)) == p["session1_h"].notna().sum() > 0
    assert "hours" in a1.get_xlabel() and "days" in a2.get_xlabel()
    assert a1.get_ylabel() == a2.get_ylabel() == "people"
    assert NAME in a1.get_title() and NAME in a2.get_title()


def test_utilisation_stacks_add_up_to_each_pool(result):
    fig = plots.utilisation(result)
    ax = fig.axes[0]
    u = result.utilisation
    totals = u[u["activity"] == "all"].set_index("pool")["busy_h"]
    pools = [t.get_text() for t in ax.get_yticklabels()]
    assert set(pools) == set(totals.index)
    per_pool = {pool: 0.0 for pool in pools}
    for b in _bars(ax):
        per_pool[pools[int(round(b.get_y() + b.get_height() / 2))]] += b.get_width()
    for pool in pools:
        assert per_pool[pool] == pytest.approx(totals[pool])
    assert "hours" in ax.get_xlabel() and NAME in ax.get_title()


def test_weekly_load_lines_carry_all_busy_hours(result):
    fig = plots.weekly_load(result)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    for pool, busy in result.daily_busy.items():
        assert lines[pool].get_ydata().sum() == pytest.approx(busy.sum())
    assert "hours a week" in ax.get_ylabel() and NAME in ax.get_title()


def test_assessments_by_hour_counts_every_required_assessment(result):
    fig = plots.assessments_by_hour(result, cover=[(8, 20)])
    ax = fig.axes[0]
    bars = _bars(ax)
    k = result.kpis
    assert sum(b.get_height() for b in bars) == k["ia_attended"] + k["ia_failed"] + k["ia_missed_no_worker"]
    missed = [b.get_height() for b in bars[48:72]]            # third stack: missed, no worker
    assert sum(missed) == k["ia_missed_no_worker"]
    assert "hour" in ax.get_xlabel() and "45 days" in ax.get_ylabel() and NAME in ax.get_title()


# --------------------------------------------------------------------------- over replications

def _sweep_summary():
    return pd.DataFrame({
        "cjit.community.workers": [2, 3, 4, 2, 3, 4],
        "kpi": ["p90_wait_caution_to_first_session_d"] * 3 + ["completion_rate"] * 3,
        "n": 5, "mean": [9.0, 6.0, 4.0, 0.5, 0.55, 0.6], "sd": 1.0, "half_width": 1.0,
        "lower": [8.0, 5.0, 3.0, 0.45, 0.5, 0.55], "upper": [10.0, 7.0, 5.0, 0.55, 0.6, 0.65]})


def test_sweep_curve_draws_mean_band_and_target():
    fig = plots.sweep_curve(_sweep_summary(), "cjit.community.workers", "p90_wait_caution_to_first_session_d",
                            target=7.0, answer=3, scenario=NAME)
    ax = fig.axes[0]
    mean_line = ax.get_lines()[0]
    assert list(mean_line.get_xdata()) == [2, 3, 4] and list(mean_line.get_ydata()) == [9.0, 6.0, 4.0]
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 3.0 and band[:, 1].max() == 10.0
    assert any(list(ln.get_ydata()) == [7.0, 7.0] for ln in ax.get_lines())      # the target
    assert any(list(ln.get_xdata()) == [3, 3] for ln in ax.get_lines())          # the answer
    assert "days" in ax.get_ylabel() and "workers" in ax.get_xlabel() and NAME in ax.get_title()


def test_sweep_curve_shows_shares_as_percent_and_clips_the_band():
    summary = _sweep_summary()
    summary.loc[5, "upper"] = 1.04                      # a t-interval can pass 100% on few replications
    fig = plots.sweep_curve(summary, "cjit.community.workers", "completion_rate", target=0.55, scenario=NAME)
    ax = fig.axes[0]
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx([50.0, 55.0, 60.0])
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.max() == 100.0 and band.min() == pytest.approx(45.0)
    assert "(%)" in ax.get_ylabel()
    assert "target 55%" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert [t for t in ax.get_xticks() if t != int(t)] == []          # whole workers on the x axis


def test_sweep_curve_summarises_a_replication_table():
    reps = pd.DataFrame({"cjit.community.workers": [2] * 4 + [4] * 4,
                         "replication": list(range(4)) * 2,
                         "complied": [10, 12, 11, 13, 20, 22, 21, 23]})
    fig = plots.sweep_curve(reps, "cjit.community.workers", "complied", scenario=NAME)
    ax = fig.axes[0]
    assert list(ax.get_lines()[0].get_ydata()) == [11.5, 21.5]
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() < 11.5 and band.max() > 21.5                             # a real CI, not the mean


def test_missing_kpi_is_an_error():
    with pytest.raises(KeyError):
        plots.sweep_curve(_sweep_summary(), "cjit.community.workers", "cautions")


def _differences():
    rows = []
    for v, d in (("three_sessions_for_all", -3.0), ("one_session_for_all", 4.0)):
        rows.append({"variant": v, "kpi": "complied", "mean": d, "lower": d - 1, "upper": d + 1})
        rows.append({"variant": v, "kpi": "completion_rate", "mean": d / 100, "lower": d / 100 - 0.02,
                     "upper": d / 100 + 0.02})
    return pd.DataFrame(rows)


def test_paired_differences_points_and_intervals():
    fig = plots.paired_differences(_differences(), ["complied", "completion_rate"], by="variant",
                                   baseline="annex_b", scenario=NAME)
    a1, a2 = fig.axes
    xs = [ln.get_xdata()[0] for ln in a1.get_lines() if ln.get_marker() == "o"]
    assert xs == [-3.0, 4.0]
    xs2 = [ln.get_xdata()[0] for ln in a2.get_lines() if ln.get_marker() == "o"]
    assert xs2 == pytest.approx([-3.0, 4.0])                                  # percentage points
    assert "percentage points" in a2.get_xlabel() and "people" in a1.get_xlabel()
    assert [t.get_text() for t in a1.get_yticklabels()] == ["three sessions for all", "one session for all"]
    assert NAME in fig._suptitle.get_text() and "annex b" in fig._suptitle.get_text()


def test_kpi_bars_heights_are_means():
    s = _differences().rename(columns={"variant": "policy"})
    fig = plots.kpi_bars(s, "policy", ["complied"], scenario=NAME)
    ax = fig.axes[0]
    assert [b.get_height() for b in _bars(ax)] == [-3.0, 4.0]
    assert ax.get_ylabel() == "people" and "completions" in ax.get_title() and NAME in fig._suptitle.get_text()


def _points(ax):
    return [ln for ln in ax.get_lines() if ln.get_marker() == "o"][0].get_xdata()


def test_calibration_points_and_published_markers():
    table = pd.DataFrame({"measure": ["tests positive", "required assessed"], "mean": [0.36, 0.81],
                          "lower": [0.35, 0.79], "upper": [0.37, 0.83], "published": [0.37, 0.82],
                          "source": ["Hansard, 22 Jan 2008", "Skodbo et al. 2007"]})
    fig = plots.calibration(table, scenario=NAME)
    a1, a2 = fig.axes
    assert list(_points(a1)) == pytest.approx([36.0]) and list(_points(a2)) == pytest.approx([81.0])
    assert np.allclose(a1.collections[-1].get_offsets()[:, 0], [37.0])
    assert np.allclose(a2.collections[-1].get_offsets()[:, 0], [82.0])
    lo, hi = a2.get_xlim()
    assert lo < 79.0 and hi > 83.0                            # the whole interval and the figure are visible
    assert "Hansard, 22 Jan 2008" in a1.get_title(loc="left") and "%" in a1.get_xlabel()
    assert NAME in fig._suptitle.get_text()


def test_calibration_in_other_units_for_a_theory_check():
    table = pd.DataFrame({"measure": ["M/M/2, rho 0.7"], "mean": [0.95], "lower": [0.9], "upper": [1.0],
                          "published": [0.961], "source": ["Erlang C"]})
    fig = plots.calibration(table, percent=False, xlabel="mean wait in queue (hours)", title="Erlang C",
                            reference_label="Erlang C", scenario="M/M/c check")
    ax = fig.axes[0]
    assert list(_points(ax)) == [0.95]
    assert np.allclose(ax.collections[-1].get_offsets()[:, 0], [0.961])
    assert ax.get_xlabel() == "mean wait in queue (hours)" and "M/M/c check" in fig._suptitle.get_text()


def test_kpi_label_units():
    assert plots.kpi_label("mean_wait_arrest_to_ia_h")[1] == "hours"
    assert plots.kpi_label("something_new_d") == ("something new", "days")
    assert plots.kpi_label("share_anything")[1] == "%"
    assert plots.kpi_label("complied")[1] == "people"


def test_sweep_curve_draws_one_curve_per_hue_value():
    rows = [{"cjit.community.workers": w, "arrivals.scale": sc, "replication": r,
             "mean_wait_caution_to_first_session_d": 10.0 / w * sc + 0.1 * r}
            for w in (1, 2, 3) for sc in (1.0, 1.5) for r in range(3)]
    fig = plots.sweep_curve(pd.DataFrame(rows), "cjit.community.workers", "mean_wait_caution_to_first_session_d",
                            hue="arrivals.scale", scenario="Test area")
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert [round(v, 6) for v in ax.lines[1].get_ydata()] == [round(15.0 / w + 0.1, 6) for w in (1, 2, 3)]
    assert "Test area" in ax.get_title()
