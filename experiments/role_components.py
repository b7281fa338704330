"""Each component of IT's role, year by year, against the State of the CIO reading (issue 22): the yearly
mean over firms 2013-2017, the 27% quantile over firms in the line's year (2015) as a line, and the share
of firms below that line a year before and a year after (the survey, dated by its fielding: 27% functional
in 2015, 20% in 2016). Calibrated defaults, gatekeeper, the CIO drawn per firm.

    python experiments/role_components.py [--orgs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from yearly import FUNCTIONAL, LINE_YEAR, organizations, through, yearly_values  # noqa: E402

from orgsim.api import base_settings  # noqa: E402
from orgsim.calibration.roles import share_below  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

COMPONENTS = (
    "it_innovation_share",
    "it_influence",
    "it_decision_share",
    "it_spend_share",
    "mean_satisfaction",
    "mean_reliance",
)
YEARS = tuple(range(2013, 2018))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    values = yearly_values(
        through(base_settings(), YEARS[-1]), replicate_seeds(22, args.orgs), COMPONENTS, YEARS
    )
    before, after = LINE_YEAR - 1, LINE_YEAR + 1
    print(
        f"| component | mean 2013 / 2014 / 2015 / 2016 / 2017 | {LINE_YEAR} line ({FUNCTIONAL:.0%}) "
        f"| below it, {before} / {after} |"
    )
    print("|---|---|---|---|")
    for c in COMPONENTS:
        v = values[c]
        line = float(np.quantile(v[LINE_YEAR], FUNCTIONAL))
        means = " / ".join(f"{v[y].mean():.3f}" for y in YEARS)
        print(
            f"| `{c}` | {means} | {line:.3f} | {share_below(v[before], line):.2f} / {share_below(v[after], line):.2f} |"
        )
    print(f"{args.orgs} organizations, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
