"""A run leaves all of its result files or none."""

import pytest

from orgsim.commands.run import _publish


def test_interrupted_publish_leaves_no_result_files(tmp_path):
    def interrupted(path):
        raise KeyboardInterrupt

    writers = {
        "timeseries.parquet": lambda p: p.write_text("t"),
        "departments.parquet": lambda p: p.write_text("d"),
        "trajectories.png": interrupted,
        "summary.json": lambda p: p.write_text("{}"),
    }
    with pytest.raises(KeyboardInterrupt):
        _publish(tmp_path, writers)
    assert list(tmp_path.iterdir()) == []


def test_publish_renames_every_file_into_place(tmp_path):
    _publish(tmp_path, {"a.json": lambda p: p.write_text("1"), "b.json": lambda p: p.write_text("2")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
