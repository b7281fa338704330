"""Calibration: published targets, their model statistics, and approximate Bayesian computation."""
