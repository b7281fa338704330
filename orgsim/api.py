"""orgsim's public Python API: the parameters, one run, many runs. The CLI's sweeps and outside tools
(SALib, the EMA Workbench) call it.

A run's parameters are a flat dict of dotted keys (`{"it.budget": 5000, "policy": "broker"}`). The base
config is composed once per (scenario, policy) and cached; each run then copies it, sets the values and
validates them (about a millisecond), so no run pays for a Hydra compose. Runs here are serial: nothing in
this module starts worker processes except `Runner` (through orgsim.evaluators), and it runs serially
inside a worker process.

Every argument is checked as the CLI checks the same key (orgsim.config.validate): a bad key, type or value
raises one `ConfigError` line naming the key and what is allowed, never a bare ValueError or TypeError.
Run settings (`seed`, `replicates`, `workers`, `force`) are arguments, never parameters. A float for an
integer key is taken only when it is a whole number (2.0; a pandas column may hold it), never rounded.
Before any run the shared estimate (orgsim.guards) refuses work beyond the machine unless `force=True`,
and warns (`guards.LargeWork`) before big work.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
import multiprocessing
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from orgsim.config.overrides import GROUP_IDENTIFIERS, dotted, identifier  # noqa: F401  (public API)
from orgsim.config.schema import OrgsimConfig, clone
from orgsim.config.validate import ConfigError, check_value, validate

__all__ = [
    "ConfigError",
    "Runner",
    "apply",
    "base_settings",
    "build_model",
    "dotted",
    "ema_function",
    "flatten",
    "identifier",
    "overrides_of",
    "parameters",
    "point_seed",
    "run_one",
    "salib_problem",
    "simulate",
]

DEFAULT_SCENARIO = "baseline_2012"
GROUP_KEYS = ("scenario", "policy")  # config-group choices, set by composing rather than by value
# Run settings: arguments of run_one / Runner / build_model, refused among the parameters.
RUN_SETTINGS = ("replicates", "seed", "workers", "overwrite", "force")
# Not model parameters: names, and the replicate/seed/process settings that run_one takes as arguments.
NOT_PARAMETERS = {
    "scenario.name",
    "scenario.description",
    "policy.name",
    "org.name",
    "catalogue.name",
    "replicates",
    "seed",
    "workers",
}


# --- composing and setting values --------------------------------------------------------------------


def choices_of(group: str) -> list[str]:
    """The shipped options of a config group (`scenario`, `policy`, ...)."""
    from orgsim.config.compose import config_dir

    return sorted(p.stem for p in (config_dir() / group).glob("*.yaml"))


def _check_choice(group: str, value: str | None, optional: bool = True) -> None:
    if (value is None and optional) or (isinstance(value, str) and value in choices_of(group)):
        return
    raise ConfigError(f"{group} must be one of {', '.join(choices_of(group))}; got {value!r}")


# Hydra's GlobalHydra is a process-wide singleton: two threads composing at once fail with "GlobalHydra
# is already initialized". One lock serializes composing (once per pair, then cached); runs stay parallel.
_COMPOSE_LOCK = threading.Lock()


def _composed(scenario: str, policy: str | None) -> OrgsimConfig:
    with _COMPOSE_LOCK:
        return _composed_locked(scenario, policy)


@functools.lru_cache(maxsize=64)
def _composed_locked(scenario: str, policy: str | None) -> OrgsimConfig:
    from orgsim.config.compose import load_settings

    overrides = [f"scenario={scenario}"] + ([f"policy={policy}"] if policy else [])
    return load_settings(overrides)


def base_settings(scenario: str = DEFAULT_SCENARIO, policy: str | None = None) -> OrgsimConfig:
    """The validated config of a scenario (and policy; None keeps the scenario's own), composed once per
    process and pair; a private copy."""
    _check_choice("scenario", scenario, optional=False)
    _check_choice("policy", policy)
    return clone(_composed(scenario, policy))


def _keys_of(node: Any) -> list[str]:
    if dataclasses.is_dataclass(node):
        return [f.name for f in dataclasses.fields(node)]
    return [str(k) for k in node] if isinstance(node, dict) else []


def _coerce(key: str, current: Any, value: Any) -> Any:
    """`value` converted to the type of the value it replaces, or a ConfigError naming the key in the
    CLI's words (`years must be an integer; got '1.5'`)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ConfigError(f"{key} must be a boolean (true or false); got '{value}'")
    if isinstance(current, int):
        whole = isinstance(value, float) and math.isfinite(value) and value.is_integer()
        if isinstance(value, bool) or not (isinstance(value, int) or whole):
            raise ConfigError(f"{key} must be an integer; got '{value}'")
        return int(value)  # never rounded: 1.5 is refused, as the CLI refuses years=1.5
    if isinstance(current, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key} must be a float; got '{value}'")
        return float(value)
    if isinstance(current, str):
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be a string; got '{value}'")
        return value
    raise ConfigError(f"{key} is a group of keys, not a value; keys under it: {', '.join(_keys_of(current))}")


def _set(settings: OrgsimConfig, key: str, value: Any) -> None:
    if not isinstance(key, str):
        raise ConfigError(f"a parameter's key must be a dotted name such as 'it.budget'; got {key!r}")
    parts = key.split(".")
    node: Any = settings
    for depth, part in enumerate(parts):
        parent = ".".join(parts[:depth])
        keys = _keys_of(node)
        if part not in keys:
            where = f"under '{parent}'" if parent else "at the top level"
            raise ConfigError(f"unknown key '{key}'; keys {where}: {', '.join(keys)}")
        last = depth == len(parts) - 1
        current = node[part] if isinstance(node, dict) else getattr(node, part)
        if not last:
            node = current
            continue
        coerced = _coerce(key, current, value)
        if isinstance(node, dict):
            node[part] = coerced
        else:
            setattr(node, part, coerced)


def _mapping(params: Any) -> Mapping[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise ConfigError(
            f"params must map dotted keys to values, e.g. {{'years': 2}}; got a {type(params).__name__}"
        )
    return params


def apply(base: OrgsimConfig, params: Mapping[str, Any]) -> OrgsimConfig:
    """A validated copy of `base` with the dotted keys of `params` set; ConfigError names a bad key."""
    settings = clone(base)
    for key, value in _mapping(params).items():
        if key in GROUP_KEYS:
            raise ConfigError(f"{key} is a config group: choose it with {key}= when composing the base")
        _set(settings, key, value)
    return validate(settings)


# --- the parameters ----------------------------------------------------------------------------------


def _rows(path: str, node: Any, meta: Mapping[str, Any]) -> Iterable[dict]:
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            yield from _rows(f"{path}.{f.name}" if path else f.name, getattr(node, f.name), f.metadata)
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _rows(f"{path}.{key}", value, {})
        return
    if isinstance(node, list) or path in NOT_PARAMETERS:
        return
    lo, hi = meta.get("range", (None, None))
    plausible = (*meta.get("plausible", ()), None, None, None)
    yield {
        "key": path,
        "type": type(node).__name__,
        "default": node,
        "low": lo,
        "high": hi,
        "choices": list(meta["choices"]) if "choices" in meta else None,
        "plausible_low": plausible[0],
        "plausible_high": plausible[1],
        "source": plausible[2],
        "doc": meta.get("doc"),
    }


def parameters(scenario: str = DEFAULT_SCENARIO, policy: str | None = None) -> list[dict]:
    """Every settable key of a scenario's config: type, default, allowed range or choices, plausible
    range with its source, and one-line meaning (None where the schema declares none).

    Read from the schema's field metadata, so new metadata shows up without changes here. The config
    groups `scenario` and `policy` come first, as choices.
    """
    base = base_settings(scenario, policy)
    groups = [
        {
            "key": group,
            "type": "str",
            "default": getattr(base, group).name,
            "low": None,
            "high": None,
            "choices": choices_of(group),
            "plausible_low": None,
            "plausible_high": None,
            "source": None,
            "doc": f"config group: the {group} to compose",
        }
        for group in GROUP_KEYS
    ]
    return groups + list(_rows("", base, {}))


# Keys a run's own settings hold that are not the model's parameters: its horizon and run settings.
NOT_CARRIED = {"years", *RUN_SETTINGS}


def overrides_of(setting: OrgsimConfig) -> dict[str, Any]:
    """The parameters `setting` holds at values other than its own scenario's and policy's composed
    defaults (what the user set), as dotted keys; the horizon and run settings are not among them."""
    base = base_settings(setting.scenario.name, setting.policy.name)
    default = {row["key"]: row["default"] for row in _rows("", base, {})}
    return {
        row["key"]: row["default"]
        for row in _rows("", setting, {})
        if row["key"] in default and row["key"] not in NOT_CARRIED and row["default"] != default[row["key"]]
    }


def bounds_of(row: dict, plausible: bool = True) -> tuple[float, float] | None:
    """A `parameters()` row's plausible range where declared (and wanted), else its allowed range, or None
    when either bound is open."""
    if plausible and row["plausible_low"] is not None and row["plausible_high"] is not None:
        return (row["plausible_low"], row["plausible_high"])
    if row["low"] is not None and row["high"] is not None:
        return (row["low"], row["high"])
    return None


def salib_problem(
    keys: Iterable[str] | Mapping[str, tuple[float, float]] | None = None,
    plausible: bool = True,
    scenario: str = DEFAULT_SCENARIO,
) -> dict:
    """A SALib `problem` over numeric keys (all with two finite bounds when `keys` is None), bounded by
    the plausible range where the schema declares one and the allowed range otherwise; a dict of
    key -> (low, high) gives the bounds itself."""
    rows = {r["key"]: r for r in parameters(scenario)}
    given = dict(keys) if isinstance(keys, Mapping) else {}
    wanted = list(keys) if keys is not None else list(rows)
    names, bounds = [], []
    for key in wanted:
        row = rows.get(key)
        if row is None:
            raise ConfigError(f"unknown key '{key}'; see orgsim params for the keys")
        numeric = row["type"] in ("int", "float")
        b = given.get(key) or (bounds_of(row, plausible) if numeric else None)
        if b is None:
            if keys is None:
                continue
            raise ConfigError(f"{key} has no finite range to sample; give its bounds in the problem yourself")
        names.append(key)
        bounds.append([float(b[0]), float(b[1])])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


# --- running ----------------------------------------------------------------------------------------


def flatten(summary: Mapping[str, Any], prefix: str = "") -> dict:
    """A run summary as one flat dict of scalars (nested dicts joined with '_'; numpy scalars as Python).

    A list's entries are numbered from 1, as the README numbers years: `marginalized_by_year_1` is the
    first year of the horizon."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}_"))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value, start=1):
                flat[f"{name}_{i}"] = item.item() if isinstance(item, np.generic) else item
        else:
            flat[name] = value.item() if isinstance(value, np.generic) else value
    return flat


def simulate(setting: OrgsimConfig, seed: int, reporters: Iterable[str] = ()):
    """One organization of a validated config (see `apply`) to the horizon, with `seed` as the run's own
    seed (the `seed` column of orgsim's tables, not a base seed): (flat run summary, monthly table of
    `reporters` or None). `run_one(params, run_seed=...)` is the same run from a dict of parameters."""
    import pandas as pd

    from orgsim.model.metrics import SUMMARY_COLUMNS, run_summary
    from orgsim.runner import run_columns

    reporters = list(reporters)
    # only the monthly columns kept: no department table, no other reporters (a third of a replicate),
    # and no DataFrame unless reporters are asked for (the summary reads the columns)
    columns = run_columns(setting, seed, list(dict.fromkeys([*SUMMARY_COLUMNS, *reporters])))
    summary = flatten(run_summary(columns, setting.metrics))
    monthly = pd.DataFrame({name: columns[name] for name in ("month", *reporters)}) if reporters else None
    return summary, monthly


def aggregate(summaries: list[dict]) -> dict:
    """Replicates' summaries in one flat dict: bools as shares, numbers as means over the runs where they
    are not None (month_shadow_majority: runs that reach it), strings as the most common value, plus
    `replicates` and the 95% Wilson interval of the share marginalized."""
    from orgsim.report import wilson_interval

    out: dict[str, Any] = {"replicates": len(summaries)}
    keys = list(dict.fromkeys(k for s in summaries for k in s))
    for key in keys:
        values = [s.get(key) for s in summaries]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, bool) for v in present):
            out[key] = sum(present) / len(present)
        elif all(isinstance(v, (int, float)) for v in present):
            out[key] = float(np.mean(present)) if present else math.nan
        else:
            out[key] = Counter(present).most_common(1)[0][0] if present else None
    if "marginalized" in keys:
        count = sum(bool(s.get("marginalized")) for s in summaries)
        out["marginalized_ci95_low"], out["marginalized_ci95_high"] = wilson_interval(count, len(summaries))
    return out


# The run settings each entry point takes as arguments.
_ARGUMENTS = {
    "run_one": ("seed", "replicates", "force"),
    "build_model": ("seed",),
    "Runner": ("seed", "replicates", "workers", "force"),
}


def _not_a_parameter(key: str, where: str) -> str:
    if key in _ARGUMENTS[where]:
        return f"{key} is a run setting, not a parameter: give it as {where}({key}=...)"
    if key in _ARGUMENTS["Runner"]:
        return f"{key} is a run setting, not a parameter: {where} takes none; use Runner({key}=...)"
    return f"{key} is a setting of the CLI's output folder, not a parameter: the API writes no folder"


def _split_groups(params: Mapping[str, Any], scenario: str, policy: str | None, where: str = "run_one"):
    values = dict(_mapping(params))
    for key in RUN_SETTINGS:
        if key in values:
            raise ConfigError(_not_a_parameter(key, where))
    scenario = values.pop("scenario", scenario)
    policy = values.pop("policy", policy)
    return values, scenario, policy


_RUN_FIELDS = {f.name: f for f in dataclasses.fields(OrgsimConfig) if f.name in RUN_SETTINGS}


def run_setting(key: str, value: Any) -> Any:
    """A run setting (`seed`, `replicates`, `workers`, `force`) checked as the CLI checks it."""
    field = _RUN_FIELDS[key]
    value = _coerce(key, field.default, value)
    check_value(key, value, dict(field.metadata))
    return value


def _run_on(base: OrgsimConfig, params: Mapping[str, Any], seed: int, replicates: int) -> dict:
    return _replicates_of(apply(base, params), seed, replicates)


def _replicates_of(setting: OrgsimConfig, seed: int, replicates: int) -> dict:
    from orgsim.runner import replicate_seeds

    seeds = replicate_seeds(seed, replicates)
    summaries = [simulate(setting, s)[0] for s in seeds]
    return summaries[0] if replicates == 1 else aggregate(summaries)


def point_seed(base_seed: int, point: int | Mapping[str, Any]) -> int:
    """A design point's own base seed, derived reproducibly from the study's base seed and the point: its
    index (an int) or its parameters (a mapping, hashed stably: sorted keys, repr of values). Its
    replicates then derive from it as `orgsim run` derives replicates from its seed."""
    if isinstance(point, Mapping):
        text = repr(sorted((str(k), repr(v)) for k, v in point.items()))
        key = [zlib.crc32(text.encode()), len(text)]
    else:
        key = [int(point)]
    state = np.random.SeedSequence([int(base_seed), *key]).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))


def _check_work(points: list[OrgsimConfig], replicates: int, workers: int, force: bool, label: str) -> None:
    """The shared estimate (orgsim.guards) of `replicates` runs of every point: refused beyond the
    machine unless `force`, a LargeWork warning before big work."""
    from orgsim.guards import check_estimate, estimate

    cost = estimate(points, workers, runs=replicates, row_bytes=0, label=label)
    check_estimate(cost, force)


def run_one(
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    scenario: str = DEFAULT_SCENARIO,
    policy: str | None = None,
    replicates: int = 1,
    force: bool = False,
    run_seed: int | None = None,
) -> dict:
    """Run one parameter point, serially, and return its flat summary.

    Two kinds of seed: `seed` is a base seed, as `orgsim run seed=<seed>`: replicate r runs with the seed
    that command gives its replicate r (derived by orgsim.runner.replicate_seeds). `run_seed` is one run's
    own seed, the `seed` column of every table orgsim writes (a sweep's runs.parquet, a run's replicates):
    `run_one(row_params, run_seed=row.seed)` reproduces that row; it runs exactly one organization, so
    `replicates` must be 1. With one replicate the summary is that run's; with more, see `aggregate`. A bad
    key or value raises ConfigError with the CLI's one-line message; work beyond the machine's memory
    raises guards.ResourceLimit unless `force`. Safe to call from several threads at once.
    """
    seed, replicates = run_setting("seed", seed), run_setting("replicates", replicates)
    force = run_setting("force", force)
    if run_seed is not None:
        run_seed = run_setting("seed", run_seed)
        if replicates != 1:
            raise ConfigError(f"run_seed is one run's own seed: replicates must be 1; got {replicates}")
    values, scenario, policy = _split_groups(params, scenario, policy)
    setting = apply(_cached_base(scenario, policy), values)
    _check_work([setting], replicates, 1, force, f"replicates={replicates}")
    if run_seed is not None:
        return simulate(setting, run_seed)[0]
    return _replicates_of(setting, seed, replicates)


def build_model(
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    scenario: str = DEFAULT_SCENARIO,
    policy: str | None = None,
    collect: str = "all",
):
    """An un-run `Organization` of one parameter point, for notebooks and the page: `model.step()` runs a
    month, `model.run()` to the horizon. Checked as `run_one` checks its arguments."""
    from orgsim.model.organization import Organization

    seed = run_setting("seed", seed)
    values, scenario, policy = _split_groups(params, scenario, policy, where="build_model")
    setting = apply(_cached_base(scenario, policy), {**values, "replicates": 1, "seed": seed})
    _check_work([setting], 1, 1, False, "one organization")
    return Organization(setting, seed, collect=collect)


def _cached_base(scenario: str, policy: str | None) -> OrgsimConfig:
    _check_choice("scenario", scenario, optional=False)
    _check_choice("policy", policy)
    return _composed(scenario, policy)  # apply() copies it


def ema_function(
    seed: int = 0,
    scenario: str = DEFAULT_SCENARIO,
    policy: str | None = None,
    replicates: int = 1,
    common_random_numbers: bool = False,
) -> Callable[..., dict]:
    """A function for the EMA Workbench's `Model(name, function=...)`: keyword arguments named by
    `identifier` (dots as '__'; `policy_group`, `scenario_group`; `seed`), returning `run_one`'s summary.

    `seed` is the study's base seed. Each experiment gets its own base seed, `point_seed(seed, params)`
    (a stable hash of its parameters), so one lucky draw cannot decide a study; the same parameters get
    the same seed in any order or process. `common_random_numbers=True` gives every experiment the base
    seed itself. A `seed` keyword in an experiment is that experiment's base seed.
    """
    common = _coerce("common_random_numbers", False, common_random_numbers)

    def orgsim_model(**kwargs: Any) -> dict:
        params = {dotted(k): v for k, v in kwargs.items() if k != "seed"}
        derived = seed if common else point_seed(seed, params)
        base = kwargs.get("seed", derived)
        return run_one(params, seed=base, scenario=scenario, policy=policy, replicates=replicates)

    return orgsim_model


def _run_points(bases: dict, jobs: list[tuple[int, tuple, dict, int]], replicates: int) -> list[dict]:
    return [_run_on(bases[group], params, seed, replicates) for _, group, params, seed in jobs]


def in_worker_process() -> bool:
    """True inside a daemonic worker (multiprocessing pools, EMA, Dask): it may not start children."""
    return multiprocessing.current_process().daemon


class Runner:
    """Runs many points on one evaluator (orgsim.evaluators) kept across calls: `with Runner(workers=2)
    as r: r.map(points)`. executor="processes" (the default), "serial" or "dask" (`address`: a scheduler;
    without it a LocalCluster starts). workers=0 uses one process per core; 1, or inside a worker process,
    runs serially. The workers start on the first map of more than one point.

    `seed` is a base seed: point i of a map runs with its own base seed `point_seed(seed, i)` (its
    replicates derived from that), unless `common_random_numbers=True`, which gives every point `seed`."""

    def __init__(
        self,
        workers: int = 0,
        scenario: str = DEFAULT_SCENARIO,
        policy: str | None = None,
        replicates: int = 1,
        seed: int = 0,
        force: bool = False,
        executor: str = "processes",
        address: str | None = None,
        common_random_numbers: bool = False,
    ) -> None:
        from orgsim.evaluators import DASK_MISSING, EVALUATORS
        from orgsim.runner import default_workers

        workers, replicates = run_setting("workers", workers), run_setting("replicates", replicates)
        seed, self.force = run_setting("seed", seed), run_setting("force", force)
        _check_choice("scenario", scenario, optional=False)
        _check_choice("policy", policy)
        if executor not in EVALUATORS:
            raise ConfigError(f"executor must be one of {', '.join(EVALUATORS)}; got {executor!r}")
        if executor == "dask" and importlib.util.find_spec("distributed") is None:
            raise ConfigError(DASK_MISSING)
        self.scenario, self.policy, self.replicates, self.seed = scenario, policy, replicates, seed
        self.executor, self.address = executor, address
        self.common_random_numbers = _coerce("common_random_numbers", False, common_random_numbers)
        self.workers = 1 if in_worker_process() else default_workers(workers, 1 << 30)
        self._evaluator = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(abort=exc_type is not None)

    def close(self, abort: bool = False) -> None:
        evaluator, self._evaluator = self._evaluator, None
        if evaluator is not None:
            evaluator.close(abort=abort)

    def _evaluator_for(self, jobs: int):
        from orgsim.evaluators import SerialEvaluator, make_evaluator

        if self.workers == 1 or jobs <= 1:
            return SerialEvaluator()
        if self._evaluator is None:
            self._evaluator = make_evaluator(self.executor, self.workers, self.address).__enter__()
        return self._evaluator

    def map(self, points: Iterable[Mapping[str, Any]], seed: int | None = None) -> list[dict]:
        """`run_one` of every point, in order; point i with base seed `point_seed(base, i)` (`base`: `seed`
        or the runner's), or `base` itself with common random numbers. A point's own `seed` entry is its
        base seed; its `scenario` or `policy` entries override the runner's."""
        jobs, bases, settings = [], {}, []
        base_seed = self.seed if seed is None else run_setting("seed", seed)
        for i, point in enumerate(points):
            values = dict(_mapping(point))
            derived = base_seed if self.common_random_numbers else point_seed(base_seed, i)
            own_seed = run_setting("seed", values.pop("seed", derived))
            values, scenario, policy = _split_groups(values, self.scenario, self.policy, where="Runner")
            group = (scenario, policy)
            if group not in bases:
                bases[group] = _cached_base(scenario, policy)
            settings.append(apply(bases[group], values))  # a bad point fails here, before any run starts
            jobs.append((i, group, values, int(own_seed)))
        label = f"{len(jobs)} points x {self.replicates} replicates"
        _check_work(settings, self.replicates, self.workers, self.force, label)
        evaluator = self._evaluator_for(len(jobs))
        n_chunks = min(len(jobs), evaluator.workers * 4)
        chunks = [jobs[i::n_chunks] for i in range(n_chunks)]
        results: list[dict | None] = [None] * len(jobs)
        outs = evaluator.map(_run_points, [(bases, chunk, self.replicates) for chunk in chunks])
        for chunk, out in zip(chunks, outs, strict=True):
            for (i, *_), summary in zip(chunk, out, strict=True):
                results[i] = summary
        return results  # type: ignore[return-value]
