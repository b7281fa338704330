"""How much of the variance of final IT influence the department mix explains, and how much of that the two
summaries the runs keep (firm_autonomy, firm_marketing_share) carry. Calibrated defaults (gatekeeper, the
CIO and the organization drawn per firm), ordinary least squares of the final-year mean it_influence on:
the CIO type (aspires, acts); then the other firm draws (log size factor, log IT intensity, committed
share); then the mix, either as the two summaries or as every business department's log headcount share.
In-sample R^2 (the extra regressors of the full mix add about k/n of spurious R^2). Diagnosis only.

    python experiments/mix_variance.py [--orgs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from orgsim.api import apply, base_settings  # noqa: E402
from orgsim.model.organization import Organization  # noqa: E402
from orgsim.runner import replicate_seeds  # noqa: E402


def r_squared(y: np.ndarray, x: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(1.0 - np.var(y - design @ beta) / np.var(y))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=600)
    args = parser.parse_args()
    started = time.perf_counter()
    setting = apply(base_settings(), {"years": 5})
    influence, cio, firm, summaries, shares = [], [], [], [], []
    for seed in replicate_seeds(7, args.orgs):
        model = Organization(setting, seed).run()
        table = model.datacollector.get_model_vars_dataframe()
        influence.append(float(np.mean(np.asarray(table["it_influence"], dtype=float)[-12:])))
        cio.append((model.it.aspiration, model.it.willingness))
        firm.append(
            (np.log(model.drawn.size_factor), np.log(model.drawn.it_budget_factor),
             model.setting.org.baseline_spend_share)
        )  # fmt: skip
        summaries.append((model.firm_autonomy, model.firm_marketing_share))
        heads = np.array([d.headcount for d in model.department_list], dtype=float)
        shares.append(np.log(heads / heads.sum()))
        model.release()
    y = np.array(influence)
    base = np.column_stack([np.array(cio), np.array(firm)])
    rows = {
        "the CIO type": r_squared(y, np.array(cio)),
        "+ size, IT intensity, committed share": r_squared(y, base),
        "+ the mix's two summaries (autonomy, marketing share)": r_squared(
            y, np.column_stack([base, summaries])
        ),
        "+ every department's log share (the whole mix)": r_squared(y, np.column_stack([base, shares])),
    }
    print(f"| regressors ({args.orgs} organizations) | R^2 of final it_influence |")
    print("|---|---|")
    for name, value in rows.items():
        print(f"| {name} | {value:.3f} |")
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
