"""Fitting a scenario of Eadie & Harris (2016): the samplers' glue, results and batched fits.

Samplers (``fit(..., sampler=)``)
---------------------------------
``"marginal"`` (default; emcee ensembles on the marginal posterior), ``"gibbs"`` (EH16's hybrid
Gibbs with the vt as parameters, the paper's reference) and ``"fast"``: the marginal posterior
through :class:`BatchPosterior` (all walkers of all data sets in one vectorized call) and
:class:`mwlib.core.batch_ensemble.BatchEnsembleRun` (Newton start, independence t proposal + differential
evolution, adaptive stopping). :func:`fit_batch` fits many data sets (e.g. the mocks of a
coverage study) in one run; a data set's result does not depend on the batch it is in.
:func:`grid_posteriors` tabulates 1-2 parameter posteriors exactly (quadrature) as a check.
Note: emcee 3.1.6's ``DESnookerMove`` does not leave the target invariant (dfm/emcee#531); the
``"marginal"`` sampler uses :class:`mwlib.core.ensemble.DESnookerMove` instead (with emcee's, 20% of
its moves, gamma's posterior sd on Scenario XII of the real sample came out ~9% too small).

Random numbers: :func:`fit` takes a ``numpy.random.Generator``; its seed sequence is split into the starts and
the run (:func:`fit_batch` takes one generator per data set), so the same generator seed gives the same draws,
and a data set fitted alone or in any batch gives the same draws bit for bit with the fast sampler.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from mwlib.core import batch_ensemble, ensemble
from mwlib.eh16 import hybrid_gibbs
from mwlib.core.io import atomic_path
from mwlib.eh16.batch_posterior import BatchPosterior
from mwlib.eh16.model import (
    H0_EH16_KMS_MPC, PARAM_NAMES, VELOCITY_UNIT_KMS, Normalization, check_choice, mass_enclosed, virial_mass,
    virial_radius,
)
from mwlib.eh16.posterior import LikelihoodKind, Posterior, TracerTable, VtPrior
from mwlib.eh16.scenarios import Scenario

logger = logging.getLogger(__name__)

SamplerKind = Literal["marginal", "gibbs", "fast"]


# --------------------------------------------------------------------------------------------
def _quantile_summary(x: np.ndarray) -> dict[str, float]:
    q = np.percentile(x, [2.5, 25, 50, 75, 97.5])
    return {"mean": float(np.mean(x)), "median": float(q[2]), "q2.5": float(q[0]),
            "q25": float(q[1]), "q75": float(q[3]), "q97.5": float(q[4])}


@dataclass
class FitResult:
    """Posterior draws of one scenario fit and their diagnostics."""

    scenario: Scenario
    samples: dict[str, np.ndarray]  # 1-D draws of all four parameters (fixed ones constant)
    chains: dict[str, np.ndarray]  # free parameters as (chain, draw), the input to R-hat
    rhat: dict[str, float]
    ess: dict[str, float]
    acceptance: dict[str, float]
    n_tracers: int
    settings: dict[str, Any] = field(default_factory=dict)
    rhat_max: float = 1.1
    ess_min: float = 1000.0
    vt_draws: np.ndarray | None = None  # Gibbs sampler: thinned draws of unknown vt [km/s]

    @property
    def converged(self) -> bool:
        return all(v < self.rhat_max for v in self.rhat.values()) and all(v > self.ess_min for v in self.ess.values())

    def mass(self, r_kpc: ArrayLike) -> np.ndarray:
        """M(<r) draws in Msun: shape (n_draws,) for scalar r, (n_draws, n_r) for array r."""
        r = np.asarray(r_kpc, float)
        phi0, gamma = self.samples["phi0"], self.samples["gamma"]
        if r.ndim == 0:
            return mass_enclosed(r, phi0, gamma)
        return mass_enclosed(r[None, :], phi0[:, None], gamma[:, None])

    def virial_radius(self, h0_kms_mpc: float = H0_EH16_KMS_MPC) -> np.ndarray:
        return virial_radius(self.samples["phi0"], self.samples["gamma"], h0_kms_mpc)

    def virial_mass(self, h0_kms_mpc: float = H0_EH16_KMS_MPC) -> np.ndarray:
        return virial_mass(self.samples["phi0"], self.samples["gamma"], h0_kms_mpc)

    def summary(self) -> dict[str, Any]:
        """Posterior summaries: params, M125 = M(<125 kpc) (Msun), Mvir (Msun), rvir (kpc), diagnostics."""
        acc = [v for k, v in self.acceptance.items() if k in PARAM_NAMES]
        return {
            "params": {p: _quantile_summary(self.samples[p]) for p in PARAM_NAMES},
            "M125": _quantile_summary(self.mass(125.0)),
            "Mvir": _quantile_summary(self.virial_mass()),
            "rvir": _quantile_summary(self.virial_radius()),
            "rhat": dict(self.rhat),
            "ess": dict(self.ess),
            "acceptance": float(np.mean(acc)) if acc else float("nan"),
            "n_tracers": self.n_tracers,
            "converged": self.converged,  # R-hat < rhat_max and ESS > ess_min for every free parameter
        }

    def save_npz(self, path: str | os.PathLike) -> None:
        """Write draws, chains and diagnostics to ``path`` atomically (temp file + os.replace)."""
        arrays: dict[str, Any] = {f"sample_{k}": v for k, v in self.samples.items()}
        arrays.update({f"chain_{k}": v for k, v in self.chains.items()})
        arrays.update({f"rhat_{k}": v for k, v in self.rhat.items()})
        arrays.update({f"ess_{k}": v for k, v in self.ess.items()})
        arrays.update({f"acceptance_{k}": v for k, v in self.acceptance.items()})
        arrays["scenario"] = np.array(repr(self.scenario))
        arrays["settings"] = np.array(repr(self.settings))
        arrays["n_tracers"] = np.array(self.n_tracers)
        if self.vt_draws is not None:
            arrays["vt_draws_kms"] = self.vt_draws
        with atomic_path(path) as tmp:
            np.savez(tmp, **arrays)


class ConvergenceWarning(UserWarning):
    """A fit missed the R-hat or ESS bar."""


# --------------------------------------------------------------------------------------------
# fit(): glue between the posterior and the samplers (mwlib.core.ensemble, mwlib.core.batch_ensemble,
# mwlib.eh16.hybrid_gibbs)
# --------------------------------------------------------------------------------------------
def fit(tracers: TracerTable, scenario: Scenario, *, rng: np.random.Generator, sampler: SamplerKind = "fast",
        likelihood: LikelihoodKind = "paper", normalization: Normalization = "exact",
        vt_prior: VtPrior = "flat", alpha_prior: tuple[float, float] | None = None,
        r_range_kpc: tuple[float, float] | None = None, n_chains: int = 3,
        n_walkers: int | None = None, n_burn: int | None = None, n_draws: int | None = None,
        max_draws: int | None = None, vt_update: Literal["mh", "exact"] = "mh",
        rhat_max: float = 1.1, ess_min: float = 1000.0, warn: bool = True,
        sampler_options: Mapping[str, Any] | None = None) -> FitResult:
    """Sample the posterior of ``scenario`` given ``tracers`` (columns r [kpc], vr, vt [km/s]).

    sampler: ``"fast"`` (default) integrates every unknown vt out in closed form and samples that marginal
    posterior with :func:`fit_batch` (one data set: Newton start, vectorized ensembles with an independence
    proposal, adaptive stopping; ``sampler_options`` go to
    :class:`mwlib.core.batch_ensemble.BatchEnsembleRun`); ``"marginal"`` is the same posterior sampled by
    ``n_chains`` independent emcee ensembles of ``n_walkers`` walkers; ``"gibbs"`` is the EH16 hybrid-Gibbs
    sampler, the paper's reference (``n_chains`` Metropolis chains on the model parameters, the unknown vt
    updated as parameters: independent MH steps or, ``vt_update="exact"``, Beta draws).
    alpha_prior: ``(shape, rate)`` of the Gamma prior on alpha - 3; required when the scenario
    has ``alpha="prior"`` (see :func:`alpha_prior_from_radii`).
    Chains are extended (doubling the kept steps, up to ``max_draws`` steps per chain/walker)
    until R-hat < ``rhat_max`` and ESS > ``ess_min``; a :class:`ConvergenceWarning` is issued
    if they are not. Defaults (marginal: 3 x 48 walkers, 200 burn-in + 300 kept steps; Gibbs:
    3 chains, 3000 burn-in + 12000 kept sweeps) meet the bars on mocks like the real sample.
    With the marginal sampler ``FitResult.chains`` holds one chain per ensemble (its walkers
    interleaved step by step), which is what R-hat compares; ESS counts each walker as a chain.
    """
    check_choice("sampler", sampler, ("marginal", "gibbs", "fast"))
    check_choice("vt_update", vt_update, ("mh", "exact"))
    seq = _seed_sequence_of(rng)
    if sampler == "fast":
        if alpha_prior is None and scenario.needs_alpha_prior:
            raise ValueError(f"scenario {scenario.name or scenario!r} has alpha free with alpha='prior': "
                             "pass alpha_prior=(shape, rate), e.g. alpha_prior_from_radii(r_excluded_kpc)")
        result = fit_batch([tracers], scenario, rngs=[rng], likelihood=likelihood, normalization=normalization,
                           vt_prior=vt_prior, alpha_prior=alpha_prior, r_range_kpc=r_range_kpc, n_chains=n_chains,
                           n_walkers=n_walkers, n_burn=n_burn, n_draws=n_draws, max_draws=max_draws,
                           rhat_max=rhat_max, ess_min=ess_min, warn=False, sampler_options=sampler_options)[0]
        if warn and not result.converged:
            warnings.warn(f"scenario {scenario.name or '(custom)'}: convergence bars missed "
                          f"(R-hat {_fmt(result.rhat)} vs < {rhat_max}; ESS {_fmt(result.ess)} vs > {ess_min}); "
                          "run longer (max_draws) before using these draws", ConvergenceWarning, stacklevel=2)
        return result
    if n_walkers is None:
        n_walkers = 48
    if scenario.needs_alpha_prior:
        if alpha_prior is None:
            raise ValueError(f"scenario {scenario.name or scenario!r} has alpha free with alpha='prior': "
                             "pass alpha_prior=(shape, rate), e.g. alpha_prior_from_radii(r_excluded_kpc)")
        scenario = scenario.with_alpha_prior(*alpha_prior)
    post = Posterior(tracers, scenario, likelihood=likelihood, normalization=normalization,
                     vt_prior=vt_prior, r_range_kpc=r_range_kpc)
    if not post.free:
        raise ValueError("scenario has no free parameter: nothing to sample")
    if n_chains < 2:
        raise ValueError("n_chains must be >= 2 for R-hat")
    init_seq, run_seq = seq.spawn(2)
    rng_init = np.random.default_rng(init_seq)
    t0 = time.perf_counter()
    vt_draws = None
    if sampler == "marginal":
        n_burn = 200 if n_burn is None else n_burn
        n_draws = 300 if n_draws is None else n_draws
        start = post.initial_points(n_chains, n_walkers, rng=rng_init)
        start = post.to_sampler(start.reshape(-1, start.shape[-1])).reshape(start.shape)
        run = ensemble.EnsembleRun(post.log_prob_sampler, start, rng=np.random.default_rng(run_seq),
                                   to_params=post.from_sampler)
        run.run(n_burn, n_draws, rhat_max=rhat_max, ess_min=ess_min,
                max_draws=max_draws if max_draws is not None else 8 * n_draws)
        chains, acc = run.chains(), run.acceptance()
        acceptance = {p: acc for p in post.free}
    else:
        n_burn = 3000 if n_burn is None else n_burn
        n_draws = 12000 if n_draws is None else n_draws
        theta0 = post.initial_points(n_chains, 1, rng=rng_init)[:, 0, :]
        vt0 = post.draw_vt_prior(theta0, rng=rng_init)
        run = hybrid_gibbs.HybridGibbsRun(
            log_joint=post.log_joint_sampler, vt_terms=post.vt_terms_sampler, vt_scale=post.vt_max_sampler,
            theta0=post.to_sampler(theta0), vt0=vt0, rng=np.random.default_rng(run_seq),
            vt_exact=post.draw_vt_conditional_sampler if vt_update == "exact" else None,
            to_params=post.from_sampler)
        run.run(n_burn, n_draws, rhat_max=rhat_max, ess_min=ess_min,
                max_draws=max_draws if max_draws is not None else 4 * n_draws)
        chains = run.chains()
        acceptance = {p: run.acceptance_theta() for p in post.free}
        if post.n_los:
            acceptance["vt"] = run.acceptance_vt()
            vt_draws = run.vt_draws() * VELOCITY_UNIT_KMS
    rhat = dict(zip(post.free, run.rhat.values()))
    ess = dict(zip(post.free, run.ess.values()))
    flat = chains.reshape(-1, chains.shape[-1])
    phi0, gamma, alpha, beta = post.unpack(flat)
    samples = {"phi0": phi0, "gamma": gamma, "alpha": alpha, "beta": beta}
    settings = {"sampler": sampler, "likelihood": likelihood, "normalization": normalization,
                "vt_prior": vt_prior, "seed": _seed_repr(seq), "n_chains": n_chains,
                "n_walkers": n_walkers if sampler == "marginal" else 1, "n_burn": n_burn,
                "n_draws_per_chain": int(chains.shape[1]),
                "n_steps_kept": int(chains.shape[1] // (n_walkers if sampler == "marginal" else 1)),
                "vt_update": vt_update,
                "r_range_kpc": post.r_range_kpc, "elapsed_s": time.perf_counter() - t0}
    result = FitResult(scenario=scenario, samples=samples,
                       chains={p: chains[..., j] for j, p in enumerate(post.free)},
                       rhat=rhat, ess=ess, acceptance=acceptance, n_tracers=post.data.n,
                       settings=settings, rhat_max=rhat_max, ess_min=ess_min, vt_draws=vt_draws)
    if warn and not result.converged:
        warnings.warn(f"scenario {scenario.name or '(custom)'}: convergence bars missed "
                      f"(R-hat {_fmt(rhat)} vs < {rhat_max}; ESS {_fmt(ess)} vs > {ess_min}); "
                      "run longer (n_draws / max_draws) before using these draws",
                      ConvergenceWarning, stacklevel=2)
    return result


# --------------------------------------------------------------------------------------------
# The fast sampler: many data sets in one vectorized run
# --------------------------------------------------------------------------------------------
#: Defaults of the fast sampler (``fit(sampler="fast")``, :func:`fit_batch`).
FAST_DEFAULTS: dict[str, Any] = {"n_walkers": 48, "n_burn": 20, "n_draws": 20, "max_draws": 2000}


def _seed_sequence_of(rng: np.random.Generator) -> np.random.SeedSequence:
    """The seed sequence of a generator (its streams are spawned from it, so equal seeds give equal fits)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    seq = rng.bit_generator.seed_seq
    if not isinstance(seq, np.random.SeedSequence):
        raise TypeError("rng must be built from a SeedSequence (np.random.default_rng(seed))")
    return seq


