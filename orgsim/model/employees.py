"""The vectorized employee population: grassroots adoption of consumer social tools on a network, by a
Bass process (default) or a threshold rule (threshold.py).

Employees are numpy arrays, not agents; the intra-organization network is built once as a scipy.sparse CSR
matrix (network.py). Every draw comes from the generator passed in (the model's rng).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from orgsim.config.schema import EmployeesConfig
from orgsim.model.network import build_adjacency, to_networkx
from orgsim.model.threshold import draw_thresholds, neighbours_of, spread


def bass_closed_form(p: float, q: float, t: np.ndarray | float) -> np.ndarray:
    """Cumulative Bass adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) from F(0) = 0."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e)


# Populations that start from the same generator state with the same settings draw the same network,
# propensities and first adopters: a sweep's paired runs (every lever setting on the same seeds) build
# each start once. Building it is ~15% of a sweep run (2,000 employees). Bounded, so memory stays flat.
REMEMBERED_STARTS = 8
MAX_REMEMBERED_SIZE = 20_000  # employees; a 100k population's start is ~30 MB


@dataclass(frozen=True, slots=True)
class _Start:
    """What a population draws before its first month, and the generator's state after drawing it."""

    department: np.ndarray
    propensity: np.ndarray
    adjacency: sp.csr_array | None
    degree: np.ndarray | None
    inv_degree: np.ndarray | None
    adopted: np.ndarray  # copied by each population
    adopting_neighbours: np.ndarray | None  # copied by each population
    thresholds: np.ndarray | None
    state_after: dict


_STARTS: OrderedDict[tuple, _Start] = OrderedDict()


def forget_starts() -> None:
    """Drop the remembered starts (a benchmark timing the build, or a test of it, starts cold)."""
    _STARTS.clear()


def _start_key(cfg: EmployeesConfig, headcounts: list[int], autonomy: list[float], rng) -> tuple:
    state = rng.bit_generator.state
    return (repr(state), repr(cfg), tuple(headcounts), tuple(autonomy))


def _draw_start(
    cfg: EmployeesConfig, headcounts: list[int], autonomy: list[float], rng: np.random.Generator
) -> _Start:
    department = np.repeat(np.arange(len(headcounts)), headcounts)
    size = len(department)
    # propensity: mean 1 overall, higher where the department is autonomous
    dept_level = np.asarray(autonomy, dtype=float)[department]
    spread = cfg.propensity_spread
    raw = (1.0 - spread) + spread * 2.0 * dept_level * rng.random(size)
    propensity = raw / raw.mean() if raw.mean() > 0 else np.ones(size)
    adjacency = build_adjacency(cfg, department, rng)
    degree = inv_degree = adopting_neighbours = thresholds = None
    if adjacency is not None:
        degree = np.asarray(adjacency.sum(axis=1)).ravel()
        inv_degree = np.divide(1.0, degree, out=np.zeros(size), where=degree > 0)
    adopted = rng.random(size) < cfg.initial_adopters
    if cfg.rule == "threshold":  # drawn after everything the Bass rule draws, which stays as it was
        thresholds = draw_thresholds(cfg.threshold, size, rng)
        seeds = min(cfg.threshold.seeds, size)
        if seeds:
            adopted[rng.choice(size, size=seeds, replace=False)] = True
    if adjacency is not None:
        # adopting neighbours per employee, kept up to date from each month's new adopters only: a
        # whole-network product every month took over half the step (100k employees: 2.9 -> 1.3 ms)
        adopting_neighbours = adjacency @ adopted.astype(np.float64)
    for shared in (department, propensity, degree, inv_degree, thresholds, adopted, adopting_neighbours):
        if shared is not None:
            shared.flags.writeable = False
    return _Start(
        department, propensity, adjacency, degree, inv_degree, adopted, adopting_neighbours, thresholds,
        rng.bit_generator.state,
    )  # fmt: skip


