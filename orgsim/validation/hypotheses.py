"""Check: the model can show both sides of the 2012 debate, as trajectories: a configuration where IT ends
marginalized in most organizations (the seed article), and one where integration pressure, rising from a
low start with cross-department use, brings social back under IT at least a year after it becomes
organization-wide, and does so because IT takes over the tools to integrate: the same seeds with the
takeover switched off (it.integration_takeover=false) are the paired counterfactual (LeBrun).

Both configurations carry the parameters the user set on the command line (`orgsim validate it.budget=3000`:
every key the validation's config holds at a value other than its scenario's and policy's defaults; a
`policy.*` key only into a configuration of the same policy), and each row's note names them. So
`orgsim validate validate.checks=[hypotheses] it.integration_takeover=false` runs the check with the
mechanism off in both arms: the LeBrun row must then fail."""

from __future__ import annotations

from pathlib import Path

from orgsim.validation.registry import Check, CheckResult, Context

NAME = "hypotheses"
MARGINALIZING = ("baseline_2012", "laissez_faire")  # open BYOT; IT serves requests late, unintegrated
LEBRUN = (
    "social_comes_to_cio",
    None,
)  # integration pressure rising from a low start, baseline CIO and policy
LEBRUN_YEARS = 8  # room for the mark (typically in the second year) plus the three years after it
COLUMNS = ["it_influence", "outside_managed_share", "integration_pressure"]


def run(ctx: Context) -> list[CheckResult]:
    from orgsim import api
    from orgsim.calibration import evidence
    from orgsim.model.metrics import run_summary
    from orgsim.runner import run_replicates, tables

    replicates = ctx.replicates_or(full=200, quick=24)
    user, user_policy = (
        ({}, None) if ctx.settings is None else (api.overrides_of(ctx.settings), ctx.settings.policy.name)
    )
    scenario, policy = MARGINALIZING
    marginalizing, carried = with_overrides(api.base_settings(scenario, policy), user, user_policy)
    results = run_replicates(marginalizing, replicates, ctx.seed, ctx.workers)
    summaries = [run_summary(r.columns, marginalizing.metrics)
                 for r in results]  # fmt: skip
    first, _ = tables(results)
    lebrun, carried_lebrun = with_overrides(api.base_settings(*LEBRUN), user, user_policy)
    lebrun = api.apply(lebrun, {"years": LEBRUN_YEARS})
    takeover = lebrun.it.integration_takeover
    switched_off = api.apply(lebrun, {"it.integration_takeover": False})
    on, _ = tables(run_replicates(lebrun, replicates, ctx.seed, ctx.workers))
    off, _ = tables(run_replicates(switched_off, replicates, ctx.seed, ctx.workers))  # the same seeds
    rows = [
        evidence.marginalized_row(summaries, f"{scenario}, policy {policy}{_named(carried)}"),
        evidence.lebrun_row(on, off, lebrun.environment.integration_base,
                            f"{LEBRUN[0]}{_named(carried_lebrun)}"),
    ]  # fmt: skip
    name = f"{LEBRUN[0]} / {lebrun.policy.name}"
    ctx.data[NAME] = {
        "tables": {f"{scenario} / {policy}": first[["month", *COLUMNS]],
                   f"{name}" + ("" if takeover else ", takeover off"): on[["month", *COLUMNS]],
                   f"{name}, takeover off (paired)": off[["month", *COLUMNS]]},
        "start_year": lebrun.start_year,
        "replicates": replicates,
        "custodian": lebrun.metrics.custodian_threshold,
    }  # fmt: skip
    return [CheckResult(**row) for row in rows]


def with_overrides(base, user: dict, user_policy: str | None):
    """`base` with the user's parameters set (a `policy.*` key only when `base` runs the user's policy,
    whose key it is) and the keys that were set."""
    from orgsim import api

    carried = {
        key: value
        for key, value in user.items()
        if not key.startswith("policy.") or base.policy.name == user_policy
    }
    return api.apply(base, carried), carried


def _named(carried: dict) -> str:
    return f" (with {', '.join(f'{k}={v}' for k, v in carried.items())})" if carried else ""


def figure(ctx: Context, outdir: Path) -> Path | None:
    """IT's influence and the share of social tools IT manages over calendar time, for both configurations
    (mean and 5-95% band over organizations)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = ctx.data.get(NAME)
    if not data:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharex=True)
    for label, table in data["tables"].items():
        panels = (table["it_influence"], 1.0 - table["outside_managed_share"])
        for ax, values in zip(axes, panels, strict=True):
            by_year = values.groupby(data["start_year"] + table["month"] / 12.0)
            mean, q05, q95 = by_year.mean(), by_year.quantile(0.05), by_year.quantile(0.95)
            line = ax.plot(mean.index, mean, label=label)[0]
            ax.fill_between(mean.index, q05, q95, color=line.get_color(), alpha=0.2)
    axes[0].axhline(data["custodian"], color="black", ls="--", lw=1, label="custodian threshold")
    axes[0].set_ylabel("IT influence (0-1)")
    axes[1].set_ylabel("share of active social tools IT manages")
    for ax in axes:
        ax.set_xlabel("year")
        ax.legend(fontsize=8)
    fig.suptitle(f"The two hypotheses as trajectories ({data['replicates']} organizations each; 5-95% bands)")
    fig.tight_layout()
    path = outdir / f"{NAME}.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


CHECK = Check(NAME, "the two hypotheses of the 2012 debate as trajectories", run, figure)
