"""MCMC drivers for the Eadie & Harris (2016) posterior (EH16 Sec. 4.2), model-agnostic.

* :class:`EnsembleRun` - several independent emcee ensembles (affine-invariant, Goodman & Weare
  2010) with a vectorized log-probability; used for the marginal posterior in which every
  unknown tangential velocity is integrated out in closed form (see :mod:`mwlib.df`).
* :class:`HybridGibbsRun` - the EH16/EHW hybrid-Gibbs sampler: Metropolis on the model
  parameters, then every unknown vt updated with its own Metropolis step conditional on the
  model parameters (all tracers and chains at once), or drawn exactly when a conditional
  sampler is supplied. The proposal covariance and the vt step sizes adapt during burn-in only,
  so the kept draws come from a fixed (valid) Markov kernel.
* :func:`convergence_diagnostics` - rank-normalized split R-hat and bulk ESS (arviz) per free
  parameter, from (chain, draw) arrays. EH16 require R-hat < 1.1 and ESS > 1000.

Every random draw comes from a seeded generator: emcee gets a ``RandomState`` seeded from the
caller's ``SeedSequence`` through the documented ``emcee.State(..., random_state=...)`` (emcee
otherwise seeds itself from the global numpy state).
"""

from __future__ import annotations

import logging
import warnings
from typing import Callable, Sequence

import emcee
import numpy as np

logger = logging.getLogger(__name__)

LogProb = Callable[[np.ndarray], np.ndarray]


def convergence_diagnostics(chains: np.ndarray, names: Sequence[str],
                            ess_chains: np.ndarray | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Rank-normalized split R-hat and bulk ESS (arviz) per parameter.

    ``chains`` is (chain, draw, param) and gives R-hat; ESS comes from ``ess_chains`` (same
    layout) when given, else from ``chains``. NaN (e.g. a chain that never moved) stays NaN
    so that it fails both bars.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # arviz 0.x announces its 1.x refactor on import
        import arviz as az
    ess_chains = chains if ess_chains is None else ess_chains
    rhat, ess = {}, {}
    for j, name in enumerate(names):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            rhat[name] = float(az.rhat(np.ascontiguousarray(chains[..., j])))
            ess[name] = float(az.ess(np.ascontiguousarray(ess_chains[..., j])))
    return rhat, ess


def bars_met(rhat: dict[str, float], ess: dict[str, float], rhat_max: float, ess_min: float) -> bool:
    """EH16 Sec. 4.2 bars: every R-hat < rhat_max and every ESS > ess_min (NaN fails)."""
    return all(v < rhat_max for v in rhat.values()) and all(v > ess_min for v in ess.values())


def _apply(to_params: Callable | None, draws: np.ndarray) -> np.ndarray:
    """Map sampler coordinates (..., d) to model parameters with a row-wise transform."""
    if to_params is None:
        return draws
    return to_params(draws.reshape(-1, draws.shape[-1])).reshape(draws.shape)


def _seed_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))


