"""The sweep's results store: chunks of finished runs written atomically, a manifest, the final tables.

Each finished chunk becomes `parts/runs-<first id>.parquet` (and `parts/timeseries-<first id>.parquet`),
each written under a temporary name and renamed; then the manifest, rewritten the same way, lists it. A
part is committed once the manifest lists it, so a sweep killed at any moment loses only the runs in
flight, and a resumed one skips every committed run. Chunks hold consecutive run ids, so the parts sorted
by their first id are the runs in order; the final tables are the parts concatenated in that order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from orgsim.config.validate import ConfigError

MANIFEST = "manifest.json"


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".partial-{path.name}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _atomic_parquet(table: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".partial-{path.name}")
    table.to_parquet(tmp, index=False)
    os.replace(tmp, path)


class Store:
    """A sweep folder: `manifest.json`, `parts/`, and at the end `runs.parquet` (+ `timeseries.parquet`)."""

    def __init__(self, folder: Path, fingerprint: str, n_rows: int) -> None:
        self.folder = Path(folder)
        self.parts_dir = self.folder / "parts"
        self.fingerprint, self.n_rows = fingerprint, n_rows
        self.parts: list[dict] = []

    # --- opening -------------------------------------------------------------------------------------

    def has_runs(self) -> bool:
        return (self.folder / MANIFEST).is_file() and bool(self._read_manifest().get("parts"))

    def _read_manifest(self) -> dict:
        return json.loads((self.folder / MANIFEST).read_text())

    def open(self) -> set[int]:
        """Create or reopen the store; return the ids of the runs already committed."""
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        if (self.folder / MANIFEST).is_file():
            manifest = self._read_manifest()
            if manifest["fingerprint"] != self.fingerprint or manifest["n_rows"] != self.n_rows:
                raise ConfigError(
                    f"{self.folder} holds a sweep with another design or config; rerun with resume=false "
                    "for a new folder, or choose another hydra.run.dir"
                )
            self.parts = manifest["parts"]
        else:
            self._write_manifest()
        for stale in self.folder.glob("**/.partial-*"):  # left by a kill mid-write
            stale.unlink()
        done: set[int] = set()
        for part in self.parts:
            done.update(range(part["first"], part["last"] + 1))
        return done

    def _write_manifest(self) -> None:
        manifest = {"fingerprint": self.fingerprint, "n_rows": self.n_rows, "parts": self.parts}
        _atomic_write_bytes(self.folder / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())

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

    def _ordered(self) -> list[dict]:
        return sorted(self.parts, key=lambda p: p["first"])

    def runs(self) -> pd.DataFrame:
        """Every committed run, by run id."""
        frames = [pd.read_parquet(self.parts_dir / f"runs-{p['name']}.parquet") for p in self._ordered()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def finalize(self, with_timeseries: bool) -> list[Path]:
        """Write `runs.parquet` (and stream `timeseries.parquet` part by part); return the paths."""
        written = [self.folder / "runs.parquet"]
        _atomic_parquet(self.runs(), written[0])
        if with_timeseries:
            path = self.folder / "timeseries.parquet"
            tmp = path.with_name(f".partial-{path.name}")
            join_parquet([self.parts_dir / f"timeseries-{p['name']}.parquet" for p in self._ordered()], tmp)
            os.replace(tmp, path)
            written.append(path)
        return written


def join_parquet(parts: list[Path], path: Path) -> None:
    """Stream parquet `parts`, in order, into one file at `path`, a row group per part: memory holds one
    part at a time. A column whose type differs between parts (int64 in one, float64 in another, as
    pandas infers per table) takes the common type, as pandas.concat would give."""
    if not parts:
        pq.write_table(pa.table({}), path)
        return
    schemas = [pq.read_schema(part) for part in parts]
    schema = schemas[0]
    if any(not other.equals(schema) for other in schemas[1:]):
        unified = pa.unify_schemas(schemas, promote_options="permissive")
        schema = unified.with_metadata(schema.metadata)
    with pq.ParquetWriter(path, schema) as writer:
        for part in parts:
            writer.write_table(pq.ParquetFile(part).read().cast(schema))  # not read_table: no dataset import


def write_part(folder: Path, name: str, first: int, table: pd.DataFrame) -> Path:
    """One chunk of table `name` as `folder/<name>-<first id>.parquet`; the ids order the parts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{first:012d}.parquet"
    table.to_parquet(path, index=False)
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
    the runs were split into chunks, so a resumed sweep's tables equal an uninterrupted one's."""
    table = table.copy()
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
