"""Outcomes of section 4 as DataCollector reporters over the model's counters, and the run summary.

Reporters read counters kept by the ledger and the agents; none re-scans the deployments.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from orgsim.config.schema import MetricsConfig
from orgsim.model.deployments import BYOT, CHANNELS, SHADOW

if TYPE_CHECKING:
    from orgsim.model.organization import Organization

ROLES = ("strategic_partner", "service_provider", "infrastructure_custodian")


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def shadow_share(m: Organization) -> float:
    """Share of active deployments that came in outside IT (byot + shadow)."""
    return _share(m.ledger.by_channel[BYOT] + m.ledger.by_channel[SHADOW], m.ledger.n_active)


def it_led_share(m: Organization) -> float:
    return _share(m.ledger.led_by_it, m.ledger.n_active)


def it_spend_share(m: Organization) -> float:
    spend = m.ledger.spend_by_controller
    return min(1.0, _share(max(spend[0], 0.0), spend.sum()))


def it_innovation_share(m: Organization) -> float:
    return m.it.innovation_effort_share


def mean_satisfaction(m: Organization) -> float:
    return float(m.departments.agg("satisfaction", np.mean))


def influence(components: dict[str, float], cfg: MetricsConfig) -> float:
    """it_influence: weighted mean of (1 - shadow_share), it_led_share, it_spend_share,
    it_innovation_share relative to its target, and mean satisfaction with IT."""
    parts = (
        (cfg.weight_outside, 1.0 - components["shadow_share"]),
        (cfg.weight_led, components["it_led_share"]),
        (cfg.weight_spend, components["it_spend_share"]),
        (cfg.weight_innovation, min(1.0, components["it_innovation_share"] / cfg.innovation_target)),
        (cfg.weight_satisfaction, components["mean_satisfaction"]),
    )
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)


def it_influence(m: Organization) -> float:
    components = {
        "shadow_share": shadow_share(m),
        "it_led_share": it_led_share(m),
        "it_spend_share": it_spend_share(m),
        "it_innovation_share": it_innovation_share(m),
        "mean_satisfaction": mean_satisfaction(m),
    }
    return influence(components, m.setting.metrics)


def role(value: float, cfg: MetricsConfig) -> str:
    """IT's role from its influence; the last of ROLES is the marginal one."""
    strategic, provider, custodian = ROLES
    if value >= cfg.strategic_threshold:
        return strategic
    if value < cfg.custodian_threshold:
        return custodian
    return provider


def tech_leader(m: Organization) -> str:
    """The department controlling the largest share of social-tool spend ('it' for IT)."""
    spend = m.ledger.spend_by_controller
    if spend.max() <= 1e-9:
        return "none"
    i = int(np.argmax(spend))
    return "it" if i == 0 else m.department_names[i - 1]


def it_involvement_lag(m: Organization) -> float:
    """Mean months between a deployment and IT's first involvement, over deployments IT got involved in."""
    return m.ledger.lag_sum / m.ledger.lag_count if m.ledger.lag_count else math.nan


def fragmentation(m: Organization) -> float:
    """Mean number of distinct tools in use per category, over categories in use."""
    in_use = m.ledger.tool_users > 0
    counts = [in_use[idx].sum() for idx in m.category_tool_indices]
    used = [c for c in counts if c > 0]
    return float(np.mean(used)) if used else 0.0


def business_tech_spend_share(m: Organization) -> float:
    """Technology spend outside the IT budget (business baseline, departmental tools, cloud) over all."""
    outside = m.business_baseline_spend + m.ledger.spend_by_controller[1:].sum() + m.cloud_spend
    return _share(outside, outside + m.it.budget)


