"""Publication figures drawn from the replicate x month timeseries table and the run summary."""

from orgsim.plots.channels import plot_channels
from orgsim.plots.marginalized import plot_marginalized_by_year
from orgsim.plots.trajectories import plot_trajectories

__all__ = ["plot_channels", "plot_marginalized_by_year", "plot_trajectories"]
