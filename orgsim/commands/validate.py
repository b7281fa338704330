"""`orgsim validate`: run the registered validation checks, print their table, write validation.csv and
one figure per check into Hydra's run dir.

`validate_job` is the pure function (config in, files out); `main` is the thin Hydra entry point. It knows
no check by name: they come from the registry (orgsim.validation).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from orgsim.config.compose import to_settings
from orgsim.config.schema import ValidateRootConfig, register_configs
from orgsim.rundir import register_resolver

# The checks whose runs take the user's model config: the published figures, `replicates` organizations
# (default 400, quick 24) of it run to at least 2016. The other checks run fixed sizes of their own.
PUBLISHED_RUNS = {"full": 400, "quick": 24}


def estimate_of(settings: ValidateRootConfig):
    """The shared estimate (orgsim.guards) of the work that grows with the user's config."""
    import dataclasses

    from orgsim.guards import capped_workers, estimate
    from orgsim.runner import default_workers

    runs = settings.validate.replicates or PUBLISHED_RUNS[settings.validate.size]
    model = dataclasses.replace(settings, years=max(5, settings.years))
    workers = default_workers(capped_workers(settings)[0], runs, model.years * 12)
    return estimate(model, workers, runs=runs, label=f"{runs} organizations")


def validate_job(cfg: DictConfig | ValidateRootConfig, output_dir: Path) -> list:
    """Run the chosen checks, write validation.csv and their figures into `output_dir`; return the rows.
    Refuses work beyond the machine's memory unless force=true (orgsim.guards)."""
    from orgsim.guards import check_estimate
    from orgsim.validation import Context, select
    from orgsim.validation.table import format_table, verdict, write_csv

    settings = cfg if isinstance(cfg, ValidateRootConfig) else to_settings(cfg, ValidateRootConfig)
    check_estimate(estimate_of(settings), settings.force, "validate")
    checks = select(settings.validate.checks)
    ctx = Context(
        size=settings.validate.size,
        seed=settings.seed,
        replicates=settings.validate.replicates,
        workers=settings.workers,
        settings=settings,
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with ctx:  # one pool of workers for every check
        for check in checks:
            started = time.perf_counter()
            rows = check.run(ctx)
            results.extend(rows)
            if check.figure is not None:
                check.figure(ctx, output_dir)
            print(f"{check.name}: {len(rows)} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    write_csv(results, output_dir / "validation.csv")
    print(format_table(results))
    print(verdict(results))
    return results


register_configs()
register_resolver()
SCHEMA = ValidateRootConfig  # the root config's schema (configs/validate.yaml)
register = register_configs


def check(settings: ValidateRootConfig) -> None:
    """An unknown check is refused before any folder exists."""
    from orgsim.validation import select

    select(settings.validate.checks)


def task(cfg: DictConfig) -> None:
    """The job on a composed config, in the run directory orgsim.cli owns for it (orgsim.hydra_job)."""
    validate_job(cfg, Path(HydraConfig.get().runtime.output_dir))
