"""Writing results: atomically (a failed or interrupted run leaves no half-written files), and
only into output directories dipsim may write (:class:`OutputDir`, the one writer of ``--out DIR``)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pandas as pd

from .errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def written_aside(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary file beside ``path`` to write; on success it is renamed onto ``path``
    (with the usual permissions), on any error or Ctrl-C removed, ``path`` untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write a text file (UTF-8, "\\n" line ends, flushed to disk) aside, then rename it into place."""
    with written_aside(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` to ``path`` (.parquet, else .csv) aside, then rename it into place."""
    path = Path(path)
    with written_aside(path) as tmp:
        if path.suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
    return path


# --------------------------------------------------------------------------- output directories

MANIFEST = "dipsim-manifest.json"
PARTIAL_PREFIX = ".dipsim-partial-"
PARTIAL_MARKER = "DIPSIM-PARTIAL"
_ASIDE = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")  # written_aside()'s temporary files


class OutputDir:
    """The one writer of dipsim's output directories (``--out DIR`` of every command).

    - ``DIR`` must be new, empty, or hold dipsim's own earlier results, named in the
      manifest ``DIR/dipsim-manifest.json``. A directory holding anything else is refused:
      dipsim never deletes, overwrites or mixes with files it did not write.
    - Earlier results are replaced only with ``force=True``, and then only the files the
      manifest lists (a file the user added beside them stays). A resumable command
      (sweep, capacity) continues them with ``resume=True`` (a cell is reused only if
      everything its numbers depend on is the same: see :mod:`dipsim.experiment.sweep`).
    - One command at a time: ``DIR`` is locked (``flock``) while a command works on it;
      a second one gets an :class:`InputError` at once.
    - All or nothing: results are written in a hidden staging folder inside ``DIR``
      (``.dipsim-partial-*``, holding a ``DIPSIM-PARTIAL`` marker) and moved into place
      only when every file is written, the manifest last. A Ctrl-C or error removes the
      staging folder; one left by a killed process is removed by the next command on ``DIR``.
    - ``DIR`` is never renamed or removed (so ``--out .`` works), except that a directory
      this command created is removed again if nothing was written into it.

    Use as a context manager; write with ``with od.staging() as tmp: ...``.
    """

    def __init__(self, path: str | os.PathLike, command: str, *, force: bool = False, resume: bool = False,
                 resumable: bool = False):
        self.path = Path(path)
        self.command = command
        self.force = force
        self.resume = resume
        self.resumable = resumable
        self.files: set[str] = set()       # dipsim's files in DIR now (the manifest's list)
        self._replace: set[str] = set()    # earlier results to remove when the new ones are in
        self._fd: int | None = None
        self._created = False

    # ----------------------------------------------------------------- claim and release
    def __enter__(self) -> "OutputDir":
        p = self.path
        try:  # OSError here (no permission, a name too long) is the user's --out: one line
            if p.exists() and not p.is_dir():
                raise InputError(p, None, "exists and is not a directory: choose another --out")
            self._created = not p.exists()
            p.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(p, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise InputError(p, None, f"cannot create the output directory: {exc.strerror}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise InputError(p, None, "another dipsim command is writing to this directory now: "
                                      "wait for it to finish, or choose another --out") from None
        try:
            self._claim()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._release()

    def _release(self) -> None:
        if self._fd is not None:
            if self._created and not self.files:
                with contextlib.suppress(OSError):
                    self.path.rmdir()  # only if still empty
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def _claim(self) -> None:
        p = self.path
        if not os.access(p, os.W_OK | os.X_OK):  # found now, not after the runs
            raise InputError(p, None, "cannot write in this directory (permission denied): choose another --out")
        manifest = read_manifest(p)
        self._clean_debris(manifest)
        others = sorted(e.name for e in os.scandir(p) if e.name != MANIFEST)
        if manifest is None:
            if others or (p / MANIFEST).exists():
                shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "") or f"{MANIFEST}, damaged"
                raise InputError(p, None, f"holds files dipsim did not write ({shown}): dipsim never deletes "
                                          "or mixes with them; choose a new or empty directory for --out")
            return
        old = set(manifest["files"])
        cmd = manifest.get("command", "?")
        if not old:
            self._replace = {MANIFEST}
        elif self.resume:
            if cmd != self.command:
                raise InputError(p, None, f"holds the results of dipsim {cmd}, not {self.command}: nothing "
                                          "to resume; choose another --out")
            self.files = old
        elif self.force:
            self._replace = old
            if self.resumable:  # its saved cells must not be reused: gone now
                self._remove(old)
        else:
            how = ", or --resume to continue it" if self.resumable and cmd == self.command else ""
            raise InputError(p, None, f"already holds the results of an earlier dipsim {cmd}: add --force to "
                                      f"replace them (only dipsim's files){how}, or choose another --out")

    def _clean_debris(self, manifest: dict | None) -> None:
        """Staging folders of killed runs (name and marker), and, in dipsim's own directory,
        the temporary files of interrupted writes. Safe: no live command holds the lock."""
        for e in os.scandir(self.path):
            if e.name.startswith(PARTIAL_PREFIX) and e.is_dir(follow_symlinks=False) \
                    and os.path.isfile(os.path.join(e.path, PARTIAL_MARKER)):
                shutil.rmtree(e.path, ignore_errors=True)
        if manifest is None:
            return
        owned = set(manifest["files"]) | {MANIFEST}
        for folder, every in ((self.path, False), *((self.path / f, True) for f in owned)):
            if not folder.is_dir() or folder.is_symlink():
                continue
            for e in os.scandir(folder):
                m = _ASIDE.match(e.name)
                if m and e.is_file(follow_symlinks=False) and (every or m["name"] in owned):
                    os.unlink(e.path)

    # ----------------------------------------------------------------- writing
    def own(self, *names: str) -> None:
        """What a resumable run writes straight into DIR as it goes (a sweep's ``cells``, each
        cell atomically): listed in the manifest now, so that --force and --resume know it."""
        self.files |= set(names)
        self._write_manifest(complete=False)

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A hidden folder inside DIR to write into; on success its files replace dipsim's
        earlier ones and the manifest is written (last). On error or Ctrl-C: removed."""
        tmp = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=self.path))
        try:
            (tmp / PARTIAL_MARKER).write_text(f"dipsim {self.command} was writing here; the next dipsim "
                                              "command on this directory removes this folder\n")
            os.chmod(tmp, 0o777 & ~_umask())
            yield tmp
            self._commit(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _commit(self, tmp: Path) -> None:
        new = sorted(n for n in os.listdir(tmp) if n != PARTIAL_MARKER)
        for name in new:
            target = self.path / name
            if (target.exists() or target.is_symlink()) and name not in self.files | self._replace:
                raise InputError(self.path, name, "was not written by dipsim: not overwriting it; move it "
                                                  "away or choose another --out")
        self._remove(self._replace - set(new) - {MANIFEST})
        for name in new:
            target = self.path / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(tmp / name, target)
        self.files = (self.files - self._replace) | set(new)
        self._replace = set()
        self._write_manifest(complete=True)

    def _remove(self, names) -> None:
        for name in names:
            target = self.path / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()

    def _write_manifest(self, complete: bool) -> None:
        atomic_write_text(self.path / MANIFEST, json.dumps({
            "written_by": "dipsim", "command": self.command, "complete": complete,
            "files": sorted(self.files),
            "note": "dipsim's files in this directory; --force replaces only these, anything else is left alone",
        }, indent=2, sort_keys=True) + "\n")


@contextlib.contextmanager
def new_folder(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a hidden staging folder beside ``path``; on success its files become the new folder
    ``path`` (which the caller has checked is absent or empty), all at once. On error or Ctrl-C
    the staging folder is removed and nothing appears. For folders a user asks dipsim to make
    (``dipsim training init DIR``), not for results (:class:`OutputDir`)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=path.parent))
    except OSError as exc:
        raise InputError(path, None, f"cannot create the folder: {exc.strerror}") from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        if path.is_dir():  # empty (checked by the caller): fill it, so that '.' works too
            for child in os.listdir(tmp):
                os.replace(tmp / child, path / child)
        else:
            os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_manifest(path: str | os.PathLike) -> dict | None:
    """DIR's manifest if dipsim wrote DIR, else None."""
    try:
        data = json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != "dipsim" or not isinstance(data.get("files"), list) \
            or not all(isinstance(f, str) and f and "/" not in f and f not in (".", "..") for f in data["files"]):
        return None
    return data


def output_dir(out: "str | os.PathLike | OutputDir | None", command: str, **kw) -> contextlib.AbstractContextManager:
    """``with output_dir(args.out, "run", force=...) as od``: ``od`` is None without ``out``,
    ``out`` itself if it is already an :class:`OutputDir`, else a new one (claimed and locked)."""
    if out is None or isinstance(out, OutputDir):
        return contextlib.nullcontext(out)
    return OutputDir(out, command, **kw)

def write_table(df: pd.DataFrame, path: Path, fmt: str) -> Path:
    """Write a table as parquet (typed, columnar) or csv; returns the file written."""
    if fmt == "parquet":
        out = path.with_suffix(".parquet")
        df.to_parquet(out, index=False)
    else:
        out = path.with_suffix(".csv")
        df.to_csv(out, index=False)
    return out


def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
