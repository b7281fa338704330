"""One organization of an industry: its size and department mix drawn from distributions.

Applied to the settings when the model is built, before anything else draws from the model's generator.
The CIO's stance is the IT department's own draw (`it.cio.draw`). Nothing here knows the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orgsim.config.schema import INVESTMENT_RIGHTS, OrgsimConfig, clone

# IT's part in a core technology investment decision under each of Weill's archetypes (assumptions: a
# business monarchy's senior executives decide without IT, a federal arrangement has corporate, the
# business units and IT around the table, a duopoly IT and one business group; an IT monarchy IT alone).
IT_INVESTMENT_PART = {"business_monarchy": 0.0, "federal": 1.0 / 3.0, "duopoly": 0.5, "it_monarchy": 1.0}

# Bounds of the drawn size factor: a 2,000-person default must not become a million-person model in one
# replicate, nor a handful of people.
SIZE_FACTOR_BOUNDS = (0.1, 10.0)


@dataclass(frozen=True)
class Draw:
    """What was drawn for one organization: the size factor applied to every headcount and budget (after
    `org.size`), and each business department's share factor (all 1 without `org.mix_spread`)."""

    size_factor: float
    mix: tuple[float, ...]
    it_budget_factor: float = 1.0  # IT's budget alone, after the size factor (org.it_budget_spread)


def total_headcount(setting: OrgsimConfig) -> int:
    """Business departments' headcount plus IT's."""
    return sum(d.headcount for d in setting.org.departments.values()) + setting.it.headcount


def scaled(setting: OrgsimConfig, factor: float) -> OrgsimConfig:
    """A copy of the settings with every headcount and budget (IT's included) scaled by `factor`.

    IT's unit cost scales too: rolling a tool out to `factor` times the seats is `factor` times the work,
    so capacity and demand keep the balance of the configured organization."""
    setting = clone(setting)
    setting.it.unit_cost *= factor
    for dept in setting.org.departments.values():
        dept.headcount = max(1, round(dept.headcount * factor))
        dept.budget *= factor
    setting.it.headcount = max(1, round(setting.it.headcount * factor))
    setting.it.budget *= factor
    return setting


def remixed(setting: OrgsimConfig, mix: np.ndarray) -> OrgsimConfig:
    """A copy whose business departments' headcounts are re-weighted by `mix` at the same total; each
    department's budget follows its headcount (budget per head unchanged)."""
    setting = clone(setting)
    depts = list(setting.org.departments.values())
    heads = np.array([d.headcount for d in depts], dtype=float)
    weighted = heads * mix
    target = weighted * heads.sum() / weighted.sum()
    for dept, old, new in zip(depts, heads, target, strict=True):
        dept.headcount = max(1, round(new))
        dept.budget *= dept.headcount / old
    return setting


def workforce_profile(setting: OrgsimConfig) -> tuple[float, float]:
    """What the department mix means for adoption: the business workforce's mean technology autonomy
    (each department's `tech_autonomy` weighted by its headcount) and marketing's share of the business
    headcount (0 without a marketing department)."""
    depts = setting.org.departments
    heads = sum(d.headcount for d in depts.values())  # integers: exact
    # fsum: correctly rounded, so the same bits on Python 3.11 and 3.12 (whose `sum` of floats differs)
    autonomy = math.fsum(d.headcount * d.tech_autonomy for d in depts.values()) / heads
    marketing = depts["marketing"].headcount / heads if "marketing" in depts else 0.0
    return float(autonomy), float(marketing)


def firm_budgets(setting: OrgsimConfig, it_factor: float, committed_share: float) -> OrgsimConfig:
    """A copy with IT's budget alone times `it_factor` (its unit cost stays, so capacity follows) and
    `baseline_spend_share` set to `committed_share`."""
    setting = clone(setting)
    setting.it.budget *= it_factor
    setting.org.baseline_spend_share = committed_share
    return setting


def committed(share: float, shift: float) -> float:
    """`share` moved by `shift` on the logit scale (stays inside (0, 1); 0 and 1 stay where they are)."""
    if share <= 0.0 or share >= 1.0:
        return share
    return float(1.0 / (1.0 + np.exp(-(np.log(share / (1.0 - share)) + shift))))


