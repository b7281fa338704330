"""Instructions per default replicate, counted by valgrind (callgrind): the steady measure of a change
on a machine whose speed wanders (CPU time on this project's 2 shared cores moved by +-30% from minute to
minute for the same code; instruction counts move by well under 0.1%).

Run: .venv/bin/python benchmarks/instructions.py [--mode own|job|sweep] [--replicates 10]

Each count runs the same script twice under callgrind, once with no replicates and once with N, after the
same imports and two warm-up replicates; the difference over N is one replicate's instructions. Modes:
`own`: a replicate with its own two tables (run_replicate, then .timeseries and .departments); `job`: a
chunk of N replicates joined into one table each (runner.tables, as `orgsim run` builds them); `sweep`: a
sweep run's summary without tables (api.simulate); `model`: the model alone as a sweep runs it (the
summary's monthly columns recorded, no summary, no tables), so `sweep` minus `model` is the sweep's own
cost; `batch_run`: the model as `mesa.batch_run` runs it in bench_sweep.py (mesa's DataCollector with the
same reporters every month, the last month's values read back). About 2-3 minutes a mode.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys

MODES = ("own", "job", "sweep", "model", "batch_run")


def _work(mode: str, replicates: int) -> None:
    from orgsim.api import simulate
    from orgsim.config.compose import load_settings
    from orgsim.runner import replicate_seeds, run_replicate, tables

    setting = load_settings([])
    warm = replicate_seeds(8, 2)  # the same in both counts, so the difference is the measured ones
    measured = replicate_seeds(9, replicates)
    if mode == "sweep":
        for seed in [*warm, *measured]:
            simulate(setting, seed)
    elif mode == "model":
        from orgsim.model.metrics import SUMMARY_COLUMNS
        from orgsim.model.organization import Organization

        for seed in [*warm, *measured]:
            model = Organization(setting, seed, collect="model", columns=list(SUMMARY_COLUMNS))
            model.run()
            model.release()
    elif mode == "batch_run":
        from bench_sweep import BatchOrganization  # this folder is on sys.path when run as a script

        for seed in [*warm, *measured]:
            model = BatchOrganization(setting, seed)
            model.run()
            {name: values[-1] for name, values in model.datacollector.model_vars.items()}  # batch_run's read
    elif mode == "own":
        for seed in [*warm, *measured]:
            result = run_replicate(setting, 0, seed)
            _timeseries, _departments = result.timeseries, result.departments
    else:
        tables([run_replicate(setting, i, seed) for i, seed in enumerate(warm)])
        if measured:
            tables([run_replicate(setting, i, seed) for i, seed in enumerate(measured)])


def _count(mode: str, replicates: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--work",
        mode,
        "--replicates",
        str(replicates),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=MODES, default="own")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--work", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        _work(args.work, args.replicates)
        return 0
    if shutil.which("valgrind") is None:
        print("instructions.py: valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    base, full = _count(args.mode, 0), _count(args.mode, args.replicates)
    per = (full - base) / args.replicates
    print(
        f"mode {args.mode}: {per / 1e6:.1f} M instructions a default replicate ({args.replicates} replicates)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
