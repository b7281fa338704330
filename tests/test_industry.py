"""An industry: organizations of drawn sizes, department mixes and CIO stances, one per replicate; and the
one size knob, org.size."""

import itertools

import numpy as np
import pandas as pd
import pytest

from orgsim.model.industry import (
    IT_INVESTMENT_PART,
    by_size,
    committed,
    draw_organization,
    investment_arrangement,
    total_headcount,
)
from orgsim.model.organization import Organization
from orgsim.runner import replicate_seeds, run_replicates, tables

# the calibrated defaults draw an industry (issue 22), Weill's arrangements included
NO_SPREAD = (
    "org.size_spread=0",
    "org.mix_spread=0",
    "org.it_budget_spread=0",
    "org.committed_spread=0",
    "org.investment_rights=business_monarchy",
)


def one_org(make_settings, *overrides: str):
    """Settings with no size or mix spread unless the overrides set one."""
    given = {o.split("=", 1)[0] for o in overrides}
    return make_settings(*(o for o in NO_SPREAD if o.split("=", 1)[0] not in given), *overrides)


def _headcounts(setting, replicates: int = 8) -> pd.Series:
    ts, _ = tables(run_replicates(setting, replicates, base_seed=5, workers=1))
    return ts[ts["month"] == 0].set_index("replicate")["headcount"]


def test_size_spread_draws_a_size_per_organization(make_settings):
    fixed = _headcounts(one_org(make_settings, "years=1", "org.size_spread=0"))
    drawn = _headcounts(one_org(make_settings, "years=1", "org.size_spread=0.5"))
    assert fixed.nunique() == 1 and fixed.iloc[0] == 2000
    assert drawn.nunique() == len(drawn)
    assert drawn.min() < 2000 < drawn.max()
    pd.testing.assert_series_equal(
        drawn, _headcounts(one_org(make_settings, "years=1", "org.size_spread=0.5"))
    )


def test_drawn_cio_stance_follows_the_survey_shares(make_settings):
    """With draw on, CIOs aspire with probability 0.6 and are willing with 0.1 (Deloitte 2011/12)."""
    setting = one_org(make_settings, "years=1", "org.employees.enabled=false")
    cios = [Organization(setting, seed).it for seed in replicate_seeds(11, 400)]
    aspiration = np.array([it.aspiration for it in cios])
    willingness = np.array([it.willingness for it in cios])
    assert set(aspiration) <= {0.0, 1.0} and set(willingness) <= {0.0, 1.0}
    # binomial standard errors at n = 400: 0.0245 and 0.015; allow four of them
    assert abs(aspiration.mean() - 0.6) < 4 * 0.0245
    assert abs(willingness.mean() - 0.1) < 4 * 0.015


def _per_head(setting) -> dict[str, float]:
    budgets = {name: d.budget / d.headcount for name, d in setting.org.departments.items()}
    return {**budgets, "it": setting.it.budget / setting.it.headcount}


@pytest.mark.slow
@pytest.mark.parametrize("size", [200, 2000, 20_000, 100_000])
def test_org_size_scales_every_headcount_and_budget_alike(make_settings, size):
    base = one_org(make_settings)
    setting, draw = draw_organization(one_org(make_settings, f"org.size={size}"), np.random.default_rng(0))
    # rounding each of nine groups moves the total by at most 4.5 people, plus the 1-person floor
    assert abs(total_headcount(setting) - size) <= 5
    assert draw.size_factor == pytest.approx(size / 2000)
    # budgets scale with the factor; budget per head moves only by the rounding of small departments
    for name, value in _per_head(setting).items():
        assert value == pytest.approx(_per_head(base)[name], rel=0.6 if size == 200 else 0.02)
    total_budget = sum(d.budget for d in setting.org.departments.values()) + setting.it.budget
    base_budget = sum(d.budget for d in base.org.departments.values()) + base.it.budget
    assert total_budget == pytest.approx(base_budget * size / 2000)


def test_no_industry_settings_draw_nothing(make_settings):
    setting = one_org(make_settings)
    rng = np.random.default_rng(4)
    state = rng.bit_generator.state
    same, draw = draw_organization(setting, rng)
    assert rng.bit_generator.state == state
    assert same is setting and draw.size_factor == 1.0 and set(draw.mix) == {1.0}
    assert draw.it_budget_factor == 1.0


