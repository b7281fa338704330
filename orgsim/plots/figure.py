"""Shared parts of the figures drawn from plot specs: a figure of an exact size, axis labels with units,
group colours, the subtitle, and saving. Takes and returns matplotlib objects; reads no folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from orgsim.outcomes import MONTHLY, RUN, outcome

FORMATS = ("png", "svg", "pdf")


def axis_label(column: str) -> str:
    """A label with units for a column of the timeseries or runs table."""
    base = column.removeprefix("final_")
    declared = outcome(base, MONTHLY) or outcome(column, RUN)
    if declared is not None:
        text = declared.label
    elif base.startswith("deployments_"):
        text = f"{base} (active deployments)"
    elif "share" in base:
        text = f"{base} (share, 0-1)"
    elif "month" in base:
        text = f"{base} (months)"
    elif any(word in base for word in ("spend", "budget", "cost")):
        text = f"{base} (k USD)"
    else:
        text = base
    return f"final-year {text}" if column.startswith("final_") else text


def new_figure(width: float, height: float) -> Figure:
    """A bare Figure of `width` x `height` inches with its own Agg canvas: no pyplot state is touched."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def group_colors(n: int) -> list:
    """Distinct colours for n groups (tab10 up to ten, then a sequential map)."""
    if n <= 10:
        return [colormaps["tab10"](i) for i in range(n)]
    return [colormaps["viridis"](i / max(1, n - 1)) for i in range(n)]


def groups_of(table: pd.DataFrame, group: str | None) -> list[tuple[object, pd.DataFrame]]:
    """The table split by `group` in the column's order (categories keep theirs), or one unnamed group."""
    if group is None:
        return [(None, table)]
    return [(key, part) for key, part in table.groupby(group, observed=True, sort=True)]


def year_axis(ax) -> None:
    """Whole calendar years on a time axis whose values are fractional years."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))


def wrapped(label: str) -> str:
    """A lever-setting label broken after each comma, for panel titles."""
    return label.replace(", ", ",\n")


def titled(fig: Figure, title: str, caption: str) -> None:
    """Bold title on top; the caption (scenario, run counts, what bands and bars mean) in small type at the
    bottom, where constrained layout keeps room for it."""
    fig.suptitle(title, fontweight="bold")
    # About 15 small characters per inch: a long caption wraps instead of running off the image.
    fig.supxlabel(textwrap.fill(caption, width=int(fig.get_figwidth() * 15)), fontsize="small", color="0.25")


def save(fig: Figure, path: Path, *, dpi: int, format: str) -> Path:
    """Write the figure at `path` in `format`; its pixel size is the figure's size in inches times `dpi`."""
    fig.savefig(path, dpi=dpi, format=format)
    return Path(path)
