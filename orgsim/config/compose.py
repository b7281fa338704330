"""Compose a config from the shipped config groups and turn it into validated settings."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from orgsim.config.schema import OrgsimConfig, register_configs
from orgsim.config.validate import validate


def config_dir() -> Path:
    """The `configs/` folder: next to the package in a checkout, inside it when installed as a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "configs"
    if (checkout / "config.yaml").is_file():
        return checkout
    return Path(str(resources.files("orgsim") / "configs"))


def compose(overrides: list[str] | tuple[str, ...] = (), config_name: str = "config") -> DictConfig:
    """Compose the root config with Hydra's compose API (no run directory, no logging set-up)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    register_configs()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return hydra_compose(config_name=config_name, overrides=list(overrides))


def to_settings(cfg: DictConfig) -> OrgsimConfig:
    """Typed, validated settings (plain dataclasses: picklable, cheap to send to worker processes).

    Re-merging into a fresh schema rejects keys appended with `+key=value` that the schema lacks.
    """
    plain = OmegaConf.to_container(cfg, resolve=True)
    plain.pop("hydra", None)
    settings = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(OrgsimConfig), plain))
    return validate(settings)


def load_settings(overrides: list[str] | tuple[str, ...] = ()) -> OrgsimConfig:
    return to_settings(compose(overrides))
