"""`orgsim plot plot=SPEC input=FOLDER`: a figure and the data it draws, from a run or sweep folder.

A spec (`configs/plot/SPEC.yaml`) names the figure kind, the outcome, grouping, filters, title, size and
format; every field can be overridden (`plot.outcome=shadow_share`). `prepare` reads the folder and checks
everything that can be wrong (folder, tables, columns, the spec's fields) before Hydra creates a run
directory; `plot_job` draws and writes `<spec>.<format>` and `<spec>.csv` there, both or neither. Reads the
tables a run or sweep wrote, never the model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import MISSING, DictConfig, OmegaConf

from orgsim.analysis.prim import BOX_COLUMNS
from orgsim.config.validate import ConfigError
from orgsim.outcomes import MONTHLY
from orgsim.outcomes import outcome as outcome_of
from orgsim.plots.channels import CHANNEL_STYLES
from orgsim.plots.marginalized import BY_YEAR_PREFIX
from orgsim.plots.trajectories import ROLE_PANELS
from orgsim.rundir import register_resolver

# --- the spec ------------------------------------------------------------------------------------------


@dataclass
class PlotSpec:
    name: str = MISSING  # the spec's name: the output files are <name>.<format> and <name>.csv
    kind: str = MISSING  # which figure (KINDS)
    outcome: str | None = None  # the column shown (null: the kind's default, or the only one in the table)
    distribution: str | None = None  # policy_comparison: the measure whose spread is shown beside the shares
    group: str | None = None  # column(s) to colour by, comma-separated; null: the sweep's levers; none: pool
    x: str | None = None  # heatmap: the parameters on the axes (null: the design's first two)
    y: str | None = None
    month: int | None = None  # network: the month drawn (null: the last)
    method: str | None = None  # sensitivity: sobol | morris (null: the one in the table)
    box: int | None = None  # prim: one box (null: every box of the outcome)
    # {column: value or [values]} the runs must have. Typed Any with no default dict, so that
    # plot.filters={policy: broker} on the command line replaces it (a typed empty dict is closed to new keys).
    filters: Any = None
    title: str | None = None  # null: a title from the kind and outcome
    width: float = 9.0  # inches
    height: float = 5.0  # inches
    dpi: int = 150
    format: str = "png"  # png | svg | pdf


@dataclass
class PlotRootConfig:
    plot: PlotSpec = field(default_factory=PlotSpec)
    input: str = ""  # a run folder (summary.json) or a sweep folder (runs.parquet)
    overwrite: bool = False  # replace an earlier plot in hydra.run.dir (never another command's folder)


def register_plot_configs() -> None:
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="orgsim_plot_schema", node=PlotRootConfig)


# Figure kinds and the folders they read: a run, a sweep, or any folder holding an analysis table.
KINDS = {
    "trajectories": ("run", "sweep"),
    "role_components": ("run", "sweep"),
    "marginalized_by_year": ("run", "sweep"),
    "channels": ("run", "sweep"),
    "policy_comparison": ("sweep",),
    "heatmap": ("sweep",),
    "network": ("run",),
    "sensitivity": ("tables",),
    "prim": ("tables",),
    "tradeoff": ("tables",),
    "regret": ("tables",),
}
TABLE_KINDS = {
    "sensitivity": "sensitivity.parquet",
    "prim": "prim_boxes.parquet",
    "tradeoff": "pareto.parquet",
    "regret": "regret.parquet",
}
SENSITIVITY_COLUMNS = ("method", "outcome", "parameter", "index", "value", "conf")
MAX_GROUPS = 12  # a listed lever with more values than this is not a colour group
MAX_CELLS = 25  # heatmap values a side
MAX_PIXELS = 20_000  # per side: beyond it a figure is a mistake, not a deck figure
MONTHLY_IDS = ("run_id", "replicate", "seed", "date", "month", "year")


def _one_of(key: str, allowed: list[str] | tuple[str, ...], got: object) -> ConfigError:
    listed = ", ".join(str(a) for a in allowed) or "(none)"
    return ConfigError(f"{key} must be one of {listed}; got {got!r}")


def _flat_filters(filters: dict, prefix: str = "") -> dict:
    """{it: {cio: {willingness: 0.9}}} (from +plot.filters.it.cio.willingness=0.9) as {it.cio.willingness: 0.9}."""
    flat = {}
    for key, value in filters.items():
        if isinstance(value, dict):
            flat.update(_flat_filters(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def check_spec(spec: PlotSpec) -> None:
    """The spec's own fields: kind, format, size."""
    from orgsim.plots.figure import FORMATS

    if spec.filters is None:
        spec.filters = {}
    if not isinstance(spec.filters, dict):
        raise ConfigError(
            f"plot.filters must be a mapping {{column: value or [values]}}; got {spec.filters!r}"
        )
    spec.filters = _flat_filters(spec.filters)
    if spec.kind not in KINDS:
        raise _one_of("plot.kind", list(KINDS), spec.kind)
    if spec.format not in FORMATS:
        raise _one_of("plot.format", FORMATS, spec.format)
    for key in ("width", "height"):
        value = getattr(spec, key)
        if not 0 < value <= 100:
            raise ConfigError(f"plot.{key} must be in (0, 100] inches; got {value}")
    if not 10 <= spec.dpi <= 1200:
        raise ConfigError(f"plot.dpi must be in [10, 1200]; got {spec.dpi}")
    if max(spec.width, spec.height) * spec.dpi > MAX_PIXELS:
        raise ConfigError(
            f"plot.width/height x plot.dpi must stay within {MAX_PIXELS} pixels a side; "
            f"got {spec.width:g} x {spec.height:g} in at {spec.dpi} dpi"
        )


