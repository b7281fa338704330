"""The HDMR emulator of replicate means (orgsim.analysis.emulator): first-order indices of an additive
function in closed form, a cross-validated R^2 that falls with noise, and its rows in the sensitivity
table."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("SALib")

from orgsim.analysis.emulator import CV, cross_validated_r2, emulator_table, hdmr_indices

PROBLEM = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}


def sample(n: int = 600, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(n, 3))


def test_first_order_indices_of_an_additive_function_match_the_closed_form() -> None:
    X = sample()
    Y = 3.0 * X[:, 0] + X[:, 1]  # Var: 9/12 and 1/12: S1 = 0.9, 0.1, 0
    table = hdmr_indices(PROBLEM, X, Y, bootstrap=10).set_index(["parameter", "index"])
    assert table.loc[("a", "S1"), "value"] == pytest.approx(0.9, abs=0.03)
    assert table.loc[("b", "S1"), "value"] == pytest.approx(0.1, abs=0.03)
    assert abs(table.loc[("c", "S1"), "value"]) < 0.02


def test_the_indices_do_not_depend_on_numpys_global_state() -> None:
    """SALib's hdmr draws its subsamples from numpy's global generator; the emulator seeds it for the call
    (and puts it back), so other draws before the call change nothing."""
    X = sample()
    Y = 3.0 * X[:, 0] + X[:, 1] + np.random.default_rng(1).normal(0.0, 0.2, len(X))
    np.random.seed(5)
    first = hdmr_indices(PROBLEM, X, Y, bootstrap=10)
    after = np.random.random()
    np.random.seed(99)
    np.random.random(1000)
    second = hdmr_indices(PROBLEM, X, Y, bootstrap=10)
    assert first.equals(second)
    np.random.seed(5)
    assert np.random.random() == after  # the global state is put back


def test_cross_validated_r2_is_near_one_without_noise_and_falls_with_it() -> None:
    X = sample()
    smooth = np.sin(3.0 * X[:, 0]) + X[:, 1] ** 2
    noise = np.random.default_rng(1).normal(0.0, smooth.std(), size=len(smooth))  # half the variance
    clean = cross_validated_r2(PROBLEM, X, smooth)
    noisy = cross_validated_r2(PROBLEM, X, smooth + noise)
    assert clean > 0.95
    assert noisy == pytest.approx(0.5, abs=0.1)


def test_the_table_flags_wide_intervals_and_holds_the_cv_row() -> None:
    X = sample()
    table = emulator_table(PROBLEM, X, 3.0 * X[:, 0] + X[:, 1], bootstrap=10)
    assert set(table.columns) >= {"parameter", "index", "value", "conf", "warning"}
    assert (table["parameter"] == CV).sum() == 1
    indices = table[table["parameter"] != CV]
    assert (indices["warning"] == (indices["conf"] > indices["value"].abs())).all()
    assert not indices.set_index(["parameter", "index"]).loc[("a", "S1"), "warning"]
