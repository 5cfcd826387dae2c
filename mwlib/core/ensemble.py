"""emcee ensembles with explicit random streams (Goodman & Weare 2010; Foreman-Mackey et al. 2013).

* :class:`EnsembleRun` -- several independent emcee ensembles with a vectorized log-probability, extended until
  R-hat and ESS meet their bars (used for the marginal posterior of Eadie & Harris 2016, ``sampler="marginal"``);
* :func:`run_seeded_ensemble` -- one emcee run whose every draw comes from a given generator (the fits of Bird
  et al. 2022: the sigma_r exponential, the density and the NFW + baryons fits);
* :class:`DESnookerMove` -- the differential-evolution snooker move of ter Braak & Vrugt (2008) as it should be:
  emcee 3.1.6's divides by sqrt|delta| instead of |delta| and halves the Metropolis factor, so it does not leave
  the target invariant (fixed upstream after that release, dfm/emcee#531).

emcee seeds its internal ``RandomState`` from the global numpy state unless it is given one: here it always gets
one seeded from the caller's generator, through the documented ``emcee.State(..., random_state=...)``.
"""

from __future__ import annotations

import logging
from typing import Callable

import emcee
import numpy as np

from mwlib.core.mcmc_diagnostics import bars_met, convergence_diagnostics

__all__ = ["DESnookerMove", "EnsembleRun", "run_seeded_ensemble", "apply_transform"]

logger = logging.getLogger(__name__)

LogProb = Callable[[np.ndarray], np.ndarray]


def apply_transform(to_params: Callable | None, draws: np.ndarray) -> np.ndarray:
    """Map sampler coordinates (..., d) to model parameters with a row-wise transform."""
    if to_params is None:
        return draws
    return to_params(draws.reshape(-1, draws.shape[-1])).reshape(draws.shape)


def _legacy_random_state(rng: np.random.Generator) -> np.random.RandomState:
    """emcee's legacy ``RandomState`` seeded from the seed sequence of ``rng`` (a child from ``rng.spawn``)."""
    return np.random.RandomState(rng.bit_generator.seed_seq.generate_state(4))


class DESnookerMove(emcee.moves.RedBlueMove):
    """The snooker update of ter Braak & Vrugt (2008) as an emcee move, with the correct algebra.

    emcee 3.1.6's ``DESnookerMove`` divides the difference vector by the square root of its
    length instead of its length and halves the Metropolis factor (fixed upstream after that
    release, dfm/emcee#531); the chain then does not sample the target: on a 4-D standard normal
    its variances come out ~0.73 (tests/test_snooker_move.py), on Scenario XII of the real
    sample gamma's posterior sd ~9% too small. Same interface and random-number use as emcee's
    (nsplits = 4: z, z1, z2 from the three other quarters of the ensemble): the proposal is
    x + gammas (e . (z1 - z2)) e with e = (x - z)/|x - z|, and the factor (d - 1) log(|q - z| / |x - z|).
    """

    def __init__(self, gammas: float = 1.7, **kwargs) -> None:
        self.gammas = gammas
        kwargs["nsplits"] = 4
        super().__init__(**kwargs)

    def get_proposal(self, s, c, random):
        n_s, n_c, ndim = len(s), [len(block) for block in c], s.shape[1]
        q = np.empty_like(s)
        metropolis = np.empty(n_s, dtype=np.float64)
        for i in range(n_s):
            w = np.array([c[j][random.randint(n_c[j])] for j in range(3)])
            random.shuffle(w)
            z, z1, z2 = w
            delta = s[i] - z
            norm = np.linalg.norm(delta)
            e = delta / norm
            q[i] = s[i] + e * self.gammas * (np.dot(e, z1) - np.dot(e, z2))
            metropolis[i] = np.log(np.linalg.norm(q[i] - z)) - np.log(norm)
        return q, (ndim - 1.0) * metropolis


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
    with a snooker update (ter Braak & Vrugt 2008; :class:`DESnookerMove`, not emcee 3.1.6's,
    which does not leave the target invariant), whose autocorrelation time on this problem
    is 2-3 times shorter than the stretch move's.
    """

    def __init__(self, log_prob: LogProb, start: np.ndarray, *, rng: np.random.Generator,
                 moves=None, burn_moves=None, to_params: Callable | None = None) -> None:
        start = np.asarray(start, float)
        self._to_params = to_params
        if start.ndim != 3:
            raise ValueError("start must have shape (n_groups, n_walkers, n_params)")
        self.n_groups, self.n_walkers, self.n_params = start.shape
        self._log_prob = log_prob
        self._moves = moves if moves is not None else [(emcee.moves.DEMove(), 0.8), (DESnookerMove(), 0.2)]
        self._burn_moves = burn_moves if burn_moves is not None else emcee.moves.StretchMove()
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        *children, restart = rng.spawn(self.n_groups + 1)  # one stream per ensemble, one for the restarts
        self._states = [emcee.State(start[g], random_state=_legacy_random_state(children[g]).get_state())
                        for g in range(self.n_groups)]
        self._restart_rng = _legacy_random_state(restart)
        self._samplers = [self._new_sampler(self._moves) for _ in range(self.n_groups)]
        self._discard = 0  # steps of self._samplers that belong to the burn-in

    def _new_sampler(self, moves) -> emcee.EnsembleSampler:
        return emcee.EnsembleSampler(self.n_walkers, self.n_params, self._log_prob, vectorize=True, moves=moves)

    def _advance(self, n_steps: int, samplers: list | None = None) -> None:
        for g, sampler in enumerate(samplers or self._samplers):
            self._states[g] = sampler.run_mcmc(self._states[g], n_steps, progress=False,
                                               skip_initial_state_check=True)

    def _restart_stragglers(self, *, rng: np.random.RandomState) -> int:
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
            moved = self._restart_stragglers(rng=self._restart_rng)
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
        return apply_transform(self._to_params, np.concatenate(per_group, axis=0))

    def chains(self) -> np.ndarray:
        """Post-burn-in draws with each ensemble as a chain, steps in time order and the walkers
        of a step consecutive: (n_groups, n_steps * n_walkers, d). R-hat on this layout
        compares the independent ensembles (split in time), as EH16 compare their 3 chains."""
        return apply_transform(self._to_params,
                      np.stack([s.get_chain(discard=self._discard).reshape(-1, self.n_params) for s in self._samplers]))

    def acceptance(self) -> float:
        """Fraction of post-burn-in steps in which a walker moved."""
        c = np.concatenate([np.swapaxes(s.get_chain(discard=self._discard), 0, 1) for s in self._samplers])
        return float(np.mean(np.any(np.diff(c, axis=1) != 0, axis=2)))


def run_seeded_ensemble(log_prob: Callable, p0: np.ndarray, n_steps: int, *, rng: np.random.Generator,
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
