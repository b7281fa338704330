"""Typed schemas for every config group, registered in Hydra's ConfigStore.

Each field carries its allowed range or choices as metadata; `validate.py` is the one place that checks
them. Types and unknown keys are checked by OmegaConf when Hydra composes the config.
"""

from __future__ import annotations

import copy
import functools
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
NETWORKS = ("watts_strogatz", "department_blocks", "erdos_renyi", "barabasi_albert", "full")
ADOPTION_RULES = ("bass", "threshold")
THRESHOLD_DISTRIBUTIONS = ("fixed", "uniform", "normal")
THRESHOLD_UPDATES = ("synchronous", "fixed_point")
NETWORK_BUILDERS = ("numpy", "networkx")
# Who takes a firm's IT investment decisions (Weill & Ross's archetypes); "drawn": one per organization
INVESTMENT_RIGHTS = ("drawn", "business_monarchy", "federal", "duopoly", "it_monarchy")
IT_BUDGET_CENTRES = ("median", "mean")


def bounded(
    default: Any,
    lo: float | None = None,
    hi: float | None = None,
    *,
    plausible: tuple[float, float] | None = None,
    source: str = "assumption",
    doc: str = "",
):
    """A field whose value must lie in [lo, hi].

    `plausible` is the range an assumed number may credibly take (sampled by sensitivity and calibration
    work), `source` where it comes from ("assumption" when nothing was found), `doc` its one-line meaning.
    """
    meta: dict[str, Any] = {"range": (lo, hi)}
    if plausible is not None:
        meta["plausible"] = (plausible[0], plausible[1], source)
    if doc:
        meta["doc"] = doc
    return field(default=default, metadata=meta)


def unit(default: float, **kw: Any):
    """A field whose value is a probability or share in [0, 1]."""
    return bounded(default, 0.0, 1.0, **kw)


def positive(default: Any, **kw: Any):
    return bounded(default, 0.0, None, **kw)


def one_of(default: str, choices: tuple[str, ...], doc: str = ""):
    meta: dict[str, Any] = {"choices": choices}
    if doc:
        meta["doc"] = doc
    return field(default=default, metadata=meta)


def plausible_ranges(node: Any, prefix: str = "") -> dict[str, tuple[float, float, str]]:
    """Dotted key -> (low, high, source) for every field of a settings instance that declares a plausible
    range (nested dataclasses included; dict-valued groups such as departments are not walked)."""
    import dataclasses

    out: dict[str, tuple[float, float, str]] = {}
    for f in dataclasses.fields(node):
        key = f"{prefix}{f.name}"
        if "plausible" in f.metadata:
            out[key] = f.metadata["plausible"]
        value = getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            out.update(plausible_ranges(value, key + "."))
    return out


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
    reliance: float = unit(0.6, doc="initial reliance on IT for new technology (assumption)")
    # Its technology budget grows at environment.martech_growth (marketing technology) instead of
    # environment.business_tech_growth.
    martech: bool = False


@dataclass
class InitialDeploymentConfig:
    department: str = MISSING
    tool: str = MISSING
    it_involved: bool = True


@dataclass
class ThresholdConfig:
    """The threshold rule (Granovetter 1978; Watts 2002): an employee adopts once the share of its network
    neighbours who adopted reaches its own threshold.

    No plausible ranges: these act only under rule=threshold, so calibration of the default model must not
    sample them.
    """

    distribution: str = one_of("fixed", THRESHOLD_DISTRIBUTIONS, doc="how thresholds vary between employees")
    mean: float = unit(0.18, doc="mean threshold: share of adopting neighbours needed (Watts 2002: 0.18)")
    # uniform: half-width of the interval around the mean; normal: standard deviation; both clipped to [0, 1]
    spread: float = unit(0.0, doc="half-width (uniform) or standard deviation (normal) of thresholds")
    # a count; a share of seed adopters is org.employees.initial_adopters (it applies under both rules)
    seeds: int = bounded(0, 0, 1_000_000, doc="employees who adopt at the start, drawn at random")
    # synchronous: one hop of the cascade per month (word of mouth takes weeks); fixed_point: the cascade
    # runs to its end within the month (Watts's final cascade size; the final set is the same either way)
    update: str = one_of("synchronous", THRESHOLD_UPDATES, doc="cascade hops per month: one, or to the end")
    # Consumerization-driven external adoption (Bass p, raised by consumerization) on top of the rule: the
    # sparks that start cascades in the organization. false: only seeds and initial adopters start them.
    external: bool = True


