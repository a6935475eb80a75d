"""Back test: every KPI of a few fixed runs, stored, so that drift between commits is caught.

The runs: ``urban_intensive`` and ``county_non_intensive``, seed 2008, replications 0, 1 and 2,
60 days of arrests each (a few seconds in all). Their KPIs (every KPI of
:func:`dipsim.results.compute_kpis` plus the derived first-session shares) are stored in
``tests/data/backtest_kpis.csv``, one row per run and KPI, floats written exactly (``repr``).
``tests/test_backtest.py`` recomputes them and fails, listing each KPI that moved, unless
counts agree exactly and other values to a relative 1e-12.

After a deliberate change to the model or to a shipped scenario, regenerate the table from the
repository root and say in the commit why the numbers moved::

    python -m tests.backtest            # show what moved (exit status 1 if anything did)
    python -m tests.backtest --update   # rewrite tests/data/backtest_kpis.csv
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

SCENARIOS = ("urban_intensive", "county_non_intensive")
SEED = 2008
REPLICATIONS = (0, 1, 2)
DAYS = 60
PATH = Path(__file__).resolve().parent / "data" / "backtest_kpis.csv"
UPDATE = "python -m tests.backtest --update"
RELATIVE = 1e-12
COLUMNS = ["scenario", "seed", "replication", "days", "kpi", "value"]
COUNT_UNITS = ("people", "tests", "appointments", "groups")


def current() -> dict[tuple[str, int, str], float]:
    """{(scenario, replication, kpi): value} for today's code."""
    from dipsim import kpis, load_scenario, run
    from dipsim.experiment.kpis import first_session_shares

    out = {}
    for name in SCENARIOS:
        scenario = load_scenario(name)
        for r in REPLICATIONS:
            result = run(scenario, seed=SEED, replication=r, days=DAYS)
            values = {**result.kpis, **first_session_shares(result.people, kpis.DEFAULT_FIRST_SESSION_DAYS)}
            for kpi, value in values.items():
                out[(name, r, kpi)] = float(value)
    return out


def write(values: dict[tuple[str, int, str], float], path: Path = PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for (name, r, kpi), value in values.items():
            w.writerow([name, SEED, r, DAYS, kpi, repr(value)])


def read(path: Path = PATH) -> dict[tuple[str, int, str], float]:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if (int(row["seed"]), int(row["days"])) != (SEED, DAYS):
            raise ValueError(f"{path}: stored for seed {row['seed']}, {row['days']} days; this back test runs seed "
                             f"{SEED}, {DAYS} days: regenerate with `{UPDATE}`")
    return {(row["scenario"], int(row["replication"]), row["kpi"]): float(row["value"]) for row in rows}


def is_count(kpi: str) -> bool:
    from dipsim import kpis

    try:
        return kpis.kpi(kpi).unit in COUNT_UNITS
    except KeyError:
        return False


def same(kpi: str, stored: float, now: float) -> bool:
    if math.isnan(stored) or math.isnan(now):
        return math.isnan(stored) and math.isnan(now)
    if is_count(kpi):
        return stored == now
    return math.isclose(stored, now, rel_tol=RELATIVE, abs_tol=0.0)


def differences(stored: dict, now: dict) -> list[str]:
    """One line per KPI that moved, appeared or disappeared (empty if none did)."""
    lines = []
    for key in stored.keys() | now.keys():
        name, r, kpi = key
        where = f"{name} replication {r}: {kpi}"
        if key not in now:
            lines.append(f"{where}: stored {stored[key]!r}, no longer computed")
        elif key not in stored:
            lines.append(f"{where}: new, {now[key]!r} (not stored)")
        elif not same(kpi, stored[key], now[key]):
            lines.append(f"{where}: stored {stored[key]!r}, now {now[key]!r}")
    return sorted(lines)


def report(lines: list[str]) -> str:
    moved = sorted({line.split(": ")[1] for line in lines})
    return (f"{len(lines)} back-test value(s) moved ({len(moved)} KPIs: {', '.join(moved)}):\n  "
            + "\n  ".join(lines)
            + f"\nIf the change is deliberate, regenerate the stored table from the repository root with "
              f"`{UPDATE}` and say in the commit why the numbers moved.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.backtest", description=__doc__.splitlines()[0])
    p.add_argument("--update", action="store_true", help=f"rewrite {PATH.relative_to(PATH.parents[2])}")
    args = p.parse_args(argv)
    now = current()
    if args.update:
        write(now)
        print(f"wrote {len(now)} values to {PATH}")
        return 0
    lines = differences(read(), now)
    print(report(lines) if lines else f"back test: all {len(now)} values as stored")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
