"""Named random streams: one numpy Generator per activity.

Each stream is spawned from ``(scenario seed, replication, stream name)`` so
that two policies or two capacities simulated with the same seed see the same
draws for every activity they share (common random numbers). Adding a stream
never shifts another one.

>>> a = Streams(42, 0).get("arrivals.shoplifting").random()
>>> b = Streams(42, 0).get("arrivals.shoplifting").random()
>>> a == b
True
>>> Streams(42, 1).get("arrivals.shoplifting").random() == a
False
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (crc32: the same on every machine)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of named, independent, reproducible generators for one replication."""

    def __init__(self, seed: int, replication: int = 0):
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be whole numbers >= 0")
        self.seed = int(seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """The generator for activity ``name`` (created once, then reused)."""
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication, stream_key(name))
            )
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen
