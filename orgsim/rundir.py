"""Output folders: every command owns its folder, results appear complete or not at all, and reruns refuse
to replace complete results unless asked to. One implementation for run, sweep, analyze, plot, calibrate
and validate.

A command writes into a hidden staging folder beside its target and the staging folder becomes the target
only when the command succeeds (`owned`); an overwrite keeps the old folder until then. An advisory lock
file beside the target (`.NAME.orgsim-lock`) stops a second command into the same folder. A published
folder carries a marker (`.hydra/orgsim-output.json`) naming the command that wrote it: a command writes
only into a new or empty folder or into its own earlier output (`output_kind`), never into a folder of
other files or another command's output, and never into, around or inside a folder it reads (`inputs`),
whatever `overwrite` says. A sweep store, which grows in place so that it can resume, is claimed the same
way (`claim_store`). Knows paths, not the model.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import secrets
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf

# A file whose presence marks a folder that holds a complete run (written last by `orgsim run`; folders
# written before the output marker existed are recognized by it).
COMPLETE_MARKER = "summary.json"
# Written into every folder a command publishes: which command wrote it (and, for a sweep store, which
# design). Its presence marks the folder as complete and as that command's own output.
OUTPUT_MARKER = Path(".hydra") / "orgsim-output.json"
# What each command's output is called in messages.
OUTPUT_NOUNS = {
    "run": "run",
    "sweep": "sweep store",
    "calibrate": "sweep store",
    "analyze": "analysis",
    "plot": "plot",
    "validate": "validation",
}
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
    return (target / OUTPUT_MARKER).is_file() or (target / COMPLETE_MARKER).is_file()


def read_marker(folder: Path) -> dict:
    """The output marker of `folder` as a dict; empty when it has none or it cannot be read."""
    try:
        data = json.loads((Path(folder) / OUTPUT_MARKER).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_marker(folder: Path, command: str, **facts) -> None:
    """Mark `folder` as the complete output of `command` (atomically: a marker is whole or absent)."""
    path = Path(folder) / OUTPUT_MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps({"command": command, **facts}, indent=1) + "\n").encode())


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` under a temporary name and rename it: a reader sees the old file or the new one."""
    tmp = path.with_name(f".partial-{path.name}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publish_files(folder: Path, writers: dict[str, Callable[[Path], object]]) -> None:
    """Write every file under a temporary name, then rename them all in order: a folder gets all of these
    files or none (an interruption removes what was written). The last writer's file marks completion."""
    folder = Path(folder)
    names = list(writers)
    try:
        for name in names:
            writers[name](folder / f".partial-{name}")  # the suffix still picks the file format
        for name in names:
            os.replace(folder / f".partial-{name}", folder / name)
    except BaseException:
        for name in names:
            (folder / f".partial-{name}").unlink(missing_ok=True)
            (folder / name).unlink(missing_ok=True)
        raise


# What each command writes at the top of its folder: a folder written before the output marker existed is
# recognized as a command's output only when it holds nothing else (a `*` matches any file name stem).
LEGACY_NAMES = {
    "run": {"run.log", "timeseries.parquet", "departments.parquet", "summary.json", "trajectories.png",
            "channels.png", "marginalized_by_year.png"},
    "sweep": {"manifest.json", "parts", "runs.parquet", "timeseries.parquet", "summary.txt", "sensitivity.csv",
              "sensitivity.parquet", "posterior.csv", "accepted.csv", "accepted.parquet", "targets.csv",
              "calibrated_scenario.yaml", "pairs.png", "calibration.txt"},
    "analyze": {"summary.json", "summary.txt", "*.parquet", "*.csv"},
    "validate": {"validate.log", "validation.csv", "*.png"},
    "plot": {"plot.log", "*.png", "*.svg", "*.pdf", "*.csv"},
}  # fmt: skip
HYDRA_NAMES = {"config.yaml", "hydra.yaml", "overrides.yaml", OUTPUT_MARKER.name}


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".partial-")}


