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


def test_a_marketing_led_coe_takes_the_selection_decisions_from_it(make_settings):
    marketing = _decision_share_after(make_settings, "policy=social_coe", "policy.coe_lead=marketing")
    it_led = _decision_share_after(make_settings, "policy=social_coe", "policy.coe_lead=it")
    assert marketing < it_led - 0.2


def test_laissez_faire_sends_no_request_to_it(make_settings):
    model = Organization(make_settings("policy=laissez_faire", "years=3"), 3).run()
    assert model.it.delivered == 0
    assert all(not d.requests for d in model.departments)


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
