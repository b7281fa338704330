"""Issue 22, identification measured: how far can the fitted figures narrow the calibrated parameters,
and would the held-out figures, fitted too, narrow more?

A prior sample of the calibration (configs/experiment/calibration.yaml: the ten parameters, their ranges,
20 organizations a set), run to the end of 2016 so the held-out rows can be read too, under the shipped
fit's setting:

    orgsim sweep experiment=calibration years=5 sweep.n=400 org.investment_rights=drawn \\
        executor=processes hydra.run.dir=STORE
    python experiments/identification.py STORE [--posterior experiments/results/calibration_drawn/posterior.csv]

Each figure's statistic (read as its target reads it) is emulated over the sample by least squares on
the ten parameters scaled to their prior ranges: linear (its slopes say how far each parameter moves it
over its whole range) and quadratic (every square and product; its 5-fold cross-validated R2 says how
much of the statistic's spread over the sets the parameters explain, the rest being the 20 organizations'
chance and what a quadratic misses). Then, for the fitted figures and for larger sets of them, the
posterior on the emulators: 200,000 draws from the uniform prior, each weighted by a Gaussian likelihood
of the figures with the variance the ABC's distance gives them (the figure's scale squared plus a set's
sampling variance). Its 90% widths over the prior ranges are set beside the shipped ABC's (`--posterior`):
where the emulators reproduce the fitted case, the larger sets say what fitting the held-out figures too
would identify. The linear information's directions (eigenvalues of J' S^-1 J over the prior precision)
say how many directions the figures inform at all.

Last, whether any parameter set meets the rows at all: the number of the prior draws whose emulated
statistics (the population's value at that set, the 20 organizations' chance smoothed out) lie within
every fitted figure's scale, and of those, within each other row's; within every row but one, and every
row; beside it, the count of the sample's own sets within each figure's scale widened by the set's
sampling error; and where a row left out lets the others be met, the draw that meets them with the
smallest largest gap, as overrides for `orgsim validate`. A row no draw meets together with
the fitted ones cannot be met by calibrating these ten parameters, as far as the emulators are right
(the script names such a draw so that `orgsim validate` can check it on real runs).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from spread_fit import SHOWN as READABLE  # noqa: E402  (the rows a 2012-2016 sample can read)
from spread_fit import load_sample  # noqa: E402

from orgsim.calibration.abc import row_statistics  # noqa: E402
from orgsim.calibration.targets import FIT_TARGETS  # noqa: E402

DRAWS = 200_000
FOLDS = 5


def quadratic(x: np.ndarray) -> np.ndarray:
    """1, every parameter, and every square and product of two (the emulator's terms)."""
    pairs = [x[:, i] * x[:, j] for i, j in itertools.combinations_with_replacement(range(x.shape[1]), 2)]
    return np.column_stack([np.ones(len(x)), x, *pairs])


def linear(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def cross_validated_r2(features: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> float:
    """R2 of the least-squares emulator on the sets left out, 5 folds."""
    folds = rng.permutation(len(y)) % FOLDS
    predicted = np.empty_like(y)
    for k in range(FOLDS):
        train = folds != k
        coef, *_ = np.linalg.lstsq(features[train], y[train], rcond=None)
        predicted[~train] = features[~train] @ coef
    return 1.0 - np.mean((y - predicted) ** 2) / np.var(y)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q * cumulative[-1])])


def widths_90(draws: np.ndarray, weights: np.ndarray) -> list[float]:
    """Each column's 90% interval width under the weights (draws scaled to the prior ranges: the width
    over the prior range)."""
    return [
        weighted_quantile(draws[:, i], weights, 0.95) - weighted_quantile(draws[:, i], weights, 0.05)
        for i in range(draws.shape[1])
    ]


def within(predicted: dict[str, np.ndarray], value: dict[str, float], scale: dict[str, float]):
    """Per row, whether each draw's (or set's) statistic lies within the figure's scale of it."""
    return {n: np.abs(predicted[n] - value[n]) <= scale[n] for n in predicted}


def all_but(meets: dict[str, np.ndarray], left: str) -> np.ndarray:
    """Whether each draw meets every row but `left`."""
    return np.logical_and.reduce([m for n, m in meets.items() if n != left])


