"""Issue 22, item 3: which mechanism makes the model's IT lose the technology decisions between 2014 and
2016 (Logicalis: 72% / 66% / 60% of CIOs control most decisions in 2014 / 2015 / 2016)? Paired seeds, calibrated defaults
(gatekeeper, the CIO drawn per firm), each arm one mechanism switched off. Diagnosis only: nothing here is
fitted to the held-out figure.

    python experiments/heldout_mechanisms.py [--orgs N]
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
from orgsim.runner import replicate_seeds  # noqa: E402

ARMS = {
    "reference (calibrated, gatekeeper)": {},
    "core decisions off (decision.core_decisions=0)": {"decision.core_decisions": 0.0},
    # the weight the fit before the sourced range gave them (prior 0.25-2)
    "core decisions as fitted before 2026-12-06 (decision.core_decisions=1.292)": {
        "decision.core_decisions": 1.292
    },
    "cloud push off (environment.cloud_push=0)": {"environment.cloud_push": 0.0},
    "business budgets do not grow (environment.business_tech_growth=0)": {
        "environment.business_tech_growth": 0.0
    },
    "reliance not lost (decision.reliance_loss=0)": {"decision.reliance_loss": 0.0},
    "vendor push off (environment.vendor_push=0)": {"environment.vendor_push": 0.0},
    "IT's budget does not grow (environment.it_budget_growth=0)": {"environment.it_budget_growth": 0.0},
    "no integration needs (it.integration_rate=0)": {"it.integration_rate": 0.0},
    # not a switch: the CIO's response at its strongest, to see whether acting could slow the fall
    "every aspiring CIO acts (it.cio.willingness=0.6)": {"it.cio.willingness": 0.6},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=60)
    args = parser.parse_args()
    seeds = replicate_seeds(22, args.orgs)
    started = time.perf_counter()
    print(
        "| arm | mean IT decision share 2013 / 2014 / 2015 / 2016 | s.d. across firms 2014 "
        "| share controlling most 2014 / 2015 / 2016 |"
    )
    print("|---|---|---|---|")
    years = (2013, 2014, 2015, 2016)
    for name, over in ARMS.items():
        m = yearly_values(through(base_settings(), years[-1], over), seeds, ["it_decision_share"], years)
        m = m["it_decision_share"]
        print(
            f"| {name} | {' / '.join(f'{m[y].mean():.3f}' for y in years)} | {m[2014].std(ddof=1):.3f} | "
            f"{' / '.join(f'{(m[y] > 0.5).mean():.2f}' for y in years[1:])} |",
            flush=True,
        )
    print(f"{args.orgs} organizations an arm, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
