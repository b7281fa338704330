"""Uniform draws from the model's generator, fetched in blocks.

The monthly step draws ~4,600 single uniforms a replicate, one per need, retirement, discovery or
incident check, and numpy's `Generator.random()` costs ~0.55 us a call, most of it call overhead: an
eighth of a replicate. `UniformDraws` serves the same values in the same order as calling
`rng.random()` each time, at ~0.05 us, by drawing 128 at once; `array(n)` serves what `rng.random(n)`
would give next (the employee layer's monthly draws), so the model's one stream of uniforms is the
generator's own, however the draws are split.

Drawing ahead moves the generator past what has been used: code that draws from the generator directly
in the middle of a run must call `sync()` first (it puts the generator back right after the last value
served), or it takes values the stream has already fetched and the two orders differ (still seeded and
reproducible, only not the stream that calling `rng.random()` alone gives).
"""

from __future__ import annotations

import numpy as np

BLOCK = 128


class UniformDraws:
    """Call it for the next uniform in [0, 1) of `rng`'s stream; `array(n)` for the next n."""

    __slots__ = ("_next", "_state", "_values", "rng")

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self._values: list[float] = []
        self._next = 0
        self._state = None  # the generator's state before the block being served; None: no block open

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

    def array(self, n: int) -> np.ndarray:
        """The next `n` uniforms as an array: what `rng.random(n)` would return after the values served."""
        left = len(self._values) - self._next
        if left == 0:
            return self.rng.random(n)
        if n < left:
            start = self._next
            self._next += n
            return np.array(self._values[start : self._next])
        head = np.array(self._values[self._next :])
        self._close()  # the block is used up: the generator stands right after it
        return np.concatenate([head, self.rng.random(n - left)])

    def sync(self) -> None:
        """Leave the generator right after the last value served (a no-op when no block is open)."""
        if self._state is None:
            return
        self.rng.bit_generator.state = self._state
        if self._next:
            self.rng.random(self._next)
        self._close()

    def _close(self) -> None:
        self._state = None
        self._values = []
        self._next = 0
