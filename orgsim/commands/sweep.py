"""`orgsim sweep experiment=NAME`: run an experiment design into a resumable results store.

`prepare` does everything that can fail before a run starts (compose the sweep config once, parse the
factors, build the design, compose one base config per scenario/policy in it, validate every design
point, probe the outcome and reporter names); `sweep_job` runs the pending runs through the executor into
the store and returns the summary. The sweep sees configs and run summaries, not the model's internals.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim import api
from orgsim.config.schema import OrgsimConfig
from orgsim.config.validate import ConfigError, validate
from orgsim.sweep.design import (
    EXECUTORS,
    HOW_TO_RUN,
    CalibrateRootConfig,
    ExecutorConfig,
    Factor,
    SweepConfig,
    SweepRootConfig,
    design_table,
    fingerprint,
    parse_factors,
    register_sweep_configs,
    run_seed,
)

REQUIRED_OUTCOMES = ("marginalized", "month_shadow_majority")  # the summary needs these (and final_*)
RUN_COLUMNS = ("run_id", "row", "setting", "world", "replicate", "seed")

# What --help adds to the sections every command has (orgsim.cli.help_text).
DETAILS = """Runs an experiment design (configs/experiment/NAME.yaml) and writes runs.parquet (one row per run: ids,
lever and uncertainty values, replicate, seed, run-summary outcomes) and, when sweep.timeseries lists
reporters, timeseries.parquet, into outputs/sweep/<sweep.name>/ (hydra.run.dir=PATH to choose). Finished
runs are stored in chunks as they complete: the same command again resumes; resume=false starts anew.

executor=serial|processes|dask   executor.workers=N (0: one per core)   executor.chunk_size=N
executor.address=tcp://host:port (dask; without it a LocalCluster starts here)
design keys: sweep.design=factorial|lhs|sobol|morris sweep.n=N replicates=N seed=N years=N
any model key as key=value applies to every run (orgsim params lists them)
"""


# --- preparing ---------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Everything a sweep needs, checked: the design and its base configs, as plain data."""

    sweep: SweepConfig
    executor: ExecutorConfig
    resume: bool
    factors: list[Factor]
    design: pd.DataFrame
    bases: dict[tuple, OrgsimConfig]
    replicates: int
    seed: int
    keep: list[str] | None  # outcome keys to store; None: all
    reporters: list[str]
    output_dir: Path
    explicit_dir: bool
    overrides: list[str]
    config: dict  # the composed config (without hydra), written to .hydra/config.yaml

    @property
    def n_rows(self) -> int:
        return len(self.design)

    @property
    def n_runs(self) -> int:
        return self.n_rows * self.replicates

    def group_of(self, row: dict) -> tuple:
        return (row.get("scenario", self.bases_default[0]), row.get("policy", self.bases_default[1]))

    bases_default: tuple = ("", None)


# The root config and schema each command that runs a sweep composes.
ROOTS = {"sweep": ("sweep", SweepRootConfig), "calibrate": ("calibrate", CalibrateRootConfig)}


def _groups(config_name: str) -> dict[str, list[str]]:
    """The config groups the root config selects, with their options (as orgsim.cli reads them)."""
    from orgsim.config.compose import config_dir
    from orgsim.config.overrides import root_groups

    return root_groups(config_name, config_dir())


def _compose(overrides: list[str], config_name: str = "sweep"):
    """The sweep's root config (the `hydra` node included), composed as orgsim.cli composes every command."""
    from orgsim.config.compose import compose_job

    register_sweep_configs()
    return compose_job(config_name, list(overrides), config_name)[1]


# the sweep's and calibration's own root keys, and Hydra's: never model keys
OWN_KEYS = ("sweep", "executor", "resume", "hydra", "accept", "confirm", "confirm_runs")


def _shapes_model(override: str) -> bool:
    """Whether an override can change the model config (the sweep's and calibration's own keys and hydra
    keys cannot)."""
    key = override.lstrip("+~").split("=", 1)[0]
    return key.split(".")[0] not in OWN_KEYS


def _root(cfg, schema: type = SweepRootConfig) -> SweepRootConfig:
    from orgsim.config.compose import typed

    return typed(cfg, schema)


