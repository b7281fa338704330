"""Run summaries across replicates: shares with Wilson intervals, medians, ranges, and the verdict line.

Reads the metrics tables only; knows nothing of the model's internals.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from orgsim.config.schema import MetricsConfig
from orgsim.intervals import Z_95, correlation_interval, wilson_interval  # noqa: F401 (re-exported)
from orgsim.model.metrics import ROLE_COMPONENTS, THRESHOLD_SHIFT, run_summary


def _json_interval(interval: tuple[float, float]) -> list[float | None]:
    """An interval for summary.json: None where there is none (NaN is refused as a result)."""
    return [None if math.isnan(v) else v for v in interval]


def _share(count: int, n: int) -> dict:
    lo, hi = wilson_interval(count, n)
    return {"count": int(count), "share": count / n if n else math.nan, "ci95": [lo, hi]}


def summarize(
    timeseries: pd.DataFrame,
    scenario: str,
    policy: str,
    *,
    metrics: MetricsConfig,
) -> dict:
    """Per-replicate outcomes and their aggregate, read against `metrics`'s role lines (required: the
    schema's hand-set lines are not the calibrated ones a run's config carries)."""
    runs = []
    for (replicate, seed), run in timeseries.groupby(["replicate", "seed"], sort=True):
        runs.append({"replicate": int(replicate), "seed": int(seed), **run_summary(run, metrics)})
    return summarize_runs(runs, int(timeseries["month"].max()), scenario, policy, metrics)


def summarize_runs(
    runs: list[dict],
    horizon: int,
    scenario: str,
    policy: str,
    metrics: MetricsConfig,
) -> dict:
    """The aggregate of per-replicate run summaries (each with its `replicate` and `seed`, in replicate
    order) over `horizon` months: what `summarize` returns, without the monthly tables."""
    n = len(runs)
    marginalized = sum(r["marginalized"] for r in runs)
    by_year = np.array([r["marginalized_by_year"] for r in runs], dtype=bool).reshape(n, -1)
    # Runs that never reached a shadow majority count as later than any month: the median is then
    # "never" when more than half of them never did.
    months = sorted(
        math.inf if r["month_shadow_majority"] is None else r["month_shadow_majority"] for r in runs
    )
    median_month = float(np.median(months)) if n else math.inf
    influence = np.array([r["final_it_influence"] for r in runs])
    shadow = np.array([r["final_shadow_share"] for r in runs])
    leaders = Counter(r["tech_leader"] for r in runs)
    roles = Counter(r["it_role"] for r in runs)
    drivers = Counter(r["driver"] for r in runs if r["marginalized"])
    components = {
        k: {
            "mean": float(np.mean([r[f"final_{k}"] for r in runs])),
            "p5": float(np.quantile([r[f"final_{k}"] for r in runs], 0.05)),
            "p95": float(np.quantile([r[f"final_{k}"] for r in runs], 0.95)),
        }
        for k in ROLE_COMPONENTS
    }
    association = (
        float(np.corrcoef(shadow, influence)[0, 1])
        if n > 2 and shadow.std() > 0 and influence.std() > 0
        else None
    )
    return {
        "scenario": scenario,
        "policy": policy,
        "replicates": n,
        "months": int(horizon),
        "aggregate": {
            "marginalized": {
                **_share(marginalized, n),
                "rule": (
                    f"mean it_influence over the final {metrics.sustain_months} months below the "
                    f"custodian line {metrics.custodian_threshold:g}; strategic line "
                    f"{metrics.strategic_threshold:g}"
                ),
            },
            "marginalized_by_year": [
                {"year": y + 1, **_share(int(by_year[:, y].sum()), n)} for y in range(by_year.shape[1])
            ],
            "threshold_sensitivity": {
                f"{metrics.custodian_threshold - THRESHOLD_SHIFT:g}": _share(
                    sum(r["marginalized_low_threshold"] for r in runs), n
                ),
                f"{metrics.custodian_threshold:g}": _share(marginalized, n),
                f"{metrics.custodian_threshold + THRESHOLD_SHIFT:g}": _share(
                    sum(r["marginalized_high_threshold"] for r in runs), n
                ),
            },
            "drivers": dict(drivers.most_common()),
            "final_roles": dict(sorted(roles.items())),
            "month_shadow_majority": {
                "median": None if math.isinf(median_month) else median_month,
                "runs_reaching_majority": sum(r["month_shadow_majority"] is not None for r in runs),
                "sustained_months": metrics.majority_months,
            },
            "tech_leader": dict(leaders.most_common()),
            "final_it_influence": {
                "mean": float(influence.mean()),
                "p5": float(np.quantile(influence, 0.05)),
                "p95": float(np.quantile(influence, 0.95)),
            },
            "final_role_components": components,
            "correlation_shadow_share_influence": association,
            "correlation_ci95": _json_interval(correlation_interval(association, n)),
        },
        "runs": runs,
    }


COMPONENT_WORDS = {
    "it_spend_share": "IT's share of discretionary technology spend",
    "it_decision_share": "IT's share of technology decisions",
    "it_innovation_share": "the business-facing share of IT's effort",
    "mean_satisfaction": "the business's satisfaction with IT",
}


def verdict(summary: dict) -> str:
    """A short plain-language summary of the aggregate."""
    agg = summary["aggregate"]
    n = summary["replicates"]
    m = agg["marginalized"]
    lo, hi = m["ci95"]
    lines = [
        f"IT ended as infrastructure custodian in {m['count']} of {n} runs "
        f"({m['share']:.1%}, 95% CI {lo:.1%}-{hi:.1%}; {m['rule']})"
    ]
    years = agg["marginalized_by_year"]
    lines.append("by year " + " / ".join(f"{y['share']:.1%}" for y in years))
    if agg["drivers"]:
        driver, count = next(iter(agg["drivers"].items()))
        lines.append(
            f"mostly driven by a fall in {COMPONENT_WORDS.get(driver, driver)} ({count} of {m['count']})"
        )
    sens = list(agg["threshold_sensitivity"].items())
    lines.append(
        f"with the threshold at {sens[0][0]} / {sens[-1][0]}: {sens[0][1]['share']:.1%} / {sens[-1][1]['share']:.1%}"
    )
    maj = agg["month_shadow_majority"]
    if maj["median"] is None:
        lines.append(
            f"shadow and BYOT deployments did not become the majority in most runs "
            f"({maj['runs_reaching_majority']} of {n} reached it)"
        )
    else:
        lines.append(f"shadow and BYOT deployments became the majority in month {maj['median']:g} (median)")
    leader, count = next(iter(agg["tech_leader"].items()))
    lines.append(f"tech leader: {leader} ({count} of {n})")
    inf = agg["final_it_influence"]
    lines.append(f"final-year IT influence {inf['mean']:.2f} (5-95%: {inf['p5']:.2f}-{inf['p95']:.2f})")
    return (
        f"[{summary['scenario']}, policy {summary['policy']}, {summary['months']} months] "
        + "; ".join(lines)
        + "."
    )
