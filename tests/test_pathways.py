"""Pathways from BYOT to every role component, and policies that act through behaviour (issue 22).

Each pathway is a mechanism an agent goes through, checked in closed form on one model; the switched-off
tests check that each policy's headline effect survives with its accounting paths neutralized.
"""

from __future__ import annotations

import pytest

from orgsim.analysis.mechanisms import ARMS, effect
from orgsim.model.ledger import BROKERED, BYOT, SHADOW
from orgsim.model.organization import Organization


def _model(make_settings, *overrides: str, seed: int = 1) -> Organization:
    return Organization(make_settings(*overrides, "years=2"), seed)


def _tool(model: Organization, name: str = "social_listening"):
    return model.catalogue.by_name.get(name) or model.catalogue.tools[-1]


def test_each_tool_a_department_provisions_outside_it_lowers_its_reliance_on_it(make_settings):
    model = _model(make_settings, "policy=laissez_faire")
    dept = model.by_name["marketing"]
    loss = model.setting.decision.reliance_loss
    for channel in (BYOT, SHADOW):
        before = dept.reliance
        tool = next(t for t in model.catalogue.tools if t.category not in dept.portfolio)
        dept.self_provision(tool, channel)
        assert dept.reliance == pytest.approx(before * (1 - loss))
    before = dept.reliance
    tool = next(t for t in model.catalogue.tools if t.category not in dept.portfolio)
    dept.self_provision(tool, BROKERED)  # from IT's store: still IT's service
    assert dept.reliance == before


def test_a_delivery_by_it_restores_part_of_the_reliance(make_settings):
    model = _model(make_settings)
    dept = model.by_name["sales"]
    dept.reliance = 0.4
    tool = _tool(model)
    req = model.it.new_request(dept, tool, it_part=1.0)
    dept.on_request_delivered(req, waited=1)
    assert dept.reliance == pytest.approx(0.4 + model.setting.decision.reliance_gain * 0.6)


def test_its_innovation_line_follows_the_business_spend_outside_it(make_settings):
    model = _model(make_settings)
    it = model.it
    before = it.innovation
    it.follow_business_use(100.0)
    assert it.innovation == pytest.approx(before - it.cfg.budget_follows_use * 100.0)
    it.follow_business_use(-50.0)  # spend falling outside IT gives nothing back by itself
    assert it.innovation == pytest.approx(before - it.cfg.budget_follows_use * 100.0)
    it.follow_business_use(1e12)
    assert it.innovation == 0.0


def test_its_budget_grows_at_the_yearly_budget_round(make_settings):
    """Every line grows by the sourced rate (Computer Economics), so capacity and headcount follow."""
    model = _model(make_settings, "environment.it_budget_growth=0.03")
    it = model.it
    lines = (it.run, it.innovation, it.security)
    units, headcount = it.units(it.innovation), it.headcount
    it.grow_budget(model.setting.environment.it_budget_growth)
    assert (it.run, it.innovation, it.security) == pytest.approx(tuple(1.03 * x for x in lines))
    assert it.units(it.innovation) == pytest.approx(1.03 * units)
    assert it.headcount == pytest.approx(1.03 * headcount)


def test_the_first_budget_round_grows_its_budget_before_any_cloud_push(make_settings):
    """Closed form over a year with every other budget path off: budget at month 12 = budget x (1 + g)."""
    off = ("environment.cloud_push=0", "it.budget_follows_use=0", "it.cio.draw=false", "it.cio.willingness=0")
    budgets = {}
    for growth in (0.0, 0.04):
        model = _model(make_settings, *off, f"environment.it_budget_growth={growth}", seed=4)
        for _ in range(12):
            model.step()
        budgets[growth] = model.it.budget
    assert budgets[0.0] == pytest.approx(model.setting.it.budget)
    assert budgets[0.04] == pytest.approx(1.04 * model.setting.it.budget)


def test_an_integration_need_brings_a_shadow_tool_to_it(make_settings):
    """The 11th hour: with discovery and incidents switched off, shadow tools still come to IT's knowledge, through the
    integration needs alone; with integration needs off too, none does."""
    base = ("it.discovery_rate=0", "it.incident_rate=0", "environment.integration_base=0.5", "years=3")
    found = {}
    for rate in (0.0, 0.5):
        model = Organization(make_settings(*base, f"it.integration_rate={rate}"), 7)
        model.run()
        found[rate] = model.it.discoveries
        if rate == 0.0:
            assert model.ledger.undiscovered > 0  # shadow tools there were to find
    assert found[0.0] == 0
    assert found[0.5] > 0


