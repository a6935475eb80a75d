"""Stopping a parallel run: no worker outlives its parent (kill -9 included), and Ctrl-C or
SIGTERM gives the CLI's one "interrupted" line, with no traceback from any worker process.

Each run is started in its own session, as a shell starts a job; Ctrl-C is sent the way a
terminal sends it, to every process of the job (``killpg``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
# processes: the resource tracker, the forkserver and 2 workers; dask: the resource tracker and 2 workers
STARTED = {"processes": 4, "dask": 3}


def _forkserver_up(children: list[psutil.Process]) -> bool:
    try:
        return any("forkserver" in " ".join(c.cmdline()) for c in children)
    except psutil.NoSuchProcess:
        return False


def _start(backend: str, tmp_path: Path, starting: bool = False) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """The run, once its workers are running replications (``starting``: as soon as dipsim's
    forkserver is up, while the Dask cluster is still starting its workers)."""
    cmd = [sys.executable, "-m", "dipsim", "replicate", "urban_intensive", "-n", "60", "--days", "200",
           "--backend", backend, "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    children: list[psutil.Process] = []
    while time.monotonic() < deadline and proc.poll() is None:
        children = psutil.Process(proc.pid).children(recursive=True)
        if _forkserver_up(children) if starting else len(children) >= STARTED[backend]:
            break
        time.sleep(0.02 if starting else 0.1)
    if starting:
        time.sleep(0.2)
    if not starting:
        time.sleep(1.5)  # the workers are running replications now
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= STARTED[backend], children
    assert proc.poll() is None, "the run ended before it could be stopped"
    return proc, children


def _left(children: list[psutil.Process], within: float = 10.0) -> list[psutil.Process]:
    """The children still running after ``within`` seconds (zombies count as gone)."""
    deadline = time.monotonic() + within
    while True:
        alive = []
        for c in children:
            try:
                if c.is_running() and c.status() != psutil.STATUS_ZOMBIE:
                    alive.append(c)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _session(sid: int) -> list[psutil.Process]:
    """Every process still in the run's session (children started after we looked, orphans)."""
    out = []
    for p in psutil.process_iter():
        try:
            if os.getsid(p.pid) == sid:
                out.append(p)
        except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
            pass
    return out


def _kill_all(children: list[psutil.Process]) -> None:
    for c in children:
        try:
            c.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_kill_9_of_the_parent_leaves_no_process_behind(backend, tmp_path):
    proc, children = _start(backend, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    left = _left(children + [c for c in _session(proc.pid) if c not in children])
    _kill_all(left)
    assert not left, [(c.pid, c.cmdline()[-1][:60]) for c in left]


@pytest.mark.parametrize("backend, how", [("processes", "ctrl-c"), ("dask", "ctrl-c"), ("dask", "ctrl-c at start-up"),
                                          ("processes", "sigterm"), ("dask", "sigterm")])
def test_ctrl_c_or_sigterm_is_one_line_and_stops_every_worker(backend, how, tmp_path):
    proc, children = _start(backend, tmp_path, starting=how.endswith("start-up"))
    if how.startswith("ctrl-c"):
        os.killpg(proc.pid, signal.SIGINT)   # as the terminal does: every process of the job
    else:
        proc.send_signal(signal.SIGTERM)     # as `kill PID` does: the parent only
    _, err = proc.communicate(timeout=60)
    left = _left(children + [c for c in _session(proc.pid) if c not in children])
    _kill_all(left)
    assert proc.returncode == 130, err
    assert err.splitlines() == [err.splitlines()[0]] and err.startswith("dipsim: interrupted:"), err
    assert "Traceback" not in err
    assert not left, [(c.pid, c.cmdline()[-1][:60]) for c in left]
