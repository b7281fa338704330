"""experiments/role_weights.py: the role classes through lines fitted to one year, for any weighting of the
index's components (a diagnosis of issue 22's "weights, if the data support it")."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
role_weights = pytest.importorskip("role_weights")


def test_the_grid_covers_the_simplex_once():
    grid = role_weights.simplex(0.25)
    assert grid.shape == (70, 5)  # C(4 + 4, 4) ways to share four quarters among five components
    assert np.allclose(grid.sum(axis=1), 1.0) and grid.min() >= 0
    assert len({tuple(w) for w in grid}) == len(grid)


def test_a_steady_component_keeps_the_classes_and_a_falling_one_empties_the_middle():
    years = role_weights.YEARS
    firms = 100
    s = np.zeros((firms, len(years), 5))
    s[:, :, 0] = np.linspace(0.0, 1.0, firms)[:, None]  # each firm's own level, every year
    s[:, :, 1] = s[:, :, 0]
    s[:, years.index(2016), 1] -= 2.0  # every firm falls below any line fitted to 2015
    weights = np.eye(5)[:2]
    found = role_weights.classes(s, weights)
    # lines at 2015's 27% and 73% quantiles: 27 firms below, 46 between, in every year of the steady one
    assert (found["below"][:, 0] == 27).all() and (found["between"][:, 0] == 46).all()
    assert found["below"][years.index(2016), 1] == firms and found["between"][years.index(2016), 1] == 0
    band, held = role_weights.verdicts(found, firms)
    assert band.tolist() == [True, False]
    # 27 of 100 below in 2016: its interval (0.19-0.36) meets 0.15-0.25; all 100 below does not
    assert held.tolist() == [True, False]


def test_bad_sizes_are_refused_in_one_line(capsys):
    import argparse

    from yearly import organizations

    assert organizations("400") == 400
    for text in ("1", "0", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            organizations(text)
    with pytest.raises(SystemExit) as stop:
        role_weights.main(["--step", "0.3"])
    assert stop.value.code == 2 and "--step 0.3" in capsys.readouterr().err


def test_the_shipped_weighting_of_the_yearly_scores_is_the_models_own_influence():
    from yearly import yearly_scores

    from orgsim.api import apply, base_settings
    from orgsim.calibration.targets import window
    from orgsim.model.metrics import component_weights
    from orgsim.runner import run_replicates, tables

    setting = apply(base_settings(), {"years": 2, "replicates": 1})
    timeseries, _ = tables(run_replicates(setting, 3, 7, workers=1))
    runs = [t for _, t in timeseries.groupby("replicate", sort=True)]
    years = (2012, 2013)
    weights = np.array(list(component_weights(setting.metrics).values()))
    index = yearly_scores(runs, setting.metrics, setting.start_year, years) @ (weights / weights.sum())
    influence = [[window(t, setting.start_year, y, "it_influence") for y in years] for t in runs]
    assert np.allclose(index, influence, atol=1e-9)
