"""Solara's offline assets: from the `solara-assets` package (the viz extra), or a cache filled with npm.

Solara's page loads its JavaScript and CSS through the server's asset proxy, which fetches them from a
public CDN on first use. Without internet the page stays blank. The viz extra installs `solara-assets` at
Solara's own version; it puts the files in the proxy's layout (`<dir>/<package>@<version>/<file>`) under
the environment's `share/solara/cdn`, and `find()` prefers that folder. Where it is missing (a Solara with no
matching solara-assets release), `prepare()` unpacks the same npm packages into a cache of that layout.
It knows about files and the npm client, not about the model.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

# The packages Solara's page template and widgets load (font-awesome and requirejs by the page,
# vue-grid-layout by the draggable grid Mesa lays its plots out in). The versions are the ones Solara
# 1.64 pins; `packages()` reads the installed Solara's own pins when it can find them.
DEFAULT_PACKAGES = {
    "@widgetti/solara-vuetify-app": "10.1.1",
    "@widgetti/solara-vuetify3-app": "5.2.0",
    "@widgetti/vue-grid-layout": "2.3.13-alpha.2",
    "font-awesome": "4.5.0",
    "requirejs": "2.3.6",
}
MARKER = ".orgsim-assets"  # written last: its presence marks a complete cache


class AssetError(RuntimeError):
    """The cache could not be prepared (no npm, registry unreachable, bad package)."""


def default_dir() -> Path:
    """Where `orgsim viz` looks for the cache: $ORGSIM_VIZ_ASSETS, else the user's cache folder."""
    if os.environ.get("ORGSIM_VIZ_ASSETS"):
        return Path(os.environ["ORGSIM_VIZ_ASSETS"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "orgsim" / "solara-assets"


def packages() -> dict[str, str]:
    """Package -> exact version, as the installed Solara references them (defaults where not found)."""
    found = dict(DEFAULT_PACKAGES)
    try:
        import solara
    except ImportError:
        return found
    root = Path(solara.__file__).parent
    names = "|".join(re.escape(n) for n in DEFAULT_PACKAGES)
    pattern = re.compile(rf"(?<![\w@.-])({names})@(\d+\.\d+\.\d+(?:-[\w.]+)?)/")
    sources = [*root.glob("server/templates/*"), *root.glob("widgets/vue/*.vue"), root / "server/settings.py"]
    for source in sources:
        if source.is_file():
            for name, version in pattern.findall(source.read_text(errors="ignore")):
                found[name] = version
    return found


def is_ready(directory: Path) -> bool:
    """Prepared, and for the versions the installed Solara asks for."""
    directory = Path(directory)
    return (directory / MARKER).is_file() and _complete(directory)


def _complete(directory: Path) -> bool:
    return all((directory / f"{n}@{v}").is_dir() for n, v in packages().items())


def packaged_dir() -> Path | None:
    """The folder `solara-assets` installed, when its version is Solara's and it holds what Solara asks for."""
    try:
        shipped = importlib.metadata.distribution("solara-assets")
        solara_version = importlib.metadata.version("solara")
    except importlib.metadata.PackageNotFoundError:
        return None
    if shipped.version != solara_version:  # other versions of the app bundles: the page would not load
        return None
    for file in shipped.files or []:
        parts = file.parts
        if "cdn" in parts:  # the wheel's data files sit under <prefix>/share/solara/cdn
            root = Path(shipped.locate_file(Path(*parts[: parts.index("cdn") + 1]))).resolve()
            return root if _complete(root) else None
    return None


def find(directory: Path | None = None) -> Path | None:
    """The asset folder the page should use: `directory` if given and usable, else the packaged assets,
    else a prepared cache in `default_dir()`; None when there is none (the page would need the internet)."""
    if directory is not None:
        return Path(directory) if is_ready(Path(directory)) or _complete(Path(directory)) else None
    packaged = packaged_dir()
    if packaged is not None:
        return packaged
    return default_dir() if is_ready(default_dir()) else None


def _npm_pack(spec: str, into: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("needs npm (Node.js) to fetch Solara's assets from the npm registry")
    result = subprocess.run(
        [npm, "pack", "--silent", spec],
        cwd=into,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise AssetError(f"npm pack {spec} failed: {detail}")
    return into / lines[-1].strip()


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball's `package/` folder into `target` (nothing outside it)."""
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            if not (member.isfile() or member.isdir()):
                continue  # no links or devices from a tarball
            parts = Path(member.name).parts[1:]  # drop the top folder ("package")
            if not parts or ".." in parts:
                continue
            path = target.joinpath(*parts)
            if member.isdir():
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                path.write_bytes(source.read())


def prepare(directory: Path, log=print) -> Path:
    """Fill `directory` with the packages Solara's page loads; returns it. Safe to run again."""
    directory = Path(directory).expanduser().resolve()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="orgsim-npm-") as tmp:
        for name, version in packages().items():
            spec = f"{name}@{version}"
            target = directory / spec
            if target.is_dir() and any(target.iterdir()):
                log(f"  {spec}: already there")
                continue
            tarball = _npm_pack(spec, Path(tmp))
            partial = directory / f".partial-{spec.replace('/', '+')}"
            shutil.rmtree(partial, ignore_errors=True)
            _unpack(tarball, partial)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            partial.rename(target)
            log(f"  {spec}: unpacked")
    (directory / MARKER).write_text("\n".join(f"{n}@{v}" for n, v in packages().items()) + "\n")
    return directory
