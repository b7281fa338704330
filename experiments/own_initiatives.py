"""Issue 22, the mechanism the ODD names as missing, tried in its simplest form: would business-facing work
that IT starts itself make IT's influence rise after 2015? Diagnosis only: the model has no such
mechanism, so this script adds one to the organizations it runs, and nothing is shipped.

Each month, after IT has worked its queue, it spends the share `--shares` of the business-facing capacity
left idle on initiatives of its own: that work counts as business-facing work done and demanded (the
innovation share), and each `--effort` work units of it as one technology decision taken by IT (the
decision share). No money moves, so the spend share is untouched; the business's satisfaction and
reliance are untouched too (it did not ask). The capacity left idle is what the queue did not use: it
grows as the business provisions more for itself, and shrinks with IT's business-facing capacity (shown). Calibrated defaults, gatekeeper, 2012-2017; per share:
mean influence by year, each firm's change from 2015 to 2016 (mean, 95% interval) and the share of firms
below a line drawn through the 2015 influence at 27% (State of the CIO's functional share that year), a
year later (the survey: 20%).

    python experiments/own_initiatives.py [--orgs N] [--effort UNITS] [--shares S ...]
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
from yearly import FUNCTIONAL, HELD_YEAR, LINE_YEAR, organizations, through  # noqa: E402

from orgsim.api import apply, base_settings  # noqa: E402
from orgsim.calibration.targets import window  # noqa: E402
from orgsim.intervals import mean_interval, share_interval  # noqa: E402
from orgsim.model.organization import Organization  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402

YEARS = tuple(range(2012, 2018))
READINGS = ("it_influence", "it_decision_share", "it_innovation_share", "business_capacity")


def with_own_initiatives(model: Organization, share: float, effort: float) -> None:
    """Make `model`'s IT spend `share` of its idle business-facing capacity on initiatives of its own."""
    it = model.it
    work_backlog = it.work_backlog

    def worked() -> None:
        before = it.business_work
        work_backlog()
        capacity, own_units = it.capacity_available, it.business_units
        if share <= 0 or capacity <= 0 or own_units <= 0:
            return
        used = (it.business_work - before * it.effort_decay) * capacity / own_units  # the queue's use
        own = share * max(0.0, capacity - used)
        it.business_work += own * own_units / capacity  # IT's own part, as the queue's work is counted
        it.business_demand += own
        if own > 0:
            model.decisions.record(1.0, weight=own / effort)

    it.work_backlog = worked


def yearly(setting, seed: int, share: float, effort: float) -> dict[str, dict[int, float]]:
    """One organization's yearly mean of each reading."""
    model = Organization(setting, seed)
    with_own_initiatives(model, share, effort)
    rows: dict[str, list] = {"month": [], **{r: [] for r in READINGS}}
    for month in range(1, 12 * setting.years + 1):
        model.step()
        rows["month"].append(month)
        for r in READINGS[:3]:
            rows[r].append(model.role[r])  # the end-of-month values the recorder collects
        rows["business_capacity"].append(model.it.capacity_available)
    table = pd.DataFrame(rows)
    return {r: {y: window(table, setting.start_year, y, r) for y in YEARS} for r in READINGS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=organizations, default=300)
    parser.add_argument("--effort", type=float, default=5.0, help="work units per initiative (a decision)")
    parser.add_argument(
        "--shares",
        type=float,
        nargs="+",
        default=[0.0, 0.25, 0.5, 1.0],
        help="0 (no initiatives) is the paired reference",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    setting = apply(through(base_settings(), YEARS[-1]), {"replicates": 1})
    seeds = replicate_seeds(22, args.orgs)
    print(
        f"| share of idle capacity | mean influence {YEARS[0]}-{YEARS[-1]} | change {LINE_YEAR} to {HELD_YEAR} "
        f"per firm [95%] | below the {LINE_YEAR} line ({FUNCTIONAL:.0%}) in {HELD_YEAR} [95%] | influence "
        f"{LINE_YEAR} against share 0, paired [95%] | decision share "
        f"{YEARS[1]} / {LINE_YEAR} / {YEARS[-1]} | innovation share {YEARS[1]} / {LINE_YEAR} / {YEARS[-1]} "
        f"| business-facing capacity, work units a month, {YEARS[1]} / {LINE_YEAR} / {YEARS[-1]} |"
    )
    print("|---|---|---|---|---|---|---|---|")
    reference = None
    for share in args.shares:
        runs = [yearly(setting, seed, share, args.effort) for seed in seeds]
        v = {r: {y: np.array([run[r][y] for run in runs]) for y in YEARS} for r in READINGS}
        influence = v["it_influence"]
        change, low, high = mean_interval(influence[HELD_YEAR] - influence[LINE_YEAR])
        line = float(np.quantile(influence[LINE_YEAR], FUNCTIONAL))
        below = "{:.2f} [{:.2f}, {:.2f}]".format(*share_interval(influence[HELD_YEAR] < line))
        if reference is None and share == 0:  # the organizations without initiatives, on the same seeds
            reference = influence[LINE_YEAR]
        lift = (
            "-"
            if reference is None
            else "{:+.3f} [{:+.3f}, {:+.3f}]".format(*mean_interval(influence[LINE_YEAR] - reference))
        )
        means = " / ".join(f"{influence[y].mean():.3f}" for y in YEARS)
        shown = (YEARS[1], LINE_YEAR, YEARS[-1])
        decisions = " / ".join(f"{v['it_decision_share'][y].mean():.2f}" for y in shown)
        innovation = " / ".join(f"{v['it_innovation_share'][y].mean():.3f}" for y in shown)
        capacity = " / ".join(f"{v['business_capacity'][y].mean():.2f}" for y in shown)
        print(
            f"| {share:g} | {means} | {change:+.4f} [{low:+.4f}, {high:+.4f}] | {below} | {lift} | {decisions} "
            f"| {innovation} | {capacity} |"
        )
    print(
        f"\n{args.orgs} organizations a share, {args.effort:g} work units an initiative, "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
