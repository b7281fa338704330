"""Compose a config from the shipped config groups and turn it into validated settings."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from importlib import resources
from pathlib import Path

from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict

from orgsim.config.schema import OrgsimConfig, ValidateRootConfig, register_configs
from orgsim.config.validate import check_ranges, validate
from orgsim.rundir import register_resolver

# configs/config.yaml names its run and sweep dirs with ${orgsim_run_id:}: every Hydra app that reads it
# imports this module (for config_dir), so the resolver is registered before Hydra resolves them.
register_resolver()


def config_dir() -> Path:
    """The `configs/` folder: next to the package in a checkout, inside it when installed as a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "configs"
    if (checkout / "config.yaml").is_file():
        return checkout
    return Path(str(resources.files("orgsim") / "configs"))


def compose(
    overrides: list[str] | tuple[str, ...] = (),
    config_name: str = "config",
    primary_dir: str | None = None,
    extra_dir: str | None = None,
) -> DictConfig:
    """The root config composed as every command composes it (compose_job), without Hydra's own node
    (no run directory, no logging set-up).

    `primary_dir` and `extra_dir` play the parts of Hydra's --config-path and --config-dir flags.
    """
    _, cfg = compose_job("orgsim", list(overrides), config_name, primary_dir, extra_dir)
    with open_dict(cfg):
        cfg.pop("hydra", None)  # its interpolations need a running Hydra app
    return cfg


@contextlib.contextmanager
def global_hydra(hydra=None):
    """Hydra's global instance set to `hydra` (none when None) inside the block, and put back as it was
    after: composing inside a running app (a check of `orgsim validate` composing another scenario) must
    not leave the app without its own, and a job runs with its Hydra as `@hydra.main` sets it."""
    from hydra.core.global_hydra import GlobalHydra

    gh = GlobalHydra.instance()
    previous = gh.hydra if gh.is_initialized() else None
    gh.clear()
    if hydra is not None:
        gh.initialize(hydra)
    try:
        yield
    finally:
        gh.clear()
        if previous is not None:
            gh.initialize(previous)


def search_path(primary_dir: str | None = None, extra_dir: str | None = None):
    """The config search path `@hydra.main` builds for --config-path / --config-dir (Hydra 1.3's steps)."""
    import os

    from hydra._internal.utils import create_config_search_path
    from hydra.core.config_search_path import SearchPathQuery
    from hydra.errors import SearchPathException

    primary = os.path.abspath(primary_dir) if primary_dir is not None else str(config_dir())
    if not os.path.isdir(primary):
        raise SearchPathException(f"--config-path must be an existing folder; got '{primary_dir}'")
    path = create_config_search_path(primary)
    if extra_dir is not None:
        extra = os.path.abspath(extra_dir)
        if not os.path.isdir(extra):
            raise SearchPathException(f"--config-dir must be an existing folder; got '{extra_dir}'")
        path.prepend("command-line", f"file://{extra}", anchor=SearchPathQuery(provider="schema"))
    return path


def compose_job(
    task_name: str,
    overrides: list[str],
    config_name: str = "config",
    primary_dir: str | None = None,
    extra_dir: str | None = None,
):
    """Hydra's app object and the job's composed config (the `hydra` node included), as `@hydra.main`
    composes them for one run: the same search path, task name and logging configuration."""
    from hydra import version
    from hydra._internal.hydra import Hydra
    from hydra.types import RunMode

    version.setbase("1.3")
    register_configs()
    register_resolver()
    path = search_path(primary_dir, extra_dir)
    with global_hydra():  # create_main_hydra2 installs its Hydra globally; only the job's run should
        hydra = Hydra.create_main_hydra2(task_name=task_name, config_search_path=path)
        cfg = hydra.compose_config(
            config_name, list(overrides), run_mode=RunMode.RUN, with_log_configuration=True
        )
    return hydra, cfg


# The schema of each shipped root config (`orgsim validate` composes validate.yaml)
ROOT_SCHEMAS = {"config": OrgsimConfig, "validate": ValidateRootConfig}
# Settings already validated in this process, by their schema and plain config: the CLI validates the
# user's config before Hydra starts the job, and the job gets the same config from Hydra (~80 ms each time).
_VALIDATED: dict[str, OrgsimConfig] = {}


