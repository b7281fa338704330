"""Guards around a run: what it will cost before it starts, and no NaN or inf in what it reports.

Reads settings and result tables only; knows nothing of the model's internals beyond the column names of
the values that are null by design.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from orgsim.config.schema import OrgsimConfig

if TYPE_CHECKING:  # imported where a table is checked: error reporting imports this module
    import pandas as pd

# Null by design: outcomes that are undefined until something has happened. pandas holds them as NaN and
# pyarrow writes a float NaN as null in parquet (tests/test_robust_runs.py checks the files); summary.json
# is strict JSON (no NaN).
#   mean_wait_months     mean wait of delivered requests; undefined before IT delivers the first one
#   it_involvement_lag   mean months until IT got involved; undefined before IT is involved in any deployment
#   grassroots_adoption  share of employees using consumer tools; undefined with org.employees.enabled=false
#   it_control_shared    share of shared-tool deployments IT manages; undefined while no tool is shared
#   marketing_tech_spend marketing's technology spend; undefined in an organization without marketing
NULL_BY_DESIGN = frozenset(
    {
        "mean_wait_months",
        "it_involvement_lag",
        "grassroots_adoption",
        "it_control_shared",
        "marketing_tech_spend",
    }
)


class NonFiniteOutcome(ArithmeticError):
    """A run produced NaN or inf where a number belongs; the message names outcome, month and replicate."""


class ResourceLimit(Exception):
    """A run would need more memory than the machine has; the message names the keys that size it."""


def check_finite(table: pd.DataFrame, name: str) -> None:
    """Raise NonFiniteOutcome at the first NaN / inf in a numeric column (NaN allowed in NULL_BY_DESIGN)."""
    import numpy as np
    import pandas as pd

    for column in table.columns:
        values = table[column]
        if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            continue
        array = values.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(array) if column in NULL_BY_DESIGN else ~np.isfinite(array)
        if bad.any():
            row = table.iloc[int(np.flatnonzero(bad)[0])]
            where = ", ".join(
                f"{key} {row[key]}" for key in ("department", "month", "replicate", "seed") if key in row
            )
            raise NonFiniteOutcome(
                f"outcome {column} is {array[bad][0]} in {name} at {where}; the run was stopped and no "
                "results were written (please report this with the command line)"
            )


def check_summary(value, path: str = "summary") -> None:
    """Raise NonFiniteOutcome at the first NaN / inf float anywhere in a summary."""
    if isinstance(value, float) and not math.isfinite(value):
        raise NonFiniteOutcome(f"{path} is {value}; the run was stopped and no results were written")
    if isinstance(value, dict):
        for key, item in value.items():
            check_summary(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_summary(item, f"{path}[{i}]")


# --- cost estimate -----------------------------------------------------------------------------------

# One estimate for every command and the API: runs x months x employees (org.size and the employee
# network's degree included) -> memory and time. Measured on the development machine (2026-12, Python 3.11,
# mesa 3.3.1, the CSR employee network; each configuration in a fresh process, CPU time by
# time.process_time, memory by the peak RSS (ru_maxrss) before and after; benchmarks/bench_estimate.py
# compares estimate and measurement):
#   a process that has imported the model and run one organization peaks at ~167 MB, ~0.5 s of imports;
#   building the employee network: ~98 bytes and 1.2-2.4e-7 s per tie (org.size=100,000 at mean_degree
#     10 and 50: 48.6 / 237.9 MB, 0.075 / 0.57 s), 40-150 bytes per employee besides;
#   a run of the default organization (2,000 employees), after the first in its process: 4.5 ms for one
#     year, 10 ms (summary and reporters) to 12 ms (every table) for five: ~3 ms a run and 0.12-0.16 ms a
#     month, of which ~6-8e-9 s per employee (org.size=100,000: 0.78 ms a month; 1,000,000 employees,
#     one year in a fresh process: 1.9 s and 500 MB over the imports, estimated 1.9 s and 700 MB);
#   a timeseries row ~520 bytes, a department row ~130 bytes in memory.
# The constants below round these up, so the estimate errs on the safe side.
BYTES_PER_TIE = 100
BYTES_PER_EMPLOYEE = 200
SECONDS_PER_TIE = 2.5e-7
SECONDS_PER_RUN = 4e-3
SECONDS_PER_MONTH = 2e-4
SECONDS_PER_EMPLOYEE_MONTH = 8e-9
BYTES_PER_TIMESERIES_ROW = 520
BYTES_PER_DEPARTMENT_ROW = 130
BYTES_PER_PROCESS = 170e6
SECONDS_PER_PROCESS = 0.5
TABLE_COPIES = 3  # the replicate tables, their concatenation and the copy written out
# Printed before work this big; refused beyond 80% of the memory available unless force=true.
BIG_SECONDS = 60.0
BIG_BYTES = 2e9
MEMORY_SHARE = 0.8


@dataclass(frozen=True)
class Estimate:
    """What some work will cost: `runs` organizations of up to `months` months and `employees` employees
    (the largest one), on `workers` processes. `label` names the runs as the command counts them."""

    bytes: float
    seconds: float
    workers: int
    employees: int
    runs: int = 1
    months: int = 0
    label: str = ""

    def describe(self) -> str:
        runs = self.label or f"{self.runs} run{'s' if self.runs != 1 else ''}"
        return (
            f"about {_size(self.bytes)} of memory and {_duration(self.seconds)} for "
            f"{runs} x {self.months} months x {self.employees} employees "
            f"on {self.workers} worker{'s' if self.workers > 1 else ''}"
        )

    @property
    def big(self) -> bool:
        return self.seconds > BIG_SECONDS or self.bytes > BIG_BYTES


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _duration(s: float) -> str:
    if s < 90:
        return f"{max(s, 1):.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def available_memory() -> float:
    """Bytes of memory available for new work (MemAvailable on Linux, physical memory elsewhere)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return math.inf


