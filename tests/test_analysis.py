"""`orgsim analyze`: Sobol and Morris recover known indices through the sweep analysis path, PRIM finds a
planted box, the variance split recovers known shares, every experiment runs at toy size and its sweeps go
through the command end to end, and bad input ends with one line and no tables."""

from __future__ import annotations

import contextlib
import io
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
from orgsim.analysis.variance import FIRM_SPLIT, SOURCES, cio_types, decompose, variance_by, variance_table
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


def cio_runs(replicates: int = 6, worlds: int = 200, seed: int = 5) -> tuple[pd.DataFrame, dict]:
    """A runs table with a known split: two policies (effects 0 and 1) x two budgets (-0.3, +0.3), a world
    effect, the CIO drawn per organization (the same draw under every setting, as paired seeds give:
    acting 20%, aspiring only 40%) with an effect of 0.4 (acting) and 0.1 (aspiring only) under policy a
    and none under b, and noise of variance 0.04. The true shares within each policy, from the
    realized world effects and draws (population variances, as the module scales the levers)."""
    rng = np.random.default_rng(seed)
    world = rng.normal(0, 0.5, worlds)
    u = rng.random((worlds, replicates))
    aspires, acts = u < 0.6, u < 0.2
    frames, setting = [], 0
    for policy, (effect, acting, aspiring) in {"a": (0.0, 0.4, 0.1), "b": (1.0, 0.0, 0.0)}.items():
        for budget in (-0.3, 0.3):
            noise = rng.normal(0, 0.2, (worlds, replicates))
            y = effect + budget + world[:, None] + acting * acts + aspiring * (aspires & ~acts) + noise
            w, r = np.meshgrid(np.arange(worlds), np.arange(replicates), indexing="ij")
            frames.append(pd.DataFrame(
                {"setting": setting, "world": w.ravel(), "replicate": r.ravel(), "policy": policy,
                 "cio_aspires": aspires.ravel(), "cio_acts": acts.ravel(),
                 "final_it_influence": y.ravel()}
            ))  # fmt: skip
            setting += 1
    truth = {}
    for policy, acting, aspiring in (("a", 0.4, 0.1), ("b", 0.0, 0.0)):
        cio = np.where(u < 0.2, acting, np.where(u < 0.6, aspiring, 0.0)).var()
        parts = {"levers": 0.09, "uncertainties": world.var(), "cio": cio, "chance": 0.04}
        truth[policy] = {k: v / sum(parts.values()) for k, v in parts.items()}
    return pd.concat(frames, ignore_index=True), truth


def test_the_cio_type_drawn_is_split_from_chance_within_each_policy() -> None:
    """Closed form: within policy a the CIO explains the variance of its effect over the draws (about
    0.058 of the total: 0.4^2 0.2 + 0.1^2 0.4 - 0.12^2 = 0.0216 over 0.09 + 0.25 + 0.0216 + 0.04, with the
    realized world spread and draws), within b nothing; chance is the noise; cio + chance = seeds. Measured: a
    cio 0.055, chance 0.108; b cio 0.000, chance 0.112 (truth 0.058 / 0.104, 0 / 0.111)."""
    runs, truth = cio_runs()
    table = variance_by(runs, "policy", ["final_it_influence"], draws=100)
    for policy, true in truth.items():
        rows = table[table["policy"] == policy].set_index("source")
        assert list(rows.index) == ["levers", "uncertainties", "interaction", "seeds", "cio", "chance"]
        for source, share in true.items():
            assert rows.loc[source, "share"] == pytest.approx(share, abs=0.025), (policy, source)
            assert rows.loc[source, "low"] <= rows.loc[source, "share"] <= rows.loc[source, "high"]
        assert rows.loc["cio", "share"] + rows.loc["chance", "share"] == pytest.approx(
            rows.loc["seeds", "share"]
        )
        assert rows.loc[["levers", "uncertainties", "interaction", "seeds"], "share"].sum() == pytest.approx(
            1
        )
    split = table.set_index(["policy", "source"])
    assert split.loc[("a", "cio"), "low"] > 0.03 and split.loc[("b", "cio"), "high"] < 0.01
    overall = variance_table(runs, ["final_it_influence"], draws=0).set_index("source")
    # over both policies: setting means -0.18, 0.42, 0.7, 1.3 (variance 0.284) against world 0.25, cio
    # 0.0108 (the CIO matters in half the cells) and noise 0.04: levers about 0.48, cio about 0.018
    assert overall.loc["levers", "share"] == pytest.approx(0.48, abs=0.03)
    assert overall.loc["cio", "share"] == pytest.approx(0.018, abs=0.006)


