"""First-order sensitivity from an emulator fitted to the replicate means of a sweep's design rows: SALib's
HDMR (high-dimensional model representation: each input's effect a B-spline fitted by backfitting, with
bootstrap intervals), checked by its K-fold cross-validated error.

Why beside the Sobol estimator: once averaging replicates has taken the seed noise out of the row means,
the Monte Carlo error of Saltelli's estimator at a few hundred base samples (about +-0.1 here) still
exceeds the small first-order indices; a smooth emulator fitted to the same row means estimates them from
every row at once, with intervals a few times narrower, at no extra run. Its cross-validated R^2 says how
much of the row means' variance the first-order emulator reproduces on rows it was not fitted to (the rest
is interactions and the seed noise left). Knows tables and arrays, not the model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

METHOD = "hdmr"
MIN_ROWS = 300  # SALib's HDMR refuses fewer samples
CV = "(emulator cv)"  # the table row holding the cross-validated R^2 of an outcome's emulator


def _fit(problem: dict, X: np.ndarray, Y: np.ndarray, bootstrap: int, seed: int):
    from SALib.analyze import hdmr

    # SALib's hdmr draws its bootstrap subsamples from numpy's global generator whatever `seed` says
    # (SALib 1.6: np.random.rand), so the global state is seeded for the call and put back after it:
    # the same rows give the same indices in any process, after any other draws
    state = np.random.get_state()
    np.random.seed(seed + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SALib's convergence chatter; the CV error is the check
            return hdmr.analyze(
                problem,
                X,
                Y,
                maxorder=1,
                K=bootstrap,
                R=len(Y) if bootstrap == 1 else None,
                alpha=0.95,
                print_to_console=False,
                seed=seed + 1,
            )
    finally:
        np.random.set_state(state)


def hdmr_indices(problem: dict, X: np.ndarray, Y: np.ndarray, bootstrap: int = 20, seed: int = 0):
    """First-order (S1) and total (ST; equal to S1 up to fitting error, the emulator being first-order)
    indices with 95% half-widths over `bootstrap` subsamples of the rows, in a tidy table."""
    res = _fit(problem, X, Y, bootstrap, seed)
    terms = list(res["Term"])
    rows = []
    for name in problem["names"]:
        i = terms.index(name)
        for index, key in (("S1", "S"), ("ST", "ST")):
            rows.append(
                {
                    "parameter": name,
                    "index": index,
                    "value": float(res[key][i]),
                    "conf": float(res[f"{key}_conf"][i]),
                }
            )
    return pd.DataFrame(rows)


def cross_validated_r2(problem: dict, X: np.ndarray, Y: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    """Share of the variance of Y the first-order emulator reproduces on held-out rows (K-fold, rows
    shuffled with `seed`): 1 - mean squared prediction error / variance of Y."""
    order = np.random.default_rng(seed).permutation(len(Y))
    errors = np.empty(len(Y))
    for fold in np.array_split(order, folds):
        train = np.setdiff1d(order, fold)
        res = _fit(problem, X[train], Y[train], 1, seed)
        # SALib scales new inputs by their own range: a fold drawn from the same design spans nearly the
        # same range as the whole, so the scaling differs by a fraction of a percent
        res.emulate(X[fold])
        # the emulated components have mean zero: the prediction adds the training rows' mean
        errors[fold] = Y[fold] - (Y[train].mean() + np.asarray(res["emulated"], dtype=float))
    variance = float(np.var(Y))
    return float(1.0 - np.mean(errors**2) / variance) if variance > 0 else float("nan")


def emulator_table(problem: dict, X: np.ndarray, Y: np.ndarray, bootstrap: int = 20, seed: int = 0):
    """The HDMR indices and a `(emulator cv)` row (index `r2`, its cross-validated R^2), with `warning` set
    where an index's interval is wider than the index."""
    table = hdmr_indices(problem, X, Y, bootstrap, seed)
    table["warning"] = (table["conf"] > table["value"].abs()).astype(bool)
    cv = pd.DataFrame(
        [
            {
                "parameter": CV,
                "index": "r2",
                "value": cross_validated_r2(problem, X, Y, seed=seed),
                "conf": np.nan,
                "warning": False,
            }
        ]
    )
    return pd.concat([table, cv], ignore_index=True)


def sweep_emulator_table(results, outcomes: list[str], bootstrap: int = 20, seed: int = 0) -> pd.DataFrame:
    """emulator_table for each outcome (and each block of a sweep with several lever settings or listed
    worlds) of a finished sweep, in the sensitivity table's columns with method `hdmr`; an outcome whose
    row means are constant or not all finite (a month never reached) is left out, and so is a block of
    fewer than MIN_ROWS design rows."""
    from orgsim.analysis.results import row_means
    from orgsim.analysis.sensitivity import COLUMNS, blocks
    from orgsim.sweep.design import problem_of

    problem = problem_of(results.factors)
    means = row_means(results, outcomes)
    design = results.design.set_index("row")
    all_blocks = blocks(results)
    frames = []
    for setting, block, rows in all_blocks:
        if len(rows) < MIN_ROWS:
            continue
        X = design.loc[rows, problem["names"]].to_numpy(dtype=float)
        for outcome in outcomes:
            Y = means.loc[rows, outcome].to_numpy(dtype=float)
            if not np.isfinite(Y).all() or np.var(Y) == 0:
                continue
            table = emulator_table(problem, X, Y, bootstrap, seed)
            table.insert(0, "outcome", outcome)
            table.insert(0, "method", METHOD)
            if len(all_blocks) > 1:
                table["setting"], table["block"] = setting, block
            frames.append(table)
    extra = ["setting", "block"] if len(all_blocks) > 1 else []
    if not frames:
        return pd.DataFrame(columns=[*COLUMNS, *extra])
    return pd.concat(frames, ignore_index=True)[[*COLUMNS, *extra]]


def emulator_text(table: pd.DataFrame) -> str:
    """A few lines: per outcome the emulator's cross-validated R^2 and its first-order indices, largest
    first (* where the interval is wider than the index)."""
    lines = [
        "first-order indices from the HDMR emulator of the replicate means (S1 +- 95%; * interval wider):"
    ]
    for outcome, rows in table.groupby("outcome", sort=False):
        r2 = rows.loc[rows["parameter"] == CV, "value"].iloc[0]
        s1 = rows[rows["index"] == "S1"].sort_values("value", ascending=False)
        cells = ", ".join(
            f"{r.parameter} {r.value:.3f}+-{r.conf:.3f}{'*' if r.warning else ''}" for r in s1.itertuples()
        )
        lines.append(f"  {outcome} (cross-validated R^2 {r2:.2f}): {cells}")
    return "\n".join(lines)
