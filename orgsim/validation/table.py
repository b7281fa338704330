"""The validation table: rows of CheckResult as printed text and as validation.csv."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd

from orgsim.validation.registry import CheckResult

COLUMNS = [f.name for f in dataclasses.fields(CheckResult)]


def frame(results: list[CheckResult]) -> pd.DataFrame:
    return pd.DataFrame([dataclasses.asdict(r) for r in results], columns=COLUMNS)


def write_csv(results: list[CheckResult], path: Path) -> None:
    frame(results).to_csv(path, index=False)


def _number(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.4g}"


CLIP = 60  # characters of a printed reference or tolerance; validation.csv keeps them whole


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[: CLIP - 3].rstrip() + "..."


def format_table(results: list[CheckResult]) -> str:
    """A fixed-width table: check, reference, target, model [interval], tolerance, pass/fail, flags. A
    reference or tolerance longer than CLIP characters is cut (validation.csv holds the whole text), so
    a row fits a wide terminal."""
    head = ("check", "reference", "target", "model [interval]", "tolerance", "result", "flags")
    lines = []
    for r in results:
        interval = "" if r.low == r.high else f" [{_number(r.low)}, {_number(r.high)}]"
        tolerance = r.tolerance if isinstance(r.tolerance, str) else _number(r.tolerance)
        lines.append(
            (
                r.check,
                _clip(r.reference),
                _number(r.target),
                _number(r.model) + interval,
                _clip(tolerance),
                ("pass" if r.passed else "FAIL") + ("" if r.counted else " (not counted)"),
                r.flag,
            )
        )
    widths = [max(len(row[i]) for row in [head, *lines]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    clipped = any(len(r.reference) > CLIP or len(str(r.tolerance)) > CLIP for r in results)
    foot = [f"(references and tolerances cut at {CLIP} characters: validation.csv has them whole)"] * clipped
    return "\n".join([fmt.format(*head), rule, *(fmt.format(*row) for row in lines), *foot])


def verdict(results: list[CheckResult]) -> str:
    """Pass count over the counted rows, with the own counts of the held-out rows and the figures found
    after the fit (compared, never fitted: out of sample, though not declared before it). Rows met by the
    model's inputs or by construction, rows out of its scope and forecasts are shown, not counted; the
    forecasts' own count is given apart."""
    counted = [r for r in results if r.counted]
    forecasts = [r for r in results if "forecast" in r.flag.split(",")]
    shown = len(results) - len(counted) - len(forecasts)
    asides = []
    if forecasts:
        asides.append(
            f"forecasts, shown, not counted (no evidence either way): {sum(r.passed for r in forecasts)} "
            f"of {len(forecasts)} pass"
        )
    if shown:
        asides.append(f"{shown} rows met by inputs or by construction, or out of scope, shown, not counted")
    aside = "".join(f"; {a}" for a in asides)
    kinds = {
        "held-out": lambda flags: "held-out" in flags,
        "found after the fit": lambda flags: "check" in flags,
    }
    parts = []
    for kind, belongs in kinds.items():
        rows = [r for r in counted if belongs(r.flag.split(","))]
        if rows:
            parts.append(f"{kind}: {sum(r.passed for r in rows)} of {len(rows)} pass")
    extra = f" ({'; '.join(parts)})" if parts else ""
    failed = [r.check for r in counted if not r.passed]
    if not failed:
        return f"all {len(counted)} counted validation rows passed{extra}{aside}"
    return (
        f"{len(failed)} of {len(counted)} counted validation rows FAILED{extra}: {', '.join(failed)}{aside}"
    )
