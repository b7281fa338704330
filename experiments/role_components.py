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

from orgsim.api import apply, base_settings, simulate  # noqa: E402
from orgsim.calibration.targets import window  # noqa: E402
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
    parser.add_argument("--orgs", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    base = base_settings()
    setting = apply(base, {"years": YEARS[-1] - base.start_year + 1})
    values = {c: {y: [] for y in YEARS} for c in COMPONENTS}
    for seed in replicate_seeds(22, args.orgs):
        _, table = simulate(setting, seed, COMPONENTS)
        for c in COMPONENTS:
            for y in YEARS:
                values[c][y].append(window(table, setting.start_year, y, c))
    print("| component | mean 2013 / 2014 / 2015 / 2016 / 2017 | 2016 line (27%) | below it, 2015 / 2017 |")
    print("|---|---|---|---|")
    for c in COMPONENTS:
        v = {y: np.array(values[c][y]) for y in YEARS}
        line = float(np.quantile(v[2016], 0.27))
        means = " / ".join(f"{v[y].mean():.3f}" for y in YEARS)
        print(
            f"| `{c}` | {means} | {line:.3f} | {(v[2015] < line).mean():.2f} / {(v[2017] < line).mean():.2f} |"
        )
    print(f"{args.orgs} organizations, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
