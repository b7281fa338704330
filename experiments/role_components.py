"""Each component of IT's role, year by year, against the State of the CIO reading (issue 22): the yearly
mean over firms 2013-2017, the 27% quantile over firms in 2016 as a line, and the share of firms below
that line in 2015 and in 2017 (the survey: 27% functional in 2016, 20% in 2017). Calibrated defaults,
gatekeeper, the CIO drawn per firm.

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
from yearly import through, yearly_values  # noqa: E402

from orgsim.api import base_settings  # noqa: E402
from orgsim.calibration.roles import share_below  # noqa: E402
from orgsim.calibration.targets import TARGETS  # noqa: E402
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
FUNCTIONAL = next(t for t in TARGETS if t.name == "cio_functional_2016").value  # the line's quantile


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    values = yearly_values(
        through(base_settings(), YEARS[-1]), replicate_seeds(22, args.orgs), COMPONENTS, YEARS
    )
    print("| component | mean 2013 / 2014 / 2015 / 2016 / 2017 | 2016 line (27%) | below it, 2015 / 2017 |")
    print("|---|---|---|---|")
    for c in COMPONENTS:
        v = values[c]
        line = float(np.quantile(v[2016], FUNCTIONAL))
        means = " / ".join(f"{v[y].mean():.3f}" for y in YEARS)
        print(
            f"| `{c}` | {means} | {line:.3f} | {share_below(v[2015], line):.2f} / {share_below(v[2017], line):.2f} |"
        )
    print(f"{args.orgs} organizations, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
