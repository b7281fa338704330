"""Heatmap of an outcome over two parameters of a grid design: the share of runs (yes/no outcomes) or the
mean (numbers) in each cell, annotated with the value and the cell's run count."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.plots.figure import axis_label, new_figure, titled


def cell_table(runs: pd.DataFrame, outcome: str, x: str, y: str) -> pd.DataFrame:
    """One row per (x, y) cell: the share (boolean outcome) or mean of `outcome`, and the run count."""
    values = runs[outcome].astype(float)
    by = values.groupby([runs[x], runs[y]], sort=True)
    return pd.DataFrame({"value": by.mean(), "runs": by.size()}).reset_index()


def _tick(value: object) -> str:
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


def heatmap_figure(
    runs: pd.DataFrame,
    *,
    outcome: str,
    x: str,
    y: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """Cells of `outcome` over the values of `x` and `y` (other factors pooled), each annotated."""
    share = runs[outcome].dtype == bool
    drawn = cell_table(runs, outcome, x, y)
    matrix = drawn.pivot(index=y, columns=x, values="value")
    counts = drawn.pivot(index=y, columns=x, values="runs")
    fig = new_figure(width, height)
    ax = fig.subplots()
    limits = {"vmin": 0.0, "vmax": 1.0} if share else {}
    image = ax.imshow(matrix.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis", **limits)
    low, high = image.get_clim()
    for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if np.isnan(value):
            continue
        text = f"{value:.0%}" if share else f"{value:.3g}"
        dark = (value - low) / ((high - low) or 1.0) > 0.6  # light cells get dark text
        ax.text(
            j,
            i,
            f"{text}\nn={int(counts.iat[i, j])}",
            ha="center",
            va="center",
            fontsize="small",
            color="0.1" if dark else "white",
        )
    ax.set_xticks(range(matrix.shape[1]), [_tick(v) for v in matrix.columns])
    ax.set_yticks(range(matrix.shape[0]), [_tick(v) for v in matrix.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(
        axis_label(outcome) if share or outcome.startswith("final_") else f"mean {axis_label(outcome)}"
    )
    what = "share of runs" if share else "mean of runs"
    titled(fig, title, f"{context}; cell: {what}, n = runs in the cell (other factors pooled)")
    return fig, drawn
