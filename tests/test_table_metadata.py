"""The tables describe themselves: every column of a sweep's runs.parquet and timeseries.parquet and of
`orgsim run`'s timeseries.parquet and departments.parquet carries its meaning and unit as Parquet field
metadata (from the outcome registry), and a sweep's monthly rows carry calendar dates and design values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from orgsim.commands.run import run_job
from orgsim.commands.sweep import prepare, sweep_job
from orgsim.config.compose import compose
from orgsim.outcomes import column_entry


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    """Two global-sensitivity points (levers and uncertainties under dotted keys), one year, every summary
    value and two reporters."""
    folder = tmp_path_factory.mktemp("sweep") / "s"
    plan = prepare(
        [
            "experiment=global_sensitivity",
            "sweep.n=1",
            "replicates=1",
            "years=1",
            "sweep.outcomes=[]",
            "sweep.timeseries=[it_influence,shadow_share]",
            f"hydra.run.dir={folder}",
        ]
    )
    sweep_job(plan, echo=lambda _: None)
    return folder


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    run_job(compose(["years=1", "replicates=1"]), folder)
    return folder


def _described(path: Path) -> dict[str, tuple[str, str]]:
    schema = pq.read_schema(path)
    out = {}
    for field in schema:
        meta = field.metadata or {}
        out[field.name] = (meta.get(b"meaning", b"").decode(), meta.get(b"unit", b"").decode())
    return out


def _check_every_column(path: Path) -> dict[str, tuple[str, str]]:
    described = _described(path)
    assert list(described) == list(pd.read_parquet(path).columns)
    for name, (meaning, unit) in described.items():
        assert meaning.strip() and unit.strip(), f"{path.name}: column {name} has no meaning or unit"
    return described


@pytest.mark.slow
def test_every_column_of_a_sweep_carries_its_meaning_and_unit(sweep_folder) -> None:
    runs = _check_every_column(sweep_folder / "runs.parquet")
    monthly = _check_every_column(sweep_folder / "timeseries.parquet")
    assert runs["final_it_influence"] == (column_entry("final_it_influence", "runs").meaning, "index, 0-1")
    assert monthly["it_influence"][0] == column_entry("it_influence", "timeseries").meaning
    # a lever's meaning names its settings key and that setting's own doc
    assert "it.budget" in runs["it.budget"][0] and "IT budget" in runs["it.budget"][0]
    assert monthly["it.budget"] == runs["it.budget"]
    # the year lists are numbered from 1, as the README numbers years: no year-0 column
    assert "year 1 " in runs["marginalized_by_year_1"][0] and "marginalized_by_year_0" not in runs


@pytest.mark.slow
def test_a_sweeps_monthly_rows_join_levers_and_calendar_years_alone(sweep_folder) -> None:
    runs = pd.read_parquet(sweep_folder / "runs.parquet")
    monthly = pd.read_parquet(sweep_folder / "timeseries.parquet")
    levers = [c for c in runs.columns if "." in c]
    assert levers and set(levers) <= set(monthly.columns)
    last = monthly[monthly["month"] == monthly["month"].max()].set_index("run_id")
    pd.testing.assert_frame_equal(last[levers], runs.set_index("run_id")[levers])
    assert (monthly["date"].dt.year == 2012 + monthly["month"] // 12).all()  # the scenario's start_year


@pytest.mark.slow
def test_every_column_of_orgsim_run_carries_its_meaning_and_unit(run_folder) -> None:
    monthly = _check_every_column(run_folder / "timeseries.parquet")
    assert "date" in monthly and monthly["date"][1] == "date"
    departments = _check_every_column(run_folder / "departments.parquet")
    assert departments["satisfaction"][0] == column_entry("satisfaction", "departments").meaning


def test_ids_and_list_entries_and_design_values_have_entries() -> None:
    for name in ("run_id", "row", "setting", "world", "replicate", "seed", "month", "date"):
        assert column_entry(name, "runs").meaning
    entry = column_entry("marginalized_by_year_2", "runs")
    assert "year 2 " in entry.meaning and entry.unit == "bool"
    doc = column_entry("start_year", "runs").meaning
    assert "calendar year of the first month" in doc
    assert column_entry("not.a.setting", "timeseries").meaning  # a design value still says what it is


@pytest.mark.slow
def test_never_and_the_cio_draws_are_named_in_the_runs_table(sweep_folder) -> None:
    runs = pd.read_parquet(sweep_folder / "runs.parquet")
    assert runs["shadow_majority_reached"].dtype == bool
    assert (runs["shadow_majority_reached"] == runs["month_shadow_majority"].notna()).all()
    # global_sensitivity draws the CIO (it.cio.draw=true): the draws are bools under their own names, and
    # no column presents a draw under a parameter's name
    assert runs["cio_acts"].dtype == bool and runs["cio_aspires"].dtype == bool
    assert not {"cio_willingness", "cio_aspiration"} & set(runs.columns)


def test_a_cio_level_is_not_a_draw(make_settings) -> None:
    from orgsim.model.metrics import run_summary
    from orgsim.model.organization import Organization

    drawn = Organization(make_settings("years=1"), 3).run()
    monthly = drawn.datacollector.get_model_vars_dataframe()
    summary = run_summary(monthly, drawn.setting.metrics)
    assert summary["cio_acts"] is bool(monthly["cio_willingness"].iloc[-1] == 1.0)
    assert "cio_willingness" not in summary and "cio_aspiration" not in summary
    level = Organization(make_settings("years=1", "it.cio.draw=false"), 3).run()
    summary = run_summary(level.datacollector.get_model_vars_dataframe(), level.setting.metrics)
    assert summary["cio_acts"] is None and summary["cio_aspires"] is None
    assert summary["shadow_majority_reached"] is (summary["month_shadow_majority"] is not None)


@pytest.fixture(scope="module")
def analysis_root(tmp_path_factory, experiments_run) -> Path:
    """The toy-size studies whose analyses write every kind of `orgsim analyze` table: sensitivity
    (global_sensitivity), PRIM boxes, peeling and the variance split (scenario_discovery), and robustness
    with its pareto, regret, preferred and switch-box tables (one archetype); their sweeps and analyses as
    `experiments/run.py --quick` runs them, without the figures (whose data files this test leaves out)."""
    import contextlib
    import io

    from orgsim import cli

    root = tmp_path_factory.mktemp("studies")
    for study in ("global_sensitivity", "scenario_discovery", "robustness/midsize"):
        for args in experiments_run.steps(study, experiments_run.STUDIES[study], root, True, 1):
            if args[0] != "plot":
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    assert cli.main(args) == 0, args
    return root


@pytest.mark.slow
def test_every_column_of_every_analyze_table_carries_its_meaning_and_unit(analysis_root) -> None:
    from orgsim.outcomes import ANALYSIS_TABLES

    seen = set()
    for path in sorted(analysis_root.glob("**/*.parquet")):
        name = path.name.removesuffix(".parquet")
        if name in ANALYSIS_TABLES and "figures" not in path.parts:
            described = _check_every_column(path)
            seen.add(name)
            # no analysis column falls back to a run outcome's or setting's entry by accident: each of the
            # table's own columns is listed for it
            for column in ANALYSIS_TABLES[name]:
                if column in described:
                    assert described[column][0] == ANALYSIS_TABLES[name][column].meaning
    assert seen == set(ANALYSIS_TABLES)
    variance = _described(analysis_root / "scenario_discovery" / "variance" / "variance.parquet")
    assert variance["share"] == ("the source's share of the outcome's variance", "share, 0-1")
    boxes = _described(analysis_root / "scenario_discovery" / "discover" / "prim_boxes.parquet")
    assert "lower bound" in boxes["low"][0] and boxes["density"][1] == "share, 0-1"
    # a sobol sweep's own sensitivity table is described too
    _check_every_column(analysis_root / "global_sensitivity" / "sweep" / "sensitivity.parquet")


def test_analysis_columns_beyond_their_own_are_objectives_or_design_values() -> None:
    assert "policy's world means" in column_entry("final_it_influence", "pareto").meaning
    assert "it.budget" in column_entry("it.budget", "robustness").meaning
    # a design key with no settings doc (a policy's sub-key) is still said to be a design value
    assert "design value" in column_entry("policy.governance", "preferred").meaning


def test_a_finished_runs_table_of_the_old_names_is_read_under_the_new_ones() -> None:
    from orgsim.results import renamed_runs

    old = pd.DataFrame(
        {
            "run_id": [0, 1],
            "cio_aspiration": [1.0, 0.0],
            "cio_willingness": [0.0, 0.0],
            "marginalized_by_year_0": [True, False],
            "marginalized_by_year_1": [True, True],
        }
    )
    new = renamed_runs(old)
    assert list(new.columns) == [
        "run_id", "marginalized_by_year_1", "marginalized_by_year_2", "cio_aspires", "cio_acts"
    ]  # fmt: skip
    assert new["cio_aspires"].tolist() == [True, False] and new["cio_acts"].tolist() == [False, False]
    assert new["marginalized_by_year_1"].tolist() == [True, False]  # the first year keeps its values
    level = renamed_runs(old.assign(cio_willingness=0.1))  # it.cio.draw=false: a chance, not a draw
    assert level["cio_acts"].isna().all()
    assert renamed_runs(new).equals(new)  # today's tables pass unchanged
