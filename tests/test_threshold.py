"""The threshold rule of the employee layer (Granovetter 1978; Watts 2002) and the graph families it runs on."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.config.schema import EmployeesConfig, ThresholdConfig
from orgsim.model.employees import EmployeePopulation
from orgsim.model.network import (
    adjacency_from_edges,
    barabasi_albert_edges,
    build_adjacency,
    erdos_renyi_edges,
)
from orgsim.model.threshold import adopting_count, draw_thresholds, spread

HEADCOUNTS = [120, 400, 300, 30, 60, 80, 700, 250, 60]
AUTONOMY = [0.7, 0.5, 0.4, 0.5, 0.3, 0.3, 0.3, 0.6, 0.5]


def path_graph(n: int):
    u = np.arange(n - 1)
    return adjacency_from_edges(u, u + 1, n)


def start(adjacency, first: int):
    n = adjacency.shape[0]
    adopted = np.zeros(n, dtype=bool)
    adopted[first] = True
    return adopted, adjacency @ adopted.astype(float), np.diff(adjacency.indptr).astype(float)


# --- the rule ------------------------------------------------------------------------------------------


def test_an_employee_adopts_once_the_adopting_share_of_its_neighbours_reaches_its_threshold() -> None:
    adjacency = path_graph(5)  # 0-1-2-3-4: inner employees have two neighbours, so one adopter is 1/2
    adopted, neighbours, degree = start(adjacency, 0)
    spread(adjacency, adopted, neighbours, np.full(5, 0.5), degree, hops=None)
    assert adopted.all()
    adopted, neighbours, degree = start(adjacency, 0)
    spread(adjacency, adopted, neighbours, np.full(5, 0.51), degree, hops=None)
    assert adopted.tolist() == [True, False, False, False, False]


def test_synchronous_update_moves_one_hop_and_the_fixed_point_to_the_end() -> None:
    adjacency = path_graph(6)
    adopted, neighbours, degree = start(adjacency, 0)
    new = spread(adjacency, adopted, neighbours, np.full(6, 0.5), degree, hops=1)
    assert new.tolist() == [1]
    new = spread(adjacency, adopted, neighbours, np.full(6, 0.5), degree, hops=None)
    assert new.tolist() == [2, 3, 4, 5]
    np.testing.assert_array_equal(neighbours, adjacency @ adopted.astype(float))  # counts kept in step


def test_counting_adopters_instead_of_their_share_spreads_where_the_share_does_not() -> None:
    # a hub with 10 neighbours: one adopter is 1/10 of them, below 0.18, but one adopter >= 0.18 by count
    adjacency = adjacency_from_edges(np.zeros(10, int), np.arange(1, 11), 11)
    adopted, neighbours, degree = start(adjacency, 1)
    spread(adjacency, adopted, neighbours, np.full(11, 0.18), degree, hops=None)
    assert adopted.sum() == 1
    adopted, neighbours, degree = start(adjacency, 1)
    spread(adjacency, adopted, neighbours, np.full(11, 0.18), degree, hops=None, exposure=adopting_count)
    assert adopted.all()


def test_isolated_employees_never_adopt_by_the_rule_even_with_threshold_zero() -> None:
    adjacency = adjacency_from_edges(np.array([0]), np.array([1]), 3)  # employee 2 has no ties
    adopted, neighbours, degree = start(adjacency, 0)
    spread(adjacency, adopted, neighbours, np.zeros(3), degree, hops=None)
    assert adopted.tolist() == [True, True, False]


def test_full_mixing_is_granovetters_riot_model() -> None:
    """Everyone sees everyone: a fixed threshold of 0.3 is reached only when 30% started."""
    thresholds = np.full(1000, 0.3)
    for seeded, expected in ((290, 290), (300, 1000)):
        adopted = np.zeros(1000, dtype=bool)
        adopted[:seeded] = True
        spread(None, adopted, None, thresholds, None, hops=None)
        assert adopted.sum() == expected


@pytest.mark.parametrize(
    ("distribution", "spread_", "mean", "sd"),
    [("fixed", 0.0, 0.25, 0.0), ("uniform", 0.1, 0.25, 0.2 / np.sqrt(12)), ("normal", 0.05, 0.25, 0.05)],
)
def test_thresholds_follow_their_distribution(distribution, spread_, mean, sd) -> None:
    cfg = ThresholdConfig(distribution=distribution, mean=0.25, spread=spread_)
    thresholds = draw_thresholds(cfg, 20_000, np.random.default_rng(1))
    assert thresholds.mean() == pytest.approx(mean, abs=0.003)
    assert thresholds.std() == pytest.approx(sd, abs=0.003)


def test_thresholds_are_clipped_to_the_unit_interval() -> None:
    cfg = ThresholdConfig(distribution="normal", mean=0.05, spread=0.3)
    thresholds = draw_thresholds(cfg, 10_000, np.random.default_rng(2))
    assert thresholds.min() == 0.0 and thresholds.max() <= 1.0


# --- the rule inside the employee layer ----------------------------------------------------------------


def threshold_population(seed: int = 3, **threshold) -> EmployeePopulation:
    cfg = EmployeesConfig(rule="threshold", network="erdos_renyi", threshold=ThresholdConfig(**threshold))
    return EmployeePopulation(cfg, HEADCOUNTS, AUTONOMY, np.random.default_rng(seed))


def test_without_seeds_or_external_adoption_nobody_adopts() -> None:
    population = threshold_population(external=False, seeds=0)
    for _ in range(12):
        assert population.step(1.0) == 0
    assert population.adopters == 0


def test_seeds_adopt_at_the_start_and_the_layer_keeps_its_counts_in_step() -> None:
    population = threshold_population(seeds=20, external=True, mean=0.15)
    assert population.adopters == 20
    for month in range(1, 13):
        population.step(month / 12)
        assert population.adopters == population.adopted.sum()
        np.testing.assert_array_equal(
            population.adopters_by_department,
            np.bincount(population.department[population.adopted], minlength=len(HEADCOUNTS)),
        )
        np.testing.assert_array_equal(
            population.adopting_neighbours, population.adjacency @ population.adopted.astype(float)
        )


def test_fixed_point_update_reaches_in_one_month_what_synchronous_reaches_month_by_month() -> None:
    one_go = threshold_population(seeds=30, external=False, update="fixed_point")
    hop_by_hop = threshold_population(seeds=30, external=False, update="synchronous")
    one_go.step()
    months = 0
    while hop_by_hop.step():
        months += 1
    assert months > 1
    np.testing.assert_array_equal(one_go.adopted, hop_by_hop.adopted)


def test_bass_rule_draws_nothing_for_thresholds() -> None:
    """The default rule's random stream is the one it always had (the golden table pins its values)."""
    cfg = EmployeesConfig(network="erdos_renyi")
    a = EmployeePopulation(cfg, HEADCOUNTS, AUTONOMY, np.random.default_rng(4))
    cfg_threshold = EmployeesConfig(network="erdos_renyi", rule="threshold")
    b = EmployeePopulation(cfg_threshold, HEADCOUNTS, AUTONOMY, np.random.default_rng(4))
    assert not hasattr(a, "thresholds")
    np.testing.assert_array_equal(a.adopted, b.adopted)
    assert (a.adjacency != b.adjacency).nnz == 0