def _only(names: set[str], allowed: set[str]) -> bool:
    suffixes = {a[1:] for a in allowed if a.startswith("*")}
    return all(n in allowed or any(n.endswith(x) for x in suffixes) for n in names)


def _legacy_kind(folder: Path, names: set[str]) -> str:
    """The command a folder without a marker came from, judged by its files; "files" when unsure."""
    hydra = folder / ".hydra"
    if hydra.exists() and not (hydra.is_dir() and _names(hydra) <= HYDRA_NAMES):
        return "files"
    if "manifest.json" in names or "parts" in names:
        kind = "sweep"
    elif "summary.json" in names:
        try:
            summary = json.loads((folder / COMPLETE_MARKER).read_text())
        except (OSError, ValueError):
            summary = {}
        kind = "analyze" if isinstance(summary, dict) and "analysis" in summary else "run"
    elif "validation.csv" in names:
        kind = "validate"
    elif ".hydra" in names:
        import yaml

        try:
            config = yaml.safe_load((hydra / "config.yaml").read_text()) or {}
        except (OSError, yaml.YAMLError):
            config = {}
        if not isinstance(config, dict):
            return "files"
        found = [
            c for k, c in (("plot", "plot"), ("analysis", "analyze"), ("validate", "validate")) if k in config
        ]
        kind = found[0] if found else ("sweep" if "sweep" in config else "run")
    else:
        return "files"
    return kind if _only(names - {".hydra"}, LEGACY_NAMES[kind]) else "files"