def _model_settings(root: SweepRootConfig) -> OrgsimConfig:
    values = {f.name: getattr(root, f.name) for f in dataclasses.fields(OrgsimConfig)}
    return validate(OrgsimConfig(**values))


@functools.lru_cache(maxsize=32)
def _group_base(overrides: tuple[str, ...]) -> OrgsimConfig:
    """The model config for one scenario/policy of a design (cached: a compose costs ~0.3-0.7 s)."""
    return _model_settings(_root(_compose(list(overrides))))


def _probe(base: OrgsimConfig) -> tuple[list[str], list[str]]:
    """Outcome keys and monthly reporters of one run: what sweep.outcomes/timeseries may name."""
    from orgsim.model.metrics import run_summary
    from orgsim.runner import run_replicate

    timeseries = run_replicate(base, 0, 0).timeseries
    outcomes = list(api.flatten(run_summary(timeseries, base.metrics)))
    reporters = [c for c in timeseries.columns if c not in ("replicate", "seed", "date", "month")]
    return outcomes, reporters


def prepare(overrides: list[str], command: str = "sweep", cfg=None) -> Plan:
    """Compose and check the whole sweep; ConfigError (one line) for anything wrong, before any run.
    `cfg` is the root config the command's job already composed from these overrides (the CLI's), so it
    is not composed again; None composes it here. With executor=processes it starts the forkserver once
    the executor is known, so that its imports overlap the checks (a caller script needs the
    `if __name__ == "__main__":` guard). The shared estimate (orgsim.guards) of every design point is
    printed for big work and refused beyond the machine unless force=true; `command` names the command in
    those lines."""
    from orgsim.config.compose import plain_data
    from orgsim.config.overrides import check

    config_name, schema = ROOTS.get(command, ROOTS["sweep"])
    check([o for o in overrides if not o.startswith("hydra.")], schema, _groups(config_name))
    if cfg is None:
        cfg = _compose(overrides, config_name)
    root = _root(cfg, schema)
    chosen = any(o.split("=", 1)[0].lstrip("+") == "experiment" for o in overrides)
    if not chosen and not root.sweep.levers and not root.sweep.uncertainties:
        raise ConfigError(
            f"experiment must be one of {', '.join(api.choices_of('experiment'))}; got none "
            "(or give sweep.levers / sweep.uncertainties)"
        )
    if root.executor.kind not in EXECUTORS:
        raise ConfigError(f"executor.kind must be one of {', '.join(EXECUTORS)}; got {root.executor.kind!r}")
    if root.executor.workers < 0 or root.executor.chunk_size < 0:
        raise ConfigError("executor.workers and executor.chunk_size must be at least 0")
    if root.executor.kind == "processes":
        from orgsim.runner import prestart_workers

        prestart_workers()  # the forkserver's imports overlap the checks below (a probe run included)
    base = _model_settings(root)
    factors = parse_factors(root.sweep)
    design = design_table(root.sweep, factors, root.seed)

    # one base config per scenario/policy in the design, each composed once
    default_group = (base.scenario.name, None)
    groups = sorted(
        {(r.get("scenario", base.scenario.name), r.get("policy")) for r in design.to_dict("records")},
        key=str,
    )
    bases: dict[tuple, OrgsimConfig] = {}
    for scenario, policy in groups:
        for group, value in (("scenario", scenario), ("policy", policy)):
            if value is not None and value not in api.choices_of(group):
                raise ConfigError(
                    f"sweep: {group} must be one of {', '.join(api.choices_of(group))}; got {value!r}"
                )
        if (scenario, policy) == default_group:
            bases[(scenario, policy)] = base
            continue
        swept = {"scenario", "policy"} & set(design.columns)
        extra = [f"{g}={v}" for g, v in (("scenario", scenario), ("policy", policy)) if g in swept]
        kept = [o for o in overrides if o.split("=", 1)[0].lstrip("+~") not in swept]
        bases[(scenario, policy)] = _group_base(tuple(o for o in [*kept, *extra] if _shapes_model(o)))

    # every design point must validate now, not halfway through the sweep
    group_keys = [k for k in ("scenario", "policy") if k in design.columns]
    params_cols = [f.key for f in factors if f.key not in group_keys]
    points = []
    for record in design.to_dict("records"):
        key = (record.get("scenario", base.scenario.name), record.get("policy"))
        try:
            points.append(api.apply(bases[key], {k: record[k] for k in params_cols}))
        except ConfigError as err:
            values = ", ".join(f"{f.key}={record[f.key]}" for f in factors)
            raise ConfigError(f"sweep design row {record['row']} ({values}): {err}") from None
    _check_estimate(root, points, len(design), command)

    outcomes, reporters = _probe(base)
    for name in root.sweep.outcomes:
        if name not in outcomes:
            from orgsim.results import RENAMED_RUN_COLUMNS

            if name in RENAMED_RUN_COLUMNS:  # a config written before the runs table's rename
                raise ConfigError(f"sweep.outcomes: {name!r} is now called {RENAMED_RUN_COLUMNS[name]!r}")
            raise ConfigError(f"sweep.outcomes: unknown outcome {name!r}; outcomes: {', '.join(outcomes)}")
    for name in root.sweep.timeseries:
        if name not in reporters:
            raise ConfigError(
                f"sweep.timeseries: unknown reporter {name!r}; reporters: {', '.join(reporters)}"
            )
    keep = None
    if root.sweep.outcomes:
        extra = [k for k in outcomes if k in REQUIRED_OUTCOMES or k.startswith("final_")]
        keep = list(dict.fromkeys([*root.sweep.outcomes, *extra]))

    run_dir = cfg.hydra.run.dir
    explicit = _dir_given(overrides)
    output_dir = Path(run_dir)
    if not root.resume and not explicit:
        output_dir = output_dir.with_name(f"{output_dir.name}_{time.strftime('%Y-%m-%d_%H-%M-%S')}")
    plan = Plan(
        sweep=root.sweep,
        executor=root.executor,
        resume=root.resume,
        factors=factors,
        design=design,
        bases=bases,
        replicates=root.replicates,
        seed=root.seed,
        keep=keep,
        reporters=list(root.sweep.timeseries),
        output_dir=output_dir,
        explicit_dir=explicit,
        overrides=list(overrides),
        config=plain_data(cfg),
    )
    plan.bases_default = (base.scenario.name, None)
    return plan


