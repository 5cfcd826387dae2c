"""Benchmark of mwlib.eh16.fit: ESS per second of the samplers on Scenario XII of the real sample.

Part 1 (the issue's measure): Scenario XII (all four parameters free, the alpha prior from the
68 excluded clusters) fitted to the real 89-cluster sample (results/gc_kinematics.csv) with the
hybrid-Gibbs sampler of EH16 (``sampler="gibbs"``, the paper's reference) and the fast sampler
(``sampler="fast"``), interleaved in one process and repeated (``--repeats``, a new seed each
round) so that both see the same machine load. ESS per second = the smallest bulk ESS over the
four parameters / wall time of the whole fit (start, burn-in, diagnostics included). Printed per
round and summarized (median and range of the ratio fast / Gibbs). ``--legacy`` adds the
emcee-based marginal sampler (``sampler="marginal"``) to each round.

Part 2: all 15 scenarios (I..XII, IVb, Vb, VIb) on a mock the size of the EH16 sample
(Phi_o = 33e4 km^2/s^2, gamma = 0.5, alpha = 3.5, beta = 0.3 between 0.5 and 125 kpc; the 18
outermost lose their vt) with the fast sampler: wall time, worst R-hat, smallest ESS, whether
the bars (R-hat < 1.1, ESS > 1000) are met; ``--legacy`` also times the emcee sampler there.

Run: .venv/bin/python benchmarks/bench_df.py [--repeats 3] [--seed N] [--legacy] [--gc-kinematics FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mwlib.core.paths import RESULTS_DIR  # noqa: E402
from mwlib.eh16.cluster_kinematics import PRODUCT, read_gc_kinematics  # noqa: E402
from mwlib.eh16.scenarios import SCENARIOS, alpha_prior_from_radii  # noqa: E402
from mwlib.eh16.fit import fit  # noqa: E402
from mwlib.eh16.scenario_fits import gc_tracers  # noqa: E402
from mwlib.eh16.model import mass_enclosed  # noqa: E402
from mwlib.eh16.df_mocks import hide_tangential_velocity, sample_power_law_df  # noqa: E402
from mwlib.core.mcmc_diagnostics import convergence_diagnostics  # noqa: E402

TRUTH = {"phi0": 33.0, "gamma": 0.5, "alpha": 3.5, "beta": 0.3}


def timed_fit(tracers, scenario, prior, seed, sampler):
    t = time.perf_counter()
    res = fit(tracers, scenario, rng=np.random.default_rng(seed), alpha_prior=prior if scenario.needs_alpha_prior
              else None, sampler=sampler, warn=False)
    return res, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fast-fits", type=int, default=5,
                        help="fast fits per round (a ~0.1 s fit is at the mercy of a scheduling hiccup on a "
                             "shared machine; the round uses their median ESS/s, all are printed)")
    parser.add_argument("--legacy", action="store_true", help="also the emcee-based marginal sampler")
    parser.add_argument("--skip-scenarios", action="store_true", help="only part 1")
    parser.add_argument("--gc-kinematics", type=Path, default=RESULTS_DIR / PRODUCT,
                        help="notebook 01's product (default: the committed results/gc_kinematics.csv)")
    args = parser.parse_args()

    gc = read_gc_kinematics(args.gc_kinematics)
    tracers = gc_tracers(gc)
    prior = alpha_prior_from_radii(np.asarray(gc["r_kpc"][~gc["included"]]))
    print(f"real sample: {tracers['r'].size} clusters ({int(np.isnan(tracers['vt']).sum())} without vt); "
          f"alpha prior Gamma(shape {prior[0]:.3f}, rate {prior[1]:.2f}), mode {3 + (prior[0] - 1) / prior[1]:.3f}")
    t0 = time.perf_counter()
    convergence_diagnostics(np.random.default_rng(0).standard_normal((3, 100, 1)), ["x"])  # arviz import
    fit(tracers, SCENARIOS["XII"], rng=np.random.default_rng(0), alpha_prior=prior, sampler="fast", warn=False)
    print(f"startup (imports, warm-up fit): {time.perf_counter() - t0:.2f} s\n")

    samplers = ["gibbs", "fast"] + (["marginal"] if args.legacy else [])
    print("Part 1: Scenario XII, real sample; ESS/s = min ESS / wall time of the whole fit")
    print(f"{'round':>5s} {'sampler':9s} {'time[s]':>8s} {'kept':>7s} {'ESS_min':>8s} {'ESS_min/s':>10s} "
          f"{'R-hat_max':>9s} {'bars':>4s}  per-parameter ESS/s")
    ratios, legacy_ratios = [], []
    for k in range(args.repeats):
        seed = args.seed + k
        rate = {}
        for sampler in samplers:
            rates = []
            for j in range(args.fast_fits if sampler == "fast" else 1):
                res, dt = timed_fit(tracers, SCENARIOS["XII"], prior, seed + 1000 * j, sampler)
                ess_min = min(res.ess.values())
                rates.append(ess_min / dt)
                print(f"{k:5d} {sampler:9s} {dt:8.3f} {res.settings['n_draws_per_chain']:7d} {ess_min:8.0f} "
                      f"{rates[-1]:10.0f} {max(res.rhat.values()):9.4f} {'ok' if res.converged else 'MISS':>4s}  "
                      + " ".join(f"{p}:{v / dt:.0f}" for p, v in res.ess.items()), flush=True)
            rate[sampler] = float(np.median(rates))
        ratios.append(rate["fast"] / rate["gibbs"])
        line = f"      ratio fast (median of {args.fast_fits}) / gibbs = {ratios[-1]:.0f}"
        if args.legacy:
            legacy_ratios.append(rate["marginal"] / rate["gibbs"])
            line += f"; emcee marginal / gibbs = {legacy_ratios[-1]:.1f}"
        print(line)
    print(f"\nESS/s ratio fast / hybrid Gibbs over {args.repeats} rounds: median {np.median(ratios):.0f}, "
          f"range {min(ratios):.0f}-{max(ratios):.0f} (goal >= 30, ideally >= 100)")
    if legacy_ratios:
        print(f"ESS/s ratio emcee marginal / hybrid Gibbs: median {np.median(legacy_ratios):.1f}")
    if args.skip_scenarios:
        return

    rng = np.random.default_rng(args.seed)
    mock = sample_power_law_df(89, TRUTH["phi0"], TRUTH["gamma"], TRUTH["alpha"], TRUTH["beta"], 0.5, 125.0, rng=rng)
    mock = hide_tangential_velocity(mock, count=18, selection="outermost")
    print(f"\nPart 2: every scenario on a mock (89 tracers, 18 without vt; truth {TRUTH}, "
          f"M125 = {mass_enclosed(125.0, TRUTH['phi0'], TRUTH['gamma']):.3g} Msun)")
    header = (f"{'scenario':8s} {'free':24s} {'fast[s]':>8s} {'Rhat_max':>9s} {'ESS_min':>8s} {'ok':>3s} "
              f"{'M125[1e11]':>18s}" + (f" {'emcee[s]':>9s} {'ok':>3s}" if args.legacy else ""))
    print(header)
    print("-" * len(header))
    totals = {"fast": 0.0, "marginal": 0.0}
    all_ok = True
    for key, scenario in SCENARIOS.items():
        res, dt = timed_fit(mock, scenario, prior, args.seed, "fast")
        totals["fast"] += dt
        all_ok &= res.converged
        m125 = np.percentile(res.mass(125.0), [50, 2.5, 97.5]) / 1e11
        line = (f"{key:8s} {','.join(scenario.free_parameters):24s} {dt:8.3f} {max(res.rhat.values()):9.4f} "
                f"{min(res.ess.values()):8.0f} {'yes' if res.converged else 'NO':>3s} "
                f"{m125[0]:5.2f} ({m125[1]:.2f}-{m125[2]:.2f})")
        if args.legacy:
            leg, dl = timed_fit(mock, scenario, prior, args.seed, "marginal")
            totals["marginal"] += dl
            line += f" {dl:9.2f} {'yes' if leg.converged else 'NO':>3s}"
        print(line, flush=True)
    print("-" * len(header))
    print(f"total for 15 scenarios: fast {totals['fast']:.2f} s" +
          (f", emcee {totals['marginal']:.1f} s" if args.legacy else "") + f"; all converged (fast): {all_ok}")


if __name__ == "__main__":
    main()
