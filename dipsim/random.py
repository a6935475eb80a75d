"""Named random streams: one numpy Generator per activity.

Each stream is spawned from ``(scenario seed, replication, stream name)`` so
that two policies or two capacities simulated with the same seed see the same
draws for every activity they share (common random numbers). Adding a stream
never shifts another one. Draws a person may or may not need, in a number a policy
sets (appointment outcomes), come from :class:`Blocks`: one block of a stream per
person, so no lever can shift another person's draws, nor the start of his own.

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

BLOCK_DRAWS = 1 << 20
"""Draws in one block of a :class:`Blocks` stream: far more than one person's appointments
(at most 11,011 under the schema's bounds) or one group meeting's length (a few) can use."""


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
        self._carried: dict[str, dict] = {}

    def blocks(self, name: str, size: int = BLOCK_DRAWS) -> "Blocks":
        """Activity ``name``'s stream cut into blocks of ``size`` draws (:class:`Blocks`), one per
        person or meeting. A name is used either this way or through :meth:`get`, not both."""
        return Blocks(self.get(name), size)

    def get(self, name: str) -> np.random.Generator:
        """The generator for activity ``name`` (created once, then reused)."""
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication, stream_key(name))
            )
            gen = np.random.Generator(np.random.PCG64(seq))
            if name in self._carried:
                gen.bit_generator.state = self._carried[name]
            self._cache[name] = gen
        return gen

    def positions(self) -> dict[str, dict]:
        """Where each stream used so far stands (its generator's state), for :meth:`carry_on`."""
        return {name: gen.bit_generator.state for name, gen in self._cache.items()}

    def carry_on(self, positions: dict[str, dict]) -> None:
        """Each stream in ``positions`` starts where another replication's ``Streams`` (the same seed and
        replication) left it (:meth:`positions`), as if this one had made the same draws: for runs that
        share draws made once (:mod:`dipsim.model.shared`). Streams already used here are not moved."""
        if any(name in self._cache for name in positions):
            raise ValueError("carry_on: a stream to carry on was already used here")
        self._carried.update(positions)


class Blocks:
    """A stream cut into blocks of ``size`` draws, one block per person or per meeting.

    Block ``k`` is the stream from its ``k * size``-th 64-bit draw on, so what a person (or
    a group meeting) draws does not depend on how many draws anyone else used, nor on how
    many he uses himself: the first ``m`` draws of a block are the same whether 3 or 3,000
    are taken. A lever that changes how many appointments a person may have (re-arrangements,
    the contact interval) therefore leaves everyone's outcomes where they were. Reaching a
    block is a jump (PCG64's ``advance``, a few microseconds), so blocks are drawn only for
    the people who get that far.

    ``gen`` is the stream (a PCG64 generator; its own position is left alone): block 0 starts
    where it stands. A caller must take fewer than ``size`` draws from one block.

    >>> blocks = Blocks(Streams(42, 0).get("compliance.sessions"))
    >>> a = blocks.at(7).random(3)
    >>> b = blocks.at(7).random(30)
    >>> bool((a == b[:3]).all()), bool(blocks.at(8).random() == a[0])
    (True, False)
    """

    def __init__(self, gen: np.random.Generator, size: int = BLOCK_DRAWS):
        self.size = int(size)
        self._start = gen.bit_generator.state
        self._bits = np.random.PCG64(0)
        self._bits.state = self._start
        self._gen = np.random.Generator(self._bits)
        self._here: int | None = 0  # draws into the stream where _bits stands (None: a caller of at() drew from it)

    def at(self, k: int) -> np.random.Generator:
        """A generator at the start of block ``k`` (the same object each time: use it before
        asking for another block)."""
        bits = self._bits
        bits.state = self._start
        bits.advance(k * self.size)
        self._here = None  # the caller draws from it: where it then stands is not known here
        return self._gen

    def uniforms(self, k: int, m: int) -> np.ndarray:
        """The first ``m`` uniforms of block ``k``: ``at(k).random(m)``, the same numbers, reached by one jump
        from where the last call left the stream rather than from its start (putting the start state back
        costs more than the jump). A uniform takes one 64-bit draw, so the stream then stands ``m`` draws into
        block ``k``; a jump back is a jump forward modulo PCG64's period, 2**128.

        >>> blocks = Blocks(Streams(42, 0).get("compliance.sessions"))
        >>> a, b = blocks.uniforms(8, 3), blocks.uniforms(7, 3)
        >>> bool((a == blocks.at(8).random(3)).all()), bool((b == blocks.uniforms(7, 3)).all())
        (True, True)
        """
        if not 0 <= m < self.size:
            raise ValueError(f"{m} draws do not fit a block of {self.size}")
        here = self._here
        if here is None:
            self._bits.state = self._start
            here = 0
        target = k * self.size
        self._bits.advance((target - here) % PCG64_PERIOD)
        u = self._gen.random(m)
        self._here = target + m
        return u


PCG64_PERIOD = 1 << 128
"""PCG64's state is a 128-bit LCG: it comes back to where it was after 2**128 draws."""