# --- graph families ------------------------------------------------------------------------------------


def degrees(u, v, n) -> np.ndarray:
    return np.diff(adjacency_from_edges(u, v, n).indptr)


def assert_simple(u: np.ndarray, v: np.ndarray, n: int) -> None:
    assert len(u) == len(v) and (u != v).all(), "self-loop"
    keys = np.minimum(u, v) * n + np.maximum(u, v)
    assert len(np.unique(keys)) == len(keys), "duplicate tie"
    assert u.min() >= 0 and max(u.max(), v.max()) < n
    adjacency = adjacency_from_edges(u, v, n)
    assert (adjacency != adjacency.T).nnz == 0


@pytest.mark.parametrize("z", [0.5, 4.0, 10.0])
def test_erdos_renyi_has_the_mean_degree_and_poisson_spread_of_gnp(z: float) -> None:
    n = 20_000
    u, v = erdos_renyi_edges(n, z, np.random.default_rng(5))
    assert_simple(u, v, n)
    k = degrees(u, v, n)
    # the edge count is binomial: the mean degree's standard deviation is about 2 sqrt(z n / 2) / n
    assert k.mean() == pytest.approx(z, abs=5 * 2 * np.sqrt(z * n / 2) / n)
    assert k.var() == pytest.approx(z, rel=0.06)  # Poisson: variance = mean
    assert np.mean(k == 0) == pytest.approx(np.exp(-z), abs=0.01)


