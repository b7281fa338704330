"""`orgsim run`: run the chosen scenario for `replicates` seeds and write tables, summary and figures.

`run_job` is the pure function (config in, files out); `task` is the job orgsim.cli runs in the run
directory it owns, `main` Hydra's app for multirun.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from orgsim.config.compose import to_settings
from orgsim.config.schema import OrgsimConfig, register_configs
from orgsim.rundir import publish_files, register_resolver

OUTPUT_FILES = (
    "timeseries.parquet",
    "departments.parquet",
    "summary.json",
    "trajectories.png",
    "channels.png",
    "marginalized_by_year.png",
)


def _publish(output_dir: Path, writers: dict) -> None:
    """Write every output under a temporary name, then rename them all in order: a run leaves all of
    its result files or none (orgsim.rundir.publish_files)."""
    publish_files(output_dir, writers)


def run_job(cfg: DictConfig, output_dir: Path, progress: bool = False) -> dict:
    """Run the replicates of `cfg` and write every output into `output_dir`; return the summary.

    Refuses (before writing anything) a config that fails validation or needs more memory than the machine
    can spare (unless force=true); fails without writing when an outcome is NaN or inf.
    """
    from orgsim.guards import capped_workers, check_resources, check_summary
    from orgsim.report import summarize_runs, verdict
    from orgsim.runner import default_workers, effective_workers

    setting = to_settings(cfg)
    workers, note = capped_workers(setting)
    cost = check_resources(setting, effective_workers(setting), force=setting.force, announce=False)
    if note:
        print(f"orgsim run: note: {note}", file=sys.stderr)
    if cost.big:
        print(f"orgsim run: note: {cost.describe()} (estimate)", file=sys.stderr)
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = output_dir / ".partial-chunks"
    try:
        runs, plotted = _stream_replicates(setting, workers, staging, progress)
        summary = summarize_runs(
            runs,
            setting.years * 12,
            setting.scenario.name,
            setting.policy.name,
            setting.metrics,
        )
        summary["seed"] = setting.seed
        summary["workers"] = default_workers(workers, setting.replicates, setting.years * 12)
        check_summary(summary)
        summary["verdict"] = verdict(summary)
        over = None
        if setting.posterior_sets:
            from orgsim.calibration.posterior import posterior_verdict

            over = posterior_verdict(
                setting, setting.posterior_sets, setting.replicates, setting.seed, workers
            )
            if over is None:
                print(
                    "orgsim run: note: no parameter is at its calibrated value (calibrated=none, or each "
                    "one overridden), so there is no verdict over the calibration posterior",
                    file=sys.stderr,
                )
        if over is not None:
            summary["posterior_verdict"] = {
                "share": over.share, "ci95": [over.low, over.high], "sets": over.sets,
                "organizations": over.organizations,
                "by_year": [
                    {"year": k, "share": y.share, "ci95": [y.low, y.high]} for k, y in enumerate(over.by_year, 1)
                ],
            }  # fmt: skip
            summary["verdict"] += " Over the calibration posterior: " + over.describe() + "."
        _write_outputs(setting, output_dir, summary, plotted, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


# The monthly columns the figures draw: the parent keeps these of every replicate, and streams the
# whole tables to disk chunk by chunk, so its memory does not grow with the tables.
PLOTTED = (
    "replicate",
    "month",
    "shadow_share",
    "it_influence",
    *(f"deployments_{c}" for c in ("sanctioned", "brokered", "byot", "shadow")),
)


def _stream_replicates(setting, workers: int, staging: Path, progress: bool):
    """Run the replicates; each chunk's tables are checked and written as parquet parts in `staging`
    where the chunk ran. Return the run summaries (in replicate order) and the plotted columns."""
    import functools

    import pandas as pd

    from orgsim.runner import iter_replicates, spool_chunk

    runs, plotted = [], []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=setting.replicates, desc="replicates", unit="run", file=sys.stderr, leave=False)
    try:
        chunks = iter_replicates(
            setting,
            setting.replicates,
            setting.seed,
            workers,
            on_done=bar.update if bar is not None else None,
            summaries=True,
            finish=functools.partial(spool_chunk, staging, PLOTTED),
        )
        for chunk_runs, chunk_plotted in chunks:
            runs.extend(chunk_runs)
            plotted.append(chunk_plotted)
    finally:
        if bar is not None:
            bar.close()
    return runs, pd.concat(plotted, ignore_index=True)


def _write_outputs(setting, output_dir: Path, summary: dict, plotted, staging: Path) -> None:
    from orgsim.plots import plot_channels, plot_marginalized_by_year, plot_trajectories
    from orgsim.sweep.store import join_parts

    title = f"{setting.scenario.name} (policy {setting.policy.name})"
    m = setting.metrics
    _publish(
        output_dir,
        {
            "timeseries.parquet": lambda p: join_parts(staging, "timeseries", p),
            "departments.parquet": lambda p: join_parts(staging, "departments", p),
            "trajectories.png": lambda p: plot_trajectories(
                plotted,
                p,
                title=title,
                start_year=setting.start_year,
                strategic_threshold=m.strategic_threshold,
                custodian_threshold=m.custodian_threshold,
            ),
            "channels.png": lambda p: plot_channels(plotted, p, title=title, start_year=setting.start_year),
            "marginalized_by_year.png": lambda p: plot_marginalized_by_year(
                summary, p, title=title, start_year=setting.start_year
            ),
            # the summary comes last: its presence marks a complete run
            "summary.json": lambda p: p.write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n"),
        },
    )


register_configs()
register_resolver()
SCHEMA = OrgsimConfig  # the root config's schema (configs/config.yaml)
register = register_configs


def task(cfg: DictConfig) -> None:
    """The job on a composed config, in the run directory orgsim.cli owns for it (orgsim.hydra_job)."""
    summary = run_job(cfg, Path(HydraConfig.get().runtime.output_dir), progress=sys.stderr.isatty())
    print(summary["verdict"])
