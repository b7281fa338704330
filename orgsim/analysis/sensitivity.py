"""Global sensitivity of a sweep's outcomes: Sobol indices (S1, ST) on a Saltelli (`sobol`) design and
Morris screening (mu_star, sigma) on a `morris` design, both through SALib.

Replicates are averaged per design row before the indices are computed (one noisy replicate per row makes
the indices noise), and each outcome also gets the share of its variance due to the replicate seeds. An
index is flagged (`warning`) when its 95% interval is wider than the index itself: the half-width exceeds
the index, so the interval reaches across zero. Knows tables, not the model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from orgsim.analysis.results import SweepResults, by_row, row_means
from orgsim.analysis.variance import seed_share
from orgsim.config.validate import ConfigError
from orgsim.sweep.design import problem_of

METHODS = ("sobol", "morris")
SEEDS = "(seeds)"
COLUMNS = ["method", "outcome", "parameter", "index", "value", "conf", "warning"]


def sobol_indices(problem: dict, Y: np.ndarray, second_order: bool = False, seed: int = 0) -> pd.DataFrame:
    """S1 and ST with 95% half-widths for Y in the order of SALib's Saltelli sample of `problem`."""
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a constant outcome has no variance to apportion: NaN, not noise
        # SALib's sobol ignores a falsy seed (0) and draws its bootstrap unseeded: shift it by one
        res = sobol.analyze(problem, Y, calc_second_order=second_order, seed=seed + 1)
    return _tidy(problem, {"S1": (res["S1"], res["S1_conf"]), "ST": (res["ST"], res["ST_conf"])})


def morris_indices(
    problem: dict, X: np.ndarray, Y: np.ndarray, levels: int = 4, seed: int = 0
) -> pd.DataFrame:
    """mu_star (with its 95% half-width) and sigma of the elementary effects along Morris trajectories X."""
    from SALib.analyze import morris

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = morris.analyze(problem, X, Y, num_levels=levels, seed=seed)
    nan = np.full(problem["num_vars"], np.nan)
    return _tidy(problem, {"mu_star": (res["mu_star"], res["mu_star_conf"]), "sigma": (res["sigma"], nan)})


def _tidy(problem: dict, indices: dict[str, tuple]) -> pd.DataFrame:
    rows = [
        {"parameter": name, "index": index, "value": float(values[i]), "conf": float(conf[i])}
        for index, (values, conf) in indices.items()
        for i, name in enumerate(problem["names"])
    ]
    return pd.DataFrame(rows)


