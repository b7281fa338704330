"""`orgsim viz`: serve the interactive SolaraViz page on 127.0.0.1 and print its address.

`orgsim viz [port=8765] [assets=DIR] [overrides ...]` starts the page with the organization the
overrides describe; `orgsim viz prepare-assets [assets=DIR]` fills Solara's offline asset cache from the
npm registry. Not a Hydra app: it writes no run directory, it only serves the page.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

DEFAULT_PORT = 8765
HOST = "127.0.0.1"
VIZ_KEYS = ("port", "assets")  # keys of this command, not of the config
NEEDS_EXTRA = "the page needs the viz extra: pip install -e '.[viz]'"
USAGE = """usage: orgsim viz [port=8765] [assets=DIR] [key=value ...]
       orgsim viz prepare-assets [assets=DIR]

Serves the interactive page on http://127.0.0.1:PORT (Ctrl-C stops it). The key=value overrides set the
organization the page starts with (as for `orgsim run`, e.g. scenario=locked_down policy=broker); the
page's choosers and sliders change it from there (Reset applies them).
prepare-assets fetches Solara's JavaScript from the npm registry (needs npm) into DIR, default {assets},
so the page works without internet; `orgsim viz` uses that folder when it is prepared.
"""


class UsageError(ValueError):
    pass


def split_args(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """This command's own keys (port=, assets=) and the config overrides."""
    own, overrides = {}, []
    for arg in args:
        key, _, value = arg.partition("=")
        if key in VIZ_KEYS:
            own[key] = value
        else:
            overrides.append(arg)
    return own, overrides


def parse_port(text: str | None) -> int:
    if text is None:
        return DEFAULT_PORT
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise UsageError(f"port must be an integer in [1, 65535]; got '{text}'")
    return port


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


def main(args: list[str]) -> int:
    from orgsim.viz import assets

    if any(a in ("-h", "--help") for a in args):
        print(USAGE.format(assets=assets.default_dir()))
        return 0
    prepare = bool(args) and args[0] == "prepare-assets"
    own, overrides = split_args(args[1:] if prepare else args)
    directory = Path(own["assets"]).expanduser() if own.get("assets") else assets.default_dir()
    if prepare:
        if overrides:
            print(
                f"orgsim viz prepare-assets: error: takes only assets=DIR; got {' '.join(overrides)}",
                file=sys.stderr,
            )
            return 2
        return prepare_assets(directory)
    flags = [a for a in overrides if a.startswith("-")]
    if flags:
        print(f"orgsim viz: error: takes key=value overrides, not flags; got '{flags[0]}'", file=sys.stderr)
        return 2
    try:
        port = parse_port(own.get("port"))
    except UsageError as err:
        print(f"orgsim viz: error: {err}", file=sys.stderr)
        return 2
    from orgsim.cli import check_overrides

    problem = check_overrides(overrides)
    if problem:
        print(f"orgsim viz: error: {problem}", file=sys.stderr)
        return 2
    if not has_viz_extra():
        print(f"orgsim viz: error: {NEEDS_EXTRA}", file=sys.stderr)
        return 2
    ready = assets.is_ready(directory)
    if not ready:
        print(
            f"orgsim viz: note: no prepared assets in {directory}; the page loads Solara's JavaScript from "
            "the internet. Offline, run `orgsim viz prepare-assets` first.",
            file=sys.stderr,
        )
    print(f"orgsim viz: serving the page at http://{HOST}:{port}  (Ctrl-C stops it)", flush=True)
    # the server replaces this process: a stop signal reaches it directly and leaves no orphan behind
    command = server_command(port)
    os.execve(command[0], command, server_env(overrides, directory if ready else None))
    return 0  # not reached
