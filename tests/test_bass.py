"""The employee layer: the Bass curve under full mixing, and well-formed networks otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.config.schema import EmployeesConfig
from orgsim.model.employees import EmployeePopulation, bass_closed_form

P, Q = 0.03, 0.38  # per year
HEADCOUNTS = [4_000, 6_000, 10_000]  # 20,000 employees; under full mixing departments must not matter
POPULATIONS = 8
MONTHS = 120

# Tolerance of the mean share of POPULATIONS independent populations against the closed form:
# - DISCRETIZATION: the model steps monthly with the hazard of the month's start, 1 - exp(-(p + q F)/12),
#   so it lags the continuous curve. Iterating that recursion without noise gives a gap of at most 0.0093
#   over 10 years for p=0.03, q=0.38 (largest near the inflection, year 7); allow 0.01.
# - sampling: the binomial standard error sqrt(F(1-F)/n) of n = POPULATIONS * 20,000 employees, times
#   INFLATION because imitation amplifies early fluctuations: over 200 populations of 20,000 the spread
#   of F(t) was 1.2 to 2.25 times the binomial one. Four such standard errors.
# A 10% error in q or a 20% error in p moves the curve by 0.03 to 0.06 around years 5-7, beyond this.
DISCRETIZATION = 0.01
INFLATION = 2.5


def bass_config(**overrides) -> EmployeesConfig:
    values = {
        "network": "full",
        "p": P,
        "q": Q,
        "initial_adopters": 0.0,
        "propensity_spread": 0.0,
        "consumerization_boost": 0.0,
    }
    return EmployeesConfig(**{**values, **overrides})


def test_full_mixing_reproduces_the_bass_closed_form() -> None:
    shares = np.zeros((POPULATIONS, MONTHS))
    for i in range(POPULATIONS):
        population = EmployeePopulation(
            bass_config(), HEADCOUNTS, [0.2, 0.5, 0.9], np.random.default_rng(1000 + i)
        )
        assert population.adopters == 0
        for month in range(MONTHS):
            population.step(consumerization_gain=0.5)  # no effect: consumerization_boost is 0
            shares[i, month] = population.adoption_share
    months = np.array([6, 12, 24, 36, 48, 60, 72, 84, 96, 120])
    expected = bass_closed_form(P, Q, months / 12.0)
    observed = shares.mean(axis=0)[months - 1]
    binomial_se = np.sqrt(expected * (1.0 - expected) / (POPULATIONS * sum(HEADCOUNTS)))
    tolerance = DISCRETIZATION + 4.0 * INFLATION * binomial_se
    assert np.all(np.abs(observed - expected) <= tolerance), list(
        zip(months, observed, expected, strict=True)
    )
    assert np.all(np.diff(shares, axis=1) >= 0)  # nobody un-adopts


def test_expected_share_is_the_closed_form_in_months() -> None:
    population = EmployeePopulation(bass_config(), [100], [0.5], np.random.default_rng(0))
    assert population.expected_share(0) == 0.0
    assert population.expected_share(30) == pytest.approx(float(bass_closed_form(P, Q, 2.5)))
    assert bass_closed_form(P, Q, 1e3) == pytest.approx(1.0)


def test_propensity_averages_one_whatever_the_spread() -> None:
    for spread in (0.0, 0.5, 1.0):
        population = EmployeePopulation(
            bass_config(propensity_spread=spread), [500, 1500], [0.1, 0.9], np.random.default_rng(3)
        )
        assert population.propensity.mean() == pytest.approx(1.0)
        assert (population.propensity >= 0).all()
    # with spread, more autonomous departments are more inclined to bring their own tools
    by_department = [population.propensity[population.department == d].mean() for d in (0, 1)]
    assert by_department[1] > by_department[0]


NETWORK_HEADCOUNTS = [120, 400, 300, 30, 3, 2, 1, 60]  # includes departments too small for a ring


@pytest.mark.parametrize("network", ["watts_strogatz", "department_blocks"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_network_is_symmetric_without_self_loops_and_adoption_stays_within_headcount(
    network: str, seed: int
) -> None:
    cfg = EmployeesConfig(network=network, mean_degree=10, p=0.3, q=1.5, initial_adopters=0.02)
    autonomy = np.linspace(0.1, 0.9, len(NETWORK_HEADCOUNTS)).tolist()
    population = EmployeePopulation(cfg, NETWORK_HEADCOUNTS, autonomy, np.random.default_rng(seed))
    adjacency = population.adjacency
    n = sum(NETWORK_HEADCOUNTS)
    assert adjacency.shape == (n, n)
    assert abs(adjacency - adjacency.T).nnz == 0
    assert adjacency.diagonal().sum() == 0
    assert set(np.unique(adjacency.data)) == {1.0}
    assert adjacency.nnz > 0
    headcount = np.asarray(NETWORK_HEADCOUNTS)
    for _ in range(48):
        population.step()
        assert (population.adopters_by_department <= headcount).all()
        assert (
            population.adopters_by_department.tolist()
            == np.bincount(
                population.department[population.adopted], minlength=len(NETWORK_HEADCOUNTS)
            ).tolist()
        )
        assert population.adopters <= n
    assert population.adoption_share > 0.5  # diffusion did run over the network


def test_watts_strogatz_keeps_the_mean_degree() -> None:
    cfg = EmployeesConfig(network="watts_strogatz", mean_degree=10, rewire=0.2)
    population = EmployeePopulation(cfg, [700, 300], [0.5, 0.5], np.random.default_rng(4))
    assert population.degree.mean() == pytest.approx(10.0)


@pytest.mark.parametrize("cross_share", [0.0, 0.15, 0.4])
def test_department_blocks_keep_most_ties_inside_departments(cross_share: float) -> None:
    cfg = EmployeesConfig(network="department_blocks", mean_degree=10, cross_department_share=cross_share)
    population = EmployeePopulation(cfg, [500, 800, 700], [0.5] * 3, np.random.default_rng(5))
    rows, cols = population.adjacency.nonzero()
    crossing = np.mean(population.department[rows] != population.department[cols])
    if cross_share == 0.0:
        assert crossing == 0.0
    else:
        assert 0.5 * cross_share < crossing < 1.5 * cross_share