class EnsembleRun:
    """``n_groups`` independent emcee ensembles started at ``start`` (n_groups, n_walkers, d).

    ``log_prob`` maps (n, d) to (n,) (emcee ``vectorize=True``). The groups start in different
    regions; R-hat compares the groups (:meth:`chains`), ESS treats each walker as a chain
    (:meth:`walker_chains`, as ``arviz.from_emcee`` does), because the walkers of one ensemble
    interleaved in one sequence do not have the autocorrelation of a single chain.

    Burn-in: the stretch move for the first half (it pulls a dispersed ensemble together
    robustly); then stragglers (walkers far below the ensemble's median log-probability, which
    differential-evolution moves almost never rescue) restart from jittered copies of typical
    walkers, twice, and the rest of the burn-in and the kept draws use differential evolution
    with a snooker update (ter Braak & Vrugt 2008), whose autocorrelation time on this problem
    is 2-3 times shorter than the stretch move's.
    """

    def __init__(self, log_prob: LogProb, start: np.ndarray, seed: int | np.random.SeedSequence,
                 moves=None, burn_moves=None, to_params: Callable | None = None) -> None:
        start = np.asarray(start, float)
        self._to_params = to_params
        if start.ndim != 3:
            raise ValueError("start must have shape (n_groups, n_walkers, n_params)")
        self.n_groups, self.n_walkers, self.n_params = start.shape
        self._log_prob = log_prob
        self._moves = moves if moves is not None else [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
        self._burn_moves = burn_moves if burn_moves is not None else emcee.moves.StretchMove()
        *children, restart_seed = _seed_sequence(seed).spawn(self.n_groups + 1)
        self._states = [emcee.State(start[g], random_state=np.random.RandomState(children[g].generate_state(4)).get_state())
                        for g in range(self.n_groups)]
        self._restart_rng = np.random.RandomState(restart_seed.generate_state(4))
        self._samplers = [self._new_sampler(self._moves) for _ in range(self.n_groups)]
        self._discard = 0  # steps of self._samplers that belong to the burn-in

    def _new_sampler(self, moves) -> emcee.EnsembleSampler:
        return emcee.EnsembleSampler(self.n_walkers, self.n_params, self._log_prob, vectorize=True, moves=moves)

    def _advance(self, n_steps: int, samplers: list | None = None) -> None:
        for g, sampler in enumerate(samplers or self._samplers):
            self._states[g] = sampler.run_mcmc(self._states[g], n_steps, progress=False,
                                               skip_initial_state_check=True)

    def _restart_stragglers(self, rng: np.random.RandomState) -> int:
        n_moved = 0
        for g, state in enumerate(self._states):
            lp = state.log_prob
            lagging = lp < np.median(lp) - (5.0 + 2.0 * self.n_params)
            if lagging.any():
                good = np.flatnonzero(lp >= np.median(lp))
                donors = good[rng.randint(good.size, size=lagging.sum())]
                coords = state.coords.copy()
                # a small jitter keeps copies distinct (the snooker move divides by their distance)
                jitter = 1e-3 * np.std(coords[good], axis=0) * rng.standard_normal((lagging.sum(), self.n_params))
                coords[lagging] = coords[donors] + jitter
                self._states[g] = emcee.State(coords, log_prob=None, random_state=state.random_state)
                n_moved += int(lagging.sum())
        return n_moved

    def burn(self, n_burn: int) -> None:
        """Burn in (discarded): half stretch, then differential evolution in two quarters, with
        stragglers restarted before each quarter."""
        stretch = n_burn // 2
        de_first = (n_burn - stretch) // 2
        self._advance(stretch, [self._new_sampler(self._burn_moves) for _ in range(self.n_groups)])
        for n_steps in (de_first, n_burn - stretch - de_first):
            moved = self._restart_stragglers(self._restart_rng)
            if moved:
                logger.info("restarted %d straggling walkers during burn-in", moved)
            self._advance(n_steps)
        self._discard = n_burn - stretch

    def run(self, n_burn: int, n_draws: int, *, rhat_max: float = 1.1, ess_min: float = 1000.0,
            max_draws: int | None = None) -> None:
        """Burn in, draw ``n_draws`` steps, then double the draws until the bars are met."""
        self.burn(int(n_burn))
        self._advance(int(n_draws))
        max_draws = int(n_draws) if max_draws is None else int(max_draws)
        while True:
            self.rhat, self.ess = convergence_diagnostics(self.chains(), [str(j) for j in range(self.n_params)],
                                                          ess_chains=self.walker_chains())
            kept = self.walker_chains().shape[1]
            if bars_met(self.rhat, self.ess, rhat_max, ess_min) or kept >= max_draws:
                break
            logger.info("extending ensembles from %d to %d draws", kept, min(2 * kept, max_draws))
            self._advance(min(kept, max_draws - kept))

    def walker_chains(self) -> np.ndarray:
        """Post-burn-in draws with each walker as a chain: (n_groups * n_walkers, n_steps, d)."""
        per_group = [np.swapaxes(s.get_chain(discard=self._discard), 0, 1) for s in self._samplers]
        return _apply(self._to_params, np.concatenate(per_group, axis=0))

    def chains(self) -> np.ndarray:
        """Post-burn-in draws with each ensemble as a chain, steps in time order and the walkers
        of a step consecutive: (n_groups, n_steps * n_walkers, d). R-hat on this layout
        compares the independent ensembles (split in time), as EH16 compare their 3 chains."""
        return _apply(self._to_params,
                      np.stack([s.get_chain(discard=self._discard).reshape(-1, self.n_params) for s in self._samplers]))

    def acceptance(self) -> float:
        """Fraction of post-burn-in steps in which a walker moved."""
        c = np.concatenate([np.swapaxes(s.get_chain(discard=self._discard), 0, 1) for s in self._samplers])
        return float(np.mean(np.any(np.diff(c, axis=1) != 0, axis=2)))


class HybridGibbsRun:
    """Hybrid-Gibbs sampler of p(theta, vt | data), all chains advanced together.

    ``theta`` are the sampler's coordinates; ``to_params`` (optional) maps them to the model
    parameters reported by :meth:`chains` and used for the diagnostics (same for EnsembleRun).

    log_joint(theta (C, d), vt (C, m)) -> (log posterior (C,), per-tracer vt terms (C, m));
    vt_terms(theta, vt) -> (C, m): the part of the log posterior that depends on each vt;
    vt_scale(theta) -> (C, m): natural size of each vt (e.g. its largest bound value), which
    sets the random-walk step; vt_exact(theta, rng) -> (C, m), optional exact conditional draw.
    """

    def __init__(self, log_joint: Callable, vt_terms: Callable, vt_scale: Callable,
                 theta0: np.ndarray, vt0: np.ndarray, rng: np.random.Generator,
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
                self.vt = self._vt_exact(self.theta, rng)
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
        return _apply(self._to_params, np.concatenate(self._draws, axis=1))

    def vt_draws(self) -> np.ndarray:
        """Thinned draws of the unknown vt: (n_chains * n_kept_vt, m)."""
        if not self._vt_draws:
            return np.empty((0, self.n_vt))
        return np.stack(self._vt_draws, axis=1).reshape(-1, self.n_vt)

    def acceptance_theta(self) -> float:
        return float(np.mean(self._accepted_theta) / max(self._n_kept, 1))

    def acceptance_vt(self) -> float:
        return float(np.mean(self._accepted_vt) / max(self._n_kept, 1)) if self.n_vt else float("nan")


def run_seeded_ensemble(log_prob: Callable, p0: np.ndarray, n_steps: int, rng: np.random.Generator,
                        args: tuple = (), progress: bool = False) -> emcee.EnsembleSampler:
    """Run emcee (``vectorize=True``) from walkers ``p0`` with its random state drawn from ``rng``.

    emcee 3.1.6 keeps its own legacy RandomState, seeded from numpy's global state unless
    it is handed one; seeding it from ``rng`` makes the run a function of ``rng`` alone.
    """
    p0 = np.asarray(p0, float)
    emcee_state = np.random.RandomState(int(rng.integers(0, 2**32 - 1)))
    sampler = emcee.EnsembleSampler(p0.shape[0], p0.shape[1], log_prob, args=args, vectorize=True)
    sampler.run_mcmc(emcee.State(p0, random_state=emcee_state.get_state()), n_steps, progress=progress)
    return sampler
