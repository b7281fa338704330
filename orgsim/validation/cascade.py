"""Check: the threshold rule's global cascades on Erdos-Renyi graphs fall in Watts's (2002) window.

One random seed adopter per graph, thresholds phi = 0.18 for everyone; a cascade is global when more than
10% adopt at the rule's fixed point. The analytic window is where sum_k k(k-1) rho_k p_k > z (Poisson p_k,
rho_k = P(phi <= 1/k)); inside it a seed next to the giant vulnerable cluster sets off a global cascade.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm, poisson

from orgsim.config.schema import ThresholdConfig
from orgsim.model.network import adjacency_from_edges, erdos_renyi_edges
from orgsim.model.threshold import Exposure, adopting_share, draw_thresholds, spread
from orgsim.report import wilson_interval
from orgsim.validation.registry import Check, CheckResult, Context

NAME = "watts_cascade"
THRESHOLDS = ThresholdConfig(distribution="fixed", mean=0.18)
GLOBAL = 0.10  # a cascade is global above this share of the graph
EMPLOYEES = {"full": 10_000, "quick": 2_000}
Z_FULL = tuple(np.round(np.arange(0.5, 10.01, 0.5), 2))  # 20 mean degrees
Z_QUICK = (0.5, 2.0, 3.0, 4.0, 8.0, 10.0)
# Pass rules (stated in the table): frequent inside the window, at most a stray cascade outside it
INSIDE_MARGIN = 0.5  # z at least this far inside both edges counts as inside
OUTSIDE_MARGIN = 1.0  # ... and this far outside as well outside
INSIDE_LEVEL = 0.25  # lowest cascade frequency allowed inside
OUTSIDE_LEVEL = 0.02  # highest cascade frequency allowed well outside
EDGE_TOLERANCE = 1.0  # simulated upper edge (frequency falls below 0.05) vs the analytic one, in z


# --- theory ------------------------------------------------------------------------------------------


def threshold_cdf(cfg: ThresholdConfig, x: np.ndarray) -> np.ndarray:
    """P(phi <= x) for the thresholds `draw_thresholds` draws (clipped to [0, 1])."""
    x = np.asarray(x, dtype=float)
    if cfg.distribution == "fixed" or cfg.spread == 0:
        cdf = (x >= cfg.mean).astype(float)
    elif cfg.distribution == "uniform":
        cdf = np.clip((x - (cfg.mean - cfg.spread)) / (2 * cfg.spread), 0.0, 1.0)
    else:
        cdf = norm.cdf(x, cfg.mean, cfg.spread)
    return np.where(x >= 1.0, 1.0, np.where(x < 0.0, 0.0, cdf))


def _degrees(z: float) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(0, int(z + 12 * np.sqrt(z) + 30))
    return k, poisson.pmf(k, z)


def vulnerable(cfg: ThresholdConfig, k: np.ndarray) -> np.ndarray:
    """rho_k: the chance that a node of degree k adopts once one neighbour has, P(phi <= 1/k)."""
    return threshold_cdf(cfg, 1.0 / np.maximum(k, 1))


def cascade_condition(z: float, cfg: ThresholdConfig = THRESHOLDS) -> float:
    """sum_k k(k-1) rho_k p_k - z: positive inside the cascade window."""
    k, pk = _degrees(z)
    return float(np.sum(k * (k - 1) * vulnerable(cfg, k) * pk) - z)


def cascade_window(cfg: ThresholdConfig = THRESHOLDS, z_max: float = 30.0) -> tuple[float, float]:
    """The (lower, upper) mean degree where the cascade condition changes sign (the outermost roots)."""
    grid = np.arange(0.05, z_max, 0.05)
    values = np.array([cascade_condition(z, cfg) for z in grid])
    crossing = np.flatnonzero(np.sign(values[1:]) != np.sign(values[:-1]))
    if len(crossing) == 0:
        return (np.nan, np.nan)
    roots = [brentq(cascade_condition, grid[i], grid[i + 1], args=(cfg,)) for i in crossing]
    return (float(roots[0]), float(roots[-1]))


def cascade_frequency(z: float, cfg: ThresholdConfig = THRESHOLDS) -> float:
    """The share of random seeds that set off a global cascade in an infinite graph: the extended
    vulnerable cluster, 1 - G0(u), u = 1 - sum_k (k p_k / z) rho_k (1 - u^{k-1}) (Watts 2002)."""
    k, pk = _degrees(z)
    excess = k * pk / z
    rho = vulnerable(cfg, k)
    u = 0.0  # from 0, the iteration climbs to the smallest fixed point: the giant cluster's
    for _ in range(10_000):
        new = 1.0 - np.sum(excess[1:] * rho[1:] * (1.0 - u ** (k[1:] - 1)))
        if abs(new - u) < 1e-12:
            break
        u = new
    frequency = float(1.0 - np.sum(pk * u**k))
    return frequency if frequency > 1e-9 else 0.0  # rounding leaves ~1e-12 where there is no cluster


# --- simulation --------------------------------------------------------------------------------------


def final_shares(task: tuple) -> np.ndarray:
    """Final adopting share of each trial: a new G(n, z/(n-1)) graph and one random seed adopter each."""
    z, n, trials, seed, exposure = task
    rng = np.random.default_rng(seed)
    thresholds = draw_thresholds(THRESHOLDS, n, rng)
    out = np.empty(trials)
    for trial in range(trials):
        adjacency = adjacency_from_edges(*erdos_renyi_edges(n, z, rng), n)
        degree = np.diff(adjacency.indptr).astype(float)
        adopted = np.zeros(n, dtype=bool)
        first = int(rng.integers(n))
        adopted[first] = True
        adopting_neighbours = np.zeros(n)
        adopting_neighbours[adjacency.indices[adjacency.indptr[first] : adjacency.indptr[first + 1]]] = 1.0
        spread(adjacency, adopted, adopting_neighbours, thresholds, degree, hops=None, exposure=exposure)
        out[trial] = adopted.mean()
    return out


def run_with(ctx: Context, exposure: Exposure = adopting_share) -> list[CheckResult]:
    """The check's rows, for the threshold rule with `exposure` (the model's: the adopting share)."""
    zs = Z_QUICK if ctx.quick else Z_FULL
    n = EMPLOYEES[ctx.size]
    trials = ctx.replicates_or(full=400, quick=60)
    seeds = ctx.seeds(NAME, len(zs))
    shares = ctx.map(final_shares, [(z, n, trials, s, exposure) for z, s in zip(zs, seeds, strict=True)])
    hits = np.array([int((s > GLOBAL).sum()) for s in shares])
    frequency = hits / trials
    low_edge, high_edge = cascade_window()
    theory = np.array([cascade_frequency(z) for z in zs])
    ctx.data[NAME] = {"z": np.array(zs), "hits": hits, "trials": trials, "n": n, "theory": theory}
    zs = np.array(zs)
    window = f"analytic window z in [{low_edge:.2f}, {high_edge:.2f}]"
    inside = (zs >= low_edge + INSIDE_MARGIN) & (zs <= high_edge - INSIDE_MARGIN)
    below = zs <= low_edge - OUTSIDE_MARGIN / 2  # below z = 1 there is no giant cluster at all
    above = zs >= high_edge + OUTSIDE_MARGIN
    rows = [
        _extreme_row(
            "watts inside window", window, zs, hits, trials, theory, inside, lowest=True,
            tolerance=f"frequency >= {INSIDE_LEVEL} at every z in [{low_edge + INSIDE_MARGIN:.2f}, "
            f"{high_edge - INSIDE_MARGIN:.2f}]",
            passes=lambda f: f >= INSIDE_LEVEL,
        ),
        _extreme_row(
            "watts below window", window, zs, hits, trials, theory, below, lowest=False,
            tolerance=f"frequency <= {OUTSIDE_LEVEL} at every z <= {low_edge - OUTSIDE_MARGIN / 2:.2f}",
            passes=lambda f: f <= OUTSIDE_LEVEL,
        ),
        _extreme_row(
            "watts above window", window, zs, hits, trials, theory, above, lowest=False,
            tolerance=f"frequency <= {OUTSIDE_LEVEL} at every z >= {high_edge + OUTSIDE_MARGIN:.2f}",
            passes=lambda f: f <= OUTSIDE_LEVEL,
        ),
    ]  # fmt: skip
    rows.append(_theory_row(zs, hits, trials, theory, inside))
    if not ctx.quick:  # the edge needs the fine grid of mean degrees
        rows.append(_edge_row(zs, frequency, high_edge))
    return rows


def theory_tolerance(trials: int) -> float:
    """Four binomial standard errors at a frequency of one half, and at least 0.1 for the finite graph."""
    return max(0.1, 4.0 * np.sqrt(0.25 / trials))


def _theory_row(zs, hits, trials, theory, inside) -> CheckResult:
    """Inside the window: the largest gap between simulated frequency and the infinite-graph theory."""
    tolerance = theory_tolerance(trials)
    candidates = np.flatnonzero(inside)
    gaps = np.abs(hits[candidates] / trials - theory[candidates])
    i = candidates[int(np.argmax(gaps))] if len(candidates) else 0
    low, high = wilson_interval(int(hits[i]), trials)
    return CheckResult(
        check="watts frequency vs theory",
        reference="Watts 2002: extended vulnerable cluster 1 - G0(u) (infinite graph)",
        target=float(theory[i]),
        model=float(hits[i] / trials),
        low=low,
        high=high,
        tolerance=f"|frequency - theory| <= {tolerance:.3g} inside the window",
        passed=bool(len(candidates) and gaps.max() <= tolerance),
        note=f"largest gap at z = {zs[i]:g}: {gaps.max() if len(gaps) else np.nan:.3f}",
    )


def _extreme_row(check, window, zs, hits, trials, theory, mask, lowest, tolerance, passes) -> CheckResult:
    """The row for the z values in `mask`: the one with the lowest (or highest) cascade frequency."""
    if not mask.any():
        return CheckResult(check, window, None, np.nan, np.nan, np.nan, tolerance, False, "no z in range")
    candidates = np.flatnonzero(mask)
    frequency = hits[candidates] / trials
    i = candidates[np.argmin(frequency) if lowest else np.argmax(frequency)]
    share = hits[i] / trials
    low, high = wilson_interval(int(hits[i]), trials)
    return CheckResult(
        check=check,
        reference=f"Watts 2002: {window}",
        target=float(theory[i]),
        model=float(share),
        low=low,
        high=high,
        tolerance=tolerance,
        passed=bool(all(passes(hits[j] / trials) for j in candidates)),
        note=(
            f"{'lowest' if lowest else 'highest'} frequency at z = {zs[i]:g} of {len(candidates)} z values "
            f"({trials} graphs each); target: extended vulnerable cluster 1 - G0(u)"
        ),
    )


def _edge_row(zs: np.ndarray, frequency: np.ndarray, analytic: float) -> CheckResult:
    """Where cascades stop: the midpoint between the last z above the window with frequency >= 0.05 and
    the next z, against the analytic upper edge."""
    frequent = np.flatnonzero(frequency >= 0.05)
    last = frequent[-1] if len(frequent) else 0
    after = min(last + 1, len(zs) - 1)
    edge = (zs[last] + zs[after]) / 2.0
    return CheckResult(
        check="watts upper edge",
        reference="Watts 2002: root of sum_k k(k-1) rho_k p_k = z",
        target=analytic,
        model=float(edge),
        low=float(zs[last]),
        high=float(zs[after]),
        tolerance=f"|edge - {analytic:.2f}| <= {EDGE_TOLERANCE}",
        passed=bool(abs(edge - analytic) <= EDGE_TOLERANCE),
        note="edge: midway between the last z with cascade frequency >= 0.05 and the next z on the grid",
    )


def run(ctx: Context) -> list[CheckResult]:
    return run_with(ctx)


def figure(ctx: Context, outdir: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = ctx.data.get(NAME)
    if data is None:
        return None
    low_edge, high_edge = cascade_window()
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.axvspan(low_edge, high_edge, color="tab:orange", alpha=0.15, label="analytic cascade window")
    fine = np.linspace(0.3, max(data["z"]) + 0.5, 300)
    ax.plot(fine, [cascade_frequency(z) for z in fine], color="tab:orange", lw=1,
            label="extended vulnerable cluster (theory)")  # fmt: skip
    interval = np.array([wilson_interval(int(h), data["trials"]) for h in data["hits"]])
    frequency = data["hits"] / data["trials"]
    ax.errorbar(
        data["z"], frequency, yerr=[frequency - interval[:, 0], interval[:, 1] - frequency],
        fmt="o", color="tab:blue", ms=4, capsize=2, label="simulated (95% Wilson)",
    )  # fmt: skip
    ax.set_xlabel("mean degree z")
    ax.set_ylabel("frequency of global cascades (> 10% adopt)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(
        f"Watts 2002: Erdos-Renyi, n = {data['n']:,}, phi = {THRESHOLDS.mean}, one seed; "
        f"{data['trials']} graphs per z, seed {ctx.seed}",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = outdir / "watts_cascade.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


CHECK = Check(
    name=NAME,
    description="threshold rule on Erdos-Renyi graphs: global cascades inside Watts's window only",
    run=run,
    figure=figure,
)
