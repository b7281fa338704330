"""IT policies: what each one sets, and nothing more.

A policy decides which channel a self-provisioned tool comes in by (what departments may do), who selects
the tools IT delivers, what review, capacity or delay sits in front of IT (who curates, who funds), and
IT's governance stance (how IT responds). No policy adds utility, budget or decision credit that would hand
it its result, and none forbids an option outright: each changes what the agents do.
The governance stances' numbers are settings (it.stances); their order lives here.
"""

from __future__ import annotations

from collections.abc import Sequence

from orgsim.config.schema import PolicyConfig
from orgsim.model.catalogue import Tool
from orgsim.model.ledger import BROKERED, BYOT, SHADOW

GOVERNANCE_ORDER = ("enabling", "neutral", "strict")  # what each stance does: it.stances in the schema


def stricter(governance: str) -> str:
    i = GOVERNANCE_ORDER.index(governance)
    return GOVERNANCE_ORDER[min(i + 1, len(GOVERNANCE_ORDER) - 1)]


class Policy:
    """Base policy: self-provisioning is against policy (shadow IT) and IT selects what it delivers."""

    def __init__(self, cfg: PolicyConfig):
        self.cfg = cfg
        self.name = cfg.name

    def self_provision_channel(self, tool: Tool) -> int:
        return SHADOW

    def request_it_part(self) -> float:
        """IT's part in selecting a tool it delivers on request (1: IT selects it)."""
        return 1.0

    def select_tool(self, tools: Sequence[Tool]) -> Tool | None:
        """The tool a request is filled with when someone other than the department picks it (None: the
        department's own pick stands)."""
        return None

    def screens_out(self, tool: Tool) -> bool:
        """Whether a review vetoes a request for this tool before IT queues it."""
        return False

    def curation_effort(self, tool: Tool) -> float:
        """IT work to curate and integrate one self-served tool from its store (broker only)."""
        return 0.0

    def extra_capacity(self) -> float:
        return 0.0

    def review_months(self) -> float:
        """Months before IT starts on a request: a review, or social requests queued behind other work."""
        return self.cfg.request_delay_months


class Gatekeeper(Policy):
    """All tools through IT; self-provisioning happens anyway, as shadow IT."""


class LaissezFaire(Policy):
    """Open BYOT: self-provisioning is allowed and IT is not involved. IT still takes requests, but runs
    infrastructure first (request_delay_months) and offers no integration (integration_service)."""

    def self_provision_channel(self, tool: Tool) -> int:
        return BYOT


class Broker(Policy):
    """Governed BYOT: tools in IT's curated app store are self-served with IT involved from day one;
    IT pays for that in curation and integration work that grows with uptake."""

    def in_app_store(self, tool: Tool) -> bool:
        return tool.security_risk <= self.cfg.catalogue_max_risk

    def self_provision_channel(self, tool: Tool) -> int:
        return BROKERED if self.in_app_store(tool) else SHADOW

    def curation_effort(self, tool: Tool) -> float:
        return self.cfg.curation_share * tool.deploy_effort


class InnovationPartner(Policy):
    """IT as co-leader: scouts tools for departments (scouting_rate), funded by budget moved to
    innovation at the start (innovation_shift)."""


class SocialCoE(Policy):
    """A cross-functional center of excellence decides on social tools: a joint selection whoever leads.
    Its members add capacity and its reviews add delay. The lead changes what the CoE does: a marketing-led
    CoE picks the tools vendors push and lets departments buy low-risk tools themselves (byot); an IT-led
    CoE picks the tools that integrate and share best and vetoes tools above catalogue_max_risk."""

    def self_provision_channel(self, tool: Tool) -> int:
        if self.cfg.coe_lead == "marketing" and tool.security_risk <= self.cfg.catalogue_max_risk:
            return BYOT
        return SHADOW

    def request_it_part(self) -> float:
        return 0.5

    def select_tool(self, tools: Sequence[Tool]) -> Tool | None:
        if self.cfg.coe_lead == "it":
            return max(tools, key=lambda t: (t.integration_need + t.network_effect, -t.index))
        return max(tools, key=lambda t: (t.vendor_push, -t.index))

    def screens_out(self, tool: Tool) -> bool:
        return self.cfg.coe_lead == "it" and tool.security_risk > self.cfg.catalogue_max_risk

    def extra_capacity(self) -> float:
        return self.cfg.coe_capacity

    def review_months(self) -> float:
        return self.cfg.coe_review_months + self.cfg.request_delay_months


POLICIES: dict[str, type[Policy]] = {
    "gatekeeper": Gatekeeper,
    "laissez_faire": LaissezFaire,
    "broker": Broker,
    "innovation_partner": InnovationPartner,
    "social_coe": SocialCoE,
}


def make_policy(cfg: PolicyConfig) -> Policy:
    return POLICIES[cfg.name](cfg)
