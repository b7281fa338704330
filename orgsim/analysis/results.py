"""A finished sweep as the analyses see it: its config, factors, design rows and runs, read from the folder
through orgsim.results (the one reader of results folders), and its runs averaged or pivoted per row.
Checks that the folder is a complete sweep; reads, never writes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.config.validate import ConfigError
from orgsim.results import DamagedResults, SweepResults, read_folder

__all__ = ["SweepResults", "by_row", "check_complete", "load", "read_sweep", "row_means"]


def read_sweep(given: str | Path | None) -> SweepResults:
    """A finished sweep for the analyses: its config, factors, design and every run; one line when the
    folder is missing, not a sweep, damaged, empty or unfinished."""
    from orgsim.sweep.design import SweepConfig, design_table, parse_factors

    try:
        folder = read_folder(given, "a sweep folder")
    except ConfigError as err:
        if "input is required" in str(err):
            raise ConfigError(
                "input is required: input=<sweep folder> (a folder written by orgsim sweep)"
            ) from None
        raise
    where = f"input '{folder.path}'"
    if folder.kind == "run":
        raise ConfigError(f"{where} is an orgsim run folder; analyze needs a sweep folder (orgsim sweep ...)")
    runs = folder.runs
    missing = {"row", "setting", "world", "replicate"} - set(runs.columns)
    if missing:
        raise DamagedResults(
            f"'{folder.path / 'runs.parquet'}' lacks the column(s) {', '.join(sorted(missing))}"
        )
    config_file = folder.path / ".hydra" / "config.yaml"
    if not config_file.is_file():
        raise DamagedResults(f"'{config_file}' is missing (the sweep's config, beside runs.parquet)")
    if not isinstance(folder.config.get("sweep"), dict):
        raise DamagedResults(f"'{config_file}' has no sweep section")
    try:
        sweep = SweepConfig(**folder.config["sweep"])
    except TypeError as err:
        raise DamagedResults(f"'{config_file}': its sweep section does not fit the schema ({err})") from None
    seed = int(folder.config.get("seed", 0))
    factors = parse_factors(sweep)
    design = design_table(sweep, factors, seed)
    results = SweepResults(sweep, factors, design, runs, seed, folder.path)
    check_complete(results)
    return results


load = read_sweep


def check_complete(results: SweepResults) -> None:
    """Every design row must hold the same replicates (an analysis of a partial sweep would be biased)."""
    runs, n_rows = results.runs, len(results.design)
    per_row = runs.groupby("row")["replicate"].nunique()
    replicates = results.replicates
    if len(per_row) != n_rows or (per_row != replicates).any() or len(runs) != n_rows * replicates:
        raise ConfigError(
            f"input '{results.folder}': {len(runs)} runs do not cover the design's {n_rows} rows x "
            f"{replicates} replicates; run the same orgsim sweep command again to finish it"
        )


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
