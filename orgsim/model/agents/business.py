"""Business departments: look for unmet needs, then request a tool from IT, self-provision it or wait.

Sees the model only through type hints; acts on it through the ledger, IT's public methods and the
decision tally.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from orgsim.config.schema import DepartmentConfig
from orgsim.model.catalogue import INTERNAL_CATEGORIES, Tool
from orgsim.model.choice import logit_choice
from orgsim.model.ledger import BROKERED, CHANNELS, SANCTIONED, SHADOW, Deployment

if TYPE_CHECKING:
    from orgsim.model.agents.it import Request
    from orgsim.model.organization import Organization

REQUEST, SELF_PROVISION, WAIT = range(3)


class BusinessDepartment(mesa.Agent):
    """A business department with its own, growing technology budget."""

    model: Organization

    def __init__(self, model: Organization, name: str, index: int, cfg: DepartmentConfig):
        super().__init__(model)
        self.name = name
        self.index = index
        self.headcount = cfg.headcount
        self.external_engagement = cfg.external_engagement
        self.tech_autonomy = cfg.tech_autonomy
        self.risk_aversion = cfg.risk_aversion
        self.initial_budget = cfg.budget
        self.budget = cfg.budget  # own technology budget, k USD per year; grows with the trends
        env = model.setting.environment
        self.budget_growth = env.martech_growth if cfg.martech else env.business_tech_growth
        self.focus = frozenset(cfg.focus)
        self.satisfaction = cfg.satisfaction
        self.reliance = cfg.reliance  # reliance on IT for new technology: falls as it provisions its own
        self.use_budget = 0.0  # budget the department's own use of social tools earned it, k USD per year
        self.portfolio: dict[str, Deployment] = {}  # category -> active deployment
        self.requests: dict[str, Request] = {}  # category -> open request at IT
        self.channel_counts = np.zeros(len(CHANNELS), dtype=np.int64)
        self.spend = 0.0  # social-tool spend this department controls, k USD per year
        self.has_self_provisioned = False
        self.neighbours: list[BusinessDepartment] = []
        self.grassroots_share = 0.0
        self.refusals = 0
        # need() and need_rate x need() of each category, fixed for the run: the monthly loop over the
        # categories read them through the config ~80,000 times a replicate (a fifth of its CPU)
        categories = model.catalogue.categories
        self._need = {c: self._need_level(c, model.setting.decision.off_focus_need) for c in categories}
        need_rate = model.setting.decision.need_rate
        self._need_rates = tuple((c, need_rate * self._need[c]) for c in categories)

    # --- ledger callbacks ---------------------------------------------------------------------------

    def on_deployment_added(self, dep: Deployment) -> None:
        self.portfolio[dep.category] = dep
        self.channel_counts[dep.channel] += 1
        if dep.channel != SANCTIONED:
            self.has_self_provisioned = True

    def on_deployment_removed(self, dep: Deployment) -> None:
        del self.portfolio[dep.category]
        self.channel_counts[dep.channel] -= 1

    # --- the monthly story ----------------------------------------------------------------------------

    def step(self) -> None:
        self.grow_budget()
        if self.requests:
            self.drop_overdue_requests()
        uniform = self.model.uniform
        boost = 1.0 + self.model.setting.decision.grassroots_boost * self.grassroots_share
        portfolio, requests = self.portfolio, self.requests
        for category, rate in self._need_rates:
            if category in portfolio or category in requests:
                continue
            # the chance of looking for a tool: need_rate x need x (1 + grassroots boost), at most 1
            if uniform() < min(1.0, rate * boost):
                self.decide(self.choose_tool(category))

    def grow_budget(self) -> None:
        """Technology budgets grow with their trend (marketing's with the marketing-technology trend) and,
        once a year, with the department's own use: a share of the social-tool spend it holds."""
        month = self.model.month
        if month % 12 == 0 and month > 0:
            self.use_budget += self.model.setting.environment.budget_from_use * max(0.0, self.spend)
        self.budget = self.initial_budget * (1.0 + self.budget_growth) ** (month / 12.0) + self.use_budget

    def _need_level(self, category: str, off_focus_need: float) -> float:
        level = (
            self.model.setting.decision.internal_need
            if category in INTERNAL_CATEGORIES
            else self.external_engagement
        )
        return level * (1.0 if category in self.focus else off_focus_need)

    def need(self, category: str) -> float:
        return self._need[category]

    def choose_tool(self, category: str) -> Tool:
        """Pick a tool of the category by attractiveness: vendor push and departments already on it."""
        tools = self.model.catalogue.by_category[category]
        if len(tools) == 1:
            return tools[0]
        push = self.model.environment.cfg.vendor_push
        users = self.model.ledger.tool_users
        n = len(self.model.departments)
        d = self.model.setting.decision
        wv, wn = d.tool_vendor_weight, d.tool_network_weight
        utilities = [wv * t.vendor_push * push + wn * t.network_effect * users[t.index] / n for t in tools]
        return tools[logit_choice(self.model.uniform, utilities, 1.0)]

    @property
    def discretionary_budget(self) -> float:
        """What is left of the department's own budget for social tools, k USD per year."""
        return self.budget * (1.0 - self.model.setting.org.baseline_spend_share) - self.spend

    @property
    def tech_spend(self) -> float:
        """The technology spend of this function, k USD per year: the committed part of its own budget
        (non-social technology) and the social tools it holds. Cloud contracts for infrastructure moved
        out of IT are not counted, as IT's run budget is not."""
        return self.budget * self.model.setting.org.baseline_spend_share + self.spend

    def peer_share(self) -> float:
        if not self.neighbours:
            return 0.0
        return sum(n.has_self_provisioned for n in self.neighbours) / len(self.neighbours)

    def utilities(self, tool: Tool) -> tuple[list[float], int | None]:
        """Utilities of (request, self-provision, wait), and the self-provision channel or None."""
        m = self.model
        d = m.setting.decision
        env = m.environment
        users = m.ledger.tool_users[tool.index]
        benefit = (
            d.benefit * self.need(tool.category) * (1.0 + tool.network_effect * users / len(m.departments))
        )
        u_request = (
            benefit
            - d.wait_cost * m.it.expected_wait() / 12.0
            + d.satisfaction * (self.satisfaction - 0.5)
            + d.reliance * (self.reliance - 0.5)
        )
        if m.policy.cfg.integration_service:
            u_request += d.integration_value * env.integration_pressure * tool.integration_need
        u_self = -math.inf
        channel = None
        cost = tool.annual_cost(self.headcount)
        if tool.self_serve and cost <= self.discretionary_budget:
            channel = m.policy.self_provision_channel(tool)
            # App stores and SaaS marketplaces save the time of finding and buying a tool (a utility) and
            # carry part of the skill it takes (a lower difficulty).
            skill = 1.0 - env.saas_maturity if tool.delivery == "saas" else d.on_prem_skill
            skill *= 1.0 - env.app_stores
            enforcement = 0.0
            if channel == SHADOW:
                enforcement = d.enforcement * self.risk_aversion * m.it.perceived_detection()
            u_self = (
                benefit
                - d.saas * skill
                + d.app_stores * env.app_stores
                + d.autonomy * self.tech_autonomy
                + d.consumerization * env.consumerization
                + d.peer * self.peer_share()
                + d.grassroots * self.grassroots_share
                + d.vendor * env.cfg.vendor_push * tool.vendor_push
                - d.cost * cost / max(self.discretionary_budget, 1.0)
                - enforcement
            )
        return [u_request, u_self, d.wait_option], channel

    def decide(self, tool: Tool) -> None:
        utilities, channel = self.utilities(tool)
        choice = logit_choice(self.model.uniform, utilities, self.model.setting.decision.temperature)
        if choice == REQUEST:
            self.request(tool)
        elif choice == SELF_PROVISION:
            self.self_provision(tool, channel)

    def self_provision(self, tool: Tool, channel: int) -> None:
        """Buy the tool: the department's selection (IT's part under broker is curating its store). Each
        tool it provisions itself makes it rely on IT a little less."""
        dep = self.model.add_deployment(self, tool, channel)
        self.model.decisions.record(0.0)
        if channel != BROKERED:  # a tool from IT's store is still IT's service
            self.reliance *= 1.0 - self.model.setting.decision.reliance_loss
        if channel == BROKERED:
            d = self.model.setting.decision
            self.adjust_satisfaction(d.brokered_gain_share * d.delivery_gain)
            self.model.it.curate(dep)

    def request(self, tool: Tool) -> None:
        """Ask IT for a tool of this category; under a CoE the CoE picks which tool, and may veto it."""
        m = self.model
        it = m.it
        tool = m.policy.select_tool(m.catalogue.by_category[tool.category]) or tool
        if m.policy.screens_out(tool):
            m.decisions.veto()
            self.refusals += 1
            self.adjust_satisfaction(-m.setting.decision.refusal_penalty)
            return
        req = it.new_request(self, tool, it_part=m.policy.request_it_part())
        if it.accept(req):
            self.requests[tool.category] = req
        else:
            self.refusals += 1
            self.adjust_satisfaction(-self.model.setting.decision.refusal_penalty)

    def drop_overdue_requests(self) -> None:
        """Waiting breeds autonomy: an overdue request may be dropped for a self-provisioned tool."""
        d = self.model.setting.decision
        for category, req in list(self.requests.items()):
            overdue = self.model.month - req.month > d.patience_months
            if not overdue or not req.tool.self_serve:
                continue
            if req.tool.annual_cost(self.headcount) > self.discretionary_budget:
                continue
            if self.model.uniform() < d.withdraw_rate * self.tech_autonomy:
                self.model.it.withdraw(req)
                del self.requests[category]
                self.self_provision(req.tool, self.model.policy.self_provision_channel(req.tool))

    def on_request_delivered(self, req: Request, waited: int) -> None:
        self.requests.pop(req.tool.category, None)
        d = self.model.setting.decision
        self.adjust_satisfaction(d.delivery_gain * math.exp(-waited / max(d.patience_months, 1.0)))
        self.reliance += d.reliance_gain * (1.0 - self.reliance)

    def update_satisfaction(self) -> None:
        """Long waits lower satisfaction with IT, month by month."""
        if not self.requests:
            return
        d = self.model.setting.decision
        overdue = sum(self.model.month - r.month > d.patience_months for r in self.requests.values())
        if overdue:
            self.adjust_satisfaction(-d.wait_penalty * overdue)

    def adjust_satisfaction(self, delta: float) -> None:
        self.satisfaction = min(1.0, max(0.0, self.satisfaction + delta))

    def push_infrastructure_to_cloud(self) -> None:
        """The CFO's yearly cloud push (finance only): part of IT's run budget becomes cloud contracts
        that finance holds (the organization's cloud spend, priced each month by the model)."""
        self.model.it.lose_run_budget_to_cloud(self.model.environment.cfg.cloud_push)
