"""Issue 22, item 4: the verdict over the posterior in each horizon year. Each accepted calibration set
(configs/calibrated/abc_2012_posterior.csv) runs `--per-set` organizations of the default scenario
(calibrated defaults, gatekeeper, the CIO drawn per firm) to the end of 2017; an organization counts as
marginalized in a year when its mean it_influence over that year lies below the fitted custodian line.
Shares carry a 95% two-level bootstrap interval (sets, then organizations): chance plus parameters.

    python experiments/posterior_years.py [--per-set N] [--workers W]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from orgsim import api  # noqa: E402
from orgsim.calibration import posterior  # noqa: E402

YEARS = (2013, 2014, 2015, 2016, 2017)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-set", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    started = time.perf_counter()
    base = api.apply(api.base_settings(), {"years": 6})
    line = base.metrics.custodian_threshold
    sets = posterior.load_sets()
    pop = posterior.population(base, sets, args.per_set, args.seed, args.workers, years=YEARS)
    print(f"custodian line {line}; {len(sets)} sets x {args.per_set} organizations")
    print("| year | share marginalized (influence below the line) | 95% (chance plus parameters) |")
    print("|---|---|---|")
    for y in YEARS:
        v = posterior.bootstrap_share(pop[f"influence_{y}"] < line, pop["set"])
        print(f"| {y} | {v.share:.1%} | {v.low:.1%} - {v.high:.1%} |")
    v = posterior.verdict(pop)
    print(f"run verdict (summary 'marginalized'): {v.describe()}")
    print(f"took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
