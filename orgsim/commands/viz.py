"""`orgsim viz`: serve the interactive SolaraViz page on 127.0.0.1 and print its address.

`orgsim viz [port=8765] [assets=DIR] [overrides ...]` starts the page with the organization the
overrides describe; `orgsim viz prepare-assets [assets=DIR]` fills Solara's offline asset cache from the
npm registry. It writes no run directory, it only serves the page.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from orgsim.config.schema import OrgsimConfig, bounded, one_of, register_configs
from orgsim.config.validate import ConfigError

DEFAULT_PORT = 8765
HOST = "127.0.0.1"
VIZ_KEYS = ("port", "assets", "action")  # keys of this command, not of the model's config
NEEDS_EXTRA = "the page needs the viz extra: pip install -e '.[viz]'"


def has_viz_extra() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("solara", "altair", "ipyvuetify"))


def server_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "solara", "run", "orgsim.viz.app",
        "--host", HOST, "--port", str(port), "--no-open", "--production",
    ]  # fmt: skip


def server_env(overrides: list[str], assets_dir: Path | None) -> dict[str, str]:
    """The environment of the page's server: overrides for the page, the asset cache, no telemetry."""
    env = dict(os.environ)
    env["ORGSIM_VIZ_OVERRIDES"] = json.dumps(overrides)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if assets_dir is not None:
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(assets_dir)
    return env


def prepare_assets(directory: Path) -> int:
    from orgsim.viz import assets

    print(f"orgsim viz: preparing Solara's assets in {directory} (npm pack, about 150 MB)")
    try:
        assets.prepare(directory)
    except assets.AssetError as err:
        print(f"orgsim viz prepare-assets: error: {err}", file=sys.stderr)
        return 1
    print(f"orgsim viz: assets ready in {directory}; `orgsim viz` uses them")
    return 0


ACTIONS = ("serve", "prepare-assets")


@dataclass
class VizRootConfig(OrgsimConfig):
    """The root of `orgsim viz` (configs/viz.yaml): the organization the page starts with, and the page's
    own keys."""

    action: str = one_of("serve", ACTIONS, doc="serve the page, or prepare-assets for offline use")
    port: int = bounded(DEFAULT_PORT, 1, 65535, doc="the page's port on 127.0.0.1")
    assets: str | None = field(default=None, metadata={"doc": "Solara's offline asset folder"})


SCHEMA = VizRootConfig


def register() -> None:
    from hydra.core.config_store import ConfigStore

    register_configs()
    ConfigStore.instance().store(name="orgsim_viz_schema", node=VizRootConfig)


def job(cfg, overrides: list[str]) -> None:
    """Serve the page (this process becomes the server) or prepare the offline assets."""
    from orgsim.viz import assets

    directory = Path(cfg.assets).expanduser() if cfg.assets else assets.default_dir()
    model_overrides = [o for o in overrides if o.lstrip("+~").split("=", 1)[0] not in VIZ_KEYS]
    if cfg.action == "prepare-assets":
        if model_overrides:
            raise ConfigError(f"prepare-assets takes only assets=DIR; got {' '.join(model_overrides)}")
        code = prepare_assets(directory)
        if code:
            raise SystemExit(code)
        return
    if not has_viz_extra():
        raise ConfigError(NEEDS_EXTRA)
    ready = assets.is_ready(directory)
    if not ready:
        print(
            f"orgsim viz: note: no prepared assets in {directory}; the page loads Solara's JavaScript from "
            "the internet. Offline, run `orgsim viz prepare-assets` first.",
            file=sys.stderr,
        )
    print(f"orgsim viz: serving the page at http://{HOST}:{cfg.port}  (Ctrl-C stops it)", flush=True)
    # the server replaces this process: a stop signal reaches it directly and leaves no orphan behind
    command = server_command(int(cfg.port))
    os.execve(command[0], command, server_env(model_overrides, directory if ready else None))
