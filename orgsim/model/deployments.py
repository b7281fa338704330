"""Deployments of tools in departments, and the ledger that keeps every counter the metrics read.

All state changes of a deployment go through `Ledger`, so the counters stay exact without re-scanning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from orgsim.model.catalogue import Tool

if TYPE_CHECKING:
    from orgsim.model.departments import BusinessDepartment

CHANNELS = ("sanctioned", "brokered", "byot", "shadow")
SANCTIONED, BROKERED, BYOT, SHADOW = range(4)
OUTSIDE_IT = (BYOT, SHADOW)


@dataclass(slots=True, eq=False)
class Deployment:
    """One tool in use by one department, with the channel it came in by."""

    tool: Tool
    department: BusinessDepartment
    channel: int
    month: int
    annual_cost: float
    led_by_it: bool = False
    it_month: int | None = None  # first month IT was involved
    known: bool = True  # False for shadow deployments IT has not discovered
    managed: bool = False  # IT supports it (delivered, brokered or absorbed)
    maintained: bool = False  # absorbed as maintenance: governance work, not strategic work
    controller: BusinessDepartment | None = None  # who holds the spend: None is IT
    months_unmanaged: int = 0
    debt: float = 0.0
    active: bool = True

    @property
    def category(self) -> str:
        return self.tool.category


class Ledger:
    """Active deployments and the running counters behind every outcome."""

    def __init__(self, n_tools: int, n_departments: int):
        self.active: list[Deployment] = []
        self.by_channel = np.zeros(len(CHANNELS), dtype=np.int64)
        self.tool_users = np.zeros(n_tools, dtype=np.int64)
        # index 0 is IT, 1.. the business departments in model order
        self.spend_by_controller = np.zeros(n_departments + 1)
        self.created = 0
        self.retired = 0
        self.shut_down = 0
        self.led_by_it = 0
        self.undiscovered = 0
        self.maintained = 0
        self.maintenance_effort = 0.0  # sum of deploy effort over maintained deployments
        self.lag_sum = 0
        self.lag_count = 0
        self.integration_debt = 0.0
        self.cumulative_cost = 0.0  # k USD

    # --- events ---------------------------------------------------------------------------------

    def add(self, dep: Deployment) -> None:
        self.active.append(dep)
        self.created += 1
        self.by_channel[dep.channel] += 1
        self.tool_users[dep.tool.index] += 1
        self.led_by_it += dep.led_by_it
        self.undiscovered += not dep.known
        self._add_spend(dep, +1)
        dep.department.on_deployment_added(dep)
        if dep.it_month is not None:
            self._record_lag(dep)

    def retire(self, dep: Deployment, shut_down: bool = False) -> None:
        dep.active = False
        self.active.remove(dep)
        self.retired += 1
        self.shut_down += shut_down
        self.by_channel[dep.channel] -= 1
        self.tool_users[dep.tool.index] -= 1
        self.led_by_it -= dep.led_by_it
        self.undiscovered -= not dep.known
        if dep.maintained:
            self.maintained -= 1
            self.maintenance_effort -= dep.tool.deploy_effort
        self.integration_debt -= dep.debt
        self._add_spend(dep, -1)
        dep.department.on_deployment_removed(dep)

    def discover(self, dep: Deployment) -> None:
        if not dep.known:
            dep.known = True
            self.undiscovered -= 1

    def absorb(self, dep: Deployment, month: int) -> None:
        """IT takes over support of a departmental tool as maintenance (not strategic work)."""
        self.discover(dep)
        dep.managed = True
        dep.maintained = True
        self.maintained += 1
        self.maintenance_effort += dep.tool.deploy_effort
        if dep.it_month is None:
            dep.it_month = month
            self._record_lag(dep)

    def consolidate(self, dep: Deployment) -> None:
        """IT integrates an absorbed tool into an enterprise platform: IT leads it and pays for it."""
        if dep.maintained:
            dep.maintained = False
            self.maintained -= 1
            self.maintenance_effort -= dep.tool.deploy_effort
        if not dep.led_by_it:
            dep.led_by_it = True
            self.led_by_it += 1
        self._add_spend(dep, -1)
        dep.controller = None
        self._add_spend(dep, +1)
        self.integration_debt -= dep.debt
        dep.debt = 0.0

    def accrue_month(self) -> list[Deployment]:
        """Age unmanaged deployments, grow integration debt and cost; return the unmanaged ones."""
        unmanaged = [d for d in self.active if not d.managed]
        for dep in unmanaged:
            dep.months_unmanaged += 1
            dep.debt += dep.tool.integration_need
            self.integration_debt += dep.tool.integration_need
        self.cumulative_cost += self.spend_by_controller.sum() / 12.0
        return unmanaged

    # --- helpers --------------------------------------------------------------------------------

    def _add_spend(self, dep: Deployment, sign: int) -> None:
        holder = dep.controller
        self.spend_by_controller[0 if holder is None else holder.index + 1] += sign * dep.annual_cost
        if holder is not None:
            holder.spend += sign * dep.annual_cost

    def _record_lag(self, dep: Deployment) -> None:
        self.lag_sum += dep.it_month - dep.month
        self.lag_count += 1

    # --- derived views ---------------------------------------------------------------------------

    @property
    def n_active(self) -> int:
        return len(self.active)

    def shared_deployments(self) -> int:
        """Deployments whose tool is used by two or more departments (cross-department use)."""
        return int(self.tool_users[self.tool_users >= 2].sum())
