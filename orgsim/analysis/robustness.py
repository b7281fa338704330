"""Which policy holds up across plausible worlds: robustness metrics of every lever setting over a sample of
worlds, the Pareto set, and the worlds in which the preferred policy changes.

Follows the robustness metrics of the EMA Workbench and Kwakkel, Eker and Pruyt (2016), "How robust is a
robust policy? Comparing alternative robustness metrics": per policy and objective, over the worlds,

- mean: the mean of the world means (each world's mean over its replicates);
- tail: the worse-tail percentile of the world means (10th for an objective to raise, 90th for one to lower);
- max_regret: the largest regret over the worlds, where a policy's regret in a world is how far its world
  mean falls short of the best policy's in that world, in the objective's unit, signed so that 0 is best
  (Savage's minimax regret);
- satisficing: the share of worlds whose world mean meets the objective's threshold (Starr's domain
  criterion);

each with a percentile bootstrap interval over worlds (the same resampled worlds for every policy, so the
comparison stays paired; the interval of a maximum is only indicative: a resample never exceeds the sample's
maximum). The Pareto set holds the policies that no other policy dominates on the objectives' means (at
least as good on every objective, better on one). The switching worlds are those where the policy preferred
on average (best mean of the primary objective) has a regret above a threshold there; PRIM
(orgsim.analysis.prim) finds the ranges of the world parameters that hold them.

Pure functions over a runs table (one row per run: lever columns, a world id, a replicate id, objective
columns); knows the outcome registry's directions, not the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.analysis import prim
from orgsim.outcomes import objectives as declared_objectives

UP, DOWN = "up", "down"
TAIL_PERCENTILE = 10.0
# Satisficing thresholds with a meaning of their own: IT above the custodian line (metrics default 0.35),
# fewer than half of a world's organizations marginalized, satisfaction at least its starting value 0.5.
# Other objectives have no natural line: their threshold is the median of all policies' world means.
DEFAULT_THRESHOLDS = {"final_it_influence": 0.35, "marginalized": 0.5, "final_mean_satisfaction": 0.5}
STATISTICS = ("mean", "tail", "max_regret", "satisficing")
# Monthly objectives a sweep can keep (sweep.timeseries); their value at the horizon joins the runs table.
MONTHLY_OBJECTIVES = ("mean_wait_months", "total_cost", "fragmentation", "integration_debt")


class RobustnessError(ValueError):
    """The runs do not support the analysis (a policy missing a world, no objective); one line."""


# --- inputs ------------------------------------------------------------------------------------------


def objective_directions(
    columns: Sequence[str], objectives: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Objective -> direction: the given ones, else every declared objective present in `columns`."""
    if objectives is not None:
        bad = {k: v for k, v in objectives.items() if v not in (UP, DOWN)}
        if bad:
            raise RobustnessError(f"objective directions must be 'up' or 'down'; got {bad}")
        missing = [k for k in objectives if k not in columns]
        if missing:
            raise RobustnessError(f"the runs have no column(s) {', '.join(missing)}")
        return dict(objectives)
    found = {o.name: o.direction for o in declared_objectives() if o.name in columns}
    if not found:
        raise RobustnessError(
            "the runs hold no declared objective (orgsim/outcomes.py); name them explicitly"
        )
    return found


def policy_labels(runs: pd.DataFrame, levers: Sequence[str]) -> pd.Series:
    """One label per run naming its lever setting: the values joined, keys shortened to their last part
    (`broker, governance=enabling, willingness=0.9`); the first lever's value stands alone."""
    if not levers:
        raise RobustnessError("name at least one lever column")
    missing = [k for k in levers if k not in runs.columns]
    if missing:
        raise RobustnessError(f"the runs have no lever column(s) {', '.join(missing)}")
    parts = [runs[levers[0]].astype(str)]
    parts += [k.rsplit(".", 1)[-1] + "=" + runs[k].astype(str) for k in levers[1:]]
    label = parts[0]
    for part in parts[1:]:
        label = label + ", " + part
    return label


def world_means(runs: pd.DataFrame, policy: pd.Series, world: str, objective: str) -> pd.DataFrame:
    """The objective averaged over replicates: policies (rows) x worlds (columns); every policy must meet
    every world."""
    table = (
        pd.DataFrame({"policy": policy.to_numpy(), "world": runs[world].to_numpy(), "y": runs[objective]})
        .astype({"y": float})
        .pivot_table(index="policy", columns="world", values="y", aggfunc="mean", sort=True)
    )
    if table.isna().to_numpy().any():
        raise RobustnessError(
            f"{objective}: not every policy was run in every world; robustness compares policies world by "
            "world (finish the sweep, or drop the incomplete policies)"
        )
    return table