def test_it_budget_spread_draws_it_intensity_alone(make_settings):
    """IT's budget, and nothing else, is multiplied by a log-normal factor with the configured log-s.d."""
    base = one_org(make_settings)
    setting = one_org(make_settings, "org.it_budget_spread=0.6")
    factors = []
    for seed in range(300):
        drawn, draw = draw_organization(setting, np.random.default_rng(seed))
        assert drawn.it.budget == pytest.approx(base.it.budget * draw.it_budget_factor)
        assert drawn.it.headcount == base.it.headcount and drawn.it.unit_cost == base.it.unit_cost
        assert [d.budget for d in drawn.org.departments.values()] == [
            d.budget for d in base.org.departments.values()
        ]
        factors.append(draw.it_budget_factor)
    assert setting.it.budget == base.it.budget  # the caller's settings are not changed
    logs = np.log(factors)
    # 300 normal draws: the s.d. of the log within 15% of 0.6, its mean within 4 standard errors of 0
    assert abs(logs.std(ddof=1) - 0.6) < 0.09 and abs(logs.mean()) < 4 * 0.6 / np.sqrt(300)


def test_a_mean_centred_it_budget_spread_keeps_the_average_firms_budget(make_settings):
    """Under org.it_budget_centre=mean the log of the factor is N(-s^2/2, s): the factors average 1 and
    their median is exp(-s^2/2); under median (the default) the median is 1 and the mean exp(s^2/2)."""
    s, n = 0.8, 4000
    for centre, mean, median in (("mean", 1.0, np.exp(-(s**2) / 2)), ("median", np.exp(s**2 / 2), 1.0)):
        setting = one_org(make_settings, f"org.it_budget_spread={s}", f"org.it_budget_centre={centre}")
        rng = np.random.default_rng(1)
        factors = np.array([draw_organization(setting, rng)[1].it_budget_factor for _ in range(n)])
        # the log-normal's s.e. of the mean: sqrt((exp(s^2) - 1) exp(2 mu + s^2) / n); allow four
        se = np.sqrt((np.exp(s**2) - 1) * mean**2 / n)
        assert abs(factors.mean() - mean) < 4 * se
        assert abs(np.median(factors) / median - 1.0) < 0.06


def test_committed_share_moves_on_the_logit_scale():
    assert committed(0.5, 0.0) == 0.5
    assert committed(0.5, np.log(3.0)) == pytest.approx(0.75)
    assert committed(0.2, -np.log(4.0)) == pytest.approx(1 / 17)  # odds 1/4 divided by 4
    assert committed(0.0, 5.0) == 0.0 and committed(1.0, -5.0) == 1.0


def test_committed_spread_draws_each_firms_committed_share(make_settings):
    setting = one_org(make_settings, "org.committed_spread=1.0")
    p = setting.org.baseline_spend_share
    shifts = []
    for seed in range(300):
        drawn, _ = draw_organization(setting, np.random.default_rng(seed))
        share = drawn.org.baseline_spend_share
        assert 0.0 < share < 1.0
        shifts.append(np.log(share / (1 - share)) - np.log(p / (1 - p)))
    assert abs(np.std(shifts, ddof=1) - 1.0) < 0.15
    assert setting.org.baseline_spend_share == p


def test_investment_rights_drawn_in_the_surveyed_proportions(make_settings):
    """One arrangement per firm: an IT monarchy with probability it_monarchy_share, else business
    monarchy, federal and duopoly equally (Weill 2004); the draw is written into the firm's settings."""
    setting = one_org(make_settings, "org.investment_rights=drawn", "org.it_monarchy_share=0.1")
    n = 3000
    drawn = [
        draw_organization(setting, np.random.default_rng(seed))[0].org.investment_rights for seed in range(n)
    ]
    counts = pd.Series(drawn).value_counts()
    assert set(counts.index) == {"business_monarchy", "federal", "duopoly", "it_monarchy"}
    for name, p in (("it_monarchy", 0.1), ("business_monarchy", 0.3), ("federal", 0.3), ("duopoly", 0.3)):
        assert abs(counts[name] / n - p) < 4 * np.sqrt(p * (1 - p) / n), (name, counts[name])
    assert setting.org.investment_rights == "drawn"  # the caller's settings are not changed
    assert investment_arrangement(0.0, 0.999999) == "duopoly"
    assert investment_arrangement(1.0, 0.5) == "it_monarchy"


