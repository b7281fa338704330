"""One line and an exit code for every way a command can fail; shared by the CLI and every sub-command.

Exit codes: 2 bad input (config, YAML, paths, limits, a folder in use); 1 a run that failed; 128 + signal
number when interrupted (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP). `--debug` or
HYDRA_FULL_ERROR=1 shows tracebacks.
"""

from __future__ import annotations

import os

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


def config_line(err: Exception) -> str:
    """One line for what the schema check before composition cannot see (a config file of the user's,
    Hydra's own keys), from the exception's fields: the missing option and the options there are, or
    the key and the type its schema declares."""
    from hydra.errors import MissingConfigException
    from omegaconf.errors import ValidationError

    if isinstance(err, MissingConfigException) and err.missing_cfg_file and "/" in err.missing_cfg_file:
        group, option = err.missing_cfg_file.rsplit("/", 1)
        options = [o for o in err.options or [] if not o.endswith("_schema")]
        return f"{group} must be one of {', '.join(options)}; got '{option}'"
    inner = err.__cause__ or err.__context__
    if getattr(err, "full_key", None) is None and getattr(inner, "full_key", None):
        err = inner
    key = getattr(err, "full_key", None)
    if isinstance(err, ValidationError) and key and err.value is not None:
        from orgsim.config.overrides import type_words

        words = type_words(err.object_type, err.key)
        if words:
            return f"{key} must be {words}; got '{err.value}'"  # a value from a config file
    message = getattr(err, "msg", None) or str(err)
    first = next((line.strip() for line in str(message).splitlines() if line.strip()), type(err).__name__)
    return f"{key}: {first}" if key else first


def describe(err: BaseException) -> tuple[int, str | None]:
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
        return EXIT_BAD_INPUT, config_line(err)
    if isinstance(err, NonFiniteOutcome):
        return EXIT_FAILED, str(err)
    if isinstance(err, MemoryError):
        return EXIT_FAILED, "out of memory; lower replicates, years or the headcounts"
    if isinstance(err, OSError) and err.filename is not None:
        # a file read (a shipped table) or written (an output): name the file and the fault, not a verb
        return EXIT_FAILED, f"{err.strerror}: '{err.filename}'; no results written"
    text = str(err).splitlines()[0] if str(err) else ""
    return EXIT_FAILED, (
        f"internal error ({type(err).__name__}{': ' + text if text else ''}); no results written; "
        "run again with --debug for the traceback"
    )
