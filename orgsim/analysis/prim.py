"""PRIM scenario discovery (Friedman and Fisher 1999): boxes of the inputs in which a boolean outcome is
concentrated, found by peeling and pasting, with the covering sequence box 1, 2, ....

Peeling: from the whole (remaining) sample, repeatedly remove the slice that raises the density (share of
cases with y true) most per point removed (the paper's criterion for candidates of unequal size): for a
numeric input the `alpha` share of points at its low or high end, for a categorical input every point of
one category; stop when the next box would hold less than `min_mass` of the sample. The box kept from that
path is the one with the largest coverage whose density reaches `threshold`. Pasting then widens it again,
one slice at a time (the same criterion), while that raises the density. A restriction that does not raise
the density significantly (quasi-p-value above `significance`, see `_drop_insignificant`) is then dropped,
as long as the box keeps its threshold. Covering removes the box's points and searches again. Coverage is
the share of all true cases inside the box, mass the share of all points, density the share of true cases
among the box's points (those still remaining). Knows tables and arrays, not the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Box:
    """Limits per input: (low, high) inclusive for numeric inputs, a set of allowed values for categorical."""

    limits: dict[str, tuple[float, float] | frozenset]
    coverage: float = 0.0
    density: float = 0.0
    mass: float = 0.0
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)  # the peeling path: its boxes' stats


def is_categorical(column: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def _inside(X: pd.DataFrame, limits: dict, skip: str | None = None) -> np.ndarray:
    mask = np.ones(len(X), dtype=bool)
    for name, limit in limits.items():
        if name == skip:
            continue
        values = X[name].to_numpy()
        if isinstance(limit, frozenset):
            mask &= np.isin(values, list(limit))
        else:
            mask &= (values >= limit[0]) & (values <= limit[1])
    return mask


def _full_limits(X: pd.DataFrame) -> dict:
    limits: dict = {}
    for name in X.columns:
        if is_categorical(X[name]):
            limits[name] = frozenset(X[name].unique().tolist())
        else:
            limits[name] = (float(X[name].min()), float(X[name].max()))
    return limits


def _peel_candidates(X: pd.DataFrame, inside: np.ndarray, limits: dict, alpha: float):
    """Every one-step peel of the box: (input name, new limit) pairs."""
    n = int(inside.sum())
    for name, limit in limits.items():
        values = X[name].to_numpy()[inside]
        if isinstance(limit, frozenset):
            present = set(values.tolist())
            if len(present) > 1:
                for category in present:
                    yield name, limit - {category}
            continue
        ordered = np.sort(values)
        if ordered[0] == ordered[-1]:
            continue
        k = max(1, int(alpha * n))
        # low end: drop the k smallest, or at least every point tied at the minimum
        low = ordered[min(k, n - 1)]
        if low == ordered[0]:
            low = ordered[ordered > ordered[0]][0]
        yield name, (float(low), limit[1])
        high = ordered[max(n - 1 - k, 0)]
        if high == ordered[-1]:
            high = ordered[ordered < ordered[-1]][-1]
        yield name, (limit[0], float(high))


def _paste_candidates(X: pd.DataFrame, limits: dict, full: dict, alpha: float):
    """Every one-step widening of the box back towards the full limits: (name, new limit) pairs."""
    n_box = int(_inside(X, limits).sum())
    for name, limit in limits.items():
        others = _inside(X, limits, skip=name)
        values = X[name].to_numpy()[others]
        if isinstance(limit, frozenset):
            for category in full[name] - limit:
                yield name, limit | {category}
            continue
        k = max(1, int(alpha * n_box))
        below = np.sort(values[values < limit[0]])
        if len(below):
            yield name, (float(below[max(len(below) - k, 0)]), limit[1])
        above = np.sort(values[values > limit[1]])
        if len(above):
            yield name, (limit[0], float(above[min(k, len(above)) - 1]))


def _stats(y: np.ndarray, inside: np.ndarray, positives: int, n_total: int) -> tuple[float, float, float]:
    count = int(inside.sum())
    hits = int(y[inside].sum())
    density = hits / count if count else 0.0
    return hits / positives if positives else 0.0, density, count / n_total


def _peel(X, y, alpha, min_mass, positives, n_total):
    limits = _full_limits(X)
    inside = np.ones(len(X), dtype=bool)
    path = [dict(limits)]
    while True:
        best, best_gain = None, -np.inf
        count, density = int(inside.sum()), y[inside].mean()
        for name, limit in _peel_candidates(X, inside, limits, alpha):
            trial = inside & _inside(X, {name: limit})
            kept = int(trial.sum())
            if kept == 0 or kept / n_total < min_mass:
                continue
            # density gained per point removed: a whole category is not preferred just for being large
            gain = (y[trial].mean() - density) / (count - kept)
            if gain > best_gain:
                best, best_gain = (name, limit), gain
        if best is None:
            return path
        limits = {**limits, best[0]: best[1]}
        inside = inside & _inside(X, {best[0]: best[1]})
        path.append(dict(limits))


def _paste(X, y, limits, full, alpha):
    inside = _inside(X, limits)
    count, density = int(inside.sum()), y[inside].mean()
    while True:
        best, best_gain = None, 0.0
        for name, limit in _paste_candidates(X, limits, full, alpha):
            trial = _inside(X, {**limits, name: limit})
            gain = (y[trial].mean() - density) / (int(trial.sum()) - count)
            if gain > best_gain:
                best, best_gain = (name, limit), gain
        if best is None:
            return limits
        limits = {**limits, best[0]: best[1]}
        inside = _inside(X, limits)
        count, density = int(inside.sum()), y[inside].mean()


def _drop_insignificant(X, y, limits: dict, significance: float, threshold: float) -> dict:
    """Drop, one at a time (least significant first), every restriction whose quasi-p-value exceeds
    `significance` while the box without it keeps a density of at least `threshold`. The quasi-p-value is
    the chance of the box's density or more if that restriction did nothing (one-sided binomial against
    the density of the box without it), as the EMA Workbench reports for PRIM boxes."""
    from scipy.stats import binom

    while limits:
        inside = _inside(X, limits)
        count, hits = int(inside.sum()), int(y[inside].sum())
        candidates = {}
        for name in limits:
            wider = y[_inside(X, limits, skip=name)].mean()
            p_value = binom.sf(hits - 1, count, wider)
            if p_value > significance and wider >= threshold:
                candidates[name] = p_value
        if not candidates:
            return limits
        name = max(candidates, key=candidates.get)
        limits = {k: v for k, v in limits.items() if k != name}
    return limits


def find_boxes(
    X: pd.DataFrame,
    y,
    threshold: float = 0.8,
    min_mass: float = 0.05,
    alpha: float = 0.05,
    paste_alpha: float = 0.05,
    max_boxes: int = 3,
    significance: float = 0.05,
) -> list[Box]:
    """The covering sequence of PRIM boxes in which y (boolean, one per row of X) is true with density at
    least `threshold`; empty when no box on the first peeling path reaches it."""
    y = np.asarray(y, dtype=bool)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} values")
    X = X.reset_index(drop=True)
    n_total, positives = len(X), int(y.sum())
    remaining = np.ones(n_total, dtype=bool)
    boxes: list[Box] = []
    while len(boxes) < max_boxes and y[remaining].any():
        Xr, yr = X[remaining].reset_index(drop=True), y[remaining].astype(float)
        path = _peel(Xr, yr, alpha, min_mass, positives, n_total)
        stats = [_stats(yr, _inside(Xr, limits), positives, n_total) for limits in path]
        trajectory = pd.DataFrame(stats, columns=["coverage", "density", "mass"])
        trajectory.insert(0, "step", np.arange(len(path)))
        qualifying = [i for i, (_, density, _) in enumerate(stats) if density >= threshold]
        if not qualifying:
            break
        chosen = max(qualifying, key=lambda i: (stats[i][0], -i))
        full = _full_limits(Xr)
        limits = _paste(Xr, yr, path[chosen], full, paste_alpha)
        limits = {name: limit for name, limit in limits.items() if limit != full[name]}  # restricted only
        limits = _drop_insignificant(Xr, yr, limits, significance, threshold)
        coverage, density, mass = _stats(yr, _inside(Xr, limits), positives, n_total)
        boxes.append(Box(limits, coverage, density, mass, trajectory))
        remaining[np.flatnonzero(remaining)[_inside(Xr, limits)]] = False
    return boxes


def peeling_path(X: pd.DataFrame, y, min_mass: float = 0.05, alpha: float = 0.05) -> pd.DataFrame:
    """The first peeling path's `step`, `coverage`, `density`, `mass` (what a threshold may pick from)."""
    y = np.asarray(y, dtype=float)
    X = X.reset_index(drop=True)
    path = _peel(X, y, alpha, min_mass, int(y.sum()), len(X))
    stats = [_stats(y, _inside(X, limits), int(y.sum()), len(X)) for limits in path]
    table = pd.DataFrame(stats, columns=["coverage", "density", "mass"])
    table.insert(0, "step", np.arange(len(path)))
    return table


