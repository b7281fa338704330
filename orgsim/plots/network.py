"""The department network at one month: node size = social-tool spend, colour = share of the department's
deployments that came in outside IT (BYOT + shadow), IT drawn as the hub that serves every department."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from orgsim.plots.figure import new_figure, titled

CHANNELS = ("sanctioned", "brokered", "byot", "shadow")
IT = "IT"


def department_table(departments: pd.DataFrame, month: int) -> pd.DataFrame:
    """Per department at `month`: mean social-tool spend over runs, deployments summed over runs, the
    share of them outside IT (pooled, so departments without deployments do not weigh as 0 or 1), runs."""
    at = departments[departments["month"] == month]
    by = at.groupby("department", sort=False)
    total = by[[f"deployments_{c}" for c in CHANNELS]].sum().sum(axis=1)
    outside = by[["deployments_byot", "deployments_shadow"]].sum().sum(axis=1)
    drawn = pd.DataFrame(
        {
            "month": month,
            "spend": by["spend"].mean(),
            "deployments": total,
            "outside_deployments": outside,
            "outside_share": (outside / total.where(total > 0)),
            "runs": by["replicate"].nunique(),
        }
    )
    return drawn.reset_index()


def network_figure(
    departments: pd.DataFrame,
    edges: list[tuple[str, str]],
    *,
    month: int,
    calendar: str,
    title: str,
    context: str,
    width: float,
    height: float,
) -> tuple[Figure, pd.DataFrame]:
    """Draw the department network at `month` (`calendar` names it, e.g. 'March 2014')."""
    drawn = department_table(departments, month)
    graph = nx.Graph()
    graph.add_nodes_from(drawn["department"])
    graph.add_edges_from((a, b) for a, b in edges if a in graph and b in graph)
    served = [(IT, d) for d in drawn["department"]]
    graph.add_edges_from(served)
    # A fixed seed: the same input draws the same picture.
    position = nx.spring_layout(graph, seed=7)
    drawn["x"] = [position[d][0] for d in drawn["department"]]
    drawn["y"] = [position[d][1] for d in drawn["department"]]

    fig = new_figure(width, height)
    ax = fig.subplots()
    ax.set_axis_off()
    department_edges = [e for e in graph.edges if IT not in e]
    nx.draw_networkx_edges(graph, position, edgelist=department_edges, ax=ax, width=1.5, edge_color="0.45")
    nx.draw_networkx_edges(
        graph, position, edgelist=served, ax=ax, width=0.8, style="dashed", edge_color="#1f5fa8", alpha=0.5
    )
    spend = drawn["spend"].to_numpy(dtype=float)
    largest = spend.max() if len(spend) and spend.max() > 0 else 1.0
    sizes = 150 + 2500 * spend / largest  # area grows with spend; the floor keeps spend-free nodes visible
    cmap, norm = colormaps["OrRd"], Normalize(0, 1)
    shares = drawn["outside_share"].to_numpy(dtype=float)
    colors = [cmap(norm(s)) if not np.isnan(s) else "0.85" for s in shares]
    departments_list = list(drawn["department"])
    nx.draw_networkx_nodes(
        graph,
        position,
        nodelist=departments_list,
        node_size=sizes,
        node_color=colors,
        edgecolors="0.2",
        linewidths=0.8,
        ax=ax,
    )
    nx.draw_networkx_nodes(
        graph,
        position,
        nodelist=[IT],
        node_size=1400,
        node_shape="s",
        node_color="#1f5fa8",
        edgecolors="black",
        linewidths=2.0,
        ax=ax,
    )
    # A light box behind each name keeps it readable on dark nodes and over edges.
    label_box = {"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.0}
    nx.draw_networkx_labels(
        graph, position, labels={d: d for d in departments_list}, font_size=8, bbox=label_box, ax=ax
    )
    nx.draw_networkx_labels(
        graph, position, labels={IT: IT}, font_size=10, font_weight="bold", font_color="white", ax=ax
    )

    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7)
    bar.set_label("share of the department's deployments outside IT (BYOT + shadow)")
    legend = [
        Line2D(
            [],
            [],
            marker="s",
            color="#1f5fa8",
            markeredgecolor="black",
            linestyle="",
            markersize=10,
            label="IT (serves every department)",
        ),
        Line2D([], [], color="0.45", linewidth=1.5, label="department tie (org.network_edges)"),
        Line2D(
            [],
            [],
            marker="o",
            color="0.85",
            markeredgecolor="0.2",
            linestyle="",
            markersize=8,
            label="grey: no deployments",
        ),
    ]
    ax.legend(handles=legend, loc="lower left", fontsize="small", frameon=False)
    runs = int(drawn["runs"].max()) if len(drawn) else 0
    note = f"node area: mean social-tool spend (largest {largest:,.0f} k USD/yr)"
    titled(fig, title, f"{context}; {calendar} (month {month}); {runs} runs; {note}")
    return fig, drawn