# --- the input folder ----------------------------------------------------------------------------------


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    from orgsim.results import read_table

    table = read_table(folder / name)  # a missing, truncated or foreign file is named (orgsim.results)
    if table.empty:
        raise ConfigError(f"input: {name} in '{folder}' is empty; nothing to plot")
    return table


def _flat_factors(tree: dict, prefix: str = "") -> list[str]:
    """The dotted keys of a sweep's levers or uncertainties (a leaf is a list or a {low, high, ...} range)."""
    from orgsim.sweep.design import SPEC_KEYS

    keys = []
    for key, node in (tree or {}).items():
        dotted = f"{prefix}{key}"
        if isinstance(node, dict) and not (set(node) <= SPEC_KEYS):
            keys += _flat_factors(node, dotted + ".")
        else:
            keys.append(dotted)
    return keys


def _is_sampled(sweep: dict, key: str) -> bool:
    """Whether a factor was drawn from a range (a sample design) rather than listed or cut into levels."""
    node = {**(sweep.get("levers") or {}), **(sweep.get("uncertainties") or {})}
    for part in key.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return isinstance(node, dict) and sweep.get("design", "factorial") != "factorial"


@dataclass
class Results:
    """A run or sweep folder read for plotting: one row per run, the monthly rows on demand, the config."""

    folder: Path
    kind: str  # "run" | "sweep" | "tables" (a folder holding only an analysis table)
    config: dict
    runs: pd.DataFrame
    levers: list[str]
    factors: list[str]  # levers and uncertainties: the design's columns
    sampled: list[str] = field(default_factory=list)  # factors drawn from a range (lhs, sobol, morris)

    @cached_property
    def start_year(self) -> int:
        if "start_year" not in self.config:
            raise ConfigError(f"input: '{self.folder}' has no .hydra/config.yaml with start_year")
        return int(self.config["start_year"])

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """Monthly rows with run_id and calendar `year` (start year + month / 12)."""
        if not (self.folder / "timeseries.parquet").is_file():
            rerun = "; rerun the sweep with sweep.timeseries=[REPORTER,...]" if self.kind == "sweep" else ""
            raise ConfigError(f"input: '{self.folder}' holds no monthly data (no timeseries.parquet){rerun}")
        table = _read_table(self.folder, "timeseries.parquet")
        if self.kind == "run":
            table = table.assign(run_id=table["replicate"])
        if "date" in table.columns:
            dates = pd.to_datetime(table["date"])
            return table.assign(year=dates.dt.year + (dates.dt.month - 1) / 12)
        return table.assign(year=self.start_year + table["month"] / 12)

    @cached_property
    def departments(self) -> pd.DataFrame:
        return _read_table(self.folder, "departments.parquet")

    def context(self) -> str:
        """Scenario and policy (run), sweep name and design, or the analysis and its sweep, for the
        caption."""
        if "analysis" in self.config:  # a folder written by `orgsim analyze`
            source = "/".join(Path(str(self.config.get("input", "?"))).parts[-2:])
            return f"orgsim analyze {self.config['analysis']} of {source}"
        scenario = (self.config.get("scenario") or {}).get("name", "?")
        policy = (self.config.get("policy") or {}).get("name", "?")
        if self.kind == "sweep":
            sweep = self.config.get("sweep") or {}
            policy_note = "" if "policy" in self.factors else f", policy {policy}"
            return f"sweep {sweep.get('name', '?')} ({sweep.get('design', '?')}) on {scenario}{policy_note}"
        return f"{scenario}, policy {policy}" if self.config else f"from {self.folder.name}"


