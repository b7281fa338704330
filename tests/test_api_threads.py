"""The API from many threads at once: composing is serialized (Hydra's GlobalHydra is a process-wide
singleton), runs are not, and the results equal the serial ones."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor

import pytest

from orgsim import api

CALLS = [({"years": 1, "it.unit_cost": 20.0 + i}, i % 3, "broker" if i % 2 else None) for i in range(8)]


def _call(args):
    params, seed, policy = args
    return api.run_one(params, seed=seed, policy=policy)


@pytest.mark.slow
def test_eight_threads_from_a_cold_cache_equal_the_serial_results() -> None:
    api._composed_locked.cache_clear()  # the failure came on the first, composing, calls
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_call, CALLS))
    assert threaded == [_call(c) for c in CALLS]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("dask") is None, reason="dask not installed")
def test_dask_delayed_threaded_scheduler_equals_serial() -> None:
    import dask

    api._composed_locked.cache_clear()
    tasks = [dask.delayed(_call)(c) for c in CALLS[:4]]
    threaded = list(dask.compute(*tasks, scheduler="threads"))
    assert threaded == [_call(c) for c in CALLS[:4]]
