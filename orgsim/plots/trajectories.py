"""Figures over calendar years: shadow share and IT influence (a run's own figure), and from a plot spec
any outcome or IT's role components, replicate mean with a 5-95% band per lever setting."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from orgsim.outcomes import MONTHLY, outcome
from orgsim.plots.figure import (
    axis_label,
    calendar_years,
    group_colors,
    in_words,
    new_figure,
    titled,
    year_axis,
)

_REQUIRED = ("replicate", "month", "shadow_share", "it_influence")


def _band(ax: Axes, timeseries: pd.DataFrame, column: str, color: str, start_year: int) -> None:
    """Draw the mean across replicates per month and its 5-95% quantile band over calendar years."""
    by_month = timeseries.groupby("month")[column]
    mean, low, high = by_month.mean(), by_month.quantile(0.05), by_month.quantile(0.95)
    years = calendar_years(mean.index, start_year)
    ax.fill_between(years, low, high, color=color, alpha=0.25, linewidth=0, label="5-95% band")
    ax.plot(years, mean, color=color, linewidth=2, label="mean")


def plot_trajectories(timeseries: pd.DataFrame, path: Path, **drawing) -> Path:
    """Save `run_trajectories_figure(timeseries, **drawing)` as a PNG at `path` and return `path`."""
    fig = run_trajectories_figure(timeseries, **drawing)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path


def run_trajectories_figure(
    timeseries: pd.DataFrame,
    *,
    title: str,
    start_year: int,
    strategic_threshold: float,
    custodian_threshold: float,
) -> Figure:
    """The two-panel shadow share / IT influence figure of a run over calendar years (month 0 is January of
    `start_year`, as in the plot specs)."""
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

    _band(top, timeseries, "shadow_share", "#c0392b", start_year)
    top.axhline(0.5, color="0.3", linestyle="--", linewidth=1, label="majority")
    top.set_ylabel(axis_label("shadow_share"))
    top.set_title("Shadow share (BYOT + shadow deployments)", loc="left", fontsize="medium")

    bottom.axhspan(0, custodian_threshold, color="0.5", alpha=0.12, linewidth=0)
    _band(bottom, timeseries, "it_influence", "#1f5fa8", start_year)
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
    bottom.set_ylabel(axis_label("it_influence"))
    bottom.set_xlabel("year")
    bottom.set_title("IT influence", loc="left", fontsize="medium")

    years = calendar_years(timeseries["month"], start_year)
    for ax in (top, bottom):
        ax.set_ylim(0, 1)
        ax.set_xlim(years.min(), years.max())
        ax.grid(alpha=0.3)
        # Outside the axes so a legend never hides a trajectory, wherever it runs.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    year_axis(bottom)
    top.tick_params(labelbottom=True)  # both panels keep their year ticks and their axis label
    top.set_xlabel("year")

    fig.suptitle(title, fontweight="bold")
    fig.text(0.5, -0.01, f"n = {n} replicates; band: 5-95%", ha="center", va="top", fontsize="small")
    return fig


# --- from a plot spec: any outcome over calendar time, one colour per lever setting ----------------------

# IT's role components and the influence they make up, one panel each (column names of the timeseries).
ROLE_PANELS = (
    "it_spend_share",
    "it_decision_share",
    "it_innovation_share",
    "mean_satisfaction",
    "mean_reliance",
    "it_influence",
)


def trajectory_bands(timeseries: pd.DataFrame, outcome: str, group: str | None = None) -> pd.DataFrame:
    """Per group and month: calendar year, mean across runs, 5% and 95% quantiles, run count."""
    keys = [*([group] if group else []), "month"]
    by = timeseries.groupby(keys, observed=True, sort=True)
    values = by[outcome]
    drawn = pd.DataFrame(
        {
            "year": by["year"].first(),
            "mean": values.mean(),
            "p5": values.quantile(0.05),
            "p95": values.quantile(0.95),
            "runs": values.count(),
        }
    ).reset_index()
    return drawn.rename(columns={group: "group"}) if group else drawn


def _draw_bands(ax: Axes, drawn: pd.DataFrame, labels: list, colors: list) -> None:
    # Several overlapping filled bands blend into one muddy colour: with more than two groups each band is
    # a faint fill with its edges drawn as thin lines of its colour, so every band stays traceable.
    many = len(labels) > 2
    for label, color in zip(labels, colors, strict=True):
        part = drawn if label is None else drawn[drawn["group"] == label]
        band = "5-95% of runs" if label is None else None
        ax.fill_between(
            part["year"], part["p5"], part["p95"], color=color, alpha=0.07 if many else 0.2, linewidth=0,
            label=band,
        )  # fmt: skip
        if many:
            for edge in ("p5", "p95"):
                ax.plot(part["year"], part[edge], color=color, linewidth=0.7, alpha=0.6, linestyle=":")
        ax.plot(
            part["year"],
            part["mean"],
            color=color,
            linewidth=2,
            label="mean of runs" if label is None else in_words(label),
        )
    ax.set_xlim(drawn["year"].min(), drawn["year"].max())
    year_axis(ax)
    ax.grid(alpha=0.3)


def role_lines(ax: Axes, thresholds: tuple[float, float] | None) -> None:
    """The role lines on an it_influence axis: strategic partner at or above, custodian below."""
    if thresholds is None:
        return
    strategic, custodian = thresholds
    ax.axhline(strategic, color="#2a9d8f", linestyle="--", linewidth=1)
    ax.axhline(custodian, color="#7f4f24", linestyle="--", linewidth=1)
    ax.annotate(f"strategic partner ≥ {strategic:g}", (0.01, strategic), xycoords=("axes fraction", "data"),
                va="bottom", fontsize="x-small", color="#2a9d8f")  # fmt: skip
    ax.annotate(f"infrastructure custodian < {custodian:g}", (0.01, custodian),
                xycoords=("axes fraction", "data"), va="top", fontsize="x-small", color="#7f4f24")  # fmt: skip


def _labels(drawn: pd.DataFrame, group: str | None) -> list:
    return [None] if group is None else list(dict.fromkeys(drawn["group"]))


def _runs_note(drawn: pd.DataFrame) -> str:
    counts = drawn.groupby("group")["runs"].max() if "group" in drawn else drawn["runs"].max()
    low, high = int(pd.Series(counts).min()), int(pd.Series(counts).max())
    return (
        f"{low} runs" + (" per setting" if "group" in drawn else "") if low == high else f"{low}-{high} runs"
    )


def trajectories_figure(
    timeseries: pd.DataFrame,
    outcome: str,
    *,
    group: str | None,
    group_title: str,
    title: str,
    context: str,
    width: float,
    height: float,
    thresholds: tuple[float, float] | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """One outcome over calendar time (`year`): mean and 5-95% band of the runs, one colour per group;
    on it_influence, the role lines (`thresholds`: strategic, custodian)."""
    drawn = trajectory_bands(timeseries, outcome, group)
    labels = _labels(drawn, group)
    fig = new_figure(width, height)
    ax = fig.subplots()
    _draw_bands(ax, drawn, labels, group_colors(len(labels)))
    if outcome == "it_influence":
        role_lines(ax, thresholds)
    ax.set_xlabel("year")
    ax.set_ylabel(axis_label(outcome))
    ax.legend(
        title=in_words(group_title) if group else None,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
    )
    titled(fig, title, f"{context}; {_runs_note(drawn)}; line: mean, band: 5-95% of runs")
    return fig, drawn


def role_components_figure(
    timeseries: pd.DataFrame,
    *,
    group: str | None,
    group_title: str,
    title: str,
    context: str,
    width: float,
    height: float,
    thresholds: tuple[float, float] | None = None,
) -> tuple[Figure, pd.DataFrame]:
    """IT's role components and its influence as small multiples over calendar time, one colour per group;
    the influence panel carries the role lines (`thresholds`: strategic, custodian)."""
    parts = [trajectory_bands(timeseries, c, group).assign(component=c) for c in ROLE_PANELS]
    drawn = pd.concat(parts, ignore_index=True)
    drawn = drawn[["component", *[c for c in drawn.columns if c != "component"]]]
    labels = _labels(drawn, group)
    colors = group_colors(len(labels))
    fig = new_figure(width, height)
    axes = fig.subplots(2, 4, sharex=True).ravel()
    for ax, component in zip(axes, ROLE_PANELS, strict=False):
        _draw_bands(ax, drawn[drawn["component"] == component], labels, colors)
        ax.set_ylim(0, 1)
        declared = outcome(component, MONTHLY)
        ax.set_title(declared.short if declared else component, loc="left", fontsize="medium")
        ax.set_ylabel(declared.unit if declared else "", fontsize="small")
        ax.tick_params(labelbottom=True)  # every panel keeps its year ticks
        ax.set_xlabel("year", fontsize="small")
        if component == "it_influence":
            role_lines(ax, thresholds)
    # The cells after the panels hold the legend, so no panel is hidden behind it.
    legend_ax = axes[len(ROLE_PANELS)]
    legend_ax.axis("off")
    for ax in axes[len(ROLE_PANELS) + 1 :]:
        ax.axis("off")
    handles, texts = axes[0].get_legend_handles_labels()
    legend_ax.legend(
        handles, texts, title=in_words(group_title) if group else None, loc="center", frameon=False
    )
    titled(fig, title, f"{context}; {_runs_note(drawn)}; line: mean, band: 5-95% of runs")
    return fig, drawn
