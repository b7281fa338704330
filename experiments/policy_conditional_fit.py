"""Issue 22, item 1 (diagnosis only): how far the fitted targets' statistics depend on the policy every
calibration firm runs (gatekeeper). At the calibrated defaults, `--orgs` organizations per policy (the
CIO drawn per firm), each fitted target's statistic computed as in the fit
(orgsim.calibration.targets.run_statistics), averaged over the organizations.

    python experiments/policy_conditional_fit.py [--orgs N]
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
from orgsim.calibration.targets import FIT_REPORTERS, FIT_TARGETS, run_statistics  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

POLICIES = ("gatekeeper", "laissez_faire", "broker", "social_coe", "innovation_partner")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=60)
    args = parser.parse_args()
    started = time.perf_counter()
    names = [t.name for t in FIT_TARGETS]
    print("| policy | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    print("| published | " + " | ".join(f"{t.value:.2f} +- {t.scale:.2f}" for t in FIT_TARGETS) + " |")
    for policy in POLICIES:
        setting = apply(base_settings(policy=policy), {"years": 3})
        rows = []
        for s in replicate_seeds(22, args.orgs):
            _, table = simulate(setting, s, FIT_REPORTERS)
            rows.append(run_statistics(table, setting.start_year, FIT_TARGETS))
        means = pd.DataFrame(rows)[names].mean()
        print(f"| {policy} | " + " | ".join(f"{means[n]:.3f}" for n in names) + " |", flush=True)
    print(f"{args.orgs} organizations a policy, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
