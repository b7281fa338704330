"""Uniform draws from the model's generator, fetched in blocks.

The monthly step draws ~4,600 single uniforms a replicate, one per need, retirement, discovery or
incident check, and numpy's `Generator.random()` costs ~0.55 us a call, most of it call overhead: an
eighth of a replicate. `UniformDraws` serves the same values in the same order as calling
`rng.random()` each time by drawing 128 at once; `next` serves them through a C iterator (itertools'
chain over the blocks), ~0.04 us a call. `array(n)` serves what `rng.random(n)` would give next (the
employee layer's monthly draws), so the model's one stream of uniforms is the generator's own, however
the draws are split.

Drawing ahead moves the generator past what has been used: code that draws from the generator directly
in the middle of a run must call `sync()` first (it puts the generator back right after the last value
served), or it takes values the stream has already fetched and the two orders differ (still seeded and
reproducible, only not the stream that calling `rng.random()` alone gives).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from operator import length_hint

import numpy as np

BLOCK = 128


class UniformDraws:
    """`next()` gives the next uniform in [0, 1) of `rng`'s stream; `array(n)` the next n."""

    __slots__ = ("_block", "_state", "_values", "next", "rng")

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self._values: list[float] = []
        self._block: Iterator[float] = iter(self._values)  # what is left of the open block
        self._state = None  # the generator's state before the open block; None: no block open
        # the chain asks _blocks for a new block only once the open one is used up
        self.next = itertools.chain.from_iterable(self._blocks()).__next__

    def _blocks(self) -> Iterator[Iterator[float]]:
        while True:
            # the previous block is used up (or closed), so the generator stands right after it
            self._state = self.rng.bit_generator.state
            self._values = self.rng.random(BLOCK).tolist()
            self._block = iter(self._values)
            yield self._block

    def array(self, n: int) -> np.ndarray:
        """The next `n` uniforms as an array: what `rng.random(n)` would return after the values served."""
        left = length_hint(self._block)
        if left == 0:
            self._close()
            return self.rng.random(n)
        start = len(self._values) - left
        if n < left:
            _consume(self._block, n)
            return np.array(self._values[start : start + n])
        head = np.array(self._values[start:])
        self._close()  # the block is used up: the generator stands right after it
        return np.concatenate([head, self.rng.random(n - left)])

    def sync(self) -> None:
        """Leave the generator right after the last value served (a no-op when no block is open)."""
        if self._state is None:
            return
        used = len(self._values) - length_hint(self._block)
        self.rng.bit_generator.state = self._state
        if used:
            self.rng.random(used)
        self._close()

    def _close(self) -> None:
        _consume(self._block, length_hint(self._block))
        self._state = None


def _consume(iterator: Iterator, n: int) -> None:
    """Advance `iterator` by n items (in C)."""
    if n > 0:
        next(itertools.islice(iterator, n - 1, n), None)
