"""`orgsim validate`: the Bass and Watts checks at reduced size, and that they catch wrong rules."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from orgsim.cli import main
from orgsim.commands.validate import validate_job
from orgsim.config.compose import load_settings
from orgsim.model.employees import EmployeePopulation
from orgsim.model.threshold import adopting_count
from orgsim.validation import CheckResult, Context, bass, cascade, registry

SEED = 20121


def quick(**kw) -> Context:
    return Context(size="quick", seed=SEED, workers=1, **kw)


@pytest.fixture(scope="module")
def quick_rows() -> dict[str, list[CheckResult]]:
    return {"bass": bass.run(quick()), "watts": cascade.run(quick())}


def test_quick_bass_check_passes_and_states_the_stepping_bias_apart(quick_rows) -> None:
    rows = quick_rows["bass"]
    assert [r.check.split()[1] for r in rows] == ["sampling", "stepping"] * len(bass.PAIRS_QUICK)
    assert all(r.passed for r in rows), [r for r in rows if not r.passed]
    stepping = [r for r in rows if "stepping" in r.check]
    assert all(r.low == r.high == r.model for r in stepping)  # the bias has no sampling error
    assert all(0.003 < abs(r.model - r.target) < 0.02 for r in stepping)  # monthly steps lag visibly


def test_quick_watts_check_passes(quick_rows) -> None:
    rows = quick_rows["watts"]
    assert {r.check for r in rows} == {
        "watts inside window",
        "watts below window",
        "watts above window",
        "watts frequency vs theory",
    }
    assert all(r.passed for r in rows), [r for r in rows if not r.passed]


@pytest.mark.parametrize("wrong", [{"p": 1.2}, {"q": 1.1}], ids=["p 20% high", "q 10% high"])
def test_a_wrong_external_or_imitation_rate_fails_the_bass_check(monkeypatch, wrong: dict) -> None:
    class Miscalibrated(EmployeePopulation):
        def __init__(self, cfg, *args, **kwargs):
            scaled = {key: getattr(cfg, key) * factor for key, factor in wrong.items()}
            super().__init__(dataclasses.replace(cfg, **scaled), *args, **kwargs)

    monkeypatch.setattr(bass, "EmployeePopulation", Miscalibrated)
    rows = bass.run(quick())
    assert not any(r.passed for r in rows if "sampling" in r.check)


def test_counting_adopters_instead_of_their_share_fails_the_watts_check() -> None:
    rows = {r.check: r for r in cascade.run_with(quick(), exposure=adopting_count)}
    # one adopting neighbour always reaches 0.18 by count: every seed in the giant component cascades
    assert not rows["watts above window"].passed
    assert rows["watts above window"].model > 0.5


def test_analytic_cascade_window_for_phi_018() -> None:
    """Watts 2002, Fig. 1 (phi = 0.18): cascades possible for 1 < z < about 5.8."""
    low, high = cascade.cascade_window()
    assert low == pytest.approx(1.02, abs=0.01)
    assert high == pytest.approx(5.76, abs=0.02)
    assert cascade.cascade_frequency(0.8) == 0.0 == cascade.cascade_frequency(7.0)
    # deep inside, nearly every node is vulnerable: the frequency is the giant component's size
    giant = 0.797  # S = 1 - e^{-zS} at z = 2
    assert cascade.cascade_frequency(2.0) == pytest.approx(giant, abs=0.05)


def test_check_seeds_depend_on_the_seed_and_check_name_only() -> None:
    a = [s.generate_state(2).tolist() for s in quick().seeds("bass", 3)]
    b = [s.generate_state(2).tolist() for s in Context(size="full", seed=SEED, workers=4).seeds("bass", 3)]
    c = [s.generate_state(2).tolist() for s in quick().seeds("watts_cascade", 3)]
    assert a == b != c


# --- the command --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_validate_job_writes_the_table_csv_and_a_figure_per_check(tmp_path, capsys) -> None:
    settings = load_settings(
        ["validate.size=quick", "validate.replicates=8", f"seed={SEED}", "workers=1",
         "validate.checks=[bass,watts_cascade]"],
        config_name="validate",
    )  # fmt: skip
    results = validate_job(settings, tmp_path)
    table = pd.read_csv(tmp_path / "validation.csv")
    assert list(table.columns) == [f.name for f in dataclasses.fields(CheckResult)]
    assert len(table) == len(results) == 2 * len(bass.PAIRS_QUICK) + 4
    assert (tmp_path / "bass.png").stat().st_size > 10_000
    assert (tmp_path / "watts_cascade.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    for word in ("check", "reference", "target", "model", "tolerance", "result"):
        assert word in printed.splitlines()[0]
    assert "bass stepping p=0.02 q=0.38" in printed


def test_the_command_runs_any_registered_check(monkeypatch, tmp_path, capsys) -> None:
    """A later check (e.g. published figures) needs only a registry entry, not a change to the command."""

    def published(ctx: Context) -> list[CheckResult]:
        ctx.data["toy"] = 0.33
        return [CheckResult("toy share", "a survey", 0.35, 0.33, 0.3, 0.36, 0.05, True, "analogue")]

    def draw(ctx: Context, outdir):
        path = outdir / "toy.txt"
        path.write_text(str(ctx.data["toy"]))
        return path

    monkeypatch.setattr(registry, "CHECKS", list(registry.CHECKS))
    registry.register(registry.Check("toy", "a toy", published, draw))
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.Check("toy", "again", published))
    code = main(["validate", "validate.checks=[toy]", f"hydra.run.dir={tmp_path / 'out'}"])
    assert code == 0
    assert "toy share" in capsys.readouterr().out
    assert pd.read_csv(tmp_path / "out" / "validation.csv")["note"].tolist() == ["analogue"]
    assert (tmp_path / "out" / "toy.txt").read_text() == "0.33"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "override", "line"),
    [
        (
            "run",
            "org.employees.threshold.distribution=lognormal",
            "org.employees.threshold.distribution must be one of fixed, uniform, normal; got 'lognormal'",
        ),
        (
            "run",
            "org.employees.threshold.mean=1.5",
            "org.employees.threshold.mean must be in [0, 1]; got 1.5",
        ),
        ("run", "org.employees.rule=contagion", "org.employees.rule must be one of bass, threshold"),
        ("run", "org.employees.network=lattice", "erdos_renyi, barabasi_albert"),
        ("validate", "validate.size=huge", "validate.size must be one of full, quick; got 'huge'"),
        ("validate", "validate.checks=[bass,nope]", "validate.checks must name checks among"),
        ("validate", "validate.siz=quick", "unknown key 'validate.siz'; keys under 'validate': size"),
        (
            "validate",
            "org.employees.threshold.spread=-0.1",
            "org.employees.threshold.spread must be in [0, 1]",
        ),
    ],
)
def test_bad_threshold_or_validation_settings_end_with_one_line(capsys, tmp_path, command, override, line):
    code = main([command, override, f"hydra.run.dir={tmp_path / 'out'}"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert line in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_watts_trials_start_from_one_random_seed_adopter() -> None:
    shares = cascade.final_shares((0.3, 500, 20, np.random.SeedSequence(1), cascade.adopting_share))
    assert shares.min() >= 1 / 500  # the seed itself always adopts
    assert shares.max() < 0.1  # below z = 1 no cascade is global


def test_the_checks_of_one_validation_share_one_pool_of_workers():
    ctx = Context(size="quick", seed=SEED, workers=2)
    with ctx:
        assert ctx.map(abs, [-1, -2, 3]) == [1, 2, 3]
        first = ctx._evaluator
        assert ctx.map(abs, [-4]) == [4] and ctx._evaluator is first
    assert ctx._evaluator is None and not first.started  # ended with the block
    assert ctx.map(abs, [-5]) == [5]  # outside a block: a pool for the call alone


def test_the_verdict_counts_held_out_and_after_the_fit_rows_apart_and_shows_forecasts_uncounted() -> None:
    from orgsim.validation.table import verdict

    def row(name: str, passed: bool, flag: str) -> CheckResult:
        return CheckResult(name, "source", 0.5, 0.5, 0.4, 0.6, 0.1, passed, flag=flag)

    rows = [
        row("fitted", True, "fit"),
        row("predicted", False, "held-out,analogue"),
        row("forecast", True, "check,forecast"),
        row("forecast_missed", False, "check,forecast,analogue"),
        row("found_later", True, "check,analogue"),
        row("found_later_too", False, "check"),
        row("by_construction", True, "line"),
    ]
    assert verdict(rows) == (
        "2 of 4 counted validation rows FAILED (held-out: 0 of 1 pass; found after the fit: 1 of 2 pass): "
        "predicted, found_later_too; forecasts, shown, not counted (no evidence either way): 1 of 2 pass; 1 "
        "rows met by inputs or by construction, or out of scope, shown, not counted"
    )
    assert not rows[2].counted and not rows[3].counted  # a missed forecast is not a failed row


def test_the_printed_table_cuts_long_references_and_the_csv_keeps_them(tmp_path) -> None:
    from orgsim.validation.table import CLIP, format_table, write_csv

    long = "a source whose description runs on " * 5
    rows = [CheckResult("published: long", long, 0.5, 0.5, 0.4, 0.6, "meets 0.5 +- 0.1", True, flag="fit")]
    text = format_table(rows)
    assert long not in text and long[: CLIP - 3].rstrip() + "..." in text
    assert "validation.csv has them whole" in text
    assert max(len(line) for line in text.splitlines()) < 200
    write_csv(rows, tmp_path / "v.csv")
    assert long.strip() in (tmp_path / "v.csv").read_text()
    short = [CheckResult("bass", "closed form", 0.5, 0.5, 0.5, 0.5, 0.01, True)]
    assert "whole" not in format_table(short)
