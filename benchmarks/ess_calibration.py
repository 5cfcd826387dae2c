"""Is the fast sampler's ESS honest? Replicate fits of one data set against a long reference run.

For Scenario XII on the real sample (or any scenario with --scenario), fits the same data R
times with different seeds in one batched call (``df.fit_batch``) and compares, per parameter,
the scatter of the replicate posterior means around an exact reference with what the reported
ESS implies. The reference is importance sampling (not MCMC): 8e6 draws from a wide Student-t
(4 degrees of freedom, 1.5 x the covariance of a pilot run) weighted with the *legacy*
``Posterior.log_prob_sampler`` (an independent code path from the fast sampler's density), so
its error is only the small self-normalized IS error. (A long run of the legacy emcee sampler
is not a valid reference: emcee 3.1.6's DESnookerMove, used by it, does not leave the target
invariant -- dfm/emcee#531 -- and its gamma posterior of XII is ~7% too narrow.) If the ESS is right,
``MSE(mean) = posterior variance / ESS``, i.e. ``ESS_true = var / MSE`` should match the mean
reported ESS (ratio ~1; < 1 means the reported ESS is optimistic). The same for the 2.5% and
97.5% quantiles of M(<125 kpc), whose Monte Carlo error the coverage study depends on
(expected sd of a q-quantile ~ sqrt(q (1 - q) / ESS) / density).

Run: PYTHONPATH=. .venv/bin/python benchmarks/ess_calibration.py [--replicates 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from types import SimpleNamespace  # noqa: E402

from mwlib.core.paths import RESULTS_DIR  # noqa: E402
from mwlib.eh16 import cluster_kinematics, fit as fit_module, model, posterior, scenario_fits, scenarios  # noqa: E402

# the names this script used before the library was split by paper
df = SimpleNamespace(Posterior=posterior.Posterior, fit=fit_module.fit, fit_batch=fit_module.fit_batch,
                     PARAM_NAMES=model.PARAM_NAMES, mass_enclosed=model.mass_enclosed, gc_tracers=scenario_fits.gc_tracers,
                     alpha_prior_from_radii=scenarios.alpha_prior_from_radii, SCENARIOS=scenarios.SCENARIOS)


def importance_reference(tracers, scenario, prior, n_draws: float, nu: float = 4.0, inflate: float = 1.5,
                         seed: int = 7) -> dict:
    """Self-normalized importance sampling of the posterior (legacy density code, sampler coordinates)."""
    post = df.Posterior(tracers, scenario.with_alpha_prior(*prior) if scenario.needs_alpha_prior else scenario)
    pilot = df.fit(tracers, scenario, rng=np.random.default_rng(seed), alpha_prior=prior if scenario.needs_alpha_prior
                   else None, sampler="fast", warn=False)
    theta = np.column_stack([pilot.samples[p] for p in post.free])
    z = post.to_sampler(theta)
    mu, chol = z.mean(axis=0), np.linalg.cholesky(np.atleast_2d(np.cov(z.T)) * inflate**2)
    inv, d = np.linalg.inv(chol), z.shape[1]
    rng = np.random.default_rng(seed)
    log_w, params = [], []
    for _ in range(int(np.ceil(n_draws / 2e5))):
        y = mu + (chol @ rng.standard_normal((d, 200_000))).T * np.sqrt(nu / rng.chisquare(nu, 200_000))[:, None]
        w = inv @ (y - mu).T
        log_w.append(post.log_prob_sampler(y) + 0.5 * (nu + d) * np.log1p((w * w).sum(axis=0) / nu))
        params.append(post.from_sampler(y))
    log_w, params = np.concatenate(log_w), np.concatenate(params)
    ok = np.isfinite(log_w)
    w = np.exp(log_w[ok] - log_w[ok].max())
    w /= w.sum()
    params = params[ok]
    cols = dict(zip(post.free, params.T))
    full = {p: cols.get(p, np.full(w.size, post.priors[p].a)) for p in df.PARAM_NAMES}
    mass = df.mass_enclosed(125.0, full["phi0"], full["gamma"])
    order = np.argsort(mass)
    cdf = np.cumsum(w[order])
    mean = {p: float(np.sum(w * cols[p])) for p in post.free}
    sd = {p: float(np.sqrt(np.sum(w * (cols[p] - mean[p]) ** 2))) for p in post.free}
    return {"mean": mean, "sd": sd, "is_ess": float(1.0 / np.sum(w**2)),
            "m125_quantile": lambda q: float(mass[order][np.searchsorted(cdf, q)])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="XII")
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--is-draws", type=float, default=8e6, help="importance-sampling draws of the reference")
    parser.add_argument("--options", default=["{}"], nargs="+",
                        help="fit_batch keyword arguments, as Python dict literals (one calibration per dict)")
    parser.add_argument("--json", default=None, help="write the numbers here")
    args = parser.parse_args()
    gc = cluster_kinematics.read_gc_kinematics(RESULTS_DIR / cluster_kinematics.PRODUCT)
    tracers = df.gc_tracers(gc)
    prior = df.alpha_prior_from_radii(np.asarray(gc["r_kpc"][~gc["included"]]))
    scenario = df.SCENARIOS[args.scenario]

    t0 = time.perf_counter()
    ref = importance_reference(tracers, scenario, prior, args.is_draws)
    print(f"reference: importance sampling, {args.is_draws:.0e} draws, IS ESS {ref['is_ess']:.3g}, "
          f"{time.perf_counter() - t0:.1f} s")
    results = []
    for option in args.options:
        kwargs = eval(option, {})  # noqa: S307 - a benchmark's command line
        print(f"\n--- fit_batch options {kwargs}")
        t0 = time.perf_counter()
        reps = df.fit_batch([tracers] * args.replicates, scenario, rngs=np.random.default_rng(2024).spawn(args.replicates),
                            alpha_prior=prior if scenario.needs_alpha_prior else None, warn=False, **kwargs)
        dt = time.perf_counter() - t0
        print(f"{args.replicates} replicate fast fits in one batch: {dt:.1f} s ({dt / args.replicates * 1e3:.0f} ms per fit); "
              f"converged {sum(r.converged for r in reps)}/{len(reps)}; kept steps "
              f"{np.mean([r.settings['n_steps_kept'] for r in reps]):.0f} on average")
        out = {"scenario": args.scenario, "replicates": args.replicates, "options": kwargs, "params": {}}
        print(f"{'quantity':10s} {'ref mean':>10s} {'ref sd':>9s} {'bias/sd':>8s} {'rep ESS':>8s} {'ESS_true':>9s} {'ratio':>6s}")
        for p in scenario.free_parameters:
            means = np.array([r.samples[p].mean() for r in reps])
            ess = np.array([r.ess[p] for r in reps])
            mu, sd = ref["mean"][p], ref["sd"][p]
            mse = np.mean((means - mu) ** 2) - sd**2 / ref["is_ess"]  # minus the reference's own MC variance
            ess_true = sd**2 / mse
            out["params"][p] = {"ref_mean": mu, "ref_sd": sd, "bias_over_sd": (means.mean() - mu) / sd,
                                "reported_ess_mean": ess.mean(), "ess_true": ess_true, "ratio": ess_true / ess.mean()}
            print(f"{p:10s} {mu:10.4f} {sd:9.4f} {(means.mean() - mu) / sd:+8.3f} {ess.mean():8.0f} {ess_true:9.0f} "
                  f"{ess_true / ess.mean():6.2f}")
        for q in (2.5, 50.0, 97.5):
            qs = np.array([np.percentile(r.mass(125.0), q) for r in reps])
            q_ref = ref["m125_quantile"](q / 100)
            ess = np.array([min(r.ess.values()) for r in reps]).mean()
            # sd of a sample quantile from ESS effective draws: sqrt(q(1-q)/ESS) / density at the quantile
            width = ref["m125_quantile"](min(q + 1, 99.9) / 100) - ref["m125_quantile"](max(q - 1, 0.1) / 100)
            density = 0.02 / width
            expected = np.sqrt(q / 100 * (1 - q / 100) / ess) / density
            ratio = (expected / qs.std()) ** 2
            out[f"M125_q{q}"] = {"ref": q_ref, "bias_over_sd": (qs.mean() - q_ref) / qs.std(), "sd": qs.std(),
                                 "expected_sd_from_min_ess": expected, "ess_ratio": ratio}
            print(f"M125 q{q:<5} ref {q_ref / 1e11:.4f}e11: replicate sd {qs.std() / 1e11:.4f}e11, expected from min ESS "
                  f"{expected / 1e11:.4f}e11 (ESS_true/ESS_min ~ {ratio:.2f}), bias {(qs.mean() - q_ref) / qs.std():+.2f} sd")
        results.append(out)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
