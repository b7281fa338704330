"""Each mechanism of the model-validity issue moves what it should, by paired comparative statics.

Paired arms: the same replicate seeds under both settings (common random numbers), five years; outcomes
are final-year means per replicate (or the horizon's value where a stock is meant). A test asserts that the
mean paired gap exceeds Z standard errors of that mean; the measured gaps are in the docstrings, with what
the same comparison gave with the mechanism switched off.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

Z = 3.0


def final_year(timeseries: pd.DataFrame, column: str) -> pd.Series:
    horizon = timeseries["month"].max()
    return timeseries[timeseries["month"] > horizon - 12].groupby("replicate")[column].mean()


def paired_gap(run_arm, high: list[str], low: list[str], column: str, replicates: int, seed: int = 3):
    """Mean and standard error of the paired final-year difference high - low."""
    hi, _ = run_arm(["years=5", *high], replicates, base_seed=seed)
    lo, _ = run_arm(["years=5", *low], replicates, base_seed=seed)
    diff = (final_year(hi, column) - final_year(lo, column)).dropna()
    assert len(diff) >= replicates // 2, f"{column}: too few replicates with a value"
    return float(diff.mean()), float(diff.std(ddof=1) / math.sqrt(len(diff)))


def assert_raises(run_arm, high, low, column, replicates=48) -> None:
    gap, se = paired_gap(run_arm, high, low, column, replicates)
    assert gap > Z * se, f"{column}: mean paired gap {gap:.4f}, SE {se:.4f}"


def test_a_bigger_it_budget_raises_its_share_of_discretionary_spend(run_arm) -> None:
    """Measured (48 pairs, calibrated defaults of the confirmed fit of 2026-12-06): final-year it_spend_share
    0.276 at 5,500 k USD vs 0.144 at 3,000, z = 19.0. Capacity follows the budget at a fixed unit cost:
    requests delivered 14.6 vs 9.9 (z = 6.6). Switched
    off (the model before this change priced a work unit at budget / capacity), 2,000 and 8,000 gave
    identical runs."""
    assert_raises(run_arm, ["it.budget=5500"], ["it.budget=3000"], "it_spend_share")
    assert_raises(run_arm, ["it.budget=5500"], ["it.budget=3000"], "requests_delivered")


def test_faster_app_store_maturity_raises_self_provisioning(run_arm) -> None:
    """Measured (128 pairs, the confirmed fit of 2026-12-06): final-year shadow_share 0.628 with app stores
    maturing by 2012 vs 0.564 by 2020, z = 6.2. Switched off (decision.app_stores=0 and a flat trend at 0) the gap is
    0.000."""
    assert_raises(
        run_arm,
        ["environment.app_stores.midpoint_year=2012"],
        ["environment.app_stores.midpoint_year=2020"],
        "shadow_share",
        replicates=128,
    )


def test_integration_pressure_with_a_willing_it_raises_its_control_of_shared_tools(run_arm) -> None:
    """LeBrun. Measured (96 pairs, readiness 1, calibrated defaults of the confirmed fit of 2026-12-06): IT
    manages 0.774 of the deployments of shared tools under strong integration pressure vs 0.619 with none,
    z = 13.1 (0.767 vs 0.626 at the unconfirmed fit; 0.763 vs 0.621 at the fit before; 0.694 vs 0.628, z = 4.7, before integration needs reached
    undiscovered shadow tools). Switched off (it.integration_takeover=false: integration work goes to
    vendors), 0.693 vs 0.624, z = 4.7: what
    remains is departments requesting tools from IT for the integration only IT can deliver
    (decision.integration_value) and integration needs bringing shadow tools to IT, which absorbs some by
    its stance; the pressure raises both."""
    assert_raises(
        run_arm,
        ["environment.integration_sensitivity=0.25", "it.integration_readiness=1"],
        ["environment.integration_sensitivity=0", "it.integration_readiness=1"],
        "it_control_shared",
        replicates=96,
    )


def test_a_faster_marketing_technology_trend_makes_marketing_the_tech_leader_more_often(run_arm, at_horizon):
    """Measured (32 runs each, calibrated defaults of the confirmed fit of 2026-12-06): marketing leads at the
    horizon in 30 of 32 runs at martech_growth 0.25 vs 0 of 32 at 0.05 (1 of 32 at the unconfirmed fit). Switched off (equal growth for every function),
    marketing never leads."""
    # the mechanism in one organization, not an industry
    one = ["org.size_spread=0", "org.mix_spread=0", "org.it_budget_spread=0", "org.committed_spread=0"]
    fast, _ = run_arm(["years=5", "environment.martech_growth=0.25", *one], 32, base_seed=1)
    slow, _ = run_arm(["years=5", "environment.martech_growth=0.05", *one], 32, base_seed=1)
    leads = {
        name: int((at_horizon(ts)["tech_leader"] == "marketing").sum())
        for name, ts in (("fast", fast), ("slow", slow))
    }
    assert leads["fast"] >= 20 and leads["slow"] <= 8, leads


def test_the_cfo_cloud_push_shrinks_it_and_its_savings_fund_it_only_if_reinvested(
    run_arm, at_horizon
) -> None:
    """Measured (calibrated defaults of the confirmed fit of 2026-12-06): IT's final-year budget 5,996 vs
    3,417 k USD and headcount 72.9 vs 41.5 without and with a 30% yearly push (16 pairs, z = 9.7 and 14.7);
    with the savings reinvested in IT, IT's share of discretionary spend is 0.385 vs 0.262 kept by finance
    (48 pairs, z = 17.1). The push lowers final-year it_influence (0.405 vs 0.468, 48 pairs, z = -25.0, at
    the unconfirmed fit; -0.063 in the switched-off study at the confirmed one): the moved
    infrastructure still counts in the work demanded of IT (test_pathways.py asserts the sign)."""
    push = ["environment.cloud_push=0.3"]
    assert_raises(run_arm, ["environment.cloud_push=0"], push, "it_budget", replicates=16)
    assert_raises(run_arm, ["environment.cloud_push=0"], push, "it_headcount", replicates=16)
    assert_raises(
        run_arm,
        [*push, "environment.cloud_savings_to_it=1"],
        [*push, "environment.cloud_savings_to_it=0"],
        "it_spend_share",
    )


def test_brokered_self_service_keeps_it_more_influential_than_open_byot(run_arm) -> None:
    """Hinchcliffe's remedy. Measured (48 pairs, the confirmed fit of 2026-12-06): final-year it_influence
    0.484 (broker) vs 0.420 (laissez_faire), z = 7.3, with no utility bonus or budget cut in either policy."""
    assert_raises(run_arm, ["policy=broker"], ["policy=laissez_faire"], "it_influence")
