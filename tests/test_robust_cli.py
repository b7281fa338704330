"""Bad input of every kind: one line naming the key, the value and what is allowed, exit 2, no traceback,
and no folder left behind (config values, YAML files, --config-dir/--config-name, paths, limits)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orgsim import cli, guards, rundir

DUP_POLICY = (
    "defaults:\n  - policy_schema\n  - _self_\nname: broker\ngovernance: strict\ngovernance: neutral\n"
)
ROOT = "defaults:\n  - config\n  - _self_\n"

# the calibrated defaults draw each organization's size: the estimate then sizes the largest
ONE_SIZE = ["org.size_spread=0", "org.mix_spread=0", "org.it_budget_spread=0"]


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A user's extra config folder with broken and valid files."""
    d = tmp_path / "conf"
    (d / "policy").mkdir(parents=True)
    (d / "policy" / "dupes.yaml").write_text(DUP_POLICY)
    (d / "policy" / "badtype.yaml").write_text(
        DUP_POLICY.replace("governance: neutral\n", "").replace(
            "governance: strict", "innovation_shift: lots"
        )
    )
    (d / "syntax.yaml").write_text(ROOT + "years: [1, 2\nseed: 3\n")
    (d / "dupkey.yaml").write_text(ROOT + "years: 2\nyears: 3\n")
    (d / "wrongtype.yaml").write_text(ROOT + "years: many\n")
    (d / "badrange.yaml").write_text(ROOT + "years: 0\n")
    (d / "badgroup.yaml").write_text("defaults:\n  - config\n  - override policy: nosuch\n  - _self_\n")
    return d


