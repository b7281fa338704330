"""`orgsim calibrate`: fit the uncertain parameters to the published targets by rejection ABC.

The prior sample is a sweep (configs/experiment/calibration.yaml: a Latin hypercube over the plausible
ranges), run through the sweep machinery, so it resumes after an interruption and runs on any executor.
The fit reads the sweep's monthly table, computes each target's statistic per run
(orgsim.calibration.targets), and keeps the `accept` fraction of parameter sets nearest the targets
(orgsim.calibration.abc). Outputs, beside the sweep's tables: posterior.csv, accepted.csv/.parquet,
targets.csv, pairs.png and calibrated_scenario.yaml.

A set's own few runs flatter the nearest of many noisy sets (a set accepted because its noise fell the
right way). `confirm=K` runs the K nearest sets again, `confirm_runs` each on seeds the sweep never used
(the replicates after its own), and accepts among them on those runs alone; the accepted sets' statistics
and distances are then the confirmation's. These runs are not stored: an interrupted confirmation runs
again in full on the next call, after the stored sweep.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.config.overrides import model_parameters
from orgsim.config.validate import ConfigError
from orgsim.sweep.design import CalibrateRootConfig, register_sweep_configs


def per_run_statistics(
    runs: pd.DataFrame, timeseries: pd.DataFrame, start_year: int, targets
) -> pd.DataFrame:
    """One row per run: run_id, row, and every target's statistic."""
    from orgsim.calibration.targets import run_statistics

    records = []
    for run_id, table in timeseries.groupby("run_id", sort=True):
        records.append({"run_id": int(run_id), **run_statistics(table, start_year, targets)})
    stats = pd.DataFrame.from_records(records)
    return runs[["run_id", "row"]].merge(stats, on="run_id", how="inner")


def check_horizon(plan, targets=None) -> None:
    """Refuse, before any run, a calibration whose runs do not cover every target's calendar year: its
    statistic would be undefined (NaN) in every run."""
    from orgsim.calibration.targets import FIT_TARGETS

    targets = FIT_TARGETS if targets is None else targets  # forecasts and held-out rows are not fitted
    years = [int(y) for y in plan.design["years"]] if "years" in plan.design else []
    for base in plan.bases.values():
        start = base.start_year
        shortest = min([base.years, *years])
        end = start + shortest - 1  # the last calendar year the runs cover in full
        outside = [t for t in targets if not start <= t.year <= end]
        if not outside:
            continue
        first, last = min(t.year for t in targets), max(t.year for t in targets)
        fix = [f"start_year={first} or earlier"] if first < start else []
        fix += [f"years={last - min(start, first) + 1} or more"] if last > end else []
        more = f" (and {len(outside) - 1} more target(s))" if len(outside) > 1 else ""
        raise ConfigError(
            f"target {outside[0].name} needs the year {outside[0].year}, outside the horizon "
            f"{start}-{end} (start_year={start}, years={shortest}){more}; set {' and '.join(fix)}"
        )


def check_statistics(per_run: pd.DataFrame, names: list[str]) -> None:
    """Refuse a fit on undefined statistics: a target whose statistic is NaN or inf in some run would give
    those parameter sets an infinite distance and the posterior a meaning it does not have."""
    from orgsim.guards import NonFiniteOutcome

    for name in names:
        values = per_run[name].to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            first = per_run.iloc[int(np.flatnonzero(bad)[0])]
            raise NonFiniteOutcome(
                f"target {name}'s statistic is {values[bad][0]} in {int(bad.sum())} of {len(values)} runs "
                f"(first: design row {int(first['row'])}, run {int(first['run_id'])}); no posterior written"
            )
    if len(per_run) == 0:
        raise NonFiniteOutcome("no run of the calibration sample has statistics; no posterior written")


def confirmation_statistics(plan, rows: list[int], runs: int, targets) -> pd.DataFrame:
    """Per run (run_id, row and every target's statistic): `runs` new runs of each design row in `rows`,
    the sweep's own replicates `plan.replicates` .. `plan.replicates + runs - 1` of those rows, numbered
    and seeded as the sweep numbers and seeds its runs (so any executor gives the same). Each chunk's
    monthly tables are read into statistics as they arrive and not kept."""
    from orgsim.calibration.targets import FIT_REPORTERS
    from orgsim.commands.sweep import chunk_size, run_chunk, run_tasks
    from orgsim.sweep.executors import make_executor

    rids = [(plan.replicates + k) * plan.n_rows + row for k in range(runs) for row in rows]
    start_year = next(iter(plan.bases.values())).start_year
    found = []
    executor = make_executor(plan.executor.kind, plan.executor.workers, plan.executor.address)
    with executor:
        size = chunk_size(plan, len(rids), executor.workers)
        chunks = (rids[i : i + size] for i in range(0, len(rids), size))  # not consecutive ids: any size
        tasks = run_tasks(plan, chunks, [], list(FIT_REPORTERS))
        for chunk_runs, monthly in executor.map_unordered(run_chunk, tasks):
            found.append(per_run_statistics(chunk_runs, monthly, start_year, targets))
    return pd.concat(found, ignore_index=True).sort_values("run_id", kind="stable", ignore_index=True)


