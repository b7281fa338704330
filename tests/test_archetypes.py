"""Organization archetypes (issue 19): each composes, runs, holds the numbers its files state, and differs
from the midsize firm in the direction its numbers imply."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
import yaml

from orgsim import api
from orgsim.cli import main
from orgsim.config.compose import config_dir
from orgsim.runner import replicate_seeds

ARCHETYPES = ("regulated_bank_2012", "consumer_brand_2012", "software_firm_2012", "public_agency_2012")
MIDSIZE = "baseline_2012"
REPORTERS = ("marketing_tech_spend", "it_discretionary_spend", "mean_wait_months")
pytestmark = pytest.mark.slow  # every test runs organizations of each archetype

REPLICATES = 12


def _file(group: str, name: str) -> dict:
    return yaml.safe_load((config_dir() / group / f"{name}.yaml").read_text())


@functools.lru_cache(maxsize=16)
def _runs(scenario: str, policy: str = "gatekeeper", replicates: int = REPLICATES) -> pd.DataFrame:
    """One row per replicate: its run summary plus the month marketing first out-spends IT's
    discretionary line (inf: never) and the mean wait at the horizon."""
    # one organization of each archetype, not an industry of them (the calibrated defaults draw sizes
    # and department mixes per organization)
    one = {
        "org.size_spread": 0.0,
        "org.mix_spread": 0.0,
        "org.it_budget_spread": 0.0,
        "org.committed_spread": 0.0,
    }
    base = api.apply(api.base_settings(scenario, policy), one)
    rows = []
    for seed in replicate_seeds(0, replicates):
        summary, monthly = api.simulate(base, seed, REPORTERS)
        ahead = monthly["month"][monthly["marketing_tech_spend"] > monthly["it_discretionary_spend"]]
        summary["month_marketing_ahead"] = float(ahead.min()) if len(ahead) else np.inf
        summary["final_mean_wait_months"] = float(monthly["mean_wait_months"].iloc[-1])
        rows.append(summary)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_archetype_scenario_selects_its_org_and_sets_it_as_the_files_say(archetype: str) -> None:
    setting = api.base_settings(archetype)
    org_file, scenario_file = _file("org", archetype), _file("scenario", archetype)
    assert setting.org.name == archetype == setting.scenario.name
    assert setting.it.budget == scenario_file["it"]["budget"]
    assert setting.it.headcount == scenario_file["it"]["headcount"]
    for name, dept in org_file["departments"].items():
        assert setting.org.departments[name].headcount == dept["headcount"]
        assert setting.org.departments[name].budget == dept["budget"]
        assert setting.org.departments[name].tech_autonomy == dept["tech_autonomy"]
        assert setting.org.departments[name].risk_aversion == dept["risk_aversion"]
    # every archetype is an organization of about 2,000 employees, IT included, like the midsize firm
    total = sum(d.headcount for d in setting.org.departments.values()) + setting.it.headcount
    assert total == 2000


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_orgsim_run_with_the_archetype_org_exits_0(archetype: str, tmp_path) -> None:
    for group in ("org", "scenario"):
        out = tmp_path / group
        assert main(["run", f"{group}={archetype}", "replicates=2", "years=1", f"hydra.run.dir={out}"]) == 0
        assert (out / "summary.json").is_file()


def test_bank_it_is_larger_and_agency_functions_poorer_than_the_midsize_firm() -> None:
    """The sourced intensities, read back: bank and software IT above the midsize firm's, the consumer
    brand's below; the agency's functions hold less of their own budget per head."""
    mid = api.base_settings(MIDSIZE)
    it = {a: api.base_settings(a).it.budget for a in ARCHETYPES}
    assert it["regulated_bank_2012"] > mid.it.budget and it["software_firm_2012"] > mid.it.budget
    assert it["consumer_brand_2012"] < mid.it.budget

    def own_per_head(setting) -> float:
        depts = setting.org.departments.values()
        return sum(d.budget for d in depts) / sum(d.headcount for d in depts)

    assert own_per_head(api.base_settings("public_agency_2012")) < 0.6 * own_per_head(mid)


@pytest.mark.slow
def test_regulated_bank_ends_with_less_shadow_share_under_the_same_policy() -> None:
    """Measured (200 runs each, the confirmed fit of 2026-12-06): gatekeeper 0.542 vs 0.635 (z = 8.5); broker
    0.179 vs 0.195 (s.e. of the gap 0.0062, z = 2.6; 2.9 at the unconfirmed fit, 4.7 at the one before). Under broker the gap is small: at
    96 runs each it once stood 2.2 s.e. from zero, just over the bar."""
    for policy in ("gatekeeper", "broker"):
        bank = _runs("regulated_bank_2012", policy, 200)["final_shadow_share"]
        mid = _runs(MIDSIZE, policy, 200)["final_shadow_share"]
        se = np.hypot(bank.std(ddof=1) / np.sqrt(len(bank)), mid.std(ddof=1) / np.sqrt(len(mid)))
        assert mid.mean() - bank.mean() > 2.0 * se, (policy, bank.mean(), mid.mean(), se)


@pytest.mark.slow
def test_consumer_brand_marketing_outspends_it_sooner_than_the_midsize_firms() -> None:
    brand, mid = _runs("consumer_brand_2012"), _runs(MIDSIZE)
    assert brand["month_marketing_ahead"].median() < mid["month_marketing_ahead"].median()
    assert (brand["tech_leader"] == "marketing").mean() > 0.9


@pytest.mark.slow
def test_software_firm_engineering_leads_technology_spend_and_waits_are_shorter() -> None:
    soft, mid = _runs("software_firm_2012"), _runs(MIDSIZE)
    assert (soft["tech_leader"] == "product_development").mean() > 0.9
    assert soft["final_mean_wait_months"].mean() < mid["final_mean_wait_months"].mean()


@pytest.mark.slow
def test_public_agency_has_less_shadow_and_fewer_incidents_than_the_midsize_firm() -> None:
    agency, mid = _runs("public_agency_2012"), _runs(MIDSIZE)
    assert agency["final_shadow_share"].mean() < mid["final_shadow_share"].mean()
    assert agency["security_incidents"].mean() < mid["security_incidents"].mean()
    assert (agency["tech_leader"] == "it").mean() > 0.9
