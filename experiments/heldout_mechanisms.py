"""Issue 22, item 3: which mechanism makes the model's IT lose the technology decisions between 2014 and
2015 (held-out Logicalis 2015: 66% of CIOs control most decisions)? Paired seeds, calibrated defaults
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

from orgsim.api import apply, base_settings, simulate  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

ARMS = {
    "reference (calibrated, gatekeeper)": {},
    "core decisions off (decision.core_decisions=0)": {"decision.core_decisions": 0.0},
    "cloud push off (environment.cloud_push=0)": {"environment.cloud_push": 0.0},
    "business budgets do not grow (environment.business_tech_growth=0)": {
        "environment.business_tech_growth": 0.0
    },
    "reliance not lost (decision.reliance_loss=0)": {"decision.reliance_loss": 0.0},
    "vendor push off (environment.vendor_push=0)": {"environment.vendor_push": 0.0},
    "IT's budget does not grow (environment.it_budget_growth=0)": {"environment.it_budget_growth": 0.0},
    "no integration needs (it.integration_rate=0)": {"it.integration_rate": 0.0},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=60)
    args = parser.parse_args()
    seeds = replicate_seeds(22, args.orgs)
    started = time.perf_counter()
    print(
        "| arm | mean IT decision share 2013 / 2014 / 2015 | s.d. across firms 2014 | share controlling most 2014 / 2015 |"
    )
    print("|---|---|---|---|")
    for name, over in ARMS.items():
        setting = apply(base_settings(), {"years": 4, **over})
        means = {y: [] for y in (2013, 2014, 2015)}
        for s in seeds:
            _, table = simulate(setting, s, ["it_decision_share"])
            months = np.asarray(table["it_decision_share"], dtype=float)
            for i, y in enumerate((2013, 2014, 2015), start=1):
                means[y].append(float(np.nanmean(months[12 * i : 12 * (i + 1)])))
        m = {y: np.array(v) for y, v in means.items()}
        print(
            f"| {name} | {m[2013].mean():.3f} / {m[2014].mean():.3f} / {m[2015].mean():.3f} | "
            f"{m[2014].std(ddof=1):.3f} | {(m[2014] > 0.5).mean():.2f} / {(m[2015] > 0.5).mean():.2f} |",
            flush=True,
        )
    print(f"{args.orgs} organizations an arm, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
