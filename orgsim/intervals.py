"""Confidence intervals for shares of runs; plain arithmetic, so figures and reports can share them without
importing the model."""

from __future__ import annotations

import math

Z_95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial share."""
    if n == 0:
        return (math.nan, math.nan)
    if successes in (0, n):  # exact bounds where rounding would exclude the observed share
        bound = n / (n + z * z)
        return (0.0, 1.0 - bound) if successes == 0 else (bound, 1.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))
