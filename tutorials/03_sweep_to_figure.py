# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # Tutorial 3: from a sweep config to a published figure and a sensitivity table
#
# For analysts. A shipped experiment config declares the design (here Sobol over five levers and seven
# uncertainties); `orgsim sweep` runs it into a resumable folder, `orgsim analyze sensitivity` turns the
# runs into Sobol indices with intervals and the share of variance due to seeds, and `orgsim plot`
# draws the figure from those tables with the data beside it as CSV. We call the commands through
# `orgsim.cli.main`, exactly what the `orgsim` shell command runs, so each cell is also a shell line.
#
# **Run time**: about 40 s at full size (Sobol n=32 base samples, 4 replicates: 1,792 runs, serial)
# and 5 s at small size, measured on a shared 2-core machine. The shipped experiment's own
# size (n=128, 16 replicates: 28,672 runs) is for `executor=processes` on a workstation.
# `ORGSIM_TUTORIAL_SIZE=small` shortens it (the test suite runs it that way).

# %%
import os
from pathlib import Path

import pandas as pd

from orgsim.cli import main
from orgsim.config.compose import config_dir

SMALL = os.environ.get("ORGSIM_TUTORIAL_SIZE") == "small"
N, REPLICATES, YEARS = (4, 2, 3) if SMALL else (32, 4, 8)
OUTCOME = "final_it_influence"
work = Path("tutorial3").resolve()  # every folder of this tutorial, under the current directory

# %% [markdown]
# ## The experiment config
# Experiments live in the package's configs (`configs/experiment/` in a checkout). Any key can be
# overridden on the command line, so the shipped design runs here at a smaller size.

# %%
print((config_dir() / "experiment" / "global_sensitivity.yaml").read_text())


def orgsim(*args: str) -> None:
    """`orgsim ARGS` in this process; stop the tutorial if the command fails."""
    print("$ orgsim", " ".join(args))
    code = main(list(args))
    if code:
        raise SystemExit(f"orgsim {args[0]} failed with exit code {code}")


# %% [markdown]
# ## Run the sweep
# `executor=serial` keeps it in this process; `executor=processes` uses every core. Running the same
# line again resumes an interrupted sweep instead of starting over.

# %%
sweep_dir = work / "sweep"
orgsim(
    "sweep", "experiment=global_sensitivity", f"sweep.n={N}", f"replicates={REPLICATES}", f"years={YEARS}",
    "executor=serial", f"hydra.run.dir={sweep_dir}",
)  # fmt: skip
runs = pd.read_parquet(sweep_dir / "runs.parquet")
print(
    f"{len(runs)} runs, {runs.columns.size} columns; first outcomes:\n{runs[[OUTCOME, 'marginalized']].describe()}"
)

# %% [markdown]
# ## Sensitivity table
# First-order (S1) and total (ST) Sobol indices per input with 95% intervals. `seed_share` says how
# much of the outcome's variance is replicate noise: indices of a noisy outcome are flagged.

# %%
analysis_dir = work / "sensitivity"
orgsim("analyze", "sensitivity", f"input={sweep_dir}", f"hydra.run.dir={analysis_dir}")
table = pd.read_csv(analysis_dir / "sensitivity.csv")
mine = table[(table["outcome"] == OUTCOME) & table["index"].isin(["S1", "ST"])]
wide = mine.pivot_table(index="parameter", columns="index", values=["value", "conf"])
wide.columns = [f"{index} {'+-95%' if what == 'conf' else ''}".strip() for what, index in wide.columns]
wide = wide[["S1", "S1 +-95%", "ST", "ST +-95%"]]
print(wide.sort_values("ST", ascending=False).round(3).to_string())
seeds = table[(table["outcome"] == OUTCOME) & (table["index"] == "seed_share")]["value"].iloc[0]
print(f"share of {OUTCOME}'s variance due to seeds: {seeds:.0%}")

# %% [markdown]
# ## The figure
# `orgsim plot` draws the shipped `sensitivity` spec; the CSV next to the PNG holds exactly the numbers
# drawn, for a paper's supplement.

# %%
figure_dir = work / "figure"
orgsim(
    "plot",
    "plot=sensitivity",
    f"input={analysis_dir}",
    f"plot.outcome={OUTCOME}",
    f"hydra.run.dir={figure_dir}",
)
for path in sorted(figure_dir.iterdir()):
    if path.is_file():
        print(f"wrote {path.relative_to(work.parent)}")
