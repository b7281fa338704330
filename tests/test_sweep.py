"""`orgsim sweep`: designs, paired seeds, identical tables on every executor, resuming after a kill, a lost
Dask worker, and bad experiment configs that fail before any run with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.commands.sweep import prepare, sweep_job
from orgsim.config.validate import ConfigError
from orgsim.report import wilson_interval
from orgsim.results import _run_table
from orgsim.sweep.design import SweepConfig, design_table, parse_factors, run_seed
from orgsim.sweep.store import consecutive_chunks, numeric_nulls_as_float

# 5 policies x 2 replicates, one year each: small enough for seconds per executor.
SMALL = ["experiment=policy_comparison", "replicates=2", "years=1"]


def run_sweep(tmp: Path, *overrides: str, quiet: bool = True) -> pd.DataFrame:
    plan = prepare([*SMALL, f"hydra.run.dir={tmp}", *overrides])
    sweep_job(plan, echo=(lambda _: None) if quiet else print)
    return pd.read_parquet(tmp / "runs.parquet")


@pytest.mark.slow
def test_a_plan_from_the_commands_composed_config_equals_one_composed_here(tmp_path) -> None:
    """The CLI hands prepare() the root config its job composed (one compose instead of two): the plan
    is the one prepare() makes composing the same overrides itself."""
    from orgsim.commands.sweep import _compose

    overrides = [
        "experiment=policy_comparison",
        "sweep.levers={policy:[gatekeeper,broker]}",
        "replicates=1",
        "years=1",
        f"hydra.run.dir={tmp_path}",
    ]
    here, given = prepare(overrides), prepare(overrides, cfg=_compose(overrides))
    pd.testing.assert_frame_equal(here.design, given.design)
    assert here.bases == given.bases and len(here.bases) == 2
    assert (here.config, here.output_dir, here.reporters) == (given.config, given.output_dir, given.reporters)


# The interruption tests: 5 policies x 4 replicates of two years, one run per chunk.
KILL_ARGS = ["experiment=policy_comparison", "replicates=4", "years=2", "executor.chunk_size=1"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("whole") / "sweep"
    sweep_job(prepare([*KILL_ARGS, f"hydra.run.dir={folder}"]), echo=lambda _: None)
    return pd.read_parquet(folder / "runs.parquet")


@pytest.fixture(scope="module")
def serial_runs(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("serial") / "sweep"
    return folder, run_sweep(folder)


# --- designs -------------------------------------------------------------------------------------------


def sweep_config(**kwargs) -> SweepConfig:
    return SweepConfig(**kwargs)


def test_factorial_design_crosses_every_listed_value() -> None:
    sweep = sweep_config(
        levers={"policy": ["broker", "gatekeeper"], "it.unit_cost": {"low": 20.0, "high": 40.0, "levels": 3}},
        uncertainties={"environment": {"cloud_push": [0.1, 0.3]}},
    )
    design = design_table(sweep, parse_factors(sweep), seed=0)
    assert len(design) == 2 * 3 * 2
    assert design["setting"].nunique() == 6 and design["world"].nunique() == 2
    assert not design[["policy", "it.unit_cost", "environment.cloud_push"]].duplicated().any()
    assert sorted(design["it.unit_cost"].unique()) == [20.0, 30.0, 40.0]


def test_latin_hypercube_puts_one_sample_in_every_stratum_and_levers_meet_the_same_worlds() -> None:
    sweep = sweep_config(
        design="lhs",
        n=8,
        levers={"policy": ["broker", "gatekeeper"]},
        uncertainties={"environment.cloud_push": {"low": 0.0, "high": 0.8}, "years": {"low": 1, "high": 9}},
    )
    design = design_table(sweep, parse_factors(sweep), seed=3)
    assert len(design) == 16
    broker, gatekeeper = (
        design[design["policy"] == p].reset_index(drop=True) for p in ("broker", "gatekeeper")
    )
    cols = ["world", "environment.cloud_push", "years"]
    pd.testing.assert_frame_equal(broker[cols], gatekeeper[cols])  # paired: the same worlds
    strata = np.floor(broker["environment.cloud_push"] / 0.1).astype(int)
    assert sorted(strata) == list(range(8))
    assert broker["years"].map(type).eq(int).all()  # an integer key gets integers


def test_sobol_and_morris_designs_have_salib_sizes() -> None:
    ranges = {
        "it.cio.willingness": {"low": 0.0, "high": 1.0},
        "environment.cloud_push": {"low": 0.0, "high": 0.4},
    }
    sobol = sweep_config(design="sobol", n=16, uncertainties=ranges)
    assert len(design_table(sobol, parse_factors(sobol), seed=0)) == 16 * (2 + 2)
    morris = sweep_config(design="morris", n=5, uncertainties=ranges)
    assert len(design_table(morris, parse_factors(morris), seed=0)) == 5 * (2 + 1)


def test_seeds_depend_on_world_and_replicate_only() -> None:
    assert run_seed(0, 2, 5) == run_seed(0, 2, 5)
    assert len({run_seed(0, w, r) for w in range(10) for r in range(10)}) == 100
    assert run_seed(0, 1, 1) != run_seed(1, 1, 1)


def test_chunks_hold_consecutive_ids() -> None:
    assert consecutive_chunks([0, 1, 2, 3, 7, 8, 10], 3) == [[0, 1, 2], [3], [7, 8], [10]]


# --- executors and the store ---------------------------------------------------------------------------


@pytest.mark.slow
def test_runs_table_has_one_row_per_run_with_paired_seeds(serial_runs) -> None:
    folder, runs = serial_runs
    assert len(runs) == 5 * 2 and runs["run_id"].tolist() == list(range(10))
    assert {"policy", "replicate", "seed", "marginalized", "final_it_influence"} <= set(runs.columns)
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()  # every policy meets the same draws
    assert runs.groupby("policy").size().eq(2).all()
    assert (folder / "summary.txt").read_text().count("policy=") == 5
    assert (folder / ".hydra" / "config.yaml").is_file()


@pytest.mark.slow
def test_processes_and_a_dask_local_cluster_give_identical_tables(serial_runs, tmp_path) -> None:
    folder, _ = serial_runs
    expected = (folder / "runs.parquet").read_bytes()
    run_sweep(tmp_path / "processes", "executor=processes", "executor.workers=2")
    assert (tmp_path / "processes" / "runs.parquet").read_bytes() == expected
    run_sweep(tmp_path / "dask", "executor=dask", "executor.workers=2", "executor.chunk_size=3")
    assert (tmp_path / "dask" / "runs.parquet").read_bytes() == expected


@pytest.mark.slow
def test_adding_replicates_later_keeps_the_earlier_runs(serial_runs, tmp_path) -> None:
    _, runs = serial_runs
    more = run_sweep(tmp_path / "more", "replicates=1")
    assert len(more) == 5
    more = run_sweep(tmp_path / "more", "replicates=3")
    assert len(more) == 15
    pd.testing.assert_frame_equal(more.iloc[:10].reset_index(drop=True), runs)


@pytest.mark.slow
def test_a_resume_with_fewer_replicates_prints_and_tabulates_the_same_runs(serial_runs, tmp_path) -> None:
    _, runs = serial_runs
    folder = tmp_path / "fewer"
    run_sweep(folder, "replicates=2")
    printed = []
    summary = sweep_job(prepare([*SMALL, "replicates=1", f"hydra.run.dir={folder}"]), echo=printed.append)
    tabled = pd.read_parquet(folder / "runs.parquet")
    assert summary["runs"] == len(tabled) == 5 and summary["new_runs"] == 0 and summary["resumed_runs"] == 5
    assert sum(s["runs"] for s in summary["settings"]) == 5
    assert printed[0].startswith("[policy_comparison: 5 runs = ") and "x 1 replicate(s)" in printed[0]
    pd.testing.assert_frame_equal(tabled, runs.iloc[:5].reset_index(drop=True))
    again = sweep_job(prepare([*SMALL, f"hydra.run.dir={folder}"]), echo=lambda _: None)
    assert again["runs"] == 10 and again["new_runs"] == 0  # the runs kept beyond were not lost


@pytest.mark.slow
def test_the_same_command_again_runs_nothing_and_another_design_is_refused(serial_runs, tmp_path) -> None:
    folder, runs = serial_runs
    plan = prepare([*SMALL, f"hydra.run.dir={folder}"])
    summary = sweep_job(plan, echo=lambda _: None)
    assert summary["new_runs"] == 0
    for setting in summary["settings"]:  # the summary is the runs table's, per lever setting
        arm = runs[runs["policy"] == setting["levers"]["policy"]]
        count = int(arm["marginalized"].sum())
        assert (setting["runs"], setting["marginalized"]) == (len(arm), count)
        assert setting["ci95"] == list(wilson_interval(count, len(arm)))
        assert setting["mean_final_it_influence"] == pytest.approx(arm["final_it_influence"].mean())
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), runs)
    with pytest.raises(ConfigError, match="holds a sweep of another design: seed is 0 there and 5 here"):
        sweep_job(prepare([*SMALL, f"hydra.run.dir={folder}", "seed=5"]), echo=lambda _: None)
    with pytest.raises(ConfigError, match="resume=false needs a new folder"):
        sweep_job(prepare([*SMALL, f"hydra.run.dir={folder}", "resume=false"]), echo=lambda _: None)


@pytest.mark.slow
def test_a_store_written_before_the_column_rename_is_refused_with_one_line(tmp_path) -> None:
    folder = tmp_path / "old"
    run_sweep(folder, "replicates=1")
    old_names = {"cio_acts": "cio_willingness", "cio_aspires": "cio_aspiration"}
    for part in (folder / "parts").glob("runs-*.parquet"):  # as the parts were written before the rename
        table = pd.read_parquet(part).rename(columns=old_names)
        table.columns = [c.replace("by_year_1", "by_year_0") for c in table.columns]
        table.to_parquet(part, index=False)
    with pytest.raises(ConfigError) as raised:
        run_sweep(folder, "replicates=2")
    message = str(raised.value)
    assert "\n" not in message and "before the runs table's columns were renamed" in message
    assert "cio_willingness -> cio_acts" in message and "resume=false" in message


def test_timeseries_keeps_the_chosen_reporters_per_run_and_month(tmp_path) -> None:
    runs = run_sweep(tmp_path, "sweep.timeseries=[it_influence,shadow_share]", "executor.chunk_size=4")
    monthly = pd.read_parquet(tmp_path / "timeseries.parquet")
    ids = ["run_id", "row", "setting", "world", "replicate", "seed"]
    levers = [c for c in runs.columns if c not in ids and c in monthly.columns]
    assert levers, "the design's lever and uncertainty columns ride along"
    assert list(monthly.columns) == [*ids, *levers, "month", "date", "it_influence", "shadow_share"]
    assert len(monthly) == len(runs) * 13
    assert monthly["run_id"].is_monotonic_increasing
    # each monthly row carries its run's ids and design values: the join to runs.parquet is redundant
    joined = monthly[["run_id"]].merge(runs[[*ids, *levers]], on="run_id")
    pd.testing.assert_frame_equal(monthly[[*ids, *levers]], joined, check_dtype=False)
    # calendar dates: month 0 is January of start_year, one month apart
    first = monthly[monthly["month"] == 0]["date"]
    assert (first.dt.month == 1).all() and (first.dt.day == 1).all()
    assert (monthly["date"].dt.year - first.dt.year.iloc[0] == monthly["month"] // 12).all()


# --- interruptions -------------------------------------------------------------------------------------


def orgsim_sweep(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orgsim.cli", "sweep", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def committed_parts(folder: Path) -> int:
    import json

    try:
        return len(json.loads((folder / "manifest.json").read_text())["parts"])
    except (FileNotFoundError, ValueError):
        return 0


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_tables(uninterrupted, tmp_path) -> None:
    killed = tmp_path / "killed"
    proc = orgsim_sweep(*KILL_ARGS, f"hydra.run.dir={killed}")
    deadline = time.monotonic() + 120
    while committed_parts(killed) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    parts = committed_parts(killed)
    assert 3 <= parts < 20, "the kill must land part-way"
    assert not (killed / "runs.parquet").exists()

    again = orgsim_sweep(*KILL_ARGS, f"hydra.run.dir={killed}")
    assert again.wait(timeout=300) == 0, again.stderr.read()
    resumed = pd.read_parquet(killed / "runs.parquet")
    assert len(resumed) == 5 * 4 and resumed["run_id"].is_unique
    pd.testing.assert_frame_equal(resumed, uninterrupted)


@pytest.mark.slow
def test_a_dask_worker_killed_mid_sweep_loses_no_run(uninterrupted, tmp_path) -> None:
    from distributed import Client, LocalCluster

    folder = tmp_path / "dask"
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        address = f"executor.address={cluster.scheduler_address}"
        plan = prepare([*KILL_ARGS, f"hydra.run.dir={folder}", "executor=dask", address])
        errors: list[BaseException] = []

        def run() -> None:
            try:
                sweep_job(plan, echo=lambda _: None)
            except BaseException as err:  # reported by the assertion below
                errors.append(err)

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 120
        while committed_parts(folder) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        pids = client.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        killed_at = committed_parts(folder)
        thread.join(timeout=300)
        assert not errors, errors
    assert killed_at < 20, "the kill must land part-way"
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), uninterrupted)


# --- shipped experiments ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("experiment", "runs"),
    [
        ("policy_comparison", 5 * 200),
        ("willingness_vs_appstores", 3 * 3 * 3 * 30),
        ("global_sensitivity", 128 * (12 + 2) * 16),
        ("lebrun_integration", 2 * 6 * 50),
        ("scenario_discovery", 5 * 2 * 2 * 50 * 3),
    ],
)
def test_every_shipped_experiment_composes_and_validates(experiment: str, runs: int, tmp_path) -> None:
    plan = prepare([f"experiment={experiment}", f"hydra.run.dir={tmp_path}"])
    assert plan.n_runs == runs
    assert plan.sweep.name == experiment


# --- bad experiment configs ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            ["+sweep.levers.it.capacty=[1,2]"],
            "sweep.levers.it.capacty: unknown key 'it.capacty'; keys under 'it'",
        ),
        (["+sweep.levers.it.budget=[]"], "sweep.levers.it.budget must list at least one value; got []"),
        (
            [
                "experiment=lebrun_integration",
                "sweep.uncertainties.environment.integration_sensitivity.low=0.6",
            ],
            "low must be at most high; got low=0.6, high=0.5",
        ),
        (
            ["experiment=global_sensitivity", "sweep.n=0"],
            "sweep.n must be at least 1 for design sobol; got 0",
        ),
        (["sweep.outcomes=[cio_willingness]"], "sweep.outcomes: 'cio_willingness' is now called 'cio_acts'"),
        (["executor=threads"], "executor must be one of dask, processes, serial; got 'threads'"),
        (["sweep.design=grid"], "sweep.design must be one of factorial, lhs, sobol, morris; got 'grid'"),
        (["+sweep.levers.it.cio.willingness=[0.5,1.7]"], "it.cio.willingness must be in [0, 1]; got 1.7"),
        (["sweep.outcomes=[verdict]"], "sweep.outcomes: unknown outcome 'verdict'"),
        (
            ["experiment=nope"],
            "experiment must be one of calibration, global_sensitivity, lebrun_integration",
        ),
    ],
)
def test_bad_experiment_configs_fail_before_any_run(overrides: list[str], message: str, tmp_path) -> None:
    base = [
        o
        for o in SMALL
        if not o.startswith("experiment=") or not any(x.startswith("experiment=") for x in overrides)
    ]
    with pytest.raises(ConfigError) as err:
        prepare([*base, *overrides, f"hydra.run.dir={tmp_path / 'out'}"])
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_without_dask_the_dask_executor_says_how_to_install_it(monkeypatch, tmp_path) -> None:
    from orgsim.sweep.executors import make_executor

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ConfigError) as err:
        make_executor("dask")
    assert (
        str(err.value)
        == 'executor=dask needs Dask: pip install -e ".[dask]" (or pip install "dask[distributed]")'
    )


@pytest.mark.slow
def test_the_command_prints_one_line_and_exits_2(tmp_path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "orgsim.cli",
            "sweep",
            *SMALL,
            "sweep.design=grid",
            f"hydra.run.dir={tmp_path / 'o'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "orgsim sweep: error: sweep.design must be one of factorial, lhs, sobol, morris; got 'grid'"
    ]
    assert not (tmp_path / "o").exists()


def test_months_that_may_never_be_reached_are_float_in_every_runs_table() -> None:
    """A chunk (or a run folder) whose runs all reached the month has the types of one where some did not."""
    reached = {"replicate": [0, 1], "month_shadow_majority": [14, 20], "month_shadow_majority_first": [3, 5]}
    chunk = numeric_nulls_as_float(pd.DataFrame(reached))
    assert chunk["replicate"].dtype == "int64"
    assert (chunk[["month_shadow_majority", "month_shadow_majority_first"]].dtypes == "float64").all()
    records = [dict(zip(reached, values, strict=True)) for values in zip(*reached.values(), strict=True)]
    runs = _run_table({"runs": records}, Path("summary.json"))
    assert (runs[["month_shadow_majority", "month_shadow_majority_first"]].dtypes == "float64").all()
