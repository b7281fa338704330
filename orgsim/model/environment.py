"""Exogenous trends (SaaS maturity, consumerization, app stores, threats, cloud costs) and integration
pressure."""

from __future__ import annotations

import math

from orgsim.config.schema import EnvironmentConfig, TrendConfig


def _log_tail(trend: TrendConfig, year: float) -> float:
    """log(1 - s(k (year - midpoint))) = -softplus(k (year - midpoint)), s the standard logistic."""
    x = trend.steepness * (year - trend.midpoint_year)
    return -(max(x, 0.0) + math.log1p(math.exp(-abs(x))))


class LogisticTrend:
    """logistic_trend(year): a logistic curve that equals `trend.start` at `start_year` and tends to
    `trend.end`.

    With s the standard logistic, the rise is (s(y) - s(y0)) / (1 - s(y0)) = 1 - (1 - s(y)) / (1 - s(y0)),
    computed in log space so that midpoints far from the start neither overflow nor round to a jump. The
    start's term is computed once, here.
    """

    def __init__(self, trend: TrendConfig, start_year: float):
        self.trend = trend
        self._start_tail = _log_tail(trend, start_year)

    def __call__(self, year: float) -> float:
        rise = 1.0 - math.exp(_log_tail(self.trend, year) - self._start_tail)
        return self.trend.start + (self.trend.end - self.trend.start) * rise


class Environment:
    """The world outside the organization, advanced once a month.

    Integration pressure is LeBrun's mechanism: it rises with the number of deployments whose tool is
    shared by two or more departments, which the model passes in each month.
    """

    def __init__(self, cfg: EnvironmentConfig, start_year: int):
        self.cfg = cfg
        self.start_year = start_year
        self.integration_pressure = cfg.integration_base
        self._saas_maturity = LogisticTrend(cfg.saas_maturity, start_year)
        self._consumerization = LogisticTrend(cfg.consumerization, start_year)
        self._app_stores = LogisticTrend(cfg.app_stores, start_year)
        self.advance(0)

    def advance(self, month: int) -> None:
        years = month / 12.0
        year = self.start_year + years
        self.saas_maturity = self._saas_maturity(year)
        self.consumerization = self._consumerization(year)
        self.app_stores = self._app_stores(year)
        self.threat_level = self.cfg.threat_level * (1.0 + self.cfg.threat_growth) ** years
        self.cloud_cost_index = (1.0 - self.cfg.cloud_cost_decline) ** years

    def update_integration(self, shared_deployments: int) -> None:
        base = self.cfg.integration_base
        self.integration_pressure = base + (1.0 - base) * (
            1.0 - math.exp(-self.cfg.integration_sensitivity * shared_deployments)
        )
