"""Velocity dispersions in radial bins and the exponential sigma_r(r) fit of Bird et al. (2022).

What is implemented
-------------------
* the deconvolved (sigma_r, sigma_theta, sigma_phi) of each radial bin come from
  :func:`mwlib.bird22.deconvolution.deconvolve` (one-component extreme deconvolution);
* :func:`bin_dispersions` -- the per-bin table of Section 4.3 with the Poisson-type errors of
  Section 2.1 and the anisotropy of Bird's Eq. (5), beta = 1 - (sigma_theta^2 + sigma_phi^2) /
  (2 sigma_r^2).
* :func:`fit_sigma_r_exponential` -- the emcee fit of Bird's Eq. (2), sigma_r = sigma_0 exp(-r/h_r),
  and its derivative Eq. (3), d sigma_r^2/dr = -2 sigma_0^2/h_r exp(-2 r/h_r), with the paper's
  sampler settings (1000 walkers, 1500 steps, 500 burn-in, 0 < h_r < 1000 kpc) as defaults.

Conventions
-----------
* Velocities are Galactocentric spherical (v_r, v_theta, v_phi) in km/s, columns in that order.
* The error of a dispersion is sigma / sqrt(2 N) (the large-N standard error of a Gaussian
  dispersion; Bird et al. only say "Poisson statistics of the number of stars in each bin").
* Bird's "1500 runs, 500 for burn-in" is read as 1500 steps in total of which the first 500 are
  discarded; pass ``n_steps=2000`` to read it as 1500 steps after burn-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from astropy.table import Table
from scipy.optimize import least_squares

from mwlib.bird22.deconvolution import deconvolve
from mwlib.core.ensemble import run_seeded_ensemble

__all__ = [
    "KG_EDGES_KPC",
    "BHB_EDGES_KPC",
    "KG_R_MIN_KPC",
    "BHB_R_MIN_KPC",
    "SIGMA_FIT_N_WALKERS",
    "SIGMA_FIT_N_STEPS",
    "SIGMA_FIT_N_BURN",
    "H_R_MAX_KPC",
    "dispersion_error",
    "bin_index",
    "anisotropy",
    "anisotropy_error",
    "bin_dispersions",
    "sigma_r_exponential",
    "dsigma2_dr_exponential",
    "ExponentialSigmaFit",
    "fit_sigma_r_exponential",
]

# --- Radial bins of Section 4.3 ------------------------------------------------------------------
#: Inner radial limit of the K-giant sample (Section 4.1, 3 < r < 105 kpc); the paper lists only the
#: bin *ends*, so the first K-giant bin starts here.
KG_R_MIN_KPC: float = 3.0
#: Inner radial limit of the BHB sample (Section 4.1, 4 < r < 60 kpc): start of the first BHB bin.
BHB_R_MIN_KPC: float = 4.0
#: K-giant bin edges: the sample's inner limit followed by the paper's bin ends.
KG_EDGES_KPC: tuple[float, ...] = (KG_R_MIN_KPC, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 125.0)
#: BHB bin edges: the sample's inner limit followed by the paper's bin ends.
BHB_EDGES_KPC: tuple[float, ...] = (
    BHB_R_MIN_KPC, 7.0, 8.0, 10.0, 13.0, 20.0, 25.0, 30.0, 35.0, 43.0, 50.0, 125.0,
)

# --- Sampler settings of Section 2.1 -------------------------------------------------------------
SIGMA_FIT_N_WALKERS: int = 1000
SIGMA_FIT_N_STEPS: int = 1500
SIGMA_FIT_N_BURN: int = 500
#: Upper edge of the flat prior on h_r (Section 2.1: 0 < h_r < 1000 kpc).
H_R_MAX_KPC: float = 1000.0

_NDIM = 3
# Index pairs of the 6 unique elements of a symmetric 3x3 matrix, order (00, 01, 02, 11, 12, 22).


# =================================================================================================
# Binned dispersions, errors and anisotropy (Section 4.3, Section 2.1, Eq. 5)
# =================================================================================================
def dispersion_error(sigma: np.ndarray, n_stars: np.ndarray) -> np.ndarray:
    """Error of a dispersion from the number of stars: sigma / sqrt(2 N) (Section 2.1)."""
    return np.asarray(sigma, dtype=float) / np.sqrt(2.0 * np.asarray(n_stars, dtype=float))


def anisotropy(sigma_r: np.ndarray, sigma_theta: np.ndarray, sigma_phi: np.ndarray) -> np.ndarray:
    """Bird et al. (2022) Eq. (5): beta = 1 - (sigma_theta^2 + sigma_phi^2) / (2 sigma_r^2)."""
    sr, st, sp = (np.asarray(s, dtype=float) for s in (sigma_r, sigma_theta, sigma_phi))
    return 1.0 - (st**2 + sp**2) / (2.0 * sr**2)


def anisotropy_error(
    sigma_r: np.ndarray,
    sigma_theta: np.ndarray,
    sigma_phi: np.ndarray,
    err_r: np.ndarray,
    err_theta: np.ndarray,
    err_phi: np.ndarray,
) -> np.ndarray:
    """First-order propagation of independent dispersion errors through Eq. (5)."""
    sr, st, sp = (np.asarray(s, dtype=float) for s in (sigma_r, sigma_theta, sigma_phi))
    er, et, ep = (np.asarray(e, dtype=float) for e in (err_r, err_theta, err_phi))
    d_r = (st**2 + sp**2) / sr**3  # d beta / d sigma_r
    d_t = -st / sr**2
    d_p = -sp / sr**2
    return np.sqrt((d_r * er) ** 2 + (d_t * et) ** 2 + (d_p * ep) ** 2)


def _validate_edges(edges_kpc: np.ndarray) -> np.ndarray:
    edges = np.asarray(edges_kpc, dtype=float)
    if edges.ndim != 1 or edges.size < 2:
        raise ValueError("edges_kpc must be a 1-D array with at least two edges")
    if not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise ValueError("edges_kpc must be finite and strictly increasing")
    return edges


def bin_index(r_kpc: np.ndarray, edges_kpc: np.ndarray) -> np.ndarray:
    """Bin of each radius: edges[k] <= r < edges[k+1], the last bin closed on the right; -1 outside."""
    edges = _validate_edges(edges_kpc)
    r = np.asarray(r_kpc, dtype=float)
    k = np.searchsorted(edges, r, side="right") - 1
    k[r == edges[-1]] = edges.size - 2
    k[(r < edges[0]) | (r > edges[-1]) | ~np.isfinite(r)] = -1
    return k


#: What to do with a bin of too few stars: raise, or keep the row with NaN values and ``ok = False``.
OnSparse = Literal["raise", "flag"]


def bin_dispersions(
    r_kpc: np.ndarray,
    v_kms: np.ndarray,
    v_cov: np.ndarray,
    edges_kpc: np.ndarray,
    min_stars: int = 10,
    *,
    on_sparse: OnSparse = "raise",
    tol: float = 1e-6,
    max_iter: int = 10_000,
) -> Table:
    """Deconvolved velocity moments in Galactocentric radial bins (Bird et al. 2022, Section 4.3).

    Parameters
    ----------
    r_kpc : (N,) Galactocentric radii.
    v_kms : (N, 3) velocities (v_r, v_theta, v_phi).
    v_cov : (N, 3, 3) per-star velocity error covariances in (km/s)^2.
    edges_kpc : bin edges; bins are [e_k, e_k+1) with the last one closed. Stars outside are ignored.
    min_stars : a bin needs *more than* ``min_stars`` stars (Section 4.3: "over 10 stars").
    on_sparse : ``"raise"`` (ValueError naming the bins) or ``"flag"`` (row kept with NaN moments
        and ``ok = False``).

    Returns
    -------
    astropy Table, one row per bin, columns
    ``r_lo_kpc, r_hi_kpc, n_stars, r_median_kpc, mean_vr_kms, mean_vtheta_kms, mean_vphi_kms,
    sigma_r_kms, sigma_theta_kms, sigma_phi_kms, sigma_r_err_kms, sigma_theta_err_kms,
    sigma_phi_err_kms, beta, beta_err, cov_kms2 (3x3 deconvolved covariance), xd_converged, ok``.
    ``xd_converged`` is False for a usable bin whose deconvolution failed the EM check
    (:class:`mwlib.bird22.deconvolution.Deconvolution`); callers count and report such bins.
    Errors: sigma / sqrt(2 N) (:func:`dispersion_error`); beta error propagated from these
    (:func:`anisotropy_error`).
    """
    if on_sparse not in ("raise", "flag"):
        raise ValueError(f"on_sparse must be 'raise' or 'flag'; got {on_sparse!r}")
    edges = _validate_edges(edges_kpc)
    r = np.asarray(r_kpc, dtype=float)
    v = np.asarray(v_kms, dtype=float)
    cov = np.asarray(v_cov, dtype=float)
    if r.ndim != 1:
        raise ValueError(f"r_kpc must be 1-D; got shape {r.shape}")
    if v.shape != (r.size, _NDIM) or cov.shape != (r.size, _NDIM, _NDIM):
        raise ValueError(
            f"shapes disagree: r_kpc {r.shape}, v_kms {v.shape} (want (N, 3)), "
            f"v_cov {cov.shape} (want (N, 3, 3))"
        )

    nbin = edges.size - 1
    k = bin_index(r, edges)
    counts = np.bincount(k[k >= 0], minlength=nbin)
    sparse = counts <= min_stars
    if on_sparse == "raise" and np.any(sparse):
        bad = ", ".join(
            f"[{edges[i]:g}, {edges[i + 1]:g}) kpc: {counts[i]}" for i in np.flatnonzero(sparse)
        )
        raise ValueError(f"radial bins with <= {min_stars} stars: {bad}")

    # One stable sort instead of a boolean mask of all N stars per bin.
    order = np.argsort(k, kind="stable")
    starts = np.searchsorted(k[order], np.arange(nbin), side="left")

    r_med = np.full(nbin, np.nan)
    means = np.full((nbin, _NDIM), np.nan)
    covs = np.full((nbin, _NDIM, _NDIM), np.nan)
    converged = np.zeros(nbin, bool)
    for i in range(nbin):  # loop over bins only; each deconvolution is vectorised over stars
        if sparse[i]:
            continue
        idx = order[starts[i] : starts[i] + counts[i]]
        r_med[i] = np.median(r[idx])
        result = deconvolve(v[idx], cov[idx], tol=tol, max_iter=max_iter)
        means[i], covs[i], converged[i] = result.mean, result.covariance, result.converged

    sig = np.sqrt(np.einsum("kii->ki", covs))
    err = dispersion_error(sig, np.maximum(counts, 1)[:, None])
    beta = anisotropy(sig[:, 0], sig[:, 1], sig[:, 2])
    beta_err = anisotropy_error(sig[:, 0], sig[:, 1], sig[:, 2], err[:, 0], err[:, 1], err[:, 2])

    table = Table()
    table["r_lo_kpc"] = edges[:-1]
    table["r_hi_kpc"] = edges[1:]
    table["n_stars"] = counts
    table["r_median_kpc"] = r_med
    for j, name in enumerate(("vr", "vtheta", "vphi")):
        table[f"mean_{name}_kms"] = means[:, j]
    for j, name in enumerate(("r", "theta", "phi")):
        table[f"sigma_{name}_kms"] = sig[:, j]
    for j, name in enumerate(("r", "theta", "phi")):
        table[f"sigma_{name}_err_kms"] = err[:, j]
    table["beta"] = beta
    table["beta_err"] = beta_err
    table["cov_kms2"] = covs
    table["xd_converged"] = converged
    table["ok"] = ~sparse
    table.meta["dispersion_error"] = "sigma / sqrt(2 N)"
    table.meta["min_stars"] = int(min_stars)
    return table


# =================================================================================================
# Exponential sigma_r(r) fit (Eqs. 2-3)
# =================================================================================================
def sigma_r_exponential(r_kpc: np.ndarray, sigma0_kms: np.ndarray, h_r_kpc: np.ndarray) -> np.ndarray:
    """Bird et al. (2022) Eq. (2): sigma_r = sigma_0 exp(-r / h_r)."""
    return np.asarray(sigma0_kms) * np.exp(-np.asarray(r_kpc) / np.asarray(h_r_kpc))


def dsigma2_dr_exponential(
    r_kpc: np.ndarray, sigma0_kms: np.ndarray, h_r_kpc: np.ndarray
) -> np.ndarray:
    """Bird et al. (2022) Eq. (3): d sigma_r^2/dr = -2 sigma_0^2 / h_r exp(-2 r / h_r), (km/s)^2/kpc."""
    s0 = np.asarray(sigma0_kms)
    h = np.asarray(h_r_kpc)
    return -2.0 * s0**2 / h * np.exp(-2.0 * np.asarray(r_kpc) / h)


def _exp_log_prob(
    theta: np.ndarray, r: np.ndarray, sig: np.ndarray, err: np.ndarray, h_max: float
) -> np.ndarray:
    """Vectorised log posterior over walkers: Gaussian likelihood, flat priors sigma_0 > 0, 0 < h_r < h_max."""
    s0, h = theta[:, 0], theta[:, 1]
    ok = (s0 > 0) & (h > 0) & (h < h_max)
    h_safe = np.where(ok, h, 1.0)
    model = s0[:, None] * np.exp(-r[None, :] / h_safe[:, None])
    chi2 = np.sum(((sig[None, :] - model) / err[None, :]) ** 2, axis=1)
    return np.where(ok, -0.5 * chi2, -np.inf)


def _percentile_band(
    fn, r_kpc: np.ndarray, samples: np.ndarray, q: tuple[float, ...], chunk_elems: int = 2**24
) -> np.ndarray:
    """Percentiles over posterior samples of fn(r, sigma0, h_r), chunked over r to bound memory."""
    r = np.atleast_1d(np.asarray(r_kpc, dtype=float))
    out = np.empty((len(q), r.size))
    step = max(1, chunk_elems // max(1, samples.shape[0]))
    for j in range(0, r.size, step):
        rr = r[j : j + step]
        vals = fn(rr[None, :], samples[:, :1], samples[:, 1:2])
        out[:, j : j + step] = np.percentile(vals, q, axis=0)
    return out


@dataclass(frozen=True)
class ExponentialSigmaFit:
    """Posterior of (sigma_0 [km/s], h_r [kpc]) of Eq. (2).

    ``samples`` is the flattened post-burn-in chain, shape (n_walkers * (n_steps - n_burn), 2).
    ``sigma0_kms`` and ``h_r_kpc`` hold the 16th, 50th and 84th percentiles (the paper's best fit is
    the 50th; its random error the 16th-84th range).
    """

    samples: np.ndarray
    sigma0_kms: np.ndarray
    h_r_kpc: np.ndarray
    acceptance_fraction: float
    n_walkers: int
    n_steps: int
    n_burn: int

    def sigma_r_best(self, r_kpc: np.ndarray) -> np.ndarray:
        """Eq. (2) at the 50th-percentile parameters."""
        return sigma_r_exponential(r_kpc, self.sigma0_kms[1], self.h_r_kpc[1])

    def dsigma2_dr_best(self, r_kpc: np.ndarray) -> np.ndarray:
        """Eq. (3) at the 50th-percentile parameters, (km/s)^2/kpc."""
        return dsigma2_dr_exponential(r_kpc, self.sigma0_kms[1], self.h_r_kpc[1])

    def _band_draws(self, max_draws: int | None) -> np.ndarray:
        # an evenly strided subset: a band for a figure needs ~1e4 draws, not the 1e6 of the full chains
        if max_draws is None or self.samples.shape[0] <= max_draws:
            return self.samples
        return self.samples[:: -(-self.samples.shape[0] // max_draws)]

    def sigma_r_band(self, r_kpc: np.ndarray, q: tuple[float, ...] = (16, 50, 84),
                     max_draws: int | None = 20000) -> np.ndarray:
        """Posterior percentiles of sigma_r(r), shape (len(q), len(r)), from at most ``max_draws`` evenly strided
        posterior draws (None: all)."""
        return _percentile_band(sigma_r_exponential, r_kpc, self._band_draws(max_draws), q)

    def dsigma2_dr_band(self, r_kpc: np.ndarray, q: tuple[float, ...] = (16, 50, 84),
                        max_draws: int | None = 20000) -> np.ndarray:
        """Posterior percentiles of d sigma_r^2/dr on a radius grid, shape (len(q), len(r)), from at most
        ``max_draws`` evenly strided posterior draws (None: all)."""
        return _percentile_band(dsigma2_dr_exponential, r_kpc, self._band_draws(max_draws), q)


def _exp_start(r: np.ndarray, sig: np.ndarray, err: np.ndarray, h_max: float) -> np.ndarray:
    """Weighted least-squares start for the walkers, kept strictly inside the prior."""
    # Log-linear guess, then a bounded nonlinear refinement.
    w = (sig / err) ** 2
    slope, intercept = np.polyfit(r, np.log(sig), 1, w=np.sqrt(w))
    h0 = -1.0 / slope if slope < -1.0 / h_max else 0.5 * h_max
    p0 = np.array([np.exp(intercept), np.clip(h0, 1e-3 * h_max, 0.9 * h_max)])
    res = least_squares(
        lambda p: (sig - sigma_r_exponential(r, p[0], p[1])) / err,
        p0,
        bounds=([1e-12, 1e-6 * h_max], [np.inf, 0.99 * h_max]),
    )
    return res.x


def fit_sigma_r_exponential(
    r_kpc: np.ndarray,
    sigma_r_kms: np.ndarray,
    sigma_r_err_kms: np.ndarray,
    *,
    rng: np.random.Generator,
    n_walkers: int = SIGMA_FIT_N_WALKERS,
    n_steps: int = SIGMA_FIT_N_STEPS,
    n_burn: int = SIGMA_FIT_N_BURN,
    h_r_max_kpc: float = H_R_MAX_KPC,
    progress: bool = False,
) -> ExponentialSigmaFit:
    """Bird et al. (2022) Eqs. 2-3: emcee fit of sigma_r(r) = sigma_0 exp(-r/h_r) to binned dispersions (Section 2.1, Eqs. 2-3).

    Likelihood: independent Gaussians, sigma_r_err_kms per bin. Priors: flat, sigma_0 > 0 and
    0 < h_r < ``h_r_max_kpc``. Walkers start in a 0.1 per cent ball around the least-squares fit.

    Reproducibility: every draw comes from ``rng``. emcee 3.1.6 keeps its own legacy
    ``numpy.random.RandomState`` and, unless told otherwise, seeds it from the *global* numpy state;
    we hand it a RandomState seeded from ``rng`` through ``emcee.State(..., random_state=...)``,
    which ``EnsembleSampler.sample`` installs before the first step.
    """
    r = np.asarray(r_kpc, dtype=float)
    sig = np.asarray(sigma_r_kms, dtype=float)
    err = np.asarray(sigma_r_err_kms, dtype=float)
    if not (r.ndim == 1 and r.shape == sig.shape == err.shape and r.size >= 2):
        raise ValueError("r_kpc, sigma_r_kms, sigma_r_err_kms must be 1-D, equal length, >= 2 bins")
    good = np.isfinite(r) & np.isfinite(sig) & np.isfinite(err)
    if not np.all(good):
        raise ValueError("non-finite input (drop flagged bins before fitting)")
    if np.any(err <= 0) or np.any(sig <= 0):
        raise ValueError("sigma_r_kms and sigma_r_err_kms must be positive")
    if not (0 <= n_burn < n_steps):
        raise ValueError(f"need 0 <= n_burn < n_steps; got n_burn={n_burn}, n_steps={n_steps}")
    if n_walkers < 4:
        raise ValueError("need at least 4 walkers for 2 parameters")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")

    best = _exp_start(r, sig, err, h_r_max_kpc)
    p0 = best * (1.0 + 1e-3 * rng.standard_normal((n_walkers, 2)))
    p0[:, 1] = np.clip(p0[:, 1], 1e-9 * h_r_max_kpc, (1 - 1e-9) * h_r_max_kpc)
    p0[:, 0] = np.abs(p0[:, 0])
    sampler = run_seeded_ensemble(_exp_log_prob, p0, n_steps, rng=rng, args=(r, sig, err, h_r_max_kpc),
                                  progress=progress)
    samples = sampler.get_chain(discard=n_burn, flat=True)
    pct = np.percentile(samples, (16, 50, 84), axis=0)
    return ExponentialSigmaFit(
        samples=samples,
        sigma0_kms=pct[:, 0],
        h_r_kpc=pct[:, 1],
        acceptance_fraction=float(np.mean(sampler.acceptance_fraction)),
        n_walkers=n_walkers,
        n_steps=n_steps,
        n_burn=n_burn,
    )


# =================================================================================================
# Products of notebook 02: binned dispersions and the sigma_r fits
# =================================================================================================
#: Posterior samples of each sigma_r fit kept for the Jeans Monte Carlo of notebooks 03 and 06 (evenly
#: thinned from the paper's 10^6: 100 realizations draw from them, and percentile bands need far fewer).
SIGMA_FIT_SAMPLES_KEPT: int = 20_000
SIGMA_FITS = "halo_sigma_fits.json"
SIGMA_FIT_SAMPLES = "local/halo_sigma_fit_samples.npz"
_DISPERSION_SPECS_FLOAT = ("r_lo_kpc", "r_hi_kpc", "r_median_kpc", "mean_vr_kms", "mean_vtheta_kms", "mean_vphi_kms",
                           "sigma_r_kms", "sigma_theta_kms", "sigma_phi_kms", "sigma_r_err_kms", "sigma_theta_err_kms",
                           "sigma_phi_err_kms", "beta", "beta_err")


def dispersion_product(sample: str) -> str:
    return f"halo_{sample}_dispersion.csv"


def write_dispersions(run, sample: str, table: Table) -> None:
    """``results/halo_<sample>_dispersion.csv`` (the 3x3 covariances are dropped: sigma and beta carry them)."""
    out = table.copy()
    out.remove_column("cov_kms2")
    out.meta = {}
    for col in out.colnames:
        if out[col].dtype.kind == "f":
            out[col].info.format = ".10g"
    run.write_csv(dispersion_product(sample), out)


def read_dispersions(run, sample: str) -> Table:
    """Notebook 02's binned dispersions of ``sample``, validated (NaN moments in flagged bins)."""
    from mwlib.core.tables import ColumnSpec, read_validated_csv

    specs = ([ColumnSpec("n_stars", "int", non_negative=True), ColumnSpec("ok", "bool"),
              ColumnSpec("xd_converged", "bool")]
             + [ColumnSpec(c, required=c in ("r_lo_kpc", "r_hi_kpc")) for c in _DISPERSION_SPECS_FLOAT])
    table = read_validated_csv(run.input(dispersion_product(sample), producer="02_dispersion"), specs)
    table.meta = {}
    return table


