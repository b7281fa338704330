"""Golden table: the whole model, run with fixed seeds, must give these exact monthly values.

Where tests/test_golden_employees.py pins the employee layer alone, this pins everything a run records
(every model reporter, in months 12, 24, ..., 60, and every department row of month 60) for a few
settings that take different paths through the step. Work on speed must leave it as it is: that is how
a faster step shows it computes the same thing. It may legitimately change only when a change is meant
to alter the model's dynamics or its random streams (the order or number of draws); then say why in the
commit, show that the outcome distributions are unchanged where that was the intent (two-sample tests
over replicates), and regenerate it with `python tests/test_golden_model.py`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.config.compose import load_settings
from orgsim.runner import run_replicate

GOLDEN_TIMESERIES = Path(__file__).parent / "data" / "golden_model_timeseries.csv"
GOLDEN_DEPARTMENTS = Path(__file__).parent / "data" / "golden_model_departments.csv"
MONTHS = [12, 24, 36, 48, 60]
CASES = {  # name: (overrides, seed)
    "default": ([], 3),
    "laissez_faire": (["policy=laissez_faire"], 17),
    "gatekeeper_threshold": (["policy=gatekeeper", "org.employees.rule=threshold"], 5),
    "innovation_partner_industry": (["policy=innovation_partner", "org.size_spread=0.5"], 8),
}


def golden_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pinned rows of each case's monthly and department tables, values as exact text."""
    timeseries, departments = [], []
    for name, (overrides, seed) in CASES.items():
        result = run_replicate(load_settings(overrides), 0, seed)
        ts = result.timeseries.drop(columns=["date"])
        ts = ts[ts["month"].isin(MONTHS)]
        depts = result.departments[result.departments["month"] == max(MONTHS)].drop(columns=["date"])
        for table, rows in ((ts, timeseries), (depts, departments)):
            rows.append(_as_text(table.assign(case=name)))
    return pd.concat(timeseries, ignore_index=True), pd.concat(departments, ignore_index=True)


def _as_text(table: pd.DataFrame) -> pd.DataFrame:
    """Every value as text; a float with every digit that tells it apart (repr), so equality is bit
    for bit."""
    return pd.DataFrame(
        {
            name: [repr(float(v)) for v in column]
            if pd.api.types.is_float_dtype(column)
            else [str(v) for v in column]
            for name, column in table.items()
        }
    )


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return golden_tables()


def test_model_matches_the_golden_timeseries(tables) -> None:
    expected = pd.read_csv(GOLDEN_TIMESERIES, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(tables[0], expected, check_dtype=False)


def test_model_matches_the_golden_departments(tables) -> None:
    expected = pd.read_csv(GOLDEN_DEPARTMENTS, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(tables[1], expected, check_dtype=False)


def test_golden_cases_differ_and_move() -> None:
    """The cases take different paths, and the pinned months differ within a case: it can catch a change."""
    table = pd.read_csv(GOLDEN_TIMESERIES)
    final = table[table["month"] == max(MONTHS)].set_index("case")
    assert final["active_deployments"].nunique() > 1 or final["it_influence"].nunique() == len(CASES)
    for _, rows in table.groupby("case"):
        assert rows["deployments_created"].is_monotonic_increasing
        assert np.ptp(rows["it_influence"].to_numpy()) > 0


if __name__ == "__main__":
    ts, depts = golden_tables()
    ts.to_csv(GOLDEN_TIMESERIES, index=False)
    depts.to_csv(GOLDEN_DEPARTMENTS, index=False)
    print(f"wrote {GOLDEN_TIMESERIES} and {GOLDEN_DEPARTMENTS}")
