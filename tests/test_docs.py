"""The documentation site: every command has a page, every command line the pages and the README show is
accepted by the command's schema, and the site builds with warnings as errors (broken links included)."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from orgsim import cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _command_lines() -> list[tuple[str, str]]:
    """Every `orgsim CMD ...` line inside a bash block of the README and the docs pages."""
    found = []
    for page in PAGES:
        for block in re.findall(r"```bash\n(.*?)```", page.read_text(), flags=re.S):
            text = block.replace("\\\n", " ")
            for line in text.splitlines():
                line = line.split("  #")[0].strip()
                match = re.search(r"(?:^|\s|/)orgsim (\w+)(.*?)(?:&&.*)?$", line)
                if match and match.group(1) in cli.COMMANDS:
                    found.append((page.name, f"orgsim {match.group(1)}{match.group(2)}".strip()))
    return found


def test_every_command_has_a_page_with_its_options():
    for name in cli.COMMANDS:
        page = ROOT / "docs" / "commands" / f"{name}.md"
        assert page.is_file(), page
        assert f"<!-- orgsim-help: {name} -->" in page.read_text()


def test_the_documented_command_lines_are_many():
    lines = _command_lines()
    assert len(lines) >= 30
    assert {line.split()[1] for _, line in lines} == set(cli.COMMANDS)


@pytest.mark.parametrize(
    ("page", "line"), _command_lines(), ids=[f"{p}: {c[:60]}" for p, c in _command_lines()]
)
def test_every_documented_command_line_is_accepted_by_its_schema(page, line):
    name, *args = shlex.split(line)[1:]
    inv = cli.parse(name, args)
    if not inv.help:
        cli.check(name, inv)  # keys, group options and value types, as the command checks them


@pytest.mark.slow
def test_the_site_builds_with_warnings_as_errors(tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("the docs extra is not installed: pip install -e '.[docs]'")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    site = tmp_path / "site"
    for page in ("index.html", "outcomes/index.html", "api/index.html", "findings/index.html"):
        assert (site / page).is_file(), page
    assert "keys of this command" in (site / "commands" / "run" / "index.html").read_text()
    assert "final_it_influence" in (site / "outcomes" / "index.html").read_text()
