"""Shared helpers: validated settings from overrides, replicate tables and their horizon rows."""

from __future__ import annotations

import copy
import functools
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from orgsim.config.compose import load_settings
from orgsim.config.schema import OrgsimConfig
from orgsim.runner import run_replicates, tables


@functools.lru_cache(maxsize=128)
def _composed(overrides: tuple[str, ...]) -> OrgsimConfig:
    return load_settings(list(overrides))


def settings_for(*overrides: str) -> OrgsimConfig:
    """Validated settings for Hydra overrides; a private copy, so a test may change it freely."""
    return copy.deepcopy(_composed(tuple(overrides)))


def replicate_tables(
    overrides: list[str] | tuple[str, ...], replicates: int, base_seed: int, workers: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Timeseries and department tables of `replicates` runs (workers=0: one process per core)."""
    setting = settings_for(*overrides)
    return tables(run_replicates(setting, replicates, base_seed, workers=workers))


def horizon_rows(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The last month of every replicate, indexed by replicate."""
    last = timeseries[timeseries["month"] == timeseries["month"].max()]
    assert last["replicate"].is_unique
    return last.set_index("replicate")


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., OrgsimConfig]:
    return settings_for


@pytest.fixture(scope="session")
def run_arm() -> Callable[..., tuple[pd.DataFrame, pd.DataFrame]]:
    return replicate_tables


@pytest.fixture(scope="session")
def at_horizon() -> Callable[[pd.DataFrame], pd.DataFrame]:
    return horizon_rows


@pytest.fixture(scope="session")
def experiments_run():
    """experiments/run.py as a module: its studies, their steps and main()."""
    name = "experiments_run"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "experiments" / "run.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]
