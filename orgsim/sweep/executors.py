"""The sweep's executor choice (executor=serial|processes|dask) as an evaluator of orgsim.evaluators, the
one executor layer; here only the names a user gives and the one-line errors for them."""

from __future__ import annotations

from orgsim.config.validate import ConfigError
from orgsim.evaluators import (
    DASK_MISSING,
    EVALUATORS,
    DaskEvaluator,
    Evaluator,
    ProcessEvaluator,
    SerialEvaluator,
    make_evaluator,
)

# The former names of the evaluators, for code that imported them from here.
SerialExecutor, ProcessExecutor, DaskExecutor = SerialEvaluator, ProcessEvaluator, DaskEvaluator
EXECUTORS = EVALUATORS

__all__ = ["DASK_MISSING", "EXECUTORS", "make_executor"]


def make_executor(kind: str, workers: int = 0, address: str | None = None) -> Evaluator:
    """The evaluator a sweep (or api.Runner) asked for by name; ConfigError in one line when the name is
    unknown or Dask is missing."""
    if kind not in EVALUATORS:
        raise ConfigError(f"executor must be one of {', '.join(EVALUATORS)}; got {kind!r}")
    try:
        return make_evaluator(kind, workers, address)
    except ImportError:
        if kind == "dask":
            raise ConfigError(DASK_MISSING) from None
        raise
