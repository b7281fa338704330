"""Outcomes of DESIGN.md section 4 as DataCollector reporters over the model's counters, IT's role, and
the summary of one run.

IT's role is measured by what IT controls and does (its share of discretionary technology spend, of
technology decisions and of effort that is business-facing, and the business's satisfaction with it). The
role reads `RoleInputs` only, which carry no channel counts: how tools came in (shadow_share) is an
outcome beside the role, so its association with the role is measured, not defined.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from orgsim.config.schema import MetricsConfig
from orgsim.model.ledger import BYOT, CHANNELS, SHADOW

if TYPE_CHECKING:
    from orgsim.model.organization import Organization

ROLES = ("strategic_partner", "service_provider", "infrastructure_custodian")
# The components of it_influence, in the order of their weights in MetricsConfig.
ROLE_COMPONENTS = (
    "it_spend_share",
    "it_decision_share",
    "it_innovation_share",
    "mean_satisfaction",
    "mean_reliance",
)


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def ordered_sum(values) -> float:
    """The values added left to right, as `sum` did before Python 3.12 (3.12's `sum` compensates for
    rounding, so the same run would differ in the last bits between Python versions)."""
    total = 0.0
    for v in values:
        total += v
    return total


def numpy_mean(values: list[float]) -> float:
    """np.mean of a short list of floats, bit for bit, without building an array (a few microseconds a
    call, every month): numpy sums fewer than 8 values in order and 8 to 128 values in eight interleaved
    partial sums (its pairwise summation); longer lists go to numpy itself."""
    n = len(values)
    if n > 128:
        return float(np.mean(values))
    if n < 8:
        return ordered_sum(values) / n if n else math.nan
    r = values[:8]
    i = 8
    while i + 8 <= n:
        r = [r[j] + values[i + j] for j in range(8)]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for v in values[i:]:
        total += v
    return total / n


# --- IT's role ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleInputs:
    """Everything IT's role is computed from (and nothing about adoption channels)."""

    it_discretionary_spend: float  # IT's business-facing (innovation) line, k USD per year
    business_discretionary_spend: float  # the business functions' own technology spend, k USD per year
    it_decisions: float  # recent technology decisions taken by IT (selections and vetoes)
    all_decisions: float
    business_facing_work: float  # recent IT work done for the business (deliveries, consolidation, ...)
    work_demanded: float  # recent work asked of IT: business-facing, governance, running infrastructure
    satisfaction: float  # mean satisfaction of the business departments with IT
    reliance: float  # mean reliance of the business departments on IT


def role_inputs(m: Organization) -> RoleInputs:
    it = m.it
    # against work demanded, not work done: unmet requests and infrastructure moved to the cloud still
    # count, so losing work to others lowers the share
    business = it.business_work
    total = max(it.business_demand, business) + it.governance_work + it.run_work
    return RoleInputs(
        it_discretionary_spend=it.discretionary_spend,
        business_discretionary_spend=ordered_sum(d.tech_spend for d in m.department_list),
        it_decisions=m.decisions.by_it,
        all_decisions=m.decisions.total,
        business_facing_work=business,
        work_demanded=total,
        satisfaction=numpy_mean([d.satisfaction for d in m.department_list]),
        reliance=numpy_mean([d.reliance for d in m.department_list]),
    )


def role_components(inputs: RoleInputs) -> dict[str, float]:
    """The five components of IT's role, each in [0, 1]."""
    spend = inputs.it_discretionary_spend
    return {
        "it_spend_share": _share(spend, spend + inputs.business_discretionary_spend),
        "it_decision_share": (
            inputs.it_decisions / inputs.all_decisions if inputs.all_decisions > 1e-12 else 0.5
        ),
        "it_innovation_share": _share(inputs.business_facing_work, inputs.work_demanded),
        "mean_satisfaction": inputs.satisfaction,
        "mean_reliance": inputs.reliance,
    }


def component_scores(components: dict[str, float], cfg: MetricsConfig) -> dict[str, float]:
    """Each component on the 0-1 scale of it_influence (spend and effort against their targets)."""
    return {
        "it_spend_share": min(1.0, components["it_spend_share"] / cfg.spend_target),
        "it_decision_share": components["it_decision_share"],
        "it_innovation_share": min(1.0, components["it_innovation_share"] / cfg.innovation_target),
        "mean_satisfaction": components["mean_satisfaction"],
        "mean_reliance": components["mean_reliance"],
    }


