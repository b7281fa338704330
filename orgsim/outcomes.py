"""The declared outcomes: each monthly reporter, department column and run-summary value with its meaning,
unit and, for the objectives a strategist weighs, the direction that is better.

One place for what an outcome means: plot labels and the docs read it, and a test keeps it equal to the
reporters and the run summary the model actually produces. Names only; it computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MONTHLY, DEPARTMENT, RUN = "monthly", "department", "run"


@dataclass(frozen=True)
class Outcome:
    name: str
    meaning: str
    unit: str
    scope: str = MONTHLY  # monthly (timeseries), department (departments table) or run (summary)
    # objectives only: "up" or "down" is better for the organization as a strategist weighs it
    direction: str | None = None
    short: str = ""  # a short name for figures (default: the name in words)
    optional: bool = False  # a run outcome that is None when never reached (NaN in tables)

    @property
    def objective(self) -> bool:
        return self.direction is not None

    @property
    def label(self) -> str:
        """A figure label: the short name with the unit."""
        return f"{self.short or self.name.replace('_', ' ')} ({self.unit})"


def _m(name: str, meaning: str, unit: str, direction: str | None = None, short: str = "") -> Outcome:
    return Outcome(name, meaning, unit, MONTHLY, direction, short)


SHARE, INDEX, COUNT, KUSD, MONTHS = "share, 0-1", "index, 0-1", "count", "k USD per year", "months"

MONTHLY_OUTCOMES = (
    _m("it_spend_share", "IT's share of discretionary technology spend", SHARE, short="IT spend share"),
    _m(
        "it_decision_share",
        "IT's share of recent technology selections (vetoes apart)",
        SHARE,
        short="IT decision share",
    ),
    _m(
        "it_innovation_share",
        "business-facing share of the work demanded of IT",
        SHARE,
        short="IT innovation share",
    ),
    _m(
        "mean_satisfaction",
        "business satisfaction with IT: mean over departments",
        INDEX,
        "up",
        short="satisfaction with IT",
    ),
    _m("mean_reliance", "business reliance on IT: mean over departments", INDEX, short="reliance on IT"),
    _m(
        "it_influence",
        "IT influence: weighted mean of the role component scores",
        INDEX,
        "up",
        short="IT influence",
    ),
    _m("it_role", "IT's role this month from it_influence and the role lines", "category"),
    _m(
        "shadow_share",
        "share of active deployments that came in outside IT (byot + shadow)",
        SHARE,
        short="shadow share",
    ),
    _m(
        "outside_managed_share",
        "share of active deployments IT does not manage now",
        SHARE,
        short="outside-managed share",
    ),
    _m(
        "it_control_shared",
        "share of shared tools' deployments IT manages",
        SHARE,
        short="IT-managed share of shared tools",
    ),
    _m("tech_leader", "function with the largest discretionary technology spend", "function"),
    _m("it_discretionary_spend", "IT's business-facing (innovation) budget line", KUSD),
    _m("marketing_tech_spend", "marketing's own technology spend", KUSD),
    _m("it_involvement_lag", "months from a deployment to IT's first involvement: mean", MONTHS),
    _m("fragmentation", "distinct tools in use per category: mean over categories in use", "tools", "down"),
    _m("integration_debt", "integration debt accrued by unmanaged tools", "debt units", "down"),
    _m("security_incidents", "security incidents so far", COUNT, "down"),
    _m("total_cost", "social-tool spend so far", "k USD", "down"),
    _m(
        "business_tech_spend_share",
        "technology spend outside the IT budget over all tech spend",
        SHARE,
        short="business tech spend share",
    ),
    _m("active_deployments", "active deployments", COUNT),
    _m("deployments_sanctioned", "active deployments requested from and delivered by IT", COUNT),
    _m("deployments_brokered", "active deployments self-served from IT's store", COUNT),
    _m("deployments_byot", "active deployments bought where policy allows, IT not involved", COUNT),
    _m("deployments_shadow", "active deployments bought against policy", COUNT),
    _m("deployments_it_managed", "active deployments IT manages now", COUNT),
    _m("deployments_created", "deployments created so far", COUNT),
    _m("deployments_retired", "deployments retired so far", COUNT),
    _m("shut_down", "shadow deployments IT shut down so far", COUNT),
    _m("consolidated", "departmental tools IT consolidated so far", COUNT),
    _m("vendor_integrated", "departmental tools a vendor integrated so far", COUNT),
    _m("undiscovered_shadow", "shadow deployments IT does not know of", COUNT),
    _m("it_supported", "departmental tools IT supports", COUNT),
    _m("decisions", "technology selections recorded so far", COUNT),
    _m("it_vetoes", "IT's recent vetoes (refusals, shutdowns), fading", "vetoes"),
    _m("business_demand", "recent business-facing work asked of IT, fading", "work units"),
    _m("discoveries", "shadow deployments IT discovered so far", COUNT),
    _m("backlog_requests", "requests waiting at IT", COUNT),
    _m("backlog_effort", "work waiting at IT", "work units"),
    _m("expected_wait_months", "months a new request would wait at IT", MONTHS),
    _m("mean_wait_months", "months delivered requests waited: mean so far", MONTHS, "down"),
    _m("requests_delivered", "requests IT delivered so far", COUNT),
    _m("governance", "IT's governance stance", "stance"),
    _m("governance_load", "governance work this month", "work units per month"),
    _m("governance_capacity", "work the security-and-governance line buys", "work units per month"),
    _m("business_capacity", "business-facing work IT can do this month", "work units per month"),
    _m("it_budget", "IT budget", KUSD),
    _m("it_innovation_budget_share", "innovation line's share of the IT budget", SHARE),
    _m("it_headcount", "IT headcount, following its budget", "people"),
    _m("headcount", "organization headcount, IT included", "people"),
    _m("cio_aspiration", "CIO aspires to drive growth (0/1 when drawn)", INDEX),
    _m("cio_willingness", "CIO acts on the aspiration (0/1 when drawn)", INDEX),
    _m("cio_actions", "years the CIO moved budget to innovation", COUNT),
    _m("firm_it_intensity", "this organization's drawn IT budget factor (1: not drawn)", "factor"),
    _m("firm_committed_share", "this organization's committed share of department budgets", SHARE),
    _m(
        "firm_it_investment_part",
        "IT's part in the business's core technology decisions (its investment archetype)",
        SHARE,
    ),
    _m("firm_autonomy", "business headcount's mean technology autonomy (the department mix)", INDEX),
    _m("firm_marketing_share", "marketing's share of the business headcount (the department mix)", SHARE),
    _m("social_spend", "social-tool spend held by departments", KUSD),
    _m("cloud_spend", "cloud contracts held by finance", KUSD),
    _m("integration_pressure", "organizational integration pressure of social (LeBrun)", INDEX),
    _m("saas_maturity", "SaaS maturity", INDEX),
    _m("consumerization", "consumerization", INDEX),
    _m("app_stores", "app stores' and SaaS marketplaces' reach", INDEX),
    _m("threat_level", "security threat level", "index"),
    _m("grassroots_adoption", "employees using consumer social tools", SHARE),
)


def _d(name: str, meaning: str, unit: str) -> Outcome:
    return Outcome(name, meaning, unit, DEPARTMENT)


DEPARTMENT_OUTCOMES = (
    _d("department", "department name", "name"),
    _d("headcount", "department headcount", "people"),
    _d("satisfaction", "department's satisfaction with IT", INDEX),
    _d("reliance", "department's reliance on IT", INDEX),
    _d("tech_spend", "department's technology spend (committed part of its budget + social tools)", KUSD),
    _d("spend", "social-tool spend the department holds", KUSD),
    _d("deployments_sanctioned", "its active deployments delivered by IT", COUNT),
    _d("deployments_brokered", "its active deployments from IT's store", COUNT),
    _d("deployments_byot", "its active byot deployments", COUNT),
    _d("deployments_shadow", "its active shadow deployments", COUNT),
    _d("open_requests", "its requests waiting at IT", COUNT),
    _d("refusals", "its requests refused so far", COUNT),
    _d("grassroots_share", "its employees using consumer social tools", SHARE),
)


def _r(
    name: str, meaning: str, unit: str, direction: str | None = None, short: str = "", optional: bool = False
) -> Outcome:
    return Outcome(name, meaning, unit, RUN, direction, short, optional)


FINAL = "mean over the final sustain_months"
RUN_OUTCOMES = (
    _r(
        "marginalized",
        f"IT ended as infrastructure custodian: {FINAL} of it_influence below the line",
        "share of runs",
        "down",
        short="marginalized",
    ),
    _r("marginalized_low_threshold", "marginalized with the custodian line 0.05 lower", "bool"),
    _r("marginalized_high_threshold", "marginalized with the custodian line 0.05 higher", "bool"),
    _r(
        "marginalized_by_year",
        "marginalized by the same rule at the end of each year (list; in tables column "
        "marginalized_by_year_K, K from 1, is the end of year K of the horizon)",
        "bool",
    ),
    _r("it_role", "IT's role from final it_influence", "category"),
    _r("driver", "role component whose weighted score fell most from year 1 to the end", "component"),
    _r(
        "month_shadow_majority",
        "first month shadow_share stays above 0.5 for majority_months (None, NaN in tables: never; "
        "shadow_majority_reached says so)",
        MONTHS,
        short="month of shadow majority",
        optional=True,
    ),
    _r(
        "shadow_majority_reached",
        "shadow_share stayed above 0.5 for majority_months at some month (False: never)",
        "bool",
    ),
    _r(
        "month_shadow_majority_first",
        "first month shadow_share is above 0.5 (None: never)",
        MONTHS,
        optional=True,
    ),
    _r("final_it_influence", f"IT influence: {FINAL}", INDEX, "up"),
    _r("final_it_spend_share", f"IT's share of discretionary technology spend: {FINAL}", SHARE),
    _r("final_it_decision_share", f"IT's share of recent technology selections: {FINAL}", SHARE),
    _r("final_it_innovation_share", f"business-facing share of the work demanded of IT: {FINAL}", SHARE),
    _r("final_mean_satisfaction", f"business satisfaction with IT: {FINAL}", INDEX, "up"),
    _r("final_mean_reliance", f"business reliance on IT: {FINAL}", INDEX),
    _r("final_shadow_share", f"share of active deployments from outside IT: {FINAL}", SHARE),
    _r("final_outside_managed_share", f"share of active deployments IT does not manage: {FINAL}", SHARE),
    _r("tech_leader", "function with the largest discretionary technology spend at the end", "function"),
    _r("security_incidents", "security incidents over the run", COUNT, "down"),
    _r("headcount", "organization headcount at the end", "people"),
    _r("cio_actions", "years the CIO moved budget to innovation", COUNT),
    _r("cio_aspires", "this run's CIO drew the aspiration to drive growth (None: not drawn)", "bool"),
    _r("cio_acts", "this run's CIO drew acting on the aspiration (None: not drawn, a yearly chance)", "bool"),
    _r(
        "firm_it_intensity",
        "this organization's drawn IT budget factor, org.it_budget_spread (1: not drawn)",
        "factor",
    ),
    _r(
        "firm_committed_share",
        "this organization's baseline_spend_share, org.committed_spread (as set if 0)",
        SHARE,
    ),
    _r(
        "firm_it_investment_part",
        "IT's part in this organization's core investment decisions, as org.investment_rights drew them",
        SHARE,
    ),
    _r(
        "firm_autonomy",
        "this organization's business headcount's mean tech_autonomy, as org.mix_spread drew the mix",
        INDEX,
    ),
    _r(
        "firm_marketing_share",
        "marketing's share of this organization's business headcount, as org.mix_spread drew the mix",
        SHARE,
    ),
)

# float64 (NaN where never reached) in every runs table, whatever runs it holds
OPTIONAL_MONTHS = tuple(o.name for o in RUN_OUTCOMES if o.optional)

OUTCOMES = {scope: {o.name: o for o in group} for scope, group in (
    (MONTHLY, MONTHLY_OUTCOMES), (DEPARTMENT, DEPARTMENT_OUTCOMES), (RUN, RUN_OUTCOMES)
)}  # fmt: skip


def outcome(name: str, scope: str | None = None) -> Outcome | None:
    """The declared outcome of this name (a run value's `final_` form included), or None."""
    for s in (scope,) if scope else (RUN, MONTHLY, DEPARTMENT):
        found = OUTCOMES[s].get(name)
        if found is not None:
            return found
    return None


def objectives() -> list[Outcome]:
    """The outcomes a strategist weighs, with the direction that is better."""
    return [o for group in OUTCOMES.values() for o in group.values() if o.objective]


# --- the columns of the tables orgsim writes ---------------------------------------------------------------

RUNS, TIMESERIES, DEPARTMENTS = "runs", "timeseries", "departments"  # the tables, by file stem
ID = "id"


def _i(name: str, meaning: str, unit: str) -> Outcome:
    return Outcome(name, meaning, unit, ID)


# Columns that identify a row rather than measure anything: the same meaning in every table that has them.
ID_COLUMNS = (
    _i("run_id", "the run's id in its sweep: row + replicate x (design rows)", ID),
    _i("row", "the design point (row of the sweep's design) the run belongs to", ID),
    _i("setting", "the lever setting (levers' combination) of the design point", ID),
    _i("world", "the world (uncertainties' draw) of the design point; runs of one world share seeds", ID),
    _i("replicate", "the replicate number within its design point or run folder", ID),
    _i("seed", "the run's own seed: the seed its model was built with", "seed"),
    _i("month", "months since the start: 0 is January of start_year, the starting state", MONTHS),
    _i("date", "calendar date of the month: its first day", "date"),
    _i("department", "department name", "name"),
    _i("scenario", "the scenario (world preset) the design point runs", "name"),
    _i("policy", "the IT policy (lever preset) the design point runs", "name"),
)
IDS = {o.name: o for o in ID_COLUMNS}

_SCOPE = {RUNS: RUN, TIMESERIES: MONTHLY, DEPARTMENTS: DEPARTMENT}


# --- the columns of orgsim analyze's tables (and a sobol/morris sweep's sensitivity.parquet) ---------------

ANALYSIS = "analysis"
SAME = "as the outcome (see the outcome column)"
OBJECTIVE_UNIT = "as the objective (see the objective column)"
BOUND = "as the parameter (see the parameter column)"


def _a(name: str, meaning: str, unit: str) -> Outcome:
    return Outcome(name, meaning, unit, ANALYSIS)


def _interval(name: str, what: str, unit: str) -> tuple[Outcome, Outcome, Outcome]:
    return (
        _a(name, what, unit),
        _a(f"{name}_low", f"{what}: lower end of its 95% bootstrap interval over worlds", unit),
        _a(f"{name}_high", f"{what}: upper end of its 95% bootstrap interval over worlds", unit),
    )


_PRIM_BOX = (
    _a("outcome", "the condition the boxes find (an outcome and its threshold, in words)", "text"),
    _a("box", "the box's number, 1 the first found (PRIM covering: each next box on the runs left)", ID),
    _a("parameter", "a lever or uncertainty that bounds the box (its dotted settings key)", "name"),
    _a("kind", "how the parameter is bounded: numeric (low-high) or categorical (values)", "category"),
    _a("low", "the box's lower bound on the parameter (numeric; empty for categorical)", BOUND),
    _a("high", "the box's upper bound on the parameter (numeric; empty for categorical)", BOUND),
    _a("values", "the values the box keeps (categorical; empty for numeric)", "text"),
    _a("range_low", "the lowest value of the parameter in the sweep", BOUND),
    _a("range_high", "the highest value of the parameter in the sweep", BOUND),
    _a("coverage", "share of all the runs meeting the condition that lie in the box", SHARE),
    _a("density", "share of the runs in the box that meet the condition", SHARE),
    _a("mass", "share of all the runs that lie in the box", SHARE),
)
_POLICY_LABEL = _a("policy", "the lever setting: its levers' values as one label", "name")
_LEVER = _a("policy_name", "the lever called policy (the IT policy preset) of this lever setting", "name")
_VARIANCE = (
    _a("outcome", "the run outcome (a runs.parquet column) whose variance is split", "name"),
    _a(
        "source",
        "the variance source: levers, uncertainties, interaction, seeds (and its split into cio, the CIO type "
        "drawn, and chance, the rest)",
        "category",
    ),
    _a("share", "the source's share of the outcome's variance", SHARE),
    _a("low", "lower end of the share's 95% bootstrap interval", SHARE),
    _a("high", "upper end of the share's 95% bootstrap interval", SHARE),
)
ANALYSIS_COLUMNS = {
    "sensitivity": (
        _a("method", "the sensitivity method: sobol or morris", "category"),
        _a("outcome", "the run outcome (a runs.parquet column) analysed", "name"),
        _a("parameter", "the lever or uncertainty (dotted settings key), or seeds for seed_share", "name"),
        _a(
            "index",
            "which index: S1 (first order), ST (total), mu_star and sigma (Morris), seed_share (the share of "
            "variance replicate seeds alone give)",
            "category",
        ),
        _a("value", "the index's value (Sobol indices and seed_share: share of variance)", "as the index"),
        _a("conf", "half-width of the index's 95% confidence interval", "as the index"),
        _a("warning", "why the index is not to be read as it stands (empty when none)", "text"),
    ),
    "prim_boxes": _PRIM_BOX,
    "switch_boxes": _PRIM_BOX,
    "prim_peeling": (
        _a("outcome", "the condition the boxes find (an outcome and its threshold, in words)", "text"),
        _a("box", "the box's number, 1 the first found", ID),
        _a("step", "the peeling step: 0 is all the runs, each next step peels one slice", "count"),
        _PRIM_BOX[-3],
        _PRIM_BOX[-2],
        _PRIM_BOX[-1],
    ),
    "variance": _VARIANCE,
    "variance_by_policy": (
        _a("policy", "the IT policy (lever preset) within which the variance is split", "name"),
        *_VARIANCE,
    ),
    "robustness": (
        _POLICY_LABEL,
        _LEVER,
        _a("objective", "the run outcome weighed (a runs.parquet column)", "name"),
        _a("direction", "which way is better for the objective: up or down", "category"),
        *_interval("mean", "mean over worlds of the policy's world means", OBJECTIVE_UNIT),
        *_interval(
            "tail", "the worse-tail percentile over worlds of the policy's world means", OBJECTIVE_UNIT
        ),
        _a(
            "tail_percentile",
            "the percentile the tail column takes (the worse side of the objective)",
            "percent",
        ),
        *_interval(
            "max_regret", "largest regret over worlds: distance to the best policy there", OBJECTIVE_UNIT
        ),
        *_interval("satisficing", "share of worlds where the policy's mean meets the threshold", SHARE),
        _a(
            "threshold",
            "the satisficing threshold of the objective (empty when none declared)",
            OBJECTIVE_UNIT,
        ),
    ),
    "pareto": (
        _POLICY_LABEL,
        _LEVER,
        _a("pareto", "no other policy is at least as good on every objective and better on one", "bool"),
        _a("dominated_by", "how many policies dominate this one", COUNT),
    ),
    "regret": (
        _POLICY_LABEL,
        _a("world", "the world (uncertainties' draw) of the sweep", ID),
        _a("objective", "the run outcome weighed (a runs.parquet column)", "name"),
        _a("world_mean", "the policy's mean of the objective over its runs in this world", OBJECTIVE_UNIT),
        _a(
            "regret", "distance from the best policy's world mean in this world (0: the best)", OBJECTIVE_UNIT
        ),
    ),
    "preferred": (
        _a("world", "the world (uncertainties' draw) of the sweep", ID),
        _a("best_policy", "the policy best on the primary objective in this world", "name"),
        _a("preferred_policy", "the policy best on the primary objective on average over worlds", "name"),
        _a(
            "preferred_regret",
            "the preferred policy's regret in this world on the primary objective",
            "as the objective",
        ),
        _a("switched", "the preferred policy's regret here exceeds regret_threshold", "bool"),
        _a(
            "regret_threshold",
            "the regret above which a world switches (default: what seed noise gives)",
            "as the objective",
        ),
    ),
}
ANALYSIS_TABLES = {table: {o.name: o for o in columns} for table, columns in ANALYSIS_COLUMNS.items()}


def _analysis_entry(name: str, table: str) -> Outcome:
    """A column of an analysis table: its own entry, else an outcome column (pareto: the policy's mean over
    worlds), else a lever or uncertainty the table carries under its dotted key."""
    found = ANALYSIS_TABLES[table].get(name)
    if found is not None:
        return found
    run = outcome(name)  # an objective: a run value, or a monthly outcome the runs table keeps
    if run is not None:
        return Outcome(
            name, f"mean over worlds of the policy's world means of: {run.meaning}", run.unit, ANALYSIS
        )
    # otherwise a lever or uncertainty the analysis carries under its key (a settings key, or one a
    # sweep's design names such as policy.governance), as the runs table does
    return _design_entry(name)


def _setting_doc(key: str) -> str | None:
    """The one-line doc of a dotted model setting (orgsim.config.schema), "" when it has none, None when
    the key names no field (a dict-valued group such as the departments)."""
    import dataclasses
    import typing

    from orgsim.config.schema import OrgsimConfig

    node: Any = OrgsimConfig
    parts = key.split(".")
    for position, part in enumerate(parts):
        if not (isinstance(node, type) and dataclasses.is_dataclass(node)):
            return None
        fields = {f.name: f for f in dataclasses.fields(node)}
        if part not in fields:
            return None
        if position == len(parts) - 1:
            return fields[part].metadata.get("doc", "")
        node = typing.get_type_hints(node)[part]
    return None


def column_entry(name: str, table: str) -> Outcome:
    """What column `name` of table `table` (runs, timeseries, departments, or an analysis table of
    ANALYSIS_TABLES) means, with its unit.

    Ids first, then the table's outcomes (a list-valued run value's `NAME_K` entry included: K counts
    years from 1, so `marginalized_by_year_1` is the end of the horizon's first year), then any other column, which in these
    tables is a design value: a lever or uncertainty of the sweep under its dotted settings key."""
    if table in ANALYSIS_TABLES:
        return _analysis_entry(name, table)
    if name in IDS:
        return IDS[name]
    scope = _SCOPE[table]
    found = OUTCOMES[scope].get(name)
    if found is not None:
        return found
    stem, _, index = name.rpartition("_")
    listed = OUTCOMES[scope].get(stem)
    if listed is not None and index.isdigit():
        k = int(index)
        meaning = f"{listed.meaning}: entry {k}, counting from 1, so the end of year {k} of the horizon"
        return Outcome(name, meaning, listed.unit, scope)
    return _design_entry(name)


def _design_entry(name: str) -> Outcome:
    """A lever or uncertainty of a sweep, under its dotted settings key, with that setting's doc."""
    doc = _setting_doc(name)
    meaning = f"design value of the setting {name} (a lever or uncertainty of the sweep)"
    if doc:
        meaning += f": {doc}"
    return Outcome(name, meaning, "as the setting (orgsim params lists it)", "design")
