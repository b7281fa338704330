"""Figure of active deployments by channel over months, stacked, averaged across replicates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Stack order bottom to top; IT-involved channels in blue/green, outside-IT ones in orange/red.
_CHANNELS = {
    "sanctioned": ("sanctioned (IT)", "#1f5fa8"),
    "brokered": ("brokered (IT)", "#2a9d8f"),
    "byot": ("BYOT (outside IT)", "#f4a261"),
    "shadow": ("shadow (outside IT)", "#c0392b"),
}


def plot_channels(timeseries: pd.DataFrame, path: Path, *, title: str) -> Path:
    """Save the stacked-area figure of mean active deployments by channel at `path` and return `path`."""
    columns = [f"deployments_{name}" for name in _CHANNELS]
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
    labels, colors = zip(*_CHANNELS.values(), strict=True)
    ax.stackplot(mean.index, *(mean[c] for c in columns), labels=labels, colors=colors, alpha=0.9)

    ax.set_xlabel("month since start")
    ax.set_ylabel("active deployments (mean across replicates)")
    ax.set_xlim(mean.index.min(), mean.index.max())
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    # Reversed so the legend reads top to bottom like the stack.
    handles, legend_labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], legend_labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)

    fig.suptitle(title, fontweight="bold")
    fig.text(0.5, -0.01, f"n = {n} replicates; mean per month", ha="center", va="top", fontsize="small")

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path
