"""`orgsim params`: every settable key with its type, default, allowed and plausible range, and meaning.

`format=salib` prints a SALib problem (JSON) and `format=ema` the EMA Workbench parameter lines, over
the numeric keys that have two finite bounds (or the `keys` given). Reads `orgsim.api.parameters` only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from orgsim import api
from orgsim.config.schema import one_of


def _num(x) -> str:
    return "" if x is None else f"{x:g}" if isinstance(x, float) else str(x)


def _range(row: dict) -> str:
    if row["choices"]:
        return " | ".join(row["choices"])
    if row["low"] is None and row["high"] is None:
        return ""
    return f"[{_num(row['low']) or '-inf'}, {_num(row['high']) or 'inf'}]"


def _plausible(row: dict) -> str:
    if row["plausible_low"] is None and row["plausible_high"] is None:
        return ""
    return f"[{_num(row['plausible_low'])}, {_num(row['plausible_high'])}]"


def table(rows: list[dict]) -> str:
    """A fixed-width table: key, type, default, allowed range, plausible range, source, meaning."""
    head = ("key", "type", "default", "allowed", "plausible", "source", "meaning")
    body = [
        (
            r["key"],
            r["type"],
            _num(r["default"]),
            _range(r),
            _plausible(r),
            r["source"] or "",
            r["doc"] or "",
        )
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head) - 1)]
    lines = []
    for line in [head, *body]:
        cells = [str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True)] + [str(line[-1])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def ema_lines(rows: list[dict], keys: list[str] | None, plausible: bool) -> str:
    """EMA Workbench parameter constructors, named by `orgsim.api.identifier` (for `api.ema_function`)."""
    by_key = {r["key"]: r for r in rows}
    lines = []
    for key in keys or list(by_key):
        row = by_key.get(key)
        if row is None:
            raise api.ConfigError(f"unknown key '{key}'; see orgsim params for the keys")
        name = api.identifier(key)
        if row["choices"]:
            lines.append(f"CategoricalParameter({name!r}, {row['choices']!r})")
        elif row["type"] == "bool":
            lines.append(f"BooleanParameter({name!r})")
        else:
            bounds = api.bounds_of(row, plausible)
            if bounds is None:
                if keys:
                    raise api.ConfigError(f"{key} has no finite range to sample")
                continue  # no finite range: left out of the full listing
            lo, hi = bounds
            if row["type"] == "int":
                lines.append(f"IntegerParameter({name!r}, {int(lo)}, {int(hi)})")
            else:
                lines.append(f"RealParameter({name!r}, {lo:g}, {hi:g})")
    return "\n".join(lines)


FORMATS = ("table", "salib", "ema")


@dataclass
class ParamsConfig:
    """The root of `orgsim params` (configs/params.yaml)."""

    format: str = one_of("table", FORMATS, doc="table | salib (a SALib problem) | ema (EMA parameters)")
    keys: list[str] = field(default_factory=list)  # only these keys (all: empty)
    scenario: str = field(default=api.DEFAULT_SCENARIO, metadata={"doc": "scenario whose defaults to show"})
    policy: str | None = field(
        default=None, metadata={"doc": "policy whose defaults to show (null: the scenario's)"}
    )
    allowed: bool = field(
        default=False, metadata={"doc": "bound samples by the allowed, not the plausible, range"}
    )


SCHEMA = ParamsConfig


def register() -> None:
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="orgsim_params_schema", node=ParamsConfig)


def job(cfg, overrides: list[str]) -> None:
    """Print the parameters of the scenario and policy in the chosen format."""
    keys = [str(k) for k in cfg["keys"]] or None
    rows = api.parameters(cfg.scenario, cfg.policy)
    if cfg.format == "table":
        print(table([r for r in rows if keys is None or r["key"] in keys]))
    elif cfg.format == "salib":
        print(json.dumps(api.salib_problem(keys, plausible=not cfg.allowed, scenario=cfg.scenario)))
    else:
        print(ema_lines(rows, keys, plausible=not cfg.allowed))