def test_barabasi_albert_edge_count_minimum_degree_and_simple_graph() -> None:
    n, m = 5_000, 3
    u, v = barabasi_albert_edges(n, m, np.random.default_rng(6))
    assert_simple(u, v, n)
    assert len(u) == m * (m + 1) // 2 + m * (n - m - 1)
    assert degrees(u, v, n).min() == m


def test_barabasi_albert_tail_is_heavier_than_erdos_renyi_of_the_same_mean_degree() -> None:
    n, m = 20_000, 3
    rng = np.random.default_rng(7)
    ba = degrees(*barabasi_albert_edges(n, m, rng), n)
    er = degrees(*erdos_renyi_edges(n, ba.mean(), rng), n)
    assert ba.mean() == pytest.approx(er.mean(), rel=0.02)
    assert ba.max() > 5 * er.max()
    assert np.mean(ba >= 4 * ba.mean()) > 0.01 > np.mean(er >= 4 * ba.mean())
    # P(K >= k) ~ k^-2 for preferential attachment (degree exponent 3)
    ks = np.array([2 * m, 4 * m, 8 * m, 16 * m])
    ccdf = np.array([np.mean(ba >= k) for k in ks])
    slope = np.polyfit(np.log(ks), np.log(ccdf), 1)[0]
    assert -2.5 < slope < -1.6


def test_barabasi_albert_attaches_preferentially_to_early_nodes() -> None:
    n = 10_000
    k = degrees(*barabasi_albert_edges(n, 2, np.random.default_rng(8)), n)
    assert k[:100].mean() > 5 * k[n // 2 :].mean()


@pytest.mark.parametrize("network", ["erdos_renyi", "barabasi_albert"])
def test_new_families_draw_only_from_the_generator_passed(network: str) -> None:
    cfg = EmployeesConfig(network=network, mean_degree=8)
    department = np.repeat(np.arange(3), [300, 500, 200])
    np.random.seed(1)
    a = build_adjacency(cfg, department, np.random.default_rng(9))
    np.random.seed(2)
    b = build_adjacency(cfg, department, np.random.default_rng(9))
    assert (a != b).nnz == 0
    assert a.nnz / 1000 == pytest.approx(8, rel=0.1)


@pytest.mark.parametrize("network", ["erdos_renyi", "barabasi_albert"])
def test_networkx_builder_offers_the_new_families_with_the_same_mean_degree(network: str) -> None:
    department = np.zeros(2000, dtype=int)
    for builder in ("numpy", "networkx"):
        cfg = EmployeesConfig(network=network, builder=builder, mean_degree=6)
        adjacency = build_adjacency(cfg, department, np.random.default_rng(10))
        assert adjacency.nnz / 2000 == pytest.approx(6, rel=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("update", ["synchronous", "fixed_point"])
def test_the_organization_runs_under_the_threshold_rule(make_settings, update: str) -> None:
    from orgsim.model.organization import Organization

    setting = make_settings(
        "org.employees.rule=threshold",
        "org.employees.network=barabasi_albert",
        "org.employees.threshold.distribution=uniform",
        "org.employees.threshold.spread=0.1",
        f"org.employees.threshold.update={update}",
        "years=1",
    )
    model = Organization(setting, 5).run()
    grassroots = model.datacollector.get_model_vars_dataframe()["grassroots_adoption"]
    assert grassroots.between(0.0, 1.0).all() and grassroots.is_monotonic_increasing
    assert grassroots.iloc[-1] > grassroots.iloc[0]
