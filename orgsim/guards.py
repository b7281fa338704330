"""Guards around a run: what it will cost before it starts, and no NaN or inf in what it reports.

Reads settings and result tables only; knows nothing of the model's internals beyond the column names of
the values that are null by design.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
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

# Measured on the development machine (Python 3.11, mesa 3.3.1, model of 2026-11-30 with the CSR employee
# network; benchmarks/bench_estimate.py compares estimate and measurement): the employee network costs
# ~95 bytes and 0.5-2 microseconds to build per tie and little per month after; a month of the organization
# ~1-2.5 ms; a timeseries row ~520 bytes and a department row ~130 bytes in memory; ~150 MB per process for
# the imported libraries.
BYTES_PER_TIE = 100
BYTES_PER_EMPLOYEE = 200
SECONDS_PER_TIE = 1e-6
SECONDS_PER_MONTH = 2e-3
BYTES_PER_TIMESERIES_ROW = 520
BYTES_PER_DEPARTMENT_ROW = 130
BYTES_PER_PROCESS = 150e6
TABLE_COPIES = 3  # the replicate tables, their concatenation and the copy written out


@dataclass
class Estimate:
    bytes: float
    seconds: float
    workers: int
    employees: int

    def describe(self, setting: OrgsimConfig) -> str:
        return (
            f"about {_size(self.bytes)} of memory and {_duration(self.seconds)} for "
            f"replicates={setting.replicates} x {setting.years * 12} months x {self.employees} employees "
            f"on {self.workers} worker{'s' if self.workers > 1 else ''}"
        )


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


def effective_workers(setting: OrgsimConfig) -> int:
    """The worker processes the runner will start for `setting`, after the cap."""
    from orgsim.runner import default_workers

    return default_workers(capped_workers(setting)[0], setting.replicates, setting.years * 12)


def estimate(setting: OrgsimConfig, workers: int) -> Estimate:
    """Memory and time a run of `setting` will need, from its replicates, months and employees."""
    months = setting.years * 12
    employees = sum(d.headcount for d in setting.org.departments.values()) + setting.it.headcount
    spread = setting.org.size_spread
    largest = min(10.0, math.exp(3.0 * spread))  # a three-sigma organization (sizes are clipped at 10x)
    typical = min(10.0, math.exp(spread * spread / 2.0))
    emp = setting.org.employees
    ties_per_employee = 0.0 if emp.network == "full" else emp.mean_degree / 2.0
    if not emp.enabled:
        ties_per_employee, employees_in_model = 0.0, 0
    else:
        employees_in_model = employees
    model_bytes = largest * employees_in_model * (BYTES_PER_TIE * ties_per_employee + BYTES_PER_EMPLOYEE)
    rows = setting.replicates * (months + 1)
    tables = rows * (BYTES_PER_TIMESERIES_ROW + len(setting.org.departments) * BYTES_PER_DEPARTMENT_ROW)
    total = BYTES_PER_PROCESS * (1 + (workers if workers > 1 else 0)) + workers * model_bytes
    total += TABLE_COPIES * tables
    per_replicate = typical * employees_in_model * ties_per_employee * SECONDS_PER_TIE
    per_replicate += months * SECONDS_PER_MONTH
    seconds = setting.replicates * per_replicate / workers
    return Estimate(total, seconds, workers, employees)


def check_resources(setting: OrgsimConfig, workers: int, force: bool = False) -> Estimate:
    """Refuse a run whose estimate exceeds 80% of the memory available, unless `force`."""
    cost = estimate(setting, workers)
    limit = 0.8 * available_memory()
    if cost.bytes > limit and not force:
        raise ResourceLimit(
            f"this run needs {cost.describe(setting)}, more than the {_size(limit)} this machine can "
            "spare; lower replicates, years, the headcounts or org.employees.mean_degree, "
            "or add force=true to run it anyway"
        )
    return cost
