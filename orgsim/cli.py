"""The `orgsim` command: one entry for every sub-command.

Every sub-command is declared once in COMMANDS and runs the same way (`launch`): one parser of flags and
`key=value` overrides, `--help` generated from the command's schema, the overrides checked against that
schema before anything is composed (orgsim.config.overrides), one composition of the command's root config
(orgsim.hydra_job), the settings validated, the work estimated (orgsim.guards), the output folder owned
(orgsim.rundir: staged under a lock, published when the job succeeds), and every failure turned into one
line and an exit code (orgsim.errors; SIGTERM and SIGHUP end the job like Ctrl-C). The command modules
hold the jobs; none of them imports this module.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Command:
    """What `launch` needs to know about a sub-command.

    module: the job's module. It defines `SCHEMA` (the root config's dataclass) and `register()` (stores
    it in Hydra's ConfigStore), and `task(cfg)` when `folder` is "run", else `job(cfg, overrides)`.
    folder: "run" -- a new run directory owned by the launcher (hydra.run.dir); "store" -- the job owns
    a resumable store (sweep, calibrate); "none" -- writes no folder (params, viz).
    """

    module: str
    summary: str
    config: str  # the root config in configs/ (NAME.yaml)
    folder: str
    writes: str = ""  # what the command writes, for --help
    own_nodes: tuple[str, ...] = ()  # nested nodes of the schema that are the command's own keys
    inputs: tuple[str, ...] = ()  # keys naming folders the command reads and must never write
    positional: tuple[str, tuple[str, ...]] | None = None  # (key, choices): `orgsim analyze sensitivity`
    multirun: bool = False  # Hydra's -m: one job per combination of comma-separated values
    estimate: bool = False  # refuse work beyond the machine before any folder exists
    interrupted: str | None = None  # the line for Ctrl-C, when there is more to say than "no results"
    examples: tuple[str, ...] = field(default_factory=tuple)


_RESUME = "interrupted; finished runs are stored, run the same command again to resume"
COMMANDS: dict[str, Command] = {
    "run": Command(
        "orgsim.commands.run",
        "run the chosen scenario for `replicates` seeds",
        "config",
        "run",
        writes="timeseries.parquet, departments.parquet, summary.json and three figures",
        multirun=True,
        estimate=True,
        examples=(
            "orgsim run scenario=locked_down policy=broker it.cio.willingness=0.8 years=8 replicates=50",
            "orgsim run hydra.run.dir=outputs/my_run overwrite=true",
            "orgsim run -m policy=broker,laissez_faire",
        ),
    ),
    "sweep": Command(
        "orgsim.commands.sweep",
        "run an experiment design (levers x worlds x replicates), resumable",
        "sweep",
        "store",
        writes="runs.parquet, timeseries parts, design and summary in outputs/sweep/NAME (resumed by "
        "the same command)",
        own_nodes=("sweep", "executor"),
        interrupted=_RESUME,
        examples=(
            "orgsim sweep experiment=policy_comparison executor=processes",
            "orgsim sweep experiment=scenario_discovery sweep.n=200 replicates=5 hydra.run.dir=out/sd",
        ),
    ),
    "analyze": Command(
        "orgsim.commands.analyze",
        "analyze a sweep: sensitivity | discover | variance | robustness",
        "analyze",
        "run",
        writes="the analysis' tables (Parquet and CSV), summary.txt and summary.json",
        inputs=("input",),
        positional=("analysis", ()),
        examples=(
            "orgsim analyze sensitivity input=outputs/sweep/global_sensitivity",
            "orgsim analyze discover input=outputs/sweep/scenario_discovery outcome=marginalized",
        ),
    ),
    "plot": Command(
        "orgsim.commands.plot",
        "draw a figure from a run or sweep folder",
        "plot",
        "run",
        writes="<spec>.<format> (png, svg or pdf) and <spec>.csv (the data drawn)",
        own_nodes=("plot",),
        inputs=("input",),
        multirun=True,
        examples=(
            "orgsim plot plot=trajectories input=outputs/run/baseline_2012/FOLDER plot.outcome=shadow_share",
            "orgsim plot plot=heatmap input=outputs/sweep/willingness_vs_appstores plot.format=svg",
        ),
    ),
    "params": Command(
        "orgsim.commands.params",
        "list every parameter: type, default, ranges, source, meaning",
        "params",
        "none",
        writes="nothing: prints a table, a SALib problem (format=salib) or EMA parameters (format=ema)",
        examples=(
            "orgsim params scenario=locked_down policy=broker",
            "orgsim params format=salib keys=[it.cio.willingness,environment.cloud_push]",
        ),
    ),
    "calibrate": Command(
        "orgsim.commands.calibrate",
        "fit the uncertain parameters to published targets (ABC)",
        "calibrate",
        "store",
        writes="the calibration sweep plus posterior.csv, accepted.csv, targets.csv, pairs.png and "
        "calibrated_scenario.yaml",
        own_nodes=("sweep", "executor"),
        interrupted=_RESUME,
        examples=("orgsim calibrate sweep.n=500 replicates=4 accept=0.05 executor=processes",),
    ),
    "viz": Command(
        "orgsim.commands.viz",
        "serve the interactive page on 127.0.0.1 (needs the viz extra)",
        "viz",
        "none",
        writes="nothing: serves the page until Ctrl-C",
        positional=("action", ("serve", "prepare-assets")),
        examples=("orgsim viz port=8800 policy=laissez_faire", "orgsim viz prepare-assets"),
    ),
    "validate": Command(
        "orgsim.commands.validate",
        "check the model against theory and published figures",
        "validate",
        "run",
        writes="validation.csv and one figure per check",
        own_nodes=("validate",),
        multirun=True,
        estimate=True,
        examples=("orgsim validate validate.size=quick seed=3", "orgsim validate validate.checks=[bass]"),
    ),
}

USAGE = """usage: orgsim COMMAND [key=value ...] [--help] [--debug]

commands:
{commands}

Every command takes Hydra-style overrides (key=value) and writes into hydra.run.dir=PATH, e.g.
  orgsim run scenario=locked_down policy=broker it.cio.willingness=0.8 years=8 replicates=50 seed=7
  orgsim sweep experiment=policy_comparison executor=processes
  orgsim plot plot=heatmap input=outputs/sweep/willingness_vs_appstores
`orgsim COMMAND --help` lists the command's groups and keys; `--debug` shows tracebacks; `--version`.
"""

# Flags every command takes; those that take a value; Hydra's, for commands that run a Hydra app.
FLAGS = ("--help", "-h", "--debug", "--cfg", "-c")
SOURCE_FLAGS = {
    "--config-name": "config_name", "-cn": "config_name",
    "--config-path": "primary_dir", "-cp": "primary_dir",
    "--config-dir": "extra_dir", "-cd": "extra_dir",
}  # fmt: skip
MULTIRUN_FLAGS = ("-m", "--multirun")
CFG_PARTS = ("job", "hydra", "all")


@dataclass
class Invocation:
    """A command line, parsed once: the overrides (hydra.* included), the flags and the config source."""

    overrides: list[str]
    source: dict
    help: bool = False
    cfg: str | None = None
    multirun: bool = False

    @property
    def user_overrides(self) -> list[str]:
        """The overrides of the command's config (Hydra's own hydra.* keys left out)."""
        return [o for o in self.overrides if not _key_of(o).startswith("hydra.") and _key_of(o) != "hydra"]


def _key_of(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def _usage_error(message: str) -> Exception:
    from orgsim.config.validate import ConfigError

    return ConfigError(message)


def parse(name: str, args: list[str]) -> Invocation:
    """The one parser of every command's arguments; ConfigError (one line) for a flag it does not take."""
    spec = COMMANDS[name]
    inv = Invocation(overrides=[], source={})
    allowed = [*FLAGS, *SOURCE_FLAGS, *(MULTIRUN_FLAGS if spec.multirun else ())]
    i = 0
    first_word = True
    while i < len(args):
        arg = args[i]
        flag, has_value, value = arg.partition("=") if arg.startswith("-") else (arg, False, "")
        if not arg.startswith("-"):
            if "=" not in arg and first_word and spec.positional is not None:
                key, choices = spec.positional
                inv.overrides.append(f"{key}={arg}")
            elif "=" not in arg and not arg.startswith("~"):
                raise _usage_error(
                    f"cannot parse override '{arg}'; give key=value overrides (orgsim {name} --help)"
                )
            else:
                inv.overrides.append(arg)
            first_word = False
            i += 1
            continue
        first_word = False
        if flag not in allowed:
            shown = ", ".join(dict.fromkeys(a for a in allowed if a.startswith("--")))
            raise _usage_error(f"unknown flag {flag}; orgsim {name} takes {shown} and key=value overrides")
        takes_value = flag in ("--cfg", "-c") or flag in SOURCE_FLAGS
        if takes_value and not has_value:
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                raise _usage_error(f"{flag} needs a value: {flag} VALUE")
            value = args[i + 1]
            i += 1
        i += 1
        if flag in ("--help", "-h"):
            inv.help = True
        elif flag in ("--cfg", "-c"):
            if value not in CFG_PARTS:
                raise _usage_error(f"--cfg must be one of {', '.join(CFG_PARTS)}; got '{value}'")
            inv.cfg = value
        elif flag in SOURCE_FLAGS:
            if not value:
                raise _usage_error(f"{flag} needs a value: {flag} VALUE")
            if SOURCE_FLAGS[flag] == "primary_dir" and not os.path.isabs(value):
                # Hydra reads a relative --config-path from the folder of the task's file
                value = str(Path(__file__).parent / "commands" / value)
            inv.source[SOURCE_FLAGS[flag]] = value
        elif flag in MULTIRUN_FLAGS:
            inv.multirun = True
    if spec.positional is not None and spec.positional[1] == () and not inv.help and inv.cfg is None:
        key = spec.positional[0]
        if not any(_key_of(o) == key for o in inv.overrides):
            choices = _positional_choices(name)
            raise _usage_error(
                f"{key} must be one of {', '.join(choices)}; got none (orgsim {name} {key.upper()} ...)"
            )
    return inv


