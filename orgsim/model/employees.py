"""The vectorized employee population: grassroots adoption of consumer social tools as Bass on a network.

Employees are numpy arrays, not agents; the intra-organization network is built once with networkx and
kept as a scipy.sparse CSR matrix. Every draw comes from the generator passed in (the model's rng).
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.sparse as sp

from orgsim.config.schema import EmployeesConfig


def bass_closed_form(p: float, q: float, t: np.ndarray | float) -> np.ndarray:
    """Cumulative Bass adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) from F(0) = 0."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e)


def _ring_degree(size: int, mean_degree: int) -> int:
    """An even Watts-Strogatz neighbourhood size that fits a group of `size` nodes."""
    k = min(mean_degree, size - 1)
    return k - (k % 2)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def build_graph(cfg: EmployeesConfig, department: np.ndarray, rng: np.random.Generator) -> nx.Graph | None:
    """The employee network as a networkx graph (None for full mixing). Employees are sorted by department."""
    n = len(department)
    if cfg.network == "full":
        return None
    if cfg.network == "watts_strogatz":
        k = _ring_degree(n, cfg.mean_degree)
        return nx.watts_strogatz_graph(n, k, cfg.rewire, seed=_seed(rng)) if k >= 2 else nx.empty_graph(n)
    # department_blocks: a small world inside each department plus random ties across departments
    graph = nx.empty_graph(n)
    within_degree = max(2, round(cfg.mean_degree * (1.0 - cfg.cross_department_share)))
    starts = np.flatnonzero(np.r_[True, department[1:] != department[:-1]])
    ends = np.r_[starts[1:], n]
    for start, end in zip(starts, ends, strict=True):
        size = int(end - start)
        k = _ring_degree(size, within_degree)
        if k >= 2:
            block = nx.watts_strogatz_graph(size, k, cfg.rewire, seed=_seed(rng))
            graph.add_edges_from((int(u) + start, int(v) + start) for u, v in block.edges())
    n_cross = round(n * cfg.mean_degree * cfg.cross_department_share / 2)
    if n_cross and len(starts) > 1:
        a = rng.integers(0, n, size=n_cross)
        b = rng.integers(0, n, size=n_cross)
        keep = department[a] != department[b]
        graph.add_edges_from(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
    return graph


def to_adjacency(graph: nx.Graph) -> sp.csr_array:
    """The graph's 0/1 adjacency as CSR, built once: the monthly step is a sparse product."""
    return nx.to_scipy_sparse_array(
        graph, nodelist=range(graph.number_of_nodes()), format="csr", dtype=np.float64
    )


class EmployeePopulation:
    """Employees as arrays: department, BYOT propensity, and whether they use consumer social tools.

    Monthly Bass step: a non-adopter adopts with probability 1 - exp(-h/12), where the yearly hazard is
    h = p_t * propensity + q * (adopting neighbours / neighbours), and p_t grows with consumerization.
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
        self.graph = build_graph(cfg, self.department, rng)
        self.adjacency = to_adjacency(self.graph) if self.graph is not None else None
        if self.adjacency is not None:
            self.degree = np.asarray(self.adjacency.sum(axis=1)).ravel()
            self._inv_degree = np.divide(1.0, self.degree, out=np.zeros(self.size), where=self.degree > 0)
        self.adopted = rng.random(self.size) < cfg.initial_adopters
        self.adopters_by_department = np.bincount(
            self.department[self.adopted], minlength=self.n_departments
        ).astype(np.int64)
        self.headcount = np.asarray(headcounts, dtype=np.int64)

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
        adopted = self.adopted.astype(np.float64)
        if self.adjacency is None:
            neighbour_share = self.adoption_share
        else:
            neighbour_share = (self.adjacency @ adopted) * self._inv_degree
        hazard = p * self.propensity + self.cfg.q * neighbour_share
        chance = -np.expm1(-hazard / 12.0)
        new = (~self.adopted) & (self.rng.random(self.size) < chance)
        self.adopted |= new
        if new.any():
            self.adopters_by_department += np.bincount(self.department[new], minlength=self.n_departments)
        return int(new.sum())

    def expected_share(self, months: float) -> float:
        """Bass closed form for this population's constant p and q (valid for full mixing, no trend)."""
        return float(bass_closed_form(self.cfg.p, self.cfg.q, months / 12.0)) if self.cfg.p > 0 else math.nan
