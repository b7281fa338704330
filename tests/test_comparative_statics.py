"""Comparative statics of DESIGN.md section 6, as differences of replicate means.

Each comparison runs two independent arms (different base seeds) and asserts that the difference of
their means exceeds Z standard errors of that difference. With no effect, the difference is about
normal with that standard error, so a comparison of equal arms passes the bar only about 2% of the time;
the effects below are several standard errors wide (measured values are in each docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

Z = 2.0


@dataclass(frozen=True)
class Estimate:
    mean: float
    se: float

    @classmethod
    def of(cls, values: pd.Series) -> Estimate:
        values = values.dropna()
        assert len(values) >= 10, "too few replicates with a value"
        return cls(float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values))))


def assert_greater(high: Estimate, low: Estimate, what: str) -> None:
    se = math.hypot(high.se, low.se)
    gap = high.mean - low.mean
    assert gap > Z * se, (
        f"{what}: expected {high.mean:.3f} > {low.mean:.3f} by {Z} SE ({se:.3f}); gap {gap:.3f}"
    )


def test_stricter_governance_lowers_shadow_share(run_arm, at_horizon) -> None:
    """Measured (the confirmed fit of 2026-12-06): shadow_share at 3 years 0.418 (strict) vs 0.581 (enabling),
    SE of the gap 0.038 (z = 4.3; 6.1 at the unconfirmed fit)."""
    # Incidents can tighten an enabling IT; switch that off so the two arms keep their stance.
    fixed = ["years=3", "it.tighten_on_incident=0"]
    strict, _ = run_arm([*fixed, "policy.governance=strict"], 32, base_seed=1)
    enabling, _ = run_arm([*fixed, "policy.governance=enabling"], 32, base_seed=2)
    assert_greater(
        Estimate.of(at_horizon(enabling)["shadow_share"]),
        Estimate.of(at_horizon(strict)["shadow_share"]),
        "shadow_share, enabling vs strict",
    )


def test_faster_saas_maturity_raises_shadow_share(run_arm, at_horizon) -> None:
    """Measured (the confirmed fit of 2026-12-06): shadow_share at 4 years 0.652 (maturity midpoint 2012) vs
    0.624 (2018), gap SE 0.010 (z = 2.8, near the bar of 2: 7.2 at the unconfirmed fit, 3.6 at the fit
    before; at the 40 runs an arm this test once had, z = 2.3)."""
    fixed = [
        "years=4",
        "it.tighten_on_incident=0",
        "org.size_spread=0",
        "org.mix_spread=0",
        "org.it_budget_spread=0",
        "org.committed_spread=0",
    ]  # one organization
    early, _ = run_arm([*fixed, "environment.saas_maturity.midpoint_year=2012"], 120, base_seed=1)
    late, _ = run_arm([*fixed, "environment.saas_maturity.midpoint_year=2018"], 120, base_seed=2)
    assert at_horizon(early)["saas_maturity"].min() > at_horizon(late)["saas_maturity"].max()
    assert_greater(
        Estimate.of(at_horizon(early)["shadow_share"]),
        Estimate.of(at_horizon(late)["shadow_share"]),
        "shadow_share, early vs late SaaS maturity",
    )


def test_more_it_capacity_shortens_waits_and_raises_satisfaction(run_arm, at_horizon) -> None:
    """Capacity is the budget over a fixed unit cost: a dearer work unit is less capacity. Measured
    (the confirmed fit of 2026-12-06): mean wait 3.97 vs 0.30 months (z = 11.4), satisfaction 0.508 vs
    0.544 (z = 2.8; 4.8 at the unconfirmed fit)."""
    small, _ = run_arm(["years=3", "it.unit_cost=50"], 32, base_seed=1)
    large, _ = run_arm(["years=3", "it.unit_cost=12.5"], 32, base_seed=2)
    small, large = at_horizon(small), at_horizon(large)
    assert_greater(
        Estimate.of(small["mean_wait_months"]), Estimate.of(large["mean_wait_months"]), "mean wait"
    )
    assert_greater(
        Estimate.of(large["mean_satisfaction"]),
        Estimate.of(small["mean_satisfaction"]),
        "mean satisfaction",
    )
    assert large["requests_delivered"].mean() > small["requests_delivered"].mean()