def _positional_choices(name: str) -> tuple[str, ...]:
    spec = COMMANDS[name]
    key, choices = spec.positional  # type: ignore[misc]
    if choices:
        return choices
    schema = _module(name).SCHEMA
    meta = {f.name: f.metadata for f in dataclasses.fields(schema)}
    return tuple(meta[key].get("choices", ()))


# --- config -----------------------------------------------------------------------------------------


def _module(name: str):
    return importlib.import_module(COMMANDS[name].module)


def _config_dirs(source: dict) -> tuple[Path, tuple[Path, ...]]:
    from orgsim.config.compose import config_dir

    primary = Path(source["primary_dir"]) if source.get("primary_dir") else config_dir()
    extra = (Path(source["extra_dir"]),) if source.get("extra_dir") else ()
    return primary, extra


def _root_name(name: str, source: dict) -> str:
    return source.get("config_name") or COMMANDS[name].config


def _defaults(name: str, source: dict) -> dict[str, str | None]:
    """The config groups the command's root config selects, with their default options."""
    from orgsim.config.overrides import root_defaults

    return root_defaults(_root_name(name, source), *_config_dirs(source))


def _groups(name: str, source: dict) -> dict[str, list[str]]:
    from orgsim.config.overrides import root_groups

    return root_groups(_root_name(name, source), *_config_dirs(source))


