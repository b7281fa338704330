"""One executor layer, after the EMA Workbench's evaluators: enter an evaluator, evaluate tasks, exit.

Serial, local processes (workers forked by a forkserver) and Dask behind one interface, used by the
replicates (orgsim.runner), sweeps and calibration, validation and api.Runner. It calls a picklable
function on tuples of picklable arguments and knows nothing of the model, the configs or the commands.

What every evaluator with workers guarantees:
- every worker dies with the process that started it, even when that one is killed outright (SIGKILL):
  on Linux the forkserver and each worker ask the kernel for SIGKILL when their parent dies (prctl
  PR_SET_PDEATHSIG); elsewhere each worker polls its parent. multiprocessing's resource tracker then reads
  EOF from its last writer and exits too;
- workers ignore Ctrl-C; while tasks run, SIGINT, SIGTERM and SIGHUP raise `Interrupted` in the main
  thread (unless the program handles them itself), and any exception that leaves an evaluation, or the
  `with` block, terminates the workers at once instead of waiting for their tasks; a signal whose raise
  was lost (raised inside a finalizer, which reports it as ignored) is raised again at the evaluation's
  next step, within half a second while it waits for workers (Dask: at its next result);
- results do not depend on where a task ran: `imap` and `map` give them in task order.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from orgsim.interrupts import Interrupted, arrived, raise_lost, termination_as_interrupt

DASK_MISSING = 'executor=dask needs Dask: pip install -e ".[dask]" (or pip install "dask[distributed]")'

# Imported once into the forkserver, so every worker forked from it starts with them loaded. The first
# makes the forkserver (and so its workers) ignore Ctrl-C and die with the main process.
FORKSERVER_PRELOAD = [
    "orgsim.worker_signals",
    "orgsim.evaluators",
    "orgsim.runner",
    "orgsim.model.organization",
]

Task = tuple
Done = Callable[[int], None] | None  # called here with a task's index when it finishes, wherever it ran


class Evaluator:
    """Runs `fn(*task)` for tasks, here or in workers. Use it as a context manager: `with evaluator:`.

    `map_unordered` yields results as tasks finish; `imap` yields them in task order; `map` returns the
    list. At most two tasks per worker are outstanding at once, so memory does not grow with the tasks.
    """

    kind = "serial"
    workers = 1

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(abort=exc_type is not None)

    def close(self, abort: bool = False) -> None:
        """Release the workers: at once when `abort`, else after their tasks."""

    def map_unordered(self, fn: Callable, tasks: Iterable[Task], done: Done = None) -> Iterator[Any]:
        return _settled(self._evaluate(fn, tasks, ordered=False, done=done))

    def imap(self, fn: Callable, tasks: Iterable[Task], done: Done = None) -> Iterator[Any]:
        return _settled(self._evaluate(fn, tasks, ordered=True, done=done))

    def map(self, fn: Callable, tasks: Iterable[Task], done: Done = None) -> list:
        return list(self.imap(fn, tasks, done))

    def _evaluate(self, fn: Callable, tasks: Iterable[Task], ordered: bool, done: Done) -> Iterator[Any]:
        raise NotImplementedError


def _settled(results: Iterator[Any]) -> Iterator[Any]:
    """`results`, noting that an Interrupted (or any exception) leaving the evaluation has arrived, so that
    no later evaluation raises a lost signal again (orgsim.interrupts.raise_lost)."""
    try:
        yield from results
    except BaseException:
        arrived()
        raise


class SerialEvaluator(Evaluator):
    """In this process, one task after another."""

    def __init__(self, workers: int = 1, address: str | None = None) -> None:
        pass

    def _evaluate(self, fn: Callable, tasks: Iterable[Task], ordered: bool, done: Done) -> Iterator[Any]:
        for index, task in enumerate(tasks):
            raise_lost()
            result = fn(*task)
            if done is not None:
                done(index)
            yield result


class _Queue:
    """Tasks numbered in order, taken by the thread that starts the workers and by the main thread. With a
    sequence of tasks the main thread takes them from the back (the pool streams from the front, and at
    least one task is left for it); with a lazy iterable, from the front."""

    def __init__(self, tasks: Iterable[Task], from_back: bool) -> None:
        self._lock = threading.Lock()
        self._items = collections.deque(enumerate(tasks)) if from_back else None
        self._iter = enumerate(tasks) if self._items is None else None

    def front(self) -> tuple[int, Task] | None:
        with self._lock:
            if self._items is not None:
                return self._items.popleft() if self._items else None
            return next(self._iter, None)

    def local(self) -> tuple[int, Task] | None:
        with self._lock:
            if self._items is not None:
                return self._items.pop() if len(self._items) > 1 else None
            return next(self._iter, None)


class ProcessEvaluator(Evaluator):
    """Local worker processes (0: one per core), forked by a forkserver (Linux) that has imported the
    model once. The pool starts on the first evaluation and is kept until `close`; while its workers
    start, this process runs tasks itself instead of waiting."""

    kind = "processes"

    def __init__(self, workers: int = 0, address: str | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._starting: Aside | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def close(self, abort: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            if abort:
                if self._starting is not None:  # a worker being forked now would miss the terminate
                    self._starting.wait(10.0)
                stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
        except BaseException:  # interrupted while waiting for the workers' last tasks: end them now
            stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            self._starting = None

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = pool_context()
            parent = 0 if context.get_start_method() == "forkserver" else os.getpid()
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_worker_init, initargs=(parent,)
            )
        return self._pool

    def _evaluate(self, fn: Callable, tasks: Iterable[Task], ordered: bool, done: Done) -> Iterator[Any]:
        with signals_as_interrupt():
            try:
                yield from self._stream(fn, tasks, ordered, done)
            except BaseException:  # Ctrl-C, a signal, a failed task, or the caller stopped early
                self.close(abort=True)
                raise

    def _stream(self, fn: Callable, tasks: Iterable[Task], ordered: bool, done: Done) -> Iterator[Any]:
        pool = self._start_pool()
        queue = _Queue(tasks, from_back=ordered and isinstance(tasks, Sequence))
        window = 2 * self.workers
        in_flight: dict = {}  # future -> task index
        finished: dict[int, Any] = {}  # results of the pool waiting for their turn (ordered)
        here: dict[int, Any] = {}  # results of this process waiting for their turn (ordered)
        turn = 0  # the index to yield next (ordered)

        def submit() -> bool:
            item = queue.front()
            if item is None:
                return False
            index, task = item
            in_flight[pool.submit(fn, *task)] = index
            return True

        def start() -> None:
            for _ in range(window):
                if not submit():
                    break

        # the workers start aside (the first submit forks them); this process runs tasks meanwhile
        self._starting = starting = Aside(start, "orgsim-evaluator-start")
        while starting.running() and (item := queue.local()) is not None:
            raise_lost()
            index, task = item
            result = fn(*task)
            if done is not None:
                done(index)
            if ordered:
                here[index] = result
            else:
                yield result
        starting.join()
        self._starting = None
        while True:
            while len(in_flight) + len(finished) < window and submit():
                pass
            if ordered:
                while turn in finished or turn in here:
                    yield finished.pop(turn) if turn in finished else here.pop(turn)
                    turn += 1
                    while len(in_flight) + len(finished) < window and submit():
                        pass
            if not in_flight:
                break
            raise_lost()
            # woken now and then, so that a signal whose raise was lost still stops the run
            complete, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in complete:
                index = in_flight.pop(future)
                result = future.result()
                if done is not None:
                    done(index)
                if ordered:
                    finished[index] = result
                else:
                    yield result
        for index in sorted(here):  # tasks run here, after every pooled one before them
            yield here.pop(index)


class DaskEvaluator(Evaluator):
    """Dask distributed: the scheduler at `address`, or a LocalCluster of worker processes on 127.0.0.1.

    Tasks are submitted with pure=False (two tasks with equal arguments are two runs, not one cached
    result). A lost worker's tasks are recomputed by Dask; results are the same wherever they run.
    """

    kind = "dask"

    def __init__(self, workers: int = 0, address: str | None = None) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ImportError(DASK_MISSING) from None
        self.address = address or None
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._client = self._cluster = None

    def __enter__(self) -> DaskEvaluator:
        if not self.address:  # the cluster's processes come from multiprocessing too; its tracker
            _start_quiet_resource_tracker()  # unblocks SIGINT as it starts: before the block below
        try:
            with signals_deferred():  # a cluster stopped half-started cannot be closed
                self._connect()
        except BaseException:
            self.close(abort=True)
            raise
        return self

    def _connect(self) -> None:
        from distributed import Client, LocalCluster

        if self.address:
            self._client = Client(self.address)
            self.workers = max(
                1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values())
            )
        else:
            import logging

            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",  # any free port: two clusters at once never collide on 8787
                # Nothing the workers log reaches the terminal: a failed task or a lost worker is
                # raised by the client here, where the command reports it in one line, while a worker's
                # own error lines come from the cluster's shutdown (a retired worker's heartbeat meeting
                # a closed scheduler, printed with its traceback after a Ctrl-C once in CI).
                silence_logs=logging.CRITICAL,
                preload=["orgsim.evaluators"],  # dask_setup below: the workers ignore Ctrl-C
            )
            self._client = Client(self._cluster)

    def close(self, abort: bool = False) -> None:
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    @property
    def client(self):
        return self._client

    def _evaluate(self, fn: Callable, tasks: Iterable[Task], ordered: bool, done: Done) -> Iterator[Any]:
        assert self._client is not None, "use the evaluator as a context manager"
        with signals_as_interrupt():
            yield from self._stream(fn, tasks, ordered, done)

    def _stream(self, fn: Callable, tasks: Iterable[Task], ordered: bool, done: Done) -> Iterator[Any]:
        from distributed import as_completed

        pending = enumerate(tasks)
        window = self.workers * 2
        futures = as_completed()
        index_of: dict = {}
        finished: dict[int, Any] = {}
        turn = 0

        def submit() -> bool:
            item = next(pending, None)
            if item is None:
                return False
            future = self._client.submit(fn, *item[1], pure=False)
            index_of[future.key] = item[0]
            futures.add(future)
            return True

        while futures.count() + len(finished) < window and submit():
            pass
        for future in futures:
            raise_lost()
            result = future.result()
            index = index_of.pop(future.key)
            future.release()
            if done is not None:
                done(index)
            if not ordered:
                submit()
                yield result
                continue
            finished[index] = result
            while turn in finished:
                yield finished.pop(turn)
                turn += 1
            while futures.count() + len(finished) < window and submit():
                pass


def dask_setup(worker: object) -> None:
    """Run by a LocalCluster's worker process as it starts (its preload): ignore Ctrl-C, which reaches
    every process of the terminal's group; the main process stops the cluster instead."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


