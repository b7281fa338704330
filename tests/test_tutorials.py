"""The tutorials run as a user runs them: each script at small size in its own process, from an empty
folder, with the package as installed (or this checkout on the path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))


def test_there_are_three_tutorials_each_stating_its_run_time():
    assert len(TUTORIALS) >= 3
    for path in TUTORIALS:
        header = path.read_text().split("# %%\n", 1)[0]
        assert "**Run time**" in header, f"{path.name} says how long it takes"
        assert "ORGSIM_TUTORIAL_SIZE" in path.read_text(), f"{path.name} has a small size for the tests"


@pytest.mark.slow
@pytest.mark.parametrize("script", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_runs_at_small_size(script, tmp_path):
    env = {**os.environ, "ORGSIM_TUTORIAL_SIZE": "small", "MPLBACKEND": "Agg"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    if script.stem.startswith("01_"):
        assert (tmp_path / "one_organization.png").stat().st_size > 0
    if script.stem.startswith("03_"):
        assert (tmp_path / "tutorial3" / "figure" / "sensitivity.png").stat().st_size > 0
        assert (tmp_path / "tutorial3" / "sensitivity" / "sensitivity.csv").is_file()