def estimate_workers(executor) -> int:
    """The processes an estimate counts for the sweep's `executor` settings on this machine."""
    from orgsim.guards import cores

    return 1 if executor.kind == "serial" else min(executor.workers or cores(), cores())


def _check_estimate(root: SweepRootConfig, points: list[OrgsimConfig], rows: int, command: str) -> None:
    """The shared estimate of the design's runs on this machine's workers, checked before any run."""
    from orgsim.guards import check_estimate, estimate

    workers = estimate_workers(root.executor)
    # per run and month the store keeps the chosen reporters, the run's six ids, month, date and its design
    # values (monthly_rows), about three copies
    factors = len(root.sweep.levers) + len(root.sweep.uncertainties)
    row_bytes = 3 * 8 * (len(root.sweep.timeseries) + 8 + factors) if root.sweep.timeseries else 0
    label = f"{rows} design rows x {root.replicates} replicates"
    cost = estimate(points, workers, runs=root.replicates, row_bytes=row_bytes, label=label)
    check_estimate(cost, root.force, command)


# --- running -----------------------------------------------------------------------------------------


def run_chunk(
    bases: dict[tuple, OrgsimConfig], jobs: list[tuple], keep: list[str] | None, reporters: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Run a chunk of jobs (ids, group, design values, params); return its runs and monthly rows."""
    records, monthly = [], []
    for ids, group, values, params in jobs:
        setting = api.apply(bases[group], params)
        summary, table = api.simulate(setting, ids["seed"], reporters)
        if keep is not None:
            summary = {k: summary.get(k) for k in keep}
        records.append({**ids, **values, **summary})
        if table is not None:  # a frame simulate built for this run alone
            monthly.append(monthly_rows(ids, values, setting.start_year, table))
    runs = pd.DataFrame.from_records(records)
    return runs, (pd.concat(monthly, ignore_index=True) if monthly else None)


def monthly_rows(ids: dict, values: dict, start_year: int, table: pd.DataFrame) -> pd.DataFrame:
    """One run's monthly rows, self-describing: its ids (run_id, row, setting, world, replicate, seed), its
    design point's lever and uncertainty values, month, the calendar date (first of the month), then the
    reporters; joinable to the levers and calendar years without the sweep's config."""
    from orgsim.results import month_dates

    if "date" not in table.columns:
        table.insert(table.columns.get_loc("month") + 1, "date", month_dates(start_year, table["month"]))
    leading = {**ids, **{k: v for k, v in values.items() if k not in ids and k not in table.columns}}
    for position, (key, value) in enumerate(leading.items()):
        table.insert(position, key, value)
    return table


def _jobs(plan: Plan, records: list[dict], chunk: list[int]) -> tuple[dict, list[tuple]]:
    keys = [f.key for f in plan.factors]
    params_keys = [k for k in keys if k not in ("scenario", "policy")]
    jobs, bases = [], {}
    for rid in chunk:
        replicate, row = divmod(rid, plan.n_rows)
        record = records[row]
        group = plan.group_of(record)
        bases[group] = plan.bases[group]
        ids = {
            "run_id": rid,
            "row": row,
            "setting": int(record["setting"]),
            "world": int(record["world"]),
            "replicate": replicate,
            "seed": run_seed(plan.seed, int(record["world"]), replicate),
        }
        jobs.append((ids, group, {k: record[k] for k in keys}, {k: record[k] for k in params_keys}))
    return bases, jobs


def chunk_size(plan: Plan, pending: int, workers: int) -> int:
    """Runs per task: the executor's chunk_size, or about eight tasks a worker, at most 25 runs each."""
    if plan.executor.chunk_size:
        return plan.executor.chunk_size
    return max(1, min(25, math.ceil(pending / (workers * 8))))


def run_tasks(plan: Plan, chunks: Iterable[list[int]], keep, reporters) -> Iterator[tuple]:
    """`run_chunk`'s task for each chunk of the design's run ids, keeping the outcomes `keep` and the
    monthly `reporters`: what the sweep and the calibration's confirmation hand their executor."""
    records = plan.design.to_dict("records")
    for chunk in chunks:
        yield (*_jobs(plan, records, chunk), keep, reporters)


def design_keys(plan: Plan) -> dict[str, Any]:
    """Each key that shapes the runs, with its value (a list over the scenario/policy groups where they
    differ): what a resumed store compares to name the key of another design. Replicates, workers, the
    executor, overwrite and force may change between sessions of one sweep; they are left out."""
    from dataclasses import asdict

    keys: dict[str, Any] = {"seed": plan.seed, "design rows": plan.n_rows}
    for f in dataclasses.fields(SweepConfig):
        keys[f"sweep.{f.name}"] = getattr(plan.sweep, f.name)
    flat: dict[str, list] = {}
    for _, base in sorted(plan.bases.items(), key=str):
        for key, value in api.flatten(asdict(base)).items():
            flat.setdefault(key, []).append(value)
    for key, values in flat.items():
        if key in HOW_TO_RUN:
            continue
        keys[key] = values[0] if all(v == values[0] for v in values) else values
    return json.loads(json.dumps(keys, default=str))


def sweep_job(plan: Plan, progress: bool = False, echo=print, then=None) -> dict:
    """Run the plan's pending runs into its store, finalize the tables, and return the summary.

    The store is the sweep's own folder (orgsim.rundir.claim_store): a new folder, or this design's store
    from an earlier session, resumed; anything else is refused before a run starts. The tables and the
    printed counts cover exactly the runs the plan asks for (`replicates` of them per design row), though
    the store may keep more from a session that asked for more replicates. `then(plan, summary)`, when
    given, runs while the store is still locked (calibrate writes its fit there)."""
    from orgsim import rundir
    from orgsim.sweep.executors import make_executor
    from orgsim.sweep.store import Store

    fp = fingerprint(plan.design, plan.bases, plan.sweep, plan.seed)
    store = Store(plan.output_dir, fp, plan.n_rows, design_keys(plan), with_timeseries=bool(plan.reporters))

    def create(folder: Path) -> None:
        Store(folder, fp, plan.n_rows, store.design).create()
        _write_config(plan, folder)
        rundir.write_marker(folder, "sweep", **store.marker())

    if not plan.resume and rundir.output_kind(plan.output_dir) == "sweep":
        raise ConfigError(f"resume=false needs a new folder; {plan.output_dir} already holds a sweep store")
    with rundir.claim_store(plan.output_dir, "sweep", create) as target:
        plan.output_dir = store.folder = target
        store.parts_dir = target / "parts"
        summary = _run_store(plan, store, make_executor, progress, echo)
        if then is not None:
            then(plan, summary)
    return summary


def _run_store(plan: Plan, store, make_executor, progress: bool, echo) -> dict:
    from orgsim import rundir
    from orgsim.sweep.store import consecutive_chunks

    done = store.open()
    _write_config(plan, plan.output_dir)
    executor = make_executor(plan.executor.kind, plan.executor.workers, plan.executor.address)
    pending = [i for i in range(plan.n_runs) if i not in done]
    bar = None
    started = time.perf_counter()
    try:
        with executor:
            chunks = consecutive_chunks(pending, chunk_size(plan, len(pending), executor.workers))
            tasks = run_tasks(plan, chunks, plan.keep, plan.reporters)
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=plan.n_runs, initial=plan.n_runs - len(pending), unit="run", file=sys.stderr)
            for runs, monthly in executor.map_unordered(run_chunk, tasks):
                store.commit(runs, monthly)
                if bar is not None:
                    bar.update(len(runs))
    finally:
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    beyond = store.stored_runs() - plan.n_runs
    if beyond > 0:
        print(
            f"orgsim sweep: note: the store keeps {beyond} run(s) beyond the {plan.n_runs} asked for "
            f"(replicates={plan.replicates}); the tables hold the {plan.n_runs}",
            file=sys.stderr,
        )
    store.finalize(with_timeseries=bool(plan.reporters), below=plan.n_runs)
    runs = store.runs(below=plan.n_runs)
    summary = summarize(plan, runs)
    summary.update({"new_runs": len(pending), "seconds": elapsed, "resumed_runs": plan.n_runs - len(pending)})
    text = summary_text(plan, summary)
    indices = sensitivity(plan, runs)
    files = {}
    if indices is not None:
        from orgsim.analysis.sensitivity import noise_warning, sensitivity_text
        from orgsim.sweep.store import write_described

        files["sensitivity.csv"] = lambda p: indices.to_csv(p, index=False)
        files["sensitivity.parquet"] = lambda p: write_described(indices, p, "sensitivity")
        text += "\n" + sensitivity_text(indices)
        warning = noise_warning(indices, plan.replicates)
        if warning:
            print(f"orgsim sweep: warning: {warning}", file=sys.stderr)
    files["summary.txt"] = lambda p: p.write_text(text + "\n")
    rundir.publish_files(plan.output_dir, files)
    echo(text)
    return summary


