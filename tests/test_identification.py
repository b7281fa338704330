"""experiments/identification.py's emulator posterior against closed forms (issue 22, identification)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
identification = pytest.importorskip("identification")


def test_the_quadratic_emulator_has_every_square_and_product_and_recovers_a_quadratic():
    rng = np.random.default_rng(0)
    x = rng.random((300, 4))
    features = identification.quadratic(x)
    assert features.shape == (300, 1 + 4 + 10)
    y = 0.2 + x[:, 1] - 0.5 * x[:, 0] * x[:, 3] + 0.3 * x[:, 2] ** 2
    assert identification.cross_validated_r2(features, y, rng) == pytest.approx(1.0, abs=1e-9)
    noisy = y + rng.normal(0.0, 0.2, len(y))  # known noise: R2 near var(y) / (var(y) + 0.04)
    expected = np.var(y) / (np.var(y) + 0.04)
    assert identification.cross_validated_r2(features, noisy, rng) == pytest.approx(expected, abs=0.08)


def test_a_figure_on_one_parameter_narrows_that_one_by_its_gaussian_width():
    """A figure equal to parameter 0, observed at 0.5 with error s: the posterior of parameter 0 is a normal
    of s.d. s inside (0, 1) (90% width 3.29 s), and parameter 1, which the figure does not read, keeps the
    uniform's 0.9."""
    rng = np.random.default_rng(1)
    draws = rng.random((200_000, 2))
    s = 0.05
    weights = np.exp(-0.5 * (draws[:, 0] - 0.5) ** 2 / s**2)
    narrowed, untouched = identification.widths_90(draws, weights)
    assert narrowed == pytest.approx(3.29 * s, rel=0.03)
    assert untouched == pytest.approx(0.9, abs=0.01)
    # a figure at the prior's edge: a half-normal, its 5% and 95% quantiles at 0.063 s and 1.960 s
    at_edge = np.exp(-0.5 * (draws[:, 0] - 1.0) ** 2 / s**2)
    assert identification.widths_90(draws, at_edge)[0] == pytest.approx((1.960 - 0.063) * s, rel=0.05)


def test_the_abc_radius_is_read_from_the_fit_report(tmp_path):
    report = tmp_path / "calibration.txt"
    report.write_text(
        "accepted 50 of 2000 parameter sets (20 runs each); distance of the last accepted 1.42 (median)\n"
    )
    assert identification.abc_radius(report) == 1.42
    assert identification.abc_radius(tmp_path / "missing.txt") is None


def test_feasibility_counts_the_draws_that_meet_the_fitted_rows_and_each_other_row():
    """Four draws and three rows, two fitted: the counts follow from the table by hand."""
    value, scale = {"a": 0.0, "b": 1.0, "c": 0.5}, {"a": 0.1, "b": 0.1, "c": 0.05}
    predicted = {
        "a": np.array([0.05, 0.0, 0.3, -0.1]),  # draw 2 misses a
        "b": np.array([1.0, 1.08, 1.0, 0.95]),
        "c": np.array([0.5, 0.6, 0.5, 0.52]),  # draw 1 misses c
    }
    meets = identification.within(predicted, value, scale)
    assert meets["a"].tolist() == [True, True, False, True]
    counts = identification.feasibility(meets, ["a", "b"])
    assert counts["every fitted row"] == 3
    assert counts["+ c"] == 2
    assert counts["every row but a"] == 3  # draws 0, 2 and 3 meet b and c
    assert counts["every row but c"] == 3
    assert counts["every row"] == 2


def test_a_folder_that_is_not_a_sample_is_one_line_not_a_traceback(tmp_path):
    with pytest.raises(SystemExit) as stop:
        identification.load_sample(tmp_path)
    assert "runs.parquet' is missing" in str(stop.value.code)
    assert "\n" not in str(stop.value.code)
