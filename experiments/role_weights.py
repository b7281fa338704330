"""Issue 22, "the weights of it_influence, if the data support it": which weights of the role index's five
components would let State of the CIO's classes, read through lines fitted to 2015, keep the survey's
shape over the years? Diagnosis only: the shipped weights (0.25 each) and lines are unchanged.

The data now read several years of the survey: its functional share in 2015 and 2016 (27% and 20%, the
custodian line fitted to the first) and its transformational share, steady at 45-55% in every year
(the blind row `transformational_steady`). For each weighting on a grid over the simplex (the index's
scale does not matter, the lines being quantiles), over `orgsim validate`'s 400 organizations (seed 0,
calibrated defaults, to 2017): the index is each organization's weighted mean of the yearly means of the
component scores, the lines are fitted to 2015 (27% below, 27% at or above) in sample, and the
weighting *meets the band* when every year of the blind row passes its declared rule, *meets 2016* when
the functional share in 2016 passes the held-out rule (0.20 +- 0.05). Printed: each component alone and
the shipped weights, then how many weightings meet each and the range of each weight among those meeting
both. What a weighting meeting both would mean for the verdict is in docs/ODD.md 2.0.

    python experiments/role_weights.py [--orgs N] [--step S] [key=value ...]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from yearly import base_settings_from, organizations, validate_runs, yearly_scores  # noqa: E402

from orgsim.api import apply  # noqa: E402
from orgsim.calibration.targets import (  # noqa: E402
    CUSTODIAN_LINE,
    HELD_OUT_ROLE,
    STRATEGIC_LINE,
    TRANSFORMATIONAL_STEADY,
)
from orgsim.intervals import wilson_interval  # noqa: E402
from orgsim.model.metrics import ROLE_COMPONENTS, component_weights  # noqa: E402

BAND = TRANSFORMATIONAL_STEADY
YEARS = tuple(sorted({*BAND.years, CUSTODIAN_LINE.year, HELD_OUT_ROLE.year}))
SHORT = {"it_spend_share": "spend", "it_decision_share": "decisions", "it_innovation_share": "work",
         "mean_satisfaction": "satisfaction", "mean_reliance": "reliance"}  # fmt: skip


def scores(setting, orgs: int) -> np.ndarray:
    """[organization, year, component]: the yearly mean of each component's monthly score."""
    return yearly_scores(validate_runs(setting, orgs, max(YEARS)), setting.metrics, setting.start_year, YEARS)


def simplex(step: float) -> np.ndarray:
    """Every weighting of the components in multiples of `step` that sums to 1."""
    n = round(1 / step)
    grid = [w for w in itertools.product(range(n + 1), repeat=len(ROLE_COMPONENTS) - 1) if sum(w) <= n]
    return np.array([[*w, n - sum(w)] for w in grid], dtype=float) / n


