"""`orgsim analyze sensitivity|discover|variance|robustness input=<sweep folder>`: tables (CSV and
Parquet) from a finished sweep, written into the run directory beside the resolved config.

`analyze_job` is the pure function (config in, tables out); `main` composes configs/analyze.yaml, checks
everything, computes every table in a staging folder and only then publishes the folder (orgsim.rundir), so
bad input leaves one line on stderr, a non-zero exit and no partial tables; the sweep it reads is never
written.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.config.validate import ConfigError

ANALYSES = ("sensitivity", "discover", "variance", "robustness")
OUTPUTS = {
    "sensitivity": ("sensitivity",),
    "discover": ("prim_boxes", "prim_peeling"),
    "variance": ("variance", "variance_by_policy"),
    "robustness": ("robustness", "pareto", "regret", "preferred", "switch_boxes"),
}

# What --help adds to the sections every command has (orgsim.cli.help_text).
DETAILS = """analyses:
  sensitivity  Sobol S1/ST (sweep.design=sobol) or Morris mu_star/sigma (sweep.design=morris) of each
               outcome, replicates averaged per design row, with the share of variance due to seeds
               -> sensitivity.parquet/.csv
  discover     PRIM boxes (peeling and pasting) of the inputs where a boolean outcome is true
               -> prim_boxes.parquet/.csv, prim_peeling.parquet/.csv
  variance     share of each outcome's variance due to levers, uncertainties, their interaction and
               seeds, with bootstrap 95% intervals (a sweep whose lever settings meet every world); seeds
               split into the CIO type drawn (cio) and what remains (chance) when the runs keep
               cio_aspires and cio_acts; the same split within each policy when policy is a
               lever -> variance.parquet/.csv, variance_by_policy.parquet/.csv
  robustness   every lever setting (policy) across the sweep's worlds, per declared objective: mean,
               worse-tail percentile, maximum regret, share of worlds meeting a satisficing threshold,
               each with a bootstrap 95% interval over worlds; the Pareto set; the worlds where another
               policy beats the one preferred on average, and PRIM boxes of them
               -> robustness, pareto, regret, preferred, switch_boxes (.parquet/.csv)

keys:
  input=PATH          the sweep folder (runs.parquet and .hydra/config.yaml)
  outcome=NAME        one outcome (default: marginalized and every final_* outcome; discover: marginalized)
  below=X / above=X   discover on a numeric outcome: the runs that count as true
  threshold=0.8       discover, robustness: the least density a (PRIM) box must reach
  percentile=10       robustness: the worse-tail percentile (10: the 10th for an objective to raise,
                      the 90th for one to lower)
  regret=X            robustness: the regret of the preferred policy (on outcome=, default
                      final_it_influence) above which a world counts as switched (default: twice the
                      standard error replicate noise alone gives)
  satisfice={final_it_influence: 0.4}   robustness: satisficing thresholds per objective (defaults:
                      IT influence 0.35, marginalized 0.5, satisfaction 0.5, else the median world mean)
  min_mass=0.05 alpha=0.05 paste_alpha=0.05 max_boxes=3   discover: PRIM's support, peel and paste steps
  bootstrap=500 seed=0        bootstrap draws for intervals
  emulator=true       sensitivity: also S1 from an emulator (SALib HDMR, first order) fitted to the
                      replicate means, with its 5-fold cross-validated R^2 (method hdmr in the table)
  hydra.run.dir=PATH  where the tables go (default outputs/analyze/ANALYSIS/<time>_<id>); overwrite=true