def draw_organization(setting: OrgsimConfig, rng: np.random.Generator) -> tuple[OrgsimConfig, Draw]:
    """The settings of one organization of the industry, and what was drawn.

    `org.size` (0: as configured) scales everything to that total headcount; `org.size_spread`
    then multiplies by a log-normal factor exp(N(0, size_spread)) within SIZE_FACTOR_BOUNDS;
    `org.mix_spread` re-weights the business departments by independent log-normal factors
    exp(N(0, mix_spread)) at the same total; `org.it_budget_spread` multiplies IT's budget alone by
    exp(N(0, it_budget_spread)) (IT intensity; capacity follows, as the unit cost stays; centred on the
    mean firm, exp(N(-s^2/2, s)), under `org.it_budget_centre=mean`); and
    `org.committed_spread` moves `org.baseline_spend_share` by N(0, committed_spread) on the logit scale
    (how much core technology the business functions hold); `org.investment_rights=drawn` draws the
    firm's IT investment archetype (one uniform). Draws happen in that order and only when switched on,
    so a setting without them consumes nothing from the generator.
    """
    org = setting.org
    factor = org.size / total_headcount(setting) if org.size > 0 else 1.0
    drawn_factor = 1.0
    if org.size_spread > 0:
        drawn_factor = float(np.clip(np.exp(rng.normal(0.0, org.size_spread)), *SIZE_FACTOR_BOUNDS))
    mix = np.ones(len(org.departments))
    if org.mix_spread > 0:
        mix = np.exp(rng.normal(0.0, org.mix_spread, size=len(org.departments)))
        setting = remixed(setting, mix)
    it_factor = 1.0
    if org.it_budget_spread > 0:
        # centred on the mean firm: the log-normal's mean exp(mu + s^2/2) is 1
        centre = -0.5 * org.it_budget_spread**2 if org.it_budget_centre == "mean" else 0.0
        it_factor = float(np.clip(np.exp(rng.normal(centre, org.it_budget_spread)), *SIZE_FACTOR_BOUNDS))
    share = org.baseline_spend_share
    if org.committed_spread > 0:
        share = committed(share, float(rng.normal(0.0, org.committed_spread)))
    rights = org.investment_rights
    if rights == "drawn":
        rights = investment_arrangement(org.it_monarchy_share, float(rng.random()))
    if factor * drawn_factor != 1.0:
        setting = scaled(setting, factor * drawn_factor)
    if it_factor != 1.0 or share != org.baseline_spend_share:
        setting = firm_budgets(setting, it_factor, share)
    if rights != org.investment_rights:
        setting = clone(setting)
        setting.org.investment_rights = rights
    return setting, Draw(factor * drawn_factor, tuple(float(m) for m in mix), it_factor)


def investment_arrangement(it_monarchy_share: float, u: float) -> str:
    """The archetype a uniform `u` draws: an IT monarchy with probability `it_monarchy_share`, else a
    business monarchy, federal or duopoly arrangement, equally likely (Weill 2004: "about equally")."""
    if u < it_monarchy_share:
        return "it_monarchy"
    others = [r for r in INVESTMENT_RIGHTS if r not in ("drawn", "it_monarchy")]
    k = int((u - it_monarchy_share) / (1.0 - it_monarchy_share) * len(others))
    return others[min(k, len(others) - 1)]


def by_size(headcount: np.ndarray, marginalized: np.ndarray, bands: int = 3) -> list[dict]:
    """Organizations in `bands` equal-count size bands (smallest first): headcount range, count and
    number marginalized per band, from one value per organization. Intervals are the report's job."""
    headcount = np.asarray(headcount)
    marginalized = np.asarray(marginalized, dtype=bool)
    order = np.argsort(headcount, kind="stable")
    rows = []
    for members in np.array_split(order, min(bands, len(order))):
        rows.append(
            {
                "headcount_min": int(headcount[members].min()),
                "headcount_max": int(headcount[members].max()),
                "organizations": len(members),
                "marginalized": int(marginalized[members].sum()),
            }
        )
    return rows
