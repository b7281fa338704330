"""Typed schemas for every config group, registered in Hydra's ConfigStore.

Each field carries its allowed range or choices as metadata; `validate.py` is the one place that checks
them. Types and unknown keys are checked by OmegaConf when Hydra composes the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING

CATEGORIES = (
    "enterprise_social",
    "social_crm",
    "social_marketing",
    "customer_community",
    "crowdsourcing",
    "mobile_apps",
    "collaboration",
)
POLICIES = ("gatekeeper", "laissez_faire", "broker", "innovation_partner", "social_coe")
GOVERNANCE = ("strict", "neutral", "enabling")
NETWORKS = ("watts_strogatz", "department_blocks", "full")
NETWORK_BUILDERS = ("numpy", "networkx")


def bounded(default: Any, lo: float | None = None, hi: float | None = None):
    """A field whose value must lie in [lo, hi]."""
    return field(default=default, metadata={"range": (lo, hi)})


def unit(default: float):
    """A field whose value is a probability or share in [0, 1]."""
    return bounded(default, 0.0, 1.0)


def positive(default: Any):
    return bounded(default, 0.0, None)


def one_of(default: str, choices: tuple[str, ...]):
    return field(default=default, metadata={"choices": choices})


# --- tools -------------------------------------------------------------------------------------------


@dataclass
class ToolConfig:
    """One social-business tool of the catalogue (plain data)."""

    category: str = field(default=MISSING, metadata={"choices": CATEGORIES})
    delivery: str = one_of("saas", ("saas", "on_prem"))
    cost_per_seat_month: float = positive(5.0)  # USD
    annual_fee: float = positive(0.0)  # platform or account fee per deployment, k USD per year
    seat_share: float = unit(0.5)  # share of the department's headcount that gets a seat
    deploy_effort: float = bounded(4.0, 0.1, None)  # IT work units to deploy on request
    self_serve: bool = True  # can a department provision it without IT?
    integration_need: float = unit(0.5)
    security_risk: float = unit(0.3)
    vendor_push: float = unit(0.5)
    network_effect: float = unit(0.5)


@dataclass
class CatalogueConfig:
    name: str = MISSING
    tools: dict[str, ToolConfig] = field(default_factory=dict)


# --- organization ------------------------------------------------------------------------------------


@dataclass
class DepartmentConfig:
    headcount: int = bounded(100, 1, 1_000_000)
    external_engagement: float = unit(0.5)
    tech_autonomy: float = unit(0.5)
    risk_aversion: float = unit(0.5)
    budget: float = positive(300.0)  # own technology budget, k USD per year
    focus: list[str] = field(default_factory=list)  # categories this department needs most
    satisfaction: float = unit(0.5)  # initial satisfaction with IT


@dataclass
class InitialDeploymentConfig:
    department: str = MISSING
    tool: str = MISSING
    it_involved: bool = True


@dataclass
class EmployeesConfig:
    enabled: bool = True
    network: str = one_of("department_blocks", NETWORKS)
    # numpy: direct CSR build (fast); networkx: the same graph families drawn by networkx, as before
    # (about 20x slower; other random streams)
    builder: str = one_of("numpy", NETWORK_BUILDERS)
    mean_degree: int = bounded(10, 2, 200)
    rewire: float = unit(0.1)  # Watts-Strogatz rewiring probability
    cross_department_share: float = unit(0.15)  # share of ties leaving the department (blocks)
    p: float = bounded(0.02, 0.0, 1.0)  # Bass external influence, per year
    q: float = bounded(0.38, 0.0, 5.0)  # Bass imitation, per year
    initial_adopters: float = unit(0.0)
    propensity_spread: float = unit(0.5)  # heterogeneity of BYOT propensity (0: all equal)
    consumerization_boost: float = positive(1.0)  # how much consumerization raises p over time


@dataclass
class OrgConfig:
    name: str = MISSING
    departments: dict[str, DepartmentConfig] = field(default_factory=dict)
    network_edges: list[list[str]] = field(default_factory=list)  # department network (undirected)
    initial_deployments: list[InitialDeploymentConfig] = field(default_factory=list)
    # Share of each department's own budget already spent on non-social technology at the start:
    # sets business_tech_spend_share near Gartner's ~30% for 2012.
    baseline_spend_share: float = unit(0.5)
    # Total headcount, IT's included: scales every headcount and budget by size / configured total
    # (rounded, at least 1 per department); 0 keeps the configured sizes.
    size: int = bounded(0, 0, 1_000_000)
    # An industry rather than one organization: each replicate scales every headcount and budget (IT's
    # too) by exp(N(0, size_spread)), kept within [1/10, 10]; 0 keeps the configured sizes.
    size_spread: float = bounded(0.0, 0.0, 1.0)
    # ... and re-weights the business departments' headcounts (budgets follow) by exp(N(0, mix_spread))
    # each, at the same total; 0 keeps the configured mix.
    mix_spread: float = bounded(0.0, 0.0, 2.0)
    employees: EmployeesConfig = field(default_factory=EmployeesConfig)


# --- IT department -----------------------------------------------------------------------------------


@dataclass
class CIOConfig:
    # draw=true: each organization's CIO aspires with probability `aspiration` and is willing with
    # probability `willingness` (then acts every year); draw=false: the two values are used as they are,
    # aspiration as a level compared with IT's influence, willingness as a yearly chance of acting.
    draw: bool = True
    aspiration: float = unit(0.6)  # wants IT to drive growth
    willingness: float = unit(0.1)  # acts on it
    reinvest_step: float = unit(0.06)  # share of IT budget moved run -> innovation when acting


@dataclass
class BudgetSplitConfig:
    run: float = unit(0.55)
    innovation: float = bounded(0.22, 0.01, 1.0)  # > 0: it prices a work unit
    security: float = unit(0.23)


@dataclass
class ITConfig:
    headcount: int = bounded(60, 1, 100_000)
    budget: float = bounded(4000.0, 1.0, None)  # k USD per year
    split: BudgetSplitConfig = field(default_factory=BudgetSplitConfig)
    capacity: float = bounded(2.5, 0.1, None)  # work units per month for social tools at the start split
    cio: CIOConfig = field(default_factory=CIOConfig)
    discovery_rate: float = unit(0.05)  # monthly chance IT discovers a given shadow deployment (neutral)
    absorb_load: float = positive(0.1)  # governance work units per month per absorbed tool, per effort unit
    incident_effort: float = positive(2.0)  # governance work units spent on one security incident
    refusal_rate: float = unit(0.5)  # chance a strict IT refuses a request, times the tool's security risk
    tighten_on_incident: float = unit(0.15)  # chance an incident moves governance one step stricter
    crackdown_shift: float = unit(0.05)  # share of IT budget moved innovation -> security when it tightens
    audit_effort: float = positive(1.0)  # governance work units per month spent policing, at strict stance
    incident_rate: float = unit(0.01)  # monthly incident chance of an unmanaged tool, per unit of risk
    integration_absorb_rate: float = unit(0.1)  # monthly chance, times pressure and need, IT absorbs a tool
    cloud_governance: float = unit(0.3)  # share of cloud-moved work that returns as vendor governance


# --- environment ------------------------------------------------------------------------------------


@dataclass
class TrendConfig:
    start: float = unit(0.2)  # level at the start
    end: float = unit(0.9)  # asymptote
    midpoint_year: float = bounded(2014.0, 1900.0, 2200.0)
    steepness: float = bounded(1.2, 0.01, 20.0)  # per year


@dataclass
class EnvironmentConfig:
    saas_maturity: TrendConfig = field(default_factory=TrendConfig)
    consumerization: TrendConfig = field(
        default_factory=lambda: TrendConfig(start=0.2, end=0.9, midpoint_year=2014.5, steepness=1.0)
    )
    vendor_push: float = unit(0.6)  # strength of vendors' direct marketing to departments
    cloud_cost_decline: float = unit(0.1)  # per year
    threat_level: float = bounded(1.0, 0.0, 10.0)  # security threat at the start
    threat_growth: float = bounded(0.1, 0.0, 2.0)  # per year
    integration_base: float = unit(0.05)  # integration pressure with no cross-department use
    integration_sensitivity: float = bounded(0.05, 0.0, 10.0)  # per cross-department deployment
    cloud_push: float = unit(0.1)  # share of IT's run budget the CFO moves to the cloud each year


# --- decisions --------------------------------------------------------------------------------------


@dataclass
class DecisionConfig:
    """Weights of the departments' logit choice between request, self-provision and wait."""

    need_rate: float = unit(0.08)  # monthly chance a relevant unmet need becomes a decision
    off_focus_need: float = unit(0.3)  # need for categories outside a department's focus
    grassroots_boost: float = positive(2.0)  # how much employee grassroots use raises need
    lifetime_months: float = bounded(48.0, 1.0, None)  # mean life of a deployment
    temperature: float = bounded(1.0, 0.01, 100.0)
    benefit: float = bounded(1.0, 0.0, 100.0)
    integration_value: float = bounded(1.5, 0.0, 100.0)  # value only IT can deliver
    wait_cost: float = bounded(1.5, 0.0, 100.0)  # per year of expected wait
    satisfaction: float = bounded(2.0, 0.0, 100.0)
    autonomy: float = bounded(2.0, 0.0, 100.0)
    consumerization: float = bounded(2.0, 0.0, 100.0)
    saas: float = bounded(2.0, 0.0, 100.0)
    peer: float = bounded(1.0, 0.0, 100.0)
    grassroots: float = bounded(1.0, 0.0, 100.0)
    cost: float = bounded(1.0, 0.0, 100.0)  # per unit of annual cost / discretionary budget
    enforcement: float = bounded(4.0, 0.0, 100.0)
    wait_option: float = bounded(0.0, -100.0, 100.0)  # utility of waiting another month
    patience_months: float = bounded(6.0, 0.0, None)  # wait tolerated before a request may be dropped
    withdraw_rate: float = unit(0.25)  # monthly chance, times autonomy, an overdue request is dropped
    delivery_gain: float = unit(0.05)
    wait_penalty: float = unit(0.01)  # per month waited beyond patience
    refusal_penalty: float = unit(0.1)