def check(name: str, inv: Invocation) -> None:
    """The overrides checked against the command's schema and config groups (one-line ConfigError)."""
    from orgsim.config.overrides import check as check_overrides
    from orgsim.config.validate import ConfigError

    module = _module(name)
    module.register()
    primary, extra = _config_dirs(inv.source)
    if "config_name" in inv.source and not any(
        (d / f"{inv.source['config_name']}.yaml").is_file() for d in (primary, *extra)
    ):
        raise ConfigError(
            "--config-name must name a config file in the config search path; "
            f"got '{inv.source['config_name']}'"
        )
    for variant in sweep_variants(inv.overrides, inv.multirun):
        check_overrides(variant, module.SCHEMA, _groups(name, inv.source))


def sweep_variants(overrides: list[str], multirun: bool) -> list[list[str]]:
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


def multirun_jobs(overrides: list[str]) -> list[list[str]]:
    """Every combination of the comma-separated values of a multirun, in Hydra's order (the last
    override varies fastest)."""
    import itertools

    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    choices = [
        [f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
        if o.is_sweep_override()
        else [o.input_line]
        for o in parsed
    ]
    return [list(combination) for combination in itertools.product(*choices)]


def compose_settings(name: str, overrides: list[str], source: dict):
    """The command's root config composed once (orgsim.hydra_job) and its validated settings."""
    from orgsim.config.compose import to_settings
    from orgsim.hydra_job import HydraJob

    where = dict(source)
    config_name = where.pop("config_name", None) or COMMANDS[name].config
    job = HydraJob(name, overrides, config_name, **where)
    return job, to_settings(job.cfg, _module(name).SCHEMA)


def check_overrides(overrides: list[str], name: str = "run") -> str | None:
    """The one line `orgsim NAME` prints for these overrides, or None when they compose and validate."""
    from orgsim.errors import describe

    try:
        inv = parse(name, overrides)
        check(name, inv)
        compose_settings(name, inv.overrides, inv.source)
    except Exception as err:
        return describe(err)[1]
    return None


# --- help -------------------------------------------------------------------------------------------


def _type_name(kind) -> str:
    from orgsim.config.overrides import _unwrap_optional

    kind = _unwrap_optional(kind)[0]
    if typing.get_origin(kind) in (list, tuple):
        return "list"
    if typing.get_origin(kind) is dict:
        return "mapping"
    return getattr(kind, "__name__", str(kind))


def _key_lines(schema, prefix: str = "") -> list[str]:
    """One line per plain key of `schema` (the model's parameters left out: `orgsim params` lists them)."""
    from dataclasses import MISSING

    from orgsim.config.schema import ModelConfig

    lines = []
    hints = typing.get_type_hints(schema)
    parameters = ModelConfig.__dataclass_fields__ if issubclass(schema, ModelConfig) else {}
    for f in dataclasses.fields(schema):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind) or f.name in parameters:
            continue
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else "(required)"
        )  # fmt: skip
        shown = "null" if default is None else str(default).lower() if isinstance(default, bool) else default
        meaning = f.metadata.get("doc", "")
        if "choices" in f.metadata and not meaning:
            meaning = (meaning + "; " if meaning else "") + "one of " + " | ".join(f.metadata["choices"])
        lines.append(f"  {prefix}{f.name}={shown}".ljust(34) + f" {_type_name(kind)}  {meaning}".rstrip())
    return lines


