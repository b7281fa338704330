"""How the pre-run estimate (orgsim.guards.estimate) compares with one measured replicate, as ratios.

Run: .venv/bin/python benchmarks/bench_estimate.py   (each row runs in a fresh process for its peak memory)
A ratio above 1 means the estimate is on the safe side.
"""

from __future__ import annotations

import json
import subprocess
import sys

ROWS = [
    ("default, 2 years", 1.0, ["years=2"]),
    ("10x headcount, 2 years", 10.0, ["years=2"]),
    ("50x headcount, 1 year", 50.0, ["years=1"]),
    ("mean_degree=200", 1.0, ["years=2", "org.employees.mean_degree=200"]),
    ("10x headcount, mean_degree=200", 10.0, ["years=1", "org.employees.mean_degree=200"]),
    ("employees disabled, 50x", 50.0, ["years=1", "org.employees.enabled=false"]),
    ("org.size=100,000, 1 year", 1.0, ["years=1", "org.size=100000"]),
    ("org.size=1,000,000, 1 year", 1.0, ["years=1", "org.size=1000000"]),
]

CHILD = """
import json, resource, sys, time
from orgsim.config.compose import load_settings
from orgsim.guards import BYTES_PER_PROCESS, estimate
from orgsim.model.organization import scaled
from orgsim.runner import run_replicate
factor, overrides = float(sys.argv[1]), sys.argv[2:]
setting = scaled(load_settings([*overrides, "replicates=1"]), factor)
start = time.perf_counter()
run_replicate(setting, 0, 1)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
guess = estimate(setting, 1)
print(json.dumps({"seconds": seconds, "bytes": peak, "est_seconds": guess.seconds, "est_bytes": guess.bytes}))
"""


def main() -> None:
    print(f"{'configuration':34s} {'measured s':>10s} {'est/meas':>9s} {'peak MB':>8s} {'est/meas':>9s}")
    for name, factor, overrides in ROWS:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(factor), *overrides], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{name:34s} {r['seconds']:10.2f} {r['est_seconds'] / r['seconds']:9.2f} "
            f"{r['bytes'] / 1e6:8.0f} {r['est_bytes'] / r['bytes']:9.2f}"
        )


if __name__ == "__main__":
    main()