def fit(plan, accept: float, confirm: int = 0, confirm_runs: int = 0) -> dict:
    """ABC on a finished calibration sweep; writes the posterior files into the sweep folder, all of them
    or none (the sweep's own store, locked by the caller). With `confirm`, the `confirm` nearest sets are
    run again (`confirmation_statistics`) and the accepted ones chosen on those runs alone."""
    from orgsim.calibration.abc import posterior_summary, reject, row_statistics
    from orgsim.calibration.targets import FIT_REPORTERS
    from orgsim.calibration.targets import FIT_TARGETS as TARGETS  # forecasts and held-out rows: never fitted
    from orgsim.guards import NonFiniteOutcome

    missing = [r for r in FIT_REPORTERS if r not in plan.reporters]
    if missing:
        raise ConfigError(
            f"sweep.timeseries must keep {', '.join(FIT_REPORTERS)}; missing {', '.join(missing)}"
        )
    sampled = [f for f in plan.factors if f.sampled]
    if not sampled or len(plan.factors) != len(sampled):
        raise ConfigError("calibrate needs a sampled design over ranges only (sweep.design=lhs or sobol)")
    from orgsim.results import REPAIR, read_table
    from orgsim.rundir import publish_files

    folder = plan.output_dir
    runs = read_table(folder / "runs.parquet", REPAIR)
    timeseries = read_table(folder / "timeseries.parquet", REPAIR)
    start_year = next(iter(plan.bases.values())).start_year
    per_run = per_run_statistics(runs, timeseries, start_year, TARGETS)
    stats = [t.fit_statistic for t in TARGETS]
    check_statistics(per_run, [t.name for t in TARGETS])
    table = row_statistics(per_run, stats)
    params = plan.design.set_index("row")[[f.key for f in sampled]]
    accepted, dist = reject(params, table, stats, accept)
    if not np.isfinite(dist).all():  # finite statistics give finite distances; never fit on others
        raise NonFiniteOutcome(
            f"{int((~np.isfinite(dist)).sum())} parameter sets have no finite distance "
            "from the targets; no posterior written"
        )
    if confirm:
        nearest = dist.sort_values(kind="stable").index[:confirm]
        fresh = confirmation_statistics(plan, [int(r) for r in nearest], confirm_runs, TARGETS)
        check_statistics(fresh, [t.name for t in TARGETS])
        confirmed = row_statistics(fresh, stats).loc[nearest]
        accepted, _ = reject(params.loc[nearest], confirmed, stats, len(accepted) / len(nearest))
    priors = {f.key: (float(f.low), float(f.high)) for f in sampled}
    posterior = posterior_summary(accepted, priors)

    # each target: the prior sample's spread and the accepted sets' (posterior predictive, row means)
    rows = []
    for t in TARGETS:
        prior_vals, post_vals = table[t.name], accepted[t.name]
        rows.append(
            {
                "target": t.name,
                "source": t.source,
                "value": t.value,
                "scale": t.scale,
                "prior_median": float(prior_vals.median()),
                "posterior_median": float(post_vals.median()),
                "posterior_low90": float(post_vals.quantile(0.05)),
                "posterior_high90": float(post_vals.quantile(0.95)),
            }
        )
    targets = pd.DataFrame(rows)
    result = {
        "posterior": posterior,
        "targets": targets,
        "accepted": len(accepted),
        "rows": len(params),
        "runs_per_row": int(table["runs"].median()),
        "max_distance": float(accepted["distance"].max()),
        "median_distance_all": float(np.median(dist)),
        "confirm": confirm,
        "confirm_runs": confirm_runs,
    }
    text = report(result)
    publish_files(  # the fit's files appear together or not at all
        folder,
        {
            "posterior.csv": lambda p: posterior.to_csv(p, index=False),
            "accepted.csv": lambda p: accepted.reset_index().to_csv(p, index=False),
            "accepted.parquet": lambda p: accepted.reset_index().to_parquet(p, index=False),
            "targets.csv": lambda p: targets.to_csv(p, index=False),
            "calibrated_scenario.yaml": lambda p: p.write_text(scenario_yaml(posterior, plan)),
            "pairs.png": lambda p: pairs_plot(params, accepted, priors, p),
            "calibration.txt": lambda p: p.write_text(text + "\n"),
        },
    )
    return {**result, "text": text}


