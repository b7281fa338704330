"""Results folders, read: run folders (`orgsim run`), sweep stores (`orgsim sweep`, `orgsim calibrate`) and
folders of analysis tables (`orgsim analyze`). The one reader that plot, analyze, calibrate, the sweep's
own store and experiments/report.py use.

Every problem with a folder is a `DamagedResults` (a ConfigError, exit 2): one line naming the file and what
is wrong, and for a sweep store how to repair it. Reads, never writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.config.validate import ConfigError
from orgsim.outcomes import OPTIONAL_MONTHS

MANIFEST = "manifest.json"
MANIFEST_KIND = "orgsim sweep store"  # the `kind` of every manifest a sweep writes
REPAIR = "run the same orgsim sweep command again to repair it"
RUN_IDS = ("run_id", "row", "setting", "world", "replicate", "seed")
BY_YEAR_PREFIX = "marginalized_by_year_"  # runs-table columns, one per year of the horizon (1: the first)
# Runs-table columns of older tables and what they are called now: read under the new names
# (renamed_runs), never resumed into (orgsim.sweep.store). The CIO draws were 0/1 under the parameters'
# names; the years were counted from 0.
RENAMED_CIO_DRAWS = {"cio_aspiration": "cio_aspires", "cio_willingness": "cio_acts"}
RENAMED_RUN_COLUMNS = {**RENAMED_CIO_DRAWS, f"{BY_YEAR_PREFIX}0": f"{BY_YEAR_PREFIX}1"}


class DamagedResults(ConfigError):
    """A results folder or file that cannot be read as what it claims to be; the message names the file."""


# --- files -------------------------------------------------------------------------------------------


def month_dates(start_year: int, months) -> pd.Series:
    """The calendar date (first of the month) of each month index, month 0 being January of `start_year`:
    the dates, and the date type, that `orgsim run` writes (pandas' own date assembly, whose unit differs
    between pandas lines)."""
    import numpy as np

    index = np.asarray(months, dtype="int64")
    first = np.datetime64(f"{int(start_year):04d}-01", "M") + index.astype("timedelta64[M]")
    return pd.Series(first.astype(_date_type()), index=getattr(months, "index", None), name="date")


def _date_type() -> Any:
    return pd.to_datetime(pd.DataFrame({"year": [2000], "month": [1], "day": [1]})).dtype


def read_table(path: Path, repair: str = "") -> pd.DataFrame:
    """A Parquet table; a missing, truncated or foreign file is named in one line."""
    path = Path(path)
    tail = f"; {repair}" if repair else ""
    if not path.is_file():
        raise DamagedResults(f"'{path}' is missing{tail}")
    try:
        return pd.read_parquet(path)
    except Exception as err:  # pyarrow's message names no file: say which file and what is wrong
        raise DamagedResults(
            f"'{path}' is damaged: truncated or not a Parquet file ({type(err).__name__}){tail}"
        ) from None


def parquet_rows(path: Path) -> int | None:
    """The row count in a Parquet file's footer; None when the file is missing, truncated or foreign."""
    import pyarrow.parquet as pq

    try:
        return pq.read_metadata(path).num_rows
    except Exception:  # any failure to read the footer means the part is unusable
        return None


def read_json(path: Path, repair: str = "") -> Any:
    path = Path(path)
    tail = f"; {repair}" if repair else ""
    if not path.is_file():
        raise DamagedResults(f"'{path}' is missing{tail}")
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as err:
        where = f" (line {err.lineno})" if isinstance(err, json.JSONDecodeError) else ""
        raise DamagedResults(f"'{path}' is damaged: not valid JSON{where}{tail}") from None


def read_config(folder: Path) -> dict:
    """The resolved config a command wrote beside its results (`.hydra/config.yaml`); {} when none."""
    import yaml

    path = Path(folder) / ".hydra" / "config.yaml"
    if not path.is_file():
        return {}
    try:
        config = yaml.safe_load(path.read_text()) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise DamagedResults(f"'{path}' is damaged: not valid YAML") from None
    if not isinstance(config, dict):
        raise DamagedResults(f"'{path}' is damaged: not a mapping of config keys")
    return config


# --- the sweep store -----------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_manifest(manifest: Any, path: Path, repair: str = "") -> dict:
    """`manifest` if it is a sweep manifest; DamagedResults naming `path` and the first fault otherwise."""
    try:
        return _check_manifest(manifest, path)
    except DamagedResults as err:
        raise DamagedResults(f"{err}; {repair}" if repair else str(err)) from None