def _write_config(plan: Plan, folder: Path) -> None:
    """The composed config next to the results, as Hydra's run directory would hold it (the replicates of
    this session: the tables hold those)."""
    from omegaconf import OmegaConf

    from orgsim.rundir import write_atomic

    hydra_dir = folder / ".hydra"
    hydra_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(hydra_dir / "config.yaml", OmegaConf.to_yaml(plan.config).encode())
    write_atomic(hydra_dir / "overrides.yaml", OmegaConf.to_yaml(plan.overrides).encode())


# --- the summary -------------------------------------------------------------------------------------


def _median_month(months: pd.Series) -> float | None:
    values = np.sort(np.where(months.isna(), np.inf, months.astype(float)))
    median = float(np.median(values)) if len(values) else math.inf
    return None if math.isinf(median) else median


def summarize(plan: Plan, runs: pd.DataFrame) -> dict:
    """Per lever setting: runs, share marginalized with its 95% Wilson interval, median month of shadow
    majority (runs that never reach it count as later than any month), mean of every final_* outcome."""
    from orgsim.report import wilson_interval

    levers = [f.key for f in plan.factors if f.role == "lever" and not f.sampled]
    finals = [c for c in runs.columns if c.startswith("final_") and pd.api.types.is_numeric_dtype(runs[c])]
    rows = []
    for setting, group in runs.groupby("setting", sort=True):
        count = int(group["marginalized"].astype(bool).sum())
        lo, hi = wilson_interval(count, len(group))
        rows.append(
            {
                "setting": int(setting),
                "levers": {k: group[k].iloc[0] for k in levers},
                "runs": len(group),
                "marginalized": count,
                "share_marginalized": count / len(group),
                "ci95": [lo, hi],
                "median_month_shadow_majority": _median_month(group["month_shadow_majority"]),
                **{f"mean_{c}": float(group[c].mean()) for c in finals},
            }
        )
    return {"name": plan.sweep.name, "design": plan.sweep.design, "runs": len(runs), "settings": rows}


