"""The benchmark script's quick mode still runs every case and writes its table (its numbers are not
checked: speed goes in benchmarks/, not in asserts)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_quick_mode_runs_every_case(tmp_path):
    table = tmp_path / "bench.csv"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--repeats",
            "1",
            "--csv",
            str(table),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = list(csv.DictReader(table.open()))
    cases = {r["case"] for r in rows}
    expected = {"replicate", "job", "employees_10k", "employees_100k", "serial", "pool", "industry"}
    assert expected | {"processes"} == cases
    for case in expected:  # every case process was measured, its workers included
        metrics = {r["metric"]: float(r["median"]) for r in rows if r["case"] == case}
        assert metrics["cpu_s_all_processes"] > 0 and metrics["peak_rss_mb"] > 0
    goals = [r for r in rows if r["goal"]]
    assert len(goals) == 8 and all(r["met"] in ("yes", "no") for r in goals)
    assert "replicate" in done.stdout and "cpu_s_per_replicate" in done.stdout
