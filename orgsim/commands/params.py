"""`orgsim params`: every settable key with its type, default, allowed and plausible range, and meaning.

`--format salib` prints a SALib problem (JSON) and `--format ema` the EMA Workbench parameter lines, over
the numeric keys that have two finite bounds (or the `--keys` given). Reads `orgsim.api.parameters` only.
"""

from __future__ import annotations

import argparse
import json
import sys

from orgsim import api


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="orgsim params",
        description="List every parameter (dotted key) with type, default, allowed and plausible range.",
    )
    parser.add_argument("--format", choices=("table", "salib", "ema"), default="table")
    parser.add_argument("--scenario", default=api.DEFAULT_SCENARIO, help="scenario whose defaults to show")
    parser.add_argument("--policy", default=None, help="policy whose defaults to show")
    parser.add_argument("--keys", default=None, help="comma-separated keys (salib, ema): only these")
    parser.add_argument(
        "--allowed", action="store_true", help="bound samples by the allowed, not the plausible, range"
    )
    args = parser.parse_args(argv)
    keys = [k.strip() for k in args.keys.split(",") if k.strip()] if args.keys else None
    try:
        rows = api.parameters(args.scenario, args.policy)
        if args.format == "table":
            if keys:
                rows = [r for r in rows if r["key"] in keys]
            print(table(rows))
        elif args.format == "salib":
            print(json.dumps(api.salib_problem(keys, plausible=not args.allowed, scenario=args.scenario)))
        else:
            print(ema_lines(rows, keys, plausible=not args.allowed))
    except api.ConfigError as err:
        print(f"orgsim params: error: {err}", file=sys.stderr)
        return 2
    return 0