def test_a_departments_own_use_grows_its_technology_budget(make_settings):
    model = _model(make_settings, "environment.budget_from_use=0.5")
    dept = model.by_name["marketing"]
    dept.spend = 80.0
    model.month = 12
    dept.grow_budget()
    trend = dept.initial_budget * (1 + dept.budget_growth)
    assert dept.budget == pytest.approx(trend + 0.5 * 80.0)


def test_vendor_push_raises_the_utility_of_self_provisioning(make_settings):
    tool_name = None
    values = {}
    for push in (0.2, 0.8):
        model = _model(make_settings, f"environment.vendor_push={push}")
        dept = model.by_name["marketing"]
        tool = next(t for t in model.catalogue.tools if t.self_serve and t.vendor_push > 0)
        tool_name = tool.name
        values[push] = dept.utilities(tool)[0][1]
    tool = model.catalogue.by_name[tool_name]
    expected = model.setting.decision.vendor * 0.6 * tool.vendor_push
    assert values[0.8] - values[0.2] == pytest.approx(expected)


def test_a_veto_is_counted_apart_from_the_selections(make_settings):
    model = _model(make_settings, "policy.governance=strict")
    tally = model.decisions
    by_it, total, vetoes = tally.by_it, tally.total, tally.vetoes
    model.it.cfg.refusal_rate = 1.0
    risky = max(model.catalogue.tools, key=lambda t: t.security_risk)
    model.uniform = lambda: 0.0  # the refusal draw succeeds
    req = model.it.new_request(model.by_name["sales"], risky, it_part=1.0)
    assert not model.it.accept(req)
    assert (tally.by_it, tally.total, tally.vetoes) == (by_it, total, vetoes + 1)


def test_run_work_demanded_counts_the_infrastructure_moved_to_the_cloud(make_settings):
    """The innovation share is measured against work demanded: moving the run line to the cloud does not
    shrink the work the organization's infrastructure needs."""
    model = _model(make_settings)
    it = model.it
    it.run_work = 0.0
    it.work_backlog()
    before = it.run_work
    it.run_work = 0.0
    model.finance.push_infrastructure_to_cloud()
    it.work_backlog()
    assert it.run < model.setting.it.split.run * model.setting.it.budget
    assert it.run_work == pytest.approx(before)


# --- switched-off tests: each policy's effect with its accounting paths neutralized ---------------------

ARM = {arm.name: arm for arm in ARMS}
REPLICATES = 80


@pytest.fixture(scope="module")
def effects():
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = effect(ARM[name], REPLICATES, seed=5)
        return cache[name]

    return get


@pytest.mark.slow
def test_the_cloud_push_lowers_its_influence(effects):
    row = effects("cloud_push")
    assert row["final_it_influence_high"] < 0


ACTING_CIO_UNDER_ISSUE_22_CALIBRATION = pytest.mark.xfail(
    strict=True,
    reason="a finding, not a flake: at the issue-22 calibrated defaults the acting CIO keeps under half "
    "of its effect on influence with the spend share held (0.037 of 0.088 at 200 paired organizations, "
    "seed 0, in the switched-off study at the shipped drawn refit of 2026-12-07; 0.036 of 0.102 at the "
    "first refit that day; 0.032 of 0.101 at 80, "
    "seed 5, at the confirmed fit of 2026-12-06; 0.034 of 0.101 at the unconfirmed one; 0.045 of 0.109 at "
    "the one before; 0.036 of 0.102 and 0.037 of 0.111 at two earlier ones; 0.41-0.47 of it with "
    "core_decisions or the IT budget at their hand-set values), so most of its effect runs through the "
    "innovation line it funds. Passed at issue 9's defaults.",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "lever", ["innovation_partner", pytest.param("acting_cio", marks=ACTING_CIO_UNDER_ISSUE_22_CALIBRATION)]
)
def test_innovation_levers_keep_most_of_their_effect_with_the_spend_share_held(effects, lever):
    """Budget moved into IT's innovation line is IT's measured spend: without that line in it_influence
    the lever must still raise IT's influence by more than half as much."""
    full = effects(lever)["final_it_influence_effect"]
    held = effects(f"{lever}/spend_held")
    assert full > 0
    assert held["final_it_influence_low"] > 0
    assert held["final_it_influence_effect"] > 0.5 * full


@pytest.mark.slow
def test_laissez_faire_marginalizes_without_a_request_ban(effects):
    """Requests stay possible; IT serving them late and unintegrated is what lowers its influence, with or
    without open BYOT (docs/ODD.md 4: open BYOT alone does not lower it)."""
    shipped = effects("laissez_faire")
    assert shipped["final_it_influence_high"] < 0
    assert effects("laissez_faire/byot_not_legitimized")["final_it_influence_high"] < 0
    assert (
        effects("laissez_faire/requests_served")["final_it_influence_effect"]
        > shipped["final_it_influence_effect"] / 2
    )