@dataclass
class EmployeesConfig:
    enabled: bool = True
    # bass: Bass hazard p + q x (adopting share of neighbours); threshold: see ThresholdConfig
    rule: str = one_of("bass", ADOPTION_RULES, doc="grassroots adoption rule of the employee layer")
    network: str = one_of("department_blocks", NETWORKS)
    # numpy: direct CSR build (fast); networkx: the same graph families drawn by networkx, as before
    # (about 20x slower; other random streams)
    builder: str = one_of("numpy", NETWORK_BUILDERS)
    mean_degree: int = bounded(10, 2, 200)
    rewire: float = unit(0.1)  # Watts-Strogatz rewiring probability
    cross_department_share: float = unit(0.15)  # share of ties leaving the department (blocks)
    p: float = bounded(
        0.02,
        0.0,
        1.0,
        plausible=(0.01, 0.03),
        source="Bass 1969; diffusion literature",
        doc="Bass external influence, per year",
    )
    q: float = bounded(
        0.38,
        0.0,
        5.0,
        plausible=(0.3, 0.5),
        source="Bass 1969; diffusion literature",
        doc="Bass imitation, per year",
    )
    initial_adopters: float = unit(0.0)
    propensity_spread: float = unit(0.5)  # heterogeneity of BYOT propensity (0: all equal)
    consumerization_boost: float = positive(1.0)  # how much consumerization raises p over time
    threshold: ThresholdConfig = field(default_factory=ThresholdConfig)


@dataclass
class OrgConfig:
    name: str = MISSING
    departments: dict[str, DepartmentConfig] = field(default_factory=dict)
    network_edges: list[list[str]] = field(default_factory=list)  # department network (undirected)
    initial_deployments: list[InitialDeploymentConfig] = field(default_factory=list)
    # Sets business_tech_spend_share near Gartner's ~30% for 2012.
    baseline_spend_share: float = unit(
        0.5,
        plausible=(0.4, 0.7),
        doc="share of each department's own technology budget already committed to non-social technology",
    )
    # Total headcount, IT's included: scales every headcount and budget by size / configured total
    # (rounded, at least 1 per department); 0 keeps the configured sizes.
    size: int = bounded(0, 0, 1_000_000)
    # An industry rather than one organization: each replicate scales every headcount and budget (IT's
    # too) by exp(N(0, size_spread)), kept within [1/10, 10]; 0 keeps the configured sizes.
    size_spread: float = bounded(
        0.0, 0.0, 1.0, doc="log-s.d. of each organization's drawn size factor (an industry; 0: one size)"
    )
    # ... and re-weights the business departments' headcounts (budgets follow) by exp(N(0, mix_spread))
    # each, at the same total; 0 keeps the configured mix.
    mix_spread: float = bounded(
        0.0, 0.0, 2.0, doc="log-s.d. of each business department's drawn headcount factor (0: configured mix)"
    )
    # ... and multiplies IT's budget alone by exp(N(0, it_budget_spread)): IT intensity differs between
    # firms (Gartner IT Key Metrics Data: IT spend from about 1% of revenue in construction and energy to
    # 6-7% in banking and software, industry averages, wider between firms); 0 keeps the configured budget.
    it_budget_spread: float = bounded(
        0.0, 0.0, 2.0, doc="log-s.d. of each organization's drawn IT budget factor: IT intensity (0: as set)"
    )
    # Which IT budget `it.budget` is once it_budget_spread draws one per firm: the median firm's
    # (exp(N(0, s)); the firms' mean is exp(s^2/2) times it, every fit until 2026-12-07) or the mean
    # firm's (exp(N(-s^2/2, s)): the spread then leaves the industry's average IT budget where it is; ODD
    # 2.0, *Why the mean-based spend rows overshoot*).
    it_budget_centre: str = one_of(
        "median",
        IT_BUDGET_CENTRES,
        doc="it.budget is the median or the mean firm's IT budget under it_budget_spread",
    )
    # ... and shifts baseline_spend_share by N(0, committed_spread) on the logit scale: how much core
    # technology the business functions hold themselves (decentralized against centralized IT
    # governance) differs between firms (assumption; no source gives the spread); 0 keeps it.
    committed_spread: float = bounded(
        0.0,
        0.0,
        3.0,
        doc="s.d. of each organization's drawn logit shift of baseline_spend_share (0: as set)",
    )
    # Who decides the core (non-social) technology the business functions and finance buy: Weill's IT
    # governance archetypes for IT investment decisions (ODD 3.3.23). IT decides its own run line (over 70%
    # of firms leave architecture to an IT monarchy, the same study). business_monarchy, the business
    # deciding without IT, is the rule every fit so far used; drawn (Weill's mix) is not yet fitted: within
    # the priors it does not meet CEB 2013 and Logicalis 2014 together (ODD 2.0).
    investment_rights: str = one_of(
        "business_monarchy",
        INVESTMENT_RIGHTS,
        doc="who takes the business's core technology investment decisions; drawn: one archetype per firm",
    )
    it_monarchy_share: float = unit(
        0.1,
        plausible=(0.0, 0.2),
        source="Weill 2004 (256 enterprises): IT investment decided 'about equally' by business monarchy, "
        "federal and duopoly arrangements; the share left to IT alone an assumption",
        doc="share of firms whose IT decides their investments alone, under investment_rights=drawn",
    )
    employees: EmployeesConfig = field(default_factory=EmployeesConfig)


