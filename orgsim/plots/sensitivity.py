"""Bars of sensitivity indices from the tidy table `orgsim analyze sensitivity` writes: Sobol first-order
(S1) and total (ST) indices, or Morris mu* and sigma, with their 95% intervals; the share of the outcome's
variance due to replicate seeds as a note."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.plots.figure import new_figure, titled

# hdmr: the emulator's indices (orgsim analyze sensitivity emulator=true), the same shares as Sobol's
INDICES = {"sobol": ("S1", "ST"), "hdmr": ("S1", "ST"), "morris": ("mu_star", "sigma")}
INDEX_LABELS = {
    "S1": "first-order (S1)",
    "ST": "total (ST)",
    "mu_star": "mean |elementary effect| (mu*)",
    "sigma": "spread of effects (sigma)",
}
SEEDS = "(seeds)"


def index_table(table: pd.DataFrame, *, method: str, outcome: str) -> pd.DataFrame:
    """The bars to draw: parameter, index, value, conf, ordered by the larger index (ST or mu*), largest first."""
    first, ranking = INDICES[method]
    if method == "morris":
        ranking = first  # mu* ranks the parameters; sigma says how non-linear or interacting they are
    rows = table[(table["method"] == method) & (table["outcome"] == outcome) & (table["parameter"] != SEEDS)]
    rows = rows[rows["index"].isin(INDICES[method])]
    order = rows[rows["index"] == ranking].sort_values("value", ascending=False, kind="stable")["parameter"]
    order = list(dict.fromkeys([*order, *rows["parameter"]]))
    rows = rows.assign(
        rank=rows["parameter"].map({p: i for i, p in enumerate(order)}),
        slot=rows["index"].map({k: i for i, k in enumerate(INDICES[method])}),
    )
    drawn = rows.sort_values(["rank", "slot"])[["parameter", "index", "value", "conf"]]
    return drawn.reset_index(drop=True)


def seed_share(table: pd.DataFrame, *, outcome: str) -> float | None:
    """The share of the outcome's variance due to replicate seeds, when the table holds it."""
    rows = table[
        (table["outcome"] == outcome) & (table["parameter"] == SEEDS) & (table["index"] == "seed_share")
    ]
    return float(rows["value"].iloc[0]) if len(rows) else None


def sensitivity_figure(
    table: pd.DataFrame,
    *,
    method: str,
    outcome: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """Horizontal bars per parameter, one per index, with 95% intervals where the table has them."""
    drawn = index_table(table, method=method, outcome=outcome)
    parameters = list(dict.fromkeys(drawn["parameter"]))
    fig = new_figure(width, height)
    ax = fig.subplots()
    height_each = 0.8 / len(INDICES[method])
    colors = {"S1": "#1f5fa8", "ST": "#f4a261", "mu_star": "#1f5fa8", "sigma": "#c0392b"}
    for i, index in enumerate(INDICES[method]):
        part = drawn[drawn["index"] == index].set_index("parameter").reindex(parameters)
        y = np.arange(len(parameters)) - 0.4 + height_each * (i + 0.5)
        values, conf = part["value"].to_numpy(dtype=float), part["conf"].to_numpy(dtype=float)
        ax.barh(y, values, height=height_each, color=colors[index], alpha=0.85, label=INDEX_LABELS[index])
        known = ~np.isnan(conf)  # no bar where the table has no interval (NaN), rather than a zero-width one
        if known.any():
            ax.errorbar(values[known], y[known], xerr=conf[known], fmt="none", ecolor="0.2", capsize=2)
    ax.set_yticks(range(len(parameters)), parameters)
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel(
        "share of the outcome's variance (Sobol index)"
        if method in ("sobol", "hdmr")
        else f"effect on {outcome} (outcome units)"
    )
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", frameon=False, fontsize="small")

    notes = [context, f"outcome {outcome}", "error bars: 95% intervals"]
    share = seed_share(table, outcome=outcome)
    if share is not None:
        notes.append(f"replicate seeds explain {share:.0%} of the variance")
    first = drawn[drawn["index"] == INDICES[method][0]]
    noisy = int((first["conf"] > first["value"].abs()).sum())
    if noisy:
        notes.append(f"{noisy} of {len(first)} intervals wider than the index: read those as noise")
    titled(fig, title, "; ".join(n for n in notes if n))
    return fig, drawn