# --- metrics -----------------------------------------------------------------------------------------


def regret(means: np.ndarray, direction: str) -> np.ndarray:
    """Regret of each policy in each world (means[..., policy, world]): the best policy's world mean minus
    this policy's, signed by direction so that regret >= 0 and the best policy's is 0."""
    better = means if direction == UP else -means
    return better.max(axis=-2, keepdims=True) - better


def tail(means: np.ndarray, direction: str, percentile: float = TAIL_PERCENTILE) -> np.ndarray:
    """The worse-tail percentile over worlds (last axis): low for an objective to raise, high for one to
    lower."""
    q = percentile if direction == UP else 100.0 - percentile
    return np.percentile(means, q, axis=-1)


def satisficing(means: np.ndarray, direction: str, threshold: float) -> np.ndarray:
    """Share of worlds (last axis) in which the world mean meets the threshold (>= for up, <= for down)."""
    met = means >= threshold if direction == UP else means <= threshold
    return met.mean(axis=-1)


def statistics(means: np.ndarray, direction: str, threshold: float, percentile: float) -> np.ndarray:
    """[..., policy, statistic] in STATISTICS order, for means[..., policy, world]."""
    return np.stack(
        [
            means.mean(axis=-1),
            tail(means, direction, percentile),
            regret(means, direction).max(axis=-1),
            satisficing(means, direction, threshold),
        ],
        axis=-1,
    )


def bootstrap_worlds(
    means: np.ndarray, direction: str, threshold: float, percentile: float, draws: int, rng
) -> np.ndarray:
    """The statistics over `draws` resamples of the worlds (with replacement, the same worlds for every
    policy): [draw, policy, statistic]."""
    n_worlds = means.shape[-1]
    picks = rng.integers(0, n_worlds, size=(draws, n_worlds))
    resampled = means[:, picks].transpose(1, 0, 2)  # [draw, policy, world]
    return statistics(resampled, direction, threshold, percentile)


def dominated_by(means: pd.DataFrame, directions: Mapping[str, str]) -> pd.Series:
    """For each policy (row of `means`, one column per objective): how many other policies are at least as
    good on every objective and better on one."""
    better = np.column_stack([means[o] if d == UP else -means[o] for o, d in directions.items()])
    at_least = (better[:, None, :] >= better[None, :, :]).all(axis=2)  # [q, p]: q at least as good as p
    strictly = (better[:, None, :] > better[None, :, :]).any(axis=2)
    return pd.Series((at_least & strictly).sum(axis=0), index=means.index, name="dominated_by")


def pareto_set(means: pd.DataFrame, directions: Mapping[str, str]) -> pd.Series:
    """For each policy: True when no other policy dominates it on the objectives' means."""
    return (dominated_by(means, directions) == 0).rename("pareto")


# --- tables ------------------------------------------------------------------------------------------