def to_settings(cfg: DictConfig, schema: type = OrgsimConfig) -> OrgsimConfig:
    """Typed, validated settings (plain dataclasses: picklable, cheap to send to worker processes)."""
    plain = plain_data(cfg)
    key = json.dumps([schema.__name__, plain], sort_keys=True, default=repr)
    if key not in _VALIDATED:
        settings = typed(cfg, schema)
        if len(_VALIDATED) >= 16:
            _VALIDATED.pop(next(iter(_VALIDATED)))
        _VALIDATED[key] = validate(settings) if isinstance(settings, OrgsimConfig) else check_ranges(settings)
    return copy.deepcopy(_VALIDATED[key])  # a private copy: callers may change theirs


def typed(cfg: DictConfig, schema: type):
    """`cfg` as `schema`'s dataclasses (not validated), its `hydra` node left out: that node resolves only
    inside the running job. Every command reads its root config through here.

    A config Hydra composed onto `schema` is read as it is: every value was typed and checked when it was
    merged, so a merge into a fresh schema (about 170 ms of a 200 ms conversion) would give the same
    dataclasses. Any other config is merged into a fresh schema, as is one holding a key appended with
    `+key=value` that the schema lacks, so the merge names that key.
    """
    if OmegaConf.get_type(cfg) is schema and not _appended(cfg, ignore="hydra"):
        values = {key: cfg[key] for key in cfg if key != "hydra"}
        return schema(
            **{k: OmegaConf.to_object(v) if OmegaConf.is_config(v) else v for k, v in values.items()}
        )
    return OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(schema), plain_data(cfg)))


def plain_data(cfg: DictConfig) -> dict:
    """The config as plain resolved data, without Hydra's node."""
    keys = [key for key in cfg if key != "hydra"]
    return OmegaConf.to_container(
        OmegaConf.masked_copy(cfg, keys) if len(keys) < len(cfg) else cfg, resolve=True
    )


def _appended(node, ignore: str = "") -> bool:
    """Whether a structured node (or one below it) holds a key its dataclass lacks, `ignore` aside:
    `+key=value` appends one, and to_object would drop it silently where the re-merge names it."""
    if isinstance(node, ListConfig):
        return any(_appended(node._get_node(i)) for i in range(len(node)))
    if not isinstance(node, DictConfig) or node._is_none() or node._is_missing():
        return False
    keys = [key for key in node if key != ignore]
    kind = OmegaConf.get_type(node)
    if dataclasses.is_dataclass(kind) and not {f.name for f in dataclasses.fields(kind)} >= set(keys):
        return True
    return any(_appended(node._get_node(k)) for k in keys)


def load_settings(overrides: list[str] | tuple[str, ...] = (), **source: str | None) -> OrgsimConfig:
    """Validated settings for overrides; `source` takes compose's config_name, primary_dir, extra_dir."""
    schema = ROOT_SCHEMAS.get(source.get("config_name") or "config", OrgsimConfig)
    return to_settings(compose(overrides, **source), schema)


# --- parameters as keywords ----------------------------------------------------------------------------


def settings_from_parameters(params: dict) -> OrgsimConfig:
    """A validated config from keyword parameters (orgsim.model.Organization's): `scenario`/`policy`
    choose the groups, every other key is a dotted key (`**{"it.budget": 4000}`), an identifier
    (`it__budget`) or a nested dict (`it={"budget": 4000}`). Checked and composed as the command line
    composes `key=value` overrides, so a bad one raises the same one-line ConfigError."""
    from orgsim.config.overrides import check, dotted, group_choices, value_override

    flat: dict = {}
    for key, value in params.items():
        name = dotted(str(key))
        if isinstance(value, dict) and name not in ("scenario", "policy"):
            flat.update(_nested(name, value))
        else:
            flat[name] = value
    overrides = [value_override(key, value) for key, value in flat.items()]
    groups = group_choices(config_dir())
    check(
        overrides,
        OrgsimConfig,
        {g: groups[g] for g in ("scenario", "policy", "org", "catalogue") if g in groups},
    )
    return load_settings(overrides)


def _nested(prefix: str, node: dict):
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _nested(f"{prefix}.{key}", value)
        else:
            yield f"{prefix}.{key}", value