def output_kind(folder: Path) -> str | None:
    """The command whose output `folder` holds: None for a missing or empty folder, "files" for a folder
    that holds anything else. Read from the output marker; folders written before it existed are
    recognized by what they hold, and only when they hold nothing else."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    try:
        names = _names(folder)
    except OSError:
        return "files"
    if not names:
        return None
    command = read_marker(folder).get("command")
    if isinstance(command, str) and command in OUTPUT_NOUNS:
        return command
    return _legacy_kind(folder, names)


def foreign_files(folder: Path) -> list[str]:
    """Names in a marked output folder that its command did not write (a user's notes, say)."""
    written = read_marker(folder).get("files")
    if not isinstance(written, list):
        return []
    return sorted(_names(folder) - set(written) - {".hydra"})


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def check_kind(target: Path, command: str, key: str = "hydra.run.dir") -> str | None:
    """Refuse a target that holds files, or another command's output; return its kind (None: new)."""
    kind = output_kind(target)
    noun = OUTPUT_NOUNS.get(command, command)
    if kind == "files":
        # never write into a folder that is not an output of ours (the working directory, a home folder)
        raise RunDirError(
            f"{key} '{target}' already exists and holds files that are not an orgsim {noun}; choose another "
            f"{key}"
        )
    if kind is not None and OUTPUT_NOUNS.get(kind) != noun:
        raise RunDirError(
            f"{key} '{target}' holds the output of orgsim {kind} ({_article(OUTPUT_NOUNS[kind])}); orgsim {command} "
            f"writes only into a new folder or its own earlier output, whatever overwrite says; choose "
            f"another {key}"
        )
    return kind


def check_inputs(target: Path, inputs: Iterable[str | Path | None], command: str, key: str) -> None:
    """Refuse a target that is a folder the command reads, holds one, or lies inside one: reading a folder
    and writing into it are never the same act."""
    target = Path(os.path.realpath(target))
    for given in inputs:
        if given in (None, "", "???"):
            continue
        source = Path(os.path.realpath(Path(given).expanduser()))
        if target == source:
            where = "is the input folder"
        elif source.is_relative_to(target):
            where = f"holds the input folder '{source}'"
        elif target.is_relative_to(source):
            where = f"lies inside the input folder '{source}'"
        else:
            continue
        raise RunDirError(
            f"{key} '{target}' {where}; orgsim {command} reads its input and never writes into it; choose "
            f"another {key}"
        )


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
    """Where a command writes (`path`) and where its results go when it succeeds (`target`)."""

    target: Path
    path: Path
    command: str = "run"

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def publish(self) -> None:
        """Mark the staged output as the command's and make it the target; an existing target is replaced
        only now (overwrite)."""
        self.path.mkdir(parents=True, exist_ok=True)
        if not (self.path / OUTPUT_MARKER).is_file():
            write_marker(self.path, self.command, files=sorted(_names(self.path) - {".hydra"}))
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


def stage(target: Path, overwrite: bool, key: str = "hydra.run.dir", command: str = "run") -> Staging:
    """A fresh staging folder beside `target`; refuse a target that is not new or the command's own
    output, and one that holds results unless `overwrite`."""
    kind = check_kind(target, command, key)
    foreign = foreign_files(target) if kind is not None else []
    if foreign and overwrite:  # an overwrite replaces the whole folder: never with files of the user's
        raise RunDirError(
            f"{key} '{target}' holds files orgsim {command} did not write ({', '.join(foreign[:3])}); move "
            f"them away to overwrite it, or choose another {key}"
        )
    if kind is not None and not overwrite:
        if holds_results(target):
            raise RunDirError(
                f"{key} '{target}' already holds complete results; add overwrite=true to replace them "
                f"(the old results stay until the new {command} completes) or choose another {key}"
            )
        raise RunDirError(
            f"{key} '{target}' already holds an incomplete {OUTPUT_NOUNS.get(command, command)}; add "
            f"overwrite=true to replace it or choose another {key}"
        )
    # Under the lock no other run uses this target: staging folders left here were killed outright.
    for stale in target.parent.glob(f".{glob.escape(target.name)}.orgsim-partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    path = target.parent / f".{target.name}.orgsim-partial-{run_id()}"
    return Staging(target, path, command)


@contextlib.contextmanager
def owned(
    target: Path,
    command: str,
    overwrite: bool,
    inputs: Iterable[str | Path | None] = (),
    key: str = "hydra.run.dir",
) -> Iterator[Staging]:
    """The one way a command writes its output folder: check the path and that it is no input of the
    command, lock it, stage, and publish the staging folder when the block succeeds (discard it when it
    fails). Yields the Staging: write into `.path`; `.target` is the resolved folder."""
    target = _usable(target, inputs, command, key)
    with locked(target, key):
        staging = stage(target, overwrite, key, command)
        try:
            yield staging
        except BaseException:
            staging.discard()
            raise
        staging.publish()


def _usable(target: Path, inputs: Iterable[str | Path | None], command: str, key: str) -> Path:
    """The checks before the lock: a path the command could write, and none of its inputs; the resolved
    folder (a symlink to a folder: the folder)."""
    check_target(target, key)
    target = Path(os.path.realpath(Path(target).expanduser()))
    check_inputs(target, inputs, command, key)
    return target


def check_claimable(
    target: Path, command: str, inputs: Iterable[str | Path | None] = (), key: str = "hydra.run.dir"
) -> None:
    """What claim_store refuses, checked without the lock, so that a command with costly checks before
    it claims the folder (a sweep composes and probes its design first) refuses a wrong folder at once.
    claim_store checks again under the lock."""
    check_kind(_usable(target, inputs, command, key), command, key)


@contextlib.contextmanager
def claim_store(
    target: Path,
    command: str,
    create: Callable[[Path], None],
    inputs: Iterable[str | Path | None] = (),
    key: str = "hydra.run.dir",
) -> Iterator[Path]:
    """Hold a store that grows in place (a sweep's): the resolved folder, locked for the block. A new or
    empty target is created through a staging folder (`create` writes its first files, the marker is
    added) so that it appears already identified; an existing target must be the command's own store
    (the caller then checks that it is the same design). Refuses anything else."""
    target = _usable(target, inputs, command, key)
    with locked(target, key):
        if check_kind(target, command, key) is None:
            staging = stage(target, False, key, command)
            try:
                staging.path.mkdir(parents=True)
                create(staging.path)
            except BaseException:
                staging.discard()
                raise
            staging.publish()
        yield target
