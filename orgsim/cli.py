"""The `orgsim` command: dispatches sub-commands to thin Hydra entry points.

User overrides are composed and validated here first, so bad input ends with one clear line and a
non-zero exit before Hydra creates a run directory. A single run's config is composed once
(orgsim.hydra_job) and its task runs on that same config; multirun and Hydra's own flags (help, --cfg)
go to the sub-command's `@hydra.main` app.
`launch` is the same for every sub-command: it checks the run directory, locks it, lets Hydra write into
a staging folder beside it and publishes that folder only when the job succeeds (orgsim.rundir); every
failure becomes one line and an exit code (orgsim.errors); SIGTERM is handled like Ctrl-C.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

COMMANDS = {
    "run": ("orgsim.commands.run", "run the chosen scenario for `replicates` seeds"),
    "sweep": ("orgsim.commands.sweep", "run an experiment design: orgsim sweep experiment=NAME"),
    "analyze": ("orgsim.commands.analyze", "analyze a sweep: sensitivity|discover|variance input=DIR"),
    "plot": (
        "orgsim.commands.plot",
        "draw a figure from a run or sweep folder: orgsim plot plot=SPEC input=PATH",
    ),
    "params": ("orgsim.commands.params", "list every parameter: type, default, ranges, meaning"),
    "calibrate": ("orgsim.commands.calibrate", "fit the uncertain parameters to published targets (ABC)"),
    "viz": ("orgsim.commands.viz", "serve the interactive page on 127.0.0.1 (needs the viz extra)"),
    "validate": ("orgsim.commands.validate", "check the model against theory and published figures"),
}
# Sub-commands whose Hydra app composes another root config than config.yaml: its name.
ROOT_CONFIGS = {"validate": "validate"}
# These check their own arguments: sweep, plot, analyze and calibrate compose other root configs, params
# takes --flags, not Hydra.
SELF_CHECKED = {"sweep", "analyze", "params", "plot", "calibrate"}

USAGE = """usage: orgsim COMMAND [key=value ...]

commands:
{commands}

Overrides use Hydra's syntax, e.g.
  orgsim run scenario=locked_down policy=broker it.cio.willingness=0.8 years=8 replicates=50 seed=7
  orgsim run hydra.run.dir=outputs/my_run overwrite=true
  orgsim sweep experiment=policy_comparison executor=processes
  orgsim analyze discover input=outputs/sweep/scenario_discovery outcome=marginalized threshold=0.7
  orgsim plot plot=heatmap input=outputs/sweep/willingness_vs_appstores
  orgsim params --format salib --keys it.cio.willingness,environment.cloud_push
  orgsim validate validate.size=quick seed=3