def component_weights(cfg: MetricsConfig) -> dict[str, float]:
    return dict(
        zip(
            ROLE_COMPONENTS,
            (
                cfg.weight_spend,
                cfg.weight_decisions,
                cfg.weight_innovation,
                cfg.weight_satisfaction,
                cfg.weight_reliance,
            ),
            strict=True,
        )
    )


def influence(components: dict[str, float], cfg: MetricsConfig) -> float:
    """it_influence: the weighted mean of the component scores."""
    scores = component_scores(components, cfg)
    weights = component_weights(cfg)
    return ordered_sum(weights[k] * scores[k] for k in ROLE_COMPONENTS) / ordered_sum(weights.values())


def role(value: float, cfg: MetricsConfig) -> str:
    """IT's role from its influence; the last of ROLES is the marginal one."""
    strategic, provider, custodian = ROLES
    if value >= cfg.strategic_threshold:
        return strategic
    if value < cfg.custodian_threshold:
        return custodian
    return provider


def role_now(m: Organization) -> dict[str, float]:
    """The role components and it_influence of the organization as it stands."""
    values = role_components(role_inputs(m))
    values["it_influence"] = influence(values, m.setting.metrics)
    return values


# --- adoption and other outcomes -------------------------------------------------------------------------


def shadow_share(m: Organization) -> float:
    """Share of active deployments that came in outside IT (byot + shadow)."""
    return _share(m.ledger.by_channel[BYOT] + m.ledger.by_channel[SHADOW], m.ledger.n_active)


def outside_managed_share(m: Organization) -> float:
    """Share of active deployments that IT does not manage now."""
    return _share(m.ledger.n_active - m.ledger.managed, m.ledger.n_active)


def it_control_shared(m: Organization) -> float:
    """Share of the deployments of shared tools (used by two or more departments) that IT manages."""
    shared = m.ledger.shared_deployments()
    return _share(m.ledger.shared_managed(), shared) if shared else math.nan


def spend_by_function(m: Organization) -> dict[str, float]:
    """Discretionary technology spend per function, compared like with like (k USD per year)."""
    spend = {"it": m.it.discretionary_spend}
    spend.update({d.name: d.tech_spend for d in m.department_list})
    return spend


def tech_leader(m: Organization) -> str:
    """The function with the largest discretionary technology spend (the first such in
    spend_by_function's order on a tie)."""
    leader, most = "it", m.it.discretionary_spend
    for d in m.department_list:
        spend = d.tech_spend
        if spend > most:
            leader, most = d.name, spend
    return leader


def it_involvement_lag(m: Organization) -> float:
    """Mean months between a deployment and IT's first involvement, over deployments IT got involved in."""
    return m.ledger.lag_sum / m.ledger.lag_count if m.ledger.lag_count else math.nan


def fragmentation(m: Organization) -> float:
    """Mean number of distinct tools in use per category, over categories in use."""
    counts = [0] * len(m.catalogue.categories)
    for category, users in zip(m.tool_category, m.ledger.tool_users.tolist(), strict=True):
        if users > 0:
            counts[category] += 1
    used = [c for c in counts if c]
    return sum(used) / len(used) if used else 0.0  # integers: the same value as numpy's mean


def business_tech_spend_share(m: Organization) -> float:
    """Technology spend outside the IT budget (the functions' own spend and the cloud contracts) over all
    technology spend (Gartner's "outside IT" share)."""
    outside = ordered_sum(d.tech_spend for d in m.department_list) + m.cloud_spend
    return _share(outside, outside + m.it.budget)


