"""The front door (issue "Nothing lost, nothing broken at the front door"): help on every
command, bare `dipsim`, bounds read from the scenario schema, a broken pipe, close-match
suggestions, and library errors named by parameters but shown with their flags."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dipsim.cli import build_parser, main
from dipsim.errors import ParameterError
from dipsim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def dipsim(*args, **kw):
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, **kw)


def run_main(args, capsys):
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_command_is_listed():
    assert set(COMMANDS) >= {"run", "case", "replicate", "sweep", "capacity", "compare", "training", "schema"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_commands_help(command, capsys):
    code, out, err = run_main([command, "-h"], capsys)
    assert code == 0 and err == "", err
    assert out.startswith(f"usage: dipsim {command}") and "Traceback" not in out


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_top_level_help_lists_every_command(flag, capsys):
    code, out, err = run_main([flag], capsys)
    assert code == 0 and err == ""
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\b", out, re.M), command


def test_help_through_the_real_entry_points():
    script = Path(sys.executable).with_name("dipsim")
    for cmd in ([sys.executable, "-m", "dipsim", "--help"], [str(script), "-h"], [str(script), "sweep", "-h"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 0 and proc.stderr == "", (cmd, proc.stderr)
        assert proc.stdout.startswith("usage: dipsim")


def test_bare_dipsim_prints_usage_and_commands():
    proc = dipsim()
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("usage: dipsim")
    for command in COMMANDS:
        assert command in proc.stderr


def _schema(name):
    return {f.name: f.metadata for f in dataclasses.fields(Scenario)}[name]


@pytest.mark.parametrize("command", ["run", "replicate", "sweep", "compare", "capacity"])
def test_days_beyond_the_schema_bound_is_one_line(command, capsys):
    most = int(_schema("days")["most"])
    code, _, err = run_main([command, "--days", str(most + 1)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"{most:,}" in err and "--days" in err


def test_huge_days_and_seed_are_refused_at_once():
    start = time.monotonic()
    proc = dipsim("run", "--days", "1000000000")
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1 and "36,500" in proc.stderr
    proc = dipsim("replicate", "--seed", str(2**64), "-n", "3", "--days", "2", "--backend", "serial")
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1 and "--seed" in proc.stderr
    assert time.monotonic() - start < 60


def test_days_zero_follows_the_schema(capsys):
    assert _schema("days")["check"] == "nonneg"  # a scenario may have 0 days: so may `run`
    code, out, err = run_main(["run", "--days", "0"], capsys)
    assert code == 0, err
    assert "nan" not in out.lower()
    code, _, err = run_main(["replicate", "--days", "0"], capsys)  # an experiment needs a day
    assert code == 2 and "from 1 to" in err


@pytest.mark.parametrize("command", [["replicate", "-n", "2"], ["compare", "--policy", "annex_b", "--policy",
                                                                "no_follow_up", "-n", "2"]])
def test_a_broken_pipe_ends_quietly_and_keeps_the_results(command, tmp_path):
    read, write = os.pipe()
    os.close(read)  # the reader has gone before anything is written
    try:
        proc = subprocess.run([sys.executable, "-m", "dipsim", *command, "--days", "3", "--backend", "serial",
                               "--out", str(tmp_path / "res")], stdout=write, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, timeout=300)
    finally:
        os.close(write)
    assert proc.returncode == 141 and proc.stderr == "", proc.stderr
    assert (tmp_path / "res" / "provenance.json").exists() and (tmp_path / "res" / "summary.csv").exists()


def test_piped_into_head():
    proc = subprocess.run(f"'{sys.executable}' -m dipsim replicate -n 2 --days 3 --backend serial | head -n 1; "
                          "exit ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 141) and proc.stderr == "", proc.stderr
    assert len(proc.stdout.splitlines()) == 1


@pytest.mark.parametrize("args, expected", [
    (["sweep", "--param", "cjit.comunity.workers=1:2", "-n", "2", "--days", "2"],
     "--param: cjit.comunity.workers: no such scenario key; did you mean cjit.community.workers"),
    (["replicate", "--kpi", "share_ia_befor_release", "-n", "2", "--days", "2"],
     "did you mean share_ia_before_release?"),
    (["capacity", "--param", "cjit.custody.workers=1:2", "--target", "utilisaton_custody<=0.8", "-n", "2",
      "--days", "2"], "--target: utilisaton_custody: no such KPI; close matches: utilisation_custody"),
    (["replicate", "--kpi", "zzz", "-n", "2", "--days", "2"], "no such KPI; one of arrests, "),
    (["replicate", "--warmup-days", "5", "--days", "3", "-n", "2"], "dipsim: error: --warmup-days: must be"),
    (["compare", "--policy", "annex_b", "--policy", "no_follow_up", "--baseline", "other", "-n", "2", "--days", "2"],
     "dipsim: error: --baseline: must be one of annex_b, no_follow_up"),
])
def test_errors_name_flags_and_suggest(args, expected, capsys):
    code, _, err = run_main(args, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert expected in err, err


def test_the_library_names_its_parameters(default_scenario):
    from dipsim.experiment import replicate, sweep

    with pytest.raises(ParameterError) as exc:
        replicate(default_scenario, 0, days=2)
    assert exc.value.param == "n"
    with pytest.raises(ParameterError) as exc:
        sweep(default_scenario, {"cjit.custody.workers": [1]}, 2, days=3,
              collector=__import__("dipsim.experiment.kpis", fromlist=["KpiCollector"]).KpiCollector(warmup_days=5))
    assert exc.value.param == "warmup_days" and str(exc.value).startswith("warmup_days: ")


def test_no_library_error_is_named_after_a_flag():
    flagged = re.compile(r"""(InputError|ParameterError)\(\s*["']-""")
    offenders = [f"{p.name}:{i}" for p in (ROOT / "dipsim" / "experiment").glob("*.py")
                 for i, line in enumerate(p.read_text().splitlines(), 1) if flagged.search(line)]
    assert offenders == []


def test_command_line_helpers_live_in_commands():
    assert not (ROOT / "dipsim" / "experiment" / "cli.py").exists()
    assert "argparse" not in "".join(p.read_text() for p in (ROOT / "dipsim" / "experiment").glob("*.py"))
    import dipsim.case
    import dipsim.training
    assert not hasattr(dipsim.case, "main_case") and not hasattr(dipsim.training, "main_training")
