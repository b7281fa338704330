"""How well do the accepted calibration sets meet the fitted figures when each is run again, on new seeds
and more organizations (issue 22)? The ABC accepts a set on its own 20 runs; among 2,000 noisy sets the
nearest are partly those whose noise fell the right way, so a set's own estimate flatters it. This runs
every shipped accepted set (configs/calibrated/abc_2012_posterior.csv) on `--orgs` new organizations to
the end of the last fitted year (2015 since 2026-12-07, 2014 before) and reads each fitted target as
`orgsim calibrate` reads it (for CEB the organizations' ratio of averages per head since 2026-12-07, a
mean of their ratios before; a share of organizations for Logicalis; IDC pooled). Then the verdict `orgsim run posterior_sets=50` reports
(the share marginalized over the posterior, default scenario) over every set and over those alone that
met every fitted figure within its scale on the new organizations (`--per-set` organizations each).

    python experiments/posterior_check.py [--orgs N] [--per-set M] [--workers W] [--sets accepted.csv]

`--sets` reads another calibration's accepted sets (its accepted.csv; the parameter columns are the
dotted keys) instead of the shipped ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from yearly import organizations, through  # noqa: E402

from orgsim import api  # noqa: E402
from orgsim.calibration.posterior import load_sets, population, verdict  # noqa: E402
from orgsim.calibration.targets import FIT_REPORTERS, TARGETS  # noqa: E402
from orgsim.evaluators import make_evaluator  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

FITTED = tuple(t for t in TARGETS if t.use == "fit")
LAST_YEAR = max(t.year for t in FITTED)


def set_values(params: dict, orgs: int, seed: int) -> dict[str, float]:
    """Each fitted target's population value for one parameter set on `orgs` new organizations."""
    setting = through(api.base_settings(), LAST_YEAR, params)
    per_run = {t.name: [] for t in FITTED}
    weights = {t.name: [] for t in FITTED}
    for s in replicate_seeds(seed, orgs):
        _, table = api.simulate(setting, s, list(FIT_REPORTERS))
        for t in FITTED:
            per_run[t.name].append(t.run_value(table, setting.start_year))
            weights[t.name].append(t.run_weight(table, setting.start_year))  # 1 unless a ratio of means
    return {name: float(np.average(values, weights=weights[name])) for name, values in per_run.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=100)
    parser.add_argument("--per-set", type=organizations, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sets", type=Path, default=None)
    args = parser.parse_args()
    sets = load_sets() if args.sets is None else load_sets(args.sets)
    sets = sets[[c for c in sets.columns if "." in c]]  # the parameters: dotted keys
    started = time.perf_counter()
    tasks = [
        ({k: float(v) for k, v in row.items()}, args.orgs, 31 + 7919 * i)
        for i, row in enumerate(sets.to_dict("records"))
    ]
    with make_evaluator("processes", args.workers) as evaluator:
        values = evaluator.map(set_values, tasks)
    print(f"{len(sets)} accepted sets, {args.orgs} new organizations each (to the end of {LAST_YEAR})")
    print("| target | figure ± scale | over the sets: median [5%, 95%] | sets within the scale |")
    print("|---|---|---|---|")
    within_all = np.ones(len(values), dtype=bool)
    for t in FITTED:
        v = np.array([row[t.name] for row in values])
        within = np.abs(v - t.value) <= t.scale
        within_all &= within
        q5, q50, q95 = np.quantile(v, [0.05, 0.5, 0.95])
        print(
            f"| {t.name} | {t.value} ± {t.scale} | {q50:.3f} [{q5:.3f}, {q95:.3f}] | {within.sum()} of {len(v)} |"
        )
    print(f"sets within the scale of every fitted figure: {within_all.sum()} of {len(values)}")
    pop = population(api.base_settings(), sets, args.per_set, seed=0, workers=args.workers)
    confirmed = np.flatnonzero(within_all)
    for name, kept in (("every set", pop), ("the confirmed sets", pop[pop["set"].isin(confirmed)])):
        if len(kept):
            print(f"over {name}: {verdict(kept).describe().split('; by year')[0]}")
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