def _round(value: float, low: float, high: float) -> float:
    """The median rounded to about a thousandth of its prior range (a config value, not a false digit)."""
    digits = int(-np.floor(np.log10((high - low) / 1000.0)))
    return round(float(value), max(digits, 0)) if digits > 0 else float(round(value, digits))


def scenario_yaml(posterior: pd.DataFrame, plan) -> str:
    """A scenario config setting each calibrated parameter to its posterior median, and every model
    parameter the command line set (e.g. `org.investment_rights=drawn`) to that value: the fit's medians
    mean something only under the settings the fit ran with."""
    from omegaconf import OmegaConf

    fixed = {
        k: v for k, v in model_parameters(plan.overrides).items() if k not in set(posterior["parameter"])
    }
    values = {
        **fixed,
        **{r.parameter: _round(r.median, r.prior_low, r.prior_high) for r in posterior.itertuples()},
    }
    head = (
        "# @package _global_\n"
        f"# Posterior medians from `orgsim calibrate` ({len(plan.design)} parameter sets x "
        f"{plan.replicates} replicates, seed {plan.seed}); see posterior.csv for the intervals.\n"
    )
    if fixed:
        head += f"# Fitted with {', '.join(f'{k}={v}' for k, v in fixed.items())} set (kept here).\n"
    return head + OmegaConf.to_yaml(nested_dict(values))


def nested_dict(values: dict) -> dict:
    """`{"a.b": 1}` as `{"a": {"b": 1}}`: dotted keys as a config's nesting."""
    nested: dict = {}
    for key, value in values.items():
        node = nested
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return nested


def pairs_plot(prior: pd.DataFrame, accepted: pd.DataFrame, priors: dict, path: Path) -> None:
    """Accepted parameter sets over the prior sample, every pair, with each parameter's marginal."""
    pairs_figure(prior, accepted, priors).savefig(path, dpi=110)


def pairs_figure(prior: pd.DataFrame, accepted: pd.DataFrame, priors: dict):
    """The figure of pairs_plot: the lower triangle of panels, each parameter's marginal on the diagonal."""
    from matplotlib.figure import Figure

    keys = list(priors)
    k = len(keys)
    side = 1.7 * k + 1
    fig = Figure(figsize=(side, side))
    # fixed margins (inches) instead of tight_layout, which measures every tick label of k*k panels (3 of
    # the 6 s a ten-parameter plot took); the empty upper triangle gets no axes at all
    fig.subplots_adjust(left=0.55 / side, bottom=0.5 / side, right=1 - 0.1 / side, top=1 - 0.45 / side,
                        wspace=0.28, hspace=0.28)  # fmt: skip
    grid = fig.add_gridspec(k, k)
    short = [key.split(".")[-1] if key.split(".")[-1] != "midpoint_year" else key.split(".")[-2] + " mid"
             for key in keys]  # fmt: skip
    for i, yi in enumerate(keys):
        for j, xj in enumerate(keys[: i + 1]):
            ax = fig.add_subplot(grid[i, j])
            if i == j:
                bins = np.linspace(*priors[xj], 13)
                ax.hist(prior[xj], bins=bins, color="0.85", density=True)
                ax.hist(accepted[xj], bins=bins, color="tab:red", alpha=0.7, density=True)
                ax.set_yticks([])
            else:
                ax.scatter(prior[xj], prior[yi], s=2, color="0.8", rasterized=True)
                ax.scatter(accepted[xj], accepted[yi], s=5, color="tab:red")
                ax.locator_params(axis="y", nbins=3)
            ax.locator_params(axis="x", nbins=3)
            ax.tick_params(labelsize=6)
            if i == k - 1:
                ax.set_xlabel(short[j], fontsize=7)
            if j == 0 and i != 0:
                ax.set_ylabel(short[i], fontsize=7)
    fig.suptitle(f"ABC posterior (red, {len(accepted)} accepted) over the prior sample (grey, {len(prior)})")
    return fig


