"""How much of an outcome's variance is due to the organization's levers, the world's uncertainties, their
interaction, and chance (the replicate seed), with bootstrap intervals.

The design is crossed: every lever setting s meets every world w, and each (s, w) cell holds R replicates.
Replicate r of world w has the same seed under every setting (paired runs), so replicates are nested in
worlds and crossed with settings. The runs' outcome y[s, w, r] then splits into orthogonal sums of squares

    settings (A), worlds (B), replicates within worlds (R(B)), settings x worlds (AB),
    settings x replicates within worlds (AR(B))

and the variance components follow from their expected mean squares (method of moments, random effects):

    seeds         = (MS_R - MS_AR) / S + MS_AR       (= the mean within-cell variance)
    interaction   = (MS_AB - MS_AR) / R
    levers        = (MS_A - MS_AB) / (W R)
    uncertainties = (MS_B - MS_R - MS_AB + MS_AR) / (S R)

The lever settings are a fixed, listed set, so their two components are scaled by (S - 1) / S: the variance
of a run drawn uniformly from this design. Negative estimates (sampling noise) count as 0; a share is a
component over the sum of components. A source the design holds fixed (one setting, one world) gets NaN.
Intervals: percentile bootstrap over whole worlds (each with all its runs) when the worlds are a sample
(lhs, sobol, morris), else over replicates within each world, the same draw for every setting (keeping the
pairing); settings are never resampled. Knows arrays and tables, not the model.

The CIO the organization drew. With `it.cio.draw` each organization draws whether its CIO aspires and
whether it acts (the runs' bool columns cio_aspires and cio_acts): a type per run, acting (drawn
willing to act), aspiring only, or neither. The draw is part of the seed, so "seeds" holds it; the sources
call it decisive, so the seeds component is split in two, `cio` + `chance` = `seeds`:

    chance = SS_resid / (S W (R - 1) - k)        cio = seeds - chance   (at least 0)

where SS_resid is the within-cell sum of squares left after regressing the outcome on the type (two
dummies, neither the reference), with cell means removed from both (the within estimator), one regression
per lever setting pooled over its worlds and replicates (so the CIO's effect may differ by setting, and
the share of acting CIOs, which a lever such as it.cio.willingness sets, stays with the levers), and k the
summed ranks of those regressions. With types independent of the noise, chance estimates the noise
variance and cio the within-cell variance of the type's effect (Delta^2 p (1 - p) for two types with
effect Delta and frequency p). Intervals: the same bootstrap draws, types resampled with their runs (with
fixed worlds the replicates' rescaling applies to the outcome only, so the split's interval is approximate
there). `variance_table` adds the rows `cio` and `chance` after the four sources when the runs hold the
draw; `variance_by` repeats the split within each value of a lever (e.g. per policy).

The organization drawn. In an industry (org.size_spread, org.it_budget_spread, org.committed_spread) each
run also draws its organization, and the runs keep what was drawn (headcount, firm_it_intensity,
firm_committed_share, and the department mix (org.mix_spread) as what it means for adoption:
firm_autonomy, the business headcount's mean technology autonomy, and firm_marketing_share; under
org.investment_rights=drawn, firm_it_investment_part). When they do, the CIO's residual is split again:
the within-cell regression gains those as covariates (log headcount, log IT intensity, logit committed
share, logit autonomy, logit marketing share, IT's investment part), and

    organization = chance_CIO - chance_CIO+firm   (at least 0)     chance = seeds - cio - organization

so `cio` + `organization` + `chance` = `seeds` (the CIO first; the two draws are independent, so the
order matters little). Runs stored before the mix was kept (no firm_autonomy column) split by the first
three, the mix staying in `chance`. The mix's two summaries carry most, not all, of what the drawn mix
does (experiments/mix_variance.py: 3.0 of the 4.7 points of R^2 of final influence that all eight
departments' shares add, 600 organizations at the calibrated defaults); the rest stays in `chance`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCES = ("levers", "uncertainties", "interaction", "seeds")
SPLIT = ("cio", "chance")  # the seeds component, split: the CIO the organization drew, and what remains
FIRM_SPLIT = ("cio", "organization", "chance")  # ... and the organization drawn, when the runs keep it
FIRM_COLUMNS = ("headcount", "firm_it_intensity", "firm_committed_share")
MIX_COLUMNS = ("firm_autonomy", "firm_marketing_share")  # the department mix, when the runs keep it
RIGHTS_COLUMN = "firm_it_investment_part"  # IT's part in core investments, when org.investment_rights=drawn
CIO_TYPES = ("neither", "aspiring", "acting")  # type codes 0, 1, 2 (acting: drawn willing to act)
MAIN_OUTCOME = "final_it_influence"  # continuous: the outcome of the split within each policy


class DesignError(ValueError):
    """The runs do not form the design an analysis needs; one line naming what is missing."""


def crossed_array(runs: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome as an array [setting, world, replicate]; DesignError unless every cell has the same
    replicates."""
    cells = runs.groupby(["setting", "world"]).size()
    settings = np.sort(runs["setting"].unique())
    worlds = np.sort(runs["world"].unique())
    replicates = np.sort(runs["replicate"].unique())
    if len(cells) != len(settings) * len(worlds) or cells.nunique() != 1 or cells.iloc[0] != len(replicates):
        raise DesignError(
            "the runs are not a complete crossed design (every lever setting in every world with the same "
            f"replicates): {len(runs)} runs, {len(settings)} settings x {len(worlds)} worlds x "
            f"{len(replicates)} replicates; finish the sweep (run it again) first"
        )
    table = runs.set_index(["setting", "world", "replicate"])[outcome].astype(float)
    index = pd.MultiIndex.from_product([settings, worlds, replicates])
    return table.reindex(index).to_numpy().reshape(len(settings), len(worlds), len(replicates))