def _check_manifest(manifest: Any, path: Path) -> dict:
    what = f"'{path}' is not a sweep manifest"
    if not isinstance(manifest, dict):
        kind = {"list": "an array", "str": "a string", "NoneType": "null"}.get(
            type(manifest).__name__, "a number"
        )
        raise DamagedResults(f"{what}: it holds {kind}, not an object")
    kind = manifest.get("kind", MANIFEST_KIND)  # manifests written before `kind` existed have none
    if kind != MANIFEST_KIND:
        raise DamagedResults(f"{what}: its kind is {kind!r:.60}, not {MANIFEST_KIND!r}")
    for key, ok, expected in (
        ("fingerprint", lambda v: isinstance(v, str), "a string"),
        ("n_rows", lambda v: _is_int(v) and v > 0, "a positive whole number"),
        ("parts", lambda v: isinstance(v, list), "a list"),
    ):
        if key not in manifest:
            raise DamagedResults(f"{what}: it has no '{key}'")
        if not ok(manifest[key]):
            raise DamagedResults(f"{what}: '{key}' must be {expected}; got {manifest[key]!r:.60}")
    seen: set[int] = set()
    for i, part in enumerate(manifest["parts"]):
        fields = ("first", "last", "runs")
        if not (
            isinstance(part, dict)
            and isinstance(part.get("name"), str)
            and all(_is_int(part.get(k)) for k in fields)
            and 0 <= part["first"] <= part["last"]
            and part["runs"] == part["last"] - part["first"] + 1
        ):
            raise DamagedResults(f"{what}: parts[{i}] must be {{name, first, last, runs}}; got {part!r:.80}")
        ids = set(range(part["first"], part["last"] + 1))
        if ids & seen:
            raise DamagedResults(f"{what}: parts[{i}] lists runs another part lists")
        seen |= ids
    return manifest


def read_manifest(folder: Path, repair: str = "") -> dict:
    """The manifest of the sweep store in `folder`, checked field by field."""
    path = Path(folder) / MANIFEST
    return check_manifest(read_json(path, repair), path, repair)


def part_paths(folder: Path, part: dict, with_timeseries: bool) -> list[Path]:
    parts = Path(folder) / "parts"
    names = ["runs", "timeseries"] if with_timeseries else ["runs"]
    return [parts / f"{name}-{part['name']}.parquet" for name in names]


def part_problem(folder: Path, part: dict, with_timeseries: bool) -> tuple[Path, str] | None:
    """The first file of a committed part that is missing or damaged, and what is wrong; None if whole."""
    for path in part_paths(folder, part, with_timeseries):
        if not path.is_file():
            return path, "missing"
        rows = parquet_rows(path)
        if rows is None:
            return path, "truncated or not a Parquet file"
        if path.name.startswith("runs-") and rows != part["runs"]:
            return path, f"holds {rows} runs, the manifest lists {part['runs']}"
    return None


def check_parts(folder: Path, manifest: dict, with_timeseries: bool) -> None:
    """Name the first damaged part of a store in one line (a reader cannot repair; the sweep can)."""
    for part in manifest["parts"]:
        problem = part_problem(folder, part, with_timeseries)
        if problem:
            raise DamagedResults(f"'{problem[0]}' is damaged ({problem[1]}); {REPAIR}")


# --- folders ---------------------------------------------------------------------------------------------


@dataclass
class Folder:
    """A run or sweep folder: what kind, its config, and one row per run (a run's replicates from its
    summary, a sweep's runs.parquet)."""

    path: Path
    kind: str  # "run" | "sweep"
    config: dict
    runs: pd.DataFrame
    summary: dict = field(default_factory=dict)  # a run's summary.json

    def table(self, name: str) -> pd.DataFrame:
        return read_table(self.path / name, REPAIR if self.kind == "sweep" else "")


def input_folder(given: str | Path | None, what: str = "a run or sweep folder") -> Path:
    """The folder an `input=` names; one line when it is not given, missing or a file."""
    if given in (None, "", "???"):
        raise ConfigError(f"input is required: input=PATH ({what})")
    folder = Path(given).expanduser()
    if not folder.exists():
        raise ConfigError(f"input must be {what}; got '{given}', which does not exist")
    if not folder.is_dir():
        raise ConfigError(f"input must be {what}; got '{given}', which is a file")
    return folder


def renamed_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """A runs table under today's column names, whatever wrote it: tables from before the rename held the
    CIO draws as cio_aspiration / cio_willingness (0/1) and numbered marginalized_by_year_K from 0."""
    runs = runs.copy()
    for old, new in RENAMED_CIO_DRAWS.items():
        if old not in runs.columns:
            continue
        values = runs.pop(old)
        if new not in runs.columns:  # 0/1 is a draw; a level strictly between is it.cio.draw=false: no draw
            drawn = values.isin((0.0, 1.0)).all()
            runs[new] = (
                values.astype(float).eq(1.0) if drawn else pd.Series(None, index=runs.index, dtype=object)
            )
    if f"{BY_YEAR_PREFIX}0" in runs.columns:
        runs = runs.rename(
            columns={
                c: f"{BY_YEAR_PREFIX}{int(c.removeprefix(BY_YEAR_PREFIX)) + 1}"
                for c in runs.columns
                if c.startswith(BY_YEAR_PREFIX) and c.removeprefix(BY_YEAR_PREFIX).isdigit()
            }
        )
    return runs