def report(result: dict) -> str:
    lines = [
        f"accepted {result['accepted']} of {result['rows']} parameter sets ({result['runs_per_row']} runs "
        f"each); distance of the last accepted {result['max_distance']:.2f} (median of all "
        f"{result['median_distance_all']:.2f})",
    ]
    if result.get("confirm"):
        lines.append(
            f"confirmed: the {result['confirm']} nearest sets run again, {result['confirm_runs']} new runs "
            "each; accepted, distances and the posterior predictive below are on those runs alone"
        )
    lines += [
        "parameter                                  prior            posterior median [90%]    identified"
        "  width/prior",
    ]
    for r in result["posterior"].itertuples():
        lines.append(
            f"{r.parameter:42s} [{r.prior_low:g}, {r.prior_high:g}]".ljust(60)
            + f"{r.median:.4g} [{r.low90:.4g}, {r.high90:.4g}]".ljust(28)
            + f"{r.identified:.2f}".ljust(12)
            + f"{r.width_ratio:.2f}"
        )
    lines.append("target                      value  prior median  posterior median [90%]")
    for r in result["targets"].itertuples():
        lines.append(
            f"{r.target:26s}  {r.value:5.2f}  {r.prior_median:12.3f}  "
            f"{r.posterior_median:.3f} [{r.posterior_low90:.3f}, {r.posterior_high90:.3f}]"
        )
    return "\n".join(lines)


def check_confirm(plan, accept: float, confirm: int, confirm_runs: int, force: bool) -> None:
    """Before any run: refuse a confirmation that cannot hold the accepted sets or asks for more sets than
    the design has, and estimate its runs as every command estimates big work (the first `confirm`
    design points standing for the nearest ones; statistics only are kept)."""
    if not confirm:
        return
    from orgsim import api
    from orgsim.commands.sweep import estimate_workers
    from orgsim.guards import check_estimate, estimate

    kept = max(1, round(accept * plan.n_rows))
    if not kept <= confirm <= plan.n_rows:
        raise ConfigError(
            f"confirm must lie between the sets accepted (accept x sets = {kept}) and the sets in the design "
            f"({plan.n_rows}), or be 0 (off); got {confirm}"
        )
    params = [f.key for f in plan.factors if f.key not in ("scenario", "policy")]
    records = plan.design.to_dict("records")[:confirm]
    points = [api.apply(plan.bases[plan.group_of(r)], {k: r[k] for k in params}) for r in records]
    label = f"confirmation: {confirm} sets x {confirm_runs} runs"
    cost = estimate(points, estimate_workers(plan.executor), runs=confirm_runs, row_bytes=0, label=label)
    check_estimate(cost, force, "calibrate")


def calibrate_job(
    overrides: list[str],
    accept: float,
    confirm: int = 0,
    confirm_runs: int = 0,
    force: bool = False,
    cfg=None,
) -> None:
    """Run (or resume) the calibration sweep, fit, write and print the result (`cfg`: the root config
    already composed from `overrides`, or None to compose it)."""
    from orgsim.commands.sweep import prepare, sweep_job

    plan = prepare(overrides, command="calibrate", cfg=cfg)
    check_horizon(plan)
    check_confirm(plan, accept, confirm, confirm_runs, force)
    fitted = {}

    def fit_in_store(plan, summary) -> None:  # while the sweep's store is still locked
        fitted.update(fit(plan, accept, confirm, confirm_runs))

    sweep_job(plan, progress=sys.stderr.isatty(), echo=lambda text: None, then=fit_in_store)
    print(fitted["text"])
    print(f"results: {plan.output_dir}")


SCHEMA = CalibrateRootConfig  # the root config's schema (configs/calibrate.yaml)
register = register_sweep_configs


def check(settings: CalibrateRootConfig) -> None:
    if not 0 < settings.accept <= 1:
        raise ConfigError(f"accept must be in (0, 1]; got {settings.accept:g}")
    if settings.confirm < 0:
        raise ConfigError(f"confirm must be 0 (off) or a number of parameter sets; got {settings.confirm}")
    if settings.confirm and settings.confirm_runs < 1:
        raise ConfigError(f"confirm_runs must be at least 1; got {settings.confirm_runs}")


def job(cfg, overrides: list[str]) -> None:
    """The command: the calibration sweep (resumed when it exists), then the fit."""
    from orgsim.commands.sweep import refuse_a_wrong_folder

    refuse_a_wrong_folder(cfg, overrides)
    calibrate_job(
        overrides, float(cfg.accept), int(cfg.confirm), int(cfg.confirm_runs), bool(cfg.force), cfg=cfg
    )
