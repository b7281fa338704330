"""Experiment designs as data: the sweep's config schema, its factors, and the table of design rows.

A factor is a dotted key with either a list of values (crossed: every value against every other row) or a
range (`low`, `high`; sampled by lhs, sobol or morris, or cut into `levels` for a factorial design).
`plausible: true` takes the schema's plausible range for the bounds not given: a `low` or `high` the user
gives always wins over it.
Levers are what the organization chooses, uncertainties what the world does; a design row is one lever
setting in one world. Seeds depend on the world and the replicate only, so every lever setting meets the
same worlds with the same random numbers (paired comparisons). Knows configs and parameters, not the model.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgsim import api
from orgsim.config.schema import OrgsimConfig
from orgsim.config.validate import ConfigError

DESIGNS = ("factorial", "lhs", "sobol", "morris")
EXECUTORS = ("serial", "processes", "dask")
SPEC_KEYS = {"values", "low", "high", "levels", "plausible"}


# --- schema (registered in Hydra's ConfigStore by `register_sweep_configs`) ------------------------------


@dataclass
class ExecutorConfig:
    kind: str = "serial"  # serial | processes | dask
    workers: int = 0  # processes, or LocalCluster workers; 0: one per core
    chunk_size: int = 0  # runs per chunk, the unit written to the store; 0: chosen from the run count
    address: str | None = None  # dask: scheduler address tcp://host:port; none: a LocalCluster here


@dataclass
class SweepConfig:
    name: str = "sweep"
    design: str = "factorial"  # factorial | lhs | sobol | morris
    n: int = 0  # lhs: samples; sobol: base samples (a power of 2); morris: trajectories
    levers: dict[str, Any] = field(default_factory=dict)  # key -> values list or {low, high, levels}
    uncertainties: dict[str, Any] = field(default_factory=dict)
    outcomes: list[str] = field(default_factory=list)  # run-summary keys to keep; empty: all
    timeseries: list[str] = field(default_factory=list)  # monthly reporters kept per run; empty: none
    second_order: bool = False  # sobol: also sample for second-order indices
    morris_levels: int = 4


@dataclass
class SweepRootConfig(OrgsimConfig):
    sweep: SweepConfig = field(default_factory=SweepConfig)
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    resume: bool = True  # false: a new folder, even if this sweep's folder holds finished runs


@dataclass
class CalibrateRootConfig(SweepRootConfig):
    """The root of `orgsim calibrate`: a sweep (experiment=calibration by default) and the ABC's share."""

    accept: float = field(  # checked by orgsim.commands.calibrate: in (0, 1]
        default=0.05, metadata={"doc": "share of parameter sets kept, in (0, 1], nearest the targets first"}
    )
    # A set's own runs flatter the nearest of many noisy sets; confirm=K runs the K nearest again on
    # confirm_runs new seeds each and accepts on those runs alone (0: off)
    confirm: int = field(
        default=0,
        metadata={"doc": "nearest parameter sets run again on new seeds, accepted on those (0: off)"},
    )
    confirm_runs: int = field(default=100, metadata={"doc": "new runs for each set confirm= runs again"})


@functools.cache  # once per process, as register_configs
def register_sweep_configs() -> None:
    from hydra.core.config_store import ConfigStore

    from orgsim.config.schema import register_configs

    register_configs()
    cs = ConfigStore.instance()
    cs.store(name="orgsim_sweep_schema", node=SweepRootConfig)
    cs.store(name="orgsim_calibrate_schema", node=CalibrateRootConfig)
    cs.store(group="executor", name="executor_schema", node=ExecutorConfig, package="executor")


# --- factors -----------------------------------------------------------------------------------------


@dataclass
class Factor:
    key: str
    role: str  # lever | uncertainty
    values: list | None = None  # listed values (crossed)
    low: float | None = None  # a range (sampled, or cut into levels)
    high: float | None = None
    kind: str = "float"  # the parameter's type: float, int, bool, str

    @property
    def sampled(self) -> bool:
        return self.values is None