def help_text(name: str, source: dict | None = None) -> str:
    """`orgsim NAME --help`: the same sections for every command, from its spec and schema."""
    spec = COMMANDS[name]
    module = _module(name)
    module.register()
    source = source or {}
    positional = f" {spec.positional[0].upper()}" if spec.positional else ""
    flags = "[--help] [--debug] [--cfg job|hydra|all]" + (" [-m]" if spec.multirun else "")
    lines = [
        f"orgsim {name}: {spec.summary}",
        "",
        f"usage: orgsim {name}{positional} [key=value ...] {flags}",
        f"writes: {spec.writes}" + (" into hydra.run.dir=PATH" if spec.folder != "none" else ""),
    ]
    if spec.positional:
        lines.append(f"{spec.positional[0]}: one of {', '.join(_positional_choices(name))}")
    groups = _groups(name, source)
    if groups:
        lines += ["", "config groups (group=option):"]
        defaults = _defaults(name, source)
        for group, options in groups.items():
            shown = [f"{o} (default)" if o == defaults.get(group) else o for o in options]
            lines.append(f"  {group}: {', '.join(shown)}")
    details = getattr(module, "DETAILS", "")
    if details:
        lines += ["", details.strip("\n")]
    lines += ["", "keys of this command (key=value; run settings, not model parameters):"]
    lines += _key_lines(module.SCHEMA)
    hints = typing.get_type_hints(module.SCHEMA)
    for node in spec.own_nodes:
        lines += _key_lines(hints[node], prefix=f"{node}.")
    if groups.keys() & {"policy", "scenario"}:
        lines += [
            "",
            "model parameters: every key of the model is set the same way (years=8, it.cio.willingness=0.8);",
            "`orgsim params` lists them with their ranges, sources and meaning.",
        ]
    lines += ["", "examples:", *(f"  {e}" for e in spec.examples)]
    lines += ["", "--cfg job prints the composed config; --debug shows tracebacks."]
    return "\n".join(lines)


# --- the run directory ----------------------------------------------------------------------------


def _hydra_value(arg: str) -> str:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return str(OverridesParser.create().parse_overrides([arg])[0].value())


def resolved_path(key: str, value: str) -> Path:
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


def dir_override(args: list[str], key: str) -> tuple[int, Path] | None:
    """The position and value of `key=PATH` among the args (the last one wins, as in Hydra)."""
    found = None
    for i, arg in enumerate(args):
        if arg.startswith(f"{key}="):
            found = (i, resolved_path(key, _hydra_value(arg)))
    return found