def test_the_organization_drawn_is_split_from_chance() -> None:
    """Closed form: runs of the CIO table whose organizations also differ in IT intensity (log factor
    N(0, 0.4), effect 0.25 per log unit: variance 0.01) and in committed share (logit N(0, 1), effect -0.1
    per logit unit: variance 0.01), the same draw under every setting; a third drawn value (size) has no
    effect. organization estimates those 0.02 (their realized variance), chance stays the noise, cio is
    unchanged, and cio + organization + chance = seeds. Without the organizations' columns the split is
    the CIO's alone, and its chance holds the organization."""
    runs, _ = cio_runs(replicates=6, worlds=200, seed=7)
    rng = np.random.default_rng(11)
    pairs = runs[["world", "replicate"]].drop_duplicates()
    draws = pairs.assign(
        log_it=rng.normal(0, 0.4, len(pairs)), logit=rng.normal(0, 1.0, len(pairs)),
        headcount=np.round(2000 * np.exp(rng.normal(0, 0.3, len(pairs)))),
    )  # fmt: skip
    runs = runs.merge(draws, on=["world", "replicate"])
    firm_effect = 0.25 * runs["log_it"] - 0.1 * runs["logit"]
    runs["final_it_influence"] += firm_effect
    runs["firm_it_intensity"] = np.exp(runs["log_it"])
    runs["firm_committed_share"] = 1 / (1 + np.exp(-runs["logit"]))
    split = variance_table(runs, ["final_it_influence"], draws=50).set_index("source")
    assert list(split.index) == [*SOURCES, *FIRM_SPLIT]
    total = split.loc[["levers", "uncertainties", "interaction", "seeds"], "share"].sum()
    assert total == pytest.approx(1)
    shares = split["share"]
    assert shares["cio"] + shares["organization"] + shares["chance"] == pytest.approx(shares["seeds"])
    # the components' scale: the seeds share over its variance (noise 0.04 + CIO + organization)
    variance = firm_effect.groupby([runs["world"], runs["replicate"]]).first().var()
    seeds_variance = 0.04 + variance + 0.5 * 0.0216  # the CIO matters under policy a only (half the cells)
    scale = shares["seeds"] / seeds_variance
    assert shares["organization"] == pytest.approx(variance * scale, rel=0.2)
    assert shares["chance"] == pytest.approx(0.04 * scale, rel=0.2)
    assert split.loc["organization", "low"] > 0
    without = variance_table(runs.drop(columns=["firm_it_intensity"]), ["final_it_influence"], draws=0)
    alone = without.set_index("source")["share"]
    assert "organization" not in alone.index
    assert alone["chance"] == pytest.approx(shares["organization"] + shares["chance"], rel=0.05)


def test_drawn_investment_rights_join_the_organization_component() -> None:
    """Under org.investment_rights=drawn each organization's IT part in core investments (0, 1/3, 1/2 or
    1) is what it drew: with an effect of 0.4 per unit it is split off as `organization`; held at one
    value (every firm a business monarchy) it is no covariate and the split is the CIO's alone."""
    runs, _ = cio_runs(replicates=6, worlds=200, seed=7)
    rng = np.random.default_rng(12)
    pairs = runs[["world", "replicate"]].drop_duplicates()
    part = rng.choice([0.0, 1 / 3, 0.5, 1.0], size=len(pairs))
    runs = runs.merge(pairs.assign(firm_it_investment_part=part), on=["world", "replicate"])
    runs["final_it_influence"] += 0.4 * runs["firm_it_investment_part"]
    runs = runs.assign(headcount=2000, firm_it_intensity=1.0, firm_committed_share=0.5)
    shares = variance_table(runs, ["final_it_influence"], draws=0).set_index("source")["share"]
    effect = (0.4 * runs["firm_it_investment_part"]).groupby([runs["world"], runs["replicate"]]).first().var()
    scale = shares["seeds"] / (0.04 + effect + 0.5 * 0.0216)  # noise, the investment part, the CIO
    assert shares["organization"] == pytest.approx(effect * scale, rel=0.2)
    fixed = variance_table(runs.assign(firm_it_investment_part=0.0), ["final_it_influence"], draws=0)
    assert "organization" not in set(fixed["source"])