def summary_text(plan: Plan, summary: dict) -> str:
    """The one-screen table printed at the end (and saved as summary.txt)."""
    n_settings = plan.design["setting"].nunique()
    n_worlds = plan.design["world"].nunique()
    head = (
        f"[{plan.sweep.name}: {summary['runs']} runs = {n_settings} lever setting(s) x {n_worlds} world(s) "
        f"x {plan.replicates} replicate(s); design {plan.sweep.design}; seed {plan.seed}; "
        f"{summary['new_runs']} run now in {summary['seconds']:.1f} s, {summary['resumed_runs']} stored before]"
    )
    finals = [k for k in (summary["settings"][0] if summary["settings"] else {}) if k.startswith("mean_")]
    columns = [
        "lever setting",
        "runs",
        "marginalized (95% CI)",
        "shadow maj. month",
        *[k[5:] for k in finals],
    ]
    lines = []
    for s in summary["settings"]:
        label = ", ".join(f"{k}={_fmt(v)}" for k, v in s["levers"].items()) or "all runs"
        lo, hi = s["ci95"]
        month = s["median_month_shadow_majority"]
        lines.append(
            [
                label,
                str(s["runs"]),
                f"{s['share_marginalized']:.0%} ({lo:.0%}-{hi:.0%})",
                "never" if month is None else f"{month:g}",
                *[f"{s[k]:.2f}" for k in finals],
            ]
        )
    widths = [max(len(r[i]) for r in [columns, *lines]) for i in range(len(columns))]
    table = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [columns, *lines]
    ]
    return "\n".join([head, *table, f"results: {plan.output_dir}"])


