"""Publication figures drawn from the replicate x month timeseries table."""

from orgsim.plots.channels import plot_channels
from orgsim.plots.trajectories import plot_trajectories

__all__ = ["plot_channels", "plot_trajectories"]