EVALUATORS: dict[str, type[Evaluator]] = {
    "serial": SerialEvaluator,
    "processes": ProcessEvaluator,
    "dask": DaskEvaluator,
}


def make_evaluator(kind: str = "processes", workers: int = 0, address: str | None = None) -> Evaluator:
    """The evaluator of `kind` (serial, processes, dask). Inside a daemonic worker (a pool's, EMA's,
    Dask's), which may not start children, processes run serially. Raises KeyError for an unknown kind
    and ImportError (DASK_MISSING) for dask without Dask."""
    if kind == "processes" and (workers == 1 or multiprocessing.current_process().daemon):
        kind = "serial"
    return EVALUATORS[kind](workers=workers, address=address)


# --- signals -------------------------------------------------------------------------------------------


def signals_as_interrupt() -> contextlib.AbstractContextManager:
    """While workers run: SIGINT, SIGTERM and SIGHUP raise Interrupted here, so the evaluator ends its
    workers and the caller says what it kept, unless the program handles SIGTERM itself (the CLI does)
    or this is not the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return contextlib.nullcontext()
    return termination_as_interrupt()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP are noted, not acted on; the first one noted raises
    Interrupted when the block ends (for a start that must finish before it can be undone). SIGINT is also
    blocked in this thread, so that the threads and processes started in the block keep it blocked: a
    terminal's Ctrl-C reaches every process of its group, and workers must leave it to this one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    wanted = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    wanted = [s for s in wanted if signal.getsignal(s) is not signal.SIG_IGN]  # nohup's SIGHUP stays so
    previous = {sig: signal.signal(sig, lambda signum, _frame: noted.append(signum)) for sig in wanted}
    mask = (
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        if hasattr(signal, "pthread_sigmask")
        else None
    )
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a Ctrl-C held meanwhile is noted now
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if noted:
        raise Interrupted(noted[0])


# --- the worker processes --------------------------------------------------------------------------------


def pool_context():
    """The multiprocessing context of every pool: the forkserver on Linux, spawn elsewhere."""
    # `import mesa` 3.3 forces the spawn start method globally, and each spawned worker re-imports mesa.
    # A forkserver imports the model once and forks clean workers from it; plain fork of this process
    # is unsafe once numpy's BLAS threads or pyarrow's pools are running (Python 3.12 warns about it).
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        _start_forkserver()
        return ctx
    return multiprocessing.get_context("spawn")


def prestart() -> None:
    """Start the forkserver now (Linux), so that its interpreter start and imports (~1.3-1.5 s CPU)
    overlap what the caller still does before its pool starts; the pool then forks its workers from it.
    Harmless when no pool follows: the forkserver ends with this process."""
    if sys.platform.startswith("linux"):
        pool_context()


def _start_forkserver() -> None:
    """Start the forkserver from the main thread with SIGINT blocked, which it inherits: Ctrl-C to the
    terminal's process group cannot hit it while its interpreter starts (a traceback); the parent stops
    it instead. It asks for SIGKILL when the thread that started it ends, so never from another thread
    (a pool starting aside would take its forkserver with it)."""
    from multiprocessing import forkserver

    _start_quiet_resource_tracker()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        forkserver.ensure_running()
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (the forkserver would) without its warning about the
    semaphores it unlinks after the main process was killed outright: it cleans them up all the same, and
    a killed run should not print two lines about the standard library. Its interpreter takes the
    warning filter from sys.warnoptions."""
    from multiprocessing import resource_tracker

    quiet = "ignore:resource_tracker:UserWarning"
    sys.warnoptions.append(quiet)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions.remove(quiet)


def _worker_init(parent: int) -> None:
    """Each worker dies with the process that forked it, even when that one is killed outright."""
    import time

    if "orgsim.worker_signals" in sys.modules:  # forked by the forkserver, which dies with the main one
        from orgsim import worker_signals

        if worker_signals.die_with_parent():
            if os.getppid() != worker_signals.FORKSERVER_PID:  # it died before prctl took effect
                os._exit(1)
            return
    parent = os.getppid() if parent == 0 else parent

    def watch() -> None:  # elsewhere: poll the parent
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers now (they ignore Ctrl-C) instead of waiting for their tasks."""
    if hasattr(pool, "terminate_workers"):  # Python >= 3.14
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


class Aside:
    """`fn()` run in a daemon thread (starting a pool's workers, which blocks until the forkserver has
    imported the model, ~1.4 s of CPU, while the caller works meanwhile); `join()` waits for it and
    raises what it raised."""

    def __init__(self, fn: Callable[[], None], name: str) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                fn()
            except BaseException as error:  # re-raised by join(), in the caller's thread
                self._error = error

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float) -> None:
        """Wait up to `timeout` seconds, ignoring what it raised (the caller is already failing)."""
        self._thread.join(timeout)

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
