"""Trade-offs between the objectives, from the tables `orgsim analyze robustness` writes: parallel
coordinates of every policy's mean over the worlds, one axis per objective, each axis scaled so that up is
better (the objective's direction from the outcome registry). Colour: the first lever (the IT policy when
the sweep varies it); solid lines: the Pareto set, dotted: the policies some other policy dominates."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from orgsim.outcomes import outcome as outcome_of
from orgsim.plots.figure import group_colors, new_figure, titled

UP = "up"


def colour_column(pareto: pd.DataFrame) -> str:
    """The column that colours the lines: the first lever's values (`policy_name` for the IT policy, else
    the first column after the objectives and the Pareto columns), or the policy label itself."""
    if "policy_name" in pareto.columns:
        return "policy_name"
    after = list(pareto.columns).index("pareto") + 1 if "pareto" in pareto.columns else len(pareto.columns)
    return pareto.columns[after] if after < len(pareto.columns) else "policy"


def tradeoff_table(pareto: pd.DataFrame, directions: Mapping[str, str]) -> pd.DataFrame:
    """Long table of the lines to draw: per policy and objective its mean, and `position` (0-1 along the
    axis: 0 the worst policy's mean, 1 the best's; 0.5 when every policy is equal); `colour` holds the
    first lever's value."""
    colour = pareto[colour_column(pareto)].astype(str)
    rows = []
    for objective, direction in directions.items():
        values = pareto[objective].astype(float)
        low, high = values.min(), values.max()
        spread = high - low
        position = (values - low) / spread if spread > 0 else pd.Series(0.5, index=values.index)
        if direction != UP and spread > 0:
            position = 1.0 - position
        rows.append(
            pd.DataFrame(
                {
                    "policy": pareto["policy"],
                    "colour": colour,
                    "objective": objective,
                    "direction": direction,
                    "mean": values,
                    "position": position,
                    "pareto": pareto["pareto"].astype(bool),
                    "dominated_by": pareto["dominated_by"].astype(int),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _axis_name(objective: str, direction: str) -> str:
    declared = outcome_of(objective)
    name = declared.short if declared is not None and declared.short else objective.replace("_", " ")
    unit = f"\n({declared.unit})" if declared is not None else ""
    return f"{name}{unit}\n{'higher' if direction == UP else 'lower'} is better"


def _value(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def tradeoff_figure(
    pareto: pd.DataFrame,
    directions: Mapping[str, str],
    *,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """One line per policy across the objectives' axes (up is better on every axis); each axis is labelled
    with its worst and best mean."""
    drawn = tradeoff_table(pareto, directions)
    objectives = list(directions)
    xs = {o: i for i, o in enumerate(objectives)}
    groups = sorted(drawn["colour"].unique())
    colors = dict(zip(groups, group_colors(len(groups)), strict=True))
    fig = new_figure(width, height)
    ax = fig.subplots()
    # dominated policies first, dotted, so the Pareto set is drawn over them
    for pareto_member in (False, True):
        part = drawn[drawn["pareto"] == pareto_member]
        for _, line in part.groupby("policy", sort=False):
            x = line["objective"].map(xs).to_numpy()
            y = line["position"].to_numpy()
            color = colors[line["colour"].iloc[0]]
            if pareto_member:
                ax.plot(x, y, marker="o", markersize=3, lw=1.3, color=color, alpha=0.85, zorder=3)
            else:
                ax.plot(x, y, ls=":", lw=1.0, color=color, alpha=0.7, zorder=1)
    for group, color in colors.items():
        ax.plot([], [], lw=2, color=color, label=group)
    for objective, i in xs.items():
        ax.axvline(i, color="0.3", lw=0.8, zorder=2)
        values = drawn.loc[drawn["objective"] == objective, "mean"]
        worst, best = (
            (values.min(), values.max()) if directions[objective] == UP else (values.max(), values.min())
        )
        ax.annotate(_value(best), (i, 1.0), xytext=(0, 4), textcoords="offset points", ha="center",
                    va="bottom", fontsize="x-small")  # fmt: skip
        ax.annotate(_value(worst), (i, 0.0), xytext=(0, -4), textcoords="offset points", ha="center",
                    va="top", fontsize="x-small")  # fmt: skip
    ax.set_xticks(
        range(len(objectives)), [_axis_name(o, directions[o]) for o in objectives], fontsize="small"
    )
    ax.set_xlim(-0.3, len(objectives) - 0.7)
    ax.set_ylim(-0.12, 1.12)
    ax.set_yticks([0, 1], ["worst\npolicy", "best\npolicy"])
    ax.tick_params(axis="x", length=0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    settings = drawn.drop_duplicates("policy")
    ax.plot([], [], lw=1.3, color="0.3", label=f"Pareto set ({int(settings['pareto'].sum())} settings)")
    dominated = int((~settings["pareto"]).sum())
    if dominated:
        ax.plot([], [], ls=":", lw=1.0, color="0.3", label=f"dominated ({dominated} settings)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="x-small")
    titled(
        fig,
        title,
        f"{context}; each line: a policy's mean over the worlds, each axis scaled from the worst policy's "
        "mean (bottom) to the best's (top); solid: the Pareto set (no other policy at least as good on "
        "every objective and better on one), dotted: dominated",
    )
    return fig, drawn
