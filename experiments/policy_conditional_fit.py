"""Issue 22, item 1: the fitted targets' statistics per IT policy, and a population with a mix of policies.

At the calibrated defaults (configs/calibrated/abc_2012.yaml, fitted with every firm under gatekeeper),
firm i of a population of `--orgs` keeps its seed whichever policy it runs, and each policy's firms are
run once to the end of 2017. A mix (shares of laissez_faire and social_coe firms, the rest gatekeeper)
is then a stratified population (orgsim.calibration.mix.firm_policies: firm i runs the policy its block
gives it, no sampling noise), so every mix on a grid is evaluated from the same runs.

The mix shares are fitted to the fitted targets alone (CEB 2013, Logicalis 2014; the ABC distance of
orgsim.calibration.abc, uniform prior on the grid, the `--accept` nearest mixes), with every other
parameter held at the gatekeeper fit's medians: a conditional fit, not a joint refit. The held-out rows
(Logicalis 2015; State of the CIO 2017, fielded 2016, with the custodian line fitted to 2015 over the
same mixed population) are predicted for the accepted mixes and never enter the distance.

    python experiments/policy_conditional_fit.py [--orgs N] [--max-share S] [--step D] [--accept A]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from orgsim.api import apply, base_settings, simulate  # noqa: E402
from orgsim.calibration.abc import distances, row_statistics  # noqa: E402
from orgsim.calibration.mix import firm_policies  # noqa: E402
from orgsim.calibration.roles import lines_of, share_below  # noqa: E402
from orgsim.calibration.targets import (  # noqa: E402
    CUSTODIAN_LINE,
    FIT_TARGETS,
    HELD_OUT,
    HELD_OUT_ROLE,
    run_statistics,
)
from orgsim.runner import replicate_seeds  # noqa: E402

POLICIES = ("gatekeeper", "laissez_faire", "social_coe", "broker", "innovation_partner")
MIXED = ("laissez_faire", "social_coe")  # the mix's free shares; the rest gatekeeper
REPORTERS = ("business_tech_spend_share", "it_decision_share", "it_influence")
FUNCTIONAL = CUSTODIAN_LINE.value
NEEDED = (*FIT_TARGETS, *HELD_OUT, CUSTODIAN_LINE)


def per_firm(orgs: int) -> pd.DataFrame:
    """One row per (policy, firm): each target's per-run statistic (2012-2017)."""
    seeds = replicate_seeds(22, orgs)
    rows = []
    for policy in POLICIES:
        setting = apply(base_settings(policy=policy), {"years": 6})
        for firm, seed in enumerate(seeds):
            _, table = simulate(setting, seed, REPORTERS)
            rows.append({"policy": policy, "firm": firm, **run_statistics(table, setting.start_year, NEEDED)})
    return pd.DataFrame(rows)


def population(firms: pd.DataFrame, shares: dict[str, float], orgs: int) -> pd.DataFrame:
    """The stratified mixed population: firm i's run under the policy the mix gives it."""
    chosen = pd.DataFrame({"firm": range(orgs), "policy": firm_policies(shares, orgs)})
    return chosen.merge(firms, on=["firm", "policy"], how="left")


def held_out(pop: pd.DataFrame) -> dict[str, float]:
    """The held-out statistics of one population (the custodian line fitted to its own 2015 influence)."""
    custodian, _ = lines_of(pop[CUSTODIAN_LINE.name].to_numpy(), FUNCTIONAL, FUNCTIONAL)
    return {
        "cio_controls_most_2015": float(pop["cio_controls_most_2015"].mean()),
        "custodian_line": custodian,
        HELD_OUT_ROLE.name: share_below(pop[HELD_OUT_ROLE.name].to_numpy(), custodian),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--max-share", type=float, default=0.3, help="upper end of each share's prior")
    parser.add_argument("--step", type=float, default=0.02)
    parser.add_argument("--accept", type=float, default=0.1)
    parser.add_argument("--out", type=Path, default=None, help="write the per-firm table here (csv)")
    args = parser.parse_args()
    started = time.perf_counter()
    firms = per_firm(args.orgs)
    if args.out is not None:
        firms.to_csv(args.out, index=False)
    ran = time.perf_counter() - started
    names = [t.name for t in (*FIT_TARGETS, *HELD_OUT)]
    print(
        f"Per policy (mean over firms; functional {HELD_OUT_ROLE.year} below each policy's own "
        f"{CUSTODIAN_LINE.year} line):"
    )
    print("| policy | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for policy, group in firms.groupby("policy", sort=False):
        means = group[names].mean()
        means[HELD_OUT_ROLE.name] = held_out(group)[HELD_OUT_ROLE.name]
        print(f"| {policy} | " + " | ".join(f"{means[n]:.3f}" for n in names) + " |")
    stats = [t.fit_statistic for t in FIT_TARGETS]
    grid = np.round(np.arange(0.0, args.max_share + 1e-9, args.step), 6)
    mixes, per_run = [], []
    for lf in grid:
        for coe in grid:
            shares = {"laissez_faire": float(lf), "social_coe": float(coe)}
            pop = population(firms, shares, args.orgs)
            mixes.append({"row": len(mixes), **shares, **held_out(pop)})
            per_run.append(pop.assign(row=len(mixes) - 1))
    mixes = pd.DataFrame(mixes).set_index("row")
    table = row_statistics(pd.concat(per_run), stats)
    mixes = mixes.join(table[[s.name for s in stats]]).assign(distance=distances(table, stats))
    k = max(1, round(args.accept * len(mixes)))
    accepted = mixes.sort_values("distance", kind="stable").head(k)
    gate = mixes.loc[(mixes.laissez_faire == 0) & (mixes.social_coe == 0)].iloc[0]
    print(f"\nMix grid: shares 0..{args.max_share} step {args.step} ({len(mixes)} mixes), accepted {k}")
    cols = ["laissez_faire", "social_coe", *[s.name for s in stats], *names[len(stats) :], "custodian_line"]
    print("all gatekeeper: " + ", ".join(f"{c} {gate[c]:.3f}" for c in cols))
    print("| quantity | median [90%] over the accepted mixes |")
    print("|---|---|")
    for c in cols:
        q05, q50, q95 = np.quantile(accepted[c], [0.05, 0.5, 0.95])
        print(f"| {c} | {q50:.3f} [{q05:.3f}, {q95:.3f}] |")
    for t in HELD_OUT:
        inside = (accepted[t.name] - t.value).abs() <= t.scale
        print(f"{t.name}: figure {t.value} +- {t.scale}; accepted mixes inside: {inside.mean():.0%}")
    best = mixes.loc[
        (mixes[[t.name for t in HELD_OUT]] - [t.value for t in HELD_OUT]).abs().sum(axis=1).idxmin()
    ]
    print(
        "nearest mix to the held-out figures (diagnosis only, never used): "
        + ", ".join(f"{c} {best[c]:.3f}" for c in [*cols, "distance"])
    )
    print(
        f"{args.orgs} organizations a policy, runs {ran:.0f} s, total {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