def fit_batch(datasets: Sequence[TracerTable], scenario: Scenario, *, rngs: Sequence[np.random.Generator],
              likelihood: LikelihoodKind = "paper",
              normalization: Normalization = "exact", vt_prior: VtPrior = "flat",
              alpha_prior: tuple[float, float] | None = None,
              r_range_kpc: tuple[float, float] | Sequence[tuple[float, float]] | None = None,
              n_chains: int = 3, n_walkers: int | None = None, n_burn: int | None = None,
              n_draws: int | None = None, max_draws: int | None = None, rhat_max: float = 1.1,
              ess_min: float = 1000.0, stop_margin: float = 1.2, warn: bool = True,
              sampler_options: Mapping[str, Any] | None = None) -> list[FitResult]:
    """Fit ``scenario`` to every data set of ``datasets`` in one vectorized run (fast sampler).

    Each data set gets its own random streams, from ``rngs[k]`` (e.g. ``np.random.default_rng(seed).spawn(n)``).
    A data set's fit depends only on its own data and generator: ``fit_batch(ds, rngs=g)[k]`` equals
    ``fit(ds[k], rng=g[k], sampler="fast")`` draw for draw (tests/test_fast_sampler.py).
    Data sets are grouped by their numbers of complete and line-of-sight tracers; each group
    runs as one batch. Every data set stops on its own once its bars are met (R-hat <
    ``rhat_max`` with the ``n_chains`` ensembles as chains, bulk ESS > ``ess_min`` with every
    walker as a chain) or after ``max_draws`` kept steps; ``n_draws`` is the minimum number of
    kept steps. A data set stops once its ESS exceeds ``stop_margin * ess_min`` (see
    :meth:`mwlib.core.batch_ensemble.BatchEnsembleRun.run`); ``converged`` reports the bars themselves.
    Sampler: :class:`mwlib.core.batch_ensemble.BatchEnsembleRun` (``sampler_options`` go to it; a
    ``"stop_margin"`` entry there overrides the argument). Other arguments as in :func:`fit`.
    """
    datasets = list(datasets)
    if not datasets:
        return []
    if len(rngs) != len(datasets):
        raise ValueError(f"{len(rngs)} generators for {len(datasets)} data sets: give one per data set")
    seed_seqs = [_seed_sequence_of(g) for g in rngs]
    if scenario.needs_alpha_prior:
        if alpha_prior is None:
            raise ValueError(f"scenario {scenario.name or scenario!r} has alpha free with alpha='prior': "
                             "pass alpha_prior=(shape, rate), e.g. alpha_prior_from_radii(r_excluded_kpc)")
        scenario = scenario.with_alpha_prior(*alpha_prior)
    if n_chains < 2:
        raise ValueError("n_chains must be >= 2 for R-hat")
    n_walkers = FAST_DEFAULTS["n_walkers"] if n_walkers is None else int(n_walkers)
    n_burn = FAST_DEFAULTS["n_burn"] if n_burn is None else int(n_burn)
    n_draws = FAST_DEFAULTS["n_draws"] if n_draws is None else int(n_draws)
    max_draws = max(FAST_DEFAULTS["max_draws"], n_draws) if max_draws is None else max(int(max_draws), 4)
    n_draws = min(n_draws, max_draws)
    ranges = r_range_kpc if (r_range_kpc is not None and np.ndim(r_range_kpc[0]) == 1) else [r_range_kpc] * len(datasets)
    posts = [Posterior(d, scenario, likelihood=likelihood, normalization=normalization, vt_prior=vt_prior,
                       r_range_kpc=rr) for d, rr in zip(datasets, ranges)]
    if not posts[0].free:
        raise ValueError("scenario has no free parameter: nothing to sample")
    groups: dict[tuple[int, int], list[int]] = {}
    for k, p in enumerate(posts):
        groups.setdefault((p.n_complete, p.n_los), []).append(k)
    results: list[FitResult | None] = [None] * len(posts)
    for members in groups.values():
        t0 = time.perf_counter()
        batch = BatchPosterior([posts[k] for k in members])
        starts, run_rngs = [], []
        for k in members:
            init_seq, run_seq = seed_seqs[k].spawn(2)
            starts.append(posts[k].initial_points(n_chains, n_walkers, rng=np.random.default_rng(init_seq)))
            run_rngs.append(np.random.default_rng(run_seq))
        options = dict(sampler_options or {})
        margin = float(options.pop("stop_margin", stop_margin))
        run = batch_ensemble.BatchEnsembleRun(batch.log_prob_sampler, batch.to_sampler(np.stack(starts)),
                                              rngs=run_rngs, to_params=batch.from_sampler, **options)
        run.run(n_burn, n_draws, rhat_max=rhat_max, ess_min=ess_min, max_draws=max_draws, stop_margin=margin)
        elapsed = (time.perf_counter() - t0) / len(members)
        for slot, k in enumerate(members):
            post = posts[k]
            draws = run.draws(slot)  # (S, G, W, d)
            chains = np.swapaxes(draws, 0, 1).reshape(n_chains, -1, draws.shape[-1])
            flat = chains.reshape(-1, chains.shape[-1])
            phi0, gamma, alpha, beta = post.unpack(flat)
            acc = run.acceptance(slot)
            acceptance = {p: acc for p in post.free}
            acceptance["independence"] = run.acceptance_independence(slot)
            settings = {"sampler": "fast", "likelihood": likelihood, "normalization": normalization,
                        "vt_prior": vt_prior, "seed": _seed_repr(seed_seqs[k]), "n_chains": n_chains,
                        "n_walkers": n_walkers, "n_burn": n_burn, "n_draws_per_chain": int(chains.shape[1]),
                        "n_steps_kept": int(draws.shape[0]), "vt_update": None, "r_range_kpc": post.r_range_kpc,
                        "elapsed_s": elapsed, "batch_size": len(members)}
            result = FitResult(scenario=scenario, samples={"phi0": phi0, "gamma": gamma, "alpha": alpha, "beta": beta},
                               chains={p: chains[..., j] for j, p in enumerate(post.free)},
                               rhat={p: float(v) for p, v in zip(post.free, run.rhat[slot])},
                               ess={p: float(v) for p, v in zip(post.free, run.ess[slot])},
                               acceptance=acceptance, n_tracers=post.data.n, settings=settings,
                               rhat_max=rhat_max, ess_min=ess_min)
            if warn and not result.converged:
                warnings.warn(f"scenario {scenario.name or '(custom)'}, data set {k}: convergence bars missed "
                              f"(R-hat {_fmt(result.rhat)} vs < {rhat_max}; ESS {_fmt(result.ess)} vs > {ess_min}); "
                              "raise max_draws before using these draws", ConvergenceWarning, stacklevel=2)
            results[k] = result
    return results  # type: ignore[return-value]


def _seed_repr(seq: np.random.SeedSequence) -> int | dict[str, Any]:
    if not seq.spawn_key and isinstance(seq.entropy, int):
        return int(seq.entropy)
    return {"entropy": seq.entropy, "spawn_key": list(seq.spawn_key)}


def _fmt(d: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={v:.3g}" for k, v in d.items())
