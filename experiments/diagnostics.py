"""Every issue-22 diagnosis script at the size docs/ODD.md quotes, one after another, each one's printed
tables kept in experiments/results/diagnostics/NAME.txt under the command that printed them. After a change
to the model or the fit, `python experiments/diagnostics.py all` reruns what the ODD quotes and
`git diff experiments/results/diagnostics` shows which numbers moved.

    python experiments/diagnostics.py NAME ... | all [--list]

switched_off also writes experiments/results/switched_off/, and scenarios_page rewrites the table of
docs/scenarios.md (its own --no-write leaves it). The calibration's own scripts (calibrate_population.py,
policy_mix_fit.py, policy_conditional_fit.py, spread_fit.py) are not here: they fit or ship, they do not diagnose.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "results" / "diagnostics"

# the draw experiments/results/diagnostics/identification.txt names for "every row but
# outside_share_2015_idc" (a prior sample's emulators; docs/ODD.md 2.0, *Can any parameter set meet every row?*)
EVERY_ROW_BUT_IDC = [
    "org.baseline_spend_share=0.5344",
    "org.size_spread=0.4849",
    "org.mix_spread=0.3962",
    "org.it_budget_spread=0.9434",
    "org.committed_spread=0.9169",
    "it.budget=5004",
    "environment.business_tech_growth=0.04457",
    "environment.cloud_push=0.04867",
    "decision.need_rate=0.08022",
    "decision.core_decisions=1.733",
]

# script -> its arguments (its defaults are the sizes the ODD quotes unless given here)
SCRIPTS: dict[str, list[str]] = {
    "role_components": [],
    "role_time": [],
    "own_initiatives": [],
    "blind_rows": [],
    "role_weights": [],
    "heldout_mechanisms": ["--orgs", "100"],
    "decision_drift": [],
    "investment_rights": [],
    "mix_variance": [],
    "posterior_years": ["--per-set", "20"],
    "posterior_check": ["--orgs", "100", "--per-set", "40"],
    "preregistered": [],
    "it_led_mix": [],
    "spend_spread": [],
    "switched_off": [],
    "verdict_at": EVERY_ROW_BUT_IDC,
    "scenarios_page": ["--replicates", "400", "--seed", "0", "--workers", "2"],
}


def command(name: str) -> list[str]:
    return ["python", f"experiments/{name}.py", *SCRIPTS[name]]


def run(name: str) -> bool:
    """Run one script from the checkout's root; keep its output; False (and one line) if it failed."""
    started = time.perf_counter()
    shown = " ".join(command(name))
    done = subprocess.run(
        [sys.executable, *command(name)[1:]], cwd=HERE.parent, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"diagnostics.py: {shown} failed (exit {done.returncode}): {last}", file=sys.stderr)
        return False
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.txt").write_text(f"$ {shown}\n\n{done.stdout}")
    print(f"{shown}: {seconds:.0f} s -> {(OUT / f'{name}.txt').relative_to(HERE.parent)}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"{', '.join(SCRIPTS)} or all")
    parser.add_argument("--list", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    names = list(SCRIPTS) if args.names == ["all"] else args.names
    unknown = [n for n in names if n not in SCRIPTS]
    if unknown or not (names or args.list):
        parser.error(
            f"name one of {', '.join(SCRIPTS)} or all" + (f"; got {', '.join(unknown)}" if unknown else "")
        )
    if args.list:
        print("\n".join(" ".join(command(n)) for n in names or SCRIPTS))
        return 0
    failed = [n for n in names if not run(n)]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
