"""`orgsim analyze`: Sobol and Morris recover known indices through the sweep analysis path, PRIM finds a
planted box, the variance split recovers known shares, every experiment runs at toy size and its sweeps go
through the command end to end, and bad input ends with one line and no tables."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim import cli
from orgsim.analysis.prim import boxes_table, find_boxes
from orgsim.analysis.results import SweepResults
from orgsim.analysis.sensitivity import COLUMNS, noise_warning, sensitivity_table
from orgsim.analysis.variance import decompose
from orgsim.sweep.design import Factor, SweepConfig, design_table

# --- sensitivity on functions with known indices -------------------------------------------------------


def synthetic_sweep(design: str, n: int, bounds: list[tuple[float, float]], f, noise: float, replicates: int):
    """A sweep of f over uncertainties x1..xd, built exactly as `orgsim sweep` lays out its design rows."""
    factors = [Factor(f"x{i + 1}", "uncertainty", low=lo, high=hi) for i, (lo, hi) in enumerate(bounds)]
    sweep = SweepConfig(name=f"synthetic_{design}", design=design, n=n)
    design_rows = design_table(sweep, factors, seed=1)
    runs = pd.concat([design_rows.assign(replicate=r) for r in range(replicates)], ignore_index=True)
    rng = np.random.default_rng(0)
    x = [runs[f.key].to_numpy() for f in factors]
    runs["final_y"] = f(*x) + rng.normal(0, noise, len(runs))
    return SweepResults(sweep, factors, design_rows, runs, seed=1)


def ishigami(x1, x2, x3):
    return np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)


def test_sobol_on_the_ishigami_function_recovers_its_known_indices() -> None:
    pi = np.pi
    results = synthetic_sweep("sobol", 1024, [(-pi, pi)] * 3, ishigami, noise=0.3, replicates=2)
    table = sensitivity_table(results, draws=100)
    assert list(table.columns) == COLUMNS
    got = table.set_index(["parameter", "index"])["value"]
    for name, s1, st in (("x1", 0.314, 0.558), ("x2", 0.442, 0.442), ("x3", 0.0, 0.244)):
        assert got[(name, "S1")] == pytest.approx(s1, abs=0.06)
        assert got[(name, "ST")] == pytest.approx(st, abs=0.06)
    seeds = table[table["parameter"] == "(seeds)"].iloc[0]
    assert seeds["index"] == "seed_share" and 0 < seeds["value"] < 0.05  # noise variance 0.09 of ~13.9


def test_morris_ranks_a_linear_functions_parameters_by_their_slopes() -> None:
    results = synthetic_sweep(
        "morris", 40, [(0.0, 1.0)] * 4, lambda a, b, c, d: 8 * a + 4 * b + 1 * c + 0 * d, 0.01, 2
    )
    table = sensitivity_table(results, draws=50)
    mu = table[table["index"] == "mu_star"].set_index("parameter")["value"]
    assert list(mu.sort_values(ascending=False).index) == ["x1", "x2", "x3", "x4"]
    assert mu["x1"] == pytest.approx(8, rel=0.05) and mu["x4"] == pytest.approx(0, abs=0.05)


def test_indices_of_pure_noise_are_flagged_and_the_seed_share_says_so() -> None:
    results = synthetic_sweep("sobol", 64, [(0.0, 1.0)] * 3, lambda a, b, c: 0 * a, noise=1.0, replicates=3)
    table = sensitivity_table(results, draws=100)
    assert table[table["index"] == "S1"]["warning"].all()
    # total indices of noise come out near 1 with narrow intervals: the seed share is what tells
    assert table[table["parameter"] == "(seeds)"]["value"].iloc[0] > 0.8
    line = noise_warning(table, replicates=3)
    assert "have a 95% interval wider than the index" in line
    assert "seed noise is over a third of the averaged variance of final_y" in line


# --- PRIM -----------------------------------------------------------------------------------------------


def test_prim_finds_a_planted_box_with_a_categorical_dimension() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame(
        {"x1": rng.random(n), "x2": rng.random(n), "x3": rng.random(n), "policy": rng.choice(list("abc"), n)}
    )
    planted = X["x1"].between(0.2, 0.5) & (X["x2"] > 0.7) & (X["policy"] != "c")
    y = np.where(rng.random(n) < 0.05, ~planted, planted)  # 5% of the labels flipped
    boxes = find_boxes(X, y, threshold=0.9)  # the box holds 95% true cases, the rest of the space 5%
    table = boxes_table(X, boxes, "y")
    first = table[table["box"] == 1].set_index("parameter")
    assert set(first.index) == {"x1", "x2", "policy"}  # x3 plays no part
    assert first.loc["x1", "low"] == pytest.approx(0.2, abs=0.04)
    assert first.loc["x1", "high"] == pytest.approx(0.5, abs=0.04)
    assert first.loc["x2", "low"] == pytest.approx(0.7, abs=0.04)
    assert first.loc["x2", "high"] == pytest.approx(first.loc["x2", "range_high"])
    assert first.loc["policy", "kind"] == "categorical" and first.loc["policy", "values"] == "a,b"
    assert np.isnan(first.loc["policy", "low"]) and first.loc["x1", "values"] == ""
    assert first["density"].iloc[0] > 0.85
    assert first["coverage"].iloc[0] == pytest.approx(y[planted].sum() / y.sum(), abs=0.08)
    assert first["mass"].iloc[0] == pytest.approx(planted.mean(), abs=0.02)


def test_prim_finds_no_box_when_the_threshold_is_out_of_reach() -> None:
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"x1": rng.random(500)})
    assert find_boxes(X, rng.random(500) < 0.2, threshold=0.9) == []


# --- the variance split ---------------------------------------------------------------------------------


def crossed(settings: int, worlds: int, replicates: int, seed: int = 3):
    """y[s, w, r] = lever effect + world effect + interaction + seed noise (part shared by the settings,
    as paired runs share seeds), with the known shares of each."""
    rng = np.random.default_rng(seed)
    lever = rng.normal(size=settings)
    lever = (lever - lever.mean()) / lever.std() * np.sqrt(2.0)  # variance over the settings: exactly 2
    world = rng.normal(0, 1.0, (1, worlds, 1))
    interaction = rng.normal(0, np.sqrt(0.5), (settings, worlds, 1))
    shared_seed = rng.normal(0, np.sqrt(0.7), (1, worlds, replicates))
    own_seed = rng.normal(0, np.sqrt(0.8), (settings, worlds, replicates))
    y = lever[:, None, None] + world + interaction + shared_seed + own_seed
    parts = np.array([2.0, 1.0, 0.5 * (settings - 1) / settings, 1.5])
    return y, parts / parts.sum()


def test_the_variance_split_recovers_known_shares_of_a_crossed_design() -> None:
    y, truth = crossed(settings=6, worlds=200, replicates=6)
    table = decompose(y, draws=200)
    assert list(table["source"]) == ["levers", "uncertainties", "interaction", "seeds"]
    for row, true in zip(table.itertuples(), truth, strict=True):
        assert row.share == pytest.approx(true, abs=0.05), row.source
        assert row.low <= row.share <= row.high
    assert table["share"].sum() == pytest.approx(1)


def test_a_source_the_design_holds_fixed_has_no_share() -> None:
    y, _ = crossed(settings=5, worlds=1, replicates=100)
    table = decompose(y, draws=50, worlds_sampled=False).set_index("source")
    assert table.loc[["uncertainties", "interaction"], "share"].isna().all()
    assert table.loc[["levers", "seeds"], "share"].sum() == pytest.approx(1)


# --- the experiments at toy size, and the command on their sweeps ----------------------------------------

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> Path:
    """Every study of experiments/run.py at toy size (the scripts must not rot); their results root."""
    import importlib.util

    root = tmp_path_factory.mktemp("experiments")
    spec = importlib.util.spec_from_file_location("experiments_run", ROOT / "experiments" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert module.main(["all", "--quick", "--out", str(root)]) == 0
    return root


@pytest.fixture(scope="module")
def tiny_sweep(quick) -> Path:
    return quick / "scenario_discovery" / "sweep"  # lhs: 2 policies x 3 worlds x 2 replicates, crossed


@pytest.fixture(scope="module")
def tiny_sobol(quick) -> Path:
    return quick / "global_sensitivity" / "sweep"


def test_every_experiment_runs_at_toy_size_into_tables_and_a_report(quick) -> None:
    for table in (
        "policy_comparison/variance/variance.parquet",
        "willingness_vs_appstores/variance/variance.parquet",
        "lebrun_integration/variance/variance.parquet",
        "global_sensitivity/sensitivity/sensitivity.parquet",
        "scenario_discovery/discover/prim_boxes.parquet",
        "scenario_discovery/variance/variance.parquet",
        "baseline/run/summary.json",
    ):
        assert (quick / table).is_file(), table
    report = (quick / "REPORT.md").read_text()
    for heading in ("## Headline: choices, world or chance?", "## Baseline 2012", "## Policy comparison",
                    "## LeBrun", "## Global sensitivity", "## Scenario discovery",
                    "## Where the model is sensitive to assumptions"):  # fmt: skip
        assert heading in report
    assert "Not run yet" not in report


def analyze(*args: str) -> tuple[int, list[str]]:
    """`orgsim analyze ARGS` in this process: the exit code and the lines on stderr."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["analyze", *args])
    return code, err.getvalue().strip().splitlines()


