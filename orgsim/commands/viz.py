"""`orgsim viz`: serve the interactive SolaraViz page on 127.0.0.1 and print its address.

`orgsim viz [port=8765] [assets=DIR] [overrides ...]` starts the page with the organization the
overrides describe. Offline, the page's JavaScript comes from the `solara-assets` package the viz extra
installs; `orgsim viz prepare-assets [assets=DIR]` (npm) is the fallback where that package cannot match the
installed Solara. It writes no run directory, it only serves the page.
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


def prepare_assets(directory: Path, explicit: bool = False) -> int:
    """Fill `directory` with npm's copies of the assets, unless solara-assets has them and none was named."""
    from orgsim.viz import assets

    packaged = assets.packaged_dir()
    if packaged is not None and not explicit:
        print(
            f"orgsim viz: the solara-assets package already holds the page's assets ({packaged}); nothing to do"
        )
        return 0
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

    chosen = Path(cfg.assets).expanduser() if cfg.assets else None
    model_overrides = [o for o in overrides if o.lstrip("+~").split("=", 1)[0] not in VIZ_KEYS]
    if cfg.action == "prepare-assets":
        if model_overrides:
            raise ConfigError(f"prepare-assets takes only assets=DIR; got {' '.join(model_overrides)}")
        code = prepare_assets(chosen or assets.default_dir(), explicit=chosen is not None)
        if code:
            raise SystemExit(code)
        return
    if not has_viz_extra():
        raise ConfigError(NEEDS_EXTRA)
    found = assets.find(chosen)
    if found is None:
        where = f"in {chosen}" if chosen else "(no solara-assets matching Solara, no prepared cache)"
        print(
            f"orgsim viz: note: no offline assets {where}; the page loads Solara's JavaScript from the "
            "internet. Offline: pip install -e '.[viz]' (solara-assets), or `orgsim viz prepare-assets`.",
            file=sys.stderr,
        )
    print(f"orgsim viz: serving the page at http://{HOST}:{cfg.port}  (Ctrl-C stops it)", flush=True)
    # the server replaces this process: a stop signal reaches it directly and leaves no orphan behind
    command = server_command(int(cfg.port))
    os.execve(command[0], command, server_env(model_overrides, found))
