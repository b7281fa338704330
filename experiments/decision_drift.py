"""How fast each firm's IT decision share falls, and what is left of the fall with the exogenous trends flat
and the pushes off (issue 22, the held-out diagnosis). Calibrated defaults, gatekeeper, the CIO drawn per
firm, the same organizations in each arm; the fall is (mean share over 2013 - mean over 2017) / 4, in
points a year, with a 95% interval over firms.

    python experiments/decision_drift.py [--orgs N] [key=value ...]

Extra key=value pairs apply to every arm (for example the medians of an earlier fit).
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=60)
    parser.add_argument("overrides", nargs="*", help="key=value applied to every arm")
    args = parser.parse_args()
    extra = {k: float(v) for k, v in (o.split("=", 1) for o in args.overrides)}
    seeds = replicate_seeds(22, args.orgs)
    started = time.perf_counter()
    print("| setting | fall of the decision share, points a year (95%) |")
    print("|---|---|")
    for name, arm in ARMS.items():
        setting = apply(base_settings(), {"years": 6, **extra, **arm})
        falls = []
        for s in seeds:
            _, table = simulate(setting, s, ["it_decision_share"])
            first, last = (window(table, setting.start_year, y, "it_decision_share") for y in (2013, 2017))
            falls.append((first - last) / 4 * 100)
        f = np.array(falls)
        print(f"| {name} | {f.mean():.1f} ± {1.96 * f.std(ddof=1) / np.sqrt(len(f)):.1f} |", flush=True)
    print(f"{args.orgs} organizations an arm, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
