"""The discrete choice the agents make: a logit over utilities, drawn from the model's generator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def logit_choice(uniform: Callable[[], float], utilities: list[float], temperature: float) -> int:
    """Index drawn with probability proportional to exp(u / temperature); `uniform()` gives the draw
    (the model's `uniform`, or a generator's `random`)."""
    u = np.asarray(utilities) / temperature
    cumulative = np.cumsum(np.exp(u - u.max()))
    i = int(np.searchsorted(cumulative, uniform() * cumulative[-1], side="right"))
    return min(i, len(cumulative) - 1)
