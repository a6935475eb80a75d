"""``dipsim app``'s command line: bad input is one line and exit status 2, before any server starts."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from dipsim.cli import main


@pytest.fixture
def _app(capsys):
    def run(*args: str):
        try:
            code = main(["app", *args])
        except SystemExit as exc:   # argparse's own exits (-h, usage errors)
            code = exc.code
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)
    return run


@pytest.mark.parametrize("args, says", [
    (["--port", "0"], "--port: expected a whole number from 1 to 65,535, got 0"),
    (["--port", "70000"], "--port: expected a whole number from 1 to 65,535, got 70000"),
    (["--port", "eighty"], "--port: expected a whole number from 1 to 65,535, got 'eighty'"),
    (["--scenario", "urban_intensiv"], "--scenario: urban_intensiv: no such scenario file, nor a shipped scenario"),
    (["--host", "no-such-host.invalid"], "--host: no-such-host.invalid: is not an address or name of this machine"),
    (["--workers", "0"], "--workers: expected a whole number from 1"),
])
def test_bad_input_is_one_line_exit_2(_app, args, says):
    r = _app(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and says in r.stderr and "Traceback" not in r.stderr


def test_a_bad_scenario_file_names_the_file_and_key(_app, tmp_path):
    bad = tmp_path / "area.yaml"
    bad.write_text("days: -1\n")
    r = _app("--scenario", str(bad))
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "area.yaml" in r.stderr and "days" in r.stderr


def test_a_port_in_use_is_refused(_app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = _app("--port", str(port))
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert f"--port: {port}: is in use by another program" in r.stderr


def test_help_says_loopback_by_default(_app):
    r = _app("-h")
    assert r.returncode == 0
    assert "default 127.0.0.1" in r.stdout and "Ctrl-C" in r.stdout


def test_ci_runs_the_readmes_test_command_which_installs_the_browser():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("apt-get ") and "pytest" in line)
    ci = [ln for ln in (root / ".ci" / "run").read_text().splitlines() if ln and not ln.startswith(("#", "set ", "cd "))]
    assert ci == [command]
    assert "apt-get install -y -q chromium" in command and ".[test]" in command and "playwright install" not in command