# --- IT department -----------------------------------------------------------------------------------


@dataclass
class CIOConfig:
    # draw=true: each organization's CIO aspires with probability `aspiration`, and of those who aspire a
    # share willingness / aspiration act (so `willingness` is the share of ALL CIOs who act, Deloitte's
    # "1 in 10"); an acting CIO acts every year. draw=false: aspiration is a level compared with IT's
    # influence and willingness a yearly chance of acting.
    draw: bool = True
    aspiration: float = unit(
        0.6,
        plausible=(0.5, 0.7),
        source="Deloitte CIO survey 2011/12 (60%)",
        doc="share of CIOs who aspire to drive growth",
    )
    willingness: float = unit(
        0.1,
        plausible=(0.05, 0.2),
        source="Deloitte CIO survey 2011/12 (1 in 10)",
        doc="share of all CIOs who act on it",
    )
    reinvest_step: float = unit(
        0.06, plausible=(0.03, 0.1), doc="share of IT budget an acting CIO moves run -> innovation each year"
    )


@dataclass
class BudgetSplitConfig:
    # Deloitte CIO survey 2014: 55% of CIO budgets on core IT services, 22% on business growth. The three
    # shares must sum to 1, so they are sources, not independently sampled assumptions.
    run: float = unit(0.55, doc="run (infrastructure) line, share of IT budget")
    innovation: float = bounded(0.22, 0.0, 1.0, doc="innovation (business-facing) line, share of IT budget")
    security: float = unit(0.23, doc="security-and-governance line, share of IT budget")


# How each governance stance enforces and responds to a discovered shadow tool (shut it down, absorb it,
# else ignore it). No source quantifies these: all are assumptions, with plausible ranges. The neutral
# stance's discovery factor is 1 by definition (it.discovery_rate is the neutral rate).


@dataclass
class EnablingStance:
    enforcement: float = unit(0.25, plausible=(0.1, 0.4), doc="how hard the enabling stance enforces (0-1)")
    discovery_factor: float = bounded(
        0.7, 0.0, 100.0, plausible=(0.4, 1.0), doc="multiplier of it.discovery_rate under the enabling stance"
    )
    shut_down: float = unit(
        0.0, plausible=(0.0, 0.1), doc="enabling: chance a discovered shadow tool is shut down"
    )
    absorb: float = unit(
        0.8, plausible=(0.6, 0.95), doc="enabling: chance a discovered shadow tool is absorbed"
    )


@dataclass
class NeutralStance:
    enforcement: float = unit(0.5, plausible=(0.3, 0.7), doc="how hard the neutral stance enforces (0-1)")
    discovery_factor: float = bounded(
        1.0, 0.0, 100.0, doc="multiplier of it.discovery_rate under the neutral stance"
    )
    shut_down: float = unit(
        0.0, plausible=(0.0, 0.2), doc="neutral: chance a discovered shadow tool is shut down"
    )
    absorb: float = unit(
        0.5, plausible=(0.3, 0.7), doc="neutral: chance a discovered shadow tool is absorbed"
    )


