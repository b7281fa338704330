"""Exogenous trends (SaaS maturity, consumerization, app stores, threats, cloud costs) and integration
pressure."""

from __future__ import annotations

import math

from orgsim.config.schema import EnvironmentConfig, TrendConfig


def _log_tail(trend: TrendConfig, year: float) -> float:
    """log(1 - s(k (year - midpoint))) = -softplus(k (year - midpoint)), s the standard logistic."""
    x = trend.steepness * (year - trend.midpoint_year)
    return -(max(x, 0.0) + math.log1p(math.exp(-abs(x))))


def logistic_trend(
    trend: TrendConfig, start_year: float, year: float, start_tail: float | None = None
) -> float:
    """A logistic curve that equals `trend.start` at `start_year` and tends to `trend.end`.

    With s the standard logistic, the rise is (s(y) - s(y0)) / (1 - s(y0)) = 1 - (1 - s(y)) / (1 - s(y0)),
    computed in log space so that midpoints far from the start neither overflow nor round to a jump.
    `start_tail` is _log_tail(trend, start_year) when the caller keeps it.
    """
    if start_tail is None:
        start_tail = _log_tail(trend, start_year)
    rise = 1.0 - math.exp(_log_tail(trend, year) - start_tail)
    return trend.start + (trend.end - trend.start) * rise


class Environment:
    """The world outside the organization, advanced once a month.

    Integration pressure is LeBrun's mechanism: it rises with the number of deployments whose tool is
    shared by two or more departments, which the model passes in each month.
    """

    def __init__(self, cfg: EnvironmentConfig, start_year: int):
        self.cfg = cfg
        self.start_year = start_year
        self.integration_pressure = cfg.integration_base
        # each trend's start term, the same every month
        self._start_tails = {
            name: _log_tail(getattr(cfg, name), start_year)
            for name in ("saas_maturity", "consumerization", "app_stores")
        }
        self.advance(0)

    def advance(self, month: int) -> None:
        years = month / 12.0
        year = self.start_year + years
        tails = self._start_tails
        self.saas_maturity = logistic_trend(
            self.cfg.saas_maturity, self.start_year, year, tails["saas_maturity"]
        )
        self.consumerization = logistic_trend(
            self.cfg.consumerization, self.start_year, year, tails["consumerization"]
        )
        self.app_stores = logistic_trend(self.cfg.app_stores, self.start_year, year, tails["app_stores"])
        self.threat_level = self.cfg.threat_level * (1.0 + self.cfg.threat_growth) ** years
        self.cloud_cost_index = (1.0 - self.cfg.cloud_cost_decline) ** years

    def update_integration(self, shared_deployments: int) -> None:
        base = self.cfg.integration_base
        self.integration_pressure = base + (1.0 - base) * (
            1.0 - math.exp(-self.cfg.integration_sensitivity * shared_deployments)
        )
