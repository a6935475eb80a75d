"""--out DIR (issue "Nothing lost, nothing broken at the front door"): dipsim writes only into a
new or empty directory or one holding its own earlier results (dipsim-manifest.json); --force
replaces only dipsim's files; one command at a time per directory; debris of killed runs is
cleaned up by the next run; --out . works; all or nothing."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dipsim.cli import main
from dipsim.io import MANIFEST, PARTIAL_MARKER, OutputDir

ROOT = Path(__file__).resolve().parents[1]
RUN = ["run", "--days", "3", "--quiet"]


def dipsim(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, "-m", "dipsim", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def tree(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): (p.read_bytes() if p.is_file() else b"<dir>") for p in sorted(d.rglob("*"))}


def one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dipsim: error:") and "Traceback" not in err, err
    return lines[0]


def test_a_folder_holding_other_files_survives_out(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes\n")
    (mine / "data").mkdir()
    (mine / "data" / "x.csv").write_text("a\n1\n")
    before = tree(mine)
    proc = dipsim(*RUN, "--out", str(mine))
    line = one_line_error(proc.returncode, proc.stderr)
    assert "did not write" in line and "notes.txt" in line
    for args in (["replicate", "-n", "2", "--days", "2", "--backend", "serial"],
                 ["compare", "--policy", "annex_b", "--policy", "no_follow_up", "-n", "2", "--days", "2",
                  "--backend", "serial"],
                 ["sweep", "--param", "cjit.custody.workers=1:2", "-n", "2", "--days", "2", "--backend", "serial"],
                 ["sweep", "--param", "cjit.custody.workers=1:2", "-n", "2", "--days", "2", "--backend", "serial",
                  "--resume"],
                 [*RUN, "--force"]):
        assert main([*args, "--out", str(mine)]) == 2, args
    assert tree(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_force_replaces_only_dipsims_files(tmp_path, capsys):
    out = tmp_path / "res"
    assert main([*RUN, "--out", str(out)]) == 0
    first = tree(out)
    assert json.loads((out / MANIFEST).read_text())["files"] == sorted(set(first) - {MANIFEST})
    (out / "my-notes.txt").write_text("keep me\n")
    capsys.readouterr()
    assert main([*RUN, "--out", str(out)]) == 2  # earlier results: not without --force
    assert "--force" in one_line_error(2, capsys.readouterr().err)
    assert main([*RUN, "--days", "4", "--format", "csv", "--out", str(out), "--force"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["people.csv", "kpis.csv", "utilisation.csv", "scenario.yaml", "provenance.json",
                            MANIFEST, "my-notes.txt"])  # people.parquet (dipsim's) went; the notes stayed
    assert (out / "my-notes.txt").read_text() == "keep me\n"
    assert json.loads((out / "provenance.json").read_text())["days"] == 4
    assert "my-notes.txt" not in json.loads((out / MANIFEST).read_text())["files"]


def test_force_never_overwrites_a_users_file_of_the_same_name(tmp_path, capsys):
    out = tmp_path / "res"
    assert main([*RUN, "--format", "csv", "--out", str(out)]) == 0
    (out / "people.parquet").write_text("the user's own file\n")  # not in the manifest
    before = tree(out)
    assert main([*RUN, "--out", str(out), "--force"]) == 2
    assert "people.parquet" in one_line_error(2, capsys.readouterr().err)
    assert tree(out) == before


def test_a_second_command_on_a_locked_directory_gets_one_line(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running dipsim command holds it
        proc = dipsim(*RUN, "--out", str(out))
    finally:
        os.close(fd)
    assert "another dipsim command is writing" in one_line_error(proc.returncode, proc.stderr)
    assert list(out.iterdir()) == []


def test_two_sweeps_on_one_empty_out_the_second_is_refused(tmp_path):
    out = tmp_path / "sweep"
    out.mkdir()
    base = [sys.executable, "-m", "dipsim", "sweep", "--days", "60", "-n", "3", "--backend", "serial",
            "--no-progress", "--out", str(out)]
    first = subprocess.Popen([*base, "--param", "cjit.community.workers=1:12"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (out / MANIFEST).exists():
            time.sleep(0.05)
        assert first.poll() is None, "the first sweep finished too soon"
        second = subprocess.run([*base, "--param", "cjit.custody.workers=1:3", "--resume"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert "another dipsim command" in one_line_error(second.returncode, second.stderr)
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    cells = __import__("pandas").read_csv(out / "cells.csv")
    assert list(cells["cjit.community.workers"]) == list(range(1, 13)) and len(list((out / "cells").iterdir())) == 12


def test_debris_of_killed_runs_is_cleaned_up_by_the_next_run(tmp_path):
    out = tmp_path / "res"
    assert main([*RUN, "--out", str(out)]) == 0
    before = tree(out)
    # what a process killed while writing leaves: a staging folder (marked) and a file written aside
    staging = out / ".dipsim-partial-k1ll3d_x"
    staging.mkdir()
    (staging / PARTIAL_MARKER).write_text("x\n")
    (staging / "people.parquet").write_bytes(b"half")
    (out / ".kpis.csv.ab12cd_3.tmp").write_text("half")
    unmarked = out / ".dipsim-partial-not-ours"  # no marker: not dipsim's, left alone
    unmarked.mkdir()
    (unmarked / "keep").write_text("k")
    assert main([*RUN, "--days", "4", "--out", str(out), "--force"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert ".dipsim-partial-k1ll3d_x" not in names and ".kpis.csv.ab12cd_3.tmp" not in names
    assert (unmarked / "keep").read_text() == "k"
    assert set(before) - {MANIFEST} <= set(names)
    # a new directory holding only a killed run's staging folder counts as empty
    fresh = tmp_path / "fresh"
    (fresh / ".dipsim-partial-abc").mkdir(parents=True)
    (fresh / ".dipsim-partial-abc" / PARTIAL_MARKER).write_text("x\n")
    assert main([*RUN, "--out", str(fresh)]) == 0
    assert not any(p.name.startswith(".") for p in fresh.iterdir())


def test_out_dot_works_and_leaves_no_debris(tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    proc = dipsim(*RUN, "--out", ".", cwd=here)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in here.iterdir()) == sorted(
        ["people.parquet", "kpis.csv", "utilisation.csv", "scenario.yaml", "provenance.json", MANIFEST])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here"]
    proc = dipsim(*RUN, "--out", ".", "--force", cwd=here)
    assert proc.returncode == 0, proc.stderr
    assert not any(p.name.startswith(".") for p in here.iterdir())
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.docx").write_text("x")
    proc = dipsim(*RUN, "--out", ".", cwd=busy)
    one_line_error(proc.returncode, proc.stderr)
    assert [p.name for p in busy.iterdir()] == ["thesis.docx"]


def test_a_failed_run_leaves_no_new_directory(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("dipsim.commands.run.write_table", boom)
    assert main([*RUN, "--out", str(tmp_path / "new" / "res")]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]  # the parent it made stays, empty
    assert list((tmp_path / "new").iterdir()) == []


def test_resume_force_and_other_commands(tmp_path, capsys):
    out = tmp_path / "res"
    assert main([*RUN, "--out", str(out)]) == 0
    sweep = ["sweep", "--param", "cjit.custody.workers=1:2", "-n", "2", "--days", "2", "--backend", "serial",
             "--no-progress", "--out", str(out)]
    capsys.readouterr()
    assert main([*sweep, "--resume"]) == 2
    assert "dipsim run, not sweep" in one_line_error(2, capsys.readouterr().err)
    assert main([*sweep, "--resume", "--force"]) == 2
    assert main([*RUN, "--force"]) == 2  # --force needs --out
    assert main([*RUN, "--out", ""]) == 2  # not the current directory by accident
    assert main([*sweep, "--force"]) == 0  # replaces the run's files with the sweep's
    names = {p.name for p in out.iterdir()}
    assert "people.parquet" not in names and {"cells", "results.parquet", MANIFEST} <= names
    assert json.loads((out / MANIFEST).read_text())["command"] == "sweep"


def test_a_damaged_manifest_is_not_dipsims(tmp_path, capsys):
    out = tmp_path / "res"
    assert main([*RUN, "--out", str(out)]) == 0
    (out / MANIFEST).write_text('{"written_by": "dipsim", "files": ["../../etc"]}')
    before = tree(out)
    assert main([*RUN, "--out", str(out), "--force"]) == 2
    assert tree(out) == before


def test_the_library_writer_refuses_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(Exception, match="not a directory"):
        with OutputDir(f, "run"):
            pass
    assert f.read_text() == "x"
