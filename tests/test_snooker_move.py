"""The snooker move of the emcee-based marginal sampler leaves the target invariant."""

from __future__ import annotations

import emcee
import numpy as np

from mwlib.core.ensemble import DESnookerMove


def _run(move, n_steps=3000, seed=2):
    sampler = emcee.EnsembleSampler(48, 4, lambda x: -0.5 * np.sum(x * x, axis=1), vectorize=True, moves=[(move, 1.0)])
    start = emcee.State(np.random.default_rng(1).standard_normal((48, 4)),
                        random_state=np.random.RandomState(seed).get_state())
    sampler.run_mcmc(start, n_steps, progress=False)
    return sampler.get_chain(discard=500).reshape(-1, 4)


def test_snooker_alone_samples_a_standard_normal():
    draws = _run(DESnookerMove())
    np.testing.assert_allclose(draws.var(axis=0), 1.0, atol=0.06)  # emcee 3.1.6's move gives ~0.73
    np.testing.assert_allclose(draws.mean(axis=0), 0.0, atol=0.06)