def cio_types(runs: pd.DataFrame) -> pd.Series | None:
    """Each run's CIO type code (CIO_TYPES): 2 acting (drawn willing to act), 1 aspiring only, 0 neither;
    None when the runs hold no per-organization draw (columns missing, or null: it.cio.draw=false)."""
    columns = ("cio_aspires", "cio_acts")
    if not set(columns) <= set(runs.columns) or runs[list(columns)].isna().any(axis=None):
        return None
    aspires, acts = (runs[c].astype(bool) for c in columns)
    return (2 * acts + (aspires & ~acts)).astype(int)


def crossed_types(runs: pd.DataFrame) -> np.ndarray | None:
    """The CIO type codes as an array [setting, world, replicate] (None without the draw)."""
    types = cio_types(runs)
    if types is None:
        return None
    return crossed_array(runs.assign(_cio_type=types), "_cio_type").astype(int)


def crossed_firms(runs: pd.DataFrame) -> np.ndarray | None:
    """What each run's organization drew, as covariates [setting, world, replicate, k]: log headcount, log
    IT intensity, logit committed share, (when the runs keep the mix) logit autonomy and logit marketing
    share, and (when it varies) IT's part in core investments; None when the runs do not keep them or
    none of them varies."""
    if not set(FIRM_COLUMNS) <= set(runs.columns) or runs[list(FIRM_COLUMNS)].isna().any(axis=None):
        return None
    covariates = {
        "_size": np.log(runs["headcount"].astype(float)),
        "_it": np.log(runs["firm_it_intensity"].astype(float)),
        "_committed": _logit(runs["firm_committed_share"]),
    }
    if set(MIX_COLUMNS) <= set(runs.columns) and not runs[list(MIX_COLUMNS)].isna().any(axis=None):
        covariates["_autonomy"] = _logit(runs["firm_autonomy"])
        covariates["_marketing"] = _logit(runs["firm_marketing_share"])
    rights = runs.get(RIGHTS_COLUMN)
    if rights is not None and not rights.isna().any() and np.ptp(rights.to_numpy(dtype=float)) > 0:
        covariates["_rights"] = rights.astype(float)  # only where org.investment_rights=drawn varied it
    if all(np.ptp(v.to_numpy()) == 0 for v in covariates.values()):
        return None  # one organization, drawn nowhere: nothing to split off
    frame = runs.assign(**covariates)
    return np.stack([crossed_array(frame, name) for name in covariates], axis=-1)


def _logit(values: pd.Series) -> pd.Series:
    share = values.astype(float).clip(1e-9, 1 - 1e-9)
    return np.log(share / (1 - share))


