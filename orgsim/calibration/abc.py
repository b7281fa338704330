"""Rejection ABC over a prior sample: statistics per parameter set, a noise-aware distance, the posterior.

Each parameter set (a design row) is run for a few replicates. A statistic's value for the row is its
mean over the replicates, and its sampling variance the replicates' variance over their count (for a
share of organizations, the binomial variance of a shrunk share). The distance of a row from the targets is
sqrt(sum_i (mean_i - target_i)^2 / (scale_i^2 + var_i)): a target's scale says how far the model may sit
from the figure, and the sampling variance keeps a row from looking close by luck. The accepted rows are
the `accept` fraction with the smallest distances; their parameter values are the posterior sample.

A weighted statistic (a ratio of means, or a share pooled over organizations) is the runs' weighted mean,
each run's weight in the column `<name>` + WEIGHT, and its variance that of the ratio estimator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.intervals import ratio_estimate

WEIGHT = ":weight"  # the suffix of a weighted statistic's per-run weight column


@dataclass(frozen=True)
class Statistic:
    """What the fit needs to know of a target: its name, value, scale, whether runs are 0/1, and whether
    the runs are weighted (per-run weights in the column name + WEIGHT)."""

    name: str
    value: float
    scale: float
    population: bool = False
    weighted: bool = False


def row_statistics(per_run: pd.DataFrame, stats: Sequence[Statistic], row: str = "row") -> pd.DataFrame:
    """Per row: `<name>` (mean over its runs) and `<name>_var` (the sampling variance of that mean)."""
    grouped = per_run.groupby(row)
    out = pd.DataFrame(index=grouped.size().index)
    n = grouped.size().astype(float)
    for s in stats:
        if s.weighted:
            out[s.name], out[f"{s.name}_var"] = _weighted(per_run, s.name, row)
            continue
        mean = grouped[s.name].mean()
        if s.population:
            shrunk = (mean * n + 0.5) / (n + 1.0)  # a row whose runs all agree is not certain
            var = shrunk * (1.0 - shrunk) / n
        else:
            var = grouped[s.name].var(ddof=1).fillna(0.0) / n
        out[s.name], out[f"{s.name}_var"] = mean, var
    out["runs"] = n.astype(int)
    return out


def _weighted(per_run: pd.DataFrame, name: str, row: str) -> tuple[pd.Series, pd.Series]:
    """Per row: the weighted mean of `name` over its runs (runs with no value left out) and the ratio
    estimator's sampling variance of it (orgsim.intervals.ratio_estimate; 0 from a single run)."""
    pairs = per_run[[row, name, name + WEIGHT]].groupby(row)
    found = {key: ratio_estimate(g[name], g[name + WEIGHT]) for key, g in pairs}
    mean = pd.Series({key: m for key, (m, _) in found.items()}, dtype=float)
    var = pd.Series({key: v for key, (_, v) in found.items()}, dtype=float).fillna(0.0)
    return mean, var


def distances(table: pd.DataFrame, stats: Sequence[Statistic]) -> pd.Series:
    """Each row's distance from the targets (rows with a missing statistic are infinitely far)."""
    total = pd.Series(0.0, index=table.index)
    for s in stats:
        z2 = (table[s.name] - s.value) ** 2 / (s.scale**2 + table[f"{s.name}_var"])
        total += z2.fillna(np.inf)
    return np.sqrt(total)


def reject(
    params: pd.DataFrame, table: pd.DataFrame, stats: Sequence[Statistic], accept: float
) -> tuple[pd.DataFrame, pd.Series]:
    """The accepted rows (parameters, statistics and distance), nearest first, and every row's distance.

    `params` and `table` share their index (the design row)."""
    if not 0.0 < accept <= 1.0:
        raise ValueError(f"accept must be in (0, 1]; got {accept}")
    dist = distances(table, stats)
    k = max(1, round(accept * len(dist)))
    chosen = dist.sort_values(kind="stable").index[:k]
    accepted = params.loc[chosen].join(table.loc[chosen]).assign(distance=dist.loc[chosen])
    return accepted, dist


def posterior_summary(accepted: pd.DataFrame, priors: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Per parameter: prior range, posterior median and 90% interval, and how much the data narrowed it
    (`identified`: 1 - the 90% interval's width over the prior's middle 90%; near 0: not identified;
    `width_ratio`: the 90% interval's width over the prior's whole width, under 0.5: narrowed to under half
    its prior range)."""
    rows = []
    for key, (low, high) in priors.items():
        values = accepted[key].to_numpy(dtype=float)
        q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
        rows.append(
            {
                "parameter": key,
                "prior_low": low,
                "prior_high": high,
                "median": float(q50),
                "low90": float(q05),
                "high90": float(q95),
                "identified": float(1.0 - (q95 - q05) / (0.9 * (high - low))),
                "width_ratio": float((q95 - q05) / (high - low)),
            }
        )
    return pd.DataFrame(rows)
