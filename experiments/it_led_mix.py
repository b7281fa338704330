"""Issue 22, diagnosis only: does a population in which IT leads in some firms keep the model's share of
firms below the custodian line from rising after the line's year? Firms run innovation_partner (IT scouts
and selects tools for the departments' unmet needs) in the share given, gatekeeper in the rest (the
stratified allocation of orgsim.calibration.mix), at the calibrated defaults. The line is drawn through
this population's own line year (27% functional) and read in the held-out year, as `orgsim validate` does.
The 22% arm is the Economist Intelligence Unit's share of firms whose IT leads digital transformation
(Digitising IT, 2016), read after the held-out row had failed: nothing here is fitted or shipped.

    python experiments/it_led_mix.py [--orgs 300] [--seed 22]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from yearly import FUNCTIONAL, HELD_YEAR, LINE_YEAR, base_settings_from, organizations, through, yearly_values  # noqa: E402

from orgsim.calibration.mix import firm_policies  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

SHARES = (0.0, 0.22, 0.5, 1.0)
POLICIES = ("gatekeeper", "innovation_partner")
REPORTERS = ("it_influence", "it_decision_share")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=organizations, default=300)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    seeds = replicate_seeds(args.seed, args.orgs)
    years = [LINE_YEAR - 1, LINE_YEAR, HELD_YEAR]
    # every firm run under both policies once; a mix picks each firm's run by its allocated policy
    runs = {
        p: yearly_values(
            through(base_settings_from("it_led_mix", [f"policy={p}"]), HELD_YEAR), seeds, REPORTERS, years
        )
        for p in POLICIES
    }
    print(
        f"{args.orgs} organizations, seed {args.seed}; line through {LINE_YEAR} at {FUNCTIONAL:.0%}, read in {HELD_YEAR}"
    )
    print(
        "| IT-led share | line | below it in the held-out year | mean it_influence by year | controls most decisions by year |"
    )
    print("|---|---|---|---|---|")
    for share in SHARES:
        policy = np.array(firm_policies({"innovation_partner": share} if share else {}, args.orgs))
        value = {
            r: {
                y: np.where(
                    policy == "gatekeeper", runs["gatekeeper"][r][y], runs["innovation_partner"][r][y]
                )
                for y in years
            }
            for r in REPORTERS
        }
        line = float(np.quantile(value["it_influence"][LINE_YEAR], FUNCTIONAL))
        below = float(np.mean(value["it_influence"][HELD_YEAR] < line))
        means = " / ".join(f"{value['it_influence'][y].mean():.3f}" for y in years)
        most = " / ".join(f"{np.mean(value['it_decision_share'][y] > 0.5):.2f}" for y in years)
        print(f"| {share:.2f} | {line:.3f} | {below:.3f} | {means} | {most} |")
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
