"""The sweep's results store: chunks of finished runs written atomically, a manifest, the final tables.

Each finished chunk becomes `parts/runs-<first id>.parquet` (and `parts/timeseries-<first id>.parquet`),
each written under a temporary name and renamed; then the manifest, rewritten the same way, lists it. A
part is committed once the manifest lists it, so a sweep killed at any moment loses only the runs in
flight, and a resumed one skips every committed run. Chunks hold consecutive run ids, so the parts sorted
by their first id are the runs in order; the final tables are the parts concatenated in that order.

A store opened again is checked first (orgsim.results reads and checks it): a part that is missing,
truncated or of the wrong length is dropped and its runs run again; a manifest that cannot be read is
rebuilt from the parts on disk when the folder's marker says it holds this very design. The manifest
keeps the design's keys and values, so a resume with another design is refused naming the key.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from orgsim.config.validate import ConfigError
from orgsim.results import (
    MANIFEST,
    MANIFEST_KIND,
    RENAMED_RUN_COLUMNS,
    DamagedResults,
    optional_months_as_float,
    parquet_rows,
    part_paths,
    part_problem,
    read_manifest,
)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    from orgsim.rundir import write_atomic

    write_atomic(path, data)


def _atomic_parquet(table: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".partial-{path.name}")
    write_described(table, tmp, _table_kind(path))
    os.replace(tmp, path)


def _table_kind(path: Path) -> str:
    """Which table a file holds, from its name: `runs.parquet`, `parts/timeseries-<id>.parquet`, ..."""
    return path.name.removeprefix(".partial-").split(".")[0].split("-")[0]


def described(table: pa.Table, kind: str) -> pa.Table:
    """`table` with each field's meaning and unit (orgsim.outcomes.column_entry) as field metadata."""
    from orgsim.outcomes import column_entry

    fields = []
    for f in table.schema:
        entry = column_entry(f.name, kind)
        fields.append(f.with_metadata({"meaning": entry.meaning, "unit": entry.unit}))
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def write_described(table: pd.DataFrame, path: Path, kind: str) -> None:
    """Write a pandas table as parquet (what `to_parquet(index=False)` writes), its columns described."""
    pq.write_table(described(pa.Table.from_pandas(table, preserve_index=False), kind), path)


def _note(line: str) -> None:
    print(f"orgsim sweep: note: {line}", file=sys.stderr)


