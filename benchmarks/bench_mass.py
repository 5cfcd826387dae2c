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

import bench_dispersion  # same directory: the shared mock catalogue
from mwlib.bird22.density import KG_ALPHA_IN_ADJUSTED, KG_DENSITY
from mwlib.bird22.dispersion import KG_EDGES_KPC
from mwlib.bird22.jeans import jeans_profile
from mwlib.bird22.nfw import fit_nfw_profile
from mwlib.bird22.tme import tme_profile

DENSITY = KG_DENSITY.with_alpha_in(KG_ALPHA_IN_ADJUSTED)


def mock_catalogue(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """K-giant-like version of bench_dispersion's mock (Bird's KG sigma_r fit, adjusted density)."""
    return bench_dispersion.mock_catalogue(n, rng, density=DENSITY, edges_kpc=KG_EDGES_KPC,
                                           sigma0_kms=187.0, h_r_kpc=68.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-stars", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    r, v, cov = mock_catalogue(args.n_stars, rng)

    times = {}
    t0 = time.perf_counter()
    jeans = jeans_profile(r, v, KG_EDGES_KPC, DENSITY.slope, rng=np.random.default_rng(args.seed), v_cov=cov)
    times["jeans_profile (XD + sigma_r fit 1000x1500 + 100 MC)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    tme = tme_profile(r, v[:, 0], KG_EDGES_KPC, DENSITY.slope, np.asarray(jeans["beta"]), rng=np.random.default_rng(args.seed))
    times["tme_profile (100 bootstrap)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    fit_j = fit_nfw_profile(jeans, rng=np.random.default_rng(args.seed))
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
