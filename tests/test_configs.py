"""Every shipped config option composes and runs; bad input fails early with a message naming the key."""

from __future__ import annotations

import re

import pytest
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from orgsim.config.compose import compose, config_dir, load_settings, to_settings
from orgsim.config.schema import POLICIES, InitialDeploymentConfig, OrgsimConfig
from orgsim.config.validate import ConfigError, validate
from orgsim.model.ledger import BROKERED, BYOT, CHANNELS, SHADOW
from orgsim.model.organization import Organization

GROUPS = ("scenario", "policy", "org", "catalogue")


def options(group: str) -> list[str]:
    """The selectable options of a config group: its yaml files, without the ConfigStore schemas."""
    return sorted(p.stem for p in (config_dir() / group).glob("*.yaml") if not p.stem.endswith("_schema"))


SHIPPED = [(group, option) for group in GROUPS for option in options(group)]
# The fast tier composes one option of each group (a Hydra composition costs about 0.3 s); the full suite
# composes every shipped option.
SHIPPED_PARAMS = [
    pytest.param(
        group, option, id=f"{group}={option}", marks=() if option == options(group)[0] else pytest.mark.slow
    )
    for group, option in SHIPPED
]


def test_every_group_ships_options_and_every_policy_has_one() -> None:
    for group in GROUPS:
        assert options(group), f"no options in configs/{group}"
    assert set(options("policy")) == set(POLICIES)
    assert {"baseline_2012", "cio_reinvents", "social_comes_to_cio", "cloud_push", "locked_down"} <= set(
        options("scenario")
    )


@pytest.mark.parametrize(("group", "option"), SHIPPED_PARAMS)
def test_shipped_option_composes_and_validates(make_settings, group: str, option: str) -> None:
    setting = make_settings(f"{group}={option}")  # Hydra composition, then validation
    assert getattr(setting, group).name == option


def test_default_config_is_the_2012_baseline(make_settings) -> None:
    setting = make_settings()
    assert setting.scenario.name == "baseline_2012"
    assert setting.start_year == 2012


@pytest.mark.parametrize(
    "override", [f"scenario={s}" for s in options("scenario")] + [f"policy={p}" for p in options("policy")]
)
def test_model_runs_one_year_for_every_scenario_and_policy(make_settings, override: str) -> None:
    setting = make_settings(override)
    setting.years = 1
    model = Organization(setting, seed=11).run()
    assert model.month == 12
    timeseries = model.datacollector.get_model_vars_dataframe()
    assert timeseries["month"].tolist() == list(range(13))
    assert model.ledger.created >= len(setting.org.initial_deployments)


def test_scenarios_set_what_their_names_promise(make_settings) -> None:
    """DESIGN.md section 5, as relations to the baseline rather than calibrated numbers."""
    base = make_settings("scenario=baseline_2012")
    reinvents = make_settings("scenario=cio_reinvents")
    assert reinvents.policy.name == "innovation_partner"
    assert reinvents.it.cio.willingness > base.it.cio.willingness
    locked = make_settings("scenario=locked_down")
    assert locked.policy.name == "gatekeeper"
    assert locked.policy.governance == "strict"
    assert make_settings("scenario=cloud_push").environment.cloud_push > base.environment.cloud_push
    lebrun = make_settings("scenario=social_comes_to_cio").environment
    stronger = (
        lebrun.integration_base - base.environment.integration_base,
        lebrun.integration_sensitivity - base.environment.integration_sensitivity,
    )
    assert min(stronger) >= 0 < max(stronger)


# Channels a policy never produces (DESIGN.md section 4): byot only where self-provisioning is
# allowed, brokered only from the broker's app store, shadow never where everything is allowed.
NEVER = {
    "gatekeeper": {"byot", "brokered"},
    "innovation_partner": {"byot", "brokered"},
    "social_coe": {"brokered"},  # a marketing-led CoE lets departments buy low-risk tools (byot)
    "broker": {"byot"},
    "laissez_faire": {"shadow", "brokered"},
}


@pytest.mark.parametrize("policy", sorted(NEVER))
def test_policy_decides_the_self_provisioning_channel(make_settings, policy: str) -> None:
    setting = make_settings(f"policy={policy}")
    setting.years = 3
    setting.decision.need_rate = 0.3
    model = Organization(setting, seed=5)
    created = set()
    while model.month < model.horizon:
        model.step()
        created |= {CHANNELS[d.channel] for d in model.ledger.active}
    assert not created & NEVER[policy]
    self_provisioned = {"laissez_faire": BYOT, "broker": BROKERED, "gatekeeper": SHADOW, "social_coe": BYOT}
    if policy in self_provisioned:
        assert CHANNELS[self_provisioned[policy]] in created


# --- values the model refuses -----------------------------------------------------------------------

