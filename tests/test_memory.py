"""Memory: a finished replicate's model is released (mesa 3.3 would keep it: its Agent._ids registry
holds every agent, mesa issue 3179)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from orgsim.model.organization import Organization
from orgsim.runner import replicate_seeds, run_replicates

pytestmark = pytest.mark.slow

# A small organization for one year: the leak is one whole model per replicate, whatever its size.
SMALL = ("years=1", "org.size=300", "org.employees.enabled=false")
# RSS growth allowed between model 50 and model 500 in one process. Measured with mesa 3.3.1 (2 cores,
# 2026-11-30): without release() +41 MB over those 450 models (about 92 kB each); with it +0.4 to 0.7 MB.
GROWTH_BOUND_MB = 10.0


def _live_organizations() -> int:
    gc.collect()
    return sum(isinstance(o, Organization) for o in gc.get_objects())


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS line")


def test_no_model_outlives_its_replicate(make_settings):
    before = _live_organizations()
    results = run_replicates(make_settings(*SMALL), 6, base_seed=3, workers=1)
    assert len(results) == 6
    assert _live_organizations() == before


def test_memory_after_500_models_stays_near_memory_after_50(make_settings):
    """What run_replicate does with its model, without the table building that costs most of its time."""
    setting = make_settings(*SMALL)
    seeds = replicate_seeds(9, 500)
    for seed in seeds[:50]:
        Organization(setting, seed).run().release()
    gc.collect()
    after_50 = _rss_mb()
    for seed in seeds[50:]:
        Organization(setting, seed).run().release()
    gc.collect()
    assert _rss_mb() - after_50 < GROWTH_BOUND_MB


def test_a_released_model_is_collected(make_settings):
    model = Organization(make_settings(*SMALL), 1).run()
    ref = weakref.ref(model)
    model.release()
    del model
    gc.collect()
    assert ref() is None
