"""IT's role is measured by what IT controls and does, never by how tools came in."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from orgsim.config.schema import MetricsConfig
from orgsim.model.metrics import (
    MODEL_REPORTERS,
    ROLE_COMPONENTS,
    RoleInputs,
    influence,
    role,
    role_components,
    role_inputs,
)
from orgsim.model.organization import Organization

CHANNEL_WORDS = ("channel", "shadow", "byot", "brokered", "sanctioned", "deployment", "outside")


def test_the_role_inputs_carry_no_channel_counts() -> None:
    names = [f.name for f in dataclasses.fields(RoleInputs)]
    assert not [n for n in names if any(w in n for w in CHANNEL_WORDS)], names


def test_scrambling_the_channel_counts_leaves_the_role_unchanged(make_settings) -> None:
    model = Organization(make_settings("years=2"), 11)
    for _ in range(18):
        model.step()
    before = role_inputs(model)
    model.ledger.by_channel[:] = np.array([0, 0, 50, 50])
    for dept in model.departments:
        dept.channel_counts[:] = 0
    assert role_inputs(model) == before
    assert MODEL_REPORTERS["shadow_share"](model) == 100 / model.ledger.n_active  # the outcome did read them


def test_components_and_influence_in_closed_form() -> None:
    inputs = RoleInputs(
        it_discretionary_spend=1000.0,
        business_discretionary_spend=3000.0,
        it_decisions=3.0,
        all_decisions=4.0,
        business_facing_work=2.0,
        work_demanded=10.0,
        satisfaction=0.6,
        reliance=0.3,
    )
    parts = role_components(inputs)
    assert parts == pytest.approx(
        {
            "it_spend_share": 0.25,
            "it_decision_share": 0.75,
            "it_innovation_share": 0.2,
            "mean_satisfaction": 0.6,
            "mean_reliance": 0.3,
        }
    )
    cfg = MetricsConfig()  # spend target 0.5, innovation target 0.4, equal weights
    assert influence(parts, cfg) == pytest.approx((0.5 + 0.75 + 0.5 + 0.6 + 0.3) / 5)
    assert tuple(parts) == ROLE_COMPONENTS
    heavy_spend = dataclasses.replace(cfg, weight_spend=3.0)
    assert influence(parts, heavy_spend) == pytest.approx((3 * 0.5 + 0.25 * (0.75 + 0.5 + 0.6 + 0.3)) / 4.0)


def test_role_thresholds() -> None:
    cfg = MetricsConfig()
    assert role(0.34, cfg) == "infrastructure_custodian"
    assert role(0.35, cfg) == "service_provider"
    assert role(0.55, cfg) == "strategic_partner"


def test_absorbing_a_shadow_tool_lowers_the_outside_managed_share_but_not_the_shadow_share(make_settings):
    """Re-centralization is visible: the tool keeps its channel of origin and changes its management."""
    model = Organization(make_settings("years=1"), 2)
    outside = [d for d in model.ledger.active if not d.managed]
    assert outside, "the default organization starts with departmental tools"
    shadow_before = MODEL_REPORTERS["shadow_share"](model)
    managed_before = MODEL_REPORTERS["outside_managed_share"](model)
    model.ledger.absorb(outside[0], model.month)
    assert MODEL_REPORTERS["shadow_share"](model) == shadow_before
    assert MODEL_REPORTERS["outside_managed_share"](model) == pytest.approx(
        managed_before - 1 / model.ledger.n_active
    )
