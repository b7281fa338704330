"""Heatmap of an outcome over two parameters of a grid design: the share of runs (yes/no outcomes) or the
mean (numbers) in each cell, annotated with the value and the cell's run count."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.intervals import mean_interval, wilson_interval
from orgsim.plots.figure import axis_label, mark_if_all_zero, new_figure, titled, words


def cell_table(runs: pd.DataFrame, outcome: str, x: str, y: str) -> pd.DataFrame:
    """One row per (x, y) cell: the share (boolean outcome, Wilson 95% interval) or mean (normal 95%
    interval) of `outcome`, and the run count."""
    share = runs[outcome].dtype == bool
    rows = []
    for (xv, yv), part in runs.groupby([x, y], sort=True, observed=True):
        values = part[outcome].astype(float)
        if share:
            count, n = int(values.sum()), len(values)
            low, high = wilson_interval(count, n)
            value = count / n
        else:
            value, low, high = mean_interval(values.dropna())
        rows.append({x: xv, y: yv, "value": value, "ci_low": low, "ci_high": high, "runs": len(part)})
    return pd.DataFrame(rows, columns=[x, y, "value", "ci_low", "ci_high", "runs"])


def _cell_text(value: float, low: float, high: float, share: bool) -> str:
    """'30% (22-38%)' for a share, '0.412 (0.38-0.44)' for a mean; no interval where there is none."""
    if share:
        return f"{value:.0%}\n({low:.0%}-{high:.0%})"
    if np.isnan(low):
        return f"{value:.3g}"
    return f"{value:.3g}\n({low:.3g}-{high:.3g})"


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
    lows = drawn.pivot(index=y, columns=x, values="ci_low")
    highs = drawn.pivot(index=y, columns=x, values="ci_high")
    fig = new_figure(width, height)
    ax = fig.subplots()
    limits = {"vmin": 0.0, "vmax": 1.0} if share else {}
    image = ax.imshow(matrix.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis", **limits)
    low, high = image.get_clim()
    for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if np.isnan(value):
            continue
        text = _cell_text(value, lows.iat[i, j], highs.iat[i, j], share)
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
    ax.set_xlabel(words(x))
    ax.set_ylabel(words(y))
    mark_if_all_zero(ax, drawn["value"], words(outcome))
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(
        axis_label(outcome) if share or outcome.startswith("final_") else f"mean {axis_label(outcome)}"
    )
    what = "share of runs" if share else "mean of runs"
    interval = "Wilson 95% interval" if share else "normal 95% interval of the mean"
    titled(
        fig,
        title,
        f"{context}; cell: {what} with its {interval}, n = runs in the cell (other factors pooled)",
    )
    return fig, drawn
