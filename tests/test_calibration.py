"""Calibration: target statistics, the noise-aware ABC distance, recovery of a toy model's parameters, and
`orgsim calibrate` end to end on a tiny sample."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from orgsim import api
from orgsim.calibration.abc import WEIGHT, Statistic, distances, posterior_summary, reject, row_statistics
from orgsim.calibration.targets import FIT_TARGETS, REPORTERS, TARGETS, run_statistics, window
from orgsim.intervals import ratio_interval


def test_window_is_the_calendar_year():
    # month m of a run starting in 2012 lies in year 2012 + m/12; 2013 is months 13..24
    table = pd.DataFrame({"month": np.arange(61), "x": np.arange(61, dtype=float)})
    assert window(table, 2012, 2013, "x") == pytest.approx(np.mean(np.arange(13, 25)))
    assert window(table, 2012, 2016, "x") == pytest.approx(np.mean(np.arange(49, 61)))


def test_target_statistics_of_a_known_table():
    months = np.arange(73)
    n = len(months)
    table = pd.DataFrame(
        {
            "month": months,
            "business_tech_spend_share": np.full(n, 0.25),  # outside / IT = 1/3
            "marketing_tech_spend": np.full(n, 500.0),
            "it_budget": np.full(n, 1000.0),
            "headcount": np.full(n, 400.0),
            "outside_managed_share": np.full(n, 0.4),
            "it_decision_share": np.where(months <= 36, 0.6, 0.4),  # controls most in 2014, not 2015
            "shadow_share": months / 72.0,
            "it_influence": np.where(months <= 48, 0.3, 0.5),  # 0.3 through 2015, 0.5 from 2016
            "active_deployments": np.full(n, 10.0),
            "deployments_byot": np.full(n, 3.0),
            "deployments_shadow": np.full(n, 2.0),
            "deployments_created": months * 2.0,  # two a month
            "deployments_retired": months * 2.0,  # ... and two retire: the stock stays at 10, half outside
            "shut_down": np.zeros(n),
            "deployments_sanctioned": np.full(n, 4.0),
            "deployments_brokered": np.full(n, 1.0),
            # IT manages 3 of the 5 the business brought in itself until 2014, 2 of 5 from 2015
            "deployments_it_managed": np.where(months <= 36, 8.0, 7.0),
        }
    )
    stats = run_statistics(table, 2012)
    weighted = {t.name for t in TARGETS if t.weight is not None}
    assert weighted == {"outside_over_it_2013", "outside_share_2015_idc"}
    assert set(stats) == {t.name for t in TARGETS} | {name + WEIGHT for name in weighted}
    assert stats["outside_over_it_2013"] == pytest.approx(1 / 3)
    # CEB's ratio of averages weighs each firm by its IT budget per head; IDC's pooled share by its spend
    assert stats["outside_over_it_2013" + WEIGHT] == pytest.approx(1000.0 / 400.0)
    assert stats["outside_share_2015_idc" + WEIGHT] == pytest.approx(1000.0 / 0.75)
    assert stats["outside_share_2015"] == pytest.approx(0.25)
    assert stats["it_manages_business_bought_2014"] == 1.0  # 3 of 5 over 2014 (months 25-36)
    assert stats["marketing_over_it_2016"] == pytest.approx(0.5)  # against the WHOLE IT budget
    assert stats["it_involved_2012"] == pytest.approx(0.6)
    assert stats["cio_controls_most_2014"] == 1.0 and stats["cio_controls_most_2015"] == 0.0
    assert stats["shadow_primary_path_2015"] == pytest.approx(0.5)  # the flow: retirements replaced alike
    assert stats["cio_functional_2015"] == pytest.approx(0.3) and stats["cio_functional_2016"] == 0.5
    assert set(REPORTERS) <= set(table.columns)


def test_sampling_noise_shortens_the_distance_and_missing_values_are_far():
    stat = [Statistic("s", 0.0, 0.1)]
    table = pd.DataFrame({"s": [0.2, 0.2, np.nan], "s_var": [0.0, 0.03, 0.0]})
    d = distances(table, stat)
    assert d.iloc[0] == pytest.approx(2.0)
    assert d.iloc[1] == pytest.approx(0.2 / np.sqrt(0.01 + 0.03))
    assert np.isinf(d.iloc[2])


def test_population_share_variance_is_never_zero():
    per_run = pd.DataFrame({"row": [0, 0, 0, 0, 1, 1, 1, 1], "p": [1, 1, 1, 1, 1, 0, 1, 0]})
    table = row_statistics(per_run, [Statistic("p", 0.5, 0.1, population=True)])
    assert table.loc[0, "p"] == 1.0 and table.loc[0, "p_var"] > 0.0
    assert table.loc[1, "p"] == 0.5 and table.loc[1, "p_var"] == pytest.approx(0.5 * 0.5 / 4)


def test_a_weighted_statistic_is_the_ratio_of_means_with_the_ratio_estimators_variance():
    # row 0: firms with outside spend a and IT spend b: ratios a/b weighted by b give sum(a) / sum(b)
    a, b = np.array([1.0, 3.0, 2.0]), np.array([2.0, 4.0, 8.0])
    per_run = pd.DataFrame(
        {"row": [0, 0, 0, 1, 1], "r": [*(a / b), 0.5, np.nan], "r" + WEIGHT: [*b, 2.0, 9.0]}
    )
    table = row_statistics(per_run, [Statistic("r", 0.4, 0.1, weighted=True)])
    ratio = a.sum() / b.sum()
    assert table.loc[0, "r"] == pytest.approx(ratio)  # not the mean of the ratios, 0.4167
    residual = a - ratio * b
    assert table.loc[0, "r_var"] == pytest.approx((residual**2).sum() / 2 / 3 / b.mean() ** 2)
    # a run with no value is left out, weight and all; one run left has no sampling variance to estimate
    assert table.loc[1, "r"] == 0.5 and table.loc[1, "r_var"] == 0.0
    mean, low, high = ratio_interval(a / b, b)
    half = 1.959963984540054 * np.sqrt(table.loc[0, "r_var"])
    assert mean == pytest.approx(ratio) and (low, high) == pytest.approx((ratio - half, ratio + half))


def test_rejection_abc_recovers_a_toy_models_parameters():
    """Two parameters, two noisy statistics, three replicates per prior draw: the known parameters lie
    inside the 90% credible intervals and the medians near them; an uninformative parameter stays wide."""
    rng = np.random.default_rng(7)
    n, reps, truth = 4000, 3, (0.3, 0.6)
    params = pd.DataFrame({"a": rng.random(n), "b": rng.random(n), "c": rng.random(n)})
    params.index.name = "row"
    rows = np.repeat(np.arange(n), reps)
    a, b = params["a"].to_numpy()[rows], params["b"].to_numpy()[rows]
    per_run = pd.DataFrame(
        {"row": rows, "s1": a + rng.normal(0, 0.03, len(rows)), "s2": a * b + rng.normal(0, 0.03, len(rows))}
    )
    stats = [Statistic("s1", truth[0], 0.01), Statistic("s2", truth[0] * truth[1], 0.01)]
    accepted, _ = reject(params, row_statistics(per_run, stats), stats, accept=0.03)
    post = posterior_summary(accepted, {"a": (0, 1), "b": (0, 1), "c": (0, 1)}).set_index("parameter")
    for key, value in zip("ab", truth, strict=True):
        assert post.loc[key, "low90"] <= value <= post.loc[key, "high90"]
        assert abs(post.loc[key, "median"] - value) < 0.08
    assert post.loc["a", "identified"] > 0.7
    assert post.loc["c", "identified"] < 0.3  # c drives nothing: its posterior is its prior


def orgsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orgsim.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["accept=1.7"], "accept must be in (0, 1]"),
        (["accept=many"], "accept must be a float"),
        (["sweep.design=factorial"], "factorial design needs listed values"),
        (["sweep.timeseries=[shadow_share]", "sweep.n=4"], "sweep.timeseries must keep"),
        (["confirm=-1"], "confirm must be 0 (off)"),
        (["confirm=1", "sweep.n=40"], "confirm must lie between the sets accepted (accept x sets = 2)"),
        (["confirm=4", "confirm_runs=0", "sweep.n=8"], "confirm_runs must be at least 1"),
    ],
)
def test_bad_input_is_one_line(tmp_path, args, needle):
    result = orgsim("calibrate", *args, f"hydra.run.dir={tmp_path / 'c'}", "replicates=1", "years=5")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert not (tmp_path / "c" / "posterior.csv").exists()


@pytest.mark.slow
def test_calibrate_end_to_end_and_resume(tmp_path):
    out = tmp_path / "cal"
    args = ("calibrate", "sweep.n=8", "replicates=2", "accept=0.25", f"hydra.run.dir={out}")
    first = orgsim(*args)
    assert first.returncode == 0, first.stderr
    posterior = pd.read_csv(out / "posterior.csv")
    assert len(posterior) == 10 and (posterior["low90"] <= posterior["median"]).all()
    assert (posterior["width_ratio"] > 0).all()
    assert (posterior["median"] <= posterior["high90"]).all()
    assert len(pd.read_csv(out / "accepted.csv")) == 2
    targets = pd.read_csv(out / "targets.csv")
    assert set(targets["target"]) == {t.name for t in FIT_TARGETS}  # forecasts and held-out rows: never
    assert (out / "pairs.png").stat().st_size > 0
    scenario = yaml.safe_load((out / "calibrated_scenario.yaml").read_text())
    values = dict(_dotted(scenario))
    assert set(values) == set(posterior["parameter"])  # every posterior median, as a valid setting
    setting = api.apply(api.base_settings(), values)
    assert setting.it.budget == pytest.approx(_dotted_get(scenario, "it.budget"))
    manifest_runs = len(pd.read_parquet(out / "runs.parquet"))
    again = orgsim(*args)
    assert again.returncode == 0, again.stderr
    assert len(pd.read_parquet(out / "runs.parquet")) == manifest_runs == 16
    assert pd.read_csv(out / "posterior.csv").equals(posterior)


@pytest.mark.slow
def test_confirmation_accepts_on_new_runs_of_the_nearest_sets(tmp_path):
    """confirm=4 runs the 4 sets nearest on the sweep's own runs again, 3 new runs each (seeds the sweep
    never used), and accepts 2 of them on those runs alone; the same under another executor."""
    from orgsim.commands.calibrate import per_run_statistics

    out = tmp_path / "cal"
    args = ("calibrate", "sweep.n=8", "replicates=2", "accept=0.25", "confirm=4", "confirm_runs=3")
    first = orgsim(*args, f"hydra.run.dir={out}")
    assert first.returncode == 0, first.stderr
    assert "confirmed: the 4 nearest sets run again, 3 new runs each" in first.stdout
    accepted = pd.read_csv(out / "accepted.csv")
    assert len(accepted) == 2 and (accepted["runs"] == 3).all()
    # the sweep's own distances: the accepted sets are among its 4 nearest
    runs, ts = pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "timeseries.parquet")
    stats = [t.fit_statistic for t in FIT_TARGETS]
    own = row_statistics(per_run_statistics(runs, ts, 2012, FIT_TARGETS), stats)
    nearest = distances(own, stats).sort_values(kind="stable").index[:4]
    assert set(accepted["row"]) <= set(nearest)
    # on new runs: the accepted statistics are not the sweep's own for these rows
    mine = own.loc[accepted["row"], [s.name for s in stats]].to_numpy()
    assert not np.allclose(accepted[[s.name for s in stats]].to_numpy(), mine)
    other = orgsim(*args, "executor=processes", "executor.workers=2", f"hydra.run.dir={tmp_path / 'p'}")
    assert other.returncode == 0, other.stderr
    pd.testing.assert_frame_equal(accepted, pd.read_csv(tmp_path / "p" / "accepted.csv"))


def _dotted(node: dict, prefix: str = ""):
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _dotted(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _dotted_get(node: dict, key: str):
    for part in key.split("."):
        node = node[part]
    return node


def test_fitted_targets_cannot_identify_the_role_weights():
    """The index weights only weigh the observed components: the reporters the fitted targets read are
    identical run for run when the five weights change, so the ABC targets carry no information on them
    (issue 22: they stay assumed, ODD 2.0)."""
    from orgsim.calibration.targets import FIT_REPORTERS

    base = api.apply(api.base_settings(), {"years": 2})
    keys = [k for k in vars(base.metrics) if k.startswith("weight_")]
    assert len(keys) == 5
    changed = api.apply(base, {f"metrics.{k}": 0.1 * (i + 1) for i, k in enumerate(keys)})
    for seed in (1, 2):
        _, a = api.simulate(base, seed, FIT_REPORTERS)
        _, b = api.simulate(changed, seed, FIT_REPORTERS)
        for r in FIT_REPORTERS:
            np.testing.assert_array_equal(np.asarray(a[r], float), np.asarray(b[r], float))


def test_a_fits_fixed_settings_travel_with_its_medians():
    """A fit run with a model parameter set on the command line (org.investment_rights=drawn) writes that
    setting into its calibrated scenario beside the medians; run settings, group choices and the sampled
    parameters themselves are not copied."""
    from types import SimpleNamespace

    from orgsim.commands.calibrate import scenario_yaml
    from orgsim.config.overrides import model_parameters

    overrides = ["executor=processes", "sweep.n=20", "policy=gatekeeper", "years=4",
                 "org.investment_rights=drawn", "it.budget=9000", "hydra.run.dir=x"]  # fmt: skip
    assert model_parameters(overrides) == {"org.investment_rights": "drawn", "it.budget": 9000}
    posterior = pd.DataFrame(
        [{"parameter": "it.budget", "median": 4905.3, "prior_low": 2000.0, "prior_high": 8000.0}]
    )
    plan = SimpleNamespace(overrides=overrides, design=pd.DataFrame(index=range(20)), replicates=2, seed=1)
    scenario = yaml.safe_load(scenario_yaml(posterior, plan))
    assert scenario == {"org": {"investment_rights": "drawn"}, "it": {"budget": 4905.0}}
    setting = api.apply(api.base_settings(), dict(_dotted(scenario)))
    assert setting.org.investment_rights == "drawn"
