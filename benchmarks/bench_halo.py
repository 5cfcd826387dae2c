"""Benchmark the halo-star pipeline of Bird et al. (2022) (Issue 4 budgets).

Two measurements:

1. ``notebook``: wall time of notebook 02 (all samples, emcee at the paper's settings), executed
   by ``mwlib.repro.runner`` into a temporary directory (needs notebook 01's results/ files).
   Budget: < 60 s.
2. ``mc``: a K-giant-like mock of ``--n-stars`` (default 10^6) stars, then the Monte Carlo error
   propagation (``--n-draws`` = 1000 per star, ``coords.monte_carlo_spherical_velocities_chunked``)
   and the per-bin deconvolution (``dispersion.bin_dispersions`` in the K-giant bins). Budget:
   < 60 s and < 4 GB for propagation + deconvolution. Run in a child process so that its peak
   RSS is its own.

Usage::

    python benchmarks/bench_halo.py                      # both
    python benchmarks/bench_halo.py --stage mc --n-stars 1000000 --dtype float32 --workers 2
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def bench_notebook() -> float:
    from mwlib.repro import runner as reproduce

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        reproduce.run_notebook("02_dispersion", output_dir=Path(tmp))
        return time.perf_counter() - start


def bench_mc(n_stars: int, n_draws: int, dtype: str, workers: int, seed: int) -> None:
    from mwlib.bird22 import dispersion, halo_mocks, halo_table
    from mwlib.core import coords

    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    mock = halo_mocks.make_halo_mock(halo_mocks.KGIANT_MOCK, rng=rng, n_stars=n_stars)
    table, _ = halo_table.correct_vlos_offsets(mock.table)
    cols = {name: np.asarray(table[name], float) for name in (
        "ra", "dec", "distance_kpc", "distance_err_kpc", "pmra_masyr", "pmra_err_masyr", "pmdec_masyr",
        "pmdec_err_masyr", "pm_corr", "vlos_kms", "vlos_err_kms", "r_kpc")}
    del mock, table
    t_mock = time.perf_counter() - t0
    rss_mock = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t0 = time.perf_counter()
    mc = coords.monte_carlo_spherical_velocities_chunked(
        cols["ra"], cols["dec"], cols["distance_kpc"], cols["pmra_masyr"], cols["pmdec_masyr"], cols["vlos_kms"],
        pmra_err=cols["pmra_err_masyr"], pmdec_err=cols["pmdec_err_masyr"], vlos_err=cols["vlos_err_kms"],
        distance_err=cols["distance_err_kpc"], pm_corr=cols["pm_corr"], sun=coords.BIRD22_SUN,
        n_draws=n_draws, rng=rng, dtype=np.dtype(dtype).type, n_workers=workers)
    t_mc = time.perf_counter() - t0
    t0 = time.perf_counter()
    v = np.column_stack([mc["vr"], mc["vtheta"], mc["vphi"]])
    table = dispersion.bin_dispersions(cols["r_kpc"], v, mc["cov"], dispersion.KG_EDGES_KPC)
    t_xd = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB -> MB
    print(f"mock of {n_stars:,} stars: {t_mock:.1f} s (peak RSS so far {rss_mock:.0f} MB)")
    print(f"Monte Carlo, {n_draws} draws/star, {dtype}, {workers} thread(s): {t_mc:.1f} s")
    print(f"deconvolution in {len(table)} K-giant bins: {t_xd:.1f} s")
    print(f"propagation + deconvolution: {t_mc + t_xd:.1f} s (budget 60 s); peak RSS {rss:.0f} MB (budget 4096 MB)")
    print("sigma_r per bin [km/s]:", np.round(table["sigma_r_kms"], 1).tolist())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=("all", "notebook", "mc"), default="all")
    parser.add_argument("--n-stars", type=int, default=1_000_000)
    parser.add_argument("--n-draws", type=int, default=1000)
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.stage in ("all", "notebook"):
        print(f"notebook 02 (all samples, paper settings): {bench_notebook():.1f} s (budget 60 s)")
    if args.stage == "mc":
        bench_mc(args.n_stars, args.n_draws, args.dtype, args.workers, args.seed)
    elif args.stage == "all":
        cmd = [sys.executable, __file__, "--stage", "mc", "--n-stars", str(args.n_stars), "--n-draws",
               str(args.n_draws), "--dtype", args.dtype, "--workers", str(args.workers), "--seed", str(args.seed)]
        return subprocess.call(cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