def read_results(input_path: str, table_kind: str | None = None) -> Results:
    """Read a run folder (summary.json, timeseries.parquet, departments.parquet), a sweep folder
    (runs.parquet, timeseries.parquet) or, for an analysis table, any folder that holds it, through the one
    reader of results folders (orgsim.results)."""
    from orgsim.results import input_folder, read_config, read_folder

    folder = input_folder(input_path)
    if table_kind is not None:
        if not (folder / table_kind).is_file():
            raise ConfigError(
                f"input: '{input_path}' holds no {table_kind}; the analysis writes it into its folder"
            )
        return Results(folder, "tables", read_config(folder), pd.DataFrame(), [], [])
    found = read_folder(folder)
    if found.runs.empty:
        raise ConfigError(f"input: the runs table in '{input_path}' is empty; nothing to plot")
    if found.kind == "sweep":
        runs, config = found.runs, found.config
        sweep = config.get("sweep") or {}
        levers = [k for k in _flat_factors(sweep.get("levers")) if k in runs.columns]
        uncertainties = [k for k in _flat_factors(sweep.get("uncertainties")) if k in runs.columns]
        sampled = [k for k in levers + uncertainties if _is_sampled(sweep, k)]
        return Results(folder, "sweep", config, runs, levers, levers + uncertainties, sampled)
    return Results(folder, "run", found.config, found.runs, [], [])


# --- choosing rows and groups --------------------------------------------------------------------------


def _filtered(results: Results, filters: dict) -> pd.DataFrame:
    runs = results.runs
    for column, wanted in filters.items():
        if column not in runs.columns:
            raise _one_of(
                f"plot.filters: the column '{column}'", [*results.factors, *_id_columns(runs)], column
            )
        values = list(wanted) if isinstance(wanted, (list, tuple)) else [wanted]
        kept = runs[runs[column].isin(values)]
        if kept.empty:
            present = ", ".join(str(v) for v in pd.unique(runs[column])[:20])
            raise ConfigError(f"plot.filters: no run has {column} in {values}; values present: {present}")
        runs = kept
    return runs


def _id_columns(runs: pd.DataFrame) -> list[str]:
    return [c for c in ("setting", "world", "replicate") if c in runs.columns]


def _group_columns(results: Results, runs: pd.DataFrame, spec: PlotSpec) -> list[str]:
    if spec.group is None:
        return [k for k in results.levers if k not in results.sampled and runs[k].nunique() <= MAX_GROUPS]
    if spec.group.strip().lower() == "none":
        return []
    columns = [c.strip() for c in spec.group.split(",") if c.strip()]
    allowed = [*results.factors, *_id_columns(runs)]
    allowed += [c for c in runs.columns if pd.api.types.is_string_dtype(runs[c])]  # tech_leader, driver, ...
    allowed = list(dict.fromkeys(allowed))
    for column in columns:
        if column not in runs.columns:
            raise _one_of("plot.group", [*allowed, "none"], column)
    return columns