`orgsim COMMAND --help` lists the config groups and the composed config; `--debug` shows tracebacks.
"""


def _key_of(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def _allowed_keys(overrides: list[str], key: str, source: dict | None = None) -> tuple[str, list[str]]:
    """The deepest existing parent of `key` in the config composed without the bad override."""
    from omegaconf import DictConfig, OmegaConf

    from orgsim.config.compose import compose

    def related(o: str) -> bool:
        k = _key_of(o)
        return k == key or k.startswith(key + ".") or key.startswith(k + ".")

    others = [o for o in overrides if not related(o)]
    choices = [o for o in others if "." not in _key_of(o)]

    def composed(attempt: list[str]):
        if not key.startswith("hydra."):
            return compose(attempt, **(source or {}))
        from orgsim.hydra_job import HydraJob  # the `hydra` node too: a bad hydra.* key lists its siblings

        where = dict(source or {})
        return HydraJob("orgsim", attempt, where.pop("config_name", None) or "config", **where).cfg

    cfg = None
    for attempt in (others, choices, []):  # other overrides may be broken too
        try:
            cfg = composed(attempt)
            break
        except Exception:
            continue
    if cfg is None:
        return "", []
    parts = key.split(".")
    for depth in range(len(parts) - 1, -1, -1):
        parent = ".".join(parts[:depth])
        node = OmegaConf.select(cfg, parent) if parent else cfg
        if isinstance(node, DictConfig):
            return parent, [str(k) for k in node]
    return "", []


def explain(err: Exception, overrides: list[str], source: dict | None = None) -> str:
    """One line naming the key, the value and what is allowed, for any composition or validation error."""
    from orgsim.config.validate import ConfigError

    msg = str(err) + (f"\n{err.__cause__}" if err.__cause__ is not None else "")
    if isinstance(err, ConfigError):
        return msg
    missing = re.search(r"Could not find '([^']+)/([^']+)'", msg)
    if missing:
        group, option = missing.groups()
        options = re.findall(r"^\t(\S+)$", msg, flags=re.M)
        options = [o for o in options if not o.endswith("_schema")]
        return f"{group} must be one of {', '.join(options)}; got '{option}'"
    exists = re.search(r"An item is already at '([^']+)'", msg)
    if exists:
        return f"'{exists.group(1)}' already exists; set it without '+': {exists.group(1)}=VALUE"
    unknown = re.search(r"Could not override '([^']+)'", msg)
    full_key = re.search(r"full_key: (\S+)", msg)
    if unknown or (full_key and "not in" in msg):
        key = unknown.group(1) if unknown else full_key.group(1)
        parent, keys = _allowed_keys(overrides, key, source)
        where = f"under '{parent}'" if parent else "at the top level"
        return f"unknown key '{key}'; keys {where}: {', '.join(keys)}"
    convert = re.search(r"Value '([^']*)' (?:of type '\w+' )?could not be converted to (\w+)", msg)
    boolean = re.search(r"override ([\w.]+)=\S*\s+Value '([^']*)' is not a valid bool", msg)
    if boolean:
        return f"{boolean.group(1)} must be a boolean (true or false); got '{boolean.group(2)}'"
    if convert and full_key:
        value, kind = convert.groups()
        article = "an" if kind.lower()[0] in "aeiou" else "a"
        return f"{full_key.group(1)} must be {article} {kind.lower()}; got '{value}'"
    parse_error = ("mismatched input", "no viable alternative", "extraneous input", "Error parsing override")
    if any(text in msg for text in parse_error):
        bad = re.search(r"override '([^']+)'", msg)
        return f"cannot parse override '{bad.group(1) if bad else ' '.join(overrides)}'; use key=value"
    primary = re.search(r"Cannot find primary config '([^']+)'", msg)
    if primary:
        return f"--config-name must name a config file in the config search path; got '{primary.group(1)}'"
    subclass = re.search(r"(\w+) is not a subclass of (\w+)", msg)
    if subclass and full_key:
        return (
            f"{full_key.group(1)} must be a mapping of {subclass.group(2)} fields; got a {subclass.group(1)}"
        )
    if full_key and re.search(r"Cannot (?:assign|convert|merge)", msg):
        return f"{full_key.group(1)} has the wrong type: {msg.splitlines()[0].strip()}"
    lines = [line.strip() for line in str(err).splitlines() if line.strip()] or [type(err).__name__]
    if err.__cause__ is not None:
        lines += [line.strip() for line in str(err.__cause__).splitlines() if line.strip()][:1]
    return ": ".join(dict.fromkeys([lines[0], lines[-1]]))


# Hydra flags: these take an argument; these only print or reconfigure Hydra and run no job.
FLAGS_WITH_ARGUMENT = {"--cfg", "-c", "--package", "-p"}
SOURCE_FLAGS = {
    "--config-name": "config_name", "-cn": "config_name",
    "--config-path": "primary_dir", "-cp": "primary_dir",
    "--config-dir": "extra_dir", "-cd": "extra_dir",
}  # fmt: skip
PASS_THROUGH_FLAGS = {
    "-h", "--help", "--hydra-help", "--version", "--info", "-i", "--shell-completion", "-sc",
    "--experimental-rerun",
}  # fmt: skip
NO_JOB_FLAGS = PASS_THROUGH_FLAGS | {"--cfg", "-c"}


def _flag(arg: str) -> str:
    return arg.split("=", 1)[0] if arg.startswith("-") else arg


def _user_overrides(args: list[str]) -> list[str] | None:
    """The overrides to check before Hydra runs; None when a flag hands the command to Hydra as it is."""
    overrides, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif _flag(arg) in PASS_THROUGH_FLAGS:
            return None
        elif arg in FLAGS_WITH_ARGUMENT or arg in SOURCE_FLAGS:
            skip = True
        elif not arg.startswith("-") and not _key_of(arg).startswith("hydra."):
            overrides.append(arg)
    return overrides


def config_source(args: list[str], command: str = "run") -> dict:
    """compose()'s config_name / primary_dir / extra_dir from Hydra's --config-name/-path/-dir flags
    (and the command's own root config)."""
    source: dict = {"config_name": ROOT_CONFIGS[command]} if command in ROOT_CONFIGS else {}
    for i, arg in enumerate(args):
        flag = _flag(arg)
        if flag not in SOURCE_FLAGS:
            continue
        if "=" in arg:
            value = arg.split("=", 1)[1]
        elif i + 1 < len(args):
            value = args[i + 1]
        else:
            value = ""
        if not value:
            from orgsim.config.validate import ConfigError

            raise ConfigError(f"{flag} needs a value: {flag} VALUE")
        if SOURCE_FLAGS[flag] == "primary_dir" and not os.path.isabs(value):
            # Hydra reads a relative --config-path from the folder of the task's file
            value = str(Path(__file__).parent / "commands" / value)
        source[SOURCE_FLAGS[flag]] = value
    return source


def _sweep_variants(overrides: list[str], multirun: bool) -> list[list[str]]:
    """The override lists to check: one, or under multirun each swept value with the others' first."""
    if not multirun:
        return [overrides]
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    sweeps = {i: list(o.sweep_string_iterator()) for i, o in enumerate(parsed) if o.is_sweep_override()}
    base = [
        f"{o.get_key_element()}={sweeps[i][0]}" if i in sweeps else o.input_line for i, o in enumerate(parsed)
    ]
    variants = [base]
    for i, values in sweeps.items():
        for value in values[1:]:
            variant = list(base)
            variant[i] = f"{parsed[i].get_key_element()}={value}"
            variants.append(variant)
    return variants


def _is_multirun(args: list[str]) -> bool:
    return any(a in ("-m", "--multirun") for a in args)


def preflight(args: list[str], command: str = "run"):
    """Compose and validate every variant of the user's overrides; the first variant's settings.

    Raises what composition or validation raised (None when a flag hands everything to Hydra).
    """
    from orgsim.config.compose import load_settings

    overrides = _user_overrides(args)
    if overrides is None:
        return None
    source = config_source(args, command)
    first = None
    for variant in _sweep_variants(overrides, multirun=_is_multirun(args)):
        settings = load_settings(variant, **source)
        first = settings if first is None else first
    return first


def _source_or_none(args: list[str], command: str = "run") -> dict:
    try:
        return config_source(args, command)
    except Exception:
        return {}


def check_overrides(args: list[str], command: str = "run") -> str | None:
    """Compose and validate the user's overrides; return an error line, or None when they are fine."""
    from orgsim.errors import describe

    try:
        preflight(args, command)
    except Exception as err:
        return describe(err, _user_overrides(args) or [], _source_or_none(args, command))[1]
    return None


def _hydra_value(arg: str) -> str:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return str(OverridesParser.create().parse_overrides([arg])[0].value())


def _resolved_path(key: str, value: str) -> Path:
    """The path a run dir override names, with `${now:...}` and `${orgsim_run_id:}` filled in."""
    if "${" in value:
        from hydra.core.utils import setup_globals
        from omegaconf import OmegaConf

        from orgsim.rundir import RunDirError, register_resolver

        setup_globals()
        register_resolver()
        try:
            value = str(OmegaConf.create({"path": value}).path)
        except Exception as err:
            raise RunDirError(
                f"{key} may use ${{now:FORMAT}} and ${{orgsim_run_id:}} but no other interpolation; "
                f"got '{value}'"
            ) from err
    return Path(value).expanduser()


def _dir_override(args: list[str], key: str) -> tuple[int, Path] | None:
    """The position and value of `key=PATH` among the args (the last one wins, as in Hydra)."""
    found = None
    for i, arg in enumerate(args):
        if arg.startswith(f"{key}="):
            found = (i, _resolved_path(key, _hydra_value(arg)))
    return found


def _as_override(key: str, path: Path) -> str:
    text = str(path)
    if re.fullmatch(r"[\w./~+-]+", text):
        return f"{key}={text}"
    return f"{key}='" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run_app(command: str, args: list[str]) -> None:
    """Start the sub-command's Hydra app in this process; Hydra re-raises errors for launch to report."""
    module = importlib.import_module(COMMANDS[command][0])
    saved_argv, saved_env = sys.argv, os.environ.get("HYDRA_FULL_ERROR")
    sys.argv = [f"orgsim {command}", *args]
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        module.main()
    finally:
        sys.argv = saved_argv
        if saved_env is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved_env


def _single_job_overrides(args: list[str]) -> list[str] | None:
    """Every override (hydra.* too) of a single run whose only flags name the config source; None when
    there is another flag (multirun, help, --cfg, one Hydra should refuse): that goes to `@hydra.main`."""
    overrides, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in SOURCE_FLAGS:
            skip = True
        elif arg.startswith("-"):
            if _flag(arg) not in SOURCE_FLAGS:
                return None
        else:
            overrides.append(arg)
    return overrides


def _check_resources(command: str, settings, start_workers: bool) -> None:
    """Refuse a run beyond the machine before any folder exists (the job prints the estimate itself;
    `validate` sizes and checks its own work in its job, whose staging folder a refusal discards)."""
    from orgsim.guards import check_resources
    from orgsim.runner import effective_workers

    if command in ROOT_CONFIGS:
        return
    workers = effective_workers(settings)
    check_resources(settings, workers, force=settings.force, announce=False)
    if start_workers and command == "run" and workers > 1:
        from orgsim.runner import prestart_workers

        prestart_workers()  # its start-up overlaps the rest of the start (Hydra's logging, the folder)


def _launch(command: str, args: list[str]) -> int:
    from orgsim import rundir

    overrides = None if _is_multirun(args) else _single_job_overrides(args)
    if overrides is None:
        settings = preflight(args, command)
        if settings is None or any(_flag(a) in NO_JOB_FLAGS for a in args) or not _is_multirun(args):
            _run_app(command, args)  # help, --cfg, a flag Hydra refuses: Hydra prints and runs no job
            return 0
        _check_resources(command, settings, start_workers=False)
        sweep = _dir_override(args, "hydra.sweep.dir")
        if sweep is not None:
            rundir.check_target(sweep[1], "hydra.sweep.dir")
        _run_app(command, args)
        return 0
    # One run: its config is composed once, validated here, and the job runs on that same config.
    from orgsim.config.compose import ROOT_SCHEMAS, to_settings
    from orgsim.hydra_job import HydraJob

    source = config_source(args, command)
    config_name = source.pop("config_name", None) or "config"
    job = HydraJob(command, overrides, config_name, **source)
    settings = to_settings(job.cfg, ROOT_SCHEMAS.get(config_name, ROOT_SCHEMAS["config"]))
    if isinstance(settings, ROOT_SCHEMAS["validate"]):
        from orgsim.validation import select

        select(settings.validate.checks)  # an unknown check is refused before any folder exists
    _check_resources(command, settings, start_workers=True)
    given = _dir_override(args, "hydra.run.dir")
    target = given[1] if given else rundir.default_run_dir(command, settings.scenario.name)
    task = importlib.import_module(COMMANDS[command][0]).task
    with rundir.owned(target, command, settings.overwrite) as staging:
        job.run(task, staging.path, _as_override("hydra.run.dir", staging.path))
    print(f"outputs: {staging.target}")
    return 0


def launch(command: str, args: list[str]) -> int:
    """Run a sub-command with its checks, run directory, signals and one-line errors; the exit code."""
    from orgsim.errors import debug_enabled, describe
    from orgsim.interrupts import termination_as_interrupt

    try:
        with termination_as_interrupt():
            return _launch(command, args)
    except BaseException as err:  # every failure becomes one line and an exit code
        if debug_enabled() and not isinstance(err, SystemExit):
            raise
        code, line = describe(err, _user_overrides(args) or [], _source_or_none(args, command))
        if line:
            print(f"orgsim {command}: {'' if code > 2 else 'error: '}{line}", file=sys.stderr)
        return code


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader went away (`orgsim --help | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0


def _main(argv: list[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = "\n".join(f"  {name:10s} {text}" for name, (_, text) in COMMANDS.items())
    debug = "--debug" in args or os.environ.get("HYDRA_FULL_ERROR") == "1"
    args = [a for a in args if a != "--debug"]
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE.format(commands=commands))
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(
            f"orgsim: error: command must be one of {', '.join(COMMANDS)}; got '{command}'", file=sys.stderr
        )
        return 2
    saved = os.environ.get("ORGSIM_DEBUG")
    os.environ["ORGSIM_DEBUG"] = "1" if debug else "0"
    try:
        if command in SELF_CHECKED:
            return importlib.import_module(COMMANDS[command][0]).main(rest)
        if command == "viz":  # serves a page, not a Hydra app: it checks its own keys (port=, assets=)
            from orgsim.commands.viz import main as viz_main

            return viz_main(rest)
        return launch(command, rest)
    finally:
        if saved is None:
            os.environ.pop("ORGSIM_DEBUG", None)
        else:
            os.environ["ORGSIM_DEBUG"] = saved


if __name__ == "__main__":
    sys.exit(main())
