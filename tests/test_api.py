"""orgsim.api: one run equals the runner's replicate, errors read like the CLI's, parameters come from the
schema's metadata, and the Runner gives serial results with one pool, or runs serially inside a worker."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing

import pytest

from orgsim import api
from orgsim.cli import check_overrides
from orgsim.cli import main as cli_main
from orgsim.config.compose import load_settings
from orgsim.model.metrics import run_summary
from orgsim.runner import replicate_seeds, run_replicate

ONE_YEAR = {"years": 1}


def test_run_one_is_the_runners_replicate_zero_with_the_same_overrides() -> None:
    summary = api.run_one({"years": 1, "it.unit_cost": 25}, seed=7, policy="broker")
    setting = load_settings(["years=1", "it.unit_cost=25", "policy=broker"])
    expected = run_replicate(setting, 0, replicate_seeds(7, 1)[0])
    assert summary == api.flatten(run_summary(expected.timeseries, setting.metrics))


def test_run_one_with_replicates_reports_shares_and_means_of_the_single_runs() -> None:
    setting = api.apply(api.base_settings(), ONE_YEAR)
    singles = [api.simulate(setting, s)[0] for s in replicate_seeds(3, 4)]
    summary = api.run_one(ONE_YEAR, seed=3, replicates=4)
    assert summary["replicates"] == 4
    assert summary["marginalized"] == sum(s["marginalized"] for s in singles) / 4
    assert summary["final_it_influence"] == pytest.approx(sum(s["final_it_influence"] for s in singles) / 4)
    lo, hi = summary["marginalized_ci95_low"], summary["marginalized_ci95_high"]
    assert 0.0 <= lo <= summary["marginalized"] <= hi <= 1.0


def test_policy_and_scenario_may_be_given_as_parameters() -> None:
    assert api.run_one({**ONE_YEAR, "policy": "broker"}, seed=1) == api.run_one(
        ONE_YEAR, seed=1, policy="broker"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "override"),
    [
        ({"it.capacty": 3}, "it.capacty=3"),
        ({"it.cio.willingness": 1.7}, "it.cio.willingness=1.7"),
        ({"policy": "brokr"}, "policy=brokr"),
        ({"environment.nope": 1}, "environment.nope=1"),
    ],
)
def test_errors_carry_the_line_the_cli_prints(params: dict, override: str) -> None:
    with pytest.raises(api.ConfigError) as err:
        api.run_one(params)
    assert str(err.value) == check_overrides([override])


def test_values_take_the_type_of_the_key_and_bad_types_fail() -> None:
    setting = api.apply(api.base_settings(), {"years": 2.0, "it.unit_cost": 25, "it.cio.draw": 0})
    assert setting.years == 2 and isinstance(setting.years, int)
    assert setting.it.unit_cost == 25.0 and isinstance(setting.it.unit_cost, float)
    assert setting.it.cio.draw is False
    with pytest.raises(api.ConfigError, match="years must be an integer; got 'x'"):
        api.apply(api.base_settings(), {"years": "x"})
    with pytest.raises(api.ConfigError, match=r"policy\.governance must be one of strict, neutral, enabling"):
        api.apply(api.base_settings(), {"policy.governance": "strickt"})


def test_apply_leaves_the_base_unchanged() -> None:
    base = api.base_settings()
    api.apply(base, {"it.unit_cost": 9.0})
    assert base.it.unit_cost == api.base_settings().it.unit_cost


def test_parameters_list_every_value_of_the_composed_config_with_its_schema_range() -> None:
    rows = {r["key"]: r for r in api.parameters()}
    base = api.base_settings()
    assert rows["it.cio.willingness"]["default"] == base.it.cio.willingness
    assert (rows["it.cio.willingness"]["low"], rows["it.cio.willingness"]["high"]) == (0.0, 1.0)
    assert rows["policy.governance"]["choices"] == ["strict", "neutral", "enabling"]
    assert rows["policy"]["choices"] == api.choices_of("policy")
    assert rows["org.departments.marketing.tech_autonomy"]["type"] == "float"
    assert "seed" not in rows and "replicates" not in rows and "scenario.name" not in rows
    for key, row in rows.items():  # every listed key can be set to its default
        if key not in api.GROUP_KEYS:
            api.apply(base, {key: row["default"]})


def test_parameters_read_plausible_ranges_and_docs_from_field_metadata() -> None:
    @dataclasses.dataclass
    class Lever:
        speed: float = dataclasses.field(
            default=0.5,
            metadata={"range": (0.0, 1.0), "plausible": (0.2, 0.6, "a survey"), "doc": "how fast"},
        )
        other: int = dataclasses.field(default=3, metadata={"range": (1, None)})

    rows = list(api._rows("", Lever(), {}))
    assert rows[0] == {
        "key": "speed",
        "type": "float",
        "default": 0.5,
        "low": 0.0,
        "high": 1.0,
        "choices": None,
        "plausible_low": 0.2,
        "plausible_high": 0.6,
        "source": "a survey",
        "doc": "how fast",
    }
    assert rows[1]["plausible_low"] is None and rows[1]["doc"] is None and rows[1]["high"] is None
    assert api.bounds_of(rows[0]) == (0.2, 0.6)
    assert api.bounds_of(rows[0], plausible=False) == (0.0, 1.0)
    assert api.bounds_of(rows[1]) is None


def test_salib_problem_and_params_command(capsys) -> None:
    problem = api.salib_problem(["it.cio.willingness", "environment.cloud_push"])
    assert problem == {
        "num_vars": 2,
        "names": ["it.cio.willingness", "environment.cloud_push"],
        "bounds": [[0.05, 0.2], [0.0, 0.3]],  # the plausible ranges the schema declares
    }
    allowed = api.salib_problem(["it.cio.willingness", "environment.cloud_push"], plausible=False)
    assert allowed["bounds"] == [[0.0, 1.0], [0.0, 1.0]]
    with pytest.raises(api.ConfigError, match=r"policy\.coe_capacity has no finite range"):
        api.salib_problem(["policy.coe_capacity"])
    assert api.salib_problem({"policy.coe_capacity": (1, 5)})["bounds"] == [[1.0, 5.0]]
    assert cli_main(["params", "format=salib", "keys=[it.cio.willingness,environment.cloud_push]"]) == 0
    assert json.loads(capsys.readouterr().out) == problem
    assert cli_main(["params", "format=ema", "keys=[policy,it.cio.willingness,years]"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "CategoricalParameter('policy_group', ['broker', 'gatekeeper', 'innovation_partner', 'laissez_faire', "
        "'social_coe'])",
        "RealParameter('it__cio__willingness', 0.05, 0.2)",
        "IntegerParameter('years', 1, 100)",
    ]
    assert cli_main(["params"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["key", "type", "default"]
    assert len(table) == len(api.parameters()) + 1


def test_ema_function_maps_identifiers_to_dotted_keys() -> None:
    model = api.ema_function(seed=5)
    params = {"years": 1, "it.cio.willingness": 0.3}
    assert model(years=1, it__cio__willingness=0.3, policy_group="broker") == api.run_one(
        params, seed=api.point_seed(5, {**params, "policy": "broker"}), policy="broker"
    )
    for key in ("it.cio.willingness", "policy", "scenario", "years"):
        assert api.dotted(api.identifier(key)) == key


POINTS = [{"years": 1, "it.unit_cost": c} for c in (20.0, 30.0, 45.0)] + [
    {"years": 1, "policy": "broker", "seed": 4}
]


@pytest.mark.slow
def test_runner_gives_the_serial_results_and_keeps_its_pool() -> None:
    serial = [
        api.run_one({k: v for k, v in p.items() if k != "seed"}, seed=p.get("seed", api.point_seed(0, i)))
        for i, p in enumerate(POINTS)
    ]
    with api.Runner(workers=2) as runner:
        assert runner.map(POINTS) == serial
        evaluator = runner._evaluator
        assert evaluator is not None and evaluator.started
        pool = evaluator._pool
        assert runner.map(POINTS) == serial
        assert runner._evaluator is evaluator and evaluator._pool is pool  # the second call reuses them


def test_runner_rejects_a_bad_point_before_running_any() -> None:
    with api.Runner(workers=2) as runner:
        with pytest.raises(api.ConfigError, match=r"it\.unit_cost must be in"):
            runner.map([{"years": 1}, {"it.unit_cost": -1.0}])
        assert runner._evaluator is None  # no worker was started


def _map_in_worker(_: int) -> tuple[int, list[dict]]:
    with api.Runner(workers=2) as runner:
        return runner.workers, runner.map(POINTS[:2])


@pytest.mark.slow
def test_runner_inside_a_daemonic_worker_runs_serially() -> None:
    # EMA's MultiprocessingEvaluator and Dask run functions in daemonic processes, which may not start
    # children ("daemonic processes are not allowed to have children").
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        workers, results = pool.map(_map_in_worker, [0])[0]
    assert workers == 1
    expected = [
        api.run_one({"years": 1, "it.unit_cost": c}, seed=api.point_seed(0, i))
        for i, c in enumerate((20.0, 30.0))
    ]
    assert results == expected


def test_a_finished_run_leaves_no_model_alive() -> None:
    # mesa 3.3 keeps every model in a class-level dict of agent-id counters unless it is released;
    # thousands of runs in one process would keep thousands of organizations in memory.
    import gc

    from orgsim.model.organization import Organization

    setting = api.apply(api.base_settings(), ONE_YEAR)
    gc.collect()
    alive = sum(isinstance(o, Organization) for o in gc.get_objects())
    for seed in range(3):
        api.simulate(setting, seed)
    gc.collect()
    assert sum(isinstance(o, Organization) for o in gc.get_objects()) == alive


def test_overrides_are_the_keys_the_user_set_and_no_run_setting():
    from orgsim import api
    from orgsim.config.compose import load_settings

    settings = load_settings(
        ["it.budget=3000", "policy.request_delay_months=4", "years=7", "seed=3", "validate.size=quick"],
        config_name="validate",
    )
    assert api.overrides_of(settings) == {"it.budget": 3000.0, "policy.request_delay_months": 4.0}
    assert api.overrides_of(load_settings([], config_name="validate")) == {}
    # another scenario's or policy's own values are its defaults, not overrides
    other = load_settings(["scenario=social_comes_to_cio", "policy=broker"], config_name="validate")
    assert api.overrides_of(other) == {}
