"""Figure comparing lever settings (policies or any group): the share of runs with a yes/no outcome, with
Wilson 95% intervals, beside the distribution of a final measure (box plots)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.intervals import wilson_interval
from orgsim.plots.figure import (
    axis_label,
    group_colors,
    groups_of,
    in_words,
    mark_if_all_zero,
    new_figure,
    titled,
    words,
)


def comparison_table(runs: pd.DataFrame, outcome: str, distribution: str, group: str) -> pd.DataFrame:
    """Per group: runs, count and share with the outcome and its Wilson bounds, and the distribution's
    mean, median, quartiles and 5%/95% quantiles (what the bars and boxes show)."""
    rows = []
    for label, part in groups_of(runs, group):
        count, n = int(part[outcome].astype(bool).sum()), len(part)
        lo, hi = wilson_interval(count, n)
        values = part[distribution].astype(float)
        rows.append(
            {
                "group": label,
                "runs": n,
                "count": count,
                "share": count / n,
                "ci_low": lo,
                "ci_high": hi,
                "mean": values.mean(),
                "p5": values.quantile(0.05),
                "q25": values.quantile(0.25),
                "median": values.median(),
                "q75": values.quantile(0.75),
                "p95": values.quantile(0.95),
            }
        )
    return pd.DataFrame(rows)


def comparison_figure(
    runs: pd.DataFrame,
    *,
    outcome: str,
    distribution: str,
    group: str,
    group_title: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """Left: share of runs with `outcome` per group (bars, Wilson 95% intervals); right: box plots of
    `distribution` per group (box: quartiles, whiskers: 5-95%)."""
    drawn = comparison_table(runs, outcome, distribution, group)
    labels = [in_words(str(g)) for g in drawn["group"]]
    colors = group_colors(len(labels))
    fig = new_figure(width, height)
    shares, spread = fig.subplots(1, 2)
    y = np.arange(len(labels))
    share = drawn["share"].to_numpy()
    shares.barh(y, share, color=colors, alpha=0.85)
    xerr = [share - drawn["ci_low"].to_numpy(), drawn["ci_high"].to_numpy() - share]
    shares.errorbar(share, y, xerr=xerr, fmt="none", ecolor="0.2", capsize=3, label="Wilson 95% interval")
    for yi, (s, count, n) in enumerate(zip(share, drawn["count"], drawn["runs"], strict=True)):
        shares.annotate(
            f"{s:.0%} ({count}/{n})",
            (0.01, yi),
            xytext=(0, 8),
            textcoords="offset points",
            fontsize="x-small",
            va="bottom",
        )
    mark_if_all_zero(shares, share, f"share of runs {words(outcome)}")
    shares.set_yticks(y, labels)
    shares.set_ylabel(in_words(group_title))
    shares.set_xlim(0, 1)
    shares.set_xlabel(
        f"share of runs {words(outcome)} (0-1)" if outcome != "marginalized" else axis_label(outcome)
    )
    shares.invert_yaxis()
    shares.grid(axis="x", alpha=0.3)
    shares.legend(loc="lower right", fontsize="small", frameon=False)

    samples = [part[distribution].astype(float).to_numpy() for _, part in groups_of(runs, group)]
    boxes = spread.boxplot(
        samples,
        positions=y,
        orientation="horizontal",
        whis=(5, 95),
        widths=0.6,
        patch_artist=True,
        showfliers=True,
        medianprops={"color": "0.1"},
    )
    for patch, color in zip(boxes["boxes"], colors, strict=True):
        patch.set_facecolor(color)
        patch.set_alpha(0.6)
    spread.set_yticks(y, labels)
    spread.invert_yaxis()
    spread.set_xlabel(axis_label(distribution))
    spread.grid(axis="x", alpha=0.3)
    spread.set_title("box: quartiles, line: median, whiskers: 5-95%", loc="left", fontsize="small")
    n = drawn["runs"]
    runs_note = f"{int(n.min())}" if n.min() == n.max() else f"{int(n.min())}-{int(n.max())}"
    titled(fig, title, f"{context}; {runs_note} runs per {group_title}")
    return fig, drawn
