"""Scalar uniform draws from the model's generator, fetched in blocks.

The monthly step draws ~4,600 single uniforms a replicate, one per need, retirement, discovery or
incident check, and numpy's `Generator.random()` costs ~0.55 us a call, most of it call overhead: an
eighth of a replicate. `UniformDraws` serves the same values in the same order as calling
`rng.random()` each time, at ~0.05 us, by drawing 128 at once. Drawing ahead moves the generator past
what has been used, so `sync()` puts it back (the saved state, then only the values served drawn again)
before anything else draws from the generator; the organization syncs before the employee layer's
array draws and at the end of every month, so between months the generator is exactly where calling
`rng.random()` would have left it.
"""

from __future__ import annotations

import numpy as np

BLOCK = 128


class UniformDraws:
    """Call it for the next uniform in [0, 1) of `rng`'s stream."""

    __slots__ = ("_next", "_state", "_values", "rng")

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self._values: list[float] = []
        self._next = 0
        self._state = None  # the generator's state before the block being served

    def __call__(self) -> float:
        i = self._next
        if i == len(self._values):
            self._fetch()
            i = 0
        self._next = i + 1
        return self._values[i]

    def _fetch(self) -> None:
        # the previous block is used up, so the generator stands right after its last value served
        self._state = self.rng.bit_generator.state
        self._values = self.rng.random(BLOCK).tolist()
        self._next = 0

    def sync(self) -> None:
        """Leave the generator right after the last value served (a no-op when no block is open)."""
        if self._state is None:
            return
        self.rng.bit_generator.state = self._state
        if self._next:
            self.rng.random(self._next)
        self._state = None
        self._values = []
        self._next = 0
