"""Scenario-discovery boxes from the table `orgsim analyze discover` writes (PRIM): each restricted
parameter's box range against its full range in the sample (0-1), with each box's coverage and density."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.analysis.prim import BOX_COLUMNS
from orgsim.plots.figure import group_colors, new_figure, titled, words


def box_table(boxes: pd.DataFrame) -> pd.DataFrame:
    """The ranges to draw: per box and parameter, low and high scaled to the full range (0-1); a
    categorical restriction keeps its allowed values and spans the whole row."""
    numeric = boxes["kind"] == "numeric"
    span = (boxes["range_high"] - boxes["range_low"]).where(lambda s: s > 0)
    drawn = boxes.assign(
        low_scaled=np.where(numeric, ((boxes["low"] - boxes["range_low"]) / span).clip(0, 1), 0.0),
        high_scaled=np.where(numeric, ((boxes["high"] - boxes["range_low"]) / span).clip(0, 1), 1.0),
    )
    drawn["low_scaled"] = drawn["low_scaled"].fillna(0.0)  # a parameter with no spread in the sample
    drawn["high_scaled"] = drawn["high_scaled"].fillna(1.0)
    # the box table's columns (without the outcome, which titles the figure), each bound also scaled
    columns = [c for c in BOX_COLUMNS if c != "outcome"]
    after = columns.index("range_high") + 1
    columns[after:after] = ["low_scaled", "high_scaled"]
    return drawn.sort_values(["box", "parameter"], kind="stable")[columns].reset_index(drop=True)


def _value(x: float) -> str:
    return f"{x:.6g}"


def prim_figure(
    boxes: pd.DataFrame,
    *,
    outcome: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """One row per restricted parameter; one bar per box over its scaled range, labelled with the bounds."""
    drawn = box_table(boxes)
    parameters = list(dict.fromkeys(drawn["parameter"]))
    box_ids = list(dict.fromkeys(drawn["box"]))
    colors = group_colors(len(box_ids))
    fig = new_figure(width, height)
    ax = fig.subplots()
    height_each = 0.8 / len(box_ids)
    ax.barh(
        range(len(parameters)),
        [1.0] * len(parameters),
        height=0.9,
        color="0.92",
        label="full range in the sample",
    )
    for i, (box, color) in enumerate(zip(box_ids, colors, strict=True)):
        part = drawn[drawn["box"] == box]
        first = part.iloc[0]
        label = f"box {box}: coverage {first['coverage']:.0%}, density {first['density']:.0%}, mass {first['mass']:.0%}"
        rows = part["parameter"].map({p: k for k, p in enumerate(parameters)}).to_numpy()
        y = rows - 0.4 + height_each * (i + 0.5)
        ax.barh(
            y,
            part["high_scaled"] - part["low_scaled"],
            left=part["low_scaled"],
            height=height_each * 0.9,
            color=color,
            alpha=0.8,
            label=label,
        )
        for yi, row in zip(y, part.itertuples(), strict=True):
            if row.kind == "numeric" and row.high_scaled - row.low_scaled < 0.01:
                # one value of a listed factor: a bar of no width would not show
                ax.plot(row.low_scaled, yi, marker="D", color=color, markersize=6)
                ax.annotate(
                    f"= {_value(row.low)}",
                    (row.high_scaled, yi),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize="x-small",
                )
            elif row.kind == "numeric":
                ax.annotate(
                    f"{_value(row.low)} - {_value(row.high)}",
                    (row.high_scaled, yi),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize="x-small",
                )
            else:  # a categorical restriction spans the row: its allowed values go inside the bar
                ax.annotate(
                    f"in {{{row.values.replace(',', ', ')}}}",
                    (0, yi),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize="x-small",
                    color="white",
                )
    ax.set_yticks(range(len(parameters)), [words(p) for p in parameters])
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.25)  # room for a one-value marker at 0 and for bound labels right of a box
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel("position in the parameter's range in the sample (0: lowest, 1: highest)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False, fontsize="small")
    titled(
        fig,
        title,
        f"{context}; boxes where {outcome}; coverage: share of those cases inside the box, "
        "density: share of the box's cases that are such cases",
    )
    return fig, drawn
