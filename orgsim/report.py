"""Run summaries across replicates: shares with Wilson intervals, medians, ranges, and the verdict line.

Reads the metrics tables only; knows nothing of the model's internals.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from orgsim.model.metrics import run_summary

Z_95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial share."""
    if n == 0:
        return (math.nan, math.nan)
    if successes in (0, n):  # exact bounds where rounding would exclude the observed share
        bound = n / (n + z * z)
        return (0.0, 1.0 - bound) if successes == 0 else (bound, 1.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarize(timeseries: pd.DataFrame, scenario: str, policy: str, majority_months: int = 6) -> dict:
    """Per-replicate outcomes and their aggregate."""
    runs = []
    for (replicate, seed), run in timeseries.groupby(["replicate", "seed"], sort=True):
        runs.append({"replicate": int(replicate), "seed": int(seed), **run_summary(run, majority_months)})
    n = len(runs)
    marginalized = sum(r["marginalized"] for r in runs)
    lo, hi = wilson_interval(marginalized, n)
    # Runs that never reached a shadow majority count as later than any month: the median is then
    # "never" when more than half of them never did.
    months = sorted(
        math.inf if r["month_shadow_majority"] is None else r["month_shadow_majority"] for r in runs
    )
    median_month = float(np.median(months)) if n else math.inf
    influence = np.array([r["final_it_influence"] for r in runs])
    leaders = Counter(r["tech_leader"] for r in runs)
    roles = Counter(r["it_role"] for r in runs)
    return {
        "scenario": scenario,
        "policy": policy,
        "replicates": n,
        "months": int(timeseries["month"].max()),
        "aggregate": {
            "marginalized": {"count": marginalized, "share": marginalized / n, "ci95": [lo, hi]},
            "final_roles": dict(sorted(roles.items())),
            "month_shadow_majority": {
                "median": None if math.isinf(median_month) else median_month,
                "runs_reaching_majority": sum(r["month_shadow_majority"] is not None for r in runs),
                "sustained_months": majority_months,
            },
            "tech_leader": dict(leaders.most_common()),
            "final_it_influence": {
                "mean": float(influence.mean()),
                "p5": float(np.quantile(influence, 0.05)),
                "p95": float(np.quantile(influence, 0.95)),
            },
        },
        "runs": runs,
    }


def verdict(summary: dict) -> str:
    """A short plain-language summary of the aggregate."""
    agg = summary["aggregate"]
    n = summary["replicates"]
    m = agg["marginalized"]
    lo, hi = m["ci95"]
    lines = [
        f"IT ended as infrastructure custodian in {m['count']} of {n} runs "
        f"({m['share']:.0%}, 95% CI {lo:.0%}-{hi:.0%})"
    ]
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
    lines.append(f"final IT influence {inf['mean']:.2f} (5-95%: {inf['p5']:.2f}-{inf['p95']:.2f})")
    return (
        f"[{summary['scenario']}, policy {summary['policy']}, {summary['months']} months] "
        + "; ".join(lines)
        + "."
    )
