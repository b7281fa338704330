"""Issue 22, identification measured: how many of the calibrated parameters can the fitted figures narrow
to under half their prior range, and which further figures would narrow more?

A prior sample of the calibration (configs/experiment/calibration.yaml: the ten parameters, their ranges,
20 organizations a set), run to the end of 2016 so the held-out rows can be read too, under the shipped
fit's setting:

    orgsim sweep experiment=calibration years=5 sweep.n=400 org.investment_rights=drawn \\
        executor=processes hydra.run.dir=STORE
    python experiments/identification.py STORE [--posterior experiments/results/calibration_drawn/posterior.csv]

Each figure's statistic (read as its target reads it) is regressed on the ten parameters scaled to their
prior ranges (least squares over the sets): its slopes are how far each parameter moves it. In the
linear-Gaussian reading of the fit (prior: uniform on each range, variance 1/12 of its width squared;
each figure observed with the variance the ABC's distance gives it, its scale squared plus a set's
sampling variance), the data's information is J' S^-1 J, of rank at most the number of figures, and a
parameter's posterior variance is the diagonal of (12 I + J' S^-1 J)^-1. The script prints, for the
fitted figures and for larger sets of figures:

- per direction of the parameter space (eigenvectors of the data's information over the prior's), how
  much the figures shrink its width (1 / sqrt(1 + eigenvalue));
- per parameter, the predicted 90% width over its prior range (3.29 posterior standard deviations), and
  beside it the shipped ABC's (`--posterior`) as a check of the linear reading;
- a bound: a parameter is narrowed to under half its range only if the figures remove at least 72% of
  its prior variance; the variance the figures remove, summed over the parameters, is the trace of
  I - 12 C, at most the number of figures, so no more than trace / 0.72 parameters can be narrowed so by
  any fit to these figures at this tolerance (in the linear reading).
"""

from __future__ import annotations

import argparse
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

Z90 = 3.29  # a normal's 90% interval in standard deviations
HALF = 0.5  # "narrowed to under half its prior range"


def information(slopes: pd.DataFrame, noise: pd.Series) -> np.ndarray:
    """The figures' information about the scaled parameters, J' S^-1 J (parameters x parameters)."""
    j = slopes.to_numpy()
    return j.T @ np.diag(1.0 / noise.to_numpy()) @ j


def read(info: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per direction: the data's eigenvalues over the prior precision (12 on every scaled parameter); per
    parameter: the posterior variance (in units of the range squared) and the share of the prior variance
    the figures remove."""
    prior = 12.0
    eigen = np.clip(np.linalg.eigvalsh(info / prior), 0.0, None)[::-1]
    cov = np.linalg.inv(prior * np.eye(len(info)) + info)
    removed = 1.0 - prior * np.diag(cov)
    return eigen, np.diag(cov), removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="the sweep folder of the command above")
    parser.add_argument(
        "--posterior", type=Path, default=HERE / "results" / "calibration_drawn" / "posterior.csv"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    per_run, params, priors = load_sample(args.store)
    table = row_statistics(per_run, [t.fit_statistic for t in READABLE]).dropna()
    scaled = pd.DataFrame(
        {k: (params.loc[table.index, k] - lo) / (hi - lo) for k, (lo, hi) in priors.items()}
    )
    design = np.column_stack([np.ones(len(scaled)), scaled.to_numpy()])
    slopes, noise, fitness = {}, {}, {}
    for t in READABLE:
        y = table[t.name].to_numpy()
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        fitted = design @ coef
        slopes[t.name] = coef[1:]
        fitness[t.name] = 1.0 - np.var(y - fitted) / np.var(y)
        noise[t.name] = t.scale**2 + float(table[f"{t.name}_var"].median())  # as the ABC's distance
    slopes = pd.DataFrame(slopes, index=list(priors)).T
    noise = pd.Series(noise)
    runs_per_set = int(per_run.groupby("row").size().median())
    print(f"{len(table)} sets x {runs_per_set} organizations ({args.store.name})")

    print(
        "\nslope of each figure's statistic over each parameter's whole prior range (least squares over the"
    )
    print("sets; R2 of the linear fit), against the figure's scale:")
    short = {k: k.split(".")[-1] for k in priors}
    print("| row | use | scale | R2 | " + " | ".join(short.values()) + " |")
    print("|---|---|---|---|" + "---|" * len(priors))
    for t in READABLE:
        cells = [f"{slopes.loc[t.name, k]:+.3f}" for k in priors]
        print(f"| {t.name} | {t.use} | {t.scale:.3g} | {fitness[t.name]:.2f} | " + " | ".join(cells) + " |")

    fit = [t.name for t in FIT_TARGETS]
    held = [t.name for t in READABLE if t.use == "held_out"]
    figure_sets = {
        f"fitted ({len(fit)})": fit,
        f"fitted + held out ({len(fit) + len(held)})": fit + held,
        f"every readable row ({len(READABLE)})": [t.name for t in READABLE],
    }
    shipped = pd.read_csv(args.posterior).set_index("parameter") if args.posterior.is_file() else None
    results = {}
    for label, names in figure_sets.items():
        results[label] = read(information(slopes.loc[names], noise[names]))
    print("\nper direction: the width the figures leave, over the prior's (1 / sqrt(1 + eigenvalue)); the")
    print("directions beyond the number of figures carry no information")
    print("| figures | " + " | ".join(f"d{i + 1}" for i in range(len(priors))) + " |")
    print("|---|" + "---|" * len(priors))
    for label, (eigen, _, _) in results.items():
        print(f"| {label} | " + " | ".join(f"{1 / np.sqrt(1 + e):.2f}" for e in eigen) + " |")

    print("\npredicted 90% width over the prior range per parameter (linear-Gaussian reading; under 0.5:")
    print("narrowed to under half)" + (", and the shipped ABC's" if shipped is not None else ""))
    head = [*figure_sets, *(["shipped ABC (fitted)"] if shipped is not None else [])]
    print("| parameter | " + " | ".join(head) + " |")
    print("|---|" + "---|" * len(head))
    for i, key in enumerate(priors):
        cells = [f"{min(0.9, Z90 * np.sqrt(var[i])):.2f}" for _, var, _ in results.values()]
        if shipped is not None:
            cells.append(f"{shipped.loc[key, 'width_ratio']:.2f}" if key in shipped.index else "-")
        print(f"| `{key}` | " + " | ".join(cells) + " |")
    # narrowed to under half: Z90 * sd < HALF, i.e. the figures remove more than 1 - 12 (HALF / Z90)^2
    needed = 1.0 - 12.0 * (HALF / Z90) ** 2
    print(
        f"\nbound: narrowing a parameter to under half its range needs the figures to remove {needed:.0%} of its"
    )
    print(
        "prior variance; the variance removed, summed over the parameters, is at most the number of figures"
    )
    print(
        "| figures | narrowed (predicted) | variance removed, summed | at most narrowed by any fit to them |"
    )
    print("|---|---|---|---|")
    for label, (_, var, removed) in results.items():
        narrowed = int((Z90 * np.sqrt(var) < HALF).sum())
        print(f"| {label} | {narrowed} | {removed.sum():.2f} | {int(removed.sum() / needed)} |")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
