"""Figures of the share of runs marginalized in each year of the horizon, with Wilson 95% intervals: a run's
own (from its summary) and, from a plot spec, one bar per lever setting (from the per-run table)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from orgsim.intervals import wilson_interval
from orgsim.plots.figure import group_colors, groups_of, in_words, mark_if_all_zero, new_figure, titled
from orgsim.results import BY_YEAR_PREFIX  # runs-table columns, one per year of the horizon


def plot_marginalized_by_year(summary: dict, path: Path, *, title: str, start_year: int) -> Path:
    """Save `run_marginalized_by_year_figure` as a PNG at `path` and return `path`."""
    fig = run_marginalized_by_year_figure(summary, title=title, start_year=start_year)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path


def run_marginalized_by_year_figure(summary: dict, *, title: str, start_year: int) -> Figure:
    """The per-year share of a run's replicates marginalized: bars with Wilson 95% intervals, each labelled
    with its share, so a zero share still shows."""
    years = summary["aggregate"]["marginalized_by_year"]
    if not years:
        raise ValueError("the summary has no year to plot (horizon shorter than a year)")
    x = np.array([start_year + y["year"] - 1 for y in years])
    share = np.array([y["share"] for y in years])
    lo = np.array([y["ci95"][0] for y in years])
    hi = np.array([y["ci95"][1] for y in years])

    fig = Figure(figsize=(8, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.bar(x, share, color="#1f5fa8", alpha=0.8, label="share marginalized")
    ax.errorbar(x, share, yerr=[share - lo, hi - share], fmt="none", ecolor="0.2", capsize=4, label="95% CI")
    ax.set_ylim(0, 1)
    ax.set_xticks(x)
    _share_labels(ax, x, share)
    mark_if_all_zero(ax, share, "share of runs marginalized")
    ax.set_xlabel("year (mean IT influence of the year below the custodian threshold)")
    ax.set_ylabel("share of runs marginalized")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    fig.suptitle(title, fontweight="bold")
    fig.text(
        0.5,
        -0.01,
        f"n = {summary['replicates']} replicates; Wilson 95% intervals",
        ha="center",
        va="top",
        fontsize="small",
    )
    return fig


def _share_labels(ax, x, share) -> None:
    # A bar of height 0 draws nothing: its value printed at its foot shows it is a zero, not a gap.
    for xi, s in zip(x, share, strict=True):
        ax.annotate(f"{s:.0%}", (xi, s), xytext=(0, 2), textcoords="offset points", ha="center",
                    va="bottom", fontsize="x-small", color="0.2")  # fmt: skip


# --- from a plot spec: per year of the horizon and per lever setting -------------------------------------


def marginalized_by_year_table(runs: pd.DataFrame, *, start_year: int, group: str | None) -> pd.DataFrame:
    """Per group and year of the horizon: calendar year, runs marginalized, runs, share, Wilson 95% bounds."""
    years = sorted(
        (c for c in runs.columns if c.startswith(BY_YEAR_PREFIX)), key=lambda c: int(c.split("_")[-1])
    )
    rows = []
    for label, part in groups_of(runs, group):
        for column in years:
            index = int(column.removeprefix(BY_YEAR_PREFIX))  # 1: the first year of the horizon
            count, n = int(part[column].astype(bool).sum()), len(part)
            lo, hi = wilson_interval(count, n)
            row = {"group": label} if group else {}
            row.update(year_of_horizon=index, year=start_year + index - 1, marginalized=count, runs=n)
            rows.append({**row, "share": count / n, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def marginalized_by_year_figure(
    runs: pd.DataFrame,
    *,
    start_year: int,
    group: str | None,
    group_title: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """Grouped bars: the share of runs marginalized in each calendar year of the horizon, per group, with
    Wilson 95% intervals."""
    drawn = marginalized_by_year_table(runs, start_year=start_year, group=group)
    labels = [None] if group is None else list(dict.fromkeys(drawn["group"]))
    colors = group_colors(len(labels))
    fig = new_figure(width, height)
    ax = fig.subplots()
    width_each = 0.8 / len(labels)
    for i, (label, color) in enumerate(zip(labels, colors, strict=True)):
        part = drawn if label is None else drawn[drawn["group"] == label]
        x = part["year"].to_numpy() - 0.4 + width_each * (i + 0.5)
        share = part["share"].to_numpy()
        ax.bar(
            x,
            share,
            width=width_each,
            color=color,
            alpha=0.85,
            label="share marginalized" if label is None else in_words(label),
        )
        _share_labels(ax, x, share)
        yerr = [share - part["ci_low"].to_numpy(), part["ci_high"].to_numpy() - share]
        ax.errorbar(x, share, yerr=yerr, fmt="none", ecolor="0.2", capsize=3)
    ax.set_xticks(sorted(drawn["year"].unique()))
    ax.set_ylim(0, 1)
    mark_if_all_zero(ax, drawn["share"], "share of runs marginalized")
    ax.set_xlabel("year (mean IT influence of the year below the custodian threshold)")
    ax.set_ylabel("share of runs marginalized")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(
        title=in_words(group_title) if group else None,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
    )
    runs_per = drawn.groupby("group")["runs"].max() if group else drawn["runs"]
    n = (
        f"{int(runs_per.min())}"
        if runs_per.min() == runs_per.max()
        else f"{int(runs_per.min())}-{int(runs_per.max())}"
    )
    titled(fig, title, f"{context}; {n} runs{' per setting' if group else ''}; bars: Wilson 95% intervals")
    return fig, drawn
