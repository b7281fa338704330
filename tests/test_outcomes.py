"""The outcome registry declares exactly what the model reports: every reporter, department column and
run-summary value has a meaning and a unit, and the objectives a direction."""

from __future__ import annotations

from orgsim.model.metrics import DEPARTMENT_REPORTERS, MODEL_REPORTERS, run_summary
from orgsim.model.organization import Organization
from orgsim.outcomes import DEPARTMENT, MONTHLY, OUTCOMES, RUN, objectives
from orgsim.plots.figure import axis_label


def test_the_registry_declares_every_reporter_and_nothing_else():
    assert list(OUTCOMES[MONTHLY]) == list(MODEL_REPORTERS)
    assert list(OUTCOMES[DEPARTMENT]) == list(DEPARTMENT_REPORTERS)


def test_the_registry_declares_every_run_summary_value(make_settings):
    model = Organization(make_settings("years=2"), 1).run()
    summary = run_summary(model.datacollector.get_model_vars_dataframe(), model.setting.metrics)
    assert list(OUTCOMES[RUN]) == list(summary)


def test_every_outcome_has_a_meaning_and_a_unit_and_objectives_a_direction():
    for group in OUTCOMES.values():
        for o in group.values():
            assert o.meaning and o.unit, o
            assert o.direction in (None, "up", "down"), o
    names = {o.name for o in objectives()}
    # the strategist's objectives (DESIGN section 4, revised 2026-12-05)
    assert {"it_influence", "mean_wait_months", "mean_satisfaction", "security_incidents"} <= names
    assert {"total_cost", "fragmentation", "integration_debt"} <= names


def test_figure_labels_come_from_the_registry():
    assert axis_label("it_influence") == "IT influence (index, 0-1)"
    assert axis_label("final_it_influence") == "final-year IT influence (index, 0-1)"
    assert axis_label("marginalized") == "marginalized (share of runs)"
