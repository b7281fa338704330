"""Sweep throughput and memory, as a table. Run: .venv/bin/python benchmarks/bench_sweep.py [--runs 2000]

One design for every contender: the default organization over 60 months, four levels of
it.cio.willingness x runs/4 replicates (seeds shared across the levels). Contenders: `orgsim sweep` on the
serial, processes (2 workers) and Dask LocalCluster (2 workers) executors; `mesa.batch_run` with 1 and 2
processes on the same (setting, seed) pairs (it keeps only the last month's model reporters and no
department table); and, where the EMA Workbench is installed (Python >= 3.12: .venv312), its
MultiprocessingEvaluator (2 processes) calling `orgsim.api.run_one`. Each contender runs in a fresh
process, so its peak memory is its own (max RSS of the parent, and of the largest worker process); the serial
sweep is also run at a quarter of the size to show whether memory grows with the number of runs.
"""

from __future__ import annotations

import argparse
import inspect
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orgsim.model.organization import Organization

LEVELS = [0.1, 0.4, 0.7, 1.0]
WORKERS = 2


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Max resident set size in MB: of this process, or of the largest of its finished descendants."""
    return resource.getrusage(who).ru_maxrss / 1024


def bench_sweep(executor: str, runs: int) -> dict:
    from orgsim.commands.sweep import prepare, sweep_job

    with tempfile.TemporaryDirectory() as tmp:
        overrides = [
            f"+sweep.levers.it.cio.willingness=[{','.join(map(str, LEVELS))}]",
            "sweep.name=bench",
            f"replicates={runs // len(LEVELS)}",
            f"executor={executor}",
            f"executor.workers={1 if executor == 'serial' else WORKERS}",
            f"hydra.run.dir={tmp}/sweep",
        ]
        plan = prepare(overrides)
        start = time.perf_counter()
        summary = sweep_job(plan, echo=lambda _: None)
        seconds = time.perf_counter() - start
    return {"runs": summary["runs"], "seconds": seconds}


class BatchOrganization(Organization):
    """Organization as a Mesa user would run it under batch_run: the same reporters collected by
    mesa.DataCollector (batch_run reads its internals; orgsim records them itself), and the keyword
    batch_run passes on mesa 3.5 (`rng`) mapped to its seed."""

    def __init__(self, setting, seed: int = 0, rng=None):
        import mesa

        from orgsim.model.agents import BusinessDepartment
        from orgsim.model.metrics import DEPARTMENT_REPORTERS, MODEL_REPORTERS

        super().__init__(setting, seed if rng is None else rng, collect="model", columns=())
        self.datacollector = mesa.DataCollector(
            model_reporters={"month": "month", **MODEL_REPORTERS},
            agenttype_reporters={
                BusinessDepartment: {"month": lambda d: d.model.month, **DEPARTMENT_REPORTERS}
            },
        )
        self.datacollector.collect(self)


def bench_batch_run(processes: int, runs: int) -> dict:
    import mesa

    from orgsim import api
    from orgsim.sweep.design import run_seed

    base = api.base_settings()
    settings = [api.apply(base, {"it.cio.willingness": w}) for w in LEVELS]
    seeds = [run_seed(0, 0, r) for r in range(runs // len(LEVELS))]
    parameters = {"setting": settings}
    kwargs = {}
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        kwargs["rng"] = seeds  # mesa 3.5 passes rng to every model
    else:
        parameters["seed"] = seeds
    start = time.perf_counter()
    results = mesa.batch_run(
        BatchOrganization,
        parameters=parameters,
        iterations=1,
        max_steps=base.years * 12 - 1,  # mesa 3.3 steps max_steps + 1 times
        number_processes=processes,
        data_collection_period=-1,
        display_progress=False,
        **kwargs,
    )
    return {"runs": len(results), "seconds": time.perf_counter() - start}


def bench_ema(runs: int) -> dict:
    from ema_workbench import Model, MultiprocessingEvaluator, RealParameter, ScalarOutcome

    from orgsim import api

    model = Model("orgsim", function=api.ema_function(seed=0))
    model.uncertainties = [RealParameter("it__cio__willingness", 0.1, 1.0)]
    model.outcomes = [ScalarOutcome("final_it_influence"), ScalarOutcome("marginalized")]
    start = time.perf_counter()
    with MultiprocessingEvaluator(model, n_processes=WORKERS) as evaluator:
        experiments, _ = evaluator.perform_experiments(scenarios=runs)
    return {"runs": len(experiments), "seconds": time.perf_counter() - start}


def one(name: str, runs: int) -> dict:
    if name.startswith("sweep_"):
        result = bench_sweep(name.removeprefix("sweep_"), runs)
    elif name.startswith("batch_run_"):
        result = bench_batch_run(int(name.removeprefix("batch_run_")), runs)
    elif name == "ema":
        result = bench_ema(runs)
    else:
        raise SystemExit(f"unknown contender {name}")
    return {**result, "peak_mb": _peak_mb(), "workers_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN)}


CONTENDERS = [
    ("sweep_serial", "orgsim sweep, serial"),
    ("sweep_processes", f"orgsim sweep, processes ({WORKERS})"),
    ("sweep_dask", f"orgsim sweep, Dask LocalCluster ({WORKERS})"),
    ("batch_run_1", "mesa.batch_run, 1 process"),
    ("batch_run_2", f"mesa.batch_run, {WORKERS} processes"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--ema-python", default=".venv312/bin/python", help="a Python with ema_workbench")
    parser.add_argument("--skip", default="", help="comma-separated contenders to leave out")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.runs)))
        return
    skip = set(args.skip.split(","))
    plan = [(name, label, sys.executable, args.runs) for name, label in CONTENDERS if name not in skip]
    if Path(args.ema_python).exists() and "ema" not in skip:
        plan.append(
            ("ema", f"EMA MultiprocessingEvaluator ({WORKERS}) -> run_one", args.ema_python, args.runs)
        )
    if "memory" not in skip:
        plan.append(
            (
                "sweep_serial",
                "orgsim sweep, serial, quarter size",
                sys.executable,
                args.runs // 4,
            )
        )
    rows = []
    for name, label, python, runs in plan:
        proc = subprocess.run(
            [python, __file__, "--one", name, "--runs", str(runs)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            rows.append((label, runs, None, proc.stderr.strip().splitlines()[-1:]))
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append((label, result["runs"], result, None))
        print(f"  done: {label}: {result}", file=sys.stderr)
    serial = next((r[2] for r in rows if r[2] and r[0] == "orgsim sweep, serial"), None)
    batch2 = next((r[2] for r in rows if r[2] and r[0] == f"mesa.batch_run, {WORKERS} processes"), None)
    print(
        f"{'contender':48s} {'runs':>6s} {'seconds':>8s} {'runs/s':>7s} {'x serial':>8s} {'x batch_run(2)':>14s} {'peak MB':>8s} {'worker MB':>9s}"
    )
    for label, runs, result, error in rows:
        if result is None:
            print(f"{label:48s} {runs:6d}  failed: {error}")
            continue
        rate = result["runs"] / result["seconds"]
        vs_serial = rate / (serial["runs"] / serial["seconds"]) if serial else float("nan")
        vs_batch = rate / (batch2["runs"] / batch2["seconds"]) if batch2 else float("nan")
        print(
            f"{label:48s} {result['runs']:6d} {result['seconds']:8.1f} {rate:7.2f} {vs_serial:8.2f} "
            f"{vs_batch:14.2f} {result['peak_mb']:8.0f} {result['workers_peak_mb'] or float('nan'):9.0f}"
        )


if __name__ == "__main__":
    main()
