"""Who leads and who pays under the center-of-excellence policy."""

from orgsim.model.deployments import SANCTIONED
from orgsim.model.organization import Organization


def _delivered(model: Organization):
    return [d for d in model.ledger.active if d.channel == SANCTIONED and d.month > 0]


def test_marketing_led_coe_holds_the_spend_of_the_tools_it_delivers(make_settings):
    model = Organization(make_settings("policy=social_coe", "policy.coe_lead=marketing", "years=3"), 3).run()
    delivered = _delivered(model)
    assert delivered, "no tool was delivered in three years"
    marketing = model.by_name["marketing"]
    assert all(d.controller is marketing and not d.led_by_it for d in delivered)
    assert (
        model.ledger.spend_by_controller[marketing.index + 1] >= sum(d.annual_cost for d in delivered) - 1e-9
    )


def test_it_led_coe_leaves_delivered_tools_with_it(make_settings):
    model = Organization(make_settings("policy=social_coe", "policy.coe_lead=it", "years=3"), 3).run()
    delivered = _delivered(model)
    assert delivered, "no tool was delivered in three years"
    assert all(d.controller is None and d.led_by_it for d in delivered)
