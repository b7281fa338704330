"""Shared parts of the figures drawn from plot specs: a figure of an exact size, axis labels with units,
group colours, the subtitle, and saving. Takes and returns matplotlib objects; reads no folder."""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path

import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from orgsim.outcomes import DEPARTMENT_OUTCOMES, MONTHLY, MONTHLY_OUTCOMES, RUN, RUN_OUTCOMES, outcome

FORMATS = ("png", "svg", "pdf")

# Abbreviations a reader knows in capitals; config group names that add nothing to a lever's name.
_CAPITALS = {"it": "IT", "cio": "CIO", "byot": "BYOT", "saas": "SaaS", "coe": "CoE", "hr": "HR"}
_GROUPS = ("policy", "org", "environment", "scenario", "departments")
_DOTTED = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\b")
_NAMES = {o.name for o in (*MONTHLY_OUTCOMES, *RUN_OUTCOMES, *DEPARTMENT_OUTCOMES) if "_" in o.name}
_FILES = ("parquet", "yaml", "json", "png", "svg", "pdf", "csv", "py")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _plain(text: str) -> str:
    return " ".join(_CAPITALS.get(w, w) for w in text.replace("_", " ").split())


def words(name: str) -> str:
    """A column or config key in words: an outcome's short name from the registry, a dotted lever key by
    its last two parts (`it.cio.willingness` -> "CIO willingness", `org.departments.hr.budget` -> "HR
    budget"), anything else with spaces for underscores."""
    name = str(name)
    base = name.removeprefix("final_")
    declared = outcome(base, MONTHLY) or outcome(name, RUN)
    if declared is not None and "." not in name:
        text = declared.short or _plain(declared.name)
        return f"final-year {text}" if name.startswith("final_") and declared.scope == MONTHLY else text
    if "." in name:
        parts = [p for p in name.split(".") if p not in _GROUPS] or name.split(".")
        return _plain(" ".join(parts[-2:]))
    return _plain(name)


def in_words(text: str) -> str:
    """`text` with every dotted config key and every registered snake_case outcome name put in words (for
    titles, captions, legend and panel labels that carry names composed elsewhere)."""
    text = _DOTTED.sub(
        lambda m: m.group(0) if m.group(0).rsplit(".", 1)[1] in _FILES else words(m.group(0)), str(text)
    )
    return _SNAKE.sub(
        lambda m: words(m.group(0)) if m.group(0).removeprefix("final_") in _NAMES else m.group(0), text
    )


def mark_if_all_zero(ax, values, what: str) -> bool:
    """Write on the axes that every value drawn is zero (bars and stacks of zeros draw nothing), so an empty
    chart is not read as a missing one. True when it wrote the note."""
    values = pd.to_numeric(pd.Series(list(values)), errors="coerce").dropna()
    if len(values) == 0 or (values != 0).any():
        return False
    ax.text(
        0.5, 0.5, f"{what}: 0 everywhere", transform=ax.transAxes, ha="center", va="center",
        fontsize="medium", color="0.25", bbox={"facecolor": "white", "edgecolor": "0.6", "pad": 4},
    )  # fmt: skip
    return True


def axis_label(column: str) -> str:
    """A label with units for a column of the timeseries or runs table."""
    base = column.removeprefix("final_")
    declared = outcome(base, MONTHLY) or outcome(column, RUN)
    name = words(base)
    if declared is not None:
        text = f"{name} ({declared.unit})"
    elif base.startswith("deployments_"):
        text = f"{name} (active deployments)"
    elif "share" in base:
        text = f"{name} (share, 0-1)"
    elif "month" in base:
        text = f"{name} (months)"
    elif any(word in base for word in ("spend", "budget", "cost")):
        text = f"{name} (k USD)"
    else:
        text = name
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


def calendar_years(months, start_year: int):
    """Months since the start as fractional calendar years (month 0 is January of `start_year`)."""
    return start_year + pd.Series(months, dtype=float).to_numpy() / 12


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
    title, caption = in_words(title), in_words(caption)
    fig.suptitle(title, fontweight="bold")
    # About 15 small characters per inch: a long caption wraps instead of running off the image.
    fig.supxlabel(textwrap.fill(caption, width=int(fig.get_figwidth() * 15)), fontsize="small", color="0.25")


class TooSmall(ValueError):
    """The figure's size leaves its panels no room: constrained layout gave up and would save them
    collapsed or overlapping."""


def save(fig: Figure, path: Path, *, dpi: int, format: str) -> Path:
    """Write the figure at `path` in `format`; its pixel size is the figure's size in inches times `dpi`.
    Raises TooSmall, rather than saving a broken figure with a warning, when its panels do not fit."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="constrained_layout not applied", category=UserWarning)
        try:
            fig.savefig(path, dpi=dpi, format=format)
        except UserWarning as collapsed:
            raise TooSmall(str(collapsed)) from None
    return Path(path)
