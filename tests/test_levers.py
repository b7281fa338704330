"""The CIO's aspiration and action: drawn as the survey says, and acting is what keeps IT strategic."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.model.organization import Organization
from orgsim.report import summarize, wilson_interval

pytestmark = pytest.mark.slow


def test_cio_draws_give_60_percent_aspiring_and_10_percent_acting(make_settings) -> None:
    """Acting is conditional on aspiring (1 in 6 of those who aspire), not an independent draw."""
    setting = make_settings("years=1")
    setting.org.employees.enabled = False
    draws = [Organization(setting, seed).it for seed in range(2000)]
    aspire = np.array([it.aspiration for it in draws])
    act = np.array([it.willingness for it in draws])
    assert set(np.unique(aspire)) <= {0.0, 1.0} and set(np.unique(act)) <= {0.0, 1.0}
    assert (act <= aspire).all(), "a CIO who does not aspire never acts"
    lo, hi = wilson_interval(int(aspire.sum()), len(draws))
    assert lo <= 0.6 <= hi
    lo, hi = wilson_interval(int(act.sum()), len(draws))
    assert lo <= 0.1 <= hi


def test_a_willing_cio_keeps_it_from_the_margin(run_arm) -> None:
    """Measured at a 2,500 k USD IT budget, every CIO aspiring, 64 runs each (calibrated defaults of
    the confirmed fit of 2026-12-06, fitted custodian line 0.428): 31 of 64 marginalized when no CIO acts,
    9 of 64 when every CIO acts (budget shifted to innovation, savings reinvested, integration work taken
    on); 33 and 11 at the unconfirmed fit (line 0.425), 31 and 11 at the line 0.422 of the fit before. (18 of 32 vs 0 of 32, the numbers here once, were from an earlier
    calibration.)"""
    fixed = ["years=5", "it.budget=2500", "it.cio.aspiration=1.0"]
    counts = {}
    for name, willingness in (("unwilling", 0.0), ("willing", 1.0)):
        ts, _ = run_arm([*fixed, f"it.cio.willingness={willingness}"], 64, base_seed=1)
        counts[name] = summarize(ts, "test", "gatekeeper")["aggregate"]["marginalized"]["count"]
        assert (ts["cio_actions"].max() > 0) == (willingness > 0)
    assert counts["unwilling"] >= 16, f"setting no longer marginalizes IT often enough: {counts}"
    assert wilson_interval(counts["willing"], 64)[1] < wilson_interval(counts["unwilling"], 64)[0], counts