@dataclass
class StrictStance:
    enforcement: float = unit(1.0, plausible=(0.7, 1.0), doc="how hard the strict stance enforces (0-1)")
    discovery_factor: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.5, 3.0), doc="multiplier of it.discovery_rate under the strict stance"
    )
    shut_down: float = unit(
        0.7, plausible=(0.5, 0.9), doc="strict: chance a discovered shadow tool is shut down"
    )
    absorb: float = unit(0.3, plausible=(0.1, 0.5), doc="strict: chance a discovered shadow tool is absorbed")


@dataclass
class StancesConfig:
    """How each governance stance enforces and responds to a discovered shadow tool (else: ignore it)."""

    enabling: EnablingStance = field(default_factory=EnablingStance)
    neutral: NeutralStance = field(default_factory=NeutralStance)
    strict: StrictStance = field(default_factory=StrictStance)


@dataclass
class ITConfig:
    headcount: int = bounded(60, 1, 100_000)
    budget: float = bounded(4000.0, 1.0, None, plausible=(3000.0, 5500.0), doc="IT budget, k USD per year")
    split: BudgetSplitConfig = field(default_factory=BudgetSplitConfig)
    unit_cost: float = bounded(
        30.0,
        0.1,
        None,
        plausible=(20.0, 45.0),
        doc="cost of one IT work unit (social-business work), k USD; fixed, so capacity follows the budget",
    )
    cio: CIOConfig = field(default_factory=CIOConfig)
    discovery_rate: float = unit(
        0.05,
        plausible=(0.02, 0.1),
        doc="monthly chance IT discovers a given shadow deployment (neutral stance)",
    )
    support_load: float = positive(
        0.05,
        plausible=(0.02, 0.1),
        doc="monthly governance work per departmental tool IT supports (absorbed or brokered), per unit of its deploy effort",
    )
    incident_effort: float = positive(
        2.0, plausible=(1.0, 4.0), doc="governance work units spent on one security incident"
    )
    refusal_rate: float = unit(
        0.5, plausible=(0.3, 0.7), doc="chance a strict IT refuses a request, times the tool's risk"
    )
    tighten_on_incident: float = unit(
        0.15, plausible=(0.05, 0.3), doc="chance an incident moves governance one step stricter"
    )
    crackdown_shift: float = unit(
        0.05, plausible=(0.02, 0.1), doc="share of IT budget moved innovation -> security when IT tightens"
    )
    audit_effort: float = positive(
        1.0,
        plausible=(0.5, 2.0),
        doc="governance work units per month spent policing, times the stance's enforcement level",
    )
    incident_rate: float = unit(
        0.01, plausible=(0.005, 0.02), doc="monthly incident chance of an unmanaged tool, per unit of risk"
    )
    integration_rate: float = unit(
        0.1,
        plausible=(0.05, 0.2),
        doc="monthly chance, times integration pressure and need, that a departmental tool needs integrating",
    )
    integration_readiness: float = unit(
        0.5,
        plausible=(0.3, 0.8),
        doc="readiness of a CIO who has not acted to take integration work (an acting CIO's is 1)",
    )
    # LeBrun's takeover (ODD 3.3.16). false switches it off: IT never takes over (absorbs and consolidates)
    # a departmental tool for its integration need, whatever its CIO (readiness 0, an acting CIO's too);
    # every need goes to a vendor. The random draws are the same either way, so paired runs stay paired.
    # For the LeBrun check's switched-off arm (orgsim validate, check hypotheses).
    integration_takeover: bool = True
    budget_follows_use: float = unit(
        0.3,
        plausible=(0.0, 0.6),
        doc="share of the year's growth in the business's own social-tool spend the budget round takes "
        "from IT's innovation line (budget follows use)",
    )
    consolidation_effort: float = unit(
        0.5,
        plausible=(0.25, 1.0),
        doc="IT work to consolidate a departmental tool, as a share of its deploy effort",
    )
    stances: StancesConfig = field(default_factory=StancesConfig)
    cloud_vendor_share: float = unit(
        0.36,
        plausible=(0.18, 0.72),
        doc="governance work to manage the cloud contracts, as a share of their value in IT work units",
    )


