"""Error lines for inputs a user might type, including multirun sweeps and Hydra flags (in-process)."""

import pytest

from orgsim import cli


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["+new.key=1"], "unknown key 'new'; keys at the top level: scenario"),
        (["it.capcity=3", "yeers=5"], "unknown key 'it.capcity'; keys under 'it': headcount"),
        (["+years=5"], "'years' already exists; set it without '+'"),
        (["-m", "policy=broker,gatekeeper", "years=0"], "years must be in [1, 100]; got 0"),
        (["-m", "policy=broker,foo"], "policy must be one of broker, gatekeeper"),
        (["policy=foo", "--cfg", "job"], "policy must be one of"),
        (["seed=-1"], "seed must be in [0, 9223372036854775807]; got -1"),
        (["hydra.job.nme=x"], "unknown key 'hydra.job.nme'; keys under 'hydra.job': name, chdir"),
    ],
)
def test_bad_input_gets_one_line_naming_the_key(tmp_path, capsys, args, expected):
    run_dir = tmp_path / "run"
    code = cli.main(["run", *args, f"hydra.run.dir={run_dir}", f"hydra.sweep.dir={run_dir}"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert expected in err and len(err.splitlines()) == 1, err
    assert not run_dir.exists()


def test_the_allowed_keys_never_include_the_bad_one(capsys):
    assert cli.main(["run", "+new.key=1"]) == 2
    allowed = capsys.readouterr().err.split("keys at the top level:")[1]
    assert "new" not in [k.strip() for k in allowed.split(",")]


def test_help_is_printed_whatever_the_overrides(capsys):
    assert cli.main(["run", "policy=nope", "--help"]) == 0
    assert capsys.readouterr().out.startswith("orgsim run: ")
    inv = cli.parse("run", ["-m", "policy=a,b", "--cfg", "job", "hydra.run.dir=x"])
    assert (inv.multirun, inv.cfg, inv.user_overrides) == (True, "job", ["policy=a,b"])


@pytest.mark.slow
def test_multirun_writes_one_complete_job_per_choice_in_the_default_sweep_dir(tmp_path):
    import subprocess
    import sys

    args = ["-m", "policy=broker,laissez_faire", "years=1", "replicates=2", "workers=1"]
    done = subprocess.run(
        [sys.executable, "-m", "orgsim.cli", "run", *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    jobs = sorted(tmp_path.glob("multirun/run/*/[0-9]*"))
    assert [j.name for j in jobs] == ["0", "1"]
    assert all((j / "summary.json").is_file() and (j / "timeseries.parquet").is_file() for j in jobs)


def test_help_into_a_closed_pipe_ends_quietly() -> None:
    # `orgsim --help | head`: the reader is gone before orgsim writes (its end of the pipe closed first),
    # so every write fails; orgsim must end quietly, not with a broken-pipe traceback
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "orgsim.cli", "--help"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.stderr == "" and done.returncode == 0
