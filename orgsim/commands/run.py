"""`orgsim run`: run the chosen scenario for `replicates` seeds and write tables, summary and figures.

`run_job` is the pure function (config in, files out); `main` is the thin Hydra entry point.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from orgsim.config.compose import config_dir, to_settings
from orgsim.config.schema import register_configs
from orgsim.config.validate import ConfigError

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
    its result files or none (an interruption removes what was written)."""
    names = list(writers)
    try:
        for name in names:
            writers[name](output_dir / f".partial-{name}")  # the suffix still picks the file format
        for name in names:
            os.replace(output_dir / f".partial-{name}", output_dir / name)
    except BaseException:
        for name in names:
            (output_dir / f".partial-{name}").unlink(missing_ok=True)
            (output_dir / name).unlink(missing_ok=True)
        raise


def run_job(cfg: DictConfig, output_dir: Path, progress: bool = False) -> dict:
    """Run the replicates of `cfg` and write every output into `output_dir`; return the summary."""
    from orgsim.plots import plot_channels, plot_marginalized_by_year, plot_trajectories
    from orgsim.report import summarize, verdict
    from orgsim.runner import default_workers, run_replicates, tables

    setting = to_settings(cfg)
    output_dir.mkdir(parents=True, exist_ok=True)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=setting.replicates, desc="replicates", unit="run", file=sys.stderr, leave=False)
    results = run_replicates(
        setting,
        setting.replicates,
        setting.seed,
        setting.workers,
        on_done=bar.update if bar is not None else None,
    )
    if bar is not None:
        bar.close()
    timeseries, departments = tables(results)
    summary = summarize(
        timeseries,
        setting.scenario.name,
        setting.policy.name,
        setting.metrics.majority_months,
        setting.metrics,
    )
    summary["seed"] = setting.seed
    summary["workers"] = default_workers(setting.workers, setting.replicates, setting.years * 12)
    summary["verdict"] = verdict(summary)

    title = f"{setting.scenario.name} (policy {setting.policy.name})"
    m = setting.metrics
    _publish(
        output_dir,
        {
            "timeseries.parquet": lambda p: timeseries.to_parquet(p, index=False),
            "departments.parquet": lambda p: departments.to_parquet(p, index=False),
            "trajectories.png": lambda p: plot_trajectories(
                timeseries,
                p,
                title=title,
                strategic_threshold=m.strategic_threshold,
                custodian_threshold=m.custodian_threshold,
            ),
            "channels.png": lambda p: plot_channels(timeseries, p, title=title),
            "marginalized_by_year.png": lambda p: plot_marginalized_by_year(
                summary, p, title=title, start_year=setting.start_year
            ),
            # the summary comes last: its presence marks a complete run
            "summary.json": lambda p: p.write_text(json.dumps(summary, indent=2) + "\n"),
        },
    )
    return summary


register_configs()


@hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    output_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        summary = run_job(cfg, output_dir, progress=sys.stderr.isatty())
    except ConfigError as err:
        print(f"orgsim run: error: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(f"orgsim run: interrupted; no results written to {output_dir}", file=sys.stderr)
        sys.exit(130)
    print(summary["verdict"])
    print(f"outputs: {output_dir}")
