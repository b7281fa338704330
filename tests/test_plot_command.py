"""`orgsim plot`: every spec renders from a small real run or sweep (or a table written here) at the size
asked for, the data written beside each figure is what pandas computes from the tables, and bad input
ends with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from orgsim.commands.plot import compose_plot, plot_job, prepare
from orgsim.config.validate import ConfigError
from orgsim.report import wilson_interval

ROOT = Path(__file__).resolve().parents[1]
KEPT = ["it_influence", "shadow_share", "it_spend_share", "it_decision_share", "it_innovation_share",
        "mean_satisfaction", "mean_reliance", "deployments_sanctioned", "deployments_brokered", "deployments_byot",
        "deployments_shadow"]  # fmt: skip


def orgsim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "orgsim.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory) -> Path:
    """A run of 6 replicates over 2 years."""
    base = tmp_path_factory.mktemp("plot_run")
    done = orgsim("run", "replicates=6", "years=2", f"hydra.run.dir={base / 'run'}", cwd=base)
    assert done.returncode == 0, done.stderr
    return base / "run"


@pytest.fixture(scope="session")
def sweep_folder(tmp_path_factory) -> Path:
    """A factorial sweep: 2 policies x 2 CIO willingness levels x 2 SaaS midpoints x 2 replicates, 2 years,
    keeping the monthly columns the figures over time need."""
    base = tmp_path_factory.mktemp("plot_sweep")
    done = orgsim(
        "sweep", "experiment=willingness_vs_appstores", "sweep.name=plot_grid", "replicates=2", "years=2",
        "sweep.levers.it.cio.willingness=[0.1,0.9]", "+sweep.levers.policy=[gatekeeper,laissez_faire]",
        "sweep.uncertainties.environment.saas_maturity.midpoint_year=[2013,2017]",
        "~sweep.uncertainties.environment.app_stores", f"sweep.timeseries=[{','.join(KEPT)}]",
        f"hydra.run.dir={base / 'sweep'}", cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return base / "sweep"


def sensitivity_table() -> pd.DataFrame:
    rows = []
    for outcome in ("marginalized", "final_it_influence"):
        for parameter, (s1, st, conf) in {
            "it.cio.willingness": (0.40, 0.55, 0.08),
            "environment.cloud_push": (0.05, 0.10, 0.12),
            "it.budget": (0.20, 0.30, 0.10),
        }.items():
            rows.append(
                dict(method="sobol", outcome=outcome, parameter=parameter, index="S1", value=s1, conf=conf)
            )
            rows.append(
                dict(method="sobol", outcome=outcome, parameter=parameter, index="ST", value=st, conf=conf)
            )
        rows.append(dict(method="sobol", outcome=outcome, parameter="(seeds)", index="seed_share", value=0.3,
                         conf=np.nan))  # fmt: skip
    return pd.DataFrame(rows)


def prim_table() -> pd.DataFrame:
    common = dict(outcome="marginalized", values="", coverage=0.8, density=0.9, mass=0.2)
    rows = [
        dict(common, box=1, parameter="it.cio.willingness", kind="numeric", low=0.0, high=0.3, range_low=0.0,
             range_high=1.0),
        dict(common, box=1, parameter="environment.saas_maturity.midpoint_year", kind="numeric", low=2013.0,
             high=2014.5, range_low=2013.0, range_high=2017.0),
        dict(common, box=1, parameter="policy", kind="categorical", low=np.nan, high=np.nan,
             values="laissez_faire,social_coe", range_low=np.nan, range_high=np.nan),
        dict(common, box=2, parameter="it.cio.willingness", kind="numeric", low=0.2, high=0.6, range_low=0.0,
             range_high=1.0, coverage=0.95, density=0.6, mass=0.4),
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def analysis_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("analysis")
    sensitivity_table().to_parquet(folder / "sensitivity.parquet")
    prim_table().to_parquet(folder / "prim_boxes.parquet")
    return folder


@pytest.fixture(scope="session")
def folders(run_folder, sweep_folder, analysis_folder) -> dict[str, Path]:
    return {"run": run_folder, "sweep": sweep_folder, "analysis": analysis_folder}


def draw(spec: str, folder: Path, out: Path, *overrides: str) -> tuple[Path, pd.DataFrame]:
    """Compose the spec as the command would and draw it in-process; the image and the data drawn."""
    # Low resolution unless a test asks otherwise: these tests check data and sizes, not looks.
    image, data = plot_job(compose_plot([f"plot={spec}", f"input={folder}", "plot.dpi=30", *overrides]), out)
    return image, pd.read_csv(data)


SMALL = ("plot.width=6", "plot.height=4", "plot.dpi=40")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "source"),
    [
        ("trajectories", "sweep"),
        ("role_components", "sweep"),
        ("marginalized_by_year", "sweep"),
        ("channels", "sweep"),
        ("policy_comparison", "sweep"),
        ("heatmap", "sweep"),
        ("network", "run"),
        ("sensitivity", "analysis"),
        ("prim", "analysis"),
    ],
)
def test_every_spec_renders_a_non_empty_image_of_the_requested_size(spec, source, folders, tmp_path):
    # role_components' eight cells with a four-group legend need more room than 6 x 4 (the next test)
    width, height = (8, 5) if spec == "role_components" else (6, 4)
    image, data = draw(
        spec, folders[source], tmp_path, f"plot.width={width}", f"plot.height={height}", "plot.dpi=40"
    )
    assert image == tmp_path / f"{spec}.png"
    pixels = matplotlib.image.imread(image)
    assert pixels.shape[:2] == (height * 40, width * 40)
    assert pixels[..., :3].std() > 0.05  # something is drawn, not a blank canvas
    assert len(data) > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{spec}.csv", f"{spec}.png"]


@pytest.mark.slow
def test_a_size_too_small_for_the_panels_is_refused_naming_the_size_that_fits(folders, tmp_path):
    # matplotlib saved such a figure with its panels collapsed and only a warning (CI's warnings summary)
    with pytest.raises(ConfigError) as refused:
        draw("role_components", folders["sweep"], tmp_path, *SMALL)
    assert str(refused.value) == (
        "plot.width/plot.height: 6 x 4 in leaves the role_components figure's panels no room for their "
        "titles and labels; its shipped size is 12 x 6.5 in"
    )
    assert list(tmp_path.iterdir()) == []  # neither the image nor its data


@pytest.mark.slow
def test_svg_and_pdf_are_written_when_asked(folders, tmp_path):
    svg, _ = draw("trajectories", folders["run"], tmp_path, "plot.format=svg")
    pdf, _ = draw("trajectories", folders["run"], tmp_path, "plot.format=pdf")
    assert svg.suffix == ".svg" and b"<svg" in svg.read_bytes()[:500]
    assert pdf.suffix == ".pdf" and pdf.read_bytes()[:4] == b"%PDF"


def _monthly(sweep_folder: Path) -> pd.DataFrame:
    runs = pd.read_parquet(sweep_folder / "runs.parquet")
    monthly = pd.read_parquet(sweep_folder / "timeseries.parquet")
    extra = [c for c in runs.columns if c == "run_id" or c not in monthly.columns]
    return monthly.merge(runs[extra], on="run_id")


@pytest.mark.slow
def test_trajectory_means_and_band_are_the_runs_per_policy_and_month(folders, tmp_path):
    _, data = draw(
        "trajectories", folders["sweep"], tmp_path, "plot.group=policy", "plot.outcome=shadow_share"
    )
    by = _monthly(folders["sweep"]).groupby(["policy", "month"])["shadow_share"]
    expected = pd.DataFrame({"mean": by.mean(), "p5": by.quantile(0.05), "p95": by.quantile(0.95)})
    got = data.set_index(["group", "month"])[["mean", "p5", "p95"]]
    got.index.names = expected.index.names
    pd.testing.assert_frame_equal(got, expected, check_exact=False)
    assert set(data["runs"]) == {8}


@pytest.mark.slow
def test_a_run_folder_plots_calendar_years_from_its_start_year(folders, tmp_path):
    _, data = draw("trajectories", folders["run"], tmp_path)
    timeseries = pd.read_parquet(folders["run"] / "timeseries.parquet")
    means = timeseries.groupby("month")["it_influence"].mean()
    np.testing.assert_allclose(data["mean"], means.to_numpy())
    np.testing.assert_allclose(data["year"], 2012 + data["month"] / 12)
    assert set(data["runs"]) == {6}


@pytest.mark.slow
def test_role_components_are_the_six_measures_of_the_timeseries(folders, tmp_path):
    _, data = draw("role_components", folders["run"], tmp_path)
    timeseries = pd.read_parquet(folders["run"] / "timeseries.parquet")
    assert list(dict.fromkeys(data["component"])) == [
        "it_spend_share", "it_decision_share", "it_innovation_share", "mean_satisfaction", "mean_reliance",
        "it_influence",
    ]  # fmt: skip
    for component, part in data.groupby("component"):
        np.testing.assert_allclose(part["mean"], timeseries.groupby("month")[component].mean().to_numpy())


@pytest.mark.slow
def test_marginalized_by_year_of_a_run_matches_its_summary(folders, tmp_path):
    _, data = draw("marginalized_by_year", folders["run"], tmp_path)
    years = json.loads((folders["run"] / "summary.json").read_text())["aggregate"]["marginalized_by_year"]
    assert list(data["year"]) == [2012 + y["year"] - 1 for y in years]
    np.testing.assert_allclose(data["share"], [y["share"] for y in years])
    np.testing.assert_allclose(data[["ci_low", "ci_high"]].to_numpy(), [y["ci95"] for y in years])


@pytest.mark.slow
def test_marginalized_by_year_of_a_sweep_is_the_share_per_setting_and_year(folders, tmp_path):
    _, data = draw("marginalized_by_year", folders["sweep"], tmp_path, "plot.group=policy")
    runs = pd.read_parquet(folders["sweep"] / "runs.parquet")
    for row in data.itertuples():
        arm = runs.loc[runs["policy"] == row.group, f"marginalized_by_year_{row.year_of_horizon}"]
        assert row.share == pytest.approx(arm.mean())
        assert (row.ci_low, row.ci_high) == pytest.approx(wilson_interval(int(arm.sum()), len(arm)))


@pytest.mark.slow
def test_channel_areas_are_the_mean_deployments_per_month(folders, tmp_path):
    _, data = draw("channels", folders["run"], tmp_path)
    timeseries = pd.read_parquet(folders["run"] / "timeseries.parquet")
    for channel in ("sanctioned", "brokered", "byot", "shadow"):
        means = timeseries.groupby("month")[f"deployments_{channel}"].mean()
        np.testing.assert_allclose(data[channel], means.to_numpy())


@pytest.mark.slow
def test_policy_comparison_bars_and_boxes_are_the_runs_per_policy(folders, tmp_path):
    _, data = draw("policy_comparison", folders["sweep"], tmp_path)
    runs = pd.read_parquet(folders["sweep"] / "runs.parquet")
    by = runs.groupby("policy")
    assert list(data["group"]) == ["gatekeeper", "laissez_faire"]
    np.testing.assert_allclose(data["share"], by["marginalized"].mean().to_numpy())
    np.testing.assert_allclose(data["median"], by["final_it_influence"].median().to_numpy())
    np.testing.assert_allclose(data["q75"], by["final_it_influence"].quantile(0.75).to_numpy())
    assert list(data["runs"]) == [8, 8]


@pytest.mark.slow
def test_heatmap_matrix_is_the_share_marginalized_per_cell(folders, tmp_path):
    x, y = "it.cio.willingness", "environment.saas_maturity.midpoint_year"
    _, data = draw("heatmap", folders["sweep"], tmp_path, f"plot.x={x}", f"plot.y={y}")
    runs = pd.read_parquet(folders["sweep"] / "runs.parquet")
    expected = runs.groupby([x, y])["marginalized"].mean().unstack()
    got = data.pivot(index=x, columns=y, values="value")
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy())
    assert set(data["runs"]) == {4}


@pytest.mark.slow
def test_heatmap_of_a_number_is_its_mean_per_cell(folders, tmp_path):
    _, data = draw("heatmap", folders["sweep"], tmp_path, "plot.x=policy", "plot.y=it.cio.willingness",
                   "plot.outcome=final_it_influence")  # fmt: skip
    runs = pd.read_parquet(folders["sweep"] / "runs.parquet")
    expected = runs.groupby(["policy", "it.cio.willingness"])["final_it_influence"].mean()
    np.testing.assert_allclose(data.set_index(["policy", "it.cio.willingness"])["value"], expected)


@pytest.mark.slow
def test_a_filter_keeps_only_the_matching_runs(folders, tmp_path):
    _, data = draw("policy_comparison", folders["sweep"], tmp_path, "plot.filters={it.cio.willingness: 0.9}")
    assert list(data["runs"]) == [4, 4]


@pytest.mark.slow
def test_network_nodes_are_the_departments_at_the_month(folders, tmp_path):
    _, data = draw("network", folders["run"], tmp_path, "plot.month=12")
    departments = pd.read_parquet(folders["run"] / "departments.parquet")
    at = departments[departments["month"] == 12].groupby("department")
    data = data.set_index("department")
    np.testing.assert_allclose(data["spend"], at["spend"].mean().reindex(data.index))
    outside = (at["deployments_byot"].sum() + at["deployments_shadow"].sum()).reindex(data.index)
    total = at[["deployments_sanctioned", "deployments_brokered", "deployments_byot", "deployments_shadow"]]
    np.testing.assert_allclose(data["outside_share"], outside / total.sum().sum(axis=1).reindex(data.index))


@pytest.mark.slow
def test_sensitivity_bars_are_the_table_indices_ranked_by_total_index(folders, tmp_path):
    _, data = draw("sensitivity", folders["analysis"], tmp_path, "plot.outcome=marginalized")
    table = sensitivity_table()
    assert list(dict.fromkeys(data["parameter"])) == [
        "it.cio.willingness",
        "it.budget",
        "environment.cloud_push",
    ]
    expected = table[(table["outcome"] == "marginalized") & (table["parameter"] != "(seeds)")]
    merged = data.merge(expected, on=["parameter", "index"], suffixes=("", "_table"))
    assert len(merged) == 6
    np.testing.assert_allclose(merged["value"], merged["value_table"])
    np.testing.assert_allclose(merged["conf"], merged["conf_table"])


@pytest.mark.slow
def test_sensitivity_caption_gives_the_seed_share_and_flags_noisy_indices(folders):
    figure = prepare(
        compose_plot(["plot=sensitivity", f"input={folders['analysis']}", "plot.outcome=marginalized"])
    )
    fig, _ = figure.draw()
    caption = fig.get_supxlabel().replace("\n", " ")
    assert "replicate seeds explain 30% of the variance" in caption
    assert "1 of 3 intervals wider than the index" in caption  # cloud_push: S1 0.05 +- 0.12


def test_morris_bars_rank_parameters_by_mu_star_and_skip_missing_intervals():
    from orgsim.plots.sensitivity import sensitivity_figure

    rows = []
    for parameter, (mu_star, sigma, conf) in {"a": (0.3, 0.1, 0.05), "b": (0.5, 0.4, np.nan)}.items():
        rows.append(dict(method="morris", outcome="final_it_influence", parameter=parameter, index="mu_star",
                         value=mu_star, conf=conf))  # fmt: skip
        rows.append(dict(method="morris", outcome="final_it_influence", parameter=parameter, index="sigma",
                         value=sigma, conf=np.nan))  # fmt: skip
    fig, drawn = sensitivity_figure(pd.DataFrame(rows), method="morris", outcome="final_it_influence",
                                    title="t", context="c", width=6, height=4)  # fmt: skip
    assert list(drawn["parameter"]) == ["b", "b", "a", "a"]
    assert list(drawn["index"]) == ["mu_star", "sigma", "mu_star", "sigma"]
    errorbars = [c for c in fig.axes[0].containers if type(c).__name__ == "ErrorbarContainer"]
    assert len(errorbars) == 1 and len(errorbars[0].lines[2][0].get_segments()) == 1  # only a's mu* has one


@pytest.mark.slow
def test_prim_ranges_are_scaled_to_the_full_range(folders, tmp_path):
    _, data = draw("prim", folders["analysis"], tmp_path)
    numeric = data[data["kind"] == "numeric"]
    expected = (numeric["low"] - numeric["range_low"]) / (numeric["range_high"] - numeric["range_low"])
    np.testing.assert_allclose(numeric["low_scaled"], expected)
    saas = data[data["parameter"] == "environment.saas_maturity.midpoint_year"].iloc[0]
    assert saas["high_scaled"] == pytest.approx(1.5 / 4)
    categorical = data[data["kind"] == "categorical"].iloc[0]
    assert (categorical["low_scaled"], categorical["high_scaled"]) == (0.0, 1.0)
    draw("prim", folders["analysis"], tmp_path / "box2", "plot.box=2")
    assert set(pd.read_csv(tmp_path / "box2" / "prim.csv")["box"]) == {2}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "source", "overrides", "expected"),
    [
        ("heatmap", "run", [], "plot.kind=heatmap needs a sweep folder"),
        ("network", "sweep", [], "plot.kind=network needs a run folder"),
        ("heatmap", "sweep", ["plot.x=nosuch"], "plot.x (a parameter of the design) must be one of it.cio"),
        ("policy_comparison", "sweep", ["plot.outcome=final_it_influence"], "a yes/no outcome"),
        ("policy_comparison", "sweep", ["plot.group=nosuch"], "plot.group must be one of"),
        ("network", "run", ["plot.month=99"], "plot.month must be in [0, 24]; got 99"),
        ("trajectories", "run", ["plot.format=gif"], "plot.format must be one of png, svg, pdf; got 'gif'"),
        ("trajectories", "sweep", ["plot.filters={policy: broker}"], "no run has policy in ['broker']"),
        ("sensitivity", "analysis", ["plot.method=morris"], "plot.method must be one of sobol; got 'morris'"),
        ("prim", "run", [], "holds no prim_boxes.parquet"),
    ],
)
def test_bad_specs_are_refused_with_a_line_naming_the_key(spec, source, overrides, expected, folders):
    with pytest.raises(ConfigError) as refused:
        prepare(compose_plot([f"plot={spec}", f"input={folders[source]}", *overrides]))
    assert expected in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.slow
def test_sampled_parameters_are_neither_heatmap_axes_nor_colour_groups(sweep_folder, tmp_path):
    import shutil

    import yaml

    sampled = tmp_path / "sampled"
    shutil.copytree(sweep_folder, sampled, ignore=shutil.ignore_patterns("parts"))
    config = yaml.safe_load((sampled / ".hydra" / "config.yaml").read_text())
    config["sweep"]["design"] = "lhs"  # willingness now reads as drawn from a range; policy stays listed
    config["sweep"]["levers"]["it"]["cio"]["willingness"] = {"low": 0.1, "high": 0.9}
    (sampled / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ConfigError, match=r"plot\.x: 'it\.cio\.willingness' was sampled"):
        prepare(
            compose_plot(["plot=heatmap", f"input={sampled}", "plot.x=it.cio.willingness", "plot.y=policy"])
        )
    _, data = draw("trajectories", sampled, tmp_path / "out")
    assert set(data["group"]) == {"gatekeeper", "laissez_faire"}


@pytest.mark.slow
def test_sensitivity_without_marginalized_needs_an_outcome(folders):
    # The table holds two outcomes, marginalized among them: that one is the default.
    figure = prepare(compose_plot(["plot=sensitivity", f"input={folders['analysis']}", "plot.outcome=null"]))
    assert "marginalized" in figure.draw()[0].get_suptitle()


def test_help_lists_every_shipped_plot_spec():
    import yaml

    template = yaml.safe_load((ROOT / "configs" / "plot.yaml").read_text())["hydra"]["help"]["template"]
    listed = template.split("== Plot specs")[1].split("==")[1].split("\n", 1)[1].split("== Examples")[0]
    names = {n.replace("(default)", "").strip() for n in listed.replace("\n", " ").split(",")}
    assert names == {p.stem for p in (ROOT / "configs" / "plot").glob("*.yaml")}


def _refused(done: subprocess.CompletedProcess, out: Path, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line, line
    assert line.startswith("orgsim plot: error: ") and all(w in line for w in words), line
    assert not out.exists()


@pytest.mark.slow
def test_a_missing_folder_is_one_line(tmp_path):
    out = tmp_path / "figures"
    done = orgsim(
        "plot", "plot=trajectories", f"input={tmp_path / 'nope'}", f"hydra.run.dir={out}", cwd=tmp_path
    )
    _refused(done, out, "input must be a run or sweep folder", "which does not exist")


@pytest.mark.slow
def test_an_empty_table_is_one_line(run_folder, tmp_path):
    empty = tmp_path / "empty_run"
    empty.mkdir()
    (empty / "summary.json").write_text((run_folder / "summary.json").read_text())
    pd.read_parquet(run_folder / "timeseries.parquet").iloc[:0].to_parquet(empty / "timeseries.parquet")
    out = tmp_path / "figures"
    done = orgsim("plot", "plot=trajectories", f"input={empty}", f"hydra.run.dir={out}", cwd=tmp_path)
    _refused(done, out, "timeseries.parquet", "is empty")


@pytest.mark.slow
def test_an_unknown_outcome_is_one_line_listing_the_outcomes(run_folder, tmp_path):
    out = tmp_path / "figures"
    done = orgsim(
        "plot",
        "plot=trajectories",
        f"input={run_folder}",
        "plot.outcome=nosuch",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    _refused(done, out, "plot.outcome must be one of", "shadow_share", "got 'nosuch'")


@pytest.mark.slow
def test_the_command_writes_figure_data_and_resolved_config_into_the_run_dir(sweep_folder, tmp_path):
    out = tmp_path / "figures"
    done = orgsim(
        "plot", "plot=heatmap", f"input={sweep_folder}", "plot.outcome=final_it_influence", "plot.width=5",
        "plot.height=4", "plot.dpi=40", f"hydra.run.dir={out}", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [".hydra", "heatmap.csv", "heatmap.png", "plot.log"]
    assert matplotlib.image.imread(out / "heatmap.png").shape[:2] == (160, 200)
    assert "outcome: final_it_influence" in (out / ".hydra" / "config.yaml").read_text()
    assert "outputs:" in done.stdout


@pytest.mark.slow
def test_figures_and_the_plot_command_import_nothing_of_the_model(tmp_path):
    code = (
        "import sys, orgsim.commands.plot, orgsim.plots.network, orgsim.plots.comparison, "
        "orgsim.plots.heatmap, orgsim.plots.sensitivity, orgsim.plots.prim; "
        "print(sorted(m for m in sys.modules if m.startswith(('orgsim.model', 'orgsim.runner'))))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


@pytest.mark.slow
def test_debug_shows_the_traceback_behind_the_one_line(tmp_path) -> None:
    plain = orgsim("plot", "plot=trajectories", f"input={tmp_path / 'missing'}", cwd=tmp_path)
    debug = orgsim("--debug", "plot", "plot=trajectories", f"input={tmp_path / 'missing'}", cwd=tmp_path)
    assert plain.returncode == 2 and len(plain.stderr.strip().splitlines()) == 1
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "ConfigError" in debug.stderr
