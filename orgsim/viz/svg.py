"""Small SVG charts (lines, stacked areas, a node-link diagram) as strings for the page.

Drawn as SVG text rather than matplotlib images: a matplotlib figure costs 50-250 ms of server time per
step here, an SVG string well under a millisecond, and the browser scales it. Each series carries its
name and values as data attributes, so a test can read what is plotted. Knows nothing of the model.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 28, 40


def nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-5 step giving about `ticks` ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _ticks(low: float, high: float, ticks: int = 5) -> list[float]:
    step = nice_step(high - low, ticks)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _number(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e4 else f"{v:.3g}"


class Frame:
    """A plot area mapping data (x, y) to SVG coordinates, with axes, title and legend."""

    def __init__(self, x_range, y_range, title: str, x_label: str, y_label: str):
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        self.parts: list[str] = []
        self.legend: list[tuple[str, str, str]] = []  # (label, colour, dash)
        self.title, self.x_label, self.y_label = title, x_label, y_label

    def x(self, v: float) -> float:
        return LEFT + (v - self.x0) / ((self.x1 - self.x0) or 1) * (WIDTH - LEFT - RIGHT)

    def y(self, v: float) -> float:
        return HEIGHT - BOTTOM - (v - self.y0) / ((self.y1 - self.y0) or 1) * (HEIGHT - TOP - BOTTOM)

    def points(self, xs, ys) -> str:
        return " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys, strict=True) if b == b)

    def line(
        self,
        name: str,
        xs,
        ys,
        colour: str,
        width: float = 1.5,
        dash: str = "",
        opacity: float = 1.0,
        label: str = "",
    ):
        """A series `name` (data attribute) drawn as a line, in the legend as `label` (default: the name);
        its last point marked, so a series of one point (the starting state) shows too."""
        values = " ".join(f"{v:.6g}" for v in ys)
        self.parts.append(
            f'<polyline class="series" data-series="{escape(name)}" data-values="{values}" fill="none" '
            f'stroke="{colour}" stroke-width="{width}" stroke-dasharray="{dash}" opacity="{opacity}" '
            f'points="{self.points(xs, ys)}"/>'
        )
        last = [(a, b) for a, b in zip(xs, ys, strict=True) if b == b][-1:]
        for a, b in last:
            self.parts.append(
                f'<circle class="now" cx="{self.x(a):.1f}" cy="{self.y(b):.1f}" r="{max(2.0, width)}" '
                f'fill="{colour}" opacity="{opacity}"/>'
            )
        self.legend.append((label or name, colour, dash))

    def hline(self, label: str, level: float, colour: str = "#777", legend: str = ""):
        """A dashed threshold at `level`, named in the legend (`legend`, default: the label and level)
        rather than on the plot, where its name would sit over the lines."""
        y = self.y(level)
        self.parts.append(
            f'<line class="threshold" data-threshold="{escape(label)}" data-level="{level:g}" x1="{LEFT}" '
            f'x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="1.2" '
            f'stroke-dasharray="5 4"/>'
        )
        self.legend.append((legend or f"{label} {level:g}", colour, "5 4"))

    def area(self, name: str, xs, lows, highs, colour: str, label: str = ""):
        top = [f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, highs, strict=True)]
        bottom = [
            f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(reversed(xs), reversed(lows), strict=True)
        ]
        values = " ".join(f"{h - lo:.6g}" for lo, h in zip(lows, highs, strict=True))
        self.parts.append(
            f'<polygon class="series" data-series="{escape(name)}" data-values="{values}" fill="{colour}" '
            f'fill-opacity="0.85" stroke="none" points="{" ".join(top + bottom)}"/>'
        )
        self.legend.append((label or name, colour, "area"))

    def svg(self) -> str:
        right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
        axes = [
            f'<rect x="{LEFT}" y="{TOP}" width="{right - LEFT}" height="{bottom - TOP}" fill="none" stroke="#bbb"/>'
        ]
        for t in _ticks(self.x0, self.x1, 6):
            axes.append(
                f'<line x1="{self.x(t):.1f}" x2="{self.x(t):.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="#555"/>'
                f'<text x="{self.x(t):.1f}" y="{bottom + 15}" font-size="10" text-anchor="middle">{_number(t)}</text>'
            )
        for t in _ticks(self.y0, self.y1, 5):
            axes.append(
                f'<line x1="{LEFT - 4}" x2="{LEFT}" y1="{self.y(t):.1f}" y2="{self.y(t):.1f}" stroke="#555"/>'
                f'<text x="{LEFT - 6}" y="{self.y(t) + 3:.1f}" font-size="10" text-anchor="end">{_number(t)}</text>'
            )
        axes.append(
            f'<text x="{(LEFT + right) / 2}" y="{HEIGHT - 6}" font-size="11" text-anchor="middle">{escape(self.x_label)}</text>'
            f'<text transform="translate(12 {(TOP + bottom) / 2}) rotate(-90)" font-size="11" '
            f'text-anchor="middle">{escape(self.y_label)}</text>'
            f'<text x="{LEFT}" y="{TOP - 10}" font-size="13" font-weight="bold">{escape(self.title)}</text>'
        )
        legend = []
        for i, (label, colour, dash) in enumerate(self.legend):
            y = TOP + 8 + 15 * i
            mark = (
                f'<rect x="{right + 10}" y="{y - 5}" width="16" height="9" fill="{colour}"/>'
                if dash == "area"
                else f'<line x1="{right + 10}" x2="{right + 26}" y1="{y}" y2="{y}" stroke="{colour}" '
                f'stroke-width="2" stroke-dasharray="{dash}"/>'
            )
            legend.append(f'{mark}<text x="{right + 30}" y="{y + 4}" font-size="10">{escape(label)}</text>')
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
            f'style="max-width:{WIDTH}px" font-family="sans-serif">'
            + "".join(axes + self.parts + legend)
            + "</svg>"
        )


def blend(share: float) -> str:
    """Blue (0) through pale yellow (0.5) to red (1): a diverging colour for a share."""
    stops = ((69, 117, 180), (255, 255, 191), (215, 48, 39))
    share = min(1.0, max(0.0, share))
    i = 0 if share <= 0.5 else 1
    t = share * 2 - i
    rgb = [round(a + (b - a) * t) for a, b in zip(stops[i], stops[i + 1], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def network(nodes: list[dict], edges: list[tuple[str, str, str]], title: str, legend: str) -> str:
    """Nodes ({name, x, y in [-1, 1], r, fill, stroke, label, shape, data}) and styled edges (a, b, style)."""
    size, pad = 420, 60
    where = {
        n["name"]: (pad + (n["x"] + 1) / 2 * (size - 2 * pad), pad + (1 - n["y"]) / 2 * (size - 2 * pad))
        for n in nodes
    }
    parts = []
    for a, b, style in edges:
        (x1, y1), (x2, y2) = where[a], where[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>')
    for n in nodes:
        x, y = where[n["name"]]
        data = "".join(f' data-{k}="{escape(str(v))}"' for k, v in n.get("data", {}).items())
        common = f'class="node" data-name="{escape(n["name"])}"{data} fill="{n["fill"]}" stroke="{n.get("stroke", "#333")}"'
        if n.get("shape") == "square":
            r = n["r"]
            parts.append(
                f'<rect {common} stroke-width="3" x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"/>'
            )
        else:
            parts.append(f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="{n["r"]:.1f}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y + n["r"] + 12:.1f}" font-size="11" text-anchor="middle">{escape(n["label"])}</text>'
        )
    scale = "".join(
        f'<rect x="{size - 150 + 12 * i}" y="{size - 22}" width="12" height="10" fill="{blend(i / 10)}"/>'
        for i in range(11)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="100%" '
        f'style="max-width:{size}px" font-family="sans-serif">'
        f'<text x="10" y="20" font-size="13" font-weight="bold">{escape(title)}</text>'
        + "".join(parts)
        + scale
        + f'<text x="{size - 150}" y="{size - 26}" font-size="10">{escape(legend)}</text>'
        + f'<text x="{size - 156}" y="{size - 13}" font-size="9" text-anchor="end">0</text>'
        + f'<text x="{size - 14}" y="{size - 13}" font-size="9">1</text>'
        + "</svg>"
    )
