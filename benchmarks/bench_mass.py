"""Benchmark: Jeans profile + TME profile + NFW fits at the paper's settings on a 10^4-star K-giant mock.

Mock: radii from Bird's adjusted K-giant broken power law (alpha_in = 2.8, r_break = 17 kpc,
alpha_out = 4.6) on 3-125 kpc; Gaussian velocities with sigma_r = 187 exp(-r/68 kpc) km/s (the
paper's K-giant fit, Section 4.4) and beta = 0.5; heteroscedastic correlated error covariances.
This is a timing mock, not a Jeans-consistent one: the masses it prints are only indicative.

Timed, at the paper's settings:
* ``jeans_profile`` (extreme deconvolution per bin, exponential sigma_r fit with 1000 walkers x
  1500 steps / 500 burn-in, 100 Monte Carlo realisations);
* ``tme_profile`` (gamma = 0.5, beta per bin from the Jeans table, 100 bootstrap resamples);
* ``fit_nfw`` on each profile (500 walkers x 400 steps / 250 burn-in).

Target (brief): notebooks 03 and 04 together < 60 s, so the library part should be well under that.

Usage: python benchmarks/bench_mass.py [--n-stars 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from mwlib.density import KG_ALPHA_IN_ADJUSTED, KG_DENSITY
from mwlib.dispersion import KG_EDGES_KPC, sigma_r_exponential
from mwlib.jeans import jeans_profile
from mwlib.nfw import fit_nfw_profile
from mwlib.tme import tme_profile

DENSITY = KG_DENSITY.with_alpha_in(KG_ALPHA_IN_ADJUSTED)


def draw_radii(n: int, rng: np.random.Generator, r_min: float, r_max: float) -> np.ndarray:
    """Inverse-CDF draws from p(r) ∝ r^2 rho(r)."""
    grid = np.geomspace(r_min, r_max, 4097)
    cdf = np.concatenate(([0.0], np.cumsum(DENSITY.shell_mean(grid) * np.diff(grid**3))))
    return np.interp(rng.uniform(0, cdf[-1], n), cdf, grid)


def mock_catalogue(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r = draw_radii(n, rng, KG_EDGES_KPC[0], KG_EDGES_KPC[-1])
    sig_r = sigma_r_exponential(r, 187.0, 68.0)
    sig_t = sig_r * np.sqrt(1 - 0.5)
    v = rng.standard_normal((n, 3)) * np.column_stack([sig_r, sig_t, sig_t])
    e = np.column_stack([np.full(n, 10.0), 5.0 + 1.5 * r, 5.0 + 1.5 * r]) * rng.uniform(0.7, 1.3, (n, 3))
    c = rng.uniform(-0.45, 0.45, (n, 3))
    cov = np.empty((n, 3, 3))
    cov[:, 0, 0], cov[:, 1, 1], cov[:, 2, 2] = (e**2).T
    cov[:, 0, 1] = cov[:, 1, 0] = c[:, 0] * e[:, 0] * e[:, 1]
    cov[:, 0, 2] = cov[:, 2, 0] = c[:, 1] * e[:, 0] * e[:, 2]
    cov[:, 1, 2] = cov[:, 2, 1] = c[:, 2] * e[:, 1] * e[:, 2]
    noise = np.einsum("nij,nj->ni", np.linalg.cholesky(cov), rng.standard_normal((n, 3)))
    return r, v + noise, cov


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-stars", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    r, v, cov = mock_catalogue(args.n_stars, rng)

    times = {}
    t0 = time.perf_counter()
    jeans = jeans_profile(r, v, KG_EDGES_KPC, DENSITY.slope, seed=args.seed, v_cov=cov)
    times["jeans_profile (XD + sigma_r fit 1000x1500 + 100 MC)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    tme = tme_profile(r, v[:, 0], KG_EDGES_KPC, DENSITY.slope, np.asarray(jeans["beta"]), seed=args.seed)
    times["tme_profile (100 bootstrap)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    fit_j = fit_nfw_profile(jeans, seed=args.seed)
    times["fit_nfw on Jeans (500x400)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    fit_t = fit_nfw_profile(tme, seed=args.seed)
    times["fit_nfw on TME (500x400)"] = time.perf_counter() - t0

    show = ["r_median_kpc", "n_stars", "sigma_r_kms", "sigma_theta_kms", "sigma_phi_kms", "beta",
            "dsigma2_dr_kms2_per_kpc", "mass_msun", "mass_err_msun", "vcirc_kms", "vcirc_err_kms"]
    print(f"Mock: {args.n_stars} stars, K-giant bins {KG_EDGES_KPC}\n")
    print("Jeans profile")
    print(_fmt(jeans, show))
    print("\nTME profile")
    print(_fmt(tme, ["r_median_kpc", "r_mass_kpc", "n_stars", "alpha", "beta", "mass_msun",
                     "mass_err_msun", "vcirc_kms"]))
    for name, fit in (("Jeans", fit_j), ("TME", fit_t)):
        p = fit.percentiles
        print(f"\nNFW fit to {name}: M200 = {p['m200_msun'][1] / 1e12:.3f} "
              f"(+{(p['m200_msun'][2] - p['m200_msun'][1]) / 1e12:.3f} "
              f"-{(p['m200_msun'][1] - p['m200_msun'][0]) / 1e12:.3f}) 1e12 Msun, "
              f"r200 = {p['r200_kpc'][1]:.1f} kpc, c = {p['c'][1]:.1f}, "
              f"M_tot(r200) = {p['m_total_r200_msun'][1] / 1e12:.3f} 1e12 Msun, "
              f"acceptance {fit.acceptance_fraction:.2f}")
    print("\nTimings")
    for name, dt in times.items():
        print(f"  {name:<55s} {dt:7.2f} s")
    total = sum(times.values())
    print(f"  {'total':<55s} {total:7.2f} s")
    return 0 if total < 60 else 1


def _fmt(table, cols) -> str:
    t = table[cols].copy()
    for c in cols:
        if t[c].dtype.kind == "f":
            t[c].info.format = ".4g"
    return "\n".join(t.pformat(max_lines=-1, max_width=-1))


if __name__ == "__main__":
    sys.exit(main())