# --- environment ------------------------------------------------------------------------------------


@dataclass
class TrendConfig:
    start: float = unit(0.2, doc="level at the start")
    end: float = unit(0.9, plausible=(0.7, 1.0), doc="asymptote")
    midpoint_year: float = bounded(
        2014.0, 1900.0, 2200.0, plausible=(2013.0, 2017.0), doc="year of the steepest rise"
    )
    steepness: float = bounded(1.2, 0.01, 20.0, plausible=(0.6, 2.0), doc="logistic steepness, per year")


@dataclass
class EnvironmentConfig:
    saas_maturity: TrendConfig = field(default_factory=TrendConfig)
    consumerization: TrendConfig = field(
        default_factory=lambda: TrendConfig(start=0.2, end=0.9, midpoint_year=2014.5, steepness=1.0)
    )
    # App stores and SaaS marketplaces: how far they have cut the time, cost and skill of self-provisioning.
    app_stores: TrendConfig = field(
        default_factory=lambda: TrendConfig(start=0.1, end=0.9, midpoint_year=2015.0, steepness=1.0)
    )
    vendor_push: float = unit(
        0.6, plausible=(0.4, 0.8), doc="strength of vendors' direct marketing to departments"
    )
    cloud_cost_decline: float = unit(0.1, plausible=(0.05, 0.2), doc="yearly decline of cloud prices")
    cloud_discount: float = unit(
        0.2, plausible=(0.0, 0.4), doc="cloud price of moved infrastructure below its on-premises run cost"
    )
    cloud_savings_to_it: float = unit(
        0.0,
        plausible=(0.0, 1.0),
        doc="share of the cloud savings reinvested in IT's innovation line (the rest kept by finance)",
    )
    threat_level: float = bounded(1.0, 0.0, 10.0)  # security threat at the start
    threat_growth: float = bounded(
        0.1, 0.0, 2.0, plausible=(0.0, 0.2), doc="yearly growth of the threat level"
    )
    integration_base: float = unit(
        0.05, plausible=(0.0, 0.2), doc="integration pressure with no cross-department use"
    )
    integration_sensitivity: float = bounded(
        0.05,
        0.0,
        10.0,
        plausible=(0.02, 0.25),
        doc="integration pressure per cross-department deployment (LeBrun)",
    )
    cloud_push: float = unit(
        0.1, plausible=(0.0, 0.3), doc="share of IT's run budget the CFO moves to the cloud each year"
    )
    business_tech_growth: float = bounded(
        0.03,
        -0.5,
        1.0,
        plausible=(0.0, 0.06),
        doc="yearly growth of business departments' own technology budgets",
    )
    it_budget_growth: float = bounded(
        0.02,
        -0.5,
        1.0,
        plausible=(0.01, 0.04),
        source="Computer Economics IT Spending and Staffing Benchmarks 2013-2016: median IT operational "
        "budget growth about 2% (1.1% small to 4% large organizations in 2013; 3.0% forecast for 2015)",
        doc="yearly growth of IT's budget (all three lines), applied at the yearly budget round",
    )
    budget_from_use: float = unit(
        0.5,
        plausible=(0.0, 1.0),
        doc="share of a department's yearly social-tool spend added to its own technology budget (use "
        "breeds budget)",
    )
    martech_growth: float = bounded(
        0.12,
        -0.5,
        1.0,
        plausible=(0.05, 0.2),
        source="Gartner 2012 (CMO out-spends CIO by 2017); CMO Survey 2016 (3.24% vs 3.4% of revenue)",
        doc="yearly growth of marketing's technology budget (martech departments)",
    )


# --- decisions --------------------------------------------------------------------------------------


