"""The model's values for the two figures pre-registered on 2026-12-06 (docs/ODD.md 2.0): Logicalis 2017
(share of organizations whose IT makes more than half of the technology decisions) and State of the CIO
2018, fielded in the autumn of 2017 (share of organizations below the custodian line, fitted to the
2016 edition's 27%, dated 2015 by its fielding), with the series 2013-2018 they come from. Calibrated
defaults, gatekeeper, the CIO drawn per firm; 95% Wilson intervals.

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
from yearly import organizations, through, yearly_values  # noqa: E402

from orgsim.api import base_settings  # noqa: E402
from orgsim.intervals import share_interval  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = tuple(range(2013, 2019))


def share(flags: np.ndarray) -> str:
    return "{:.3f} [{:.3f}, {:.3f}]".format(*share_interval(flags))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=400)
    args = parser.parse_args()
    started = time.perf_counter()
    base = base_settings()
    line = base.metrics.custodian_threshold
    values = yearly_values(
        through(base, YEARS[-1]),
        replicate_seeds(2026, args.orgs),
        ["it_decision_share", "it_influence"],
        YEARS,
    )
    decisions, influence = values["it_decision_share"], values["it_influence"]
    print(f"| year | IT makes most decisions | below the custodian line {line} |")
    print("|---|---|---|")
    for y in YEARS:
        print(f"| {y} | {share(decisions[y] > 0.5)} | {share(influence[y] < line)} |")
    print(f"{args.orgs} organizations, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
