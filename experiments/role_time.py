"""Issue 22, the held-out State of the CIO row (2017 edition, fielded 2016): could IT's role grow back in the
held-out year under another reading of "how the CIO spends the time", or with more for IT to work with?
Diagnosis only, nothing is fitted or shipped as a row. Calibrated defaults, gatekeeper, the CIO drawn per firm.

1. Three readings of IT's role: `it_influence`; the business-facing share of the work demanded of IT
   (`it_innovation_share`, whose run side counts the work moved to the cloud); and the business-facing
   share of the work IT itself does (business / (business + governance + IT's own run work): the cloud's
   part left out, so offloading infrastructure frees IT's time as the 2016-2018 surveys describe). For
   each: the yearly mean over firms 2013-2017, its 27% quantile in the line's year (2015) as a line, the
   share of firms below it a year before and after (the survey, dated by its fielding: 27% functional in
   2015, 20% in 2016), and beside each firm's mean change from 2015 to 2016 the change that, made by every
   firm alike, would leave the survey's 20% below the line.
2. Arms that give IT more to work with (paired seeds): the cloud's savings reinvested in IT's
   innovation line, no cloud push, every aspiring CIO acting; every lever that favours IT at once, each
   at the end of its plausible range that does (the three, the functions' budgets not growing, reliance
   lost slowest, IT's budget growing fastest, LeBrun's integration at its strongest); and every firm
   running each other policy. Each arm's mean influence 2014-2017, the per-firm change from the line's
   year to the held-out year (2015 to 2016; mean and 95% interval over firms) and the share of firms
   below the fitted custodian line in those two years (95% Wilson).
3. LeBrun's scenario with every CIO aspiring and acting (the design's reinvesting CIO), the takeover on
   and off, and with the CIOs drawn as calibrated, on the same seeds: mean influence by year over eight
   years.

    python experiments/role_time.py [--orgs N] [--arm-orgs N]
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
from yearly import FUNCTIONAL, HELD_YEAR, LINE_YEAR, organizations, through, yearly_values  # noqa: E402

from orgsim.api import apply, base_settings  # noqa: E402
from orgsim.calibration.roles import share_below  # noqa: E402
from orgsim.calibration.targets import HELD_OUT_ROLE, window  # noqa: E402
from orgsim.intervals import mean_interval, share_interval  # noqa: E402
from orgsim.model.metrics import ROLE_COMPONENTS  # noqa: E402
from orgsim.model.organization import Organization  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = tuple(range(2013, 2018))
READINGS = ("it_influence", "it_innovation_share", "own_time_share")
HELD_FUNCTIONAL = HELD_OUT_ROLE.value  # the survey's 20% functional in the held-out year
BOOTSTRAP = 2000  # resamples of the firms for the interval of the even change the survey needs
RNG = np.random.default_rng(22)
ARMS = {
    "reference (calibrated, gatekeeper)": {},
    "cloud savings to IT's innovation line (environment.cloud_savings_to_it=1)": {
        "environment.cloud_savings_to_it": 1.0
    },
    "cloud push off (environment.cloud_push=0)": {"environment.cloud_push": 0.0},
    "every aspiring CIO acts (it.cio.willingness=0.6)": {"it.cio.willingness": 0.6},
}
# every lever that gives IT more, at once, each at the end of its plausible range that favours IT (ODD 3.2)
ALL_TO_IT = {
    "environment.cloud_savings_to_it": 1.0,
    "environment.cloud_push": 0.0,
    "it.cio.willingness": 0.6,
    "environment.business_tech_growth": 0.0,
    "environment.martech_growth": 0.05,
    "environment.budget_from_use": 0.0,
    "it.budget_follows_use": 0.0,
    "decision.reliance_loss": 0.02,
    "environment.it_budget_growth": 0.04,
    "it.integration_readiness": 0.8,
    "it.integration_rate": 0.2,
    "environment.integration_base": 0.2,
    "environment.integration_sensitivity": 0.25,
}
ARMS["every lever that favours IT, at once (listed below the table)"] = ALL_TO_IT
POLICIES = ("broker", "innovation_partner", "social_coe", "laissez_faire")


def own_time_run(setting, seed: int) -> pd.DataFrame:
    """One organization's monthly influence, work-demanded share and own-time share."""
    model = Organization(setting, seed)
    it = model.it
    own_run = [it.run_work]  # the run side IT itself does; equal to the demanded one until a cloud push
    work_backlog = it.work_backlog

    def counted() -> None:  # the same fading sum as `run_work`, without the units moved to the cloud
        own_run[0] = own_run[0] * it.effort_decay + it.units(it.run)
        work_backlog()

    it.work_backlog = counted
    rows: dict[str, list] = {"month": [], **{r: [] for r in READINGS}}
    for month in range(1, 12 * setting.years + 1):
        model.step()
        business = it.business_work
        rows["month"].append(month)
        rows["it_influence"].append(model.role["it_influence"])  # the end-of-month values recorded
        rows["it_innovation_share"].append(model.role["it_innovation_share"])
        rows["own_time_share"].append(business / (business + it.governance_work + own_run[0]))
    return pd.DataFrame(rows)


