"""Settings a model can run on when built in Python without a Hydra app: `Organization(OrgsimConfig())`.

The config groups the schema leaves open (scenario, policy, org, catalogue) are filled from the shipped
defaults (configs/config.yaml's choices, composed once per process); every value the schema object holds
stays as it is (so `OrgsimConfig()` runs the schema's own values, `calibrated=none`'s). The whole is then
validated: a bad value is one ConfigError line. Knows configs, not the model.
"""

from __future__ import annotations

import copy
import functools

from omegaconf import MISSING

from orgsim.config.schema import OrgsimConfig, clone
from orgsim.config.validate import ConfigError, validate

GROUPS = ("scenario", "policy", "org", "catalogue")


@functools.lru_cache(maxsize=1)
def _shipped() -> OrgsimConfig:
    from orgsim.config.compose import load_settings

    return load_settings([])


def ready(setting: OrgsimConfig) -> OrgsimConfig:
    """`setting` validated, with its open config groups filled from the shipped defaults (a copy then;
    the caller's object is never changed)."""
    if not isinstance(setting, OrgsimConfig):
        raise ConfigError(
            f"setting must be an OrgsimConfig (orgsim.api.build_model builds one from parameters); "
            f"got a {type(setting).__name__}"
        )
    missing = [group for group in GROUPS if getattr(setting, group) == MISSING]
    if missing:
        setting = copy.copy(setting)
        for group in missing:
            setattr(setting, group, clone(getattr(_shipped(), group)))
    return validate(setting)
