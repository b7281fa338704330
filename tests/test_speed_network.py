"""The numpy network builders: the graph families networkx drew before, built directly as CSR."""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pytest

from orgsim.config.schema import EmployeesConfig
from orgsim.model.employees import EmployeePopulation
from orgsim.model.network import (
    adjacency_from_edges,
    build_adjacency,
    networkx_adjacency,
    ring_degree,
    watts_strogatz_edges,
)


def _ws(n: int, k: int, rewire: float, seed: int):
    u, v = watts_strogatz_edges(n, k, rewire, np.random.default_rng(seed))
    return u, v, adjacency_from_edges(u, v, n)


def _assert_simple_graph(adjacency, n: int) -> None:
    assert adjacency.shape == (n, n)
    assert abs(adjacency - adjacency.T).nnz == 0
    assert adjacency.diagonal().sum() == 0
    assert adjacency.has_sorted_indices
    if adjacency.nnz:
        assert set(np.unique(adjacency.data)) == {1.0}


@pytest.mark.parametrize("rewire", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize(("n", "k"), [(2000, 10), (101, 4), (12, 10), (40, 38)])
def test_watts_strogatz_keeps_every_tie_and_each_node_its_own_ties(n: int, k: int, rewire: float) -> None:
    _, _, adjacency = _ws(n, k, rewire, seed=n + k)
    _assert_simple_graph(adjacency, n)
    # rewiring moves a tie's far end only: n * k / 2 ties, and every node keeps the k / 2 it started
    assert adjacency.nnz == n * k
    assert (np.diff(adjacency.indptr) >= k // 2).all()


def test_without_rewiring_it_is_networkx_ring_lattice() -> None:
    _, _, adjacency = _ws(500, 8, 0.0, seed=0)
    ring = nx.to_scipy_sparse_array(nx.watts_strogatz_graph(500, 8, 0.0, seed=0), format="csr")
    assert abs(adjacency - ring).nnz == 0


def test_small_and_complete_groups() -> None:
    assert adjacency_from_edges(*watts_strogatz_edges(2, 2, 0.5, np.random.default_rng(0)), 2).nnz == 0
    _, _, complete = _ws(7, ring_degree(7, 10), 1.0, seed=1)  # k = 6 = n - 1: the complete graph
    assert complete.nnz == 7 * 6


def _mean_clustering(adjacency) -> float:
    return nx.average_clustering(nx.from_scipy_sparse_array(adjacency))


@pytest.mark.slow
@pytest.mark.parametrize("rewire", [0.05, 0.2])
def test_clustering_and_path_length_match_networkx(rewire: float) -> None:
    """Same family: mean clustering and path length agree with networkx's graphs of the same parameters."""
    n, k = 1000, 10
    ours = [_ws(n, k, rewire, seed)[2] for seed in range(3)]
    theirs = [nx.to_scipy_sparse_array(nx.watts_strogatz_graph(n, k, rewire, seed=s)) for s in range(3)]
    clustering = [np.mean([_mean_clustering(a) for a in graphs]) for graphs in (ours, theirs)]
    # C(p) ~ C(0) (1 - p)^3 with C(0) = 3 (k - 2) / (4 (k - 1)) = 0.667: 0.57 and 0.34 here; seed to seed
    # the mean varies by about 0.005
    assert clustering[0] == pytest.approx(clustering[1], abs=0.02)
    lengths = [
        np.mean([nx.average_shortest_path_length(nx.from_scipy_sparse_array(a)) for a in graphs[:1]])
        for graphs in (ours, theirs)
    ]
    assert lengths[0] == pytest.approx(lengths[1], rel=0.05)


HEADCOUNTS = [120, 400, 300, 30, 3, 2, 1, 60]


@pytest.mark.parametrize("cross_share", [0.0, 0.15, 0.4])
def test_department_blocks_match_the_networkx_builder(cross_share: float) -> None:
    """Degree and share of ties crossing departments agree between the two builders (3 seeds each)."""
    department = np.repeat(np.arange(len(HEADCOUNTS)), HEADCOUNTS)
    stats = {}
    for builder in ("numpy", "networkx"):
        cfg = EmployeesConfig(
            network="department_blocks", cross_department_share=cross_share, builder=builder
        )
        degree, crossing = [], []
        for seed in range(3):
            adjacency = build_adjacency(cfg, department, np.random.default_rng(seed))
            _assert_simple_graph(adjacency, len(department))
            rows, cols = adjacency.nonzero()
            degree.append(adjacency.nnz / len(department))
            crossing.append(np.mean(department[rows] != department[cols]))
        stats[builder] = (np.mean(degree), np.mean(crossing))
    assert stats["numpy"][0] == pytest.approx(stats["networkx"][0], rel=0.02)
    assert stats["numpy"][1] == pytest.approx(stats["networkx"][1], abs=0.01)


def test_same_seed_same_network_and_networkx_stays_available() -> None:
    department = np.repeat(np.arange(3), [50, 80, 70])
    for network in ("watts_strogatz", "department_blocks"):
        cfg = EmployeesConfig(network=network)
        a = build_adjacency(cfg, department, np.random.default_rng(7))
        b = build_adjacency(cfg, department, np.random.default_rng(7))
        assert abs(a - b).nnz == 0
        old = networkx_adjacency(cfg, department, np.random.default_rng(7))
        _assert_simple_graph(old, 200)
    assert build_adjacency(EmployeesConfig(network="full"), department, np.random.default_rng(0)) is None


def test_population_graph_is_the_adjacency_as_networkx() -> None:
    cfg = EmployeesConfig(network="watts_strogatz")
    population = EmployeePopulation(cfg, [300, 200], [0.5, 0.5], np.random.default_rng(2))
    graph = population.graph
    assert graph.number_of_nodes() == 500
    assert graph.number_of_edges() * 2 == population.adjacency.nnz


@pytest.mark.parametrize("network", ["watts_strogatz", "department_blocks"])
def test_adopting_neighbour_counts_follow_the_network(network: str) -> None:
    """The step keeps counts from new adopters only; they must equal the full product every month."""
    cfg = EmployeesConfig(network=network, p=0.2, q=1.0, initial_adopters=0.05)
    population = EmployeePopulation(cfg, [400, 300, 50], [0.3, 0.6, 0.9], np.random.default_rng(8))
    for _ in range(24):
        population.step(consumerization_gain=0.3)
        expected = population.adjacency @ population.adopted.astype(float)
        assert np.array_equal(population.adopting_neighbours, expected)
    assert 0.3 < population.adoption_share < 1.0


def test_auto_workers_stay_serial_below_the_pool_break_even() -> None:
    from orgsim.runner import POOL_BREAK_EVEN_MONTHS, default_workers

    small = POOL_BREAK_EVEN_MONTHS // 60 - 1  # default 60-month replicates
    assert default_workers(0, small, 60) == 1
    assert default_workers(0, small + 1, 60) == min(os.cpu_count() or 1, small + 1)
    assert default_workers(0, small, 120) == min(os.cpu_count() or 1, small)  # longer runs: pool pays
    assert default_workers(2, 3, 12) == 2  # an explicit request is kept
    assert default_workers(4, 3, 12) == 3  # but never more workers than replicates