def as_override(key: str, path: Path) -> str:
    text = str(path)
    if re.fullmatch(r"[\w./~+-]+", text):
        return f"{key}={text}"
    return f"{key}='" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _default_target(job, key: str = "hydra.run.dir") -> Path:
    """The run (or sweep) directory the composed config names (its ${now:} and ${orgsim_run_id:} filled
    in)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.utils import setup_globals
    from omegaconf import OmegaConf

    setup_globals()
    HydraConfig.instance().set_config(job.cfg)  # ${hydra:job.name} in the path reads it
    return Path(str(OmegaConf.select(job.cfg, key))).expanduser()


# --- launching ----------------------------------------------------------------------------------------


def _check_resources(settings, start_workers: bool) -> None:
    """Refuse a run beyond the machine before any folder exists (the job prints the estimate itself)."""
    from orgsim.guards import check_resources
    from orgsim.runner import effective_workers, prestart_workers

    workers = effective_workers(settings)
    check_resources(settings, workers, force=settings.force, announce=False)
    if start_workers and workers > 1:
        prestart_workers()  # its start-up overlaps the rest of the start (Hydra's logging, the folder)


def _print_cfg(job, part: str) -> None:
    from omegaconf import OmegaConf

    cfg = job.cfg
    if part == "job":
        cfg = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    elif part == "hydra":
        cfg = cfg.hydra
    print(OmegaConf.to_yaml(cfg, resolve=False), end="")


def _launch(name: str, args: list[str]) -> int:
    spec = COMMANDS[name]
    inv = parse(name, args)
    if inv.help:
        print(help_text(name, inv.source))
        return 0
    check(name, inv)
    variants = multirun_jobs(inv.overrides) if inv.multirun else [inv.overrides]
    jobs = [compose_settings(name, variant, inv.source) for variant in variants]  # all checked first
    if inv.cfg is not None:
        for job, _ in jobs:
            _print_cfg(job, inv.cfg)
        return 0
    module = _module(name)
    for _, settings in jobs:
        if hasattr(module, "check"):
            module.check(settings)  # what only the job can check (its input folder, the names of checks)
        if spec.estimate:
            _check_resources(settings, start_workers=name == "run" and len(jobs) == 1)
    if spec.folder != "run":
        module.job(jobs[0][0].cfg, inv.overrides)
        return 0
    if not inv.multirun:
        given = dir_override(args, "hydra.run.dir")
        _run_owned(name, module, *jobs[0], given[1] if given else _default_target(jobs[0][0]))
        return 0
    # Multirun: one job per combination, each in its own folder under the sweep folder, staged and
    # published like a single run, so a stopped multirun leaves only complete jobs.
    from orgsim import rundir

    given = dir_override(args, "hydra.sweep.dir")
    sweep_dir = given[1] if given else _default_target(jobs[0][0], "hydra.sweep.dir")
    rundir.check_target(sweep_dir, "hydra.sweep.dir")
    for num, (job, settings) in enumerate(jobs):
        print(f"job {num}: {' '.join(variants[num])}", flush=True)
        _run_owned(name, module, job, settings, sweep_dir / str(num))
    return 0


def _run_owned(name: str, module, job, settings, target: Path) -> None:
    """The job run in a staging folder and published as `target` (orgsim.rundir.owned)."""
    from orgsim import rundir

    inputs = [getattr(settings, key) for key in COMMANDS[name].inputs]
    with rundir.owned(target, name, settings.overwrite, inputs=inputs) as staging:
        job.run(module.task, staging.path, as_override("hydra.run.dir", staging.path))
    print(f"outputs: {staging.target}")


def launch(name: str, args: list[str]) -> int:
    """Run a sub-command with its checks, run directory, signals and one-line errors; the exit code."""
    from orgsim.errors import debug_enabled, describe
    from orgsim.interrupts import Interrupted, termination_as_interrupt

    try:
        with termination_as_interrupt():
            return _launch(name, args)
    except BaseException as err:  # every failure becomes one line and an exit code
        if debug_enabled() and not isinstance(err, (SystemExit, KeyboardInterrupt)):
            raise
        code, line = describe(err)
        interrupted = COMMANDS[name].interrupted
        if interrupted and isinstance(err, KeyboardInterrupt):
            how = f" ({err.args[0]})" if isinstance(err, Interrupted) and err.args else ""
            line = interrupted.replace("interrupted", f"interrupted{how}", 1)
        if line:
            print(f"orgsim {name}: {'' if code > 2 else 'error: '}{line}", file=sys.stderr)
        return code


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader went away (`orgsim --help | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0


def _main(argv: list[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = "\n".join(f"  {name:10s} {spec.summary}" for name, spec in COMMANDS.items())
    debug = "--debug" in args or os.environ.get("HYDRA_FULL_ERROR") == "1"
    args = [a for a in args if a != "--debug"]
    if args and args[0] == "--version":
        from orgsim import __version__

        print(f"orgsim {__version__}")
        return 0
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE.format(commands=commands))
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"orgsim: error: command must be one of {', '.join(COMMANDS)}; got '{name}'", file=sys.stderr)
        return 2
    saved = os.environ.get("ORGSIM_DEBUG")
    os.environ["ORGSIM_DEBUG"] = "1" if debug else "0"
    try:
        return launch(name, rest)
    finally:
        if saved is None:
            os.environ.pop("ORGSIM_DEBUG", None)
        else:
            os.environ["ORGSIM_DEBUG"] = saved


if __name__ == "__main__":
    sys.exit(main())
