"""The one place that checks ranges, choices and cross-references of a composed config.

Every message names the key, the value given and what is allowed.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from orgsim.config.schema import CATEGORIES, PLAIN_TYPES, OrgsimConfig


class ConfigError(ValueError):
    """A config value outside what the model accepts."""


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _bound(x: float) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


# Open-ended values (budgets, capacities, loads) are capped here: beyond it, sums and products in the
# model overflow to inf or NaN (a budget of 1e300 times a size factor of 10, loads times months).
MAX_OPEN_BOUND = 1e9


def _check_field(path: str, value: Any, meta: dict) -> None:
    if "range" in meta and isinstance(value, (int, float)) and not isinstance(value, bool):
        lo, hi = meta["range"]
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{path} must be a finite number; got {value}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            lo_s = "-inf" if lo is None else _bound(lo)
            hi_s = "inf" if hi is None else _bound(hi)
            raise ConfigError(f"{path} must be in [{lo_s}, {hi_s}]; got {_fmt(value)}")
        if hi is None and value > MAX_OPEN_BOUND:
            raise ConfigError(
                f"{path} must be at most {MAX_OPEN_BOUND:g} (larger values overflow the model's "
                f"arithmetic); got {value:g}"
            )
    if "choices" in meta and value not in meta["choices"]:
        raise ConfigError(f"{path} must be one of {', '.join(meta['choices'])}; got {_fmt(value)}")


def check_value(path: str, value: Any, meta: dict) -> None:
    """Check one value against a schema field's metadata (range, choices); ConfigError names the key."""
    _check_field(path, value, meta)


# Per dataclass type, its fields with the metadata to check (None: no range or choices): read once,
# as `dataclasses.fields` per node made validation ~0.5 ms a config (api.apply runs it for every point).
_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _fields_of(kind: type) -> tuple[tuple[str, Any], ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = tuple(
            (f.name, f.metadata if "range" in f.metadata or "choices" in f.metadata else None)
            for f in dataclasses.fields(kind)
        )
        _FIELDS[kind] = fields
    return fields


def _walk(path: str, node: Any) -> None:
    if dataclasses.is_dataclass(node):
        for name, meta in _fields_of(type(node)):
            value = getattr(node, name)
            child = f"{path}.{name}" if path else name
            if meta is not None:
                _check_field(child, value, meta)
            if not isinstance(value, PLAIN_TYPES):
                _walk(child, value)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(value, PLAIN_TYPES):
                _walk(f"{path}.{key}", value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if not isinstance(value, PLAIN_TYPES):
                _walk(f"{path}.{i}", value)


def _check_policy_keys(policy: Any) -> None:
    """A key of another policy set to anything but its default changes nothing: refused."""
    for f in dataclasses.fields(policy):
        readers = f.metadata.get("policies")
        if readers and policy.name not in readers and getattr(policy, f.name) != f.default:
            raise ConfigError(
                f"policy.{f.name} is read only by {', '.join(readers)}; policy {policy.name} ignores it "
                f"(choose policy={readers[0]} or leave policy.{f.name} out)"
            )


def _check_cross_references(cfg: OrgsimConfig) -> None:
    _check_policy_keys(cfg.policy)
    departments = list(cfg.org.departments)
    tools = list(cfg.catalogue.tools)
    if not departments:
        raise ConfigError("org.departments must name at least one department; got none")
    if not tools:
        raise ConfigError("catalogue.tools must name at least one tool; got none")
    if "it" in cfg.org.departments:
        raise ConfigError("org.departments must not contain 'it': the IT department is configured under it")
    for name, dept in cfg.org.departments.items():
        for i, category in enumerate(dept.focus):
            if category not in CATEGORIES:
                raise ConfigError(
                    f"org.departments.{name}.focus.{i} must be one of {', '.join(CATEGORIES)}; "
                    f"got {_fmt(category)}"
                )
    for i, edge in enumerate(cfg.org.network_edges):
        if len(edge) != 2:
            raise ConfigError(f"org.network_edges.{i} must be a pair of departments; got {edge}")
        for end in edge:
            if end not in cfg.org.departments:
                raise ConfigError(
                    f"org.network_edges.{i} must name departments among {', '.join(departments)}; "
                    f"got {_fmt(end)}"
                )
    seen: dict[tuple[str, str], int] = {}
    for i, dep in enumerate(cfg.org.initial_deployments):
        if dep.department not in cfg.org.departments:
            raise ConfigError(
                f"org.initial_deployments.{i}.department must be one of {', '.join(departments)}; "
                f"got {_fmt(dep.department)}"
            )
        if dep.tool not in cfg.catalogue.tools:
            raise ConfigError(
                f"org.initial_deployments.{i}.tool must be one of {', '.join(tools)}; got {_fmt(dep.tool)}"
            )
        # a department holds one active deployment per category
        key = (dep.department, cfg.catalogue.tools[dep.tool].category)
        if key in seen:
            raise ConfigError(
                f"org.initial_deployments.{i} gives {dep.department} a second {key[1]} tool "
                f"(first at org.initial_deployments.{seen[key]}); a department holds one tool per category"
            )
        seen[key] = i
    split = cfg.it.split
    total = split.run + split.innovation + split.security
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(
            f"it.split.run + it.split.innovation + it.split.security must sum to 1; got {total:g}"
        )
    if cfg.policy.innovation_shift > split.run:
        raise ConfigError(
            f"policy.innovation_shift must be at most it.split.run ({split.run:g}); "
            f"got {cfg.policy.innovation_shift:g}"
        )
    m = cfg.metrics
    if m.custodian_threshold >= m.strategic_threshold:
        raise ConfigError(
            "metrics.custodian_threshold must be below metrics.strategic_threshold "
            f"({m.strategic_threshold:g}); got {m.custodian_threshold:g}"
        )
    if m.sustain_months > 12 * cfg.years:  # the verdict would name a period longer than the run
        raise ConfigError(
            f"metrics.sustain_months must be at most the horizon, {12 * cfg.years} months (years={cfg.years}); "
            f"got {m.sustain_months}"
        )
    for name in ("enabling", "neutral", "strict"):
        stance = getattr(cfg.it.stances, name)
        if stance.shut_down + stance.absorb > 1.0 + 1e-12:
            raise ConfigError(
                f"it.stances.{name}.shut_down + it.stances.{name}.absorb must be at most 1 (the rest is "
                f"ignored); got {stance.shut_down:g} + {stance.absorb:g}"
            )
    weights = (
        m.weight_spend,
        m.weight_decisions,
        m.weight_innovation,
        m.weight_satisfaction,
        m.weight_reliance,
    )
    if sum(weights) <= 0:
        raise ConfigError("metrics.weight_* must not all be zero")
    for name in ("saas_maturity", "consumerization", "app_stores"):
        trend = getattr(cfg.environment, name)
        if trend.end < trend.start:
            raise ConfigError(
                f"environment.{name}.end must be at least environment.{name}.start ({trend.start:g}); "
                f"got {trend.end:g}"
            )


def check_ranges(node: Any) -> Any:
    """Check every range and choice the schema of `node` (any settings dataclass) declares."""
    _walk("", node)
    return node


def validate(cfg: OrgsimConfig) -> OrgsimConfig:
    """Check every range, choice and cross-reference; raise ConfigError naming the first bad key."""
    _walk("", cfg)
    _check_cross_references(cfg)
    # validate.checks names registered checks: orgsim.validation.select checks that (the CLI before any
    # folder exists, the validate job again), so the schema layer imports nothing above it
    return cfg
