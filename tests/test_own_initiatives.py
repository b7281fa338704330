"""experiments/own_initiatives.py: IT spending its idle capacity on work it starts itself (a diagnosis of
the mechanism the ODD names as missing, issue 22)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
own_initiatives = pytest.importorskip("own_initiatives")

from orgsim.api import apply, base_settings  # noqa: E402
from orgsim.model.organization import Organization  # noqa: E402


def two_years():
    return apply(base_settings(), {"years": 2, "replicates": 1})


def test_a_share_of_zero_leaves_the_model_as_it_is():
    setting = two_years()
    plain = Organization(setting, 5)
    for _ in range(24):
        plain.step()
    patched = Organization(setting, 5)
    own_initiatives.with_own_initiatives(patched, 0.0, 5.0)
    for _ in range(24):
        patched.step()
    assert patched.role == plain.role


def test_initiatives_raise_the_work_and_decision_shares_and_move_no_money():
    setting = apply(two_years(), {"it.cio.willingness": 0.0})  # no CIO re-plan: budgets follow no reading
    runs = {}
    for share in (0.0, 1.0):
        model = Organization(setting, 5)
        own_initiatives.with_own_initiatives(model, share, 1.0)
        for _ in range(24):
            model.step()
        runs[share] = model
    assert runs[1.0].role["it_innovation_share"] > runs[0.0].role["it_innovation_share"]
    assert runs[1.0].role["it_decision_share"] > runs[0.0].role["it_decision_share"]
    assert runs[1.0].it.budget == runs[0.0].it.budget
