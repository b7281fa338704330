"""`orgsim analyze robustness` and its two figures (issue 19): the trade-off lines and the regret heat map
hold the analysis' numbers, bad keys get one line, and a toy sweep goes through command, tables and
figures end to end."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from orgsim.analysis import robustness as rb
from orgsim.commands.analyze import AnalyzeConfig, check
from orgsim.commands.plot import compose_plot, plot_job
from orgsim.config.validate import ConfigError
from orgsim.plots.regret import max_regret_table, world_regret_table
from orgsim.plots.tradeoff import tradeoff_table

# Three policies in four worlds, two objectives pulling apart: A is best on influence, C on incidents, B in
# between, D worse than B on both (dominated).
INFLUENCE = {"A": [0.6, 0.7, 0.5, 0.6], "B": [0.5, 0.5, 0.55, 0.5], "C": [0.3, 0.4, 0.35, 0.3], "D": [0.4, 0.45, 0.5, 0.45]}  # fmt: skip
INCIDENTS = {"A": [9.0, 8.0, 10.0, 9.0], "B": [5.0, 6.0, 5.0, 5.0], "C": [1.0, 2.0, 1.0, 1.0], "D": [6.0, 7.0, 6.0, 6.0]}  # fmt: skip


def runs() -> pd.DataFrame:
    rows = []
    for policy in INFLUENCE:
        for world in range(4):
            rows.append(
                {
                    "policy": policy,
                    "world": world,
                    "replicate": 0,
                    "environment.vendor_push": 0.4 + 0.1 * world,
                    "final_it_influence": INFLUENCE[policy][world],
                    "security_incidents": INCIDENTS[policy][world],
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return rb.robustness_tables(runs(), world_params=["environment.vendor_push"], draws=50)


@pytest.fixture(scope="module")
def analysis_folder(tables, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("robustness")
    for name, table in tables.items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def test_tradeoff_axes_put_the_best_policy_on_top_whatever_the_direction(tables) -> None:
    directions = {"final_it_influence": "up", "security_incidents": "down"}
    drawn = tradeoff_table(tables["pareto"], directions).set_index(["objective", "policy"])["position"]
    assert drawn["final_it_influence", "A"] == 1.0 and drawn["final_it_influence", "C"] == 0.0
    assert drawn["security_incidents", "C"] == 1.0 and drawn["security_incidents", "A"] == 0.0
    assert drawn.between(0, 1).all()


def test_tradeoff_marks_the_pareto_set(tables) -> None:
    drawn = tradeoff_table(tables["pareto"], {"final_it_influence": "up", "security_incidents": "down"})
    front = set(drawn.loc[drawn["pareto"], "policy"])
    assert front == {"A", "B", "C"}  # D: B has more influence and fewer incidents


def test_max_regret_cells_are_the_analysis_max_regret(tables) -> None:
    drawn = max_regret_table(tables["regret"]).set_index(["policy", "objective"])
    stats = tables["robustness"].set_index(["policy", "objective"])
    assert np.allclose(drawn["max_regret"], stats.loc[drawn.index, "max_regret"])
    # closed form: A's worst shortfall on incidents is 10 - 1 = 9 (world 2); the spread is 10 - 1
    assert drawn.loc[("A", "security_incidents"), "max_regret"] == 9.0
    assert drawn.loc[("A", "security_incidents"), "scaled"] == 1.0
    assert drawn["scaled"].between(0, 1).all()


def test_world_regret_orders_worlds_by_their_mean_regret(tables) -> None:
    drawn = world_regret_table(tables["regret"], "final_it_influence")
    assert len(drawn) == 4 * 4
    mean_by_order = drawn.groupby("world_order")["regret"].mean()
    assert mean_by_order.is_monotonic_increasing


@pytest.mark.parametrize("spec", ["tradeoff", "regret"])
def test_both_specs_draw_from_an_analysis_folder(spec, analysis_folder, tmp_path) -> None:
    args = [f"plot={spec}", f"input={analysis_folder}", "plot.width=6", "plot.height=4", "plot.dpi=40"]
    image, data = plot_job(compose_plot(args), tmp_path)
    assert matplotlib.image.imread(image).shape[:2] == (160, 240)
    assert len(pd.read_csv(data)) > 0


def test_regret_of_one_objective_draws_every_policy_and_world(analysis_folder, tmp_path) -> None:
    args = ["plot=regret", f"input={analysis_folder}", "plot.outcome=security_incidents", "plot.dpi=30"]
    _, data = plot_job(compose_plot(args), tmp_path)
    drawn = pd.read_csv(data)
    assert set(drawn["objective"]) == {"security_incidents"} and len(drawn) == 16


def test_regret_refuses_an_objective_the_analysis_did_not_weigh(analysis_folder, tmp_path) -> None:
    args = ["plot=regret", f"input={analysis_folder}", "plot.outcome=fragmentation"]
    with pytest.raises(ConfigError, match=r"plot\.outcome must be one of"):
        plot_job(compose_plot(args), tmp_path)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("percentile", 0.0, "percentile must be in"),
        ("percentile", 60.0, "percentile must be in"),
        ("regret", -1.0, "regret must be at least 0"),
        ("satisfice", "0.4", "satisfice must be a mapping"),
        ("satisfice", {"final_it_influence": "high"}, "satisfice must be a mapping"),
    ],
)
def test_bad_robustness_keys_get_one_line(key, value, message) -> None:
    with pytest.raises(ConfigError, match=message):
        check(AnalyzeConfig(analysis="robustness", **{key: value}))


# --- end to end --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def toy_sweep(tmp_path_factory) -> Path:
    from orgsim.cli import main

    folder = tmp_path_factory.mktemp("toy") / "sweep"
    args = [
        "experiment=policy_robustness", "sweep.n=4", "replicates=2", "years=1",
        "sweep.levers={policy:[gatekeeper,broker,laissez_faire],policy.governance:[neutral],"
        "it.cio.willingness:[0.0,0.9]}",
        f"hydra.run.dir={folder}",
    ]  # fmt: skip
    assert main(["sweep", *args]) == 0
    return folder


@pytest.mark.slow
def test_the_command_writes_every_table_then_both_figures(toy_sweep, tmp_path) -> None:
    from orgsim.cli import main

    out = tmp_path / "robustness"
    assert main(
        ["analyze", "robustness", f"input={toy_sweep}", "bootstrap=50", "satisfice={final_it_influence: 0.4}",
         "outcome=final_mean_satisfaction", f"hydra.run.dir={out}"],
    ) == 0  # fmt: skip
    for name in ("robustness", "pareto", "regret", "preferred", "switch_boxes"):
        assert (out / f"{name}.parquet").is_file() and (out / f"{name}.csv").is_file()
    table = pd.read_parquet(out / "robustness.parquet")
    assert table["policy"].nunique() == 3 * 2  # policy x CIO stance
    influence = table[table["objective"] == "final_it_influence"]
    assert (influence["threshold"] == 0.4).all()
    assert (influence["mean_low"] <= influence["mean"]).all() and (
        influence["mean"] <= influence["mean_high"]
    ).all()
    preferred = pd.read_parquet(out / "preferred.parquet")
    satisfaction = table[table["objective"] == "final_mean_satisfaction"]
    assert preferred["preferred_policy"].iloc[0] == satisfaction.loc[satisfaction["mean"].idxmax(), "policy"]
    assert "Pareto set" in (out / "summary.txt").read_text()
    for spec in ("tradeoff", "regret"):
        image, _ = plot_job(compose_plot([f"plot={spec}", f"input={out}", "plot.dpi=30"]), tmp_path / spec)
        assert image.is_file()


@pytest.mark.slow
def test_a_satisficing_threshold_for_no_objective_is_refused(toy_sweep, tmp_path, capsys) -> None:
    from orgsim.cli import main

    target = tmp_path / "bad"
    assert (
        main(
            ["analyze", "robustness", f"input={toy_sweep}", "satisfice={wait: 3}", f"hydra.run.dir={target}"]
        )
        == 2
    )
    assert "satisfice: wait must be one of the objectives" in capsys.readouterr().err
    assert not target.exists()


def test_report_sections_are_regenerated_in_place_and_the_others_kept(tmp_path) -> None:
    import importlib.util
    import sys

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("experiments_report", root / "experiments" / "report.py")
    report = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = report
    spec.loader.exec_module(report)
    kept = "## Baseline 2012: does BYOT marginalize IT?\n\nhand-written numbers stay\n"
    old = f"# title\n\nintro\n\n## Global sensitivity (Sobol)\n\nstale numbers\n\n{kept}"
    (tmp_path / "REPORT.md").write_text(old)
    report.write_sections(tmp_path, ["robustness", "global_sensitivity"])
    text = (tmp_path / "REPORT.md").read_text()
    assert text.startswith("# title\n\nintro\n\n" + report.ROBUSTNESS_HEADING)  # a new section leads
    assert "stale numbers" not in text and text.count("## Global sensitivity (Sobol)") == 1
    assert text.endswith(kept)
