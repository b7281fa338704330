"""Deployments of tools in departments, the ledger that keeps every counter the metrics read, and the
tally of who takes technology decisions.

All state changes of a deployment go through `Ledger`, so the counters stay exact without re-scanning.
A deployment keeps the channel it came in by (how tools are adopted) and, separately, its management state
(whether IT manages it now), so IT absorbing or consolidating a tool lowers the outside-managed share
without rewriting how the tool came in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from orgsim.model.catalogue import Tool

if TYPE_CHECKING:
    from orgsim.model.agents.business import BusinessDepartment

CHANNELS = ("sanctioned", "brokered", "byot", "shadow")
SANCTIONED, BROKERED, BYOT, SHADOW = range(4)
OUTSIDE_IT = (BYOT, SHADOW)


@dataclass(slots=True, eq=False)
class Deployment:
    """One tool in use by one department, with the channel it came in by and who manages it now."""

    tool: Tool
    department: BusinessDepartment
    channel: int
    month: int
    annual_cost: float
    it_month: int | None = None  # first month IT was involved
    known: bool = True  # False for shadow deployments IT has not discovered
    managed: bool = False  # IT manages it (delivered, brokered, absorbed or consolidated)
    supported: bool = False  # a departmental tool IT supports (absorbed or brokered): ongoing support work
    integration_handled: bool = False  # its integration need was met (by IT or by a vendor)
    controller: BusinessDepartment | None = None  # who holds the spend: None is IT
    months_unmanaged: int = 0
    debt: float = 0.0
    active: bool = True

    @property
    def category(self) -> str:
        return self.tool.category


class DecisionTally:
    """Technology selections taken by IT and by the business, with a memory; IT's vetoes apart.

    Each selection adds weight 1, split between IT and the business; older ones fade with mean age
    `memory_months`, so the share reads as "who selected lately". A veto (a refusal, a shutdown) is a
    custodian's act, not leadership: it is counted in `vetoes` (fading alike), not in the share.
    """

    def __init__(self, memory_months: float):
        self.decay = math.exp(-1.0 / memory_months)
        self.by_it = 0.0
        self.total = 0.0
        self.count = 0
        self.vetoes = 0.0

    def veto(self) -> None:
        self.vetoes += 1.0

    def record(self, it_part: float, weight: float = 1.0) -> None:
        """`weight` decisions of which IT took the share `it_part`."""
        self.by_it += it_part * weight
        self.total += weight
        self.count += 1

    def age_month(self) -> None:
        self.by_it *= self.decay
        self.total *= self.decay
        self.vetoes *= self.decay

    @property
    def it_share(self) -> float:
        return self.by_it / self.total if self.total > 1e-12 else 0.5


class Ledger:
    """Active deployments and the running counters behind every outcome."""

    def __init__(self, n_tools: int, n_departments: int):
        self.active: list[Deployment] = []
        self.by_channel = np.zeros(len(CHANNELS), dtype=np.int64)
        self.tool_users = np.zeros(n_tools, dtype=np.int64)
        self.tool_managed = np.zeros(n_tools, dtype=np.int64)  # IT-managed deployments per tool
        # index 0 is IT, 1.. the business departments in model order
        self.spend_by_controller = np.zeros(n_departments + 1)
        self.created = 0
        self.retired = 0
        self.shut_down = 0
        self.consolidated = 0
        self.vendor_integrated = 0
        self.undiscovered = 0
        self.managed = 0
        self.supported = 0
        self.support_effort = 0.0  # sum of deploy effort over supported deployments
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
        self.undiscovered += not dep.known
        if dep.managed:
            self._count_managed(dep, +1)
        if dep.supported:
            self._count_supported(dep, +1)
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
        self.undiscovered -= not dep.known
        if dep.managed:
            self._count_managed(dep, -1)
        if dep.supported:
            self._count_supported(dep, -1)
        self.integration_debt -= dep.debt
        self._add_spend(dep, -1)
        dep.department.on_deployment_removed(dep)

    def discover(self, dep: Deployment) -> None:
        if not dep.known:
            dep.known = True
            self.undiscovered -= 1

    def absorb(self, dep: Deployment, month: int) -> None:
        """IT takes over support of a departmental tool: IT manages it now (support work, not strategy)."""
        self.discover(dep)
        if not dep.managed:
            dep.managed = True
            self._count_managed(dep, +1)
        if not dep.supported:
            dep.supported = True
            self._count_supported(dep, +1)
        if dep.it_month is None:
            dep.it_month = month
            self._record_lag(dep)

    def consolidate(self, dep: Deployment, month: int) -> None:
        """IT integrates a departmental tool into an enterprise platform: IT manages it and pays for it."""
        self.absorb(dep, month)
        dep.supported = False
        self._count_supported(dep, -1)
        self._add_spend(dep, -1)
        dep.controller = None
        self._add_spend(dep, +1)
        self.integration_debt -= dep.debt
        dep.debt = 0.0
        dep.integration_handled = True
        self.consolidated += 1

    def integrate_by_vendor(self, dep: Deployment) -> None:
        """The department has a vendor integrate its tool: the debt is paid, control stays outside IT."""
        self.integration_debt -= dep.debt
        dep.debt = 0.0
        dep.integration_handled = True
        self.vendor_integrated += 1

    def accrue_month(self) -> list[Deployment]:
        """Age unmanaged deployments, grow integration debt and cost; return the unmanaged ones."""
        unmanaged = [d for d in self.active if not d.managed]
        for dep in unmanaged:
            dep.months_unmanaged += 1
            if not dep.integration_handled:
                dep.debt += dep.tool.integration_need
                self.integration_debt += dep.tool.integration_need
        self.cumulative_cost += self.spend_by_controller.sum() / 12.0
        return unmanaged

    # --- helpers --------------------------------------------------------------------------------

    def _count_managed(self, dep: Deployment, sign: int) -> None:
        self.managed += sign
        self.tool_managed[dep.tool.index] += sign

    def _count_supported(self, dep: Deployment, sign: int) -> None:
        self.supported += sign
        self.support_effort += sign * dep.tool.deploy_effort

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

    # The views below read the counters as Python lists: with a catalogue of a dozen tools, numpy's masks
    # and sums cost ~5 us a call where a list comprehension costs ~1 (they are read every month).

    def shared_deployments(self) -> int:
        """Deployments whose tool is used by two or more departments (cross-department use)."""
        return sum([u for u in self.tool_users.tolist() if u >= 2])

    def shared_managed(self) -> int:
        """IT-managed deployments among those of shared tools."""
        users = self.tool_users.tolist()
        return sum([k for u, k in zip(users, self.tool_managed.tolist(), strict=True) if u >= 2])
