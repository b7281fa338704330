"""Figures drawn from tables (never from the model): a run's own three figures, and one module per family
of the figures `orgsim plot` draws from plot specs, each returning the figure and the data it draws."""

from orgsim.plots.channels import plot_channels
from orgsim.plots.marginalized import plot_marginalized_by_year
from orgsim.plots.trajectories import plot_trajectories

__all__ = ["plot_channels", "plot_marginalized_by_year", "plot_trajectories"]
