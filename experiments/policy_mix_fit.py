"""Issue 22, item 1: a joint population calibration with a mix of IT policies across firms (exploratory).

The same rejection ABC as `orgsim calibrate` (orgsim.calibration.abc: the statistics, the noise-aware
distance, the accepted nearest fraction) over the same eight parameters and prior ranges
(configs/experiment/calibration.yaml) plus two mix shares: the share of firms run under laissez_faire
(IT lets the business provision) and under social_coe (a business-led CoE), each uniform on 0-0.3
(assumption: no survey of 2012-2014 counting firms by policy was verified), the rest gatekeeper. Each
parameter set is an industry of `--firms` organizations, firm r keeping the seed `orgsim calibrate` gives
it (orgsim.sweep.design.run_seed(2012, set, r)) and running the policy of the stratified allocation
(orgsim.calibration.mix.firm_policies). Runs to the end of 2014; fitted: CEB 2013 and Logicalis 2014 only.

The accepted sets are then run to 2017 (same firms, same seeds) and the held-out rows predicted over that
posterior population: Logicalis 2015, and State of the CIO 2017 (fielded 2016) below the custodian line
fitted to 2015 (27% functional) over the same population. The held-out rows never enter the distance.

    python experiments/policy_mix_fit.py [--n 1000] [--firms 20] [--accept 0.025] [--workers 2]
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
from scipy.stats import qmc  # noqa: E402

from orgsim.api import apply, base_settings, simulate  # noqa: E402
from orgsim.calibration.abc import posterior_summary, reject, row_statistics  # noqa: E402
from orgsim.calibration.mix import firm_policies  # noqa: E402
from orgsim.calibration.roles import fit_lines  # noqa: E402
from orgsim.calibration.targets import (  # noqa: E402
    CUSTODIAN_LINE,
    FIT_TARGETS,
    HELD_OUT,
    HELD_OUT_ROLE,
    run_statistics,
)
from orgsim.sweep.design import run_seed  # noqa: E402

# the prior of configs/experiment/calibration.yaml (the schema's plausible ranges; spreads: assumptions)
PRIORS = {
    "org.baseline_spend_share": (0.4, 0.7),
    "org.size_spread": (0.0, 0.7),
    "org.mix_spread": (0.0, 1.0),
    "it.budget": (3000.0, 5500.0),
    "environment.business_tech_growth": (0.0, 0.06),
    "environment.cloud_push": (0.0, 0.3),
    "decision.need_rate": (0.04, 0.16),
    "decision.core_decisions": (0.25, 2.0),
}
MIX_PRIORS = {"mix.laissez_faire": (0.0, 0.3), "mix.social_coe": (0.0, 0.3)}  # assumption
SEED = 2012
REPORTERS = ("business_tech_spend_share", "it_decision_share", "it_influence")
NEEDED = (*FIT_TARGETS, *HELD_OUT, CUSTODIAN_LINE)


def run_set(task: tuple[int, dict, int, int]) -> list[dict]:
    """Every firm of one parameter set: its per-run statistics."""
    row, values, firms, years = task
    shares = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("mix.")}
    params = {k: v for k, v in values.items() if not k.startswith("mix.")}
    settings = {}
    out = []
    for r, policy in enumerate(firm_policies(shares, firms)):
        if policy not in settings:
            settings[policy] = apply(base_settings(policy=policy), {**params, "years": years})
        setting = settings[policy]
        _, table = simulate(setting, run_seed(SEED, row, r), REPORTERS)
        stats = run_statistics(table, setting.start_year, NEEDED)
        out.append({"row": row, "firm": r, "policy": policy, **stats})
    return out


def run_all(tasks: list, workers: int) -> pd.DataFrame:
    """Every set's firms over orgsim's own worker pool (it ends its workers on Ctrl-C or a signal)."""
    from orgsim.evaluators import make_evaluator

    with make_evaluator("processes", max(1, workers)) as evaluator:
        chunks = evaluator.map(run_set, [(task,) for task in tasks])
    return pd.DataFrame([x for chunk in chunks for x in chunk])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--firms", type=int, default=20)
    parser.add_argument("--accept", type=float, default=0.025)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="folder for the design, runs and posterior")
    args = parser.parse_args()
    priors = {**PRIORS, **MIX_PRIORS}
    lows = np.array([lo for lo, _ in priors.values()])
    highs = np.array([hi for _, hi in priors.values()])
    unit = qmc.LatinHypercube(d=len(priors), seed=SEED).random(args.n)
    design = pd.DataFrame(lows + unit * (highs - lows), columns=list(priors))
    design.index.name = "row"
    started = time.perf_counter()
    tasks = [(row, design.loc[row].to_dict(), args.firms, 3) for row in design.index]
    runs = run_all(tasks, args.workers)
    fitted = time.perf_counter() - started
    stats = [t.fit_statistic for t in FIT_TARGETS]
    table = row_statistics(runs, stats)
    accepted, _ = reject(design, table, stats, args.accept)
    summary = posterior_summary(accepted, priors)
    print(f"{args.n} sets x {args.firms} firms to 2014: {fitted:.0f} s; accepted {len(accepted)}")
    print("| parameter | prior | posterior median [90%] | width/prior |")
    print("|---|---|---|---|")
    for _, s in summary.iterrows():
        print(
            f"| `{s.parameter}` | {s.prior_low:g}-{s.prior_high:g} | {s['median']:.4g} "
            f"[{s.low90:.4g}, {s.high90:.4g}] | {s.width_ratio:.2f} |"
        )
    print(
        "fitted statistics over the accepted sets (median): "
        + ", ".join(f"{s.name} {accepted[s.name].median():.3f}" for s in stats)
    )
    # the posterior population to 2017: the accepted sets' own firms and seeds
    started = time.perf_counter()
    tasks = [(row, design.loc[row].to_dict(), args.firms, 6) for row in accepted.index]
    post = run_all(tasks, args.workers)
    lines = fit_lines(
        post[CUSTODIAN_LINE.name],
        post["row"],
        0.27,
        0.27,
        held_out={HELD_OUT_ROLE.name: post[HELD_OUT_ROLE.name]},
    )
    logicalis = post.groupby("row")["cio_controls_most_2015"].mean()
    print(f"posterior population to 2017: {len(post)} organizations, {time.perf_counter() - started:.0f} s")
    print(
        f"role lines over it: custodian {lines.custodian:.3f} {lines.custodian_interval}, "
        f"strategic {lines.strategic:.3f} {lines.strategic_interval}"
    )
    share, lo, hi = lines.held_out[HELD_OUT_ROLE.name]
    print(f"held-out {HELD_OUT_ROLE.name} (0.20 +- 0.05): {share:.3f} [90%: {lo:.3f}, {hi:.3f}]")
    q = np.quantile(logicalis, [0.05, 0.95])
    print(
        f"held-out cio_controls_most_2015 (0.66 +- 0.08): {post['cio_controls_most_2015'].mean():.3f} "
        f"[90% over sets: {q[0]:.3f}, {q[1]:.3f}]; 2014 over the same firms "
        f"{post['cio_controls_most_2014'].mean():.3f}"
    )
    print("by policy (posterior population): ")
    print(
        post.groupby("policy")[[s.name for s in stats] + ["cio_controls_most_2015"]]
        .agg(["mean", "size"])
        .round(3)
    )
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        design.to_csv(args.out / "design.csv")
        runs.to_csv(args.out / "runs.csv", index=False)
        accepted.to_csv(args.out / "accepted.csv")
        post.to_csv(args.out / "posterior_runs.csv", index=False)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
