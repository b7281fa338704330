"""Invariants of DESIGN.md section 6, checked after every monthly step over random seeds and parameters."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgsim.config.schema import NETWORKS, POLICIES
from orgsim.model.ledger import CHANNELS
from orgsim.model.metrics import MODEL_REPORTERS, ROLE_COMPONENTS
from orgsim.model.organization import Organization

TOL = 1e-9
SHARES = {
    name: MODEL_REPORTERS[name]
    for name in (
        *ROLE_COMPONENTS,
        "it_influence",
        "shadow_share",
        "outside_managed_share",
        "business_tech_spend_share",
        "it_innovation_budget_share",
    )
}


def check_shares(model: Organization) -> None:
    for name, share in SHARES.items():
        value = share(model)
        assert 0.0 <= value <= 1.0, f"month {model.month}: {name} = {value}"
    for dept in model.departments:
        assert 0.0 <= dept.satisfaction <= 1.0, f"month {model.month}: {dept.name} satisfaction"


def check_deployments_conserved(model: Organization) -> None:
    ledger = model.ledger
    active = ledger.active
    by_channel = Counter(d.channel for d in active)
    assert ledger.by_channel.tolist() == [by_channel[i] for i in range(len(CHANNELS))]
    assert int(ledger.by_channel.sum()) == ledger.n_active == len(active)
    assert int(sum(d.channel_counts.sum() for d in model.departments)) == len(active)
    assert ledger.created == len(active) + ledger.retired
    assert all(d.active for d in active)
    assert (ledger.tool_users >= 0).all()
    # management state: counted apart from the channels, per tool and in total
    assert ledger.managed == sum(d.managed for d in active)
    assert ledger.tool_managed.tolist() == [
        sum(d.managed and d.tool.index == i for d in active) for i in range(len(ledger.tool_users))
    ]
    assert ledger.supported == sum(d.supported for d in active)
    assert np.isclose(ledger.support_effort, sum(d.tool.deploy_effort for d in active if d.supported))
    assert all(d.managed for d in active if d.supported)
    assert 0.0 <= model.decisions.by_it <= model.decisions.total + TOL
    for dept in model.departments:
        mine = [d for d in active if d.department is dept]
        categories = [d.category for d in mine]
        assert len(categories) == len(set(categories)), f"{dept.name} has two tools in one category"
        assert set(dept.portfolio) == set(categories)
        assert dept.channel_counts.tolist() == [
            sum(d.channel == i for d in mine) for i in range(len(CHANNELS))
        ]


def check_budgets_and_queue(model: Organization) -> None:
    it = model.it
    for name in ("run", "innovation", "security"):
        assert getattr(it, name) >= -TOL, f"month {model.month}: it.{name} = {getattr(it, name)}"
    assert it.capacity_available >= -TOL
    for name in ("business_work", "governance_work", "run_work", "governance_load"):
        assert getattr(it, name) >= -TOL, f"month {model.month}: it.{name} = {getattr(it, name)}"
    for dept in model.departments:
        assert dept.spend >= -TOL, f"month {model.month}: {dept.name} spend = {dept.spend}"
    assert it.backlog_effort >= -TOL
    assert len(it.backlog) >= 0
    assert np.isclose(it.backlog_effort, sum(r.effort_left for r in it.backlog), atol=1e-6)
    queued = {id(r) for r in it.backlog}
    for dept in model.departments:
        assert all(id(r) in queued for r in dept.requests.values()), f"{dept.name} waits on no queued request"


def check_adoption(model: Organization) -> None:
    employees = model.employees
    if employees is None:
        return
    assert (employees.adopters_by_department >= 0).all()
    assert (employees.adopters_by_department <= employees.headcount).all()
    assert employees.adopters <= employees.headcount.sum() == employees.size
    assert employees.adopters == int(employees.adopted.sum())
    assert 0.0 <= employees.adoption_share <= 1.0
    for dept in model.departments:
        assert employees.adopters_by_department[dept.index] <= dept.headcount


def check_all(model: Organization) -> None:
    check_shares(model)
    check_deployments_conserved(model)
    check_budgets_and_queue(model)
    check_adoption(model)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    policy=st.sampled_from(POLICIES),
    governance=st.sampled_from(("strict", "neutral", "enabling")),
    unit_cost=st.floats(5.0, 120.0),
    willingness=st.floats(0.0, 1.0),
    cloud_push=st.floats(0.0, 0.6),
    network=st.sampled_from(NETWORKS),
    employees=st.booleans(),
    years=st.integers(2, 3),
)
def test_invariants_hold_after_every_step(
    make_settings, seed, policy, governance, unit_cost, willingness, cloud_push, network, employees, years
) -> None:
    setting = make_settings(f"policy={policy}")
    setting.policy.governance = governance
    setting.it.unit_cost = unit_cost
    setting.it.cio.willingness = willingness
    setting.environment.cloud_push = cloud_push
    setting.org.employees.network = network
    setting.org.employees.enabled = employees
    setting.years = years
    model = Organization(setting, seed)
    check_all(model)
    while model.month < model.horizon:
        model.step()
        check_all(model)
    timeseries = model.datacollector.get_model_vars_dataframe()
    assert len(timeseries) == years * 12 + 1
    for column in SHARES:
        assert timeseries[column].between(0.0, 1.0).all(), column
    grassroots = timeseries["grassroots_adoption"]
    assert grassroots.between(0.0, 1.0).all() if employees else grassroots.isna().all()
