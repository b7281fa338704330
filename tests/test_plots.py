"""The figure functions write valid PNGs from a synthetic timeseries and leave no figure open."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from orgsim.plots import plot_channels, plot_trajectories


@pytest.fixture
def timeseries() -> pd.DataFrame:
    """3 replicates x 13 months shaped like the simulation's timeseries table."""
    rng = np.random.default_rng(7)
    rows = []
    for replicate in range(3):
        for month in range(13):
            rows.append(
                {
                    "replicate": replicate,
                    "seed": 100 + replicate,
                    "month": month,
                    "date": pd.Timestamp("2024-01-01") + pd.DateOffset(months=month),
                    "shadow_share": rng.uniform(0, 1),
                    "it_influence": rng.uniform(0, 1),
                    "deployments_sanctioned": int(rng.integers(0, 20)),
                    "deployments_brokered": int(rng.integers(0, 10)),
                    "deployments_byot": int(rng.integers(0, 10)),
                    "deployments_shadow": int(rng.integers(0, 15)),
                    "it_role": "service_provider",
                }
            )
    return pd.DataFrame(rows)


def _assert_png(path: Path) -> None:
    assert path.is_file()
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert path.stat().st_size > 10_000


def test_plot_trajectories(timeseries: pd.DataFrame, tmp_path: Path) -> None:
    out = plot_trajectories(
        timeseries,
        tmp_path / "figs" / "trajectories.png",
        title="baseline",
        start_year=2024,
        strategic_threshold=0.55,
        custodian_threshold=0.35,
    )
    assert out == tmp_path / "figs" / "trajectories.png"
    _assert_png(out)
    assert len(plt.get_fignums()) == 0


def test_plot_channels(timeseries: pd.DataFrame, tmp_path: Path) -> None:
    out = plot_channels(timeseries, tmp_path / "figs" / "channels.png", title="baseline", start_year=2024)
    assert out == tmp_path / "figs" / "channels.png"
    _assert_png(out)
    assert len(plt.get_fignums()) == 0


def test_missing_column_is_reported(timeseries: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="deployments_byot"):
        plot_channels(
            timeseries.drop(columns="deployments_byot"), tmp_path / "c.png", title="x", start_year=2024
        )


def test_per_department_table_is_refused(timeseries: pd.DataFrame, tmp_path: Path) -> None:
    doubled = pd.concat([timeseries, timeseries])
    with pytest.raises(ValueError, match="one row per replicate and month"):
        plot_trajectories(
            doubled,
            tmp_path / "t.png",
            title="x",
            start_year=2024,
            strategic_threshold=0.55,
            custodian_threshold=0.35,
        )


def _summary_by_year(shares: list[float], n: int = 40) -> dict:
    from orgsim.report import wilson_interval

    years = [
        {"year": i + 1, "count": round(s * n), "share": s, "ci95": list(wilson_interval(round(s * n), n))}
        for i, s in enumerate(shares)
    ]
    return {"replicates": n, "aggregate": {"marginalized_by_year": years}}


def test_marginalized_by_year_writes_a_png_with_one_bar_per_year(tmp_path, monkeypatch) -> None:
    from matplotlib.axes import Axes

    from orgsim.plots import plot_marginalized_by_year

    heights: list[float] = []
    bar = Axes.bar
    monkeypatch.setattr(
        Axes, "bar", lambda self, x, h, *a, **k: (heights.extend(h), bar(self, x, h, *a, **k))[1]
    )
    out = plot_marginalized_by_year(
        _summary_by_year([0.0, 0.1, 0.25]), tmp_path / "m.png", title="baseline", start_year=2012
    )
    _assert_png(out)
    assert heights == [0.0, 0.1, 0.25]
    with pytest.raises(ValueError, match="no year"):
        plot_marginalized_by_year(_summary_by_year([]), tmp_path / "e.png", title="t", start_year=2012)
