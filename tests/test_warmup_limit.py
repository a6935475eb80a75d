"""MSER-5 never hides a run that is too short: when its minimum is the end of its search, the
library flags it (``at_limit``) and warns (``WarmupWarning``), and the CLI says to run longer."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from dipsim.experiment import WarmupWarning, mser, warmup

ROOT = Path(__file__).resolve().parents[1]


def test_mser_warns_when_the_transient_outlasts_the_search():
    """A transient longer than the searched half: MSER-5's minimum is its search limit; it says so."""
    rng = np.random.default_rng(4)
    t = np.arange(200)
    y = np.maximum(0.0, 160 - t) + rng.normal(0, 1, 200)   # falls for 160 of 200 observations
    with pytest.warns(WarmupWarning, match="search limit; the transient may last longer"):
        res = mser(y)
    assert res.at_limit and res.truncation == res.limit == 100
    longer = np.r_[y, rng.normal(0, 1, 800)]                # the same start, run five times as long
    with warnings.catch_warnings():
        warnings.simplefilter("error", WarmupWarning)
        res = mser(longer)
        assert not res.at_limit and 150 <= res.truncation <= 175
        assert mser(y, warn=False).at_limit                 # the flag without the warning


def test_warmup_of_a_short_run_warns_in_days(default_scenario):
    # Whether 20 days hit the limit depends on the draws (5-day batches over a weekly rota): about 1 seed
    # in 2 does with 3 replications. Seed 7 does (checked when the draws last changed); the synthetic
    # series above tests the rule itself whatever the draws. Seed 7 since the fidelity changes of issue 11.
    with pytest.warns(WarmupWarning, match=r"search limit for a 20-day run.*run longer \(e.g. --days 40\)"):
        w = warmup(default_scenario, 3, days=20, seed=7, backend="serial", progress=False)
    assert w.at_limit and w.warmup_days == 10


def test_cli_says_to_run_longer_in_one_line():
    args = [sys.executable, "-m", "dipsim", "replicate", "urban_intensive", "-n", "3", "--warmup", "auto",
            "--backend", "serial", "--no-progress", "--kpi", "arrests", "--seed", "7"]  # seed: see above
    short = subprocess.run(args + ["--days", "20"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert short.returncode == 0, short.stderr
    assert short.stderr.splitlines() == [
        "dipsim: warning: the warm-up found (10 days, MSER-5 on daily community_busy) is the search limit for "
        "a 20-day run, so the start-up may last longer: run longer (e.g. --days 40) to find where it ends"]
    long = subprocess.run(args + ["--days", "60"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert long.returncode == 0 and long.stderr == "", long.stderr
    assert "Warm-up (MSER-5" in long.stdout
