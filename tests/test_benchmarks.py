"""The benchmark and its yardstick run, and the yardstick sees the same arrests as dipsim.

No timing is asserted anywhere: figures depend on the machine.
"""

from __future__ import annotations

import pytest

from benchmarks import run as bench
from benchmarks import yardstick
from dipsim.model.cohort import draw_cohort
from dipsim.random import Streams
from dipsim.results import run as dipsim_run
from dipsim.scenario import load_scenario


@pytest.mark.parametrize("name", ["urban_intensive", "county_non_intensive", "welsh_intensive"])
def test_yardstick_processes_the_same_arrests_as_dipsim(name):
    sc = load_scenario(name)
    days = 30
    dip = dipsim_run(sc, days=days)
    y = yardstick.run(sc, draw_cohort(sc, Streams(sc.seed, 0), days), days)
    assert y.n == len(dip.people) > 0
    counts = y.summary()
    assert sum(counts.values()) == y.n
    # The decisions before any queue are the same draws through the same graph.
    for state in ("not_eligible", "exit_no_drug_indication"):
        assert counts[state] == dip.kpis[f"terminal_{state}"]


def test_yardstick_refuses_a_menu_policy_it_does_not_model():
    from dipsim.scenario import replace

    sc = replace(load_scenario("urban_intensive"), {"decisions.menu_policy": "one_session_for_all"})
    with pytest.raises(ValueError, match="annex_b"):
        yardstick.Yardstick(sc, draw_cohort(sc, Streams(1, 0), 5), 5)


def test_next_on_duty():
    spans = [(8.0, 20.0), (24 + 8.0, 24 + 20.0)]
    assert yardstick.next_on_duty(10.0, spans) == 10.0
    assert yardstick.next_on_duty(21.0, spans) == 32.0
    assert yardstick.next_on_duty(168 + 45.0, spans) == 2 * 168 + 8.0
    assert yardstick.next_on_duty(3.0, []) == float("inf")


def test_benchmark_command_runs_at_tiny_size(capsys, tmp_path):
    out = tmp_path / "bench.json"
    assert bench.main(["--days", "5", "--pairs", "1", "--reps", "0", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    for needle in ("µs", "ratio", "events per second", "B/person", "peak"):
        assert needle in text
    assert out.exists()


def test_timing_counts_events_of_both_models():
    sc = load_scenario("urban_intensive")
    t = bench.timing(sc, 5, 2)
    assert len(t["pairs"]) == 2
    for row in t["pairs"]:
        assert row["dipsim_processed"] > 0 and row["yard_processed"] > 0


def test_national_benchmark_runs_the_command_whole_and_counts_its_runs(capsys):
    """benchmarks.national runs `dipsim national` as a user types it and reports the runs it wrote."""
    from benchmarks import national

    assert national.main(["--areas", "2", "-n", "2", "--levels", "1"]) == 0
    out = capsys.readouterr().out
    assert "national --areas 2 -n 2 --backend processes" in out
    assert "4 runs in" in out  # 2 areas x 1 level x 2 replications, read back from results.parquet


def test_national_benchmark_sample_times_every_level(capsys):
    from benchmarks import national

    assert national.sample(1, None, 1) == 0
    out = capsys.readouterr().out
    for level in ("0.5", "0.75", "1", "1.25", "1.5"):
        assert f"level {level} " in out
    assert "15,000 runs at that cost" in out
