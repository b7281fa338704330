"""Sweeps: experiment designs (design.py), executors (executors.py) and the results store (store.py).

The `orgsim sweep` command (orgsim/commands/sweep.py) puts them together; none of them knows the model's
internals: runs go through `orgsim.api`.
"""