def _label(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def with_group(runs: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, str | None, str]:
    """Runs with an ordered `group` label column (values in sorted order); the column and legend title."""
    if not columns:
        return runs, None, ""
    combos = runs[columns].drop_duplicates().sort_values(columns)
    if len(columns) == 1:
        labels = [_label(v) for v in combos[columns[0]]]
        title = columns[0]
    else:
        labels = [
            ", ".join(f"{c}={_label(v)}" for c, v in zip(columns, row, strict=True))
            for row in combos.itertuples(index=False)
        ]
        title = "lever setting"
    mapping = dict(zip(map(tuple, combos.to_numpy().tolist()), labels, strict=True))
    keys = map(tuple, runs[columns].to_numpy().tolist())
    group = pd.Categorical([mapping[k] for k in keys], categories=labels, ordered=True)
    return runs.assign(group=group), "group", title


def _monthly_for(results: Results, runs: pd.DataFrame, needed: list[str], kind: str) -> pd.DataFrame:
    monthly = results.monthly
    missing = [c for c in needed if c not in monthly.columns]
    if missing:
        kept = [c for c in monthly.columns if c not in MONTHLY_IDS]
        raise ConfigError(
            f"plot.kind={kind} needs the monthly columns {', '.join(missing)}; timeseries.parquet in "
            f"'{results.folder}' has {', '.join(kept)}"
            + ("; rerun the sweep with sweep.timeseries listing them" if results.kind == "sweep" else "")
        )
    keep = ["run_id", *(["group"] if "group" in runs.columns else [])]
    return monthly.merge(runs[keep], on="run_id", how="inner")


def _numeric_columns(table: pd.DataFrame, exclude: tuple[str, ...] = ()) -> list[str]:
    return [
        c
        for c in table.columns
        if c not in exclude and pd.api.types.is_numeric_dtype(table[c]) and table[c].dtype != bool
    ]


def _boolean_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if table[c].dtype == bool and not c.startswith(BY_YEAR_PREFIX)]


# --- the figure of each kind ---------------------------------------------------------------------------


@dataclass
class Prepared:
    """What `prepare` found: call `draw` for the matplotlib figure and the table it draws."""

    spec: PlotSpec
    draw: Callable[[], tuple[Any, pd.DataFrame]]


def _context(results: Results, spec: PlotSpec) -> str:
    filters = ", ".join(f"{k}={v}" for k, v in spec.filters.items())
    return results.context() + (f"; only {filters}" if filters else "")


def _size(spec: PlotSpec) -> dict:
    return {"width": spec.width, "height": spec.height}