BAD_VALUES = [
    (["it.cio.willingness=1.7"], "it.cio.willingness", "1.7"),
    (
        ["it.stances.strict.shut_down=0.9"],
        "it.stances.strict.shut_down + it.stances.strict.absorb",
        "at most 1",
    ),
    (["it.stances.neutral.enforcement=1.5"], "it.stances.neutral.enforcement", "1.5"),
    (["policy.governance=strickt"], "policy.governance", "one of strict, neutral, enabling; got 'strickt'"),
    (["it.split.run=0.9"], "it.split.run + it.split.innovation + it.split.security", "sum to 1"),
    (["it.unit_cost=nan"], "it.unit_cost", "nan"),
    (["it.unit_cost=0"], "it.unit_cost", "got 0"),  # prices a work unit
    (["metrics.innovation_target=0"], "metrics.innovation_target", "got 0"),  # divides IT's innovation share
    (["policy.innovation_shift=1.0"], "policy.innovation_shift", "got 1"),
    (["policy.innovation_shift=-0.05"], "policy.innovation_shift", "got -0.05"),
    (["metrics.spend_target=0"], "metrics.spend_target", "got 0"),
    (
        ["metrics.strategic_threshold=0.4", "metrics.custodian_threshold=0.5"],
        "metrics.custodian_threshold",
        "0.5",
    ),
    (
        ["environment.saas_maturity.start=0.6", "environment.saas_maturity.end=0.3"],
        "environment.saas_maturity.end",
        "0.3",
    ),
    (
        ["org.departments.marketing.focus=[social_marketing,telepathy]"],
        "org.departments.marketing.focus.1",
        "telepathy",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("overrides", "key", "value"), BAD_VALUES, ids=[c[1] for c in BAD_VALUES])
def test_bad_value_raises_config_error_naming_the_key(overrides: list[str], key: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(overrides)
    message = str(err.value)
    assert message.startswith(key)
    assert value in message
    assert "\n" not in message


def test_bad_cross_references_raise_config_error(make_settings) -> None:
    setting = make_settings()
    setting.org.network_edges.append(["marketing", "nowhere"])
    with pytest.raises(ConfigError, match=r"org\.network_edges\.\d+ .*'nowhere'"):
        validate(setting)

    setting = make_settings()
    setting.org.initial_deployments.append(InitialDeploymentConfig(department="hr", tool="myspace"))
    with pytest.raises(ConfigError, match=r"org\.initial_deployments\.\d+\.tool .*'myspace'"):
        validate(setting)

    setting = make_settings()
    setting.org.departments["it"] = setting.org.departments["finance"]
    with pytest.raises(ConfigError, match=r"org\.departments must not contain 'it'"):
        validate(setting)


def test_two_initial_deployments_of_one_category_in_one_department_are_refused(make_settings) -> None:
    setting = make_settings()
    first = setting.org.initial_deployments[0]
    setting.org.initial_deployments.append(
        InitialDeploymentConfig(department=first.department, tool=first.tool)
    )
    with pytest.raises(ConfigError, match=r"org\.initial_deployments"):
        validate(setting)


# --- input that cannot even be composed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        (["it.cio.wilingness=0.5"], "it.cio.wilingness"),
        (["policy=nope"], "policy/nope"),
        (["scenario=baseline_2013"], "scenario/baseline_2013"),
        (["years=abc"], "years"),
    ],
)
def test_misspelt_key_or_unknown_option_fails_at_composition(overrides: list[str], needle: str) -> None:
    with pytest.raises(HydraException, match=re.escape(needle)):
        compose(overrides)


@pytest.mark.parametrize(
    "appended",
    ["+it.foo=1", "+org.departments.marketing.bar=2", "+org.initial_deployments.0.baz=3", "+zzz=1"],
)
def test_appended_key_the_schema_lacks_is_rejected(appended: str) -> None:
    cfg = compose([appended])  # Hydra allows appending; the typed settings do not
    name = appended.split("=")[0].rsplit(".", 1)[-1].lstrip("+")
    with pytest.raises(OmegaConfBaseException, match=name):
        to_settings(cfg)


@pytest.mark.parametrize(("group", "option"), SHIPPED_PARAMS)
def test_settings_of_a_composed_config_equal_those_of_a_fresh_schema_merge(group: str, option: str) -> None:
    # to_settings reads a config composed onto the schema as it is (a job's, as a command gets it from
    # Hydra, with its `hydra` node left out); a merge into a fresh schema, the path for any other config,
    # must give the very same settings for every shipped option
    from orgsim.config import compose as composing

    _, job = composing.compose_job(
        "orgsim", [f"{group}={option}", "it.budget=4321", "decision.need_rate=0.07"]
    )
    assert "hydra" in job and OmegaConf.get_type(job) is OrgsimConfig
    composing._VALIDATED.clear()
    direct = to_settings(job)
    plain = OmegaConf.create(composing.plain_data(job))  # the same values, no schema type
    assert OmegaConf.get_type(plain) is dict
    composing._VALIDATED.clear()
    assert to_settings(plain) == direct


@pytest.mark.parametrize(
    ("policy", "key", "value"),
    [
        ("gatekeeper", "curation_share", 0.3),
        ("broker", "coe_lead", "it"),
        ("laissez_faire", "coe_capacity", 4),
    ],
)
def test_a_key_only_another_policy_reads_is_refused(policy, key, value):
    from orgsim.config.compose import load_settings
    from orgsim.config.validate import ConfigError

    with pytest.raises(ConfigError, match=rf"policy\.{key} is read only by .*; policy {policy} ignores it"):
        load_settings([f"policy={policy}", f"policy.{key}={value}"])


def test_the_keys_every_policy_reads_may_be_moved_between_policies():
    from orgsim.config.compose import load_settings

    moved = load_settings(
        ["policy=gatekeeper", "policy.request_delay_months=6", "policy.integration_service=false"]
    )
    assert moved.policy.request_delay_months == 6 and moved.policy.integration_service is False
