"""Tracer mass estimator (TME) of Evans et al. (2011) as used by Bird et al. (2022), Eq. (4).

The estimator
-------------
Bird et al. (2022) Eq. (4), with their signed density slope (rho ∝ r^alpha_Bird, alpha_Bird < 0):

    M(< r) ≈ r^0.5 (gamma - alpha_Bird - 2 beta) / (G N) * sum_i r_i^0.5 (V_r,i - <V_r>)^2,

where gamma = 0.5 is the power-law slope of the potential (Phi ∝ r^-gamma; Watkins et al. 2010),
beta the anisotropy (Eq. 5) and r the radius of the most distant star used (Section 2.2). The
exponents 0.5 are 1 - gamma (outside the sum) and gamma (inside) for gamma = 0.5. In mwlib's
positive slope convention (rho ∝ r^-alpha, alpha = -alpha_Bird > 0) and for general gamma this is

    M(< r_out) = (alpha + gamma - 2 beta) / G * r_out^(1 - gamma) * <r_i^gamma (v_r,i - <v_r>)^2>,

which is the radial-velocity ("v_r") estimator of Evans et al. (2011) / Watkins et al. (2010):
for scale-free tracers in a scale-free potential the Jeans equation gives
v_c^2 = (alpha + gamma - 2 beta) sigma_r^2 and sigma_r^2 r^gamma = const, so the estimator is exact
in expectation. (It is *not* the 3-D-velocity estimator with C = (alpha + gamma - 2 beta)/(3 - 2 beta):
Bird use only Galactocentric radial velocities with beta from the 3-D dispersions.)
Note Bird's footnote 2: their gamma and alpha are swapped relative to Watkins/Evans/An.
``subtract_mean`` applies the LMC correction of Section 3.2 (v_r -> v_r - <v_r> over the stars used).

Per-bin profiles (Section 2.2)
------------------------------
Bird "apply Equation 4 to our KG and BHB stars in bins of Galactocentric radius ... In this manner,
gamma, alpha and beta are functions of r." We read this as (default ``mode="bin"``): for each radial
bin, Eq. 4 on the stars *in that bin*, with alpha evaluated at the bin's median radius (as in the
Jeans profile), the bin's beta, and r_out = the largest radius of the stars used (``r_eval="max"``);
``r_eval="edge"`` uses the bin's outer edge and ``"median"`` the bin median (the scale-free estimator
can be evaluated at any radius; Bird plot the TME points at the bin medians). ``mode="cumulative"``
uses all stars from the inner edge of the first bin to the outer edge of the bin, with a per-star
coefficient alpha(r_i) + gamma - 2 beta(r_i) inside the sum (the natural generalisation when alpha
and beta vary). Errors: ``n_boot`` = 100 bootstrap resamples of the stars used (Section 2.2), drawn as
one index array per bin (vectorised over resamples, chunked to bound memory); the table gives the
16th/50th/84th percentiles, mass_err_msun = half the 16-84 range, and mass_err_quad_msun =
sqrt((p50 - p16)^2 + (p84 - p50)^2), our literal reading of Bird's "quadrature sum of the 16th and
84th percentiles".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from astropy.table import Table

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN
from mwlib.bird22.dispersion import OnSparse, bin_index

__all__ = [
    "GAMMA_POTENTIAL",
    "TME_N_BOOT",
    "tme_coefficient",
    "tme_mass",
    "tme_profile",
]

#: Power-law slope of the potential adopted by Bird et al. (Watkins et al. 2010): Phi ∝ r^-0.5.
GAMMA_POTENTIAL: float = 0.5
#: Bootstrap resamples per bin (Section 2.2).
TME_N_BOOT: int = 100

_G = G_KPC_KMS2_PER_MSUN
_CHUNK_ELEMS = 2**22

SlopeLike = float | Callable[[np.ndarray], np.ndarray]


def tme_coefficient(alpha: np.ndarray, beta: np.ndarray, gamma: float = GAMMA_POTENTIAL) -> np.ndarray:
    """alpha + gamma - 2 beta (Bird's gamma - alpha_Bird - 2 beta), validated to be positive."""
    a = np.asarray(alpha, dtype=float)
    b = np.asarray(beta, dtype=float)
    _check_gamma(gamma)
    if np.any(~(a > 0)):
        raise ValueError(
            "alpha must be positive (mwlib convention rho ∝ r^-alpha; Bird prints these slopes negative)"
        )
    if np.any(~(b < 1)):
        raise ValueError("beta must be < 1")
    c = a + gamma - 2.0 * b
    if np.any(~(c > 0)):
        raise ValueError("alpha + gamma - 2 beta must be positive for a bound tracer population")
    return c


def _check_gamma(gamma: float) -> None:
    if not (0.0 <= float(gamma) <= 1.0):
        raise ValueError(f"gamma (potential slope, Phi ∝ r^-gamma) must be in [0, 1]; got {gamma}")


def _validate_stars(r_kpc: np.ndarray, vr_kms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(r_kpc, dtype=float)
    v = np.asarray(vr_kms, dtype=float)
    if r.ndim != 1 or v.shape != r.shape:
        raise ValueError(f"r_kpc and vr_kms must be 1-D of equal length; got {r.shape}, {v.shape}")
    if r.size < 2:
        raise ValueError("need at least 2 stars")
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(v))):
        raise ValueError("r_kpc and vr_kms must be finite")
    if np.any(r <= 0):
        raise ValueError("radii must be positive")
    return r, v


