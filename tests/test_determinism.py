"""Same config and seed: identical tables, whichever process or executor runs them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from orgsim.commands.run import run_job
from orgsim.config.compose import compose
from orgsim.runner import replicate_seeds, run_replicate, run_replicates, tables


def test_same_seed_gives_identical_tables(make_settings) -> None:
    setting = make_settings("years=2")
    first = run_replicate(setting, 0, 1234)
    random.seed(99)  # global random state must not leak into the model
    np.random.seed(99)
    second = run_replicate(setting, 0, 1234)
    assert_frame_equal(first.timeseries, second.timeseries)
    assert_frame_equal(first.departments, second.departments)


def test_different_seeds_give_different_trajectories(make_settings) -> None:
    setting = make_settings("years=2")
    a = run_replicate(setting, 0, 1).timeseries.drop(columns=["seed"])
    b = run_replicate(setting, 0, 2).timeseries.drop(columns=["seed"])
    outcomes = ["shadow_share", "deployments_created", "grassroots_adoption", "mean_satisfaction"]
    assert not a[outcomes].equals(b[outcomes])


def test_replicate_seeds_are_distinct_and_do_not_depend_on_the_count() -> None:
    seeds = replicate_seeds(7, 50)
    assert len(set(seeds)) == 50
    assert all(0 <= s < 2**63 for s in seeds)
    assert replicate_seeds(7, 10) == seeds[:10]
    assert replicate_seeds(8, 10) != seeds[:10]


def test_serial_and_parallel_replicates_give_identical_tables(make_settings) -> None:
    setting = make_settings("years=2", "policy=broker")
    serial = tables(run_replicates(setting, 5, base_seed=3, workers=1))
    parallel = tables(run_replicates(setting, 5, base_seed=3, workers=2))
    for one, many in zip(serial, parallel, strict=True):
        assert_frame_equal(one, many)
    timeseries = serial[0]
    assert timeseries["replicate"].unique().tolist() == list(range(5))
    assert timeseries.groupby("replicate")["seed"].first().tolist() == replicate_seeds(3, 5)


def test_a_replicate_does_not_depend_on_the_others(make_settings) -> None:
    setting = make_settings("years=1")
    alone = run_replicate(setting, 2, replicate_seeds(5, 3)[2]).timeseries
    together = tables(run_replicates(setting, 3, base_seed=5, workers=1))[0]
    assert_frame_equal(alone, together[together["replicate"] == 2].reset_index(drop=True))


@pytest.fixture(scope="module")
def job_outputs(tmp_path_factory) -> dict[int, Path]:
    """run_job for the same config with one and with two worker processes."""
    out = {}
    for workers in (1, 2):
        cfg = compose(["years=1", "replicates=4", f"workers={workers}", "seed=17"])
        out[workers] = tmp_path_factory.mktemp(f"workers{workers}")
        run_job(cfg, out[workers])
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["timeseries.parquet", "departments.parquet"])
def test_run_job_writes_byte_identical_tables_for_any_worker_count(job_outputs, name: str) -> None:
    serial, parallel = (job_outputs[w] / name for w in (1, 2))
    assert serial.read_bytes() == parallel.read_bytes()
    assert len(pd.read_parquet(serial)) > 0


@pytest.mark.slow
def test_run_job_summary_differs_only_in_worker_count(job_outputs) -> None:
    serial, parallel = (json.loads((job_outputs[w] / "summary.json").read_text()) for w in (1, 2))
    assert (serial.pop("workers"), parallel.pop("workers")) == (1, 2)
    assert serial == parallel