def readings_table(setting, seeds) -> None:
    values = {r: {y: [] for y in YEARS} for r in READINGS}
    for seed in seeds:
        table = own_time_run(setting, seed)
        for r in READINGS:
            for y in YEARS:
                values[r][y].append(window(table, setting.start_year, y, r))
    before, after = LINE_YEAR - 1, LINE_YEAR + 1
    print(
        f"| reading | mean 2013 / 2014 / 2015 / 2016 / 2017 | {LINE_YEAR} line ({FUNCTIONAL:.0%}) "
        f"| below it, {before} / {after} | change {LINE_YEAR} to {after} per firm: the model's, and the "
        f"even one that leaves {HELD_FUNCTIONAL:.0%} below |"
    )
    print("|---|---|---|---|---|")
    for r in READINGS:
        v = {y: np.asarray(values[r][y]) for y in YEARS}
        line = float(np.quantile(v[LINE_YEAR], FUNCTIONAL))
        # every firm moving by the same amount: the survey's share below needs the line's year's quantile at
        # that share lifted to the line
        needed = line - float(np.quantile(v[LINE_YEAR], HELD_FUNCTIONAL))
        resampled = RNG.choice(v[LINE_YEAR], size=(BOOTSTRAP, len(v[LINE_YEAR])))  # firms resampled
        spread = np.quantile(resampled, FUNCTIONAL, axis=1) - np.quantile(resampled, HELD_FUNCTIONAL, axis=1)
        need_low, need_high = np.quantile(spread, [0.025, 0.975])
        means = " / ".join(f"{v[y].mean():.3f}" for y in YEARS)
        below = f"{share_below(v[before], line):.2f} / {share_below(v[after], line):.2f}"
        change, low, high = mean_interval(v[after] - v[LINE_YEAR])
        print(
            f"| `{r}` | {means} | {line:.3f} | {below} | {change:+.4f} [{low:+.4f}, {high:+.4f}]; "
            f"{needed:+.4f} [{need_low:+.4f}, {need_high:+.4f}] |"
        )


