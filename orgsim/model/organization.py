"""The organization: the mesa.Model that owns departments, IT, tools, environment and metrics.

Its `step` is the monthly process of DESIGN.md section 3 (docs/ODD.md 1.3 gives the order as run). It
imports the agents, policies and metrics; they see it only through type hints. It imports nothing from the
runner, the results store, the plots or the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import mesa
import networkx as nx

from orgsim.config.defaults import ready
from orgsim.config.schema import OrgsimConfig
from orgsim.config.validate import ConfigError
from orgsim.model.agents import BusinessDepartment, ITDepartment
from orgsim.model.catalogue import Catalogue, Tool
from orgsim.model.draws import UniformDraws
from orgsim.model.employees import EmployeePopulation
from orgsim.model.environment import Environment
from orgsim.model.industry import (  # noqa: F401  (scaled: re-exported)
    IT_INVESTMENT_PART,
    draw_organization,
    scaled,
    workforce_profile,
)
from orgsim.model.ledger import BROKERED, SANCTIONED, SHADOW, DecisionTally, Deployment, Ledger
from orgsim.model.metrics import DEPARTMENT_REPORTERS, MODEL_REPORTERS, ordered_sum, role_now
from orgsim.model.policies import make_policy
from orgsim.model.recorder import COLLECT, MonthlyRecorder

# Mesa logs every step at INFO; that would flood Hydra's console and log file.
logging.getLogger("MESA").setLevel(logging.WARNING)


class Organization(mesa.Model):
    """One organization over monthly steps, from a validated OrgsimConfig (`Organization(setting, seed)`)
    or from parameters as keywords (`Organization(policy="broker", seed=3, years=1, **{"it.budget": 4000})`:
    dotted keys, `__` identifiers or nested dicts over the shipped scenario), as `mesa.batch_run` passes
    them. `seed` is the run's own seed (`rng`, which mesa 3.5's batch_run passes, is taken as it).

    Each month it records the model reporters named in `columns` (all when None) and, with collect="all",
    the departments' table too ("model": none). What is recorded never changes the run itself.
    `running` turns False at the horizon, so Mesa's loops stop there.
    """

    def __init__(
        self,
        setting: OrgsimConfig | None = None,
        seed: int | None = None,
        collect: str = "all",
        columns: Sequence[str] | None = None,
        rng: int | None = None,
        **params,
    ):
        if seed is not None and rng is not None and int(seed) != int(rng):
            raise ConfigError(f"seed and rng are the same run seed; got seed={seed} and rng={rng}")
        seed = seed if seed is not None else (rng if rng is not None else 0)
        if setting is None:
            from orgsim.config.compose import settings_from_parameters  # Hydra only where it composes

            setting = settings_from_parameters(params)
        elif params:
            raise ConfigError(
                f"give either a setting or parameters as keywords, not both; got {', '.join(params)}"
            )
        setting = ready(setting)  # validated; a schema object built in Python gets the shipped groups
        if collect not in COLLECT:
            raise ValueError(f"collect must be one of {', '.join(COLLECT)}; got {collect!r}")
        super().__init__(rng=int(seed))
        # the monthly step's uniforms, from self.rng in blocks (draws.py); the employee layer draws its
        # arrays through it too, so the step's draws are the generator's own stream in order
        self.draws = UniformDraws(self.rng)
        self.uniform = self.draws.next  # the next uniform of the model's stream (draws.py)
        # org.size, and in an industry the drawn size and department mix (industry.py)
        setting, self.drawn = draw_organization(setting, self.rng)
        self.size_factor = self.drawn.size_factor
        self.it_investment_part = IT_INVESTMENT_PART[setting.org.investment_rights]
        self.firm_autonomy, self.firm_marketing_share = workforce_profile(setting)
        self.setting = setting
        self.month = 0
        self.horizon = setting.years * 12
        self.catalogue = Catalogue(setting.catalogue)
        # each tool's category number, for counting the tools in use per category
        number = {c: i for i, c in enumerate(self.catalogue.categories)}
        self.tool_category = [number[t.category] for t in self.catalogue.tools]
        self.environment = Environment(setting.environment, setting.start_year)
        self.policy = make_policy(setting.policy)
        org = setting.org
        self.department_names = list(org.departments)
        departments = [
            BusinessDepartment(self, name, i, cfg) for i, (name, cfg) in enumerate(org.departments.items())
        ]
        self.departments = mesa.agent.AgentSet(departments, random=self.random)
        # the same departments in the same order, for the monthly reads of every reporter: iterating the
        # AgentSet's weak references cost ~5% of a replicate
        self.department_list = tuple(departments)
        self.by_name = {d.name: d for d in departments}
        self.finance = self.by_name.get("finance")
        self.it = ITDepartment(self, setting.it, self.policy)
        self.network = nx.Graph()
        self.network.add_nodes_from(self.department_names)
        self.network.add_edges_from(tuple(e) for e in org.network_edges)
        for d in departments:
            d.neighbours = [self.by_name[n] for n in sorted(self.network.neighbors(d.name))]
        self.ledger = Ledger(len(self.catalogue), len(departments))
        self.decisions = DecisionTally(setting.metrics.decision_memory_months)
        self.cloud_moved = 0.0  # IT run budget moved to the cloud, k USD per year
        self.cloud_spend = 0.0  # what finance pays cloud providers for it (its contracts), k USD per year
        self.employees = None
        if org.employees.enabled:
            self.employees = EmployeePopulation(
                org.employees,
                [d.headcount for d in departments] + [setting.it.headcount],
                [d.tech_autonomy for d in departments] + [0.5],
                self.rng,
                self.draws.array,
            )
            self._update_grassroots()
        for dep_cfg in org.initial_deployments:
            tool = self.catalogue.by_name[dep_cfg.tool]
            dept = self.by_name[dep_cfg.department]
            if dep_cfg.it_involved:
                self.add_deployment(dept, tool, SANCTIONED)
            else:
                channel = self.policy.self_provision_channel(tool)
                self.add_deployment(dept, tool, SHADOW if channel == BROKERED else channel)
            self.decisions.record(1.0 if dep_cfg.it_involved else 0.0)
        self.environment.update_integration(self.ledger.shared_deployments())
        self.business_spend_last_year = self._business_social_spend()
        reporters = {"month": "month", **MODEL_REPORTERS}
        if columns is not None:
            unknown = [c for c in columns if c not in reporters]
            if unknown:
                raise ValueError(f"unknown model reporters {unknown}; reporters: {', '.join(reporters)}")
            reporters = {k: v for k, v in reporters.items() if k == "month" or k in columns}
        # Not mesa.DataCollector: see recorder.py for the measured cost; the same calls and tables.
        self.datacollector = MonthlyRecorder(
            reporters,
            {"month": lambda d: d.model.month, **DEPARTMENT_REPORTERS} if collect == "all" else None,
            departments,
        )
        self.role = role_now(self)
        self.datacollector.collect(self)

    # --- the month -----------------------------------------------------------------------------------

    def step(self) -> None:
        self.month += 1
        self.environment.advance(self.month)
        self.environment.update_integration(self.ledger.shared_deployments())
        self.decisions.age_month()
        self._price_cloud()
        if self.employees is not None:
            gain = self.environment.consumerization - self.setting.environment.consumerization.start
            self.employees.step(gain)
            self._update_grassroots()
        self._retire_aged_deployments()
        self._record_core_decisions()
        self.departments.shuffle_do("step")
        unmanaged = self.ledger.accrue_month()
        self.it.monitor(unmanaged)
        self.it.scout()
        self.it.plan_capacity()
        self.it.work_backlog()
        if self.month % 12 == 0:
            self.it.grow_budget(self.setting.environment.it_budget_growth)
            business_spend = self._business_social_spend()
            self.it.follow_business_use(business_spend - self.business_spend_last_year)
            self.business_spend_last_year = business_spend
            self.it.plan_year(role_now(self)["it_influence"])
            if self.finance is not None:
                self.finance.push_infrastructure_to_cloud()
                self._price_cloud()
            self.it.plan_capacity()
        for d in self.department_list:  # creation order, as AgentSet.do (which costs more than the work)
            d.update_satisfaction()
        self.role = role_now(self)  # end-of-month role, read by the reporters
        self.datacollector.collect(self)
        self.running = self.month < self.horizon  # mesa.batch_run and the page stop at the horizon

    def run(self) -> Organization:
        """Step to the horizon."""
        while self.month < self.horizon:
            self.step()
        return self

    def release(self) -> None:
        """Let go of this model once its results are read: mesa 3.3 keeps every model that had agents in
        a class-level registry (`Agent._ids`, mesa issue 3179), so finished replicates would pile up."""
        registry = getattr(mesa.Agent, "_ids", None)  # absent in mesa >= 3.4
        if registry is not None:
            registry.pop(self, None)

    # --- actions the agents ask the organization for -------------------------------------------------

    def add_deployment(self, dept: BusinessDepartment, tool: Tool, channel: int) -> Deployment:
        """A new deployment of `tool` in `dept` that came in by `channel` (delivered ones are IT's)."""
        it_involved = channel in (SANCTIONED, BROKERED)
        dep = Deployment(
            tool=tool,
            department=dept,
            channel=channel,
            month=self.month,
            annual_cost=tool.annual_cost(dept.headcount),
            it_month=self.month if it_involved else None,
            known=channel != SHADOW,
            managed=it_involved,
            supported=channel == BROKERED,
            controller=None if channel == SANCTIONED else dept,
        )
        self.ledger.add(dep)
        return dep

    def _price_cloud(self) -> None:
        """Cloud contracts cost less than running the moved infrastructure, and prices keep falling."""
        env = self.environment
        self.cloud_spend = self.cloud_moved * (1.0 - env.cfg.cloud_discount) * env.cloud_cost_index

    def _record_core_decisions(self) -> None:
        """Core (non-social) technology decisions, in proportion to the spend they commit: IT decides what
        its run line buys; what the business functions' committed spend and finance's cloud contracts buy
        is decided as the firm's IT investment archetype says (IT's part in it: IT_INVESTMENT_PART)."""
        committed = self.setting.org.baseline_spend_share * ordered_sum(
            d.budget for d in self.department_list
        )
        run = self.it.run
        business = self.cloud_spend + committed
        whole = run + business
        if whole > 0:
            it_part = (run + self.it_investment_part * business) / whole
            self.decisions.record(it_part, self.setting.decision.core_decisions)

    def _business_social_spend(self) -> float:
        """The social-tool spend the business functions hold, k USD per year."""
        return ordered_sum(max(0.0, d.spend) for d in self.department_list)

    def _retire_aged_deployments(self) -> None:
        chance = 1.0 / self.setting.decision.lifetime_months
        for dep in list(self.ledger.active):
            if self.uniform() < chance:
                self.ledger.retire(dep)

    def _update_grassroots(self) -> None:
        shares = self.employees.department_share().tolist()
        for d in self.department_list:
            d.grassroots_share = shares[d.index]
