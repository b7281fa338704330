"""Executors: run chunks of a sweep serially, in local processes, or on Dask, yielding each chunk's result
as it finishes. A bounded number of chunks is in flight at once, so memory does not grow with the sweep.
Knows nothing of the model or the store: it calls a picklable function on picklable arguments.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from orgsim.config.validate import ConfigError

DASK_MISSING = 'executor=dask needs Dask: pip install -e ".[dask]" (or pip install "dask[distributed]")'


class SerialExecutor:
    """In this process, one chunk after another."""

    workers = 1

    def __init__(self, workers: int = 0, address: str | None = None) -> None:
        pass

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map_unordered(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        for task in tasks:
            yield fn(*task)


class ProcessExecutor:
    """Local worker processes from the runner's forkserver (workers ignore Ctrl-C; the parent stops them)."""

    def __init__(self, workers: int = 0, address: str | None = None) -> None:
        from orgsim.runner import default_workers

        self.workers = default_workers(workers, 1 << 30)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        from orgsim.runner import _pool_context

        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_pool_context())
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        from orgsim.runner import _stop_workers

        if self._pool is None:
            return
        if exc_type is not None:
            _stop_workers(self._pool)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def map_unordered(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        from orgsim.runner import Aside

        assert self._pool is not None, "use the executor as a context manager"
        pool = self._pool
        pending = iter(tasks)
        taking = threading.Lock()  # tasks are taken by the starting thread and by this one

        def take() -> tuple | None:
            with taking:
                return next(pending, None)

        in_flight: set = set()
        window = self.workers * 2

        def start() -> None:
            for _ in range(window):
                task = take()
                if task is None:
                    return
                in_flight.add(pool.submit(fn, *task))

        # the workers start aside; this process runs tasks meanwhile instead of waiting
        starting = Aside(start, "orgsim-sweep-start")
        while starting.running() and (task := take()) is not None:
            yield fn(*task)
        starting.join()
        while True:
            while len(in_flight) < window and (task := take()) is not None:
                in_flight.add(pool.submit(fn, *task))
            if not in_flight:
                return
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


class DaskExecutor:
    """Dask distributed: the scheduler at `address`, or a LocalCluster of worker processes on 127.0.0.1.

    Tasks are submitted with pure=False (two chunks with equal arguments are two runs, not one cached
    result). A lost worker's chunks are recomputed by Dask; results are the same wherever they run.
    """

    def __init__(self, workers: int = 0, address: str | None = None) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ConfigError(DASK_MISSING) from None
        from orgsim.runner import default_workers

        self.address = address or None
        self.workers = default_workers(workers, 1 << 30)
        self._client = self._cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address:
            self._client = Client(self.address)
            self.workers = max(
                1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values())
            )
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    @property
    def client(self):
        return self._client

    def map_unordered(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        from distributed import as_completed

        pending = iter(tasks)
        window = self.workers * 2
        futures = as_completed()
        for task in pending:
            futures.add(self._client.submit(fn, *task, pure=False))
            if futures.count() >= window:
                break
        for future in futures:
            result = future.result()
            future.release()
            for task in pending:
                futures.add(self._client.submit(fn, *task, pure=False))
                break
            yield result


EXECUTORS = {"serial": SerialExecutor, "processes": ProcessExecutor, "dask": DaskExecutor}


def make_executor(kind: str, workers: int = 0, address: str | None = None):
    if kind not in EXECUTORS:
        raise ConfigError(f"executor must be one of {', '.join(EXECUTORS)}; got {kind!r}")
    return EXECUTORS[kind](workers=workers, address=address)
