"""Why are our Group 1 credible intervals half as wide as Eadie & Harris (2016) publish?

Scenario I has one free parameter (Phi_o; gamma = 0.5, alpha = 3.5, beta = 0), so its posterior can be computed
exactly on a grid of Phi_o. :func:`width_variants` evaluates, on that grid, the baseline and every candidate
change of the likelihood or prior -- the vt prior's support and form, Eq. 12's printed normalization, the Phi_o
prior bounds, the measurement errors (the DF convolved with the Table 1 errors, or the posteriors of
error-perturbed data sets pooled), and a tempered likelihood (an effective sample size) -- and reports the 50%
interval of M125 and its width against the published one. The samplers' widths come from notebook 05's
comparison of the fast, emcee and hybrid-Gibbs samplers.

Equations: EH16 Eq. 9 (the beta = 0 DF), Eq. 12/16 (likelihood), Eq. 14 (M(<r)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from astropy.table import Table
from scipy.special import gammaln, logsumexp

from mwlib.eh16.forensic_inputs import E11, ClusterInputs, Tracers
from mwlib.eh16.model import VELOCITY_UNIT_KMS, mass_enclosed
from mwlib.eh16.posterior import Posterior
from mwlib.eh16.scenarios import SCENARIOS

__all__ = ["GAMMA", "ALPHA", "log_f_complete", "log_los", "m125_quantiles", "error_draws", "width_variants"]

GAMMA, ALPHA = 0.5, 3.5  # Scenario I
N_EXP = ALPHA / GAMMA - 1.5  # exponent of E in Eq. 9 (beta = 0)
V = VELOCITY_UNIT_KMS


def _log_k(phi0: np.ndarray) -> np.ndarray:
    """log of the beta = 0 normalization of Eq. 9 (velocities in 100 km/s)."""
    s = ALPHA / GAMMA
    return gammaln(s + 1) - gammaln(s - 0.5) - 1.5 * math.log(math.pi) - 1.5 * math.log(2.0) - s * np.log(phi0)


def log_f_complete(phi0: np.ndarray, r: np.ndarray, v2: np.ndarray) -> np.ndarray:
    """(n_grid, n_tracers) log f of complete tracers, Scenario I; -inf where unbound. v2 in (100 km/s)^2."""
    energy = phi0[:, None] * r[None, :] ** -GAMMA - 0.5 * v2[None, :]
    bound = energy > 0
    return np.where(bound, _log_k(phi0)[:, None] + N_EXP * np.log(np.where(bound, energy, 1.0)), -np.inf)


def log_los(phi0: np.ndarray, r: np.ndarray, vr2: np.ndarray, prior: str, vmax_kms: float | None = None) -> np.ndarray:
    """(n_grid, n_los) log of ∫ f p(vt) dvt for line-of-sight tracers under a vt prior, Scenario I.

    ``flat``: p = vt (the baseline); ``escape``: p = vt / Phi (uniform in vt^2 on [0, v_esc]); ``vmax``: p = 2 vt /
    vmax^2 on [0, vmax] (uniform in vt^2 up to a fixed speed, normalized); ``uniform_vt``: p = 1 (uniform in vt).
    """
    phi = phi0[:, None] * r[None, :] ** -GAMMA
    a = phi - 0.5 * vr2[None, :]
    ok = a > 0
    la = np.log(np.where(ok, a, 1.0))
    lk = _log_k(phi0)[:, None]
    if prior in ("flat", "escape"):
        out = lk + (N_EXP + 1) * la - math.log(N_EXP + 1)
        if prior == "escape":
            out = out - np.log(phi)
    elif prior == "vmax":
        u2 = np.minimum((vmax_kms / V) ** 2, 2 * np.where(ok, a, 0.0))
        rest = np.clip(a - 0.5 * u2, 0.0, None)
        with np.errstate(divide="ignore"):
            diff = np.log1p(-np.exp((N_EXP + 1) * (np.log(np.where(rest > 0, rest, 1e-300)) - la)))
        diff = np.where(rest > 0, diff, 0.0)
        out = lk + (N_EXP + 1) * la + diff - math.log(N_EXP + 1) + math.log(2.0) - 2 * math.log(vmax_kms / V)
    elif prior == "uniform_vt":
        # ∫_0^sqrt(2a) (a - vt^2/2)^n dvt = sqrt(2a) a^n sqrt(pi) Gamma(n+1) / (2 Gamma(n+3/2))
        out = (lk + (N_EXP + 0.5) * la + 0.5 * math.log(2.0) + 0.5 * math.log(math.pi)
               + gammaln(N_EXP + 1) - gammaln(N_EXP + 1.5) - math.log(2.0))
    else:
        raise ValueError(f"prior must be flat, escape, vmax or uniform_vt; got {prior!r}")
    return np.where(ok, out, -np.inf)


def m125_quantiles(phi0: np.ndarray, log_post: np.ndarray, q=(25, 50, 75)) -> np.ndarray:
    """Quantiles of M125 [1e11 Msun] from a log posterior on a uniform Phi_o grid."""
    w = np.exp(log_post - np.max(log_post))
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    return mass_enclosed(125.0, np.interp(np.asarray(q) / 100.0, cdf, phi0), GAMMA) / E11


def error_draws(inputs: ClusterInputs, make: Callable[[ClusterInputs], Tracers], n_draws: int, *,
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``vr, vt, vtheta, vphi`` [km/s] of ``n_draws`` copies of the data with proper motions and v_los perturbed
    by their Table 1 errors (independent Gaussians; Table 1 has no distance errors) and pushed through ``make``;
    each of shape (n_clusters, n_draws), NaN for the tangential components of line-of-sight-only clusters."""
    noise = rng.standard_normal((n_draws, 3, inputs.n))
    out = {key: np.empty((inputs.n, n_draws)) for key in ("vr", "vt", "vtheta", "vphi")}
    for k in range(n_draws):  # each call is vectorized over clusters
        tr = make(replace(inputs, pmra=inputs.pmra + noise[k, 0] * np.nan_to_num(inputs.pmra_err),
                          pmdec=inputs.pmdec + noise[k, 1] * np.nan_to_num(inputs.pmdec_err),
                          vlos=inputs.vlos + noise[k, 2] * inputs.vlos_err))
        for key, arr in out.items():
            arr[:, k] = getattr(tr, key)
    return out


