"""Speed of the main job's parts, as a table of ratios. Run: .venv/bin/python benchmarks/bench_run.py

Timings are wall-clock medians of a few repeats on this machine; the ratios are what to compare.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from orgsim.config.compose import load_settings
from orgsim.model.employees import EmployeePopulation
from orgsim.model.organization import Organization
from orgsim.runner import run_replicates


def timed(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python_loop_bass(pop: EmployeePopulation, months: int) -> None:
    """The same Bass step with one Python iteration per employee: what the numpy layer replaces."""
    neighbours = [
        pop.adjacency.indices[pop.adjacency.indptr[i] : pop.adjacency.indptr[i + 1]] for i in range(pop.size)
    ]
    adopted = list(pop.adopted)
    rng = pop.rng
    for _ in range(months):
        snapshot = adopted[:]
        for i in range(pop.size):
            if snapshot[i]:
                continue
            nb = neighbours[i]
            share = sum(snapshot[j] for j in nb) / len(nb) if len(nb) else 0.0
            hazard = pop.cfg.p * pop.propensity[i] + pop.cfg.q * share
            if rng.random() < 1.0 - np.exp(-hazard / 12.0):
                adopted[i] = True


def main() -> None:
    setting = load_settings([])
    no_employees = load_settings(["org.employees.enabled=false"])
    rows = []

    one_run = timed(lambda: Organization(setting, 1).run())
    no_emp = timed(lambda: Organization(no_employees, 1).run())
    rows.append(("one replicate, 60 months", one_run, "without employee layer", no_emp))

    serial = timed(lambda: run_replicates(setting, 20, 0, workers=1), repeats=1)
    pooled = timed(lambda: run_replicates(setting, 20, 0, workers=2), repeats=1)
    rows.append(("20 replicates, 1 process", serial, "20 replicates, 2 processes", pooled))
    serial = timed(lambda: run_replicates(setting, 100, 0, workers=1), repeats=1)
    pooled = timed(lambda: run_replicates(setting, 100, 0, workers=2), repeats=1)
    rows.append(("100 replicates, 1 process", serial, "100 replicates, 2 processes", pooled))

    pop = Organization(setting, 1).employees
    vector = timed(lambda: [pop.step() for _ in range(60)])
    pop = Organization(setting, 1).employees
    loop = timed(lambda: python_loop_bass(pop, 60), repeats=1)
    rows.append(("Bass, Python loop per employee", loop, "Bass, numpy + CSR", vector))

    print(f"{'case A':34s} {'s':>8s}   {'case B':34s} {'s':>8s}   {'A / B':>7s}")
    for a, ta, b, tb in rows:
        print(f"{a:34s} {ta:8.3f}   {b:34s} {tb:8.3f}   {ta / tb:7.2f}")


if __name__ == "__main__":
    main()
