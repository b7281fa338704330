"""The `orgsim` command: dispatches sub-commands to thin Hydra entry points.

User overrides are composed and validated here first, so bad input ends with one clear line and a
non-zero exit before Hydra creates a run directory; only then is the sub-command's Hydra app started.
"""

from __future__ import annotations

import importlib
import re
import sys

COMMANDS = {
    "run": ("orgsim.commands.run", "run the chosen scenario for `replicates` seeds"),
    "sweep": ("orgsim.commands.sweep", "run an experiment design: orgsim sweep experiment=NAME"),
    "params": ("orgsim.commands.params", "list every parameter: type, default, ranges, meaning"),
    "viz": ("orgsim.commands.viz", "serve the interactive page on 127.0.0.1 (needs the viz extra)"),
}
# These check their own arguments: sweep composes another root config, params takes --flags, not Hydra.
SELF_CHECKED = {"sweep", "params"}

USAGE = """usage: orgsim COMMAND [key=value ...]

commands:
{commands}

Overrides use Hydra's syntax, e.g.
  orgsim run scenario=locked_down policy=broker it.cio.willingness=0.8 years=8 replicates=50 seed=7
  orgsim run hydra.run.dir=outputs/my_run
  orgsim sweep experiment=policy_comparison executor=processes
  orgsim params --format salib --keys it.cio.willingness,environment.cloud_push
`orgsim COMMAND --help` lists the config groups and the composed config.
"""


def _key_of(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def _allowed_keys(overrides: list[str], key: str) -> tuple[str, list[str]]:
    """The deepest existing parent of `key` in the config composed without the bad override."""
    from omegaconf import DictConfig, OmegaConf

    from orgsim.config.compose import compose

    def related(o: str) -> bool:
        k = _key_of(o)
        return k == key or k.startswith(key + ".") or key.startswith(k + ".")

    others = [o for o in overrides if not related(o)]
    choices = [o for o in others if "." not in _key_of(o)]
    cfg = None
    for attempt in (others, choices, []):  # other overrides may be broken too
        try:
            cfg = compose(attempt)
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


def explain(err: Exception, overrides: list[str]) -> str:
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
        parent, keys = _allowed_keys(overrides, key)
        where = f"under '{parent}'" if parent else "at the top level"
        return f"unknown key '{key}'; keys {where}: {', '.join(keys)}"
    convert = re.search(r"Value '([^']*)' (?:of type '\w+' )?could not be converted to (\w+)", msg)
    if convert and full_key:
        value, kind = convert.groups()
        article = "an" if kind.lower()[0] in "aeiou" else "a"
        return f"{full_key.group(1)} must be {article} {kind.lower()}; got '{value}'"
    if "mismatched input" in msg or "no viable alternative" in msg or "extraneous input" in msg:
        bad = re.search(r"override '([^']+)'", msg)
        return f"cannot parse override '{bad.group(1) if bad else ' '.join(overrides)}'; use key=value"
    lines = [line.strip() for line in str(err).splitlines() if line.strip()] or [type(err).__name__]
    if err.__cause__ is not None:
        lines += [line.strip() for line in str(err.__cause__).splitlines() if line.strip()][:1]
    return ": ".join(dict.fromkeys([lines[0], lines[-1]]))


# Hydra flags: these take an argument; these only print or reconfigure Hydra and run no job.
FLAGS_WITH_ARGUMENT = {"--cfg", "-c", "--package", "-p"}
PASS_THROUGH_FLAGS = {
    "-h", "--help", "--hydra-help", "--version", "--info", "-i", "--shell-completion", "-sc",
    "--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd", "--experimental-rerun",
}  # fmt: skip


def _user_overrides(args: list[str]) -> list[str] | None:
    """The overrides to check before Hydra runs; None when a flag hands the command to Hydra as it is."""
    overrides, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in PASS_THROUGH_FLAGS or arg.split("=", 1)[0] in PASS_THROUGH_FLAGS:
            return None
        elif arg in FLAGS_WITH_ARGUMENT:
            skip = True
        elif not arg.startswith("-") and not _key_of(arg).startswith("hydra."):
            overrides.append(arg)
    return overrides


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


def check_overrides(args: list[str]) -> str | None:
    """Compose and validate the user's overrides; return an error line, or None when they are fine."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from orgsim.config.compose import load_settings
    from orgsim.config.validate import ConfigError

    overrides = _user_overrides(args)
    if overrides is None:
        return None
    errors = (HydraException, OmegaConfBaseException, ConfigError, ValueError)
    try:
        variants = _sweep_variants(overrides, multirun=any(a in ("-m", "--multirun") for a in args))
    except errors as err:
        return explain(err, overrides)
    for variant in variants:
        try:
            load_settings(variant)
        except errors as err:
            return explain(err, variant)
    return None


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = "\n".join(f"  {name:10s} {text}" for name, (_, text) in COMMANDS.items())
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE.format(commands=commands))
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(
            f"orgsim: error: command must be one of {', '.join(COMMANDS)}; got '{command}'", file=sys.stderr
        )
        return 2
    if command in SELF_CHECKED:
        return importlib.import_module(COMMANDS[command][0]).main(rest)
    if command == "viz":  # serves a page, not a Hydra app: it checks its own keys (port=, assets=)
        from orgsim.commands.viz import main as viz_main

        return viz_main(rest)
    problem = check_overrides(rest)
    if problem:
        print(f"orgsim {command}: error: {problem}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    sys.argv = [f"orgsim {command}", *rest]
    module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
