# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # Tutorial 1: one organization, month by month
#
# For students. We build one simulated firm, step it a month at a time, and read what BYOT ("bring your
# own technology": departments buying their own software) does to corporate IT's role, straight from the
# model's monthly reporters. We then run the same firm under two IT policies and save a figure.
#
# **Run time**: about 2 s at full size (8 years) and at small size alike (imports dominate), measured on a shared
# 2-core machine. Run it as a script (`python tutorials/01_one_organization.py`) or open it in Jupyter with
# jupytext. `ORGSIM_TUTORIAL_SIZE=small` shortens it (the test suite runs it that way).

# %%
import os

import matplotlib

matplotlib.use("Agg")  # write files; no window needed
import matplotlib.pyplot as plt

from orgsim import api
from orgsim.outcomes import outcome

SMALL = os.environ.get("ORGSIM_TUTORIAL_SIZE") == "small"
YEARS = 2 if SMALL else 8
SEED = 7

# %% [markdown]
# ## Build one organization
# `api.build_model` composes the shipped configuration (the 2012 baseline scenario, a mid-size firm) and
# returns an un-run Mesa model. Any parameter that `orgsim params` lists can be set with its dotted key.
# The gatekeeper policy is IT's classic stance: it approves or refuses every tool.

# %%
model = api.build_model({"years": YEARS}, seed=SEED, policy="gatekeeper")
print(f"{len(model.department_list)} departments: {', '.join(model.department_names)}")
print(f"horizon: {model.horizon} months from {model.setting.start_year}")

# %% [markdown]
# ## Step it month by month
# Each `model.step()` is one month. After every step the model's recorder holds one more row of the
# monthly reporters. Here we watch the share of deployments that came in outside IT (`shadow_share`)
# and IT's influence, a 0-1 index built from what IT controls and does.

# %%
for _ in range(12):
    model.step()
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    print(f"month {model.month:3d}: shadow share {row.shadow_share:.2f}, IT influence {row.it_influence:.2f}")
model.run()  # the remaining months to the horizon
monthly = model.datacollector.get_model_vars_dataframe()
print(monthly.columns.tolist())

# %% [markdown]
# Every column has a meaning and a unit in the outcome registry (`orgsim.outcomes`), the same text the
# figures and the docs use:

# %%
for name in ("shadow_share", "it_influence", "it_spend_share", "it_role"):
    o = outcome(name, "monthly")
    print(f"{name:15s} {o.meaning} [{o.unit}]")
print(monthly[["month", "shadow_share", "it_influence", "it_role"]].iloc[:: max(1, len(monthly) // 8)])

# %% [markdown]
# ## What BYOT does: the same firm under open BYOT
# `laissez_faire` lets departments buy what they like. With the same seed the firm starts from the same
# draws, so the gap between the two lines is the policy, not chance (for one firm; tutorial 2 asks how
# far one firm generalizes).

# %%
runs = {}
for policy in ("gatekeeper", "laissez_faire"):
    m = api.build_model({"years": YEARS}, seed=SEED, policy=policy)
    runs[policy] = m.run().datacollector.get_model_vars_dataframe()
    m.release()  # mesa 3.3 keeps finished models in a registry; let this one go

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
for ax, name in zip(axes, ("shadow_share", "it_influence"), strict=True):
    for policy, table in runs.items():
        ax.plot(table["month"] / 12 + model.setting.start_year, table[name], label=policy.replace("_", " "))
    ax.set_title(outcome(name, "monthly").short or name)
    ax.set_xlabel("year")
axes[0].legend(frameon=False)
fig.tight_layout()
fig.savefig("one_organization.png", dpi=120)
for policy, table in runs.items():
    last = table.iloc[-1]
    print(f"{policy:14s} final shadow share {last.shadow_share:.2f}, IT influence {last.it_influence:.2f}")
print("figure: one_organization.png")