class Store:
    """A sweep folder: `manifest.json`, `parts/`, and at the end `runs.parquet` (+ `timeseries.parquet`).

    `design` maps each key that shapes the runs (seed, sweep.*, the model's settings) to its value: what a
    resume compares to name the key that differs."""

    def __init__(
        self,
        folder: Path,
        fingerprint: str,
        n_rows: int,
        design: dict[str, Any] | None = None,
        with_timeseries: bool = False,
        note: Callable[[str], None] = _note,
    ) -> None:
        self.folder = Path(folder)
        self.parts_dir = self.folder / "parts"
        self.fingerprint, self.n_rows = fingerprint, n_rows
        self.design = design or {}
        self.with_timeseries = with_timeseries
        self.note = note
        self.parts: list[dict] = []

    # --- opening -------------------------------------------------------------------------------------

    def has_runs(self) -> bool:
        if not (self.folder / MANIFEST).is_file():
            return False
        try:
            return bool(read_manifest(self.folder)["parts"])
        except DamagedResults:
            return True  # a damaged store is still a store: never start anew over it

    def create(self) -> None:
        """Start an empty store in a new folder."""
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        self.parts = []
        self._write_manifest()

    def marker(self) -> dict:
        """What the folder's output marker records of this store (orgsim.rundir)."""
        return {"fingerprint": self.fingerprint, "n_rows": self.n_rows}

    def open(self) -> set[int]:
        """Reopen the store: check it, drop damaged parts (their runs run again), and return the ids of the
        runs committed and whole. Refuses another design naming the key that differs."""
        if not (self.folder / MANIFEST).is_file() and not self._rebuildable():
            raise DamagedResults(
                f"'{self.folder / MANIFEST}' is missing, and the folder's marker does not say it holds this "
                "design; restore it, or rerun with resume=false for a new folder"
            )
        rebuilt = False
        try:
            manifest = read_manifest(self.folder)
        except DamagedResults as err:
            if not self._rebuildable():
                raise DamagedResults(
                    f"{err}; the folder's marker does not say it holds this design, so it cannot be rebuilt: "
                    "restore it, or rerun with resume=false for a new folder"
                ) from None
            manifest = self._rebuild(str(err))
            rebuilt = True
        if manifest["fingerprint"] != self.fingerprint or manifest["n_rows"] != self.n_rows:
            raise ConfigError(self._differs(manifest))
        for stale in self.folder.glob("**/.partial-*"):  # left by a kill mid-write
            stale.unlink()
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        self.parts = []
        for part in manifest["parts"]:
            problem = part_problem(self.folder, part, self.with_timeseries)
            if problem is None:
                self.parts.append(part)
                continue
            self.note(f"'{problem[0]}' is damaged ({problem[1]}); its {part['runs']} run(s) run again")
            for path in part_paths(self.folder, part, with_timeseries=True):
                path.unlink(missing_ok=True)
        if self.parts:
            self._refuse_old_columns(part_paths(self.folder, self.parts[0], with_timeseries=False)[0])
        if rebuilt or len(self.parts) != len(manifest["parts"]) or "design" not in manifest:
            self._write_manifest()
        done: set[int] = set()
        for part in self.parts:
            done.update(range(part["first"], part["last"] + 1))
        return done

    def _refuse_old_columns(self, part: Path) -> None:
        """A store whose runs carry the columns renamed since (the CIO draws under the parameters' names,
        years counted from 0) is refused: joining its parts with new ones would mix two sets of columns."""
        old = sorted(set(pq.read_schema(part).names) & set(RENAMED_RUN_COLUMNS))
        if old:
            renamed = ", ".join(f"{o} -> {RENAMED_RUN_COLUMNS[o]}" for o in old)
            raise ConfigError(
                f"{self.folder} holds runs written before the runs table's columns were renamed ({renamed}; "
                "marginalized_by_year_K counts years from 1): it cannot be resumed; rerun with resume=false "
                "for a new folder, or choose another hydra.run.dir"
            )

    def _rebuildable(self) -> bool:
        from orgsim.rundir import read_marker

        marker = read_marker(self.folder)
        return all(marker.get(k) == v for k, v in self.marker().items())

    def _rebuild(self, problem: str) -> dict:
        """A manifest listing the whole run parts on disk (each was renamed into place complete)."""
        parts, last = [], -1
        for path in sorted(self.parts_dir.glob("runs-*.parquet")):
            rows = parquet_rows(path)
            name = path.stem.removeprefix("runs-")
            if rows is None or not name.isdigit() or int(name) <= last:
                continue
            first = int(name)
            ids = pd.read_parquet(path, columns=["run_id"])["run_id"]
            if len(ids) != rows or ids.min() != first or ids.max() != first + rows - 1:
                continue
            parts.append({"name": name, "first": first, "last": first + rows - 1, "runs": rows})
            last = first + rows - 1
        self.note(f"{problem}; rebuilt it from the {len(parts)} part(s) on disk")
        return {"kind": MANIFEST_KIND, "fingerprint": self.fingerprint, "n_rows": self.n_rows, "parts": parts}

    def _differs(self, manifest: dict) -> str:
        stored = manifest.get("design")
        advice = "rerun with resume=false for a new folder, or choose another hydra.run.dir"
        if isinstance(stored, dict) and self.design:
            for key in sorted(set(stored) | set(self.design), key=str):
                if key in ("sweep.name",):
                    continue
                if stored.get(key) != self.design.get(key):
                    there, here = (
                        json.dumps(v, default=str)[:60] for v in (stored.get(key), self.design.get(key))
                    )
                    return (
                        f"{self.folder} holds a sweep of another design: {key} is {there} there and {here} "
                        f"here (a resume may change only replicates and the executor); {advice}"
                    )
        return f"{self.folder} holds a sweep with another design or config; {advice}"

    def _write_manifest(self) -> None:
        manifest = {
            "kind": MANIFEST_KIND,
            "fingerprint": self.fingerprint,
            "n_rows": self.n_rows,
            "parts": self.parts,
            "design": self.design,
        }
        _atomic_write_bytes(
            self.folder / MANIFEST, (json.dumps(manifest, indent=1, default=str) + "\n").encode()
        )

    # --- writing -------------------------------------------------------------------------------------

    def commit(self, runs: pd.DataFrame, timeseries: pd.DataFrame | None) -> None:
        """Write one chunk's runs (consecutive ids) and their monthly rows, then list them."""
        ids = runs["run_id"].to_numpy()
        first, last = int(ids.min()), int(ids.max())
        if last - first + 1 != len(ids):
            raise ValueError(f"a chunk must hold consecutive run ids; got {len(ids)} in [{first}, {last}]")
        name = f"{first:012d}"
        runs = numeric_nulls_as_float(runs)
        if timeseries is not None:
            _atomic_parquet(timeseries, self.parts_dir / f"timeseries-{name}.parquet")
        _atomic_parquet(runs, self.parts_dir / f"runs-{name}.parquet")
        self.parts.append({"name": name, "first": first, "last": last, "runs": len(ids)})
        self._write_manifest()

    # --- final tables --------------------------------------------------------------------------------

    def _ordered(self, below: int | None = None) -> list[dict]:
        parts = sorted(self.parts, key=lambda p: p["first"])
        return [p for p in parts if below is None or p["first"] < below]

    def stored_runs(self) -> int:
        return sum(p["runs"] for p in self.parts)

    def runs(self, below: int | None = None) -> pd.DataFrame:
        """Every committed run (with a run id below `below`, when given), by run id."""
        frames = [pd.read_parquet(self.parts_dir / f"runs-{p['name']}.parquet") for p in self._ordered(below)]
        table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if below is not None and not table.empty:
            table = table[table["run_id"] < below].reset_index(drop=True)
        return table

    def finalize(self, with_timeseries: bool, below: int | None = None) -> list[Path]:
        """Write `runs.parquet` (and stream `timeseries.parquet` part by part) of the runs with an id below
        `below` (all when None): the design asked for, though the store may hold more replicates."""
        written = [self.folder / "runs.parquet"]
        _atomic_parquet(self.runs(below), written[0])
        if with_timeseries:
            path = self.folder / "timeseries.parquet"
            tmp = path.with_name(f".partial-{path.name}")
            parts = [self.parts_dir / f"timeseries-{p['name']}.parquet" for p in self._ordered(below)]
            join_parquet(parts, tmp, below=below)
            os.replace(tmp, path)
            written.append(path)
        return written