def test_core_decisions_follow_the_firms_investment_rights(make_settings):
    """The more say IT has in the business's core investments, the larger its share of all decisions,
    run by run on the same seeds (the arrangements differ in that alone); an IT monarchy's core decisions
    are all IT's, so its share exceeds every other arrangement's."""
    shares = {}
    for rights in ("business_monarchy", "federal", "duopoly", "it_monarchy"):
        setting = one_org(make_settings, "years=2", f"org.investment_rights={rights}")
        ts, _ = tables(run_replicates(setting, 4, base_seed=3, workers=1))
        final = ts[ts["month"] == 24].set_index("replicate")
        shares[rights] = final["it_decision_share"]
        assert (final["firm_it_investment_part"] == IT_INVESTMENT_PART[rights]).all()
    order = ("business_monarchy", "federal", "duopoly", "it_monarchy")
    for lower, higher in itertools.pairwise(order):
        assert (shares[lower] < shares[higher]).all(), (lower, higher)


@pytest.mark.slow
def test_firm_spreads_widen_the_spread_of_its_decision_share(make_settings):
    """Comparative statics: firms that differ in IT intensity and in the core technology the business
    holds differ more in the share of decisions IT takes (the Logicalis statistic's spread)."""

    def spread(*overrides: str) -> float:
        setting = one_org(make_settings, "years=2", "org.employees.enabled=false", *overrides)
        ts, _ = tables(run_replicates(setting, 40, base_seed=8, workers=1))
        year2 = ts[ts["month"] > 12].groupby("replicate")["it_decision_share"].mean()
        return float(year2.std(ddof=1))

    # measured, base seeds 8 / 9 / 10: IT intensity 2.3 / 3.2 / 4.9 times the s.d. of one firm type,
    # committed core technology 1.4 / 1.9 / 2.3 times
    narrow = spread()
    assert spread("org.it_budget_spread=0.8") > 1.5 * narrow
    assert spread("org.committed_spread=1.5") > 1.25 * narrow


def test_mix_spread_redraws_the_department_mix_at_the_same_total(make_settings):
    setting = one_org(make_settings, "org.mix_spread=0.5")
    base = _per_head(one_org(make_settings))
    shares = []
    for seed in range(20):
        drawn, draw = draw_organization(setting, np.random.default_rng(seed))
        business = sum(d.headcount for d in drawn.org.departments.values())
        assert abs(business - 1940) <= 4  # 2,000 less IT's 60, within rounding
        assert drawn.it.headcount == 60
        for name, value in _per_head(drawn).items():  # each department's budget follows its headcount
            assert value == pytest.approx(base[name], rel=0.2)
        shares.append([d.headcount / business for d in drawn.org.departments.values()])
        assert len(set(draw.mix)) == len(draw.mix)
    spread = np.std(np.log(np.array(shares)), axis=0)
    assert (spread > 0.25).all()  # log-normal factors with sigma 0.5, renormalized


def test_industry_runs_report_marginalization_by_size(make_settings):
    setting = one_org(make_settings, "years=1", "org.size_spread=0.8", "org.mix_spread=0.3")
    ts, _ = tables(run_replicates(setting, 9, base_seed=2, workers=1))
    last = ts[ts["month"] == ts["month"].max()]
    rows = by_size(last["headcount"].to_numpy(), (last["it_role"] == "infrastructure_custodian").to_numpy())
    assert [r["organizations"] for r in rows] == [3, 3, 3]
    assert all(r["headcount_min"] <= r["headcount_max"] for r in rows)
    assert all(a["headcount_max"] <= b["headcount_min"] for a, b in itertools.pairwise(rows))
    assert sum(r["marginalized"] for r in rows) == int((last["it_role"] == "infrastructure_custodian").sum())
