"""Check that a performance change left the model's output bit-identical.

Runs the working tree's ``dipsim.results.run`` and the same function from a git
ref (default ``HEAD``: the last commit) on the same :class:`Scenario` objects and
seeds, and compares the people tables (exactly, dtypes included, and as parquet bytes),
the KPIs, the utilisation table and the end time.

    .venv/bin/python -m benchmarks.check_identical            # working tree vs HEAD
    .venv/bin/python -m benchmarks.check_identical --ref b79c9b6

The ref's ``dipsim`` package is extracted with ``git archive`` into a temporary
directory and imported as ``dipsim_ref``; both models are driven by the working
tree's scenario objects, so uncommitted scenario-default changes do not show up
as differences.
"""

from __future__ import annotations

import argparse
import importlib
import io
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def load_ref(ref: str, where: Path):
    """Import the ``dipsim`` package of git ``ref`` as ``dipsim_ref``."""
    blob = subprocess.run(["git", "archive", "--format=tar", ref, "dipsim"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(where, filter="data")
    (where / "dipsim").rename(where / "dipsim_ref")
    sys.path.insert(0, str(where))
    return importlib.import_module("dipsim_ref.results")


def cases():
    """(label, scenario, seed, days): the shipped scenarios and variants that reach every branch."""
    from dipsim.scenario import load_scenario, replace
    from dipsim.scenario.schema import DAYS

    base = load_scenario("urban_intensive")
    out = [("urban_intensive", base, None, None),
           ("urban_intensive seed 7 rep 3", base, 7, None),
           ("county_non_intensive", load_scenario("county_non_intensive"), None, None),
           ("welsh_intensive", load_scenario("welsh_intensive"), None, None)]
    variants = {
        "unlimited workers": {"cjit.custody.workers": "unlimited", "cjit.community.workers": "unlimited"},
        "next_shift, no groups": {"cjit.out_of_hours.arrangement": "next_shift", "sessions.group.enabled": False},
        "no out-of-hours cover": {"cjit.out_of_hours.arrangement": "none"},
        "one worker each": {"cjit.custody.workers": 1, "cjit.community.workers": 1},
        "three sessions for all": {"decisions.menu_policy": "three_sessions_for_all"},
        "no follow-up": {"decisions.menu_policy": "no_follow_up"},
        "one session for all": {"decisions.menu_policy": "one_session_for_all"},
        "many rearrangements": {"compliance.max_rearrangements": 3,
                                "follow_up.voluntary_continuation": 0.9},
        "single short shifts, next shift": {
            "cjit.custody.workers": 1, "cjit.custody.shifts": [{"days": ["wed"], "start": 3.0, "end": 3.25}],
            "cjit.community.workers": 1, "cjit.community.shifts": [{"days": ["sun"], "start": 23.5, "end": 24.0}],
            "cjit.out_of_hours.arrangement": "next_shift"},
        "one worker 24/7": {
            "cjit.custody.workers": 1, "cjit.custody.shifts": [{"days": list(DAYS), "start": 0.0, "end": 24.0}],
            "cjit.community.workers": 1, "cjit.community.shifts": [{"days": list(DAYS), "start": 0.0, "end": 24.0}]},
        "night shifts over midnight": {
            "cjit.custody.shifts": [{"days": list(DAYS), "start": 20.0, "end": 24.0},
                                    {"days": list(DAYS), "start": 0.0, "end": 6.0}]},
        "no workers": {"cjit.custody.workers": 0, "cjit.community.workers": 0,
                       "cjit.out_of_hours.callout_workers": 0},
        "zero durations": {"testing.hours_after_arrest": 0, "assessment.custody_hours": 0,
                           "assessment.initial_minutes": 0, "decisions.cps_decision_hours": 0,
                           "sessions.lead_days": 0, "sessions.interval_days": 0, "sessions.review_min_gap_days": 0},
    }
    for label, over in variants.items():
        try:
            sc = replace(base, over)
        except Exception as exc:  # a key renamed by someone else: skip that variant, say so
            print(f"  (skipped {label}: {exc})")
            continue
        out.append((label, sc, None, 180))
    # the national sweep's areas (whole workload, staffing scaled): the smallest and largest, two levels
    from dipsim.experiment.national import area_scenario, national_areas

    areas = national_areas()
    by_size = sorted(areas, key=lambda a: a.scale)
    for area, level in ((by_size[0], 0.5), (by_size[-1], 1.5), (areas[len(areas) // 2], 1.0)):
        out.append((f"national {area.name} x{level}", area_scenario(area, level)[0], None, 365))
    return out


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """The table as parquet (every buffer, also under missing values, and the dtypes)."""
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def same_kpis(a: dict, b: dict) -> list[str]:
    bad = [k for k in set(a) | set(b) if k not in a or k not in b]
    for k in set(a) & set(b):
        x, y = a[k], b[k]
        if not (x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))):
            bad.append(k)
    return sorted(bad)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", default="HEAD", help="git ref to compare the working tree with (default HEAD)")
    args = ap.parse_args(argv)
    from dipsim import results as new

    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        old = load_ref(args.ref, Path(tmp))
        for label, sc, seed, days in cases():
            rep = 3 if seed == 7 else 0
            a = old.run(sc, seed=seed, replication=rep, days=days)
            b = new.run(sc, seed=seed, replication=rep, days=days)
            problems = []
            try:
                pd.testing.assert_frame_equal(a.people, b.people, check_exact=True)
            except AssertionError as exc:
                problems.append("people table differs: " + " | ".join(str(exc).splitlines()[:4]))
            try:
                pd.testing.assert_frame_equal(a.utilisation, b.utilisation, check_exact=True)
            except AssertionError as exc:
                problems.append(f"utilisation differs: {str(exc).splitlines()[0]}")
            if parquet_bytes(a.people) != parquet_bytes(b.people):
                problems.append("people table's parquet bytes differ")
            bad = same_kpis(a.kpis, b.kpis)
            if bad:
                problems.append(f"KPIs differ: {', '.join(bad[:8])}")
            if "people_table" in new.run.__code__.co_varnames:  # the experiments' workers: KPIs from the arrays
                c = new.run(sc, seed=seed, replication=rep, days=days, people_table=False)
                bad = same_kpis(a.kpis, c.kpis) + (["(names)"] if list(a.kpis) != list(c.kpis) else [])
                if bad:
                    problems.append(f"KPIs from the record arrays differ: {', '.join(bad[:8])}")
            if a.provenance["end_h"] != b.provenance["end_h"]:
                problems.append(f"end_h {a.provenance['end_h']} != {b.provenance['end_h']}")
            status = "identical" if not problems else "DIFFERENT: " + "; ".join(problems)
            print(f"{label:32s} {len(b.people):6d} people  {status}")
            failures += bool(problems)
    print("all identical" if not failures else f"{failures} case(s) differ")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