# The prim_boxes table (prim_boxes.parquet): what boxes_table writes and `orgsim plot` reads.
BOX_COLUMNS = (
    "outcome", "box", "parameter", "kind", "low", "high", "values", "range_low", "range_high",
    "coverage", "density", "mass",
)  # fmt: skip


def boxes_table(X: pd.DataFrame, boxes: list[Box], outcome: str) -> pd.DataFrame:
    """One row per restricted input of each box (every input, at its full range, when a box restricts
    none), in the prim_boxes schema."""
    full = _full_limits(X)
    rows = []
    for number, box in enumerate(boxes, start=1):
        for name, limit in (box.limits or full).items():
            categorical = isinstance(limit, frozenset)
            rows.append(
                {
                    "outcome": outcome,
                    "box": number,
                    "parameter": name,
                    "kind": "categorical" if categorical else "numeric",
                    "low": np.nan if categorical else limit[0],
                    "high": np.nan if categorical else limit[1],
                    "values": ",".join(sorted(str(v) for v in limit)) if categorical else "",
                    "range_low": np.nan if categorical else full[name][0],
                    "range_high": np.nan if categorical else full[name][1],
                    "coverage": box.coverage,
                    "density": box.density,
                    "mass": box.mass,
                }
            )
    return pd.DataFrame(rows, columns=list(BOX_COLUMNS)).astype(
        {"box": "int64", "low": "float64", "high": "float64", "range_low": "float64", "range_high": "float64",
         "coverage": "float64", "density": "float64", "mass": "float64"}
    )  # fmt: skip