def test_without_the_cio_draw_the_split_keeps_its_four_sources() -> None:
    runs, _ = cio_runs(replicates=3, worlds=20)
    assert cio_types(runs.assign(cio_acts=None)) is None  # it.cio.draw=false: no draw, null
    table = variance_table(runs.drop(columns=["cio_aspires", "cio_acts"]), ["final_it_influence"], 20)
    assert list(table["source"]) == ["levers", "uncertainties", "interaction", "seeds"]
    codes = cio_types(runs)
    assert set(codes) == {0, 1, 2} and (codes[runs["cio_acts"]] == 2).all()


# --- the experiments at toy size, and the command on their sweeps ----------------------------------------


@pytest.fixture(scope="module")
def quick(tmp_path_factory, experiments_run) -> Path:
    """Every study of experiments/run.py at toy size (the scripts must not rot); their results root."""
    root = tmp_path_factory.mktemp("experiments")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert experiments_run.main(["all", "--quick", "--out", str(root)]) == 0
    return root


@pytest.fixture(scope="module")
def study_inputs(tmp_path_factory, experiments_run) -> Path:
    """The first step alone (the run or the sweep) of three studies, as `experiments/run.py --quick` runs
    it: what the command tests below analyze, in seconds, without waiting for every study (about 100 s,
    built again in each test process that needs it)."""
    root = tmp_path_factory.mktemp("study_inputs")
    for name in ("baseline", "scenario_discovery", "global_sensitivity"):
        first = experiments_run.steps(name, experiments_run.STUDIES[name], root, True, 1)[0]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert cli.main(first) == 0, first
    return root


@pytest.fixture(scope="module")
def tiny_sweep(study_inputs) -> Path:
    return study_inputs / "scenario_discovery" / "sweep"  # lhs: 2 policies x 3 worlds x 2 replicates, crossed


@pytest.fixture(scope="module")
def tiny_sobol(study_inputs) -> Path:
    return study_inputs / "global_sensitivity" / "sweep"


@pytest.mark.slow
def test_every_experiment_runs_at_toy_size_into_tables_and_a_report(quick) -> None:
    for table in (
        "policy_comparison/variance/variance.parquet",
        "willingness_vs_appstores/variance/variance.parquet",
        "lebrun_integration/variance/variance.parquet",
        "global_sensitivity/sensitivity/sensitivity.parquet",
        "scenario_discovery/discover/prim_boxes.parquet",
        "scenario_discovery/variance/variance.parquet",
        "baseline/run/summary.json",
        "validation/run/summary.json",
        "validation/validate/validation.csv",
    ):
        assert (quick / table).is_file(), table
    report = (quick / "REPORT.md").read_text()
    for heading in ("## Headline: choices, world, the CIO or chance?", "## Baseline 2012", "## Policy comparison",
                    "## LeBrun", "## Global sensitivity", "## Scenario discovery",
                    "## Where the model is sensitive to assumptions",
                    "## Calibration and validation", "| over the posterior (chance plus parameters) |",
                    "- Held-out rows (never in the fit"):  # fmt: skip
        assert heading in report
    assert "Not run yet" not in report


