"""The SimPy model of the DIP Conditional Caution pathway and its one entry point, :func:`run`."""

from __future__ import annotations

from .core import Model, RunOutput
from .records import TERMINAL_STATES

__all__ = ["Model", "RunOutput", "TERMINAL_STATES"]
