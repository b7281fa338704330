"""Run the studies of issue 11, each with one command: its sweep (or run), its analyses, its figures.

    python experiments/run.py NAME|all [--quick] [--out DIR] [--workers N]

Every step is an ordinary `orgsim` command line, printed before it runs (copy it to redo one step) and run
in this process through `orgsim.cli.main`. Results go to experiments/results/NAME/ (sweep/, analysis
folders, figures/); `all` then regenerates experiments/REPORT.md. A sweep folder resumes, so running a
study again only redoes its analyses and figures; a sweep folder made under an earlier model (another
parameter, a new key) is refused by `orgsim sweep`, and `--fresh` removes each study's sweep folder (this
script's own output) first, so that every sweep is computed again. `--quick` runs every study at toy size into
experiments/results-quick/ (the test suite runs it so the scripts cannot rot); its numbers mean nothing.
Figures need `orgsim plot`; where this checkout has none they are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]  # orgsim from this checkout, and report.py beside this file

from orgsim import cli  # noqa: E402
from orgsim.results import MANIFEST  # noqa: E402


@dataclass
class Study:
    """One study: an `orgsim run` (run=...) or an `orgsim sweep` (experiment=...), then analyses and plots."""

    question: str
    experiment: str | None = None  # sweep experiment; None: an `orgsim run` with `run` overrides
    run: list[str] = field(default_factory=list)
    sweep: list[str] = field(default_factory=list)  # overrides of the sweep (an archetype's scenario, ...)
    quick: list[str] = field(default_factory=list)  # overrides for --quick
    analyses: list[list[str]] = field(default_factory=list)  # [analysis, key=value ...]
    plots: list[list[str]] = field(default_factory=list)  # [spec, key=value ...]
    validate: list[str] | None = None  # `orgsim validate` overrides: the study also runs the validation
    validate_quick: list[str] = field(default_factory=list)  # its overrides for --quick


STUDIES = {
    "baseline": Study(
        "Does BYOT marginalize IT under 2012 conditions, and when does shadow adoption become the majority?",
        run=["scenario=baseline_2012", "posterior_sets=50"],
        quick=["replicates=4", "years=1", "posterior_sets=2"],
        plots=[["trajectories"], ["role_components"], ["marginalized_by_year"], ["channels"], ["network"]],
    ),
    "validation": Study(
        "Does the calibrated model meet the published figures, the held-out ones included, and what is the "
        "verdict over the calibration posterior in each year to 2017?",
        run=["scenario=baseline_2012", "years=6", "replicates=1000", "posterior_sets=50"],
        quick=["replicates=4", "years=1", "posterior_sets=2"],
        validate=["replicates=400"],
        validate_quick=["validate.size=quick"],
    ),
    "policy_comparison": Study(
        "Which IT policy keeps IT from the margin (200 paired organizations per policy)?",
        experiment="policy_comparison",
        quick=["replicates=3", "years=1"],
        analyses=[["variance"]],
        plots=[["policy_comparison"], ["marginalized_by_year"]],
    ),
    "willingness_vs_appstores": Study(
        "CIO willingness to act against how fast SaaS and app stores mature.",
        experiment="willingness_vs_appstores",
        quick=[
            "replicates=2",
            "years=1",
            "sweep.uncertainties.environment.saas_maturity.midpoint_year=[2013,2017]",
            "sweep.uncertainties.environment.app_stores.midpoint_year=[2013,2017]",
        ],
        analyses=[["variance"]],
        plots=[["heatmap"]],
    ),
    "lebrun_integration": Study(
        "LeBrun: as integration pressure rises, does social come back to the CIO, and how fast?",
        experiment="lebrun_integration",
        quick=["replicates=2", "years=1", "sweep.uncertainties.environment.integration_sensitivity.levels=2"],
        analyses=[["variance"]],
        plots=[["trajectories"], ["policy_comparison"]],
    ),
    "global_sensitivity": Study(
        "Which levers and uncertainties move the outcomes most (Sobol)?",
        experiment="global_sensitivity",
        quick=["sweep.n=2", "replicates=2", "years=1"],
        analyses=[["sensitivity", "emulator=true"]],
        plots=[["sensitivity"]],
    ),
    "scenario_discovery": Study(
        "In which region of levers and world does IT end marginalized, and how much is choice, world, chance?",
        experiment="scenario_discovery",
        quick=[
            "sweep.n=3",
            "replicates=2",
            "years=1",
            "sweep.levers.policy=[gatekeeper,laissez_faire]",
            "sweep.levers.it.cio.willingness=[0.2]",
            # a year is too short to marginalize at the real line: a higher one gives PRIM both classes
            "metrics.custodian_threshold=0.55",
            "metrics.strategic_threshold=0.65",  # above the custodian line set here
        ],
        analyses=[["discover", "outcome=marginalized", "threshold=0.8"], ["variance"]],
        plots=[["prim"]],
    ),
}

# Robustness across worlds (issue 19), once per organization archetype: every policy x governance stance x
# CIO stance meets the same 40 Latin-hypercube worlds, 3 paired replicates (configs/experiment/policy_robustness.yaml).
ARCHETYPES = {
    "midsize": "baseline_2012",
    "regulated_bank": "regulated_bank_2012",
    "consumer_brand": "consumer_brand_2012",
    "software_firm": "software_firm_2012",
    "public_agency": "public_agency_2012",
}
for _archetype, _scenario in ARCHETYPES.items():
    STUDIES[f"robustness/{_archetype}"] = Study(
        f"Which policy holds up across plausible worlds for the {_archetype.replace('_', ' ')} archetype?",
        experiment="policy_robustness",
        sweep=[f"scenario={_scenario}", f"sweep.name=robustness_{_archetype}"],
        quick=[
            "sweep.n=4",
            "replicates=2",
            "years=1",
            "sweep.levers={policy:[gatekeeper,broker],policy.governance:[neutral],it.cio.willingness:[0.0,0.9]}",
        ],
        analyses=[["robustness"], ["variance"]],
        plots=[["tradeoff"], ["regret"]],
    )


def has_plot() -> bool:
    return "plot" in cli.COMMANDS


def _path(args: list[str], key: str) -> Path:
    """The folder a command line's `key=PATH` names."""
    return Path(next(a.split("=", 1)[1] for a in args if a.startswith(f"{key}=")))


