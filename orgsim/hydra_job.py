"""One Hydra job composed once: what `@hydra.main` does for a single run, without its two extra composes.

`@hydra.main` composes the config twice per run (once to read `hydra.mode`, once for the job), and the CLI
composed it a third time to check the user's input before any folder exists. `HydraJob` composes it once,
with the same search path, task name and logging configuration as `@hydra.main`; the CLI validates that
config, picks the run folder, then runs the task function on it through Hydra's own `run_job` (which
writes `.hydra/`, configures logging and sets `HydraConfig`). A multirun is one such job per combination.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, read_write

from orgsim.config.compose import compose_job, global_hydra


class HydraJob:
    """A single-run job's composed config (the `hydra` node included), ready to run a task function."""

    def __init__(
        self,
        task_name: str,
        overrides: list[str],
        config_name: str = "config",
        primary_dir: str | None = None,
        extra_dir: str | None = None,
    ) -> None:
        self.config_name = config_name
        self.hydra, self.cfg = compose_job(task_name, overrides, config_name, primary_dir, extra_dir)

    def run(self, task: Callable[[DictConfig], Any], run_dir: Path, run_dir_override: str) -> Any:
        """Run `task` on the config with its output in `run_dir`; return what it returned.

        `run_dir_override` (`hydra.run.dir=...`) is recorded in `.hydra/hydra.yaml` in place of any the
        user gave, as if it had been given on the command line. Errors propagate as `@hydra.main` raises
        them with HYDRA_FULL_ERROR=1.
        """
        from hydra._internal.callbacks import Callbacks
        from hydra.core.utils import JobStatus, run_job
        from hydra.types import HydraContext, RunMode

        cfg = self.cfg
        with read_write(cfg.hydra):
            cfg.hydra.run.dir = str(run_dir)
            recorded = [o for o in cfg.hydra.overrides.hydra if not o.startswith("hydra.run.dir=")]
            recorded.append(run_dir_override)
            if cfg.hydra.mode is None:  # what @hydra.main adds when the config leaves the mode open
                cfg.hydra.mode = RunMode.RUN
                recorded.append("hydra.mode=RUN")
            cfg.hydra.overrides.hydra = recorded
        with global_hydra(self.hydra):
            callbacks = Callbacks(cfg)
            callbacks.on_run_start(config=cfg, config_name=self.config_name)
            ret = run_job(
                hydra_context=HydraContext(config_loader=self.hydra.config_loader, callbacks=callbacks),
                task_function=task,
                config=cfg,
                job_dir_key="hydra.run.dir",
                job_subdir_key=None,
                configure_logging=True,
            )
            callbacks.on_run_end(config=cfg, config_name=self.config_name, job_return=ret)
            if ret.status == JobStatus.FAILED:  # the task's own exception (JobReturn would log it first)
                raise ret._return_value
            return ret.return_value
