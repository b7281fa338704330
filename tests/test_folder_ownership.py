"""Every command owns its output folder the same way (orgsim.rundir): it writes only into a new folder or
its own earlier output, never into a folder of the user's files, another command's output or a folder it
reads, whatever overwrite says; each refusal is one line, exit 2, and changes no file.

Table-driven: each class of folder is tried against every command (run, sweep, analyze, plot, validate,
calibrate), with tiny sizes so that a refusal costs a compose and, for sweeps, one probe run.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from orgsim import cli

SWEEP = ["experiment=policy_comparison", "replicates=2", "years=1"]


def command_args(command: str, sources: dict[str, Path]) -> list[str]:
    """The smallest valid command line of each command (its input from `sources`)."""
    return {
        "run": ["run", "replicates=1", "years=1"],
        "sweep": ["sweep", *SWEEP],
        "analyze": ["analyze", "variance", f"input={sources['sweep']}", "bootstrap=5"],
        "plot": ["plot", "plot=trajectories", f"input={sources['run']}", "plot.dpi=20", "plot.width=3",
                 "plot.height=2"],
        "validate": ["validate", "validate.size=quick", "validate.checks=[bass]", "validate.replicates=1", "workers=1"],
        "calibrate": ["calibrate", "sweep.n=4", "replicates=1", "years=5"],
    }[command]  # fmt: skip


COMMANDS = ("run", "sweep", "analyze", "plot", "validate", "calibrate")
# For each command, a folder of another command's output it must refuse (the costliest to lose first).
OTHER = {
    "run": "sweep",
    "validate": "run",
    "sweep": "run",
    "calibrate": "analysis",
    "analyze": "plot",
    "plot": "analysis",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """One real output of each kind, written by the commands themselves."""
    root = tmp_path_factory.mktemp("outputs")
    made = {k: root / k for k in ("run", "sweep", "analysis", "plot", "validation")}
    sources = {"run": made["run"], "sweep": made["sweep"]}
    for command, folder in (
        ("run", made["run"]),
        ("sweep", made["sweep"]),
        ("analyze", made["analysis"]),
        ("plot", made["plot"]),
        ("validate", made["validation"]),
    ):
        assert cli.main([*command_args(command, sources), f"hydra.run.dir={folder}"]) == 0, command
    return made


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` by relative path, with its content's hash."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def refused(args: list[str], root: Path, capsys, *words: str) -> str:
    """Run `args`; assert exit 2, one line naming the words, and no file under `root` changed."""
    before = tree(root)
    capsys.readouterr()
    code = cli.main(args)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"orgsim {args[0]}: error: ") and all(w in err for w in words), err
    assert tree(root) == before
    assert not [p for p in root.rglob("*orgsim-partial*")] + [p for p in root.rglob("*.orgsim-lock")]
    return err


def _copy(outputs: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    return {k: Path(shutil.copytree(v, tmp_path / "in" / k)) for k, v in outputs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_of_user_files_is_never_written_even_with_overwrite(command, outputs, tmp_path, capsys):
    mine = tmp_path / "project"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    (mine / ".hydra").mkdir()  # even a folder that looks a little like a run
    args = [*command_args(command, outputs), "overwrite=true", f"hydra.run.dir={mine}"]
    refused(args, tmp_path, capsys, str(mine), "holds files that are not an orgsim")


@pytest.mark.parametrize("command", COMMANDS)
def test_another_commands_output_is_never_written_even_with_overwrite(command, outputs, tmp_path, capsys):
    folders = _copy(outputs, tmp_path)
    target = folders[OTHER[command]]
    args = [*command_args(command, folders), "overwrite=true", f"hydra.run.dir={target}"]
    refused(args, tmp_path, capsys, str(target), "holds the output of orgsim", "choose another hydra.run.dir")


@pytest.mark.parametrize("command", ["sweep", "calibrate"])
def test_a_store_command_refuses_a_wrong_folder_before_it_composes_its_design(
    command, outputs, tmp_path, capsys, monkeypatch
):
    # composing and probing a design takes seconds (five policies: about 4 s); a refusal should not
    from orgsim.commands import sweep

    def never(*_args, **_kwargs):
        raise AssertionError("the design was prepared before the folder was checked")

    monkeypatch.setattr(sweep, "prepare", never)
    folders = _copy(outputs, tmp_path)
    args = [*command_args(command, folders), f"hydra.run.dir={folders['run']}"]
    refused(args, tmp_path, capsys, str(folders["run"]), "holds the output of orgsim run")


# The folder each command wrote in `outputs`; calibrate's own output is a sweep store of the calibration
# design, resumed by tests/test_calibration.py::test_calibrate_end_to_end_and_resume.
OWN = {"run": "run", "analyze": "analysis", "plot": "plot", "validate": "validation"}


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(OWN))
def test_own_earlier_output_is_kept_unless_overwrite(command, outputs, tmp_path, capsys):
    folders = _copy(outputs, tmp_path)
    target = folders[OWN[command]]
    args = [*command_args(command, folders), f"hydra.run.dir={target}"]
    refused(args, tmp_path, capsys, "already holds complete results; add overwrite=true")
    inputs = {k: tree(v) for k, v in folders.items() if k != OWN[command]}
    assert cli.main([*args, "overwrite=true"]) == 0
    assert {k: tree(v) for k, v in folders.items() if k != OWN[command]} == inputs  # inputs untouched
    assert (target / ".hydra" / "orgsim-output.json").is_file()


def test_a_sweep_resumes_its_own_store_and_keeps_every_stored_run(outputs, tmp_path, capsys):
    folders = _copy(outputs, tmp_path)
    store = folders["sweep"]
    kept = {k: v for k, v in tree(store).items() if k.startswith("parts") or k == "manifest.json"}
    assert cli.main(["sweep", *SWEEP, "overwrite=true", f"hydra.run.dir={store}"]) == 0
    assert {k: v for k, v in tree(store).items() if k in kept} == kept
    assert "0 run now" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["analyze", "plot"])
@pytest.mark.parametrize("where", ["the input", "a folder holding the input", "inside the input"])
def test_a_command_never_writes_into_around_or_inside_its_input(command, where, outputs, tmp_path, capsys):
    folders = _copy(outputs, tmp_path)
    source = folders["sweep" if command == "analyze" else "run"]
    target = {
        "the input": source,
        "a folder holding the input": source.parent,
        "inside the input": source / "x",
    }[where]
    args = [*command_args(command, folders), "overwrite=true", f"hydra.run.dir={target}"]
    refused(args, tmp_path, capsys, "orgsim " + command + " reads its input and never writes into it")


@pytest.mark.parametrize("command", sorted(OWN))
def test_overwrite_never_replaces_an_output_holding_the_users_files(command, outputs, tmp_path, capsys):
    folders = _copy(outputs, tmp_path)
    target = folders[OWN[command]]
    (target / "notes.txt").write_text("what I saw")
    args = [*command_args(command, folders), "overwrite=true", f"hydra.run.dir={target}"]
    refused(args, tmp_path, capsys, "holds files orgsim", "did not write (notes.txt)")
