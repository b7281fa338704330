"""Golden table: the employee layer alone, stepped with fixed seeds, must give these exact adopter counts.

It pins the network builders and the monthly Bass step (tests/data/golden_employees.csv), and nothing of
the rest of the model, so changes to departments, IT or metrics leave it alone. It may legitimately change
only when a change is meant to alter the employee layer's random streams or dynamics: the graph build
(network.py), the order or number of draws in `EmployeePopulation`, or the step's formula. Then show that
the outcome distributions are unchanged (two-sample tests over replicates) and regenerate the table with
`python tests/test_golden_employees.py`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.config.schema import EmployeesConfig
from orgsim.model.employees import EmployeePopulation

GOLDEN = Path(__file__).parent / "data" / "golden_employees.csv"
# The default organization's departments (midsize_2012) and IT, and their autonomy
HEADCOUNTS = [120, 400, 300, 30, 60, 80, 700, 250, 60]
AUTONOMY = [0.7, 0.5, 0.4, 0.5, 0.3, 0.3, 0.3, 0.6, 0.5]
MONTHS = 24
CASES = {  # name: (network, builder, seed)
    "department_blocks": ("department_blocks", "numpy", 11),
    "watts_strogatz": ("watts_strogatz", "numpy", 12),
    "full": ("full", "numpy", 13),
    # the networkx builder draws as orgsim did before the numpy builders (whole-model tables identical)
    "department_blocks_networkx": ("department_blocks", "networkx", 11),
}


def adopter_table() -> pd.DataFrame:
    """Adopters per department after every month, for each network family."""
    rows = []
    for name, (network, builder, seed) in CASES.items():
        cfg = EmployeesConfig(network=network, builder=builder, initial_adopters=0.02, p=0.05, q=0.6)
        population = EmployeePopulation(cfg, HEADCOUNTS, AUTONOMY, np.random.default_rng(seed))
        for month in range(MONTHS + 1):
            if month:
                population.step(consumerization_gain=month / MONTHS)
            rows.extend(
                {"case": name, "month": month, "department": d, "adopters": int(count)}
                for d, count in enumerate(population.adopters_by_department)
            )
    return pd.DataFrame(rows)


def test_employee_layer_matches_the_golden_table() -> None:
    expected = pd.read_csv(GOLDEN)
    pd.testing.assert_frame_equal(adopter_table(), expected)


@pytest.mark.parametrize("case", list(CASES))
def test_golden_table_is_not_trivial(case: str) -> None:
    """Adoption moves in every case and stays below headcount: the table can catch a change."""
    table = pd.read_csv(GOLDEN)
    final = table[(table["case"] == case) & (table["month"] == MONTHS)]["adopters"].to_numpy()
    start = table[(table["case"] == case) & (table["month"] == 0)]["adopters"].to_numpy()
    assert (final > start).sum() >= len(HEADCOUNTS) - 1
    assert (final <= np.asarray(HEADCOUNTS)).all() and final.sum() < sum(HEADCOUNTS)


if __name__ == "__main__":
    adopter_table().to_csv(GOLDEN, index=False)
    print(f"wrote {GOLDEN}")
