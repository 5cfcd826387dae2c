"""Does the likelihood of Eadie & Harris (2016) recover alpha? A mock study of their Eq. 16.

EH16's likelihood (their Eq. 16) is the DF at the data, not normalized over the radial range of the sample.
With alpha free, r^-alpha is larger at r > 1 kpc for smaller alpha, so that likelihood rewards small alpha.
:func:`alpha_recovery` draws mocks like the real sample (the exact DF sampler of :mod:`mwlib.eh16.df_mocks`,
its size, radial range and line-of-sight-only count, the outermost tracers without v_t) with a known alpha and
fits Scenario IX with both likelihoods (``likelihood="paper"`` and ``"normalized"``, :mod:`mwlib.eh16.posterior`)
and two priors on alpha, in batched fits (:func:`mwlib.eh16.fit.fit_batch`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from astropy.table import Table

from mwlib.eh16.df_mocks import hide_tangential_velocity, sample_power_law_df
from mwlib.eh16.fit import fit_batch
from mwlib.eh16.model import mass_enclosed
from mwlib.eh16.scenarios import BETA_PRIOR, SCENARIOS, Scenario

__all__ = ["MOCK_TRUTH", "mock_samples", "alpha_recovery"]

#: The truth of the mocks: Group 1's fixed gamma and alpha, a beta and Phi_o near the real sample's.
MOCK_TRUTH: dict[str, float] = {"phi0": 40.0, "gamma": 0.5, "alpha": 3.5, "beta": 0.3}


def mock_samples(n_mocks: int, *, rng: np.random.Generator, n_tracers: int = 89, n_los: int = 18,
                 r_range_kpc: tuple[float, float] = (0.5, 125.0), truth: Mapping[str, float] = MOCK_TRUTH
                 ) -> list[dict[str, np.ndarray]]:
    """``n_mocks`` mock samples from the exact DF, the ``n_los`` outermost tracers without v_t."""
    out = []
    for child in rng.spawn(n_mocks):
        mock = sample_power_law_df(n_tracers, truth["phi0"], truth["gamma"], truth["alpha"], truth["beta"],
                                   *r_range_kpc, rng=child)
        out.append(hide_tangential_velocity(mock, count=n_los, selection="outermost"))
    return out


def alpha_recovery(alpha_prior: tuple[float, float], *, rng: np.random.Generator, n_mocks: int = 20,
                   truth: Mapping[str, float] = MOCK_TRUTH, flat_alpha: tuple[float, float] = (3.0, 4.5),
                   r_range_kpc: tuple[float, float] = (0.5, 125.0), **fit_kwargs) -> Table:
    """Mean alpha, its bias in posterior standard deviations, and the median M125 bias, averaged over
    ``n_mocks`` mocks, for each (alpha prior, likelihood): the real sample's Gamma prior ``alpha_prior`` and a
    flat prior on ``flat_alpha``; the paper's and the normalized likelihood (normalized over the mocks' radial
    range ``r_range_kpc``, the range they are drawn on)."""
    mock_rng, fit_rng = rng.spawn(2)
    mocks = mock_samples(n_mocks, rng=mock_rng, truth=truth, r_range_kpc=r_range_kpc)
    true_m125 = float(mass_enclosed(125.0, truth["phi0"], truth["gamma"]))
    priors = {"Gamma prior (the real sample's)": (SCENARIOS["IX"], alpha_prior),
              f"flat alpha in [{flat_alpha[0]:g}, {flat_alpha[1]:g}]":
                  (Scenario(gamma=0.5, alpha=flat_alpha, beta=BETA_PRIOR, name="IX flat"), None)}
    rows = []
    for (label, (scenario, prior)), prior_rng in zip(priors.items(), fit_rng.spawn(len(priors))):
        for likelihood, like_rng in zip(("paper", "normalized"), prior_rng.spawn(2)):
            fits = fit_batch(mocks, scenario, rngs=like_rng.spawn(n_mocks), alpha_prior=prior,
                             likelihood=likelihood, r_range_kpc=r_range_kpc, warn=False, **fit_kwargs)
            alpha = np.array([f.samples["alpha"].mean() for f in fits])
            pull = np.array([(f.samples["alpha"].mean() - truth["alpha"]) / f.samples["alpha"].std() for f in fits])
            m125 = np.array([np.median(f.mass(125.0)) / true_m125 - 1 for f in fits])
            rows.append((label, likelihood, n_mocks, alpha.mean(), pull.mean(), np.median(m125),
                         sum(f.converged for f in fits)))
    table = Table(rows=rows, names=("alpha prior", "likelihood", "mocks", "alpha mean", "alpha bias [sd]",
                                    "median M125 bias", "converged"))
    for col, fmt in (("alpha mean", ".2f"), ("alpha bias [sd]", "+.2f"), ("median M125 bias", "+.1%")):
        table[col].info.format = fmt
    return table
