"""The validation registry: what a check is, what it reports, and the context it runs in.

A check is a name, a function `(ctx) -> list[CheckResult]` and a figure hook `(ctx, outdir) -> path`.
Checks are plain objects in `CHECKS`, so another module adds one with `register`; the command knows none
of them by name.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from orgsim.calibration.targets import NOT_COUNTED  # the one rule of which rows count
from orgsim.config.schema import VALIDATION_SIZES

SIZES = VALIDATION_SIZES  # the sizes a check is asked to run at


@dataclass
class CheckResult:
    """One row of the validation table: a model value against a reference, with its interval."""

    check: str
    reference: str  # the source or closed form the model is held against
    target: float | None  # the reference's value (None where the reference is a rule, not a number)
    model: float
    low: float  # interval of the model value (equal to it where the value has no sampling error)
    high: float
    tolerance: str | float
    passed: bool
    note: str = ""
    # what kind of row it is (issue 22): "fit" (a calibration target), "held-out" (kept out of every fit,
    # tolerance declared before it), "forecast", "analogue", "input" or "line" (met by the model's own
    # inputs or by construction of the role lines), "out-of-scope" (a figure about something the model
    # does not represent): NOT_COUNTED rows (forecasts among them) are shown, not counted; comma-separated
    flag: str = ""

    @property
    def counted(self) -> bool:
        """Whether the row counts in the verdict (rows met by the inputs or by construction, rows out of
        the model's scope and forecasts do not)."""
        return not NOT_COUNTED & set(self.flag.split(","))


@dataclass
class Context:
    """What every check is given: the run's size and seed, its replicates and workers.

    `replicates` 0 leaves each check its own default for the size. `settings` is the composed model
    config (checks of the default scenario read it); `data` holds what a check computed for its figure.
    """

    size: str = "full"
    seed: int = 0
    replicates: int = 0
    workers: int = 1
    settings: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    # Inside `with ctx:` every map shares one pool of workers, ended when the block ends.
    _evaluator: Any = field(default=None, init=False, repr=False)
    _shared: bool = field(default=False, init=False, repr=False)

    def __enter__(self) -> Context:
        self._shared = True
        return self

    def __exit__(self, *exc) -> None:
        evaluator, self._evaluator, self._shared = self._evaluator, None, False
        if evaluator is not None:
            evaluator.close(abort=exc[0] is not None)

    @property
    def quick(self) -> bool:
        return self.size == "quick"

    def replicates_or(self, full: int, quick: int) -> int:
        """The replicates to run: the user's, or the check's default for the size."""
        return self.replicates or (quick if self.quick else full)

    def seeds(self, check: str, count: int) -> list[np.random.SeedSequence]:
        """`count` independent seeds for a check: they depend on the seed and the check's name only, so a
        check gives the same numbers whichever other checks run and however many workers there are."""
        return np.random.SeedSequence([self.seed, zlib.crc32(check.encode())]).spawn(count)

    def map(self, function: Callable, tasks: list) -> list:
        """`function(task)` for every task, in order, in worker processes (orgsim.evaluators): one pool for
        the whole `with ctx:` block, or one per call outside it."""
        from orgsim.evaluators import make_evaluator

        if not self._shared:
            workers = min(self.workers or (os.cpu_count() or 1), len(tasks))
            with make_evaluator("processes", max(workers, 1)) as evaluator:
                return evaluator.map(function, [(task,) for task in tasks])
        if self._evaluator is None:
            self._evaluator = make_evaluator("processes", max(self.workers or (os.cpu_count() or 1), 1))
        return self._evaluator.map(function, [(task,) for task in tasks])


@dataclass(frozen=True)
class Check:
    """A validation check: `run` gives its table rows, `figure` draws what `run` left in ctx.data."""

    name: str
    description: str
    run: Callable[[Context], list[CheckResult]]
    figure: Callable[[Context, Path], Path | None] | None = None


CHECKS: list[Check] = []


def register(check: Check) -> Check:
    """Add a check to the registry (a name may appear once)."""
    if any(c.name == check.name for c in CHECKS):
        raise ValueError(f"a validation check named {check.name!r} is already registered")
    CHECKS.append(check)
    return check


def select(names: Iterable[str] = ()) -> list[Check]:
    """The registered checks named (all when none are); an unknown name raises ConfigError."""
    names = list(names)
    known = {c.name: c for c in CHECKS}
    unknown = [n for n in names if n not in known]
    if unknown:
        from orgsim.config.validate import ConfigError

        raise ConfigError(f"validate.checks must name checks among {', '.join(known)}; got {unknown[0]!r}")
    return [known[n] for n in names] if names else list(CHECKS)
