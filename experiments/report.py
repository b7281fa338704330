"""Regenerate experiments/REPORT.md from the studies' result tables (experiments/run.py writes them).

    python experiments/report.py [--results DIR]

Reads only what the studies wrote (run summaries, runs.parquet, timeseries.parquet, the analyze tables)
and states each finding with its numbers, 95% intervals and figure links; a study not run yet is named
with the command that runs it. Computes nothing the tables do not hold except intervals of shares, means
and medians.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from orgsim import results  # noqa: E402  (the one reader of results folders)
from orgsim.calibration.targets import CUSTODIAN_LINE, HELD_OUT_ROLE  # noqa: E402
from orgsim.intervals import Z_95 as Z  # noqa: E402
from orgsim.intervals import correlation_interval, mean_interval, share_interval  # noqa: E402
from orgsim.validation.registry import NOT_COUNTED  # noqa: E402

# --- small statistics ------------------------------------------------------------------------------------


def share_ci(flags) -> str:
    share, lo, hi = share_interval(np.asarray(flags, dtype=bool))
    return f"{share:.1%} ({lo:.1%}-{hi:.1%})"


def mean_ci(values) -> str:
    mean, lo, hi = mean_interval(np.asarray(values, dtype=float))
    return f"{mean:.3f} ({lo:.3f}-{hi:.3f})"


def _corr_ci(agg: dict, n: int) -> str:
    low, high = correlation_interval(agg["correlation_shadow_share_influence"], n)
    return f"{low:.2f} to {high:.2f}"


def median_ci(values) -> str:
    """Median with its distribution-free 95% interval (binomial order statistics); NaN (never) is latest."""
    x = np.sort(np.where(np.isnan(np.asarray(values, dtype=float)), np.inf, values))
    n = len(x)
    # 1-based ranks floor(n/2 - z sqrt(n)/2) and ceil(1 + n/2 + z sqrt(n)/2), here 0-based
    lo_rank = max(math.floor(n / 2 - Z * math.sqrt(n) / 2) - 1, 0)
    hi_rank = min(math.ceil(n / 2 + Z * math.sqrt(n) / 2), n - 1)

    def text(v: float) -> str:
        return "never" if math.isinf(v) else f"{v:g}"

    return f"{text(float(np.median(x)))} ({text(x[lo_rank])}-{text(x[hi_rank])})"


def pct(row) -> str:
    if not np.isfinite(row["share"]):
        return "- (held fixed)"
    return f"{row['share']:.0%} ({row['low']:.0%}-{row['high']:.0%})"


# --- reading ---------------------------------------------------------------------------------------------


class Results:
    def __init__(self, root: Path, report: Path) -> None:
        self.root, self.report = root, report

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def table(self, *parts: str) -> pd.DataFrame | None:
        """A study's table, read through orgsim.results (a sweep's runs from its checked store); None when
        the study has not written it yet. A damaged file ends the report with one line naming it."""
        path = self.path(*parts)
        if not path.is_file():
            return None
        if path.name == "runs.parquet":
            return results.read_folder(path.parent).runs
        return results.read_table(path)

    def summary(self, *parts: str) -> dict | None:
        """A run's summary.json, read through orgsim.results; None when not written yet."""
        path = self.path(*parts)
        return results.read_folder(path.parent).summary if path.is_file() else None

    def figure(self, study: str, spec: str) -> str:
        folder = self.path(study, "figures", spec)
        images = (
            sorted(p for ext in ("png", "svg", "pdf") for p in folder.glob(f"*.{ext}"))
            if folder.is_dir()
            else []
        )
        if not images:
            return f"(figure `{spec}`: not drawn yet; needs `orgsim plot`)"
        return f"![{spec}]({os.path.relpath(images[0], self.report.parent)})"

    def timing(self, study: str) -> str:
        path = self.path(study, "timing.json")
        if not path.is_file():
            return ""
        return f" The whole study (every step) took {json.loads(path.read_text())['seconds']:.0f} s on this machine."


def missing(study: str) -> list[str]:
    return [f"_Not run yet: `python experiments/run.py {study}`._", ""]


