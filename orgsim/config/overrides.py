"""The user's `key=value` overrides checked against a command's schema before anything is composed.

Keys, config-group choices and value types are read from the schema dataclasses and the config folders,
so a typo or a wrong type gets one line naming the key and what is allowed, without parsing the text of
Hydra's or OmegaConf's exceptions. Ranges are checked after composition (orgsim.config.validate), also
from the schema.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import types
import typing
from pathlib import Path
from typing import Any

from orgsim.config.validate import ConfigError

# Config groups that may be left unset with `GROUP=null`.
OPTIONAL_GROUPS = ("experiment",)


def group_choices(config_dir: Path, extra_dirs: tuple[Path, ...] = ()) -> dict[str, list[str]]:
    """Each config group (a sub-folder of the config folders) and its options (the YAML files in it)."""
    groups: dict[str, set[str]] = {}
    for folder in (config_dir, *extra_dirs):
        if not folder.is_dir():
            continue
        for sub in folder.iterdir():
            if sub.is_dir() and not sub.name.startswith((".", "_")):
                options = {p.stem for p in sub.glob("*.yaml")} | {p.stem for p in sub.glob("*.yml")}
                groups.setdefault(sub.name, set()).update(options)
    return {name: sorted(options) for name, options in groups.items()}


def root_defaults(config_name: str, primary: Path, extra: tuple[Path, ...] = ()) -> dict[str, str | None]:
    """The config groups a root config (`config_name`.yaml, found in the extra folders first) selects,
    with their default options; empty when the file cannot be read (composition then names the fault)."""
    import yaml

    file = f"{config_name}.yaml"
    path = next((d / file for d in (*extra, primary) if (d / file).is_file()), primary / file)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}
    chosen = {}
    for item in data.get("defaults", []) or []:
        if isinstance(item, dict):
            for group, option in item.items():
                chosen[str(group).lstrip("+~").split("@", 1)[0]] = option
    return chosen


def root_groups(config_name: str, primary: Path, extra: tuple[Path, ...] = ()) -> dict[str, list[str]]:
    """The config groups a root config selects, each with the options the config folders hold."""
    available = group_choices(primary, extra)
    return {g: available[g] for g in root_defaults(config_name, primary, extra) if g in available}


def _parse(overrides: list[str]):
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    parsed = []
    parser = OverridesParser.create()
    for text in overrides:
        try:
            parsed.append(parser.parse_overrides([text])[0])
        except OverrideParseException:
            raise ConfigError(f"cannot parse override '{text}'; use key=value") from None
    return parsed


@functools.cache
def _hints(schema: type) -> dict[str, Any]:
    return typing.get_type_hints(schema)


def _unwrap_optional(kind: Any) -> tuple[Any, bool]:
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else Any), True
    return kind, False


def _kind_name(kind: Any) -> str:
    origin = typing.get_origin(kind)
    if origin in (list, tuple):
        return "a list, e.g. [a,b]"
    if origin is dict or dataclasses.is_dataclass(kind):
        return "a mapping, e.g. {key: value}"
    return {bool: "a boolean (true or false)", int: "an integer", float: "a float", str: "a string"}.get(
        kind, str(kind)
    )


def type_words(schema: Any, key: Any) -> str | None:
    """How a message names the type of field `key` of the dataclass `schema` (None: not a field)."""
    if not dataclasses.is_dataclass(schema) or not isinstance(key, str) or key not in _hints(schema):
        return None
    return _kind_name(_unwrap_optional(_hints(schema)[key])[0])


def _fits(kind: Any, value: Any) -> bool:
    kind, optional = _unwrap_optional(kind)
    if value is None:
        return optional or kind is Any
    if kind is Any:
        return True
    origin = typing.get_origin(kind)
    if origin in (list, tuple):
        return isinstance(value, list | tuple)
    if origin is dict or dataclasses.is_dataclass(kind):
        return isinstance(value, dict)
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is str:
        return isinstance(value, str | int | float | bool)  # OmegaConf turns a number into its text
    return True


def _child_keys(kind: Any) -> list[str] | None:
    kind, _ = _unwrap_optional(kind)
    if dataclasses.is_dataclass(kind):
        return [f.name for f in dataclasses.fields(kind)]
    return None


def _walk(schema: type, key: str) -> tuple[Any, str | None]:
    """The type at `key` in `schema`; (None, parent) where the key does not exist under `parent`."""
    kind: Any = schema
    parts = key.split(".")
    for depth, part in enumerate(parts):
        kind, _ = _unwrap_optional(kind)
        if kind is Any:
            return Any, None
        if typing.get_origin(kind) is dict:
            kind = typing.get_args(kind)[1] if typing.get_args(kind) else Any
            continue
        if typing.get_origin(kind) in (list, tuple):
            return Any, None  # an item of a list: Hydra and the validation check it
        if not dataclasses.is_dataclass(kind) or part not in _hints(kind):
            return None, ".".join(parts[:depth])
        hints = _hints(kind)
        kind = hints[part]
    return kind, None


def _values(override) -> list[Any]:
    if override.is_sweep_override():
        return list(override.sweep_iterator())
    return [override.value()]


def check(
    overrides: list[str],
    schema: type,
    groups: dict[str, list[str]],
    command_keys: dict[str, Any] | None = None,
) -> None:
    """Raise ConfigError (one line) for the first override whose key, group choice or value type the
    schema does not allow. `hydra.*` keys are left to Hydra. `command_keys` are keys a command reads
    itself (e.g. `viz`'s port), with their types."""
    own = command_keys or {}
    for override in _parse(overrides):
        key = override.key_or_group
        raw = override.input_line
        if key.startswith("hydra.") or key == "hydra":
            _check_hydra_key(key)
            continue
        if key in own:
            for value in _values(override):
                if not _fits(own[key], value):
                    raise ConfigError(f"{key} must be {_kind_name(own[key])}; got '{raw.split('=', 1)[1]}'")
            continue
        if key in groups and override.is_delete() is False:
            options = groups[key]
            for value in _values(override):
                if value is None and key in OPTIONAL_GROUPS:
                    continue
                if not isinstance(value, str) or value not in options:
                    shown = raw.split("=", 1)[1] if "=" in raw else ""
                    raise ConfigError(f"{key} must be one of {', '.join(options)}; got '{shown}'")
            continue
        kind, parent = _walk(schema, key)
        if kind is None:
            key = ".".join(key.split(".")[: len(parent.split(".")) + 1]) if parent else key.split(".")[0]
            if parent:
                node, _ = _walk(schema, parent)
                keys = _child_keys(node) or []
                where = f"under '{parent}'"
            else:
                keys = [*_child_keys(schema), *own]  # groups are choices, listed by --help
                where = "at the top level"
            raise ConfigError(f"unknown key '{key}'; keys {where}: {', '.join(keys)}")
        parent_kind = _walk(schema, key.rsplit(".", 1)[0])[0] if "." in key else schema
        in_a_dataclass = dataclasses.is_dataclass(_unwrap_optional(parent_kind)[0])
        if override.is_add() and not override.is_force_add() and in_a_dataclass:
            raise ConfigError(f"'{key}' already exists; set it without '+': {key}=VALUE")
        if override.is_delete():
            continue
        for value in _values(override):
            if not _fits(kind, value):
                shown = raw.split("=", 1)[1] if "=" in raw else ""
                raise ConfigError(f"{key} must be {_kind_name(_unwrap_optional(kind)[0])}; got '{shown}'")


def _check_hydra_key(key: str) -> None:
    """A `hydra.*` key checked against Hydra's own schema (hydra.conf.HydraConf)."""
    from hydra.conf import HydraConf

    if key == "hydra":
        return
    kind, parent = _walk(HydraConf, key[len("hydra.") :])
    if kind is None:
        bad = (
            ".".join(key.split(".")[: len(parent.split(".")) + 2]) if parent else ".".join(key.split(".")[:2])
        )
        node, _ = _walk(HydraConf, parent) if parent else (HydraConf, None)
        where = f"hydra.{parent}" if parent else "hydra"
        raise ConfigError(f"unknown key '{bad}'; keys under '{where}': {', '.join(_child_keys(node) or [])}")


def model_parameters(overrides: list[str]) -> dict[str, Any]:
    """The model parameters `overrides` set (`section.key=value`, e.g. `org.investment_rights=drawn`), by
    dotted key: what a fit ran under besides the parameters it sampled. Config-group choices, run settings
    (`replicates`, `years`) and a command's own keys are left out; sweeps (`a=1,2`) are refused."""
    from orgsim.config.schema import ModelConfig

    sections = {f.name for f in dataclasses.fields(ModelConfig)}  # a dotted key under one: a parameter
    found: dict[str, Any] = {}
    for override in _parse(overrides):
        key = override.key_or_group
        if "." not in key or key.split(".")[0] not in sections or override.is_delete():
            continue
        if override.is_sweep_override():
            raise ConfigError(f"{key}: one value expected, got the sweep '{override.input_line}'")
        found[key] = override.value()
    return found


# --- parameters as Python keywords ---------------------------------------------------------------------

# Tools that pass parameters as Python keywords name the config groups `policy_group` and
# `scenario_group` (the EMA Workbench's experiment table has columns `policy` and `scenario` of its own).
GROUP_IDENTIFIERS = {"policy": "policy_group", "scenario": "scenario_group"}


def identifier(key: str) -> str:
    """A dotted key as a Python identifier (`it.cio.willingness` -> `it__cio__willingness`), for tools
    that pass parameters as keyword arguments; the groups are `policy_group` and `scenario_group`."""
    return GROUP_IDENTIFIERS.get(key, key.replace(".", "__"))


def dotted(name: str) -> str:
    """The inverse of `identifier`."""
    groups = {v: k for k, v in GROUP_IDENTIFIERS.items()}
    return groups.get(name, name.replace("__", "."))


def value_override(key: str, value) -> str:
    """`key=value` in Hydra's override syntax, for a Python value."""
    if isinstance(value, bool):
        return f"{key}={str(value).lower()}"
    if value is None:
        return f"{key}=null"
    if isinstance(value, (list, tuple, dict)) or (
        isinstance(value, str) and not re.fullmatch(r"[\w.\-]+", value)
    ):
        return f"{key}={json.dumps(value)}"
    return f"{key}={value}"
