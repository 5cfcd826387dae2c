"""The hybrid-Gibbs sampler of Eadie & Harris (2016, Sec. 4.1-4.2; Eadie et al. 2015b): the paper's reference sampler.

Metropolis steps on the model parameters, then every unknown tangential velocity updated with its own Metropolis
step conditional on the model parameters (all tracers and chains at once), or drawn exactly when a conditional
sampler is supplied. The proposal covariance and the vt step sizes adapt during burn-in only, so the kept draws
come from a fixed (valid) Markov kernel; chains are extended until R-hat < 1.1 and ESS > 1000.
"""

from __future__ import annotations

import logging
from typing import Callable

import numpy as np

from mwlib.core.ensemble import apply_transform
from mwlib.core.mcmc_diagnostics import bars_met, convergence_diagnostics

__all__ = ["HybridGibbsRun"]

logger = logging.getLogger(__name__)


class HybridGibbsRun:
    """Hybrid-Gibbs sampler of p(theta, vt | data), all chains advanced together.

    ``theta`` are the sampler's coordinates; ``to_params`` (optional) maps them to the model
    parameters reported by :meth:`chains` and used for the diagnostics (same for EnsembleRun).

    log_joint(theta (C, d), vt (C, m)) -> (log posterior (C,), per-tracer vt terms (C, m));
    vt_terms(theta, vt) -> (C, m): the part of the log posterior that depends on each vt;
    vt_scale(theta) -> (C, m): natural size of each vt (e.g. its largest bound value), which
    sets the random-walk step; vt_exact(theta, *, rng) -> (C, m), optional exact conditional draw.
    """

    def __init__(self, log_joint: Callable, vt_terms: Callable, vt_scale: Callable,
                 theta0: np.ndarray, vt0: np.ndarray, *, rng: np.random.Generator,
                 vt_exact: Callable | None = None, step0: np.ndarray | None = None,
                 target_accept: float = 0.3, adapt_every: int = 100, to_params: Callable | None = None) -> None:
        self._to_params = to_params
        self._log_joint, self._vt_terms, self._vt_scale, self._vt_exact = log_joint, vt_terms, vt_scale, vt_exact
        self.rng = rng
        self.theta = np.array(theta0, float)
        self.vt = np.array(vt0, float)
        self.n_chains, self.n_params = self.theta.shape
        self.n_vt = self.vt.shape[1]
        self.lp, self.terms = log_joint(self.theta, self.vt)
        if not np.all(np.isfinite(self.lp)):
            raise ValueError("hybrid-Gibbs starting point has zero posterior density")
        spread = np.std(self.theta, axis=0) if self.n_chains > 1 else np.ones(self.n_params)
        step0 = 0.05 * np.where(spread > 0, spread, 1.0) if step0 is None else np.asarray(step0, float)
        self.chol = np.broadcast_to(np.diag(step0), (self.n_chains, self.n_params, self.n_params)).copy()
        self.log_scale = np.zeros(self.n_chains)
        self.vt_log_step = np.full((self.n_chains, self.n_vt), np.log(0.3))
        self.target_accept, self.adapt_every = target_accept, adapt_every
        self._draws: list[np.ndarray] = []
        self._vt_draws: list[np.ndarray] = []
        self._accepted_theta = np.zeros(self.n_chains)
        self._accepted_vt = np.zeros((self.n_chains, self.n_vt))
        self._n_kept = 0
        self.n_burn = 0

    # -- one sweep --------------------------------------------------------------------------
    def _step(self) -> tuple[np.ndarray, np.ndarray]:
        rng = self.rng
        z = rng.standard_normal((self.n_chains, self.n_params))
        proposal = self.theta + np.exp(self.log_scale)[:, None] * np.einsum("cij,cj->ci", self.chol, z)
        lp_new, terms_new = self._log_joint(proposal, self.vt)
        accept = np.log(rng.uniform(size=self.n_chains)) < lp_new - self.lp  # -inf proposals never pass
        self.theta = np.where(accept[:, None], proposal, self.theta)
        self.lp = np.where(accept, lp_new, self.lp)
        self.terms = np.where(accept[:, None], terms_new, self.terms)
        accept_vt = np.zeros((self.n_chains, self.n_vt), bool)
        if self.n_vt:
            if self._vt_exact is not None:  # true Gibbs step: draw every vt from its conditional
                self.vt = self._vt_exact(self.theta, rng=rng)
                self.lp, self.terms = self._log_joint(self.theta, self.vt)
                accept_vt[:] = True
            else:  # independent reflected random-walk MH step for every unknown vt at once
                step = np.exp(self.vt_log_step) * self._vt_scale(self.theta)
                vt_new = np.abs(self.vt + step * rng.standard_normal(self.vt.shape))
                terms_new = self._vt_terms(self.theta, vt_new)
                accept_vt = np.log(rng.uniform(size=self.vt.shape)) < terms_new - self.terms
                delta = np.where(accept_vt, terms_new - self.terms, 0.0)
                self.lp = self.lp + delta.sum(axis=1)
                self.vt = np.where(accept_vt, vt_new, self.vt)
                self.terms = np.where(accept_vt, terms_new, self.terms)
        return accept, accept_vt

    def _adapt(self, history: np.ndarray, acc_theta: np.ndarray, acc_vt: np.ndarray) -> None:
        """Scaled empirical covariance (Haario et al. 2001) + Robbins-Monro step sizes."""
        d = self.n_params
        centred = history - history.mean(axis=1, keepdims=True)
        cov = np.einsum("cti,ctj->cij", centred, centred) / max(history.shape[1] - 1, 1)
        jitter = 1e-10 + 1e-8 * np.einsum("cii->ci", cov).max(axis=1)
        cov = (2.38**2 / d) * cov + jitter[:, None, None] * np.eye(d)
        try:
            chol = np.linalg.cholesky(cov)
            ok = np.all(np.isfinite(chol), axis=(1, 2)) & (np.einsum("cii->c", chol) > 0)
            self.chol = np.where(ok[:, None, None], chol, self.chol)
            self.log_scale = np.where(ok, 0.0, self.log_scale)
        except np.linalg.LinAlgError:
            pass
        self.log_scale = np.clip(self.log_scale + 3.0 * (acc_theta - self.target_accept), -8.0, 3.0)
        self.vt_log_step = np.clip(self.vt_log_step + 3.0 * (acc_vt - 0.44), -8.0, 1.0)

    # -- runs -------------------------------------------------------------------------------
    def _burn(self, n_burn: int) -> None:
        history = np.empty((self.n_chains, n_burn, self.n_params))
        acc_t = np.zeros(self.n_chains)
        acc_v = np.zeros((self.n_chains, self.n_vt))
        for i in range(n_burn):
            a_t, a_v = self._step()
            history[:, i] = self.theta
            acc_t += a_t
            acc_v += a_v
            if (i + 1) % self.adapt_every == 0 and i + 1 < n_burn:
                # covariance from the recent half of the burn-in: early transients would inflate it
                window = history[:, (i + 1) // 2: i + 1]
                self._adapt(window, acc_t / self.adapt_every, acc_v / self.adapt_every)
                acc_t[:] = 0.0
                acc_v[:] = 0.0
        self.n_burn += n_burn

    def _sample(self, n_draws: int, vt_thin: int) -> None:
        out = np.empty((self.n_chains, n_draws, self.n_params))
        for i in range(n_draws):
            a_t, a_v = self._step()
            out[:, i] = self.theta
            self._accepted_theta += a_t
            self._accepted_vt += a_v
            if self.n_vt and (self._n_kept + i) % vt_thin == 0:
                self._vt_draws.append(self.vt.copy())
        self._n_kept += n_draws
        self._draws.append(out)

    def run(self, n_burn: int, n_draws: int, *, rhat_max: float = 1.1, ess_min: float = 1000.0,
            max_draws: int | None = None, vt_thin: int = 10) -> None:
        """Burn in (adapting), draw ``n_draws`` sweeps, then double until the bars are met."""
        self._burn(int(n_burn))
        self._sample(int(n_draws), vt_thin)
        max_draws = int(n_draws) if max_draws is None else int(max_draws)
        while True:
            self.rhat, self.ess = convergence_diagnostics(self.chains(), [str(j) for j in range(self.n_params)])
            if bars_met(self.rhat, self.ess, rhat_max, ess_min) or self._n_kept >= max_draws:
                break
            logger.info("extending Gibbs chains from %d to %d draws", self._n_kept, min(2 * self._n_kept, max_draws))
            self._sample(min(self._n_kept, max_draws - self._n_kept), vt_thin)

    def chains(self) -> np.ndarray:
        """Kept draws of the model parameters: (n_chains, n_draws, d)."""
        return apply_transform(self._to_params, np.concatenate(self._draws, axis=1))

    def vt_draws(self) -> np.ndarray:
        """Thinned draws of the unknown vt: (n_chains * n_kept_vt, m)."""
        if not self._vt_draws:
            return np.empty((0, self.n_vt))
        return np.stack(self._vt_draws, axis=1).reshape(-1, self.n_vt)

    def acceptance_theta(self) -> float:
        return float(np.mean(self._accepted_theta) / max(self._n_kept, 1))

    def acceptance_vt(self) -> float:
        return float(np.mean(self._accepted_vt) / max(self._n_kept, 1)) if self.n_vt else float("nan")
