"""An industry: organizations of drawn sizes and CIO stances, one per replicate."""

import numpy as np
import pandas as pd

from orgsim.model.organization import Organization
from orgsim.runner import replicate_seeds, run_replicates, tables


def _headcounts(setting, replicates: int = 8) -> pd.Series:
    ts, _ = tables(run_replicates(setting, replicates, base_seed=5, workers=1))
    return ts[ts["month"] == 0].set_index("replicate")["headcount"]


def test_size_spread_draws_a_size_per_organization(make_settings):
    fixed = _headcounts(make_settings("years=1"))
    drawn = _headcounts(make_settings("years=1", "org.size_spread=0.5"))
    assert fixed.nunique() == 1 and fixed.iloc[0] == 2000
    assert drawn.nunique() == len(drawn)
    assert drawn.min() < 2000 < drawn.max()
    pd.testing.assert_series_equal(drawn, _headcounts(make_settings("years=1", "org.size_spread=0.5")))


def test_drawn_cio_stance_follows_the_survey_shares(make_settings):
    """With draw on, CIOs aspire with probability 0.6 and are willing with 0.1 (Deloitte 2011/12)."""
    setting = make_settings("years=1", "org.employees.enabled=false")
    cios = [Organization(setting, seed).it for seed in replicate_seeds(11, 400)]
    aspiration = np.array([it.aspiration for it in cios])
    willingness = np.array([it.willingness for it in cios])
    assert set(aspiration) <= {0.0, 1.0} and set(willingness) <= {0.0, 1.0}
    # binomial standard errors at n = 400: 0.0245 and 0.015; allow four of them
    assert abs(aspiration.mean() - 0.6) < 4 * 0.0245
    assert abs(willingness.mean() - 0.1) < 4 * 0.015
