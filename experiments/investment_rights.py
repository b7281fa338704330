"""Who decides the business's core technology, and the Logicalis series (issue 22): the share of firms
whose IT takes more than half of the technology decisions in 2014 / 2015 / 2016 (the survey: 0.72 / 0.66 /
0.60) under each IT investment arrangement (`org.investment_rights`, Weill's archetypes; ODD 3.3.23), and
the mean decision share's fall from 2014 to 2016. Calibrated defaults, gatekeeper, the CIO drawn per firm,
the same organizations in each arm.

    python experiments/investment_rights.py [--orgs N] [key=value ...]

Extra key=value overrides apply to every arm (for example `decision.core_decisions=1` or the medians of
another fit); a bad one is answered in one line, as `orgsim run` answers it.
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

from orgsim.config.schema import INVESTMENT_RIGHTS  # noqa: E402
from orgsim.intervals import mean_interval, share_interval  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = (2014, 2015, 2016)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=300)
    parser.add_argument("overrides", nargs="*", help="key=value applied to every arm")
    args = parser.parse_args()
    base = base_settings_from("investment_rights", args.overrides)
    settings = {r: through(base, YEARS[-1], {"org.investment_rights": r}) for r in INVESTMENT_RIGHTS}
    seeds = replicate_seeds(22, args.orgs)
    started = time.perf_counter()
    print(
        "| org.investment_rights | IT takes most decisions, 2014 / 2015 / 2016 [95%] | fall of the mean share, points a year |"
    )
    print("|---|---|---|")
    for name, setting in settings.items():
        share = yearly_values(setting, seeds, ["it_decision_share"], YEARS)["it_decision_share"]
        cells = []
        for y in YEARS:
            value, low, high = share_interval(share[y] > 0.5)
            cells.append(f"{value:.2f} [{low:.2f}, {high:.2f}]")
        mean, low, high = mean_interval((share[YEARS[0]] - share[YEARS[-1]]) / 2 * 100)
        print(f"| {name} | {' / '.join(cells)} | {mean:.1f} ± {(high - low) / 2:.1f} |", flush=True)
    print(f"{args.orgs} organizations an arm, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
