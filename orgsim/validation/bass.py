"""Check: the fully mixed employee layer reproduces the Bass curve (Bass 1969).

Two rows per (p, q): the simulated mean against the monthly recursion the model steps by (sampling error
only), and that recursion against the continuous closed form (the bias of monthly stepping).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.stats import t as student

from orgsim.config.schema import EmployeesConfig
from orgsim.model.employees import EmployeePopulation, bass_closed_form
from orgsim.validation.registry import Check, CheckResult, Context

NAME = "bass"
# (p, q) per year: orgsim's default, test_bass.py's, slow start with strong imitation, fast diffusion
PAIRS_FULL = ((0.02, 0.38), (0.03, 0.38), (0.01, 0.5), (0.05, 0.6))
PAIRS_QUICK = ((0.02, 0.38), (0.05, 0.6))
EMPLOYEES = {"full": 10_000, "quick": 2_000}
MONTHS = {"full": 180, "quick": 120}  # 15 years: every curve above 0.9 by then
FAMILY_LEVEL = 0.01  # chance that a correct model fails the sampling row, over all its months


def monthly_recursion(p: float, q: float, months: int) -> np.ndarray:
    """E[F] of the monthly step for an infinite population: F' = F + (1 - F)(1 - e^{-(p + qF)/12})."""
    share = np.zeros(months + 1)
    for t in range(months):
        share[t + 1] = share[t] + (1.0 - share[t]) * -np.expm1(-(p + q * share[t]) / 12.0)
    return share


def simulate(task: tuple) -> np.ndarray:
    """Adoption share after each month (rows: replicates) of fully mixed populations with no trend."""
    p, q, employees, replicates, months, seed = task
    cfg = EmployeesConfig(
        network="full", p=p, q=q, initial_adopters=0.0, propensity_spread=0.0, consumerization_boost=0.0
    )
    shares = np.zeros((replicates, months + 1))
    for r, child in enumerate(seed.spawn(replicates)):
        population = EmployeePopulation(cfg, [employees], [0.5], np.random.default_rng(child))
        for month in range(1, months + 1):
            population.step()
            shares[r, month] = population.adoption_share
    return shares


def stepping_tolerance(p: float, q: float) -> float:
    """Two months of growth at the curve's steepest point, (p + q)^2 / (4q) per year: the monthly step
    uses the hazard of the month's start, so it lags the continuous curve by about a month."""
    return 2.0 * (p + q) ** 2 / (4.0 * q) / 12.0


def run(ctx: Context) -> list[CheckResult]:
    pairs = PAIRS_QUICK if ctx.quick else PAIRS_FULL
    employees, months = EMPLOYEES[ctx.size], MONTHS[ctx.size]
    replicates = max(2, ctx.replicates_or(full=100, quick=16))  # the spread needs two
    seeds = ctx.seeds(NAME, len(pairs))
    tasks = [(p, q, employees, replicates, months, s) for (p, q), s in zip(pairs, seeds, strict=True)]
    simulated = ctx.map(simulate, tasks)
    ctx.data[NAME] = {"pairs": pairs, "shares": simulated, "employees": employees, "replicates": replicates}
    # Bonferroni over the months; Student's t because the standard error comes from the replicates
    critical = float(student.isf(FAMILY_LEVEL / 2 / months, replicates - 1))
    rows = []
    for (p, q), shares in zip(pairs, simulated, strict=True):
        recursion = monthly_recursion(p, q, months)
        closed = bass_closed_form(p, q, np.arange(months + 1) / 12.0)
        mean = shares[:, 1:].mean(axis=0)
        # the spread between replicates, floored by the binomial one (imitation amplifies early noise)
        se = np.maximum(
            shares[:, 1:].std(axis=0, ddof=1) / np.sqrt(replicates),
            np.sqrt(recursion[1:] * (1 - recursion[1:]) / (employees * replicates)),
        )
        z = (mean - recursion[1:]) / se
        worst = int(np.argmax(np.abs(z)))
        month = worst + 1
        rows.append(
            CheckResult(
                check=f"bass sampling p={p:g} q={q:g}",
                reference="monthly recursion F' = F + (1-F)(1 - e^{-(p+qF)/12})",
                target=float(recursion[month]),
                model=float(mean[worst]),
                low=float(mean[worst] - 1.96 * se[worst]),
                high=float(mean[worst] + 1.96 * se[worst]),
                tolerance=f"max |z| <= {critical:.2f} over {months} months (1%, Bonferroni)",
                passed=bool(np.abs(z).max() <= critical),
                note=(
                    f"worst month {month}: |z| = {abs(z[worst]):.2f}, max |mean - recursion| = "
                    f"{np.abs(mean - recursion[1:]).max():.4f}; {replicates} x {employees} employees; the "
                    "recursion is the mean of an infinite population (finite ones differ by O(1/n))"
                ),
            )
        )
        gap = np.abs(recursion - closed)
        at = int(np.argmax(gap))
        tolerance = stepping_tolerance(p, q)
        rows.append(
            CheckResult(
                check=f"bass stepping p={p:g} q={q:g}",
                reference="closed form F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})",
                target=float(closed[at]),
                model=float(recursion[at]),
                low=float(recursion[at]),
                high=float(recursion[at]),
                tolerance=f"{tolerance:.4f}",
                passed=bool(gap.max() <= tolerance),
                note=(
                    f"discrete-time bias (no sampling error): monthly steps with the month's-start hazard lag "
                    f"the continuous curve; max gap {gap.max():.4f} at month {at}; "
                    f"simulated mean vs closed form: {np.abs(mean - closed[1:]).max():.4f}"
                ),
            )
        )
    return rows


