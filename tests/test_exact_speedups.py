"""Shortcuts the monthly step takes for speed must compute exactly what they replace."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.model.draws import BLOCK, UniformDraws
from orgsim.model.metrics import numpy_mean


@pytest.mark.parametrize("served", [0, 1, 5, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 7])
def test_uniform_draws_are_the_generators_own_stream(served: int) -> None:
    """Served one at a time, then synced: the same values as rng.random() calls, and the generator left
    where those calls would have left it (its next array, integers and 32-bit draws agree)."""
    plain, blocked = np.random.default_rng(42), np.random.default_rng(42)
    plain.random(3, dtype=np.float32)  # a half-used 32-bit word in the state must survive the sync
    blocked.random(3, dtype=np.float32)
    draws = UniformDraws(blocked)
    assert [draws.next() for _ in range(served)] == [plain.random() for _ in range(served)]
    draws.sync()
    assert blocked.bit_generator.state == plain.bit_generator.state
    assert blocked.random(4).tolist() == plain.random(4).tolist()
    assert blocked.integers(0, 100, 5).tolist() == plain.integers(0, 100, 5).tolist()
    assert blocked.random(dtype=np.float32) == plain.random(dtype=np.float32)


@pytest.mark.parametrize("size", [1, 50, BLOCK - 1, BLOCK, 300])
def test_uniform_arrays_and_singles_are_one_stream(size: int) -> None:
    """array(n) between single draws gives what rng.random(n) gives there, whether the open block holds
    fewer, as many or more values than asked for."""
    plain, blocked = np.random.default_rng(7), np.random.default_rng(7)
    draws = UniformDraws(blocked)
    expected, got = [], []
    for month in range(30):
        expected.append(plain.random(size).tolist())
        got.append(draws.array(size).tolist())
        k = month * 11 % 200
        expected.append([plain.random() for _ in range(k)])
        got.append([draws.next() for _ in range(k)])
    assert got == expected
    draws.sync()
    draws.sync()  # a second sync changes nothing
    assert blocked.bit_generator.state == plain.bit_generator.state
    assert blocked.random() == plain.random()


@pytest.mark.parametrize("n", [*range(0, 20), 31, 64, 127, 128, 129, 300])
def test_numpy_mean_is_bit_for_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(200):
        values = (rng.random(n) * 10.0 ** rng.integers(-4, 6, n)).tolist()
        expected = float(np.mean(values)) if n else None
        if n:
            assert numpy_mean(values) == expected
        else:
            assert np.isnan(numpy_mean(values))


def test_a_remembered_population_start_is_the_drawn_one() -> None:
    """Two populations from the same generator state share their start (built once), leave the
    generator where drawing it leaves it, and step independently."""
    from orgsim.config.schema import EmployeesConfig
    from orgsim.model import employees

    cfg = EmployeesConfig(initial_adopters=0.05)
    heads, autonomy = [300, 200, 100], [0.6, 0.4, 0.5]
    employees.forget_starts()
    first_rng, second_rng = np.random.default_rng(11), np.random.default_rng(11)
    first = employees.EmployeePopulation(cfg, heads, autonomy, first_rng)
    second = employees.EmployeePopulation(cfg, heads, autonomy, second_rng)
    assert first.adjacency is second.adjacency  # the second was not drawn again
    assert first_rng.bit_generator.state == second_rng.bit_generator.state
    for _ in range(12):
        first.step(0.2)
    fresh = employees.EmployeePopulation(cfg, heads, autonomy, np.random.default_rng(11))
    assert fresh.adopted.tolist() == second.adopted.tolist()  # stepping `first` changed no shared state
    assert fresh.adopting_neighbours.tolist() == second.adopting_neighbours.tolist()
    for _ in range(12):
        second.step(0.2)
    assert first.adopted.tolist() == second.adopted.tolist()
    employees.forget_starts()
    drawn = employees.EmployeePopulation(cfg, heads, autonomy, np.random.default_rng(11))
    assert (drawn.adjacency != fresh.adjacency).nnz == 0
    assert drawn.propensity.tolist() == fresh.propensity.tolist()


def test_ordered_sum_adds_left_to_right_on_every_python() -> None:
    """Python 3.12's sum() compensates rounding; the model adds in order, so a run's tables are the same
    bits on 3.11 and 3.12 (the golden table is checked on both in CI)."""
    from orgsim.model.metrics import ordered_sum

    assert ordered_sum([1e16, 1.0, -1e16]) == 0.0  # 1e16 + 1 rounds back to 1e16
    assert (
        ordered_sum(x / 10 for x in range(10))
        == ((((((((0.0 + 0.1) + 0.2) + 0.3) + 0.4) + 0.5) + 0.6) + 0.7) + 0.8) + 0.9
    )
    assert ordered_sum([]) == 0.0


@pytest.mark.parametrize("scenario", ["baseline_2012", "social_comes_to_cio"])
def test_clone_is_a_deep_copy(scenario: str) -> None:
    """The settings' clone equals copy.deepcopy's, and no dict, list or dataclass in it is the base's."""
    import copy
    import dataclasses

    from orgsim import api
    from orgsim.config.schema import clone

    base = api.base_settings(scenario)
    copied = clone(base)
    assert copied == copy.deepcopy(base)

    def containers(node, out):
        if dataclasses.is_dataclass(node):
            out.append(node)
            for value in vars(node).values():
                containers(value, out)
        elif isinstance(node, dict | list):
            out.append(node)
            for value in node.values() if isinstance(node, dict) else node:
                containers(value, out)
        return out

    ours = {id(node) for node in containers(base, [])}
    theirs = containers(copied, [])
    assert len(theirs) == len(ours) > 50
    assert not any(id(node) in ours for node in theirs)
    copied.org.departments["marketing"].headcount += 1
    assert copied != base