def _over_time(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.channels import channel_mix_figure
    from orgsim.plots.trajectories import role_components_figure, trajectories_figure

    filtered = _filtered(results, spec.filters)
    runs, group, group_title = with_group(filtered, _group_columns(results, filtered, spec))
    common = {"group": group, "group_title": group_title, "context": _context(results, spec), **_size(spec)}
    metrics = results.config.get("metrics") or {}
    if "strategic_threshold" in metrics and "custodian_threshold" in metrics:
        common["thresholds"] = (float(metrics["strategic_threshold"]), float(metrics["custodian_threshold"]))
    if spec.kind == "role_components":
        monthly = _monthly_for(results, runs, list(ROLE_PANELS), spec.kind)
        title = spec.title or "IT's role components over time"
        return Prepared(spec, lambda: role_components_figure(monthly, title=title, **common))
    if spec.kind == "channels":
        monthly = _monthly_for(results, runs, [f"deployments_{c}" for c in CHANNEL_STYLES], spec.kind)
        title = spec.title or "How tools come in: active deployments by channel"
        common.pop("thresholds", None)
        return Prepared(spec, lambda: channel_mix_figure(monthly, title=title, **common))
    outcome = spec.outcome or "it_influence"
    # reporters only: a sweep's monthly rows also carry its ids and design values (orgsim.sweep.store)
    allowed = [c for c in _numeric_columns(results.monthly, MONTHLY_IDS) if outcome_of(c, MONTHLY)]
    if outcome not in allowed:
        raise _one_of("plot.outcome", allowed, outcome)
    monthly = _monthly_for(results, runs, [outcome], spec.kind)
    declared = outcome_of(outcome, MONTHLY)
    title = spec.title or f"{declared.short if declared and declared.short else outcome} over time"
    return Prepared(spec, lambda: trajectories_figure(monthly, outcome, title=title, **common))


def _by_year(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.marginalized import marginalized_by_year_figure

    filtered = _filtered(results, spec.filters)
    runs, group, group_title = with_group(filtered, _group_columns(results, filtered, spec))
    if not any(c.startswith(BY_YEAR_PREFIX) for c in runs.columns):
        raise ConfigError(
            f"plot.kind=marginalized_by_year needs marginalized_by_year in runs.parquet; '{results.folder}' "
            "did not keep it (sweep.outcomes) or its horizon is shorter than a year"
        )
    title = spec.title or "Share of runs in which IT is marginalized, by year"
    return Prepared(
        spec,
        lambda: marginalized_by_year_figure(
            runs,
            start_year=results.start_year,
            group=group,
            group_title=group_title,
            title=title,
            context=_context(results, spec),
            **_size(spec),
        ),
    )


def _comparison(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.comparison import comparison_figure

    filtered = _filtered(results, spec.filters)
    # A policy comparison compares policies when the sweep varies them, whatever else it varies.
    columns = (
        ["policy"]
        if spec.group is None and "policy" in results.levers
        else _group_columns(results, filtered, spec)
    )
    if not columns:
        raise ConfigError(
            "plot.group must name the column(s) to compare: this sweep lists no lever to default to; "
            f"columns: {', '.join([*results.factors, *_id_columns(filtered)])}"
        )
    runs, group, group_title = with_group(filtered, columns)
    outcome = spec.outcome or "marginalized"
    if outcome not in _boolean_columns(runs):
        raise _one_of("plot.outcome (a yes/no outcome of runs.parquet)", _boolean_columns(runs), outcome)
    distribution = spec.distribution or "final_it_influence"
    numeric = _numeric_columns(runs, ("run_id", "row", "setting", "world", "replicate", "seed"))
    if distribution not in numeric:
        raise _one_of("plot.distribution", numeric, distribution)
    title = spec.title or f"Share of runs {outcome} and {distribution}, by {group_title}"
    return Prepared(
        spec,
        lambda: comparison_figure(
            runs,
            outcome=outcome,
            distribution=distribution,
            group=group,
            group_title=group_title,
            title=title,
            context=_context(results, spec),
            **_size(spec),
        ),
    )


def _heatmap(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.heatmap import heatmap_figure

    runs = _filtered(results, spec.filters)
    varied = [k for k in results.factors if k not in results.sampled and runs[k].nunique() > 1]
    x = spec.x or (varied[0] if varied else None)
    y = spec.y or next((k for k in varied if k != x), None)
    for key, value in (("plot.x", x), ("plot.y", y)):
        if value is None:
            raise ConfigError(
                f"{key} must be given: the design has fewer than two listed parameters with more than one "
                f"value to default to; parameters: {', '.join(results.factors)}"
            )
        if value not in results.factors:
            raise _one_of(f"{key} (a parameter of the design)", results.factors, value)
    if x == y:
        raise ConfigError(f"plot.x and plot.y must be two different parameters; both are '{x}'")
    for key, value in (("plot.x", x), ("plot.y", y)):
        if value in results.sampled or runs[value].nunique() > MAX_CELLS:
            raise ConfigError(
                f"{key}: '{value}' was sampled ({runs[value].nunique()} values); a heatmap needs grid "
                f"parameters with at most {MAX_CELLS} values (a factorial design, or levels: k)"
            )
    outcome = spec.outcome or "marginalized"
    allowed = _boolean_columns(runs) + _numeric_columns(
        runs, ("run_id", "row", "setting", "world", "replicate", "seed", *results.factors)
    )
    if outcome not in allowed:
        raise _one_of("plot.outcome", allowed, outcome)
    title = spec.title or (f"Share of runs {outcome}" if runs[outcome].dtype == bool else f"Mean {outcome}")
    return Prepared(
        spec,
        lambda: heatmap_figure(
            runs, outcome=outcome, x=x, y=y, title=title, context=_context(results, spec), **_size(spec)
        ),
    )


def _network(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.network import network_figure

    runs = _filtered(results, spec.filters)
    departments = results.departments
    departments = departments[departments["replicate"].isin(runs["replicate"])]
    months = sorted(departments["month"].unique())
    month = months[-1] if spec.month is None else spec.month
    if month not in months:
        raise ConfigError(f"plot.month must be in [{months[0]}, {months[-1]}]; got {month}")
    edges = [tuple(e) for e in (results.config.get("org") or {}).get("network_edges", [])]
    date = pd.Timestamp(year=results.start_year, month=1, day=1) + pd.DateOffset(months=int(month))
    title = spec.title or "Department network: social-tool spend and shadow adoption"
    return Prepared(
        spec,
        lambda: network_figure(
            departments,
            edges,
            month=int(month),
            calendar=date.strftime("%B %Y"),
            title=title,
            context=_context(results, spec),
            **_size(spec),
        ),
    )


def _analysis_table(results: Results, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    table = _read_table(results.folder, name)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ConfigError(f"input: {name} in '{results.folder}' lacks the columns {', '.join(missing)}")
    return table


def _pick(key: str, table: pd.DataFrame, column: str, chosen: object, preferred: str | None = None) -> object:
    """The spec's value for `column`, or the table's only (or preferred) one when the spec names none."""
    present = list(dict.fromkeys(table[column]))
    if chosen is None:
        if len(present) == 1:
            return present[0]
        if preferred in present:
            return preferred
        raise ConfigError(f"{key} must be given: the table holds {', '.join(map(str, present))}")
    if chosen not in present:
        raise _one_of(key, present, chosen)
    return chosen


def _sensitivity(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.sensitivity import SEEDS, sensitivity_figure

    table = _analysis_table(results, "sensitivity.parquet", SENSITIVITY_COLUMNS)
    method = _pick("plot.method", table, "method", spec.method, "sobol")
    indices = table[(table["method"] == method) & (table["parameter"] != SEEDS)]
    outcome = _pick("plot.outcome", indices, "outcome", spec.outcome, "marginalized")
    title = spec.title or f"What moves {outcome}: {method} indices"
    return Prepared(
        spec,
        lambda: sensitivity_figure(
            table, method=method, outcome=outcome, title=title, context=_context(results, spec), **_size(spec)
        ),
    )


def _prim(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.prim import prim_figure

    table = _analysis_table(results, "prim_boxes.parquet", BOX_COLUMNS)
    outcome = _pick("plot.outcome", table, "outcome", spec.outcome, "marginalized")
    boxes = table[table["outcome"] == outcome]
    if spec.box is not None:
        _pick("plot.box", boxes, "box", spec.box)
        boxes = boxes[boxes["box"] == spec.box]
    title = spec.title or f"Where {outcome}: scenario-discovery boxes (PRIM)"
    return Prepared(
        spec,
        lambda: prim_figure(
            boxes, outcome=outcome, title=title, context=_context(results, spec), **_size(spec)
        ),
    )


def _tradeoff(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.outcomes import objectives
    from orgsim.plots.tradeoff import tradeoff_figure

    pareto = _analysis_table(results, "pareto.parquet", ("policy", "pareto", "dominated_by"))
    # the directions the analysis used (robustness.parquet), else the outcome registry's
    if (results.folder / "robustness.parquet").is_file():
        used = _analysis_table(results, "robustness.parquet", ("objective", "direction"))
        directions = dict(zip(used["objective"], used["direction"], strict=True))
    else:
        directions = {o.name: o.direction for o in objectives()}
    directions = {o: d for o, d in directions.items() if o in pareto.columns}
    if len(directions) < 2:
        raise ConfigError(
            f"input: pareto.parquet in '{results.folder}' holds {len(directions)} objective(s); a trade-off "
            "needs at least two"
        )
    title = spec.title or "Trade-offs between the objectives: every policy's mean over the worlds"
    return Prepared(
        spec,
        lambda: tradeoff_figure(
            pareto, directions, title=title, context=_context(results, spec), **_size(spec)
        ),
    )


def _regret(results: Results, spec: PlotSpec) -> Prepared:
    from orgsim.plots.regret import REGRET_COLUMNS, regret_figure

    table = _analysis_table(results, "regret.parquet", REGRET_COLUMNS)
    outcome = spec.outcome
    if outcome is not None:
        _pick("plot.outcome", table, "objective", outcome)
    title = spec.title or (
        "Regret: how far each policy falls short of the best, at worst over the worlds"
        if outcome is None
        else f"Regret on {outcome} in each world"
    )
    return Prepared(
        spec,
        lambda: regret_figure(
            table, outcome=outcome, title=title, context=_context(results, spec), **_size(spec)
        ),
    )


BUILDERS = {
    "trajectories": _over_time,
    "role_components": _over_time,
    "channels": _over_time,
    "marginalized_by_year": _by_year,
    "policy_comparison": _comparison,
    "heatmap": _heatmap,
    "network": _network,
    "sensitivity": _sensitivity,
    "prim": _prim,
    "tradeoff": _tradeoff,
    "regret": _regret,
}


def root_of(cfg: DictConfig) -> PlotRootConfig:
    from orgsim.config.compose import typed

    return typed(cfg, PlotRootConfig)


def prepare_root(root: PlotRootConfig) -> Prepared:
    """Check the spec and the input folder and choose the data; ConfigError (one line) for anything wrong."""
    spec, input_path = root.plot, root.input
    check_spec(spec)
    results = read_results(input_path, TABLE_KINDS.get(spec.kind))
    if results.kind not in KINDS[spec.kind]:
        fitting = [k for k, folders in KINDS.items() if results.kind in folders]
        raise ConfigError(
            f"plot.kind={spec.kind} needs a {' or '.join(KINDS[spec.kind])} folder; '{input_path}' is a "
            f"{results.kind} folder (kinds for it: {', '.join(fitting)})"
        )
    return BUILDERS[spec.kind](results, spec)


def prepare(cfg: DictConfig) -> Prepared:
    """The figure of a composed plot config (prepare_root)."""
    return prepare_root(root_of(cfg))


def plot_job(cfg: DictConfig, output_dir: Path) -> list[Path]:
    """Draw the spec's figure from its input and write `<name>.<format>` and `<name>.csv` into
    `output_dir`, both or neither; return their paths."""
    from orgsim.plots.figure import TooSmall, save

    figure = prepare(cfg)
    spec = figure.spec
    fig, drawn = figure.draw()
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = [output_dir / f"{spec.name}.{spec.format}", output_dir / f"{spec.name}.csv"]
    partial = [p.with_name(f".partial-{p.name}") for p in paths]
    try:
        save(fig, partial[0], dpi=spec.dpi, format=spec.format)
        drawn.to_csv(partial[1], index=False)
        for tmp, path in zip(partial, paths, strict=True):
            os.replace(tmp, path)
    except BaseException as err:
        for path in [*partial, *paths]:
            path.unlink(missing_ok=True)
        if isinstance(err, TooSmall):
            raise ConfigError(
                f"plot.width/plot.height: {spec.width:g} x {spec.height:g} in leaves the {spec.kind} "
                f"figure's panels no room for their titles and labels; {_roomier(spec)}"
            ) from None
        raise
    return paths


def _roomier(spec: PlotSpec) -> str:
    """Advice for a size too small: the shipped spec of the same kind, which fits."""
    from orgsim.config.compose import config_dir

    shipped = config_dir() / "plot" / f"{spec.kind}.yaml"
    if shipped.is_file():
        size = OmegaConf.load(shipped)
        width, height = size.get("width", PlotSpec.width), size.get("height", PlotSpec.height)
        if width > spec.width or height > spec.height:
            return f"its shipped size is {width:g} x {height:g} in"
    return "make it larger"


def compose_plot(overrides: list[str]) -> DictConfig:
    """The plot root config (configs/plot.yaml) composed with `overrides`."""
    from orgsim.config.compose import compose

    register_plot_configs()
    return compose(overrides, config_name="plot")


# --- the command ---------------------------------------------------------------------------------------

register_plot_configs()
register_resolver()
SCHEMA = PlotRootConfig  # the root config's schema (configs/plot.yaml)
register = register_plot_configs


def check(settings: PlotRootConfig) -> None:
    """The spec and its input folder, checked before any folder exists."""
    prepare_root(settings)


def task(cfg: DictConfig) -> list[Path]:
    """The job on a composed config, in the run directory orgsim.cli owns for it."""
    image, data = plot_job(cfg, Path(HydraConfig.get().runtime.output_dir))
    print(f"figure: {image.name} ({data.name} holds the data drawn)")
    return [image, data]
