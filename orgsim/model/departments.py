"""The agents: business departments that adopt tools, and the IT department that serves and governs.

Departments decide by a logit over request / self-provision / wait. IT works a FIFO backlog, hunts shadow
IT, absorbs or shuts down what it finds, suffers incidents, and re-plans its budget once a year.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from orgsim.config.schema import DepartmentConfig, ITConfig
from orgsim.model.catalogue import INTERNAL_CATEGORIES, Tool
from orgsim.model.deployments import CHANNELS, SANCTIONED, SHADOW, Deployment
from orgsim.model.policies import (
    DISCOVERY_FACTOR,
    DISCOVERY_RESPONSE,
    ENFORCEMENT_LEVEL,
    Policy,
    stricter,
)

if TYPE_CHECKING:
    from orgsim.model.organization import Organization

REQUEST, SELF_PROVISION, WAIT = range(3)
MAX_WAIT_MONTHS = 120.0


def logit_choice(rng: np.random.Generator, utilities: list[float], temperature: float) -> int:
    """Index drawn with probability proportional to exp(u / temperature)."""
    u = np.asarray(utilities) / temperature
    cumulative = np.cumsum(np.exp(u - u.max()))
    i = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return min(i, len(cumulative) - 1)


@dataclass(slots=True, eq=False)
class Request:
    """Work queued at IT: a tool to deploy for a department, or an integration of an absorbed tool."""

    department: BusinessDepartment
    tool: Tool
    month: int
    effort_left: float
    ready_month: float
    led_by_it: bool
    consolidate: Deployment | None = None


class BusinessDepartment(mesa.Agent):
    """A business department: looks for unmet needs, then requests, self-provisions or waits."""

    model: Organization

    def __init__(self, model: Organization, name: str, index: int, cfg: DepartmentConfig):
        super().__init__(model)
        self.name = name
        self.index = index
        self.headcount = cfg.headcount
        self.external_engagement = cfg.external_engagement
        self.tech_autonomy = cfg.tech_autonomy
        self.risk_aversion = cfg.risk_aversion
        self.budget = cfg.budget
        self.focus = frozenset(cfg.focus)
        self.satisfaction = cfg.satisfaction
        self.portfolio: dict[str, Deployment] = {}  # category -> active deployment
        self.requests: dict[str, Request] = {}  # category -> open request at IT
        self.channel_counts = np.zeros(len(CHANNELS), dtype=np.int64)
        self.spend = 0.0  # social-tool spend this department controls, k USD per year
        self.has_self_provisioned = False
        self.neighbours: list[BusinessDepartment] = []
        self.grassroots_share = 0.0
        self.refusals = 0

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
        self.drop_overdue_requests()
        for category in self.model.catalogue.categories:
            if category in self.portfolio or category in self.requests:
                continue
            if self.model.rng.random() < self.need_chance(category):
                self.decide(self.choose_tool(category))

    def need(self, category: str) -> float:
        level = 0.5 if category in INTERNAL_CATEGORIES else self.external_engagement
        return level * (1.0 if category in self.focus else self.model.setting.decision.off_focus_need)

    def need_chance(self, category: str) -> float:
        d = self.model.setting.decision
        return min(
            1.0, d.need_rate * self.need(category) * (1.0 + d.grassroots_boost * self.grassroots_share)
        )

    def choose_tool(self, category: str) -> Tool:
        """Pick a tool of the category by attractiveness: vendor push and departments already on it."""
        tools = self.model.catalogue.by_category[category]
        if len(tools) == 1:
            return tools[0]
        push = self.model.environment.cfg.vendor_push
        users = self.model.ledger.tool_users
        n = len(self.model.departments)
        utilities = [2.0 * t.vendor_push * push + 2.0 * t.network_effect * users[t.index] / n for t in tools]
        return tools[logit_choice(self.model.rng, utilities, 1.0)]

    @property
    def discretionary_budget(self) -> float:
        """What is left of the department's own budget for social tools, k USD per year."""
        return self.budget * (1.0 - self.model.setting.org.baseline_spend_share) - self.spend

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
            + d.integration_value * env.integration_pressure * tool.integration_need
            - d.wait_cost * m.it.expected_wait() / 12.0
            + d.satisfaction * (self.satisfaction - 0.5)
            + m.policy.cfg.request_bonus
        )
        u_self = -math.inf
        channel = None
        cost = tool.annual_cost(self.headcount)
        if tool.self_serve and cost <= self.discretionary_budget:
            channel = m.policy.self_provision_channel(tool)
            difficulty = 1.0 - env.saas_maturity if tool.delivery == "saas" else 0.6
            enforcement = 0.0
            if channel == SHADOW:
                enforcement = d.enforcement * self.risk_aversion * m.it.perceived_detection()
            u_self = (
                benefit
                - d.saas * difficulty
                + d.autonomy * self.tech_autonomy
                + d.consumerization * env.consumerization
                + d.peer * self.peer_share()
                + d.grassroots * self.grassroots_share
                - d.cost * cost / max(self.discretionary_budget, 1.0)
                - enforcement
            )
        return [u_request, u_self, d.wait_option], channel

    def decide(self, tool: Tool) -> None:
        utilities, channel = self.utilities(tool)
        choice = logit_choice(self.model.rng, utilities, self.model.setting.decision.temperature)
        if choice == REQUEST:
            self.request(tool)
        elif choice == SELF_PROVISION:
            self.model.self_provision(self, tool, channel)

    def request(self, tool: Tool) -> None:
        it = self.model.it
        req = it.new_request(self, tool, led_by_it=self.model.policy.it_leads_requests())
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
            if not overdue or not req.tool.self_serve or req.consolidate is not None:
                continue
            if req.tool.annual_cost(self.headcount) > self.discretionary_budget:
                continue
            if self.model.rng.random() < d.withdraw_rate * self.tech_autonomy:
                self.model.it.withdraw(req)
                del self.requests[category]
                self.model.self_provision(self, req.tool, self.model.policy.self_provision_channel(req.tool))

    def on_request_delivered(self, req: Request, waited: int) -> None:
        self.requests.pop(req.tool.category, None)
        d = self.model.setting.decision
        self.adjust_satisfaction(d.delivery_gain * math.exp(-waited / max(d.patience_months, 1.0)))

    def update_satisfaction(self) -> None:
        """Long waits lower satisfaction with IT, month by month."""
        d = self.model.setting.decision
        overdue = sum(self.model.month - r.month > d.patience_months for r in self.requests.values())
        if overdue:
            self.adjust_satisfaction(-d.wait_penalty * overdue)

    def adjust_satisfaction(self, delta: float) -> None:
        self.satisfaction = min(1.0, max(0.0, self.satisfaction + delta))

    def push_infrastructure_to_cloud(self) -> None:
        """The CFO's yearly cloud push (finance only): moves part of IT's run budget to the cloud."""
        self.model.it.lose_run_budget_to_cloud(self.model.environment.cfg.cloud_push)