def optional_months_as_float(runs: pd.DataFrame) -> pd.DataFrame:
    """The months a run may never reach (outcomes.OPTIONAL_MONTHS) as float64 (NaN: never), also where every
    run reached them, so a table of some runs has the types of a table of all of them."""
    for column in OPTIONAL_MONTHS:
        if column in runs.columns:
            runs[column] = runs[column].astype("float64")
    return runs


def _run_table(summary: dict, path: Path) -> pd.DataFrame:
    records = summary.get("runs") if isinstance(summary, dict) else None
    if not isinstance(records, list) or not records:
        raise DamagedResults(f"'{path}' lists no runs")
    runs = pd.DataFrame.from_records(records)
    if "replicate" not in runs.columns:
        raise DamagedResults(f"'{path}' is damaged: its runs have no replicate")
    if "marginalized_by_year" in runs.columns:
        by_year = pd.DataFrame(runs.pop("marginalized_by_year").tolist(), index=runs.index).astype(bool)
        by_year.columns = by_year.columns + 1  # year 1 is the first year of the horizon, as the README counts
        runs = runs.join(by_year.add_prefix(BY_YEAR_PREFIX))
    runs.insert(0, "run_id", runs["replicate"])
    return renamed_runs(optional_months_as_float(runs))


def read_folder(given: str | Path | None, what: str = "a run or sweep folder") -> Folder:
    """Read a run folder (summary.json) or a finished sweep store (manifest.json, runs.parquet).

    A damaged manifest, a missing or damaged part or table is named; an unfinished sweep says how to
    finish it; a folder that is neither says so."""
    folder = input_folder(given, what)
    has_manifest = (folder / MANIFEST).is_file()
    if has_manifest or (folder / "runs.parquet").is_file():
        config = read_config(folder)
        if has_manifest:
            manifest = read_manifest(folder, REPAIR)
            if not (folder / "runs.parquet").is_file():
                raise ConfigError(
                    f"input '{folder}' holds an unfinished sweep (no runs.parquet yet); run the same orgsim "
                    "sweep command again to finish it"
                )
            if (
                folder / "parts"
            ).is_dir():  # parts removed as a whole after the sweep: its tables stand alone
                timeseries = bool((config.get("sweep") or {}).get("timeseries"))
                check_parts(folder, manifest, timeseries)
        runs = renamed_runs(read_table(folder / "runs.parquet", REPAIR))  # a finished store of any age
        if runs.empty:
            raise DamagedResults(f"input '{folder}': runs.parquet holds no runs")
        return Folder(folder, "sweep", config, runs)
    if (folder / "summary.json").is_file():
        summary = read_json(folder / "summary.json")
        if isinstance(summary, dict) and "analysis" in summary:
            raise ConfigError(f"input '{folder}' holds the tables of orgsim analyze, not a run or sweep")
        return Folder(
            folder, "run", read_config(folder), _run_table(summary, folder / "summary.json"), summary
        )
    raise ConfigError(
        f"input must be {what}: a run folder (with summary.json) or a sweep folder (with runs.parquet); "
        f"'{folder}' holds neither"
    )


# --- a finished sweep as the analyses see it -------------------------------------------------------------


@dataclass
class SweepResults:
    """The sweep's design (one row per lever setting x world) and its runs (one row per run)."""

    sweep: Any  # orgsim.sweep.design.SweepConfig
    factors: list  # orgsim.sweep.design.Factor
    design: pd.DataFrame
    runs: pd.DataFrame
    seed: int = 0
    folder: Path | None = None

    @property
    def replicates(self) -> int:
        return int(self.runs["replicate"].nunique())

    @property
    def levers(self) -> list:
        return [f for f in self.factors if f.role == "lever"]

    @property
    def uncertainties(self) -> list:
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
        skip = {*RUN_IDS, *[f.key for f in self.factors]}
        return [
            c
            for c in self.runs.columns
            if c not in skip
            and (pd.api.types.is_numeric_dtype(self.runs[c]) or pd.api.types.is_bool_dtype(self.runs[c]))
        ]

    def outcome_values(self, outcome: str) -> pd.Series:
        """The outcome per run as floats (booleans as 0/1)."""
        return self.runs[outcome].astype(float)
