"""A finished sweep as the analyses see it: its config, factors, design rows and runs, read from the folder
`orgsim sweep` wrote (or built in memory by a test). Checks that the folder is a complete sweep; reads,
never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.config.validate import ConfigError
from orgsim.sweep.design import Factor, SweepConfig


@dataclass
class SweepResults:
    """The sweep's design (one row per lever setting x world) and its runs (one row per run)."""

    sweep: SweepConfig
    factors: list[Factor]
    design: pd.DataFrame
    runs: pd.DataFrame
    seed: int = 0
    folder: Path | None = None

    @property
    def replicates(self) -> int:
        return int(self.runs["replicate"].nunique())

    @property
    def levers(self) -> list[Factor]:
        return [f for f in self.factors if f.role == "lever"]

    @property
    def uncertainties(self) -> list[Factor]:
        return [f for f in self.factors if f.role == "uncertainty"]

    def varied(self) -> list[str]:
        """Factor keys that take more than one value in the design."""
        return [f.key for f in self.factors if self.design[f.key].nunique() > 1]

    def outcomes(self) -> list[str]:
        """The outcomes an analysis can use: marginalized (as 0/1) and every numeric final_* outcome."""
        names = ["marginalized"] if "marginalized" in self.runs else []
        return names + [
            c
            for c in self.runs.columns
            if c.startswith("final_") and pd.api.types.is_numeric_dtype(self.runs[c])
        ]

    def numeric_outcomes(self) -> list[str]:
        """Every outcome column with numbers or booleans (what `discover` may threshold)."""
        skip = {"run_id", "row", "setting", "world", "replicate", "seed", *[f.key for f in self.factors]}
        return [
            c
            for c in self.runs.columns
            if c not in skip
            and (pd.api.types.is_numeric_dtype(self.runs[c]) or pd.api.types.is_bool_dtype(self.runs[c]))
        ]

    def outcome_values(self, outcome: str) -> pd.Series:
        """The outcome per run as floats (booleans as 0/1)."""
        return self.runs[outcome].astype(float)


def _where(folder: Path) -> str:
    return f"input '{folder}'"


def load(folder: str | Path | None) -> SweepResults:
    """Read a sweep folder; ConfigError (one line) when it is missing, not a sweep, empty or unfinished."""
    from omegaconf import OmegaConf

    from orgsim.sweep.design import design_table, parse_factors

    if folder in (None, "", "???"):
        raise ConfigError("input is required: input=<sweep folder> (a folder written by orgsim sweep)")
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise ConfigError(f"input must be a sweep folder; got '{folder}', which does not exist")
    if not folder.is_dir():
        raise ConfigError(f"input must be a sweep folder; got '{folder}', which is a file")
    if not (folder / "runs.parquet").is_file():
        if (folder / "summary.json").is_file() and (folder / "timeseries.parquet").is_file():
            raise ConfigError(
                f"{_where(folder)} is an orgsim run folder; analyze needs a sweep folder (orgsim sweep ...)"
            )
        if (folder / "manifest.json").is_file():
            raise ConfigError(
                f"{_where(folder)} holds an unfinished sweep (no runs.parquet yet); run the same orgsim sweep "
                "command again to finish it"
            )
        raise ConfigError(f"{_where(folder)} holds no runs.parquet; give a folder written by orgsim sweep")
    config_file = folder / ".hydra" / "config.yaml"
    if not config_file.is_file():
        raise ConfigError(
            f"{_where(folder)} has no .hydra/config.yaml (the sweep's config) beside runs.parquet"
        )
    try:
        runs = pd.read_parquet(folder / "runs.parquet")
    except Exception as err:  # a truncated or foreign file: say which and why, in one line
        raise ConfigError(f"{_where(folder)}: cannot read runs.parquet ({type(err).__name__})") from None
    if runs.empty:
        raise ConfigError(f"{_where(folder)}: runs.parquet holds no runs")
    missing = {"row", "setting", "world", "replicate"} - set(runs.columns)
    if missing:
        raise ConfigError(f"{_where(folder)}: runs.parquet lacks the column(s) {', '.join(sorted(missing))}")
    config = OmegaConf.to_container(OmegaConf.load(config_file), resolve=False)
    if not isinstance(config, dict) or "sweep" not in config:
        raise ConfigError(f"{_where(folder)}: .hydra/config.yaml has no sweep section")
    sweep = SweepConfig(**config["sweep"])
    seed = int(config.get("seed", 0))
    factors = parse_factors(sweep)
    design = design_table(sweep, factors, seed)
    results = SweepResults(sweep, factors, design, runs, seed, folder)
    check_complete(results)
    return results


def check_complete(results: SweepResults) -> None:
    """Every design row must hold the same replicates (an analysis of a partial sweep would be biased)."""
    runs, n_rows = results.runs, len(results.design)
    per_row = runs.groupby("row")["replicate"].nunique()
    replicates = results.replicates
    if len(per_row) != n_rows or (per_row != replicates).any() or len(runs) != n_rows * replicates:
        raise ConfigError(
            f"{_where(results.folder)}: {len(runs)} runs do not cover the design's {n_rows} rows x "
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
