"""Benchmark: per-bin extreme deconvolution of 10^6 mock stars in the BHB bins of Bird et al. (2022).

Draws N mock halo stars (radii from the BHB broken power law, Gaussian velocities with an
exponential sigma_r(r) and constant anisotropy, heteroscedastic correlated 3x3 error covariances
growing with radius), then times ``mwlib.bird22.dispersion.bin_dispersions`` with ``BHB_EDGES_KPC`` and
the exponential sigma_r fit at the paper's sampler settings.

Budget (brief): < 60 s and < 4 GB for the whole Jeans error pipeline, *including* a Monte Carlo
propagation of 1000 draws per star that another module provides; only the deconvolution and the
sigma_r fit are timed here.

Usage: python benchmarks/bench_dispersion.py [--n-stars 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

import numpy as np

from mwlib.bird22.density import BHB_DENSITY
from mwlib.bird22.dispersion import BHB_EDGES_KPC, bin_dispersions, fit_sigma_r_exponential, sigma_r_exponential


def draw_radii(n: int, rng: np.random.Generator, r_min: float, r_max: float, density=BHB_DENSITY) -> np.ndarray:
    """Inverse-CDF draws from p(r) ∝ r^2 rho(r) for a broken power law."""
    grid = np.geomspace(r_min, r_max, 4097)
    cdf = np.concatenate(([0.0], np.cumsum(density.shell_mean(grid) * np.diff(grid**3))))
    return np.interp(rng.uniform(0, cdf[-1], n), cdf, grid)


def mock_catalogue(n: int, rng: np.random.Generator, density=BHB_DENSITY, edges_kpc=BHB_EDGES_KPC,
                   sigma0_kms: float = 143.0, h_r_kpc: float = 111.0):
    """Gaussian velocities with Bird's exponential sigma_r, beta = 0.5, and correlated per-star errors.

    Also used by bench_mass.py (K-giant density, edges and sigma_r fit there).
    """
    r = draw_radii(n, rng, edges_kpc[0], edges_kpc[-1], density)
    sig_r = sigma_r_exponential(r, sigma0_kms, h_r_kpc)
    sig_t = sig_r * np.sqrt(1 - 0.5)  # beta = 0.5 in both tangential directions
    v = rng.standard_normal((n, 3)) * np.column_stack([sig_r, sig_t, sig_t])
    # errors: ~10 km/s line of sight, tangential ~ 10% distance error x v_tan, plus correlations
    e = np.column_stack([np.full(n, 10.0), 5.0 + 1.5 * r, 5.0 + 1.5 * r]) * rng.uniform(0.7, 1.3, (n, 3))
    c = rng.uniform(-0.45, 0.45, (n, 3))  # |c| < 1/2 keeps every matrix positive definite
    cov = np.empty((n, 3, 3))
    cov[:, 0, 0], cov[:, 1, 1], cov[:, 2, 2] = (e**2).T
    cov[:, 0, 1] = cov[:, 1, 0] = c[:, 0] * e[:, 0] * e[:, 1]
    cov[:, 0, 2] = cov[:, 2, 0] = c[:, 1] * e[:, 0] * e[:, 2]
    cov[:, 1, 2] = cov[:, 2, 1] = c[:, 2] * e[:, 1] * e[:, 2]
    noise = np.einsum("nij,nj->ni", np.linalg.cholesky(cov), rng.standard_normal((n, 3)))
    return r, v + noise, cov


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-stars", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    r, v, cov = mock_catalogue(args.n_stars, rng)
    t_mock = time.perf_counter() - t0
    print(f"mock catalogue: {args.n_stars:,} stars, {cov.nbytes / 1e6:.0f} MB of covariances, {t_mock:.2f} s")

    t0 = time.perf_counter()
    table = bin_dispersions(r, v, cov, BHB_EDGES_KPC)
    t_xd = time.perf_counter() - t0

    tracemalloc.start()
    bin_dispersions(r, v, cov, BHB_EDGES_KPC)
    _, xd_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    good = table["ok"]
    t0 = time.perf_counter()
    fit = fit_sigma_r_exponential(
        np.asarray(table["r_median_kpc"][good]),
        np.asarray(table["sigma_r_kms"][good]),
        np.asarray(table["sigma_r_err_kms"][good]),
        rng=rng,
    )
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    fit.dsigma2_dr_band(np.linspace(4.0, 125.0, 100))
    t_band = time.perf_counter() - t0

    cols = ["r_lo_kpc", "r_hi_kpc", "n_stars", "r_median_kpc", "sigma_r_kms", "sigma_theta_kms",
            "sigma_phi_kms", "beta", "beta_err"]
    table[cols].pprint(max_width=200, max_lines=-1)
    print(f"sigma_r fit (truth 143 km/s, 111 kpc): sigma_0 = {fit.sigma0_kms.round(1)}, "
          f"h_r = {fit.h_r_kpc.round(1)}")
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    print(f"bin_dispersions (11 BHB bins, {args.n_stars:,} stars): {t_xd:.2f} s, "
          f"peak extra traced memory {xd_peak / 1e6:.0f} MB")
    print(f"fit_sigma_r_exponential (1000 walkers x 1500 steps): {t_fit:.2f} s; "
          f"d sigma_r^2/dr band on 100 radii: {t_band:.2f} s")
    print(f"process peak RSS (incl. mock catalogue): {maxrss_mb:.0f} MB")
    print("Not timed here: the 1000-draw-per-star Monte Carlo error propagation (other module).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