def write_sigma_fits(run, fits: dict[str, ExponentialSigmaFit]) -> None:
    """Percentiles (``halo_sigma_fits.json``) and thinned posterior samples (``local/halo_sigma_fit_samples.npz``)."""
    run.write_json(SIGMA_FITS, {name: {"sigma0_kms": dict(zip(("p16", "p50", "p84"), map(float, f.sigma0_kms))),
                                       "h_r_kpc": dict(zip(("p16", "p50", "p84"), map(float, f.h_r_kpc))),
                                       "acceptance_fraction": float(f.acceptance_fraction),
                                       "n_walkers": f.n_walkers, "n_steps": f.n_steps, "n_burn": f.n_burn}
                                for name, f in fits.items()})
    kept = {name: f.samples[:: max(1, f.samples.shape[0] // SIGMA_FIT_SAMPLES_KEPT)][:SIGMA_FIT_SAMPLES_KEPT]
            for name, f in fits.items()}
    run.write_npz(SIGMA_FIT_SAMPLES, **kept)


def read_sigma_fits(run) -> dict[str, ExponentialSigmaFit]:
    """Notebook 02's sigma_r fits (percentiles of the full chains, thinned samples)."""
    summary = run.read_json(SIGMA_FITS, producer="02_dispersion")
    with np.load(run.input(SIGMA_FIT_SAMPLES, producer="02_dispersion")) as stored:
        samples = {name: stored[name] for name in stored.files}
    return {name: ExponentialSigmaFit(samples=samples[name],
                                      sigma0_kms=np.array([s["sigma0_kms"][k] for k in ("p16", "p50", "p84")]),
                                      h_r_kpc=np.array([s["h_r_kpc"][k] for k in ("p16", "p50", "p84")]),
                                      acceptance_fraction=s["acceptance_fraction"], n_walkers=s["n_walkers"],
                                      n_steps=s["n_steps"], n_burn=s["n_burn"])
            for name, s in summary.items()}


def fit_sigma_profile(table: Table, *, rng: np.random.Generator, **settings: int) -> ExponentialSigmaFit:
    """The exponential sigma_r(r) fit (Eqs. 2-3) to the usable bins of one dispersion table."""
    ok = np.asarray(table["ok"], bool)
    return fit_sigma_r_exponential(np.asarray(table["r_median_kpc"])[ok], np.asarray(table["sigma_r_kms"])[ok],
                                   np.asarray(table["sigma_r_err_kms"])[ok], rng=rng, **settings)
