"""Regenerate the table of docs/scenarios.md: every shipped scenario with its own policy, the default
scenario under every shipped policy (and the social CoE under each lead), each an ordinary `orgsim run`.

    python experiments/scenarios_page.py [--replicates 400] [--seed 0] [--workers 2] [--no-write]

Each row is `orgsim run` (through orgsim.cli.main, into a temporary run folder), and its columns are read
from that run's summary.json: the aggregate and verdict orgsim computes, plus the median of the runs'
final-year it_influence. The table replaces only the text between the two markers of the page.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from orgsim import api, cli  # noqa: E402
from orgsim.results import read_json  # noqa: E402

PAGE = ROOT / "docs" / "scenarios.md"
START = "<!-- scenarios-table:start -->"
END = "<!-- scenarios-table:end -->"
DEFAULT_SCENARIO = api.DEFAULT_SCENARIO


@dataclass(frozen=True)
class Row:
    """One row of the table: its label and the `orgsim run` overrides that produce it."""

    label: str
    overrides: tuple[str, ...]


def _policy_label(scenario: str, policy: str | None = None) -> str:
    """The policy a scenario runs, named with what the scenario changes in it (governance, the CoE's lead)."""
    setting = api.base_settings(scenario, policy)
    name = setting.policy.name
    shipped = api.base_settings(DEFAULT_SCENARIO, name).policy
    notes = []
    if setting.policy.governance != shipped.governance:
        notes.append(f"{setting.policy.governance} governance")
    if name == "social_coe":
        notes.append(f"{'IT' if setting.policy.coe_lead == 'it' else setting.policy.coe_lead} lead")
    return name + (f" ({', '.join(notes)})" if notes else "")


def rows() -> list[Row]:
    """The rows, read from the shipped configs: each scenario with its own policy (the default scenario
    first), then the default scenario under each other policy, the social CoE under both leads."""
    scenarios = [DEFAULT_SCENARIO] + [s for s in api.choices_of("scenario") if s != DEFAULT_SCENARIO]
    table = [Row(f"{s} / {_policy_label(s)}", (f"scenario={s}",)) for s in scenarios]
    default_policy = api.base_settings(DEFAULT_SCENARIO).policy.name
    for policy in api.choices_of("policy"):
        if policy == default_policy:
            continue
        overrides = (f"scenario={DEFAULT_SCENARIO}", f"policy={policy}")
        table.append(Row(f"{DEFAULT_SCENARIO} / {_policy_label(DEFAULT_SCENARIO, policy)}", overrides))
        if policy == "social_coe":
            lead = api.base_settings(DEFAULT_SCENARIO, policy).policy.coe_lead
            other = "it" if lead == "marketing" else "marketing"
            label = "IT" if other == "it" else other
            table.append(
                Row(
                    f"{DEFAULT_SCENARIO} / social_coe ({label} lead)",
                    (*overrides, f"policy.coe_lead={other}"),
                )
            )
    return table


def run_row(row: Row, replicates: int, seed: int, workers: int, folder: Path) -> dict:
    """Run one row as `orgsim run` into `folder` and return its summary.json."""
    args = ["run", *row.overrides, f"replicates={replicates}", f"seed={seed}", f"workers={workers}"]
    args.append(f"hydra.run.dir={folder}")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(args)
    if code != 0:
        raise SystemExit(f"scenarios_page: `orgsim {' '.join(args)}` failed (exit {code})")
    return read_json(folder / "summary.json")


# --- the table -------------------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{share:.1%}"


def _num(value: float) -> str:
    """Two decimals, without a minus sign on a value that rounds to zero."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def table_row(label: str, summary: dict) -> str:
    """One markdown row from a run's summary.json."""
    agg, n = summary["aggregate"], summary["replicates"]
    m = agg["marginalized"]
    lo, hi = m["ci95"]
    marginalized = f"{m['count']}/{n} = {m['share']:.1%} ({lo:.1%}-{hi:.1%})"
    by_year = " / ".join(_pct(y["share"]) for y in agg["marginalized_by_year"])
    sens = list(agg["threshold_sensitivity"].values())
    shifted = f"{_pct(sens[0]['share'])} / {_pct(sens[-1]['share'])}"
    maj = agg["month_shadow_majority"]
    month = "never" if maj["median"] is None else f"{maj['median']:g}"
    majority = f"{month} ({maj['runs_reaching_majority']})"
    inf = agg["final_it_influence"]
    median = float(np.median([r["final_it_influence"] for r in summary["runs"]]))
    influence = f"{median:.2f} ({inf['p5']:.2f}-{inf['p95']:.2f})"
    r = agg["correlation_shadow_share_influence"]
    r_lo, r_hi = agg["correlation_ci95"]
    corr = "-" if r is None or r_lo is None else f"{_num(r)} ({_num(r_lo)} to {_num(r_hi)})"
    leaders = list(agg["tech_leader"].items())  # most common first
    shown = [f"{k} {v}" for k, v in leaders[:3]]
    if len(leaders) > 3:
        shown.append(f"others {sum(v for _, v in leaders[3:])}")
    drivers = agg["drivers"]  # most common first, over the marginalized runs
    driver = "-" if not drivers else f"{next(iter(drivers))} ({next(iter(drivers.values()))} of {m['count']})"
    leaders = ", ".join(shown)
    cells = [label, marginalized, by_year, shifted, majority, influence, corr, leaders, driver]
    return "| " + " | ".join(cells) + " |"


def markdown_table(results: list[tuple[str, dict]]) -> str:
    """The whole table; the threshold column is headed by the lines the runs used (all rows must share
    them)."""
    lines = {tuple(s["aggregate"]["threshold_sensitivity"]) for _, s in results}
    if len(lines) != 1:
        raise ValueError(f"the rows were run with different custodian lines: {sorted(lines)}")
    low, line, high = lines.pop()
    header = [
        "scenario / policy",
        f"marginalized (95% CI), line {line}",
        "by year 1-5",
        f"at {low} / {high}",
        "shadow majority, month (runs)",
        "final-year it_influence, median (5-95%)",
        "r(final shadow share, influence) (95% CI)",
        "tech leader at the horizon (runs)",
        "main driver (of the marginalized runs)",
    ]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += [table_row(label, summary) for label, summary in results]
    return "\n".join(out)


def replace_between(text: str, block: str, start: str = START, end: str = END) -> str:
    """`text` with what lies between the `start` and `end` markers replaced by `block` (markers kept);
    ValueError when the markers are missing, repeated or out of order."""
    if text.count(start) != 1 or text.count(end) != 1:
        raise ValueError(f"the page must hold each marker once: {start} ... {end}")
    head, rest = text.split(start)
    if end not in rest:
        raise ValueError(f"{end} comes before {start}")
    _, tail = rest.split(end)
    return f"{head}{start}\n{block.strip()}\n{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="processes per run (orgsim run workers=)")
    parser.add_argument("--page", type=Path, default=PAGE)
    parser.add_argument("--no-write", action="store_true", help="print the table, leave the page as it is")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="scenarios_page_") as tmp:
        for i, row in enumerate(rows()):
            t0 = time.perf_counter()
            summary = run_row(row, args.replicates, args.seed, args.workers, Path(tmp) / f"row{i}")
            print(f"{row.label}: {time.perf_counter() - t0:.0f} s; {summary['verdict']}", file=sys.stderr)
            results.append((row.label, summary))
    seconds = time.perf_counter() - started
    table = markdown_table(results)
    months = results[0][1]["months"]
    command = (
        f"python experiments/scenarios_page.py --replicates {args.replicates} --seed {args.seed} "
        f"--workers {args.workers}"
    )
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    block = (
        f"Generated by `{command}` on {day}: {len(results)} rows, {args.replicates} organizations each, "
        f"{months} months, {seconds:.0f} s.\n\n{table}"
    )
    print(table)
    if not args.no_write:
        args.page.write_text(replace_between(args.page.read_text(), block))
        print(f"wrote {args.page}", file=sys.stderr)
    print(f"took {seconds:.0f} s ({len(results)} runs of {args.replicates} replicates)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
