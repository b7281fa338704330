"""A damaged sweep store is named, never an internal error, and the same sweep again repairs it.

Table-driven over the kinds of damage: every reader (analyze, plot) refuses with one line naming the file
and what is wrong (exit 2, nothing written); the sweep run again notes the file, recomputes what was lost
and ends with the tables of the undamaged store.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from orgsim import cli
from orgsim.analysis.results import read_sweep

# 5 policies x 2 replicates of one year, two runs a chunk (so parts hold several runs), one reporter kept.
SWEEP = [
    "sweep",
    "experiment=policy_comparison",
    "replicates=2",
    "years=1",
    "executor.chunk_size=2",
    "sweep.timeseries=[it_influence]",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("damage") / "sweep"
    assert cli.main([*SWEEP, f"hydra.run.dir={folder}"]) == 0
    return folder


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _manifest(folder: Path, text: str) -> None:
    (folder / "manifest.json").write_text(text)


def _drop_field(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.pop("parts")
    _manifest(folder, json.dumps(manifest))


PART = "parts/runs-000000000002.parquet"
# name -> (how to damage the store, the file the message names, what it says is wrong)
DAMAGE = {
    "missing part": (lambda f: (f / PART).unlink(), PART, "missing"),
    "truncated part": (lambda f: _truncate(f / PART), PART, "truncated or not a Parquet file"),
    "truncated monthly part": (
        lambda f: _truncate(f / "parts/timeseries-000000000004.parquet"),
        "parts/timeseries-000000000004.parquet",
        "truncated",
    ),
    "truncated runs table": (lambda f: _truncate(f / "runs.parquet"), "runs.parquet", "truncated"),
    "garbage manifest": (lambda f: _manifest(f, "{parts: oops"), "manifest.json", "not valid JSON"),
    "manifest of another type": (lambda f: _manifest(f, "[1, 2, 3]"), "manifest.json", "holds an array"),
    "manifest of another kind": (
        lambda f: _manifest(f, json.dumps({"kind": "photo album"})),
        "manifest.json",
        "its kind is 'photo album'",
    ),
    "manifest without parts": (_drop_field, "manifest.json", "it has no 'parts'"),
}


def _damaged(store: Path, tmp_path: Path, kind: str) -> Path:
    folder = Path(shutil.copytree(store, tmp_path / "sweep"))
    DAMAGE[kind][0](folder)
    return folder


@pytest.mark.parametrize("reader", ["analyze", "plot"])
@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_reader_names_the_damaged_file_in_one_line(kind, reader, store, tmp_path, capsys):
    folder = _damaged(store, tmp_path, kind)
    out = tmp_path / "out"
    args = {
        "analyze": ["analyze", "variance", f"input={folder}", "bootstrap=5"],
        "plot": ["plot", "plot=trajectories", "plot.outcome=it_influence", f"input={folder}", "plot.dpi=20"],
    }[reader]
    capsys.readouterr()
    assert cli.main([*args, f"hydra.run.dir={out}"]) == 2
    err = capsys.readouterr().err.strip()
    _, file, problem = DAMAGE[kind]
    assert len(err.splitlines()) == 1 and err.startswith(f"orgsim {reader}: error: "), err
    assert str(folder / file) in err and problem in err, err
    assert "internal error" not in err and not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(DAMAGE))
def test_the_same_sweep_again_repairs_the_store(kind, store, tmp_path, capsys):
    folder = _damaged(store, tmp_path, kind)
    capsys.readouterr()
    assert cli.main([*SWEEP, f"hydra.run.dir={folder}"]) == 0
    err = capsys.readouterr().err
    _, file, _ = DAMAGE[kind]
    if kind != "truncated runs table":  # the final table is rewritten on every run, without a note
        assert str(folder / file) in err, err
    for table in ("runs.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(folder / table), pd.read_parquet(store / table))
    assert len(read_sweep(folder).runs) == 10  # readable again


def test_a_damaged_manifest_of_a_store_without_a_marker_is_refused_not_rebuilt(store, tmp_path, capsys):
    folder = _damaged(store, tmp_path, "garbage manifest")
    (folder / ".hydra" / "orgsim-output.json").unlink()  # as a store written before the marker existed
    before = sorted((p.name, p.stat().st_size) for p in folder.rglob("*") if p.is_file())
    capsys.readouterr()
    assert cli.main([*SWEEP, f"hydra.run.dir={folder}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(folder / "manifest.json") in err and "resume=false" in err, err
    assert sorted((p.name, p.stat().st_size) for p in folder.rglob("*") if p.is_file()) == before
