"""experiments/scenarios_page.py: the page's table is replaced between its markers and nowhere else, and
the rows cover every shipped scenario and policy."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from orgsim import api

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def page():
    spec = importlib.util.spec_from_file_location(
        "scenarios_page", ROOT / "experiments" / "scenarios_page.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    return module


def test_the_table_is_replaced_between_the_markers_only(page) -> None:
    text = f"intro\n{page.START}\nold table\n{page.END}\nbullets\n"
    new = page.replace_between(text, "| new |\n")
    assert new == f"intro\n{page.START}\n| new |\n{page.END}\nbullets\n"
    assert page.replace_between(new, "| new |") == new  # regenerating the same table changes nothing


@pytest.mark.parametrize(
    "text",
    ["no markers", "<!-- scenarios-table:end --> x <!-- scenarios-table:start -->",
     "<!-- scenarios-table:start --> <!-- scenarios-table:start --> <!-- scenarios-table:end -->"],
)  # fmt: skip
def test_a_page_without_one_ordered_pair_of_markers_is_refused(page, text) -> None:
    with pytest.raises(ValueError):
        page.replace_between(text, "| new |")


def test_the_shipped_page_holds_the_markers(page) -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert page.replace_between(text, "x").count(page.START) == 1


@pytest.mark.slow  # composes every scenario and policy (about 4 s)
def test_the_rows_cover_every_scenario_and_every_policy(page) -> None:
    rows = page.rows()
    overrides = [" ".join(r.overrides) for r in rows]
    for scenario in api.choices_of("scenario"):
        assert f"scenario={scenario}" in overrides
    for policy in api.choices_of("policy"):
        assert any(f"policy={policy}" in o for o in overrides) or api.base_settings().policy.name == policy
    assert len({r.label for r in rows}) == len(rows)
