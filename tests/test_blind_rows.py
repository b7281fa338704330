"""experiments/blind_rows.py: where the tools the business brought in itself stand (a diagnosis of the blind
held-out row `it_manages_business_bought_2014`, issue 22)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
blind_rows = pytest.importorskip("blind_rows")

from orgsim.api import apply, base_settings  # noqa: E402


def test_each_business_bought_tool_stands_in_exactly_one_place_and_finding_them_all_leaves_none_hidden():
    setting = apply(base_settings(), {"replicates": 1})
    seeds = [3, 4, 5, 6]
    shipped = blind_rows.bought(setting, seeds)
    total = shipped["managed"] + shipped["known"] + shipped["undiscovered"]
    assert np.allclose(total[np.isfinite(total)], 1.0)
    assert set(np.unique(shipped["row"][np.isfinite(shipped["row"])])) <= {0.0, 1.0}
    # IT finds every shadow tool the month it appears and takes each one over
    everything = {"it.discovery_rate": 1.0, "it.stances.neutral.absorb": 1.0}
    found = blind_rows.bought(apply(setting, everything), seeds)
    assert np.nanmax(found["undiscovered"]) < 0.1
    assert np.nanmean(found["managed"]) > np.nanmean(shipped["managed"])
    assert np.nanmean(found["known"]) < 0.05  # nothing it found is left to the business
