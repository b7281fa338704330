"""The levers the 2012 debate turns on move IT's position the way the model's mechanisms say.

Paired arms: the same 48 replicate seeds under both settings (common random numbers: each pair shares its
CIO draw, network and early history), 5 years. The mean paired difference at the horizon must exceed
2 standard errors of that mean. Measured values are in the docstrings.
"""

from __future__ import annotations

import math

Z = 2.0
REPLICATES = 48


def assert_higher(run_arm, at_horizon, high: list[str], low: list[str], column: str) -> None:
    hi, _ = run_arm(["years=5", *high], REPLICATES, base_seed=3)
    lo, _ = run_arm(["years=5", *low], REPLICATES, base_seed=3)
    diff = at_horizon(hi)[column] - at_horizon(lo)[column]
    se = float(diff.std(ddof=1) / math.sqrt(len(diff)))
    assert diff.mean() > Z * se, f"{column}: mean paired gap {diff.mean():.3f}, SE {se:.3f}"


def test_cfo_cloud_push_lowers_it_influence(run_arm, at_horizon) -> None:
    """Measured: it_influence 0.065 higher with no cloud push than with 30% a year (z = 3.4-4.0 over seeds)."""
    assert_higher(
        run_arm, at_horizon, ["environment.cloud_push=0"], ["environment.cloud_push=0.3"], "it_influence"
    )


def test_integration_pressure_brings_social_back_to_it(run_arm, at_horizon) -> None:
    """LeBrun. Measured: it_led_share 0.12-0.17 higher under strong integration pressure (z >= 5.5)."""
    assert_higher(
        run_arm,
        at_horizon,
        ["environment.integration_sensitivity=0.25", "decision.integration_value=3.0"],
        ["environment.integration_sensitivity=0"],
        "it_led_share",
    )


def test_brokered_byot_keeps_it_more_influential_than_open_byot(run_arm, at_horizon) -> None:
    """Hinchcliffe's remedy. Measured: it_influence 0.26-0.28 higher under broker (z >= 18)."""
    assert_higher(run_arm, at_horizon, ["policy=broker"], ["policy=laissez_faire"], "it_influence")
