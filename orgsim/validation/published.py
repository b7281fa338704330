"""Check: the default scenario against the published 2012-2016 figures it was calibrated to, and the CIO
draw against the Deloitte figures it takes as inputs (orgsim.calibration.targets and .evidence)."""

from __future__ import annotations

from pathlib import Path

from orgsim.calibration.targets import BANDS, TARGETS
from orgsim.validation.registry import Check, CheckResult, Context

NAME = "published"
SCALES = {f"published: {t.name}": t.scale for t in TARGETS}  # the band drawn around each figure
# a steady band: drawn as its middle +- half its width plus the tolerance
SCALES.update({f"published: {b.name}": (b.high - b.low) / 2 + b.tolerance for b in BANDS})


def _settings(ctx: Context):
    """The command's own model config (with the user's overrides), run at least to 2017 (the held-out
    State of the CIO year)."""
    from orgsim import api

    return api.apply(ctx.settings, {"years": max(6, ctx.settings.years)})


def run(ctx: Context) -> list[CheckResult]:
    from orgsim.calibration import evidence
    from orgsim.runner import run_replicates, tables

    setting = _settings(ctx)
    replicates = ctx.replicates_or(full=400, quick=24)
    timeseries, _ = tables(run_replicates(setting, replicates, ctx.seed, ctx.workers))
    rows = evidence.published_rows(timeseries, setting.start_year, setting.metrics)
    rows += evidence.deloitte_rows(timeseries, setting.it.cio.aspiration, setting.it.cio.willingness)
    ctx.data[NAME] = {"rows": rows, "replicates": replicates, "scenario": setting.scenario.name}
    return [CheckResult(**row) for row in rows]


def figure(ctx: Context, outdir: Path) -> Path | None:
    """Each figure's target against the model's value with its 95% interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = ctx.data.get(NAME)
    if not data:
        return None
    rows = data["rows"]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    for i, r in enumerate(rows):
        colour = "tab:green" if r["passed"] else "tab:red"
        ax.errorbar(r["model"], i, xerr=[[r["model"] - r["low"]], [r["high"] - r["model"]]], fmt="o",
                    color=colour, capsize=3)  # fmt: skip
        ax.plot(r["target"], i, marker="|", color="black", markersize=16, mew=2)
        scale = SCALES.get(r["check"])
        if scale:
            ax.plot([r["target"] - scale, r["target"] + scale], [i, i], color="0.6", lw=6, alpha=0.4)
    ax.set_yticks(range(len(rows)), [r["check"].split(": ", 1)[1] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("share or ratio\n(black: published figure, grey: +- its scale; dot: model, 95% interval)")
    ax.set_title(
        f"Published figures vs {data['scenario']} ({data['replicates']} organizations)\n"
        "green: the model's interval meets the figure's band; red: it does not",
        fontsize=10,
    )
    fig.tight_layout()
    path = outdir / f"{NAME}.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


CHECK = Check(NAME, "the default scenario against published 2012-2017 figures", run, figure)
