"""The discrete choice the agents make: a logit over utilities, drawn from the model's generator."""

from __future__ import annotations

import math
from collections.abc import Callable


def logit_choice(uniform: Callable[[], float], utilities: list[float], temperature: float) -> int:
    """Index drawn with probability proportional to exp(u / temperature); `uniform()` gives the draw
    (the model's `uniform`, or a generator's `random`).

    Plain Python: the agents choose among two to four options, where numpy's calls cost ~8 us a choice.
    """
    scaled = [u / temperature for u in utilities]
    top = max(scaled)
    cumulative = []
    total = 0.0
    for u in scaled:
        total += math.exp(u - top)
        cumulative.append(total)
    threshold = uniform() * total
    # the first index whose cumulative weight exceeds the threshold (numpy's searchsorted, side="right")
    for i, c in enumerate(cumulative):
        if c > threshold:
            return i
    return len(cumulative) - 1
