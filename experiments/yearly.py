"""The loop the issue-22 diagnostics share: organizations run to a calendar year, and each one's mean of
some reporters over each calendar year, read as the published targets read them (`targets.window`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from orgsim import cli
from orgsim.api import apply, simulate
from orgsim.calibration.targets import CUSTODIAN_LINE, HELD_OUT_ROLE, window
from orgsim.config.compose import load_settings
from orgsim.config.schema import OrgsimConfig
from orgsim.errors import describe


def base_settings_from(prog: str, overrides: Sequence[str]) -> OrgsimConfig:
    """The calibrated defaults with key=value `overrides`, checked as `orgsim run` checks them; a bad one
    is answered in one line, as every orgsim command answers it, and exits with orgsim's code."""
    try:
        invocation = cli.parse("run", list(overrides))
        cli.check("run", invocation)
        return load_settings(invocation.overrides)
    except Exception as err:
        code, line = describe(err)
        if line:
            print(f"{prog}: {line}", file=sys.stderr)
        raise SystemExit(code) from None


def organizations(text: str) -> int:
    """An argparse type: a count of organizations, at least 2 (an interval needs two)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"{value} is too few: at least 2 organizations")
    return value


def through(setting: OrgsimConfig, year: int, params: dict | None = None) -> OrgsimConfig:
    """`setting` with `params` applied, run to the end of calendar `year`."""
    return apply(setting, {**(params or {}), "years": year - setting.start_year + 1})


def validate_runs(setting: OrgsimConfig, orgs: int, last_year: int) -> list:
    """One monthly table per organization, the organizations `orgsim validate`'s published check runs
    (base seed 0; the seeds do not depend on the workers), to the end of `last_year` at least."""
    from orgsim.runner import run_replicates, tables

    setting = apply(setting, {"years": max(setting.years, last_year - setting.start_year + 1)})
    timeseries, _ = tables(run_replicates(setting, orgs, 0, workers=2))
    return [t for _, t in timeseries.groupby("replicate", sort=True)]


def yearly_scores(runs: Sequence, metrics, start_year: int, years: Sequence[int]) -> np.ndarray:
    """[organization, year, component]: the yearly mean of each role component's monthly score on the
    influence scale (`metrics.component_scores`), so that a weighting of them is the yearly mean of the
    index it_influence would be with those weights. `runs` are monthly tables with the components."""
    from orgsim.model.metrics import ROLE_COMPONENTS, component_scores

    out = []
    for t in runs:
        monthly = pd.DataFrame(
            [component_scores(row, metrics) for row in t[list(ROLE_COMPONENTS)].to_dict("records")]
        )
        monthly["month"] = t["month"].to_numpy()
        out.append([[window(monthly, start_year, y, c) for c in ROLE_COMPONENTS] for y in years])
    return np.array(out)


def yearly_values(
    setting: OrgsimConfig, seeds: Iterable[int], reporters: Sequence[str], years: Sequence[int]
) -> dict[str, dict[int, np.ndarray]]:
    """reporter -> year -> one mean per organization (in seed order) over that calendar year."""
    values = {r: {y: [] for y in years} for r in reporters}
    for seed in seeds:
        _, table = simulate(setting, seed, reporters)
        for r in reporters:
            for y in years:
                values[r][y].append(window(table, setting.start_year, y, r))
    return {r: {y: np.array(v, dtype=float) for y, v in by_year.items()} for r, by_year in values.items()}


# The role survey as the targets date it: the custodian line's quantile (27% functional) and year, and the
# held-out year its later figure (20% functional) is read in
FUNCTIONAL, LINE_YEAR, HELD_YEAR = CUSTODIAN_LINE.value, CUSTODIAN_LINE.year, HELD_OUT_ROLE.year