MODEL_REPORTERS = {
    # The organization computes its role once per month before collecting (Organization.role).
    **{name: (lambda m, k=name: m.role[k]) for name in (*ROLE_COMPONENTS, "it_influence")},
    "it_role": lambda m: role(m.role["it_influence"], m.setting.metrics),
    "shadow_share": shadow_share,
    "outside_managed_share": outside_managed_share,
    "it_control_shared": it_control_shared,
    "tech_leader": tech_leader,
    "it_discretionary_spend": lambda m: m.it.discretionary_spend,
    "marketing_tech_spend": lambda m: (
        m.by_name["marketing"].tech_spend if "marketing" in m.by_name else math.nan
    ),
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
    "deployments_it_managed": lambda m: m.ledger.managed,
    "deployments_created": lambda m: m.ledger.created,
    "deployments_retired": lambda m: m.ledger.retired,
    "shut_down": lambda m: m.ledger.shut_down,
    "consolidated": lambda m: m.ledger.consolidated,
    "vendor_integrated": lambda m: m.ledger.vendor_integrated,
    "undiscovered_shadow": lambda m: m.ledger.undiscovered,
    "it_supported": lambda m: m.ledger.supported,
    "decisions": lambda m: m.decisions.count,
    "it_vetoes": lambda m: m.decisions.vetoes,
    "business_demand": lambda m: m.it.business_demand,
    "discoveries": lambda m: m.it.discoveries,
    "backlog_requests": lambda m: len(m.it.backlog),
    "backlog_effort": lambda m: max(0.0, m.it.backlog_effort),
    "expected_wait_months": lambda m: m.it.expected_wait(),
    "mean_wait_months": lambda m: m.it.wait_sum / m.it.delivered if m.it.delivered else math.nan,
    "requests_delivered": lambda m: m.it.delivered,
    "governance": lambda m: m.it.governance,
    "governance_load": lambda m: m.it.governance_load,
    "governance_capacity": lambda m: m.it.units(m.it.security),
    "business_capacity": lambda m: m.it.capacity_available,
    "it_budget": lambda m: m.it.budget,
    "it_innovation_budget_share": lambda m: _share(m.it.innovation, m.it.budget),
    "it_headcount": lambda m: m.it.headcount,
    "headcount": lambda m: sum(d.headcount for d in m.department_list) + m.setting.it.headcount,
    "cio_aspiration": lambda m: m.it.aspiration,
    "cio_willingness": lambda m: m.it.willingness,
    "cio_actions": lambda m: m.it.cio_actions,
    "firm_it_intensity": lambda m: m.drawn.it_budget_factor,
    "firm_committed_share": lambda m: m.setting.org.baseline_spend_share,
    "firm_it_investment_part": lambda m: m.it_investment_part,
    "firm_autonomy": lambda m: m.firm_autonomy,
    "firm_marketing_share": lambda m: m.firm_marketing_share,
    "social_spend": lambda m: max(0.0, float(m.ledger.spend_by_controller.sum())),
    "cloud_spend": lambda m: m.cloud_spend,
    "integration_pressure": lambda m: m.environment.integration_pressure,
    "saas_maturity": lambda m: m.environment.saas_maturity,
    "consumerization": lambda m: m.environment.consumerization,
    "app_stores": lambda m: m.environment.app_stores,
    "threat_level": lambda m: m.environment.threat_level,
    "grassroots_adoption": lambda m: m.employees.adoption_share if m.employees is not None else math.nan,
}


def _channel_reporter(i: int):
    return lambda d: int(d.channel_counts[i])


DEPARTMENT_REPORTERS = {
    "department": "name",
    "headcount": "headcount",
    "satisfaction": "satisfaction",
    "reliance": "reliance",
    "tech_spend": "tech_spend",
    "spend": lambda d: max(0.0, d.spend),
    **{f"deployments_{name}": _channel_reporter(i) for i, name in enumerate(CHANNELS)},
    "open_requests": lambda d: len(d.requests),
    "refusals": "refusals",
    "grassroots_share": "grassroots_share",
}


# --- one run's summary --------------------------------------------------------------------------------


# A run's monthly table: a DataFrame, or its columns as arrays (the recorder's `columns()`), as the
# summary reads it: one column at a time.
Columns = pd.DataFrame | Mapping[str, np.ndarray]


def _values(timeseries: Columns, column: str) -> np.ndarray:
    values = timeseries[column]
    return values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)


def first_sustained_month(timeseries: Columns, column: str, threshold: float, months: int) -> int | None:
    """First month from which `column` stays above `threshold` for `months` rows (or to the end)."""
    above = _values(timeseries, column) > threshold
    for i in np.flatnonzero(above):
        if above[i : i + months].all():
            return int(_values(timeseries, "month")[i])
    return None


THRESHOLD_SHIFT = 0.05


def _nanmean(values: np.ndarray) -> float:
    """pandas' Series.mean of float values: NaN skipped (NaN when none is left)."""
    values = values.astype(np.float64, copy=False)
    missing = np.isnan(values)
    if missing.any():
        values = values[~missing]
    return float(values.sum() / len(values)) if len(values) else math.nan


# The last month's values a summary reports.
LAST_MONTH_COLUMNS = (
    "tech_leader",
    "security_incidents",
    "headcount",
    "cio_aspiration",
    "cio_willingness",
    "cio_actions",
    "firm_it_intensity",
    "firm_committed_share",
    "firm_it_investment_part",
    "firm_autonomy",
    "firm_marketing_share",
)
# The monthly columns `run_summary` reads: a run that keeps only its summary records these alone.
SUMMARY_COLUMNS = (
    "month",
    "it_influence",
    *ROLE_COMPONENTS,
    "shadow_share",
    "outside_managed_share",
    *LAST_MONTH_COLUMNS,
)