def _flatten_specs(where: str, specs: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted keys from YAML (`it.budget: [...]`) and from nested overrides (`it: {budget: [...]}`)."""
    if not isinstance(specs, dict):
        raise ConfigError(f"{where} must map parameter keys to values or ranges; got {specs!r}")
    flat = {}
    for key, spec in specs.items():
        full = f"{prefix}{key}"
        if isinstance(spec, dict) and not (set(spec) & SPEC_KEYS):
            flat.update(_flatten_specs(where, spec, f"{full}."))
        else:
            flat[full] = spec
    return flat


def _number(where: str, x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ConfigError(f"{where} must be a finite number; got {x!r}")
    return float(x)


def parse_factor(role: str, key: str, spec: Any, design: str, rows: dict[str, dict]) -> Factor:
    """One factor from its spec, checked against the parameter list; ConfigError names the problem."""
    where = f"sweep.{'levers' if role == 'lever' else 'uncertainties'}.{key}"
    row = rows.get(key)
    if row is None:
        try:  # the API's message lists the keys allowed at that level
            api.apply(api.base_settings(), {key: 0})
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from None
        raise ConfigError(f"{where}: unknown key '{key}'; see orgsim params for the keys")
    kind = row["type"]
    if isinstance(spec, dict):
        unknown = set(spec) - SPEC_KEYS
        if unknown:
            raise ConfigError(f"{where} has unknown field(s) {', '.join(sorted(unknown))}; use {SPEC_KEYS}")
        if "values" in spec:
            spec = spec["values"]
    if not isinstance(spec, dict):
        values = list(spec) if isinstance(spec, (list, tuple)) else [spec]
        if not values:
            raise ConfigError(f"{where} must list at least one value; got []")
        return Factor(key, role, values=values, kind=kind)
    if kind not in ("int", "float"):
        raise ConfigError(f"{where} is a {kind}: list its values instead of a range")
    low, high = spec.get("low"), spec.get("high")
    if spec.get("plausible"):  # the schema's plausible range fills the bounds the user left out
        low = row["plausible_low"] if low is None else low
        high = row["plausible_high"] if high is None else high
    if low is None or high is None:
        raise ConfigError(f"{where} needs low and high (the schema declares no plausible range for it)")
    low, high = _number(f"{where}.low", low), _number(f"{where}.high", high)
    if low > high:
        raise ConfigError(f"{where}: low must be at most high; got low={low:g}, high={high:g}")
    if low == high:
        raise ConfigError(f"{where}: the range is empty (low = high = {low:g}); list the one value instead")
    levels = spec.get("levels")
    if levels is not None:
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
            raise ConfigError(f"{where}.levels must be an integer of at least 2; got {levels!r}")
        grid = np.linspace(low, high, levels)
        values = sorted({int(np.rint(v)) for v in grid}) if kind == "int" else [float(v) for v in grid]
        return Factor(key, role, values=values, kind=kind)
    if design == "factorial":
        raise ConfigError(f"{where}: a factorial design needs listed values or levels for a range")
    return Factor(key, role, low=low, high=high, kind=kind)


def parse_factors(sweep: SweepConfig) -> list[Factor]:
    """Every lever and uncertainty, levers first; checks design, n and every factor before any run."""
    if sweep.design not in DESIGNS:
        raise ConfigError(f"sweep.design must be one of {', '.join(DESIGNS)}; got {sweep.design!r}")
    rows = {r["key"]: r for r in api.parameters()}
    factors: list[Factor] = []
    seen: set[str] = set()
    for role, specs in (("lever", sweep.levers), ("uncertainty", sweep.uncertainties)):
        where = f"sweep.{'levers' if role == 'lever' else 'uncertainties'}"
        for key, spec in _flatten_specs(where, specs).items():
            if key in seen:
                raise ConfigError(f"{where}.{key} is given twice (as a lever and an uncertainty)")
            seen.add(key)
            factors.append(parse_factor(role, key, spec, sweep.design, rows))
    sampled = [f for f in factors if f.sampled]
    if sweep.design != "factorial":
        if not sampled:
            raise ConfigError(f"sweep.design {sweep.design} needs at least one factor given as a range")
        if sweep.n < 1:
            raise ConfigError(f"sweep.n must be at least 1 for design {sweep.design}; got {sweep.n}")
        if sweep.design == "sobol" and sweep.n & (sweep.n - 1):
            raise ConfigError(f"sweep.n must be a power of 2 for design sobol; got {sweep.n}")
    if sweep.design == "morris" and sweep.morris_levels < 2:
        raise ConfigError(f"sweep.morris_levels must be at least 2; got {sweep.morris_levels}")
    return factors


def problem_of(factors: list[Factor]) -> dict:
    """The SALib problem over the sampled factors."""
    sampled = [f for f in factors if f.sampled]
    return {
        "num_vars": len(sampled),
        "names": [f.key for f in sampled],
        "bounds": [[f.low, f.high] for f in sampled],
    }


def _samples(sweep: SweepConfig, factors: list[Factor], seed: int) -> np.ndarray:
    """Rows of the sampled factors, in the design's order (SALib's, for sobol and morris)."""
    problem = problem_of(factors)
    d = problem["num_vars"]
    if d == 0:
        return np.empty((1, 0))
    if sweep.design == "lhs":
        rng = np.random.default_rng(seed)
        strata = np.stack([rng.permutation(sweep.n) for _ in range(d)], axis=1)
        unit = (strata + rng.random((sweep.n, d))) / sweep.n
        bounds = np.array(problem["bounds"])
        return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
    if sweep.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, sweep.n, calc_second_order=sweep.second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, sweep.n, num_levels=sweep.morris_levels, seed=seed)


def _cast(factor: Factor, value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if factor.kind == "int" and isinstance(value, float):
        return round(value)
    return value


def design_table(sweep: SweepConfig, factors: list[Factor], seed: int) -> pd.DataFrame:
    """One row per lever setting x world: `row`, `setting`, `world` and one column per factor key.

    Worlds: every combination of the listed uncertainties times every sample of the ranges; lever
    settings: every combination of the listed levers. Rows run setting-major, so a sampled design's
    rows keep SALib's order within each setting.
    """
    levers = [f for f in factors if f.role == "lever" and not f.sampled]
    listed_worlds = [f for f in factors if f.role == "uncertainty" and not f.sampled]
    sampled = [f for f in factors if f.sampled]
    samples = _samples(sweep, factors, seed)
    worlds = []
    for combo in itertools.product(*[f.values for f in listed_worlds]):
        for sample in samples:
            world = {f.key: _cast(f, v) for f, v in zip(listed_worlds, combo, strict=True)}
            world.update({f.key: _cast(f, v) for f, v in zip(sampled, sample, strict=True)})
            worlds.append(world)
    records = []
    for s, combo in enumerate(itertools.product(*[f.values for f in levers])):
        setting = {f.key: _cast(f, v) for f, v in zip(levers, combo, strict=True)}
        for w, world in enumerate(worlds):
            records.append({"setting": s, "world": w, **setting, **world})
    table = pd.DataFrame.from_records(records)
    table.insert(0, "row", np.arange(len(table)))
    order = ["row", "setting", "world", *[f.key for f in factors]]
    return table[order]


def run_seed(sweep_seed: int, world: int, replicate: int) -> int:
    """The seed of (world, replicate): independent of the lever setting and of how many replicates run."""
    state = np.random.SeedSequence(sweep_seed, spawn_key=(world, replicate)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def run_id(row: int, replicate: int, n_rows: int) -> int:
    """Runs are numbered replicate-major: adding replicates appends new ids and keeps the old ones."""
    return replicate * n_rows + row


# Root settings that say how to run, not what: a resumed sweep may change them. Each is fingerprinted as
# this value (older stores hashed replicates and workers as None, overwrite and force at their defaults;
# posterior_sets is `orgsim run`'s alone, which no sweep reads, at its old default)
HOW_TO_RUN = {"replicates": None, "workers": None, "overwrite": False, "force": False, "posterior_sets": 0}


def fingerprint(design: pd.DataFrame, bases: dict[tuple, OrgsimConfig], sweep: SweepConfig, seed: int) -> str:
    """What a resumed sweep must share with the stored one: the design, the base configs and the seed
    (replicates, executor, workers, overwrite and force may change)."""
    payload = {
        "design": design.to_json(orient="split"),
        "bases": {json.dumps(list(k)): asdict(v) for k, v in sorted(bases.items(), key=str)},
        "seed": seed,
        "outcomes": list(sweep.outcomes),
        "timeseries": list(sweep.timeseries),
    }
    for base in payload["bases"].values():
        base.update((k, v) for k, v in HOW_TO_RUN.items() if k in base)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]
