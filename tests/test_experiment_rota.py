"""The rota search: custody shift patterns, fewest rostered hours first, Bonferroni over patterns.

The synthetic case has its best rota known by construction: every arrest comes at 14:00, the
initial assessment is asked for about an hour later, release is 6 hours after arrest and there
is no out-of-hours arrangement, so a pattern meets the target exactly when its shifts are on
duty in the afternoon on every day of the week.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dipsim.cli import main
from dipsim.commands._format import capacity_text
from dipsim.errors import ParameterError
from dipsim.experiment.capacity import Pattern, patterns, rota_search
from dipsim.experiment.overrides import apply_overrides
from dipsim.scenario import load_scenario
from dipsim.scenario.loader import to_dict

ROOT = Path(__file__).resolve().parents[1]
QUICK = {"n": 4, "days": 21, "backend": "serial", "progress": False, "meaning": "mean"}
SEARCH = {"custody_workers": [1], "starts": [6, 10, 14], "lengths": [4, 8], "weekend_starts": [14],
          "weekend_lengths": [0, 4]}


@pytest.fixture(scope="module")
def afternoon():
    hours = [0.0] * 24
    hours[14] = 1.0
    return apply_overrides(load_scenario("urban_intensive"), {
        "arrivals.hour_of_day": hours, "cjit.out_of_hours.arrangement": "none",
        "assessment.attends_and_remains": 1.0, "assessment.custody_hours": {"dist": "fixed", "value": 6},
        "arrivals.scale": 0.5})


def test_patterns_are_ordered_by_rostered_hours_and_split_at_midnight():
    ps = patterns([1, 2], [8, 20], [8], weekend_starts=[10], weekend_lengths=[0, 6])
    hours = [p.hours_per_week for p in ps]
    assert hours == sorted(hours) and len(ps) == 8
    assert ps[0] == Pattern(1, (8.0, 8.0), None) and ps[0].hours_per_week == 40
    assert str(Pattern(2, (8, 10), (10, 6))) == ("2 workers 08:00-18:00 Mon-Fri and 10:00-16:00 Sat-Sun: "
                                                 "124 rostered hours a week")
    night = Pattern(1, (20, 8), None)
    assert night.shifts() == [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": 20.0, "end": 24.0},
                              {"days": ["tue", "wed", "thu", "fri", "sat"], "start": 0.0, "end": 4.0}]
    assert night.describe() == "1 worker 20:00-04:00 Mon-Fri and no weekend cover" and night.hours_per_week == 40
    # without weekend values the weekend shift is the weekday one
    assert [p.describe() for p in patterns([1], [9], [8, 10])] == ["1 worker 09:00-17:00 every day",
                                                                  "1 worker 09:00-19:00 every day"]


def test_the_best_rota_known_by_construction_wins(afternoon):
    res = rota_search(afternoon, ["share_ia_before_release>=0.9"], **QUICK, **SEARCH)
    assert res.answer == Pattern(1, (14.0, 4.0), (14.0, 4.0)) and res.answer.hours_per_week == 28
    # weekday-only cover misses the weekend's arrests; morning shifts miss everyone
    assert res.runner_up == Pattern(1, (10.0, 8.0), (14.0, 4.0))
    assert len(res.patterns) == 12 and res.test_confidence == pytest.approx(1 - 0.05 / 12)
    assert not res.patterns["meets_all"].iloc[:5].any()
    text = " ".join(capacity_text(res).split())
    assert ("Answer: 1 worker 14:00-18:00 every day (28 rostered hours a week) is the pattern with the fewest "
            "rostered hours, of the 12 tried, that meets every target.") in text
    assert "Runner-up: 1 worker 10:00-18:00 Mon-Fri and 14:00-18:00 Sat-Sun: 48 rostered hours a week" in text
    assert ("What decided it: all 5 patterns before it (fewer rostered hours, or as many and earlier in the order) "
            "miss a target; share_ia_before_release >= 0.9 is missed by 5 of them.") in text
    assert "binding target at the answer (least room) is share_ia_before_release >= 0.9" in text
    assert "tested at 0.417% (5% shared over 12 patterns, Bonferroni)" in text
    assert "Utilisation at the answer (mean over years, of the hours rostered): custody" in text


def test_no_pattern_meeting_the_targets_says_so(afternoon):
    res = rota_search(afternoon, ["share_ia_before_release>=0.9"], **QUICK, custody_workers=[1], starts=[6, 10],
                      lengths=[4])
    assert res.answer is None and res.runner_up is None
    assert "No pattern of the 2 tried meets every target." in res.explanation()[0]


@pytest.mark.parametrize("kw, param", [
    ({"starts": [24]}, "starts"), ({"starts": [-1]}, "starts"), ({"lengths": [0]}, "lengths"),
    ({"lengths": [25]}, "lengths"), ({"custody_workers": [0]}, "custody_workers"),
    ({"weekend_lengths": [-2]}, "weekend_lengths"), ({"starts": [8], "lengths": [8], "weekend_lengths": [4]}, "starts"),
    ({"max_patterns": 3}, "max_patterns"),
])
def test_bad_search_names_its_parameter(afternoon, kw, param):
    with pytest.raises(ParameterError) as exc:
        rota_search(afternoon, ["share_ia_before_release>=0.9"], **QUICK, **{**SEARCH, **kw})
    assert exc.value.param == param


@pytest.fixture(scope="module")
def afternoon_file(afternoon, tmp_path_factory):
    path = tmp_path_factory.mktemp("rota") / "afternoon.yaml"
    path.write_text(yaml.safe_dump(to_dict(afternoon)))
    return str(path)


def test_cli_rota_search_prints_the_answer_and_writes_it(afternoon_file, tmp_path, capsys):
    out = tmp_path / "rota"
    code = main(["capacity", afternoon_file, "--rota-search", "--custody-workers", "1", "--shift-starts", "6:14:4",
                 "--shift-lengths", "4,8", "--weekend-starts", "14", "--weekend-lengths", "0,4",
                 "--target", "share_ia_before_release>=0.9", "--mean", "-n", "4", "--days", "21",
                 "--backend", "serial", "--no-progress", "--out", str(out)])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "Answer: 1 worker 14:00-18:00 every day (28 rostered hours a week)" in text
    assert (out / "patterns.csv").exists() and (out / "answer.json").exists()
    assert '"answer_workers": 1' in (out / "answer.json").read_text()


@pytest.mark.parametrize("args, says", [
    (["--rota-search", "--shift-starts", "25", "--shift-lengths", "8"],
     "--shift-starts: each shift start hour must be from 0 to below 24, got 25"),
    (["--rota-search", "--shift-starts", "6:x", "--shift-lengths", "8"], "--shift-starts: "),
    (["--rota-search", "--shift-starts", "8,10"], "--shift-lengths: the rota search needs it"),
    (["--shift-starts", "8,10", "--shift-lengths", "8"], "--shift-starts: belongs to the rota search"),
    (["--rota-search", "--param", "cjit.custody.workers=1:2", "--shift-starts", "8", "--shift-lengths", "8"],
     "--rota-search: searches custody shift patterns"),
    (["--rota-search", "--shift-starts", "0:23", "--shift-lengths", "4:12", "--custody-workers", "1:3"],
     "--max-patterns: 648 patterns to run"),
    (["--rota-search", "--shift-starts", "8", "--shift-lengths", "8", "--weekend-lengths", "0,30"],
     "--weekend-lengths: "),
])
def test_bad_rota_input_is_one_line_and_exit_2(args, says):
    r = subprocess.run([sys.executable, "-m", "dipsim", "capacity", *args, "--target", "share_ia_before_release>=0.9",
                        "-n", "2", "--days", "2", "--backend", "serial"], capture_output=True, text=True, cwd=ROOT,
                       timeout=300)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in r.stderr, lines