def arms_table(seeds, custodian: float) -> None:
    years = YEARS[1:]
    print()
    print(f"| arm | mean influence 2014 / 2015 / 2016 / 2017 | change {LINE_YEAR} to {HELD_YEAR} per firm [95%] "
          f"| below the custodian line ({custodian:.3f}), {LINE_YEAR} / {HELD_YEAR} |")  # fmt: skip
    print("|---|---|---|---|")
    arms = [(name, base_settings(), over) for name, over in ARMS.items()]
    arms += [(f"every firm runs {p} (policy={p})", base_settings(policy=p), {}) for p in POLICIES]
    components = {}
    for name, base, over in arms:
        values = yearly_values(
            through(base, years[-1], over), seeds, ["it_influence", *ROLE_COMPONENTS], years
        )
        v = values["it_influence"]
        change, low, high = mean_interval(v[HELD_YEAR] - v[LINE_YEAR])
        below = [share_interval(v[y] < custodian) for y in (LINE_YEAR, HELD_YEAR)]
        means = " / ".join(f"{v[y].mean():.3f}" for y in years)
        shares = " / ".join(f"{s:.2f} [{lo:.2f}, {hi:.2f}]" for s, lo, hi in below)
        print(f"| {name} | {means} | {change:+.4f} [{low:+.4f}, {high:+.4f}] | {shares} |")
        components[name] = [
            mean_interval(values[c][HELD_YEAR] - values[c][LINE_YEAR]) for c in ROLE_COMPONENTS
        ]
    print("\nevery lever at once: " + ", ".join(f"{k}={v:g}" for k, v in ALL_TO_IT.items()))
    print(f"\neach component's mean change per firm, {LINE_YEAR} to {HELD_YEAR}, +- the 95% half-width:")
    print("| arm | " + " | ".join(ROLE_COMPONENTS) + " |")
    print("|---|" + "---|" * len(ROLE_COMPONENTS))
    for name, changes in components.items():
        print(f"| {name} | " + " | ".join(f"{c:+.3f} +- {(hi - lo) / 2:.3f}" for c, lo, hi in changes) + " |")


LEBRUN_YEARS = tuple(range(2012, 2020))
# LeBrun's scenario with the design's reinvesting CIO in every firm (DESIGN.md: "a CIO who reinvests turns
# consolidation into business-facing work (influence rises)"), the takeover on and off on the same seeds
CIO_ACTS = {"it.cio.draw": False, "it.cio.aspiration": 1.0, "it.cio.willingness": 1.0}
LEBRUN_ARMS = {
    "every CIO acts, takeover on": CIO_ACTS,
    "every CIO acts, takeover off (it.integration_takeover=false)": {
        **CIO_ACTS,
        "it.integration_takeover": False,
    },
    "CIOs drawn as calibrated (10% act), takeover on": {},
}


def lebrun_table(seeds) -> None:
    print(f"\nLeBrun's scenario (social_comes_to_cio): mean influence {LEBRUN_YEARS[0]}-{LEBRUN_YEARS[-1]}")
    print("| arm | " + " | ".join(str(y) for y in LEBRUN_YEARS) + " |")
    print("|---|" + "---|" * len(LEBRUN_YEARS))
    base = base_settings("social_comes_to_cio")
    first, last = LEBRUN_YEARS[0], LEBRUN_YEARS[-1]
    final = {}
    for name, over in LEBRUN_ARMS.items():
        setting = through(base, last, over)
        v = yearly_values(setting, seeds, ["it_influence"], LEBRUN_YEARS)["it_influence"]
        print(f"| {name} | " + " | ".join(f"{v[y].mean():.3f}" for y in LEBRUN_YEARS) + " |")
        final[name] = v
    print(f"\nper firm [95%], paired seeds: change {first} to {last}; {last} against the first arm")
    reference = final[next(iter(final))][last]
    for name, v in final.items():
        change = "{:+.3f} [{:+.3f}, {:+.3f}]".format(*mean_interval(v[last] - v[first]))
        gap = "{:+.3f} [{:+.3f}, {:+.3f}]".format(*mean_interval(v[last] - reference))
        print(f"- {name}: {change}; {gap}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=organizations, default=1000)
    parser.add_argument("--arm-orgs", type=organizations, default=300)
    args = parser.parse_args()
    started = time.perf_counter()
    setting = apply(through(base_settings(), YEARS[-1]), {"replicates": 1})
    readings_table(setting, replicate_seeds(22, args.orgs))
    arms_table(replicate_seeds(22, args.arm_orgs), setting.metrics.custodian_threshold)
    lebrun_table(replicate_seeds(22, args.arm_orgs))
    print(
        f"\n{args.orgs} organizations (readings), {args.arm_orgs} per arm, {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
