"""Enclosed mass from the 3-D spherical Jeans equation, Bird et al. (2022) Section 2.1 (Eqs. 1-3).

Sign convention
---------------
mwlib writes the tracer density as rho ∝ r^-alpha with alpha > 0 (``density.BrokenPowerLaw.slope``).
For a stationary, non-rotating spherical system the Jeans equation is

    G M(<r) = -r sigma_r^2 [dln rho/dln r + dln sigma_r^2/dln r + 2 beta]
            =  r sigma_r^2 [alpha - dln sigma_r^2/dln r - 2 beta],

and with 2 beta sigma_r^2 = 2 sigma_r^2 - sigma_theta^2 - sigma_phi^2 (Bird's Eq. 5)

    M(<r) = -(1/G) [ r^2 d sigma_r^2/dr + r ((2 - alpha) sigma_r^2 - sigma_theta^2 - sigma_phi^2) ].

This is Bird's Eq. (1), M = -(1/G)(r^2 dsigma_r^2/dr + r((2 + alpha_Bird) sigma_r^2 - sigma_theta^2
- sigma_phi^2)), with his signed slope alpha_Bird = -alpha (he writes rho ∝ r^alpha_Bird and prints
alpha_Bird = -3.1, -4.6, ...). G = 4.30092e-6 kpc (km/s)^2/Msun (Bird's printed value is garbled).

Bird's hybrid (Section 2.1), as implemented by :func:`jeans_profile`
--------------------------------------------------------------------
* sigma_r, sigma_theta, sigma_phi per radial bin from extreme deconvolution with per-star error
  covariances (:func:`mwlib.bird22.dispersion.bin_dispersions`; the deconvolution fits the mean velocity,
  so the dispersions are about the bin mean, the LMC correction of Section 3.2);
* d sigma_r^2/dr from the exponential fit sigma_r = sigma_0 exp(-r/h_r) (Eqs. 2-3,
  :func:`mwlib.bird22.dispersion.fit_sigma_r_exponential`) at the 50th-percentile (sigma_0, h_r);
* alpha and all terms evaluated at the median radius of the stars in each bin (Bird plot and quote
  M(<r) at the bin medians; Table 1 note a), so ``r_mass_kpc`` = ``r_median_kpc``;
* ``derivative="finite_difference"`` replaces the exponential by direct differentiation of the
  binned sigma_r^2 in ln r (central differences between neighbouring usable bins, one-sided at the
  ends), the alternative the paper names in Section 5.2; each Monte Carlo realisation
  differentiates its own perturbed dispersions, so the errors carry the derivative's noise. It is
  not the paper's choice and is used to validate the method on mocks (notebook 03, Section 6b);
* errors: ``n_mc`` = 100 Monte Carlo realisations in which the three binned dispersions are drawn
  from Gaussians with their Poisson-type errors sigma/sqrt(2N), and (sigma_0, h_r) are drawn from
  the posterior samples of the exponential fit (which carries the propagated sigma_r errors).
  mass_err_msun is the standard deviation of the realisations, mass_p16/p50/p84_msun their
  percentiles; the central mass uses the unperturbed values. v_circ = sqrt(G M / r).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from astropy.table import Table

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN
from mwlib.bird22.dispersion import (
    SIGMA_FIT_N_BURN,
    SIGMA_FIT_N_STEPS,
    SIGMA_FIT_N_WALKERS,
    ExponentialSigmaFit,
    bin_dispersions,
    dsigma2_dr_exponential,
    fit_sigma_r_exponential,
)

__all__ = ["JEANS_N_MC", "DERIVATIVES", "jeans_mass", "circular_velocity", "finite_difference_dsigma2_dr",
           "jeans_profile"]

#: Monte Carlo realisations for the Jeans mass errors (Section 2.1).
JEANS_N_MC: int = 100

#: How d sigma_r^2/dr is obtained: the paper's exponential fit (Eqs. 2-3) or direct differentiation.
Derivative = Literal["exponential", "finite_difference"]
DERIVATIVES: tuple[Derivative, ...] = ("exponential", "finite_difference")

_G = G_KPC_KMS2_PER_MSUN

SlopeLike = float | Callable[[np.ndarray], np.ndarray]


def jeans_mass(
    r_kpc: np.ndarray,
    sigma_r_kms: np.ndarray,
    sigma_theta_kms: np.ndarray,
    sigma_phi_kms: np.ndarray,
    dsigma2_dr_kms2_per_kpc: np.ndarray,
    alpha: np.ndarray,
) -> np.ndarray:
    """Bird et al. (2022) Eq. 1 in mwlib's sign convention (alpha > 0); broadcasts; Msun.

    M(<r) = -(1/G) [r^2 dsigma_r^2/dr + r ((2 - alpha) sigma_r^2 - sigma_theta^2 - sigma_phi^2)].
    """
    r = np.asarray(r_kpc, dtype=float)
    sr2 = np.asarray(sigma_r_kms, dtype=float) ** 2
    st2 = np.asarray(sigma_theta_kms, dtype=float) ** 2
    sp2 = np.asarray(sigma_phi_kms, dtype=float) ** 2
    a = np.asarray(alpha, dtype=float)
    ds2 = np.asarray(dsigma2_dr_kms2_per_kpc, dtype=float)
    return -(r**2 * ds2 + r * ((2.0 - a) * sr2 - st2 - sp2)) / _G


def circular_velocity(r_kpc: np.ndarray, mass_msun: np.ndarray) -> np.ndarray:
    """v_circ = sqrt(G M(<r) / r) [km/s]; NaN where M < 0."""
    r = np.asarray(r_kpc, dtype=float)
    m = np.asarray(mass_msun, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.sqrt(_G * m / r)


def finite_difference_dsigma2_dr(r_kpc: np.ndarray, sigma_r_kms: np.ndarray) -> np.ndarray:
    """d sigma_r^2/dr [(km/s)^2/kpc] by direct differentiation of binned sigma_r^2 in ln r.

    ``r_kpc`` (nbin,) increasing bin radii; ``sigma_r_kms`` (..., nbin) (leading axes: Monte Carlo
    realisations). Second-order central differences inside, one-sided at the ends (np.gradient on
    the non-uniform ln r grid), then d/dr = (1/r) d/dln r.
    """
    r = np.asarray(r_kpc, dtype=float)
    if r.ndim != 1 or r.size < 2 or np.any(np.diff(r) <= 0):
        raise ValueError("finite differences need >= 2 strictly increasing bin radii")
    s2 = np.asarray(sigma_r_kms, dtype=float) ** 2
    return np.gradient(s2, np.log(r), axis=-1) / r


def _slope_at(alpha: SlopeLike, r_kpc: np.ndarray) -> np.ndarray:
    r = np.asarray(r_kpc, dtype=float)
    a = np.asarray(alpha(r) if callable(alpha) else alpha, dtype=float) * np.ones_like(r)
    if np.any(~(a > 0)):
        raise ValueError(
            "alpha must be positive (mwlib convention rho ∝ r^-alpha; Bird prints these slopes "
            f"negative); got {a}"
        )
    return a


def _rngs(rng: np.random.Generator) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent generators for the sigma_r fit and the Monte Carlo (so passing a fit in does
    not change the Monte Carlo draws)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    a, b = rng.spawn(2)
    return a, b


def jeans_profile(
    r_kpc: np.ndarray,
    v_kms: np.ndarray,
    edges_kpc: np.ndarray,
    alpha: SlopeLike,
    *,
    rng: np.random.Generator,
    v_cov: np.ndarray | None = None,
    n_mc: int = JEANS_N_MC,
    sigma_fit: ExponentialSigmaFit | None = None,
    dispersions: Table | None = None,
    n_walkers: int = SIGMA_FIT_N_WALKERS,
    n_steps: int = SIGMA_FIT_N_STEPS,
    n_burn: int = SIGMA_FIT_N_BURN,
    min_stars: int = 10,
    on_sparse: OnSparse = "raise",
    return_fit: bool = False,
    derivative: Derivative = "exponential",
) -> Table | tuple[Table, ExponentialSigmaFit]:
    """Enclosed-mass profile from the 3-D spherical Jeans equation, Bird's hybrid (Section 2.1).

    Parameters
    ----------
    r_kpc : (N,) Galactocentric radii.
    v_kms : (N, 3) Galactocentric spherical velocities (v_r, v_theta, v_phi).
    edges_kpc : radial bin edges (e.g. ``dispersion.KG_EDGES_KPC``).
    alpha : positive tracer slope: a number or a callable alpha(r_kpc), e.g.
        ``density.BrokenPowerLaw(...).slope``; evaluated at each bin's median radius.
    rng : the generator of the sigma_r fit (if not given) and of the Monte Carlo.
    v_cov : (N, 3, 3) per-star velocity error covariances in (km/s)^2; None = no errors.
    n_mc : Monte Carlo realisations for the errors (Section 2.1: 100).
    sigma_fit : a precomputed :class:`~mwlib.bird22.dispersion.ExponentialSigmaFit`; if None the fit is run
        on the binned sigma_r with ``n_walkers``, ``n_steps``, ``n_burn`` (paper defaults).
    dispersions : a precomputed :func:`~mwlib.bird22.dispersion.bin_dispersions` table for the same edges
        (then r_kpc and v_kms are not deconvolved again).
    min_stars, on_sparse : passed to :func:`~mwlib.bird22.dispersion.bin_dispersions`; flagged bins get NaN.
    return_fit : also return the sigma_r fit.
    derivative : ``"exponential"`` (the paper's hybrid, default) or ``"finite_difference"`` (direct
        differentiation of the binned sigma_r^2, :func:`finite_difference_dsigma2_dr`; the
        exponential fit is still run and returned, but not used).

    Returns
    -------
    astropy Table, one row per bin: ``r_lo_kpc, r_hi_kpc, n_stars, r_median_kpc, r_mass_kpc, alpha,
    sigma_{r,theta,phi}_kms, sigma_{r,theta,phi}_err_kms, beta, beta_err, dsigma2_dr_kms2_per_kpc,
    dsigma2_dr_err_kms2_per_kpc, mass_msun, mass_err_msun, mass_p16_msun, mass_p50_msun,
    mass_p84_msun, vcirc_kms, vcirc_err_kms, ok``; meta holds the sigma_r fit percentiles.
    """
    edges = np.asarray(edges_kpc, dtype=float)
    if int(n_mc) < 2:
        raise ValueError("n_mc must be >= 2")
    if sigma_fit is not None and not isinstance(sigma_fit, ExponentialSigmaFit):
        raise TypeError("sigma_fit must be an mwlib.bird22.dispersion.ExponentialSigmaFit")
    if derivative not in DERIVATIVES:
        raise ValueError(f"derivative must be one of {DERIVATIVES}; got {derivative!r}")
    fit_rng, mc_rng = _rngs(rng)

    if dispersions is None:
        r = np.asarray(r_kpc, dtype=float)
        v = np.asarray(v_kms, dtype=float)
        if r.ndim != 1 or v.shape != (r.size, 3):
            raise ValueError(f"r_kpc must be (N,) and v_kms (N, 3); got {r.shape}, {v.shape}")
        cov = np.zeros((r.size, 3, 3)) if v_cov is None else np.asarray(v_cov, dtype=float)
        disp = bin_dispersions(r, v, cov, edges, min_stars, on_sparse=on_sparse)
    else:
        disp = dispersions
        if len(disp) != edges.size - 1 or not (
            np.allclose(disp["r_lo_kpc"], edges[:-1]) and np.allclose(disp["r_hi_kpc"], edges[1:])
        ):
            raise ValueError("dispersions table does not match edges_kpc")

    ok = np.asarray(disp["ok"], dtype=bool)
    if ok.sum() < 2:
        raise ValueError("need at least 2 usable bins")
    r_med = np.asarray(disp["r_median_kpc"], dtype=float)
    sig = np.column_stack([np.asarray(disp[f"sigma_{c}_kms"], dtype=float) for c in ("r", "theta", "phi")])
    err = np.column_stack([np.asarray(disp[f"sigma_{c}_err_kms"], dtype=float) for c in ("r", "theta", "phi")])

    if sigma_fit is None:
        sigma_fit = fit_sigma_r_exponential(
            r_med[ok], sig[ok, 0], err[ok, 0],
            rng=fit_rng, n_walkers=n_walkers, n_steps=n_steps, n_burn=n_burn,
        )

    alpha_b = np.full(r_med.shape, np.nan)
    alpha_b[ok] = _slope_at(alpha, r_med[ok])

    # Monte Carlo: (n_mc, nbin, 3) perturbed dispersions, posterior draws of (sigma_0, h_r).
    n_mc = int(n_mc)
    sig_mc = sig[None] + err[None] * mc_rng.standard_normal((n_mc,) + sig.shape)
    draw = sigma_fit.samples[mc_rng.integers(0, sigma_fit.samples.shape[0], n_mc)]

    if derivative == "exponential":
        # Central values: binned dispersions, Eq. 3 at the 50th-percentile (sigma_0, h_r).
        ds2 = np.where(ok, sigma_fit.dsigma2_dr_best(np.where(ok, r_med, 1.0)), np.nan)
        ds2_mc = dsigma2_dr_exponential(r_med[None, :], draw[:, :1], draw[:, 1:2])
    else:
        # Direct differentiation over the usable bins, of the data and of every realisation.
        ds2 = np.full(r_med.shape, np.nan)
        ds2[ok] = finite_difference_dsigma2_dr(r_med[ok], sig[ok, 0])
        ds2_mc = np.full((n_mc,) + r_med.shape, np.nan)
        ds2_mc[:, ok] = finite_difference_dsigma2_dr(r_med[ok], sig_mc[:, ok, 0])
    mass = jeans_mass(r_med, sig[:, 0], sig[:, 1], sig[:, 2], ds2, alpha_b)

    mass_mc = jeans_mass(r_med[None], sig_mc[..., 0], sig_mc[..., 1], sig_mc[..., 2], ds2_mc, alpha_b[None])
    vc_mc = circular_velocity(r_med[None], np.maximum(mass_mc, 0.0))
    p16, p50, p84 = np.percentile(mass_mc, (16, 50, 84), axis=0)

    t = Table()
    for name in ("r_lo_kpc", "r_hi_kpc", "n_stars", "r_median_kpc"):
        t[name] = disp[name]
    t["r_mass_kpc"] = r_med
    t["alpha"] = alpha_b
    for c in ("r", "theta", "phi"):
        t[f"sigma_{c}_kms"] = disp[f"sigma_{c}_kms"]
        t[f"sigma_{c}_err_kms"] = disp[f"sigma_{c}_err_kms"]
    t["beta"] = disp["beta"]
    t["beta_err"] = disp["beta_err"]
    t["dsigma2_dr_kms2_per_kpc"] = ds2
    t["dsigma2_dr_err_kms2_per_kpc"] = np.where(ok, np.std(ds2_mc, axis=0, ddof=1), np.nan)
    t["mass_msun"] = mass
    t["mass_err_msun"] = np.where(ok, np.std(mass_mc, axis=0, ddof=1), np.nan)
    t["mass_p16_msun"] = np.where(ok, p16, np.nan)
    t["mass_p50_msun"] = np.where(ok, p50, np.nan)
    t["mass_p84_msun"] = np.where(ok, p84, np.nan)
    t["vcirc_kms"] = circular_velocity(r_med, mass)
    t["vcirc_err_kms"] = np.where(ok, np.std(vc_mc, axis=0, ddof=1), np.nan)
    t["ok"] = ok
    t.meta.update(
        method="3-D spherical Jeans equation, Bird et al. (2022) Eq. 1 (hybrid binned/parametric)"
        if derivative == "exponential" else
        "3-D spherical Jeans equation, Bird et al. (2022) Eq. 1, d sigma_r^2/dr by finite differences",
        derivative=derivative,
        n_mc=n_mc,
        sigma0_kms_p16_p50_p84=[float(x) for x in sigma_fit.sigma0_kms],
        h_r_kpc_p16_p50_p84=[float(x) for x in sigma_fit.h_r_kpc],
        sigma_fit_walkers_steps_burn=[sigma_fit.n_walkers, sigma_fit.n_steps, sigma_fit.n_burn],
    )
    return (t, sigma_fit) if return_fit else t


def innermost_bin_vcirc(dispersions: Table, sigma_fit: ExponentialSigmaFit, density_with_alpha_in) -> Callable[[float], float]:
    """v_circ [km/s] at the innermost bin's median radius from Eq. 1, as a function of the inner slope:
    the bin's dispersions, the exponential fit's d sigma_r^2/dr and ``density_with_alpha_in(alpha_in).slope``.
    The rule of Section 4.2 (:func:`mwlib.bird22.density.adjust_inner_slope`) lowers alpha_in until it is
    below 250 km/s "near the Sun"."""
    r0 = float(dispersions["r_median_kpc"][0])
    s = {c: float(dispersions[f"sigma_{c}_kms"][0]) for c in ("r", "theta", "phi")}
    ds2 = float(sigma_fit.dsigma2_dr_best(r0))

    def vcirc(alpha_in: float) -> float:
        slope = density_with_alpha_in(alpha_in).slope(r0)
        return float(circular_velocity(r0, jeans_mass(r0, s["r"], s["theta"], s["phi"], ds2, slope)))

    return vcirc
