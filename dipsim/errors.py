"""Input errors: one line naming the file, the key and what is allowed."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from a user file. ``str()`` is the one-line message the CLI prints.

    >>> str(InputError("a.yaml", "cjit.custody.workers", "expected a whole number >= 0, got -1"))
    'a.yaml: cjit.custody.workers: expected a whole number >= 0, got -1'
    """

    def __init__(self, file: str, key: str | None, message: str):
        self.file = str(file)
        self.key = key
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.file}: {self.key}: " if self.key else f"{self.file}: "
        return " ".join((where + self.message).split())