@pytest.mark.slow
def test_the_variance_command_splits_the_cio_from_chance_within_each_policy(tmp_path) -> None:
    """A toy scenario_discovery sweep (2 policies x 2 budgets x 3 worlds x 4 replicates, one year) through
    `orgsim sweep` and `orgsim analyze variance`: the CIO draw and the organization drawn are kept, cio +
    organization + chance = seeds in both tables, and the summary prints the split of final_it_influence within each policy."""
    sweep, out = tmp_path / "sweep", tmp_path / "variance"
    quiet = [contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())]
    with quiet[0], quiet[1]:
        assert cli.main(
            ["sweep", "experiment=scenario_discovery", "executor=serial", "sweep.n=3", "replicates=4",
             "years=1", "sweep.levers.policy=[gatekeeper,laissez_faire]", "sweep.levers.it.cio.willingness=[0.2]",
             f"hydra.run.dir={sweep}"]
        ) == 0  # fmt: skip
    printed, warned = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(warned):
        assert (
            cli.main(["analyze", "variance", f"input={sweep}", "bootstrap=20", f"hydra.run.dir={out}"]) == 0
        )
    # 4 settings x 3 worlds x 3 degrees of freedom a cell = 36, against 4 regressions of 7 covariates (at 3
    # replicates, 24 < 28: the command warns that the organization is not split from chance)
    assert "not split from chance" not in warned.getvalue()
    for name, keys in (("variance", ["outcome"]), ("variance_by_policy", ["policy", "outcome"])):
        table = pd.read_parquet(out / f"{name}.parquet")
        share = table.set_index([*keys, "source"])["share"].unstack("source").dropna()
        assert len(share), name
        parts = share["cio"] + share.get("organization", 0.0) + share["chance"]
        assert parts.to_numpy() == pytest.approx(share["seeds"].to_numpy())
        assert "organization" in share.columns  # the experiment keeps what each organization drew
    by_policy = pd.read_parquet(out / "variance_by_policy.parquet")
    assert set(by_policy["policy"]) == {"gatekeeper", "laissez_faire"}
    text = printed.getvalue()
    assert "within each policy, final_it_influence" in text and "  gatekeeper: levers" in text