def orgsim(args: list[str], log) -> None:
    """Run one `orgsim` command line in this process; raise SystemExit with its code when it fails."""
    line = "python -m orgsim.cli " + " ".join(shlex.quote(a) for a in args)
    log(f"$ {line}")
    code = cli.main(list(args))
    if code != 0:
        stored = args[0] == "sweep" and (_path(args, "hydra.run.dir") / MANIFEST).is_file()
        hint = " (the sweep folder holds an earlier sweep; --fresh computes it again)" if stored else ""
        raise SystemExit(f"experiments: step failed (exit {code}): {line}{hint}")


def steps(name: str, study: Study, root: Path, quick: bool, workers: int) -> list[list[str]]:
    """The study's command lines, in order."""
    folder = root / name
    extra = study.quick if quick else []
    if study.experiment is None:
        source = folder / "run"
        commands = [["run", *study.run, *extra, f"hydra.run.dir={source}", "overwrite=true"]]
    else:
        source = folder / "sweep"
        executor = ["executor=serial"] if quick else ["executor=processes", f"executor.workers={workers}"]
        commands = [
            [
                "sweep",
                f"experiment={study.experiment}",
                *executor,
                *study.sweep,
                *extra,
                f"hydra.run.dir={source}",
            ]
        ]
    if study.validate is not None:
        options = [*study.validate, *(study.validate_quick if quick else [])]
        commands.append(["validate", *options, f"hydra.run.dir={folder / 'validate'}", "overwrite=true"])
    for analysis in study.analyses:
        kind, options = analysis[0], analysis[1:]
        draws = ["bootstrap=50"] if quick else []
        commands.append(
            [
                "analyze",
                kind,
                f"input={source}",
                *options,
                *draws,
                f"hydra.run.dir={folder / kind}",
                "overwrite=true",
            ]
        )
    if has_plot():
        for spec in study.plots:
            inputs = {
                "sensitivity": folder / "sensitivity",
                "prim": folder / "discover",
                "tradeoff": folder / "robustness",
                "regret": folder / "robustness",
            }
            commands.append(
                ["plot", f"plot={spec[0]}", f"input={inputs.get(spec[0], source)}", *spec[1:],
                 f"hydra.run.dir={folder / 'figures' / spec[0]}", "overwrite=true"]
            )  # fmt: skip
    return commands


