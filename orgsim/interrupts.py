"""SIGTERM handled like Ctrl-C in the main process, so a supervisor's `kill PID` stops the workers and
leaves no results, the same way an interrupt from the keyboard does."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_code` is the shell's 128 + signal number."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, _frame) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def termination_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (and SIGHUP) raise Interrupted in the main thread; restored after."""
    wanted = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {}
    try:
        for sig in wanted:
            previous[sig] = signal.signal(sig, _raise)
    except ValueError:  # not the main thread: leave signals alone
        previous.clear()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def exit_code(err: BaseException) -> int:
    return err.exit_code if isinstance(err, Interrupted) else 128 + signal.SIGINT
