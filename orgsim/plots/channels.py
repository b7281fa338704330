"""Figures of active deployments by channel over time, stacked, averaged across runs: a run's own and, from a
plot spec, one panel per lever setting, both over calendar years."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from orgsim.plots.figure import (
    calendar_years,
    in_words,
    mark_if_all_zero,
    new_figure,
    titled,
    wrapped,
    year_axis,
)

# Stack order bottom to top; IT-involved channels in blue/green, outside-IT ones in orange/red.
CHANNEL_STYLES = {
    "sanctioned": ("sanctioned (IT)", "#1f5fa8"),
    "brokered": ("brokered (IT)", "#2a9d8f"),
    "byot": ("BYOT (outside IT)", "#f4a261"),
    "shadow": ("shadow (outside IT)", "#c0392b"),
}


def plot_channels(timeseries: pd.DataFrame, path: Path, *, title: str, start_year: int) -> Path:
    """Save `run_channels_figure` as a PNG at `path` and return `path`."""
    fig = run_channels_figure(timeseries, title=title, start_year=start_year)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path


def run_channels_figure(timeseries: pd.DataFrame, *, title: str, start_year: int) -> Figure:
    """The stacked areas of a run's mean active deployments by channel over calendar years (month 0 is
    January of `start_year`)."""
    columns = [f"deployments_{name}" for name in CHANNEL_STYLES]
    missing = [c for c in ("replicate", "month", *columns) if c not in timeseries.columns]
    if missing or timeseries.empty:
        raise ValueError(f"timeseries is empty or lacks columns {missing}")
    # A per-department table has the same columns but several rows per month; its mean is not per replicate.
    if timeseries.duplicated(["replicate", "month"]).any():
        raise ValueError("timeseries must have one row per replicate and month")
    n = timeseries["replicate"].nunique()
    mean = timeseries.groupby("month")[columns].mean()

    # A bare Figure with its own Agg canvas: no pyplot state, backend or rcParams are touched.
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    labels, colors = zip(*CHANNEL_STYLES.values(), strict=True)
    years = calendar_years(mean.index, start_year)
    ax.stackplot(years, *(mean[c] for c in columns), labels=labels, colors=colors, alpha=0.9)

    ax.set_xlabel("year")
    ax.set_ylabel("active deployments (mean across replicates)")
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(bottom=0)
    year_axis(ax)
    mark_if_all_zero(ax, mean.to_numpy().ravel(), "active deployments")
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    # Reversed so the legend reads top to bottom like the stack.
    handles, legend_labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], legend_labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)

    fig.suptitle(title, fontweight="bold")
    fig.text(0.5, -0.01, f"n = {n} replicates; mean per month", ha="center", va="top", fontsize="small")
    return fig


# --- from a plot spec: calendar time, one panel per lever setting -----------------------------------------


def channel_means(timeseries: pd.DataFrame, group: str | None = None) -> pd.DataFrame:
    """Per group and month: calendar year, run count and the mean active deployments of each channel."""
    columns = [f"deployments_{name}" for name in CHANNEL_STYLES]
    keys = [*([group] if group else []), "month"]
    by = timeseries.groupby(keys, observed=True, sort=True)
    drawn = by[columns].mean().rename(columns=lambda c: c.removeprefix("deployments_"))
    drawn.insert(0, "runs", by["month"].size())
    drawn.insert(0, "year", by["year"].first())
    drawn = drawn.reset_index()
    return drawn.rename(columns={group: "group"}) if group else drawn


def channel_mix_figure(
    timeseries: pd.DataFrame,
    *,
    group: str | None,
    group_title: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """Stacked areas of mean active deployments by channel over calendar time, one panel per group."""
    drawn = channel_means(timeseries, group)
    labels = [None] if group is None else list(dict.fromkeys(drawn["group"]))
    columns = min(3, len(labels))
    rows = -(-len(labels) // columns)
    fig = new_figure(width, height)
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    names, (legend_labels, colors) = list(CHANNEL_STYLES), zip(*CHANNEL_STYLES.values(), strict=True)
    for ax, label in zip(axes, labels, strict=False):
        part = drawn if label is None else drawn[drawn["group"] == label]
        ax.stackplot(part["year"], *(part[n] for n in names), labels=legend_labels, colors=colors, alpha=0.9)
        ax.set_xlim(part["year"].min(), part["year"].max())
        year_axis(ax)
        ax.tick_params(labelbottom=True)  # a panel above an empty cell keeps its year ticks
        ax.grid(alpha=0.3)
        ax.set_axisbelow(True)
        if label is not None:
            ax.set_title(
                wrapped(in_words(f"{group_title}: {label}" if "=" not in label else label)),
                loc="left",
                fontsize="small",
            )
    # one shared scale that holds the tallest stack of every panel (set per panel, the first one's limit
    # clipped the others)
    top = float(drawn[names].sum(axis=1).max()) if len(drawn) else 1.0
    axes[0].set_ylim(0, max(top, 1e-9) * 1.05)
    for ax, label in zip(axes, labels, strict=False):
        part = drawn if label is None else drawn[drawn["group"] == label]
        mark_if_all_zero(ax, part[names].to_numpy().ravel(), "active deployments")
    for ax in axes[len(labels) :]:
        ax.axis("off")
    for ax in axes.reshape(rows, columns)[:, 0]:
        ax.set_ylabel("active deployments (mean)")
    for ax in axes.reshape(rows, columns)[-1, :]:
        ax.set_xlabel("year")
    handles, texts = axes[0].get_legend_handles_labels()
    # Reversed so the legend reads top to bottom like the stack.
    fig.legend(handles[::-1], texts[::-1], loc="outside right center", frameon=False)
    runs = drawn["runs"]
    n = f"{int(runs.min())}" if runs.min() == runs.max() else f"{int(runs.min())}-{int(runs.max())}"
    titled(fig, title, f"{context}; mean of {n} runs{' per setting' if group else ''} per month")
    return fig, drawn