@dataclass
class DecisionConfig:
    """Weights of the departments' logit choice between request, self-provision and wait."""

    need_rate: float = unit(
        0.08, plausible=(0.04, 0.16), doc="monthly chance a relevant unmet need becomes a decision"
    )
    off_focus_need: float = unit(
        0.3, plausible=(0.1, 0.5), doc="need for categories outside a department's focus"
    )
    grassroots_boost: float = positive(
        2.0, plausible=(1.0, 3.0), doc="how much employee grassroots use raises need"
    )
    lifetime_months: float = bounded(
        48.0, 1.0, None, plausible=(36.0, 72.0), doc="mean life of a deployment, months"
    )
    temperature: float = bounded(1.0, 0.01, 100.0)
    # a request's expected wait is capped here: with no capacity left the queue never moves, and a decade
    # reads as never (a numerical cap, not an assumption about behaviour)
    max_wait_months: float = bounded(120.0, 1.0, None)
    internal_need: float = unit(
        0.5, plausible=(0.3, 0.7), doc="need for internal categories (enterprise social, collaboration)"
    )
    on_prem_skill: float = unit(
        0.6, plausible=(0.4, 0.8), doc="skill self-provisioning an on-premises tool takes (0-1)"
    )
    tool_vendor_weight: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.0, 3.0), doc="weight of vendor push in the choice among tools"
    )
    tool_network_weight: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.0, 3.0), doc="weight of departments already on a tool in the choice"
    )
    brokered_gain_share: float = unit(
        0.5, plausible=(0.25, 1.0), doc="satisfaction of a brokered self-service, as a share of a delivery's"
    )
    benefit: float = bounded(1.0, 0.0, 100.0)
    integration_value: float = bounded(
        1.5,
        0.0,
        100.0,
        plausible=(0.5, 3.0),
        doc="utility of integration only IT can deliver, times pressure",
    )
    wait_cost: float = bounded(
        1.5, 0.0, 100.0, plausible=(0.75, 3.0), doc="disutility per year of expected wait at IT"
    )
    satisfaction: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.0, 3.0), doc="weight of satisfaction with IT in requesting"
    )
    autonomy: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.0, 3.0), doc="weight of tech autonomy in self-provisioning"
    )
    consumerization: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.0, 3.0), doc="weight of consumerization in self-provisioning"
    )
    saas: float = bounded(
        2.0, 0.0, 100.0, plausible=(1.0, 3.0), doc="weight of the skill self-provisioning needs"
    )
    app_stores: float = bounded(
        1.0, 0.0, 100.0, plausible=(0.5, 2.0), doc="weight of app stores' convenience in self-provisioning"
    )
    peer: float = bounded(1.0, 0.0, 100.0, plausible=(0.5, 2.0), doc="weight of peers that self-provisioned")
    grassroots: float = bounded(
        1.0, 0.0, 100.0, plausible=(0.5, 2.0), doc="weight of employees' grassroots use"
    )
    cost: float = bounded(
        1.0, 0.0, 100.0, plausible=(0.5, 2.0), doc="weight of annual cost over discretionary budget"
    )
    vendor: float = bounded(
        1.0,
        0.0,
        100.0,
        plausible=(0.5, 2.0),
        doc="weight of vendors' direct marketing of the tool in self-provisioning",
    )
    reliance: float = bounded(
        1.0, 0.0, 100.0, plausible=(0.5, 2.0), doc="weight of reliance on IT in requesting"
    )
    core_decisions: float = positive(
        3.0,
        # the firm's other technology decisions against its ~0.9 social-tool selections a month, in
        # proportion to its applications: 50-250 for a firm of ~2,000 people, ~24 of them social tools
        plausible=(1.0, 9.0),
        source="F5 State of Application Delivery 2016 (most firms under 5,000 people run 1-200 "
        "applications); equal turnover and weight per application an assumption",
        doc="core (non-social) technology decisions a month, split as org.investment_rights says",
    )
    reliance_loss: float = unit(
        0.05, plausible=(0.02, 0.1), doc="share of reliance on IT lost with each self-provisioned tool"
    )
    reliance_gain: float = unit(
        0.05, plausible=(0.02, 0.1), doc="share of the gap to full reliance closed by each IT delivery"
    )
    enforcement: float = bounded(
        4.0, 0.0, 100.0, plausible=(2.0, 6.0), doc="weight of feared enforcement of shadow IT"
    )
    wait_option: float = bounded(0.0, -100.0, 100.0)  # utility of waiting another month
    patience_months: float = bounded(
        6.0, 0.0, None, plausible=(3.0, 12.0), doc="wait tolerated before a request may be dropped"
    )
    withdraw_rate: float = unit(
        0.25, plausible=(0.1, 0.4), doc="monthly chance, times autonomy, an overdue request is dropped"
    )
    delivery_gain: float = unit(0.05, plausible=(0.02, 0.1), doc="satisfaction gained by a prompt delivery")
    wait_penalty: float = unit(
        0.01, plausible=(0.005, 0.02), doc="satisfaction lost per month waited beyond patience"
    )
    refusal_penalty: float = unit(0.1, plausible=(0.05, 0.2), doc="satisfaction lost per refusal or shutdown")