def figure(ctx: Context, outdir: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = ctx.data.get(NAME)
    if data is None:
        return None
    pairs = data["pairs"]
    fig, axes = plt.subplots(
        2, len(pairs), figsize=(4.2 * len(pairs), 6.4), sharex=True, squeeze=False,
        gridspec_kw={"height_ratios": [2, 1]},
    )  # fmt: skip
    for column, ((p, q), shares) in enumerate(zip(pairs, data["shares"], strict=True)):
        top, bottom = axes[0][column], axes[1][column]
        months = shares.shape[1] - 1
        years = np.arange(months + 1) / 12.0
        closed = bass_closed_form(p, q, years)
        recursion = monthly_recursion(p, q, months)
        mean = shares.mean(axis=0)
        low, high = np.percentile(shares, [5, 95], axis=0)
        top.fill_between(years, low, high, color="tab:blue", alpha=0.25, label="simulated 5-95%")
        top.plot(years, mean, color="tab:blue", label="simulated mean")
        top.plot(years, recursion, "k--", lw=1, label="monthly recursion")
        top.plot(years, closed, color="tab:red", lw=1, label="closed form F(t)")
        top.set_title(f"p = {p:g}, q = {q:g} per year")
        # below: the two gaps the check separates, against the closed form
        se = shares.std(axis=0, ddof=1) / np.sqrt(shares.shape[0])
        bottom.axhline(0.0, color="tab:red", lw=1)
        bottom.fill_between(years, mean - closed - 1.96 * se, mean - closed + 1.96 * se, color="tab:blue",
                            alpha=0.25, label="simulated mean, 95%")  # fmt: skip
        bottom.plot(years, mean - closed, color="tab:blue", lw=1)
        bottom.plot(years, recursion - closed, "k--", lw=1, label="recursion (stepping bias)")
        bottom.set_xlabel("years")
    axes[0][0].set_ylabel("share of employees adopting")
    axes[1][0].set_ylabel("minus closed form")
    axes[0][0].legend(loc="lower right", fontsize=8)
    axes[1][0].legend(loc="lower left", fontsize=8)
    fig.suptitle(
        f"Bass: fully mixed employee layer vs closed form ({data['replicates']} populations of "
        f"{data['employees']:,} employees, seed {ctx.seed})"
    )
    fig.tight_layout()
    path = outdir / "bass.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


CHECK = Check(
    name=NAME,
    description="fully mixed employee layer vs the Bass closed form; monthly-stepping bias apart",
    run=run,
    figure=figure,
)
