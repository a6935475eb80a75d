"""Serve the app pages with Voilà (``dipsim app``): a child Voilà server over
``dipsim/apps/notebooks/``, on the loopback interface unless told otherwise.

Voilà runs in its own process group, so a Ctrl-C in the terminal reaches this process only;
it then asks Voilà to stop (SIGTERM), which shuts down every page's kernel before it exits.
Each page (each browser tab) gets its own kernel; closing the tab ends it.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..errors import InputError

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE / "notebooks"
TEMPLATES = HERE / "jupyter"      # JUPYTER_PATH entry holding voila/templates/dipsim
PAGES = {"trainer": "trainer.ipynb", "planner": "planner.ipynb"}
DEFAULT_PORT = 8866
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20


def check_voila() -> None:
    try:
        import ipywidgets  # noqa: F401
        import voila  # noqa: F401
    except ImportError:
        raise InputError("dipsim app", None, "needs the apps extra (Voila and ipywidgets): "
                                             "pip install 'dipsim[apps]'") from None


def check_address(host: str, port: int) -> None:
    """Refuse an address this machine cannot serve on, or a port already in use, before starting."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError("--host", host, "is not an address or name of this machine "
                                         "(e.g. 127.0.0.1, the default)") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server will: only a listener conflicts
        try:
            s.bind(addr)
            s.listen()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError("--port", str(port), "is in use by another program; choose another "
                                                      "(e.g. --port 8870)") from None
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise InputError("--port", str(port), "needs privileges to listen on; choose one from 1024 "
                                                      "to 65535") from None
            raise InputError("--host", host, f"cannot listen there ({exc.strerror}); the default "
                                             "127.0.0.1 is this machine only") from None


def urls(host: str, port: int) -> dict[str, str]:
    shown = f"[{host}]" if ":" in host else host
    root = f"http://{shown}:{port}/"
    return {"home": root, **{k: f"{root}voila/render/{v}" for k, v in PAGES.items()}}


def voila_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "voila", str(NOTEBOOKS), "--no-browser", f"--port={port}", f"--Voila.ip={host}",
            "--Voila.port_retries=0", "--template=dipsim", "--theme=light", "--strip_sources=True",
            "--VoilaConfiguration.show_tracebacks=False", "--Voila.log_level=WARN"]


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def serve(host: str, port: int, env: dict[str, str] | None = None, open_browser: bool = False,
          out=None) -> int:
    """Start Voilà, print the addresses once it answers, wait until Ctrl-C (or SIGTERM), then stop
    it and its kernels. Returns 0 after a clean stop, 1 if Voilà stopped on its own."""
    out = out or sys.stdout
    check_voila()
    check_address(host, port)
    child_env = {**os.environ, **(env or {})}
    child_env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH")) if p)
    proc = subprocess.Popen(voila_command(host, port), env=child_env, start_new_session=True)
    stop = {"asked": False}

    def ask_stop(signum, frame):  # SIGTERM to dipsim: stop as for Ctrl-C
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, ask_stop)
    try:
        u = urls(host, port)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _up(u["home"]):
            if proc.poll() is not None:
                print(f"dipsim: error: the Voila server stopped while starting (exit status {proc.returncode})",
                      file=sys.stderr)
                return 1
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Voila server did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.2)
        print(f"dipsim app: serving on {u['home']}", file=out)
        print(f"  trainer: {u['trainer']}", file=out)
        print(f"  planner: {u['planner']}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(u["home"])
        proc.wait()
        print(f"dipsim: error: the Voila server stopped (exit status {proc.returncode})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        stop["asked"] = True
        return 0
    finally:
        signal.signal(signal.SIGTERM, old)
        _stop(proc)
        if stop["asked"]:
            print("dipsim app: stopped (every page's session closed)", file=out, flush=True)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM: Voilà shuts its kernels down and exits; if it hangs, end its whole group."""
    if proc.poll() is not None:
        return
    while True:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(STOP_TIMEOUT_S)
            return
        except KeyboardInterrupt:   # a second Ctrl-C: do not wait any longer
            break
        except subprocess.TimeoutExpired:
            break
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