# --- policy --------------------------------------------------------------------------------------------


def only_for(policies: tuple[str, ...], spec):
    """`spec` (a field) read only by these policies' behaviour: a value set for another policy, which would
    change nothing, is refused (orgsim.config.validate)."""
    spec.metadata = {**spec.metadata, "policies": policies}  # dataclasses.field keeps a mapping proxy
    return spec


@dataclass
class PolicyConfig:
    """What a policy sets: what departments may do, how IT responds, who funds and who curates.

    One schema for every policy, with each policy's own keys marked (`only_for`): a key another policy
    reads is refused. The keys every policy reads (request delay, integration service, innovation shift,
    scouting) are the pathways the switched-off study (orgsim.analysis.mechanisms) moves between policies.
    """

    name: str = field(default=MISSING, metadata={"choices": POLICIES})
    governance: str = one_of("neutral", GOVERNANCE)
    # laissez_faire: IT runs infrastructure first; social-tool requests wait this many months before IT
    # starts on them (assumption; plausible 3-12)
    request_delay_months: float = positive(0.0)
    # false (laissez_faire): IT does not integrate the social tools it delivers with core systems, so a
    # request carries no integration value
    integration_service: bool = True
    # innovation_partner: the funding the policy brings (share of IT budget moved run -> innovation at start)
    innovation_shift: float = bounded(0.0, 0.0, 1.0)
    # broker: tools at or below this risk are in the app store; social_coe: the risk line of the CoE's rules
    catalogue_max_risk: float = only_for(("broker", "social_coe"), unit(0.5))
    # broker: IT's curation and integration work per brokered deployment, as a share of its deploy effort
    curation_share: float = only_for(
        ("broker",),
        unit(
            0.5,
            plausible=(0.25, 1.0),
            doc="broker: IT work per brokered deployment, as a share of its deploy effort",
        ),
    )
    scouting_rate: float = unit(0.0)  # innovation_partner: monthly chance IT proposes a tool to a department
    coe_lead: str = only_for(("social_coe",), one_of("marketing", ("marketing", "it")))
    # social_coe: work units per month the CoE's members contribute
    coe_capacity: float = only_for(("social_coe",), positive(0.0))
    coe_review_months: float = only_for(("social_coe",), positive(0.0))  # social_coe: delay of its decision


# --- scenario and root -----------------------------------------------------------------------------


@dataclass
class ScenarioConfig:
    name: str = MISSING
    description: str = ""


@dataclass
class MetricsConfig:
    """IT's role: a weighted mean of five components, none of which reads the channel counts."""

    strategic_threshold: float = unit(0.55)
    custodian_threshold: float = unit(0.35)
    # A shadow majority counts once shadow_share stays above 0.5 this many months in a row (or to the
    # horizon): with a handful of deployments the share flips back and forth around one half early on.
    majority_months: int = bounded(6, 1, 1200)
    # "Marginalized" is a sustained state: mean it_influence over the final `sustain_months` below the
    # custodian threshold.
    sustain_months: int = bounded(12, 1, 1200)
    decision_memory_months: float = bounded(
        12.0,
        1.0,
        1200.0,
        plausible=(6.0, 24.0),
        doc="mean age of the technology decisions the decision share counts",
    )
    spend_target: float = bounded(
        0.5,
        0.01,
        1.0,
        plausible=(0.35, 0.65),
        doc="IT share of discretionary technology spend counted as full marks",
    )
    innovation_target: float = bounded(
        0.4, 0.01, 1.0, plausible=(0.3, 0.5), doc="business-facing share of IT's work counted as full marks"
    )
    weight_spend: float = positive(0.25)
    weight_decisions: float = positive(0.25)
    weight_innovation: float = positive(0.25)
    weight_satisfaction: float = positive(0.25)
    weight_reliance: float = positive(0.25)


