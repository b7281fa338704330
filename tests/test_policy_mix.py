"""The population's policy mix (orgsim.calibration.mix): stratified shares -> counts -> per-firm policies."""

from __future__ import annotations

import pytest

from orgsim.calibration.mix import REST, check_shares, firm_policies, policy_counts
from orgsim.config.validate import ConfigError


@pytest.mark.parametrize("n", [0, 1, 7, 20, 40, 400])
@pytest.mark.parametrize(
    "shares",
    [
        {},
        {"laissez_faire": 0.1},
        {"laissez_faire": 0.15, "social_coe": 0.05},
        {"laissez_faire": 1 / 3, "social_coe": 1 / 3},
    ],
)
def test_counts_sum_to_n_and_stay_within_one_firm_of_the_shares(shares, n):
    counts = policy_counts(shares, n)
    assert sum(counts.values()) == n
    exact = {REST: n * (1 - sum(shares.values())), **{p: n * s for p, s in shares.items()}}
    for policy, count in counts.items():
        assert abs(count - exact[policy]) < 1.0


def test_exact_shares_give_exact_counts():
    assert policy_counts({"laissez_faire": 0.1, "social_coe": 0.05}, 40) == {
        REST: 34,
        "laissez_faire": 4,
        "social_coe": 2,
    }
    assert policy_counts({}, 20) == {REST: 20}


def test_firm_policies_are_deterministic_blocks():
    shares = {"laissez_faire": 0.15, "social_coe": 0.1}
    first = firm_policies(shares, 20)
    assert first == firm_policies(dict(shares), 20)
    assert first == [REST] * 15 + ["laissez_faire"] * 3 + ["social_coe"] * 2
    # firm i's policy depends only on the shares and n: a rest-only mix leaves every firm at the rest
    assert firm_policies({"laissez_faire": 0.0}, 5) == [REST] * 5


@pytest.mark.parametrize(
    ("shares", "fragment"),
    [
        ({"laissez_faire": -0.1}, "population.policy_mix.laissez_faire=-0.1"),
        ({"social_coe": 1.5}, "population.policy_mix.social_coe=1.5"),
        ({"laissez_faire": 0.7, "social_coe": 0.6}, "population.policy_mix: shares sum to 1.3"),
        ({"gatekeeper": 0.2}, "population.policy_mix.gatekeeper"),
        ({"nonsense": 0.2}, "population.policy_mix.nonsense"),
    ],
)
def test_bad_shares_fail_with_one_line_naming_the_key(shares, fragment):
    with pytest.raises(ConfigError) as err:
        check_shares(shares)
    message = str(err.value)
    assert fragment in message and "\n" not in message
    with pytest.raises(ConfigError):
        policy_counts(shares, 10)


def test_calibration_validation_and_role_lines_read_one_population():
    """The shipped calibration, `orgsim validate` and the role-line fit (experiments/calibrate_population.py,
    which composes the run config) must run the same industry: one policy for every firm, the same in the
    three root configs, and no policy factor in the calibration sample. A mix would have to enter all three."""
    from pathlib import Path

    import yaml

    configs = Path(__file__).resolve().parent.parent / "configs"

    def policy_of(root: str) -> str:
        defaults = yaml.safe_load((configs / f"{root}.yaml").read_text())["defaults"]
        return next(d["policy"] for d in defaults if isinstance(d, dict) and "policy" in d)

    assert {policy_of(r) for r in ("calibrate", "validate", "config")} == {REST}
    sample = yaml.safe_load((configs / "experiment" / "calibration.yaml").read_text())
    assert not any(isinstance(d, dict) and any("policy" in k for k in d) for d in sample["defaults"])
    assert "policy" not in sample["sweep"]["uncertainties"] and "policy" not in sample