def _estimate(
    r: np.ndarray,
    v: np.ndarray,
    coeff: np.ndarray | float,
    gamma: float,
    subtract_mean: bool,
    r_out: np.ndarray | float | None,
) -> np.ndarray:
    """Eq. 4 along the last axis (stars); leading axes are resamples. coeff broadcasts against r."""
    if subtract_mean:
        v = v - v.mean(axis=-1, keepdims=True)
    ro = r.max(axis=-1) if r_out is None else r_out
    return np.asarray(ro, dtype=float) ** (1.0 - gamma) * np.mean(coeff * r**gamma * v**2, axis=-1) / _G


def tme_mass(
    r_kpc: np.ndarray,
    vr_kms: np.ndarray,
    alpha: float,
    beta: float,
    gamma: float = GAMMA_POTENTIAL,
    subtract_mean: bool = True,
    r_out_kpc: float | None = None,
) -> float:
    """Bird et al. (2022) Eq. 4: M(< r_out) [Msun] from Galactocentric radii and radial velocities.

    Parameters
    ----------
    r_kpc, vr_kms : (N,) radii and Galactocentric radial velocities of the stars.
    alpha : positive tracer density slope (rho ∝ r^-alpha).
    beta : velocity anisotropy (Eq. 5).
    gamma : potential slope (Phi ∝ r^-gamma); Bird use 0.5.
    subtract_mean : replace v_r by v_r - <v_r> (Section 3.2).
    r_out_kpc : radius at which the mass is quoted; default the largest r_kpc (Bird's definition).
    """
    r, v = _validate_stars(r_kpc, vr_kms)
    coeff = tme_coefficient(alpha, beta, gamma)
    if np.ndim(coeff) != 0:
        raise ValueError("tme_mass takes scalar alpha and beta (use tme_profile for varying ones)")
    if r_out_kpc is not None and not r_out_kpc > 0:
        raise ValueError("r_out_kpc must be positive")
    return float(_estimate(r, v, float(coeff), gamma, subtract_mean, r_out_kpc))


def _as_slope_fn(alpha: SlopeLike) -> Callable[[np.ndarray], np.ndarray]:
    if callable(alpha):
        return lambda r: np.asarray(alpha(np.asarray(r, dtype=float)), dtype=float) * np.ones(np.shape(r))
    a = float(alpha)
    return lambda r: np.full(np.shape(r), a)


