"""SIGTERM and SIGHUP handled like Ctrl-C in the main process, so a supervisor's `kill PID` or a closed
terminal stops the workers (orgsim.evaluators) and keeps what the command keeps, the same way an interrupt
from the keyboard does."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


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
    signal this process was started to ignore (`nohup` ignores SIGHUP) stays ignored."""
    wanted = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    wanted = [s for s in wanted if signal.getsignal(s) is not signal.SIG_IGN]
    stopping = False

    def interrupt(signum: int, _frame) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise Interrupted(signum)

    previous = {}
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
        for sig, handler in previous.items():
            signal.signal(sig, handler)
