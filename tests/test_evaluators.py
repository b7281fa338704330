"""The executor layer (orgsim.evaluators): every evaluator gives the same results in task order, reports
every finished task, and a failed task ends the workers instead of leaving them running."""

from __future__ import annotations

import multiprocessing
import operator

import pytest

from orgsim import evaluators
from orgsim.config.validate import ConfigError
from orgsim.sweep.executors import make_executor

TASKS = [(i, 3) for i in range(23)]
EXPECTED = [i**3 for i in range(23)]


def _fails_on_seven(i: int) -> int:
    if i == 7:
        raise ArithmeticError("task 7 failed")
    return i


def _kind_in_a_worker(kind: str) -> str:
    return evaluators.make_evaluator(kind, workers=2).kind


@pytest.mark.parametrize(
    "kind", ["serial", "processes", pytest.param("dask", marks=pytest.mark.slow)], ids=str
)
def test_every_evaluator_gives_the_results_in_task_order_and_reports_each_task(kind: str) -> None:
    if kind == "dask":
        pytest.importorskip("distributed")
    done: list[int] = []
    with evaluators.make_evaluator(kind, workers=2) as evaluator:
        assert evaluator.kind == kind
        assert evaluator.map(operator.pow, TASKS, done.append) == EXPECTED
        assert list(evaluator.imap(operator.pow, iter(TASKS))) == EXPECTED  # a lazy iterable too
        assert sorted(evaluator.map_unordered(operator.pow, iter(TASKS))) == EXPECTED
    assert sorted(done) == list(range(len(TASKS)))


def test_a_failed_task_raises_here_and_ends_the_workers() -> None:
    with evaluators.ProcessEvaluator(workers=2) as evaluator:
        with pytest.raises(ArithmeticError, match="task 7 failed"):
            evaluator.map(_fails_on_seven, [(i,) for i in range(40)])
        assert not evaluator.started  # the pool was ended at once, not left to finish its tasks
        assert evaluator.map(operator.pow, TASKS) == EXPECTED  # and the next evaluation starts another


def test_inside_a_daemonic_worker_processes_run_serially() -> None:
    # a pool's worker (EMA's, Dask's, ours) may not start children
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.map(_kind_in_a_worker, ["processes"]) == ["serial"]
    assert _kind_in_a_worker("processes") == "processes"


def test_an_unknown_executor_is_refused_in_one_line() -> None:
    with pytest.raises(ConfigError) as err:
        make_executor("threads")
    assert str(err.value) == "executor must be one of serial, processes, dask; got 'threads'"


def test_api_runner_refuses_an_unknown_executor_when_built() -> None:
    from orgsim import api

    with pytest.raises(api.ConfigError) as err:
        api.Runner(workers=2, executor="threads")
    assert str(err.value) == "executor must be one of serial, processes, dask; got 'threads'"


def _logs_an_error_in_the_worker(i: int) -> int:
    import logging

    logging.getLogger("distributed.worker").error("a worker's own error line %d", i)
    return i


@pytest.mark.slow
def test_the_dask_workers_own_log_lines_never_reach_the_terminal(capfd) -> None:
    # what a LocalCluster worker logs (a heartbeat to a scheduler closed under it, after a Ctrl-C) would
    # break a command's one-line report; failures reach the caller as raised exceptions instead
    pytest.importorskip("distributed")
    with evaluators.make_evaluator("dask", workers=2) as evaluator:
        assert evaluator.map(_logs_an_error_in_the_worker, [(i,) for i in range(4)]) == [0, 1, 2, 3]
        with pytest.raises(ArithmeticError, match="task 7 failed"):
            evaluator.map(_fails_on_seven, [(i,) for i in range(9)])
    out, err = capfd.readouterr()
    assert "own error line" not in out + err
