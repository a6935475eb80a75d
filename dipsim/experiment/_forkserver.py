"""Imported only in the forkserver, as its preload (see :func:`dipsim.experiment.backends._mp_context`).

It preloads the model, so that each worker starts in a fraction of a second, and ignores
Ctrl-C before the forkserver records its signal handlers: every process it forks (pool
workers, Dask workers) then starts with Ctrl-C ignored from its first instruction. The
terminal sends Ctrl-C to every process of the job; only the parent acts on it.
"""

import signal

from . import backends  # noqa: F401  (the preload)

signal.signal(signal.SIGINT, signal.SIG_IGN)
