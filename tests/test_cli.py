"""`orgsim run` end to end, its one-line errors, run_job in-process, and the report's statistics."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgsim.cli import main
from orgsim.commands.run import OUTPUT_FILES, run_job
from orgsim.config.compose import compose
from orgsim.config.schema import POLICIES, MetricsConfig
from orgsim.config.validate import ConfigError
from orgsim.model.metrics import ROLE_COMPONENTS
from orgsim.report import summarize, verdict, wilson_interval

SUMMARY_KEYS = {
    "scenario",
    "policy",
    "replicates",
    "months",
    "aggregate",
    "runs",
    "seed",
    "workers",
    "verdict",
}
AGGREGATE_KEYS = {
    "marginalized",
    "marginalized_by_year",
    "threshold_sensitivity",
    "drivers",
    "final_roles",
    "month_shadow_majority",
    "tech_leader",
    "final_it_influence",
    "final_role_components",
    "correlation_shadow_share_influence",
}


def orgsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orgsim.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


# --- the command, end to end --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    run_dir = tmp_path_factory.mktemp("cli") / "run"
    return orgsim("run", "years=1", "replicates=2", f"hydra.run.dir={run_dir}"), run_dir


@pytest.mark.slow
def test_run_writes_every_output_and_the_composed_config(cli_run) -> None:
    proc, run_dir = cli_run
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUT_FILES:
        assert (run_dir / name).is_file(), name
        assert (run_dir / name).stat().st_size > 0, name
    config = (run_dir / ".hydra" / "config.yaml").read_text()
    assert "years: 1" in config
    assert "replicates: 2" in config
    assert not list(run_dir.glob(".partial-*"))


@pytest.mark.slow
def test_run_prints_the_verdict(cli_run) -> None:
    proc, _ = cli_run
    verdicts = [line for line in proc.stdout.splitlines() if "infrastructure custodian in" in line]
    assert len(verdicts) == 1
    assert "of 2 runs" in verdicts[0]
    assert "12 months" in verdicts[0]
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_run_summary_has_the_expected_keys_and_a_wilson_interval(cli_run) -> None:
    _, run_dir = cli_run
    summary = json.loads((run_dir / "summary.json").read_text())
    assert set(summary) >= SUMMARY_KEYS
    assert set(summary["aggregate"]) >= AGGREGATE_KEYS
    assert (summary["replicates"], summary["months"], len(summary["runs"])) == (2, 12, 2)
    marginalized = summary["aggregate"]["marginalized"]
    lo, hi = marginalized["ci95"]
    assert 0.0 <= lo <= marginalized["share"] <= hi <= 1.0
    assert marginalized["share"] == marginalized["count"] / 2
    assert (lo, hi) == pytest.approx(wilson_interval(marginalized["count"], 2))
    assert marginalized["count"] == sum(r["marginalized"] for r in summary["runs"])


@pytest.mark.slow
def test_run_tables_have_one_row_per_replicate_and_month(cli_run) -> None:
    _, run_dir = cli_run
    timeseries = pd.read_parquet(run_dir / "timeseries.parquet")
    assert len(timeseries) == 2 * 13
    assert timeseries.groupby("replicate")["month"].apply(list).tolist() == [list(range(13))] * 2
    departments = pd.read_parquet(run_dir / "departments.parquet")
    n_departments = departments["department"].nunique()
    assert n_departments > 1
    assert len(departments) == 2 * 13 * n_departments


@pytest.mark.slow
def test_command_and_in_process_job_write_identical_tables(cli_run, tmp_path) -> None:
    """A fresh interpreter (other hash seed, other process) gives the same tables as run_job here."""
    _, run_dir = cli_run
    run_job(compose(["years=1", "replicates=2"]), tmp_path)
    for name in ("timeseries.parquet", "departments.parquet"):
        assert (tmp_path / name).read_bytes() == (run_dir / name).read_bytes(), name


def _hydra_files(run_dir: Path) -> dict[str, str]:
    """The .hydra/ files with the run folder (a staging path or the final one) written as RUN_DIR."""
    files = {}
    for name in ("config.yaml", "hydra.yaml", "overrides.yaml"):
        text = (run_dir / ".hydra" / name).read_text()
        files[name] = re.sub(r"(run\.dir=|^    dir: |output_dir: )\S+", r"\1RUN_DIR", text, flags=re.M)
    return files


@pytest.mark.slow
def test_a_run_composes_its_config_once_and_writes_what_hydra_main_writes(tmp_path, monkeypatch) -> None:
    """`orgsim run` composes once (it composed three times: the CLI's check, then @hydra.main's mode probe
    and its job) and still writes the .hydra/ files Hydra's own entry point writes for the same input."""
    from hydra._internal.hydra import Hydra

    from orgsim.commands import run as run_command

    composes = []
    compose_config = Hydra.compose_config

    def counted(self, *args, **kwargs):
        composes.append(kwargs.get("run_mode"))
        return compose_config(self, *args, **kwargs)

    monkeypatch.setattr(Hydra, "compose_config", counted)
    overrides = ["years=1", "replicates=1", "hydra.output_subdir=.hydra"]
    assert main(["run", *overrides, f"hydra.run.dir={tmp_path / 'cli'}"]) == 0
    assert len(composes) == 1
    monkeypatch.setattr(sys, "argv", ["orgsim run", *overrides, f"hydra.run.dir={tmp_path / 'app'}"])
    import hydra

    from orgsim.config.compose import config_dir

    hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")(run_command.task)()
    assert _hydra_files(tmp_path / "cli") == _hydra_files(tmp_path / "app")
    hydra_yaml = _hydra_files(tmp_path / "cli")["hydra.yaml"]
    assert "version_base: '1.3'" in hydra_yaml
    assert "    name: run\n" in hydra_yaml
    assert "- hydra.output_subdir=.hydra\n    - hydra.run.dir=RUN_DIR\n    - hydra.mode=RUN\n" in hydra_yaml


