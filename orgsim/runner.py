"""Replicates: seeds, executors and the tables they produce. Knows the model, not the CLI or plots.

Seeds come from numpy's SeedSequence, so replicate r gets the same seed whichever process runs it, and
results are re-ordered by replicate before they are joined: one process or many, the tables are the same.
Worker processes come from orgsim.evaluators (a forkserver), so a script that calls `run_replicates` with
several workers needs the usual `if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.config.schema import OrgsimConfig
from orgsim.evaluators import make_evaluator, prestart
from orgsim.model.recorder import joined_frame


@dataclass(eq=False)
class ReplicateResult:
    """One replicate's monthly columns (and the departments' with collect="all"), as arrays; its tables
    are built from them on first use. `tables` joins many replicates' columns into one table each."""

    replicate: int
    seed: int
    columns: dict[str, np.ndarray | list]
    department_columns: dict[str, np.ndarray | list] | None
    summary: dict | None = None  # run_summary of the timeseries, when asked for

    @functools.cached_property
    def timeseries(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)

    @functools.cached_property
    def departments(self) -> pd.DataFrame | None:
        return None if self.department_columns is None else pd.DataFrame(self.department_columns)


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """One independent 63-bit seed per replicate, derived from the base seed."""
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def _calendar(start_year: int, months: pd.Series) -> pd.Series:
    years = start_year + months // 12
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months % 12 + 1, "day": 1}))


@functools.lru_cache(maxsize=8)
def _run_calendar(start_year: int, horizon: int) -> pd.Series:
    """The dates of months 0..horizon, built once: pandas' date assembly costs ~3 ms per replicate."""
    return _calendar(start_year, pd.Series(np.arange(horizon + 1)))


def _with_dates(departments: dict, months: np.ndarray, dates: np.ndarray) -> dict:
    """The department columns with each row's calendar `date` before its `month`, as the timeseries has
    it (`months` and `dates`: the model's rows, months ascending)."""
    rows = np.searchsorted(months, np.asarray(departments["month"]))
    out = {}
    for name, values in departments.items():
        if name == "month":
            out["date"] = dates[rows]
        out[name] = values
    return out


def run_replicate(
    setting: OrgsimConfig,
    replicate: int,
    seed: int,
    collect: str = "all",
    columns: Sequence[str] | None = None,
) -> ReplicateResult:
    """Run one organization to the horizon and return its monthly tables.

    collect="model" records only the model reporters in `columns` (all when None): `departments` is then
    None, and the timeseries has no `date` column (with "all" both tables have one).
    """
    from orgsim.model.organization import Organization  # mesa: only where a model is built

    model = Organization(setting, seed, collect=collect, columns=columns)
    model.run()
    recorder = model.datacollector
    leading = {"replicate": replicate, "seed": seed}
    departments = None
    if collect == "all":
        dates = _run_calendar(setting.start_year, model.horizon)
        months = recorder.model_vars["month"]
        if len(dates) != len(months):  # a model stopped before its horizon
            dates = _calendar(setting.start_year, pd.Series(months))
        columns = recorder.columns({**leading, "date": dates.to_numpy(copy=True)})
        departments = _with_dates(recorder.department_columns(leading), np.asarray(months), columns["date"])
    else:
        columns = recorder.columns(leading)
    # or mesa 3.3 keeps every finished model alive (its Agent._ids registry holds every agent, issue 3179)
    model.release()
    return ReplicateResult(replicate, seed, columns, departments)


def run_columns(setting: OrgsimConfig, seed: int, columns: Sequence[str]) -> dict[str, np.ndarray | list]:
    """Run one organization to the horizon recording only the model reporters in `columns` (and month);
    return them as arrays, without tables (a sweep's run keeps only its summary and chosen reporters)."""
    from orgsim.model.organization import Organization

    model = Organization(setting, seed, collect="model", columns=columns)
    model.run()
    model.release()
    return model.datacollector.columns()


