"""The Mesa agents: business departments and the IT department, one kind per module."""

from orgsim.model.agents.business import BusinessDepartment
from orgsim.model.agents.it import ITDepartment, Request

__all__ = ["BusinessDepartment", "ITDepartment", "Request"]
