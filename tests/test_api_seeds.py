"""One meaning of a seed: a table's `seed` column reproduces its run through the API (`run_seed`), and
design-driven entry points give every point its own base seed, derived reproducibly from one base seed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from orgsim import api
from orgsim.commands.sweep import RUN_COLUMNS, prepare, sweep_job


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if a is None or b is None:
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b))
        )
    return a == b


@pytest.mark.slow
def test_a_sweep_row_is_reproduced_by_run_one_with_its_own_seed(tmp_path) -> None:
    folder = tmp_path / "sweep"
    sweep_job(
        prepare(["experiment=policy_comparison", "replicates=1", "years=1", f"hydra.run.dir={folder}"]),
        echo=lambda _: None,
    )
    runs = pd.read_parquet(folder / "runs.parquet")
    row = runs.iloc[len(runs) - 1]
    summary = api.run_one({"years": 1}, policy=str(row["policy"]), run_seed=int(row["seed"]))
    outcomes = [c for c in runs.columns if c in summary and c not in RUN_COLUMNS and c != "policy"]
    assert len(outcomes) >= 10
    differing = [c for c in outcomes if not _same(pd.Series([row[c]]).tolist()[0], summary[c])]
    assert differing == []
    # the base-seed meaning is a different run: the names say which is which
    assert api.run_one({"years": 1}, policy=str(row["policy"]), seed=int(row["seed"])) != summary


def test_run_seed_is_one_run_and_refuses_replicates() -> None:
    with pytest.raises(api.ConfigError, match="replicates must be 1"):
        api.run_one({"years": 1}, run_seed=3, replicates=2)


def test_point_seeds_are_distinct_reproducible_and_depend_on_the_base_seed() -> None:
    seeds = [api.point_seed(0, i) for i in range(64)]
    assert len(set(seeds)) == 64 and seeds == [api.point_seed(0, i) for i in range(64)]
    assert set(seeds).isdisjoint(api.point_seed(1, i) for i in range(64))
    a, b = {"x": 1.0, "y": 2}, {"y": 2, "x": 1.0}
    assert api.point_seed(0, a) == api.point_seed(0, b) != api.point_seed(0, {"x": 1.5, "y": 2})


def test_ema_function_gives_each_experiment_its_own_seed_unless_common_random_numbers(monkeypatch) -> None:
    used: list[int] = []
    monkeypatch.setattr(api, "run_one", lambda params, seed, **kw: used.append(seed) or {})
    model = api.ema_function(seed=7)
    for w in (0.1, 0.2, 0.3, 0.1):
        model(it__cio__willingness=w)
    assert len(set(used[:3])) == 3 and used[3] == used[0]  # same parameters, same seed
    used.clear()
    shared = api.ema_function(seed=7, common_random_numbers=True)
    for w in (0.1, 0.2, 0.3):
        shared(it__cio__willingness=w)
    assert used == [7, 7, 7]


def test_runner_gives_each_point_its_own_seed_unless_common_random_numbers() -> None:
    points = [{"years": 1}] * 4
    with api.Runner(workers=1, seed=2) as runner:
        own = runner.map(points)
    with api.Runner(workers=1, seed=2, common_random_numbers=True) as runner:
        common = runner.map(points)
    assert own == [api.run_one({"years": 1}, seed=api.point_seed(2, i)) for i in range(4)]
    assert all(c == common[0] for c in common)  # identical points, identical draws
    assert len({repr(sorted(s.items())) for s in own}) > 1  # identical points, different draws


def test_a_salib_sobol_study_over_the_runner_gives_every_design_point_its_own_seed(monkeypatch) -> None:
    sobol = pytest.importorskip("SALib.sample.sobol")
    problem = api.salib_problem(["it.unit_cost", "it.cio.willingness"])
    sample = sobol.sample(problem, 8, calc_second_order=False, seed=1)
    points = [{**dict(zip(problem["names"], x, strict=True)), "years": 1} for x in sample]
    seen: dict[int, list[int]] = {}

    for base in (0, 1):
        seen[base] = []
        with api.Runner(workers=1, seed=base) as runner:
            monkeypatch.setattr(
                api,
                "_run_points",
                lambda b, jobs, r, base=base: [seen[base].append(seed) or {} for _, _, _, seed in jobs],
            )
            runner.map(points)
    assert len(set(seen[0])) == len(points) == len(seen[0])  # no two design points share draws
    assert set(seen[0]).isdisjoint(seen[1])  # another base seed, other draws throughout
