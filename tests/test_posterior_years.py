"""The verdict over the calibration posterior in each year of the horizon (issue 22): the yearly flags
read against the run's own custodian line, the final year equal to the run's verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgsim import api
from orgsim.calibration import posterior


def test_the_yearly_verdict_bootstraps_each_year_and_keeps_the_final_one() -> None:
    rng = np.random.default_rng(3)
    pop = pd.DataFrame({"set": np.repeat(np.arange(10), 20)})
    pop["marginalized_by_year_1"] = False
    pop["marginalized_by_year_2"] = rng.random(len(pop)) < 0.3
    pop["marginalized"] = pop["marginalized_by_year_2"]
    v = posterior.verdict(pop, resamples=300)
    assert [y.share for y in v.by_year] == [0.0, pytest.approx(pop["marginalized_by_year_2"].mean())]
    assert v.by_year[0].low == v.by_year[0].high == 0.0  # no organization marginalized: no spread
    assert v.by_year[-1] == posterior.bootstrap_share(pop["marginalized"], pop["set"], 300)  # same draws
    assert "by year 0.0% [0.0%, 0.0%] / " in v.describe()


def test_each_organization_of_the_posterior_population_carries_one_flag_per_year_of_its_horizon() -> None:
    base = api.apply(api.base_settings(), {"years": 2, "org.size": 40})
    sets = posterior.load_sets().head(2)
    pop = posterior.population(base, sets, per_set=2, seed=5, workers=1)
    assert [c for c in pop.columns if c.startswith("marginalized_by_year_")] == [
        "marginalized_by_year_1",
        "marginalized_by_year_2",
    ]
    # the final year of the horizon is the window the run's own verdict reads
    assert (pop["marginalized_by_year_2"] == pop["marginalized"]).all()