class EmployeePopulation:
    """Employees as arrays: department, BYOT propensity, and whether they use consumer social tools.

    Monthly Bass step: a non-adopter adopts with probability 1 - exp(-h/12), where the yearly hazard is
    h = p_t * propensity + q * (adopting neighbours / neighbours), and p_t grows with consumerization.
    Threshold step (rule=threshold): external adoption at hazard p_t * propensity if threshold.external,
    then one hop of the threshold rule, or hops to its fixed point (threshold.update).
    Adoption changes only through `step` (it keeps the adopting-neighbour counts).
    """

    def __init__(
        self,
        cfg: EmployeesConfig,
        headcounts: list[int],
        autonomy: list[float],
        rng: np.random.Generator,
        uniforms: Callable[[int], np.ndarray] | None = None,
    ):
        self.cfg = cfg
        self.rng = rng
        # the monthly uniforms: rng.random(n), or the model's block draws of the same stream (draws.py)
        self._uniforms = uniforms or rng.random
        self.n_departments = len(headcounts)
        self.headcount = np.asarray(headcounts, dtype=np.int64)
        key = _start_key(cfg, headcounts, autonomy, rng)
        start = _STARTS.get(key)
        if start is None:
            start = _draw_start(cfg, headcounts, autonomy, rng)
            if start.department.size <= MAX_REMEMBERED_SIZE:
                _STARTS[key] = start
                while len(_STARTS) > REMEMBERED_STARTS:
                    _STARTS.popitem(last=False)
        else:
            _STARTS.move_to_end(key)
            rng.bit_generator.state = start.state_after  # as if drawn again
        # read-only arrays shared with other populations of the same start; the state is this one's own
        self.department = start.department
        self.size = len(self.department)
        self.propensity = start.propensity
        self.adjacency = start.adjacency
        if self.adjacency is not None:
            self.degree = start.degree
            self._inv_degree = start.inv_degree
            self._hazard, self._external = np.empty(self.size), np.empty(self.size)
            self.adopting_neighbours = start.adopting_neighbours.copy()
        if cfg.rule == "threshold":
            self.thresholds = start.thresholds
        self.adopted = start.adopted.copy()
        self.adopters_by_department = np.bincount(
            self.department[self.adopted], minlength=self.n_departments
        ).astype(np.int64)

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
        if self.cfg.rule == "threshold":
            return self._threshold_step(consumerization_gain)
        p = self.external_influence(consumerization_gain)
        if self.adjacency is None:
            hazard = p * self.propensity + self.cfg.q * self.adoption_share
        else:
            # p * propensity + q * (adopting neighbours / neighbours), in two preallocated arrays: the
            # same operations on the same operands (products and sums commute exactly), fewer allocations
            hazard, external = self._hazard, self._external
            np.multiply(self.adopting_neighbours, self._inv_degree, out=hazard)
            hazard *= self.cfg.q
            np.multiply(self.propensity, p, out=external)
            hazard += external
        # the chance to adopt this month, 1 - exp(-hazard / 12), is -expm1(hazard / -12)
        chance = np.expm1(np.divide(hazard, -12.0, out=hazard), out=hazard)
        np.negative(chance, out=chance)
        new = self._uniforms(self.size) < chance
        new &= ~self.adopted
        self.adopted |= new
        newcomers = np.flatnonzero(new)
        if len(newcomers):
            self.adopters_by_department += np.bincount(
                self.department[newcomers], minlength=self.n_departments
            )
            if self.adjacency is not None:  # the adjacency is symmetric: their rows list who sees them
                self.adopting_neighbours += np.bincount(self._ties_of(newcomers), minlength=self.size)
        return len(newcomers)

    def _threshold_step(self, consumerization_gain: float) -> int:
        newcomers = []
        if self.cfg.threshold.external:
            hazard = self.external_influence(consumerization_gain) * self.propensity
            new = (~self.adopted) & (self._uniforms(self.size) < -np.expm1(-hazard / 12.0))
            newcomers.append(np.flatnonzero(new))
            self._register(newcomers[-1])
        hops = 1 if self.cfg.threshold.update == "synchronous" else None
        newcomers.append(
            spread(
                self.adjacency,
                self.adopted,
                self.adopting_neighbours if self.adjacency is not None else None,
                self.thresholds,
                self.degree if self.adjacency is not None else None,
                hops=hops,
            )
        )
        counted = np.concatenate(newcomers)
        if len(counted):  # spread() already updated the adopting-neighbour counts for its own newcomers
            self.adopters_by_department += np.bincount(self.department[counted], minlength=self.n_departments)
        return len(counted)

    def _register(self, newcomers: np.ndarray) -> None:
        """Mark `newcomers` adopted and tell their neighbours (departments are counted by the caller)."""
        self.adopted[newcomers] = True
        if len(newcomers) and self.adjacency is not None:
            self.adopting_neighbours += np.bincount(self._ties_of(newcomers), minlength=self.size)

    def _ties_of(self, employees: np.ndarray) -> np.ndarray:
        """The neighbours of `employees`, concatenated."""
        return neighbours_of(self.adjacency, employees)

    def expected_share(self, months: float) -> float:
        """Bass closed form for this population's constant p and q (valid for full mixing, no trend)."""
        return float(bass_closed_form(self.cfg.p, self.cfg.q, months / 12.0)) if self.cfg.p > 0 else math.nan
