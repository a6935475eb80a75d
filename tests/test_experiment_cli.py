"""The experiment commands end to end, as a user runs them: ``python -m dipsim ...``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def dipsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


def test_replicate_writes_identical_files_on_serial_and_processes(tmp_path):
    outs = {}
    for backend in ("serial", "processes"):
        out = tmp_path / backend
        r = dipsim("replicate", "urban_intensive", "-n", "4", "--days", "15", "--backend", backend,
                   "--workers", "2", "--out", str(out), "--no-progress")
        assert r.returncode == 0, r.stderr
        assert "share_ia_before_release" in r.stdout and r.stderr == ""
        outs[backend] = out
    names = sorted(p.name for p in outs["serial"].iterdir())
    assert names == ["dipsim-manifest.json", "provenance.json", "replications.parquet", "scenario.yaml", "summary.csv"]
    for name in names:
        assert (outs["serial"] / name).read_bytes() == (outs["processes"] / name).read_bytes(), name
    prov = json.loads((outs["serial"] / "provenance.json").read_text())
    assert prov["replications"] == 4 and prov["seed"] == 2008 and len(prov["scenario_hash"]) == 64
    assert "backend" not in prov
    table = pd.read_parquet(outs["serial"] / "replications.parquet")
    assert list(table["replication"]) == [0, 1, 2, 3]


def test_replicate_precision_and_auto_warmup(tmp_path):
    r = dipsim("replicate", "urban_intensive", "--days", "40", "--precision", "0.2", "--kpi", "arrests",
               "--kpi", "busy_custody_all_h", "--max-n", "30", "--warmup", "auto", "--backend", "serial",
               "--out", str(tmp_path / "p"), "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "Replications needed" in r.stdout and "Warm-up (MSER-5" in r.stdout
    prec = pd.read_csv(tmp_path / "p" / "precision.csv")
    assert set(prec["kpi"]) == {"arrests", "busy_custody_all_h"} and prec["met"].all()
    assert (prec["relative_precision"] <= 0.2).all()
    reps = pd.read_csv(tmp_path / "p" / "replications.csv")
    assert len(reps) == prec["n_solution"].max()
    assert (tmp_path / "p" / "warmup.csv").exists()


def test_sweep_resume_and_capacity_and_compare(tmp_path):
    out = tmp_path / "sweep"
    args = ["sweep", "urban_intensive", "--param", "cjit.community.workers=2:3", "--param",
            "arrivals.scale=0.8,1.2", "-n", "2", "--days", "15", "--backend", "serial", "--out", str(out)]
    r = dipsim(*args)
    assert r.returncode == 0, r.stderr
    results = pd.read_parquet(out / "results.parquet")
    assert len(results) == 2 * 2 * 2 and len(list((out / "cells").iterdir())) == 4
    assert list(results.columns[:4]) == ["cjit.community.workers", "arrivals.scale", "seed", "replication"]
    before = (out / "results.parquet").read_bytes()
    r = dipsim(*args)
    assert r.returncode == 2 and "--resume" in r.stderr and len(r.stderr.splitlines()) == 1
    next(iter((out / "cells").iterdir())).unlink()
    r = dipsim(*args, "--resume")
    assert r.returncode == 0, r.stderr
    assert "6 runs reused" in r.stdout
    assert (out / "results.parquet").read_bytes() == before

    cap = tmp_path / "cap"
    r = dipsim("capacity", "urban_intensive", "--param", "cjit.custody.workers=1:2",
               "--target", "share_ia_before_release>=0.5", "--target", "share_first_session_within_10d>=0.1",
               "--target", "utilisation_custody<=0.85", "-n", "3", "--days", "15", "--backend", "serial", "--mean",
               "--out", str(cap))
    assert r.returncode == 0, r.stderr
    assert "Answer: cjit.custody.workers = 1" in r.stdout
    answer = json.loads((cap / "answer.json").read_text())
    assert answer["answer"]["cjit.custody.workers"] == 1
    ev = pd.read_csv(cap / "evidence.csv")
    assert len(ev) == 2 * 3 and {"mean", "lower", "upper", "bound", "met"} <= set(ev.columns)
    r = dipsim("capacity", "urban_intensive", "--param", "cjit.custody.workers=1:2", "--target",
               "share_ia_before_release>=1.5", "-n", "2", "--days", "5", "--backend", "serial", "--no-screen")
    assert r.returncode == 1 and "No level" in r.stdout

    cmp_out = tmp_path / "cmp"
    r = dipsim("compare", "urban_intensive", "--policy", "three_sessions_for_all", "--policy", "one_session_for_all",
               "-n", "4", "--days", "30", "--backend", "serial", "--adjust", "none", "--out", str(cmp_out))
    assert r.returncode == 0, r.stderr
    diff = pd.read_csv(cmp_out / "differences.csv")
    row = diff[diff["kpi"] == "condition_one_session"].iloc[0]
    assert row["variant"] == "one_session_for_all" and row["significant"] and row["difference"] > 0
    assert not diff[diff["kpi"] == "arrests"].iloc[0]["significant"]
    assert "condition_one_session" in r.stdout
    reps = pd.read_parquet(cmp_out / "replications.parquet")
    assert list(reps["variant"].unique()) == ["three_sessions_for_all", "one_session_for_all"]


BAD = [
    ["replicate", "-n", "0"],
    ["replicate", "--backend", "threads"],
    ["replicate", "--kpi", "no_such_kpi", "-n", "2", "--days", "2"],
    ["replicate", "--precision", "0.05", "-n", "2"],
    ["replicate", "--scheduler", "tcp://localhost:1"],
    ["replicate", "no_such_scenario.yaml"],
    ["sweep", "--param", "cjit.comunity.workers=1:2", "-n", "2", "--days", "2"],
    ["sweep", "--param", "cjit.community.workers=3:1"],
    ["sweep", "--param", "arrivals.scale=-1", "-n", "2", "--days", "2"],
    ["sweep", "--resume", "--param", "cjit.community.workers=1"],
    ["capacity", "--param", "cjit.custody.workers=1:2", "--target", "share_ia_before_release=>0.9"],
    ["capacity", "--param", "cjit.custody.workers=1:2", "--target", "nope>=1", "-n", "2", "--days", "2"],
    ["capacity", "--target", "share_ia_before_release>=0.9"],
    ["compare", "--policy", "annex_b"],
    ["compare", "--policy", "annex_b", "--policy", "made_up", "-n", "2", "--days", "2"],
    ["compare", "--policy", "annex_b", "--variant", "x:{cjit.custody.workers: [}"],
    ["compare", "--policy", "annex_b", "--policy", "no_follow_up", "--baseline", "other"],
]


@pytest.mark.parametrize("args", [BAD[0], BAD[6], BAD[10], BAD[14]])
def test_bad_input_is_one_line_and_exit_2(args):
    r = dipsim(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dipsim: error:"), r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("args", BAD)
def test_every_bad_input_in_process(args, capsys):
    from dipsim.cli import main

    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dipsim: error:"), err