MODEL_REPORTERS = {
    "shadow_share": shadow_share,
    "it_led_share": it_led_share,
    "it_spend_share": it_spend_share,
    "it_innovation_share": it_innovation_share,
    "it_influence": it_influence,
    "it_role": lambda m: role(it_influence(m), m.setting.metrics),
    "tech_leader": tech_leader,
    "it_involvement_lag": it_involvement_lag,
    "fragmentation": fragmentation,
    "integration_debt": lambda m: m.ledger.integration_debt,
    "security_incidents": lambda m: m.it.incidents,
    "total_cost": lambda m: m.ledger.cumulative_cost,
    "business_tech_spend_share": business_tech_spend_share,
    "active_deployments": lambda m: m.ledger.n_active,
    **{
        f"deployments_{name}": (lambda m, i=i: int(m.ledger.by_channel[i])) for i, name in enumerate(CHANNELS)
    },
    "deployments_created": lambda m: m.ledger.created,
    "deployments_retired": lambda m: m.ledger.retired,
    "shut_down": lambda m: m.ledger.shut_down,
    "undiscovered_shadow": lambda m: m.ledger.undiscovered,
    "absorbed_maintained": lambda m: m.ledger.maintained,
    "discoveries": lambda m: m.it.discoveries,
    "backlog_requests": lambda m: len(m.it.backlog),
    "backlog_effort": lambda m: max(0.0, m.it.backlog_effort),
    "expected_wait_months": lambda m: m.it.expected_wait(),
    "mean_wait_months": lambda m: m.it.wait_sum / m.it.delivered if m.it.delivered else math.nan,
    "requests_delivered": lambda m: m.it.delivered,
    "mean_satisfaction": mean_satisfaction,
    "governance": lambda m: m.it.governance,
    "governance_load": lambda m: m.it.governance_load,
    "it_budget": lambda m: m.it.budget,
    "it_innovation_budget_share": lambda m: m.it.innovation / m.it.budget,
    "it_headcount": lambda m: m.it.headcount,
    "headcount": lambda m: sum(d.headcount for d in m.departments) + m.setting.it.headcount,
    "cio_aspiration": lambda m: m.it.aspiration,
    "cio_willingness": lambda m: m.it.willingness,
    "cio_actions": lambda m: m.it.cio_actions,
    "social_spend": lambda m: max(0.0, float(m.ledger.spend_by_controller.sum())),
    "cloud_spend": lambda m: m.cloud_spend,
    "integration_pressure": lambda m: m.environment.integration_pressure,
    "saas_maturity": lambda m: m.environment.saas_maturity,
    "consumerization": lambda m: m.environment.consumerization,
    "threat_level": lambda m: m.environment.threat_level,
    "grassroots_adoption": lambda m: m.employees.adoption_share if m.employees is not None else math.nan,
}


def _channel_reporter(i: int):
    return lambda d: int(d.channel_counts[i])


DEPARTMENT_REPORTERS = {
    "department": "name",
    "headcount": "headcount",
    "satisfaction": "satisfaction",
    "spend": lambda d: max(0.0, d.spend),
    **{f"deployments_{name}": _channel_reporter(i) for i, name in enumerate(CHANNELS)},
    "open_requests": lambda d: len(d.requests),
    "refusals": "refusals",
    "grassroots_share": "grassroots_share",
}


def first_sustained_month(timeseries: pd.DataFrame, column: str, threshold: float, months: int) -> int | None:
    """First month from which `column` stays above `threshold` for `months` rows (or to the end)."""
    above = (timeseries[column] > threshold).to_numpy()
    for i in np.flatnonzero(above):
        if above[i : i + months].all():
            return int(timeseries["month"].iloc[i])
    return None


def run_summary(timeseries: pd.DataFrame, majority_months: int = 6) -> dict:
    """Outcomes at the horizon of one run, from its monthly table."""
    last = timeseries.iloc[-1]
    return {
        "marginalized": bool(last["it_role"] == "infrastructure_custodian"),
        "it_role": str(last["it_role"]),
        "month_shadow_majority": first_sustained_month(timeseries, "shadow_share", 0.5, majority_months),
        "month_shadow_majority_first": first_sustained_month(timeseries, "shadow_share", 0.5, 1),
        "final_it_influence": float(last["it_influence"]),
        "final_shadow_share": float(last["shadow_share"]),
        "tech_leader": str(last["tech_leader"]),
        "security_incidents": int(last["security_incidents"]),
        "headcount": int(last["headcount"]),
        "cio_aspiration": float(last["cio_aspiration"]),
        "cio_willingness": float(last["cio_willingness"]),
        "cio_actions": int(last["cio_actions"]),
    }
