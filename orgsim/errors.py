"""One line and an exit code for every way a command can fail; shared by the CLI and every sub-command.

Exit codes: 2 bad input (config, YAML, paths, limits, a folder in use); 1 a run that failed; 128 + signal
number when interrupted (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP). `--debug` or
HYDRA_FULL_ERROR=1 shows tracebacks.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def debug_enabled() -> bool:
    return os.environ.get("ORGSIM_DEBUG") == "1"


def _yaml_line(err: Exception) -> str | None:
    import yaml

    if not isinstance(err, yaml.YAMLError):
        return None
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    where = f"{mark.name}, line {mark.line + 1}" if mark is not None else "a config file"
    return f"config file {where}: {problem}"


def describe(
    err: BaseException, overrides: list[str] | None = None, source: dict | None = None
) -> tuple[int, str | None]:
    """The exit code and one line for `err` (None when the line was already printed)."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from orgsim.config.validate import ConfigError
    from orgsim.guards import NonFiniteOutcome, ResourceLimit
    from orgsim.interrupts import Interrupted
    from orgsim.rundir import RunDirError

    if isinstance(err, SystemExit):
        code = err.code if isinstance(err.code, int) else (0 if err.code is None else EXIT_FAILED)
        return code, None
    if isinstance(err, BrokenPipeError):  # the reader went away (`orgsim run --help | head`): stop quietly
        import os
        import sys

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0, None
    if isinstance(err, KeyboardInterrupt):
        code = err.exit_code if isinstance(err, Interrupted) else 130
        how = f" ({err.args[0]})" if isinstance(err, Interrupted) and err.args else ""
        return code, f"interrupted{how}; no results written"
    if isinstance(err, (ConfigError, RunDirError, ResourceLimit)):
        return EXIT_BAD_INPUT, str(err)
    yaml_line = _yaml_line(err)  # type: ignore[arg-type]
    if yaml_line:
        return EXIT_BAD_INPUT, yaml_line
    if isinstance(err, (HydraException, OmegaConfBaseException, ValueError)):
        from orgsim.cli import explain

        return EXIT_BAD_INPUT, explain(err, overrides or [], source)
    if isinstance(err, NonFiniteOutcome):
        return EXIT_FAILED, str(err)
    if isinstance(err, MemoryError):
        return EXIT_FAILED, "out of memory; lower replicates, years or the headcounts"
    if isinstance(err, OSError) and err.filename is not None:
        return EXIT_FAILED, f"cannot write '{err.filename}': {err.strerror}; no results written"
    text = str(err).splitlines()[0] if str(err) else ""
    return EXIT_FAILED, (
        f"internal error ({type(err).__name__}{': ' + text if text else ''}); no results written; "
        "run again with --debug for the traceback"
    )


@contextlib.contextmanager
def one_line_errors(command: str, overrides: list[str] | None = None) -> Iterator[None]:
    """Inside a Hydra task function: turn any failure into its one line on stderr and exit code."""
    try:
        yield
    except BaseException as err:  # every failure becomes one line
        if debug_enabled() and not isinstance(err, (SystemExit, KeyboardInterrupt)):
            raise
        code, line = describe(err, overrides)
        if line:
            print(f"orgsim {command}: {'' if code > 2 else 'error: '}{line}", file=sys.stderr)
        sys.exit(code)


def key_value_command(
    command: str,
    args: list[str],
    help_text: str,
    job: Callable[[list[str]], None],
    interrupted: str | None = None,
) -> int:
    """The `main` of a sub-command that checks its own key=value arguments: --help prints `help_text`, a
    flag is refused, and any failure of `job(args)` becomes one line and an exit code (`interrupted`, if
    given, replaces the line for Ctrl-C, e.g. to say what was kept)."""
    if any(a in ("-h", "--help") for a in args):
        print(help_text)
        return 0
    flags = [a for a in args if a.startswith("-")]
    if flags:
        print(f"orgsim {command}: error: unknown flag {flags[0]}; give key=value overrides", file=sys.stderr)
        return EXIT_BAD_INPUT
    from orgsim.interrupts import Interrupted, termination_as_interrupt

    try:
        with termination_as_interrupt():  # SIGTERM and SIGHUP end the job like Ctrl-C: workers ended
            job(args)
    except BaseException as err:  # every failure becomes one line and an exit code
        if debug_enabled() and not isinstance(err, (SystemExit, KeyboardInterrupt)):
            raise
        code, line = describe(err)
        if interrupted and isinstance(err, KeyboardInterrupt):
            how = f" ({err.args[0]})" if isinstance(err, Interrupted) and err.args else ""
            line = interrupted.replace("interrupted", f"interrupted{how}", 1)
        if line:
            print(f"orgsim {command}: {'' if code > 2 else 'error: '}{line}", file=sys.stderr)
        return code
    return 0
