"""Organization as a Mesa citizen: keyword parameters (dotted, identifiers, nested) and mesa.batch_run over
it, with the recorder offering what batch_run reads of a DataCollector."""

from __future__ import annotations

import inspect

import mesa
import pandas as pd
import pytest

from orgsim import api
from orgsim.config.validate import ConfigError
from orgsim.model.organization import Organization


def test_keyword_parameters_give_the_same_run_as_a_composed_setting() -> None:
    setting = api.apply(api.base_settings(policy="broker"), {"years": 1, "it.unit_cost": 30.0})
    by_setting = Organization(setting, 3, collect="model").run()
    for kwargs in (
        {"policy": "broker", "years": 1, "it.unit_cost": 30.0},
        {"policy": "broker", "years": 1, "it__unit_cost": 30.0},
        {"policy": "broker", "years": 1, "it": {"unit_cost": 30.0}},
    ):
        by_keywords = Organization(seed=3, collect="model", **kwargs).run()
        assert by_keywords.datacollector.model_vars == by_setting.datacollector.model_vars


def test_bad_keyword_parameters_raise_one_config_error_line() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'it\.budgett'") as err:
        Organization(**{"it.budgett": 4000})
    assert "\n" not in str(err.value)
    with pytest.raises(ConfigError, match="policy must be one of"):
        Organization(policy="nonesuch")


@pytest.mark.slow
def test_batch_run_returns_one_table_of_model_and_department_reporters() -> None:
    parameters = {"policy": ["broker", "laissez_faire"], "years": 1, "org.size": 300}
    kwargs = {"iterations": 2, "max_steps": 12, "number_processes": 1, "display_progress": False}
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # mesa 3.5: one seed per iteration,
        del kwargs["iterations"]  # which it refuses alongside iterations
        kwargs["rng"] = [1, 2]
    else:  # mesa 3.3: seeds as a parameter, crossed with the policies in place of two iterations
        parameters["seed"], kwargs["iterations"] = [1, 2], 1
    table = pd.DataFrame(mesa.batch_run(Organization, parameters=parameters, **kwargs))
    assert set(table["policy"]) == {"broker", "laissez_faire"}
    assert table["RunId"].nunique() == 4
    assert {"AgentID", "it_influence", "month"} <= set(table.columns)
    # mesa 3.3's batch_run reads the recorder at index model.steps - 1 and the recorder's row 0 is month 0
    # (the starting state), so its last row is month 11 of a 12-month run, as for any Mesa model that
    # collects in __init__; 3.5 maps steps through `_collection_steps` and reads month 12. The `month`
    # column says which month a row is, on both lines
    assert (table["month"] == table["Step"]).all()
    last = table[table["Step"] == table["Step"].max()]
    final = int(last["Step"].iloc[0])
    assert final == (
        12 if hasattr(mesa.DataCollector(), "_collection_steps") else 11
    )  # stopped at the horizon
    # the model reporters of a batch run equal the same run through the API's model
    row = last[(last["policy"] == "broker")].iloc[0]
    seed = int(row["rng"] if "rng" in row else row["seed"])
    model = Organization(policy="broker", years=1, seed=seed, **{"org.size": 300}).run()
    assert row["it_influence"] == model.datacollector.model_vars["it_influence"][final]