def robustness_tables(
    runs: pd.DataFrame,
    levers: Sequence[str] = ("policy",),
    world: str = "world",
    world_params: Sequence[str] | None = None,
    objectives: Mapping[str, str] | None = None,
    thresholds: Mapping[str, float] | None = None,
    primary: str | None = None,
    regret_threshold: float | None = None,
    percentile: float = TAIL_PERCENTILE,
    draws: int = 1000,
    seed: int = 0,
    prim_threshold: float = 0.8,
) -> dict[str, pd.DataFrame]:
    """The robustness analysis of a runs table, as tables (one per file `orgsim analyze robustness` writes):

    - robustness: one row per policy and objective: direction, mean, tail (its percentile in
      `tail_percentile`), max_regret, satisficing (its threshold in `threshold`), each with `_low`/`_high`
      (95% bootstrap interval over worlds);
    - pareto: one row per policy: each objective's mean, `pareto` (not dominated) and `dominated_by`
      (how many policies dominate it);
    - regret: one row per policy, world and objective: world mean and regret (the heat map's cells);
    - preferred: one row per world: its parameters, the best policy on the primary objective, the regret
      there of the policy preferred on average, and `switched` (that regret above `regret_threshold`; by
      default `chance_regret`, twice the standard error replicate noise alone gives a regret);
    - switch_boxes: PRIM boxes (prim_boxes schema) of the world parameters where `switched` is concentrated;
      empty when no box reaches `prim_threshold` or nothing switches.

    `levers` are the columns whose values make a policy; `world_params` the uncertainty columns (default:
    none, and no PRIM); `objectives` maps column -> "up"/"down" (default: every declared objective in the
    runs); `thresholds` overrides DEFAULT_THRESHOLDS (objectives without one use the median world mean).
    """
    policy = policy_labels(runs, list(levers))
    if world not in runs.columns:
        raise RobustnessError(f"the runs have no world column {world!r}")
    directions = objective_directions(list(runs.columns), objectives)
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    rng = np.random.default_rng(seed)
    # the lever columns beside each policy's label (a lever called `policy` as `policy_name`)
    lever_values = pd.DataFrame(
        {"policy_name" if k == "policy" else k: runs[k].to_numpy() for k in levers}, index=policy.to_numpy()
    )
    lever_values = lever_values[~lever_values.index.duplicated()].sort_index()

    rows, regret_rows, mean_of = [], [], {}
    tables: dict[str, pd.DataFrame] = {}
    for objective, direction in directions.items():
        table = world_means(runs, policy, world, objective)
        means = table.to_numpy()
        threshold = float(limits.get(objective, np.median(means)))
        point = statistics(means, direction, threshold, percentile)
        boot = bootstrap_worlds(means, direction, threshold, percentile, draws, rng)
        low, high = np.percentile(boot, [2.5, 97.5], axis=0)
        for i, name in enumerate(table.index):
            row = {"policy": name, "objective": objective, "direction": direction}
            for j, stat in enumerate(STATISTICS):
                row.update({stat: point[i, j], f"{stat}_low": low[i, j], f"{stat}_high": high[i, j]})
            row.update({"tail_percentile": percentile if direction == UP else 100 - percentile})
            row["threshold"] = threshold
            rows.append(row)
        regrets = regret(means, direction)
        long = pd.DataFrame(
            {
                "policy": np.repeat(table.index.to_numpy(), len(table.columns)),
                "world": np.tile(table.columns.to_numpy(), len(table.index)),
                "objective": objective,
                "world_mean": means.ravel(),
                "regret": regrets.ravel(),
            }
        )
        regret_rows.append(long)
        mean_of[objective] = table.mean(axis=1)

    robustness = pd.DataFrame(rows)
    tables["robustness"] = robustness.merge(lever_values, left_on="policy", right_index=True)
    pareto = pd.DataFrame(mean_of)
    pareto["dominated_by"] = dominated_by(pareto[list(directions)], directions)
    pareto["pareto"] = pareto["dominated_by"] == 0
    tables["pareto"] = pareto.join(lever_values).reset_index(names="policy")
    tables["regret"] = pd.concat(regret_rows, ignore_index=True)
    tables["preferred"], tables["switch_boxes"] = _switching(
        runs, policy, world, world_params, directions, primary, regret_threshold, prim_threshold
    )
    return tables


def _switching(runs, policy, world, world_params, directions, primary, regret_threshold, prim_threshold):
    if primary is None:  # IT's influence when the runs hold it, else the first objective
        primary = "final_it_influence" if "final_it_influence" in directions else next(iter(directions))
    if primary not in directions:
        raise RobustnessError(f"primary objective {primary!r} is not among {', '.join(directions)}")
    table = world_means(runs, policy, world, primary)
    if regret_threshold is None:
        regret_threshold = chance_regret(runs, policy, world, primary)
    regrets = pd.DataFrame(regret(table.to_numpy(), directions[primary]), table.index, table.columns)
    preferred = table.mean(axis=1).idxmax() if directions[primary] == UP else table.mean(axis=1).idxmin()
    best = table.idxmax(axis=0) if directions[primary] == UP else table.idxmin(axis=0)
    out = pd.DataFrame(
        {
            "world": table.columns,
            "best_policy": best.to_numpy(),
            "preferred_policy": preferred,
            "preferred_regret": regrets.loc[preferred].to_numpy(),
        }
    )
    out["switched"] = out["preferred_regret"] > regret_threshold
    out["regret_threshold"] = regret_threshold
    params = list(world_params or [])
    if params:
        values = runs[[world, *params]].drop_duplicates(world).set_index(world)
        out = out.join(values, on="world")
    boxes = pd.DataFrame(columns=list(prim.BOX_COLUMNS))
    if params and out["switched"].any() and not out["switched"].all():
        X = out[params].reset_index(drop=True)
        found = prim.find_boxes(X, out["switched"].to_numpy(), threshold=prim_threshold)
        boxes = prim.boxes_table(X, found, f"regret of {preferred} on {primary} > {regret_threshold:g}")
    return out, boxes


