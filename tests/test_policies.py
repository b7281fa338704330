"""Policies act only through what they set: who may self-provision, who selects, who curates."""

from orgsim.model.agents.it import CURATE
from orgsim.model.ledger import BROKERED, SANCTIONED
from orgsim.model.organization import Organization


def _delivered(model: Organization):
    return [d for d in model.ledger.active if d.channel == SANCTIONED and d.month > 0]


def _decision_share_after(make_settings, *overrides: str) -> float:
    model = Organization(make_settings(*overrides, "years=3"), 3).run()
    assert _delivered(model), "no tool was delivered in three years"
    return model.decisions.it_share


def test_a_coe_leaves_the_spend_with_it_whoever_leads_it(make_settings):
    """No assigned spend: tools IT delivers are IT's to pay for under either lead."""
    for lead in ("marketing", "it"):
        model = Organization(
            make_settings("policy=social_coe", f"policy.coe_lead={lead}", "years=3"), 3
        ).run()
        delivered = _delivered(model)
        assert delivered, "no tool was delivered in three years"
        assert all(d.controller is None for d in delivered)


def _requests_made(make_settings, *overrides: str, seed: int = 3):
    """Every request a department hands IT, and the model after the run."""
    model = Organization(make_settings(*overrides, "years=3"), seed)
    made = []
    new_request = model.it.new_request

    def spy(dept, tool, it_part):
        req = new_request(dept, tool, it_part)
        made.append(req)
        return req

    model.it.new_request = spy
    return made, model.run()


def test_a_coe_selects_jointly_whoever_leads_it(make_settings):
    """No credit by lead: a CoE's selection counts half for IT under either lead."""
    for lead in ("marketing", "it"):
        made, _ = _requests_made(make_settings, "policy=social_coe", f"policy.coe_lead={lead}")
        assert made, "no request in three years"
        assert {r.it_part for r in made} == {0.5}


def test_the_coe_lead_changes_which_tools_the_coe_picks(make_settings):
    """A marketing-led CoE fills requests with the tool vendors push hardest; an IT-led one with the tool
    that integrates and shares best, and vetoes tools above the store's risk line."""
    marketing, model = _requests_made(make_settings, "policy=social_coe", "policy.coe_lead=marketing")
    it_led, it_model = _requests_made(make_settings, "policy=social_coe", "policy.coe_lead=it")
    for req in marketing:
        tools = model.catalogue.by_category[req.tool.category]
        assert req.tool.vendor_push == max(t.vendor_push for t in tools)
    cap = it_model.setting.policy.catalogue_max_risk
    for req in it_led:
        tools = it_model.catalogue.by_category[req.tool.category]
        assert req.tool.integration_need + req.tool.network_effect == max(
            t.integration_need + t.network_effect for t in tools
        )
        assert req.tool.security_risk <= cap


def test_laissez_faire_takes_requests_but_serves_them_late_and_unintegrated(make_settings):
    """No ban: requesting stays possible; IT starts on social tools only after request_delay_months."""
    made, model = _requests_made(make_settings, "policy=laissez_faire", seed=4)
    delay = model.setting.policy.request_delay_months
    assert delay > 0 and not model.setting.policy.integration_service
    assert made, "no department requested anything in three years"
    assert all(r.ready_month == r.month + delay for r in made)
    assert model.it.delivered > 0


def test_brokered_self_service_costs_it_curation_work(make_settings, monkeypatch):
    """Every brokered deployment queues curation work of curation_share x the tool's deploy effort, so
    IT's curation work grows with uptake."""
    setting = make_settings("policy=broker", "years=2")
    model = Organization(setting, 5)
    queued: list[tuple[str, float, str]] = []
    brokered: list[str] = []
    enqueue, add = model.it.enqueue, model.add_deployment

    def spy_enqueue(req):
        queued.append((req.kind, req.effort_left, req.tool.name))
        enqueue(req)

    def spy_add(dept, tool, channel):
        if channel == BROKERED:
            brokered.append(tool.name)
        return add(dept, tool, channel)

    monkeypatch.setattr(model.it, "enqueue", spy_enqueue)
    monkeypatch.setattr(model, "add_deployment", spy_add)
    model.run()
    curation = [(effort, name) for kind, effort, name in queued if kind == CURATE]
    assert len(brokered) >= 3, "too few brokered deployments in two years"
    assert sorted(name for _, name in curation) == sorted(brokered)
    share = setting.policy.curation_share
    for effort, name in curation:
        assert effort == share * model.catalogue.by_name[name].deploy_effort