def blocks(results: SweepResults) -> list[tuple[int, int, np.ndarray]]:
    """(setting, block, design rows in SALib's order) for every lever setting x listed-world combination:
    each block is one complete SALib sample."""
    listed = [f for f in results.factors if f.role == "uncertainty" and not f.sampled]
    design = results.design
    n_worlds = int(design["world"].nunique())
    n_samples = n_worlds // int(np.prod([len(f.values) for f in listed])) if listed else n_worlds
    out = []
    for (setting, block), rows in design.groupby([design["setting"], design["world"] // n_samples]):
        out.append((int(setting), int(block), rows.sort_values("row")["row"].to_numpy()))
    return out


def sensitivity_table(
    results: SweepResults, outcomes: list[str] | None = None, draws: int = 500
) -> pd.DataFrame:
    """The tidy sensitivity table (COLUMNS, plus `setting` and `block` when the design has several blocks):
    one row per index, and one `(seeds)`/`seed_share` row per outcome."""
    method = results.sweep.design
    if method not in METHODS:
        raise ConfigError(
            f"analyze sensitivity needs a sweep with sweep.design one of {', '.join(METHODS)}; "
            f"input '{results.folder}' has design {method!r} (use analyze variance or discover for it)"
        )
    outcomes = outcomes or results.outcomes()
    problem = problem_of(results.factors)
    means = row_means(results, outcomes)
    design = results.design.set_index("row")
    all_blocks = blocks(results)
    frames = []
    for setting, block, rows in all_blocks:
        for outcome in outcomes:
            Y = means.loc[rows, outcome].to_numpy(dtype=float)
            if method == "sobol":
                table = sobol_indices(problem, Y, results.sweep.second_order, results.seed)
            else:
                X = design.loc[rows, problem["names"]].to_numpy(dtype=float)
                table = morris_indices(problem, X, Y, results.sweep.morris_levels, results.seed)
            if results.replicates >= 2:
                share, conf = seed_share(by_row(results, outcome, rows), draws, results.seed)
            else:  # one replicate per row: seed noise cannot be told from the parameters' effects
                share, conf = np.nan, np.nan
            seeds = pd.DataFrame([{"parameter": SEEDS, "index": "seed_share", "value": share, "conf": conf}])
            table = pd.concat([table, seeds], ignore_index=True)
            table.insert(0, "outcome", outcome)
            table.insert(0, "method", method)
            if len(all_blocks) > 1:
                table["setting"], table["block"] = setting, block
            frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    index_rows = out["parameter"] != SEEDS
    wide = out["conf"] > out["value"].abs()  # the 95% interval reaches across zero
    out["warning"] = (index_rows & wide.fillna(False)).astype(bool)
    extra = ["setting", "block"] if len(all_blocks) > 1 else []
    return out[[*COLUMNS, *extra]]


def noise_left(seed_share: float, replicates: int) -> float:
    """The share of the row means' variance that is still seed noise after averaging `replicates` runs."""
    noise = seed_share / replicates
    return noise / (1 - seed_share + noise) if np.isfinite(seed_share) else np.nan


def noise_warning(table: pd.DataFrame, replicates: int) -> str | None:
    """One line when some indices' 95% intervals are wider than the indices, or when seed noise is more
    than a third of the averaged outcome's variance (total indices then measure noise); else None."""
    indices = table[table["parameter"] != SEEDS]
    flagged = indices[indices["warning"]]
    seeds = table[table["parameter"] == SEEDS].groupby("outcome")["value"].mean()
    noisy = [o for o, v in seeds.items() if noise_left(v, replicates) > 1 / 3]
    if flagged.empty and not noisy:
        return None
    parts = []
    if not flagged.empty:
        parts.append(f"{len(flagged)} of {len(indices)} indices have a 95% interval wider than the index")
    if noisy:
        parts.append(f"seed noise is over a third of the averaged variance of {', '.join(noisy)}")
    share = ", ".join(f"{o} {v:.0%}" for o, v in seeds.items() if np.isfinite(v)) or "n/a (1 replicate)"
    return f"{'; '.join(parts)} (seed share of variance: {share}); raise replicates or sweep.n"


def sensitivity_text(table: pd.DataFrame) -> str:
    """Parameters ranked by ST (sobol) or mu_star (morris) per outcome, with the seed share."""
    method = table["method"].iloc[0]
    key = "ST" if method == "sobol" else "mu_star"
    lines = [f"sensitivity ({method}; parameters by {key}, largest first; * interval wider than the index):"]
    group_keys = [k for k in ("setting", "block") if k in table.columns] + ["outcome"]
    for keys, group in table.groupby(group_keys, sort=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        where = ", ".join(f"{k} {v}" for k, v in zip(group_keys[:-1], keys[:-1], strict=True))
        ranked = group[group["index"] == key].sort_values("value", ascending=False, na_position="last")
        cells = ", ".join(
            f"{r.parameter} {r.value:.2f}+-{r.conf:.2f}{'*' if r.warning else ''}"
            for r in ranked.itertuples()
        )
        seed = group[group["parameter"] == SEEDS]["value"].iloc[0]
        seed_text = f"{seed:.0%}" if np.isfinite(seed) else "n/a"  # one replicate, or a constant outcome
        lines.append(f"  {where + ': ' if where else ''}{keys[-1]} (seed share {seed_text}): {cells}")
    return "\n".join(lines)
