"""What a paper's reader checks on a figure, checked on the figures drawn from plot specs and on a run's
own: every panel's limits hold its data, every panel keeps its tick labels, calendar years, role lines where
IT's influence is shown, titles and axes in words rather than raw names, a Sobol axis with noisy indices
marked, intervals on heat-map cells, and charts of zeros that say so."""

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


# --- calendar years, names in words, Sobol axis, heat-map intervals, visible zeros ------------------------


def _run_timeseries(months: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for replicate in range(3):
        for month in range(months + 1):
            row = {"replicate": replicate, "month": month, "shadow_share": rng.uniform(0, 1)}
            row["it_influence"] = rng.uniform(0, 1)
            row.update({f"deployments_{name}": float(rng.integers(0, 9)) for name in CHANNEL_STYLES})
            rows.append(row)
    return pd.DataFrame(rows)


def _tick_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def _years_only(ax, first: int, last: int) -> None:
    ticks = _tick_texts(ax)
    assert ticks, "no year ticks"
    assert all(first <= int(t) <= last for t in ticks), ticks
    assert ax.get_xlabel() == "year"


def test_a_runs_own_figures_count_calendar_years_like_the_plot_specs():
    from orgsim.plots.channels import run_channels_figure
    from orgsim.plots.trajectories import run_trajectories_figure

    table = _run_timeseries()
    fig = run_trajectories_figure(
        table, title="t", start_year=2014, strategic_threshold=0.55, custodian_threshold=0.35
    )
    fig.canvas.draw()
    for ax in fig.axes:
        _years_only(ax, 2014, 2016)
        assert ax.get_xlim() == (2014.0, 2016.0)
        assert "_" not in ax.get_ylabel()
    fig = run_channels_figure(table, title="t", start_year=2014)
    fig.canvas.draw()
    _years_only(fig.axes[0], 2014, 2016)


def test_lever_keys_and_outcome_names_are_put_in_words():
    from orgsim.plots.figure import axis_label, in_words, words

    assert words("it.cio.willingness") == "CIO willingness"
    assert words("org.departments.hr.budget") == "HR budget"
    assert words("environment.app_stores.midpoint_year") == "app stores midpoint year"
    assert words("final_it_influence") == "final-year IT influence"
    assert axis_label("it.budget") == "IT budget (k USD)"
    sentence = in_words("Mean final_it_influence; only it.cio.willingness=0.1; from sensitivity.parquet")
    assert sentence == "Mean final-year IT influence; only CIO willingness=0.1; from sensitivity.parquet"


def _no_raw_names(texts) -> None:
    import re

    for text in texts:
        assert not re.search(r"\b[a-z]+\.[a-z_]+", text), f"a dotted key in {text!r}"
        assert not re.search(r"\b(it|final|shadow)_[a-z_]+", text), f"a raw column name in {text!r}"


def test_titles_legends_and_panels_carry_no_raw_key():
    monthly = _monthly(groups=2)
    monthly["group"] = monthly["policy"].map({"p0": "it.cio.willingness=0.1", "p1": "it.cio.willingness=0.9"})
    fig, _ = trajectories_figure(
        monthly, "it_spend_share", group="group", group_title="it.cio.willingness", title="it_spend_share over time",
        context="sweep x on baseline", width=8, height=5,
    )  # fmt: skip
    legend = fig.axes[0].get_legend()
    _no_raw_names([fig.get_suptitle(), fig.axes[0].get_ylabel(), legend.get_title().get_text()])
    _no_raw_names(t.get_text() for t in legend.get_texts())
    assert [t.get_text() for t in legend.get_texts()] == ["CIO willingness=0.1", "CIO willingness=0.9"]
    fig, _ = channel_mix_figure(monthly, group="group", group_title="it.cio.willingness", title="t",
                                context="c", width=10, height=5)  # fmt: skip
    _no_raw_names(ax.get_title(loc="left") for ax in _visible(fig))


def _sobol(values: dict) -> pd.DataFrame:
    rows = []
    for parameter, (s1, st, conf) in values.items():
        for index, value in (("S1", s1), ("ST", st)):
            rows.append(dict(method="sobol", outcome="marginalized", parameter=parameter, index=index,
                             value=value, conf=conf))  # fmt: skip
    return pd.DataFrame(rows)


def test_the_sensitivity_axis_says_sobol_index_and_noisy_bars_are_marked_on_the_plot():
    from orgsim.plots.sensitivity import sensitivity_figure

    table = _sobol({"it.cio.willingness": (0.6, 1.3, 0.1), "environment.cloud_push": (-0.05, 0.04, 0.3)})
    fig, _ = sensitivity_figure(table, method="sobol", outcome="marginalized", title="t", context="c",
                                width=8, height=5)  # fmt: skip
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Sobol index"
    assert "variance" not in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["CIO willingness", "cloud push"]
    hatched = [bar for bar in ax.patches if bar.get_hatch()]
    assert len(hatched) == 2  # both indices of cloud push, neither of willingness
    assert all(abs(bar.get_y() + bar.get_height() / 2 - 1) < 0.5 for bar in hatched)
    assert [t.get_text() for t in ax.texts] == ["noisy"]


def test_every_heatmap_cell_shows_its_interval_and_runs():
    from orgsim.intervals import wilson_interval
    from orgsim.plots.heatmap import heatmap_figure

    runs = pd.DataFrame(
        {"it.cio.willingness": [0.1] * 10 + [0.9] * 10, "policy": ["a", "b"] * 10,
         "marginalized": [True] * 3 + [False] * 7 + [True] * 9 + [False]}
    )  # fmt: skip
    fig, drawn = heatmap_figure(runs, outcome="marginalized", x="it.cio.willingness", y="policy", title="t",
                                context="c", width=6, height=4)  # fmt: skip
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 4 and all("(" in t and "-" in t and "n=5" in t for t in texts)
    first = drawn.iloc[0]
    low, high = wilson_interval(round(first["value"] * 5), 5)
    assert (first["ci_low"], first["ci_high"]) == (low, high)
    assert f"({low:.0%}-{high:.0%})" in texts[0]
    assert ax.get_xlabel() == "CIO willingness"


def test_all_zero_charts_say_so():
    from orgsim.plots.channels import run_channels_figure
    from orgsim.plots.heatmap import heatmap_figure
    from orgsim.plots.marginalized import run_marginalized_by_year_figure

    years = [{"year": i + 1, "share": 0.0, "ci95": [0.0, 0.09]} for i in range(3)]
    fig = run_marginalized_by_year_figure(
        {"replicates": 40, "aggregate": {"marginalized_by_year": years}}, title="t", start_year=2012
    )
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("0 everywhere" in t for t in texts)
    assert texts.count("0%") == 3  # each zero bar labelled
    table = _run_timeseries()
    for name in CHANNEL_STYLES:
        table[f"deployments_{name}"] = 0.0
    fig = run_channels_figure(table, title="t", start_year=2012)
    assert any("0 everywhere" in t.get_text() for t in fig.axes[0].texts)
    runs = pd.DataFrame({"x": [1, 1, 2, 2], "y": [1, 2, 1, 2], "marginalized": [False] * 4})
    fig, _ = heatmap_figure(runs, outcome="marginalized", x="x", y="y", title="t", context="c", width=5,
                            height=4)  # fmt: skip
    assert any("0 everywhere" in t.get_text() for t in fig.axes[0].texts)
    # a chart with one non-zero value carries no such note
    years[1].update(share=0.1, ci95=[0.04, 0.23])
    fig = run_marginalized_by_year_figure(
        {"replicates": 40, "aggregate": {"marginalized_by_year": years}}, title="t", start_year=2012
    )
    assert not any("0 everywhere" in t.get_text() for t in fig.axes[0].texts)


def test_a_comparison_with_no_run_marginalized_says_so():
    from orgsim.plots.comparison import comparison_figure

    runs = pd.DataFrame(
        {
            "policy": ["a", "b"] * 5,
            "marginalized": [False] * 10,
            "final_it_influence": np.linspace(0.3, 0.6, 10),
        }
    )
    fig, _ = comparison_figure(runs, outcome="marginalized", distribution="final_it_influence", group="policy",
                               group_title="policy", title="t", context="c", width=10, height=4)  # fmt: skip
    assert any("0 everywhere" in t.get_text() for t in fig.axes[0].texts)
    assert fig.axes[1].get_xlabel() == "final-year IT influence (index, 0-1)"


def test_the_calibration_pairs_plot_keeps_every_label_clear_of_the_other_panels():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from orgsim.commands.calibrate import pairs_figure

    # the widest tick labels of the calibration's priors (IT's budget in k USD, a growth rate in 0.0x)
    priors = {"it.budget": (3000.0, 5500.0), "environment.business_tech_growth": (0.0, 0.06),
              "org.committed_spread": (0.0, 1.5), "decision.core_decisions": (1.0, 9.0)}  # fmt: skip
    rng = np.random.default_rng(0)
    prior = pd.DataFrame({key: rng.uniform(low, high, 400) for key, (low, high) in priors.items()})
    fig = pairs_figure(prior, prior.iloc[:20], priors)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    axes = fig.axes
    assert len(axes) == 4 * 5 // 2  # the lower triangle and the diagonal, no empty panels
    for ax in axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        texts = [t for t in ax.get_xticklabels() if t.get_text() and x0 <= t.get_position()[0] <= x1]
        texts += [t for t in ax.get_yticklabels() if t.get_text() and y0 <= t.get_position()[1] <= y1]
        texts += [t for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
        assert ax.get_xticklabels(), "a panel without x tick labels"
        for text in texts:
            box = text.get_window_extent(renderer)
            assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1), text.get_text()
            for other in axes:
                if other is not ax:
                    assert not box.overlaps(other.get_window_extent(renderer)), (text.get_text(), other)