class ITDepartment(mesa.Agent):
    """The IT department: capacity, backlog, budget split, CIO stance and governance stance."""

    model: Organization

    def __init__(self, model: Organization, cfg: ITConfig, policy: Policy):
        super().__init__(model)
        self.cfg = cfg
        self.policy = policy
        budget = cfg.budget
        shift = policy.cfg.innovation_shift * budget
        self.run = cfg.split.run * budget - shift
        self.innovation = cfg.split.innovation * budget + shift
        self.security = cfg.split.security * budget
        self.initial_budget = budget
        # One work unit costs what the start's innovation budget buys divided by `capacity`.
        self.unit_cost = cfg.split.innovation * budget / 12.0 / cfg.capacity
        if cfg.cio.draw:  # one CIO of a population: 60% aspire, 10% act (Deloitte 2011/12 on baseline)
            self.aspiration = float(model.rng.random() < cfg.cio.aspiration)
            self.willingness = float(model.rng.random() < cfg.cio.willingness)
        else:
            self.aspiration = cfg.cio.aspiration
            self.willingness = cfg.cio.willingness
        self.governance = policy.cfg.governance
        self.backlog: deque[Request] = deque()
        self.backlog_effort = 0.0
        self.capacity_available = self.units(self.innovation) + policy.extra_capacity()
        self.innovation_effort_share = self.innovation / self.budget
        self.governance_load = 0.0
        self.cloud_governance_units = 0.0
        self.incidents = 0
        self.discoveries = 0
        self.cio_actions = 0
        self.reinvests_cloud_savings = False
        self.delivered = 0
        self.wait_sum = 0

    @property
    def budget(self) -> float:
        return self.run + self.innovation + self.security

    @property
    def headcount(self) -> float:
        return self.cfg.headcount * self.budget / self.initial_budget

    def units(self, budget_per_year: float) -> float:
        return budget_per_year / 12.0 / self.unit_cost

    def expected_wait(self) -> float:
        """Months a new request would wait: backlog over capacity, plus any review delay.

        Capped at 120 months: with no capacity left the queue never moves, and a decade reads as never.
        """
        queue = self.backlog_effort / self.capacity_available if self.capacity_available > 0 else math.inf
        return min(MAX_WAIT_MONTHS, queue) + self.policy.review_months()

    def perceived_detection(self) -> float:
        """Enforcement a department fears: stance times the chance of discovery within a year."""
        monthly = min(1.0, self.cfg.discovery_rate * DISCOVERY_FACTOR[self.governance])
        return ENFORCEMENT_LEVEL[self.governance] * (1.0 - (1.0 - monthly) ** 12)

    # --- requests --------------------------------------------------------------------------------

    def new_request(self, dept: BusinessDepartment, tool: Tool, led_by_it: bool) -> Request:
        month = self.model.month
        return Request(dept, tool, month, tool.deploy_effort, month + self.policy.review_months(), led_by_it)

    def accept(self, req: Request) -> bool:
        """Queue a request; a strict IT refuses risky tools."""
        if (
            self.governance == "strict"
            and self.model.rng.random() < self.cfg.refusal_rate * req.tool.security_risk
        ):
            return False
        self.enqueue(req)
        return True

    def enqueue(self, req: Request) -> None:
        self.backlog.append(req)
        self.backlog_effort += req.effort_left

    @property
    def capacity_ratio(self) -> float:
        """Business-facing capacity left this month relative to the configured capacity, at most 1."""
        return min(1.0, self.capacity_available / self.cfg.capacity)

    def withdraw(self, req: Request) -> None:
        self.backlog.remove(req)
        self.backlog_effort -= req.effort_left

    def work_backlog(self) -> None:
        capacity = self.capacity_available
        month = self.model.month
        while self.backlog and capacity > 1e-12 and self.backlog[0].ready_month <= month:
            req = self.backlog[0]
            if req.consolidate is not None and not req.consolidate.active:
                self.backlog.popleft()  # the tool retired before IT got to it: no work left
                self.backlog_effort -= req.effort_left
                continue
            done = min(capacity, req.effort_left)
            req.effort_left -= done
            self.backlog_effort -= done
            capacity -= done
            if req.effort_left <= 1e-12:
                self.backlog.popleft()
                self.complete(req)
        if not self.backlog:
            self.backlog_effort = 0.0  # drop float residue

    def complete(self, req: Request) -> None:
        month = self.model.month
        if req.consolidate is not None:
            if req.consolidate.active:
                self.model.ledger.consolidate(req.consolidate)
            return
        dept = req.department
        waited = month - req.month
        self.delivered += 1
        self.wait_sum += waited
        dep = Deployment(
            tool=req.tool,
            department=dept,
            channel=SANCTIONED,
            month=month,
            annual_cost=req.tool.annual_cost(dept.headcount),
            led_by_it=req.led_by_it,
            it_month=month,
            managed=True,
            controller=self.policy.delivered_spend_controller(self.model),
        )
        dept.on_request_delivered(req, waited)
        self.model.ledger.add(dep)

    # --- shadow IT, integration and security ----------------------------------------------------------

    def monitor(self, unmanaged: list[Deployment]) -> None:
        """Discover shadow tools, absorb tools for integration, and handle incidents; tally the work."""
        rng = self.model.rng
        ledger = self.model.ledger
        pressure = self.model.environment.integration_pressure
        load = (
            self.cfg.absorb_load * ledger.maintenance_effort
            + self.cloud_governance_units
            + self.cfg.audit_effort * ENFORCEMENT_LEVEL[self.governance]
        )
        discovery = min(1.0, self.cfg.discovery_rate * DISCOVERY_FACTOR[self.governance])
        for dep in unmanaged:
            if not dep.active:
                continue
            if not dep.known and rng.random() < discovery:
                load += 1.0 + self.respond_to_discovery(dep)
            elif (
                dep.known
                and rng.random() < self.cfg.integration_absorb_rate * pressure * dep.tool.integration_need
            ):
                self.absorb(dep)  # LeBrun: integration pulls departmental tools back to IT
                load += 1.0
        for dep in unmanaged:
            if dep.active and not dep.managed:
                load += self.check_incident(dep)
        self.governance_load = load

    def respond_to_discovery(self, dep: Deployment) -> float:
        """Shut down, absorb or ignore a discovered shadow deployment by governance stance; return work."""
        self.discoveries += 1
        self.model.ledger.discover(dep)
        shut, absorb = DISCOVERY_RESPONSE[self.governance]
        u = self.model.rng.random()
        if u < shut:
            self.model.ledger.retire(dep, shut_down=True)
            dep.department.adjust_satisfaction(-self.model.setting.decision.refusal_penalty)
            return 1.0
        if u < shut + absorb:
            self.absorb(dep)
        return 0.0

    def absorb(self, dep: Deployment) -> None:
        """Take over a departmental tool; with innovation capacity and integration pressure, plan to
        consolidate it into an enterprise platform (strategic work), else keep it as maintenance."""
        self.model.ledger.absorb(dep, self.model.month)
        pressure = self.model.environment.integration_pressure
        if self.model.rng.random() < pressure * dep.tool.integration_need * self.capacity_ratio:
            month = self.model.month
            self.enqueue(
                Request(dep.department, dep.tool, month, 0.5 * dep.tool.deploy_effort, month, True, dep)
            )

    def check_incident(self, dep: Deployment) -> float:
        """An unmanaged tool may cause a security incident; an incident tightens IT. Return work."""
        chance = (
            self.cfg.incident_rate
            * dep.tool.security_risk
            * self.model.environment.threat_level
            * (1.0 + dep.months_unmanaged / 12.0)
        )
        if self.model.rng.random() >= chance:
            return 0.0
        self.incidents += 1
        work = self.cfg.incident_effort
        if self.model.rng.random() < self.cfg.tighten_on_incident:
            self.tighten()
        if not dep.known:  # the 11th hour: IT learns of the tool through the incident
            work += 1.0 + self.respond_to_discovery(dep)
        return work

    def tighten(self) -> None:
        """Crackdown trap: a stricter stance moves budget and effort into security and governance."""
        if self.governance == "strict":
            return
        self.governance = stricter(self.governance)
        moved = min(self.innovation, self.cfg.crackdown_shift * self.budget)
        self.innovation -= moved
        self.security += moved

    def scout(self) -> None:
        """Innovation partner: IT proposes tools to departments with unmet needs and co-leads them."""
        rate = self.policy.cfg.scouting_rate
        if rate <= 0:
            return
        rng = self.model.rng
        capacity_ratio = self.capacity_ratio
        for dept in self.model.departments:
            if rng.random() >= rate * capacity_ratio:
                continue
            open_needs = [
                c
                for c in self.model.catalogue.categories
                if c not in dept.portfolio and c not in dept.requests
            ]
            if not open_needs:
                continue
            needs = np.array([dept.need(c) for c in open_needs])
            category = open_needs[logit_choice(rng, list(np.log(needs + 1e-12)), 1.0)]
            tools = self.model.catalogue.by_category[category]
            tool = max(tools, key=lambda t: (t.integration_need + t.network_effect, -t.index))
            req = self.new_request(dept, tool, led_by_it=True)
            self.enqueue(req)
            dept.requests[category] = req

    def plan_capacity(self) -> None:
        """Governance work beyond the security budget eats into business-facing capacity."""
        overflow = max(0.0, self.governance_load - self.units(self.security))
        innovation_units = max(0.0, self.units(self.innovation) - overflow)
        # Over IT's budget plus the infrastructure moved to the cloud, which IT still has to govern:
        # shrinking the run budget must not look like a turn to innovation.
        spend = self.budget + self.model.cloud_moved
        self.innovation_effort_share = innovation_units * 12.0 * self.unit_cost / spend
        self.capacity_available = innovation_units + self.policy.extra_capacity()

    # --- yearly ---------------------------------------------------------------------------------

    def plan_year(self, influence: float) -> bool:
        """With probability = willingness, a CIO aspiring beyond IT's influence shifts run -> innovation."""
        acts = self.model.rng.random() < self.willingness and self.aspiration > influence
        if acts:
            self.cio_actions += 1
            moved = min(self.run, self.cfg.cio.reinvest_step * self.budget)
            self.run -= moved
            self.innovation += moved
        self.reinvests_cloud_savings = acts
        return acts

    def lose_run_budget_to_cloud(self, share: float) -> None:
        moved = share * self.run
        self.run -= moved
        self.model.cloud_moved += moved
        self.model.cloud_spend += moved * self.model.environment.cloud_cost_index
        if self.reinvests_cloud_savings:
            self.innovation += moved
        else:
            self.cloud_governance_units += self.cfg.cloud_governance * self.units(moved)