def _clear_committed_figure(args: list[str]) -> None:
    """A fresh checkout holds a study's committed figure (its PNG, without the .hydra/ folder git leaves
    out), which `orgsim plot` rightly refuses to write over as a folder it did not make: that PNG is this
    script's own earlier output, so it is removed and drawn again."""
    target = _path(args, "hydra.run.dir")
    if not target.is_dir() or (target / ".hydra").exists():
        return
    files = list(target.iterdir())
    if files and all(f.is_file() and f.suffix == ".png" for f in files):
        for f in files:
            f.unlink()


def _no_box(args: list[str]) -> bool:
    """Whether the PRIM analysis the plot reads found no box: a finding the report states, not a figure."""
    from orgsim.results import read_table

    boxes = _path(args, "input") / "prim_boxes.parquet"
    return boxes.is_file() and read_table(boxes).empty


def run_study(
    name: str, root: Path, quick: bool, workers: int, log=print, fresh_sweep: bool = False
) -> float:
    """Run every step of one study; the seconds it took. `fresh_sweep` removes the study's sweep folder
    (this script's own output) first, so the sweep is computed again rather than resumed."""
    study = STUDIES[name]
    log(f"== {name}: {study.question}")
    if fresh_sweep and study.experiment is not None and (root / name / "sweep").is_dir():
        shutil.rmtree(root / name / "sweep")
    # a resumed sweep runs nothing: keep the timing of the study's first, complete computation
    fresh = study.experiment is None or not (root / name / "sweep" / "runs.parquet").is_file()
    started = time.perf_counter()
    for args in steps(name, study, root, quick, workers):
        if args[0] == "plot":
            _clear_committed_figure(args)
            if "plot=prim" in args and _no_box(args):
                log(
                    "   (PRIM figure skipped: no box reaches the density asked for; discover/summary.txt says how near)"
                )
                continue
        orgsim(args, log)
    if not has_plot() and study.plots:
        log(f"   (figures skipped: this checkout has no `orgsim plot`; specs {[p[0] for p in study.plots]})")
    seconds = time.perf_counter() - started
    log(f"== {name}: done in {seconds:.0f} s")
    if fresh:
        (root / name / "timing.json").write_text(json.dumps({"seconds": seconds, "quick": quick}) + "\n")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=[*STUDIES, "all"])
    parser.add_argument("--quick", action="store_true", help="every study at toy size (numbers mean nothing)")
    parser.add_argument("--out", type=Path, help="results root (default experiments/results[-quick])")
    parser.add_argument("--workers", type=int, default=0, help="sweep processes (0: one per core)")
    parser.add_argument(
        "--fresh", action="store_true", help="compute every sweep again (removes this script's sweep folders)"
    )
    args = parser.parse_args(argv)
    root = args.out or HERE / ("results-quick" if args.quick else "results")
    names = list(STUDIES) if args.name == "all" else [args.name]
    for name in names:
        run_study(name, root, args.quick, args.workers, fresh_sweep=args.fresh)
    if args.name == "all":
        from report import write_report

        print(f"report: {write_report(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
