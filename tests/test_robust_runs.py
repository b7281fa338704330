"""Runs under faults: two runs into one folder, reruns and overwrites, NaN in a result, null-by-design
values, and signals to a real `orgsim run` process (no process it started may survive)."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from processes import default_signals, session_processes

from orgsim import cli, runner
from orgsim.commands.run import OUTPUT_FILES, run_job
from orgsim.config.compose import compose
from orgsim.guards import NULL_BY_DESIGN, NonFiniteOutcome

pytestmark = pytest.mark.slow

QUICK = ["years=1", "replicates=2", "workers=1"]


def orgsim_process(*args: str, cwd: Path | None = None) -> subprocess.Popen:
    """`orgsim` in its own session, so the test can find every process it starts."""
    return subprocess.Popen(
        [sys.executable, "-m", "orgsim.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_signals,
    )


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".orgsim-" in p.name)


# --- one folder, one run ---------------------------------------------------------------------------


def test_two_runs_into_one_folder_one_completes_and_the_other_is_refused_in_one_line(tmp_path):
    target = tmp_path / "shared"
    procs = [orgsim_process("run", *QUICK, f"seed={s}", f"hydra.run.dir={target}") for s in (1, 2)]
    done = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in done)
    assert codes == [0, 2], done
    refused = next(err for code, _, err in done if code == 2).strip()
    assert len(refused.splitlines()) == 1, refused
    assert "is in use by another orgsim run" in refused or "already holds complete results" in refused
    winner_seed = next(s for (code, _, _), s in zip(done, (1, 2), strict=True) if code == 0)
    assert json.loads((target / "summary.json").read_text())["seed"] == winner_seed
    assert all((target / name).is_file() for name in OUTPUT_FILES)
    assert hidden_leftovers(tmp_path) == []


def test_runs_started_together_with_the_default_folder_get_a_folder_each(tmp_path):
    procs = [orgsim_process("run", *QUICK, cwd=tmp_path) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.communicate()
    folders = sorted((tmp_path / "outputs" / "run" / "baseline_2012").iterdir())
    assert len(folders) == 2
    assert all((f / "summary.json").is_file() for f in folders)


# --- reruns and overwrites -------------------------------------------------------------------------


@pytest.fixture
def finished_run(tmp_path) -> Path:
    target = tmp_path / "run"
    assert cli.main(["run", *QUICK, "seed=1", f"hydra.run.dir={target}"]) == 0
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rerun_without_overwrite_is_refused_and_changes_nothing(finished_run, capsys):
    before = _snapshot(finished_run)
    assert cli.main(["run", *QUICK, "seed=2", f"hydra.run.dir={finished_run}"]) == 2
    assert "already holds complete results; add overwrite=true" in capsys.readouterr().err
    assert _snapshot(finished_run) == before


def test_an_overwrite_replaces_results_and_config_together(finished_run, capsys):
    assert cli.main(["run", *QUICK, "seed=2", "overwrite=true", f"hydra.run.dir={finished_run}"]) == 0
    assert json.loads((finished_run / "summary.json").read_text())["seed"] == 2
    assert "seed: 2" in (finished_run / ".hydra" / "config.yaml").read_text()
    assert sorted(p.name for p in finished_run.iterdir() if not p.name.startswith(".")) == sorted(
        [*OUTPUT_FILES, "run.log"]
    )
    assert hidden_leftovers(finished_run.parent) == []
    assert f"outputs: {finished_run}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fault", "code", "message"),
    [(RuntimeError("disk on fire"), 1, "internal error (RuntimeError: disk on fire)"),
     (KeyboardInterrupt(), 130, "interrupted; no results written")],
    ids=["failure", "interrupt"],
)  # fmt: skip
def test_a_failing_or_interrupted_overwrite_keeps_the_old_results(
    finished_run, capsys, monkeypatch, fault, code, message
):
    before = _snapshot(finished_run)

    def broken(*args, **kwargs):
        raise fault

    monkeypatch.setattr("orgsim.report.verdict", broken)
    assert cli.main(["run", *QUICK, "seed=2", "overwrite=true", f"hydra.run.dir={finished_run}"]) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert _snapshot(finished_run) == before
    assert hidden_leftovers(finished_run.parent) == []


def test_a_failed_first_run_leaves_no_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("orgsim.report.verdict", lambda summary: 1 / 0)
    target = tmp_path / "run"
    assert cli.main(["run", *QUICK, f"hydra.run.dir={target}"]) == 1
    assert "internal error (ZeroDivisionError" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- NaN and inf -----------------------------------------------------------------------------------


def test_a_nan_outcome_fails_the_run_naming_outcome_month_and_replicate(tmp_path, capsys, monkeypatch):
    real_tables = runner.tables

    def poisoned(results):  # run_job joins the tables chunk by chunk: poison the chunk holding replicate 1
        timeseries, departments = real_tables(results)
        rows = timeseries.index[(timeseries["replicate"] == 1) & (timeseries["month"] == 3)]
        timeseries.loc[rows, "shadow_share"] = math.nan
        return timeseries, departments

    monkeypatch.setattr(runner, "tables", poisoned)
    target = tmp_path / "run"
    assert cli.main(["run", *QUICK, f"hydra.run.dir={target}"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "outcome shadow_share is nan in timeseries at month 3, replicate 1, seed " in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NonFiniteOutcome, match="shadow_share is nan"):
        run_job(compose(QUICK), tmp_path / "direct")
    assert not (tmp_path / "direct" / "summary.json").exists()


def test_values_null_by_design_are_written_as_null_not_nan(tmp_path):
    run_job(compose([*QUICK, "org.employees.enabled=false"]), tmp_path)
    table = pq.read_table(tmp_path / "timeseries.parquet")
    for column in NULL_BY_DESIGN:
        values = table.column(column)
        assert pd.Series(values.to_pandas()).isna().sum() == values.null_count, column
    assert table.column("grassroots_adoption").null_count == table.num_rows
    assert table.column("mean_wait_months").null_count > 0  # nothing is delivered in month 0
    numeric = [c for c in table.column_names if c not in NULL_BY_DESIGN]
    frame = table.select(numeric).to_pandas()
    assert not frame.select_dtypes("number").isna().any().any()
    json.loads((tmp_path / "summary.json").read_text())  # strict JSON: no NaN


# --- signals to a real process ---------------------------------------------------------------------

# Long enough that the signal, sent as soon as the workers exist, always lands mid-run: 60 replicates
# (about a second of work) once finished before a Ctrl-C on a loaded machine, and the run exited 0.
LONG_RUN = ["years=5", "replicates=600", "workers=2"]


def _start_and_wait_for_workers(target: Path) -> subprocess.Popen:
    proc = orgsim_process("run", *LONG_RUN, f"hydra.run.dir={target}")
    deadline = time.monotonic() + 120
    # main, resource tracker, forkserver and at least one worker
    while len(session_processes(proc.pid)) < 4:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.2)
    return proc


def _wait_until_gone(sid: int, seconds: float = 15.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return session_processes(sid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("send", "sig", "code", "name"),
    [(os.kill, signal.SIGTERM, 143, " (SIGTERM)"),
     (os.kill, signal.SIGINT, 130, ""),
     (os.killpg, signal.SIGINT, 130, "")],  # Ctrl-C in a terminal reaches the whole process group
    ids=["SIGTERM", "SIGINT", "Ctrl-C to the group"],
)  # fmt: skip
def test_a_signal_to_the_main_process_ends_every_process_in_one_line(tmp_path, send, sig, code, name):
    target = tmp_path / "run"
    proc = _start_and_wait_for_workers(target)
    send(proc.pid, sig)
    assert _wait_until_gone(proc.pid) == []
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert err.strip() == f"orgsim run: interrupted{name}; no results written"
    assert not out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_main_process_and_the_next_run_cleans_up(tmp_path):
    target = tmp_path / "run"
    proc = _start_and_wait_for_workers(target)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _wait_until_gone(proc.pid) == []
    assert not target.exists()
    assert cli.main(["run", *QUICK, f"hydra.run.dir={target}"]) == 0
    assert (target / "summary.json").is_file()
    assert hidden_leftovers(tmp_path) == []


def test_a_failed_run_removes_the_parent_folders_it_made(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("orgsim.report.verdict", lambda summary: 1 / 0)
    assert cli.main(["run", *QUICK, f"hydra.run.dir={tmp_path / 'a' / 'b' / 'run'}"]) == 1
    capsys.readouterr()
    assert list(tmp_path.iterdir()) == []
