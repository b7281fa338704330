"""The IT department: three budget lines, capacity at a fixed unit cost, a FIFO backlog, the hunt for
shadow IT, LeBrun's integration work, incidents and the CIO's yearly plan.

Sees the model only through type hints; acts on it through the ledger and the decision tally.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from orgsim.config.schema import ITConfig
from orgsim.model.catalogue import Tool
from orgsim.model.choice import logit_choice
from orgsim.model.ledger import SANCTIONED, Deployment
from orgsim.model.policies import Policy, stricter

if TYPE_CHECKING:
    from orgsim.model.agents.business import BusinessDepartment
    from orgsim.model.organization import Organization

DEPLOY, CONSOLIDATE, CURATE = "deploy", "consolidate", "curate"


@dataclass(slots=True, eq=False)
class Request:
    """Work queued at IT: deploy a tool for a department, consolidate a departmental tool into an
    enterprise platform, or curate a tool self-served from IT's store."""

    department: BusinessDepartment
    tool: Tool
    month: int
    effort_left: float
    ready_month: float
    it_part: float  # IT's part in selecting the tool (1: IT, 0.5: a joint CoE, 0: the department)
    kind: str = DEPLOY
    target: Deployment | None = None


class ITDepartment(mesa.Agent):
    """IT: run, security-and-governance and innovation (business-facing) budget lines.

    Each line buys work units at `it.unit_cost`, which does not depend on the budget, so a bigger budget
    is more capacity. Governance work is done by the security-and-governance line; only what exceeds it
    is taken from business-facing capacity.
    """

    model: Organization

    def __init__(self, model: Organization, cfg: ITConfig, policy: Policy):
        super().__init__(model)
        self.cfg = cfg
        self.policy = policy
        budget = cfg.budget
        # The innovation_partner policy brings its own funding: run budget moved to innovation.
        shift = policy.cfg.innovation_shift * budget  # at most the run line (validate.py)
        self.run = cfg.split.run * budget - shift
        self.innovation = cfg.split.innovation * budget + shift
        self.security = cfg.split.security * budget
        self.initial_budget = budget
        self.unit_cost = cfg.unit_cost
        if cfg.cio.draw:
            # One CIO of a population: a share `aspiration` aspires, and acting is conditional on
            # aspiring, so that a share `willingness` of all CIOs act (Deloitte: 60% and 1 in 10).
            aspires = model.rng.random() < cfg.cio.aspiration
            acts_if_aspiring = model.rng.random() < min(
                1.0, cfg.cio.willingness / max(cfg.cio.aspiration, 1e-12)
            )
            self.aspiration = float(aspires)
            self.willingness = float(aspires and acts_if_aspiring)
        else:
            self.aspiration = cfg.cio.aspiration
            self.willingness = cfg.cio.willingness
        self.governance = policy.cfg.governance
        self.stance = getattr(cfg.stances, self.governance)  # what the stance does (it.stances)
        self.backlog: deque[Request] = deque()
        self.backlog_effort = 0.0
        self.governance_load = 0.0
        self.plan_capacity()  # sets business_units and capacity_available
        self.reference_units = max(self.capacity_available, 1e-9)
        # Work done and demanded, as sums fading with the decision memory: business-facing (the backlog),
        # governance and running the infrastructure. They start where a steady year of work along the
        # budget split leaves them (each line's monthly units / (1 - decay)), so the effort share moves from
        # the split at month 0 without a jump in month 1 (sums starting at 0 made it drop for a year).
        self.effort_decay = math.exp(-1.0 / model.setting.metrics.decision_memory_months)
        steady = 1.0 / (1.0 - self.effort_decay)
        self.business_work = self.units(self.innovation) * steady
        # business-facing work asked of IT (requests, curation, consolidation)
        self.business_demand = self.business_work
        self.demand_new = 0.0
        self.curated: set[int] = set()  # tools IT has admitted to its store (broker)
        self.governance_work = self.units(self.security) * steady
        self.run_work = self.units(self.run) * steady
        self.incidents = 0
        self.discoveries = 0
        self.cio_actions = 0
        self.acted_this_year = False
        self.delivered = 0
        self.wait_sum = 0

    # --- budget and capacity -------------------------------------------------------------------------

    @property
    def budget(self) -> float:
        return self.run + self.innovation + self.security

    @property
    def headcount(self) -> float:
        return self.cfg.headcount * self.budget / self.initial_budget

    @property
    def discretionary_spend(self) -> float:
        """What IT spends at its own discretion, k USD per year: its business-facing (innovation) line.
        Not its run budget, which keeps the infrastructure going; a business function's own technology
        spend is business-facing by nature, so both sides compare business-facing technology spend.
        (Licences of the tools IT holds are not charged to an IT line.)"""
        return self.innovation

    @property
    def integration_readiness(self) -> float:
        """Willingness to take on integration work: full once the CIO has acted; none with the takeover
        switched off (it.integration_takeover)."""
        if not self.cfg.integration_takeover:
            return 0.0
        return 1.0 if self.cio_actions > 0 else self.cfg.integration_readiness

    def units(self, budget_per_year: float) -> float:
        return budget_per_year / 12.0 / self.unit_cost

    @property
    def capacity_ratio(self) -> float:
        """Business-facing capacity this month relative to the start's, at most 1."""
        return min(1.0, self.capacity_available / self.reference_units)

    def plan_capacity(self) -> None:
        """Governance work beyond the security-and-governance line eats into business-facing capacity."""
        overflow = max(0.0, self.governance_load - self.units(self.security))
        self.business_units = max(0.0, self.units(self.innovation) - overflow)
        self.capacity_available = self.business_units + self.policy.extra_capacity()

    def expected_wait(self) -> float:
        """Months a new request would wait: backlog over capacity, plus any review delay.

        Capped at decision.max_wait_months: with no capacity left the queue never moves.
        """
        queue = self.backlog_effort / self.capacity_available if self.capacity_available > 0 else math.inf
        return min(self.model.setting.decision.max_wait_months, queue) + self.policy.review_months()

    def perceived_detection(self) -> float:
        """Enforcement a department fears: stance times the chance of discovery within a year."""
        monthly = min(1.0, self.cfg.discovery_rate * self.stance.discovery_factor)
        return self.stance.enforcement * (1.0 - (1.0 - monthly) ** 12)

    # --- requests --------------------------------------------------------------------------------

    def new_request(self, dept: BusinessDepartment, tool: Tool, it_part: float) -> Request:
        month = self.model.month
        return Request(dept, tool, month, tool.deploy_effort, month + self.policy.review_months(), it_part)

    def accept(self, req: Request) -> bool:
        """Queue a request; a strict IT refuses risky tools (a veto)."""
        if (
            self.governance == "strict"
            and self.model.uniform() < self.cfg.refusal_rate * req.tool.security_risk
        ):
            self.model.decisions.veto()
            return False
        self.enqueue(req)
        return True

    def enqueue(self, req: Request) -> None:
        self.backlog.append(req)
        self.backlog_effort += req.effort_left
        self.demand_new += req.effort_left

    def withdraw(self, req: Request) -> None:
        self.backlog.remove(req)
        self.backlog_effort -= req.effort_left

    def curate(self, dep: Deployment) -> None:
        """A tool self-served from IT's store: curation and integration work that grows with uptake."""
        if dep.tool.index not in self.curated:  # the tool enters IT's store: IT's selection
            self.curated.add(dep.tool.index)
            self.model.decisions.record(1.0)
        effort = self.policy.curation_effort(dep.tool)
        if effort > 0:
            month = self.model.month
            self.enqueue(Request(dep.department, dep.tool, month, effort, month, 1.0, CURATE, dep))

    def work_backlog(self) -> None:
        capacity = self.capacity_available
        month = self.model.month
        decay = self.effort_decay
        self.business_work *= decay
        self.business_demand = self.business_demand * decay + self.demand_new
        self.demand_new = 0.0
        self.governance_work = self.governance_work * decay + self.governance_load
        # the infrastructure still needs running when the CFO moves it to the cloud: the work demanded
        # of IT's run side counts the moved part, which IT no longer does
        self.run_work = self.run_work * decay + self.units(self.run + self.model.cloud_moved)
        while self.backlog and capacity > 1e-12 and self.backlog[0].ready_month <= month:
            req = self.backlog[0]
            if req.target is not None and not req.target.active:
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
        # Only IT's own part of the work done counts as IT's effort (a CoE's members add capacity too).
        used = self.capacity_available - capacity
        if self.capacity_available > 0:
            self.business_work += used * self.business_units / self.capacity_available
        if not self.backlog:
            self.backlog_effort = 0.0  # drop float residue

    def complete(self, req: Request) -> None:
        month = self.model.month
        if req.kind == CONSOLIDATE:
            self.model.ledger.consolidate(req.target, month)
            self.model.decisions.record(1.0)  # IT chose the enterprise platform
            return
        if req.kind == CURATE:
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
            it_month=month,
            managed=True,
            controller=None,
        )
        dept.on_request_delivered(req, waited)
        self.model.ledger.add(dep)
        self.model.decisions.record(req.it_part)

    # --- shadow IT, integration and security ----------------------------------------------------------

    def monitor(self, unmanaged: list[Deployment]) -> None:
        """Discover shadow tools, meet integration needs, handle incidents; tally the governance work."""
        uniform = self.model.uniform
        ledger = self.model.ledger
        pressure = self.model.environment.integration_pressure
        load = (
            self.cfg.support_load * ledger.support_effort
            + self.cfg.cloud_vendor_share * self.units(self.model.cloud_spend)
            + self.cfg.audit_effort * self.stance.enforcement
        )
        discovery = min(1.0, self.cfg.discovery_rate * self.stance.discovery_factor)
        rate = self.cfg.integration_rate * pressure

        def needs_integrating(dep: Deployment) -> bool:
            return uniform() < rate * dep.tool.integration_need

        for dep in unmanaged:
            if not dep.active:
                continue
            if not dep.known:
                if uniform() < discovery:
                    load += 1.0 + self.respond_to_discovery(dep)
                elif needs_integrating(dep):
                    # the 11th hour: a tool cannot be joined to the core systems without IT's access,
                    # so an integration need brings a shadow tool to IT, which responds as to a discovery
                    load += 1.0 + self.respond_to_discovery(dep)
                    if dep.active and not dep.managed:
                        self.meet_integration_need(dep)
            elif not dep.integration_handled and needs_integrating(dep):
                self.meet_integration_need(dep)
        for dep in unmanaged:
            if dep.active and not dep.managed:
                load += self.check_incident(dep)
        self.governance_load = load

    def meet_integration_need(self, dep: Deployment) -> None:
        """LeBrun: a departmental tool must be integrated with core systems. IT takes it over (and will
        consolidate it) when it has business-facing capacity and is willing; otherwise the department
        has a vendor integrate it and keeps control."""
        if self.model.uniform() < self.integration_readiness * self.capacity_ratio:
            self.model.ledger.absorb(dep, self.model.month)
            self.plan_consolidation(dep)
        else:
            self.model.ledger.integrate_by_vendor(dep)
            self.model.decisions.record(0.0)

    def plan_consolidation(self, dep: Deployment) -> None:
        dep.integration_handled = True
        month = self.model.month
        self.enqueue(
            Request(
                dep.department,
                dep.tool,
                month,
                self.cfg.consolidation_effort * dep.tool.deploy_effort,
                month,
                1.0,
                CONSOLIDATE,
                dep,
            )
        )

    def respond_to_discovery(self, dep: Deployment) -> float:
        """Shut down, absorb or ignore a discovered shadow deployment by governance stance; return work."""
        self.discoveries += 1
        self.model.ledger.discover(dep)
        shut, absorb = self.stance.shut_down, self.stance.absorb
        u = self.model.uniform()
        if u < shut:
            self.model.ledger.retire(dep, shut_down=True)
            self.model.decisions.veto()
            dep.department.adjust_satisfaction(-self.model.setting.decision.refusal_penalty)
            return 1.0
        if u < shut + absorb:
            self.model.ledger.absorb(dep, self.model.month)
            pressure = self.model.environment.integration_pressure
            chance = pressure * dep.tool.integration_need * self.capacity_ratio * self.integration_readiness
            if not dep.integration_handled and self.model.uniform() < chance:
                self.plan_consolidation(dep)
        return 0.0

    def check_incident(self, dep: Deployment) -> float:
        """An unmanaged tool may cause a security incident; an incident tightens IT. Return work."""
        chance = (
            self.cfg.incident_rate
            * dep.tool.security_risk
            * self.model.environment.threat_level
            * (1.0 + dep.months_unmanaged / 12.0)
        )
        if self.model.uniform() >= chance:
            return 0.0
        self.incidents += 1
        work = self.cfg.incident_effort
        if self.model.uniform() < self.cfg.tighten_on_incident:
            self.tighten()
        if not dep.known:  # the 11th hour: IT learns of the tool through the incident
            work += 1.0 + self.respond_to_discovery(dep)
        return work

    def tighten(self) -> None:
        """Crackdown trap: a stricter stance moves budget and effort into security and governance."""
        if self.governance == "strict":
            return
        self.governance = stricter(self.governance)
        self.stance = getattr(self.cfg.stances, self.governance)
        moved = min(self.innovation, self.cfg.crackdown_shift * self.budget)
        self.innovation -= moved
        self.security += moved

    def scout(self) -> None:
        """Innovation partner: IT proposes tools to departments with unmet needs and selects them."""
        rate = self.policy.cfg.scouting_rate
        if rate <= 0:
            return
        uniform = self.model.uniform
        capacity_ratio = self.capacity_ratio
        for dept in self.model.departments:
            if uniform() >= rate * capacity_ratio:
                continue
            open_needs = [
                c
                for c in self.model.catalogue.categories
                if c not in dept.portfolio and c not in dept.requests
            ]
            if not open_needs:
                continue
            needs = np.array([dept.need(c) for c in open_needs])
            category = open_needs[logit_choice(uniform, list(np.log(needs + 1e-12)), 1.0)]
            tools = self.model.catalogue.by_category[category]
            tool = max(tools, key=lambda t: (t.integration_need + t.network_effect, -t.index))
            req = self.new_request(dept, tool, it_part=1.0)
            self.enqueue(req)
            dept.requests[category] = req

    # --- yearly ---------------------------------------------------------------------------------

    def plan_year(self, influence: float) -> bool:
        """With probability = willingness, a CIO aspiring beyond IT's influence shifts run -> innovation."""
        acts = self.model.uniform() < self.willingness and self.aspiration > influence
        if acts:
            self.cio_actions += 1
            moved = min(self.run, self.cfg.cio.reinvest_step * self.budget)
            self.run -= moved
            self.innovation += moved
        self.acted_this_year = acts
        return acts

    def grow_budget(self, growth: float) -> None:
        """The yearly budget round: every line of IT's budget grows by `growth` (capacity and headcount
        follow the budget)."""
        factor = 1.0 + growth
        self.run *= factor
        self.innovation *= factor
        self.security *= factor

    def follow_business_use(self, growth: float) -> None:
        """Budget follows use: the budget round takes a share of the year's growth in the business's own
        social-tool spend from IT's innovation line (the business funds the tools where they are used)."""
        if growth > 0:
            self.innovation -= min(self.innovation, self.cfg.budget_follows_use * growth)

    def lose_run_budget_to_cloud(self, share: float) -> None:
        """The CFO moves a share of the run budget to cloud contracts; IT's budget and headcount shrink.
        The savings (cloud cheaper than running it) stay with finance, except the share reinvested in IT's
        innovation line (all of it when the CIO acted this year)."""
        env = self.model.environment
        moved = share * self.run
        self.run -= moved
        self.model.cloud_moved += moved
        savings = moved * (1.0 - (1.0 - env.cfg.cloud_discount) * env.cloud_cost_index)
        reinvested = 1.0 if self.acted_this_year else env.cfg.cloud_savings_to_it
        self.innovation += reinvested * savings
