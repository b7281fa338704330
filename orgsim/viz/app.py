"""The SolaraViz page (`solara run orgsim.viz.app`): Mesa's controls over a PageOrganization and its views.

The command line's overrides arrive as JSON in $ORGSIM_VIZ_OVERRIDES (set by `orgsim viz`); each browser
tab gets its own organization.
"""

from __future__ import annotations

import json
import os

import solara
from mesa.visualization import SolaraViz

from orgsim.viz import views
from orgsim.viz.model import CONTROLS, PageOrganization, starting_values

BASE = tuple(json.loads(os.environ.get("ORGSIM_VIZ_OVERRIDES", "[]")))


def model_params(base: tuple[str, ...] = BASE) -> dict:
    """Mesa's model_params: a chooser or slider per control, starting at the composed config's values."""
    start = starting_values(base)
    params: dict = {"base": base}
    for control in CONTROLS:
        value = start[control.name]
        if control.choices:
            choices = list(dict.fromkeys([*control.choices, value]))
            params[control.name] = {
                "type": "Select",
                "value": value,
                "values": choices,
                "label": control.label,
            }
        else:
            kind = "SliderInt" if control.integer else "SliderFloat"
            params[control.name] = {
                "type": kind,
                "value": value,
                "min": min(control.low, value),
                "max": max(control.high, value),
                "step": control.step,
                "label": control.label,
            }
    return params


# Two grid cells, not one per view: Mesa re-renders the page once per component that follows the step
# counter: five cells cost ~2.4 times the server CPU time per step of two (benchmarks/bench_viz.py).
def over_time_view(model):
    """The month, IT's role and the leader in words; the trajectories; deployments by channel."""
    return solara.Column(
        children=[
            solara.Text(views.status_text(model), classes=["orgsim-status"]),
            solara.Text("This run: " + views.settings_text(model, CONTROLS), classes=["orgsim-settings"]),
            solara.Text("Overrides: " + (" ".join(model.overrides) or "none"), classes=["orgsim-overrides"]),
            solara.HTML(
                tag="div", unsafe_innerHTML=views.trajectory_svg(model), classes=["orgsim-trajectories"]
            ),
            solara.Text(views.headline_text(model), classes=["orgsim-headline"]),
            solara.HTML(tag="div", unsafe_innerHTML=views.channel_svg(model), classes=["orgsim-channels"]),
        ]
    )


def organization_view(model):
    """The department network now and the table of departments."""
    positions = solara.use_memo(lambda: views.network_layout(model), [id(model)])
    return solara.Column(
        children=[
            solara.HTML(
                tag="div", unsafe_innerHTML=views.network_svg(model, positions), classes=["orgsim-network"]
            ),
            solara.HTML(
                tag="div", unsafe_innerHTML=views.department_table_html(model), classes=["orgsim-table"]
            ),
        ]
    )


COMPONENTS = [over_time_view, organization_view]


@solara.component
def Page():
    params = solara.use_memo(model_params, [])
    model = solara.use_memo(lambda: PageOrganization(base=BASE), [])
    return SolaraViz(
        model, components=COMPONENTS, model_params=params, name="orgsim: who owns social business?"
    )
