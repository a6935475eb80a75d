"""`dipsim run`: the summary, the results files, provenance and atomic writing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dipsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def dipsim(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True, cwd=cwd)


def test_default_run_prints_readable_summary():
    proc = dipsim("run", "--days", "30")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for words in ("Urban intensive (England)", "Annex A funnel", "drug tests on arrest (§2.2)", "Disposals",
                  "Conditions set (§4.6)", "Waits", "CJIT utilisation"):
        assert words in out


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_out_writes_results_with_provenance(tmp_path, fmt):
    out = tmp_path / "res"
    assert main(["run", "welsh_intensive", "--days", "20", "--seed", "5", "--out", str(out),
                 "--format", fmt, "--quiet"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"people.{fmt}", "kpis.csv", "utilisation.csv", "scenario.yaml", "provenance.json",
                            "dipsim-manifest.json"])
    manifest = json.loads((out / "dipsim-manifest.json").read_text())
    assert manifest["command"] == "run" and manifest["files"] == sorted(set(names) - {"dipsim-manifest.json"})
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 5 and prov["days"] == 20 and len(prov["scenario_hash"]) == 64
    assert prov["dipsim_version"]
    people = pd.read_parquet(out / "people.parquet") if fmt == "parquet" else pd.read_csv(out / "people.csv")
    kpis = pd.read_csv(out / "kpis.csv").set_index("kpi")["value"]
    assert len(people) == kpis["arrests"] > 0
    assert people["terminal_state"].notna().all()


def test_same_seed_gives_identical_files(tmp_path):
    for name in ("a", "b"):
        assert main(["run", "--days", "15", "--seed", "9", "--out", str(tmp_path / name), "--quiet"]) == 0
    for f in ("people.parquet", "kpis.csv", "utilisation.csv", "scenario.yaml", "provenance.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_failed_run_leaves_previous_results_untouched(tmp_path, monkeypatch):
    out = tmp_path / "res"
    assert main(["run", "--days", "5", "--out", str(out), "--quiet"]) == 0
    before = (out / "kpis.csv").read_bytes()

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("dipsim.commands.run.write_table", boom)
    assert main(["run", "--days", "6", "--out", str(out), "--quiet", "--force"]) == 130
    assert (out / "kpis.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_bad_arguments_exit_2(tmp_path):
    proc = dipsim("run", "--days", "-3")
    assert proc.returncode == 2 and "whole number" in proc.stderr
    proc = dipsim("run", "no_such_area")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no such scenario file" in proc.stderr


def test_python_m_and_console_script_agree():
    proc = dipsim("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("dipsim ")


@pytest.mark.parametrize("args", [["run", "--days", "x"], ["replicate", "--bogus"], ["run", "--format", "xls"]])
def test_usage_errors_are_one_line(args):
    proc = dipsim(*args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "error" in proc.stderr