# (args, fragments every one of which the error line must contain); {conf} is the fixture's folder
CASES = [
    (["policy=nope"], ["policy must be one of", "broker", "got 'nope'"]),
    (["scenario=nope"], ["scenario must be one of", "baseline_2012", "got 'nope'"]),
    (["org=nope"], ["org must be one of", "midsize_2012"]),
    (["catalogue=nope"], ["catalogue must be one of", "default_2012"]),
    (["years=0"], ["years must be in [1, 100]; got 0"]),
    (["years=abc"], ["years must be an integer; got 'abc'"]),
    (["years=1.5"], ["years must be an integer; got '1.5'"]),
    (["years="], ["years must be an integer"]),
    (["years"], ["cannot parse override 'years'"]),
    (["years=[1,2"], ["cannot parse override"]),
    (["replicates=0"], ["replicates must be in [1, 100000]; got 0"]),
    (["replicates=-3"], ["replicates must be in [1, 100000]; got -3"]),
    (["seed=-1"], ["seed must be in [0, 9223372036854775807]; got -1"]),
    (["workers=-1"], ["workers must be in [0, 1024]; got -1"]),
    (["it.cio.willingness=1.7"], ["it.cio.willingness must be in [0, 1]; got 1.7"]),
    (["it.cio.wilingness=0.5"], ["unknown key 'it.cio.wilingness'", "willingness"]),
    (["+new.key=1"], ["unknown key 'new'", "scenario"]),
    (["+years=5"], ["'years' already exists; set it without '+'"]),
    (["it.budget=0"], ["it.budget must be in [1, inf]; got 0"]),
    (["it.budget=nan"], ["it.budget must be a finite number; got nan"]),
    (["it.budget=inf"], ["it.budget must be a finite number; got inf"]),
    (["it.budget=1e300"], ["it.budget must be at most 1e+09", "got 1e+300"]),
    (["it.support_load=1e300"], ["it.support_load must be at most 1e+09"]),
    (["org.departments.sales.budget=1e200"], ["org.departments.sales.budget must be at most 1e+09"]),
    (["it.split.run=0.9"], ["it.split.run + it.split.innovation + it.split.security must sum to 1"]),
    (["metrics.custodian_threshold=0.9"], ["metrics.custodian_threshold must be below"]),
    (
        ["years=2", "metrics.sustain_months=120"],
        ["metrics.sustain_months must be at most the horizon, 24 months (years=2); got 120"],
    ),
    (
        [f"metrics.weight_{w}=0" for w in ("spend", "decisions", "innovation", "satisfaction", "reliance")],
        ["metrics.weight_* must not all be zero"],
    ),
    (["environment.saas_maturity.end=0.1"], ["environment.saas_maturity.end must be at least"]),
    (["policy.governance=strickt"], ["policy.governance must be one of strict, neutral, enabling"]),
    (["org.employees.network=ring"], ["org.employees.network must be one of", "watts_strogatz"]),
    (["org.departments.marketing=5"], ["org.departments.marketing must be a mapping"]),
    (["org.departments.marketing.headcount=0"], ["org.departments.marketing.headcount must be in [1, "]),
    (["org.departments.marketing.focus=[nope]"], ["org.departments.marketing.focus.0 must be one of"]),
    (["org.network_edges=[[marketing,nowhere]]"], ["org.network_edges.0 must name departments"]),
    (["org.initial_deployments=[{department: hr, tool: nope}]"], ["org.initial_deployments.0.tool"]),
    (["catalogue.tools.jive.category=nope"], ["catalogue.tools.jive.category must be one of"]),
    (["org.size_spread=2"], ["org.size_spread must be in [0, 1]; got 2"]),
    (["it.split.innovation=1.5"], ["it.split.innovation must be in [0, 1]; got 1.5"]),
    (["policy.innovation_shift=-0.5"], ["policy.innovation_shift must be in [0, 1]; got -0.5"]),
    (["decision.temperature=0"], ["decision.temperature must be in [0.01, 100]; got 0"]),
    (["overwrite=maybe"], ["overwrite must be a boolean (true or false); got 'maybe'"]),
    (["-m", "policy=broker,foo"], ["policy must be one of"]),
    (["-m", "policy=broker,gatekeeper", "years=0"], ["years must be in [1, 100]; got 0"]),
    (["--config-dir", "{conf}/missing"], ["--config-dir must be an existing folder"]),
    (["--config-path", "{conf}/missing"], ["--config-path must be an existing folder"]),
    (["--config-dir", "{conf}", "policy=dupes"], ["dupes.yaml, line 6", "duplicate key governance"]),
    (["--config-dir", "{conf}", "policy=badtype"], ["policy.innovation_shift must be a float; got 'lots'"]),
    (["--config-dir", "{conf}", "policy=other"], ["policy must be one of", "badtype, broker, dupes"]),
    (["--config-dir", "{conf}", "--config-name", "syntax"], ["syntax.yaml, line 5", "expected ','"]),
    (["--config-dir={conf}", "--config-name=dupkey"], ["dupkey.yaml, line 5", "duplicate key years"]),
    (["-cd", "{conf}", "-cn", "wrongtype"], ["years must be an integer; got 'many'"]),
    (["-cd", "{conf}", "-cn", "badrange"], ["years must be in [1, 100]; got 0"]),
    (["-cd", "{conf}", "-cn", "badgroup"], ["policy must be one of", "got 'nosuch'"]),
    (["-cd", "{conf}", "-cn", "nothere"], ["--config-name must name a config file", "got 'nothere'"]),
    (["--config-name="], ["--config-name needs a value"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_is_one_line_exit_2_and_leaves_no_folder(tmp_path, config_dir, capsys, args, expected):
    run_dir = tmp_path / "run"
    args = [a.replace("{conf}", str(config_dir)) for a in args]
    code = cli.main(["run", *args, f"hydra.run.dir={run_dir}", f"hydra.sweep.dir={run_dir}"])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("orgsim run: error: "), err
    for fragment in expected:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in err and not out
    assert not run_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf"]


def test_an_unknown_command_is_one_line_exit_2(capsys):
    assert cli.main(["frobnicate", "years=1"]) == 2
    assert capsys.readouterr().err.strip().startswith("orgsim: error: command must be one of run, ")


# --- paths -----------------------------------------------------------------------------------------


def _path_cases(tmp_path: Path) -> list[tuple[str, Path, str]]:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    full = tmp_path / "full"
    (full / ".hydra").mkdir(parents=True)
    (full / "summary.json").write_text("{}")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    partial = tmp_path / "partial"
    (partial / ".hydra").mkdir(parents=True)
    return [
        ("a file", a_file, "hydra.run.dir must be a folder; got"),
        ("under a file", a_file / "run", "is a file"),
        ("name too long", tmp_path / ("x" * 300), "has a name longer than 255 bytes"),
        ("path too long", tmp_path.joinpath(*["y" * 200] * 25), "is longer than 4000 bytes"),
        ("complete results", full, "already holds complete results; add overwrite=true"),
        ("not a run", other, "already exists and holds files that are not an orgsim run"),
        ("incomplete run", partial, "already holds an incomplete run; add overwrite=true"),
    ]


@pytest.mark.slow
def test_every_path_problem_is_one_line_exit_2_and_changes_nothing(tmp_path, capsys):
    for name, path, expected in _path_cases(tmp_path):
        before = sorted(str(p) for p in tmp_path.rglob("*"))
        code = cli.main(["run", "years=1", "replicates=1", f"hydra.run.dir={path}"])
        err = capsys.readouterr().err.strip()
        assert code == 2, (name, err)
        assert len(err.splitlines()) == 1 and expected in err, (name, err)
        assert sorted(str(p) for p in tmp_path.rglob("*")) == before, name


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_parent_is_refused(tmp_path, capsys):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert cli.main(["run", "years=1", f"hydra.run.dir={locked / 'run'}"]) == 2
        assert "must be writable" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_a_folder_in_use_by_another_run_is_refused(tmp_path, capsys):
    target = tmp_path / "busy"
    with rundir.locked(target):
        assert cli.main(["run", "years=1", "replicates=1", f"hydra.run.dir={target}"]) == 2
    err = capsys.readouterr().err.strip()
    assert f"is in use by another orgsim run (pid {os.getpid()})" in err and len(err.splitlines()) == 1
    assert not target.exists()


# --- limits ----------------------------------------------------------------------------------------


def test_a_run_larger_than_memory_is_refused_before_anything_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guards, "available_memory", lambda: 2e9)
    run_dir = tmp_path / "big"
    assert cli.main(["run", "replicates=100000", "years=100", *ONE_SIZE, f"hydra.run.dir={run_dir}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "replicates=100000 plus 100000 over the posterior x 1200 months x 2000 employees" in err
    assert "add force=true to run it anyway" in err
    assert not run_dir.exists() and not list(tmp_path.iterdir())


@pytest.mark.slow
def test_the_estimate_grows_with_replicates_months_and_ties(make_settings):
    small = guards.estimate(make_settings("replicates=10", "years=1"), 1)
    assert guards.estimate(make_settings("replicates=100", "years=1"), 1).bytes > small.bytes
    assert guards.estimate(make_settings("replicates=10", "years=10"), 1).seconds > small.seconds
    dense = guards.estimate(make_settings("replicates=10", "years=1", "org.employees.mean_degree=200"), 1)
    assert dense.bytes > small.bytes and dense.seconds > small.seconds
    off = guards.estimate(make_settings("replicates=10", "years=1", "org.employees.enabled=false"), 1)
    assert off.bytes < small.bytes


def test_workers_are_capped_at_the_cores_with_a_note(make_settings):
    workers, note = guards.capped_workers(make_settings("workers=1024", "replicates=5000"))
    assert workers == guards.cores()
    assert note == f"workers=1024 is more than the {guards.cores()} CPU cores available; using {workers}"
    assert guards.capped_workers(make_settings("workers=1", "replicates=4")) == (1, None)


# --- --debug shows the traceback ---------------------------------------------------------------------


def test_debug_shows_the_traceback_that_the_one_line_hides(tmp_path):
    import subprocess
    import sys

    args = [sys.executable, "-m", "orgsim.cli", "run", "policy=nope", f"hydra.run.dir={tmp_path / 'r'}"]
    plain = subprocess.run(args, capture_output=True, text=True, timeout=120)
    debug = subprocess.run([*args, "--debug"], capture_output=True, text=True, timeout=120)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert debug.returncode != 0 and "Traceback" in debug.stderr
    assert not (tmp_path / "r").exists()


def test_a_long_run_prints_its_estimate_before_it_starts(tmp_path, capsys, monkeypatch):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("orgsim.runner.iter_replicates", stop)  # what run_job runs the replicates with
    run_dir = tmp_path / "long"
    assert cli.main(["run", "replicates=6000", "years=10", *ONE_SIZE, f"hydra.run.dir={run_dir}"]) == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1] == "orgsim run: interrupted; no results written"
    assert any(
        line.startswith("orgsim run: note: about ")
        and "for replicates=6000 plus 6000 over the posterior x 120 months x 2000 employees" in line
        and line.endswith("(estimate)")
        for line in lines
    ), lines
    assert not run_dir.exists() and list(tmp_path.iterdir()) == []


def test_overwrite_never_replaces_a_folder_that_is_not_a_run(tmp_path, capsys):
    mine = tmp_path / "project"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    assert cli.main(["run", "years=1", "overwrite=true", f"hydra.run.dir={mine}"]) == 2
    assert "holds files that are not an orgsim run" in capsys.readouterr().err
    assert (mine / "thesis.tex").read_text() == "years of work"
