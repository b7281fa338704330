"""Speed and memory of orgsim against the goals of issue 7: one table and one CSV of medians over repeats.

Run: .venv/bin/python benchmarks/run.py [--quick] [--repeats N] [--csv PATH] [--only CASE,CASE]

Every case runs in its own Python process, started `--repeats` times. The driver makes itself a child
subreaper (Linux), so forkserver workers, orphaned when their parent exits, are reaped here too: the CPU
column counts every process of a case (a `/usr/bin/time` of the parent misses them) and the RSS column is
the largest peak RSS of any one of its processes. Values are medians over the repeats. `--quick` runs tiny
sizes so that the test suite can check the script still works; its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PR_SET_CHILD_SUBREAPER = 36

# (case, metric) -> (goal, "<=" or ">="): the goals of issue 7
GOALS = {
    ("replicate", "cpu_s_per_replicate"): (0.020, "<="),
    ("job", "wall_s"): (15.0, "<="),
    ("employees_100k", "replicate_cpu_s"): (1.0, "<="),
    ("employees_10k", "step_vs_numpy"): (1.5, "<="),
    ("employees_10k", "mesa_vs_step"): (30.0, ">="),
    ("processes", "speedup"): (1.8, ">="),
    ("industry", "cpu_s_all_processes"): (60.0, "<="),
    ("industry", "peak_rss_mb"): (400.0, "<="),
}

# --- sizes -----------------------------------------------------------------------------------------------

FULL = {
    "replicates_per_repeat": 30,
    "job_replicates": 400,
    "employees_small": 10_000,
    "employees_large": 100_000,
    "months": 120,
    "pool_replicates": 200,
    "industry": 1000,
}
QUICK = {
    "replicates_per_repeat": 2,
    "job_replicates": 4,
    "employees_small": 500,
    "employees_large": 1_000,
    "months": 6,
    "pool_replicates": 4,
    "industry": 4,
}


def _sizes(quick: bool) -> dict:
    return QUICK if quick else FULL


# --- the same Bass dynamics, written three ways ------------------------------------------------------


def numpy_bass(indptr, indices, propensity, adopted, p: float, q: float, months: int, rng) -> int:
    """The employee step in numpy alone (no scipy, no classes), counting adopting neighbours from each
    month's new adopters only: the limit to compare the model's step with."""
    n = len(propensity)
    degree = np.diff(indptr).astype(float)
    inv_degree = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)
    base = p * propensity
    adopted = adopted.copy()
    row = np.repeat(np.arange(n), np.diff(indptr))
    neighbours = np.bincount(row, weights=adopted[indices], minlength=n)
    for _ in range(months):
        chance = -np.expm1(-(base + q * neighbours * inv_degree) / 12.0)
        new = np.flatnonzero(~adopted & (rng.random(n) < chance))
        adopted[new] = True
        starts, lengths = indptr[new], indptr[new + 1] - indptr[new]
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        neighbours += np.bincount(indices[offsets], minlength=n)
    return int(adopted.sum())


def mesa_bass(indptr, indices, propensity, adopted, p: float, q: float, months: int, seed: int) -> int:
    """The employee step as plain Mesa agents: one Employee agent each, stepped with AgentSet.do."""
    import mesa

    class Employee(mesa.Agent):
        def __init__(self, model, propensity: float, adopted: bool):
            super().__init__(model)
            self.propensity = propensity
            self.adopted = adopted
            self.was_adopted = adopted
            self.neighbours: list[Employee] = []

        def decide(self) -> None:
            if self.was_adopted or not self.neighbours:
                share = 0.0
            else:
                share = sum(nb.was_adopted for nb in self.neighbours) / len(self.neighbours)
            hazard = p * self.propensity + q * share
            if not self.was_adopted and self.model.random.random() < 1.0 - math.exp(-hazard / 12.0):
                self.adopted = True

        def remember(self) -> None:
            self.was_adopted = self.adopted

    class Population(mesa.Model):
        def __init__(self):
            super().__init__(rng=int(seed))
            people = [Employee(self, float(x), bool(a)) for x, a in zip(propensity, adopted, strict=True)]
            for i, person in enumerate(people):
                person.neighbours = [people[j] for j in indices[indptr[i] : indptr[i + 1]]]

        def step(self) -> None:
            self.agents.do("decide")
            self.agents.do("remember")

    model = Population()
    for _ in range(months):
        model.step()
    count = sum(a.adopted for a in model.agents)
    release = getattr(mesa.Agent, "_ids", None)
    if release is not None:
        release.pop(model, None)
    return count


# --- cases: each runs in a fresh process and prints one JSON object of measurements ------------------


def _settings(*overrides: str):
    from orgsim.config.compose import load_settings

    return load_settings(list(overrides))


def _cpu() -> float:
    return time.process_time()


def case_replicate(sizes: dict) -> dict:
    from orgsim.model import employees
    from orgsim.model.organization import Organization
    from orgsim.runner import replicate_seeds, run_replicate, tables

    setting = _settings()
    no_employees = _settings("org.employees.enabled=false")
    seeds = replicate_seeds(1, sizes["replicates_per_repeat"] + 1)
    run_replicate(setting, 0, seeds[-1])  # warm caches and lazy imports
    full, bare, model_only, build = [], [], [], []
    for r, seed in enumerate(seeds[:-1]):
        start = _cpu()
        result = run_replicate(setting, r, seed)
        _timeseries, _departments = result.timeseries, result.departments  # its own two tables, built
        full.append(_cpu() - start)
        start = _cpu()
        run_replicate(no_employees, r, seed)
        bare.append(_cpu() - start)
        forget = getattr(employees, "forget_starts", None)  # a start remembered from the run above
        if forget is not None:
            forget()
        start = _cpu()
        model = Organization(setting, seed)
        build.append(_cpu() - start)
        model.datacollector.collect = lambda _model: None  # what the replicate costs without collection
        start = _cpu()
        model.run()
        model_only.append(_cpu() - start + build[-1])
        if hasattr(model, "release"):
            model.release()
    # as the default job pays it: replicates in chunks of 20, one table each per chunk (runner.tables)
    chunked = []
    for first in range(0, len(seeds) - 1 - 19, 20):
        start = _cpu()
        tables([run_replicate(setting, first + i, s) for i, s in enumerate(seeds[first : first + 20])])
        chunked.append((_cpu() - start) / 20)
    med = statistics.median
    return {
        "cpu_s_per_replicate": med(full),
        "cpu_s_per_replicate_in_chunks": med(chunked) if chunked else math.nan,
        "cpu_s_without_employees": med(bare),
        "cpu_s_model_build": med(build),
        "cpu_s_without_collection": med(model_only),
        "collection_share": 1.0 - med(model_only) / med(full),
    }


def _orgsim_run(*overrides: str) -> tuple[float, dict]:
    """`orgsim run` with `overrides` as a user starts it (its own process): wall seconds and summary."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        command = [sys.executable, "-m", "orgsim.cli", "run", *overrides, f"hydra.run.dir={out}"]
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - start
        return wall, json.loads((Path(out) / "summary.json").read_text())


