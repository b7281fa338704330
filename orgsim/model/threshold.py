"""The threshold rule of adoption (Granovetter 1978; Watts 2002) on the employee network, in numpy.

An employee adopts once the share of its network neighbours who adopted reaches its own threshold. The
functions work on plain arrays so that the employee layer and the validation checks run the same code.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from orgsim.config.schema import ThresholdConfig

# exposure(adopting neighbours, degree) -> what each employee compares with its threshold
Exposure = Callable[[np.ndarray, np.ndarray], np.ndarray]


def adopting_share(adopting_neighbours: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """The share of an employee's neighbours who adopted (Watts's rule); 0 for an employee with none."""
    return np.divide(adopting_neighbours, degree, out=np.zeros(len(degree)), where=degree > 0)


def adopting_count(adopting_neighbours: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """The NUMBER of adopting neighbours: a wrong normalization, kept so tests can show the checks catch it."""
    return np.asarray(adopting_neighbours, dtype=float)


def draw_thresholds(cfg: ThresholdConfig, size: int, rng: np.random.Generator) -> np.ndarray:
    """Thresholds of `size` employees: fixed at the mean, or uniform / normal around it, clipped to [0, 1]."""
    if cfg.distribution == "fixed" or cfg.spread == 0:
        return np.full(size, cfg.mean)
    if cfg.distribution == "uniform":
        raw = rng.uniform(cfg.mean - cfg.spread, cfg.mean + cfg.spread, size)
    else:
        raw = rng.normal(cfg.mean, cfg.spread, size)
    return np.clip(raw, 0.0, 1.0)


def neighbours_of(adjacency: sp.csr_array, employees: np.ndarray) -> np.ndarray:
    """The neighbours of `employees`, concatenated (their CSR rows, gathered in numpy: scipy's row
    indexing costs more than a whole month's step at 10k employees)."""
    indptr = adjacency.indptr
    starts = indptr[employees]
    lengths = indptr[employees + 1] - starts
    ends = lengths.cumsum()  # the methods, not np.cumsum or sum: a month calls this with a few dozen
    total = int(ends[-1]) if len(ends) else 0
    if total == 0:
        return np.empty(0, adjacency.indices.dtype)
    return adjacency.indices[np.repeat(starts - (ends - lengths), lengths) + np.arange(total)]


def spread(
    adjacency: sp.csr_array | None,
    adopted: np.ndarray,
    adopting_neighbours: np.ndarray | None,
    thresholds: np.ndarray,
    degree: np.ndarray | None,
    hops: int | None = 1,
    exposure: Exposure = adopting_share,
) -> np.ndarray:
    """Run `hops` synchronous updates of the threshold rule (None: until nobody else adopts); return the
    employees who adopted, in the order they did.

    Updates `adopted` and `adopting_neighbours` in place. Synchronous: everyone decides on the same month's
    exposure. The rule is monotone, so the fixed point is the same final set as any update order reaches.
    With `adjacency` None (full mixing) an employee's neighbours are everyone.
    """
    newcomers = []
    hop = 0
    while hops is None or hop < hops:
        hop += 1
        if adjacency is None:
            reached = np.mean(adopted) >= thresholds
        else:
            # an employee with no neighbours has no share to look at: it never adopts by the rule
            reached = (exposure(adopting_neighbours, degree) >= thresholds) & (degree > 0)
        new = np.flatnonzero(reached & ~adopted)
        if len(new) == 0:
            break
        adopted[new] = True
        if adjacency is not None:  # the adjacency is symmetric: their rows list who sees them
            adopting_neighbours += np.bincount(neighbours_of(adjacency, new), minlength=len(adopted))
        newcomers.append(new)
    return np.concatenate(newcomers) if newcomers else np.empty(0, np.int64)
