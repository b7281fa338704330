"""Published figures about 2012-2017 and the model statistic each one is compared with.

Each target names its source, the calendar window it refers to, the published value, a scale (how far the
model may sit from the figure before the fit counts it as one unit of misfit: the figure's own
imprecision as reported, or our reading of it, marked "assumption"), and the statistic computed from a
run's monthly table. Per-organization statistics are averaged over runs; `population` statistics are a
share of runs (organizations), so they need many runs per parameter set. The module sees monthly tables,
not the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# the monthly reporters every statistic below reads
REPORTERS = (
    "business_tech_spend_share",
    "marketing_tech_spend",
    "it_budget",
    "it_discretionary_spend",
    "outside_managed_share",
    "it_decision_share",
    "shadow_share",
)


def window(table: pd.DataFrame, start_year: int, year: int, column: str) -> float:
    """Mean of `column` over the months of calendar `year` (month m is start_year + m/12)."""
    months = table["month"].to_numpy()
    first, last = 12 * (year - start_year) + 1, 12 * (year - start_year + 1)
    values = table[column].to_numpy()[(months >= first) & (months <= last)]
    return float(np.nanmean(values)) if len(values) else float("nan")


@dataclass(frozen=True)
class Target:
    name: str
    source: str
    claim: str
    year: int
    value: float
    scale: float
    analogue: str
    statistic: Callable[[pd.DataFrame, int], float]
    population: bool = False  # the target is a share of organizations: statistic is 0/1 per run

    def run_value(self, table: pd.DataFrame, start_year: int) -> float:
        return float(self.statistic(table, start_year))


def _outside_share(year: int):
    return lambda t, s: window(t, s, year, "business_tech_spend_share")


def _outside_over_it(year: int):
    def stat(t: pd.DataFrame, s: int) -> float:
        share = window(t, s, year, "business_tech_spend_share")
        return share / (1.0 - share)

    return stat


def _marketing_over_it(year: int):
    def stat(t: pd.DataFrame, s: int) -> float:
        return window(t, s, year, "marketing_tech_spend") / window(t, s, year, "it_discretionary_spend")

    return stat


def _it_managed(year: int):
    return lambda t, s: 1.0 - window(t, s, year, "outside_managed_share")


def _cio_controls_most(year: int):
    return lambda t, s: float(window(t, s, year, "it_decision_share") > 0.5)


def _shadow(year: int):
    return lambda t, s: window(t, s, year, "shadow_share")


TARGETS: tuple[Target, ...] = (
    Target(
        "it_involved_2012",
        "Hinchcliffe, InformationWeek, May 2012",
        "as little as half of social business efforts involve IT at the start",
        2012,
        0.5,
        0.1,
        "share of active social-tool deployments IT manages (social tools, not all IT)",
        _it_managed(2012),
    ),
    Target(
        "outside_over_it_2013",
        "CEB, about 2013",
        "shadow spend about 40% on top of the IT budget",
        2013,
        0.4,
        0.1,
        "technology spend outside the IT budget / IT budget",
        _outside_over_it(2013),
    ),
    Target(
        "cio_controls_most_2014",
        "Logicalis Global CIO Survey 2015",
        "about 72% of CIOs control more than half of technology decisions (2014)",
        2014,
        0.72,
        0.08,
        "share of organizations whose IT makes more than half of technology decisions",
        _cio_controls_most(2014),
        population=True,
    ),
    Target(
        "shadow_majority_2015",
        "Gartner, as read by the seed article (2012)",
        "shadow adoption the main path within about three years",
        2015,
        0.5,
        0.1,
        "share of active social-tool deployments that came in outside IT (BYOT + shadow)",
        _shadow(2015),
    ),
    Target(
        "cio_controls_most_2015",
        "Logicalis Global CIO Survey 2015",
        "about 66% of CIOs control more than half of technology decisions (2015)",
        2015,
        0.66,
        0.08,
        "share of organizations whose IT makes more than half of technology decisions",
        _cio_controls_most(2015),
        population=True,
    ),
    Target(
        "outside_share_2015",
        "Gartner, December 2011",
        "35% of technology spend outside the IT budget by 2015 (about 20% in 2000)",
        2015,
        0.35,
        0.05,
        "technology spend outside the IT budget / all technology spend",
        _outside_share(2015),
    ),
    Target(
        "marketing_over_it_2016",
        "Gartner, 2012 (the CMO out-spends the CIO on technology by 2017)",
        "marketing's technology spend reaches IT's around 2016-2017",
        2016,
        1.0,
        0.15,
        "marketing's own technology spend / IT's discretionary (business-facing) spend, as DESIGN.md "
        "section 7 compares leadership",
        _marketing_over_it(2016),
    ),
)


def run_statistics(table: pd.DataFrame, start_year: int, targets=TARGETS) -> dict[str, float]:
    """Every target's statistic for one run's monthly table."""
    return {t.name: t.run_value(table, start_year) for t in targets}
