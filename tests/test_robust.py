"""Robust staffing: the capacity answer across the plausible ranges and at the worst corner."""

from __future__ import annotations

import pytest

from dipsim.cli import main
from dipsim.experiment.capacity.robust import robust_capacity
from dipsim.scenario import load_scenario

KW = dict(days=20, backend="serial", progress=False, meaning="mean")


def test_robust_answer_covers_the_plausible_points_and_names_the_corner():
    sc = load_scenario("urban_intensive")
    res = robust_capacity(sc, {"cjit.custody.workers": [1, 2, 3]}, ["share_ia_before_release>=0.7"], 4,
                          parameters=["assessment.custody_hours", "arrivals.scale"], points=3, top=2, **KW)
    pts = res.points
    assert list(pts["kind"]) == ["typical"] + ["hypercube"] * 3 + ["worst corner"]
    # shorter custody leaves less time to assess before release: its low end is the harder one
    assert res.harder_end["assessment.custody_hours"] == "low"
    corner = pts[pts["kind"] == "worst corner"].iloc[0]
    assert corner["assessment.custody_hours"] == 0.0          # the low setting (factor 0)
    hyper = pts[pts["kind"] == "hypercube"]
    lo, hi = 0.7, 1.3
    assert hyper["arrivals.scale"].between(lo, hi).all() and hyper["arrivals.scale"].nunique() == 3
    typical = res.typical.answer["staff_hours_per_week"]
    robust = res.robust_answer
    assert robust is not None and robust["staff_hours_per_week"] == hyper["staff_hours_per_week"].max()
    assert res.corner.answer is None or res.corner.answer["staff_hours_per_week"] >= typical
    text = " ".join(res.explanation())
    assert "Typical case" in text and "Worst plausible corner" in text and "Latin hypercube" in text


@pytest.mark.parametrize("args, says", [
    (["--robust-parameter", "arrivals.scale"], "--robust-parameter: belongs to the robust search"),
    (["--robust", "--rota-search", "--shift-starts", "8", "--shift-lengths", "8"], "--robust: works with --param"),
])
def test_robust_flags_bad_input(args, says, capsys):
    code = main(["capacity", "--param", "cjit.custody.workers=1:2", "--target", "share_ia_before_release>=0.7",
                 "--days", "5", "--backend", "serial", *args])
    err = capsys.readouterr().err
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
