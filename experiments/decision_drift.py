"""How fast each firm's IT decision share falls, and what is left of the fall with the exogenous trends flat
and the pushes off (issue 22, the held-out diagnosis). Calibrated defaults, gatekeeper, the CIO drawn per
firm, the same organizations in each arm; the fall is (mean share over 2013 - mean over 2017) / 4, in
points a year, with a 95% interval over firms.

    python experiments/decision_drift.py [--orgs N] [key=value ...]

Extra key=value overrides apply to every arm (for example the medians of an earlier fit); a bad one is
answered in one line, as `orgsim run` answers it.
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

from orgsim.intervals import mean_interval  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

FLAT = {"environment.consumerization.end": 0.2, "environment.app_stores.end": 0.1}  # held at their start
ARMS = {
    "as calibrated": {},
    "consumerization and app stores flat": FLAT,
    "also the cloud push, the functions' budget growth and vendor push off": {
        **FLAT,
        "environment.cloud_push": 0.0,
        "environment.business_tech_growth": 0.0,
        "environment.vendor_push": 0.0,
    },
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=60)
    parser.add_argument("overrides", nargs="*", help="key=value applied to every arm")
    args = parser.parse_args()
    base = base_settings_from("decision_drift", args.overrides)
    settings = {name: through(base, 2017, arm) for name, arm in ARMS.items()}
    seeds = replicate_seeds(22, args.orgs)
    started = time.perf_counter()
    print("| setting | fall of the decision share, points a year (95%) |")
    print("|---|---|")
    for name, setting in settings.items():
        share = yearly_values(setting, seeds, ["it_decision_share"], (2013, 2017))["it_decision_share"]
        mean, low, high = mean_interval((share[2013] - share[2017]) / 4 * 100)
        print(f"| {name} | {mean:.1f} ± {(high - low) / 2:.1f} |", flush=True)
    print(f"{args.orgs} organizations an arm, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