def test_the_command_writes_each_analysis_as_parquet_and_csv_beside_its_config(
    tiny_sweep, tiny_sobol, tmp_path
):
    proc = subprocess.run(
        [sys.executable, "-m", "orgsim.cli", "analyze", "variance", f"input={tiny_sweep}", "bootstrap=50",
         f"hydra.run.dir={tmp_path / 'variance'}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    variance = pd.read_parquet(tmp_path / "variance" / "variance.parquet")
    assert list(variance.columns) == ["outcome", "source", "share", "low", "high"]
    assert set(variance["source"]) == {"levers", "uncertainties", "interaction", "seeds"}
    assert pd.read_csv(tmp_path / "variance" / "variance.csv").shape == variance.shape
    assert "input:" in (tmp_path / "variance" / ".hydra" / "config.yaml").read_text()

    code, _ = analyze(
        "discover", f"input={tiny_sweep}", "threshold=0.6", f"hydra.run.dir={tmp_path / 'prim'}"
    )
    assert code == 0
    boxes = pd.read_parquet(tmp_path / "prim" / "prim_boxes.parquet")
    assert list(boxes.columns) == [
        "outcome", "box", "parameter", "kind", "low", "high", "values", "range_low", "range_high",
        "coverage", "density", "mass",
    ]  # fmt: skip

    code, lines = analyze("sensitivity", f"input={tiny_sobol}", f"hydra.run.dir={tmp_path / 'sobol'}")
    assert code == 0
    table = pd.read_parquet(tmp_path / "sobol" / "sensitivity.parquet")
    assert list(table.columns) == COLUMNS
    assert set(table["index"]) == {"S1", "ST", "seed_share"}
    assert all(line.startswith("orgsim analyze: warning: ") for line in lines) and len(lines) <= 1
    # the sweep computed its own indices through the same code
    from_sweep = pd.read_parquet(tiny_sobol / "sensitivity.parquet")
    pd.testing.assert_frame_equal(from_sweep, table)


def _empty_copy(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    pd.read_parquet(target / "runs.parquet").iloc[:0].to_parquet(target / "runs.parquet")
    return target


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sensitivity", "input={tmp}/nope"], "input must be a sweep folder; got '{tmp}/nope', which does not exist"),
        (["sensitivity", "input={sweep}"], "analyze sensitivity needs a sweep with sweep.design one of sobol, morris"),
        (["variance", "input={empty}"], "runs.parquet holds no runs"),
        (["discover", "input={sweep}", "outcome=nope"], "outcome must be one of marginalized, "),
        (["variance", "input={sweep}", "outcome=nope"], "outcome must be one of marginalized, final_"),
        (["discover", "input={sweep}", "outcome=final_it_influence"], "give below=VALUE or above=VALUE"),
        (["trends", "input={sweep}"], "analysis must be one of sensitivity, discover, variance; got 'trends'"),
        (["discover", "input={sweep}", "thresold=0.5"], "unknown key 'thresold'; keys: analysis, input, outcome"),
        (["discover", "input={sweep}", "threshold=1.5"], "threshold must be in (0, 1]; got 1.5"),
        (["variance"], "input is required: input=<sweep folder>"),
        (["discover", "input={run}"], "is an orgsim run folder; analyze needs a sweep folder"),
    ],
)  # fmt: skip
def test_bad_input_ends_with_one_line_and_no_tables(args, message, quick, tiny_sweep, tmp_path) -> None:
    empty = _empty_copy(tiny_sweep, tmp_path / "empty") if "{empty}" in " ".join(args) else None
    run = quick / "baseline" / "run"
    filled = [a.format(tmp=tmp_path, sweep=tiny_sweep, empty=empty, run=run) for a in args]
    out = tmp_path / "out"
    code, lines = analyze(*filled, f"hydra.run.dir={out}")
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("orgsim analyze: error: ")
    assert message.format(tmp=tmp_path) in lines[0]
    assert not out.exists()