def analyze(*args: str) -> tuple[int, list[str]]:
    """`orgsim analyze ARGS` in this process: the exit code and the lines on stderr."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["analyze", *args])
    return code, err.getvalue().strip().splitlines()


@pytest.mark.slow
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
    assert set(variance["source"]) == {*SOURCES, *FIRM_SPLIT}
    by_policy = pd.read_parquet(tmp_path / "variance" / "variance_by_policy.parquet")
    assert list(by_policy.columns) == ["policy", "outcome", "source", "share", "low", "high"]
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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sensitivity", "input={tmp}/nope"], "input must be a sweep folder; got '{tmp}/nope', which does not exist"),
        (["sensitivity", "input={sweep}"], "analyze sensitivity needs a sweep with sweep.design one of sobol, morris"),
        (["variance", "input={empty}"], "runs.parquet holds no runs"),
        (["discover", "input={sweep}", "outcome=nope"], "outcome must be one of marginalized, "),
        (["variance", "input={sweep}", "outcome=nope"], "outcome must be one of marginalized, final_"),
        (["discover", "input={sweep}", "outcome=final_it_influence"], "give below=VALUE or above=VALUE"),
        (["trends", "input={sweep}"], "analysis must be one of sensitivity, discover, variance, robustness; got 'trends'"),
        (["discover", "input={sweep}", "thresold=0.5"], "unknown key 'thresold'; keys at the top level: analysis, input, outcome"),
        (["discover", "input={sweep}", "threshold=1.5"], "threshold must be in (0, 1]; got 1.5"),
        (["variance"], "input is required: input=<sweep folder>"),
        (["discover", "input={run}"], "is an orgsim run folder; analyze needs a sweep folder"),
    ],
)  # fmt: skip
def test_bad_input_ends_with_one_line_and_no_tables(
    args, message, study_inputs, tiny_sweep, tmp_path
) -> None:
    empty = _empty_copy(tiny_sweep, tmp_path / "empty") if "{empty}" in " ".join(args) else None
    run = study_inputs / "baseline" / "run"
    filled = [a.format(tmp=tmp_path, sweep=tiny_sweep, empty=empty, run=run) for a in args]
    out = tmp_path / "out"
    code, lines = analyze(*filled, f"hydra.run.dir={out}")
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("orgsim analyze: error: ")
    assert message.format(tmp=tmp_path) in lines[0]
    assert not out.exists()


def test_the_department_mix_is_split_from_chance_when_the_runs_keep_it() -> None:
    """Closed form: the organizations of the CIO table also differ in their mix (logit autonomy N(0, 0.5),
    effect 0.2 per logit unit: variance 0.01); the other draws have no effect. With firm_autonomy and
    firm_marketing_share kept, organization estimates that 0.01 and chance the noise; runs stored before
    the mix was kept (no such columns) leave it in chance."""
    runs, _ = cio_runs(replicates=6, worlds=200, seed=7)
    rng = np.random.default_rng(12)
    pairs = runs[["world", "replicate"]].drop_duplicates()
    draws = pairs.assign(
        log_it=rng.normal(0, 0.4, len(pairs)), logit=rng.normal(0, 1.0, len(pairs)),
        autonomy=rng.normal(0, 0.5, len(pairs)), marketing=rng.normal(-2, 0.3, len(pairs)),
        headcount=np.round(2000 * np.exp(rng.normal(0, 0.3, len(pairs)))),
    )  # fmt: skip
    runs = runs.merge(draws, on=["world", "replicate"])
    mix_effect = 0.2 * runs["autonomy"]
    runs["final_it_influence"] += mix_effect
    runs["firm_it_intensity"] = np.exp(runs["log_it"])
    runs["firm_committed_share"] = 1 / (1 + np.exp(-runs["logit"]))
    runs["firm_autonomy"] = 1 / (1 + np.exp(-runs["autonomy"]))
    runs["firm_marketing_share"] = 1 / (1 + np.exp(-runs["marketing"]))
    shares = variance_table(runs, ["final_it_influence"], draws=0).set_index("source")["share"]
    variance = mix_effect.groupby([runs["world"], runs["replicate"]]).first().var()
    scale = shares["seeds"] / (0.04 + variance + 0.5 * 0.0216)
    assert shares["organization"] == pytest.approx(variance * scale, rel=0.2)
    assert shares["chance"] == pytest.approx(0.04 * scale, rel=0.2)
    old = variance_table(
        runs.drop(columns=["firm_autonomy", "firm_marketing_share"]), ["final_it_influence"], 0
    )
    before = old.set_index("source")["share"]
    assert before["organization"] < 0.2 * shares["organization"]
    assert before["chance"] == pytest.approx(shares["organization"] + shares["chance"], rel=0.05)


def test_the_workforce_profile_is_the_headcount_weighted_mix() -> None:
    """Closed form on the configured organization (no mix drawn), and the drawn mix moves it."""
    from orgsim import api
    from orgsim.model.industry import workforce_profile
    from orgsim.model.organization import Organization

    flat = api.apply(api.base_settings(), {"org.mix_spread": 0.0, "org.size_spread": 0.0})
    depts = flat.org.departments
    heads = sum(d.headcount for d in depts.values())
    autonomy, marketing = workforce_profile(flat)
    assert autonomy == pytest.approx(sum(d.headcount * d.tech_autonomy for d in depts.values()) / heads)
    assert marketing == pytest.approx(depts["marketing"].headcount / heads)
    assert Organization(flat, 1).firm_autonomy == pytest.approx(autonomy, rel=1e-3)  # rounding of heads
    drawn = {Organization(api.base_settings(), s).firm_marketing_share for s in range(6)}
    assert len(drawn) == 6 and min(drawn) < marketing < max(drawn)


@pytest.mark.slow
def test_run_py_fresh_computes_a_sweep_again_that_an_earlier_model_left(tmp_path, experiments_run) -> None:
    """A study's sweep folder from another design is refused on resume, with a hint; --fresh removes this
    script's own sweep folder first and the study runs."""
    name = "policy_comparison"
    sweep = experiments_run.steps(name, experiments_run.STUDIES[name], tmp_path, True, 1)[0]
    stale = [*sweep, "seed=99"]  # the same folder, another design
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli.main(stale) == 0
        with pytest.raises(SystemExit, match="--fresh computes it again"):
            experiments_run.run_study(name, tmp_path, True, 1, log=lambda *_: None)
        experiments_run.run_study(name, tmp_path, True, 1, log=lambda *_: None, fresh_sweep=True)
    assert (tmp_path / name / "variance" / "variance.parquet").is_file()