def capped_workers(setting: OrgsimConfig) -> tuple[int, str | None]:
    """`workers` capped at the cores available (0 stays 0: the runner picks), and a note when capped."""
    available = cores()
    if setting.workers > available:
        note = (
            f"workers={setting.workers} is more than the {available} CPU cores available; using {available}"
        )
        return available, note
    return setting.workers, None


def employees_of(setting: OrgsimConfig) -> int:
    """The organization's headcount, IT's included: `org.size` when set, else the configured headcounts."""
    if setting.org.size > 0:
        return int(setting.org.size)
    return sum(d.headcount for d in setting.org.departments.values()) + setting.it.headcount


def _per_run(setting: OrgsimConfig) -> tuple[int, float, float]:
    """(employees, peak model bytes, seconds) of one organization of `setting` to its horizon."""
    months = setting.years * 12
    employees = employees_of(setting)
    spread = setting.org.size_spread
    largest = min(10.0, math.exp(3.0 * spread))  # a three-sigma organization (sizes are clipped at 10x)
    typical = min(10.0, math.exp(spread * spread / 2.0))
    emp = setting.org.employees
    if not emp.enabled:
        return employees, 0.0, SECONDS_PER_RUN + months * SECONDS_PER_MONTH
    ties_per_employee = 0.0 if emp.network == "full" else emp.mean_degree / 2.0
    model_bytes = largest * employees * (BYTES_PER_TIE * ties_per_employee + BYTES_PER_EMPLOYEE)
    seconds = (
        typical * employees * (ties_per_employee * SECONDS_PER_TIE + months * SECONDS_PER_EMPLOYEE_MONTH)
    )
    return int(largest * employees), model_bytes, seconds + SECONDS_PER_RUN + months * SECONDS_PER_MONTH


def estimate(
    setting: OrgsimConfig | Sequence[OrgsimConfig],
    workers: int = 1,
    runs: int | None = None,
    row_bytes: float | None = None,
    label: str = "",
) -> Estimate:
    """Memory and time of `runs` runs (default: `replicates`) of each config in `setting` (one, or the
    points of a design) on `workers` processes.

    `row_bytes` is what the command keeps in memory per run and month (default: `orgsim run`'s monthly
    and department tables, TABLE_COPIES times; 0 for work that keeps only summaries).
    """
    points = [setting] if isinstance(setting, OrgsimConfig) else list(setting)
    workers = max(1, int(workers))
    total_runs, seconds, model_bytes, table_bytes, employees, months = 0, 0.0, 0.0, 0.0, 0, 0
    for point in points:
        n = point.replicates if runs is None else runs
        people, peak, per_run = _per_run(point)
        rows = n * (point.years * 12 + 1)
        per_row = (
            TABLE_COPIES * (BYTES_PER_TIMESERIES_ROW + len(point.org.departments) * BYTES_PER_DEPARTMENT_ROW)
            if row_bytes is None
            else row_bytes
        )
        total_runs += n
        seconds += n * per_run
        table_bytes += rows * per_row
        model_bytes = max(model_bytes, peak)
        employees = max(employees, people)
        months = max(months, point.years * 12)
    total = BYTES_PER_PROCESS * (1 + (workers if workers > 1 else 0)) + workers * model_bytes + table_bytes
    seconds = seconds / workers + SECONDS_PER_PROCESS
    return Estimate(total, seconds, workers, employees, total_runs, months, label)


class LargeWork(UserWarning):
    """The API's note before big work (the CLI prints the same line)."""


def check_estimate(cost: Estimate, force: bool = False, command: str = "", announce: bool = True) -> Estimate:
    """Refuse work whose estimate exceeds MEMORY_SHARE of the memory available, unless `force`; print
    (API: warn) the estimate of big work when `announce`. `command` names the CLI command ("" for the
    API)."""
    limit = MEMORY_SHARE * available_memory()
    what = {"sweep": "this sweep", "calibrate": "this calibration", "validate": "this validation"}.get(
        command, "this run"
    )
    if cost.bytes > limit and not force:
        raise ResourceLimit(
            f"{what} needs {cost.describe()}, more than the {_size(limit)} this machine can "
            "spare; lower replicates, years, org.size, the headcounts or org.employees.mean_degree, "
            "or add force=true to run it anyway"
        )
    if announce and cost.big:
        line = f"{cost.describe()} (estimate)"
        if command:
            print(f"orgsim {command}: note: {line}", file=sys.stderr)
        else:
            import warnings

            warnings.warn(line, LargeWork, stacklevel=3)
    return cost


def check_resources(
    setting: OrgsimConfig, workers: int, force: bool = False, command: str = "run", announce: bool = True
) -> Estimate:
    """`orgsim run`'s estimate of `setting` checked (see check_estimate): its replicates, and as many
    organizations again, kept as summaries only, when it also gives the verdict over the posterior."""
    cost = estimate(setting, workers, label=f"replicates={setting.replicates}")
    if setting.posterior_sets:
        extra = estimate(setting, workers, row_bytes=0.0)
        cost = replace(
            cost,
            seconds=cost.seconds + extra.seconds - SECONDS_PER_PROCESS,
            runs=cost.runs + extra.runs,
            label=f"replicates={setting.replicates} plus {setting.replicates} over the posterior",
        )
    return check_estimate(cost, force, command, announce)
