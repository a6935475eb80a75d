"""The front door: a wheel built from the repository, installed into a fresh environment, runs
every command from a folder outside the source tree (shipped scenarios and training cards are
package data, not files beside the source).

How the environment is made, and why it is honest and fast:

* the wheel is built offline (``pip wheel --no-deps --no-build-isolation --no-index``) from a
  copy of the sources in a temporary folder, so the build cannot write into the checkout;
* the environment is a new ``python -m venv --without-pip`` (nothing of the test venv in it,
  no ``--system-site-packages``, no source tree on its path);
* the dependencies (numpy, pandas, SimPy, ...) are not downloaded again: a ``.pth`` file puts a
  folder of links to the test venv's installed packages on its path, *minus dipsim* (its
  dist-info and the editable-install finder are left out, and a folder named on a ``.pth``
  line has its own ``.pth`` files ignored, so the editable hook can't load either) and minus
  the extras' packages (Dask, JupyterLab, ipywidgets), so the core install is what is tested;
* the wheel is installed with the test venv's pip pointed at the new interpreter
  (``pip --python NEW install --no-deps --no-index``), so the ``dipsim`` script is the new
  venv's, exactly as ``pip install dipsim-*.whl`` would make it.

The test then checks that ``dipsim`` is imported from the new venv, and runs the commands from
an empty temporary folder with no PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "dipsim", "training")
LEFT_OUT = ("dipsim", "__editable__", "dask", "distributed", "jupyterlab", "ipywidgets")
"""Installed packages not linked into the fresh venv: dipsim itself, and the extras' top-level packages."""


def _run(cmd, cwd, env, timeout=120):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv with the built wheel installed, an empty work folder, env)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-q", "-w", dist, src], tmp, env)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("dipsim-*.whl")

    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env)
                .stdout.strip())
    deps = tmp / "deps"
    deps.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if entry.name.lower().startswith(LEFT_OUT) or entry.suffix == ".pth":
            continue
        (deps / entry.name).symlink_to(entry)
    (site / "test_deps.pth").write_text(f"{deps}\n")

    inst = _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index", "-q", wheel],
                tmp, env)
    assert inst.returncode == 0, inst.stderr
    work = tmp / "elsewhere"
    work.mkdir()
    return venv / "bin", work, env


def test_wheel_runs_every_command_outside_the_source_tree(installed):
    bin_dir, work, env = installed
    where = _run([bin_dir / "python", "-c", "import dipsim; print(dipsim.__file__)"], work, env)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where.stdout + where.stderr
    dipsim = bin_dir / "dipsim"

    def ok(*args):
        proc = _run([dipsim, *args], work, env)
        assert proc.returncode == 0, f"dipsim {' '.join(args)}: {proc.stderr}"
        assert "Traceback" not in proc.stderr
        return proc

    assert "training" in ok("-h").stdout
    assert "cjit.community.workers" in ok("schema").stdout
    assert "Annex A funnel" in ok("run", "--days", "7").stdout
    assert "Annex A funnel" in ok("run", "county_non_intensive", "--days", "7").stdout
    assert "replications" in ok("replicate", "-n", "2", "--days", "5", "--backend", "processes",
                                "--workers", "2", "--no-progress").stdout

    # Without the dask extra, --backend dask is one line saying how to get it.
    no_dask = _run([dipsim, "replicate", "-n", "2", "--days", "3", "--backend", "dask"], work, env)
    assert no_dask.returncode == 2 and len(no_dask.stderr.splitlines()) == 1, no_dask.stderr
    assert "pip install 'dipsim[dask]'" in no_dask.stderr

    # The trainer's route: a pack of their own, built, then one card explained.
    ok("training", "init", "my-pack")
    pack = work / "my-pack"
    shipped = sorted(p.name for p in (ROOT / "training" / "cases").glob("*.yaml"))
    assert sorted(p.name for p in (pack / "cases").glob("*.yaml")) == shipped
    assert all((pack / pdf).stat().st_size > 10_000 for pdf in ("cards.pdf", "facilitator.pdf", "annex-a-map.pdf"))
    for name in [f"cases/{n}" for n in shipped] + ["facilitator_guide.md", "README.md", "cards.html",
                                                   "facilitator.html", "annex-a-map.html", "annex-a-map.svg"]:
        assert (pack / name).read_bytes() == (ROOT / "training" / name).read_bytes(), name
    assert f"up to date: {len(shipped)} cards" in ok("training", "build", "--pack", "my-pack", "--check").stdout
    card = json.loads(ok("case", "my-pack/cases/02-shoplifter-three-sessions.yaml", "--json").stdout)
    key = json.loads((ROOT / "training" / "keys" / "02-shoplifter-three-sessions.json").read_text())
    assert card["disposal"] == key["disposal"] and card["steps"] == key["steps"]

    # No pack given outside a checkout: one line saying what to do; init never overwrites.
    for args, words in ((("training", "build"), "dipsim training init DIR"),
                        (("training", "init", "my-pack"), "not an empty folder")):
        proc = _run([dipsim, *args], work, env)
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert words in proc.stderr and "Traceback" not in proc.stderr
