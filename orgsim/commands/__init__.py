"""Sub-commands of `orgsim`: each a thin Hydra entry point over a pure function."""