def classes(s: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Per weighting (rows of `weights`): the share of organizations below the custodian line and between
    the lines in each year, with the lines fitted to the line year's two tails in sample, and the counts
    behind them."""
    index = s @ weights.T  # organization, year, weighting
    line_year = index[:, YEARS.index(CUSTODIAN_LINE.year), :]
    custodian = np.quantile(line_year, CUSTODIAN_LINE.value, axis=0)
    strategic = np.quantile(line_year, 1.0 - STRATEGIC_LINE.value, axis=0)
    below = (index < custodian).sum(axis=0)  # year, weighting
    between = ((index >= custodian) & (index < strategic)).sum(axis=0)
    return {"below": below, "between": between, "custodian": custodian, "strategic": strategic}


def verdicts(found: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(meets the band, meets 2016) per weighting, by the rows' declared rules (Wilson 95% intervals)."""
    bounds = np.array([wilson_interval(k, n) for k in range(n + 1)])  # count -> (low, high)
    low, high = BAND.low - BAND.tolerance, BAND.high + BAND.tolerance
    band_rows = [YEARS.index(y) for y in BAND.years]
    between = bounds[found["between"][band_rows]]  # band year, weighting, (low, high)
    band = ((between[..., 0] <= high) & (between[..., 1] >= low)).all(axis=0)
    held = bounds[found["below"][YEARS.index(HELD_OUT_ROLE.year)]]
    target, tolerance = HELD_OUT_ROLE.value, HELD_OUT_ROLE.scale
    return band, (held[:, 0] <= target + tolerance) & (held[:, 1] >= target - tolerance)


def describe(weights: np.ndarray) -> str:
    return " ".join(f"{SHORT[c]} {w:.2f}" for c, w in zip(ROLE_COMPONENTS, weights, strict=True) if w > 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--orgs", type=organizations, default=400, help="organizations (orgsim validate's 400)"
    )
    parser.add_argument("--step", type=float, default=0.05, help="grid step of each weight")
    parser.add_argument("overrides", nargs="*", help="key=value settings on the calibrated defaults")
    args = parser.parse_args(argv)
    if not 0 < args.step <= 1 or abs(1 / args.step - round(1 / args.step)) > 1e-9:
        parser.error(f"--step {args.step:g}: must divide 1 into whole steps (0.05, 0.1, 0.25, ...)")
    started = time.perf_counter()
    setting = base_settings_from("role_weights.py", args.overrides)
    setting = apply(setting, {"replicates": 1})
    s = scores(setting, args.orgs)
    n = len(s)

    shipped = np.array(list(component_weights(setting.metrics).values()))
    named = np.vstack([np.eye(len(ROLE_COMPONENTS)), shipped / shipped.sum()])
    found = classes(s, named)
    band, held = verdicts(found, n)
    print(f"## The classes through lines fitted to {CUSTODIAN_LINE.year} ({n} organizations)\n")
    print(
        f"| weights | below the custodian line {YEARS[0]}-{YEARS[-1]} | between the lines {YEARS[0]}-{YEARS[-1]} "
        f"| meets the band ({BAND.low - BAND.tolerance:g}-{BAND.high + BAND.tolerance:g} each year) "
        f"| meets {HELD_OUT_ROLE.year} ({HELD_OUT_ROLE.value:g} +- {HELD_OUT_ROLE.scale:g}) |"
    )
    print("|---|---|---|---|---|")
    for i, w in enumerate(named):
        label = f"shipped ({describe(shipped)})" if i == len(named) - 1 else describe(w)
        below = " / ".join(f"{k / n:.3f}" for k in found["below"][:, i])
        between = " / ".join(f"{k / n:.3f}" for k in found["between"][:, i])
        print(
            f"| {label} | {below} | {between} | {'yes' if band[i] else 'no'} | {'yes' if held[i] else 'no'} |"
        )

    grid = simplex(args.step)
    band, held, below = [], [], []
    for chunk in np.array_split(grid, max(1, len(grid) // 500)):
        found = classes(s, chunk)
        b, h = verdicts(found, n)
        band.append(b)
        held.append(h)
        below.append(found["below"][YEARS.index(HELD_OUT_ROLE.year)])
    band, held, below = np.concatenate(band), np.concatenate(held), np.concatenate(below)
    both = band & held
    print(
        f"\n## Every weighting in steps of {args.step:g} ({len(grid):,})\n\n"
        f"meet the band: {band.sum():,}; meet {HELD_OUT_ROLE.year}: {held.sum():,}; both: {both.sum():,}\n"
    )
    lowest = below.argmin()
    low, high = wilson_interval(int(below[lowest]), n)
    print(
        f"the lowest functional share in {HELD_OUT_ROLE.year} of any weighting: {below[lowest] / n:.3f} "
        f"[{low:.3f}, {high:.3f}] ({describe(grid[lowest])}), against {CUSTODIAN_LINE.value:g} in "
        f"{CUSTODIAN_LINE.year} by construction\n"
    )
    for name, chosen in ((f"meeting the band and {HELD_OUT_ROLE.year}", both), ("meeting the band", band)):
        if not chosen.any():
            continue
        print(f"| component | least weight among those {name} | most |\n|---|---|---|")
        for c, column in zip(ROLE_COMPONENTS, grid[chosen].T, strict=True):
            print(f"| {SHORT[c]} | {column.min():.2f} | {column.max():.2f} |")
        pick = np.abs(grid[chosen] - named[-1]).sum(axis=1).argmin()
        shares = below[chosen] / n
        print(
            f"\nnearest the shipped weights: {describe(grid[chosen][pick])} (functional in "
            f"{HELD_OUT_ROLE.year}: {shares[pick]:.3f}); functional in {HELD_OUT_ROLE.year} among those "
            f"{name}: {shares.min():.3f} to {shares.max():.3f}\n"
        )
        break
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
