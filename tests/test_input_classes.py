"""Classes of bad input, each answered the same way by every entry point: the CLI's commands and the API.

One table per class of fault: a bad value (one ConfigError line, the CLI's words, exit 2), work beyond the
machine (refused by the shared estimate unless force=true), a calibration that cannot be answered, a
design range that contradicts `plausible: true`, and a model built without Hydra.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from orgsim import api, cli, guards
from orgsim.config.schema import OrgsimConfig
from orgsim.config.validate import ConfigError
from orgsim.model.organization import Organization

# --- a bad value: the same one line from the CLI and the API --------------------------------------------

MAX_SEED = 2**63 - 1

# (the CLI override, the API call's keyword arguments, the line both give)
BAD_VALUES = [
    ("years=1.5", {"params": {"years": 1.5}}, "years must be an integer; got '1.5'"),
    ("years=0", {"params": {"years": 0}}, "years must be in [1, 100]; got 0"),
    ("seed=1.7", {"seed": 1.7}, "seed must be an integer; got '1.7'"),
    ("seed=-1", {"seed": -1}, f"seed must be in [0, {MAX_SEED}]; got -1"),
    ("seed=abc", {"seed": "abc"}, "seed must be an integer; got 'abc'"),
    (
        "seed=99999999999999999999999",
        {"seed": 10**23 - 1},
        f"seed must be in [0, {MAX_SEED}]; got {10**23 - 1}",
    ),
    ("replicates=0", {"replicates": 0}, "replicates must be in [1, 100000]; got 0"),
    ("replicates=1.5", {"replicates": 1.5}, "replicates must be an integer; got '1.5'"),
    ("it.budget=abc", {"params": {"it.budget": "abc"}}, "it.budget must be a float; got 'abc'"),
    ("it.budget=inf", {"params": {"it.budget": math.inf}}, "it.budget must be a finite number; got inf"),
    (
        "org.size=2000000",
        {"params": {"org.size": 2_000_000}},
        "org.size must be in [0, 1000000]; got 2000000",
    ),
    (
        "policy.governance=strickt",
        {"params": {"policy.governance": "strickt"}},
        "policy.governance must be one of strict, neutral, enabling; got 'strickt'",
    ),
    (
        "policy=nope",
        {"policy": "nope"},
        "policy must be one of broker, gatekeeper, innovation_partner, laissez_faire, social_coe; got 'nope'",
    ),
    ("it.nope=1", {"params": {"it.nope": 1}}, "unknown key 'it.nope'; keys under 'it': headcount, budget, "),
    ("nope=1", {"params": {"nope": 1}}, "unknown key 'nope'; keys at the top level: scenario, policy, org, "),
]


def _cli_line(tmp_path, capsys, override: str) -> tuple[int, str]:
    key = override.split("=", 1)[0]
    rest = [o for o in ("years=1", "replicates=1") if o.split("=", 1)[0] != key]
    target = tmp_path / "run"
    code = cli.main(["run", override, *rest, f"hydra.run.dir={target}"])
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert not target.exists()
    return code, err


def _api_calls(kwargs: dict):
    """The same input to every API entry point that takes it."""
    params = {"years": 1, **kwargs.get("params", {})}
    point = {**params, **({"policy": kwargs["policy"]} if "policy" in kwargs else {})}
    run_args = {k: v for k, v in kwargs.items() if k in ("seed", "replicates")}
    yield "run_one", lambda: api.run_one(params, **{**run_args, "policy": kwargs.get("policy")})
    yield "Runner.map", lambda: api.Runner(workers=1, **run_args).map([point])
    if "replicates" not in kwargs:
        seed = {"seed": kwargs["seed"]} if "seed" in kwargs else {}
        yield "build_model", lambda: api.build_model(params, policy=kwargs.get("policy"), **seed)


@pytest.mark.parametrize(("override", "kwargs", "line"), BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_a_bad_value_is_one_configerror_line_the_same_from_the_cli_and_the_api(
    tmp_path, capsys, override, kwargs, line
):
    code, err = _cli_line(tmp_path, capsys, override)
    assert code == 2
    assert err.startswith(f"orgsim run: error: {line}"), err
    cli_line = err.removeprefix("orgsim run: error: ")
    for name, call in _api_calls(kwargs):
        with pytest.raises(ConfigError) as raised:
            call()
        assert type(raised.value) is ConfigError, name
        assert str(raised.value) == cli_line, name


# Inputs only the API can be given: still one ConfigError line naming the key and what is allowed.
API_ONLY = [
    (lambda: api.run_one([("years", 1)]), "params must map dotted keys to values"),
    (lambda: api.run_one({3: 1}), "a parameter's key must be a dotted name"),
    (lambda: api.run_one({"years": 1, "workers": 2}), "workers is a run setting, not a parameter: run_one"),
    (
        lambda: api.run_one({"years": 1, "seed": 2}),
        "seed is a run setting, not a parameter: give it as run_one",
    ),
    (lambda: api.run_one({"years": 1}, seed=None), "seed must be an integer; got 'None'"),
    (lambda: api.run_one({"years": 1}, seed=math.inf), "seed must be an integer; got 'inf'"),
    (lambda: api.run_one({"years": 1}, scenario=None), "scenario must be one of baseline_2012"),
    (lambda: api.Runner(workers="2"), "workers must be an integer; got '2'"),
    (lambda: api.Runner(workers=5000), "workers must be in [0, 1024]; got 5000"),
    (lambda: api.Runner(workers=1).map([{"years": 1, "replicates": 3}]), "replicates is a run setting"),
    (lambda: api.build_model({"years": 1, "overwrite": True}), "overwrite is a setting of the CLI's output"),
    (lambda: Organization({"years": 1}), "setting must be an OrgsimConfig"),
]


@pytest.mark.parametrize(("call", "start"), API_ONLY, ids=[c[1][:40] for c in API_ONLY])
def test_api_only_inputs_are_one_configerror_line(call, start):
    with pytest.raises(ConfigError) as raised:
        call()
    assert str(raised.value).startswith(start), str(raised.value)
    assert "\n" not in str(raised.value)


def test_whole_floats_are_taken_for_integer_keys_and_never_rounded():
    assert api.apply(api.base_settings(), {"years": 2.0}).years == 2
    with pytest.raises(ConfigError, match=r"years must be an integer; got '2\.5'"):
        api.apply(api.base_settings(), {"years": 2.5})


# --- work beyond the machine: one estimate, refused by every command and the API ------------------------

REFUSED_COMMANDS = [
    ("run", ["run", "years=1", "replicates=2"]),
    ("sweep", ["sweep", "experiment=calibration", "sweep.n=2", "replicates=1"]),
    ("calibrate", ["calibrate", "sweep.n=2", "replicates=1"]),
    ("validate", ["validate", "validate.size=quick", "validate.checks=[published]"]),
]


@pytest.mark.parametrize(("command", "args"), REFUSED_COMMANDS, ids=[c[0] for c in REFUSED_COMMANDS])
def test_every_command_refuses_work_beyond_the_machine_in_one_line(
    tmp_path, capsys, monkeypatch, command, args
):
    monkeypatch.setattr(guards, "available_memory", lambda: 1e6)
    target = tmp_path / "out"
    assert cli.main([*args, f"hydra.run.dir={target}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"orgsim {command}: error: this "), err
    assert "add force=true to run it anyway" in err and " employees on " in err
    assert not target.exists()


API_WORK = [
    ("run_one", lambda **kw: api.run_one({"years": 1}, **kw)),
    ("Runner.map", lambda **kw: api.Runner(workers=1, **kw).map([{"years": 1}, {"years": 1}])),
]


@pytest.mark.parametrize(("name", "call"), API_WORK, ids=[c[0] for c in API_WORK])
def test_the_api_refuses_work_beyond_the_machine_unless_forced(monkeypatch, name, call):
    monkeypatch.setattr(guards, "available_memory", lambda: 1e6)
    with pytest.raises(guards.ResourceLimit, match="add force=true to run it anyway"):
        call()
    assert call(force=True)  # forced: it runs


def test_build_model_refuses_an_organization_beyond_the_machine(monkeypatch):
    monkeypatch.setattr(guards, "available_memory", lambda: 1e6)
    with pytest.raises(guards.ResourceLimit, match="one organization x 12 months"):
        api.build_model({"years": 1})


def test_the_api_warns_before_big_work(monkeypatch):
    monkeypatch.setattr(guards, "BIG_SECONDS", 0.0)
    with pytest.warns(guards.LargeWork, match="replicates=1 x 12 months"):
        api.run_one({"years": 1})


def test_the_estimate_counts_org_size_and_the_networks_degree():
    one = {"replicates": 10, "years": 1, "org.size_spread": 0.0, "org.mix_spread": 0.0}  # no size draws
    base = api.apply(api.base_settings(), one)
    million = api.apply(base, {"org.size": 1_000_000})
    small, big = guards.estimate(base, 1), guards.estimate(million, 1)
    assert big.employees == 1_000_000 and "x 1000000 employees" in big.describe()
    assert big.bytes > 500e6 + small.bytes and big.seconds > 10 * small.seconds
    dense = guards.estimate(api.apply(million, {"org.employees.mean_degree": 100}), 1)
    assert dense.bytes > 5 * big.bytes
    # a design: seconds add up over its points, memory is the largest point's
    both = guards.estimate([base, million], 1)
    assert both.seconds == pytest.approx(small.seconds + big.seconds - guards.SECONDS_PER_PROCESS)
    assert both.runs == 20


# --- a calibration that cannot be answered ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["years=2"],
            "target cio_controls_most_2014 needs the year 2014, outside the horizon 2012-2013 "
            "(start_year=2012, years=2) (and 1 more target(s)); set years=4 or more",
        ),
        (
            ["start_year=2014"],
            "target outside_over_it_2013 needs the year 2013, outside the horizon 2014-2017",
        ),
    ],
)
def test_calibrate_refuses_targets_outside_the_horizon_before_any_run(tmp_path, capsys, args, line):
    target = tmp_path / "cal"
    assert cli.main(["calibrate", "sweep.n=2", "replicates=1", *args, f"hydra.run.dir={target}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"orgsim calibrate: error: {line}") and len(err.splitlines()) == 1, err
    assert not target.exists()


def test_calibrate_refuses_a_non_finite_statistic_and_publishes_no_posterior(tmp_path, capsys, monkeypatch):
    from orgsim.calibration import targets

    undefined = targets.Target(
        "undefined_2013", "test", "a statistic that is never defined", 2013, 0.5, 0.1, "none",
        lambda table, start: math.nan,
    )  # fmt: skip
    monkeypatch.setattr(targets, "FIT_TARGETS", (*targets.FIT_TARGETS, undefined))
    target = tmp_path / "cal"
    assert cli.main(["calibrate", "sweep.n=2", "replicates=1", f"hydra.run.dir={target}"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "target undefined_2013's statistic is nan in 2 of 2 runs" in err and "no posterior written" in err
    assert not (target / "posterior.csv").exists() and not (target / "calibrated_scenario.yaml").exists()


# --- a design range against plausible: true ------------------------------------------------------------


def test_the_users_bounds_win_over_plausible_true():
    from orgsim.sweep.design import parse_factor

    rows = {r["key"]: r for r in api.parameters()}
    key = "it.cio.willingness"
    plausible = (rows[key]["plausible_low"], rows[key]["plausible_high"])

    def bounds(spec: dict) -> tuple:
        factor = parse_factor("uncertainty", key, spec, "lhs", rows)
        return factor.low, factor.high

    assert bounds({"plausible": True}) == plausible
    assert bounds({"plausible": True, "low": 0.3, "high": 0.9}) == (0.3, 0.9)
    assert bounds({"plausible": True, "high": 0.9}) == (plausible[0], 0.9)
    with pytest.raises(ConfigError, match="needs low and high"):
        parse_factor("uncertainty", "policy.coe_capacity", {"plausible": True, "low": 1}, "lhs", rows)


# --- the model stands alone ---------------------------------------------------------------------------


def test_a_schema_object_built_in_python_runs_on_the_defaults():
    setting = OrgsimConfig(years=1)
    model = Organization(setting, seed=3)
    model.run()
    assert model.month == 12
    assert setting.org == "???"  # the caller's object is not changed
    with pytest.raises(ConfigError, match=r"^years must be in \[1, 100\]; got 0$"):
        Organization(OrgsimConfig(years=0))


def test_build_model_returns_an_unrun_organization_of_the_parameters():
    model = api.build_model({"years": 1, "it.cio.willingness": 0.3}, seed=5, policy="broker")
    assert isinstance(model, Organization) and model.month == 0 and model.horizon == 12
    assert model.setting.policy.name == "broker" and model.setting.it.cio.willingness == 0.3
    model.step()
    assert model.month == 1
    table = model.datacollector.get_model_vars_dataframe()
    assert isinstance(table, pd.DataFrame) and len(table) == 2
