"""Helpers of the tests that start orgsim in its own session and signal it (test_signals, test_robust_runs)."""

from __future__ import annotations

import os


def default_signals() -> None:
    """In the child, before orgsim starts: SIGINT and SIGHUP as a terminal user has them. A test run
    started under `nohup` or as a background job (`&`) would otherwise pass them on ignored, and the
    command under test would never see the signal the test sends."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`: orphans keep their session, whoever adopts them."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        found = []
        for process in psutil.process_iter(["status"]):
            try:
                if process.info["status"] != psutil.STATUS_ZOMBIE and os.getsid(process.pid) == sid:
                    found.append(process.pid)
            except (psutil.Error, OSError):
                continue
        return found
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(entry))
    return found
