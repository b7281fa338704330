"""SIGTERM and SIGHUP handled like Ctrl-C in the main process, so a supervisor's `kill PID` or a closed
terminal stops the workers (orgsim.evaluators) and keeps what the command keeps, the same way an interrupt
from the keyboard does."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator

# The signal whose Interrupted was raised and not yet seen arriving (see raise_lost).
_in_flight: list[int] = []


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_code` is the shell's 128 + signal number."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(*([] if signum == signal.SIGINT else [signal.Signals(signum).name]))
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def termination_as_interrupt() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise Interrupted in the main thread, once: a second
    signal while the run cleans up is ignored, so the cleanup finishes. Handlers are restored after. A
    signal this process was started to ignore (`nohup` ignores SIGHUP) stays ignored. An Interrupted that
    a finalizer or weakref callback swallowed is not reported as ignored (raise_lost raises it again), so
    the command's one line stays the only line on stderr."""
    wanted = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    wanted = [s for s in wanted if signal.getsignal(s) is not signal.SIG_IGN]
    stopping = False

    def interrupt(signum: int, _frame) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            _in_flight[:] = [signum]
            raise Interrupted(signum)

    reported = sys.unraisablehook

    def report_unless_lost(unraisable) -> None:
        if not isinstance(unraisable.exc_value, Interrupted):
            reported(unraisable)

    previous = {}
    sys.unraisablehook = report_unless_lost
    try:
        for sig in wanted:
            previous[sig] = signal.signal(sig, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        previous.clear()
    try:
        yield
    finally:
        _in_flight.clear()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.unraisablehook = reported


def raise_lost() -> None:
    """Raise again the Interrupted of a signal whose first raise was lost. A handler runs between any two
    lines of the main thread, a finalizer's or a weakref callback's included (garbage collection runs
    them); an exception raised there is reported as ignored and the program runs on, while the handler
    already ignores later signals. Loops that wait for work call this between steps."""
    if _in_flight:
        raise Interrupted(_in_flight.pop())


def arrived() -> None:
    """The Interrupted in flight has reached a handler that acts on it: raise_lost has nothing to redo."""
    _in_flight.clear()