def _beta_lookup(
    beta: float | np.ndarray | Callable[[np.ndarray], np.ndarray], nbin: int
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Return f(r, bin) -> beta for a scalar, a per-bin array or a callable beta(r)."""
    if callable(beta):
        return lambda r, k: np.asarray(beta(np.asarray(r, dtype=float)), dtype=float) * np.ones(np.shape(r))
    b = np.asarray(beta, dtype=float)
    if b.ndim == 0:
        return lambda r, k: np.full(np.shape(r), float(b))
    if b.shape != (nbin,):
        raise ValueError(f"beta per bin must have one value per bin ({nbin}); got shape {b.shape}")
    return lambda r, k: b[np.asarray(k)]


def tme_profile(
    r_kpc: np.ndarray,
    vr_kms: np.ndarray,
    edges_kpc: np.ndarray,
    alpha: SlopeLike,
    beta: float | np.ndarray | Callable[[np.ndarray], np.ndarray],
    gamma: float = GAMMA_POTENTIAL,
    subtract_mean: bool = True,
    n_boot: int = TME_N_BOOT,
    *,
    rng: np.random.Generator,
    mode: Literal["bin", "cumulative"] = "bin",
    r_eval: Literal["max", "edge", "median"] = "max",
    min_stars: int = 10,
    on_sparse: OnSparse = "raise",
) -> Table:
    """Bird et al. (2022) Eq. 4: per-bin TME masses with bootstrap errors (Sections 2.2 and 4.5); see the module
    docstring.

    Parameters
    ----------
    alpha : positive slope, a number or a callable alpha(r_kpc) (e.g. ``BrokenPowerLaw(...).slope``).
    beta : a number, one value per bin (e.g. ``bin_dispersions(...)["beta"]``) or a callable beta(r).
    mode : ``"bin"`` (stars in each bin) or ``"cumulative"`` (all stars inside the bin's outer edge).
    r_eval : ``"max"`` (largest radius of the stars used, per resample), ``"edge"`` (bin outer edge)
        or ``"median"`` (median radius of the stars used).
    min_stars : a bin (or cumulative sample) needs more than this many stars (Section 4.3).
    on_sparse : ``"raise"`` or ``"flag"`` (row kept with NaN masses and ``ok = False``).
    rng : the generator of the bootstrap resamples.

    Returns
    -------
    astropy Table, one row per bin: ``r_lo_kpc, r_hi_kpc, n_stars, r_median_kpc, r_mass_kpc`` (radius
    at which M(<r) applies), ``alpha, beta, gamma, coeff`` (alpha + gamma - 2 beta; per-star mean in
    cumulative mode), ``mean_vr_kms, mass_msun`` (full sample), ``mass_p16_msun, mass_p50_msun,
    mass_p84_msun, mass_minus_msun, mass_plus_msun, mass_err_msun, mass_err_quad_msun,
    mass_std_msun`` (bootstrap), ``vcirc_kms, vcirc_err_kms`` (sqrt(G M / r_mass), error to first
    order), ``ok``.
    """
    r, v = _validate_stars(r_kpc, vr_kms)
    edges = np.asarray(edges_kpc, dtype=float)
    k_all = bin_index(r, edges)  # validates edges
    nbin = edges.size - 1
    _check_gamma(gamma)
    if mode not in ("bin", "cumulative"):
        raise ValueError(f"mode must be 'bin' or 'cumulative'; got {mode!r}")
    if r_eval not in ("max", "edge", "median"):
        raise ValueError(f"r_eval must be 'max', 'edge' or 'median'; got {r_eval!r}")
    if on_sparse not in ("raise", "flag"):
        raise ValueError(f"on_sparse must be 'raise' or 'flag'; got {on_sparse!r}")
    if int(n_boot) < 2:
        raise ValueError("n_boot must be >= 2")
    alpha_fn = _as_slope_fn(alpha)
    beta_fn = _beta_lookup(beta, nbin)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")

    inside = k_all >= 0
    r_in, v_in, k_in = r[inside], v[inside], k_all[inside]
    counts = np.bincount(k_in, minlength=nbin)
    n_used = counts if mode == "bin" else np.cumsum(counts)
    sparse = n_used <= min_stars
    if on_sparse == "raise" and np.any(sparse):
        bad = ", ".join(f"[{edges[i]:g}, {edges[i + 1]:g}) kpc: {n_used[i]}" for i in np.flatnonzero(sparse))
        raise ValueError(f"TME bins with <= {min_stars} stars: {bad}")

    cols = {name: np.full(nbin, np.nan) for name in (
        "r_median_kpc", "r_mass_kpc", "alpha", "beta", "coeff", "mean_vr_kms", "mass_msun",
        "mass_p16_msun", "mass_p50_msun", "mass_p84_msun", "mass_std_msun",
    )}
    order = np.argsort(r_in, kind="stable")  # bins are contiguous in radius order
    r_sorted, v_sorted, k_sorted = r_in[order], v_in[order], k_in[order]
    start = np.searchsorted(k_sorted, np.arange(nbin), side="left")
    stop = start + counts
    for i in range(nbin):  # loop over ~10 bins; everything inside is vectorised
        if sparse[i]:
            continue
        lo = start[i] if mode == "bin" else 0
        rr, vv, kk = r_sorted[lo : stop[i]], v_sorted[lo : stop[i]], k_sorted[lo : stop[i]]
        r_med = float(np.median(rr))
        if mode == "bin":
            a_i = float(alpha_fn(np.array(r_med)))
            b_i = float(beta_fn(np.array(r_med), np.array(i)))
            coeff = tme_coefficient(a_i, b_i, gamma)
        else:
            a_star, b_star = alpha_fn(rr), beta_fn(rr, kk)
            coeff = tme_coefficient(a_star, b_star, gamma)
            a_i, b_i = float(np.mean(a_star)), float(np.mean(b_star))
        r_fix = {"max": None, "edge": float(edges[i + 1]), "median": r_med}[r_eval]
        mass = float(_estimate(rr, vv, coeff, gamma, subtract_mean, r_fix))

        n = rr.size
        boot = np.empty(int(n_boot))
        step = max(1, _CHUNK_ELEMS // n)
        for j in range(0, int(n_boot), step):  # memory chunks only (one chunk for typical sizes)
            idx = rng.integers(0, n, size=(min(step, int(n_boot) - j), n))
            c_b = coeff if np.ndim(coeff) == 0 else coeff[idx]
            r_fix_b = r_fix if r_eval != "median" else np.median(rr[idx], axis=1)
            boot[j : j + idx.shape[0]] = _estimate(rr[idx], vv[idx], c_b, gamma, subtract_mean, r_fix_b)

        p16, p50, p84 = np.percentile(boot, (16, 50, 84))
        cols["r_median_kpc"][i] = r_med
        cols["r_mass_kpc"][i] = rr.max() if r_fix is None else r_fix
        cols["alpha"][i], cols["beta"][i] = a_i, b_i
        cols["coeff"][i] = float(np.mean(coeff))
        cols["mean_vr_kms"][i] = float(vv.mean())
        cols["mass_msun"][i] = mass
        cols["mass_p16_msun"][i], cols["mass_p50_msun"][i], cols["mass_p84_msun"][i] = p16, p50, p84
        cols["mass_std_msun"][i] = float(np.std(boot, ddof=1))

    t = Table()
    t["r_lo_kpc"] = edges[:-1] if mode == "bin" else np.full(nbin, edges[0])
    t["r_hi_kpc"] = edges[1:]
    t["n_stars"] = n_used
    for name in ("r_median_kpc", "r_mass_kpc", "alpha", "beta"):
        t[name] = cols[name]
    t["gamma"] = np.full(nbin, float(gamma))
    for name in ("coeff", "mean_vr_kms", "mass_msun", "mass_p16_msun", "mass_p50_msun", "mass_p84_msun"):
        t[name] = cols[name]
    minus = cols["mass_p50_msun"] - cols["mass_p16_msun"]
    plus = cols["mass_p84_msun"] - cols["mass_p50_msun"]
    t["mass_minus_msun"] = minus
    t["mass_plus_msun"] = plus
    t["mass_err_msun"] = 0.5 * (minus + plus)
    t["mass_err_quad_msun"] = np.hypot(minus, plus)
    t["mass_std_msun"] = cols["mass_std_msun"]
    with np.errstate(invalid="ignore"):
        vc = np.sqrt(_G * cols["mass_msun"] / cols["r_mass_kpc"])
    t["vcirc_kms"] = vc
    t["vcirc_err_kms"] = 0.5 * vc * t["mass_err_msun"] / cols["mass_msun"]
    t["ok"] = ~sparse
    t.meta.update(
        method="Evans et al. (2011) TME, Bird et al. (2022) Eq. 4",
        mode=mode, r_eval=r_eval, subtract_mean=bool(subtract_mean), n_boot=int(n_boot),
        mass_err="half the 16-84 bootstrap percentile range",
    )
    return t


def sample_tme_profile(sample, dispersions: Table, *, rng: np.random.Generator, n_boot: int = TME_N_BOOT,
                       **kwargs) -> Table:
    """:func:`tme_profile` of a :class:`~mwlib.bird22.samples.HaloSample` in its bins, with its kind's density
    and each bin's beta from ``dispersions`` (notebook 02's deconvolved dispersions). Bins that notebook 02 flagged
    as too sparse are flagged here too (``on_sparse="flag"`` unless given)."""
    kwargs.setdefault("on_sparse", "raise" if sample.is_mock else "flag")
    return tme_profile(sample.r_kpc, sample.v_kms[:, 0], sample.edges_kpc, sample.density.slope,
                       np.asarray(dispersions["beta"]), n_boot=n_boot, rng=rng, **kwargs)