def join_parquet(parts: list[Path], path: Path, below: int | None = None) -> None:
    """Stream parquet `parts`, in order, into one file at `path`, a row group per part: memory holds one
    part at a time. A column whose type differs between parts (int64 in one, float64 in another, as
    pandas infers per table) takes the common type, as pandas.concat would give. With `below`, only the
    rows whose run_id is below it."""
    if not parts:
        pq.write_table(pa.table({}), path)
        return
    schemas = [pq.read_schema(part) for part in parts]
    schema = schemas[0]
    if any(not other.equals(schema) for other in schemas[1:]):
        unified = pa.unify_schemas(schemas, promote_options="permissive")
        schema = unified.with_metadata(schema.metadata)
    schema = described(schema.empty_table(), _table_kind(Path(parts[0]))).schema
    with pq.ParquetWriter(path, schema) as writer:
        for part in parts:
            table = pq.ParquetFile(part).read().cast(schema)  # not read_table: no dataset import
            if below is not None:
                import pyarrow.compute as pc

                table = table.filter(pc.less(table["run_id"], below))
            writer.write_table(table)


def write_part(folder: Path, name: str, first: int, table: pd.DataFrame) -> Path:
    """One chunk of table `name` as `folder/<name>-<first id>.parquet`; the ids order the parts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{first:012d}.parquet"
    write_described(table, path, name)
    return path


def join_parts(folder: Path, name: str, path: Path) -> None:
    """Join the parts of table `name` in `folder`, in id order, into one file at `path`; remove them."""
    parts = sorted(Path(folder).glob(f"{name}-*.parquet"))
    join_parquet(parts, path)
    for part in parts:
        part.unlink()


def numeric_nulls_as_float(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers with gaps (`month_shadow_majority` is None when never reached) as float64, whatever the
    chunk holds: a column is then float64 if any run has a gap or a fraction and int64 otherwise, however
    the runs were split into chunks, so a resumed sweep's tables equal an uninterrupted one's. The months
    that may never be reached (outcomes.OPTIONAL_MONTHS) are float64 even where every run reached them, so
    a table of some of a sweep's runs has the whole table's types."""
    table = optional_months_as_float(table.copy())
    for column in table.columns:
        if table[column].dtype != object:
            continue
        present = table[column].dropna()
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            table[column] = table[column].astype("float64")
    return table


def consecutive_chunks(ids: Iterable[int], size: int) -> list[list[int]]:
    """Split sorted run ids into chunks of at most `size` consecutive ids (a gap starts a new chunk)."""
    chunks: list[list[int]] = []
    for i in sorted(ids):
        if chunks and len(chunks[-1]) < size and chunks[-1][-1] == i - 1:
            chunks[-1].append(i)
        else:
            chunks.append([i])
    return chunks
