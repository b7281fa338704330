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


def share_interval(flags) -> tuple[float, float, float]:
    """Share of true flags with its Wilson 95% interval: (share, low, high)."""
    count, n = int(sum(bool(f) for f in flags)), len(flags)
    low, high = wilson_interval(count, n)
    return (count / n if n else math.nan), low, high


def mean_interval(values) -> tuple[float, float, float]:
    """Mean with its normal-approximation 95% interval: (mean, low, high); no interval from one value."""
    values = [float(v) for v in values]
    n = len(values)
    mean = sum(values) / n if n else math.nan
    if n < 2:
        return mean, math.nan, math.nan
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = Z_95 * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def ratio_estimate(values, weights) -> tuple[float, float]:
    """Weighted mean sum(w x) / sum(w), a ratio of means when each x is a / b and its weight b, and the
    ratio estimator's (linearized) sampling variance of it: (mean, variance); pairs without a value are
    left out, and one pair leaves the variance NaN."""
    pairs = [(float(v), float(w)) for v, w in zip(values, weights, strict=True) if math.isfinite(float(v))]
    n, total = len(pairs), sum(w for _, w in pairs)
    if n == 0 or total <= 0:
        return math.nan, math.nan
    mean = sum(w * v for v, w in pairs) / total
    if n < 2:
        return mean, math.nan
    spread = sum((w * (v - mean)) ** 2 for v, w in pairs) / (n - 1)
    return mean, spread / n / (total / n) ** 2


def ratio_interval(values, weights) -> tuple[float, float, float]:
    """ratio_estimate's mean with its normal-approximation 95% interval: (mean, low, high)."""
    mean, variance = ratio_estimate(values, weights)
    half = Z_95 * math.sqrt(variance) if math.isfinite(variance) else math.nan
    return mean, mean - half, mean + half


def correlation_interval(r: float | None, n: int) -> tuple[float, float]:
    """Fisher-z 95% interval of a Pearson correlation from n pairs (NaN where it has none)."""
    if r is None or not math.isfinite(r) or n < 4 or abs(r) >= 1.0:
        return (math.nan, math.nan)
    z, half = math.atanh(r), Z_95 / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))