def components(y: np.ndarray) -> np.ndarray:
    """Variance components (levers, uncertainties, interaction, seeds) of y[..., S, W, R], last three axes
    the design; leading axes are bootstrap draws. NaN for a source the design holds fixed."""
    s, w, r = y.shape[-3:]
    if r < 2:
        raise DesignError(
            "the seed share needs at least 2 replicates per design row; got 1 (raise replicates)"
        )
    grand = y.mean(axis=(-3, -2, -1), keepdims=True)
    a = y.mean(axis=(-2, -1), keepdims=True)  # setting means
    b = y.mean(axis=(-3, -1), keepdims=True)  # world means
    cell = y.mean(axis=-1, keepdims=True)
    c = y.mean(axis=-3, keepdims=True)  # world x replicate means (over settings)

    def ms(ss: np.ndarray, df: int) -> np.ndarray:
        return ss / df if df > 0 else np.zeros_like(ss)

    axes = (-3, -2, -1)
    ms_a = ms(w * r * ((a - grand) ** 2).sum(axis=axes), s - 1)
    ms_b = ms(s * r * ((b - grand) ** 2).sum(axis=axes), w - 1)
    ms_r = ms(s * ((c - b) ** 2).sum(axis=axes), w * (r - 1))
    ms_ab = ms(r * ((cell - a - b + grand) ** 2).sum(axis=axes), (s - 1) * (w - 1))
    ms_ar = ms(((y - cell - c + b) ** 2).sum(axis=axes), (s - 1) * w * (r - 1))
    if (s - 1) * (w - 1) == 0:  # no interaction to separate: its mean square has the residual's expectation
        ms_ab = ms_ar
    finite = (s - 1) / s if s > 1 else 0.0
    levers = finite * (ms_a - ms_ab) / (w * r)
    uncertainties = (ms_b - ms_r - ms_ab + ms_ar) / (s * r)
    interaction = finite * (ms_ab - ms_ar) / r
    seeds = (ms_r - ms_ar) / s + ms_ar
    out = np.stack([levers, uncertainties, interaction, seeds], axis=-1)
    out = np.clip(out, 0.0, None)
    if s == 1:
        out[..., [0, 2]] = np.nan
    if w == 1:
        out[..., [1, 2]] = np.nan
    return out


def _residual_variance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Within-cell residual variance of y[..., S, W, R] after regressing it on x[..., S, W, R, k], cell
    means removed from both, one regression per setting (pooled over its worlds and replicates); degrees
    of freedom net of the regressions' ranks. NaN without degrees of freedom left."""
    s, w, r = y.shape[-3:]
    x = x - x.mean(axis=-2, keepdims=True)
    centred = y - y.mean(axis=-1, keepdims=True)
    xtx = np.einsum("...swrk,...swrl->...skl", x, x)
    xty = np.einsum("...swrk,...swr->...sk", x, centred)
    beta = np.einsum("...skl,...sl->...sk", np.linalg.pinv(xtx, hermitian=True), xty)
    explained = np.einsum("...sk,...sk->...", beta, xty)  # summed over the settings
    rank = np.linalg.matrix_rank(xtx, hermitian=True).sum(axis=-1)
    residual = (centred**2).sum(axis=(-3, -2, -1)) - explained
    df = s * w * (r - 1) - rank
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(df > 0, np.clip(residual, 0.0, None) / np.where(df > 0, df, 1), np.nan)


def split_seeds(
    y: np.ndarray, types: np.ndarray, seeds: np.ndarray, firms: np.ndarray | None = None
) -> np.ndarray:
    """(cio, chance) of y[..., S, W, R] given the type codes (same shape) and its seeds component (the
    pooled within-cell variance), or (cio, organization, chance) given the organizations' covariates
    too (firms[..., S, W, R, k]): see the module's docstring. Leading axes are bootstrap draws."""
    dummies = np.stack([types == code for code in (1, 2)], axis=-1).astype(float)  # [..., S, W, R, 2]
    after_cio = _residual_variance(y, dummies)
    cio = np.clip(seeds - after_cio, 0.0, None)
    if firms is None:
        return np.stack([cio, seeds - cio], axis=-1)
    after_firm = _residual_variance(y, np.concatenate([dummies, firms], axis=-1))
    organization = np.clip(np.minimum(after_cio, seeds - cio) - after_firm, 0.0, None)
    return np.stack([cio, organization, seeds - cio - organization], axis=-1)


def shares(y: np.ndarray, types: np.ndarray | None = None, firms: np.ndarray | None = None) -> np.ndarray:
    """Each source's share of the summed components (levers, uncertainties, interaction, seeds), then,
    given the CIO type codes, the split of seeds (cio, chance; or cio, organization, chance given the
    organizations' covariates too)."""
    parts = components(y)
    total = np.nansum(parts, axis=-1, keepdims=True)
    if types is not None:
        parts = np.concatenate([parts, split_seeds(y, types, parts[..., 3], firms)], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, parts / np.where(total > 0, total, 1.0), np.nan)


