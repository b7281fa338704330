"""What a paper's reader checks on a figure, checked on the figures drawn from plot specs: every panel's
limits hold its data, every panel keeps its tick labels, role lines where IT's influence is shown, and
titles and axes in words rather than raw column names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgsim.plots.channels import CHANNEL_STYLES, channel_mix_figure
from orgsim.plots.trajectories import ROLE_PANELS, role_components_figure, trajectories_figure

COMMON = {"group_title": "policy", "title": "t", "context": "c", "width": 10, "height": 6}


def _monthly(groups: int = 5, runs: int = 4, months: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for g in range(groups):
        for r in range(runs):
            for m in range(months + 1):
                row = {"policy": f"p{g}", "run_id": g * runs + r, "month": m, "year": 2012 + m / 12}
                for c in ROLE_PANELS:
                    row[c] = float(rng.uniform(0.2, 0.8))
                for i, name in enumerate(CHANNEL_STYLES):
                    # the last group's stack is the tallest: a shared axis set by the first would clip it
                    row[f"deployments_{name}"] = (i + 1) * (1 + g) * m / months
                rows.append(row)
    return pd.DataFrame(rows)


def _visible(fig):
    return [ax for ax in fig.axes if ax.axison]


def test_channel_panels_share_a_scale_that_holds_the_tallest_stack_and_keep_their_ticks():
    monthly = _monthly()
    fig, drawn = channel_mix_figure(monthly, group="policy", **COMMON)
    fig.canvas.draw()
    tallest = drawn[list(CHANNEL_STYLES)].sum(axis=1).max()
    for ax in _visible(fig):
        assert ax.get_ylim()[1] >= tallest
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()], "a panel lost its year ticks"


def test_the_influence_trajectory_carries_the_role_lines_and_a_worded_axis():
    fig, _ = trajectories_figure(
        _monthly(), "it_influence", group="policy", thresholds=(0.55, 0.35), **COMMON
    )
    ax = fig.axes[0]
    levels = {round(line.get_ydata()[0], 6) for line in ax.get_lines() if len(set(line.get_ydata())) == 1}
    assert {0.55, 0.35} <= levels
    assert "_" not in ax.get_ylabel()


def test_every_role_panel_is_titled_in_words_with_ticks_and_the_influence_panel_has_role_lines():
    fig, _ = role_components_figure(_monthly(), group="policy", thresholds=(0.55, 0.35), **COMMON)
    fig.canvas.draw()
    panels = [ax for ax in _visible(fig)]
    assert len(panels) == len(ROLE_PANELS)
    for ax in panels:
        assert ax.get_title(loc="left") and "_" not in ax.get_title(loc="left")
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert ax.get_ylabel()
    influence = next(ax for ax in panels if ax.get_title(loc="left") == "IT influence")
    flat = {
        round(line.get_ydata()[0], 6) for line in influence.get_lines() if len(set(line.get_ydata())) == 1
    }
    assert {0.55, 0.35} <= flat