def case_job(sizes: dict) -> dict:
    wall, _ = _orgsim_run(f"replicates={sizes['job_replicates']}")
    return {"wall_s": wall, "replicates": sizes["job_replicates"]}


def _population(n: int):
    from orgsim.config.schema import EmployeesConfig
    from orgsim.model.employees import EmployeePopulation

    cfg = EmployeesConfig(network="department_blocks", consumerization_boost=0.0, initial_adopters=0.02)
    headcounts = [n // 8] * 7 + [n - 7 * (n // 8)]
    start = _cpu()
    pop = EmployeePopulation(cfg, headcounts, np.linspace(0.2, 0.8, 8).tolist(), np.random.default_rng(3))
    return pop, _cpu() - start


def case_employees(n: int, months: int, with_mesa: bool) -> dict:
    pop, build = _population(n)
    adj = pop.adjacency
    args = (adj.indptr, adj.indices, pop.propensity, pop.adopted, pop.cfg.p, pop.cfg.q, months)
    start = _cpu()
    for _ in range(months):
        pop.step()
    step = _cpu() - start
    start = _cpu()
    numpy_bass(*args, np.random.default_rng(4))
    limit = _cpu() - start
    result = {"build_cpu_s": build, "step_cpu_s": step, "numpy_cpu_s": limit, "step_vs_numpy": step / limit}
    if with_mesa:
        import mesa  # noqa: F401  (imported before the clock starts)

        start = _cpu()
        mesa_bass(*args, seed=5)
        result["mesa_cpu_s"] = _cpu() - start
        result["mesa_vs_step"] = result["mesa_cpu_s"] / step
    return result


def case_employees_100k(sizes: dict) -> dict:
    from orgsim.model.organization import scaled
    from orgsim.runner import run_replicate

    result = case_employees(sizes["employees_large"], sizes["months"], with_mesa=False)
    setting = _settings(f"years={max(1, sizes['months'] // 12)}")
    total = sum(d.headcount for d in setting.org.departments.values()) + setting.it.headcount
    setting = scaled(setting, sizes["employees_large"] / total)  # what org.size does, on any version
    start = _cpu()
    run_replicate(setting, 0, 11)
    result["replicate_cpu_s"] = _cpu() - start
    return result


def _replicates(replicates: int, workers: int, *overrides: str) -> float:
    from orgsim.runner import run_replicates

    setting = _settings(*overrides)
    start = time.perf_counter()
    run_replicates(setting, replicates, 0, workers=workers)
    return time.perf_counter() - start


def case_serial(sizes: dict) -> dict:
    return {"wall_s": _replicates(sizes["pool_replicates"], 1)}


def case_pool(sizes: dict) -> dict:
    return {"wall_s": _replicates(sizes["pool_replicates"], 2)}


def case_industry(sizes: dict) -> dict:
    """The industry as a user runs it: `orgsim run` with drawn sizes and department mixes, 2 workers,
    tables streamed to parquet chunk by chunk (before session 5 this case held every replicate's tables
    in one process through run_replicates, which is not the command's path and grows with the count)."""
    from orgsim.model.industry import by_size

    wall, summary = _orgsim_run(
        f"replicates={sizes['industry']}", "org.size_spread=0.5", "org.mix_spread=0.3", "workers=2"
    )
    m = summary["aggregate"]["marginalized"]
    result = {
        "wall_s": wall,
        "marginalized_share": m["share"],
        "ci95_low": m["ci95"][0],
        "ci95_high": m["ci95"][1],
    }
    runs = summary["runs"]
    bands = by_size([r["headcount"] for r in runs], [r["marginalized"] for r in runs], bands=3)
    for name, band in zip(("small", "mid", "large"), bands, strict=False):
        result[f"marginalized_{name}"] = band["marginalized"] / band["organizations"]
        result[f"headcount_max_{name}"] = band["headcount_max"]
    return result


CASES = {
    "replicate": case_replicate,
    "job": case_job,
    "employees_10k": lambda s: case_employees(s["employees_small"], s["months"], with_mesa=True),
    "employees_100k": case_employees_100k,
    "serial": case_serial,
    "pool": case_pool,
    "industry": case_industry,
}


# --- driver ---------------------------------------------------------------------------------------------


def _become_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _run_case(name: str, quick: bool, extra: tuple[str, ...] = ()) -> dict:
    """Run one case in a fresh process; add the CPU and peak RSS of it and all its descendants."""
    command = [sys.executable, __file__, "--case", name, *(["--quick"] if quick else []), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    out, _ = proc.communicate()  # Popen reaps its own child: take its usage from the children's total
    wall = time.perf_counter() - start
    rss_kb = 0
    while True:  # the case's orphaned descendants (forkserver and its workers) are ours to reap now
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        rss_kb = max(rss_kb, usage.ru_maxrss)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark case {name} failed (exit {proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["_wall"] = wall
    result["_orphans_rss_kb"] = rss_kb
    return result


def _children_usage():
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN)


def measure(name: str, quick: bool, repeats: int, extra: tuple[str, ...] = ()) -> list[dict]:
    runs = []
    for _ in range(repeats):
        before = _children_usage()
        result = _run_case(name, quick, extra)
        after = _children_usage()
        # RUSAGE_CHILDREN holds the case process and every descendant reaped here (or by it)
        result["cpu_s_all_processes"] = (after.ru_utime - before.ru_utime) + (
            after.ru_stime - before.ru_stime
        )
        # ru_maxrss of RUSAGE_CHILDREN is a maximum over every child so far; the per-case figure is the
        # larger of the case process's own peak (it reports it) and its reaped descendants' peaks
        main_kb, workers_kb = result.pop("_self_rss_kb"), result.pop("_orphans_rss_kb")
        result["peak_rss_mb"] = max(main_kb, workers_kb) / 1024
        result["peak_rss_mb_main"] = main_kb / 1024  # the case process (and an `orgsim run` it started)
        result["peak_rss_mb_workers"] = workers_kb / 1024  # forkserver and pool workers, if any
        result["wall_s_process"] = result.pop("_wall")
        runs.append(result)
    return runs


def summarize_runs(name: str, runs: list[dict]) -> list[dict]:
    rows = []
    for metric in runs[0]:
        values = [r[metric] for r in runs if isinstance(r.get(metric), int | float)]
        if not values:
            continue
        value = statistics.median(values)
        goal, sense = GOALS.get((name, metric), (None, ""))
        met = "" if goal is None else ("yes" if (value <= goal if sense == "<=" else value >= goal) else "no")
        rows.append(
            {
                "case": name,
                "metric": metric,
                "median": value,
                "repeats": len(values),
                "goal": "" if goal is None else f"{sense} {goal:g}",
                "met": met,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the test suite")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--csv", type=Path, default=None, help="also write the table here")
    parser.add_argument("--only", default="", help="comma-separated cases: " + ", ".join(CASES))
    parser.add_argument("--pool-replicates", type=int, default=0, help="replicates of serial and pool")
    parser.add_argument("--job-replicates", type=int, default=0, help="replicates of the job case")
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case:  # inside a case process
        import resource

        sizes = dict(_sizes(args.quick))
        if args.pool_replicates:
            sizes["pool_replicates"] = args.pool_replicates
        if args.job_replicates:
            sizes["job_replicates"] = args.job_replicates
        result = CASES[args.case](sizes)
        result["_self_rss_kb"] = max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,  # the `orgsim run` of the job case
        )
        print(json.dumps(result))
        return 0

    if not _become_subreaper():
        print("note: not a child subreaper here; worker processes' CPU may be missing", file=sys.stderr)
    names = [n for n in args.only.split(",") if n] or list(CASES)
    unknown = sorted(set(names) - set(CASES))
    if unknown:
        parser.error(f"--only must name cases among {', '.join(CASES)}; got {', '.join(unknown)}")
    rows = []
    for name in names:
        extra = ("--pool-replicates", str(args.pool_replicates)) if args.pool_replicates else ()
        if args.job_replicates:
            extra = (*extra, "--job-replicates", str(args.job_replicates))
        rows.extend(summarize_runs(name, measure(name, args.quick, args.repeats, extra)))
    serial = {r["metric"]: r["median"] for r in rows if r["case"] == "serial"}
    pool = {r["metric"]: r["median"] for r in rows if r["case"] == "pool"}
    if serial and pool:
        speedup = serial["wall_s"] / pool["wall_s"]
        goal, sense = GOALS[("processes", "speedup")]
        met = "yes" if speedup >= goal else "no"
        rows.append(
            {"case": "processes", "metric": "speedup", "median": speedup, "repeats": args.repeats,
             "goal": f"{sense} {goal:g}", "met": met}
        )  # fmt: skip

    header = f"{'case':16s} {'metric':26s} {'median':>12s} {'goal':>10s} {'met':>4s}"
    print(header + ("   (quick: sizes too small to mean anything)" if args.quick else ""))
    for r in rows:
        print(f"{r['case']:16s} {r['metric']:26s} {r['median']:12.4g} {r['goal']:>10s} {r['met']:>4s}")
    if args.csv:
        with args.csv.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