def bootstrap(
    y: np.ndarray,
    draws: int = 500,
    seed: int = 0,
    worlds_sampled: bool = True,
    types: np.ndarray | None = None,
    firms: np.ndarray | None = None,
) -> np.ndarray:
    """Shares of `draws` resamples of y[S, W, R]: whole worlds with replacement when they are a sample
    (resampling replicates too would duplicate runs and shrink the within-cell variance), else replicates
    within each world, one draw shared by every setting. The CIO types and the organizations'
    covariates, if given, go with their runs."""
    _, w, r = y.shape
    rng = np.random.default_rng(seed)
    if worlds_sampled and w > 1:
        pick_w = rng.integers(0, w, size=(draws, w))
        pick_r = np.broadcast_to(np.arange(r), (draws, w, r))
    else:
        pick_w = np.broadcast_to(np.arange(w), (draws, w))
        pick_r = rng.integers(0, r, size=(draws, w, r))
        # a resample repeats replicates, which shrinks the within-cell variance by (R - 1) / R: widen the
        # deviations from the cell means to make up for it (the usual rescaled-residual bootstrap)
        cell = y.mean(axis=-1, keepdims=True)
        y = cell + np.sqrt(r / (r - 1)) * (y - cell)
    resampled = y[:, pick_w[:, :, None], pick_r]  # [S, draws, W, R]
    if types is not None:
        types = np.moveaxis(types[:, pick_w[:, :, None], pick_r], 0, 1)
    if firms is not None:
        firms = np.moveaxis(firms[:, pick_w[:, :, None], pick_r], 0, 1)
    return shares(np.moveaxis(resampled, 0, 1), types, firms)


def decompose(
    y: np.ndarray,
    draws: int = 500,
    seed: int = 0,
    worlds_sampled: bool = True,
    level: float = 0.95,
    types: np.ndarray | None = None,
    firms: np.ndarray | None = None,
) -> pd.DataFrame:
    """`source`, `share`, `low`, `high` for y[S, W, R]: point shares with percentile bootstrap intervals;
    with the CIO type codes (same shape), two more rows, `cio` and `chance`, that split `seeds`, or three,
    `cio`, `organization` and `chance`, with the organizations' covariates (firms[S, W, R, k]) too."""
    firms = firms if types is not None else None
    sources = SOURCES + (() if types is None else SPLIT if firms is None else FIRM_SPLIT)
    point = shares(y, types, firms)
    boot = (
        bootstrap(y, draws, seed, worlds_sampled, types, firms)
        if draws > 0
        else np.full((1, len(sources)), np.nan)
    )
    tail = (1 - level) / 2 * 100
    low, high = np.full(len(sources), np.nan), np.full(len(sources), np.nan)
    for i in np.flatnonzero(np.isfinite(point)):
        draws_i = boot[:, i][np.isfinite(boot[:, i])]  # a draw without variance has no shares
        if len(draws_i):
            low[i], high[i] = np.percentile(draws_i, [tail, 100 - tail])
    return pd.DataFrame({"source": list(sources), "share": point, "low": low, "high": high})


def seed_share(y: np.ndarray, draws: int = 500, seed: int = 0) -> tuple[float, float]:
    """Share of variance due to seeds over sampled design rows y[rows, R], and its 95% bootstrap
    half-width."""
    table = decompose(y[None, :, :], draws, seed, worlds_sampled=True)
    row = table.set_index("source").loc["seeds"]
    return float(row["share"]), float((row["high"] - row["low"]) / 2)


def variance_table(
    runs: pd.DataFrame, outcomes: list[str], draws: int = 500, seed: int = 0, worlds_sampled: bool = True
) -> pd.DataFrame:
    """The tidy table `outcome`, `source`, `share`, `low`, `high` for a crossed sweep's runs: the four
    sources (their shares sum to 1), then `cio` and `chance` (summing to `seeds`) when the runs hold the
    CIO draw, with `organization` between them when they also hold what the organization drew."""
    types = crossed_types(runs)
    firms = crossed_firms(runs) if types is not None else None
    frames = []
    for outcome in outcomes:
        table = decompose(crossed_array(runs, outcome), draws, seed, worlds_sampled, types=types, firms=firms)
        table.insert(0, "outcome", outcome)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def variance_by(
    runs: pd.DataFrame,
    lever: str,
    outcomes: list[str],
    draws: int = 500,
    seed: int = 0,
    worlds_sampled: bool = True,
) -> pd.DataFrame:
    """The split within each value of `lever` (e.g. policy): the table of `variance_table` over the runs
    with that value, with the value in a first column named after the lever. Within one value, "levers"
    are the other levers' settings."""
    frames = []
    for value, group in runs.groupby(lever, sort=True):
        table = variance_table(group, outcomes, draws, seed, worlds_sampled)
        table.insert(0, lever, value)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
