"""Replicates: seeds, executors and the tables they produce. Knows the model, not the CLI or plots.

Seeds come from numpy's SeedSequence, so replicate r gets the same seed whichever process runs it, and
results are re-ordered by replicate before they are joined: one process or many, the tables are the same.
Worker processes start from a forkserver, so a script that calls `run_replicates` with several workers
needs the usual `if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.config.schema import OrgsimConfig
from orgsim.model.agents import BusinessDepartment
from orgsim.model.organization import Organization


@dataclass
class ReplicateResult:
    replicate: int
    seed: int
    timeseries: pd.DataFrame
    departments: pd.DataFrame


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """One independent 63-bit seed per replicate, derived from the base seed."""
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def _calendar(start_year: int, months: pd.Series) -> pd.Series:
    years = start_year + months // 12
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months % 12 + 1, "day": 1}))


def run_replicate(setting: OrgsimConfig, replicate: int, seed: int) -> ReplicateResult:
    """Run one organization to the horizon and return its monthly tables."""
    model = Organization(setting, seed).run()
    dc = model.datacollector
    ts = dc.get_model_vars_dataframe().reset_index(drop=True)
    ts.insert(0, "date", _calendar(setting.start_year, ts["month"]))
    depts = dc.get_agenttype_vars_dataframe(BusinessDepartment).reset_index(drop=True)
    depts = depts.drop(columns=[c for c in ("Step", "AgentID") if c in depts.columns])
    depts = depts[["month", *[c for c in depts.columns if c != "month"]]]
    for table in (ts, depts):
        table.insert(0, "seed", seed)
        table.insert(0, "replicate", replicate)
    model.release()  # or mesa 3.3 keeps every finished model alive (MESA_NOTES.md, memory)
    return ReplicateResult(replicate, seed, ts, depts)


def _run_chunk(setting: OrgsimConfig, jobs: list[tuple[int, int]]) -> list[ReplicateResult]:
    return [run_replicate(setting, r, s) for r, s in jobs]


# Break-even of the process pool, in organization-months (replicates x months). Measured 2026-11-30 on
# 2 cores (benchmarks/run.py --only serial,pool): starting a pool costs ~1.7 s CPU (forkserver start-up
# and the import of the model there, before the first replicate), and a default replicate (2,000
# employees, 60 months) ~32 ms, ~0.55 ms per month. Two workers save half the simulating time, so the
# pool pays from about 2 x 1.7 / 0.032 ~ 100 default replicates, ~6,000 organization-months. Measured:
# 30 replicates cost 3.9 s CPU serial vs 5.6 s pooled, 60 replicates 4.8 s vs 6.5 s. Larger
# organizations cost more per month, so for them the rule errs on the serial side.
POOL_BREAK_EVEN_MONTHS = 6000


def default_workers(requested: int, replicates: int, months: int = 60) -> int:
    """Worker processes for a run: `requested`, or with 0 one per core, but serial (1) while the run is
    too small for a pool to pay (replicates x months below POOL_BREAK_EVEN_MONTHS); never more than
    there are replicates."""
    if requested == 0 and replicates * months < POOL_BREAK_EVEN_MONTHS:
        return 1
    return max(1, min(requested or (os.cpu_count() or 1), replicates))


def _pool_context():
    # `import mesa` 3.3 forces the spawn start method globally, and each spawned worker re-imports mesa.
    # A forkserver imports the model once and forks clean workers from it; plain fork of this process
    # is unsafe once numpy's BLAS threads or pyarrow's pools are running (Python 3.12 warns about it).
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["orgsim.worker_signals", "orgsim.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers now (they ignore Ctrl-C) instead of waiting for their chunks."""
    if hasattr(pool, "terminate_workers"):  # Python >= 3.14
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def run_replicates(
    setting: OrgsimConfig,
    replicates: int,
    base_seed: int,
    workers: int = 0,
    on_done: Callable[[int], None] | None = None,
) -> list[ReplicateResult]:
    """Run `replicates` seeds, serially or in local processes; results ordered by replicate."""
    jobs = list(enumerate(replicate_seeds(base_seed, replicates)))
    n_workers = default_workers(workers, replicates, setting.years * 12)
    results: list[ReplicateResult] = []
    if n_workers == 1:
        for job in jobs:
            results.extend(_run_chunk(setting, [job]))
            if on_done:
                on_done(1)
    else:
        chunks = [jobs[i :: n_workers * 2] for i in range(n_workers * 2)]
        chunks = [c for c in chunks if c]
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_pool_context())
        try:
            for chunk_results in pool.map(_run_chunk, [setting] * len(chunks), chunks):
                results.extend(chunk_results)
                if on_done:
                    on_done(len(chunk_results))
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return sorted(results, key=lambda r: r.replicate)


def tables(results: Iterable[ReplicateResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeseries and per-department tables of all replicates, in replicate order."""
    results = sorted(results, key=lambda r: r.replicate)
    ts = pd.concat([r.timeseries for r in results], ignore_index=True)
    depts = pd.concat([r.departments for r in results], ignore_index=True)
    return ts, depts