# --- bad input: exit 2, one line naming the key, no traceback, no run directory ------------------------

BAD_INPUT = [
    ("policy=nope", ["policy", "nope", *POLICIES]),
    ("it.cio.willingness=1.7", ["it.cio.willingness", "[0, 1]", "1.7"]),
    ("it.cio.wilingness=0.5", ["it.cio.wilingness", "willingness", "aspiration"]),
    ("years=abc", ["years", "integer", "abc"]),
]


@pytest.mark.parametrize(("override", "expected"), BAD_INPUT, ids=[o for o, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_naming_the_key(capsys, tmp_path, override, expected) -> None:
    run_dir = tmp_path / "run"
    assert main(["run", "years=1", override, f"hydra.run.dir={run_dir}"]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0]
    assert not run_dir.exists()
    assert not out


@pytest.mark.slow
@pytest.mark.parametrize("override", ["policy=nope", "it.cio.wilingness=0.5"])
def test_bad_input_in_a_real_process_has_no_traceback(tmp_path, override: str) -> None:
    run_dir = tmp_path / "run"
    proc = orgsim("run", override, f"hydra.run.dir={run_dir}")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1
    assert override.split("=")[0] in proc.stderr
    assert not run_dir.exists()


def test_unknown_command_exits_2_and_help_exits_0(capsys) -> None:
    assert main(["frobnicate"]) == 2
    assert "command must be one of run" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "usage: orgsim" in capsys.readouterr().out


# --- run_job in-process -----------------------------------------------------------------------------


@pytest.mark.slow
def test_run_job_writes_outputs_and_returns_the_summary(tmp_path) -> None:
    out = tmp_path / "nested" / "job"
    summary = run_job(compose(["years=1", "replicates=3", "workers=1", "scenario=locked_down"]), out)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert json.loads((out / "summary.json").read_text()) == summary
    assert (summary["scenario"], summary["policy"], summary["replicates"]) == ("locked_down", "gatekeeper", 3)
    assert summary["workers"] == 1
    # the point verdict, then (posterior_sets defaults to 50, one set per replicate) the posterior's
    over = summary["posterior_verdict"]
    assert (over["sets"], over["organizations"]) == (3, 3)
    assert summary["verdict"].startswith(verdict(summary) + " Over the calibration posterior: ")
    timeseries = pd.read_parquet(out / "timeseries.parquet")
    assert [r["seed"] for r in summary["runs"]] == timeseries.groupby("replicate")["seed"].first().tolist()
    for name in ("trajectories.png", "channels.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"


def test_run_job_refuses_a_bad_config_before_writing(tmp_path) -> None:
    out = tmp_path / "job"
    with pytest.raises(ConfigError, match=r"it\.cio\.willingness"):
        run_job(compose(["it.cio.willingness=1.7"]), out)
    assert not out.exists()


# --- the report's statistics --------------------------------------------------------------------------


def test_wilson_interval_of_14_in_20() -> None:
    lo, hi = wilson_interval(14, 20)
    assert lo == pytest.approx(0.481, abs=0.002)
    assert hi == pytest.approx(0.855, abs=0.002)


def test_wilson_interval_at_the_edges() -> None:
    lo, hi = wilson_interval(0, 20)
    assert lo == 0.0
    assert 0.1 < hi < 0.2  # z^2 / (n + z^2) = 0.161
    lo, hi = wilson_interval(20, 20)
    assert hi == 1.0
    assert 0.8 < lo < 0.9
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_wilson_interval_is_exactly_0_or_1_when_no_run_or_every_run_succeeds() -> None:
    assert [n for n in range(1, 201) if wilson_interval(0, n)[0] != 0.0] == []
    assert [n for n in range(1, 201) if wilson_interval(n, n)[1] != 1.0] == []


@given(n=st.integers(2, 2000), data=st.data())
def test_wilson_interval_contains_the_share_and_is_symmetric(n: int, data) -> None:
    k = data.draw(st.integers(1, n - 1))  # 0 and n: see the test above
    lo, hi = wilson_interval(k, n)
    assert 0.0 < lo < k / n < hi < 1.0
    mirrored = wilson_interval(n - k, n)
    assert (lo, hi) == pytest.approx((1.0 - mirrored[1], 1.0 - mirrored[0]), abs=1e-12)


def test_wilson_interval_narrows_with_more_runs() -> None:
    small, large = wilson_interval(14, 20), wilson_interval(140, 200)
    assert large[1] - large[0] < small[1] - small[0]


INFLUENCE_OF_ROLE = {"infrastructure_custodian": 0.2, "service_provider": 0.45, "strategic_partner": 0.6}


# The synthetic tables' influence values sit around the schema's hand-set lines (0.35 / 0.55).
HAND_SET = MetricsConfig()


def synthetic_timeseries(shadow: dict[int, list[float]], roles: dict[int, str]) -> pd.DataFrame:
    """One row per replicate and month with the columns the run summary reads; IT's influence is held at a
    level inside the replicate's role all along."""
    rows = []
    for replicate, shares in shadow.items():
        level = INFLUENCE_OF_ROLE[roles[replicate]]
        for month, share in enumerate(shares):
            rows.append(
                {
                    "replicate": replicate,
                    "seed": 100 + replicate,
                    "month": month,
                    "shadow_share": share,
                    "outside_managed_share": share / 2,
                    "it_role": roles[replicate],
                    "it_influence": level,
                    **dict.fromkeys(ROLE_COMPONENTS, level),
                    "tech_leader": "it" if roles[replicate] == "service_provider" else "marketing",
                    "security_incidents": replicate,
                    "headcount": 2000,
                    "cio_aspiration": 1.0,
                    "cio_willingness": 0.0,
                    "cio_actions": 0,
                    "firm_it_intensity": 1.0,
                    "firm_committed_share": 0.5,
                    "firm_it_investment_part": 0.5,
                    "firm_autonomy": 0.4,
                    "firm_marketing_share": 0.1,
                }
            )
    return pd.DataFrame(rows)


def test_summarize_counts_marginalized_runs_and_sustained_shadow_majorities() -> None:
    months = 13  # months 0-12: one whole year
    shadow = {
        0: [0.2, 0.4] + [0.6] * (months - 2),  # majority from month 2 on
        1: [0.2, 0.6] + [0.4] * 3 + [0.7] * (months - 5),  # a brief flip at month 1, majority from 5
        2: [0.3] * (months - 3) + [0.8] * 3,  # majority over the last 3 months, to the horizon
        3: [0.5] * months,  # exactly one half is no majority
    }
    roles = {0: "infrastructure_custodian", 1: "infrastructure_custodian", 2: "service_provider"}
    roles[3] = "strategic_partner"
    summary = summarize(synthetic_timeseries(shadow, roles), "synthetic", "gatekeeper", metrics=HAND_SET)
    assert (summary["replicates"], summary["months"]) == (4, months - 1)
    agg = summary["aggregate"]
    assert agg["marginalized"]["count"] == 2
    assert agg["marginalized"]["share"] == 0.5
    assert agg["marginalized"]["ci95"] == pytest.approx(list(wilson_interval(2, 4)))
    assert [r["month_shadow_majority"] for r in summary["runs"]] == [2, 5, 10, None]
    assert agg["month_shadow_majority"]["runs_reaching_majority"] == 3
    assert agg["month_shadow_majority"]["median"] == 7.5  # of 2, 5, 10 and never
    assert agg["final_roles"] == {
        "infrastructure_custodian": 2,
        "service_provider": 1,
        "strategic_partner": 1,
    }
    assert next(iter(agg["tech_leader"].items())) == ("marketing", 3)
    assert agg["final_it_influence"]["mean"] == pytest.approx((0.2 + 0.2 + 0.45 + 0.6) / 4)
    year = {k: agg["marginalized"][k] for k in ("count", "share", "ci95")}
    assert agg["marginalized_by_year"] == [{"year": 1, **year}]
    assert agg["threshold_sensitivity"]["0.3"]["count"] == 2  # 0.2 < 0.3; 0.45 is not below 0.4
    assert agg["threshold_sensitivity"]["0.4"]["count"] == 2
    assert "infrastructure custodian in 2 of 4 runs" in verdict(summary)


def test_a_summary_needs_the_runs_role_lines() -> None:
    # test_levers once read the schema's hand-set line through a default while its docstring named the
    # fitted one; with no default that mistake cannot be made silently
    table = synthetic_timeseries({0: [0.2] * 12}, {0: "service_provider"})
    with pytest.raises(TypeError, match="metrics"):
        summarize(table, "synthetic", "gatekeeper")


def test_summarize_reports_no_median_when_most_runs_never_reach_a_majority() -> None:
    shadow = {0: [0.2] + [0.9] * 11, 1: [0.2] * 12, 2: [0.45] * 12}
    roles = dict.fromkeys(shadow, "service_provider")
    summary = summarize(synthetic_timeseries(shadow, roles), "synthetic", "broker", metrics=HAND_SET)
    assert summary["aggregate"]["month_shadow_majority"]["median"] is None
    assert summary["aggregate"]["month_shadow_majority"]["runs_reaching_majority"] == 1
    assert summary["aggregate"]["marginalized"]["count"] == 0
    assert summary["aggregate"]["marginalized"]["ci95"] == pytest.approx(list(wilson_interval(0, 3)))
    assert "did not become the majority in most runs (1 of 3 reached it)" in verdict(summary)
    assert np.isfinite(summary["aggregate"]["final_it_influence"]["mean"])
