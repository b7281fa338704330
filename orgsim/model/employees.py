"""The vectorized employee population: grassroots adoption of consumer social tools as Bass on a network.

Employees are numpy arrays, not agents; the intra-organization network is built once as a scipy.sparse CSR
matrix (network.py). Every draw comes from the generator passed in (the model's rng).
"""

from __future__ import annotations

import math

import numpy as np

from orgsim.config.schema import EmployeesConfig
from orgsim.model.network import build_adjacency, to_networkx


def bass_closed_form(p: float, q: float, t: np.ndarray | float) -> np.ndarray:
    """Cumulative Bass adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) from F(0) = 0."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e)


class EmployeePopulation:
    """Employees as arrays: department, BYOT propensity, and whether they use consumer social tools.

    Monthly Bass step: a non-adopter adopts with probability 1 - exp(-h/12), where the yearly hazard is
    h = p_t * propensity + q * (adopting neighbours / neighbours), and p_t grows with consumerization.
    Adoption changes only through `step` (it keeps the adopting-neighbour counts).
    """

    def __init__(
        self,
        cfg: EmployeesConfig,
        headcounts: list[int],
        autonomy: list[float],
        rng: np.random.Generator,
    ):
        self.cfg = cfg
        self.rng = rng
        self.n_departments = len(headcounts)
        self.department = np.repeat(np.arange(self.n_departments), headcounts)
        self.size = len(self.department)
        # propensity: mean 1 overall, higher where the department is autonomous
        dept_level = np.asarray(autonomy, dtype=float)[self.department]
        spread = cfg.propensity_spread
        raw = (1.0 - spread) + spread * 2.0 * dept_level * rng.random(self.size)
        self.propensity = raw / raw.mean() if raw.mean() > 0 else np.ones(self.size)
        self.adjacency = build_adjacency(cfg, self.department, rng)
        if self.adjacency is not None:
            self.degree = np.asarray(self.adjacency.sum(axis=1)).ravel()
            self._inv_degree = np.divide(1.0, self.degree, out=np.zeros(self.size), where=self.degree > 0)
        self.adopted = rng.random(self.size) < cfg.initial_adopters
        if self.adjacency is not None:
            # adopting neighbours per employee, kept up to date from each month's new adopters only: a
            # whole-network product every month took over half the step (100k employees: 2.9 -> 1.3 ms)
            self.adopting_neighbours = self.adjacency @ self.adopted.astype(np.float64)
        self.adopters_by_department = np.bincount(
            self.department[self.adopted], minlength=self.n_departments
        ).astype(np.int64)
        self.headcount = np.asarray(headcounts, dtype=np.int64)

    @property
    def graph(self):
        """The network as a networkx graph, built on demand for analysis or drawing (None: full mixing)."""
        return to_networkx(self.adjacency) if self.adjacency is not None else None

    @property
    def adopters(self) -> int:
        return int(self.adopters_by_department.sum())

    @property
    def adoption_share(self) -> float:
        return self.adopters / self.size if self.size else 0.0

    def department_share(self) -> np.ndarray:
        return self.adopters_by_department / np.maximum(self.headcount, 1)

    def external_influence(self, consumerization_gain: float) -> float:
        """Yearly p, raised by consumerization since the start (0 gain: constant p)."""
        return self.cfg.p * (1.0 + self.cfg.consumerization_boost * consumerization_gain)

    def step(self, consumerization_gain: float = 0.0) -> int:
        """Advance one month; return the number of new adopters."""
        p = self.external_influence(consumerization_gain)
        if self.adjacency is None:
            neighbour_share = self.adoption_share
        else:
            neighbour_share = self.adopting_neighbours * self._inv_degree
        hazard = p * self.propensity + self.cfg.q * neighbour_share
        chance = -np.expm1(-hazard / 12.0)
        new = (~self.adopted) & (self.rng.random(self.size) < chance)
        self.adopted |= new
        newcomers = np.flatnonzero(new)
        if len(newcomers):
            self.adopters_by_department += np.bincount(
                self.department[newcomers], minlength=self.n_departments
            )
            if self.adjacency is not None:  # the adjacency is symmetric: their rows list who sees them
                self.adopting_neighbours += np.bincount(self._ties_of(newcomers), minlength=self.size)
        return len(newcomers)

    def _ties_of(self, employees: np.ndarray) -> np.ndarray:
        """The neighbours of `employees`, concatenated (their CSR rows, gathered in numpy: scipy's row
        indexing costs more than the whole step at 10k employees)."""
        indptr = self.adjacency.indptr
        starts = indptr[employees]
        lengths = indptr[employees + 1] - starts
        first = np.cumsum(lengths) - lengths
        return self.adjacency.indices[np.repeat(starts - first, lengths) + np.arange(first[-1] + lengths[-1])]

    def expected_share(self, months: float) -> float:
        """Bass closed form for this population's constant p and q (valid for full mixing, no trend)."""
        return float(bass_closed_form(self.cfg.p, self.cfg.q, months / 12.0)) if self.cfg.p > 0 else math.nan
