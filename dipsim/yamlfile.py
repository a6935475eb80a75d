"""Reading one YAML file (a scenario, a case, a set of variants) into Python, every failure a
one-line :class:`~dipsim.errors.InputError` naming the file (and the key, for a duplicate)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 2**20
"""The largest input file read (1 MiB): a scenario, case or variants file is a few KiB."""


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        super().__init__(key, line)
        self.key = key
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (YAML would silently keep the last one)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:  # unhashable key: let SafeLoader report it
            break
        if duplicate:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml_document(path: str | Path, what: str) -> Any:
    """The one YAML document in ``path`` (a ``what`` file: "scenario", "case"...), never ``None``."""
    file = str(path)
    p = Path(path)
    try:
        exists, is_dir = p.exists(), p.is_dir()
    except OSError as exc:  # e.g. a file name too long for the system
        raise InputError(file, None, f"cannot be read ({exc.strerror or exc}); expected a {what} file") from None
    if not exists:
        if p.is_symlink():
            raise InputError(file, None, f"is a broken symbolic link or a link loop, not a {what} file")
        raise InputError(file, None, f"no such {what} file (not found)")
    if is_dir:
        raise InputError(file, None, f"is a directory, not a {what} file (.yaml)")
    try:
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would hang, /dev/zero never end
            raise InputError(file, None, f"is not a regular file (a device, pipe or socket); expected a {what} file")
        if info.st_size > MAX_BYTES:
            raise InputError(file, None, f"is {info.st_size:,} bytes; a {what} file may be at most "
                                         f"{MAX_BYTES // 2**20} MiB")
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # the file may have grown since stat
    except OSError as exc:
        raise InputError(file, None, f"cannot be read ({exc.strerror or exc}); expected a {what} file") from None
    if len(data) > MAX_BYTES:
        raise InputError(file, None, f"is larger than {MAX_BYTES // 2**20} MiB; a {what} file may be at most that")
    if b"\x00" in data:
        raise InputError(file, None, "is a binary file, not UTF-8 YAML text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(file, None, f"is not UTF-8 text (byte {exc.start}): expected a YAML file") from None
    if not text.strip():
        raise InputError(file, None, f"is empty: expected a YAML mapping of {what} keys")
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise InputError(file, str(exc.key), f"duplicate key at line {exc.line}; each key may appear once") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "syntax error"
        raise InputError(file, None, f"is not valid YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(file, None, f"is not valid YAML: {exc}") from None
    except RecursionError:
        raise InputError(file, None, "is not valid YAML: nested too deeply") from None
    except ValueError as exc:  # a value YAML cannot build: a date 2008-13-45, an integer of 5000 digits
        raise InputError(file, None, f"is not valid YAML: {exc}") from None
    if document is None:
        raise InputError(file, None, f"is empty (only comments): expected a YAML mapping of {what} keys")
    return document
