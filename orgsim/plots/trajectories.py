"""Figure of shadow share and IT influence over months: replicate mean with a 5-95% band."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

_REQUIRED = ("replicate", "month", "shadow_share", "it_influence")


def _band(ax: Axes, timeseries: pd.DataFrame, column: str, color: str) -> None:
    """Draw the mean across replicates per month and its 5-95% quantile band."""
    by_month = timeseries.groupby("month")[column]
    mean, low, high = by_month.mean(), by_month.quantile(0.05), by_month.quantile(0.95)
    ax.fill_between(mean.index, low, high, color=color, alpha=0.25, linewidth=0, label="5-95% band")
    ax.plot(mean.index, mean, color=color, linewidth=2, label="mean")


def plot_trajectories(
    timeseries: pd.DataFrame,
    path: Path,
    *,
    title: str,
    strategic_threshold: float,
    custodian_threshold: float,
) -> Path:
    """Save the two-panel shadow share / IT influence figure as a PNG at `path` and return `path`."""
    missing = [c for c in _REQUIRED if c not in timeseries.columns]
    if missing or timeseries.empty:
        raise ValueError(f"timeseries is empty or lacks columns {missing}")
    # A per-department table has the same columns but several rows per month; its mean is not per replicate.
    if timeseries.duplicated(["replicate", "month"]).any():
        raise ValueError("timeseries must have one row per replicate and month")
    n = timeseries["replicate"].nunique()

    # A bare Figure with its own Agg canvas: no pyplot state, backend or rcParams are touched.
    fig = Figure(figsize=(9, 6.5), layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True)

    _band(top, timeseries, "shadow_share", "#c0392b")
    top.axhline(0.5, color="0.3", linestyle="--", linewidth=1, label="majority")
    top.set_ylabel("share of active deployments")
    top.set_title("Shadow share (byot + shadow deployments)", loc="left", fontsize="medium")

    bottom.axhspan(0, custodian_threshold, color="0.5", alpha=0.12, linewidth=0)
    _band(bottom, timeseries, "it_influence", "#1f5fa8")
    bottom.axhline(
        strategic_threshold,
        color="#2a9d8f",
        linestyle="--",
        linewidth=1,
        label=f"strategic partner ≥ {strategic_threshold:g}",
    )
    bottom.axhline(
        custodian_threshold,
        color="0.3",
        linestyle=":",
        linewidth=1.2,
        label=f"infrastructure custodian < {custodian_threshold:g}",
    )
    bottom.set_ylabel("IT influence (0-1)")
    bottom.set_xlabel("month since start")
    bottom.set_title("IT influence", loc="left", fontsize="medium")

    months = timeseries["month"]
    for ax in (top, bottom):
        ax.set_ylim(0, 1)
        ax.set_xlim(months.min(), months.max())
        ax.grid(alpha=0.3)
        # Outside the axes so a legend never hides a trajectory, wherever it runs.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))

    fig.suptitle(title, fontweight="bold")
    fig.text(0.5, -0.01, f"n = {n} replicates; band: 5-95%", ha="center", va="top", fontsize="small")

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path
