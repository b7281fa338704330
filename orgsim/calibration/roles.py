"""The role lines fitted to the role surveys (issue 22).

The State of the CIO survey (IDG / CIO.com) sorts CIOs into functional, transformational and strategic by
how they spend their time. The model's role lines (metrics.custodian_threshold, metrics.strategic_threshold)
are read as the same classification: the custodian line is the level of IT's influence (its mean over a
calendar year) below which the survey's share of organizations would call their CIO functional, the
strategic line the level at or above which its share of strategic CIOs lie. Over a population of
organizations each line is therefore a quantile of the year's influence: custodian = the `functional`
quantile, strategic = the 1 - `strategic` quantile.

The intervals come from a two-level bootstrap: resample the parameter sets (the accepted calibration
sets, when the population was run over the posterior; one group otherwise), then the organizations within
each, and take the lines' 5th and 95th percentiles: chance and, where there are several sets, what we do
not know about the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.calibration.targets import window


def yearly_influence(
    timeseries: pd.DataFrame, start_year: int, year: int, by: str = "replicate"
) -> pd.Series:
    """Each run's mean it_influence over calendar `year` (index: the runs' `by` column)."""
    return timeseries.groupby(by, sort=True).apply(lambda t: window(t, start_year, year, "it_influence"))


def lines_of(influence: np.ndarray, functional: float, strategic: float) -> tuple[float, float]:
    """(custodian, strategic) lines: the shares `functional` below and `strategic` at or above."""
    values = np.asarray(influence, dtype=float)
    values = values[np.isfinite(values)]
    return float(np.quantile(values, functional)), float(np.quantile(values, 1.0 - strategic))


def share_below(influence: np.ndarray, line: float) -> float:
    return float(np.mean(np.asarray(influence, dtype=float) < line))


@dataclass(frozen=True)
class FittedLines:
    custodian: float
    strategic: float
    custodian_interval: tuple[float, float]
    strategic_interval: tuple[float, float]
    held_out: (
        dict  # name -> (share, low90, high90): the held-out share with the lines fitted to each resample
    )
    organizations: int
    groups: int


def fit_lines(
    fit_year: pd.Series,
    groups: pd.Series | None,
    functional: float,
    strategic: float,
    held_out: dict[str, pd.Series] | None = None,
    resamples: int = 2000,
    seed: int = 0,
) -> FittedLines:
    """Fit both lines to `fit_year` (one value per organization) and bootstrap them.

    `groups` (same index) names each organization's parameter set, or None for one set. `held_out` maps a
    name to another year's influence (same index): its share below the custodian line fitted on each
    resample is the held-out prediction, with its interval."""
    held_out = held_out or {}
    fit_year = fit_year.astype(float)
    groups = pd.Series(0, index=fit_year.index) if groups is None else groups.loc[fit_year.index]
    custodian, strat = lines_of(fit_year.to_numpy(), functional, strategic)
    members = [np.flatnonzero(groups.to_numpy() == g) for g in pd.unique(groups)]
    rng = np.random.default_rng(seed)
    values = fit_year.to_numpy()
    others = {k: v.loc[fit_year.index].to_numpy(dtype=float) for k, v in held_out.items()}
    boot_c, boot_s, boot_h = [], [], {k: [] for k in others}
    for _ in range(resamples):
        picked = rng.integers(len(members), size=len(members))
        idx = np.concatenate([rng.choice(members[g], size=len(members[g])) for g in picked])
        c, s = lines_of(values[idx], functional, strategic)
        boot_c.append(c)
        boot_s.append(s)
        for k, v in others.items():
            boot_h[k].append(share_below(v[idx], c))
    q = lambda xs: (float(np.quantile(xs, 0.05)), float(np.quantile(xs, 0.95)))  # noqa: E731
    return FittedLines(
        custodian,
        strat,
        q(boot_c),
        q(boot_s),
        {k: (share_below(v, custodian), *q(boot_h[k])) for k, v in others.items()},
        len(values),
        len(members),
    )
