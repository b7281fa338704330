# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # Tutorial 2: policies and levers with paired replicates and intervals
#
# One simulated organization is one draw: its departments, its CIO and its luck. Comparing two policies on
# one run each says little, because the gap between two firms' luck can be larger than the gap the
# policy makes. Here we (1) see how much one run's answer varies, (2) compare policies on *paired*
# replicates (replicate r of every policy is the same organization with the same random numbers), and
# (3) report each difference with a 95% interval. The same reasoning holds for any lever.
#
# **Run time**: about 10 s at full size (100 paired organizations, 3 policies, a CIO-willingness lever) and
# 3 s at small size, measured on a shared 2-core machine. `ORGSIM_TUTORIAL_SIZE=small`
# shortens it (the test suite runs it that way).

# %%
import os

import numpy as np
from scipy import stats

from orgsim import api

SMALL = os.environ.get("ORGSIM_TUTORIAL_SIZE") == "small"
REPLICATES = 6 if SMALL else 100
YEARS = 3 if SMALL else 8
OUTCOME = "final_it_influence"  # IT influence over the final months (see `orgsim params`, outcomes docs)
POLICIES = ("gatekeeper", "broker", "laissez_faire")


def runs(policy: str, **params) -> np.ndarray:
    """OUTCOME of replicates 0..REPLICATES-1 under `policy`: replicate r is seed r, the same firm in
    every call, so two calls give paired samples."""
    return np.array(
        [api.run_one({"years": YEARS, **params}, seed=r, policy=policy)[OUTCOME] for r in range(REPLICATES)]
    )


def paired_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of a - b with its 95% t interval (paired: the firm's own luck cancels in each difference)."""
    d = a - b
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


# %% [markdown]
# ## One run each: the answer depends on which firm you happened to draw

# %%
outcomes = {policy: runs(policy) for policy in POLICIES}
one_run = outcomes["broker"] - outcomes["gatekeeper"]
print(f"broker minus gatekeeper, one firm at a time: {np.round(one_run[:6], 3)}")
print(f"the single-run gap ranges from {one_run.min():.3f} to {one_run.max():.3f}")
print(f"spread of {OUTCOME} across firms under one policy (sd): {outcomes['gatekeeper'].std(ddof=1):.3f}")

# %% [markdown]
# ## Paired replicates and intervals
# Differences taken firm by firm remove what the firms share. Compare the paired interval with the one
# that ignores the pairing (Welch's), which has to carry the firms' own spread.

# %%
base = outcomes["gatekeeper"]
for policy in POLICIES[1:]:
    mean, low, high = paired_interval(outcomes[policy], base)
    welch = stats.ttest_ind(outcomes[policy], base, equal_var=False).confidence_interval(0.95)
    print(
        f"{policy:14s} - gatekeeper: {mean:+.3f}  paired 95% [{low:+.3f}, {high:+.3f}]"
        f"  unpaired [{welch.low:+.3f}, {welch.high:+.3f}]  ({REPLICATES} firms)"
    )

# %% [markdown]
# ## A lever: CIO willingness to act
# Levers are parameters a firm controls. Setting `it.cio.draw=false` fixes the CIO's stance instead of
# drawing it per firm, so the lever's two levels meet the same firms.

# %%
cio = {"it.cio.draw": False, "it.cio.aspiration": 0.6}
low_w = runs("gatekeeper", **cio, **{"it.cio.willingness": 0.05})
high_w = runs("gatekeeper", **cio, **{"it.cio.willingness": 0.5})
mean, low, high = paired_interval(high_w, low_w)
print(f"willingness 0.5 vs 0.05 under gatekeeper: {mean:+.3f}  paired 95% [{low:+.3f}, {high:+.3f}]")

# %% [markdown]
# For many runs, use `api.Runner(workers=N).map(points)` (a process pool) or `orgsim sweep` (tutorial 3);
# replicate r of every point gets the same seed there too, so their differences are paired as here.
