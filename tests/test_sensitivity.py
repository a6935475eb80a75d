"""Global sensitivity: Morris and Sobol on the Ishigami function (known indices) through dipsim's
own sensitivity runner, then on the model, and the command's output and errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dipsim.errors import ParameterError
from dipsim.experiment.sensitivity import analyse, sensitivity
from dipsim.scenario import load_scenario

PI = np.pi
ISHIGAMI = {"num_vars": 4, "names": ["x1", "x2", "x3", "unused"], "bounds": [[-PI, PI]] * 4}
A, B = 7.0, 0.1
# Known indices (Ishigami and Homma 1990; Sobol' and Levitan 1999): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
V = A ** 2 / 8 + B * PI ** 4 / 5 + B ** 2 * PI ** 8 / 18 + 0.5
V1 = 0.5 * (1 + B * PI ** 4 / 5) ** 2
V2 = A ** 2 / 8
V13 = B ** 2 * PI ** 8 / 18 - B ** 2 * PI ** 8 / 50
S1 = {"x1": V1 / V, "x2": V2 / V, "x3": 0.0, "unused": 0.0}
ST = {"x1": (V1 + V13) / V, "x2": V2 / V, "x3": V13 / V, "unused": 0.0}


def ishigami(X: np.ndarray) -> np.ndarray:
    return np.sin(X[:, 0]) + A * np.sin(X[:, 1]) ** 2 + B * X[:, 2] ** 4 * np.sin(X[:, 0])


def test_sobol_recovers_the_ishigami_indices():
    df, X, Y, notes = analyse(ISHIGAMI, ishigami, "sobol", 2048, names=["y"], seed=7)
    assert len(X) == 2048 * (4 + 2) and not notes
    got = df.set_index("parameter")
    for p in ISHIGAMI["names"]:
        assert got.loc[p, "S1"] == pytest.approx(S1[p], abs=0.05), p
        assert got.loc[p, "ST"] == pytest.approx(ST[p], abs=0.05), p
    assert list(got.sort_values("rank").index[:3]) == ["x1", "x2", "x3"]   # by ST: .56, .44, .24


def test_morris_screens_the_ishigami_function():
    df, X, Y, _ = analyse(ISHIGAMI, ishigami, "morris", 60, names=["y"], seed=3)
    got = df.set_index("parameter")
    assert len(X) == 60 * (4 + 1)
    assert got.loc["unused", "mu_star"] == 0.0 and got.loc["unused", "sigma"] == 0.0
    # x3 acts only with x1 (no first-order effect): mu* clearly above 0, signed mean near 0 relative to sigma
    assert got.loc["x3", "mu_star"] > 1 and abs(got.loc["x3", "mu"]) < 0.3 * got.loc["x3", "sigma"]
    # x1 and x2 the most influential (published mu* about 7.5-7.9 at 4 levels), x3 next
    assert min(got.loc["x1", "mu_star"], got.loc["x2", "mu_star"]) > got.loc["x3", "mu_star"]
    assert 6 < got.loc["x1", "mu_star"] < 9 and 6 < got.loc["x2", "mu_star"] < 9
    assert set(got.sort_values("rank").index[:2]) == {"x1", "x2"}


KW = dict(days=30, replications=2, backend="serial", progress=False)
PARAMS = ["sessions.lead_days", "compliance.session_outcomes", "assessment.custody_hours"]


def test_model_sensitivity_uses_common_random_numbers():
    sc = load_scenario("urban_intensive")
    res = sensitivity(sc, ["completion_rate", "arrests", "share_ia_before_release"], PARAMS, method="both",
                      trajectories=3, sobol_n=8, top=2, **KW)
    m = res.morris.set_index(["kpi", "parameter"])
    # none of these parameters touches the arrests, and every point sees the same arrests (CRN): exactly 0
    assert (res.morris[res.morris["kpi"] == "arrests"]["mu_star"] == 0).all()
    assert any("arrests does not change" in n for n in res.notes)
    assert m.loc[("completion_rate", "compliance.session_outcomes"), "rank"] == 1
    assert m.loc[("share_ia_before_release", "assessment.custody_hours"), "rank"] == 1
    assert set(res.sobol_parameters) == {"compliance.session_outcomes", "assessment.custody_hours"}
    assert set(res.runs["stage"]) == {"morris", "sobol"} and set(res.runs["replication"]) == {0, 1}
    assert len(res.design) == 3 * 4 + 8 * (2 + 2)
    text = " ".join(res.explanation())
    assert "compliance.session_outcomes moves it most" in text and "explains" in text
    # the same answer from another backend (every run is a pure function of scenario, seed, replication)
    again = sensitivity(sc, ["completion_rate"], PARAMS, method="morris", trajectories=3,
                        **{**KW, "backend": "processes"}, workers=2)
    pd.testing.assert_frame_equal(again.morris.drop(columns=["mu_star_conf"]).reset_index(drop=True),
                                  res.morris[res.morris["kpi"] == "completion_rate"]
                                  .drop(columns=["mu_star_conf"]).reset_index(drop=True))


def test_bad_parameters_are_named():
    sc = load_scenario("urban_intensive")
    with pytest.raises(ParameterError, match="did you mean sessions.lead_days"):
        sensitivity(sc, ["completion_rate"], ["sessions.lead_day", "compliance.session_outcomes"], **KW)
    with pytest.raises(ParameterError, match="power of 2"):
        sensitivity(sc, ["completion_rate"], PARAMS, method="sobol", sobol_n=12, **KW)


def test_command_writes_tables_plot_and_words(tmp_path, capsys):
    from dipsim.cli import main

    out = tmp_path / "sens"
    code = main(["sensitivity", "--parameter", "sessions.lead_days", "--parameter", "compliance.session_outcomes",
                 "--kpi", "completion_rate", "--method", "morris", "--trajectories", "3", "-n", "2", "--days", "30",
                 "--backend", "serial", "--out", str(out)])
    stdout = capsys.readouterr().out
    assert code == 0
    assert "compliance.session_outcomes moves it most" in stdout and "Morris screening: completion_rate" in stdout
    for f in ("morris.csv", "design.csv", "runs.parquet", "sensitivity.png", "explanation.txt", "provenance.json"):
        assert (out / f).exists(), f
    assert json.loads((out / "provenance.json").read_text())["kind"] == "sensitivity"
    assert pd.read_csv(out / "morris.csv")["parameter"].nunique() == 2


@pytest.mark.parametrize("args, says", [
    (["--parameter", "nope.key", "--parameter", "sessions.lead_days"], "--parameter: nope.key: has no plausible range"),
    (["--kpi", "completion_rat"], "did you mean completion_rate"),
    (["--sobol-n", "12", "--method", "sobol"], "--sobol-n: must be a power of 2"),
    (["--method", "fast"], "invalid choice"),
])
def test_command_bad_input_is_one_line(args, says, capsys):
    from dipsim.cli import main

    try:
        code = main(["sensitivity", "--days", "5", "--backend", "serial", *args])
    except SystemExit as exc:   # argparse's own usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
