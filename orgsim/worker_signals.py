"""Imported only into the evaluators' forkserver (orgsim.evaluators): its workers ignore Ctrl-C and leave it to the parent,
which stops them, so an interrupted run ends with one message instead of a traceback per process.

On Linux the forkserver also asks the kernel to kill it when the main process dies (even by SIGKILL);
each worker does the same for the forkserver (`orgsim.evaluators._worker_init`), so no process outlives the run.
"""

import os
import signal
import sys

signal.signal(signal.SIGINT, signal.SIG_IGN)


def _quiet_if_the_run_stopped(kind, value, tb) -> None:
    """A worker forked while the parent stops the run finds its queues gone: no traceback for that."""
    if isinstance(value, (FileNotFoundError, EOFError, BrokenPipeError, ConnectionResetError)):
        return
    sys.__excepthook__(kind, value, tb)


# The forkserver reports a failure to start a worker through sys.excepthook, in the forked child.
sys.excepthook = _quiet_if_the_run_stopped

FORKSERVER_PID = os.getpid()


def die_with_parent() -> bool:
    """Linux: SIGKILL this process when its parent exits (prctl PR_SET_PDEATHSIG); False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


die_with_parent()
