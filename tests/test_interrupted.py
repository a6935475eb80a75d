"""Interrupted work (issue 7): Ctrl-C during a sweep leaves no half-written results, and a
resumed sweep skips the cells already done and ends byte-identical to an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SWEEP = ["sweep", "urban_intensive", "--param", "cjit.community.workers=1:12", "-n", "3", "--days", "60",
         "--backend", "serial", "--no-progress", "--format", "csv"]


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_ctrl_c_during_sweep_then_resume(tmp_path):
    out = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "dipsim", *SWEEP, "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cells = out / "cells"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (cells.exists() and len(list(cells.glob("*.parquet"))) >= 2):
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "interrupted" in err

    done = sorted(p.name for p in cells.glob("*"))
    assert len(done) >= 2, done
    assert all(name.endswith(".parquet") and not name.startswith(".") for name in done), done
    # the sweep's cells (one area at 12 staffings: their runs made together, replication by replication)
    # are saved with the replications in so far: fewer than all of them
    import pandas as pd

    saved = sum(len(pd.read_parquet(p)) for p in cells.glob("*.parquet"))
    assert 2 <= saved < 12 * 3, saved
    assert not (out / "results.csv").exists() and not (out / "summary.csv").exists()
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".") or "partial" in p.name or
                 p.suffix == ".tmp"]
    assert not leftovers, leftovers

    resumed = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert len(list(cells.glob("*.parquet"))) == 12

    fresh = tmp_path / "fresh"
    whole = subprocess.run([sys.executable, "-m", "dipsim", *SWEEP, "--out", str(fresh)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    assert _files(out) == _files(fresh)


def test_killed_run_leaves_previous_results_whole(tmp_path):
    """A run killed outright (SIGKILL, no clean-up) never leaves a half-written --out directory."""
    out = tmp_path / "res"
    ok = subprocess.run([sys.executable, "-m", "dipsim", "run", "--days", "5", "--out", str(out), "--quiet"],
                        cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    before = _files(out)
    proc = subprocess.Popen([sys.executable, "-m", "dipsim", "run", "--days", "36500", "--out", str(out), "--quiet",
                             "--force"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _files(out) == before
