"""Issue 22: the role lines fitted to the role surveys, the verdict over the posterior, and the honest
targets' bookkeeping (forecasts never fitted, inputs and rows met by construction not counted)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgsim.calibration import posterior, roles
from orgsim.calibration.targets import FIT_TARGETS, HELD_OUT, LINE_TARGETS, TARGETS
from orgsim.validation.registry import CheckResult
from orgsim.validation.table import verdict


def test_only_measured_figures_are_fitted_and_held_out_ones_declare_their_tolerance():
    assert {t.name for t in FIT_TARGETS} == {
        "outside_over_it_2013",
        "cio_controls_most_2014",
        "outside_share_2012",
        "outside_share_2015_idc",
    }
    assert all(t.kind == "figure" for t in FIT_TARGETS)
    assert {t.kind for t in TARGETS if t.name in ("outside_share_2015", "shadow_primary_path_2015")} == {
        "forecast"
    }
    assert len(HELD_OUT) >= 2
    for t in HELD_OUT:
        assert f"declared {t.declared}" in t.reason and t.scale > 0

    # a held-out year is never a fitted year of the same series (one survey's same question: the name
    # without its year; Logicalis asked other questions in a fitted year too)
    def series(t) -> str:
        return t.name.rsplit("_", 1)[0]

    for t in HELD_OUT:
        assert not any(series(f) == series(t) and f.year == t.year for f in FIT_TARGETS), t.name
    assert {t.line for t in LINE_TARGETS} == {"custodian", "strategic"}
    assert not any(t.counted for t in TARGETS if t.use in ("input", "line") or t.kind == "forecast")


def test_the_verdict_leaves_out_rows_met_by_inputs_or_by_construction():
    rows = [
        CheckResult("a", "r", 0.5, 0.5, 0.4, 0.6, 0.1, True, flag="fit"),
        CheckResult("b", "r", 0.5, 0.9, 0.8, 1.0, 0.1, False, flag="input"),
        CheckResult("c", "r", 0.2, 0.2, 0.1, 0.3, 0.05, True, flag="held-out"),
        CheckResult("d", "r", 0.3, 0.3, 0.3, 0.3, 0.05, False, flag="line"),
    ]
    text = verdict(rows)
    assert text.startswith("all 2 counted validation rows passed") and "held-out: 1 of 1 pass" in text
    assert "2 rows met by inputs or by construction, or out of scope, shown, not counted" in text


def test_lines_are_the_surveys_quantiles_and_the_held_out_share_uses_the_fitted_line():
    rng = np.random.default_rng(1)
    n = 4000
    y2016 = pd.Series(rng.uniform(0, 1, n))
    y2017 = y2016 + 0.1  # every organization gains 0.1: fewer below the 2016 line
    fitted = roles.fit_lines(y2016, None, 0.27, 0.27, {"2017": y2017}, resamples=200)
    assert fitted.custodian == pytest.approx(0.27, abs=0.03)
    assert fitted.strategic == pytest.approx(0.73, abs=0.03)
    assert fitted.custodian_interval[0] <= fitted.custodian <= fitted.custodian_interval[1]
    assert roles.share_below(y2016.to_numpy(), fitted.custodian) == pytest.approx(0.27, abs=0.002)
    share, low, high = fitted.held_out["2017"]
    assert share == pytest.approx(0.17, abs=0.03) and low <= share <= high


def test_the_posterior_interval_widens_with_parameter_uncertainty():
    """Two sets of organizations that differ (0.1 vs 0.5 marginalized): the two-level bootstrap over the
    sets gives a wider interval than one set with the pooled share."""
    flags = pd.Series([1] * 10 + [0] * 90 + [1] * 50 + [0] * 50)
    groups = pd.Series([0] * 100 + [1] * 100)
    apart = posterior.bootstrap_share(flags, groups, resamples=500)
    pooled = posterior.bootstrap_share(flags, pd.Series([0] * 200), resamples=500)
    assert apart.share == pytest.approx(0.3) == pooled.share
    assert apart.high - apart.low > 1.5 * (pooled.high - pooled.low)
    assert "chance plus parameters" in apart.describe()


def test_the_shipped_posterior_sets_are_the_calibrated_parameters():
    from omegaconf import OmegaConf

    sets = posterior.load_sets()
    assert len(sets) >= 20
    calibrated = OmegaConf.load(posterior.POSTERIOR_SETS.parent / "abc_2012.yaml")
    for key in sets.columns:
        median = OmegaConf.select(calibrated, key)
        assert median is not None, key
        assert sets[key].min() <= median <= sets[key].max()
    assert calibrated.metrics.custodian_threshold < calibrated.metrics.strategic_threshold


def test_the_calibrated_defaults_carry_what_their_fit_ran_with():
    """Each model parameter set on the fit's command (its 'Reproduce:' line) holds that value in the
    calibrated defaults: the medians were fitted under it."""
    from omegaconf import OmegaConf

    from orgsim.config.overrides import model_parameters

    path = posterior.POSTERIOR_SETS.parent / "abc_2012.yaml"
    line = next(x for x in path.read_text().splitlines() if x.startswith("# Reproduce: orgsim calibrate"))
    command = line.split("orgsim calibrate", 1)[1].split(" (then", 1)[0].split()
    fixed = model_parameters(command)
    assert "org.investment_rights" in fixed  # the refit registered in docs/ODD.md 2.0
    calibrated = OmegaConf.load(path)
    for key, value in fixed.items():
        assert OmegaConf.select(calibrated, key) == value, key
    from orgsim.config.compose import load_settings

    assert load_settings([]).org.investment_rights == fixed["org.investment_rights"]


def test_the_posterior_draws_only_what_the_calibration_set():
    """A scenario's or a user's own value is kept; the calibrated ones are drawn from the posterior."""
    from orgsim import api

    sets = posterior.load_sets()
    default = api.base_settings()
    assert set(posterior.calibrated_keys(default, sets)) == set(sets.columns)
    mine = api.apply(default, {"it.budget": 3100.0})
    assert "it.budget" not in posterior.calibrated_keys(mine, sets)
    small = api.apply(default, {"years": 1})
    verdict = posterior.posterior_verdict(small, 3, 6, seed=1)
    assert verdict.sets == 3 and verdict.organizations == 6
    assert verdict.low <= verdict.share <= verdict.high


def test_the_posterior_verdict_takes_at_most_one_set_per_replicate_and_nothing_without_calibration():
    from orgsim import api
    from orgsim.config.compose import load_settings

    small = api.apply(api.base_settings(), {"years": 1})
    verdict = posterior.posterior_verdict(small, 50, 4, seed=1)
    assert verdict.sets == 4 and verdict.organizations == 4  # 50 asked, one set per replicate
    hand_set = api.apply(load_settings(["calibrated=none"]), {"years": 1})
    assert posterior.posterior_verdict(hand_set, 50, 4, seed=1) is None  # nothing of the posterior to draw


def test_the_default_run_gives_the_verdict_with_both_intervals_and_the_lines(tmp_path, capsys):
    """issue 22: `orgsim run` at its defaults prints the share with the interval of chance and the one of
    chance plus parameters, and the fitted lines it reads; calibrated=none says in one line why the
    second is missing."""
    import json

    from orgsim import cli
    from orgsim.config.compose import load_settings

    lines = load_settings([]).metrics
    assert cli.main(["run", "replicates=6", "years=1", f"hydra.run.dir={tmp_path / 'a'}"]) == 0
    out = capsys.readouterr().out
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["posterior_verdict"]["sets"] == 6 and summary["posterior_verdict"]["organizations"] == 6
    assert "95% CI" in out and "chance plus parameters" in out
    assert (
        f"custodian line {lines.custodian_threshold:g}; strategic line {lines.strategic_threshold:g}" in out
    )
    assert (
        cli.main(["run", "calibrated=none", "replicates=2", "years=1", f"hydra.run.dir={tmp_path / 'b'}"])
        == 0
    )
    assert "posterior_verdict" not in json.loads((tmp_path / "b" / "summary.json").read_text())
    assert capsys.readouterr().err.count("no verdict over the calibration posterior") == 1
