"""Run directories: one run owns its folder, results appear complete or not at all, and reruns refuse
to replace complete results unless asked to.

A run writes into a hidden staging folder beside its target and the staging folder becomes the target only
when the run succeeds; an overwrite keeps the old folder until then. An advisory lock file beside the target
(`.NAME.orgsim-lock`) stops a second run into the same folder. Knows paths, not the model.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import secrets
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf

# A file whose presence marks a folder that holds a complete run (written last by every command).
COMPLETE_MARKER = "summary.json"
RUN_ID_RESOLVER = "orgsim_run_id"


class RunDirError(Exception):
    """The run directory cannot be used; the message is one line naming the path and what to do."""


_RUN_ID: str | None = None


def run_id() -> str:
    """An id unique to this process and draw: two runs started in the same second get different ones."""
    global _RUN_ID
    if _RUN_ID is None:
        _RUN_ID = f"{os.getpid()}-{secrets.token_hex(2)}"
    return _RUN_ID


def register_resolver() -> None:
    """`${orgsim_run_id:}` in configs/config.yaml makes Hydra's default run and sweep dirs unique."""
    if not OmegaConf.has_resolver(RUN_ID_RESOLVER):
        OmegaConf.register_new_resolver(RUN_ID_RESOLVER, run_id)


def default_run_dir(command: str, scenario: str) -> Path:
    """The default run dir; the same pattern as `hydra.run.dir` in configs/config.yaml."""
    return Path("outputs") / command / scenario / f"{time.strftime('%Y-%m-%d_%H-%M-%S')}_{run_id()}"


def check_target(target: Path, key: str = "hydra.run.dir") -> None:
    """Refuse a path the run could not create or write: missing parent, a file, no permission, too long."""
    target = Path(os.path.abspath(target))
    for part in target.parts:
        if len(os.fsencode(part)) > 255:
            raise RunDirError(f"{key} has a name longer than 255 bytes; got '{part[:40]}...'")
    if len(os.fsencode(str(target))) > 4000:
        raise RunDirError(f"{key} is longer than 4000 bytes; choose a shorter path")
    if target.exists() and not target.is_dir():
        raise RunDirError(f"{key} must be a folder; got '{target}', which is a file")
    parent = target.parent
    while not parent.exists():  # the run creates missing parents, so check the deepest existing one
        parent = parent.parent
    if not parent.is_dir():
        raise RunDirError(f"{key} must be a folder path; got '{target}', but '{parent}' is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RunDirError(f"{key} must be writable; cannot create or write '{target}' (no permission)")
    if target.is_dir() and not os.access(target, os.W_OK | os.X_OK):
        raise RunDirError(f"{key} must be writable; got '{target}' (no permission)")


def holds_results(target: Path) -> bool:
    return (target / COMPLETE_MARKER).is_file()


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.orgsim-lock"


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: byte-range lock on the lock file
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise


@contextlib.contextmanager
def locked(target: Path, key: str = "hydra.run.dir") -> Iterator[None]:
    """Hold the advisory lock of `target` for the block; refuse when another run holds it."""
    lock = _lock_path(target)
    existing = lock.parent
    while not existing.exists():
        existing = existing.parent
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            owner = ""
            with contextlib.suppress(OSError, ValueError):
                owner = f" (pid {int(lock.read_text().strip())})"
            raise RunDirError(
                f"{key} '{target}' is in use by another orgsim run{owner}; wait for it or choose another "
                f"{key}"
            )
        # The holder before us may have removed the file after we opened it: then lock the new file.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)
        if not target.exists():  # no run came of it: remove the parents made for it, when empty
            folder = lock.parent
            while folder != existing and folder.is_relative_to(existing):
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent


@dataclass
class Staging:
    """Where a run writes (`path`) and where its results go when it succeeds (`target`)."""

    target: Path
    path: Path

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def publish(self) -> None:
        """Make the staged run the target; an existing target is replaced only now (overwrite)."""
        old = self.target.parent / f".{self.target.name}.orgsim-old-{run_id()}"
        blocked = {signal.SIGINT, signal.SIGTERM}
        mask = hasattr(signal, "pthread_sigmask")
        if mask:
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            if self.target.exists():
                os.replace(self.target, old)
            os.replace(self.path, self.target)
        finally:
            if mask:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        shutil.rmtree(old, ignore_errors=True)


def is_staging(path: Path) -> bool:
    return path.name.startswith(".") and ".orgsim-partial-" in path.name


def stage(target: Path, overwrite: bool, key: str = "hydra.run.dir") -> Staging:
    """A fresh staging folder beside `target`; refuse when `target` holds results and not `overwrite`."""
    if not overwrite and holds_results(target):
        raise RunDirError(
            f"{key} '{target}' already holds complete results; add overwrite=true to replace them "
            f"(the old results stay until the new run completes) or choose another {key}"
        )
    if target.is_dir() and any(target.iterdir()):
        if not (target / ".hydra").is_dir() and not holds_results(target):
            # never replace a folder that is not a run of ours (the working directory, a home folder)
            raise RunDirError(
                f"{key} '{target}' already exists and holds files that are not an orgsim run; "
                f"choose another {key}"
            )
        if not overwrite:
            raise RunDirError(
                f"{key} '{target}' already holds an incomplete run; add overwrite=true to replace it "
                f"or choose another {key}"
            )
    # Under the lock no other run uses this target: staging folders left here were killed outright.
    for stale in target.parent.glob(f".{glob.escape(target.name)}.orgsim-partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    path = target.parent / f".{target.name}.orgsim-partial-{run_id()}"
    return Staging(target, path)
