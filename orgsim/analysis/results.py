"""A finished sweep as the analyses see it: its design rows and runs averaged or pivoted per row. The folder
is read by orgsim.results (the one reader of results folders); `SweepResults` and `load` are its names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgsim.results import SweepResults, check_complete
from orgsim.results import read_sweep as load

__all__ = ["SweepResults", "by_row", "check_complete", "load", "row_means"]


def row_means(results: SweepResults, outcomes: list[str]) -> pd.DataFrame:
    """Each outcome averaged over the replicates of every design row (index: row)."""
    values = pd.DataFrame({o: results.outcome_values(o) for o in outcomes})
    values["row"] = results.runs["row"].to_numpy()
    return values.groupby("row")[outcomes].mean()


def by_row(results: SweepResults, outcome: str, rows: np.ndarray) -> np.ndarray:
    """The outcome as an array [rows, replicates], rows in the order given."""
    table = pd.DataFrame(
        {
            "row": results.runs["row"].to_numpy(),
            "replicate": results.runs["replicate"].to_numpy(),
            "y": results.outcome_values(outcome).to_numpy(),
        }
    ).pivot(index="row", columns="replicate", values="y")
    return table.loc[rows].to_numpy()
