"""Every class of bad input answered the same way by all eight commands (one table per class).

Each row is one command; each test is one class of fault from the hostile-user study: a key that does
not exist, a value of the wrong type, a value out of range, an override that does not parse, a flag the
command does not take, a folder of the user's files as the output folder. The answer is always one line
on stderr naming the key and what is allowed, exit code 2, and nothing written.
"""

from __future__ import annotations

import pytest

from orgsim import cli

ALL = list(cli.COMMANDS)
# The words a command needs before any key (analyze: which analysis).
LEAD = {name: ["sensitivity"] if name == "analyze" else [] for name in ALL}

# One of each command's own keys with a value of the wrong type, and what the answer says.
WRONG_TYPE = {
    "run": ("years=x", "years must be an integer; got 'x'"),
    "sweep": ("replicates=x", "replicates must be an integer; got 'x'"),
    "analyze": ("bootstrap=x", "bootstrap must be an integer; got 'x'"),
    "plot": ("plot.dpi=x", "plot.dpi must be an integer; got 'x'"),
    "params": ("allowed=maybe", "allowed must be a boolean (true or false); got 'maybe'"),
    "calibrate": ("accept=x", "accept must be a float; got 'x'"),
    "viz": ("port=x", "port must be an integer; got 'x'"),
    "validate": ("validate.replicates=x", "validate.replicates must be an integer; got 'x'"),
}
# ... and with a value outside what the schema allows.
OUT_OF_RANGE = {
    "run": ("years=0", "years must be in [1, 100]; got 0"),
    "sweep": ("replicates=0", "replicates must be in [1, 100000]; got 0"),
    "analyze": ("threshold=2", "threshold must be in (0, 1]; got 2"),
    "plot": ("plot.format=gif", "plot.format must be one of"),
    "params": ("format=yaml", "format must be one of table, salib, ema; got 'yaml'"),
    "calibrate": ("accept=2", "accept must be in (0, 1]; got 2"),
    "viz": ("port=0", "port must be in [1, 65535]; got 0"),
    "validate": ("validate.size=huge", "validate.size must be one of full, quick; got 'huge'"),
}


def _one_line(capsys, name: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"orgsim {name}: error: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("name", ALL)
def test_help_has_the_same_sections_for_every_command(capsys, name):
    assert cli.main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"orgsim {name}: ")
    for section in (f"usage: orgsim {name}", "writes: ", "keys of this command (key=value", "examples:"):
        assert section in out, section
    for example in cli.COMMANDS[name].examples:
        assert example.startswith(f"orgsim {name}")


@pytest.mark.parametrize("name", ALL)
def test_an_unknown_key_names_the_keys_there_are(capsys, tmp_path, name):
    target = tmp_path / "out"
    assert cli.main([name, *LEAD[name], "bogus.key=1", f"hydra.run.dir={target}"]) == 2
    line = _one_line(capsys, name)
    assert "unknown key 'bogus'; keys at the top level: " in line
    assert not target.exists()


@pytest.mark.parametrize("name", ALL)
def test_a_misspelt_nested_key_lists_its_siblings(capsys, name):
    key = {"params": "format", "analyze": "input"}.get(name)
    if key is not None:  # no nested node: the top level is listed
        assert cli.main([name, *LEAD[name], f"{key}s=1"]) == 2
        assert f"unknown key '{key}s'; keys at the top level: " in _one_line(capsys, name)
        return
    node = {"plot": "plot", "validate": "validate"}.get(name, "it")
    assert cli.main([name, *LEAD[name], f"{node}.nope=1"]) == 2
    assert f"unknown key '{node}.nope'; keys under '{node}': " in _one_line(capsys, name)


@pytest.mark.parametrize("name", ALL)
def test_a_value_of_the_wrong_type_is_refused(capsys, name):
    override, expected = WRONG_TYPE[name]
    assert cli.main([name, *LEAD[name], override]) == 2
    assert expected in _one_line(capsys, name)


@pytest.mark.parametrize("name", ALL)
def test_a_value_out_of_range_is_refused(capsys, tmp_path, name):
    override, expected = OUT_OF_RANGE[name]
    args = [name, *LEAD[name], override]
    if name in ("analyze", "plot"):
        args.append(f"input={tmp_path}")  # the value is refused before the input is read
    assert cli.main(args) == 2
    assert expected in _one_line(capsys, name)


@pytest.mark.parametrize("name", ALL)
def test_an_override_that_does_not_parse_is_refused(capsys, name):
    assert cli.main([name, *LEAD[name], "seed=[1,"]) == 2
    assert "cannot parse override 'seed=[1,'; use key=value" in _one_line(capsys, name)


@pytest.mark.parametrize("name", ALL)
def test_an_unknown_flag_is_refused_naming_the_flags(capsys, name):
    assert cli.main([name, *LEAD[name], "--frobnicate"]) == 2
    line = _one_line(capsys, name)
    assert "unknown flag --frobnicate; " in line and "--help" in line


@pytest.mark.parametrize("name", ALL)
def test_a_word_that_is_not_key_value_is_refused(capsys, name):
    words = [*LEAD[name], "years", "5"] if name != "viz" else ["serve", "five"]
    assert cli.main([name, *words]) == 2
    assert "give key=value overrides" in _one_line(capsys, name)


@pytest.mark.parametrize("name", [n for n in ALL if n not in ("params", "analyze", "plot")])
def test_an_unknown_group_option_lists_the_options(capsys, name):
    assert cli.main([name, "policy=nope"]) == 2
    assert (
        "policy must be one of broker, gatekeeper, innovation_partner, laissez_faire, social_coe; got 'nope'"
        in (_one_line(capsys, name))
    )


@pytest.mark.parametrize("name", ALL)
def test_cfg_prints_the_composed_config_and_runs_nothing(capsys, tmp_path, name):
    target = tmp_path / "out"
    assert cli.main([name, *LEAD[name], "--cfg", "job", f"hydra.run.dir={target}"]) == 0
    out = capsys.readouterr().out
    assert out.strip() and "hydra:" not in out
    assert not target.exists()


@pytest.mark.parametrize("name", ["sweep", "calibrate", "params", "viz"])
def test_commands_without_hydra_apps_refuse_multirun_as_a_flag(capsys, name):
    assert cli.main([name, "-m", "seed=1,2"]) == 2
    assert "unknown flag -m" in _one_line(capsys, name)
