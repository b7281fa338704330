"""Bars of sensitivity indices from the tidy table `orgsim analyze sensitivity` writes: Sobol first-order
(S1) and total (ST) indices, or Morris mu* and sigma, with their 95% intervals; the share of the outcome's
variance due to replicate seeds as a note."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from orgsim.plots.figure import in_words, new_figure, titled, words

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
        noisy = conf > np.abs(values)  # the interval reaches past zero on both sides: no sign is known
        bars = ax.barh(
            y, values, height=height_each, color=colors[index], alpha=0.85, label=INDEX_LABELS[index]
        )
        for bar, is_noisy in zip(bars, noisy, strict=True):
            if is_noisy:  # hatched and pale, so a noisy index is not read as a finding
                bar.set_hatch("///")
                bar.set_alpha(0.35)
                bar.set_edgecolor("0.3")
        known = ~np.isnan(conf)  # no bar where the table has no interval (NaN), rather than a zero-width one
        if known.any():
            ax.errorbar(values[known], y[known], xerr=conf[known], fmt="none", ecolor="0.2", capsize=2)
    for yi, parameter in enumerate(parameters):
        if drawn[(drawn["parameter"] == parameter) & (drawn["conf"] > drawn["value"].abs())].shape[0]:
            ax.annotate("noisy", (1.0, yi), xycoords=("axes fraction", "data"), xytext=(-2, 0),
                        textcoords="offset points", ha="right", va="center", fontsize="x-small",
                        color="0.35", fontstyle="italic")  # fmt: skip
    ax.set_yticks(range(len(parameters)), [words(p) for p in parameters])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", linewidth=0.8)
    # A Sobol estimate from a finite sample can fall below 0 or above 1: it is an index, not a share.
    xlabel = {"sobol": "Sobol index", "hdmr": "Sobol index (from the HDMR emulator)"}
    ax.set_xlabel(xlabel.get(method, f"Morris elementary effect on {words(outcome)}"))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", frameon=False, fontsize="small")

    notes = [context, f"outcome {in_words(outcome)}", "error bars: 95% intervals"]
    share = seed_share(table, outcome=outcome)
    if share is not None:
        notes.append(f"replicate seeds explain {share:.0%} of the variance")
    first = drawn[drawn["index"] == INDICES[method][0]]
    noisy = int((first["conf"] > first["value"].abs()).sum())
    if noisy:
        notes.append(
            f"{noisy} of {len(first)} intervals wider than the index (hatched, 'noisy'): read those as noise"
        )
    titled(fig, title, "; ".join(n for n in notes if n))
    return fig, drawn
