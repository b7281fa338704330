"""Switched-off tests: each policy's and lever's headline effect, and what is left of it when the mechanism
that defines it (or an accounting path that could hand it its result) is switched off.

An effect is a paired difference against a reference arm over the same replicate seeds: the share of
organizations marginalized and the mean final it_influence, each with a 95% interval. A policy whose effect
vanishes when one switch is neutralized is a finding to explain, not a result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orgsim.api import apply, base_settings, simulate
from orgsim.runner import replicate_seeds

# The spend share's weight set to 0 in both arms: the effect left when money moved into IT's innovation
# line (the measured spend line) cannot count.
SPEND_HELD = {"metrics.weight_spend": 0.0}


@dataclass(frozen=True)
class Arm:
    """One comparison: `treatment` against `reference` (both dotted-key overrides), paired seeds."""

    name: str
    meaning: str
    treatment: Mapping[str, Any]
    reference: Mapping[str, Any] = field(default_factory=lambda: {"policy": "gatekeeper"})


ARMS = (
    Arm("laissez_faire", "laissez-faire as shipped", {"policy": "laissez_faire"}),
    Arm(
        "laissez_faire/requests_served",
        "laissez-faire with IT serving requests as under gatekeeper (no delay, integration offered): "
        "open BYOT alone",
        {
            "policy": "laissez_faire",
            "policy.request_delay_months": 0.0,
            "policy.integration_service": True,
        },
    ),
    Arm(
        "laissez_faire/byot_not_legitimized",
        "laissez-faire's delay and missing integration with self-provisioning still against policy "
        "(enabling stance): its defining mechanism, open BYOT, off",
        {
            "policy": "gatekeeper",
            "policy.governance": "enabling",
            "policy.request_delay_months": 6.0,
            "policy.integration_service": False,
        },
    ),
    Arm("broker", "broker as shipped", {"policy": "broker"}),
    Arm(
        "broker/store_off",
        "broker's enabling stance without its curated store (self-provisioning is shadow IT)",
        {"policy": "gatekeeper", "policy.governance": "enabling"},
    ),
    Arm("innovation_partner", "innovation_partner as shipped", {"policy": "innovation_partner"}),
    Arm(
        "innovation_partner/spend_held",
        "innovation_partner with the spend share held out of it_influence in both arms",
        {"policy": "innovation_partner", **SPEND_HELD},
        {"policy": "gatekeeper", **SPEND_HELD},
    ),
    Arm(
        "innovation_partner/no_budget_shift",
        "innovation_partner without the run -> innovation shift at the start (scouting only)",
        {"policy": "innovation_partner", "policy.innovation_shift": 0.0},
    ),
    Arm(
        "innovation_partner/no_scouting",
        "innovation_partner without scouting (the budget shift only)",
        {"policy": "innovation_partner", "policy.scouting_rate": 0.0},
    ),
    Arm("social_coe/marketing", "a marketing-led CoE", {"policy": "social_coe"}),
    Arm("social_coe/it", "an IT-led CoE", {"policy": "social_coe", "policy.coe_lead": "it"}),
    Arm(
        "social_coe/lead",
        "an IT-led against a marketing-led CoE (the lead changes what the CoE does, not who is credited)",
        {"policy": "social_coe", "policy.coe_lead": "it"},
        {"policy": "social_coe", "policy.coe_lead": "marketing"},
    ),
    Arm(
        "acting_cio",
        "a CIO who acts every year against one who never does (gatekeeper)",
        {"it.cio.draw": False, "it.cio.aspiration": 1.0, "it.cio.willingness": 1.0},
        {"it.cio.draw": False, "it.cio.aspiration": 1.0, "it.cio.willingness": 0.0},
    ),
    Arm(
        "acting_cio/spend_held",
        "the acting CIO with the spend share held out of it_influence in both arms",
        {"it.cio.draw": False, "it.cio.aspiration": 1.0, "it.cio.willingness": 1.0, **SPEND_HELD},
        {"it.cio.draw": False, "it.cio.aspiration": 1.0, "it.cio.willingness": 0.0, **SPEND_HELD},
    ),
    Arm(
        "cloud_push",
        "the CFO's cloud push at 0.3 a year against none",
        {"environment.cloud_push": 0.3},
        {"environment.cloud_push": 0.0},
    ),
)


def _summaries(overrides: Mapping[str, Any], seeds: Iterable[int]) -> list[dict]:
    values = dict(overrides)
    policy = values.pop("policy", None)
    setting = apply(base_settings(policy=policy), values)
    return [simulate(setting, s)[0] for s in seeds]


def _paired(diffs: np.ndarray) -> tuple[float, float, float]:
    """Mean of paired differences with a normal 95% interval."""
    mean = float(diffs.mean())
    half = 1.96 * float(diffs.std(ddof=1)) / math.sqrt(len(diffs)) if len(diffs) > 1 else math.nan
    return mean, mean - half, mean + half


def effect(arm: Arm, replicates: int, seed: int = 0) -> dict:
    """The arm's paired effect on the share marginalized and on mean final it_influence."""
    seeds = replicate_seeds(seed, replicates)
    treated = _summaries(arm.treatment, seeds)
    reference = _summaries(arm.reference, seeds)
    row: dict[str, Any] = {"arm": arm.name, "meaning": arm.meaning, "replicates": replicates}
    for column in ("marginalized", "final_it_influence"):
        t = np.array([float(s[column]) for s in treated])
        r = np.array([float(s[column]) for s in reference])
        row[f"{column}_treatment"] = float(t.mean())
        row[f"{column}_reference"] = float(r.mean())
        row[f"{column}_effect"], row[f"{column}_low"], row[f"{column}_high"] = _paired(t - r)
    return row


def audit(arms: Iterable[Arm] = ARMS, replicates: int = 200, seed: int = 0) -> list[dict]:
    """Every arm's effect, in order."""
    return [effect(arm, replicates, seed) for arm in arms]


def markdown(rows: list[dict]) -> str:
    """The audit as a Markdown table."""
    lines = [
        "| arm | marginalized: treatment / reference | effect (95% CI) | final it_influence effect (95% CI) |",
        "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['arm']} | {r['marginalized_treatment']:.1%} / {r['marginalized_reference']:.1%} "
            f"| {r['marginalized_effect']:+.1%} ({r['marginalized_low']:+.1%}, {r['marginalized_high']:+.1%}) "
            f"| {r['final_it_influence_effect']:+.3f} ({r['final_it_influence_low']:+.3f}, "
            f"{r['final_it_influence_high']:+.3f}) |"
        )
    return "\n".join(lines)
