"""Every `orgsim` command runs end to end at a tiny size and writes what it promises: the fast tier's check
that no command is broken (`pytest -m "not slow"`). The slow tier tests each command in depth."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from orgsim.cli import COMMANDS, main


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    assert main(["run", "replicates=2", "years=1", "workers=1", f"hydra.run.dir={out}"]) == 0
    return out


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "sweep"
    args = ["experiment=policy_comparison", "replicates=2", "years=1", f"hydra.run.dir={out}"]
    assert main(["sweep", *args]) == 0
    return out


def test_every_command_has_a_test_here() -> None:
    tested = {name.removeprefix("test_").split("_", 1)[0] for name in globals() if name.startswith("test_")}
    assert set(COMMANDS) <= tested, set(COMMANDS) - tested


def test_run_writes_the_tables_and_the_summary(run_folder) -> None:
    timeseries = pd.read_parquet(run_folder / "timeseries.parquet")
    assert sorted(timeseries["replicate"].unique()) == [0, 1] and timeseries["month"].max() == 12
    assert json.loads((run_folder / "summary.json").read_text())["replicates"] == 2
    assert (run_folder / ".hydra" / "config.yaml").is_file()


def test_sweep_writes_one_row_per_run(sweep_folder) -> None:
    runs = pd.read_parquet(sweep_folder / "runs.parquet")
    assert len(runs) == 5 * 2  # five policies x two replicates


def test_analyze_writes_the_variance_split(sweep_folder, tmp_path) -> None:
    out = tmp_path / "variance"
    assert main(["analyze", "variance", f"input={sweep_folder}", "bootstrap=20", f"hydra.run.dir={out}"]) == 0
    assert not pd.read_parquet(out / "variance.parquet").empty


def test_plot_draws_a_run_folder(run_folder, tmp_path) -> None:
    out = tmp_path / "plot"
    args = ["plot=trajectories", f"input={run_folder}", "plot.dpi=30", f"hydra.run.dir={out}"]
    assert main(["plot", *args]) == 0
    assert (out / "trajectories.png").stat().st_size > 0


def test_params_prints_the_table_and_a_salib_problem(capsys) -> None:
    assert main(["params"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split()[:3] == ["key", "type", "default"] and any(
        r.startswith("it.cio.willingness") for r in rows
    )
    assert main(["params", "format=salib", "keys=[it.cio.willingness]"]) == 0
    assert json.loads(capsys.readouterr().out)["names"] == ["it.cio.willingness"]


def test_calibrate_writes_a_posterior(tmp_path) -> None:
    out = tmp_path / "calibrate"
    args = ["sweep.n=4", "replicates=1", "years=5", "accept=0.5", f"hydra.run.dir={out}"]
    assert main(["calibrate", *args]) == 0
    assert not pd.read_csv(out / "posterior.csv").empty


def test_validate_writes_the_table_of_a_quick_check(tmp_path) -> None:
    out = tmp_path / "validate"
    args = ["validate.checks=[published]", "validate.replicates=2", "workers=1", f"hydra.run.dir={out}"]
    assert main(["validate", *args]) == 0
    checks = pd.read_csv(out / "validation.csv")["check"]
    assert not checks.empty and checks.str.startswith(("published:", "input:")).all()


def test_viz_checks_its_input_and_starts_the_page_server(monkeypatch, capsys) -> None:
    from orgsim.commands import viz

    started = []
    monkeypatch.setattr(viz, "has_viz_extra", lambda: True)
    monkeypatch.setattr(viz.os, "execve", lambda path, argv, env: started.append((argv, env)))
    assert main(["viz", "port=8799", "scenario=locked_down"]) == 0
    argv, env = started[0]
    assert argv[argv.index("--port") + 1] == "8799"
    assert json.loads(env["ORGSIM_VIZ_OVERRIDES"]) == ["scenario=locked_down"]
    assert "http://127.0.0.1:8799" in capsys.readouterr().out
