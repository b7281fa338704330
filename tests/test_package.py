"""The package as people pin, cite and install it: version, citation file, and a wheel that runs.

The wheel test builds with `python -m build --wheel` (an isolated build, as a release would), installs the
wheel with `--no-deps` into a fresh venv whose path reaches this interpreter's installed dependencies, and
runs the venv's `orgsim run` from a folder outside the checkout, so the configs it composes must come from
the wheel. Reusing the installed dependencies keeps the test to seconds and off the network; the
dependencies' own wheels are not what is under test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

import orgsim
from orgsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_flag_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"orgsim {orgsim.__version__}"


def test_version_agrees_with_pyproject_and_citation():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == orgsim.__version__
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(r'^cff-version: "?1\.2\.0"?$', citation, re.M)
    assert re.search(rf'^version: "?{re.escape(orgsim.__version__)}"?$', citation, re.M)
    assert re.search(r'^date-released: "?\d{4}-\d{2}-\d{2}"?$', citation, re.M)


def test_hydra_has_an_upper_bound():
    # orgsim imports hydra._internal, so a new Hydra minor line must be tried before it is allowed.
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (hydra,) = [d for d in deps if d.startswith("hydra-core")]
    assert "<" in hydra


@pytest.mark.slow
def test_wheel_installs_in_a_clean_venv_and_runs_with_its_shipped_configs(tmp_path):
    pytest.importorskip("build", reason="python -m build needs the 'build' package (the dev extra)")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = dist.glob("orgsim-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    shipped = {n for n in names if n.startswith("orgsim/configs/") and n.endswith((".yaml", ".csv"))}
    in_tree = {
        "orgsim/configs/" + p.relative_to(ROOT / "configs").as_posix()
        for p in (*(ROOT / "configs").rglob("*.yaml"), *(ROOT / "configs").rglob("*.csv"))
    }
    assert shipped == in_tree, "every config (and the posterior sets) under configs/ ships in the wheel"

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    # Installed before the dependencies' path is added, so pip cannot take the parent's orgsim for it.
    # Plain path lines, not site.addsitedir: the parent's .pth files (an editable orgsim) stay unprocessed,
    # so `import orgsim` in the venv can only find the wheel.
    parent = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_parent_deps.pth").write_text("\n".join(parent) + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    # Nothing inherited points back at the checkout (the suite may run with PYTHONPATH set to it).
    clean = {"PATH": str(env_dir / "bin") + ":/usr/bin:/bin", "HOME": str(tmp_path)}
    where = subprocess.run(
        [str(python), "-c", "import orgsim; print(orgsim.__file__)"],
        cwd=work,
        env=clean,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(site), where

    out = work / "out"
    done = subprocess.run(
        [str(env_dir / "bin" / "orgsim"), "run", "years=1", "replicates=2", f"hydra.run.dir={out}"],
        cwd=work,
        capture_output=True,
        text=True,
        env=clean,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "summary.json").is_file()
    assert "posterior_verdict" in json.loads((out / "summary.json").read_text())  # the shipped sets drawn
    assert (out / "timeseries.parquet").is_file()
    version = subprocess.run(
        [str(env_dir / "bin" / "orgsim"), "--version"],
        cwd=work,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == f"orgsim {orgsim.__version__}"
