"""Benchmark of mwlib.df.fit on a mock the size of the Eadie & Harris (2016) sample.

Fits all 15 scenarios (I..XII, IVb, Vb, VIb) with the fast marginal sampler at the default
settings, which must meet the convergence bars (R-hat < 1.1, ESS > 1000), and prints per-scenario
wall time, worst R-hat, smallest ESS and the total (target: all 15 under 60 s on 2 cores).
Then compares ESS per second of the hybrid-Gibbs and marginal samplers on Scenario XII.

The mock: 89 tracers drawn from the EH16 DF with Phi_o = 33e4 km^2/s^2, gamma = 0.5,
alpha = 3.5, beta = 0.3 between 0.5 and 125 kpc; the 18 outermost lose their vt (in the real
sample proper motions are missing mostly at large r). The alpha prior comes from the 68
excluded clusters of EH16 Table 3 when that table is found (MWLIB_EXTERNAL_DATA or
../shared/data), else from 68 mock radii.

Run: .venv/bin/python benchmarks/bench_df.py [--seed N]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mwlib.df import SCENARIOS, alpha_prior_from_radii, fit, mass_enclosed  # noqa: E402
from mwlib.eh16.df_mocks import hide_tangential_velocity, sample_power_law_df
from mwlib.eh16.df_mocks import sample_radii  # noqa: E402
from mwlib.core.sampling import convergence_diagnostics  # noqa: E402

TRUTH = {"phi0": 33.0, "gamma": 0.5, "alpha": 3.5, "beta": 0.3}


def alpha_prior(rng: np.random.Generator) -> tuple[tuple[float, float], str]:
    env = os.environ.get("MWLIB_EXTERNAL_DATA")
    for folder in ([Path(env)] if env else []) + [REPO.parent / "shared" / "data"]:
        path = folder / "eadie_harris2016_table3.csv"
        if path.is_file():
            with open(path, newline="") as fh:
                radii = [float(r["r_gc_kpc"]) for r in csv.DictReader(fh) if int(r["included_paper"]) == 0]
            return alpha_prior_from_radii(radii), f"68 excluded clusters ({path})"
    return alpha_prior_from_radii(sample_radii(68, 3.4, 0.5, 125.0, rng)), "68 mock radii (table not found)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    mock = sample_power_law_df(89, TRUTH["phi0"], TRUTH["gamma"], TRUTH["alpha"], TRUTH["beta"], 0.5, 125.0, rng)
    mock = hide_tangential_velocity(mock, count=18, selection="outermost")
    (shape, rate), source = alpha_prior(rng)
    print(f"mock: 89 tracers, 18 without vt, r in [{mock['r'].min():.2f}, {mock['r'].max():.1f}] kpc; "
          f"truth {TRUTH}, M125 = {mass_enclosed(125.0, TRUTH['phi0'], TRUTH['gamma']):.3g} Msun")
    print(f"alpha prior from {source}: shape {shape:.3f}, rate {rate:.2f}, mode {3 + (shape - 1) / rate:.3f}")

    t0 = time.perf_counter()
    convergence_diagnostics(np.random.default_rng(0).standard_normal((3, 100, 1)), ["x"])  # arviz import
    print(f"startup (arviz import): {time.perf_counter() - t0:.2f} s\n")

    header = f"{'scenario':8s} {'free':24s} {'time[s]':>8s} {'Rhat_max':>9s} {'ESS_min':>8s} {'accept':>7s} {'ok':>3s} {'M125[1e11]':>11s}"
    print(header)
    print("-" * len(header))
    total = 0.0
    all_ok = True
    for key, scenario in SCENARIOS.items():
        t = time.perf_counter()
        res = fit(mock, scenario, seed=args.seed, alpha_prior=(shape, rate))
        dt = time.perf_counter() - t
        total += dt
        all_ok &= res.converged
        m125 = np.percentile(res.mass(125.0), [50, 2.5, 97.5]) / 1e11
        print(f"{key:8s} {','.join(scenario.free_parameters):24s} {dt:8.2f} {max(res.rhat.values()):9.4f} "
              f"{min(res.ess.values()):8.0f} {res.summary()['acceptance']:7.2f} {'yes' if res.converged else 'NO':>3s} "
              f"{m125[0]:5.2f} ({m125[1]:.2f}-{m125[2]:.2f})")
    print("-" * len(header))
    print(f"total for 15 scenarios: {total:.1f} s (target < 60 s); all converged: {all_ok}\n")

    print("ESS per second on Scenario XII (wall time of the whole fit, burn-in included)")
    for sampler, kwargs in (("marginal", {}), ("gibbs", {}), ("gibbs", {"vt_update": "exact"})):
        t = time.perf_counter()
        res = fit(mock, SCENARIOS["XII"], seed=args.seed, alpha_prior=(shape, rate), sampler=sampler, **kwargs)
        dt = time.perf_counter() - t
        label = sampler + (" (exact vt)" if kwargs else "")
        ess = res.ess
        print(f"  {label:20s} {dt:6.2f} s  draws/chain {res.settings['n_draws_per_chain']:6d}  "
              f"ESS_min {min(ess.values()):6.0f}  ESS_min/s {min(ess.values()) / dt:7.0f}  "
              f"R-hat_max {max(res.rhat.values()):.4f}  "
              + " ".join(f"{p}:{v / dt:.0f}/s" for p, v in ess.items()))


if __name__ == "__main__":
    main()