def width_variants(tracers: Tracers, inputs: ClusterInputs, make: Callable[[ClusterInputs], Tracers], *,
                   rng: np.random.Generator, published_width: float, n_error_draws: int = 400) -> Table:
    """The M125 50% interval of Scenario I under each variant (module docstring), with its width over
    ``published_width``."""
    c = tracers.complete
    r_c, v2_c = tracers.r[c], (tracers.vr[c] ** 2 + tracers.vt[c] ** 2) / V**2
    r_l, vr2_l = tracers.r[~c], tracers.vr[~c] ** 2 / V**2
    data = tracers.fit_input()
    phi0 = np.linspace(1.0, 200.0, 200001)
    base_c = log_f_complete(phi0, r_c, v2_c).sum(axis=1)
    flat = base_c + log_los(phi0, r_l, vr2_l, "flat").sum(axis=1)
    variants: dict[str, np.ndarray] = {
        "baseline: vt prior p(vt) ∝ vt (uniform in vt^2, bounded by the escape speed)": m125_quantiles(phi0, flat),
        "check: mwlib.eh16.posterior.Posterior on the same grid": m125_quantiles(
            phi0, Posterior(data, SCENARIOS["I"]).log_prob_marginal(phi0[:, None])),
        "Eq. 12 normalization as printed (identical at beta = 0)": m125_quantiles(
            phi0, Posterior(data, SCENARIOS["I"], normalization="paper").log_prob_marginal(phi0[:, None])),
        "vt prior normalized on [0, v_esc(r)]": m125_quantiles(
            phi0, base_c + log_los(phi0, r_l, vr2_l, "escape").sum(axis=1)),
    }
    for vmax in (500.0, 1000.0, 2000.0):
        variants[f"vt prior uniform in vt^2 on [0, {vmax:g} km/s]"] = m125_quantiles(
            phi0, base_c + log_los(phi0, r_l, vr2_l, "vmax", vmax).sum(axis=1))
    variants["vt prior uniform in vt (not vt^2)"] = m125_quantiles(
        phi0, base_c + log_los(phi0, r_l, vr2_l, "uniform_vt").sum(axis=1))
    for lo, hi in ((0.1, 1000.0), (10.0, 100.0)):
        grid = np.linspace(lo, hi, 200001)
        variants[f"Phi_o prior U[{lo:g}, {hi:g}] instead of U[1, 200]"] = m125_quantiles(
            grid, log_f_complete(grid, r_c, v2_c).sum(axis=1) + log_los(grid, r_l, vr2_l, "flat").sum(axis=1))
    variants[f"complete clusters only ({int(c.sum())})"] = m125_quantiles(phi0, base_c)
    # measurement errors: the DF convolved with the errors (Monte Carlo, exact in the observables), and the
    # posteriors of error-perturbed data sets pooled (multiple imputation)
    perturbed = error_draws(inputs, make, n_error_draws, rng=rng)
    draws = ((perturbed["vr"][c] ** 2 + perturbed["vt"][c] ** 2) / V**2).T  # (K, n_complete)
    coarse = np.linspace(1.0, 200.0, 4001)
    los_coarse = log_los(coarse, r_l, vr2_l, "flat").sum(axis=1)
    conv = np.full((coarse.size, r_c.size), -np.inf)
    post_k = np.empty((n_error_draws, coarse.size))
    for k in range(n_error_draws):  # a running log-sum over draws keeps the memory bounded
        lf = log_f_complete(coarse, r_c, draws[k])
        conv = np.logaddexp(conv, lf)
        post_k[k] = lf.sum(axis=1) + los_coarse
    variants[f"DF convolved with the Table 1 errors ({n_error_draws} Monte Carlo draws)"] = m125_quantiles(
        coarse, (conv - math.log(n_error_draws)).sum(axis=1) + los_coarse)
    variants[f"posteriors of {n_error_draws} error-perturbed data sets pooled"] = m125_quantiles(
        coarse, logsumexp(post_k - logsumexp(post_k, axis=1, keepdims=True), axis=0))
    for temp in (0.5, 0.25):
        variants[f"likelihood^{temp:g} (as if {89 * temp:.0f} clusters)"] = m125_quantiles(phi0, temp * flat)
    rows = [(name, q[1], q[0], q[2], q[2] - q[0], (q[2] - q[0]) / published_width) for name, q in variants.items()]
    table = Table(rows=rows, names=("variant", "M125 median", "q25", "q75", "50% width", "width / published"))
    for col in table.colnames[1:]:
        table[col].info.format = ".3f"
    return table
