"""A population's mix of IT policies across firms (issue 22, item 1): shares -> per-firm policies.

The mix is a population-level setting: `shares` maps a policy to the share of the population's firms that
run it, the rest run `rest` (gatekeeper). The allocation is stratified, not drawn: N firms are divided by
the shares with the largest-remainder rule, so a mix adds no sampling noise and firm i of a population
always runs the same policy (seeds per firm stay as they are). Nothing here runs a model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from orgsim.config.schema import POLICIES
from orgsim.config.validate import ConfigError

REST = "gatekeeper"


def check_shares(shares: Mapping[str, float], key: str = "population.policy_mix") -> dict[str, float]:
    """The shares as floats, or one ConfigError line naming the key: each share a policy other than the
    rest's, in [0, 1], and together at most 1."""
    out = {}
    for policy, share in shares.items():
        if policy not in POLICIES or policy == REST:
            allowed = ", ".join(p for p in POLICIES if p != REST)
            raise ConfigError(
                f"{key}.{policy}: not a policy of the mix (allowed: {allowed}; the rest is {REST})"
            )
        value = float(share)
        if not (0.0 <= value <= 1.0) or math.isnan(value):
            raise ConfigError(f"{key}.{policy}={share}: a share must lie in [0, 1]")
        out[policy] = value
    total = sum(out.values())
    if total > 1.0 + 1e-12:
        raise ConfigError(f"{key}: shares sum to {total:g}; they must sum to at most 1 (the rest is {REST})")
    return out


def policy_counts(shares: Mapping[str, float], n: int) -> dict[str, int]:
    """How many of `n` firms run each policy (the rest first, then the mix's policies in the order given):
    floor(share x n) each, the firms left over to the largest remainders (ties to the earlier policy,
    the rest's own remainder included), so the counts sum to `n` and never differ from share x n by a
    whole firm."""
    if n < 0:
        raise ConfigError(f"n={n}: the number of firms must be at least 0")
    mix = check_shares(shares)
    exact = {REST: n * (1.0 - sum(mix.values())), **{p: n * s for p, s in mix.items()}}
    counts = {p: math.floor(x + 1e-9) for p, x in exact.items()}
    left = n - sum(counts.values())
    order = sorted(exact, key=lambda p: -(exact[p] - counts[p]))  # stable: ties keep the given order
    for p in order[:left]:
        counts[p] += 1
    return counts


def firm_policies(shares: Mapping[str, float], n: int) -> list[str]:
    """The policy of firm 0..n-1: the counts of `policy_counts` laid out in blocks (the rest first), so
    firm i's policy depends only on the shares and n, and a population's firms keep their seeds."""
    return [p for p, c in policy_counts(shares, n).items() for _ in range(c)]
