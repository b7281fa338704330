"""The discrete choice the agents make: a logit over utilities, drawn from the model's generator."""

from __future__ import annotations

import numpy as np


def logit_choice(rng: np.random.Generator, utilities: list[float], temperature: float) -> int:
    """Index drawn with probability proportional to exp(u / temperature)."""
    u = np.asarray(utilities) / temperature
    cumulative = np.cumsum(np.exp(u - u.max()))
    i = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return min(i, len(cumulative) - 1)