def chance_regret(runs: pd.DataFrame, policy: pd.Series, world: str, objective: str) -> float:
    """Twice the standard error of the difference of two policies' world means from replicate noise alone
    (pooled within-cell variance, R replicates per cell): a regret above it is unlikely to be chance.
    0 with one replicate per cell."""
    cells = pd.DataFrame({"p": policy.to_numpy(), "w": runs[world].to_numpy(), "y": runs[objective]})
    grouped = cells.astype({"y": float}).groupby(["p", "w"])["y"]
    replicates = grouped.size().min()
    if replicates < 2:
        return 0.0
    return float(2.0 * np.sqrt(2.0 * grouped.var(ddof=1).mean() / replicates))


# --- a sweep folder ----------------------------------------------------------------------------------


def horizon_values(runs: pd.DataFrame, timeseries: pd.DataFrame, reporters: Sequence[str]) -> pd.DataFrame:
    """The runs with each monthly reporter's value at the last month joined by run_id (a column per
    reporter, under its own name: these reporters are totals or means so far)."""
    last = timeseries.sort_values("month").groupby("run_id").tail(1).set_index("run_id")
    present = [r for r in reporters if r in last.columns and r not in runs.columns]
    joined = runs.join(last[present], on="run_id")
    if "mean_wait_months" in present:
        # no request delivered yet: every request waited at least the whole run (empty by design in the
        # table, but the worst value for a strategist comparing speed)
        joined["mean_wait_months"] = joined["mean_wait_months"].fillna(float(last["month"].max()))
    return joined


def sweep_tables(folder: str | Path, **options) -> dict[str, pd.DataFrame]:
    """The robustness tables of a finished sweep folder (what `orgsim analyze robustness input=...` calls):
    levers and world parameters from the sweep's design, monthly objectives at the horizon joined from
    timeseries.parquet when the sweep kept them."""
    from orgsim.analysis.results import load

    return results_tables(load(folder), **options)


def results_tables(results, **options) -> dict[str, pd.DataFrame]:
    """The robustness tables of a sweep already read (orgsim.analysis.results.SweepResults): the levers
    that take more than one value make the policies, the varied uncertainties are the world parameters;
    `options` go to robustness_tables."""
    runs = results.runs
    monthly = Path(results.folder or ".") / "timeseries.parquet"
    if results.folder is not None and monthly.is_file():
        runs = horizon_values(runs, pd.read_parquet(monthly), MONTHLY_OBJECTIVES)
    levers = [f.key for f in results.levers if results.design[f.key].nunique() > 1] or [results.levers[0].key]
    params = [f.key for f in results.uncertainties if results.design[f.key].nunique() > 1]
    options.setdefault("world_params", params)
    return robustness_tables(runs, levers=levers, **options)


def summary_text(tables: Mapping[str, pd.DataFrame]) -> str:
    """A few lines for a terminal: the Pareto set, the policy of least maximum regret per objective, and
    how often the preferred policy switches."""
    lines = []
    pareto = tables["pareto"]
    lines.append(f"Pareto set ({int(pareto['pareto'].sum())} of {len(pareto)} policies):")
    lines += [f"  {p}" for p in pareto.loc[pareto["pareto"], "policy"]]
    table = tables["robustness"]
    for objective, group in table.groupby("objective", sort=False):
        best = group.loc[group["max_regret"].idxmin()]
        lines.append(
            f"{objective} ({best['direction']}): least max regret {best['policy']}: "
            f"{best['max_regret']:.3g} [{best['max_regret_low']:.3g}, {best['max_regret_high']:.3g}], "
            f"mean {best['mean']:.3g} [{best['mean_low']:.3g}, {best['mean_high']:.3g}], satisficing "
            f"{best['satisficing']:.0%} of worlds (threshold {best['threshold']:.3g})"
        )
    preferred = tables["preferred"]
    lines.append(
        f"preferred on average: {preferred['preferred_policy'].iloc[0]}; another policy is better in "
        f"{int(preferred['switched'].sum())} of {len(preferred)} worlds"
    )
    return "\n".join(lines)