def _run_chunk(
    setting: OrgsimConfig,
    jobs: list[tuple[int, int]],
    summaries: bool = False,
    finish: Callable[[list[ReplicateResult]], Any] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> Any:
    results = []
    for r, s in jobs:
        results.append(run_replicate(setting, r, s))
        if on_done is not None:  # only where the chunk runs in the caller's process
            on_done(1)
    if summaries:  # in the worker, so the parent need not keep the tables to summarize them
        from orgsim.model.metrics import run_summary

        m = setting.metrics
        for result in results:
            result.summary = run_summary(result.columns, m)  # no table built
    return results if finish is None else finish(results)


def spool_chunk(
    folder: Path, keep: Sequence[str], results: list[ReplicateResult]
) -> tuple[list, pd.DataFrame]:
    """Check a chunk's tables and write them as parquet parts in `folder` (named by its first replicate);
    return its run summaries and the `keep` columns of its timeseries: all the parent of a run needs.
    Run where the chunk ran (as `finish` of iter_replicates), so whole tables never travel between
    processes."""
    from orgsim.guards import check_finite
    from orgsim.sweep.store import write_part

    timeseries, departments = tables(results)
    check_finite(timeseries, "timeseries")
    check_finite(departments, "departments")
    first = min(r.replicate for r in results)
    write_part(folder, "timeseries", first, timeseries)
    write_part(folder, "departments", first, departments)
    runs = [{"replicate": r.replicate, "seed": r.seed, **(r.summary or {})} for r in results]
    return runs, timeseries[list(keep)]


def chunk_size(replicates: int) -> int:
    """Replicates per chunk: it depends on the number of replicates only, so the chunks (and the row
    groups of the streamed tables) are the same whichever number of processes runs them."""
    return max(1, min(20, math.ceil(replicates / 16)))


# Break-even of the process pool, in organization-months (replicates x months). Measured 2026-11-30
# 19:50 UTC on 2 quiet cores, `orgsim run replicates=N workers=1` vs `workers=2`, wall, 3 interleaved
# runs each, median (range): N=30 serial 3.85 (3.72-3.95) s, pool 3.92 (3.89-3.93); N=60 4.12
# (4.01-4.34) vs 3.90 (3.90-4.35); N=100 4.92 (4.68-5.88) vs 4.39 (3.89-4.74); N=150 5.47 (5.33-5.56)
# vs 4.94 (4.49-5.83). Below ~50 default replicates the two are within each other's spread; from 100
# the pool wins by ~0.5 s (a 17:20 round gave the same picture). So the pool starts at ~3,000
# organization-months (50 default replicates of 60 months). Where other work keeps the cores busy a pool
# does not pay at any size (measured at load 2-3: 120 replicates 7.98 s pooled, 6.59 serial).
POOL_BREAK_EVEN_MONTHS = 3000


def effective_workers(setting: OrgsimConfig) -> int:
    """The worker processes the runner will start for `setting`, after the cap at the cores (guards)."""
    from orgsim.guards import capped_workers

    return default_workers(capped_workers(setting)[0], setting.replicates, setting.years * 12)


def default_workers(requested: int, replicates: int, months: int = 60) -> int:
    """Worker processes for a run: `requested`, or with 0 one per core, but serial (1) while the run is
    too small for a pool to pay (replicates x months below POOL_BREAK_EVEN_MONTHS); never more than
    there are replicates."""
    if requested == 0 and replicates * months < POOL_BREAK_EVEN_MONTHS:
        return 1
    return max(1, min(requested or (os.cpu_count() or 1), replicates))


def prestart_workers() -> None:
    """Start the forkserver now (orgsim.evaluators.prestart): its start-up overlaps what the caller still
    does before its pool starts (`orgsim run`: Hydra's job set-up and the imports of the job itself)."""
    prestart()


def iter_replicates(
    setting: OrgsimConfig,
    replicates: int,
    base_seed: int,
    workers: int = 0,
    on_done: Callable[[int], None] | None = None,
    summaries: bool = False,
    finish: Callable[[list[ReplicateResult]], Any] | None = None,
) -> Iterator[Any]:
    """Run `replicates` seeds, serially or in local processes (orgsim.evaluators), and yield chunks of
    consecutive replicates in replicate order as they finish (at most two chunks per worker are
    outstanding; the chunks this process runs while the workers start are held until their turn, at the
    end).

    With `summaries`, each result carries its run summary. `finish` (picklable: a module-level function
    or a partial of one) is applied to each chunk's list of results where it ran, and its value is
    yielded instead of the list.
    """
    jobs = list(enumerate(replicate_seeds(base_seed, replicates)))
    size = chunk_size(replicates)
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    n_workers = default_workers(workers, replicates, setting.years * 12)
    with make_evaluator("processes", n_workers) as evaluator:
        if evaluator.workers == 1:  # here: progress replicate by replicate
            fn = functools.partial(_run_chunk, on_done=on_done)
            done = None
        else:
            fn = _run_chunk
            done = None if on_done is None else lambda index: on_done(len(chunks[index]))
        tasks = [(setting, chunk, summaries, finish) for chunk in chunks]
        yield from evaluator.imap(fn, tasks, done)


def run_replicates(
    setting: OrgsimConfig,
    replicates: int,
    base_seed: int,
    workers: int = 0,
    on_done: Callable[[int], None] | None = None,
) -> list[ReplicateResult]:
    """Run `replicates` seeds, serially or in local processes; results ordered by replicate."""
    chunks = iter_replicates(setting, replicates, base_seed, workers, on_done)
    return [result for chunk in chunks for result in chunk]


def tables(results: Iterable[ReplicateResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeseries and per-department tables of all replicates, in replicate order (joined from
    their columns: one table each, not one a replicate)."""
    results = sorted(results, key=lambda r: r.replicate)
    if any(r.department_columns is None for r in results):
        raise ValueError("a replicate recorded no department table (collect='model'): no tables to join")
    return (
        _joined([r.columns for r in results], lambda: [r.timeseries for r in results]),
        _joined([r.department_columns for r in results], lambda: [r.departments for r in results]),
    )


def _joined(pieces: list[dict], frames: Callable[[], list[pd.DataFrame]]) -> pd.DataFrame:
    """The runs' columns joined into one table; where they are not alike, their own tables concatenated."""
    joined = joined_frame(pieces)
    return joined if joined is not None else pd.concat(frames(), ignore_index=True)