def feasibility(meets: dict[str, np.ndarray], fit: list[str]) -> dict[str, int]:
    """How many draws meet every fitted row, those plus each other row, every row but one, and every row."""
    fitted = np.logical_and.reduce([meets[n] for n in fit])
    counts = {"every fitted row": int(fitted.sum())}
    counts.update({f"+ {n}": int((fitted & m).sum()) for n, m in meets.items() if n not in fit})
    counts.update({f"every row but {left}": int(all_but(meets, left).sum()) for left in meets})
    counts["every row"] = int(np.logical_and.reduce(list(meets.values())).sum())
    return counts


def abc_radius(report: Path) -> float | None:
    """The distance of the last set the shipped ABC accepted (its calibration.txt), None if not found."""
    found = (
        re.search(r"distance of the last accepted ([0-9.]+)", report.read_text())
        if report.is_file()
        else None
    )
    return float(found.group(1)) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="the sweep folder of the command above")
    parser.add_argument(
        "--posterior", type=Path, default=HERE / "results" / "calibration_drawn" / "posterior.csv"
    )
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    per_run, params, priors = load_sample(args.store)
    table = row_statistics(per_run, [t.fit_statistic for t in READABLE]).dropna()
    scaled = np.column_stack(
        [(params.loc[table.index, k] - lo) / (hi - lo) for k, (lo, hi) in priors.items()]
    )
    keys, short = list(priors), [k.split(".")[-1] for k in priors]
    runs_per_set = int(per_run.groupby("row").size().median())
    print(f"{len(table)} sets x {runs_per_set} organizations ({args.store.name})")

    slopes, emulators, noise = {}, {}, {}
    print(
        "\neach figure's statistic over the sets: the linear emulator's slope over each parameter's whole prior"
    )
    print("range, and the cross-validated R2 of the linear and the quadratic emulator:")
    print("| row | use | scale | R2 linear | R2 quadratic | " + " | ".join(short) + " |")
    print("|---|---|---|---|---|" + "---|" * len(keys))
    for t in READABLE:
        y = table[t.name].to_numpy()
        slopes[t.name] = np.linalg.lstsq(linear(scaled), y, rcond=None)[0][1:]
        emulators[t.name] = np.linalg.lstsq(quadratic(scaled), y, rcond=None)[0]
        noise[t.name] = t.scale**2 + float(table[f"{t.name}_var"].median())  # as the ABC's distance
        r2 = [cross_validated_r2(f(scaled), y, rng) for f in (linear, quadratic)]
        cells = [f"{s:+.3f}" for s in slopes[t.name]]
        print(
            f"| {t.name} | {t.use} | {t.scale:.3g} | {r2[0]:.2f} | {r2[1]:.2f} | " + " | ".join(cells) + " |"
        )

    fit = [t.name for t in FIT_TARGETS]
    held = [t.name for t in READABLE if t.use == "held_out"]
    figure_sets = {
        f"fitted ({len(fit)})": fit,
        f"fitted + held out ({len(fit) + len(held)})": fit + held,
        f"every readable row ({len(READABLE)})": [t.name for t in READABLE],
    }
    value = {t.name: t.value for t in READABLE}

    print("\nlinear information per direction: the width the figures leave, over the prior's (1 / sqrt(1 +")
    print("eigenvalue of J' S^-1 J / 12)); directions beyond the number of figures carry none")
    print("| figures | " + " | ".join(f"d{i + 1}" for i in range(len(keys))) + " |")
    print("|---|" + "---|" * len(keys))
    for label, names in figure_sets.items():
        j = np.array([slopes[n] for n in names])
        info = j.T @ np.diag([1.0 / noise[n] for n in names]) @ j
        eigen = np.clip(np.linalg.eigvalsh(info / 12.0), 0.0, None)[::-1]
        print(f"| {label} | " + " | ".join(f"{1 / np.sqrt(1 + e):.2f}" for e in eigen) + " |")

    draws = rng.random((DRAWS, len(keys)))
    features = quadratic(draws)
    predicted = {n: features @ coef for n, coef in emulators.items()}
    radius = abc_radius(args.posterior.parent / "calibration.txt")
    widths, sizes = {}, {}
    for label, names in figure_sets.items():
        squared = sum((predicted[n] - value[n]) ** 2 / noise[n] for n in names)
        kernels = {label: np.exp(-0.5 * (squared - squared.min()))}
        if radius is not None and names == fit:  # the ABC's own rule: every draw within its last distance
            kernels[f"fitted, ABC's rule (distance <= {radius:.2f})"] = (np.sqrt(squared) <= radius).astype(
                float
            )
        for name, w in kernels.items():
            sizes[name] = float(w.sum() ** 2 / (w**2).sum())
            widths[name] = widths_90(draws, w)
    shipped = pd.read_csv(args.posterior).set_index("parameter") if args.posterior.is_file() else None
    print(f"\nposterior on the emulators ({DRAWS:,} prior draws; effective draws: ")
    print("; ".join(f"{label} {size:,.0f}" for label, size in sizes.items()) + "): 90% width over the prior")
    print(
        "range (under 0.5: narrowed to under half)"
        + (", beside the shipped ABC's" if shipped is not None else "")
    )
    head = [*widths, *(["shipped ABC (fitted)"] if shipped is not None else [])]
    print("| parameter | " + " | ".join(head) + " |")
    print("|---|" + "---|" * len(head))
    for i, key in enumerate(keys):
        cells = [f"{widths[label][i]:.2f}" for label in widths]
        if shipped is not None:
            cells.append(f"{shipped.loc[key, 'width_ratio']:.2f}" if key in shipped.index else "-")
        print(f"| `{key}` | " + " | ".join(cells) + " |")
    print("| narrowed to under half | " + " | ".join(
        str(sum(w < 0.5 for w in widths[label])) for label in widths
    ) + (f" | {int((shipped['width_ratio'] < 0.5).sum())} |" if shipped is not None else " |"))  # fmt: skip

    scale = {t.name: t.scale for t in READABLE}
    meets = within(predicted, value, scale)
    on_emulators = feasibility(meets, fit)
    # the sample's own sets: each figure's scale widened by that set's sampling error
    own = {n: table[n].to_numpy() for n in value}
    widened = {n: np.sqrt(scale[n] ** 2 + table[f"{n}_var"].to_numpy()) for n in value}
    own_meets = within(own, value, widened)
    in_sample = feasibility(own_meets, fit)
    print("\ncan any set meet the rows? Draws whose emulated statistics lie within every fitted figure's")
    print("scale, and of those within each other row's; beside it, the sample's own sets (scale widened by")
    print("the set's sampling error):")
    print(f"| rows met | prior draws (of {DRAWS:,}) | sample's sets (of {len(table)}) |")
    print("|---|---|---|")
    for label, count in on_emulators.items():
        print(f"| {label} | {count:,} | {in_sample[label]} |")
    # the same over the rows `orgsim validate` counts: forecasts are shown there, not counted
    counted = {t.name for t in READABLE if t.counted}
    if counted != set(meets):
        left_out = ", ".join(sorted(set(meets) - counted))
        print(f"\nthe same over the counted rows ({left_out} left out: a forecast, not counted):")
        print(f"| rows met | prior draws (of {DRAWS:,}) | sample's sets (of {len(table)}) |")
        print("|---|---|---|")
        on_counted = feasibility({n: m for n, m in meets.items() if n in counted}, fit)
        in_counted = feasibility({n: m for n, m in own_meets.items() if n in counted}, fit)
        for label, count in on_counted.items():
            if label.startswith("every"):
                print(f"| {label} | {count:,} | {in_counted[label]} |")
    # where the rows that can be met together lie: the draw with the smallest largest gap (in scales)
    # among those meeting every row but one, as overrides `orgsim validate` can run
    for left in meets:
        met = np.flatnonzero(all_but(meets, left))
        if not len(met):
            continue
        rest = [n for n in meets if n != left]
        worst = np.max([np.abs(predicted[n][met] - value[n]) / scale[n] for n in rest], axis=0)
        best = met[int(np.argmin(worst))]
        overrides = " ".join(
            f"{k}={lo + (hi - lo) * draws[best, i]:.4g}" for i, (k, (lo, hi)) in enumerate(priors.items())
        )
        print(f"\nevery row but {left}: the draw with the smallest largest gap ({worst.min():.2f} scales):")
        print(f"  {overrides}")
        print("  emulated: " + ", ".join(f"{n} {predicted[n][best]:.3f}" for n in meets))
        spans = ", ".join(
            f"{s} {lo + (hi - lo) * draws[met, i].min():.3g}-{lo + (hi - lo) * draws[met, i].max():.3g}"
            for i, (s, (lo, hi)) in enumerate(zip(short, priors.values(), strict=True))
        )
        print(f"  the {len(met)} draws span: {spans}; {left} emulated "
              f"{predicted[left][met].min():.3f}-{predicted[left][met].max():.3f}")  # fmt: skip
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
