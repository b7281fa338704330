"""Issue 22, diagnosis only: how widely does the share of technology spend IT holds vary across firms,
against State of the CIO's 2016 figures (a mean of 54% through IT, and one third of CIOs saying IT holds
71% or more)? The calibrated defaults, then each firm-level spread of the budget split at the top of its
calibration prior. Beside them, how CEB's 2013 ratio (shadow spend on top of the IT budget, the fitted
target: a mean over firms of each firm's ratio) and IDC's 2015 share (a share of worldwide spending, so a
pooled, dollar-weighted share) read when pooled over the firms instead: each firm's outside spend is taken
as its yearly mean IT budget x share / (1 - share) from the yearly means. CEB's ratio is also read as CEB
computed it (ITProPortal, 26 November 2013: the average firm's technology spend 4.3% of revenue, 3.1% by
IT and 1.2% business-sourced, so 1.2 / 3.1 = 0.39): the firms' mean outside spend per head over their
mean IT budget per head (revenue per head taken as equal across firms: an assumption). Nothing here is
fitted or shipped.

    python experiments/spend_spread.py [--orgs 300] [--seed 22]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from yearly import base_settings_from, organizations, through, yearly_values  # noqa: E402

from orgsim.intervals import ratio_interval, wilson_interval  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = (2012, 2013, 2015, 2016)
REPORTERS = ("business_tech_spend_share", "it_budget", "headcount")
HOLDS = 0.71  # the survey's top answer: IT holds 71% or more
# each spread at the top of its calibration prior (docs/ODD.md 2.0), one at a time and together
ARMS = {
    "calibrated defaults": {},
    "org.committed_spread=1.5": {"org.committed_spread": 1.5},
    "org.it_budget_spread=1.0": {"org.it_budget_spread": 1.0},
    "both at the top": {"org.committed_spread": 1.5, "org.it_budget_spread": 1.0},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=organizations, default=300)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    seeds = replicate_seeds(args.seed, args.orgs)
    base = base_settings_from("spend_spread", [])
    print(
        f"{args.orgs} organizations, seed {args.seed}; IT's share of technology spend = 1 - business_tech_spend_share"
    )
    print("survey (State of the CIO, fielded 2012 / 2016): mean 0.71 / 0.54; 2016: one third at 0.71 or more")
    print("| arm | mean 2012 | mean 2016 | s.d. 2016 | 10% / 50% / 90% 2016 | at 0.71 or more 2016 [95%] |")
    print("|---|---|---|---|---|---|")
    pooled = {}
    for name, params in ARMS.items():
        got = yearly_values(through(base, max(YEARS), params), seeds, REPORTERS, YEARS)
        share, budget, heads = got["business_tech_spend_share"], got["it_budget"], got["headcount"]
        it = {y: 1.0 - share[y] for y in YEARS}
        ratio = share[2013] / (1.0 - share[2013])
        outside = budget[2015] * share[2015] / (1.0 - share[2015])
        # a pooled ratio is each firm's ratio weighted by its denominator (orgsim.intervals.ratio_interval,
        # as the targets' weighted rows read it), per head for CEB's own reading
        pooled[name] = (
            ratio.mean(),
            float(np.median(ratio)),
            ratio_interval(ratio, budget[2013]),
            ratio_interval(ratio, budget[2013] / heads[2013]),
            share[2015].mean(),
            ratio_interval(share[2015], outside + budget[2015]),
        )
        last = it[max(YEARS)]
        holds = int((last >= HOLDS).sum())
        top, (low, high) = holds / len(last), wilson_interval(holds, len(last))
        q = np.quantile(last, [0.1, 0.5, 0.9])
        print(
            f"| {name} | {it[min(YEARS)].mean():.3f} | {last.mean():.3f} | {last.std(ddof=1):.3f} | "
            f"{q[0]:.2f} / {q[1]:.2f} / {q[2]:.2f} | {top:.3f} [{low:.3f}, {high:.3f}] |"
        )
    print()
    print(
        "| arm | CEB 2013 (0.40 +- 0.10): mean of firms' ratios / median / pooled / CEB's own (per head) | IDC 2015 (0.435 +- 0.05): mean of firms' shares / pooled |"
    )
    print("|---|---|---|")

    def shown(interval) -> str:
        return f"{interval[0]:.3f} [{interval[1]:.3f}, {interval[2]:.3f}]"

    for name, (mean_r, median_r, pooled_r, per_head, mean_s, pooled_s) in pooled.items():
        print(
            f"| {name} | {mean_r:.3f} / {median_r:.3f} / {shown(pooled_r)} / {shown(per_head)} | "
            f"{mean_s:.3f} / {shown(pooled_s)} |"
        )
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
