"""Issue 22, how the verdict moves with the fit: the default verdict (share of organizations below the
custodian line in the horizon's last year) at any parameter set, with the role lines fitted again to that
population as `calibrate_population.py` fits them at the shipped medians (27% functional and 27%
strategic in the lines' year), and the held-out functional share. Diagnosis only: nothing is written.

    python experiments/verdict_at.py [--orgs N] key=value ...

The base is the calibration's (`calibrated=none`: every parameter not given at its hand-set value) under
the shipped fit's `org.investment_rights=drawn`; the overrides set the rest. The shipped defaults
(configs/calibrated/abc_2012.yaml) are always run first, the same way, so the two stand side by side.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from yearly import base_settings_from, organizations, through  # noqa: E402

from orgsim.calibration import posterior, roles  # noqa: E402
from orgsim.calibration.targets import CUSTODIAN_LINE, HELD_OUT_ROLE, STRATEGIC_LINE  # noqa: E402
from orgsim.config.compose import load_settings  # noqa: E402

SHIPPED = "calibrated=abc_2012"


def report(over: list[str], final_year: int, args: argparse.Namespace) -> None:
    """Run the population, fit the lines to it and print them, the held-out share and the verdict."""
    started = time.perf_counter()
    line_year, held_year = CUSTODIAN_LINE.year, HELD_OUT_ROLE.year
    years = tuple(sorted({line_year, held_year, final_year}))
    setting = through(base_settings_from("verdict_at.py", over), max(years))
    pop = posterior.population(setting, pd.DataFrame([{}]), args.orgs, args.seed, args.workers, years=years)
    fitted = roles.fit_lines(
        pop[f"influence_{line_year}"],
        None,
        CUSTODIAN_LINE.value,
        STRATEGIC_LINE.value,
        {"held": pop[f"influence_{held_year}"]},
    )
    share, low, high = fitted.held_out["held"]
    verdict = posterior.bootstrap_share(pop[f"influence_{final_year}"] < fitted.custodian, pop["set"])
    print(f"{' '.join(over)}; {args.orgs} organizations, seed {args.seed}")
    print(
        f"  lines fitted to {line_year}: custodian {fitted.custodian:.3f} [90%: "
        f"{fitted.custodian_interval[0]:.3f}, {fitted.custodian_interval[1]:.3f}], strategic {fitted.strategic:.3f}"
    )
    print(
        f"  held-out functional share {held_year}: {share:.3f} [90%: {low:.3f}, {high:.3f}] against {HELD_OUT_ROLE.value}"
    )
    print(
        f"  marginalized in {final_year}: {verdict.share:.1%} [95%: {verdict.low:.1%}, {verdict.high:.1%}] "
        f"({time.perf_counter() - started:.0f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", metavar="key=value")
    parser.add_argument("--orgs", type=organizations, default=1000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    default = load_settings([])
    final_year = default.start_year + default.years - 1  # the year `orgsim run` reads its verdict in
    configurations = [[SHIPPED]]
    if args.overrides:
        configurations.append(["calibrated=none", "org.investment_rights=drawn", *args.overrides])
    for over in configurations:
        report(over, final_year, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
