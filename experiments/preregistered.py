"""The model's values for the two figures pre-registered on 2026-12-06 (docs/ODD.md 2.0): Logicalis 2017
(share of organizations whose IT makes more than half of the technology decisions) and State of the CIO
2018 (share of organizations below the custodian line fitted to 2016), with the series 2013-2018 they
come from. Calibrated defaults, gatekeeper, the CIO drawn per firm; 95% Wilson intervals.

    python experiments/preregistered.py [--orgs N]
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
from orgsim.report import wilson_interval  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = tuple(range(2013, 2019))


def share(flags: np.ndarray) -> str:
    low, high = wilson_interval(int(flags.sum()), len(flags))
    return f"{flags.mean():.3f} [{low:.3f}, {high:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=400)
    args = parser.parse_args()
    started = time.perf_counter()
    base = base_settings()
    line = base.metrics.custodian_threshold
    setting = apply(base, {"years": YEARS[-1] - base.start_year + 1})  # to the end of 2018
    decisions = {y: [] for y in YEARS}
    influence = {y: [] for y in YEARS}
    for seed in replicate_seeds(2026, args.orgs):
        _, table = simulate(setting, seed, ["it_decision_share", "it_influence"])
        for y in YEARS:
            decisions[y].append(window(table, setting.start_year, y, "it_decision_share"))
            influence[y].append(window(table, setting.start_year, y, "it_influence"))
    print(f"| year | IT makes most decisions | below the custodian line {line} |")
    print("|---|---|---|")
    for y in YEARS:
        print(f"| {y} | {share(np.array(decisions[y]) > 0.5)} | {share(np.array(influence[y]) < line)} |")
    print(f"{args.orgs} organizations, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
