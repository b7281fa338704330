"""What the page shows, read from the model's own reporters: nothing here names a role measure by hand.

Model-level series come from the monthly recorder's columns (MODEL_REPORTERS), role thresholds from
`setting.metrics`, per-department values from DEPARTMENT_REPORTERS applied to the live departments, the
parts of it_influence from ROLE_COMPONENTS. Each function draws one figure or builds one table; none
changes the model.
"""

from __future__ import annotations

import functools
import html
import math
from dataclasses import fields

import numpy as np

from orgsim.model import metrics
from orgsim.model.ledger import CHANNELS
from orgsim.outcomes import MONTHLY, outcome
from orgsim.viz import svg

# The reporters it_influence averages, as the model names them.
ROLE_COMPONENTS = metrics.ROLE_COMPONENTS
HEADLINE = ("shadow_share", "it_influence")
OUTSIDE_CHANNELS = ("byot", "shadow")  # deployments that came in without IT
CHANNEL_PREFIX = "deployments_"
CHANNEL_COLOURS = {"sanctioned": "#1f77b4", "brokered": "#2ca02c", "byot": "#ff7f0e", "shadow": "#d62728"}
CHANNEL_WORDS = {
    "sanctioned": "sanctioned (IT delivered)",
    "brokered": "brokered (IT's store)",
    "byot": "BYOT (allowed, no IT)",
    "shadow": "shadow (against policy)",
}
# Red for the shadow share alone, navy for IT influence; the parts of influence in hues far from both
# (no brown or pink beside the red).
HEADLINE_COLOURS = ("#d62728", "#1f3b73")
COMPONENT_COLOURS = ("#2ca02c", "#9467bd", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e")
# The role lines as the run's own figure draws them: teal above (strategic), brown below (custodian).
ROLE_LINES = {"strategic": ("strategic partner", "#2a9d8f"), "custodian": ("custodian", "#7f4f24")}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RUN_HELP = (
    "Step runs one month; ▶ plays month by month to the end of the horizon (❚❚ pauses); Reset starts a "
    "new organization with the settings below."
)


def words(name: str) -> str:
    """A reporter's short name from the outcome registry (the name with spaces where it has none)."""
    declared = outcome(name, MONTHLY)
    return (declared.short or name.replace("_", " ")) if declared else name.replace("_", " ")


def when(model, month: int) -> str:
    """'Apr 2012' for month 3 of an organization starting in 2012."""
    return f"{MONTHS[month % 12]} {model.setting.start_year + month // 12}"


def years(model, months) -> list[float]:
    """Months since the start as calendar years (month 0 is January of the start year)."""
    return [model.setting.start_year + m / 12 for m in months]


def series(model) -> dict[str, list]:
    """The model-level reporters collected so far, one list per reporter (month 0 first)."""
    return model.datacollector.model_vars


def latest(model, name: str, default=None):
    column = series(model).get(name)
    return column[-1] if column else default


def channels() -> list[str]:
    """Channel names that have a `deployments_<channel>` reporter (other deployments_* are not channels)."""
    return [c for c in CHANNELS if CHANNEL_PREFIX + c in metrics.MODEL_REPORTERS]


def thresholds(model) -> dict[str, float]:
    """The role thresholds in `setting.metrics` (every field named *_threshold)."""
    m = model.setting.metrics
    return {
        f.name[: -len("_threshold")]: getattr(m, f.name) for f in fields(m) if f.name.endswith("_threshold")
    }


def department_rows(model) -> list[dict]:
    """DEPARTMENT_REPORTERS evaluated on each business department now, in the configured order."""
    rows = []
    for dept in model.departments:
        row = {}
        for name, reporter in metrics.DEPARTMENT_REPORTERS.items():
            row[name] = getattr(dept, reporter) if isinstance(reporter, str) else reporter(dept)
        rows.append(row)
    order = {name: i for i, name in enumerate(model.department_names)}  # the AgentSet may be reshuffled
    return sorted(rows, key=lambda row: order.get(row["department"], len(order)))


def outside_share(row: dict) -> float:
    """Share of a department's active deployments that came in without IT (byot + shadow)."""
    counts = {c: row.get(CHANNEL_PREFIX + c, 0) for c in channels()}
    total = sum(counts.values())
    return sum(counts.get(c, 0) for c in OUTSIDE_CHANNELS) / total if total else 0.0


def _x_range(model) -> tuple[float, float]:
    """The whole horizon in calendar years, so the axis does not move while the run goes on."""
    months = series(model)["month"]
    start = model.setting.start_year
    return start, start + max(12, getattr(model, "horizon", 0), months[-1]) / 12


def trajectory_svg(model) -> str:
    """shadow_share and it_influence over months, the parts of it_influence thin, role thresholds dashed."""
    data = series(model)
    x = years(model, data["month"])
    frame = svg.Frame(
        _x_range(model),
        (0.0, 1.0),
        f"IT's influence and the shadow share ({model.setting.scenario.name})",
        "year",
        "share / index (0-1)",
    )
    for name, colour in zip(HEADLINE, HEADLINE_COLOURS, strict=True):
        if name in data:
            frame.line(name, x, data[name], colour, width=2.6, label=words(name))
    palette = iter(COMPONENT_COLOURS)
    for name in ROLE_COMPONENTS:
        if name in data and name not in HEADLINE:
            colour = next(palette, "#7f7f7f")
            frame.line(name, x, data[name], colour, width=1.2, opacity=0.85, label=words(name))
    for role, level in thresholds(model).items():
        words_, colour = ROLE_LINES.get(role, (role, "#777"))
        frame.hline(role, level, colour, legend=f"{words_} line {level:g}")
    return frame.svg()


def channel_svg(model) -> str:
    """Active deployments by channel, stacked."""
    data = series(model)
    x = years(model, data["month"])
    names = [c for c in channels() if CHANNEL_PREFIX + c in data]
    layers = [np.asarray(data[CHANNEL_PREFIX + c], dtype=float) for c in names]
    if len(x) == 1:  # the starting state: a month-wide strip, as an area of one point draws nothing
        x = [x[0], x[0] + 1 / 12]
        layers = [np.repeat(layer, 2) for layer in layers]
    tops = np.cumsum(layers, axis=0) if layers else np.zeros((0, len(x)))
    highest = float(tops[-1].max()) if len(tops) else 0.0
    frame = svg.Frame(
        _x_range(model),
        (0.0, max(1.0, highest * 1.05)),
        "How tools came in: active deployments by channel",
        "year",
        "active deployments",
    )
    below = np.zeros(len(x))
    for name, top in zip(names, tops, strict=True):
        colour = CHANNEL_COLOURS.get(name, "#7f7f7f")
        frame.area(name, x, below, top, colour, label=CHANNEL_WORDS.get(name, name))
        below = top
    return frame.svg()


def network_layout(model) -> dict[str, tuple[float, float]]:
    """Fixed positions: departments on a circle, IT in the middle (the same picture every step)."""
    names = sorted(model.network.nodes)
    positions = {
        n: (math.cos(2 * math.pi * i / len(names)), math.sin(2 * math.pi * i / len(names)))
        for i, n in enumerate(names)
    }
    positions["IT"] = (0.0, 0.0)
    return positions


def network_svg(model, positions: dict) -> str:
    """Departments coloured by their byot + shadow share and sized by spend; IT highlighted."""
    rows = {r["department"]: r for r in department_rows(model)}
    names = sorted(model.network.nodes)
    spend = {n: max(0.0, float(rows.get(n, {}).get("spend", 0.0))) for n in names}
    top = max(spend.values(), default=0.0)
    nodes = []
    for n in names:
        share = outside_share(rows[n]) if n in rows else 0.0
        x, y = positions[n]
        nodes.append(
            {
                "name": n,
                "x": x,
                "y": y,
                "r": 8 + 18 * math.sqrt(spend[n] / top) if top > 0 else 10,
                "fill": svg.blend(share),
                "label": n.replace("_", " "),
                "data": {"outside-share": f"{share:.4g}", "spend": f"{spend[n]:.6g}"},
            }
        )
    nodes.append(
        {
            "name": "IT",
            "x": 0.0,
            "y": 0.0,
            "r": 16,
            "fill": "#1f3b73",
            "stroke": "#f0b400",
            "label": "IT",
            "shape": "square",
        }
    )
    edges = [(a, b, 'stroke="#999" stroke-width="1.2"') for a, b in model.network.edges]
    edges += [("IT", n, 'stroke="#1f3b73" stroke-dasharray="2 3" opacity="0.35"') for n in names]
    return svg.network(
        nodes,
        edges,
        "Departments (colour: tools from outside IT; size: spend)",
        "BYOT + shadow share",
    )


def department_table_html(model) -> str:
    """Departments with the tools they use, by channel, and their satisfaction with IT."""
    names = channels()
    tools = tools_in_use(model)
    head = "".join(
        f"<th{CELL}>{h}</th>" for h in ("department", "tools in use", "by channel", "satisfaction with IT")
    )
    body = []
    for row in department_rows(model):
        by_channel = ", ".join(
            f"{row[CHANNEL_PREFIX + c]} {c}" for c in names if row.get(CHANNEL_PREFIX + c, 0) > 0
        )
        in_use = tools.get(row["department"])
        count = sum(row.get(CHANNEL_PREFIX + c, 0) for c in names)
        tool_text = ", ".join(in_use) if in_use is not None else str(count)
        cells = (
            row["department"].replace("_", " "),
            tool_text or "none",
            by_channel or "-",
            f"{row.get('satisfaction', float('nan')):.2f}",
        )
        body.append("<tr>" + "".join(f"<td{CELL}>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return (
        '<table class="orgsim-departments" style="border-collapse:collapse;font-size:13px">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


CELL = ' style="padding:3px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"'


def tools_in_use(model) -> dict[str, list[str]]:
    """Tool names per department from the ledger's active deployments (empty where the ledger differs)."""
    ledger = getattr(model, "ledger", None)
    active = getattr(ledger, "active", None)
    if active is None:
        return {}
    found: dict[str, list[str]] = {d.name: [] for d in model.departments}
    try:
        for dep in active:
            found.setdefault(dep.department.name, []).append(dep.tool.name)
    except AttributeError:
        return {}
    return {k: sorted(set(v)) for k, v in found.items()}


def role_words(role: str) -> str:
    text = str(role).replace("_", " ")
    return f"an {text}" if text[:1] in "aeiou" else f"a {text}"


def leader_words(leader: str) -> str:
    return {"it": "IT", "none": "nobody yet (no social-tool spend)"}.get(
        str(leader), str(leader).replace("_", " ")
    )


def settings_text(model, controls) -> str:
    """The value of each page control in this model's settings (what the controls applied at Reset); where
    the organization drawn from them differs (its size scales budgets), the drawn value too."""
    configured = getattr(model, "configured", model.setting)

    def text(value) -> str:
        return f"{value:g}" if isinstance(value, float) else str(value)

    parts = []
    for control in controls:
        key = f"{control.key}.name" if control.key in ("scenario", "policy") else control.key
        value = functools.reduce(getattr, key.split("."), configured)
        drawn = functools.reduce(getattr, key.split("."), model.setting)
        note = f" ({text(drawn)} for this organization's drawn size)" if text(drawn) != text(value) else ""
        parts.append(f"{control.label}: {text(value)}{note}")
    return "; ".join(parts)


def status_text(model) -> str:
    """The month, IT's role and the technology leader, in words."""
    month = int(latest(model, "month", 0))
    parts = [f"Month {month} ({when(model, month)})"]
    if latest(model, "it_role") is not None:
        influence = latest(model, "it_influence")
        detail = f" (IT influence {influence:.2f})" if influence is not None else ""
        parts.append(f"IT is {role_words(latest(model, 'it_role'))}{detail}")
    if latest(model, "tech_leader") is not None:
        parts.append(f"Technology leader: {leader_words(latest(model, 'tech_leader'))}")
    return ". ".join(parts) + "."


def headline_text(model) -> str:
    """The latest plotted values of the headline series, printed under the plot."""
    month = int(latest(model, "month", 0))
    values = ", ".join(f"{words(n)} {latest(model, n):.3f}" for n in HEADLINE if latest(model, n) is not None)
    return f"{when(model, month)} (month {month}): {values}"


def glossary_html() -> str:
    """The terms a student meets on the page; the measures' meanings come from the outcome registry."""
    terms = [
        (
            "BYOT",
            "bring your own technology: a department buys a tool where IT's policy allows it, "
            "without IT's involvement.",
        ),
        ("Shadow", "a tool a department buys against IT's policy; IT may discover it and shut it down."),
        (
            "Sanctioned / brokered",
            "tools requested from and delivered by IT, or self-served from IT's store.",
        ),
        (words("shadow_share"), outcome("shadow_share", MONTHLY).meaning + "."),
        (
            words("it_influence"),
            "how much say IT keeps over technology: a weighted mean of its parts "
            "below, from 0 to 1. At or above the strategic line IT is a strategic partner; below the "
            "custodian line it is an infrastructure custodian; between them, a service provider.",
        ),
    ]
    terms += [(words(name), outcome(name, MONTHLY).meaning + ".") for name in ROLE_COMPONENTS]
    terms += [
        ("Technology leader", "the function with the largest discretionary technology spend."),
        (
            "Governance strictness",
            "how IT treats shadow tools: strict looks hardest and shuts most it finds down, enabling "
            "absorbs most into its support, neutral is in between; 'as the scenario and policy set it' "
            "keeps the chosen scenario's and policy's own stance.",
        ),
        ("Seed", "the random draw: the same settings and seed give the same organization every time."),
    ]
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in terms)
    return f'<dl style="margin:0">{items}</dl>'
