"""Analyses of finished sweeps: sensitivity indices, PRIM scenario discovery and the variance split."""
