"""Server time per Step on the `orgsim viz` page, as a table. Run: .venv/bin/python benchmarks/bench_viz.py

A Step click on the server runs model.step() and re-renders the page's views (no browser: Solara's test
renderer, so what is timed is the server's work only). Medians over a year of steps of the default
organization, next to the model step alone and the views' SVG/HTML alone; wall-clock and CPU time (on a
shared machine the wall-clock includes waiting for a core; ratios are of CPU time).
"""

from __future__ import annotations

import os
import statistics
import time

import ipyvuetify as v
import solara

from orgsim.viz import app, views
from orgsim.viz.model import PageOrganization

MONTHS = 24


@solara.component
def Layout():
    with solara.AppLayout():
        app.Page()


def per_call(fn, calls: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds per call (CPU time does not count waiting for a shared core)."""
    wall, cpu = [], []
    for _ in range(calls):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def page_step(components) -> tuple[float, float]:
    saved = list(app.COMPONENTS)
    app.COMPONENTS[:] = components
    try:
        _, rc = solara.render(Layout(), handle_error=False)
        step = rc.find(v.Btn, children=["Step"]).widget
        return per_call(step.click, MONTHS)
    finally:
        app.COMPONENTS[:] = saved


def main() -> None:
    model = PageOrganization()
    model_step = per_call(model.step, MONTHS)
    positions = views.network_layout(model)
    drawing = per_call(
        lambda: (
            views.status_text(model),
            views.trajectory_svg(model),
            views.channel_svg(model),
            views.network_svg(model, positions),
            views.department_table_html(model),
        ),
        MONTHS,
    )
    two_cells = page_step(list(app.COMPONENTS))
    one_cell_per_view = page_step(
        [
            lambda m: solara.Text(views.status_text(m)),
            lambda m: solara.HTML(tag="div", unsafe_innerHTML=views.trajectory_svg(m)),
            lambda m: solara.HTML(tag="div", unsafe_innerHTML=views.channel_svg(m)),
            lambda m: solara.HTML(tag="div", unsafe_innerHTML=views.network_svg(m, views.network_layout(m))),
            lambda m: solara.HTML(tag="div", unsafe_innerHTML=views.department_table_html(m)),
        ]
    )
    rows = [
        ("model.step() alone", model_step),
        ("views drawn (SVG + table) alone", drawing),
        ("Step click, page as shipped (2 cells)", two_cells),
        ("Step click, one cell per view (5 cells)", one_cell_per_view),
    ]
    print(
        f"server time per step, median of {MONTHS} steps, default organization; load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'what':42s} {'wall ms':>8s} {'CPU ms':>8s} {'x page':>8s}")
    for name, (wall, cpu) in rows:
        print(f"{name:42s} {wall * 1000:8.1f} {cpu * 1000:8.1f} {cpu / two_cells[1]:8.2f}")


if __name__ == "__main__":
    main()
