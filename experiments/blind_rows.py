"""Issue 22, why the two blind held-out rows fail (diagnosis only: nothing here is fitted or shipped, and
both rows keep the statistics and tolerances declared before their values were computed).

1. State of the CIO's transformational share, steady at 45-55% (`transformational_steady`): per year, the
   shares of firms below the custodian line, between the lines and at or above the strategic line (the
   lines fitted to 2015), and the mean of each role component's score (on the influence scale), over
   the same 400 organizations `orgsim validate` runs (seed 0, calibrated defaults, to 2017).
2. Logicalis 2014's two thirds of CIOs whose IT manages what the business buys
   (`it_manages_business_bought_2014`): where the social tools the business brought in itself stand
   over 2014 (IT-managed, known to IT and left to the business, undiscovered shadow), and the row's
   statistic when each of IT's takeover settings is moved to the top of its plausible range, alone and
   together (paired organizations, runs to 2014).

    python experiments/blind_rows.py [--orgs N] [--arm-orgs N] [key=value ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from operator import attrgetter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from yearly import base_settings_from, organizations, through, validate_runs, yearly_scores  # noqa: E402

from orgsim.api import apply, simulate  # noqa: E402
from orgsim.calibration.targets import TARGETS, TRANSFORMATIONAL_STEADY, window  # noqa: E402
from orgsim.config.schema import plausible_ranges  # noqa: E402
from orgsim.intervals import mean_interval, share_interval  # noqa: E402
from orgsim.model.metrics import ROLE_COMPONENTS  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = tuple(range(2012, 2018))
BOUGHT = next(t for t in TARGETS if t.name == "it_manages_business_bought_2014")
# where a business-bought tool stands: IT manages it, IT knows it and leaves it, IT has not found it
PARTS = ("managed", "known", "undiscovered")
# IT's response to what the business brings in (3.3.15-16): each arm sets one of these at the top of its
# plausible range (the schema's), named by what it means
TAKEOVER = {
    "it.stances.neutral.absorb": "absorb a discovered tool (neutral stance)",
    "it.discovery_rate": "discovery a month",
    "it.integration_rate": "integration need a month",
    "it.integration_readiness": "readiness to take over",
}
COUNTS = ("deployments_byot", "deployments_shadow", "deployments_it_managed", "deployments_sanctioned",
          "deployments_brokered", "undiscovered_shadow")  # fmt: skip


def fmt(value: float, low: float, high: float) -> str:
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def role_shape(setting, orgs: int) -> None:
    """Part 1: the classes and the component scores by year, over orgsim validate's organizations."""
    runs = validate_runs(setting, orgs, YEARS[-1])
    metrics, start = setting.metrics, setting.start_year

    def per_year(column: str, year: int) -> np.ndarray:
        return np.array([window(t, start, year, column) for t in runs])

    custodian, strategic = metrics.custodian_threshold, metrics.strategic_threshold
    print(f"## 1. The classes by year ({orgs} organizations, lines {custodian:.3f} / {strategic:.3f})\n")
    print("| year | below the custodian line | between (transformational) | at or above the strategic line "
          "| mean influence | " + " | ".join(ROLE_COMPONENTS) + " |")  # fmt: skip
    print("|---|---|---|---|---|" + "---|" * len(ROLE_COMPONENTS))
    scores = yearly_scores(runs, metrics, start, YEARS)  # organization, year, component
    for i, year in enumerate(YEARS):
        influence = per_year("it_influence", year)
        classes = (
            influence < custodian,
            (influence >= custodian) & (influence < strategic),
            influence >= strategic,
        )
        print(
            f"| {year} | "
            + " | ".join(fmt(*share_interval(c)) for c in classes)
            + f" | {influence.mean():.3f} | "
            + " | ".join(f"{m:.3f}" for m in scores[:, i].mean(axis=0))
            + " |"
        )
    band = TRANSFORMATIONAL_STEADY
    print(f"\nThe survey: {band.low:.0%}-{band.high:.0%} transformational in every year (a year passes when "
          f"its interval meets {band.low - band.tolerance:g}-{band.high + band.tolerance:g}); scores on the "
          "influence scale (spend and innovation shares over their targets, capped at 1).\n")  # fmt: skip


def bought(setting, seeds: list[int]) -> dict[str, np.ndarray]:
    """Per organization over 2014: the row's 0/1 statistic and where the business-bought tools stand."""
    setting = through(setting, BOUGHT.year)
    out: dict[str, list[float]] = {k: [] for k in ("row", *PARTS)}
    for seed in seeds:
        _, table = simulate(setting, seed, COUNTS)
        out["row"].append(BOUGHT.run_value(table, setting.start_year))
        mean = {c: window(table, setting.start_year, BOUGHT.year, c) for c in COUNTS}
        outside = mean["deployments_byot"] + mean["deployments_shadow"]
        managed = (
            mean["deployments_it_managed"] - mean["deployments_sanctioned"] - mean["deployments_brokered"]
        )
        parts = {
            "managed": managed,
            "undiscovered": mean["undiscovered_shadow"],
            "known": outside - managed - mean["undiscovered_shadow"],
        }
        for k, v in parts.items():
            out[k].append(v / outside if outside > 0 else np.nan)
    return {k: np.array(v, dtype=float) for k, v in out.items()}


def takeover(setting, orgs: int) -> None:
    """Part 2: the business-bought tools in 2014, at the shipped settings and with each takeover setting
    at the top of its plausible range (paired organizations)."""
    seeds = replicate_seeds(31, orgs)
    ranges = plausible_ranges(setting)
    arms = {"shipped": {}}
    for key, meaning in TAKEOVER.items():
        now = attrgetter(key)(setting)
        arms[f"{meaning} {now:g} -> {ranges[key][1]:g}"] = {key: ranges[key][1]}
    arms[f"all {len(TAKEOVER)} together"] = {k: v for arm in list(arms.values())[1:] for k, v in arm.items()}
    print(f"## 2. The social tools the business brought in itself, over {BOUGHT.year} ({orgs} organizations "
          "an arm, paired)\n")  # fmt: skip
    print("| arm | firms where IT manages more than half [95%] | IT-managed | known, left to the business "
          "| undiscovered shadow |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, params in arms.items():
        v = bought(apply(setting, params), seeds)
        row = v["row"][np.isfinite(v["row"])]
        shares = " | ".join(fmt(*mean_interval(v[k][np.isfinite(v[k])])) for k in PARTS)
        print(f"| {name} | {fmt(*share_interval(row > 0.5))} | {shares} |")
    print(f"\nThe survey: {BOUGHT.value:.2f} +- {BOUGHT.scale:g} (declared before the model's value was "
          "computed). The middle columns are each firm's mean share of its business-bought tools, averaged "
          "over firms (95% intervals).\n")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--orgs", type=organizations, default=400, help="organizations for part 1 (orgsim validate's)"
    )
    parser.add_argument("--arm-orgs", type=organizations, default=300, help="organizations an arm in part 2")
    parser.add_argument("overrides", nargs="*", help="key=value settings on the calibrated defaults")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    setting = apply(base_settings_from("blind_rows.py", args.overrides), {"replicates": 1})
    role_shape(setting, args.orgs)
    takeover(setting, args.arm_orgs)
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
