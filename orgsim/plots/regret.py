"""Regret heat map from the regret table `orgsim analyze robustness` writes. Without an outcome: policies
(rows) by objectives (columns), each cell a policy's maximum regret over the worlds; with one: policies by
worlds for that objective. A regret is how far a policy falls short of the best policy in a world, in the
objective's unit; the colour scales it by the objective's spread (largest minus smallest world mean over
every policy and world) so that objectives of different units share one scale, and each cell is annotated
in the objective's own unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.outcomes import outcome as outcome_of
from orgsim.plots.figure import new_figure, titled

REGRET_COLUMNS = ("policy", "world", "objective", "world_mean", "regret")


def _spread(regret: pd.DataFrame) -> pd.Series:
    """Per objective: largest minus smallest world mean over every policy and world (NaN when flat)."""
    means = regret.groupby("objective", sort=False)["world_mean"]
    return (means.max() - means.min()).where(lambda s: s > 0)


def max_regret_table(regret: pd.DataFrame) -> pd.DataFrame:
    """Per policy and objective: the largest regret over the worlds, and that regret as a share of the
    objective's spread (`scaled`, 0 when the objective does not vary)."""
    worst = regret.groupby(["policy", "objective"], sort=False)["regret"].max().rename("max_regret")
    table = worst.reset_index()
    table["scaled"] = (table["max_regret"] / table["objective"].map(_spread(regret))).fillna(0.0)
    return table


def world_regret_table(regret: pd.DataFrame, objective: str) -> pd.DataFrame:
    """Per policy and world: one objective's regret and its scaled value, worlds ordered by the mean
    regret over the policies there (the hardest worlds last)."""
    rows = regret[regret["objective"] == objective].copy()
    spread = _spread(regret).get(objective, np.nan)
    rows["scaled"] = (rows["regret"] / spread) if np.isfinite(spread) else 0.0
    order = rows.groupby("world")["regret"].mean().sort_values(kind="stable").index
    rows["world_order"] = rows["world"].map({w: i for i, w in enumerate(order)})
    return rows.sort_values(["policy", "world_order"], kind="stable").reset_index(drop=True)


def _name(objective: str) -> str:
    declared = outcome_of(objective)
    name = declared.short if declared is not None and declared.short else objective.replace("_", " ")
    return f"{name}\n({declared.unit})" if declared is not None else name


def _policy_order(table: pd.DataFrame) -> list[str]:
    """Policies by the mean of their scaled cells (maximum regrets over the objectives, or regrets over the
    worlds): the most robust on top."""
    return list(table.groupby("policy")["scaled"].mean().sort_values(kind="stable").index)


def regret_figure(
    regret: pd.DataFrame,
    *,
    outcome: str | None,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """The heat map: maximum regret per policy and objective (outcome None) or one objective's regret per
    policy and world."""
    fig = new_figure(width, height)
    ax = fig.subplots()
    if outcome is None:
        drawn = max_regret_table(regret)
        policies = _policy_order(drawn)
        columns = list(dict.fromkeys(drawn["objective"]))
        scaled = drawn.pivot(index="policy", columns="objective", values="scaled").loc[policies, columns]
        values = drawn.pivot(index="policy", columns="objective", values="max_regret").loc[policies, columns]
        xticks = [_name(c) for c in columns]
        what = "maximum regret over the worlds"
    else:
        drawn = world_regret_table(regret, outcome)
        policies = _policy_order(drawn)
        scaled = drawn.pivot(index="policy", columns="world_order", values="scaled").loc[policies]
        values = drawn.pivot(index="policy", columns="world_order", values="regret").loc[policies]
        worlds = drawn.drop_duplicates("world_order").set_index("world_order")["world"]
        xticks = [str(worlds[c]) for c in scaled.columns]
        what = f"regret on {outcome} in each world (worlds ordered by mean regret, hardest right)"
    image = ax.imshow(scaled.to_numpy(dtype=float), aspect="auto", cmap="magma_r", vmin=0.0, vmax=1.0)
    if scaled.shape[1] <= 12:  # annotate in the objective's unit while the cells have room
        for (i, j), value in np.ndenumerate(values.to_numpy(dtype=float)):
            dark = scaled.iat[i, j] > 0.55
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize="x-small",
                    color="white" if dark else "0.1")  # fmt: skip
    ax.set_xticks(range(scaled.shape[1]), xticks, fontsize="x-small", rotation=30, ha="right")
    if outcome is not None:
        ax.set_xlabel("world")
    ax.set_yticks(range(len(policies)), policies, fontsize="x-small")
    bar = fig.colorbar(image, ax=ax, fraction=0.04)
    bar.set_label("regret / the objective's spread over policies and worlds")
    titled(
        fig,
        title,
        f"{context}; cell: {what}, in the objective's unit (0: the best policy there); colour: that regret "
        "as a share of the objective's spread; policies ordered by the mean of their row's colours (most "
        "robust on top)",
    )
    return fig, drawn
