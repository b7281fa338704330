"""The page (`solara run orgsim.viz.app`): Mesa's Step/Play/Reset over a PageOrganization, the settings
that build it, its views, and a glossary.

Laid out here rather than by Mesa's SolaraViz: SolaraViz adds controls that mean nothing to a student
(play and render intervals, threads), a step card, and tabs named "Page 0", and its sliders do not show
their values. Mesa's own ModelController still steps, plays and resets the model (the same on mesa 3.3
and 3.5). The command line's overrides arrive as JSON in $ORGSIM_VIZ_OVERRIDES (set by `orgsim viz`);
each browser tab gets its own organization.
"""

from __future__ import annotations

import json
import math
import os

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from orgsim.viz import views
from orgsim.viz.model import CONTROLS, PageOrganization, starting_values

BASE = tuple(json.loads(os.environ.get("ORGSIM_VIZ_OVERRIDES", "[]")))
TITLE = "orgsim: who owns social business?"
PLAY_INTERVAL_MS = 150  # between months while playing: fast enough to watch, slow enough to read
CSS = """
.orgsim-glossary dt { font-weight: bold; margin-top: 4px; }
.orgsim-glossary dd { margin-left: 0; font-size: 13px; color: #333; }
.orgsim-help { font-size: 13px; color: #444; }
"""


def _decimals(x: float) -> int:
    text = repr(round(float(x), 6))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0


def slider_grid(value: float, low: float, step: float) -> tuple[float, float]:
    """A slider's (minimum, step) whose grid holds `value`: the browser's slider rounds to its step's
    decimals from its minimum, and would otherwise snap a calibrated 0.0319 to 0.03 before anyone
    touches it."""
    if _decimals(value) > _decimals(step):
        step = 10.0 ** -_decimals(value)
    return round(value - math.floor((value - low) / step + 1e-9) * step, 10) + 0.0, step  # no -0.0


def model_params(base: tuple[str, ...] = BASE) -> dict:
    """A chooser or slider per control, starting at the composed config's values (Mesa's model_params
    format: `orgsim viz`'s page reads it, and so can a SolaraViz)."""
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
            low, step = slider_grid(value, control.low, control.step)
            params[control.name] = {
                "type": kind,
                "value": value,
                "min": int(low) if control.integer else low,
                "max": max(control.high, value),
                "step": int(step) if control.integer else step,
                "label": control.label,
            }
    return params


def slider_label(label: str, value) -> str:
    """A slider's label with its value, so the page always shows what Reset will apply."""
    return f"{label}: {value:g}" if isinstance(value, float) else f"{label}: {value}"


@solara.component
def SettingsInputs(params: dict, chosen: solara.Reactive[dict]):
    """The controls: each writes its value into `chosen`, which Reset turns into a new organization."""

    def setter(name):
        return lambda value: chosen.set({**chosen.value, name: value})

    for name, spec in params.items():
        if not isinstance(spec, dict):
            continue  # a fixed parameter (the command line's overrides)
        value = chosen.value.get(name, spec["value"])
        if spec["type"] == "Select":
            solara.Select(spec["label"], value=value, values=spec["values"], on_value=setter(name))
        else:
            slider = solara.SliderInt if spec["type"] == "SliderInt" else solara.SliderFloat
            slider(
                slider_label(spec["label"], value),
                value=value,
                min=spec["min"],
                max=spec["max"],
                step=spec["step"],
                on_value=setter(name),
                thumb_label=False,
            )


MISSING_ASSETS = (
    "Assets: Solara's page files are neither packaged (solara-assets at Solara's version) nor prepared, so "
    "this page loaded them from the internet; offline, install the viz extra or run `orgsim viz "
    "prepare-assets`."
)


def assets_note() -> str:
    """The page's own line when it has no local copy of Solara's assets (empty when it has one)."""
    from orgsim.viz import assets

    return "" if assets.find() is not None else MISSING_ASSETS


# Two grid cells, not one per view: the page re-renders once per component that follows the step counter:
# five cells cost ~2.4 times the server CPU time per step of two (benchmarks/bench_viz.py).
def over_time_view(model):
    """The month, IT's role and the leader in words; the trajectories; deployments by channel."""
    return solara.Column(
        children=[
            solara.Text(views.status_text(model), classes=["orgsim-status"]),
            solara.Text("This run: " + views.settings_text(model, CONTROLS), classes=["orgsim-settings"]),
            solara.Text("Overrides: " + (" ".join(model.overrides) or "none"), classes=["orgsim-overrides"]),
            *([solara.Text(note, classes=["orgsim-assets"])] if (note := assets_note()) else []),
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
def Views(model):
    """The views side by side, redrawn on every step (Mesa's controller bumps `update_counter`)."""
    update_counter.get()
    with solara.Columns([1, 1]):
        for view in COMPONENTS:
            view(model)


@solara.component
def Page():
    params = solara.use_memo(model_params, [])
    first = solara.use_memo(lambda: PageOrganization(base=BASE), [])
    model = solara.use_reactive(first)
    chosen = solara.use_reactive({k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()})
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)

    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            solara.Text(views.RUN_HELP, classes=["orgsim-help"])
            ModelController(
                model,
                model_parameters=chosen,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
        with solara.Card("Settings (Reset applies them)"):
            SettingsInputs(params, chosen)
    with solara.Column():
        Views(model.value)
        with solara.Card("What the page shows"):
            solara.HTML(tag="div", unsafe_innerHTML=views.glossary_html(), classes=["orgsim-glossary"])