def sensitivity(plan: Plan, runs: pd.DataFrame) -> pd.DataFrame | None:
    """The analysis module's sensitivity table (orgsim.analysis.sensitivity) of a sobol or morris sweep;
    None for other designs."""
    from orgsim.analysis.sensitivity import METHODS, sensitivity_table

    if plan.sweep.design not in METHODS:
        return None
    from orgsim.results import SweepResults

    return sensitivity_table(
        SweepResults(plan.sweep, plan.factors, plan.design, runs, plan.seed, plan.output_dir)
    )


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- the command ------------------------------------------------------------------------------------


SCHEMA = SweepRootConfig  # the root config's schema (configs/sweep.yaml)
register = register_sweep_configs


def _dir_given(overrides: list[str]) -> bool:
    """Whether the user named the folder (hydra.run.dir=...) rather than taking the default."""
    return any(o.split("=", 1)[0] == "hydra.run.dir" for o in overrides)


def refuse_a_wrong_folder(cfg, overrides: list[str]) -> None:
    """A hydra.run.dir the store cannot claim (the user's files, another command's output) refused before
    the design is composed and probed, which takes seconds; the default folder is left to claim_store."""
    from orgsim import rundir

    if _dir_given(overrides):
        rundir.check_claimable(Path(cfg.hydra.run.dir), "sweep")


def job(cfg, overrides: list[str]) -> None:
    """The command: prepare the whole sweep, then run (or resume) it into its store."""
    refuse_a_wrong_folder(cfg, overrides)
    sweep_job(prepare(overrides, cfg=cfg), progress=sys.stderr.isatty())
