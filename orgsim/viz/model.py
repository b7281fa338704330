"""The page's controls and the organization they build, exactly as `orgsim run` builds replicate 0.

A control maps one keyword of `PageOrganization` to one config key. A control adds its override only when
its value differs from the starting config (the command line's overrides), so a slider left alone keeps
the scenario's own value when the scenario chooser changes. Knows the config and the model, not Solara.
"""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import OmegaConf

from orgsim.config.compose import compose, config_dir, load_settings
from orgsim.config.schema import GOVERNANCE, POLICIES
from orgsim.model.organization import Organization
from orgsim.runner import replicate_seeds


@dataclass(frozen=True)
class Control:
    """One control of the page: keyword, config key, label, and a range (sliders) or choices."""

    name: str
    key: str
    label: str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    choices: tuple[str, ...] = ()
    integer: bool = False
    # A chooser's first choice that sets nothing, so the composed scenario and policy decide: the chooser
    # then never shows one value while the organization runs with another (a policy's own governance).
    follow: str = ""


def scenario_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (config_dir() / "scenario").glob("*.yaml")))


FOLLOW = "as the scenario and policy set it"

CONTROLS = (
    # not `scenario`: mesa 3.5 passes its own Scenario object under that keyword when it rebuilds a model
    Control("scenario_name", "scenario", "Scenario", choices=scenario_names()),
    Control("policy", "policy", "IT policy", choices=POLICIES),
    Control(
        "governance",
        "policy.governance",
        "Governance strictness",
        choices=(FOLLOW, *GOVERNANCE),
        follow=FOLLOW,
    ),
    Control("cio_aspiration", "it.cio.aspiration", "CIO aspiration"),
    Control("cio_willingness", "it.cio.willingness", "CIO willingness"),
    # IT's capacity is its budget over a fixed unit cost: the budget is the lever.
    # A step of 10 k USD keeps the calibrated default (4,970) on the slider's grid.
    Control("it_budget", "it.budget", "IT budget (k USD/year)", 1000.0, 10000.0, 10.0),
    Control("saas_speed", "environment.saas_maturity.steepness", "SaaS maturity speed", 0.2, 4.0, 0.1),
    Control("consumerization", "environment.consumerization.end", "Consumerization"),
    Control(
        "integration_pressure",
        "environment.integration_sensitivity",
        "Integration pressure",
        0.0,
        0.5,
        0.01,
    ),
    Control("cloud_push", "environment.cloud_push", "Cloud push", 0.0, 0.5, 0.05),
    Control("seed", "seed", "Seed", 0, 99, 1, integer=True),
)
BY_NAME = {c.name: c for c in CONTROLS}


def starting_values(base: tuple[str, ...] | list[str] = ()) -> dict:
    """Each control's value in the config composed from `base` (the command line's overrides); a control
    with a `follow` choice starts there unless `base` sets its key."""
    cfg = compose(list(base))
    values = {}
    for control in CONTROLS:
        if control.follow and not any(o.startswith(f"{control.key}=") for o in base):
            values[control.name] = control.follow
            continue
        if control.key in ("scenario", "policy"):
            value = OmegaConf.select(cfg, f"{control.key}.name", throw_on_missing=True)
        else:
            value = OmegaConf.select(cfg, control.key, throw_on_missing=True)
        if value is None:
            raise KeyError(f"the page's control '{control.name}' reads {control.key}, which the config lacks")
        values[control.name] = value
    return values


def _text(value) -> str:
    if isinstance(value, float):
        return repr(round(value, 6))  # a slider's 0.30000000000000004 is 0.3
    return str(value)


def page_overrides(values: dict, base: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The overrides `orgsim run` would take for these control values: `base`, then each changed one."""
    start = starting_values(base)
    unknown = set(values) - set(BY_NAME)
    if unknown:
        raise KeyError(f"unknown control(s) {sorted(unknown)}; controls: {', '.join(BY_NAME)}")
    overrides = list(base)
    for control in CONTROLS:  # in CONTROLS order: scenario and policy first, as Hydra composes groups
        value = values.get(control.name, start[control.name])
        if control.follow and value == control.follow:
            continue  # the composed config decides
        if control.integer:
            value = int(value)
        if _text(value) != _text(start[control.name]):  # a slider's 0.30000000000000004 is 0.3
            overrides.append(f"{control.key}={_text(value)}")
    return overrides


class PageOrganization(Organization):
    """The organization the page shows: keyword controls in, replicate 0 of `orgsim run` out.

    Mesa's page rebuilds the model as `PageOrganization(**control_values)` on Reset, so every control is a
    keyword with a default; `base` carries the command line's overrides.
    """

    def __init__(
        self,
        scenario_name: str | None = None,
        policy: str | None = None,
        governance: str | None = None,
        cio_aspiration: float | None = None,
        cio_willingness: float | None = None,
        it_budget: float | None = None,
        saas_speed: float | None = None,
        consumerization: float | None = None,
        integration_pressure: float | None = None,
        cloud_push: float | None = None,
        seed: int | None = None,
        base: tuple[str, ...] = (),
    ):
        given = {k: v for k, v in locals().items() if k in BY_NAME and v is not None}
        self.overrides = page_overrides(given, base)
        setting = load_settings(self.overrides)
        self.configured = setting  # what the controls set; `setting` becomes the organization drawn from it
        super().__init__(setting, replicate_seeds(setting.seed, 1)[0])

    def step(self) -> None:
        super().step()
        self.running = self.month < self.horizon  # Mesa's play button stops at the horizon