"""


@dataclass
class AnalyzeConfig:
    analysis: str = field(default="sensitivity", metadata={"choices": ANALYSES})
    input: str | None = None  # the sweep folder
    outcome: str | None = None  # one outcome; none: the analysis' default set
    below: float | None = None  # discover on a numeric outcome: runs below this count as true
    above: float | None = None  # ... or above this
    threshold: float = 0.8  # discover: least box density
    min_mass: float = 0.05  # discover: least share of the runs a box holds
    alpha: float = 0.05  # discover: share of the box peeled per step
    paste_alpha: float = 0.05  # discover: share of the box pasted back per step
    max_boxes: int = 3  # discover: boxes in the covering sequence
    bootstrap: int = 500  # bootstrap draws for the intervals
    seed: int = 0
    percentile: float = 10.0  # robustness: the worse-tail percentile
    regret: float | None = None  # robustness: regret above which the preferred policy counts as beaten
    # robustness: {objective: threshold}; typed Any with no default dict so that satisfice={...} replaces it
    satisfice: Any = None
    emulator: bool = False  # sensitivity: also first-order indices from an HDMR emulator of the row means
    overwrite: bool = False


def register_analyze_configs() -> None:
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="orgsim_analyze_schema", node=AnalyzeConfig)


# --- checking ----------------------------------------------------------------------------------------


def check(cfg: AnalyzeConfig) -> None:
    """Ranges and choices of the analyze keys; ConfigError names the key, the value and what is allowed."""
    if cfg.analysis not in ANALYSES:
        raise ConfigError(f"analysis must be one of {', '.join(ANALYSES)}; got '{cfg.analysis}'")
    for key in ("threshold", "min_mass"):
        value = getattr(cfg, key)
        if not 0 < value <= 1:
            raise ConfigError(f"{key} must be in (0, 1]; got {value:g}")
    for key in ("alpha", "paste_alpha"):
        value = getattr(cfg, key)
        if not 0 < value < 0.5:
            raise ConfigError(f"{key} must be in (0, 0.5); got {value:g}")
    if cfg.max_boxes < 1:
        raise ConfigError(f"max_boxes must be at least 1; got {cfg.max_boxes}")
    if cfg.bootstrap < 0:
        raise ConfigError(f"bootstrap must be at least 0; got {cfg.bootstrap}")
    if not 0 < cfg.percentile <= 50:
        raise ConfigError(f"percentile must be in (0, 50]; got {cfg.percentile:g}")
    if cfg.regret is not None and cfg.regret < 0:
        raise ConfigError(f"regret must be at least 0; got {cfg.regret:g}")
    if cfg.satisfice is not None and not (
        isinstance(cfg.satisfice, dict)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cfg.satisfice.values())
    ):
        raise ConfigError(
            f"satisfice must be a mapping {{objective: number}} (satisfice={{final_it_influence: 0.4}}); "
            f"got {cfg.satisfice!r}"
        )
    if cfg.below is not None and cfg.above is not None:
        raise ConfigError(f"give below or above, not both; got below={cfg.below:g}, above={cfg.above:g}")


def _outcomes(results, cfg: AnalyzeConfig, allowed: list[str]) -> list[str]:
    if cfg.outcome is None:
        return allowed
    if cfg.outcome not in allowed:
        raise ConfigError(f"outcome must be one of {', '.join(allowed)}; got '{cfg.outcome}'")
    return [cfg.outcome]


# --- the analyses ------------------------------------------------------------------------------------


def sensitivity(results, cfg: AnalyzeConfig) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    from orgsim.analysis.sensitivity import noise_warning, sensitivity_table, sensitivity_text

    outcomes = _outcomes(results, cfg, results.outcomes())
    table = sensitivity_table(results, outcomes, cfg.bootstrap)
    warning = noise_warning(table, results.replicates)
    warnings = [warning] if warning else []
    text = sensitivity_text(table)
    if cfg.emulator:
        from orgsim.analysis.emulator import MIN_ROWS, emulator_text, sweep_emulator_table

        emulated = sweep_emulator_table(results, outcomes, seed=cfg.seed)
        if emulated.empty:
            warnings.append(
                f"emulator: no outcome fitted; the HDMR emulator needs at least {MIN_ROWS} design rows of a "
                f"finite, varying outcome per block (raise sweep.n)"
            )
        else:
            table = pd.concat([table, emulated], ignore_index=True)
            text += "\n" + emulator_text(emulated)
    return {"sensitivity": table}, text, warnings


def _discover_target(results, cfg: AnalyzeConfig) -> tuple[str, np.ndarray, str]:
    """The outcome, its boolean per run and how it was read (e.g. `final_it_influence < 0.4`)."""
    allowed = results.numeric_outcomes()
    outcome = cfg.outcome or "marginalized"
    if outcome not in allowed:
        raise ConfigError(f"outcome must be one of {', '.join(allowed)}; got '{outcome}'")
    values = results.runs[outcome]
    if cfg.below is not None:
        return outcome, (values.astype(float) < cfg.below).to_numpy(), f"{outcome} < {cfg.below:g}"
    if cfg.above is not None:
        return outcome, (values.astype(float) > cfg.above).to_numpy(), f"{outcome} > {cfg.above:g}"
    if not (pd.api.types.is_bool_dtype(values) or set(values.dropna().unique()) <= {0, 1}):
        raise ConfigError(
            f"outcome {outcome} is not true/false: give below=VALUE or above=VALUE to say which runs count "
            f"(it ranges {values.min():g} to {values.max():g})"
        )
    return outcome, values.fillna(0).astype(bool).to_numpy(), outcome


def discover(results, cfg: AnalyzeConfig) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    from orgsim.analysis.prim import boxes_table, find_boxes, peeling_path

    outcome, y, label = _discover_target(results, cfg)
    inputs = results.varied()
    if not inputs:
        raise ConfigError(f"input '{results.folder}': no lever or uncertainty takes more than one value")
    X = results.runs[inputs]
    options = dict(min_mass=cfg.min_mass, alpha=cfg.alpha)
    boxes = find_boxes(X, y, cfg.threshold, paste_alpha=cfg.paste_alpha, max_boxes=cfg.max_boxes, **options)
    table = boxes_table(X, boxes, outcome)
    paths = []
    for number, box in enumerate(boxes, start=1):
        paths.append(box.trajectory.assign(outcome=outcome, box=number))
    notes = []
    if not boxes:
        path = peeling_path(X, y, **options)
        best = path.loc[path["density"].idxmax()]
        paths.append(path.assign(outcome=outcome, box=0))
        notes.append(
            f"no box reaches density {cfg.threshold:g} for {label}; the peeling path peaks at "
            f"{best['density']:.2f} (coverage {best['coverage']:.2f}, mass {best['mass']:.2f}): "
            "lower threshold= or min_mass="
        )
    peeling = pd.concat(paths, ignore_index=True)[["outcome", "box", "step", "coverage", "density", "mass"]]
    lines = [
        f"PRIM on {label}: {int(y.sum())} of {len(y)} runs true ({y.mean():.1%}); inputs {', '.join(inputs)}; "
        f"threshold {cfg.threshold:g}, min_mass {cfg.min_mass:g}"
    ]
    for number, group in table.groupby("box"):
        first = group.iloc[0]
        limits = []
        for r in group.itertuples():
            if r.kind == "categorical":
                limits.append(f"{r.parameter} in {{{r.values}}}")
            else:
                limits.append(f"{r.parameter} {r.low:.5g}..{r.high:.5g}")
        lines.append(
            f"  box {number}: coverage {first.coverage:.2f}, density {first.density:.2f}, mass {first.mass:.2f}: "
            + "; ".join(limits)
        )
    return {"prim_boxes": table, "prim_peeling": peeling}, "\n".join(lines + notes), notes


def variance(results, cfg: AnalyzeConfig) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    from orgsim.analysis.variance import MAIN_OUTCOME, DesignError, cio_types, variance_by, variance_table

    sampled_levers = [f.key for f in results.levers if f.sampled]
    if sampled_levers:
        raise ConfigError(
            f"analyze variance needs the levers listed (values or levels) so that every lever setting meets "
            f"every world; input '{results.folder}' samples {', '.join(sampled_levers)}"
        )
    outcomes = _outcomes(results, cfg, results.outcomes())
    worlds_sampled = any(f.sampled for f in results.uncertainties)
    by_policy = "policy" in [f.key for f in results.levers] and results.runs["policy"].nunique() > 1
    try:
        table = variance_table(results.runs, outcomes, cfg.bootstrap, cfg.seed, worlds_sampled)
        within = (
            variance_by(results.runs, "policy", outcomes, cfg.bootstrap, cfg.seed, worlds_sampled)
            if by_policy
            else pd.DataFrame(columns=["policy", "outcome", "source", "share", "low", "high"])
        )
    except DesignError as err:
        raise ConfigError(f"input '{results.folder}': {err}") from None
    settings = results.runs["setting"].nunique()
    worlds = results.runs["world"].nunique()
    lines = [
        f"share of variance (95% bootstrap interval) over {settings} lever setting(s) x {worlds} world(s) x "
        f"{results.replicates} replicate(s):"
    ]

    def cells(group: pd.DataFrame) -> str:
        return ", ".join(
            f"{r.source} {r.share:.0%} ({r.low:.0%}-{r.high:.0%})"
            if np.isfinite(r.share)
            else f"{r.source} -"
            for r in group.itertuples()
        )

    for outcome, group in table.groupby("outcome", sort=False):
        lines.append(f"  {outcome}: " + cells(group))
    notes = []
    share = table.pivot(index="outcome", columns="source", values="share").astype(float)
    varies = np.isfinite(share["seeds"])  # an outcome that did not vary has no shares at all
    constant = [o for o in table["outcome"].unique() if not varies[o]]
    if constant:
        notes.append(f"{', '.join(constant)} did not vary across these runs: no shares ('-')")
    if cio_types(results.runs) is None:
        notes.append(
            "the runs do not keep the CIO draw (cio_aspires, cio_acts): seeds are not split "
            "into cio and chance; list them in sweep.outcomes (and keep it.cio.draw=true)"
        )
    elif "organization" in set(table["source"]):
        lines.append(
            "  (cio + organization + chance = seeds: the CIO type drawn, acting / aspiring only / neither; the "
            "organization drawn, its size, IT intensity, committed share and department mix; and the rest)"
        )
        if not np.isfinite(share.loc[varies, ["organization", "chance"]].to_numpy()).all():
            notes.append(
                f"the organization drawn is not split from chance ('-'): at {results.replicates} replicate(s) "
                "a cell, the regressions within each lever setting (the CIO type and what the organization "
                "drew) leave no degrees of freedom; run more replicates"
            )
    else:
        lines.append(
            "  (cio + chance = seeds: the CIO type drawn, acting / aspiring only / neither, and the rest)"
        )
    main = MAIN_OUTCOME if MAIN_OUTCOME in outcomes else outcomes[0]
    if by_policy:
        lines.append(f"within each policy, {main} (levers: the other levers' settings):")
        for policy, group in within[within["outcome"] == main].groupby("policy", sort=False):
            lines.append(f"  {policy}: " + cells(group))
    return {"variance": table, "variance_by_policy": within}, "\n".join(lines), notes


def robustness(results, cfg: AnalyzeConfig) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    from orgsim.analysis.robustness import RobustnessError, results_tables, summary_text

    options = dict(
        thresholds=dict(cfg.satisfice or {}),
        primary=cfg.outcome,
        regret_threshold=cfg.regret,
        percentile=cfg.percentile,
        draws=max(cfg.bootstrap, 1),
        seed=cfg.seed,
        prim_threshold=cfg.threshold,
    )
    try:
        tables = results_tables(results, **options)
    except RobustnessError as err:
        raise ConfigError(f"input '{results.folder}': {err}") from None
    objectives = list(dict.fromkeys(tables["robustness"]["objective"]))
    unknown = [k for k in options["thresholds"] if k not in objectives]
    if unknown:
        raise ConfigError(f"satisfice: {unknown[0]} must be one of the objectives {', '.join(objectives)}")
    notes = []
    preferred = tables["preferred"]
    if tables["switch_boxes"].empty and preferred["switched"].any() and not preferred["switched"].all():
        notes.append(
            f"no PRIM box of the world parameters reaches density {cfg.threshold:g} for the worlds where "
            f"{preferred['preferred_policy'].iloc[0]} is beaten; lower threshold= to see weaker ones"
        )
    return tables, summary_text(tables), notes


JOBS = {"sensitivity": sensitivity, "discover": discover, "variance": variance, "robustness": robustness}


def analyze_job(cfg: AnalyzeConfig) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    """Check `cfg`, read its sweep, run its analysis: (tables by name, summary text, warnings)."""
    from orgsim.analysis.results import read_sweep

    check(cfg)
    return JOBS[cfg.analysis](read_sweep(cfg.input), cfg)


# --- writing -----------------------------------------------------------------------------------------


def write_outputs(folder: Path, tables: dict[str, pd.DataFrame], text: str, config: dict):
    """Tables as Parquet and CSV and the summary; summary.json last (complete)."""
    from orgsim.sweep.store import write_described

    files = []
    for name, table in tables.items():
        write_described(table, folder / f"{name}.parquet", name)  # each column's meaning and unit
        table.to_csv(folder / f"{name}.csv", index=False)
        files += [f"{name}.parquet", f"{name}.csv"]
    (folder / "summary.txt").write_text(text + "\n")
    summary = {"analysis": config["analysis"], "input": config["input"], "files": files, "text": text}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


# --- the command ---------------------------------------------------------------------------------------

SCHEMA = AnalyzeConfig  # the root config's schema (configs/analyze.yaml)
register = register_analyze_configs


def settings_of(cfg) -> AnalyzeConfig:
    from orgsim.config.compose import typed

    return typed(cfg, AnalyzeConfig)


def task(cfg) -> None:
    """The job on a composed config, in the run directory orgsim.cli owns for it (never the sweep read)."""
    from hydra.core.hydra_config import HydraConfig

    settings = settings_of(cfg)
    tables, text, warnings = analyze_job(settings)
    for line in warnings:
        print(f"orgsim analyze: warning: {line}", file=sys.stderr)
    write_outputs(Path(HydraConfig.get().runtime.output_dir), tables, text, dataclasses.asdict(settings))
    print(text)
