"""Figure of the share of runs marginalized in each year of the horizon, with 95% intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def plot_marginalized_by_year(summary: dict, path: Path, *, title: str, start_year: int) -> Path:
    """Save the per-year share marginalized (bars with Wilson 95% intervals) as a PNG at `path`."""
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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path
