"""MCMC convergence diagnostics: rank-normalized split R-hat and bulk ESS (Vehtari et al. 2021; arviz).

Eadie & Harris (2016, Sec. 4.2) accept a run when R-hat < 1.1 and the effective sample size exceeds 1000 for
every free parameter. :func:`convergence_diagnostics` computes both per parameter from (chain, draw) arrays with
arviz; :func:`rhat_rank_batch` and :func:`ess_bulk_batch` compute the same numbers (to ~1e-14) for a whole batch
of data sets and parameters at once, without arviz's per-array overhead (the fast sampler's stopping rule).
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np

__all__ = ["convergence_diagnostics", "bars_met", "rhat_rank_batch", "ess_bulk_batch"]


def convergence_diagnostics(chains: np.ndarray, names: Sequence[str],
                            ess_chains: np.ndarray | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Rank-normalized split R-hat and bulk ESS (arviz) per parameter.

    ``chains`` is (chain, draw, param) and gives R-hat; ESS comes from ``ess_chains`` (same
    layout) when given, else from ``chains``. A parameter whose draws are not all finite, or all equal (a
    chain that never moved), has no R-hat or ESS: both are NaN, so that it fails both bars. (arviz would
    divide 0 by 0 for R-hat -- a RuntimeWarning and NaN -- and report the number of draws as the ESS.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # arviz 0.x announces its 1.x refactor on import
        import arviz as az
    ess_chains = chains if ess_chains is None else ess_chains
    rhat, ess = {}, {}
    for j, name in enumerate(names):
        x, y = np.ascontiguousarray(chains[..., j]), np.ascontiguousarray(ess_chains[..., j])
        if _degenerate(x) or _degenerate(y):
            rhat[name] = ess[name] = float("nan")
            continue
        rhat[name] = float(az.rhat(x))
        ess[name] = float(az.ess(y))
    return rhat, ess


def _degenerate(draws: np.ndarray) -> bool:
    """Draws without a spread to diagnose: a non-finite value, or every draw the same."""
    return not np.all(np.isfinite(draws)) or bool(np.ptp(draws) == 0)


def bars_met(rhat: dict[str, float], ess: dict[str, float], rhat_max: float, ess_min: float) -> bool:
    """EH16 Sec. 4.2 bars: every R-hat < rhat_max and every ESS > ess_min (NaN fails)."""
    return all(v < rhat_max for v in rhat.values()) and all(v > ess_min for v in ess.values())


def _average_ranks(flat: np.ndarray) -> np.ndarray:
    """1-based ranks along the last axis, ties sharing their average rank
    (``scipy.stats.rankdata(method="average", axis=-1)``), vectorized over the other axes."""
    n = flat.shape[-1]
    order = np.argsort(flat, axis=-1)
    srt = np.take_along_axis(flat, order, axis=-1)
    idx = np.broadcast_to(np.arange(n), flat.shape)
    first = np.ones(flat.shape, bool)
    first[..., 1:] = srt[..., 1:] != srt[..., :-1]
    last = np.ones(flat.shape, bool)
    last[..., :-1] = first[..., 1:]
    start = np.maximum.accumulate(np.where(first, idx, 0), axis=-1)
    end = (n - 1) - np.maximum.accumulate(np.where(last[..., ::-1], idx, 0), axis=-1)[..., ::-1]
    ranks = np.empty(flat.shape)
    np.put_along_axis(ranks, order, 0.5 * (start + end) + 1.0, axis=-1)
    return ranks


def _z_scale_batch(ary: np.ndarray) -> np.ndarray:
    """arviz ``_z_scale`` over the last two axes (chain, draw) of ``ary``, batched over the rest."""
    from scipy.special import ndtri

    shape = ary.shape
    flat = ary.reshape(shape[:-2] + (shape[-2] * shape[-1],))
    return ndtri((_average_ranks(flat) - 0.375) / (flat.shape[-1] + 0.25)).reshape(shape)


def _split_chains_batch(ary: np.ndarray) -> np.ndarray:
    half = ary.shape[-1] // 2
    return np.concatenate([ary[..., :half], ary[..., ary.shape[-1] - half:]], axis=-2)


def _rhat_batch(ary: np.ndarray) -> np.ndarray:
    n = ary.shape[-1]
    between = n * np.var(np.mean(ary, axis=-1), axis=-1, ddof=1)
    within = np.mean(np.var(ary, axis=-1, ddof=1), axis=-1)
    return np.sqrt((between / within + n - 1) / n)


def rhat_rank_batch(ary: np.ndarray) -> np.ndarray:
    """Rank-normalized split R-hat (``arviz.rhat(method="rank")``) of (..., chain, draw) arrays."""
    ary = np.asarray(ary, float)
    out_shape = ary.shape[:-2]
    if ary.shape[-1] < 4 or ary.shape[-2] < 2:
        return np.full(out_shape, np.nan)
    with np.errstate(all="ignore"):
        split = _split_chains_batch(ary)
        bulk = _rhat_batch(_z_scale_batch(split))
        med = np.median(split.reshape(split.shape[:-2] + (-1,)), axis=-1)[..., None, None]
        tail = _rhat_batch(_z_scale_batch(np.abs(split - med)))
        out = np.maximum(bulk, tail)
    bad = np.isnan(ary).any(axis=(-2, -1))
    return np.where(bad, np.nan, out)


def _ess_batch(ary: np.ndarray) -> np.ndarray:
    """arviz ``_ess`` (Geyer's initial monotone sequence) of (..., chain, draw), vectorized."""
    from scipy.fft import next_fast_len

    n_chain, n_draw = ary.shape[-2:]
    centred = ary - ary.mean(axis=-1, keepdims=True)
    m = next_fast_len(2 * n_draw)
    f = np.fft.rfft(centred, n=m, axis=-1)
    f *= np.conjugate(f)
    acov = np.fft.irfft(f, n=m, axis=-1)[..., :n_draw] / n_draw
    mean_acov = acov.mean(axis=-2)  # (..., n_draw)
    mean_var = mean_acov[..., 0] * n_draw / (n_draw - 1.0)
    var_plus = mean_var * (n_draw - 1.0) / n_draw
    if n_chain > 1:
        var_plus = var_plus + np.var(ary.mean(axis=-1), axis=-1, ddof=1)
    rho = 1.0 - (mean_var[..., None] - mean_acov) / var_plus[..., None]  # rho[..., k] for every lag
    rho[..., 0] = 1.0
    n_pairs = n_draw // 2
    pairs = rho[..., 0:2 * n_pairs:2] + rho[..., 1:2 * n_pairs:2]  # P_j = rho_2j + rho_2j+1
    # pairs j = 1, 2, ... are computed while 2j - 1 < n_draw - 3 and every earlier pair is > 0
    j_max = min((n_draw - 3) // 2, n_pairs - 1)  # largest j with 2j - 1 < n_draw - 3
    out_shape = ary.shape[:-2]
    if j_max >= 1:
        positive = pairs[..., :j_max + 1] > 0.0  # P_0 .. P_jmax
        # first j >= 1 with P_j <= 0 (the last computed pair), else j_max
        fails = ~positive[..., 1:]
        first_fail = np.where(fails.any(axis=-1), np.argmax(fails, axis=-1) + 1, j_max)
        j_star = np.where(positive[..., 0], first_fail, 0)
    else:
        j_star = np.zeros(out_shape, int)
    cummin = np.minimum.accumulate(pairs, axis=-1)
    csum = np.concatenate([np.zeros(out_shape + (1,)), np.cumsum(cummin, axis=-1)], axis=-1)
    full = np.take_along_axis(csum, j_star[..., None], axis=-1)[..., 0]  # sum_{j < j*} P'_j
    even = np.take_along_axis(rho, (2 * j_star)[..., None], axis=-1)[..., 0]
    pair_star = np.take_along_axis(pairs, j_star[..., None], axis=-1)[..., 0]
    partial = np.where(j_star == 0, 1.0, np.where((even > 0) | (pair_star >= 0), even, 0.0))
    tau = np.where(j_star == 0, 0.0, -1.0 + 2.0 * full + partial)
    total = n_chain * n_draw
    tau = np.maximum(tau, 1.0 / np.log10(total))
    ess = total / tau
    ess = np.where(np.isnan(rho).any(axis=-1), np.nan, ess)
    const = (ary.max(axis=(-2, -1)) - ary.min(axis=(-2, -1))) < np.finfo(float).resolution
    return np.where(const, float(total), ess)


def ess_bulk_batch(ary: np.ndarray) -> np.ndarray:
    """Bulk ESS (``arviz.ess(method="bulk")``) of (..., chain, draw) arrays."""
    ary = np.asarray(ary, float)
    if ary.shape[-1] < 4:
        return np.full(ary.shape[:-2], np.nan)
    with np.errstate(all="ignore"):
        out = _ess_batch(_z_scale_batch(_split_chains_batch(ary)))
    bad = np.isnan(ary).any(axis=(-2, -1))
    return np.where(bad, np.nan, out)