# --- policy --------------------------------------------------------------------------------------------


@dataclass
class PolicyConfig:
    name: str = field(default=MISSING, metadata={"choices": POLICIES})
    governance: str = one_of("neutral", GOVERNANCE)
    request_bonus: float = bounded(0.0, -10.0, 10.0)  # utility of going through IT under this policy
    innovation_shift: float = bounded(0.0, -1.0, 1.0)  # share of IT budget moved run -> innovation at start
    catalogue_max_risk: float = unit(0.5)  # broker: tools at or below this risk are in the app store
    scouting_rate: float = unit(0.0)  # innovation_partner: monthly chance IT proposes a tool to a department
    coe_lead: str = one_of("marketing", ("marketing", "it"))
    coe_capacity: float = positive(0.0)  # social_coe: extra work units per month pooled by the CoE
    coe_review_months: float = positive(0.0)  # social_coe: delay of the CoE's decision


# --- scenario and root -----------------------------------------------------------------------------


@dataclass
class ScenarioConfig:
    name: str = MISSING
    description: str = ""


@dataclass
class MetricsConfig:
    strategic_threshold: float = unit(0.55)
    custodian_threshold: float = unit(0.35)
    # A shadow majority counts once shadow_share stays above 0.5 this many months in a row (or to the
    # horizon): with a handful of deployments the share flips back and forth around one half early on.
    majority_months: int = bounded(6, 1, 1200)
    innovation_target: float = bounded(
        0.5, 0.01, 1.0
    )  # innovation share counted as full marks in it_influence
    weight_outside: float = positive(0.2)  # weight of (1 - shadow_share)
    weight_led: float = positive(0.2)
    weight_spend: float = positive(0.2)
    weight_innovation: float = positive(0.2)
    weight_satisfaction: float = positive(0.2)


@dataclass
class OrgsimConfig:
    scenario: ScenarioConfig = MISSING
    policy: PolicyConfig = MISSING
    org: OrgConfig = MISSING
    catalogue: CatalogueConfig = MISSING
    it: ITConfig = field(default_factory=ITConfig)
    environment: EnvironmentConfig = field(default_factory=EnvironmentConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    start_year: int = bounded(2012, 1900, 2200)
    years: int = bounded(5, 1, 100)
    replicates: int = bounded(20, 1, 100_000)
    seed: int = bounded(0, 0, 2**63 - 1)
    workers: int = bounded(0, 0, 1024)  # 0: one per CPU core


def register_configs() -> None:
    """Register the root schema and one schema per config group."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="orgsim_schema", node=OrgsimConfig)
    cs.store(group="policy", name="policy_schema", node=PolicyConfig)
    cs.store(group="org", name="org_schema", node=OrgConfig)
    cs.store(group="catalogue", name="catalogue_schema", node=CatalogueConfig)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig, package="scenario")