def run_summary(timeseries: Columns, metrics: MetricsConfig) -> dict:
    """Outcomes of one run from its monthly table (a DataFrame, or its columns as arrays).

    IT is marginalized when its mean influence over the final `sustain_months` lies below the custodian
    threshold (a sustained state, not a last-month snapshot); the same rule is applied to every year of
    the horizon and with the custodian threshold moved by -0.05 and +0.05. `driver` names the role
    component whose weighted score fell most between the first year and the final period. `metrics` is
    required: the schema's hand-set lines differ from the calibrated ones a run's config carries.
    """
    cfg = metrics
    months = _values(timeseries, "month")
    final = months > months.max() - cfg.sustain_months
    first_year = (months >= 1) & (months <= 12)
    columns = {name: _values(timeseries, name) for name in ("it_influence", *ROLE_COMPONENTS)}

    def mean(column: str, rows: np.ndarray) -> float:
        # A column's rows as arrays, not DataFrame row selections (an eighth of a sweep run's CPU); the
        # same values and summation as pandas' mean (NaN skipped), so the same bits.
        values = columns[column] if column in columns else _values(timeseries, column)
        return float(_nanmean(values[rows]))

    final_influence = mean("it_influence", final)
    by_year = []
    for year in range(1, int(months.max()) // 12 + 1):
        window = (months > 12 * (year - 1)) & (months <= 12 * year)
        by_year.append(bool(mean("it_influence", window) < cfg.custodian_threshold))
    last = {name: _values(timeseries, name)[-1] for name in LAST_MONTH_COLUMNS}
    start_scores = component_scores({k: mean(k, first_year) for k in ROLE_COMPONENTS}, cfg)
    end_scores = component_scores({k: mean(k, final) for k in ROLE_COMPONENTS}, cfg)
    weights = component_weights(cfg)
    drops = {k: weights[k] * (start_scores[k] - end_scores[k]) for k in ROLE_COMPONENTS}
    majority = first_sustained_month(timeseries, "shadow_share", 0.5, cfg.majority_months)
    return {
        "marginalized": final_influence < cfg.custodian_threshold,
        "marginalized_low_threshold": final_influence < cfg.custodian_threshold - THRESHOLD_SHIFT,
        "marginalized_high_threshold": final_influence < cfg.custodian_threshold + THRESHOLD_SHIFT,
        "marginalized_by_year": by_year,
        "it_role": role(final_influence, cfg),
        "driver": max(drops, key=drops.__getitem__),
        "month_shadow_majority": majority,
        "shadow_majority_reached": majority is not None,  # None above means never; said in words here
        "month_shadow_majority_first": first_sustained_month(timeseries, "shadow_share", 0.5, 1),
        "final_it_influence": final_influence,
        **{f"final_{k}": mean(k, final) for k in ROLE_COMPONENTS},
        "final_shadow_share": mean("shadow_share", final),
        "final_outside_managed_share": mean("outside_managed_share", final),
        "tech_leader": str(last["tech_leader"]),
        "security_incidents": int(last["security_incidents"]),
        "headcount": int(last["headcount"]),
        "cio_actions": int(last["cio_actions"]),
        # the per-run CIO draws under their own names: the monthly cio_aspiration / cio_willingness hold
        # the draw only under it.cio.draw=true, so no run table carries them under the parameters' names
        "cio_aspires": _drawn(last["cio_aspiration"]),
        "cio_acts": _drawn(last["cio_willingness"]),
        # what the industry drew for this organization besides its size (headcount): variance.py splits
        # the seeds' share by them
        "firm_it_intensity": float(last["firm_it_intensity"]),
        "firm_committed_share": float(last["firm_committed_share"]),
        "firm_it_investment_part": float(last["firm_it_investment_part"]),
        "firm_autonomy": float(last["firm_autonomy"]),
        "firm_marketing_share": float(last["firm_marketing_share"]),
    }


def _drawn(value: float) -> bool | None:
    """A per-run CIO draw as a bool: 0/1 under it.cio.draw=true; None when the column holds a level or
    yearly chance instead (it.cio.draw=false with a value strictly between 0 and 1)."""
    value = float(value)
    return bool(value) if value in (0.0, 1.0) else None
