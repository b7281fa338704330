"""experiments/verdict_at.py: the verdict with the role lines fitted again to a population (issue 22)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))
verdict_at = pytest.importorskip("verdict_at")


def shipped_as_overrides() -> list[str]:
    """The calibrated defaults' model keys (not the role lines, which do not move the runs) as key=value."""
    defaults = yaml.safe_load((ROOT / "configs" / "calibrated" / "abc_2012.yaml").read_text())
    return [
        f"{group}.{key}={value}"
        for group, keys in defaults.items()
        if group != "metrics"
        for key, value in keys.items()
    ]


def test_the_shipped_defaults_and_their_medians_given_by_hand_give_the_same_population(capsys):
    """calibrated=abc_2012 is the calibration's base with the fit's setting and medians: run both ways on
    the same seeds, the fitted lines, the held-out share and the verdict agree to the digit."""
    assert verdict_at.main(["--orgs", "12", "--workers", "1", *shipped_as_overrides()]) == 0
    blocks = re.split(r"^\S.*organizations, seed \d+$", capsys.readouterr().out, flags=re.M)[1:]
    shipped, by_hand = (re.sub(r"\(\d+ s\)", "", b).strip() for b in blocks)
    assert "lines fitted to 2015" in shipped
    assert shipped == by_hand


def test_a_bad_key_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        verdict_at.main(["--orgs", "2", "org.typo=3"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "org.typo" in err[0]
