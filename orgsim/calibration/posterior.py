"""The answer under parameter uncertainty (issue 22): the model run over the ABC posterior.

`population` runs `per_set` organizations for each of the accepted calibration sets (each set applied to
a base config, as the calibrated defaults are) and keeps, per organization, its run summary's
`marginalized`, whether it was marginalized in each year of the horizon (`marginalized_by_year_K`, K from
1, the run summary's own columns) and its mean influence in each
requested calendar year. `verdict` then gives the share marginalized
two ways:

- at the posterior medians (the calibrated defaults), with its 95% Wilson interval: chance only;
- over the posterior: the share pooled over every set's organizations, with a 95% interval from a
  two-level bootstrap (resample the sets, then the organizations within each): chance plus what we do not
  know about the parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.calibration.targets import window
from orgsim.config.compose import config_dir
from orgsim.results import BY_YEAR_PREFIX

# the accepted calibration sets shipped beside the calibrated defaults (parameters only)
POSTERIOR_SETS = config_dir() / "calibrated" / "abc_2012_posterior.csv"  # in a checkout or the wheel


def load_sets(path: Path = POSTERIOR_SETS) -> pd.DataFrame:
    """The accepted parameter sets: one row each, one column per dotted parameter key."""
    return pd.read_csv(path, comment="#")


def _one(task) -> list[dict]:
    from orgsim import api
    from orgsim.runner import replicate_seeds

    base, params, set_id, per_set, seed, years = task
    setting = api.apply(base, params)
    rows = []
    for seed_r in replicate_seeds(seed + 7919 * set_id, per_set):
        summary, monthly = api.simulate(setting, seed_r, ["it_influence"])
        row = {"set": set_id, "marginalized": bool(summary["marginalized"])}
        row.update({k: bool(v) for k, v in summary.items() if k.startswith(BY_YEAR_PREFIX)})
        for y in years:
            row[f"influence_{y}"] = window(monthly, setting.start_year, y, "it_influence")
        rows.append(row)
    return rows


def population(
    base, sets: pd.DataFrame, per_set: int, seed: int = 0, workers: int = 1, years: Sequence[int] = ()
) -> pd.DataFrame:
    """`per_set` organizations for every parameter set in `sets`: one row per organization with `set`,
    `marginalized` (by `base`'s custodian line) and `influence_<year>` for each of `years`."""
    import os

    from orgsim.evaluators import make_evaluator

    tasks = [
        (base, {k: (float(v) if isinstance(v, (int, float, np.floating)) else v) for k, v in row.items()},
         i, per_set, seed, tuple(years))
        for i, row in enumerate(sets.to_dict("records"))
    ]  # fmt: skip
    with make_evaluator("processes", max(1, min(workers or os.cpu_count() or 1, len(tasks)))) as evaluator:
        results = evaluator.map(_one, [(task,) for task in tasks])
    return pd.DataFrame.from_records([r for chunk in results for r in chunk])


@dataclass(frozen=True)
class Verdict:
    share: float  # pooled over the posterior
    low: float  # 95%, chance plus parameters
    high: float
    sets: int
    organizations: int
    by_year: tuple[Verdict, ...] = ()  # the same share in each year of the horizon, the first is year 1

    def describe(self) -> str:
        years = (
            "; by year " + " / ".join(f"{y.share:.1%} [{y.low:.1%}, {y.high:.1%}]" for y in self.by_year)
            if self.by_year
            else ""
        )
        return (
            f"{self.share:.1%} marginalized over the posterior [{self.low:.1%}, {self.high:.1%}] "
            f"(95%, chance plus parameters: {self.sets} accepted calibration sets x "
            f"{self.organizations // max(self.sets, 1)} organizations){years}"
        )


def bootstrap_share(flags: pd.Series, groups: pd.Series, resamples: int = 2000, seed: int = 0) -> Verdict:
    """Pooled share of `flags` (0/1 per organization) with a two-level bootstrap over `groups`."""
    return bootstrap_shares(flags.to_frame(), groups, resamples, seed)[0]


def bootstrap_shares(
    flags: pd.DataFrame, groups: pd.Series, resamples: int = 2000, seed: int = 0
) -> list[Verdict]:
    """`bootstrap_share` of every column of `flags` from one set of resampling draws: each column's
    Verdict is the one `bootstrap_share` gives it alone (the draws depend on the groups only)."""
    values = flags.to_numpy(dtype=float)
    members = [np.flatnonzero(groups.to_numpy() == g) for g in pd.unique(groups)]
    rng = np.random.default_rng(seed)
    boot = np.empty((resamples, values.shape[1]))
    for b in range(resamples):
        picked = rng.integers(len(members), size=len(members))
        rows = np.concatenate([rng.choice(members[g], size=len(members[g])) for g in picked])
        boot[b] = values[rows].mean(axis=0)
    low, high = np.quantile(boot, [0.025, 0.975], axis=0)
    return [
        Verdict(float(values[:, j].mean()), float(low[j]), float(high[j]), len(members), len(values))
        for j in range(values.shape[1])
    ]


def verdict(pop: pd.DataFrame, resamples: int = 2000, seed: int = 0) -> Verdict:
    """The share marginalized over the posterior population, with its chance-plus-parameters interval, and
    the same for each year of the horizon where `pop` has the yearly flags."""
    yearly = sorted(
        (c for c in pop.columns if c.startswith(BY_YEAR_PREFIX)),
        key=lambda c: int(c.removeprefix(BY_YEAR_PREFIX)),
    )
    final, *by_year = bootstrap_shares(pop[["marginalized", *yearly]], pop["set"], resamples, seed)
    return dataclasses.replace(final, by_year=tuple(by_year))


def calibrated_keys(setting, sets: pd.DataFrame, tolerance: float = 1e-3) -> list[str]:
    """The parameters of `sets` that `setting` holds at their calibrated value (the config group
    `calibrated` set them, not the scenario or the user): only these are drawn from the posterior."""
    from omegaconf import OmegaConf

    medians = OmegaConf.load(POSTERIOR_SETS.parent / "abc_2012.yaml")
    keys = []
    for key in sets.columns:
        calibrated = OmegaConf.select(medians, key)
        current = _get(setting, key)
        if calibrated is not None and abs(float(current) - float(calibrated)) <= tolerance * max(
            1.0, abs(float(calibrated))
        ):
            keys.append(key)
    return keys


def _get(node, dotted: str):
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def posterior_verdict(
    setting, sets_wanted: int, replicates: int, seed: int, workers: int = 1
) -> Verdict | None:
    """The share marginalized of `setting` over the posterior: `sets_wanted` accepted calibration sets
    (the first ones of the shipped sample, which is in no particular order; at most one per replicate),
    `replicates // sets` organizations each, each set's values replacing only the parameters `setting`
    holds at their calibrated value. Its interval carries chance and parameter uncertainty
    (`bootstrap_share`). None when `setting` holds no parameter at its calibrated value (calibrated=none,
    or every one overridden): there is nothing of the posterior to draw."""
    sets = load_sets()
    sets = sets.head(min(max(1, sets_wanted), max(1, replicates), len(sets)))
    keys = calibrated_keys(setting, sets)
    if not keys:
        return None
    from orgsim.runner import default_workers

    per_set = max(1, replicates // len(sets))
    # a pool only where it pays, by the rule of the runs at the medians
    workers = default_workers(workers, len(sets) * per_set, setting.years * 12)
    pop = population(setting, sets[keys], per_set, seed, workers)
    return verdict(pop)
