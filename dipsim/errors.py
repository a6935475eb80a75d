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


class ParameterError(InputError):
    """A bad argument to a library function, named by the function's parameter
    (``n``, ``warmup_days``, ``params``...). The command line shows the flag instead
    (``-n``, ``--warmup-days``, ``--param``: see :data:`dipsim.commands._args.FLAGS`).

    >>> str(ParameterError("warmup_days", "must be >= 0, got -1"))
    'warmup_days: must be >= 0, got -1'
    """

    def __init__(self, param: str, message: str, key: str | None = None):
        self.param = param
        super().__init__(param, key, message)
