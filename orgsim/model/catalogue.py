"""The tool catalogue: social-business tools as plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass

from orgsim.config.schema import CATEGORIES, CatalogueConfig

INTERNAL_CATEGORIES = frozenset({"enterprise_social", "collaboration"})


@dataclass(frozen=True, slots=True)
class Tool:
    index: int
    name: str
    category: str
    delivery: str
    cost_per_seat_month: float
    annual_fee: float
    seat_share: float
    deploy_effort: float
    self_serve: bool
    integration_need: float
    security_risk: float
    vendor_push: float
    network_effect: float

    def annual_cost(self, headcount: int) -> float:
        """Licence cost for one department, k USD per year: platform fee plus seats."""
        return self.annual_fee + self.cost_per_seat_month * self.seat_share * headcount * 12 / 1000.0


class Catalogue:
    """Tools by index, by name and by category."""

    def __init__(self, cfg: CatalogueConfig):
        self.tools = [
            Tool(index=i, name=name, **vars(tool_cfg)) for i, (name, tool_cfg) in enumerate(cfg.tools.items())
        ]
        self.by_name = {t.name: t for t in self.tools}
        # Only categories with at least one tool can be needed; keep the schema's order for determinism.
        self.categories = [c for c in CATEGORIES if any(t.category == c for t in self.tools)]
        self.by_category = {c: [t for t in self.tools if t.category == c] for c in self.categories}

    def __len__(self) -> int:
        return len(self.tools)