@dataclass
class ModelConfig:
    """The model's parameters: everything `Organization` reads, and nothing about how it is run."""

    scenario: ScenarioConfig = MISSING
    policy: PolicyConfig = MISSING
    org: OrgConfig = MISSING
    catalogue: CatalogueConfig = MISSING
    it: ITConfig = field(default_factory=ITConfig)
    environment: EnvironmentConfig = field(default_factory=EnvironmentConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    start_year: int = bounded(2012, 1900, 2200, doc="calendar year of the first month")
    years: int = bounded(5, 1, 100, doc="horizon in years")


@dataclass
class OrgsimConfig(ModelConfig):
    """The root of `orgsim run`: the model's parameters plus the run settings, which the model never
    reads (how many organizations, from which seed, on how many processes, into which folder)."""

    replicates: int = bounded(400, 1, 100_000, doc="organizations simulated (one seed each)")
    seed: int = bounded(0, 0, 2**63 - 1, doc="base seed; replicate i runs with its own seed drawn from it")
    workers: int = bounded(0, 0, 1024, doc="worker processes; 0: one per CPU core")
    overwrite: bool = field(
        default=False,
        metadata={
            "doc": "replace this command's earlier results in hydra.run.dir (kept until the new ones are in)"
        },
    )
    force: bool = field(
        default=False, metadata={"doc": "run even when the estimate exceeds what the machine can spare"}
    )
    # orgsim run: also give the verdict over the calibration posterior, drawing this many of the accepted
    # calibration sets (configs/calibrated/abc_2012_posterior.csv; at most one per replicate, replicates /
    # sets organizations each): the share marginalized with an interval of chance plus parameter
    # uncertainty, beside the one of chance alone. On by default (issue 22: the default verdict carries
    # both intervals); it doubles the organizations a run simulates. 0: off.
    posterior_sets: int = bounded(
        50,
        0,
        1000,
        doc="also give the verdict over this many calibration posterior sets, at most one per replicate (0: off)",
    )


# The run settings: keys of the root config that are not the model's parameters.
RUN_SETTINGS = tuple(
    f for f in OrgsimConfig.__dataclass_fields__ if f not in ModelConfig.__dataclass_fields__
)


VALIDATION_SIZES = ("full", "quick")


@dataclass
class ValidateConfig:
    """What `orgsim validate` runs: which checks, at which size."""

    size: str = one_of("full", VALIDATION_SIZES, doc="full: the published sizes; quick: reduced, for tests")
    replicates: int = bounded(0, 0, 100_000)  # per check's unit (populations, graphs); 0: its default
    checks: list[str] = field(default_factory=list)  # names of the checks to run; empty: all


@dataclass
class ValidateRootConfig(OrgsimConfig):
    """The root of `orgsim validate`: the model's config (checks of the default scenario read it) plus
    the validation's own keys."""

    validate: ValidateConfig = field(default_factory=ValidateConfig)


@functools.cache  # once per process: each store builds its schema's config (0.1-0.3 s per compose)
def register_configs() -> None:
    """Register the root schema and one schema per config group."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="orgsim_schema", node=OrgsimConfig)
    cs.store(name="orgsim_validate_schema", node=ValidateRootConfig)
    cs.store(group="policy", name="policy_schema", node=PolicyConfig)
    cs.store(group="org", name="org_schema", node=OrgConfig)
    cs.store(group="catalogue", name="catalogue_schema", node=CatalogueConfig)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig, package="scenario")


# Config values that hold no other values: copied and validated as they are.
PLAIN_TYPES = (bool, int, float, str, type(None))


def clone(node: Any) -> Any:
    """A deep copy of a settings tree (these dataclasses, dicts, lists, tuples and plain values), as
    copy.deepcopy makes it but ~3x faster: api.apply copies its base config for every point it runs."""
    if isinstance(node, PLAIN_TYPES):
        return node
    if isinstance(node, dict):
        return {key: clone(value) for key, value in node.items()}
    if isinstance(node, list):
        return [clone(value) for value in node]
    if isinstance(node, tuple) and type(node) is tuple:
        return tuple(clone(value) for value in node)
    if hasattr(type(node), "__dataclass_fields__") and hasattr(node, "__dict__"):
        copied = object.__new__(type(node))
        copied.__dict__.update({key: clone(value) for key, value in node.__dict__.items()})
        return copied
    return copy.deepcopy(node)