def variance_lines(
    variance: pd.DataFrame | None, outcomes=("marginalized", "final_it_influence")
) -> list[str]:
    if variance is None:
        return []
    split = bool(variance["source"].isin(["cio", "chance"]).any())  # the runs kept the CIO draw
    firm = bool(variance["source"].eq("organization").any())  # ... and what each organization drew
    parts = ["cio", "organization", "chance"] if firm else ["cio", "chance"] if split else []
    tail = (
        " of which: the CIO drawn |" + (" the organization drawn |" if firm else "") + " chance |"
        if split
        else ""
    )
    lines = [
        "| outcome | levers (choices) | uncertainties (world) | interaction | seeds |" + tail,
        "|---|---|---|---|---|" + "---|" * len(parts),
    ]
    for outcome in outcomes:
        rows = variance[variance["outcome"] == outcome].set_index("source")
        if rows.empty:
            continue
        if rows["share"].isna().all():
            lines.append(f"| {outcome} | no variance: the same in every run | | | |")
            continue
        sources = ["levers", "uncertainties", "interaction", "seeds", *parts]
        cells = [pct(rows.loc[s]) for s in sources]
        lines.append(f"| {outcome} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def policy_variance_lines(by_policy: pd.DataFrame | None, outcome: str = "final_it_influence") -> list[str]:
    """The split of `outcome` within each policy (orgsim analyze variance: variance_by_policy)."""
    if by_policy is None or by_policy.empty or "cio" not in set(by_policy["source"]):
        return []
    firm = "organization" in set(by_policy["source"])
    sources = ["levers", "uncertainties", "interaction", "cio", *(["organization"] if firm else []), "chance"]
    lines = [
        f"Within each policy ({outcome}; levers: the other levers' settings):",
        "",
        "| policy | levers | uncertainties (world) | interaction | the CIO drawn |"
        + (" the organization drawn |" if firm else "")
        + " chance |",
        "|---|" + "---|" * len(sources),
    ]
    for policy, group in by_policy[by_policy["outcome"] == outcome].groupby("policy", sort=False):
        rows = group.set_index("source")
        cells = [pct(rows.loc[s]) for s in sources]
        lines.append(f"| {policy} | " + " | ".join(cells) + " |")
    return [*lines, ""]


# --- the studies -----------------------------------------------------------------------------------------


def _posterior_line(summary: dict) -> list[str]:
    """The verdict over the calibration posterior (orgsim run posterior_sets=N), when the run has it."""
    post = summary.get("posterior_verdict")
    if not post:
        return []
    lo, hi = post["ci95"]
    per_set = post["organizations"] // max(post["sets"], 1)
    return [
        f"- Over the calibration posterior ({post['sets']} accepted calibration sets x {per_set} organizations): "
        f"{post['share']:.1%} marginalized (95%, chance plus what the data leave unknown about the parameters: "
        f"{lo:.1%}-{hi:.1%}); the interval of the first line is chance alone, at the posterior medians."
    ]


def baseline(r: Results) -> list[str]:
    out = [
        "## Baseline 2012: does BYOT marginalize IT, and when does shadow adoption become the majority?",
        "",
    ]
    summary = r.summary("baseline", "run", "summary.json")
    if summary is None:
        return out + missing("baseline")
    agg, n = summary["aggregate"], summary["replicates"]
    m = agg["marginalized"]
    months = [run.get("month_shadow_majority") for run in summary["runs"]]
    months = np.array([np.nan if v is None else v for v in months], dtype=float)
    by_year = " / ".join(f"{y['share']:.1%}" for y in agg["marginalized_by_year"])
    thresholds = agg["threshold_sensitivity"]
    lines = list(thresholds)  # the custodian line -0.05, as set, +0.05
    out += [
        f"`orgsim run scenario=baseline_2012` ({n} organizations, {summary['months']} months, policy "
        f"{summary['policy']}).{r.timing('baseline')}",
        "",
        f"- IT ends marginalized (mean it_influence of the final 12 months below {lines[1]}) in {m['count']} of {n} "
        f"runs: {m['share']:.1%} (95% CI {m['ci95'][0]:.1%}-{m['ci95'][1]:.1%}); by year of the horizon {by_year}.",
        f"- With the custodian line at {lines[0]} / {lines[2]} instead: {thresholds[lines[0]]['share']:.1%} / "
        f"{thresholds[lines[2]]['share']:.1%}.",
        f"- Shadow and BYOT deployments become the majority (for 6 months running) in month {median_ci(months)} "
        f"(median, 95% CI; {agg['month_shadow_majority']['runs_reaching_majority']} of {n} runs reach it).",
        *_posterior_line(summary),
        f"- Final shadow share and final IT influence correlate at r = {agg['correlation_shadow_share_influence']:.2f} "
        f"(95% CI {_corr_ci(agg, n)}) across runs; final-year it_influence {agg['final_it_influence']['mean']:.2f} "
        f"(5-95%: {agg['final_it_influence']['p5']:.2f}-{agg['final_it_influence']['p95']:.2f}).",
        "",
    ]
    verdict = "does not" if m["ci95"][1] < 0.5 else "does" if m["ci95"][0] > 0.5 else "may or may not"
    reach = agg["month_shadow_majority"]["runs_reaching_majority"]
    out += [
        f"Answer: under 2012 conditions with a gatekeeper IT, BYOT {verdict} marginalize IT in most "
        f"organizations (share marginalized at most {m['ci95'][1]:.0%} at 95% confidence), while shadow and BYOT "
        f"deployments become the majority in {reach} of {n} of them.",
        "",
    ]
    for spec in ("trajectories", "role_components", "marginalized_by_year", "channels", "network"):
        out.append(r.figure("baseline", spec))
    return [*out, ""]


def _paired_difference(runs: pd.DataFrame, policy: str, reference: str, draws: int = 2000) -> str:
    """Difference in share marginalized against the reference policy, paired by replicate (same seeds)."""
    pivot = runs.pivot_table(index="replicate", columns="policy", values="marginalized", aggfunc="first")
    diff = (pivot[policy].astype(float) - pivot[reference].astype(float)).to_numpy()
    rng = np.random.default_rng(0)
    boot = diff[rng.integers(0, len(diff), (draws, len(diff)))].mean(axis=1)
    return f"{diff.mean():+.1%} ({np.percentile(boot, 2.5):+.1%} to {np.percentile(boot, 97.5):+.1%})"


def policy_comparison(r: Results) -> list[str]:
    out = ["## Policy comparison", ""]
    runs = r.table("policy_comparison", "sweep", "runs.parquet")
    if runs is None:
        return out + missing("policy_comparison")
    per = runs.groupby("policy", sort=False)
    out += [
        f"`orgsim sweep experiment=policy_comparison`: {runs['replicate'].nunique()} paired organizations per "
        f"policy (replicate r meets the same random numbers under every policy).{r.timing('policy_comparison')}",
        "",
        "| policy | marginalized (95% CI) | vs gatekeeper, paired (95% CI) | final it_influence (95% CI) | "
        "shadow majority month, median (95% CI) |",
        "|---|---|---|---|---|",
    ]
    for policy, group in per:
        diff = "-" if policy == "gatekeeper" else _paired_difference(runs, policy, "gatekeeper")
        out.append(
            f"| {policy} | {share_ci(group['marginalized'])} | {diff} | {mean_ci(group['final_it_influence'])} | "
            f"{median_ci(group['month_shadow_majority'])} |"
        )
    worst = per["marginalized"].mean().idxmax()
    best = per["final_it_influence"].mean().idxmax()
    out += [
        "",
        f"Most marginalizing: {worst}; highest final IT influence: {best}. Share of the variance (95% bootstrap "
        "interval) due to the policy and to chance:",
        "",
        *variance_lines(r.table("policy_comparison", "variance", "variance.parquet")),
        r.figure("policy_comparison", "policy_comparison"),
        r.figure("policy_comparison", "marginalized_by_year"),
        "",
    ]
    return out


def willingness_vs_appstores(r: Results) -> list[str]:
    out = ["## CIO willingness x SaaS and app-store maturity", ""]
    runs = r.table("willingness_vs_appstores", "sweep", "runs.parquet")
    if runs is None:
        return out + missing("willingness_vs_appstores")
    will, saas, apps = (
        "it.cio.willingness",
        "environment.saas_maturity.midpoint_year",
        "environment.app_stores.midpoint_year",
    )
    out += [
        f"`orgsim sweep experiment=willingness_vs_appstores`: {runs['setting'].nunique()} willingness levels x "
        f"{runs['world'].nunique()} worlds x {runs['replicate'].nunique()} replicates.{r.timing('willingness_vs_appstores')}",
        "",
        "| CIO willingness | marginalized, all worlds (95% CI) | earliest maturity (2013/2013) | latest (2017/2017) | final it_influence (95% CI) |",
        "|---|---|---|---|---|",
    ]
    for level, group in runs.groupby(will):
        early = group[(group[saas] == group[saas].min()) & (group[apps] == group[apps].min())]
        late = group[(group[saas] == group[saas].max()) & (group[apps] == group[apps].max())]
        out.append(
            f"| {level:g} | {share_ci(group['marginalized'])} | {share_ci(early['marginalized'])} | "
            f"{share_ci(late['marginalized'])} | {mean_ci(group['final_it_influence'])} |"
        )
    out += [
        "",
        *variance_lines(r.table("willingness_vs_appstores", "variance", "variance.parquet")),
        r.figure("willingness_vs_appstores", "heatmap"),
        "",
    ]
    return out


def _gap_by_month(series: pd.DataFrame, runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per month: mean difference in `column` between runs of `runs` (label 1) and the rest (label 0), with
    a Welch 95% interval (different levels mean different worlds, hence different seeds: not paired)."""
    stats = series.merge(runs, on="run_id").groupby(["label", "month"])[column].agg(["mean", "var", "count"])
    a, b = stats.xs(1, level="label"), stats.xs(0, level="label")
    gap = a["mean"] - b["mean"]
    half = Z * np.sqrt(a["var"] / a["count"] + b["var"] / b["count"])
    return pd.DataFrame({"gap": gap, "low": gap - half, "high": gap + half})


def _separation_month(gaps: pd.DataFrame) -> str:
    """The first month from which the gap's interval stays above zero to the horizon."""
    above = gaps["low"] > 0
    if not above.iloc[-1]:
        return "never"
    below = above[~above]
    return f"{int(gaps.index[0] if below.empty else below.index[-1] + 1)}"


def lebrun_integration(r: Results) -> list[str]:
    out = ["## LeBrun: does social come back to the CIO as integration pressure rises, and how fast?", ""]
    runs = r.table("lebrun_integration", "sweep", "runs.parquet")
    series = r.table("lebrun_integration", "sweep", "timeseries.parquet")
    if runs is None or series is None:
        return out + missing("lebrun_integration")
    level = "environment.integration_sensitivity"
    final = series.loc[series.groupby("run_id")["month"].idxmax(), ["run_id", "outside_managed_share"]]
    runs = runs.merge(final, on="run_id")
    out += [
        f"`orgsim sweep experiment=lebrun_integration`: {runs['replicate'].nunique()} replicates per policy and "
        f"level of integration sensitivity (social_comes_to_cio scenario).{r.timing('lebrun_integration')} "
        "Gap: mean it_influence minus that of the same policy without integration pressure (95% Welch "
        "interval); separates: the first month from which that interval stays above zero to the horizon.",
        "",
        "| policy | integration sensitivity | marginalized (95% CI) | final it_influence (95% CI) | "
        "not managed by IT at the horizon (95% CI) | gap at month 12 / 36 / 60 | separates from month |",
        "|---|---|---|---|---|---|---|",
    ]
    months = sorted(series["month"].unique())
    marks = [m for m in (12, 36, 60) if m in months] or [months[-1]]
    for (policy, value), group in runs.groupby(["policy", level], sort=False):
        gap_text, separation = "-", "-"
        if value != runs[level].min():
            pair = runs[(runs["policy"] == policy) & runs[level].isin([value, runs[level].min()])]
            labels = pair.assign(label=(pair[level] == value).astype(int))[["run_id", "label"]]
            gaps = _gap_by_month(series, labels, "it_influence")
            gap_text = " / ".join(
                f"{gaps.loc[m, 'gap']:+.3f} ({gaps.loc[m, 'low']:+.3f} to {gaps.loc[m, 'high']:+.3f})"
                for m in marks
            )
            separation = _separation_month(gaps)
        out.append(
            f"| {policy} | {value:g} | {share_ci(group['marginalized'])} | {mean_ci(group['final_it_influence'])} | "
            f"{mean_ci(group['outside_managed_share'])} | {gap_text} | {separation} |"
        )
    gate = runs[runs["policy"] == "gatekeeper"]
    low, high = gate[level].min(), gate[level].max()
    a = gate[gate[level] == low]["final_it_influence"]
    b = gate[gate[level] == high]["final_it_influence"]
    out += [
        "",
        f"For a gatekeeper IT, final IT influence is {mean_ci(a)} without integration pressure and {mean_ci(b)} "
        f"at sensitivity {high:g}: social {'comes back to' if b.mean() > a.mean() else 'does not come back to'} "
        "the CIO in this model, in the sense that IT keeps more of its role where tools must be integrated.",
        "",
        *variance_lines(r.table("lebrun_integration", "variance", "variance.parquet")),
        r.figure("lebrun_integration", "trajectories"),
        r.figure("lebrun_integration", "policy_comparison"),
        "",
    ]
    return out


ARCHETYPES = ("midsize", "regulated_bank", "consumer_brand", "software_firm", "public_agency")
# the objectives a strategist reads first in the robustness table, in this order
HEADLINE_OBJECTIVES = (
    "final_it_influence",
    "final_mean_satisfaction",
    "security_incidents",
    "mean_wait_months",
    "total_cost",
    "marginalized",
)
ROBUSTNESS_HEADING = "## For the strategist: which policy for which organization, and how robust?"


def recommended_setting(regret: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The lever setting whose maximum regret, each objective's divided by its spread over settings and
    worlds (so units compare), is least on average over the objectives (the regret heat map's order; the
    mean rather than the largest, because the largest is set by whichever objective replicate noise
    inflates most); ties broken by the largest; and the per-setting, per-objective table."""
    from orgsim.plots.regret import max_regret_table

    table = max_regret_table(regret)
    worst = table.groupby("policy")["scaled"].agg(["mean", "max"]).sort_values(["mean", "max"], kind="stable")
    return str(worst.index[0]), table


def _number(x: float, fmt: str) -> str:
    return f"{x:,.0f}" if fmt == ".3g" and abs(x) >= 1000 else f"{x:{fmt}}"


def _stat(row: pd.Series, stat: str, fmt: str = ".3g") -> str:
    low, high = row[f"{stat}_low"], row[f"{stat}_high"]
    return f"{_number(row[stat], fmt)} ({_number(low, fmt)}-{_number(high, fmt)})"


def robustness(r: Results) -> list[str]:
    out = [ROBUSTNESS_HEADING, ""]
    found = {a: r.table("robustness", a, "robustness", "robustness.parquet") for a in ARCHETYPES}
    if all(t is None for t in found.values()):
        return out + missing("robustness/<archetype>")
    first = next(a for a, t in found.items() if t is not None)
    runs = r.table("robustness", first, "sweep", "runs.parquet")
    replicates = runs["replicate"].nunique() if runs is not None else 3
    size = (
        f"{runs['setting'].nunique()} lever settings x {runs['world'].nunique()} Latin-hypercube worlds x "
        f"{runs['replicate'].nunique()} paired replicates = {len(runs):,} runs per archetype"
        if runs is not None
        else "configs/experiment/policy_robustness.yaml"
    )
    out += [
        f"`orgsim sweep experiment=policy_robustness scenario=<archetype>` ({size}: every IT policy x governance "
        "stance x CIO stance, passive or acting, meets the same worlds drawn over the declared uncertainties), "
        "then `orgsim analyze robustness`. Per setting and objective: the mean over worlds, the worse-tail "
        "percentile, the maximum regret (how far it falls short of the best setting in a world, at worst) and "
        "the share of worlds meeting a threshold, each with a 95% bootstrap interval over worlds. "
        "Recommended: the setting whose maximum regrets, each divided by that objective's spread over "
        "settings and worlds, are least on average over the eight objectives (the top row of the regret heat "
        "map): the setting that stays closest to the best one across objectives and worlds. With "
        f"{replicates} replicates a world, a maximum regret includes replicate noise (a world mean of a few runs can "
        "fall short by chance), so read regrets against each other, not as absolute. Times per archetype: "
        + ", ".join(
            f"{a} {json.loads(r.path('robustness', a, 'timing.json').read_text())['seconds']:.0f} s"
            for a in ARCHETYPES
            if r.path("robustness", a, "timing.json").is_file()
        )
        + ".",
        "",
        "| archetype | recommended setting | where it gives most away: objective, max regret (95% CI) vs the "
        "least any setting has | "
        "final IT influence | satisfaction | security incidents | months waited | total cost (k USD) | "
        "marginalized | Pareto set |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for archetype, table in found.items():
        if table is None:
            out.append(
                f"| {archetype} | not run yet: `python experiments/run.py robustness/{archetype}` |"
                + " |" * 8
            )
            continue
        regret = r.table("robustness", archetype, "robustness", "regret.parquet")
        pareto = r.table("robustness", archetype, "robustness", "pareto.parquet")
        preferred = r.table("robustness", archetype, "robustness", "preferred.parquet")
        best, scaled = recommended_setting(regret)
        mine = table[table["policy"] == best].set_index("objective")
        # its weakest objective: where its scaled maximum regret exceeds the least any setting reaches
        # (an objective whose regret replicate noise inflates for every setting then does not stand out)
        scaled["excess"] = scaled["scaled"] - scaled.groupby("objective")["scaled"].transform("min")
        weakest = scaled[scaled["policy"] == best].sort_values("excess", kind="stable").iloc[-1]
        weak_row = mine.loc[weakest["objective"]]
        least = table[table["objective"] == weakest["objective"]]["max_regret"].min()
        cells = []
        for objective in HEADLINE_OBJECTIVES:
            if objective not in mine.index:
                cells.append("-")
                continue
            row = mine.loc[objective]
            fmt = ".0%" if objective == "marginalized" else ".3g"
            cells.append(f"{_stat(row, 'mean', fmt)}")
        front = int(pareto["pareto"].sum())
        in_front = "yes" if bool(pareto.set_index("policy").loc[best, "pareto"]) else "no"
        out.append(
            f"| {archetype} | {best} | {weakest['objective']}: {_stat(weak_row, 'max_regret')} vs "
            f"{_number(least, '.3g')} | "
            + " | ".join(cells)
            + f" | {front} of {len(pareto)} (it: {in_front}) |"
        )
        influence = table[table["objective"] == "final_it_influence"].set_index("policy")
        top = influence["mean"].idxmax()
        switched = int(preferred["switched"].sum())
        notes.append(
            f"- **{archetype}**: recommended {best}, satisficing IT influence >= "
            f"{influence.loc[best, 'threshold']:.2g} in {_stat(influence.loc[best], 'satisficing', '.0%')} of "
            f"worlds, 10th-percentile IT influence {_stat(influence.loc[best], 'tail')}, maximum regret on IT "
            f"influence {_stat(influence.loc[best], 'max_regret')}. Highest mean IT influence: {top} "
            f"({_stat(influence.loc[top], 'mean')}); another setting beats it by more than replicate noise "
            f"({preferred['regret_threshold'].iloc[0]:.3f}) in {switched} of {len(preferred)} worlds."
        )
    out += [
        "",
        "Cells: mean over worlds (95% bootstrap interval over worlds). The Pareto set alone does not choose: "
        "with eight objectives nearly every setting is best at something (last column). Per archetype:",
        "",
        *notes,
        "",
    ]
    variance = {a: r.table("robustness", a, "variance", "variance.parquet") for a in ARCHETYPES}
    if any(v is not None for v in variance.values()):
        out += [
            "How much of each objective's variance is choice (the lever setting), world, their interaction "
            "and chance (the replicate seed: the organization drawn, its CIO and every monthly draw), per archetype "
            "(`orgsim analyze variance` on the same runs):",
            "",
            "| archetype | objective | choice (levers) | world | interaction | chance (seeds) |",
            "|---|---|---|---|---|---|",
        ]
        for archetype, table in variance.items():
            if table is None:
                continue
            for objective in ("final_it_influence", "final_mean_satisfaction", "security_incidents"):
                rows = table[table["outcome"] == objective].set_index("source")
                if rows.empty or rows["share"].isna().all():
                    continue
                cells = [pct(rows.loc[s]) for s in ("levers", "uncertainties", "interaction", "seeds")]
                out.append(f"| {archetype} | {objective} | " + " | ".join(cells) + " |")
        out.append("")
    for archetype in ARCHETYPES:
        if found[archetype] is not None:
            out += [
                f"{archetype}: " + r.figure(f"robustness/{archetype}", "tradeoff"),
                r.figure(f"robustness/{archetype}", "regret"),
            ]
    return [*out, ""]


def _by_method(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sensitivity table split into the Sobol rows (with the seed rows) and the emulator's (hdmr)."""
    emulator = table["method"] == "hdmr"
    return table[~emulator], table[emulator]


def _top_narrow(rows: pd.DataFrame) -> str:
    top = rows[rows["index"] == "S1"].sort_values("value", ascending=False).head(5)
    return f"{int((top['conf'] < top['value']).sum())} of {len(top)}"


def _sensitivity_counts(table: pd.DataFrame, outcome: str, replicates: int) -> dict:
    """Seed share, noise left in the averaged outcome, Sobol indices flagged, the top five S1 with
    intervals narrower than themselves, and the emulator's cross-validated R^2 and top five."""
    from orgsim.analysis.sensitivity import noise_left

    table, emulated = _by_method(table)
    rows = table[table["outcome"] == outcome]
    seeds = rows[rows["parameter"] == "(seeds)"].iloc[0]
    indices = rows[rows["parameter"] != "(seeds)"]
    em = emulated[(emulated["outcome"] == outcome)]
    r2 = em.loc[em["parameter"] == "(emulator cv)", "value"]
    return {
        "seeds": f"{seeds['value']:.0%} +- {seeds['conf']:.0%}",
        "left": noise_left(seeds["value"], replicates),
        "flagged": f"{int(indices['warning'].sum())} of {len(indices)}",
        "top": _top_narrow(indices),
        "r2": f"{r2.iloc[0]:.2f}" if len(r2) else "-",
        "em_top": _top_narrow(em[em["parameter"] != "(emulator cv)"]) if len(em) else "-",
    }


def global_sensitivity(r: Results) -> list[str]:
    from orgsim.analysis.sensitivity import noise_left

    out = ["## Global sensitivity (Sobol)", ""]
    full = r.table("global_sensitivity", "sensitivity", "sensitivity.parquet")
    runs = r.table("global_sensitivity", "sweep", "runs.parquet")
    if full is None or runs is None:
        return out + missing("global_sensitivity")
    table, emulated = _by_method(full)
    replicates = runs["replicate"].nunique()
    out += [
        f"`orgsim sweep experiment=global_sensitivity` ({len(runs)} runs, {replicates} replicates per sample, "
        f"averaged before the indices), then `orgsim analyze sensitivity`.{r.timing('global_sensitivity')} "
        "Parameters ranked by first-order index S1: seed noise left in the averaged outcome adds to every "
        "total index ST alike (each ST then comes out large), while it only scales S1 down.",
        "",
    ]
    for outcome in ("marginalized", "final_it_influence"):
        rows = table[table["outcome"] == outcome]
        if rows.empty:
            continue
        seeds = rows[rows["parameter"] == "(seeds)"].iloc[0]
        s1 = rows[rows["index"] == "S1"].sort_values("value", ascending=False).head(5)
        st = rows[rows["index"] == "ST"].set_index("parameter")
        flagged = int(rows["warning"].sum())
        left = noise_left(seeds["value"], replicates)
        seed_text = (
            f"{seeds['value']:.0%} +- {seeds['conf']:.0%} of run-to-run variance, {left:.0%} of the averaged "
            "outcome's variance"
            if np.isfinite(seeds["value"])
            else "n/a"
        )
        out += [
            f"**{outcome}** (seed noise: {seed_text}; {flagged} of {len(rows) - 1} indices have intervals wider "
            "than themselves, marked (!)):",
            "",
            "| parameter | S1 (95% CI) | ST (95% CI) |",
            "|---|---|---|",
        ]
        for row in s1.itertuples():
            total = st.loc[row.parameter]
            out.append(
                f"| {row.parameter} | {row.value:.3f} +- {row.conf:.3f}{' (!)' if row.warning else ''} | "
                f"{total['value']:.2f} +- {total['conf']:.2f}{' (!)' if total['warning'] else ''} |"
            )
        out.append("")
    s1 = table[table["index"] == "S1"]
    if not (s1["value"] - s1["conf"] > 0).any():
        out += [
            "No first-order index can be told from zero at this budget: the seed dominates each run's outcome, "
            f"and {replicates} replicates per sample leave most of that noise in the averages. The variance split "
            "of scenario_discovery (lever settings crossed with worlds) answers the choices-versus-world question "
            "with fewer runs.",
            "",
        ]
    before = r.table("global_sensitivity", "before", "sensitivity.parquet")
    if before is not None:
        before_replicates = int(
            json.loads(r.path("global_sensitivity", "before", "replicates.json").read_text())["replicates"]
        )
        out += [
            f"Powered (issue 19): the same design at {before_replicates} replicates per sample (before, the "
            f"current model, kept in results/global_sensitivity/before/) and at {replicates} (now). Seed "
            "noise left in the averaged outcome is (s/R) / (s/R + 1 - s) for a seed share s of the run-to-run "
            "variance and R replicates; the target is at most 20%.",
            "",
            "| outcome | replicates | seed share of run-to-run variance | seed share of the averaged outcome | "
            "Sobol indices with intervals wider than themselves | Sobol top-5 S1 narrower than the index | "
            "emulator: cross-validated R^2 | emulator top-5 S1 narrower than the index |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for outcome in ("marginalized", "final_it_influence"):
            for label, source, reps in (("before", before, before_replicates), ("now", full, replicates)):
                c = _sensitivity_counts(source, outcome, reps)
                out.append(
                    f"| {outcome} | {reps} ({label}) | {c['seeds']} | {c['left']:.0%} | {c['flagged']} | {c['top']} | "
                    f"{c['r2']} | {c['em_top']} |"
                )
        sobol_before, emulated_before = _by_method(before)
        lefts = [
            _sensitivity_counts(full, o, replicates)["left"] for o in ("marginalized", "final_it_influence")
        ]

        def emulated_sum(t: pd.DataFrame) -> float:
            rows = t[(t["outcome"] == "final_it_influence") & (t["index"] == "S1")]
            return float(rows["value"].sum())

        ratio = emulated_sum(emulated_before) / emulated_sum(emulated) if not emulated.empty else np.nan

        def median_st(t: pd.DataFrame) -> float:
            rows = t[(t["outcome"] == "final_it_influence") & (t["index"] == "ST")]
            return float(rows["value"].median())

        flagged = [int(t["warning"].sum()) for t in (sobol_before, table)]
        totals = [int((t["parameter"] != "(seeds)").sum()) for t in (sobol_before, table)]
        out += [
            "",
            f"Over every outcome: {flagged[0]} of {totals[0]} Sobol indices had intervals wider than "
            f"themselves before, {flagged[1]} of {totals[1]} now. The replicates took the noise out of the "
            "total indices, which noise inflates alike for every parameter: the median ST of final_it_influence "
            f"fell from {median_st(sobol_before):.2f} to {median_st(table):.2f}. What still widens the small first-order "
            f"intervals is the Monte Carlo error of Saltelli's estimator at {runs['world'].nunique()} design "
            "rows, not the seed; sampling shrinks it only with the square root of the rows. An emulator "
            "fitted to the same row means costs no extra run and narrows them several-fold, so the study "
            "ships both: `orgsim analyze sensitivity emulator=true` adds first-order indices from SALib's "
            "HDMR (each input's effect a B-spline, bootstrap intervals over rows), checked by its 5-fold "
            "cross-validated R^2 (the share of the variance of held-out row means it predicts; the seed noise "
            f"left, {min(lefts):.0%}-{max(lefts):.0%}, bounds it from above). At {before_replicates} replicates "
            f"the emulator's first-order indices of final_it_influence summed to {ratio:.0%} of what they sum "
            "to now (the seed noise in the denominator), so both the replicates and the emulator are needed.",
            "",
        ]
    if not emulated.empty:
        r2 = emulated[emulated["parameter"] == "(emulator cv)"].set_index("outcome")["value"]
        for outcome in ("marginalized", "final_it_influence"):
            rows = emulated[(emulated["outcome"] == outcome) & (emulated["index"] == "S1")]
            if rows.empty:
                continue
            top = rows.sort_values("value", ascending=False).head(5)
            out += [
                f"**{outcome}**, emulator (HDMR, cross-validated R^2 {r2[outcome]:.2f}): top five first-order "
                "indices",
                "",
                "| parameter | S1 (95% CI) |",
                "|---|---|",
                *[
                    f"| {row.parameter} | {row.value:.3f} +- {row.conf:.3f}{' (!)' if row.warning else ''} |"
                    for row in top.itertuples()
                ],
                "",
            ]
    out += [r.figure("global_sensitivity", "sensitivity"), ""]
    return out


def scenario_discovery(r: Results) -> list[str]:
    out = ["## Scenario discovery (PRIM): where does IT end marginalized?", ""]
    boxes = r.table("scenario_discovery", "discover", "prim_boxes.parquet")
    runs = r.table("scenario_discovery", "sweep", "runs.parquet")
    if boxes is None or runs is None:
        return out + missing("scenario_discovery")
    out += [
        f"`orgsim sweep experiment=scenario_discovery` ({runs['setting'].nunique()} lever settings x "
        f"{runs['world'].nunique()} Latin-hypercube worlds x {runs['replicate'].nunique()} replicates), then "
        f"`orgsim analyze discover outcome=marginalized threshold=0.8`. IT ends marginalized in "
        f"{share_ci(runs['marginalized'])} of all runs.{r.timing('scenario_discovery')}",
        "",
    ]
    if boxes.empty:
        out += [
            "No box reaches a density of 0.8 (see the analysis' summary.txt for how close the peeling came).",
            "",
        ]
    for number, group in boxes.groupby("box"):
        first = group.iloc[0]
        limits = [
            f"{row.parameter} in {{{row.values}}}" if row.kind == "categorical"
            else f"{row.parameter} {row.low:.5g}..{row.high:.5g} (of {row.range_low:.5g}..{row.range_high:.5g})"
            for row in group.itertuples()
        ]  # fmt: skip
        out.append(
            f"- Box {number}: coverage {first.coverage:.0%} of the marginalized runs, density {first.density:.0%}, "
            f"mass {first.mass:.0%} of all runs: " + "; ".join(limits) + "."
        )
    return [*out, "", r.figure("scenario_discovery", "prim"), ""]


def headline(r: Results) -> list[str]:
    variance = r.table("scenario_discovery", "variance", "variance.parquet")
    out = ["## Headline: choices, world, the CIO or chance?", ""]
    if variance is None:
        return out + missing("scenario_discovery")
    outcome = "final_it_influence"  # continuous: the main outcome (marginalized is a line far from most runs)
    rows = variance[variance["outcome"] == outcome].set_index("source")
    split = "cio" in rows.index
    out += [
        f"Share of the variance of {outcome} (scenario_discovery: every lever setting meets every world with "
        "the same seeds; method of moments variance components, percentile bootstrap over worlds; see "
        "`orgsim/analysis/variance.py`):",
        "",
        f"- what the organization chooses (policy, CIO willingness, IT budget): **{pct(rows.loc['levers'])}**",
        f"- what the world does (SaaS, consumerization and app-store maturity, vendor push, integration "
        f"pressure, marketing-technology growth): **{pct(rows.loc['uncertainties'])}**",
        f"- choices x world (a lever that works in some worlds only): **{pct(rows.loc['interaction'])}**",
        *(
            [
                f"- which CIO the organization drew (acting / aspiring only / neither): **{pct(rows.loc['cio'])}**",
                *(
                    [
                        "- which organization was drawn (its size, IT intensity, committed core technology and "
                        f"department mix): **{pct(rows.loc['organization'])}**",
                        "- chance (what the seed leaves once the CIO and the organization are known: every monthly "
                        "draw, and the part of the department mix its two summaries miss): "
                        f"**{pct(rows.loc['chance'])}**",
                    ]
                    if "organization" in rows.index
                    else [
                        "- chance (what the seed leaves once the CIO is known: the organization drawn and every "
                        f"monthly draw): **{pct(rows.loc['chance'])}**"
                    ]
                ),
            ]
            if split
            else [f"- the replicate seed (the CIO drawn and chance together): **{pct(rows.loc['seeds'])}**"]
        ),
        "",
        *variance_lines(variance),
        *policy_variance_lines(r.table("scenario_discovery", "variance", "variance_by_policy.parquet")),
    ]
    return out


def sensitivity_to_assumptions(r: Results) -> list[str]:
    out = ["## Where the model is sensitive to assumptions", ""]
    summary = r.path("baseline", "run", "summary.json")
    if summary.is_file():
        thresholds = r.summary("baseline", "run", "summary.json")["aggregate"]["threshold_sensitivity"]
        out.append(
            "- The verdict depends on where the custodian line is drawn: at baseline the share marginalized is "
            + " / ".join(f"{v['share']:.1%}" for v in thresholds.values())
            + f" with the line at {' / '.join(thresholds)} of it_influence; the line is fitted to the State of the "
            "CIO 2016 share of functional CIOs, fielded in 2015 (docs/ODD.md section 2.0), the weights of it_influence are "
            "assumptions."
        )
    table = r.table("global_sensitivity", "sensitivity", "sensitivity.parquet")
    if table is not None:
        table = _by_method(table)[0]  # the Sobol indices (the emulator's are reported in their section)
        parts = []
        for outcome in ("marginalized", "final_it_influence"):
            s1 = table[(table["index"] == "S1") & (table["outcome"] == outcome)]
            clear = s1[s1["value"] - s1["conf"] > 0].sort_values("value", ascending=False)
            names = ", ".join(
                f"{p} (S1 {v:.2f} +- {c:.2f})"
                for p, v, c in zip(clear["parameter"], clear["value"], clear["conf"], strict=True)
            )
            parts.append(f"{outcome}: {names or 'no parameter (every interval reaches zero)'}")
        seeds = table[(table["parameter"] == "(seeds)") & (table["outcome"] == "final_it_influence")]["value"]
        out.append(
            "- Over the plausible ranges, the outcomes depend clearly (first-order interval above zero) on: "
            f"{'; '.join(parts)}. Within one organization "
            f"chance dominates: {seeds.iloc[0]:.0%} of the run-to-run variance of the final IT influence is due to "
            f"the seed. {int(table['warning'].sum())} of {int((table['parameter'] != '(seeds)').sum())} indices "
            "have intervals wider than themselves: those rankings are noise at this sample size."
        )
    boxes = r.table("scenario_discovery", "discover", "prim_boxes.parquet")
    if boxes is not None and not boxes.empty:
        world = sorted({p for p in boxes["parameter"] if p.startswith(("environment.", "org."))})
        out.append(
            "- The PRIM boxes restrict "
            + (f"these uncertainties too: {', '.join(world)}" if world else "levers only, no uncertainty")
            + "; where they restrict an uncertainty, the finding holds only in that part of the assumed world."
        )
    variance = r.table("scenario_discovery", "variance", "variance.parquet")
    if variance is not None:
        rows = variance[variance["outcome"] == "final_it_influence"].set_index("source")
        if "chance" in rows.index:
            out.append(
                f"- Chance, once the CIO drawn is known, accounts for {pct(rows.loc['chance'])} of the variance "
                f"of the final IT influence, the CIO drawn for {pct(rows.loc['cio'])}: single runs say little; "
                "every number here averages replicates."
            )
        elif "seeds" in rows.index:
            out.append(
                f"- The replicate seed (the CIO drawn and chance together) accounts for {pct(rows.loc['seeds'])} "
                "of the variance of the final IT influence: single runs say little; every number here averages "
                "replicates."
            )
    out.append(
        "- The defaults are the posterior medians of an ABC fit to a few published figures (calibrated=abc_2012; "
        "docs/ODD.md); every assumed number declares a plausible range, and the sensitivity and discovery "
        "studies sample those ranges, not beyond them."
    )
    return [*out, ""]


VALIDATION_HEADING = (
    "## Calibration and validation: the published figures, the held-out rows, the verdict over the posterior"
)


LINE_YEAR, HELD_YEAR = CUSTODIAN_LINE.year, HELD_OUT_ROLE.year  # the role survey's fielding years


def _year_cell(entry: dict) -> str:
    return f"{entry['share']:.1%} [{entry['ci95'][0]:.1%}, {entry['ci95'][1]:.1%}]"


def validation(r: Results) -> list[str]:
    """`orgsim validate` at the calibrated defaults (every published row, held-out ones flagged) and the
    verdict of the default scenario in each year to 2017: at the posterior medians (chance) and over the
    calibration posterior (chance plus parameters)."""
    out = [VALIDATION_HEADING, ""]
    summary = r.summary("validation", "run", "summary.json")
    rows_path = r.path("validation", "validate", "validation.csv")
    if summary is None or not rows_path.is_file():
        return out + missing("validation")
    config = results.read_config(r.path("validation", "run"))
    start = int(config["start_year"])
    metrics = config["metrics"]
    agg, n = summary["aggregate"], summary["replicates"]
    post = summary.get("posterior_verdict") or {}
    medians = agg["marginalized_by_year"]
    over = post.get("by_year", [])
    out += [
        f"`orgsim run scenario=baseline_2012 years=6 posterior_sets={post.get('sets', 0)}` ({n} organizations at the "
        f"posterior medians; {post.get('sets', 0)} accepted calibration sets x "
        f"{post.get('organizations', 0) // max(post.get('sets', 1), 1)} organizations over the posterior) and "
        f"`orgsim validate` at the calibrated defaults.{r.timing('validation')} The calibration itself, its "
        "prior ranges and what the data identify: docs/ODD.md section 2.0.",
        "",
        f"The role lines, fitted to State of the CIO 2016 (fielded {LINE_YEAR}; 27% functional, 27% strategic): "
        "custodian "
        f"{metrics['custodian_threshold']}, strategic {metrics['strategic_threshold']} (of it_influence). An "
        "organization is marginalized in a year when that year's mean it_influence lies below the custodian "
        "line. Share marginalized by year, 95% intervals:",
        "",
        "| year | " + " | ".join(str(start + y["year"] - 1) for y in medians) + " |",
        "|---|" + "---|" * len(medians),
        "| at the posterior medians (chance) | " + " | ".join(_year_cell(y) for y in medians) + " |",
    ]
    if over:
        out.append(
            "| over the posterior (chance plus parameters) | "
            + " | ".join(_year_cell(y) for y in over)
            + " |"
        )
    out += [
        "",
        f"{LINE_YEAR} sits near 27% by construction of the line (fitted to that year's survey); {HELD_YEAR} is the "
        "held-out survey year (20% functional); the other years are where the model speaks.",
        "",
    ]
    rows = pd.read_csv(rows_path, keep_default_na=False)
    published = rows[rows["check"].str.startswith(("published:", "input:", "hypothesis:"))]
    out += ["| row | figure | model [95%] | tolerance | result | kind |", "|---|---|---|---|---|---|"]
    for row in published.itertuples():
        result = "pass" if str(row.passed) == "True" else "FAIL"
        if NOT_COUNTED & set(row.flag.split(",")):
            result += " (not counted)"
        out.append(
            f"| {row.check} | {float(row.target):.3g} | {float(row.model):.3g} [{float(row.low):.3g}, "
            f"{float(row.high):.3g}] | {row.tolerance} | {result} | {row.flag.replace(',', ', ') or '-'} |"
        )
    held = published[published["flag"].str.split(",").map(lambda f: "held-out" in f)]
    passed = int((held["passed"].astype(str) == "True").sum())
    out += [
        "",
        f"- Held-out rows (never in the fit; tolerances declared before it): {passed} of {len(held)} predict "
        "their figure within tolerance"
        + (
            ": "
            + "; ".join(
                f"{row.check.split(': ', 1)[-1]} model {float(row.model):.2f} against {float(row.target):.2f}"
                for row in held.itertuples()
            )
            if len(held)
            else ""
        )
        + ".",
        "- Rows marked input or line are met by the model's inputs or by the fitted lines, rows marked "
        "out-of-scope compare a figure about something the model does not represent, and rows marked forecast "
        "check a forecast of the period, not a measurement (no evidence either way); all four are shown, not "
        "counted.",
        "- Why the model's IT loses ground after 2014 faster than the surveys show (no single mechanism switched "
        "off restores the State of the CIO row; fitted to the spend figures of 2012-2015, as the refit "
        "pre-registered on 2026-12-07 is, the model predicts 2016's spend split but its decision share falls "
        "faster than Logicalis found; a mix of IT policies across firms does not help) and what the data "
        "identify: docs/ODD.md section 2.0; why the two blind rows fail (State of the CIO's classes held "
        "still while the model's firms slide through the lines; the Logicalis figure lies within the ranges "
        "of IT's takeover assumptions): experiments/blind_rows.py and role_weights.py.",
        "",
    ]
    return out


def write_report(root: Path) -> Path:
    """Write REPORT.md (experiments/REPORT.md for the default results, else inside `root`); its path."""
    root = Path(root).resolve()
    target = HERE / "REPORT.md" if root == (HERE / "results").resolve() else root / "REPORT.md"
    r = Results(root, target)
    lines = [
        "# orgsim findings report",
        "",
        f"Generated by `python experiments/report.py` on {time.strftime('%Y-%m-%d')} from {os.path.relpath(root, target.parent)}/ "
        "(regenerate everything: `python experiments/run.py all`). Intervals are 95%: Wilson for shares, t for "
        "means, binomial order statistics for medians, bootstrap for variance shares and paired differences.",
        "",
    ]
    for part in PARTS:
        lines += part(r)
    target.write_text("\n".join(lines).rstrip() + "\n")
    return target


def write_sections(root: Path, names: list[str]) -> Path:
    """Regenerate only the named sections of an existing report (each from its `## ` heading to the next),
    leaving the others as they are; a section the report lacks goes where PARTS puts it."""
    root = Path(root).resolve()
    target = HERE / "REPORT.md" if root == (HERE / "results").resolve() else root / "REPORT.md"
    if not target.is_file():
        return write_report(root)
    r = Results(root, target)
    text = target.read_text().rstrip("\n").split("\n")
    parts = {p.__name__: p for p in PARTS}
    for name in names:
        new = parts[name](r)
        while new and not new[-1]:
            new.pop()
        starts = [i for i, line in enumerate(text) if line.startswith("## ")]
        heading = new[0]
        if heading in text:
            start = text.index(heading)
            end = next((i for i in starts if i > start), len(text))
            text[start:end] = [*new, ""]
        else:  # before the first section that follows it in PARTS, else at the end
            later = [parts[n](r)[0] for n in list(parts)[list(parts).index(name) + 1 :]]
            at = next((i for i in starts if text[i] in later), len(text))
            text[at:at] = [*new, ""] if at < len(text) else ["", *new]
    target.write_text("\n".join(text).rstrip() + "\n")
    return target


PARTS = (
    robustness,
    headline,
    baseline,
    policy_comparison,
    willingness_vs_appstores,
    lebrun_integration,
    global_sensitivity,
    scenario_discovery,
    sensitivity_to_assumptions,
    validation,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=HERE / "results", help="the studies' results root")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[p.__name__ for p in PARTS],
        help="regenerate only these sections of the existing report",
    )
    args = parser.parse_args(argv)
    try:
        if args.only:
            print(f"report: {write_sections(args.results, args.only)}")
            return 0
        print(f"report: {write_report(args.results)}")
    except results.ConfigError as err:  # a damaged or unfinished results folder: one line naming it
        print(f"report: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
